"""Build the offline reveal.js decks, the course map and the glossary into build/slides/.

    python scripts/build_slides.py                          # every notebook (or: make slides)
    python scripts/build_slides.py notebooks/06_backprop_through_time.ipynb   # one deck, ~3 s

Writes build/slides/NN_slug.slides.html per notebook, index.html (the course map: every
deck), glossary.html (GLOSSARY.md), and the shared folders vendor/ (reveal.js, require.js,
jQuery, MathJax), figures/ and fonts/. Copy the whole folder to present anywhere: a deck makes
no request outside it.

nbconvert's decks load reveal.js, require.js, jQuery and MathJax from CDNs and show a blank page
offline. This script vendors pinned copies from the npm registry (with npm, once, into
build/npm/; later builds reuse them) and points the decks at them.

Deck rendering rules (what a notebook writer can rely on):
- A code cell tagged ``hide-input`` (or whose ``jupyter.source_hidden`` is true) shows only
  its output. A markdown cell tagged ``solution`` never reaches a deck; ``skip`` cells neither.
- ``notes`` cells are reveal speaker notes: press S in a deck for the speaker view.
- Links: ``NN_slug.ipynb`` opens that deck, ``../GLOSSARY.md`` the glossary page,
  ``../README.md`` the course map, ``../figures/x.png`` the deck's copy of the figure; any
  other ``../path`` link points at the file in the course's GitHub repository.
- The first slide is the title slide: "Backprop by Hand · Notebook NN" above the notebook's H1.
- Widgets cannot run in a static deck: each widget output becomes a short note (the static
  figure of its default state follows it). Linked badge images become plain links.
- Layout (scripts/slides_template/course_reveal/static/course.css): 1280×800 logical slide,
  body text 23 px, code 21 px, figures at most 600 px tall and never wider than the slide,
  no input prompts. Arrow keys step through every slide, sub-slides included.
Check a deck with scripts/deck_audit.py.
"""

from __future__ import annotations

import copy
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mistune
import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
NPM = BUILD / "npm"
DECKS = BUILD / "slides"
VENDOR = DECKS / "vendor"
FIGURES = ROOT / "figures"
FONTS = ROOT / "fonts"
REPO_URL = "https://github.com/backprop-by-hand/backprop-by-hand/blob/main/"
COURSE = "Backprop by Hand"

# Pinned: the reveal template of nbconvert 7 targets reveal.js 4 (dist/reveal.js, plugin/notes)
# and MathJax 2 (MathJax.Hub).
PACKAGES = {"reveal.js": "4.6.1", "requirejs": "2.3.7", "jquery": "3.7.1", "mathjax": "2.7.9"}

