"""Vanishing/exploding explorer: watch the gradient of a loss on the last step shrink or grow
as backpropagation through time carries it back through an RNN's hidden states.

The model (row convention, one sequence, no batch axis)::

    a_t = h_{t-1}·Wh + u_t,   h_t = f(a_t),   t = 1 … T,   h_0 = 0
    L   = g·h_T               (g a fixed unit vector, so ‖∂L/∂h_T‖ = 1)

with ``Wh = σ·Q`` for a seeded orthogonal ``Q``: every singular value of ``Wh`` — hence its
largest singular value *and* its spectral radius — equals σ. ``u_t`` is a seeded random input
drive with standard deviation ``drive`` (0.5 by default; it plays the role of ``x_t·Wx + b``).
The backward pass is the BPTT recursion::

    dh_T = g,   da_t = dh_t ⊙ f′(a_t),   dh_{t-1} = da_t·Whᵀ,   dWh = Σ_t h_{t-1}ᵀ·da_t

and ‖dh_t‖ ≤ (γσ)^(T−t) with γ = max|f′| = 1 for tanh, linear and ReLU: the bound drawn.
Because Q is orthogonal, one step back multiplies ‖dh‖ by exactly σ·‖dh ⊙ f′‖/‖dh‖: σ times
the slope *the gradient sees* (``seen_slope`` is its geometric mean over the T steps).
Below σ = 1 the gradient must vanish; above it, it *can* explode (Pascanu, Mikolov & Bengio
2013): with tanh and the default drive 0.5 it does for σ = 2 or 3 (‖∂L/∂h₀‖ ≈ 273 and 1.6·10⁵
at T = 60) but not for σ = 1.2. Where it starts depends on the inputs: a stronger drive
saturates more units, the gradient sees a smaller slope, and σ must be larger — with drive 1
(the input scale of notebook 07) σ = 2 gives ≈ 0.6 and σ = 2.5 explodes. The average slope f′
(``mean_slope``) does not decide it either: it is lower at σ = 3 than at σ = 1.2, but the
gradient sees about the root-mean-square of f′ (``rms_slope``), and a norm's squares weigh
the few unsaturated units (slope near 1) more than the average does.

Gradient-norm clipping rescales the *whole* parameter gradient by c = min(1, θ/‖dWh‖). That
is the gradient of the loss c·L, so the clipped curve is c·‖dh_t‖: the same slope, shifted.

:func:`vanishing_profile` is the pure function (numbers only, unit-tested);
:func:`vanishing_explorer` is the widget; :func:`vanishing_explorer_figure` is the static figure
of a state (the notebook shows the default state under the widget).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogFormatterSciNotation, LogLocator, NullLocator

from helpers.layers.init import orthogonal  # an initializer; still importable from here
from helpers.plotting import FORWARD, GRADIENT, HIGHLIGHT, NEUTRAL
from helpers.widgets._figure import FigureImage

__all__ = [
    "vanishing_profile",
    "VanishingProfile",
    "vanishing_explorer",
    "vanishing_explorer_figure",
    "ACTIVATIONS",
]

ACTIVATIONS = ("tanh", "linear", "relu")
DEFAULTS = dict(sigma=0.9, T=60, activation="tanh", clip=1.0, drive=0.5)
FLOOR = 1e-300  # stands in for an exact 0 on the log axis (ReLU can zero a gradient)
LOWEST = 1e-30  # the axis never goes lower; smaller norms leave the plot at the bottom


@dataclass
class VanishingProfile:
    """What the explorer draws. Arrays are indexed by time step ``t = 0 … T``.

    Attributes:
        t: (T+1,) time steps 0 … T.
        grad_norm: (T+1,) ‖∂L/∂h_t‖ measured by the BPTT recursion.
        bound: (T+1,) the bound (γσ)^(T−t), γ = max|f′| = 1.
        clipped_norm: (T+1,) c·‖∂L/∂h_t‖ after gradient-norm clipping (= grad_norm if off).
        dWh_norm: ‖∂L/∂Wh‖ (Frobenius) before clipping.
        clip_scale: c = min(1, θ/‖∂L/∂Wh‖); 1.0 when clipping is off.
        mean_slope: the mean of f′(a_t) over every step and unit (1 for linear; tanh′ shrinks
            towards 0 as units saturate).
        rms_slope: the root-mean-square of f′(a_t) over the units, geometric mean over the
            steps: what ``seen_slope`` is close to when the gradient is spread over the units.
        seen_slope: the slope the gradient sees, (‖∂L/∂h₀‖ / ‖∂L/∂h_T‖)^(1/T) / σ: the geometric
            mean over the steps of ‖dh_t ⊙ f′(a_t)‖ / ‖dh_t‖ (one step back multiplies ‖dh‖ by
            exactly σ times that ratio, Q being orthogonal).
        sigma, T, activation, clip, drive: the inputs.
    """

    t: np.ndarray
    grad_norm: np.ndarray
    bound: np.ndarray
    clipped_norm: np.ndarray
    dWh_norm: float
    clip_scale: float
    mean_slope: float
    rms_slope: float
    seen_slope: float
    sigma: float
    T: int
    activation: str
    clip: float | None
    drive: float


def _check_args(sigma, T, activation, clip, H, drive):
    name = "vanishing_profile"
    if not isinstance(sigma, (int, float, np.floating, np.integer)) or isinstance(sigma, bool):
        raise TypeError(f"{name}: sigma expects a number, got {type(sigma).__name__}")
    if not (np.isfinite(sigma) and 0 < sigma <= 10):
        raise ValueError(f"{name}: sigma expects a number in (0, 10], got {sigma!r}")
    for arg, value, top in (("T", T, 1000), ("H", H, 256)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
            raise TypeError(f"{name}: {arg} expects an int, got {type(value).__name__}")
        if not 1 <= value <= top:
            raise ValueError(f"{name}: {arg} expects an int in [1, {top}], got {value}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"{name}: activation expects one of {ACTIVATIONS}, got {activation!r}")
    if clip is not None and not (np.isfinite(clip) and clip > 0):
        raise ValueError(f"{name}: clip expects None or a positive number, got {clip!r}")
    if not isinstance(drive, (int, float, np.floating, np.integer)) or isinstance(drive, bool):
        raise TypeError(f"{name}: drive expects a number, got {type(drive).__name__}")
    if not (np.isfinite(drive) and drive >= 0):
        raise ValueError(f"{name}: drive expects a non-negative number, got {drive!r}")


def vanishing_profile(sigma: float = DEFAULTS["sigma"], T: int = DEFAULTS["T"],
                      activation: str = DEFAULTS["activation"], clip: float | None = None,
                      *, H: int = 16, drive: float = DEFAULTS["drive"],
                      seed: int = 0) -> VanishingProfile:
    """‖∂L/∂h_t‖ for t = 0 … T in an RNN whose Wh has every singular value equal to ``sigma``.

    Args:
        sigma: largest singular value (= spectral radius) of Wh, in (0, 10].
        T: sequence length, 1 … 1000. The loss sits on h_T.
        activation: ``"tanh"``, ``"linear"`` or ``"relu"``.
        clip: gradient-norm clipping threshold θ for ‖∂L/∂Wh‖, or None for no clipping.
        H: hidden size.
        drive: standard deviation of the input drive u_t (shape (T, H)); the larger, the more
            the tanh units saturate.
        seed: seed for Q, u and g.

    Returns:
        :class:`VanishingProfile`. With ``activation="linear"`` the measured norms equal
        σ^(T−t) exactly (an orthogonal matrix preserves norms).
    """
    _check_args(sigma, T, activation, clip, H, drive)
    rng = np.random.default_rng(seed)
    Wh = float(sigma) * orthogonal(H, rng)
    u = drive * rng.standard_normal((T, H))
    g = rng.standard_normal(H)
    g /= np.linalg.norm(g)

    # forward: h[t] for t = 0 … T, a[t] for t = 1 … T (a[0] unused)
    h = np.zeros((T + 1, H))
    a = np.zeros((T + 1, H))
    for t in range(1, T + 1):
        a[t] = h[t - 1] @ Wh + u[t - 1]
        h[t] = _f(activation, a[t])

    # backward (BPTT) from the single loss L = g·h_T
    dh = np.zeros((T + 1, H))
    dh[T] = g
    dWh = np.zeros((H, H))
    slope = _df(activation, a[1:], h[1:])                     # (T, H): f′(a_t), t = 1 … T
    for t in range(T, 0, -1):
        da = dh[t] * slope[t - 1]
        dWh += np.outer(h[t - 1], da)
        dh[t - 1] = da @ Wh.T

    grad_norm = np.linalg.norm(dh, axis=1)
    steps = np.arange(T + 1)
    bound = float(sigma) ** (T - steps).astype(np.float64)
    dWh_norm = float(np.linalg.norm(dWh))
    scale = 1.0 if clip is None or dWh_norm <= clip else float(clip) / dWh_norm
    seen = (grad_norm[0] / grad_norm[T]) ** (1.0 / T) / float(sigma)
    with np.errstate(divide="ignore"):                    # a ReLU step can be all zeros
        rms = np.exp(np.mean(np.log(np.sqrt(np.mean(slope**2, axis=1)))))
    return VanishingProfile(t=steps, grad_norm=grad_norm, bound=bound,
                            clipped_norm=scale * grad_norm, dWh_norm=dWh_norm,
                            clip_scale=scale, mean_slope=float(slope.mean()),
                            rms_slope=float(rms), seen_slope=float(seen), sigma=float(sigma),
                            T=int(T), activation=activation, clip=clip, drive=float(drive))


def _f(activation: str, a: np.ndarray) -> np.ndarray:
    if activation == "tanh":
        return np.tanh(a)
    if activation == "relu":
        return np.maximum(a, 0.0)
    return a.copy()


def _df(activation: str, a: np.ndarray, h: np.ndarray) -> np.ndarray:
    """f′(a), written with the stored output where that is cheaper (tanh′ = 1 − h²)."""
    if activation == "tanh":
        return 1.0 - h * h
    if activation == "relu":
        return (a > 0).astype(np.float64)
    return np.ones_like(a)


# --------------------------------------------------------------------------- drawing


def _summary(p: VanishingProfile) -> str:
    ratio = p.grad_norm[0] / p.grad_norm[p.T]
    if p.clip is None:
        clip = "clipping off"
    elif p.clip_scale < 1:
        clip = f"‖∂L/∂Wh‖ = {p.dWh_norm:.1e} clipped to {p.clip:g} (× {p.clip_scale:.1e})"
    else:
        clip = f"‖∂L/∂Wh‖ = {p.dWh_norm:.1e} ≤ θ = {p.clip:g}: not clipped"
    return f"‖∂L/∂h₀‖ / ‖∂L/∂h_T‖ = {ratio:.1e}    {clip}"


def _limits(p: VanishingProfile) -> tuple[float, float]:
    """Y limits rounded out to whole decades (a third of a decade of margin at least).

    Whole decades keep the axis — and so the widget's cached background — unchanged while a
    slider moves a little; only a curve that crosses a decade line forces a full redraw.
    """
    values = np.concatenate([p.grad_norm, p.bound, p.clipped_norm])
    values = values[values > FLOOR]
    if not values.size:
        return LOWEST, 10.0
    lo = 10.0 ** np.floor(np.log10(values.min()) - 0.33)
    hi = 10.0 ** np.ceil(np.log10(values.max()) + 0.33)
    return max(lo, LOWEST), hi


def _draw(ax, p: VanishingProfile, live: bool = False) -> dict:
    """Draw a profile on ``ax``; return the artists so a widget can update them.

    ``live=True`` (the widget) gives the figure a fixed title and leaves the changing numbers
    to an HTML line above it: text is the slowest thing to redraw.
    """
    floor = lambda y: np.maximum(y, FLOOR)  # noqa: E731
    art = {}
    (art["bound"],) = ax.plot(p.t, p.bound, "--", color=NEUTRAL, lw=1.5,
                              label="bound σ^(T−t)", zorder=3)
    (art["raw"],) = ax.plot(p.t, floor(p.grad_norm), "-", color=GRADIENT, lw=2.2,
                            label="measured ‖∂L/∂h_t‖")
    (art["clipped"],) = ax.plot(p.t, floor(p.clipped_norm), ":", color=HIGHLIGHT, lw=2.2,
                                label="after clipping (c·‖∂L/∂h_t‖)")
    art["clipped"].set_visible(p.clip is not None)
    art["loss"] = ax.axvline(p.T, color=FORWARD, lw=1, alpha=0.6)
    ax.set_yscale("log")
    _log_ticks(ax, live)
    ax.set_xlim(0, p.T)
    ax.set_ylim(*_limits(p))
    ax.set_xlabel("time step t (the loss is on step T)")
    ax.set_ylabel("gradient norm ‖∂L/∂h_t‖ (log scale)")
    if live:
        ax.set_title("Gradient through time: ‖∂L/∂h_t‖ as BPTT carries it back")
    else:
        art["title"] = ax.set_title(_title(p), pad=18)
        art["summary"] = ax.text(0.5, 1.015, _summary(p), transform=ax.transAxes,
                                 fontsize=10.5, color=NEUTRAL, ha="center", va="bottom")
    # below the axes, so the curves (redrawn over a cached background) never run into it
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=3, fontsize=10.5,
              frameon=False, handlelength=1.6, columnspacing=1.2)
    return art


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _decade_label(value: float, _pos=None) -> str:
    """A decade tick as plain text, 10ⁿ with superscript digits (10⁻⁵, 10⁰, 10¹²)."""
    return "10" + str(round(np.log10(value))).translate(_SUPERSCRIPT)


def _log_ticks(ax, live: bool = False) -> None:
    """At most ~7 decade labels in the course's log style (10ⁿ), no minor ticks: few labels to
    lay out when the axis changes. The widget (``live``) writes them as plain text with
    superscript digits: matplotlib parses each new mathtext label (≈ 7 ms) and keeps only the
    last 50, and the sliders reach 10⁻³⁰ … 10⁹⁷, so a new y range cost up to 50 ms."""
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=7))
    formatter = FuncFormatter(_decade_label) if live else LogFormatterSciNotation(base=10)
    ax.yaxis.set_major_formatter(formatter)
    ax.yaxis.set_minor_locator(NullLocator())


def _state(p: VanishingProfile) -> str:
    """The settings a curve belongs to, as both the figure and the widget name them."""
    return (f"{p.activation}, σ_max(Wh) = {p.sigma:.2f}, input std {p.drive:.2f}, "
            f"T = {p.T}")


def _title(p: VanishingProfile) -> str:
    return f"Gradient through time: {_state(p)}"


def _update(ax, art: dict, p: VanishingProfile) -> None:
    floor = lambda y: np.maximum(y, FLOOR)  # noqa: E731
    art["bound"].set_data(p.t, p.bound)
    art["raw"].set_data(p.t, floor(p.grad_norm))
    art["clipped"].set_data(p.t, floor(p.clipped_norm))
    art["clipped"].set_visible(p.clip is not None)
    art["loss"].set_xdata([p.T, p.T])
    if "title" in art:
        art["title"].set_text(_title(p))
        art["summary"].set_text(_summary(p))
    ax.set_xlim(0, p.T)


def _pin_text_positions(ax) -> None:
    """Keep the axis labels and the title where the last full draw put them.

    Otherwise matplotlib measures every tick label again on each full redraw (a new T or new
    y limits) just to place them: about half the cost of such a redraw. The tick labels the
    sliders can produce (10⁻³⁰ … 10⁹⁷) are no wider than the first ones, so nothing collides.
    """
    to_axes = ax.transAxes.inverted()
    x_label_y = to_axes.transform((0.0, ax.xaxis.label.get_position()[1]))[1]
    y_label_x = to_axes.transform((ax.yaxis.label.get_position()[0], 0.0))[0]
    ax.xaxis.set_label_coords(0.5, x_label_y)
    ax.yaxis.set_label_coords(y_label_x, 0.5)
    ax.set_title(ax.get_title(), y=ax.title.get_position()[1])


def _sticky_limits(old: tuple[float, float], p: VanishingProfile) -> tuple[float, float]:
    """Y limits for the widget: keep ``old`` while the curves fit in it and still fill a fair
    part of it, otherwise the fresh decade limits widened by one decade each way.

    Keeping the axis is what lets a slider drag blit (a few ms) instead of laying out every
    tick label again; the margin means the next few moves fit too.
    """
    lo, hi = _limits(p)
    decades = lambda a, b: np.log10(b) - np.log10(a)  # noqa: E731
    if old[0] <= lo and hi <= old[1] and decades(*old) <= 2 * decades(lo, hi) + 2:
        return old
    return max(lo / 10, LOWEST), hi * 10


def vanishing_explorer_figure(sigma: float = DEFAULTS["sigma"], T: int = DEFAULTS["T"],
                              activation: str = DEFAULTS["activation"],
                              clip: float | None = DEFAULTS["clip"], **kwargs) -> Figure:
    """The static figure of one explorer state (default: the widget's default state);
    ``kwargs`` go to :func:`vanishing_profile` (``drive``, ``H``, ``seed``)."""
    fig = Figure(figsize=(8.0, 4.5), dpi=100)
    ax = fig.add_subplot()
    _draw(ax, vanishing_profile(sigma, T, activation, clip, **kwargs))
    fig.tight_layout()
    return fig


def _readout(p: VanishingProfile) -> str:
    """The widget's numbers as one HTML line (the static figure has them in its title)."""
    return f"<b>{_state(p)}</b> &nbsp; {_summary(p)}"


def vanishing_explorer(sigma: float = DEFAULTS["sigma"], T: int = DEFAULTS["T"],
                       activation: str = DEFAULTS["activation"],
                       clip: float | None = DEFAULTS["clip"],
                       drive: float = DEFAULTS["drive"]) -> W.Widget:
    """Sliders for σ_max(Wh), T, the activation, the input drive's standard deviation and the
    clipping threshold → the gradient curve.

    Returns an ipywidgets ``VBox``; its ``.state`` dict holds the current profile and the last
    recompute/redraw times in ms (``"compute_ms"``, ``"render_ms"``), ``.controls`` the
    controls by name and ``.figure_image`` the :class:`FigureImage` (one cached background per
    pair of axis limits).
    """
    style = {"description_width": "150px"}
    wide = W.Layout(width="420px")
    s_sigma = W.FloatSlider(value=sigma, min=0.5, max=3.0, step=0.01, readout_format=".2f",
                            description="σ_max(Wh)", style=style, layout=wide,
                            continuous_update=True)
    s_T = W.IntSlider(value=T, min=5, max=200, step=5, description="sequence length T",
                      style=style, layout=wide)
    d_act = W.Dropdown(options=list(ACTIVATIONS), value=activation, description="activation",
                       style=style, layout=wide)
    s_drive = W.FloatSlider(value=drive, min=0.0, max=2.0, step=0.05, readout_format=".2f",
                            description="input std (drive)", style=style, layout=wide)
    c_clip = W.Checkbox(value=clip is not None, description="clip ‖∂L/∂Wh‖ at θ",
                        indent=False)
    s_clip = W.FloatLogSlider(value=clip if clip is not None else 1.0, base=10, min=-2, max=3,
                              step=0.1, description="threshold θ", style=style, layout=wide,
                              readout_format=".2g")
    readout = W.HTML()

    view = FigureImage(figsize=(7.5, 4.5), dpi=90)
    ax = view.fig.add_subplot()
    t0 = time.perf_counter()
    p = vanishing_profile(sigma, T, activation, clip, drive=drive)
    compute_ms = 1e3 * (time.perf_counter() - t0)
    art = _draw(ax, p, live=True)
    view.fig.tight_layout()
    # blitting: only the three curves move; the axes' ticks, the loss line on T and the frame
    # (in the order a full draw puts them) are a cached background per pair of axis limits (new
    # T, curves out of range), drawn over a base with the title and legend, drawn once
    view.dynamic = [art[name] for name in ("bound", "raw", "clipped")]
    view.keyed = [ax.xaxis, ax.yaxis, art["loss"],
                  *(s for s in ax.spines.values() if s.get_visible())]
    view.refresh(key=(ax.get_xlim(), ax.get_ylim()), full=True)
    _pin_text_positions(ax)
    readout.value = _readout(p)
    box = W.VBox([W.HBox([W.VBox([s_sigma, s_T, d_act]), W.VBox([s_drive, c_clip, s_clip])]),
                  readout, view.image])
    box.state = {"profile": p, "compute_ms": compute_ms, "render_ms": view.last_render_ms}
    box.figure_image = view

    def on_change(_change=None):
        t0 = time.perf_counter()
        p = vanishing_profile(s_sigma.value, s_T.value, d_act.value,
                              s_clip.value if c_clip.value else None, drive=s_drive.value)
        compute_ms = 1e3 * (time.perf_counter() - t0)
        _update(ax, art, p)
        ax.set_ylim(*_sticky_limits(ax.get_ylim(), p))
        # one cached background per pair of axis limits: a T or a y range seen before blits
        view.refresh(key=(ax.get_xlim(), ax.get_ylim()))
        s_clip.disabled = not c_clip.value
        readout.value = _readout(p)
        box.state.update(profile=p, compute_ms=compute_ms, render_ms=view.last_render_ms)

    for control in (s_sigma, s_T, d_act, s_drive, c_clip, s_clip):
        control.observe(on_change, names="value")
    box.controls = {"sigma": s_sigma, "T": s_T, "activation": d_act, "drive": s_drive,
                    "clip_on": c_clip, "clip": s_clip}
    s_clip.disabled = not c_clip.value
    return box
