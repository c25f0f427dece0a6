"""Notebook 10's encoder–decoder (인코더–디코더): reverse a sequence, with and without attention.

The task: read T = 16 symbols from an alphabet of V = 8 and write them **reversed**; output s
must reproduce input T − 1 − s. The model, built from :mod:`helpers.layers` only (row
convention, N sequences), in four pieces — each has a forward and a backward function:

    encoder   e = E[x],           h_enc = rnn(e, h = 0)                       (N, T, H)
    decoder   g = E[GO],          h_dec = rnn(g, h = h_enc[:, T−1])           (N, T, H)
    context   q = h_dec·Wq + bq,  c = attention(q, keys h_enc, values h_enc)  (N, T, H)
    readout   scores = [h_dec | c]·Wo + bo                                    (N, T, V)

GO is an extra row of E (row V): the decoder reads it at every step (it is not fed its own
outputs), so training and testing run the same computation. The model *without* attention is
the same model with c = 0: then the only path from the loss to an early encoder state runs
through h_enc[:, T−1] and the recurrences.

The backward walks the pieces in reverse (readout → context → decoder → encoder), and adds
the gradients where a value forks: h_dec feeds the scores and the query; h_enc feeds the keys,
the values, the decoder's first state (t = T − 1) and the encoder's next step; E feeds the
encoder's inputs and the GO symbol.

Training (:func:`train_seq2seq`): Adam (notebook 07) on fresh batches, the gradient clipped
to norm 1 (notebook 06). ``scripts/train_nb10.py`` runs it for ten seeds and stores what
notebook 10 plots (:func:`load_seeds`, :func:`load_models`).
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from helpers import layers as L

__all__ = [
    "TASK", "SIZES", "TRAINING", "MODELS_FILE", "SEEDS_FILE",
    "reverse_batch", "init_seq2seq",
    "encoder_forward", "encoder_backward", "decoder_forward", "decoder_backward",
    "context_forward", "context_backward", "readout_forward", "readout_backward",
    "seq2seq_forward", "seq2seq_backward", "seq2seq_loss", "attention_weights",
    "encoder_state_gradients", "encoder_gradient_profile",
    "clip_by_norm", "adam_step", "train_seq2seq", "position_accuracy",
    "load_seeds", "load_models",
]

TASK = {"T": 16, "V": 8}                      # sequence length, alphabet size
SIZES = {"D": 16, "H": 32}                    # embedding width, hidden width
TRAINING = {"steps": 600, "batch": 32, "lr": 1e-2, "clip": 1.0}
MODELS_FILE = "nb10_models.npz"               # helpers/data/, written by scripts/train_nb10.py
SEEDS_FILE = "nb10_seeds.npz"                 # helpers/data/, likewise: every seed's results


# --------------------------------------------------------------------------- data, weights

def reverse_batch(rng, N: int, T: int = TASK["T"], V: int = TASK["V"]):
    """N random sequences x (N, T) of symbols 0 … V−1, and their reversals y (N, T)."""
    x = rng.integers(0, V, (N, T))
    return x, x[:, ::-1].copy()


def init_seq2seq(rng, V: int = TASK["V"], D: int = SIZES["D"], H: int = SIZES["H"]) -> dict:
    """Small random weights, zero biases: E (V + 1, D) (row V is GO), Wx_e, Wx_d (D, H),
    Wh_e, Wh_d, Wq (H, H), Wo (2H, V), biases b_e, b_d, bq (H,) and bo (V,)."""
    def w(rows, cols):
        return rng.standard_normal((rows, cols)) / np.sqrt(rows)
    return {"E": 0.5 * rng.standard_normal((V + 1, D)),
            "Wx_e": w(D, H), "Wh_e": w(H, H), "b_e": np.zeros(H),
            "Wx_d": w(D, H), "Wh_d": w(H, H), "b_d": np.zeros(H),
            "Wq": w(H, H), "bq": np.zeros(H), "Wo": w(2 * H, V), "bo": np.zeros(V)}


# ------------------------------------------------------------------- the four pieces

def encoder_forward(P: dict, x):
    """x (N, T) symbols → h_enc (N, T, H): e = E[x], then the encoder RNN from h = 0."""
    e, cache_e = L.embedding_forward(x, P["E"])
    h0 = np.zeros((x.shape[0], P["Wh_e"].shape[0]))
    h_enc, cache_rnn = L.rnn_forward(e, h0, P["Wx_e"], P["Wh_e"], P["b_e"])
    return h_enc, (cache_e, cache_rnn)


def encoder_backward(dh_enc, cache) -> dict:
    """dh_enc (N, T, H), what reaches each h_enc_t from outside the encoder → {E, Wx_e, Wh_e,
    b_e}. BPTT (``rnn_backward``) adds what each state passes back to the one before it."""
    cache_e, cache_rnn = cache
    de, _, dWx_e, dWh_e, db_e = L.rnn_backward(dh_enc, cache_rnn)
    return {"E": L.embedding_backward(de, cache_e), "Wx_e": dWx_e, "Wh_e": dWh_e, "b_e": db_e}


def decoder_forward(P: dict, h_last, T: int):
    """h_last (N, H), the encoder's last state → h_dec (N, T, H): GO read at every step."""
    go = np.full((h_last.shape[0], T), P["E"].shape[0] - 1)       # GO is the last row of E
    g, cache_g = L.embedding_forward(go, P["E"])
    h_dec, cache_rnn = L.rnn_forward(g, h_last, P["Wx_d"], P["Wh_d"], P["b_d"])
    return h_dec, (cache_g, cache_rnn)


