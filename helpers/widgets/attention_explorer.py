"""Attention as a gradient shortcut (notebook 10): a toy encoder–decoder and its explorer.

The task: read a sequence of T = 16 symbols (an alphabet of V = 8) and write it **reversed**.
Output step s must reproduce input position T − 1 − s, so without attention the first outputs
sit close to what they copy and the last outputs as far as the model allows.

The model, built only from :mod:`helpers.layers` (row convention, N sequences):

    e      = E[x]                                    embedding of the input      (N, T, D)
    h_enc  = rnn(e, h0 = 0)                          encoder states              (N, T, H)
    h_dec  = rnn(E[GO] at every step, h_enc[:, −1])  decoder states              (N, T, H)
    q      = h_dec·Wq + bq                           queries                     (N, T, H)
    ctx    = attention(q, h_enc, h_enc)              context (0 without it)      (N, T, H)
    scores = [h_dec | ctx]·Wo + bo                   one score per symbol        (N, T, V)
    loss   = mean softmax cross-entropy over the N·T outputs

Attention itself has no parameters; the affine ``Wq`` lets the decoder phrase its question.
The model *without* attention is the same model with the context fixed at 0, so the only
path from the loss to an encoder state is through h_enc[:, −1] and the recurrence.

The decoder reads the same start symbol GO at every step (it is not fed its own outputs), so
training and testing run exactly the same computation.

Public:

- :func:`encoder_gradients` — the explorer's pure function: for one input and one decoder step,
  the attention weights and the gradient each encoder state receives (with and without
  attention);
- :func:`attention_explorer` — the widget; :func:`attention_explorer_figure` its default state.

The model functions (:func:`reverse_batch`, :func:`init_seq2seq`, :func:`seq2seq_forward`,
:func:`seq2seq_backward`, :func:`encoder_state_gradients`, :func:`encoder_gradient_profile`,
:func:`train_seq2seq`, :func:`position_accuracy`, :func:`load_models`, :func:`load_seeds`) are
what notebook 10 trains and measures with, and what ``scripts/train_nb10.py`` runs for ten seeds.
"""

from __future__ import annotations

from importlib import resources

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from helpers import layers as L
from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, SEQUENTIAL_CMAP
from helpers.widgets._figure import FigureImage

__all__ = ["encoder_gradients", "attention_explorer", "attention_explorer_figure"]

TASK = {"T": 16, "V": 8}            # sequence length, alphabet size
SIZES = {"D": 16, "H": 32}          # embedding width, hidden width
TRAINING = {"steps": 600, "batch": 32, "lr": 1e-2}
MODELS_FILE = "nb10_models.npz"     # helpers/data/, written by scripts/train_nb10.py
SEEDS_FILE = "nb10_seeds.npz"       # helpers/data/, likewise: ten seeds' results
EXAMPLES = 8                        # the explorer's fixed input sequences
DEFAULT = {"example": 0, "step": 8}  # the explorer's opening state: output 8 copies input 7


# ------------------------------------------------------------------------------- the model

def reverse_batch(rng, N: int, T: int = TASK["T"], V: int = TASK["V"]):
    """N random sequences x (N, T) of symbols 0 … V−1, and their reversals y (N, T)."""
    x = rng.integers(0, V, (N, T))
    return x, x[:, ::-1].copy()


def init_seq2seq(rng, V: int = TASK["V"], D: int = SIZES["D"], H: int = SIZES["H"]) -> dict:
    """Small random weights, zero biases. E has V + 1 rows: row V is the start symbol GO."""
    def w(rows, cols):
        return rng.standard_normal((rows, cols)) / np.sqrt(rows)
    return {"E": 0.5 * rng.standard_normal((V + 1, D)),
            "Wx_e": w(D, H), "Wh_e": w(H, H), "b_e": np.zeros(H),
            "Wx_d": w(D, H), "Wh_d": w(H, H), "b_d": np.zeros(H),
            "Wq": w(H, H), "bq": np.zeros(H), "Wo": w(2 * H, V), "bo": np.zeros(V)}


