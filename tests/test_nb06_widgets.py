"""Notebook 06: the vanishing_explorer pure function, its widget and static figure."""

from __future__ import annotations

import time

import numpy as np
import pytest

from helpers.widgets.vanishing_explorer import (
    ACTIVATIONS,
    _sticky_limits,
    vanishing_explorer,
    vanishing_explorer_figure,
    vanishing_profile,
)


@pytest.mark.parametrize("sigma", [0.5, 0.9, 1.0, 1.3])
@pytest.mark.parametrize("T", [1, 7, 80])
def test_linear_orthogonal_gives_exactly_sigma_power(sigma, T):
    p = vanishing_profile(sigma, T, "linear")
    expected = sigma ** (T - np.arange(T + 1.0))
    np.testing.assert_allclose(p.grad_norm, expected, rtol=1e-12)
    np.testing.assert_allclose(p.bound, expected, rtol=1e-15)
    assert p.t.tolist() == list(range(T + 1))


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sigma", [0.7, 1.0, 1.4])
def test_measured_never_exceeds_the_bound(activation, sigma):
    p = vanishing_profile(sigma, 60, activation)
    assert p.grad_norm[-1] == pytest.approx(1.0)
    assert np.all(p.grad_norm <= p.bound * (1 + 1e-9))


def test_tanh_vanishes_below_one_and_saturation_only_shrinks():
    small = vanishing_profile(0.8, 60, "tanh")
    assert small.grad_norm[0] < 0.8 ** 60
    lin = vanishing_profile(1.2, 60, "linear")
    tanh = vanishing_profile(1.2, 60, "tanh")
    assert tanh.grad_norm[0] < lin.grad_norm[0]


def test_matches_a_brute_force_jacobian_product():
    """dh_0 = g · J_T ⋯ J_1 with J_t = diag(tanh′(a_t)) · Whᵀ, recomputed independently."""
    sigma, T, H = 1.1, 12, 16
    p = vanishing_profile(sigma, T, "tanh", H=H, seed=3)
    rng = np.random.default_rng(3)
    Q, R = np.linalg.qr(rng.standard_normal((H, H)))
    Wh = sigma * Q * np.sign(np.diag(R))
    u = 0.5 * rng.standard_normal((T, H))
    g = rng.standard_normal(H)
    g /= np.linalg.norm(g)
    h, J = np.zeros(H), np.eye(H)
    for t in range(T):
        h = np.tanh(h @ Wh + u[t])
        J = np.diag(1 - h**2) @ Wh.T @ J  # ∂h_t/∂h_0, built forward
    assert np.linalg.norm(g @ J) == pytest.approx(p.grad_norm[0], rel=1e-10)


def test_clipping_rescales_everything_by_one_factor():
    p = vanishing_profile(1.3, 50, "linear", clip=10.0)
    assert p.dWh_norm > 10
    assert p.clip_scale == pytest.approx(10.0 / p.dWh_norm)
    np.testing.assert_allclose(p.clipped_norm, p.clip_scale * p.grad_norm)
    off = vanishing_profile(1.3, 50, "linear")
    assert off.clip_scale == 1.0 and np.array_equal(off.clipped_norm, off.grad_norm)
    loose = vanishing_profile(0.5, 50, "tanh", clip=1e6)
    assert loose.clip_scale == 1.0


def test_deterministic():
    a, b = vanishing_profile(1.05, 40, "relu"), vanishing_profile(1.05, 40, "relu")
    assert np.array_equal(a.grad_norm, b.grad_norm)


@pytest.mark.parametrize("kwargs, err", [
    (dict(sigma=0.0), ValueError), (dict(sigma=float("nan")), ValueError),
    (dict(sigma="1"), TypeError), (dict(T=0), ValueError), (dict(T=2.5), TypeError),
    (dict(activation="sigmoid"), ValueError), (dict(clip=-1.0), ValueError),
])
def test_bad_input_names_function_and_argument(kwargs, err):
    with pytest.raises(err, match="vanishing_profile: " + next(iter(kwargs))):
        vanishing_profile(**kwargs)


