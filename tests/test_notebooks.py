"""Every notebook: in sync with its jupytext source, cleanly executed, and in the course anatomy
of CONVENTIONS.md. (Execution itself is checked by nbval, which pytest runs on notebooks/.)"""

from __future__ import annotations

import re

import jupytext
import pytest
from notebook_tools import (
    HANGUL,
    NOTEBOOKS,
    has_image,
    has_widget,
    markdown_headings,
    notebook_paths,
    output_text,
    read,
    source_paths,
)

NOTEBOOK_IDS = [p.stem for p in notebook_paths()]
REQUIRED_SECTIONS = ["learning goals", "prerequisites", "key terms", "your turn",
                     "what to remember"]
ABS_PATH = re.compile(r"(/root/|/home/\w+|/work/|/tmp/[\w.-]+/|/Users/|[A-Z]:\\\\)")


def test_there_are_notebooks():
    assert NOTEBOOK_IDS, "no notebooks/NN_*.ipynb found"


def test_every_source_has_a_notebook_and_back():
    assert [p.stem for p in source_paths()] == NOTEBOOK_IDS


@pytest.fixture(params=NOTEBOOK_IDS)
def nb_path(request):
    return NOTEBOOKS / f"{request.param}.ipynb"


def test_notebook_matches_its_source(nb_path):
    built = read(nb_path)
    src = jupytext.read(nb_path.with_suffix(".py"))
    assert len(built.cells) == len(src.cells), "cell count differs: run `make notebooks`"
    for i, (a, b) in enumerate(zip(built.cells, src.cells, strict=True)):
        assert a.cell_type == b.cell_type, f"cell {i}: type differs: run `make notebooks`"
        assert a.source == b.source, f"cell {i}: source differs: run `make notebooks`"
        for key in ("slideshow", "tags"):
            assert a.metadata.get(key) == b.metadata.get(key), f"cell {i}: metadata {key} differs"


def test_execution_counts_run_one_to_n(nb_path):
    counts = [c.execution_count for c in read(nb_path).cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "not a clean Restart & Run All"


def test_one_h1_and_headings_in_order(nb_path):
    headings = markdown_headings(read(nb_path))
    assert [lvl for lvl, _ in headings].count(1) == 1, "want exactly one H1"
    assert headings[0][0] == 1, "the first heading must be the H1 title"
    for (prev, _), (lvl, text) in zip(headings, headings[1:], strict=False):
        assert lvl <= prev + 1, f"heading '{text}' skips a level (H{prev} → H{lvl})"


def test_required_sections(nb_path):
    titles = [t.lower() for _, t in markdown_headings(read(nb_path))]
    for section in REQUIRED_SECTIONS:
        assert any(section in t for t in titles), f"no '{section}' heading"


def test_key_terms_carry_korean(nb_path):
    nb = read(nb_path)
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    key = next(s for s in md if re.search(r"^#+\s+key terms", s, re.I | re.M))
    assert len(HANGUL.findall(key)) >= 6, "key terms need their Korean names"


def test_every_cell_has_slide_metadata(nb_path):
    allowed = {"slide", "subslide", "fragment", "skip", "notes", "-"}
    for i, cell in enumerate(read(nb_path).cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        assert kind in allowed, f"cell {i} lacks slideshow.slide_type"
    assert read(nb_path).cells[0].metadata["slideshow"]["slide_type"] == "slide"


def test_outputs_are_clean(nb_path):
    for i, cell in enumerate(read(nb_path).cells):
        if cell.cell_type != "code":
            continue
        assert not any(o.output_type == "error" for o in cell.outputs), f"cell {i} errored"
        assert not any(o.get("name") == "stderr" for o in cell.outputs), f"cell {i} wrote stderr"
        text = output_text(cell)
        assert not ABS_PATH.search(text), f"cell {i} shows a machine path"
        assert not re.search(r" at 0x[0-9a-f]+>", text), f"cell {i} shows a memory address"


def test_widget_cells_are_ignored_by_nbval(nb_path):
    for i, cell in enumerate(read(nb_path).cells):
        if cell.cell_type == "code" and has_widget(cell):
            assert "nbval-ignore-output" in cell.metadata.get("tags", []), f"cell {i}"


def test_every_figure_has_a_sentence_under_it(nb_path):
    cells = read(nb_path).cells
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and has_image(cell):
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            assert nxt is not None and nxt.cell_type == "markdown" and len(nxt.source) > 20, \
                f"figure in cell {i} has no caption sentence under it"


def test_notebook_has_a_widget_and_a_gradient_check(nb_path):
    nb = read(nb_path)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert any(has_widget(c) for c in nb.cells if c.cell_type == "code"), "no widget"
    assert re.search(r"rel_error|check_layer|numerical_gradient", code), "no gradient check"


def test_notebook_links_to_the_next_one(nb_path):
    number = int(nb_path.name[:2])
    nxt = [p for p in notebook_paths() if int(p.name[:2]) == number + 1]
    if not nxt:
        pytest.skip("last notebook")
    md = "\n".join(c.source for c in read(nb_path).cells if c.cell_type == "markdown")
    assert nxt[0].name in md, f"no link to {nxt[0].name}"
