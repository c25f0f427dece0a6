import sys
from pathlib import Path

# Tests import their helpers (notebook_tools) from this folder. Do not set MPLBACKEND here:
# the notebook kernels nbval starts inherit the environment and must keep the inline backend
# (matplotlib picks Agg by itself when there is no display).
sys.path.insert(0, str(Path(__file__).parent))

collect_ignore_glob = ["../notebooks/.ipynb_checkpoints/*"]