def decoder_backward(dh_dec, cache):
    """dh_dec (N, T, H) → dh_last (N, H), the gradient of the decoder's start h_enc[:, T−1],
    and {E, Wx_d, Wh_d, b_d}."""
    cache_g, cache_rnn = cache
    dg, dh_last, dWx_d, dWh_d, db_d = L.rnn_backward(dh_dec, cache_rnn)
    return dh_last, {"E": L.embedding_backward(dg, cache_g), "Wx_d": dWx_d, "Wh_d": dWh_d,
                     "b_d": db_d}


def context_forward(P: dict, h_dec, h_enc, attend: bool = True):
    """h_dec, h_enc (N, T, H) → c (N, T, H): queries q = h_dec·Wq + bq, attention over the
    encoder states (they are both the keys and the values). ``attend=False``: c = 0."""
    if not attend:
        return np.zeros_like(h_dec), None
    N, T, H = h_dec.shape
    q, cache_q = L.affine_forward(h_dec.reshape(N * T, H), P["Wq"], P["bq"])
    c, cache_att = L.attention_forward(q.reshape(N, T, H), h_enc, h_enc)
    return c, (cache_q, cache_att)


def context_backward(dc, cache):
    """dc (N, T, H) → dh_dec (N, T, H) through the queries, dh_enc = dk + dv (N, T, H) (the
    encoder states are keys and values: a fork), and {Wq, bq} (all zeros when c = 0)."""
    N, T, H = dc.shape
    if cache is None:                                     # no attention: c = 0 reads nothing
        return np.zeros_like(dc), np.zeros_like(dc), {"Wq": np.zeros((H, H)), "bq": np.zeros(H)}
    cache_q, cache_att = cache
    dq, dk, dv = L.attention_backward(dc, cache_att)
    dh_dec, dWq, dbq = L.affine_backward(dq.reshape(N * T, H), cache_q)
    return dh_dec.reshape(N, T, H), dk + dv, {"Wq": dWq, "bq": dbq}


def readout_forward(P: dict, h_dec, c):
    """h_dec, c (N, T, H) → scores (N, T, V) = [h_dec | c]·Wo + bo."""
    N, T, H = h_dec.shape
    feats = np.concatenate([h_dec, c], axis=2).reshape(N * T, 2 * H)
    scores, cache = L.affine_forward(feats, P["Wo"], P["bo"])
    return scores.reshape(N, T, -1), cache


