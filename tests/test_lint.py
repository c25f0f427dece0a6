import shutil
import subprocess
from pathlib import Path

import pytest
from notebook_tools import ROOT


def test_code_is_ruff_clean():
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (it comes with the 'author' extra)")
    run = subprocess.run([ruff, "check", "helpers", "tests", "scripts", "bench"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-1000:]
