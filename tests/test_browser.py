"""The course in a real browser: JupyterLab + Chromium, driven by Playwright.

One JupyterLab serves a temporary copy of notebooks/ and figures/ (so nothing the browser
does can touch the repository). For every notebook the test runs all cells, asserts that no
cell shows an error, that each widget renders, and that moving a slider changes what the
widget shows. Then it presents a widget notebook live with jupyterlab-rise (the README's
Alt+R), steps to the widget's slide, drags its slider and asserts the figure changes.
The offline reveal.js decks are tested slide by slide in tests/test_decks.py.

The lab loads the course's labextensions/ folder (backprop-rise-widgets: without it RISE shows
every ipywidgets 8 widget as text) from the repository, so the test checks the shipped file
whether or not `make lab` has copied it into the environment yet.

Needs Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`; .ci/run does it)
and the `playwright` Python package (test extra). Never `playwright install`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from notebook_tools import NOTEBOOKS, ROOT, notebook_paths

CHROMIUM = Path("/usr/bin/chromium")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Chromium not found at /usr/bin/chromium (apt-get install chromium)"),
]

# The flags Chromium needs in a sandboxed, offline container.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
RUN_ALL_TIMEOUT_MS = 120_000
LABEXTENSIONS = ROOT / "labextensions"
# The notebook presented live in slide mode: a widget whose slider redraws one figure.
LIVE_NOTEBOOK = "02_sigmoid_and_staged_computation.ipynb"
BADGE_HOSTS = ("colab.research.google.com", "mybinder.org")
PRESENT = ".reveal .slides section.present:not(.stack)"  # the slide RISE shows now
TIMINGS: dict[str, float] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab on 127.0.0.1 with no token, serving a copy of the course."""
    root = tmp_path_factory.mktemp("lab")
    home = tmp_path_factory.mktemp("home")
    shutil.copytree(NOTEBOOKS, root / "notebooks",
                    ignore=shutil.ignore_patterns("*.py", ".ipynb_checkpoints"))
    if (ROOT / "figures").exists():
        shutil.copytree(ROOT / "figures", root / "figures")
    # Lab settings for a test run: render every cell (no windowing, so off-screen widgets exist
    # and can be scrolled to) and never autosave (the copy must not be rewritten mid-test).
    settings = home / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}')
    (settings / "docmanager-extension").mkdir(parents=True)
    (settings / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        '{"autosave": false}')
    port = _free_port()
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"))
    env.pop("MPLBACKEND", None)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", "--allow-root", "--IdentityProvider.token=",
           "--ServerApp.password=",
           "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
           f"--LabApp.workspaces_dir={home / 'workspaces'}", "--LabApp.expose_app_in_browser=True",
           f"--LabApp.extra_labextensions_path={LABEXTENSIONS}",
           f"--RiseApp.extra_labextensions_path={LABEXTENSIONS}",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log = open(home / "lab.log", "w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("JupyterLab did not start: " + (home / "lab.log").read_text()[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
    if TIMINGS:
        print("\nbrowser test, seconds per notebook: " +
              ", ".join(f"{k[:2]} {v:.1f}" for k, v in TIMINGS.items()))


def _run_all(page, name: str) -> None:
    """Run every cell through JupyterLab's own command and wait until the kernel is idle."""
    page.wait_for_function("""name => {
        const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        const session = panel && panel.sessionContext && panel.sessionContext.session;
        return Boolean(session && session.kernel && panel.context.path.endsWith(name));
    }""", arg=name, timeout=60_000)
    page.evaluate("""async () => {
        const panel = window.jupyterapp.shell.currentWidget;
        await panel.sessionContext.ready;
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
    # Done when the kernel is idle and every code cell has a count (or one failed: run-all stops).
    page.wait_for_function("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        const status = panel.sessionContext.session.kernel.status;
        const cells = panel.content.widgets.filter(c => c.model.type === 'code');
        const failed = cells.some(c => {
            for (let k = 0; k < c.model.outputs.length; k++)
                if (c.model.outputs.get(k).type === 'error') return true;
            return false;
        });
        return status === 'idle' && cells.length > 0 &&
               (failed || cells.every(c => c.model.executionCount !== null));
    }""", timeout=RUN_ALL_TIMEOUT_MS, polling=500)


def _errors(page) -> list[str]:
    return page.evaluate("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        const out = [];
        panel.content.widgets.forEach((cell, i) => {
            if (cell.model.type !== 'code') return;
            for (let k = 0; k < cell.model.outputs.length; k++) {
                const o = cell.model.outputs.get(k).toJSON();
                if (o.output_type === 'error') out.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
            }
        });
        return out;
    }""")


def _slider_value(handle) -> str:
    """The slider's readout as shown (noUi's aria-valuenow may be rounded coarser)."""
    return handle.evaluate(
        "h => { const s = h.closest('.widget-slider, .jupyter-widgets');"
        " const r = s && s.querySelector('.widget-readout');"
        " return (r && (r.value || r.textContent)) || h.getAttribute('aria-valuenow')"
        " || h.value || ''; }")


def _widget_images(page) -> list[str]:
    return page.eval_on_selector_all(".jupyter-widgets img, .widget-image",
                                     "els => els.map(e => e.src || e.getAttribute('src') || '')")


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_runs_and_widgets_respond(lab, browser, path):
    t0 = time.monotonic()
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page_errors = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    try:
        # ?reset: start from an empty workspace, so this notebook is the only open document.
        page.goto(f"{lab}/lab/tree/notebooks/{path.name}?reset", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached", timeout=60_000)
        _run_all(page, path.name)
        assert _errors(page) == [], f"{path.name}: cells raised in JupyterLab"

        # Widgets rendered: at least one slider and one widget image on the page.
        page.wait_for_selector(".jupyter-widgets .widget-slider, .jupyter-widgets.widget-slider",
                               state="attached", timeout=30_000)
        handle = page.locator(".noUi-handle, .widget-slider input[type=range]").first
        handle.scroll_into_view_if_needed()
        handle.wait_for(state="visible", timeout=15_000)
        before = _widget_images(page)
        assert before and all(before), f"{path.name}: a widget image did not render"
        value = _slider_value(handle)
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        moved, deadline = value, time.monotonic() + 10   # the handle may update a frame later
        while moved == value and time.monotonic() < deadline:
            page.wait_for_timeout(100)
            moved = _slider_value(handle)
        assert moved != value, (f"{path.name}: the first slider did not move from {value} "
                                "(at its maximum?): put a slider with room to move first")
        page.wait_for_function(
            "before => { const now = Array.from(document.querySelectorAll("
            "'.jupyter-widgets img, .widget-image')).map(e => e.src || '');"
            " return now.length !== before.length || now.some((s, i) => s !== before[i]); }",
            arg=before, timeout=15_000)
        assert not any("Error" in e for e in page_errors), page_errors
    finally:
        page.close()
        TIMINGS[path.stem] = time.monotonic() - t0


def test_rise_presents_a_widget_live_and_its_slider_redraws_the_figure(lab, browser):
    """The README's live route: run the notebook in JupyterLab, save, present it with
    jupyterlab-rise, step to the widget's slide, drag the slider: the figure changes."""
    path = NOTEBOOKS / LIVE_NOTEBOOK
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{lab}/lab/tree/notebooks/{path.name}?reset", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached", timeout=60_000)
        _run_all(page, path.name)
        assert _errors(page) == [], f"{path.name}: cells raised in JupyterLab"
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty",
                               timeout=30_000)
    finally:
        page.close()

    slides = browser.new_page(viewport={"width": 1280, "height": 800})
    requests: list[str] = []
    slides.on("request", lambda r: requests.append(r.url))
    try:
        slides.goto(f"{lab}/rise/notebooks/{path.name}", wait_until="domcontentloaded")
        slides.wait_for_selector(".reveal .slides section.present", state="attached",
                                 timeout=60_000)
        title = slides.locator(f"{PRESENT} h1").first
        title.wait_for(state="visible", timeout=60_000)
        assert path.stem[:2] in title.inner_text()
        # Step through the deck as a lecturer does (Space: next slide, sub-slides included).
        slides.locator(".reveal").first.click(position={"x": 640, "y": 4})
        slider = slides.locator(f"{PRESENT} .jupyter-widgets .noUi-handle")
        for _ in range(150):
            if slider.count():
                break
            slides.keyboard.press("Space")
            slides.wait_for_timeout(100)
        assert slider.count(), "no slide with a live widget slider (widgets shown as text?)"
        handle = slider.first
        handle.wait_for(state="visible", timeout=15_000)
        images = f"{PRESENT} .jupyter-widgets img"
        slides.wait_for_selector(images, state="visible", timeout=30_000)
        before = slides.eval_on_selector_all(images, "els => els.map(e => e.src)")
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        slides.mouse.move(x, y)
        slides.mouse.down()
        slides.mouse.move(x + 60, y, steps=6)
        slides.mouse.up()
        slides.wait_for_function(
            "([sel, before]) => { const now = Array.from(document.querySelectorAll(sel))"
            ".map(e => e.src); return now.some((s, i) => s !== before[i]); }",
            arg=[images, before], timeout=30_000)
        badges = [u for u in requests if any(h in u for h in BADGE_HOSTS)]
        assert badges == [], f"the live title slide requested badge images: {badges}"
    finally:
        slides.close()
