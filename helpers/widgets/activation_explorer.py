"""Activation explorer (notebook 02): an activation function, its local gradient, where that
gradient is small (the saturated zone), and what k stacked layers do to a gradient.

Notation (notebook 02): a pre-activation ``z`` goes through an activation ``a = f(z)``; the
local gradient is ``f′(z)``. If every one of ``k`` stacked layers sits at the same
pre-activation ``z`` (weights 1), the chain rule multiplies ``k`` equal local gradients, so the
gradient that reaches the bottom of the stack is ``f′(z)**k``. The best any layer can do is
the peak of ``f′`` (1/4 for the sigmoid, 1 for tanh and ReLU), so ``peak**k`` bounds it.

Public functions:

- :func:`activation_and_derivative` — ``f(z)`` and ``f′(z)`` for a named activation.
- :func:`explore_activation` — the pure function behind the widget: every number it draws.
- :func:`activation_explorer_figure` — the static figure of one state (for headless notebooks).
- :func:`activation_explorer` — the ipywidgets explorer.

How fast a slider move redraws is measured by ``bench/bench_widgets.py`` (``make bench``), not
here.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullLocator

from helpers.layers import sigmoid
from helpers.plotting import FORWARD, GRADIENT, NEUTRAL
from helpers.widgets._figure import FigureImage

__all__ = [
    "activation_and_derivative",
    "explore_activation",
    "activation_explorer_figure",
    "activation_explorer",
]

ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
LABELS = {"sigmoid": "sigmoid σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU"}
PEAK = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0}  # max of f′ over z
LEAKY_SLOPE = 0.01
SATURATION_FRACTION = 0.1  # "saturated" = local gradient below 10 % of its peak
Z_RANGE = (-6.0, 6.0)
K_MAX = 20
LOG_FLOOR = 1e-20  # the depth plot is drawn on a log axis down to here
FIGSIZE = (10.5, 4.2)  # inches: three panels, projector-size text (11–13 pt)

_FUNC_YLIM = {"sigmoid": (-0.1, 1.1), "tanh": (-1.15, 1.15), "relu": (-0.5, 6.2),
              "leaky_relu": (-0.5, 6.2)}
_DERIV_YLIM = {"sigmoid": (-0.02, 0.42), "tanh": (-0.05, 1.7), "relu": (-0.05, 1.7),
               "leaky_relu": (-0.05, 1.7)}  # headroom: the legend sits above the peak


def _check_name(fname: str, activation) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{fname}: activation expects one of {', '.join(ACTIVATIONS)}, "
                         f"got {activation!r}")
    return activation


def activation_and_derivative(activation: str, z):
    """The activation ``a = f(z)`` and its local gradient ``f′(z)``, elementwise.

    Args:
        activation: ``"sigmoid"``, ``"tanh"``, ``"relu"`` or ``"leaky_relu"`` (slope 0.01).
        z: pre-activation, a number or a numeric array of any shape (not modified).

    Returns:
        a, da: float64 arrays with the shape of ``z``. The sigmoid is computed without
        overflow for any ``z``; ReLU's derivative at exactly 0 is taken as 0.
    """
    fname = "activation_and_derivative"
    _check_name(fname, activation)
    try:
        z = np.array(z, dtype=np.float64)  # a copy: the caller's array is never touched
    except (TypeError, ValueError):
        raise TypeError(f"{fname}: z expects a number or numeric array, "
                        f"got {type(z).__name__}") from None
    if activation == "sigmoid":
        a = sigmoid(z)                                # stable: never overflows
        da = a * (1.0 - a)                            # σ′ = σ(1 − σ)
    elif activation == "tanh":
        a = np.tanh(z)
        da = 1.0 - a ** 2                             # tanh′ = 1 − tanh²
    elif activation == "relu":
        a = np.maximum(z, 0.0)
        da = (z > 0).astype(np.float64)               # 1 where z > 0, else 0
    else:
        a = np.where(z > 0, z, LEAKY_SLOPE * z)
        da = np.where(z > 0, 1.0, LEAKY_SLOPE)
    return a, da


def _signed(value: float, spec: str) -> str:
    """A number formatted with a true minus sign (−), as in the notebook's text."""
    return format(value, spec).replace("-", "\N{MINUS SIGN}")


