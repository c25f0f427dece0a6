"""Notebook 08's widget: the deep MLP behind the per-layer norm explorer, and its figure."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.gradcheck import numerical_gradient, rel_error
from helpers.widgets.normalization_explorer import (
    DEFAULTS,
    batch_spread,
    init_mlp,
    mlp_loss_and_grads,
    normalization_explorer,
    normalization_explorer_figure,
    normalization_profile,
)

KEYS = ("activation_rms", "grad_h", "grad_W")


def test_batch_spread():
    """0 when every example is the same (or all ReLUs are off), 1 when every feature has mean 0
    over the batch, and √(mean over features of Var_n h) / RMS of h in between."""
    rng = np.random.default_rng(3)
    row = rng.uniform(0.5, 2.0, 5)
    assert batch_spread(np.tile(row, (7, 1))) == pytest.approx(0.0, abs=1e-7)
    assert batch_spread(np.zeros((4, 3))) == 0.0
    h = rng.standard_normal((6, 5))
    assert batch_spread(h - h.mean(axis=0)) == pytest.approx(1.0, rel=1e-12)
    h = rng.uniform(0.0, 3.0, (8, 4))                  # non-negative, like a ReLU's output
    want = np.sqrt(np.mean(h.var(axis=0)) / np.mean(h * h))
    assert batch_spread(h) == pytest.approx(want, rel=1e-12)
    assert isinstance(batch_spread(h), float)
    profile = normalization_profile(depth=3, norm="batch")
    assert profile["batch_spread"].shape == (3,) and np.all(profile["batch_spread"] > 0.5)


@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
@pytest.mark.parametrize("depth", [1, 4, 30])
def test_shapes_and_values(norm, depth):
    out = normalization_profile(depth=depth, norm=norm)
    assert np.array_equal(out["layer"], np.arange(1, depth + 1))
    for key in KEYS:
        assert out[key].shape == (depth,)
        assert np.all(np.isfinite(out[key])) and np.all(out[key] > 0)
    assert np.isfinite(out["loss"]) and out["loss"] > 0


def test_deterministic_and_seeded():
    a, b = normalization_profile(seed=3), normalization_profile(seed=3)
    c = normalization_profile(seed=4)
    for key in KEYS:
        assert np.array_equal(a[key], b[key])
    assert not np.allclose(a["activation_rms"], c["activation_rms"])


def test_plain_net_drifts_by_scale_over_root_two_per_layer():
    """Without normalization a ReLU layer multiplies the mean square by about scale²/2."""
    for scale in (1.0, 2.0):
        rms = normalization_profile(depth=20, scale=scale)["activation_rms"]
        per_layer = np.exp(np.mean(np.log(rms[1:] / rms[:-1])))
        assert per_layer == pytest.approx(scale / np.sqrt(2), rel=0.1)


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_normalized_activations_stay_put_whatever_the_scale(norm):
    """After normalization and a ReLU, the RMS is about √(1/2) in every layer, for any scale."""
    for scale in (0.5, 1.0, 3.0):
        rms = normalization_profile(depth=20, scale=scale, norm=norm)["activation_rms"]
        np.testing.assert_allclose(rms, np.sqrt(0.5), rtol=0.1)


def test_batch_norm_is_invariant_to_the_weight_scale():
    """Scaling every hidden W by c leaves the loss and ∂L/∂h alone and divides ∂L/∂W by c
    (up to eps, which is small against the variances: 1e-5)."""
    a = normalization_profile(scale=1.0, norm="batch")
    b = normalization_profile(scale=2.0, norm="batch")
    assert b["loss"] == pytest.approx(a["loss"], rel=1e-4)
    np.testing.assert_allclose(b["grad_h"], a["grad_h"], rtol=1e-4)
    np.testing.assert_allclose(b["grad_W"] * 2.0, a["grad_W"], rtol=1e-4)


@pytest.mark.parametrize("norm", ["none", "batch", "layer"])
def test_mlp_gradients_match_central_differences(norm):
    rng = np.random.default_rng(1)
    params = init_mlp(rng, depth=3, width=5, D_in=4, C=3, scale=1.3)
    x, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    for p in params[:-1]:                     # γ, β away from their initial 1, 0
        p["gamma"] = rng.uniform(0.5, 1.5, 5)
        p["beta"] = 0.3 * rng.standard_normal(5)
    _, grads, _ = mlp_loss_and_grads(params, x, y, norm)
    worst = 0.0
    for layer, (p, g) in enumerate(zip(params, grads, strict=True)):
        for name in g:
            def f(value, layer=layer, name=name):
                changed = [dict(q) for q in params]
                changed[layer][name] = value
                return mlp_loss_and_grads(changed, x, y, norm)[0]
            numeric = numerical_gradient(f, p[name].copy())
            if norm == "batch" and name == "b" and layer < len(params) - 1:
                # batch norm subtracts the batch mean: a bias before it has no effect at all
                np.testing.assert_allclose(g[name], 0.0, atol=1e-15)
                np.testing.assert_allclose(numeric, 0.0, atol=1e-9)
                continue
            worst = max(worst, rel_error(g[name], numeric))
    assert worst < 1e-6
    if norm == "none":
        assert set(grads[0]) == {"W", "b"}
    else:
        assert set(grads[0]) == {"W", "b", "gamma", "beta"}


@pytest.mark.parametrize("kwargs, error", [
    ({"depth": 0}, ValueError), ({"depth": 2.0}, TypeError), ({"depth": True}, TypeError),
    ({"scale": 0.0}, ValueError), ({"scale": float("inf")}, ValueError),
    ({"scale": "1"}, TypeError), ({"norm": "group"}, ValueError), ({"seed": 0.5}, TypeError),
])
def test_bad_input_names_function_and_argument(kwargs, error):
    with pytest.raises(error, match="normalization_profile: " + next(iter(kwargs))):
        normalization_profile(**kwargs)


def _texts(fig) -> str:
    (ax,) = fig.axes
    return "\n".join([ax.get_title()] + [t.get_text() for t in ax.texts]
                     + [t.get_text() for t in ax.get_legend().get_texts()])


def test_static_figure_is_titled_and_labelled():
    fig = normalization_explorer_figure()
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_yscale() == "log"
    assert len(ax.get_lines()) == 3
    text = _texts(fig)
    assert f"depth {DEFAULTS['depth']}" in text and "no normalization" in text
    assert "‖∂L/∂W_l‖" in text


def test_widget_updates_its_figure_in_place():
    box = normalization_explorer()
    image = box.figure_image
    (ax,) = image.fig.axes
    lines = list(ax.get_lines())
    png = image.image.value
    box.controls["depth"].value = 20
    assert list(ax.get_lines()) == lines and len(lines[0].get_xdata()) == 20
    assert ax.get_xlim() == (0.5, 20.5)
    box.controls["depth"].value = 13                    # the x axis ends at the next multiple
    assert ax.get_xlim() == (0.5, 20.5)                 # of 10: the same cached background
    box.controls["depth"].value = 20
    assert image.image.value != png
    ylim = ax.get_ylim()
    box.controls["norm"].value = "layer"
    assert "layer norm, depth 20" in _texts(image.fig)
    box.controls["scale"].value = 2.0
    assert ax.get_ylim() == ylim                       # one fixed scale to compare against


def test_blitted_move_equals_a_full_redraw():
    box = normalization_explorer()
    image = box.figure_image
    box.controls["scale"].value = 1.5                  # blitted over the cached background
    box.controls["norm"].value = "batch"
    blitted = np.asarray(image.fig.canvas.buffer_rgba()).copy()
    image.refresh(key=10, full=True)
    np.testing.assert_array_equal(blitted, np.asarray(image.fig.canvas.buffer_rgba()))
