"""Notebook 06's static figure: the unrolled RNN is titled (tests/test_figures.py checks that
every figure the notebook links exists and is produced by scripts/figures_nb06.py)."""

from notebook_tools import load_figure_script


def load_script():
    return load_figure_script("06")


def test_unrolled_figure_is_titled():
    fig = load_script().unrolled_figure(steps=3)
    assert fig.axes[0].get_title()