def test_pure_function_is_fast():
    vanishing_profile(1.2, 200, "tanh", 1.0)
    t0 = time.perf_counter()
    for _ in range(10):
        vanishing_profile(1.2, 200, "tanh", 1.0)
    per_call = (time.perf_counter() - t0) / 10
    print(f"vanishing_profile(T=200): {1e3 * per_call:.2f} ms per call")  # measured, not asserted


def test_widget_updates_in_place():
    box = vanishing_explorer()
    image = box.children[-1]
    first = image.value
    box.controls["sigma"].value = 1.3
    assert box.state["profile"].sigma == pytest.approx(1.3)
    assert image.value != first
    box.controls["clip_on"].value = False
    assert box.state["profile"].clip is None and box.controls["clip"].disabled
    box.controls["activation"].value = "relu"
    box.controls["T"].value = 200
    p = box.state["profile"]
    assert (p.activation, p.T) == ("relu", 200)


def test_widget_keeps_its_axis_for_small_moves_and_shows_the_numbers():
    """A drag of σ by 0.01 keeps the y limits (so the redraw is a blit) and updates the readout."""
    box = vanishing_explorer()
    readout = box.children[1]
    limits = []
    for sigma in (0.90, 0.91, 0.92):
        box.controls["sigma"].value = sigma
        limits.append(_sticky_limits((1e-12, 1e2), box.state["profile"]))
        assert f"σ_max(Wh) = {sigma:.2f}" in readout.value
    assert limits[0] == limits[1] == limits[2] == (1e-12, 1e2)
    far = vanishing_profile(1.5, 60, "linear")
    lo, hi = _sticky_limits((1e-12, 1e2), far)
    assert lo <= far.grad_norm.min() and far.grad_norm.max() <= hi


def test_static_figure_has_title_and_labels():
    fig = vanishing_explorer_figure()
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_yscale() == "log"


def test_the_slider_reaches_the_exploding_regime_of_tanh():
    """σ_max up to 3: tanh's gradient explodes there (the numbers notebook 06 prints)."""
    box = vanishing_explorer()
    assert box.controls["sigma"].max >= 3.0
    box.controls["sigma"].value = 3.0
    assert box.state["profile"].sigma == pytest.approx(3.0)
    assert vanishing_profile(2.0, 60, "tanh").grad_norm[0] == pytest.approx(273, rel=0.01)
    assert vanishing_profile(3.0, 60, "tanh").grad_norm[0] == pytest.approx(1.64e5, rel=0.01)
    assert vanishing_profile(1.2, 60, "tanh").grad_norm[0] < 1e-4      # σ > 1, yet it vanishes


def test_mean_slope_is_the_average_derivative():
    assert vanishing_profile(1.5, 30, "linear").mean_slope == 1.0
    relu = vanishing_profile(0.9, 40, "relu")
    assert 0.2 < relu.mean_slope < 0.8                     # the share of active units
    tanh_low, tanh_high = vanishing_profile(1.2, 60, "tanh"), vanishing_profile(3.0, 60, "tanh")
    assert 0 < tanh_high.mean_slope < tanh_low.mean_slope < 1
    assert tanh_high.grad_norm[0] > 1 > tanh_low.grad_norm[0]   # the average does not decide


def test_log_ticks_are_powers_of_ten_and_no_timing_is_shown():
    from matplotlib.ticker import LogFormatterSciNotation

    ax = vanishing_explorer_figure().axes[0]
    assert isinstance(ax.yaxis.get_major_formatter(), LogFormatterSciNotation)
    box = vanishing_explorer()
    box.controls["T"].value = 100

    def texts(widget):
        found = [getattr(widget, "value", "")] if hasattr(widget, "value") else []
        return found + [t for child in getattr(widget, "children", ()) for t in texts(child)]
    shown = " ".join(str(t) for t in texts(box) if isinstance(t, str))
    assert " ms" not in shown and "redraw" not in shown
