"""Gradient norm through time for a plain RNN, an LSTM and a GRU (notebook 07).

The pure function :func:`gradient_norms_through_time` runs each cell forward for ``T`` steps
with the reference step layers of :mod:`helpers.layers`, puts a loss ``L = v · h_T`` on the
last hidden state (``v`` a fixed unit vector, so ``‖∂L/∂h_T‖ = 1``) and walks the step
backwards, recording ``‖∂L/∂h_t‖`` for every ``t = T, …, 0`` (and ``‖∂L/∂c_t‖`` for the LSTM).

The *keep bias* β sets how much each gated cell keeps of its past: the LSTM's forget-gate bias
is ``b_f = β`` (``f = σ(β + …)``, near 1 for large β) and the GRU's update-gate bias is
``b_z = −β`` (``1 − z = σ(β + …)``, near 1 for large β). The plain RNN has no gate.

The recurrent weights are scaled as in notebook 06's explorer: every H × H block of ``Wh``
(the RNN's one, the LSTM's four, the GRU's three) is ``σ·Q`` with its own random orthogonal
``Q``, so every singular value of each block is σ. For the RNN, one step back then multiplies
‖∂L/∂h‖ by exactly ``σ · ‖dh ⊙ tanh′‖ / ‖dh‖``: it can grow only if σ > 1, and grows when σ
outweighs the tanh slopes along the way.

The inputs ``x_t`` are standard normal (D = 4) and ``Wx`` has variance 1/D, so each unit's input
drive ``x_t·Wx`` has a standard deviation of about 1 — twice the 0.5 of notebook 06's explorer
(:func:`helpers.widgets.vanishing_explorer.vanishing_profile`). Stronger inputs saturate more
units, so the RNN here needs a larger σ to explode: σ = 2 gives × 0.992 per step (06's explorer:
× 1.098, but × 0.991 with its input std set to 1), σ = 2.5 explodes. The figure says so
(:data:`INPUTS`).

:func:`gradient_highway_explorer` is the interactive widget; :func:`gradient_highway_figure`
returns the static figure of its default state.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullLocator

from helpers import layers as L
from helpers.layers.gru import _cell_backward as _gru_cell_backward
from helpers.layers.init import orthogonal
from helpers.layers.lstm import _gates_backward as _lstm_gates_backward
from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, PALETTE
from helpers.widgets._figure import FigureImage

__all__ = ["gradient_norms_through_time", "gradient_highway_explorer", "gradient_highway_figure"]

DEFAULTS = {"T": 60, "keep_bias": 2.0, "sigma": 1.0}
SLIDER_LIMITS = {"T": (5, 60), "keep_bias": (-3.0, 6.0), "sigma": (0.25, 4.0)}
SIZES = {"N": 1, "D": 4, "H": 16}
# Fixed log axis. Below 10⁻¹⁶ (float64's relative precision) a gradient has vanished for good:
# added to one of size 1 it would not change a single bit, so its curve may leave the plot;
# above 10⁸ it has exploded far past anything a training step could use.
Y_RANGE = (1e-16, 1e8)
INPUTS = "inputs xₜWₓ: std ≈ 1\n(06's explorer: 0.5)"   # the set-up the numbers belong to

LINES = {  # key → (label, colour, line style)
    "rnn": ("RNN  ‖∂L/∂hₜ‖", NEUTRAL, "-"),
    "lstm_h": ("LSTM ‖∂L/∂hₜ‖", FORWARD, "-"),
    "lstm_c": ("LSTM ‖∂L/∂cₜ‖", PALETTE[4], "--"),
    "gru": ("GRU  ‖∂L/∂hₜ‖", GRADIENT, "-"),
}


def _positive(values: np.ndarray) -> np.ndarray:
    """Norms for a log axis: an exact 0 (‖∂L/∂c_T‖, or an underflow) becomes a gap (nan)."""
    return np.where(values > 0, values, np.nan)


def _norm(a: np.ndarray) -> float:
    """Euclidean norm of all entries (a few times faster than np.linalg.norm on tiny arrays)."""
    return float(np.sqrt(np.sum(a * a)))


def _check_args(T, keep_bias, sigma, seed) -> None:
    fname = "gradient_norms_through_time"
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)):
        raise TypeError(f"{fname}: T expects an int, got {type(T).__name__}")
    if T < 1:
        raise ValueError(f"{fname}: T expects at least 1 time step, got {T}")
    for name, value in (("keep_bias", keep_bias), ("sigma", sigma)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{fname}: {name} expects a number, got {type(value).__name__}")
        if not np.isfinite(value):
            raise ValueError(f"{fname}: {name} expects a finite number, got {value}")
    if sigma <= 0:
        raise ValueError(f"{fname}: sigma expects a positive number, got {sigma}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{fname}: seed expects an int, got {type(seed).__name__}")


def _weights(rng, gates: int, D: int, H: int, sigma: float):
    """Wx (D, gates·H) with variance 1/D; Wh (H, gates·H): ``gates`` blocks σ·Q, Q orthogonal."""
    Wx = rng.standard_normal((D, gates * H)) / np.sqrt(D)
    Wh = np.concatenate([sigma * orthogonal(H, rng) for _ in range(gates)], axis=1)
    return Wx, Wh


def _walk_back(step_back, T: int, v: np.ndarray) -> np.ndarray:
    """‖∂L/∂h_t‖ for t = 0 … T when L = v·h_T: ``step_back(t, dh)`` returns dh_{t−1} from
    dh_t (and keeps any other carried gradient itself). Returns shape (T + 1,)."""
    norms = np.empty(T + 1)
    dh = v.copy()
    norms[T] = _norm(dh)
    for t in reversed(range(T)):
        dh = step_back(t, dh)
        norms[t] = _norm(dh)
    return norms


def _previous(h0: np.ndarray, states: np.ndarray) -> np.ndarray:
    """The state each step received: [h0, s_0, …, s_{T−2}], shape (N, T, H)."""
    return np.concatenate([h0[:, None], states[:, :-1]], axis=1)


def gradient_norms_through_time(T: int = DEFAULTS["T"], keep_bias: float = DEFAULTS["keep_bias"],
                                sigma: float = DEFAULTS["sigma"], seed: int = 0) -> dict:
    """‖∂L/∂h_t‖ for t = 0 … T in an RNN, an LSTM and a GRU fed the same inputs.

    Each cell runs forward with its sequence layer (``rnn_forward``, ``lstm_forward``,
    ``gru_forward``: the arguments are checked once, not at every step); the walk back is the
    layers' own one-step rules, keeping ‖dh_t‖ at every step.

    Args:
        T: number of time steps (int ≥ 1).
        keep_bias: β; LSTM forget-gate bias b_f = β, GRU update-gate bias b_z = −β.
        sigma: every singular value of each H × H block of Wh (each block is σ·Q, Q orthogonal).
        seed: seed of the inputs x (N, T, D), the weights and the unit vector v (N, H).

    Returns:
        dict of float arrays, each of shape (T + 1,) and indexed by t = 0 … T:
        ``"t"`` the time steps, ``"rnn"``, ``"lstm_h"``, ``"gru"`` the norms ‖∂L/∂h_t‖ and
        ``"lstm_c"`` the LSTM's ‖∂L/∂c_t‖ (0 at t = T: the loss reads h_T only); and two
        floats, ``"lstm_keep"`` the mean forget gate f and ``"gru_keep"`` the mean 1 − z over
        every step and unit: what each gated cell keeps of its past, on average.
    """
    _check_args(T, keep_bias, sigma, seed)
    N, D, H = SIZES["N"], SIZES["D"], SIZES["H"]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, T, D))
    v = rng.standard_normal((N, H))
    v /= np.linalg.norm(v)
    h0 = np.zeros((N, H))
    out = {"t": np.arange(T + 1, dtype=np.float64)}

    # plain RNN: h_t = tanh(x_t Wx + h_{t-1} Wh + b);  dh_{t-1} = (dh_t ⊙ (1 − h_t²))·Whᵀ
    Wx, Wh = _weights(rng, 1, D, H, sigma)
    h, _ = L.rnn_forward(x, h0, Wx, Wh, np.zeros(H))
    out["rnn"] = _walk_back(lambda t, dh: (dh * (1.0 - h[:, t] ** 2)) @ Wh.T, T, v)

    # LSTM: blocks i, f, o, g; the forget block of the bias is β
    Wx, Wh = _weights(rng, 4, D, H, sigma)
    b = np.zeros(4 * H)
    b[H:2 * H] = keep_bias
    _, (*_, ifog, c, tanh_c, _) = L.lstm_forward(x, h0, Wx, Wh, b)
    c_prev = _previous(np.zeros((N, H)), c)
    carried = {"dc": np.zeros((N, H)), "norms_c": np.zeros(T + 1)}   # ‖∂L/∂c_T‖ = 0

    def lstm_back(t, dh):
        da, carried["dc"] = _lstm_gates_backward(dh, carried["dc"], c_prev[:, t], ifog[:, t],
                                                 tanh_c[:, t])
        carried["norms_c"][t] = _norm(carried["dc"])
        return da @ Wh.T

    out["lstm_h"] = _walk_back(lstm_back, T, v)
    out["lstm_c"] = carried["norms_c"]
    out["lstm_keep"] = float(np.mean(ifog[:, :, H:2 * H]))                 # f

    # GRU: blocks z, r, n; the update block of the bias is −β (keep 1 − z = σ(β + …))
    Wx, Wh_gru = _weights(rng, 3, D, H, sigma)
    b = np.zeros(3 * H)
    b[:H] = -keep_bias
    h, (*_, zrn, _) = L.gru_forward(x, h0, Wx, Wh_gru, b)
    h_prev = _previous(h0, h)
    out["gru"] = _walk_back(lambda t, dh: _gru_cell_backward(dh, h_prev[:, t], zrn[:, t],
                                                             Wh_gru)[1], T, v)
    out["gru_keep"] = float(np.mean(1.0 - zrn[:, :, :H]))                  # 1 − z
    return out


TITLE = "Gradient reaching step t from a loss on the last state"


def _settings(T, keep_bias, sigma) -> str:
    """The subtitle: the state the curves show (short, so redrawing it is cheap)."""
    return f"T = {T},  keep bias β = {keep_bias:.1f},  σ of Wₕ = {sigma:.2f}"


def _log_ticks(ax) -> None:
    """A tick every fourth decade, labelled 10ⁿ (matplotlib's default formatter), no minor."""
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=7))
    ax.yaxis.set_minor_locator(NullLocator())