def seq2seq_forward(P: dict, x, attend: bool):
    """Scores (N, T, V) for inputs x (N, T), and the cache for :func:`seq2seq_backward`."""
    N, T = x.shape
    H, V = P["Wh_e"].shape[0], P["bo"].shape[0]
    e, c_e = L.embedding_forward(x, P["E"])
    h_enc, c_enc = L.rnn_forward(e, np.zeros((N, H)), P["Wx_e"], P["Wh_e"], P["b_e"])
    g, c_g = L.embedding_forward(np.full((N, T), V), P["E"])          # GO at every step
    h_dec, c_dec = L.rnn_forward(g, h_enc[:, -1], P["Wx_d"], P["Wh_d"], P["b_d"])
    ctx, c_q, c_att = np.zeros_like(h_dec), None, None
    if attend:
        q, c_q = L.affine_forward(h_dec.reshape(N * T, H), P["Wq"], P["bq"])
        ctx, c_att = L.attention_forward(q.reshape(N, T, H), h_enc, h_enc)
    feats = np.concatenate([h_dec, ctx], axis=2).reshape(N * T, 2 * H)
    scores, c_o = L.affine_forward(feats, P["Wo"], P["bo"])
    cache = (c_e, c_enc, c_g, c_dec, c_q, c_att, c_o, h_enc, (N, T, H))
    return scores.reshape(N, T, V), cache


def seq2seq_backward(dscores, cache):
    """Gradients of every parameter, and dh_enc (N, T, H): what each encoder state gets directly.

    dh_enc is the gradient arriving at h_enc[:, t] from outside the encoder (attention's keys
    and values, and the decoder's initial state at t = T − 1) before the encoder's own
    recurrence adds what comes back from later steps (see :func:`encoder_state_gradients`).
    """
    c_e, c_enc, c_g, c_dec, c_q, c_att, c_o, h_enc, (N, T, H) = cache
    dfeats, dWo, dbo = L.affine_backward(dscores.reshape(N * T, -1), c_o)
    dfeats = dfeats.reshape(N, T, 2 * H)
    dh_dec, dh_enc = dfeats[..., :H].copy(), np.zeros((N, T, H))
    dWq, dbq = np.zeros((H, H)), np.zeros(H)
    if c_att is not None:
        dq, dk, dv = L.attention_backward(dfeats[..., H:], c_att)
        dh_enc += dk + dv                                   # the one-hop shortcut
        dh, dWq, dbq = L.affine_backward(dq.reshape(N * T, H), c_q)
        dh_dec += dh.reshape(N, T, H)                       # fork: h_dec feeds q and scores
    dg, dh0, dWx_d, dWh_d, db_d = L.rnn_backward(dh_dec, c_dec)
    dh_enc[:, -1] += dh0                                    # the decoder starts from h_enc[T−1]
    de, _, dWx_e, dWh_e, db_e = L.rnn_backward(dh_enc, c_enc)
    dE = L.embedding_backward(de, c_e) + L.embedding_backward(dg, c_g)
    grads = {"E": dE, "Wx_e": dWx_e, "Wh_e": dWh_e, "b_e": db_e, "Wx_d": dWx_d,
             "Wh_d": dWh_d, "b_d": db_d, "Wq": dWq, "bq": dbq, "Wo": dWo, "bo": dbo}
    return grads, dh_enc


def encoder_state_gradients(dh_enc, h_enc, Wh_e):
    """The total ∂L/∂h_enc[:, t] (N, T, H): the direct part plus what the recurrence brings back.

    Walks the encoder backwards as BPTT does (notebook 06): the total at step t is its own
    direct gradient plus (total_{t+1} ⊙ (1 − h_{t+1}²))·Whᵀ from step t + 1.
    """
    total = np.empty_like(dh_enc)
    carry = np.zeros_like(dh_enc[:, 0])
    for t in reversed(range(dh_enc.shape[1])):
        total[:, t] = dh_enc[:, t] + carry
        carry = (total[:, t] * (1.0 - h_enc[:, t] ** 2)) @ Wh_e.T
    return total


