"""Per-layer activations and gradients of a deep ReLU MLP, with and without normalization
(notebook 08).

The network: ``depth`` hidden layers, each affine → [batch norm | layer norm | nothing] → ReLU,
all of width ``width``, then an affine read-out to ``C`` class scores and the softmax
cross-entropy. Hidden weights are drawn ``N(0, scale² / fan_in)``: ``scale = √2`` is He's
initialisation for ReLU, below it the signal shrinks layer by layer, above it it grows. The
normalization layers start at γ = 1, β = 0. Everything uses the reference layers of
:mod:`helpers.layers`.

- :func:`init_mlp` and :func:`mlp_loss_and_grads` build and differentiate that network (the
  notebook also trains it with them); :func:`batch_spread` measures how much a layer's output
  still differs between the examples;
- :func:`normalization_profile` is the pure function behind the widget: one forward and
  backward pass on a random batch, and per hidden layer the RMS of its output, the norm of the
  gradient reaching that output and the norm of its weight gradient;
- :func:`normalization_explorer` is the widget, :func:`normalization_explorer_figure` the
  static figure of its default state.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from helpers import layers as L
from helpers.layers import norm as N
from helpers.plotting import FORWARD, GRADIENT, NEUTRAL
from helpers.widgets._figure import FigureImage

__all__ = ["init_mlp", "mlp_loss_and_grads", "batch_spread", "normalization_profile",
           "normalization_explorer", "normalization_explorer_figure"]

NORMS = ("none", "batch", "layer")
_LAYERS = {"batch": (N.batchnorm_forward, N.batchnorm_backward),
           "layer": (N.layernorm_forward, N.layernorm_backward)}
DEFAULTS = {"depth": 10, "scale": 1.0, "norm": "none"}
SLIDER_LIMITS = {"depth": (2, 30), "scale": (0.5, 3.0)}
SIZES = {"N": 128, "D": 64, "C": 10}           # batch, width (= input size), classes
Y_RANGE = (1e-4, 1e4)                          # fixed log axis: curves move against one scale


def _check_args(fname, depth, scale, norm, seed) -> None:
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)):
        raise TypeError(f"{fname}: depth expects an int, got {type(depth).__name__}")
    if depth < 1:
        raise ValueError(f"{fname}: depth expects at least 1 hidden layer, got {depth}")
    if isinstance(scale, bool) or not isinstance(scale, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fname}: scale expects a number, got {type(scale).__name__}")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"{fname}: scale expects a finite number > 0, got {scale}")
    if norm not in NORMS:
        raise ValueError(f"{fname}: norm expects one of {NORMS}, got {norm!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{fname}: seed expects an int, got {type(seed).__name__}")


def init_mlp(rng, depth: int, width: int, D_in: int, C: int, scale: float) -> list[dict]:
    """Parameters of the network: ``depth`` hidden layers and a read-out.

    Returns a list of ``depth + 1`` dicts. Hidden layer l: ``W`` (fan_in, width) drawn
    N(0, scale²/fan_in), ``b`` (width,) zeros, ``gamma`` (width,) ones, ``beta`` (width,)
    zeros (used only with a normalization). Read-out: ``W`` (width, C) drawn N(0, 1/width),
    ``b`` (C,) zeros.
    """
    params, fan_in = [], D_in
    for _ in range(depth):
        params.append({"W": rng.standard_normal((fan_in, width)) * scale / np.sqrt(fan_in),
                       "b": np.zeros(width), "gamma": np.ones(width), "beta": np.zeros(width)})
        fan_in = width
    params.append({"W": rng.standard_normal((width, C)) / np.sqrt(width), "b": np.zeros(C)})
    return params


def batch_spread(h: np.ndarray) -> float:
    """How much a layer's output differs between the examples of a batch, as a fraction.

    h (N, D) → √(mean over features of the variance over the batch) / RMS of h, in [0, 1]:
    0 when every example has the same h (nothing left to tell them apart), 1 when every
    feature has mean 0 over the batch. An all-zero h (every ReLU off) gives 0.
    """
    mean_square = np.mean(h * h)
    if not mean_square > 0:
        return 0.0
    variance = mean_square - np.mean(h.mean(axis=0) ** 2)   # mean over features of Var_n(h)
    return float(np.sqrt(max(variance, 0.0) / mean_square))


def mlp_loss_and_grads(params: list[dict], x: np.ndarray, y: np.ndarray, norm: str = "none"):
    """Softmax cross-entropy of the network on (x, y), its gradients, and a per-layer trace.

    Args:
        params: from :func:`init_mlp`.
        x: inputs (N, D_in); y: integer labels (N,).
        norm: ``"none"``, ``"batch"`` or ``"layer"``.

    Returns:
        loss: a float.
        grads: like ``params`` (``gamma``/``beta`` left out when ``norm == "none"``).
        trace: dict of (depth,) arrays over the hidden layers: ``"activation_rms"`` (RMS of
            each layer's output h_l), ``"batch_spread"`` (how much h_l differs between the
            examples, see :func:`batch_spread`), ``"grad_h"`` (‖∂L/∂h_l‖) and ``"grad_W"``
            (‖∂L/∂W_l‖).
    """
    hidden, readout = params[:-1], params[-1]
    h, caches, rms, spread = x, [], [], []
    for p in hidden:
        a, cache_affine = L.affine_forward(h, p["W"], p["b"])
        cache_norm = None
        if norm != "none":
            a, cache_norm = _LAYERS[norm][0](a, p["gamma"], p["beta"])
        h, cache_relu = L.relu_forward(a)
        caches.append((cache_affine, cache_norm, cache_relu))
        rms.append(np.sqrt(np.mean(h * h)))
        spread.append(batch_spread(h))
    scores, cache_out = L.affine_forward(h, readout["W"], readout["b"])
    loss, dscores = L.softmax_cross_entropy(scores, y)
    dh, dW, db = L.affine_backward(dscores, cache_out)
    grads = [{"W": dW, "b": db}]
    grad_h, grad_W = [], []
    for cache_affine, cache_norm, cache_relu in reversed(caches):
        grad_h.append(np.sqrt(np.sum(dh * dh)))
        da = L.relu_backward(dh, cache_relu)
        g = {}
        if norm != "none":
            da, g["gamma"], g["beta"] = _LAYERS[norm][1](da, cache_norm)
        dh, g["W"], g["b"] = L.affine_backward(da, cache_affine)
        grad_W.append(np.sqrt(np.sum(g["W"] * g["W"])))
        grads.append(g)
    trace = {"activation_rms": np.array(rms), "batch_spread": np.array(spread),
             "grad_h": np.array(grad_h[::-1]), "grad_W": np.array(grad_W[::-1])}
    return float(loss), grads[::-1], trace


def normalization_profile(depth: int = DEFAULTS["depth"], scale: float = DEFAULTS["scale"],
                          norm: str = DEFAULTS["norm"], seed: int = 0) -> dict:
    """One forward and backward pass of the deep MLP on a random batch, per hidden layer.

    The batch: x (128, 64) standard normal, labels y uniform over 10 classes; width 64.

    Args:
        depth: number of hidden layers (int ≥ 1).
        scale: hidden weights ~ N(0, scale²/64) (√2 is He's initialisation for ReLU).
        norm: ``"none"``, ``"batch"`` or ``"layer"`` (after each affine, before the ReLU).
        seed: seed of the batch and the weights (the same draws for every ``norm``).

    Returns:
        dict with ``"layer"`` (1 … depth) and, each of shape (depth,), ``"activation_rms"``,
        ``"batch_spread"``, ``"grad_h"`` and ``"grad_W"`` (see :func:`mlp_loss_and_grads`),
        and ``"loss"``.
    """
    _check_args("normalization_profile", depth, scale, norm, seed)
    rng = np.random.default_rng(seed)
    n, D, C = SIZES["N"], SIZES["D"], SIZES["C"]
    x = rng.standard_normal((n, D))
    y = rng.integers(0, C, n)
    params = init_mlp(rng, depth, D, D, C, scale)
    loss, _, trace = mlp_loss_and_grads(params, x, y, norm)
    return {"layer": np.arange(1, depth + 1), **trace, "loss": loss}


# ------------------------------------------------------------------------------ the figure

LINES = {  # key → (label, colour, line style, marker)
    "activation_rms": ("RMS of h_l (layer output)", FORWARD, "-", "o"),
    "grad_h": ("‖∂L/∂h_l‖", GRADIENT, "-", "s"),
    "grad_W": ("‖∂L/∂W_l‖", GRADIENT, "--", "^"),
}
NORM_NAMES = {"none": "no normalization", "batch": "batch norm", "layer": "layer norm"}


def _positive(values: np.ndarray) -> np.ndarray:
    """For a log axis: an exact 0 (an underflow, all ReLUs off) becomes a gap."""
    return np.where(values > 0, values, np.nan)


def _ratio(values: np.ndarray) -> str:
    """How much a curve changes from the first layer to the last, as text."""
    first, last = values[0], values[-1]
    if not (first > 0 and last > 0):
        return "—"
    return f"×{last / first:.2g}"


def _settings(data: dict, depth, scale, norm) -> str:
    return (f"{NORM_NAMES[norm]}, depth {depth}, scale {scale:.2f}: layer 1 → {depth}: "
            f"activations {_ratio(data['activation_rms'])}, ‖∂L/∂h‖ {_ratio(data['grad_h'])}")


def _draw(fig: Figure, data: dict, depth, scale, norm) -> dict:
    """Create the axes and artists once; returns the handles :func:`_update` moves."""
    ax = fig.add_subplot(1, 1, 1)
    lines = {}
    for key, (label, colour, style, marker) in LINES.items():
        (lines[key],) = ax.semilogy(data["layer"], _positive(data[key]), style, color=colour,
                                    marker=marker, ms=4, lw=2, label=label)
    ax.yaxis.set_minor_locator(NullLocator())  # fewer ticks: a cheaper full redraw
    ax.set_xlabel("hidden layer l (input side → output side)")
    ax.set_ylabel("norm (log scale)")
    ax.set_title("What reaches each layer, forward and backward", fontsize=13, y=1.09, pad=0)
    ax.legend(loc="upper left", fontsize=10, ncol=3, bbox_to_anchor=(0.0, 1.0))
    settings = ax.text(0.5, 1.015, _settings(data, depth, scale, norm), transform=ax.transAxes,
                       ha="center", va="bottom", fontsize=10, color=NEUTRAL)
    ax.xaxis.set_label_coords(0.5, -0.1)
    ax.yaxis.set_label_coords(-0.08, 0.5)
    fig.subplots_adjust(left=0.11, right=0.97, bottom=0.13, top=0.85)
    handles = {"ax": ax, "lines": lines, "settings": settings}
    _rescale(handles, depth)
    return handles


def _x_end(depth: int) -> int:
    """The x axis ends at the next multiple of 10 layers, so the axes (the cached background)
    change only when the depth crosses 10 or 20: three backgrounds for the whole slider."""
    return 10 * max(1, -(-int(depth) // 10))


def _rescale(handles: dict, depth: int) -> int:
    """x from 1 to :func:`_x_end`, y over the fixed :data:`Y_RANGE`; returns the background
    key."""
    end = _x_end(depth)
    handles["ax"].set_xlim(0.5, end + 0.5)
    handles["ax"].set_ylim(*Y_RANGE)
    return end


def _update(handles: dict, data: dict, depth, scale, norm) -> int:
    for key, line in handles["lines"].items():
        line.set_data(data["layer"], _positive(data[key]))
    handles["settings"].set_text(_settings(data, depth, scale, norm))
    return _rescale(handles, depth)


def normalization_explorer_figure(depth: int = DEFAULTS["depth"],
                                  scale: float = DEFAULTS["scale"],
                                  norm: str = DEFAULTS["norm"], seed: int = 0) -> Figure:
    """The static figure of one state of the widget (default: its opening state)."""
    data = normalization_profile(depth, scale, norm, seed)
    fig = Figure(figsize=(8.5, 4.3), dpi=100)
    _draw(fig, data, depth, scale, norm)
    return fig


def normalization_explorer(seed: int = 0):
    """Sliders for the depth and the initial weight scale, buttons for the normalization.

    A move recomputes :func:`normalization_profile` and blits the three curves and the
    subtitle over a background cached per x range (10, 20 or 30 layers; the y axis is fixed).

    Returns an ``ipywidgets.VBox`` with ``.figure_image`` (the
    :class:`~helpers.widgets._figure.FigureImage`) and ``.controls`` (name → control).
    """
    controls = {
        "depth": W.IntSlider(value=DEFAULTS["depth"], min=SLIDER_LIMITS["depth"][0],
                             max=SLIDER_LIMITS["depth"][1], description="depth",
                             continuous_update=False),
        "scale": W.FloatSlider(value=DEFAULTS["scale"], min=SLIDER_LIMITS["scale"][0],
                               max=SLIDER_LIMITS["scale"][1], step=0.05,
                               description="weight scale", continuous_update=False,
                               style={"description_width": "initial"}),
        "norm": W.ToggleButtons(options=[(NORM_NAMES[k], k) for k in NORMS],
                                value=DEFAULTS["norm"], description=""),
    }
    image = FigureImage(figsize=(8.5, 4.3), dpi=90)

    def state():
        return controls["depth"].value, controls["scale"].value, controls["norm"].value

    data = normalization_profile(*state(), seed=seed)
    handles = _draw(image.fig, data, *state())
    image.dynamic = [*handles["lines"].values(), handles["settings"]]
    image.refresh(key=_x_end(controls["depth"].value))

    def on_change(_change=None):
        key = _update(handles, normalization_profile(*state(), seed=seed), *state())
        image.refresh(key=key)

    for control in controls.values():
        control.observe(on_change, names="value")
    box = W.VBox([W.HBox([controls["depth"], controls["scale"]]), controls["norm"], image.image])
    box.figure_image = image
    box.controls = controls
    return box
