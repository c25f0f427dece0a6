"""Notebook 07's widget: the pure function behind the RNN/LSTM/GRU gradient-norm plot."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.widgets.gradient_highway import (
    DEFAULTS,
    gradient_highway_explorer,
    gradient_highway_figure,
    gradient_norms_through_time,
)

KEYS = ("rnn", "lstm_h", "lstm_c", "gru")


@pytest.mark.parametrize("T", [1, 7, 60])
def test_shapes_and_boundary_values(T):
    out = gradient_norms_through_time(T=T)
    assert set(out) == {"t", *KEYS, "lstm_keep", "gru_keep"}
    for key in ("lstm_keep", "gru_keep"):
        assert isinstance(out[key], float) and 0 < out[key] < 1
    assert np.array_equal(out["t"], np.arange(T + 1))
    for key in KEYS:
        assert out[key].shape == (T + 1,)
        assert np.all(np.isfinite(out[key])) and np.all(out[key] >= 0)
    for key in ("rnn", "lstm_h", "gru"):          # L = v·h_T with a unit v
        assert out[key][T] == pytest.approx(1.0, rel=1e-12)
    assert out["lstm_c"][T] == 0.0                  # the loss reads h_T only


def test_deterministic_and_seeded():
    a = gradient_norms_through_time(T=20, seed=3)
    b = gradient_norms_through_time(T=20, seed=3)
    c = gradient_norms_through_time(T=20, seed=4)
    for key in KEYS:
        assert np.array_equal(a[key], b[key])
    assert not np.allclose(a["rnn"], c["rnn"])


def test_keep_bias_moves_only_the_gated_cells():
    low = gradient_norms_through_time(T=40, keep_bias=-2.0)
    high = gradient_norms_through_time(T=40, keep_bias=4.0)
    assert np.array_equal(low["rnn"], high["rnn"])      # the RNN has no gate
    for key in ("lstm_h", "lstm_c", "gru"):
        assert high[key][0] > 1e3 * low[key][0]


def test_default_state_shows_the_highway():
    out = gradient_norms_through_time()
    assert out["rnn"][0] < 1e-6                          # the plain RNN's gradient has vanished
    assert out["lstm_c"][0] > 1e-2                       # the cell line still carries it
    assert out["gru"][0] > 1e3 * out["rnn"][0]


def test_one_step_matches_the_rnn_formula():
    """T = 1: ‖∂L/∂h_0‖ = ‖(v ⊙ (1 − h_1²))·Whᵀ‖ for the same draws the function makes."""
    from helpers.layers.init import orthogonal

    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 1, 4))
    v = rng.standard_normal((1, 16))
    v /= np.linalg.norm(v)
    Wx = rng.standard_normal((4, 16)) / 2.0
    Wh = 1.5 * orthogonal(16, rng)
    h1 = np.tanh(x[:, 0] @ Wx)                           # h_0 = 0, b = 0
    expected = np.linalg.norm((v * (1 - h1**2)) @ Wh.T)
    out = gradient_norms_through_time(T=1, sigma=1.5, seed=0)
    assert out["rnn"][0] == pytest.approx(expected, rel=1e-12)


def test_every_block_of_wh_has_all_singular_values_sigma():
    from helpers.widgets.gradient_highway import _weights

    for gates in (1, 3, 4):
        _, Wh = _weights(np.random.default_rng(gates), gates, 4, 16, 2.5)
        assert Wh.shape == (16, gates * 16)
        for k in range(gates):
            s = np.linalg.svd(Wh[:, 16 * k:16 * (k + 1)], compute_uv=False)
            np.testing.assert_allclose(s, 2.5, rtol=1e-12)


def test_below_one_the_rnn_can_only_vanish_above_one_it_can_explode():
    """One step back multiplies ‖∂L/∂h‖ by σ·‖dh ⊙ tanh′‖/‖dh‖ ≤ σ: with σ < 1 every step
    shrinks it; with σ = 3 (this seed) it grows; with σ = 1 it still vanishes (tanh′ < 1)."""
    low = gradient_norms_through_time(T=40, sigma=0.75)["rnn"]
    assert np.all(low[:-1] <= 0.75 * low[1:] * (1 + 1e-12))
    assert gradient_norms_through_time(T=60, sigma=3.0)["rnn"][0] > 1e2
    assert gradient_norms_through_time(T=60, sigma=1.0)["rnn"][0] < 1e-8


@pytest.mark.parametrize("kwargs, error", [
    ({"T": 0}, ValueError),
    ({"T": 2.5}, TypeError),
    ({"T": True}, TypeError),
    ({"keep_bias": float("nan")}, ValueError),
    ({"keep_bias": "1"}, TypeError),
    ({"sigma": 0.0}, ValueError),
    ({"sigma": float("inf")}, ValueError),
    ({"seed": 1.0}, TypeError),
])
def test_bad_input_names_function_and_argument(kwargs, error):
    with pytest.raises(error, match="gradient_norms_through_time: " + next(iter(kwargs))):
        gradient_norms_through_time(**kwargs)


def _texts(fig) -> str:
    """Every text on the figure (title, subtitle, key), one per line."""
    (ax,) = fig.axes
    return "\n".join([ax.get_title()] + [t.get_text() for t in ax.texts + fig.texts])


def test_static_figure_is_titled_and_labelled():
    fig = gradient_highway_figure()
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_title()
    assert f"T = {DEFAULTS['T']}" in _texts(fig)
    assert ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 4
    for name in ("RNN", "LSTM ‖∂L/∂cₜ‖", "GRU", "at t = 0"):
        assert name in _texts(fig)


def test_widget_updates_its_figure_in_place():
    box = gradient_highway_explorer()
    image = box.figure_image
    (ax,) = image.fig.axes
    lines_before = list(ax.get_lines())
    png_before = image.image.value
    sliders = box.controls
    assert list(box.children[0].children) == [sliders[k] for k in ("sigma", "keep_bias", "T")]
    sliders["T"].value = 20
    assert "T = 20" in _texts(image.fig)
    assert list(ax.get_lines()) == lines_before            # same artists, new data
    assert len(lines_before[0].get_xdata()) == 21
    assert lines_before[0].get_xdata()[0] == 20           # t = 0 sits T steps back from the loss
    assert ax.get_xlim() == (0, 60)                        # one fixed frame for every T
    assert image.image.value != png_before
    ylim = ax.get_ylim()
    sliders["keep_bias"].value = -1.0
    assert "β = -1.0" in _texts(image.fig)
    sliders["sigma"].value = 2.5
    assert "σ of Wₕ = 2.50" in _texts(image.fig)
    assert ax.get_ylim() == ylim                           # one fixed scale to compare against


def _pixels(png: bytes) -> np.ndarray:
    import io

    import PIL.Image
    return np.asarray(PIL.Image.open(io.BytesIO(png)))


def test_blitted_move_draws_the_same_image_as_a_full_redraw():
    """A slider move that reuses a cached background must look exactly like a fresh drawing."""
    box = gradient_highway_explorer()
    image = box.figure_image
    assert image.dynamic                                   # blitting is on
    s_T, s_bias = box.controls["T"], box.controls["keep_bias"]
    s_bias.value = 2.5                                     # one fixed frame: a cached background
    s_T.value = 40
    s_T.value = 45
    blitted = _pixels(image.image.value)
    image.refresh(key="fresh", full=True)                  # background redrawn from scratch
    assert np.array_equal(blitted, _pixels(image.image.value))


def test_norms_match_numerical_gradients():
    """T = 3: ‖∂L/∂h_0‖ (and ‖∂L/∂c_0‖) for all three cells, by central differences on the
    forward pass alone, with the same seeded draws the pure function makes."""
    from helpers import layers
    from helpers.gradcheck import numerical_gradient
    from helpers.layers.init import orthogonal

    T, beta, sigma, D, H = 3, 1.5, 1.25, 4, 16
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1, T, D))
    v = rng.standard_normal((1, H))
    v /= np.linalg.norm(v)

    def weights(blocks):
        Wx = rng.standard_normal((D, blocks * H)) / np.sqrt(D)
        return Wx, np.hstack([sigma * orthogonal(H, rng) for _ in range(blocks)])

    Wx, Wh = weights(1)
    def rnn_loss(h):
        for t in range(T):
            h = layers.rnn_step_forward(x[:, t], h, Wx, Wh, np.zeros(H))[0]
        return float(np.sum(v * h))
    expected = {"rnn": numerical_gradient(rnn_loss, np.zeros((1, H)))}

    Wx_l, Wh_l = weights(4)
    b_l = np.zeros(4 * H)
    b_l[H:2 * H] = beta
    def lstm_loss(h, c):
        for t in range(T):
            h, c, _ = layers.lstm_step_forward(x[:, t], h, c, Wx_l, Wh_l, b_l)
        return float(np.sum(v * h))
    zeros = np.zeros((1, H))
    expected["lstm_h"] = numerical_gradient(lambda h: lstm_loss(h, zeros), np.zeros((1, H)))
    expected["lstm_c"] = numerical_gradient(lambda c: lstm_loss(zeros, c), np.zeros((1, H)))

    Wx_g, Wh_g = weights(3)
    b_g = np.zeros(3 * H)
    b_g[:H] = -beta
    def gru_loss(h):
        for t in range(T):
            h = layers.gru_step_forward(x[:, t], h, Wx_g, Wh_g, b_g)[0]
        return float(np.sum(v * h))
    expected["gru"] = numerical_gradient(gru_loss, np.zeros((1, H)))

    out = gradient_norms_through_time(T=T, keep_bias=beta, sigma=sigma, seed=7)
    for key, grad in expected.items():
        assert out[key][0] == pytest.approx(np.linalg.norm(grad), rel=1e-7), key


def test_keep_fractions_follow_the_keep_bias():
    """β = 0: the gates sit near 1/2 on average; β = 4: near σ(4) ≈ 0.98; the mean forget gate
    and the GRU's mean 1 − z are what the cells read them as."""
    mid = gradient_norms_through_time(T=30, keep_bias=0.0)
    high = gradient_norms_through_time(T=30, keep_bias=4.0)
    low = gradient_norms_through_time(T=30, keep_bias=-2.0)
    for key in ("lstm_keep", "gru_keep"):
        assert 0.35 < mid[key] < 0.65
        assert 0.9 < high[key] < 1.0
        assert 0.0 < low[key] < 0.25
        assert low[key] < mid[key] < high[key]