def _spans(z_grid: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    """Contiguous runs of ``mask`` as ``(z_lo, z_hi)`` intervals on the grid."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return [(float(z_grid[i]), float(z_grid[j])) for i, j in zip(starts, stops, strict=True)]


def explore_activation(activation: str = "sigmoid", z: float = 2.0, k: int = 5,
                       n: int = 241) -> dict:
    """Everything the activation explorer shows, as numbers (no plotting).

    Args:
        activation: one of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``.
        z: the pre-activation every stacked layer sits at (a float).
        k: number of stacked layers, an integer from 1 to 20.
        n: number of grid points on ``z ∈ [−6, 6]`` for the curves (odd keeps z = 0 on it).

    Returns:
        dict with
        ``z_grid`` (n,), ``a`` (n,) = f(z_grid), ``da`` (n,) = f′(z_grid);
        ``saturated`` (n,) bool, True where f′ < 10 % of its peak;
        ``spans`` list of ``(z_lo, z_hi)`` saturated intervals;
        ``peak`` the max of f′; ``z``, ``a_z``, ``da_z`` at the chosen ``z``;
        ``depths`` (k,) = 1..k; ``chain`` (k,) = f′(z)**depths, the gradient after each layer;
        ``best`` (k,) = peak**depths, the largest gradient k layers can pass back.
    """
    fname = "explore_activation"
    _check_name(fname, activation)
    if isinstance(z, bool) or not isinstance(z, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fname}: z expects a number, got {type(z).__name__}")
    if not np.isfinite(z):
        raise ValueError(f"{fname}: z expects a finite number, got {z}")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"{fname}: k expects an integer, got {type(k).__name__}")
    if not 1 <= k <= K_MAX:
        raise ValueError(f"{fname}: k expects an integer from 1 to {K_MAX}, got {k}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 3:
        raise ValueError(f"{fname}: n expects an integer ≥ 3, got {n!r}")

    z_grid = np.linspace(*Z_RANGE, int(n))
    a, da = activation_and_derivative(activation, z_grid)
    peak = PEAK[activation]
    saturated = da < SATURATION_FRACTION * peak
    a_z, da_z = (float(v) for v in activation_and_derivative(activation, float(z)))
    depths = np.arange(1, int(k) + 1)
    return {
        "activation": activation, "z_grid": z_grid, "a": a, "da": da,
        "saturated": saturated, "spans": _spans(z_grid, saturated), "peak": peak,
        "z": float(z), "a_z": a_z, "da_z": da_z,
        "depths": depths, "chain": da_z ** depths, "best": peak ** depths,
    }


# ----------------------------------------------------------------------------- drawing

class _Artists:
    """The artists of one explorer figure, created once and updated in place.

    With ``blit=True`` the artists that move with z and k are marked *animated*: a full draw
    skips them, so the rest (axes, ticks, curves) can be cached as a background image.
    """

    def __init__(self, fig: Figure, blit: bool = False):
        self.fig = fig
        ax_f, ax_d, ax_k = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.075, right=0.99, bottom=0.15, top=0.80, wspace=0.38)
        self.axes = (ax_f, ax_d, ax_k)
        self.spans = []  # two shaded rectangles per curve axes (enough for every activation)
        for ax in (ax_f, ax_d):
            ax.set_xlim(*Z_RANGE)
            ax.set_xticks([-6, -4, -2, 0, 2, 4, 6])
            ax.set_xlabel("pre-activation z")
            for _ in range(2):
                r = Rectangle((0, 0), 0, 1, transform=ax.get_xaxis_transform(),
                              color=NEUTRAL, alpha=0.18, lw=0, label="_")
                ax.add_patch(r)
                self.spans.append(r)
        self.spans[-1].set_label("saturated:\nf′ < 10 % of peak")
        ax_f.set_ylabel("activation a = f(z)")
        ax_d.set_ylabel("local gradient f′(z)")
        (self.line_f,) = ax_f.plot([], [], color=FORWARD, lw=2.5)
        (self.line_d,) = ax_d.plot([], [], color=GRADIENT, lw=2.5)
        self.peak_line = ax_d.axhline(0, color=GRADIENT, lw=1.2, ls="--", alpha=0.7,
                                      label="peak of f′")
        ax_d.legend(loc="upper left", fontsize=11, handlelength=1.5, borderaxespad=0.3)

        ax_k.set_yscale("log")
        ax_k.set_xlim(0.5, K_MAX + 0.5)
        ax_k.set_ylim(LOG_FLOOR / 3, 1e6)   # every gradient is ≤ 1: the legend sits above
        ax_k.set_xticks([1, 5, 10, 15, 20])
        ax_k.set_yticks([1e-20, 1e-15, 1e-10, 1e-5, 1.0])
        ax_k.yaxis.set_minor_locator(NullLocator())
        ax_k.set_xlabel("depth j (layers passed)")
        ax_k.set_ylabel("gradient left after j layers")
        (self.line_best,) = ax_k.plot([], [], color=NEUTRAL, lw=1.5, ls="--",
                                      label="best: (peak of f′)$^j$")
        (self.line_chain,) = ax_k.plot([], [], "o-", color=GRADIENT, lw=2, ms=5,
                                       label="at this z: f′(z)$^j$")
        ax_k.legend(loc="upper right", fontsize=11, handlelength=1.5, borderaxespad=0.2,
                    labelspacing=0.3)

        # Everything below changes when z or k moves.
        (self.dot_f,) = ax_f.plot([], [], "o", color=FORWARD, ms=7)
        (self.dot_d,) = ax_d.plot([], [], "o", color=GRADIENT, ms=7)
        # Drop lines from the z axis up to the dot (not full height: they would cross the
        # legends, which sit in the upper left where every curve is low).
        (self.vline_f,) = ax_f.plot([], [], color=NEUTRAL, lw=1, ls=":")
        (self.vline_d,) = ax_d.plot([], [], color=NEUTRAL, lw=1, ls=":")
        self.titles = [ax.text(0.5, 1.03, "", transform=ax.transAxes, ha="center",
                               va="bottom", fontsize=12) for ax in self.axes]
        self.dynamic = [self.dot_f, self.dot_d, self.vline_f, self.vline_d, self.line_chain,
                        *self.titles]
        for artist in self.dynamic:
            artist.set_animated(blit)
        # What changes with the activation, in the order a full draw paints it: the two curve
        # panels (their y range changes, so all but the axes' face) and the depth panel's
        # best-case line. The depth panel's axes and legend stay in the base (the line never
        # reaches the legend, which sits above 1).
        spines = lambda ax: [s for s in ax.spines.values() if s.get_visible()]  # noqa: E731
        self.keyed = [*self.spans[:2], ax_f.xaxis, ax_f.yaxis, self.line_f, *spines(ax_f),
                      *self.spans[2:], ax_d.xaxis, ax_d.yaxis, self.line_d, self.peak_line,
                      *spines(ax_d), ax_d.get_legend(), self.line_best]
        self.activation = None

    def update(self, d: dict) -> bool:
        """Update every artist from :func:`explore_activation`'s dict.

        Returns True when the static part changed too (a new activation was chosen).
        """
        name, z = d["activation"], d["z"]
        ax_f, ax_d, ax_k = self.axes
        changed = name != self.activation
        if changed:
            self.activation = name
            self.line_f.set_data(d["z_grid"], d["a"])
            self.line_d.set_data(d["z_grid"], d["da"])
            self.peak_line.set_ydata([d["peak"], d["peak"]])
            ax_f.set_ylim(*_FUNC_YLIM[name])
            ax_d.set_ylim(*_DERIV_YLIM[name])
            for rects in (self.spans[:2], self.spans[2:]):
                for r, span in zip(rects, d["spans"] + [None, None], strict=False):
                    r.set_visible(span is not None)
                    if span is not None:
                        r.set_x(span[0])
                        r.set_width(span[1] - span[0])
            depths = np.arange(1, K_MAX + 1)
            self.line_best.set_data(depths, np.maximum(d["peak"] ** depths, LOG_FLOOR))

        self.dot_f.set_data([z], [d["a_z"]])
        self.dot_d.set_data([z], [d["da_z"]])
        self.vline_f.set_data([z, z], [ax_f.get_ylim()[0], d["a_z"]])
        self.vline_d.set_data([z, z], [ax_d.get_ylim()[0], d["da_z"]])
        k = len(d["depths"])
        zs = _signed(z, "+.1f")
        self.titles[0].set_text(f"{LABELS[name]}\nf({zs}) = {_signed(d['a_z'], '.3f')}")
        self.titles[1].set_text(f"local gradient\nf′({zs}) = {d['da_z']:.3g}")
        last = d["chain"][-1]
        shown = "0 (dead)" if last == 0 else f"{last:.1e}"
        self.titles[2].set_text(f"k = {k} layers, each at z = {zs}\n"
                                f"f′(z)$^{{{k}}}$ = {shown}, best {d['best'][-1]:.1e}")
        visible = np.where(d["chain"] >= LOG_FLOOR, d["chain"], np.nan)  # off-axis: not drawn
        self.line_chain.set_data(d["depths"], visible)
        return changed


def activation_explorer_figure(activation: str = "sigmoid", z: float = 2.0,
                               k: int = 5) -> Figure:
    """The explorer's figure for one state, as a plain matplotlib Figure (not pyplot)."""
    fig = Figure(figsize=FIGSIZE, dpi=100)
    FigureCanvasAgg(fig)
    _Artists(fig, blit=False).update(explore_activation(activation, z, k))
    return fig


def _build(activation: str = "sigmoid", z: float = 2.0, k: int = 5):
    """Controls, image and artists of the explorer (the tests reuse them)."""
    explore_activation(activation, z, k)  # validate the starting state
    # Blits artists.dynamic over one cached background per activation, which is the keyed
    # artists drawn over a base (the depth panel's axes, drawn once).
    view = FigureImage(figsize=FIGSIZE, dpi=90)
    artists = _Artists(view.fig, blit=True)
    view.dynamic = artists.dynamic
    view.keyed = artists.keyed
    choose = W.Dropdown(options=[(LABELS[a], a) for a in ACTIVATIONS], value=activation,
                        description="activation")
    z_slider = W.FloatSlider(value=z, min=Z_RANGE[0], max=Z_RANGE[1], step=0.1,
                             description="z", readout_format="+.1f")
    k_slider = W.IntSlider(value=k, min=1, max=K_MAX, step=1, description="layers k")

    def update(_change=None):
        artists.update(explore_activation(choose.value, z_slider.value, k_slider.value))
        view.refresh(key=choose.value)

    for control in (choose, z_slider, k_slider):
        control.observe(update, names="value")
    update()
    box = W.VBox([W.HBox([choose, z_slider, k_slider]), view.image])
    return box, view, artists, (choose, z_slider, k_slider)


def activation_explorer(activation: str = "sigmoid", z: float = 2.0, k: int = 5) -> W.VBox:
    """Interactive explorer: pick an activation, move the pre-activation z and the depth k.

    Left: the activation with its saturated zone shaded; middle: its local gradient f′(z);
    right: the gradient after 1..k stacked layers on a log axis, next to the best case.
    """
    return _build(activation, z, k)[0]
