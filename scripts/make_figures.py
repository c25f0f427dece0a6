"""Regenerate every static figure in figures/ from code.

Each ``scripts/figures_nbNN.py`` module defines ``main(outdir: Path) -> list[Path]`` that writes
the figures its notebook's markdown uses and returns their paths. This script runs them all.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures"


def figure_modules() -> list[Path]:
    return sorted((ROOT / "scripts").glob("figures_nb[0-9][0-9].py"))


def run(path: Path, outdir: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.main(outdir))


def main(argv: list[str]) -> int:
    """``make_figures.py [OUTDIR]`` (default figures/); OUTDIR lets tests write elsewhere."""
    outdir = Path(argv[0]).resolve() if argv else FIGURES
    outdir.mkdir(parents=True, exist_ok=True)
    for path in figure_modules():
        for fig in run(path, outdir):
            shown = fig.relative_to(ROOT) if fig.is_relative_to(ROOT) else fig.name
            print(f"{path.stem}: wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
