"""Are the notebooks as fast outside `make` as under it? (`make bench-threads`)

The Makefile exports OPENBLAS_NUM_THREADS=1 (and OMP/MKL); Colab, Binder and a plain
`jupyter lab` don't. Since `import helpers` limits BLAS to one thread itself (threadpoolctl),
a notebook should take about as long either way. This script executes every notebook in a
fresh kernel, alternately WITH the thread variables and WITHOUT them, while one busy process
occupies a core (as a browser or another kernel would), and prints both times per notebook
and their ratio (the course's bar: at most 1.3).

    python bench/bench_threads.py            # every notebook, 2 rounds
    python bench/bench_threads.py 06 07 -r 3 # some notebooks, 3 rounds
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# Executes one notebook in a fresh kernel (which inherits this child's environment) and prints
# the wall time of the execution alone.
RUNNER = """
import sys, time, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
client = NotebookClient(nb, timeout=600, kernel_name="python3",
                        resources={"metadata": {"path": sys.argv[2]}})
t0 = time.perf_counter()
client.execute()
print(time.perf_counter() - t0)
"""


def busy(stop) -> None:
    """Keep one core busy until told to stop."""
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x += 1


def execute(path: Path, with_variables: bool) -> float:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    if with_variables:
        env.update({name: "1" for name in THREAD_VARIABLES})
    out = subprocess.run([sys.executable, "-c", RUNNER, str(path), str(NOTEBOOKS)], env=env,
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("numbers", nargs="*", help="notebook numbers (default: all)")
    parser.add_argument("-r", "--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if args.numbers:
        paths = [p for p in paths if p.name[:2] in args.numbers]
    stop = mp.Event()
    hog = mp.Process(target=busy, args=(stop,), daemon=True)
    hog.start()
    print(f"one busy process beside each run; {args.rounds} alternating rounds; median seconds")
    print(f"{'notebook':42s} {'with vars':>10s} {'without':>10s} {'ratio':>6s}")
    try:
        for path in paths:
            times = {True: [], False: []}
            for r in range(args.rounds):
                order = (True, False) if r % 2 == 0 else (False, True)
                for with_variables in order:
                    times[with_variables].append(execute(path, with_variables))
            a, b = statistics.median(times[True]), statistics.median(times[False])
            print(f"{path.stem:42s} {a:10.1f} {b:10.1f} {b / a:6.2f}", flush=True)
    finally:
        stop.set()
        hog.join(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
