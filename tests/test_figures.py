"""Static figures: every one a notebook shows exists, has alt text, and is made by code."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from notebook_tools import ROOT, notebook_paths, read

MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.I)


def referenced_images(path):
    """(alt, src) of every image a notebook's markdown shows."""
    found = []
    for cell in read(path).cells:
        if cell.cell_type != "markdown":
            continue
        found += MD_IMAGE.findall(cell.source)
        for tag in HTML_IMAGE.findall(cell.source):
            src = re.search(r'src="([^"]+)"', tag)
            alt = re.search(r'alt="([^"]*)"', tag)
            found.append((alt.group(1) if alt else "", src.group(1) if src else ""))
    return [(alt, src) for alt, src in found if not src.startswith(("http:", "https:"))]


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_every_referenced_figure_exists_and_has_alt_text(path):
    for alt, src in referenced_images(path):
        assert (path.parent / src).resolve().is_file(), f"{path.name} shows missing {src}"
        assert len(alt.strip()) >= 15, f"{path.name}: {src} needs alt text saying what it shows"


def test_figure_script_regenerates_every_referenced_figure(tmp_path):
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_figures.py"),
                          str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    made = {p.name for p in tmp_path.iterdir()}
    for path in notebook_paths():
        for _, src in referenced_images(path):
            if "figures/" in src:
                assert src.rsplit("/", 1)[-1] in made, f"{src} is not produced by make_figures"


def test_every_committed_figure_is_produced_by_the_script(tmp_path_factory):
    committed = {p.name for p in (ROOT / "figures").glob("*.png")}
    scripts = "\n".join(p.read_text() for p in (ROOT / "scripts").glob("figures_nb*.py"))
    for name in committed:
        stem = name.rsplit(".", 1)[0]
        assert stem in scripts or name in scripts, f"figures/{name} is not made by any script"