def test_the_figure_says_its_input_scale_and_the_numbers_match_notebook_06():
    """The RNN here is driven with inputs of std ≈ 1: σ = 2 gives × 0.992 per step, σ = 2.5
    explodes; notebook 06's explorer with its input std set to 1 agrees (× 0.991), while its
    default 0.5 explodes at σ = 2 — the comparison notebook 07 prints."""
    from helpers.widgets.gradient_highway import INPUTS
    from helpers.widgets.vanishing_explorer import vanishing_profile

    assert INPUTS in _texts(gradient_highway_figure()) and "std ≈ 1" in INPUTS
    rnn2 = gradient_norms_through_time(sigma=2.0)["rnn"][0]
    assert round(rnn2 ** (1 / 60), 3) == 0.992
    assert gradient_norms_through_time(sigma=2.5)["rnn"][0] > 1e2
    assert round(2.0 * vanishing_profile(2.0, 60, "tanh", drive=1.0).seen_slope, 3) == 0.991
    assert vanishing_profile(2.0, 60, "tanh", drive=0.5).grad_norm[0] > 1e2
    rng = np.random.default_rng(0)
    x, Wx = rng.standard_normal((4000, 4)), rng.standard_normal((4, 16)) / 2.0
    assert 0.8 < (x @ Wx).std() < 1.2                       # the drive's scale, as said


def test_the_first_slider_is_sigma_and_a_step_right_redraws():
    """The first slider a learner (or the browser test) reaches is σ, which opens mid-range: three
    steps right (ArrowRight ×3) change the state and the image. T opens at its maximum."""
    box = gradient_highway_explorer()
    first = box.children[0].children[0]
    assert first is box.controls["sigma"] and first.value + 3 * first.step <= first.max
    assert box.controls["T"].value == box.controls["T"].max
    before = box.figure_image.image.value
    for _ in range(3):
        first.value = first.value + first.step
    assert box.figure_image.image.value != before
    assert f"σ of Wₕ = {DEFAULTS['sigma'] + 3 * first.step:.2f}" in _texts(box.figure_image.fig)
