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
    # the widget writes the same decades as plain text (no mathtext to parse per new label)
    live = box.figure_image.fig.axes[0].yaxis
    labels = [live.get_major_formatter()(v) for v in (1e-30, 1e-5, 1.0, 10.0, 1e97)]
    assert labels == ["10⁻³⁰", "10⁻⁵", "10⁰", "10¹", "10⁹⁷"]

    def texts(widget):
        found = [getattr(widget, "value", "")] if hasattr(widget, "value") else []
        return found + [t for child in getattr(widget, "children", ()) for t in texts(child)]
    shown = " ".join(str(t) for t in texts(box) if isinstance(t, str))
    assert " ms" not in shown and "redraw" not in shown


def test_seen_slope_is_the_exact_per_step_factor_over_sigma():
    """With Wh = σQ, ‖dh_{t−1}‖ = σ·‖dh_t ⊙ f′‖: the per-step factor is σ × the slope seen."""
    for sigma, activation in ((2.0, "tanh"), (0.8, "tanh"), (1.3, "linear")):
        p = vanishing_profile(sigma, 40, activation)
        assert (sigma * p.seen_slope) ** 40 == pytest.approx(p.grad_norm[0], rel=1e-9)
    lin = vanishing_profile(1.3, 40, "linear")
    assert lin.seen_slope == pytest.approx(1.0) and lin.rms_slope == pytest.approx(1.0)


def test_the_slope_seen_is_near_the_rms_slope_and_above_the_mean():
    """The numbers notebook 06 prints: 0.55 seen, 0.54 rms, 0.43 mean at σ = 2."""
    p = vanishing_profile(2.0, 60, "tanh")
    assert (round(p.seen_slope, 2), round(p.rms_slope, 2), round(p.mean_slope, 2)) == (
        0.55, 0.54, 0.43)
    for sigma in (1.2, 2.0, 3.0):
        q = vanishing_profile(sigma, 60, "tanh")
        assert q.mean_slope < q.rms_slope and abs(q.seen_slope - q.rms_slope) < 0.02


def test_stronger_inputs_move_the_exploding_threshold():
    """Input std 0.5 (the explorer's): σ = 2 explodes; std 1 (notebook 07's scale): it does not,
    σ = 2.5 does — with the per-step factors both notebooks quote (× 0.991, × 1.071)."""
    assert vanishing_profile(2.0, 60, "tanh").grad_norm[0] > 100
    weak, strong = vanishing_profile(2.0, 60, "tanh", drive=1.0), vanishing_profile(
        2.5, 60, "tanh", drive=1.0)
    assert weak.grad_norm[0] < 1 < 10 < strong.grad_norm[0]
    assert round(2.0 * weak.seen_slope, 3) == 0.991 and round(2.5 * strong.seen_slope, 3) == 1.071
    assert weak.seen_slope < vanishing_profile(2.0, 60, "tanh").seen_slope
    assert vanishing_profile(2.0, 60, "tanh", drive=0.0).mean_slope == 1.0   # h stays 0


def test_the_widget_has_an_input_std_slider_and_says_it():
    box = vanishing_explorer()
    readout = box.children[1]
    assert box.controls["drive"].value == 0.5 and box.state["profile"].drive == 0.5
    assert "input std 0.50" in readout.value
    box.controls["drive"].value = 1.0
    assert box.state["profile"].drive == 1.0 and "input std 1.00" in readout.value
    title = vanishing_explorer_figure().axes[0].get_title()
    assert "input std 0.50" in title and "σ_max(Wh) = 0.90" in title


@pytest.mark.parametrize("drive, err", [("1", TypeError), (True, TypeError),
                                        (-0.1, ValueError), (float("inf"), ValueError)])
def test_bad_drive_names_function_and_argument(drive, err):
    with pytest.raises(err, match="vanishing_profile: drive"):
        vanishing_profile(1.0, 10, "tanh", drive=drive)


def test_a_state_seen_before_blits_onto_its_own_background_and_looks_the_same():
    """One cached background per pair of axis limits: back at limits seen before the widget
    blits onto that background, and the picture equals a redraw from scratch."""
    import io

    import PIL.Image

    def pixels(png):
        return np.asarray(PIL.Image.open(io.BytesIO(png)))

    box = vanishing_explorer()
    view = box.figure_image
    for T in (100, 60):
        box.controls["T"].value = T
    drawn = len(view._backgrounds)
    for T in (100, 60):                                # the second visits reuse a background
        box.controls["T"].value = T
    box.controls["sigma"].value = 0.91                 # a small move: same limits, blitted
    assert len(view._backgrounds) == drawn
    blitted = pixels(view.image.value)
    view.refresh(key="fresh", full=True)               # the background redrawn from scratch
    assert np.array_equal(blitted, pixels(view.image.value))


def test_a_new_axis_range_redraws_only_the_axes_over_the_base_and_looks_like_a_full_draw():
    """A new T or y range draws the ticks, the loss line and the frame over a base drawn once
    (title, legend); the picture is the one a full draw of the figure gives."""
    import io

    import PIL.Image

    def pixels(png):
        return np.asarray(PIL.Image.open(io.BytesIO(png)))

    box = vanishing_explorer()
    view = box.figure_image
    base = view._base
    for T in (150, 35, 100):
        box.controls["T"].value = T
    box.controls["sigma"].value = 2.5                  # a new y range too
    assert view._base is base and len(view._backgrounds) >= 4
    layered = pixels(view.image.value)
    for artist in view.keyed:                          # everything but the curves, at once
        artist.set_animated(False)
    view.keyed = []
    view.refresh(key="plain", full=True)
    assert np.array_equal(layered, pixels(view.image.value))
