"""Reading course notebooks in tests (no execution)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def source_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def read(path: Path):
    return nbformat.read(path, as_version=4)


def markdown_headings(nb) -> list[tuple[int, str]]:
    """(level, text) of every markdown heading, skipping fenced code blocks."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.strip().startswith("```"):
                fenced = not fenced
                continue
            m = re.match(r"^(#{1,6})\s+(.*)", line)
            if m and not fenced:
                out.append((len(m.group(1)), m.group(2).strip()))
    return out


def output_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append(out["text"])
        for key, val in out.get("data", {}).items():
            if key.startswith("text/"):
                parts.append(val if isinstance(val, str) else "".join(val))
    return "\n".join(parts)


def has_image(cell) -> bool:
    return any(k.startswith("image/") for o in cell.get("outputs", []) for k in o.get("data", {}))


def has_widget(cell) -> bool:
    return any(WIDGET_MIME in o.get("data", {}) for o in cell.get("outputs", []))


def load_figure_script(number: str):
    """Import ``scripts/figures_nbNN.py`` (not a package) as a module."""
    path = ROOT / "scripts" / f"figures_nb{number}.py"
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