def _name(key: str) -> str:
    """Key entry: a line-style mark and the curve's name (static: part of the background)."""
    mark = "– – –" if LINES[key][2] == "--" else "——"
    return f"{mark}  {LINES[key][0]}"


def _value(key: str, data: dict) -> str:
    """The curve's value at t = 0, T steps back from the loss (redrawn on every move)."""
    return f"{data[key][0]:.0e}"


def _draw(fig: Figure, data: dict, T, keep_bias, sigma) -> dict:
    """Create the axes and artists once; returns the handles :func:`_update` changes."""
    ax = fig.add_subplot(1, 1, 1)
    lines = {}
    for key, (_, colour, style) in LINES.items():
        (lines[key],) = ax.semilogy(*_curve(data, key), style, color=colour, lw=2)
    ax.set_xlabel("steps back from the loss, T − t")
    ax.set_ylabel("gradient norm (log scale)")
    _log_ticks(ax)
    # Fixed positions for the title and the axis labels: matplotlib would otherwise measure
    # every tick label on each full redraw to place them.
    ax.xaxis.set_label_coords(0.5, -0.12)
    ax.yaxis.set_label_coords(-0.165, 0.5)   # clear of the widest tick label, 10⁻¹²
    ax.set_title(TITLE, fontsize=13, y=1.09, pad=0)
    settings = ax.text(0.5, 1.02, _settings(T, keep_bias, sigma), transform=ax.transAxes,
                       ha="center", va="bottom", fontsize=11, color=NEUTRAL)
    # A hand-made key to the right of the plot (it never covers a curve), instead of
    # ax.legend(): the names are drawn once into the cached background and only the short
    # values at t = 0 are redrawn when a slider moves (text costs time per glyph).
    fig.text(0.975, 0.80, "at t = 0", ha="right", va="bottom", fontsize=10.5, color=NEUTRAL)
    values = []
    for k, key in enumerate(LINES):
        y = 0.76 - 0.085 * k
        fig.text(0.665, y, _name(key), ha="left", va="top", fontsize=10.5, color=LINES[key][1])
        values.append(fig.text(0.975, y, _value(key, data), ha="right", va="top", fontsize=10.5,
                               color=LINES[key][1]))
    fig.text(0.665, 0.36, INPUTS, ha="left", va="top", fontsize=10.5, color=NEUTRAL,
             linespacing=1.4)
    handles = {"ax": ax, "lines": lines, "settings": settings, "values": values}
    _rescale(handles)
    fig.subplots_adjust(left=0.13, right=0.64, bottom=0.14, top=0.83)  # fixed: room for the key
    return handles


