"""What `import helpers` sets up for every notebook: one BLAS thread, the plotting style, the
shipped texts."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

import helpers
import helpers.corpora as corpora
import helpers.plotting as hp

THREADS = """
import helpers
from threadpoolctl import threadpool_info
print(helpers.limit_blas_threads.__name__, sorted({i["num_threads"] for i in threadpool_info()
                                                  if i["user_api"] == "blas"}))
"""


def _run(code: str, **env) -> str:
    """Run ``code`` in a fresh interpreter that imports the same ``helpers`` as this test."""
    clean = {k: v for k, v in os.environ.items() if k not in helpers.THREAD_VARIABLES}
    here = str(Path(helpers.__file__).resolve().parents[1])
    clean["PYTHONPATH"] = os.pathsep.join([here, clean.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, cwd=here,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_version_matches_pyproject():
    text = (Path(helpers.__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert f'version = "{helpers.__version__}"' in text and helpers.__version__.count(".") == 2


def test_importing_helpers_limits_blas_to_one_thread():
    assert _run(THREADS) == "limit_blas_threads [1]"


@pytest.mark.parametrize("name", ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"])
def test_an_explicit_thread_variable_wins(name):
    code = "import helpers; print(helpers.limit_blas_threads(1))"
    assert _run(code, **{name: "2"}) == "None"


def test_limit_blas_threads_returns_the_limit(monkeypatch):
    for name in helpers.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert helpers.limit_blas_threads(1) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "")  # empty counts as unset
    assert helpers.limit_blas_threads(1) == 1


def test_the_limit_goes_to_threadpoolctl_unless_a_variable_is_set(monkeypatch):
    import threadpoolctl

    calls = []
    monkeypatch.setattr(threadpoolctl, "threadpool_limits", lambda **kw: calls.append(kw))
    for name in helpers.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    assert helpers.limit_blas_threads(3) == 3
    assert calls == [{"limits": 3, "user_api": "blas"}]
    monkeypatch.setenv("MKL_NUM_THREADS", "4")
    assert helpers.limit_blas_threads(3) is None and len(calls) == 1


def test_without_threadpoolctl_nothing_is_limited(monkeypatch):
    for name in helpers.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import fails
    assert helpers.limit_blas_threads(1) is None


def test_corpora_lists_and_reads_the_shipped_texts():
    names = corpora.available()
    assert names == sorted(names) and all(n.endswith(".txt") for n in names)
    assert "shakespeare_sonnets.txt" in names and "SOURCES.md" not in names
    text = corpora.read_text("shakespeare_sonnets.txt")
    assert text.startswith("THE SONNETS") or "Shall I compare thee" in text
    assert len(text) > 50_000


@pytest.mark.parametrize("bad", ["missing.txt", "SOURCES.md", None, 3])
def test_corpora_refuses_unknown_names_naming_the_choices(bad):
    with pytest.raises(ValueError) as err:
        corpora.read_text(bad)
    message = str(err.value)
    assert message.startswith("read_text: name expects one of [")
    assert "shakespeare_sonnets.txt" in message and repr(bad) in message


def test_the_course_style_is_applied_on_import():
    mpl.rcdefaults()
    hp.use_course_style()
    rc = mpl.rcParams
    assert (rc["font.size"], rc["axes.titlesize"], rc["axes.labelsize"]) == (12, 14, 13)
    assert (rc["xtick.labelsize"], rc["ytick.labelsize"], rc["legend.fontsize"]) == (12, 12, 12)
    assert rc["figure.dpi"] == 100 and rc["savefig.dpi"] == 100
    assert rc["axes.grid"] and not rc["axes.spines.top"] and not rc["axes.spines.right"]
    assert rc["image.cmap"] == hp.SEQUENTIAL_CMAP and not rc["legend.frameon"]
    assert rc["svg.hashsalt"] == "backprop-by-hand"
    assert rc["axes.prop_cycle"].by_key()["color"][0].lower() == hp.PALETTE[0].lower()


def test_palette_is_tableau_colorblind10_named_by_role():
    cycle = mpl.style.library["tableau-colorblind10"]["axes.prop_cycle"].by_key()["color"]
    assert [c.upper() for c in hp.PALETTE] == [c.upper() for c in cycle]
    assert (hp.FORWARD, hp.HIGHLIGHT, hp.NEUTRAL, hp.GRADIENT) == (
        hp.PALETTE[0], hp.PALETTE[1], hp.PALETTE[3], hp.PALETTE[5])
    assert hp.SEQUENTIAL_CMAP == "cividis" and hp.DIVERGING_CMAP == "PuOr"
    assert hp.DIVERGING_CMAP in mpl.colormaps


def test_figure_defaults():
    hp.use_course_style()
    rc = mpl.rcParams
    assert tuple(rc["figure.figsize"]) == (6.4, 4.0) and rc["grid.alpha"] == 0.3
    assert rc["savefig.bbox"] == "tight" and rc["font.family"] == ["DejaVu Sans"]


def test_the_style_is_applied_when_the_module_is_imported():
    code = "import matplotlib as mpl, helpers.plotting; print(mpl.rcParams['font.size'])"
    assert _run(code) == "12.0"


def test_use_course_style_asks_for_sharp_inline_figures(monkeypatch):
    calls = []
    monkeypatch.setattr(hp, "_sharp_inline_figures", lambda: calls.append(1))
    hp.use_course_style()
    assert calls == [1]


def test_without_ipython_inline_setup_is_skipped(monkeypatch):
    monkeypatch.setitem(sys.modules, "IPython", None)  # import fails
    assert hp._sharp_inline_figures() is None


def test_inline_figures_are_retina_inside_ipython_only(monkeypatch):
    calls = []
    fake_inline = types.SimpleNamespace(set_matplotlib_formats=lambda *f: calls.append(f))
    monkeypatch.setitem(sys.modules, "matplotlib_inline.backend_inline", fake_inline)
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    hp._sharp_inline_figures()
    assert calls == []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    hp._sharp_inline_figures()
    assert calls == [("retina",)]


def test_save_figure_writes_a_stamp_free_png_and_closes(tmp_path):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    path = hp.save_figure(fig, tmp_path / "f.png", dpi=50)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and b"Software" not in data
    assert not plt.fignum_exists(fig.number)
    again = hp.save_figure(plt.subplots()[0], tmp_path / "g.png")
    assert again == tmp_path / "g.png"


def test_save_figure_uses_a_tight_box_and_no_stamp(monkeypatch):
    seen = {}
    fig = plt.figure()
    monkeypatch.setattr(fig, "savefig", lambda path, **kw: seen.update(kw, path=path))
    assert hp.save_figure(fig, "x.png", dpi=77) == "x.png"
    assert seen == {"path": "x.png", "dpi": 77, "bbox_inches": "tight",
                    "metadata": {"Software": None}}


def test_caption_sits_under_the_axes():
    fig, ax = plt.subplots()
    hp.caption(ax, "note")
    (text,) = ax.texts
    assert text.get_text() == "note" and text.get_position() == (0.5, -0.18)
    assert text.get_ha() == "center" and text.get_va() == "top"
    assert text.get_fontsize() == 9 and text.get_color() == hp.NEUTRAL
    plt.close(fig)
