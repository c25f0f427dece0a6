"""Notebook 10's attention explorer: where a decoder step looks, and where its gradient lands.

For one of EXAMPLES fixed inputs and a chosen decoder step s, the explorer shows the attention
weights of the trained encoder–decoder (a heat map, row s outlined) beside the gradient of
output s's loss ℓ_s at each encoder state, with attention (all paths, and the one hop attention
hands over) and without. The model, its training and the shipped seed-0 models live in
:mod:`helpers.seq2seq`.

Public:

- :func:`encoder_gradients` — the explorer's pure function: for one input and one decoder step,
  the attention weights and the gradient each encoder state receives (with and without
  attention);
- :func:`attention_explorer` — the widget; :func:`attention_explorer_figure` its default state.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import layers as L
from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, SEQUENTIAL_CMAP
from helpers.seq2seq import (
    TASK,
    attention_weights,
    encoder_state_gradients,
    init_seq2seq,
    load_models,
    reverse_batch,
    seq2seq_backward,
    seq2seq_forward,
)
from helpers.widgets._figure import FigureImage

__all__ = ["encoder_gradients", "attention_explorer", "attention_explorer_figure"]

EXAMPLES = 8                        # the explorer's fixed input sequences
DEFAULT = {"example": 0, "step": 8}  # the explorer's opening state: output 8 copies input 7


# ------------------------------------------------------------------- the explorer's numbers

def examples(T: int = TASK["T"], V: int = TASK["V"]):
    """The explorer's fixed inputs x (EXAMPLES, T) and their reversals y (seeded)."""
    return reverse_batch(np.random.default_rng(2024), EXAMPLES, T, V)


def initial_models(seed: int = 0) -> dict:
    """The untrained start of seed ``seed``, shared by both models."""
    P0 = init_seq2seq(np.random.default_rng(seed))
    return {"attention": P0, "plain": P0}


def _one_step(P: dict, x, step: int, attend: bool) -> dict:
    """One sequence x (1, T); the loss ℓ_s is the cross-entropy of output ``step`` alone."""
    scores, cache = seq2seq_forward(P, x, attend)
    y = x[:, ::-1]
    loss, dstep = L.softmax_cross_entropy(scores[:, step], y[:, step])
    dscores = np.zeros_like(scores)
    dscores[:, step] = dstep
    _, dh_enc = seq2seq_backward(dscores, cache)
    total = encoder_state_gradients(dh_enc, cache)
    out = {"total": np.linalg.norm(total[0], axis=1), "direct": np.linalg.norm(dh_enc[0], axis=1),
           "prediction": scores[0].argmax(axis=1), "loss": loss}
    if attend:
        out["weights"] = attention_weights(cache)[0]    # (T, T): row s is where output s looks
    return out


