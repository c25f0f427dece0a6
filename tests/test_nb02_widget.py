"""Notebook 02's activation explorer: the pure function, the static figure and the widget."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.gradcheck import numerical_gradient
from helpers.widgets.activation_explorer import (
    ACTIVATIONS,
    K_MAX,
    _build,
    activation_and_derivative,
    activation_explorer,
    activation_explorer_figure,
    explore_activation,
)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_derivative_matches_numerical_gradient(name):
    z = np.array([-3.7, -1.2, -0.3, 0.4, 1.1, 2.9])  # no kink at 0 for the ReLUs
    _, da = activation_and_derivative(name, z)

    def total(zz):
        return np.sum(activation_and_derivative(name, zz)[0])

    assert np.allclose(da, numerical_gradient(total, z.copy()), rtol=1e-7, atol=1e-10)


def test_known_values_and_bounds():
    a, da = activation_and_derivative("sigmoid", 0.0)
    assert a == 0.5 and da == 0.25
    z = np.linspace(-10, 10, 2001)
    assert activation_and_derivative("sigmoid", z)[1].max() <= 0.25
    assert activation_and_derivative("tanh", z)[1].max() <= 1.0
    assert activation_and_derivative("relu", -2.0)[1] == 0.0
    assert activation_and_derivative("leaky_relu", -2.0) == pytest.approx((-0.02, 0.01))


def test_sigmoid_is_stable_for_huge_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a, da = activation_and_derivative("sigmoid", np.array([-1000.0, 1000.0]))
    assert np.array_equal(a, [0.0, 1.0]) and np.array_equal(da, [0.0, 0.0])


def test_input_is_not_modified():
    z = np.array([-1.0, 0.0, 2.0])
    activation_and_derivative("relu", z)
    assert np.array_equal(z, [-1.0, 0.0, 2.0])


def test_explore_shapes_and_chain():
    d = explore_activation("sigmoid", z=2.0, k=5, n=241)
    assert d["z_grid"].shape == d["a"].shape == d["da"].shape == d["saturated"].shape == (241,)
    assert d["depths"].tolist() == [1, 2, 3, 4, 5]
    s = 1 / (1 + np.exp(-2.0))
    assert d["da_z"] == pytest.approx(s * (1 - s))
    assert np.allclose(d["chain"], (s * (1 - s)) ** np.arange(1, 6))
    assert np.allclose(d["best"], 0.25 ** np.arange(1, 6))
    assert np.all(d["chain"] <= d["best"])


@pytest.mark.parametrize("name, n_spans", [("sigmoid", 2), ("tanh", 2), ("relu", 1),
                                           ("leaky_relu", 1)])
def test_saturated_zone(name, n_spans):
    d = explore_activation(name, z=0.5, k=3)
    assert len(d["spans"]) == n_spans
    assert not d["saturated"][np.argmin(np.abs(d["z_grid"] - 0.5))]  # z = 0.5 is not saturated
    assert np.all(d["da"][d["saturated"]] < 0.1 * d["peak"])
    if name == "sigmoid":  # σ′ < 0.025 exactly when |z| > 3.63
        assert d["spans"][0][1] == pytest.approx(-3.65, abs=0.06)


def test_dead_relu_passes_no_gradient():
    d = explore_activation("relu", z=-1.0, k=4)
    assert np.all(d["chain"] == 0.0)


@pytest.mark.parametrize("kwargs, error", [
    ({"activation": "swish"}, ValueError),
    ({"k": 0}, ValueError),
    ({"k": K_MAX + 1}, ValueError),
    ({"k": 2.5}, TypeError),
    ({"z": "1"}, TypeError),
    ({"z": float("nan")}, ValueError),
])
def test_bad_input_names_function_and_argument(kwargs, error):
    with pytest.raises(error, match="explore_activation"):
        explore_activation(**kwargs)


def test_activation_and_derivative_bad_input():
    with pytest.raises(ValueError, match="activation_and_derivative: activation"):
        activation_and_derivative("softplus", 1.0)
    with pytest.raises(TypeError, match="activation_and_derivative: z"):
        activation_and_derivative("tanh", "abc")


def test_every_text_is_projector_size():
    """Ticks, labels, legends and titles at 11 pt or more (the slide decks show this figure)."""
    from matplotlib.text import Text

    fig = activation_explorer_figure("tanh", z=-3.0, k=20)
    fig.canvas.draw()
    sizes = {t.get_text(): t.get_fontsize() for t in fig.findobj(Text) if t.get_text()}
    assert sizes and min(sizes.values()) >= 11, sizes
    assert fig.get_size_inches().tolist() == [10.5, 4.2]


def test_titles_use_a_true_minus_sign():
    fig = activation_explorer_figure("tanh", z=-3.0, k=20)
    titles = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert titles[0] == "tanh\nf(−3.0) = −0.995"
    assert titles[1] == "local gradient\nf′(−3.0) = 0.00987"
    assert titles[2].startswith("k = 20 layers, each at z = −3.0\n")
    assert "-" not in "".join(titles[:2])
    fig = activation_explorer_figure("relu", z=-1.0, k=4)
    assert "= 0 (dead), best 1.0e+00" in fig.axes[2].texts[0].get_text()


def test_legend_sits_above_every_gradient():
    """The depth panel's legend lives in the band above 1, where no gradient can be drawn."""
    fig = activation_explorer_figure("tanh", z=0.0, k=20)
    ax = fig.axes[2]
    assert ax.get_ylim()[1] >= 1e5 and ax.get_legend()._loc == 1     # upper right
    for line in ax.get_lines():
        assert np.nanmax(line.get_ydata()) <= 1.0


def test_static_figure_has_titled_labelled_axes():
    fig = activation_explorer_figure()
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert len(axes) == 3
    for ax in axes:
        assert ax.get_xlabel() and ax.get_ylabel()
        assert any(t.get_text() for t in ax.texts)  # the per-panel title


def test_widget_updates_in_place():
    box, view, artists, (choose, z_slider, k_slider) = _build()
    assert isinstance(activation_explorer(), W.VBox)
    first = view.image.value
    lines_before = list(view.fig.axes[2].lines)
    z_slider.value = -2.0
    assert view.image.value != first
    choose.value = "relu"
    k_slider.value = 12
    assert list(view.fig.axes[2].lines) == lines_before  # same artists, new data
    assert len(artists.line_chain.get_xdata()) == 12


def test_cached_background_gives_the_same_picture():
    _, view, _, (choose, z_slider, k_slider) = _build("sigmoid", z=1.0, k=3)
    first = view.image.value
    choose.value = "tanh"               # a complete draw for tanh
    assert view.image.value != first
    choose.value = "sigmoid"            # back: the cached sigmoid background is reused
    assert view.image.value == first


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_drop_lines_stop_at_the_dot(name):
    """The dotted lines rise from the z axis to the marked point only, so they never cross
    the legends in the upper left of the two curve panels."""
    _, _, artists, (choose, z_slider, _) = _build()
    choose.value, z_slider.value = name, -3.0
    ax_f, ax_d, _ = artists.axes
    for line, dot, ax in ((artists.vline_f, artists.dot_f, ax_f),
                          (artists.vline_d, artists.dot_d, ax_d)):
        xs, ys = line.get_data()
        assert list(xs) == [-3.0, -3.0]
        assert ys[0] == ax.get_ylim()[0] and ys[1] == dot.get_ydata()[0]