def readout_backward(dscores, cache):
    """dscores (N, T, V) → dh_dec (N, T, H), dc (N, T, H) (the two halves of [h_dec | c]) and
    {Wo, bo}."""
    N, T, V = dscores.shape
    dfeats, dWo, dbo = L.affine_backward(dscores.reshape(N * T, V), cache)
    dfeats = dfeats.reshape(N, T, 2, -1)                  # the two halves [h_dec | c]
    return dfeats[:, :, 0], dfeats[:, :, 1], {"Wo": dWo, "bo": dbo}


# ------------------------------------------------------------------------- the whole model

def _check_flag(fname: str, name: str, value) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fname}: {name} expects True or False, got {type(value).__name__}")


def seq2seq_forward(P: dict, x, attend: bool):
    """x (N, T) symbols 0 … V−1 → scores (N, T, V) and the cache for :func:`seq2seq_backward`.

    ``attend=False`` is the model without attention: the context c is fixed at 0.
    """
    _check_flag("seq2seq_forward", "attend", attend)
    h_enc, cache_enc = encoder_forward(P, x)           # checks x: integers 0 … V (row V: GO)
    GO = P["E"].shape[0] - 1
    if (cache_enc[0][0] == GO).any():
        raise ValueError(f"seq2seq_forward: x expects symbols 0 … {GO - 1} ({GO} is GO, which "
                         f"only the decoder reads), got {GO}")
    h_dec, cache_dec = decoder_forward(P, h_enc[:, -1], x.shape[1])
    c, cache_ctx = context_forward(P, h_dec, h_enc, attend)
    scores, cache_out = readout_forward(P, h_dec, c)
    return scores, (cache_enc, cache_dec, cache_ctx, cache_out)


def seq2seq_backward(dscores, cache, shortcut: bool = True):
    """dscores (N, T, V) → the gradient of every parameter (a dict like P), and dh_enc
    (N, T, H): what reaches each encoder state from outside the encoder (attention's keys and
    values; at t = T − 1 also the decoder's start), before BPTT through the encoder.

    ``shortcut=False`` keeps the forward pass but stops the gradient of the keys and values:
    with attention, the decoder still reads every encoder state, but the encoder learns only
    through the decoder's start (without attention it changes nothing).
    """
    _check_flag("seq2seq_backward", "shortcut", shortcut)
    cache_enc, cache_dec, cache_ctx, cache_out = cache
    dh_dec, dc, grads_out = readout_backward(dscores, cache_out)
    dh_dec_q, dh_enc, grads_ctx = context_backward(dc, cache_ctx)
    dh_enc = dh_enc if shortcut else np.zeros_like(dh_enc)     # the one-hop shortcut, or cut
    dh_last, grads_dec = decoder_backward(dh_dec + dh_dec_q, cache_dec)  # fork: scores, query
    dh_enc[:, -1] += dh_last                          # fork: h_enc[T−1] starts the decoder
    grads_enc = encoder_backward(dh_enc, cache_enc)
    grads = {**grads_out, **grads_ctx, **grads_dec, **grads_enc}
    grads["E"] = grads_enc["E"] + grads_dec["E"]      # fork: E feeds x and GO
    return grads, dh_enc


def seq2seq_loss(P: dict, x, y, attend: bool):
    """The mean softmax cross-entropy over the N·T outputs, its dscores (N, T, V) and the
    cache; x, y (N, T)."""
    scores, cache = seq2seq_forward(P, x, attend)
    N, T, V = scores.shape
    loss, dscores = L.softmax_cross_entropy(scores.reshape(N * T, V), y.reshape(-1))
    return loss, dscores.reshape(N, T, V), cache


def attention_weights(cache):
    """The attention weights p (N, T, T) of a forward pass with attention (row s: output s)."""
    return cache[2][1][3]


# --------------------------------------------------------------- what the notebook measures

def encoder_state_gradients(dh_enc, cache):
    """The total ∂L/∂h_enc[:, t] (N, T, H): the direct part dh_enc plus what the recurrence
    brings back — BPTT through the encoder (notebook 06), keeping every step's total:

        total_t = dh_enc_t + (total_{t+1} ⊙ (1 − h_{t+1}²))·Wh_eᵀ
    """
    _, _, _, Wh, h = cache[0][1]                          # the encoder RNN's cache
    total = np.empty_like(dh_enc)
    carry = np.zeros_like(dh_enc[:, 0])
    for t in reversed(range(dh_enc.shape[1])):
        total[:, t] = dh_enc[:, t] + carry
        carry = (total[:, t] * (1.0 - h[:, t] ** 2)) @ Wh.T
    return total


