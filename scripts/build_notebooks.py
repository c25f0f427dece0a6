"""Rebuild the executed notebooks from their jupytext sources.

    python scripts/build_notebooks.py            # every notebooks/NN_*.py
    python scripts/build_notebooks.py 01 03      # only those numbers

For each ``notebooks/NN_name.py`` (py:percent, the file you edit and review) this writes
``notebooks/NN_name.ipynb``: the same cells, executed top to bottom in a fresh kernel
(Restart & Run All), with outputs and execution counts 1..n kept, and the course metadata
(kernel, jupytext pairing, RISE slide settings) set. It prints the wall time per notebook.

A code cell tagged ``hide-input`` gets ``jupyter.source_hidden: true``, so JupyterLab and its
RISE slideshow show its input collapsed (the static decks of scripts/build_slides.py show only
its output).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# RISE (live slides from JupyterLab): a projector-friendly size, scrolling for long cells.
# 1280×800 is the logical slide size reveal.js scales to fit (16:10 projectors and laptops).
RISE = {"theme": "white", "transition": "none", "scroll": True, "width": 1280,
        "height": 800, "slideNumber": "c/t", "enable_chalkboard": False,
        "start_slideshow_at": "beginning"}


def sources(selected: list[str]) -> list[Path]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    if selected:
        paths = [p for p in paths if any(p.name.startswith(s) for s in selected)]
    return paths


def course_metadata(nb) -> None:
    """Set the notebook-level metadata every course notebook carries."""
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    nb.metadata["jupytext"].pop("text_representation", None)
    nb.metadata["rise"] = RISE


def hide_inputs(nb) -> None:
    """Collapse the input of every code cell tagged hide-input (and only those)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        jupyter = cell.metadata.get("jupyter", {})
        if "hide-input" in cell.metadata.get("tags", []):
            jupyter["source_hidden"] = True
        else:
            jupyter.pop("source_hidden", None)
        if jupyter:
            cell.metadata["jupyter"] = jupyter
        else:
            cell.metadata.pop("jupyter", None)


def build(src: Path) -> float:
    nb = jupytext.read(src)
    course_metadata(nb)
    hide_inputs(nb)
    t0 = time.perf_counter()
    client = NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    seconds = time.perf_counter() - t0
    nb.metadata["language_info"] = {"name": "python"}  # drop the exact-version noise
    nbformat.write(nb, src.with_suffix(".ipynb"))
    return seconds


def main(argv: list[str]) -> int:
    paths = sources(argv)
    if not paths:
        print("build_notebooks: no notebook sources matched", argv)
        return 1
    for src in paths:
        seconds = build(src)
        print(f"{src.name:45s} executed in {seconds:5.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
