"""The offline slide decks (`make slides`), tested as a lecturer uses them.

Fast tests (no browser): the deck rendering rules of scripts/build_slides.py (hide-input,
solution cells, links, title slide), the course map and glossary pages, the hide-input
metadata of scripts/build_notebooks.py, and the Korean font's coverage of the course's text.

Browser tests (marker `browser`; Chromium at /usr/bin/chromium): every deck is built once and
stepped through slide by slide at 1280×800 and 1024×768 with scripts/deck_audit.py (one browser,
one page per size, reused): no slide overflows or cuts anything, none shows more than 12 lines
of code, body text is at least 20 px at 1280×800, every slide has a heading and every section
slide speaker notes, links resolve inside build/slides/, the bundled Korean font loads and
nothing is requested outside the deck's folder. One deck is printed to PDF: one page per slide.

Run one deck: pytest tests/test_decks.py -k 06
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from notebook_tools import ROOT, notebook_paths

sys.path.insert(0, str(ROOT / "scripts"))
import build_notebooks  # noqa: E402
import build_slides  # noqa: E402
import deck_audit  # noqa: E402
import subset_font  # noqa: E402

DECKS = build_slides.DECKS
PATHS = notebook_paths()
IDS = [p.stem for p in PATHS]


# ------------------------------------------------------------------ rules (no browser needed)

def _notebook():
    nb = nbformat.v4.new_notebook()
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb.cells = [
        md("# 06 — Title\n\n[![Open in Colab](https://x/badge.svg)](https://colab/x) "
           "[Glossary](../GLOSSARY.md)"),
        md("See [02](02_sigmoid_and_staged_computation.ipynb#Key-terms), the "
           "[map](../README.md), ![f](../figures/nb06_unrolled.png) and "
           "[a layer](../helpers/layers/rnn.py)."),
        code("plot()", metadata={"tags": ["hide-input"]}),
        code("shown()"),
        md("<details><summary>Solution</summary>\n\nsecret\n\n</details>",
           metadata={"tags": ["solution"], "slideshow": {"slide_type": "skip"}}),
    ]
    return nb


def test_deck_rules_hide_input_drop_solutions_and_relink():
    deck = build_slides.for_deck(_notebook(), "06")
    sources = [c.source for c in deck.cells]
    assert sources[0].startswith('<p class="deck-course">Backprop by Hand · Notebook 06</p>')
    assert "[Open in Colab](https://colab/x)" in sources[0], "badge images become plain links"
    assert "glossary.html" in sources[0]
    assert "02_sigmoid_and_staged_computation.slides.html#Key-terms" in sources[1]
    assert "](index.html)" in sources[1] and "](figures/nb06_unrolled.png)" in sources[1]
    assert build_slides.REPO_URL + "helpers/layers/rnn.py" in sources[1]
    assert deck.cells[2].metadata["transient"] == {"remove_source": True}
    assert "transient" not in deck.cells[3].metadata
    assert not any("secret" in s for s in sources), "solution cells never reach a deck"


def test_hide_input_cells_are_collapsed_in_the_built_notebook():
    nb = _notebook()
    nb.cells[3].metadata["jupyter"] = {"source_hidden": True}  # stale: no tag any more
    build_notebooks.hide_inputs(nb)
    assert nb.cells[2].metadata["jupyter"] == {"source_hidden": True}
    assert "jupyter" not in nb.cells[3].metadata


def test_korean_font_covers_every_hangul_character_of_the_course():
    assert subset_font.OUT.exists() and (ROOT / "fonts" / "OFL.txt").exists()
    assert subset_font.missing() == [], "rerun scripts/subset_font.py"


# ------------------------------------------------------------------ built decks in Chromium

@pytest.fixture(scope="module")
def built():
    """Build every deck, the course map and the glossary once."""
    if shutil.which("npm") is None and not (DECKS / "vendor" / "VERSIONS.txt").exists():
        pytest.skip("npm not found: the decks' reveal.js and MathJax are vendored with npm")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_slides.py")], check=True,
                   cwd=ROOT, capture_output=True)
    return DECKS


def test_course_map_and_glossary_pages_link_inside_the_deck_folder(built):
    index = (built / "index.html").read_text(encoding="utf-8")
    for path in PATHS:
        assert f'href="{path.stem}.slides.html"' in index
    for page in ("index.html", "glossary.html"):
        text = (built / page).read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]+)"', text):
            if not href.startswith(("http:", "https:", "#")):
                assert (built / href.split("#")[0]).exists(), f"{page}: {href}"


NEEDS_BROWSER = [pytest.mark.browser,
                 pytest.mark.skipif(not Path(deck_audit.CHROMIUM).exists(),
                                    reason="Chromium not found at /usr/bin/chromium")]


@pytest.fixture(scope="module")
def pages(built):
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with deck_audit.open_pages() as pages:
        yield pages


REPORTS: dict[str, deck_audit.DeckReport] = {}


def _report(pages, path: Path) -> deck_audit.DeckReport:
    if path.stem not in REPORTS:
        REPORTS[path.stem] = deck_audit.audit_deck(pages, DECKS / f"{path.stem}.slides.html")
    return REPORTS[path.stem]


def _problems(report, *kinds: str) -> str:
    """The audit's problem lines of these kinds, one per line ('' when there are none)."""
    return "\n".join(p for p in report.problems if any(f": {k}:" in p for k in kinds))


def in_browser(test):
    """Per-deck browser test (functions, not a class: pytest-xdist's --dist loadscope then keeps
    the whole module, and its one build of the decks, on one worker)."""
    for mark in reversed(NEEDS_BROWSER):
        test = mark(test)
    return pytest.mark.parametrize("path", PATHS, ids=IDS)(test)


@in_browser
def test_every_slide_fits_both_screens(pages, path):
    problems = _problems(_report(pages, path), "overflow", "cut", "empty")
    assert not problems, "\n" + problems


@in_browser
def test_no_slide_shows_more_than_12_lines_of_code(pages, path):
    problems = _problems(_report(pages, path), "code wall")
    assert not problems, "\n" + problems


@in_browser
def test_body_text_is_at_least_20px_at_1280x800(pages, path):
    problems = _problems(_report(pages, path), "small text")
    assert not problems, "\n" + problems


@in_browser
def test_every_slide_has_a_heading_and_every_section_speaker_notes(pages, path):
    problems = _problems(_report(pages, path), "no heading", "no notes")
    assert not problems, "\n" + problems


@in_browser
def test_arrow_keys_reach_every_slide(pages, path):
    missed = [p for p in _report(pages, path).problems if "ArrowRight" in p]
    assert not missed, "\n" + "\n".join(missed)


@in_browser
def test_links_resolve_font_loads_and_nothing_is_fetched_from_outside(pages, path):
    deck_wide = [p for p in _report(pages, path).problems
                 if "link does not resolve" in p or "Korean" in p or "request outside" in p]
    assert not deck_wide, "\n" + "\n".join(deck_wide)


@NEEDS_BROWSER[0]
@NEEDS_BROWSER[1]
def test_a_deck_prints_to_pdf_one_page_per_slide(pages):
    import make_pdf
    page = pages["1280x800"]
    deck = DECKS / f"{PATHS[0].stem}.slides.html"
    out, count, slides, _ = make_pdf.print_deck(page, deck)
    assert count == slides > 5, f"{out.name}: {count} pages for {slides} slides"
