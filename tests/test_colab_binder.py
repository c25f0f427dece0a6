"""Binder and Colab: links on every title cell (plain links: badge images break offline decks
and the live title slide), and the guarded Colab install cell."""

from __future__ import annotations

import pytest
from notebook_tools import ROOT, notebook_paths, read

REPO = "backprop-by-hand/backprop-by-hand"


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_title_cell_carries_binder_and_colab_badges_for_this_notebook(path):
    title = read(path).cells[0].source
    assert f"colab.research.google.com/github/{REPO}/blob/main/notebooks/{path.name}" in title
    assert f"mybinder.org/v2/gh/{REPO}/main?urlpath=lab/tree/notebooks/{path.name}" in title
    assert "![" not in title and "<img" not in title, "title cell: plain links, not badge images"


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_first_code_cell_installs_helpers_only_in_colab(path):
    first = next(c for c in read(path).cells if c.cell_type == "code")
    src = first.source
    assert 'if "google.colab" in sys.modules' in src
    assert f"git+https://github.com/{REPO}" in src
    assert first.metadata["slideshow"]["slide_type"] == "skip"
    assert first.outputs == [], "outside Colab the cell must do nothing"


def test_colab_cell_does_nothing_outside_colab():
    first = next(c for c in read(notebook_paths()[0]).cells if c.cell_type == "code")
    calls = []
    import subprocess
    real = subprocess.run
    subprocess.run = lambda *a, **k: calls.append(a)
    try:
        exec(compile(first.source, "colab_cell", "exec"), {})
    finally:
        subprocess.run = real
    assert calls == []


def test_readme_carries_both_badges():
    readme = (ROOT / "README.md").read_text()
    assert "mybinder.org/badge_logo.svg" in readme and "colab-badge.svg" in readme