def _check_args(example, step, T, trained) -> None:
    fname = "encoder_gradients"
    for name, value, high in (("example", example, EXAMPLES), ("step", step, T)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{fname}: {name} expects an int, got {type(value).__name__}")
        if not 0 <= value < high:
            raise ValueError(f"{fname}: {name} expects 0 ≤ {name} < {high}, got {value}")
    if not isinstance(trained, (bool, np.bool_)):
        raise TypeError(f"{fname}: trained expects True or False, got {type(trained).__name__}")


def encoder_gradients(example: int = 0, step: int = 0, trained: bool = True,
                      models: dict | None = None) -> dict:
    """What the explorer shows for input ``example`` and decoder step ``step``.

    Args:
        example: which of the :func:`examples` sequences (0 … EXAMPLES − 1).
        step: decoder step s (0 … T − 1); its loss ℓ_s is the cross-entropy of output s alone.
        trained: the trained models (``models``, default :func:`load_models`) or their common
            untrained start (:func:`initial_models`).
        models: {"attention": P, "plain": P}, the trained models.

    Returns:
        dict with ``"x"``, ``"y"`` (T,) the input and target; ``"weights"`` (T, T) the
        attention weights (row s: where output s looks); ``"prediction"`` and
        ``"prediction_plain"`` (T,) the outputs with and without attention; ``"loss"`` and
        ``"loss_plain"`` the two losses ℓ_s; ``"total"`` (T,) ‖∂ℓ_s/∂h_enc_t‖ with attention,
        ``"direct"`` (T,) its one-hop part (what attention hands to h_enc_t directly, before
        the encoder's recurrence), ``"plain"`` (T,) ‖∂ℓ_s/∂h_enc_t‖ without attention; and
        ``"top"``, the largest of ``total`` and of ``plain`` (the plot divides each by it).
    """
    _check_args(example, step, TASK["T"], trained)
    if not trained:
        models = initial_models()
    elif models is None:
        models = load_models()
    x_all, y_all = examples()
    x = x_all[example:example + 1]
    att = _one_step(models["attention"], x, step, attend=True)
    plain = _one_step(models["plain"], x, step, attend=False)
    return {"x": x[0], "y": y_all[example], "weights": att["weights"],
            "prediction": att["prediction"], "prediction_plain": plain["prediction"],
            "loss": att["loss"], "loss_plain": plain["loss"], "total": att["total"],
            "direct": att["direct"], "plain": plain["total"],
            "top": {"attention": att["total"].max(), "plain": plain["total"].max()}}


# --------------------------------------------------------------------------- the explorer

FIGSIZE = (9.0, 4.1)
Y_RANGE = (1e-8, 3.0)       # the fixed log axis: gradient norms divided by their largest


def _symbols(seq) -> str:
    return " ".join(str(int(c)) for c in seq)


def _title(data: dict, trained: bool) -> str:
    return f"input  {_symbols(data['x'])}    ({'trained' if trained else 'untrained'} models)"


def _subtitle(data: dict, step: int) -> str:
    T, s = len(data["x"]), step
    return (f"output {s} must copy input {T - 1 - s} (symbol {data['y'][s]}).  "
            f"With attention: says {data['prediction'][s]}, ℓ = {data['loss']:.1e}.  "
            f"Without: says {data['prediction_plain'][s]}, ℓ = {data['loss_plain']:.1e}")


def _scaled(data: dict) -> dict:
    """Each model's gradient norms divided by that model's largest (shapes, not sizes)."""
    top_a, top_p = data["top"]["attention"], data["top"]["plain"]
    return {"total": data["total"] / top_a, "direct": np.maximum(data["direct"] / top_a, 1e-30),
            "plain": data["plain"] / top_p}


def _draw(fig: Figure, data: dict, step: int, trained: bool) -> dict:
    """Create the two panels once; returns the handles :func:`_update` moves."""
    T = len(data["x"])
    t = np.arange(T)
    scaled = _scaled(data)
    ax_w = fig.add_axes((0.07, 0.22, 0.31, 0.57))
    ax_g = fig.add_axes((0.53, 0.22, 0.45, 0.57))
    edges = np.arange(T + 1) - 0.5
    image = ax_w.pcolormesh(edges, edges, data["weights"], cmap=SEQUENTIAL_CMAP, vmin=0.0,
                            vmax=1.0)
    ax_w.set_xlim(-0.5, T - 0.5)
    ax_w.set_ylim(T - 0.5, -0.5)                        # decoder step 0 at the top
    ax_w.set_xlabel("encoder position t")
    ax_w.set_ylabel("decoder step s")
    ax_w.set_title("attention weights p[s, t]", fontsize=12)
    ax_w.set_xticks(range(0, T, 3))
    ax_w.set_yticks(range(0, T, 3))
    ax_w.grid(False)
    for spine in ax_w.spines.values():          # the mesh would cover them when blitted
        spine.set_visible(False)
    ax_w.tick_params(length=0)                  # (and the tick marks' first pixel)
    row = Rectangle((-0.5, step - 0.5), T, 1, fill=False, ec=GRADIENT, lw=2.5)
    ax_w.add_patch(row)
    fig.colorbar(image, ax=ax_w, fraction=0.06, pad=0.03)
    bars = ax_g.bar(t, scaled["total"], width=0.8, color=GRADIENT, alpha=0.4,
                    label="with attention, all paths")
    (direct,) = ax_g.plot(t, scaled["direct"], "o", color=GRADIENT, ms=6,
                          label="with attention, one hop")
    (plain,) = ax_g.plot(t, scaled["plain"], "s-", color=FORWARD, ms=4, lw=1.5,
                         label="without attention")
    target = ax_g.axvline(T - 1 - step, color=NEUTRAL, ls=":", lw=1.5,
                          label="the input that output s copies")
    ax_g.set_axisbelow(True)                    # grid under the bars, also when blitted
    ax_g.set_yscale("log")
    ax_g.set_ylim(*Y_RANGE)
    ax_g.set_xlim(-0.6, T - 0.4)
    ax_g.set_xticks(range(0, T, 3))
    ax_g.set_xlabel("encoder position t")
    ax_g.set_ylabel("‖∂ℓ_s/∂h_enc,t‖ ÷ its largest")
    ax_g.set_title("gradient of ℓ_s reaching each encoder state", fontsize=12)
    # Below the panels, clear of everything that moves: drawn once into the background.
    fig.legend(handles=[bars, direct, plain, target], loc="lower center", ncol=4,
               bbox_to_anchor=(0.5, 0.0), fontsize=9, frameon=False, handlelength=1.6,
               columnspacing=1.2)
    title = fig.text(0.5, 0.965, _title(data, trained), ha="center", va="center", fontsize=12)
    sub = fig.text(0.5, 0.895, _subtitle(data, step), ha="center", va="center", fontsize=9.5,
                   color=NEUTRAL)
    return {"image": image, "row": row, "bars": list(bars), "direct": direct, "plain": plain,
            "target": target, "subtitle": sub, "title": title}


def _update(handles: dict, data: dict, step: int, trained: bool) -> None:
    """Move the artists to a new state (then blit them over the one cached background)."""
    T = len(data["x"])
    scaled = _scaled(data)
    handles["image"].set_array(data["weights"].ravel())
    handles["row"].set_y(step - 0.5)
    for bar, height in zip(handles["bars"], scaled["total"], strict=True):
        bar.set_height(height)
    handles["direct"].set_ydata(scaled["direct"])
    handles["plain"].set_ydata(scaled["plain"])
    handles["target"].set_xdata([T - 1 - step, T - 1 - step])
    handles["subtitle"].set_text(_subtitle(data, step))
    handles["title"].set_text(_title(data, trained))


def _dynamic(handles: dict) -> list:
    """The artists that move with the controls; the rest (axes, ticks, labels, the legend below
    the panels, clear of every moving artist) is one cached background, so every move blits."""
    return [handles["image"], handles["row"], *handles["bars"], handles["direct"],
            handles["plain"], handles["target"], handles["subtitle"], handles["title"]]


def attention_explorer_figure(example: int = DEFAULT["example"], step: int = DEFAULT["step"],
                              trained: bool = True, models: dict | None = None):
    """The static figure of one state of the explorer (default: its opening state)."""
    data = encoder_gradients(example, step, trained, models)
    fig = Figure(figsize=FIGSIZE, dpi=100)
    _draw(fig, data, step, trained)
    return fig


def attention_explorer(models: dict | None = None):
    """Pick an input and a decoder step; see where that step looks and where its gradient lands.

    Left: the attention weights of every decoder step (rows) over the encoder positions
    (columns), the chosen step outlined. Right, on a log scale: the gradient of that step's
    loss at each encoder state, with attention (bars: all paths; dots: the one-hop part) and
    without attention (squares), each divided by its own largest value. A toggle switches
    between the trained models and their common untrained start.

    Args:
        models: {"attention": P, "plain": P} (default: the shipped seed-0 models).

    Returns an ``ipywidgets.VBox``; its ``.figure_image`` is the
    :class:`~helpers.widgets._figure.FigureImage`.
    """
    models = load_models() if models is None else models
    s_example = W.IntSlider(value=DEFAULT["example"], min=0, max=EXAMPLES - 1,
                            description="input", continuous_update=False)
    s_step = W.IntSlider(value=DEFAULT["step"], min=0, max=TASK["T"] - 1,
                         description="decoder step s", style={"description_width": "initial"},
                         continuous_update=False)
    t_trained = W.ToggleButtons(options=[("trained", True), ("untrained", False)], value=True)
    image = FigureImage(figsize=FIGSIZE, dpi=90)
    data = encoder_gradients(s_example.value, s_step.value, True, models)
    handles = _draw(image.fig, data, s_step.value, True)
    image.dynamic = _dynamic(handles)
    image.refresh(key="axes")

    def on_change(_change=None):
        data = encoder_gradients(s_example.value, s_step.value, t_trained.value, models)
        _update(handles, data, s_step.value, t_trained.value)
        image.refresh(key="axes")

    for control in (s_example, s_step, t_trained):
        control.observe(on_change, names="value")
    box = W.VBox([W.HBox([s_example, s_step, t_trained]), image.image])
    box.figure_image = image
    return box
