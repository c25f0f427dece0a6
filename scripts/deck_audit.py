"""Step through every slide of built decks in headless Chromium and report what would go wrong
in front of a room.

    .venv/bin/python scripts/build_slides.py notebooks/06_backprop_through_time.ipynb
    .venv/bin/python scripts/deck_audit.py build/slides/06_backprop_through_time.slides.html
    .venv/bin/python scripts/deck_audit.py build/slides/*.slides.html        # every deck
    .venv/bin/python scripts/deck_audit.py notebooks/06_backprop_through_time.ipynb  # same deck

Options: --sizes 1280x800,1024x768 (the default), --json FILE (every measurement),
--screenshots DIR (a PNG of every slide with a problem), --quiet (summary only).

Each deck is shown at each size and every slide (sub-slides and all fragments included) is
measured in the slide's logical pixels (1280×800; reveal.js scales it to the screen). One line
per problem:

    06 @1280x800 slide 25/40 "Vanishing and exploding, measured": overflow: 912 px tall (> 800)

Problems (each makes the exit code 1):
- overflow   content taller or wider than the slide (it would be cut off or run off screen)
- cut        an element that clips or scrolls its content (an equation or a code line cut at
             the right edge, a scrolling output)
- code wall  more than 12 visible lines of code on one slide (hide plotting/checking code with
             the `hide-input` tag, split, or move it into helpers)
- small text body text rendered under 20 px at 1280×800 (not checked at smaller sizes, where
             everything scales down together; the summary shows the smallest size anyway)
- no heading a slide without an h1–h4 heading
- no notes   a section slide (slide_type "slide") without a speaker-notes cell
- empty      a slide with nothing on it
- deck-wide: a relative link that does not resolve inside build/slides/, a request outside the
             deck's folder, the bundled Korean font not loaded on a deck that shows Hangul,
             a slide that ArrowRight (pressed from the first slide) never reaches.

What to do about each (the writers' rules, WRITER.md): tag plotting and checking code cells
`hide-input` (the deck shows their output only); split a long cell or a figure-plus-text slide
into two sub-slides; break a wide equation over `\\begin{aligned}` lines; give every `slide` and
`subslide` a heading and every `slide` a `notes` cell. --screenshots DIR shows each slide with
a problem as the room would see it.

Then a summary table per deck: slides, problem counts per size, smallest body text in px.
Uses Debian's Chromium at /usr/bin/chromium and the `playwright` package (never
`playwright install`). Also importable: tests/test_decks.py calls `open_pages` and `audit_deck`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parents[1]
DECKS = ROOT / "build" / "slides"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
SIZES = ((1280, 800), (1024, 768))
MAX_CODE_LINES = 12
MIN_TEXT_PX = 20.0      # rendered, at the first (projector) size
TOLERANCE_PX = 2.0      # sub-pixel rounding, borders
KOREAN_FONT = "Backprop KR"

# Runs in the deck: visits every slide and measures it. Returns one record per slide.
MEASURE_JS = r"""
async (opts) => {
  if (!window.Reveal && window.require) {   // decks built before the course template
    await new Promise(r => require(['vendor/reveal.js/dist/reveal.js'],
                                   R => { window.Reveal = R; r(); }));
  }
  const R = window.Reveal;
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const maths = () => new Promise(
      r => (window.MathJax && MathJax.Hub) ? MathJax.Hub.Queue(r) : r());
  await maths();
  await document.fonts.ready;
  const W = R.getConfig().width, H = R.getConfig().height, tol = opts.tol;
  // Not shown on the slide: notes, MathJax's hidden copy, a closed <details> (its summary is).
  const skip = el => el.closest('aside.notes, .MJX_Assistive_MathML, script, style')
                     || (el.closest('details:not([open])') && !el.closest('summary'));
  const isMath = el => el.closest('.MathJax, .mjx-chtml, .MathJax_CHTML, .MathJax_Display');
  const slides = R.getSlides();
  const records = [];
  for (let i = 0; i < slides.length; i++) {
    const s = slides[i];
    const ix = R.getIndices(s);
    R.slide(ix.h, ix.v);
    await maths();
    await frame();
    const scale = R.getScale();
    const box = document.querySelector('.reveal .slides').getBoundingClientRect();
    let right = 0, bottom = 0, top = 0;
    // Clipping boxes (overflow other than visible) between an element and the slide: content
    // past a box's edge is cut off (or scrolls), even when it stays inside the slide.
    const clipCache = new Map();
    const clipBox = (el) => {
      if (!el || el === s.parentElement) return null;
      if (clipCache.has(el)) return clipCache.get(el);
      let box2 = clipBox(el.parentElement);
      const cs = getComputedStyle(el);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const r = el.getBoundingClientRect();
        const k = scale;   // client sizes are logical px, rectangles are screen px
        const own = {right: cs.overflowX !== 'visible'
                            ? r.left + (el.clientLeft + el.clientWidth) * k : Infinity,
                     bottom: cs.overflowY !== 'visible' && el !== s
                             ? r.top + (el.clientTop + el.clientHeight) * k : Infinity};
        box2 = box2 ? {right: Math.min(box2.right, own.right),
                       bottom: Math.min(box2.bottom, own.bottom)} : own;
      }
      clipCache.set(el, box2);
      return box2;
    };
    const cuts = new Map();   // what -> largest cut in px
    for (const el of s.querySelectorAll('*')) {
      if (skip(el)) continue;
      const rects = el.getClientRects();
      if (!rects.length) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      right = Math.max(right, (r.right - box.left) / scale);
      bottom = Math.max(bottom, (r.bottom - box.top) / scale);
      top = Math.min(top, (r.top - box.top) / scale);
      if (el.firstElementChild && !el.matches('.mjx-char, .mjx-mi, .mjx-mo, .mjx-mn')) continue;
      const clip = clipBox(el.parentElement);
      if (!clip) continue;
      const dx = (r.right - clip.right) / scale, dy = (r.bottom - clip.bottom) / scale;
      if (dx <= tol && dy <= tol) continue;
      const what = (isMath(el) ? 'equation' : (el.closest('pre') ? 'code/output' : 'text'))
                   + (dx > tol ? ' cut at the right' : ' cut at the bottom');
      cuts.set(what, Math.max(cuts.get(what) || 0, Math.round(Math.max(dx, dy))));
    }
    const cut = Array.from(cuts, ([what, px]) => `${what} (${px} px)`);
    // Wider than the slide: say what (maths is the usual culprit).
    let wideWhat = '';
    if (right > W + tol) {
      for (const el of s.querySelectorAll('.MathJax_Display, .mjx-chtml, pre, img, table, p, li')) {
        if (skip(el)) continue;
        const r = el.getBoundingClientRect();
        if ((r.right - box.left) / scale > W + tol) {
          wideWhat = isMath(el) ? 'an equation' : el.tagName.toLowerCase();
          const t = (el.textContent || '').trim().slice(0, 30);
          if (t) wideWhat += ` "${t}"`;
          break;
        }
      }
    }
    let codeLines = 0;
    for (const pre of s.querySelectorAll('.jp-CodeCell .jp-InputArea pre')) {
      if (skip(pre) || !pre.getClientRects().length) continue;
      const text = pre.textContent.replace(/\n+$/, '');
      if (text.trim()) codeLines += text.split('\n').length;
    }
    let minText = null, minSample = '';
    const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const t = node.textContent.trim();
      if (!t) continue;
      const el = node.parentElement;
      if (!el || skip(el) || isMath(el) || el.closest('sub, sup')) continue;
      if (!el.getClientRects().length) continue;
      const px = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (minText === null || px < minText) { minText = px; minSample = t.slice(0, 40); }
    }
    const heading = Array.from(s.querySelectorAll('h1, h2, h3, h4')).find(h => !skip(h));
    const notes = Array.from(s.querySelectorAll('aside.notes'))
                       .map(a => a.textContent.trim()).join(' ');
    const visibleText = (s.innerText || '').trim();   // innerText skips hidden notes/prompts
    const label = heading ? heading.textContent.replace('¶', '').trim()
                          : visibleText.replace(/\s+/g, ' ').slice(0, 50);
    records.push({
      index: i + 1, h: ix.h, v: ix.v, section: ix.v === 0, label,
      height: Math.round(Math.max(bottom, s.scrollHeight)), width: Math.round(right),
      above: Math.round(-top), wideWhat, cut,
      codeLines, minText, minSample,
      heading: Boolean(heading), notes: notes.length > 0,
      empty: !visibleText && !s.querySelector('img, svg, canvas, iframe'),
      width_limit: W, height_limit: H, scale,
    });
  }
  const hangul = /[\uac00-\ud7a3]/.test(document.body.innerText);
  const fontLoaded = Array.from(document.fonts).some(
      f => f.family.replace(/"/g, '') === opts.font && f.status === 'loaded');
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
  return {records, hangul, fontLoaded, links, total: slides.length};
}
"""


@dataclass
class DeckReport:
    deck: Path
    slides: int = 0
    problems: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)   # size -> kind -> n
    min_text: dict[str, float] = field(default_factory=dict)          # size -> px
    sections: int = 0
    sections_with_notes: int = 0
    code_slides: int = 0
    records: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def clean(text: str) -> str:
    """Strings cut in JavaScript can end in half a surrogate pair: make them printable."""
    return text.encode("utf-8", "replace").decode("utf-8")


def slide_problems(rec: dict, first_size: bool) -> list[tuple[str, str]]:
    """(kind, message) for one measured slide."""
    out = []
    W, H, tol = rec["width_limit"], rec["height_limit"], TOLERANCE_PX
    if rec["height"] > H + tol:
        out.append(("overflow", f"{rec['height']} px tall (> {H})"))
    if rec["above"] > tol:
        out.append(("overflow", f"starts {rec['above']} px above the slide"))
    if rec["width"] > W + tol:
        what = f": {rec['wideWhat']}" if rec["wideWhat"] else ""
        out.append(("overflow", f"{rec['width']} px wide (> {W}){what}"))
    for c in rec["cut"]:
        out.append(("cut", c))
    if rec["codeLines"] > MAX_CODE_LINES:
        out.append(("code wall", f"{rec['codeLines']} lines of code (> {MAX_CODE_LINES})"))
    if first_size and rec["minText"] is not None and rec["minText"] < MIN_TEXT_PX - 0.05:
        out.append(("small text", f"{rec['minText']:.1f} px \"{rec['minSample']}\" "
                                  f"(< {MIN_TEXT_PX:.0f})"))
    if first_size and rec["empty"]:
        out.append(("empty", "nothing on the slide"))
    if first_size and not rec["heading"] and not rec["empty"]:
        out.append(("no heading", "no h1–h4 heading"))
    if first_size and rec["section"] and not rec["notes"]:
        out.append(("no notes", "section slide without speaker notes"))
    return out


def broken_links(deck: Path, links: list[str]) -> list[str]:
    bad = []
    for href in sorted(set(links)):
        parsed = urlparse(href)
        if parsed.scheme in ("http", "https", "mailto") or href.startswith("#"):
            continue
        if parsed.scheme and parsed.scheme != "file":
            bad.append(href)
            continue
        target = (deck.parent / unquote(parsed.path)).resolve()
        inside = DECKS.resolve() in target.parents or target.parent == deck.parent.resolve()
        if not parsed.path or not target.exists() or not inside:
            bad.append(href)
    return bad


@contextlib.contextmanager
def open_pages(sizes=SIZES):
    """One headless Chromium with one page per size, reused for every deck."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = {}
            for w, h in sizes:
                page = browser.new_page(viewport={"width": w, "height": h})
                page.outside = []  # requests that left the deck's folder
                page.on("request", lambda r, page=page: page.outside.append(r.url))
                pages[f"{w}x{h}"] = page
            yield pages
        finally:
            browser.close()


def arrow_key_walk(page, total: int) -> list[int]:
    """Press ArrowRight from the first slide as a lecturer does; the slides never reached."""
    page.evaluate("() => Reveal.slide(0, 0)")
    seen = {page.evaluate("() => Reveal.getSlidePastCount() + 1")}
    fragments = page.evaluate("() => document.querySelectorAll('.reveal .slides .fragment')"
                              ".length")
    for _ in range(total - 1 + fragments):   # each fragment takes one press too
        page.keyboard.press("ArrowRight")
        seen.add(page.evaluate("() => Reveal.getSlidePastCount() + 1"))
    return [i for i in range(1, total + 1) if i not in seen]


def audit_deck(pages: dict, deck: Path, timeout_ms: int = 60_000) -> DeckReport:
    deck = deck.resolve()
    report = DeckReport(deck)
    name = deck.name[:2]
    for k, (size, page) in enumerate(pages.items()):
        page.outside.clear()
        page.goto(deck.as_uri() + "#/", wait_until="load")
        page.wait_for_function("window.Reveal ? Reveal.isReady() : "
                               "Boolean(document.querySelector('.reveal.ready'))",
                               timeout=timeout_ms)
        result = page.evaluate(MEASURE_JS, {"tol": TOLERANCE_PX, "font": KOREAN_FONT})
        records = result["records"]
        for rec in records:
            for key in ("label", "minSample", "wideWhat"):
                rec[key] = clean(rec[key])
            rec["cut"] = [clean(c) for c in rec["cut"]]
        report.records[size] = records
        report.slides = result["total"]
        counts = {}
        for rec in records:
            for kind, msg in slide_problems(rec, first_size=k == 0):
                counts[kind] = counts.get(kind, 0) + 1
                report.problems.append(f"{name} @{size} slide {rec['index']}/{report.slides} "
                                       f"\"{rec['label'][:60]}\": {kind}: {msg}")
        sizes = [r["minText"] for r in records if r["minText"] is not None]
        report.min_text[size] = min(sizes) if sizes else float("nan")
        report.counts[size] = counts
        if k == 0:
            missed = arrow_key_walk(page, report.slides)
            if missed:
                report.problems.append(f"{name}: ArrowRight from the first slide does not reach "
                                       f"slide(s) {missed}")
            report.sections = sum(r["section"] for r in records)
            report.sections_with_notes = sum(r["section"] and r["notes"] for r in records)
            report.code_slides = sum(r["codeLines"] > 0 for r in records)
            for href in broken_links(deck, result["links"]):
                report.problems.append(f"{name}: link does not resolve in build/slides/: {href}")
            if result["hangul"] and not result["fontLoaded"]:
                report.problems.append(f"{name}: Korean text shown but the font "
                                       f"{KOREAN_FONT!r} did not load")
        folder = deck.parent.as_uri() + "/"
        for url in sorted(set(page.outside)):
            if not url.startswith((folder, "data:", "blob:", "about:")):
                report.problems.append(f"{name} @{size}: request outside the deck folder: {url}")
    return report


def screenshot_problems(pages: dict, report: DeckReport, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k, (size, page) in enumerate(pages.items()):
        page.goto(report.deck.as_uri() + "#/", wait_until="load")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        for rec in report.records[size]:
            if slide_problems(rec, first_size=k == 0):
                page.evaluate("([h, v]) => Reveal.slide(h, v)", [rec["h"], rec["v"]])
                page.wait_for_timeout(150)
                page.screenshot(path=str(folder / f"{report.deck.name[:2]}_{size}_"
                                                  f"{rec['index']:03d}.png"))


SUMMARY_KINDS = ("overflow", "cut", "code wall", "small text", "no heading", "no notes", "empty")


def summary(reports: list[DeckReport]) -> str:
    sizes = list(reports[0].counts) if reports else []
    head = ["deck", "slides", "code"] + [f"{kind[:8]}@{s.split('x')[0]}" for s in sizes
                                          for kind in ("overflow", "cut", "code wall")]
    head += ["min px@" + s.split("x")[0] for s in sizes] + ["heading", "notes", "other"]
    rows = []
    for r in reports:
        first = r.counts[sizes[0]]
        row = [r.deck.name[:2], str(r.slides), str(r.code_slides)]
        row += [str(r.counts[s].get(kind, 0)) for s in sizes
                for kind in ("overflow", "cut", "code wall")]
        row += [f"{r.min_text[s]:.1f}" for s in sizes]
        row += [f"{r.slides - first.get('no heading', 0) - first.get('empty', 0)}/{r.slides}",
                f"{r.sections_with_notes}/{r.sections}",
                str(sum(1 for p in r.problems if "@" not in p.split(":")[0]
                        or "request outside" in p))]
        rows.append(row)
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    fmt = "  ".join(f"{{:>{w}}}" for w in widths)
    lines = [fmt.format(*head)] + [fmt.format(*row) for row in rows]
    lines.append("columns: slides; slides showing code; per size: overflowing, cut, code-wall "
                 "slides; smallest body text (px, rendered); slides with a heading; section "
                 "slides with notes; deck-wide problems (links, requests, font)")
    return "\n".join(lines)


def resolve(arg: str) -> Path:
    path = Path(arg)
    if path.suffix in (".ipynb", ".py") and path.parent.name == "notebooks":
        path = DECKS / f"{path.stem}.slides.html"
    if not path.exists():
        sys.exit(f"deck_audit: {path} not found (build it: scripts/build_slides.py)")
    return path


def parse_sizes(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(tuple(int(v) for v in s.split("x")) for s in text.split(","))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("decks", nargs="+", help="build/slides/NN_*.slides.html (or the notebook)")
    ap.add_argument("--sizes", default="1280x800,1024x768")
    ap.add_argument("--json", type=Path, help="write every measurement to this file")
    ap.add_argument("--screenshots", type=Path, help="PNG of every slide with a problem")
    ap.add_argument("--quiet", action="store_true", help="print the summary only")
    args = ap.parse_args(argv)
    decks = [resolve(a) for a in args.decks]
    reports = []
    with open_pages(parse_sizes(args.sizes)) as pages:
        for deck in decks:
            report = audit_deck(pages, deck)
            reports.append(report)
            if not args.quiet:
                for line in report.problems:
                    print(line)
            if args.screenshots:
                screenshot_problems(pages, report, args.screenshots)
    print()
    print(summary(reports))
    if args.json:
        args.json.write_text(json.dumps({str(r.deck): r.records for r in reports}, indent=1))
    bad = [r for r in reports if not r.ok]
    print(f"\n{len(bad)} of {len(reports)} deck(s) with problems: "
          f"{sum(len(r.problems) for r in reports)} problem line(s)" if bad
          else f"\nall {len(reports)} deck(s) clean")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