# What each deck needs from the npm packages (source under node_modules → target under vendor/).
VENDORED = [
    ("reveal.js/dist", "reveal.js/dist"),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/TeX-AMS_CHTML-full.js"),
    ("mathjax/config/Safe.js", "mathjax/config/Safe.js"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
    ("mathjax/localization/en", "mathjax/localization/en"),
]
VERSIONS = "".join(f"{name} {version}\n" for name, version in PACKAGES.items())

# A linked badge image, [![Open in Colab](https://…/badge.svg)](link): offline, the image
# cannot load, so decks show the plain link instead.
BADGE = re.compile(r"\[!\[([^\]]*)\]\(https?://[^)]*\)\]\(([^)]*)\)")
# A relative link target in markdown, ](target) or href="target" / src="target".
LINK = re.compile(r"(\]\(|(?:href|src)=\")(?!https?:|mailto:|#|data:)([^)\"\s]+)")
NOTEBOOK_LINK = re.compile(r"^(\d\d_[\w-]+)\.ipynb(#.*)?$")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("*Interactive widget: open this notebook in JupyterLab (or Binder/Colab) to use "
               "it. The next slide shows its default state.*")
HIDE_INPUT, SOLUTION = "hide-input", "solution"


def npm_install() -> Path:
    """Install the pinned packages into build/npm once; return node_modules."""
    modules = NPM / "node_modules"
    if all((modules / name / "package.json").exists() for name in PACKAGES):
        return modules
    if shutil.which("npm") is None:
        sys.exit("build_slides: npm is needed to vendor reveal.js and MathJax "
                 "(Debian: apt-get install npm)")
    NPM.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
    subprocess.run(["npm", "install", "--no-save", "--no-package-lock", "--no-audit",
                    "--no-fund", "--loglevel=error", "--prefix", str(NPM), *specs], check=True)
    return modules


def vendor() -> None:
    """Copy the pinned scripts into build/slides/vendor/ (skipped when already there)."""
    stamp = VENDOR / "VERSIONS.txt"
    if stamp.exists() and stamp.read_text() == VERSIONS:
        return
    modules = npm_install()
    for src, dst in VENDORED:
        source, target = modules / src, VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    stamp.write_text(VERSIONS)


def exporter() -> SlidesExporter:
    c = Config()
    c.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.reveal_scroll = False  # slides must fit; deck_audit.py finds those that don't
    c.SlidesExporter.reveal_number = "c/t"
    c.SlidesExporter.reveal_width = "1280"
    c.SlidesExporter.reveal_height = "800"
    c.SlidesExporter.font_awesome_url = ""
    c.HTMLExporter.require_js_url = "vendor/require.js"
    c.HTMLExporter.jquery_url = "vendor/jquery.min.js"
    c.HTMLExporter.mathjax_url = "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    c.HTMLExporter.mermaid_js_url = ""
    c.TemplateExporter.extra_template_basedirs = [str(ROOT / "scripts" / "slides_template")]
    c.TemplateExporter.template_name = "course_reveal"
    return SlidesExporter(config=c)


def deck_link(target: str) -> str:
    """Where a notebook's relative link points from build/slides/."""
    found = NOTEBOOK_LINK.match(target)
    if found:
        return f"{found.group(1)}.slides.html{found.group(2) or ''}"
    path, _, anchor = target.partition("#")
    anchor = f"#{anchor}" if anchor else ""
    if path == "../README.md":
        return "index.html"
    if path == "../GLOSSARY.md":
        return f"glossary.html{anchor}"
    if path.startswith("../figures/"):
        return path[len("../"):]
    if path.startswith("../"):
        return REPO_URL + path[len("../"):] + anchor
    return target


def relink(source: str, to=deck_link) -> str:
    return LINK.sub(lambda m: m.group(1) + to(m.group(2)), source)


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def for_deck(nb, number: str):
    """A copy of the notebook as the deck shows it (see the module docstring for the rules)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    nb.cells = [c for c in nb.cells if not (c.cell_type == "markdown" and SOLUTION in tags(c))]
    first_markdown = True
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            source = relink(BADGE.sub(r"[\1](\2)", cell.source))
            if first_markdown:
                source = (f'<p class="deck-course">{COURSE} · Notebook {number}</p>\n\n'
                          + source)
                first_markdown = False
            cell.source = source
            continue
        if cell.cell_type != "code":
            continue
        if HIDE_INPUT in tags(cell) or cell.metadata.get("jupyter", {}).get("source_hidden"):
            cell.metadata["transient"] = {"remove_source": True}
        outputs = []
        for out in cell.outputs:
            if WIDGET_MIME in out.get("data", {}):
                out = nbformat.v4.new_output("display_data", data={"text/markdown": WIDGET_NOTE})
            outputs.append(out)
        cell.outputs = outputs
    return nb


# ---------------------------------------------------------------- course map and glossary pages

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
@font-face {{ font-family: "Backprop KR"; src: url("fonts/NotoSansKR-course.woff2") format("woff2");
  unicode-range: U+1100-11FF, U+3000-303F, U+3130-318F, U+AC00-D7A3, U+FF01-FF60; }}
body {{ font-family: "Backprop KR", system-ui, "DejaVu Sans", Arial, sans-serif; font-size: 20px;
  line-height: 1.45; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1a1a1a; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.35em 0.6em; text-align: left;
  vertical-align: top; }}
a {{ color: #1f5fa8; }}
</style></head>
<body>
<p><a href="index.html">{course} · course map</a> ·
<a href="glossary.html">Glossary · 용어집</a></p>
{body}
</body></html>
"""


def page(title: str, body: str) -> str:
    return PAGE.format(title=html.escape(title), course=COURSE, body=body)


def glossary_link(target: str) -> str:
    """GLOSSARY.md lives at the repository root: its links are one level up from notebooks."""
    if target.startswith("notebooks/"):
        return deck_link(target[len("notebooks/"):])
    return deck_link("../" + target)


def glossary_page() -> str:
    source = relink((ROOT / "GLOSSARY.md").read_text(encoding="utf-8"), glossary_link)
    body = mistune.create_markdown(escape=False, plugins=["table"])(source)
    return page(f"Glossary · {COURSE}", body)


def notebook_title(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for line in cell.source.splitlines() if cell.cell_type == "markdown" else []:
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem


def readme_rows() -> dict[str, str]:
    """README's course-map column 'what you derive…' per notebook number."""
    rows = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"\d\d", cells[0]):
            rows[cells[0]] = cells[2]
    return rows


def index_page(notebooks: list[Path]) -> str:
    rows, described = [], readme_rows()
    for path in notebooks:
        number = path.name[:2]
        what = mistune.create_markdown(escape=True)(described.get(number, "")).strip()
        what = what.removeprefix("<p>").removesuffix("</p>")
        rows.append(f'<tr><td>{number}</td><td><a href="{path.stem}.slides.html">'
                    f"{html.escape(notebook_title(path))}</a></td><td>{what}</td></tr>")
    body = (f"<h1>{COURSE} — the decks</h1>\n<p>One reveal.js deck per notebook. In a deck: "
            "arrow keys or Space step through every slide, S opens the speaker view (notes and "
            "timer), F full screen, Esc the overview.</p>\n"
            "<table><tr><th>#</th><th>deck</th><th>what you derive, implement and check</th></tr>"
            + "\n".join(rows) + "</table>")
    return page(f"{COURSE} — decks", body)


def shared_files() -> None:
    vendor()
    shutil.copytree(FIGURES, DECKS / "figures", dirs_exist_ok=True)
    if FONTS.exists():
        shutil.copytree(FONTS, DECKS / "fonts", dirs_exist_ok=True)
    (DECKS / "GLOSSARY.md").unlink(missing_ok=True)  # older builds copied the markdown
    (DECKS / "glossary.html").write_text(glossary_page(), encoding="utf-8")
    all_notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    (DECKS / "index.html").write_text(index_page(all_notebooks), encoding="utf-8")


def build_deck(path: Path, exp: SlidesExporter | None = None) -> Path:
    exp = exp or exporter()
    nb = for_deck(nbformat.read(path, as_version=4), path.name[:2])
    body, _ = exp.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    out = DECKS / f"{path.stem}.slides.html"
    out.write_text(body, encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    DECKS.mkdir(parents=True, exist_ok=True)
    shared_files()
    exp = exporter()
    paths = [Path(a) for a in argv] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        out = build_deck(path, exp)
        print(f"{out.relative_to(ROOT)}  {out.stat().st_size / 1e6:.2f} MB")
    if not argv:
        for shared in (VENDOR, DECKS / "figures", DECKS / "fonts"):
            if shared.exists():
                size = sum(p.stat().st_size for p in shared.rglob("*") if p.is_file())
                print(f"{shared.relative_to(ROOT)}/ (shared by every deck)  {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