def _curve(data: dict, key: str) -> tuple[np.ndarray, np.ndarray]:
    """x = T − t (steps back from the loss) and the norms, for one line."""
    return data["t"][-1] - data["t"], _positive(data[key])


def _rescale(handles: dict) -> None:
    """Both axes fixed — x over every T the slider offers, y over :data:`Y_RANGE` — so every
    state is drawn against one frame, and every slider move reuses one cached background."""
    handles["ax"].set_xlim(0, SLIDER_LIMITS["T"][1])
    handles["ax"].set_ylim(*Y_RANGE)


def _update(handles: dict, data: dict, T, keep_bias, sigma) -> None:
    """Move the artists to a new state."""
    for key, line in handles["lines"].items():
        line.set_data(*_curve(data, key))
    handles["settings"].set_text(_settings(T, keep_bias, sigma))
    for key, text in zip(LINES, handles["values"], strict=True):
        text.set_text(_value(key, data))


def _dynamic(handles: dict) -> list:
    """The artists that change with the sliders (everything else is a cached background)."""
    return [*handles["lines"].values(), handles["settings"], *handles["values"]]


def gradient_highway_figure(T: int = DEFAULTS["T"], keep_bias: float = DEFAULTS["keep_bias"],
                            sigma: float = DEFAULTS["sigma"], seed: int = 0):
    """The static figure of one state of the widget (default: its opening state)."""
    data = gradient_norms_through_time(T, keep_bias, sigma, seed)
    fig = Figure(figsize=(8.5, 4.3), dpi=100)
    _draw(fig, data, T, keep_bias, sigma)
    return fig


