"""Print every built deck to PDF: one slide per page, through reveal.js's print mode.

    .venv/bin/python scripts/build_slides.py && .venv/bin/python scripts/make_pdf.py   (make pdf)
    .venv/bin/python scripts/make_pdf.py build/slides/06_backprop_through_time.slides.html
    .venv/bin/python scripts/make_pdf.py --notes        # lecturer's copy: notes after each slide

Writes build/pdf/NN_slug.pdf (with --notes: NN_slug.notes.pdf) and prints the page count of
each. The deck is opened as NN_slug.slides.html?print-pdf in the headless Chromium the tests use
(/usr/bin/chromium via playwright, never `playwright install`): reveal.js lays every slide out
on its own 1331×832 px page (the 1280×800 slide plus reveal's margin) with all fragments shown.
A slide taller than its page would be cut: such slides are listed (fix them with
scripts/deck_audit.py) and the exit code is 1.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from deck_audit import DECKS, open_pages  # noqa: E402

PDFS = ROOT / "build" / "pdf"

# After reveal's print layout: centre every slide again on its page (in case a font arrived
# late) and report the slides that do not fit their page.
PRINT_JS = r"""
async () => {
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const cut = [];
  document.querySelectorAll('.pdf-page').forEach((page, i) => {
    const slide = page.querySelector('section:not(.stack)');
    if (!slide) return;
    const pageHeight = page.clientHeight;
    const height = slide.scrollHeight;
    slide.style.top = Math.max((pageHeight - height) / 2, 0) + 'px';
    const heading = slide.querySelector('h1, h2, h3, h4');
    const label = (heading ? heading.textContent : slide.innerText).replace('¶', '')
                  .replace(/\s+/g, ' ').trim();
    if (height > pageHeight + 2) cut.push(`page ${i + 1} "${label.slice(0, 50)}": `
                                           + `${height} px tall (page ${pageHeight})`);
    if (slide.scrollWidth > slide.clientWidth + 2) cut.push(`page ${i + 1} "${label.slice(0, 50)}"`
                                           + `: ${slide.scrollWidth} px wide`);
  });
  return {pages: document.querySelectorAll('.pdf-page').length, cut,
          slides: Reveal.getTotalSlides()};
}
"""


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", path.read_bytes()))


def print_deck(page, deck: Path, notes: bool = False) -> tuple[Path, int, int, list[str]]:
    query = "?print-pdf&showNotes=separate-page" if notes else "?print-pdf"
    page.goto(deck.resolve().as_uri() + query, wait_until="load")
    page.wait_for_function("window.Reveal && Reveal.isReady() && "
                           "document.querySelectorAll('.pdf-page').length > 0", timeout=60_000)
    result = page.evaluate(PRINT_JS)
    PDFS.mkdir(parents=True, exist_ok=True)
    out = PDFS / (deck.name.replace(".slides.html", ".notes.pdf" if notes else ".pdf"))
    page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
    return out, pdf_pages(out), result["slides"], result["cut"]


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("decks", nargs="*", type=Path, help="default: every build/slides deck")
    ap.add_argument("--notes", action="store_true", help="a notes page after each slide")
    args = ap.parse_args(argv)
    decks = args.decks or sorted(DECKS.glob("[0-9][0-9]_*.slides.html"))
    if not decks:
        sys.exit("make_pdf: no decks in build/slides/ (run scripts/build_slides.py first)")
    bad = 0
    with open_pages(((1280, 800),)) as pages:
        page = next(iter(pages.values()))
        for deck in decks:
            out, count, slides, cut = print_deck(page, deck, args.notes)
            extra = "" if args.notes or count == slides else f"  (deck has {slides} slides!)"
            print(f"{out.relative_to(ROOT)}  {count} pages{extra}")
            for line in cut:
                print(f"  cut: {line}")
            bad += bool(cut) or (not args.notes and count != slides)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
