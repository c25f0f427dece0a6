"""Every notebook gives the same checked outputs with another BLAS kernel.

The committed outputs come from one machine, where numpy's OpenBLAS picks the matrix kernel that
suits its CPU. A learner on Colab or Binder gets another CPU, so another kernel: the same sums
are added in another order and the last bits of every product differ. A lesson whose printed
numbers or ✓ claims change with those bits (a training run at the edge of stability, a claim
whose threshold the result straddles) would show the learner other numbers than the prose, and
fail nbval there. This test re-runs nbval on each notebook with OpenBLAS forced to another
kernel (OPENBLAS_CORETYPE), in a fresh process, since the kernel is chosen when numpy loads.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys

import pytest
from notebook_tools import ROOT, notebook_paths

pytestmark = pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"),
                                reason="OpenBLAS kernel names below are x86-64 ones")


def blas_architecture(env) -> str:
    """The kernel numpy's OpenBLAS picks in a fresh process with ``env`` ('' if unknown)."""
    code = ("import numpy, threadpoolctl; print(next((p.get('architecture') or '' for p in "
            "threadpoolctl.threadpool_info() if p['internal_api'] == 'openblas'), ''))")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture(scope="module")
def other_kernel_env():
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    own = blas_architecture(env)
    if not own:
        pytest.skip("numpy is not linked to OpenBLAS here")
    # Sandybridge (AVX) runs on every x86-64 CPU of the last decade; on a CPU whose own kernel
    # it already is, take the older Nehalem (SSE4) one.
    env["OPENBLAS_CORETYPE"] = "Nehalem" if own.lower() == "sandybridge" else "Sandybridge"
    forced = blas_architecture(env)
    if forced.lower() == own.lower():
        pytest.skip(f"OpenBLAS did not switch kernels ({own})")
    return env


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.name[:2])
def test_checked_outputs_do_not_depend_on_the_blas_kernel(path, other_kernel_env):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", str(path.relative_to(ROOT))],
        cwd=ROOT, env=other_kernel_env, capture_output=True, text=True)
    stdout = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)          # nbval's colours
    failed = [line for line in stdout.splitlines() if line.startswith("FAILED")]
    assert result.returncode == 0, (
        f"{path.name} with OPENBLAS_CORETYPE={other_kernel_env['OPENBLAS_CORETYPE']}: "
        + ("; ".join(failed) or stdout[-2000:]))