def encoder_gradient_profile(P: dict, x, y, attend: bool):
    """Median over the sequences of ‖∂ℓ/∂h_enc_t‖, shape (T,).

    ℓ is one sequence's summed cross-entropy over its T outputs (so the batch size does not
    change the numbers); x, y (N, T).
    """
    scores, cache = seq2seq_forward(P, x, attend)
    N, T, V = scores.shape
    _, dscores = L.softmax_cross_entropy(scores.reshape(N * T, V), y.reshape(-1))
    _, dh_enc = seq2seq_backward(dscores * (N * T), cache)     # undo the mean over N·T
    total = encoder_state_gradients(dh_enc, cache[7], P["Wh_e"])
    return np.median(np.linalg.norm(total, axis=2), axis=0)


def train_seq2seq(attend: bool, seed: int, steps: int = TRAINING["steps"],
                  batch: int = TRAINING["batch"], lr: float = TRAINING["lr"]):
    """Adam (notebook 07) on fresh batches, each gradient entry clipped to [−1, 1].

    Returns the parameters and the loss of every step (steps,). The same seed gives the same
    initial weights and the same batches with and without attention.
    """
    rng, data = np.random.default_rng(seed), np.random.default_rng(10_000 + seed)
    P = init_seq2seq(rng)
    m = {k: np.zeros_like(p) for k, p in P.items()}
    s = {k: np.zeros_like(p) for k, p in P.items()}
    losses = np.empty(steps)
    for step in range(1, steps + 1):
        x, y = reverse_batch(data, batch)
        scores, cache = seq2seq_forward(P, x, attend)
        losses[step - 1], dscores = L.softmax_cross_entropy(scores.reshape(-1, scores.shape[2]),
                                                            y.reshape(-1))
        grads, _ = seq2seq_backward(dscores, cache)
        for k, g in grads.items():
            g = np.clip(g, -1.0, 1.0)
            m[k] = 0.9 * m[k] + 0.1 * g
            s[k] = 0.999 * s[k] + 0.001 * g**2
            P[k] = P[k] - lr * (m[k] / (1 - 0.9**step)) / (np.sqrt(s[k] / (1 - 0.999**step))
                                                         + 1e-8)
    return P, losses


def position_accuracy(P: dict, x, y, attend: bool):
    """Fraction of sequences whose output at step s is right, for each s: shape (T,)."""
    scores, _ = seq2seq_forward(P, x, attend)
    return (scores.argmax(axis=2) == y).mean(axis=0)


def load_seeds() -> dict:
    """The ten-seed results of ``scripts/train_nb10.py`` ({name: array}; see that script)."""
    with resources.files("helpers.data").joinpath(SEEDS_FILE).open("rb") as f:
        data = np.load(f)
        return {key: data[key].copy() for key in data.files}


def load_models() -> dict:
    """The seed-0 models trained by ``scripts/train_nb10.py``: {"attention": P, "plain": P}."""
    with resources.files("helpers.data").joinpath(MODELS_FILE).open("rb") as f:
        data = np.load(f)
        models = {"attention": {}, "plain": {}}
        for key in data.files:
            kind, _, name = key.partition("/")
            if kind in models:
                models[kind][name] = data[key].copy()
    return models


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
    total = encoder_state_gradients(dh_enc, cache[7], P["Wh_e"])
    out = {"total": np.linalg.norm(total[0], axis=1), "direct": np.linalg.norm(dh_enc[0], axis=1),
           "prediction": scores[0].argmax(axis=1), "loss": loss}
    if attend:
        out["weights"] = cache[5][3][0]                 # p from the attention cache (T, T)
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
