"""Notebook 06's static figures: the script writes every figure the notebook's markdown links."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]


def load_script():
    path = ROOT / "scripts" / "figures_nb06.py"
    spec = importlib.util.spec_from_file_location("figures_nb06", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_writes_every_linked_figure(tmp_path):
    written = {p.name for p in load_script().main(tmp_path)}
    assert all((tmp_path / name).stat().st_size > 10_000 for name in written)
    nb = jupytext.read(ROOT / "notebooks" / "06_backprop_through_time.py")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    linked = set(re.findall(r"\(\.\./figures/(nb06_[\w.]+\.png)\)", markdown))
    assert linked == {"nb06_unrolled.png"}
    assert linked <= written
    for name in linked:
        assert (ROOT / "figures" / name).is_file()


def test_unrolled_figure_is_titled():
    fig = load_script().unrolled_figure(steps=3)
    assert fig.axes[0].get_title()