def gradient_highway_explorer(seed: int = 0):
    """Sliders for σ of the recurrent weights, the keep bias β and T; one log-scale plot.

    A slider move recomputes the norms, moves the four lines, the subtitle and the key's values,
    and blits them over one cached background (axes, ticks, labels): both axes are fixed (x is
    the number of steps back from the loss), so every move is a blit.

    Returns an ``ipywidgets.VBox``; its ``.figure_image`` attribute is the
    :class:`~helpers.widgets._figure.FigureImage` (its ``last_render_ms`` is the last redraw)
    and ``.controls`` maps ``"sigma"``, ``"keep_bias"``, ``"T"`` to the sliders.
    """
    lo_T, hi_T = SLIDER_LIMITS["T"]
    s_T = W.IntSlider(value=DEFAULTS["T"], min=lo_T, max=hi_T, step=5, description="T",
                      continuous_update=False)
    s_bias = W.FloatSlider(value=DEFAULTS["keep_bias"], min=SLIDER_LIMITS["keep_bias"][0],
                           max=SLIDER_LIMITS["keep_bias"][1], step=0.5, description="keep bias β",
                           style={"description_width": "initial"}, continuous_update=False)
    s_sigma = W.FloatSlider(value=DEFAULTS["sigma"], min=SLIDER_LIMITS["sigma"][0],
                            max=SLIDER_LIMITS["sigma"][1], step=0.25, description="σ of Wₕ",
                            style={"description_width": "initial"}, continuous_update=False)
    image = FigureImage(figsize=(8.5, 4.3), dpi=90)
    data = gradient_norms_through_time(s_T.value, s_bias.value, s_sigma.value, seed)
    handles = _draw(image.fig, data, s_T.value, s_bias.value, s_sigma.value)
    image.dynamic = _dynamic(handles)
    image.refresh()  # draws and caches the one background

    def on_change(_change=None):
        args = (s_T.value, s_bias.value, s_sigma.value)
        _update(handles, gradient_norms_through_time(*args, seed=seed), *args)
        image.refresh()  # blit over the cached background

    for slider in (s_T, s_bias, s_sigma):
        slider.observe(on_change, names="value")
    # σ first: notebook 06's knob, the one the lesson turns first (and T opens at its maximum,
    # so a first slider of T could not move right)
    box = W.VBox([W.HBox([s_sigma, s_bias, s_T]), image.image])
    box.figure_image = image
    box.controls = {"sigma": s_sigma, "keep_bias": s_bias, "T": s_T}
    return box
