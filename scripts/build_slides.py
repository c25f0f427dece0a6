"""Build an offline reveal.js deck for every notebook into build/slides/.

    python scripts/build_slides.py          (or: make slides)

nbconvert's slide decks load reveal.js, require.js, jQuery and MathJax from CDNs and show a
blank page offline. This script vendors pinned copies of each from the npm registry (with
npm, once, into build/npm/) and points the decks at them, so build/slides/ can be copied to a
USB stick and presented anywhere. Widget outputs cannot run in a static deck; they are
replaced by a short note (the static figure of each widget's default state follows it).
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
NPM = BUILD / "npm"
DECKS = BUILD / "slides"
VENDOR = DECKS / "vendor"

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

FIGURES = ROOT / "figures"
# A linked badge image, [![Open in Colab](https://…/badge.svg)](link): offline, the image
# cannot load, so decks show the plain link instead.
BADGE = re.compile(r"\[!\[([^\]]*)\]\(https?://[^)]*\)\]\(([^)]*)\)")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("*Interactive widget: open this notebook in JupyterLab (or Binder/Colab) to use "
               "it. The next slide shows its default state.*")


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


def vendor(modules: Path) -> None:
    for src, dst in VENDORED:
        source, target = modules / src, VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    (VENDOR / "VERSIONS.txt").write_text(
        "".join(f"{name} {version}\n" for name, version in PACKAGES.items()))


def exporter() -> SlidesExporter:
    c = Config()
    c.SlidesExporter.reveal_url_prefix = "vendor/reveal.js"
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.reveal_scroll = True
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


def for_deck(nb):
    """A copy of the notebook for a static deck: widget outputs become a short note, figure
    links point at the deck's own copy of figures/ (decks live in build/slides/) and badge
    images become plain links (they would be fetched from the web)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            source = cell.source.replace("../figures/", "figures/")
            source = source.replace("../GLOSSARY.md", "GLOSSARY.md")
            cell.source = BADGE.sub(r"[\1](\2)", source)
            continue
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.outputs:
            if WIDGET_MIME in out.get("data", {}):
                out = nbformat.v4.new_output("display_data", data={"text/markdown": WIDGET_NOTE})
            outputs.append(out)
        cell.outputs = outputs
    return nb


def main(argv: list[str]) -> int:
    vendor(npm_install())
    shutil.copytree(FIGURES, DECKS / "figures", dirs_exist_ok=True)
    shutil.copy2(ROOT / "GLOSSARY.md", DECKS / "GLOSSARY.md")
    exp = exporter()
    paths = [Path(a) for a in argv] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        nb = for_deck(nbformat.read(path, as_version=4))
        body, _ = exp.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        out = DECKS / f"{path.stem}.slides.html"
        out.write_text(body, encoding="utf-8")
        print(f"{out.relative_to(ROOT)}  {out.stat().st_size / 1e6:.2f} MB")
    for shared in (VENDOR, DECKS / "figures"):
        size = sum(p.stat().st_size for p in shared.rglob("*") if p.is_file())
        print(f"{shared.relative_to(ROOT)}/ (shared by every deck)  {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
