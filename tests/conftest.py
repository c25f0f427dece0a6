import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).parent))

collect_ignore_glob = ["../notebooks/.ipynb_checkpoints/*"]