def encoder_gradient_profile(P: dict, x, y, attend: bool):
    """Median over the sequences of ‖∂ℓ/∂h_enc_t‖, shape (T,).

    ℓ is one sequence's summed cross-entropy over its T outputs (so the batch size does not
    change the numbers); x, y (N, T).
    """
    _, dscores, cache = seq2seq_loss(P, x, y, attend)
    _, dh_enc = seq2seq_backward(dscores * x.size, cache)        # undo the mean over N·T
    total = encoder_state_gradients(dh_enc, cache)
    return np.median(np.linalg.norm(total, axis=2), axis=0)


def position_accuracy(P: dict, x, y, attend: bool):
    """Fraction of sequences whose output at step s is right, for each s: shape (T,)."""
    scores, _ = seq2seq_forward(P, x, attend)
    return (scores.argmax(axis=2) == y).mean(axis=0)


# ------------------------------------------------------------------------------- training

def clip_by_norm(grads: dict, theta: float) -> dict:
    """Every gradient scaled by min(1, θ/‖g‖), ‖g‖ the norm over all of them (notebook 06)."""
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    if norm <= theta:
        return dict(grads)                                # unchanged: the same arrays
    return {k: g * (theta / norm) for k, g in grads.items()}


def adam_step(P: dict, grads: dict, m: dict, s: dict, step: int, lr: float,
              beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
    """One Adam update of every array in P (in place), with running moments m and s
    (notebook 07); ``step`` counts from 1."""
    for k in P:
        m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
        s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
        m_hat, s_hat = m[k] / (1 - beta1 ** step), s[k] / (1 - beta2 ** step)
        P[k] -= lr * m_hat / (np.sqrt(s_hat) + eps)


def train_seq2seq(attend: bool, seed: int, steps: int = TRAINING["steps"],
                  batch: int = TRAINING["batch"], lr: float = TRAINING["lr"],
                  clip: float = TRAINING["clip"], shortcut: bool = True,
                  H: int = SIZES["H"]):
    """Adam on fresh batches of reversal problems, the gradient clipped to norm ``clip``.

    Returns the parameters and the loss of every step (steps,). The same seed gives the same
    initial weights and the same batches with and without attention (and for any H, the same
    embedding E). ``shortcut`` as in :func:`seq2seq_backward`.
    """
    rng, data = np.random.default_rng(seed), np.random.default_rng(10_000 + seed)
    P = init_seq2seq(rng, H=H)
    m = {k: np.zeros_like(p) for k, p in P.items()}
    s = {k: np.zeros_like(p) for k, p in P.items()}
    losses = np.empty(steps)
    for step in range(1, steps + 1):
        x, y = reverse_batch(data, batch)
        losses[step - 1], dscores, cache = seq2seq_loss(P, x, y, attend)
        grads, _ = seq2seq_backward(dscores, cache, shortcut)
        adam_step(P, clip_by_norm(grads, clip), m, s, step, lr)
    return P, losses


# --------------------------------------------------------------------------- shipped results

def load_seeds() -> dict:
    """The results of ``scripts/train_nb10.py`` for every seed ({name: array}; see there)."""
    with resources.files("helpers.data").joinpath(SEEDS_FILE).open("rb") as f:
        data = np.load(f)
        return {key: data[key].copy() for key in data.files}


def load_models() -> dict:
    """The seed-0 models trained by ``scripts/train_nb10.py``: {"attention": P, "plain": P}."""
    with resources.files("helpers.data").joinpath(MODELS_FILE).open("rb") as f:
        data = np.load(f)
        models = {}
        for key in data.files:
            kind, _, name = key.partition("/")
            models.setdefault(kind, {})[name] = data[key].copy()
    return models
