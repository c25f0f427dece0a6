# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 10 — Attention as a gradient shortcut
#
# By the end you can derive and check the backward pass of scaled dot-product attention, and
# you will have measured what it does to an encoder–decoder: every encoder state gets a
# one-hop path from the loss — and how much of what attention wins is that path, and how much
# is simply being able to read every encoder state.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/10_attention.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/10_attention.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. This lecture has two halves: the attention backward pass (derive, code, check), then
# an encoder–decoder whose backward we assemble from pieces, and an experiment that measures
# what attention does to its gradients — with the controls that keep us honest about a second
# cause. Everything runs on a laptop in well under a minute; the ten-seed results come from
# a script in the repository.

# %% slideshow={"slide_type": "skip"}
# Colab only: install the course's `helpers` package from its repository when it is missing.
# Anywhere else (JupyterLab, Binder, CI) this cell does nothing.
import sys

if "google.colab" in sys.modules:
    try:
        import helpers.layers  # noqa: F401
    except ImportError:
        import subprocess

        subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                        "git+https://github.com/backprop-by-hand/backprop-by-hand"], check=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning goals
#
# - Write attention's forward pass — scores $qk^\top/\sqrt d$, softmax weights, a weighted sum —
#   and see that it has no parameters of its own.
# - Derive its backward pass: through the weighted sum, through the softmax Jacobian
#   $\operatorname{diag}(p) - pp^\top$ of notebook 04, and from the scores into **both** the
#   queries and the keys; with the $1/\sqrt d$ scale and a causal mask. Check it numerically.
# - Assemble an encoder–decoder's backward pass from its pieces, summing the gradients where a
#   value forks, and check it.
# - Measure the gradient each encoder state receives with and without attention, the accuracy
#   each model reaches over ten seeds, and — with control experiments — how much of the gain
#   is the gradient's shortcut and how much the information attention lets the decoder read.
#
# ## Prerequisites
#
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dX = dD\,W^\top$,
#   $dW = X^\top dD$.
# - [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb): the
#   softmax Jacobian $\operatorname{diag}(p) - pp^\top$.
# - [06 — Backpropagation through time](06_backprop_through_time.ipynb): every step back through
#   an RNN multiplies the gradient by a Jacobian, so long paths fade; gradient-norm clipping,
#   used in training here.
# - [07 — LSTM and GRU backprop](07_lstm_and_gru.ipynb): a shorter path (the cell line) keeps
#   the gradient alive; Adam, which trains the models here.
# - [09 — Embeddings and weight tying](09_embeddings_and_weight_tying.ipynb) (the previous
#   notebook): the gradient of an embedding table is a scatter-add of its rows' gradients.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **attention (어텐션)**: a weighted average of vectors, with weights computed from the data
#   itself; **attention weights (어텐션 가중치)** $p$, one probability per key.
# - **query (쿼리)** $q$, **key (키)** $k$, **value (값)** $v$: the query is compared with every
#   key; the values are what gets averaged.
# - **scaled dot-product attention (스케일드 닷 프로덕트 어텐션)**:
#   $\operatorname{softmax}(qk^\top/\sqrt d)\,v$.
# - **context vector (문맥 벡터)**: the output of attention for one query.
# - **encoder (인코더)** and **decoder (디코더)**: the RNN that reads the input and the RNN that
#   writes the output; together a **sequence-to-sequence model (시퀀스-투-시퀀스 모델)**.
# - **causal mask (인과 마스크)**: forbids a query to look at later positions; **softmax
#   (소프트맥스)** and its **Jacobian (야코비 행렬)**; **shortcut (지름길)**: a short path for the
#   gradient.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as L
import helpers.plotting as hp
from helpers import seq2seq as S
from helpers.exercises._check import progress
from helpers.exercises.nb10 import (
    check_attention_backward,
    check_causal_mask,
    check_self_attention_backward,
    self_attention_forward,  # noqa: F401 (for exercise 3)
)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error, verdict
from helpers.seq2seq import TASK, TRAINING, reverse_batch
from helpers.widgets.attention_explorer import (
    attention_explorer,
    attention_explorer_figure,
    encoder_gradients,
)

ERRORS = {}   # every relative error this notebook measures (listed after the model check)


def report(name, err, tol=1e-7):
    """Record a relative error and print its stable verdict line (no raw digits)."""
    ERRORS[name] = err
    print(verdict(name, err, tol))


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: the long way and the short way back
#
# An **encoder–decoder** reads a sequence with one RNN (the encoder) and writes another with a
# second RNN (the decoder) that starts from the encoder's last state. Our task: read 16 symbols
# and write them **reversed**. Output step $s$ must reproduce input position $15 - s$.
#
# Without attention, all the decoder knows about the input is $h^{enc}_{15}$, and the gradient
# of a loss on output $s$ reaches $h^{enc}_t$ only by walking back through the decoder steps and
# then the encoder steps (notebook 06). With **attention**, every decoder step also reads a
# weighted average of *all* encoder states — one hop away. That changes two things at once:
# the gradient's path, and what the decoder can read. We will measure both, and pull them
# apart.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Draw the two chains on the board before showing the figure. Ask the room: "for the
# last output, which must copy the first input, how many Jacobians does the gradient pass
# through?" (2·15 + 1 = 31 here, 9 in the five-step figure). Remind them of notebook 06: each
# one can shrink it. Then reveal the one-hop arrow. Stress that attention adds no weights of its
# own: the shortcut is pure wiring.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two ways back, on five steps
#
# ![An encoder-decoder over five steps, twice: without attention the gradient of the last loss walks back nine hops to the first encoder state; with attention one hop reaches it](../figures/nb10_shortcut.png)
#
# Notice that the top path grows with the distance, the bottom one does not: attention gives
# output $s$ a path of length one to *every* encoder state, whatever $s$ and $t$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Counting the hops
#
# Output $s$ copies input $t = T - 1 - s$. Without attention its gradient goes back through $s$
# decoder steps, the hand-over $h^{enc}_{T-1} \to h^{dec}_0$, and $T - 1 - t$ encoder steps:
# $s + 1 + s = 2s + 1$ Jacobians. With attention: one.

# %% slideshow={"slide_type": "fragment"}
T_task = TASK["T"]
for s in (0, 5, 10, 15):
    t = T_task - 1 - s
    hops = s + 1 + (T_task - 1 - t)
    print(f"output s = {s:2d} copies input t = {t:2d}: {hops:2d} hops without attention, "
          "1 with")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: attention, forward
#
# One sequence: $T_q$ queries $q_i \in \mathbb{R}^d$ (rows of $Q$), $T_k$ keys $k_j \in
# \mathbb{R}^d$ and values $v_j \in \mathbb{R}^{d_v}$ (rows of $K$, $V$). Three steps:
#
# $$
# \begin{aligned}
# S &= Q K^\top / \sqrt d && (T_q \times T_k)\text{: } s_{ij} = q_i \cdot k_j / \sqrt d\\
# P &= \operatorname{softmax}(S) \text{ row by row}
#   && p_{ij} = e^{s_{ij}} / \textstyle\sum_{j'} e^{s_{ij'}}\\
# O &= P\,V && (T_q \times d_v)\text{: } o_i = \textstyle\sum_j p_{ij}\, v_j
# \end{aligned}
# $$
#
# No weight matrix appears: attention has **no parameters**. A batch of $N$ sequences just
# repeats this per sequence ($Q$ is $(N, T_q, d)$).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Read the three lines aloud as "compare, normalise, average". Ask: "what are the
# shapes of S and P?" ($T_q \times T_k$: one weight per query–key pair). Point out that in our
# encoder–decoder the keys and the values are the same vectors, the encoder states.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward, step by step
#
# Given $dO = \partial L/\partial O$, walk the three steps backwards (row convention):
#
# $$
# \begin{aligned}
# dV &= P^\top dO, \qquad dP = dO\, V^\top
#   && \text{matmul gate } O = PV \text{ (notebook 03)}\\
# ds_i &= dp_i\,\big(\operatorname{diag}(p_i) - p_i^\top p_i\big)
#   && \text{softmax Jacobian of row } i \text{ (notebook 04)}\\
#   &= p_i \odot \big(dp_i - (dp_i \cdot p_i)\,\mathbf 1\big)
#   && \text{multiply out: no } T_k \times T_k \text{ matrix needed}\\
# dQ &= dS\,K / \sqrt d, \qquad dK = dS^\top Q / \sqrt d
#   && \text{matmul gate } S = QK^\top/\sqrt d\text{, both factors}
# \end{aligned}
# $$
#
# The scores read the queries **and** the keys, so both get a gradient: that is how the loss
# reaches an encoder state that serves as a key. As a value it gets $dV$ too.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why the softmax step is so short, and what a mask does
#
# The Jacobian $\operatorname{diag}(p) - pp^\top$ is symmetric, so the row convention's
# $dp\,J$ and the column convention's $J\,dp$ agree. Multiplying out,
# $(dp\,J)_j = dp_j p_j - p_j\sum_{j'} dp_{j'} p_{j'}$: one dot product per row.
#
# A **mask** sets $s_{ij} = -\infty$ where query $i$ may not look, so $p_{ij} = 0$ and then
# $ds_{ij} = p_{ij}(\dots) = 0$: a masked key gets no gradient from that query, and the
# backward pass needs no mask of its own. A row with *every* key masked would be $0/0$;
# `helpers.layers` refuses it with an error that names the row.

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(10)
p_row = np.exp(rng.standard_normal(6))
p_row /= p_row.sum()
dp_row = rng.standard_normal(6)
J_softmax = np.diag(p_row) - np.outer(p_row, p_row)
report("dp·(diag(p) − ppᵀ) vs p ⊙ (dp − dp·p)",
       rel_error(dp_row @ J_softmax, p_row * (dp_row - dp_row @ p_row)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why divide by $\sqrt d$?
#
# With entries of variance 1, $q \cdot k = \sum_{i=1}^d q_i k_i$ has variance $d$, so its
# spread grows like $\sqrt d$. Large score gaps make the softmax nearly one-hot, and then its
# Jacobian $\operatorname{diag}(p) - pp^\top$ is nearly zero: no gradient passes. Dividing by
# $\sqrt d$ keeps the scores' spread at 1 whatever $d$. Measured on 2,000 queries, 16 keys:

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
for d in (4, 64, 256):
    q_s, k_s = rng.standard_normal((2000, d)), rng.standard_normal((2000, 16, d))
    raw = np.einsum("nd,ntd->nt", q_s, k_s)
    for label, scores in (("q·k     ", raw), ("q·k / √d", raw / np.sqrt(d))):
        w = np.exp(scores - scores.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        J = w[:, :, None] * np.eye(16) - w[:, :, None] * w[:, None, :]
        print(f"d = {d:3d}, {label}: spread {scores.std():5.2f}, largest weight "
              f"{np.median(w.max(axis=1)):.2f}, "
              f"‖Jacobian‖ {np.median(np.linalg.norm(J, axis=(1, 2))):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Unscaled, at $d = 256$ the largest weight is 1.00 and the Jacobian's norm has fallen to
# 0.008: the softmax is saturated and passes almost no gradient. Scaled, every $d$ gives a
# spread of about 1 and a Jacobian norm of about 0.3.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation
#
# The forward pass stores what the backward pass reads: $Q$, $K$, $V$ and the weights $P$.
# The backward mirrors it line by line. `@` multiplies the last two axes and loops over the
# batch; `transpose(0, 2, 1)` transposes each sequence's matrix.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Put the derivation slide next to the code: every line of the backward has a line
# of the derivation. Ask: "which line would change if keys and values were different
# vectors?" (none: dk and dv are separate outputs; the caller adds them when they are the same
# vectors, as in our encoder–decoder).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Forward: compare, normalise, average

# %% slideshow={"slide_type": "-"}
def softmax_rows(s):
    """Softmax over the last axis; −∞ entries (masked) get weight 0. Shape of s."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))      # shift: no overflow (notebook 02)
    return e / e.sum(axis=-1, keepdims=True)

# %% slideshow={"slide_type": "fragment"}
def attention_forward(q, k, v, mask=None):
    """q (N, Tq, d), k (N, Tk, d), v (N, Tk, dv), mask (Tq, Tk) bool → out (N, Tq, dv)."""
    s = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)                  # may not attend: weight exactly 0
    p = softmax_rows(s)
    return p @ v, (q, k, v, p)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward: the same three steps, in reverse

# %% slideshow={"slide_type": "-"}
def attention_backward(dout, cache):
    """dout (N, Tq, dv) → dq (N, Tq, d), dk (N, Tk, d), dv (N, Tk, dv)."""
    q, k, v, p = cache
    dv = p.transpose(0, 2, 1) @ dout                    # O = PV: matmul gate
    dp = dout @ v.transpose(0, 2, 1)
    ds = p * (dp - np.sum(dp * p, axis=-1, keepdims=True))   # softmax Jacobian, per row
    ds = ds / np.sqrt(q.shape[-1])                      # S = QKᵀ/√d
    dq = ds @ k                                         # the scores read the queries …
    dk = ds.transpose(0, 2, 1) @ q                      # … and the keys
    return dq, dk, dv

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: central differences on every shape that could go wrong
#
# `check_layer` (notebook 01) compares each gradient with Richardson-refined central
# differences. The shapes: one sequence with one query and one key; more keys than queries
# and fewer; $d = 1$; and a causal mask, with which query $i$ sees keys $0 \dots i$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Ask why $T_q \ne T_k$ matters (a missing transpose in dk or dv only fails then) and
# why $d = 1$ does (the scale $1/\sqrt d$ is then 1: a forgotten scale passes). Show the
# masked-key cell: the zeros are exact, not small.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def qkv(N, Tq, Tk, d, dv, seed):
    """Random q, k (scores of order 1) and v."""
    g = np.random.default_rng(seed)
    return {"q": 0.5 * g.standard_normal((N, Tq, d)), "k": 0.5 * g.standard_normal((N, Tk, d)),
            "v": g.standard_normal((N, Tk, dv))}


causal = np.tril(np.ones((5, 5), dtype=bool))
cases = {"one query, one key": (qkv(1, 1, 1, 1, 1, 0), None),
         "3 queries, 5 keys": (qkv(2, 3, 5, 4, 2, 1), None),
         "5 queries, 2 keys, d = 1": (qkv(2, 5, 2, 1, 3, 2), None),
         "causal mask, 5 × 5": (qkv(2, 5, 5, 3, 3, 3), causal)}
for label, (inputs, mask) in cases.items():
    result = check_layer(attention_forward, attention_backward, {**inputs, "mask": mask},
                         name=f"attention, {label}", verbose=False)
    report(f"attention, {label} (dq, dk, dv)", result.max_error)

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
inputs, mask = cases["causal mask, 5 × 5"]
ours, cache = attention_forward(**inputs, mask=mask)
theirs, cache_ref = L.attention_forward(**inputs, mask=mask)
dout = rng.standard_normal(ours.shape)
agree = max(rel_error(a, b) for a, b in zip(
    (ours, *attention_backward(dout, cache)), (theirs, *L.attention_backward(dout, cache_ref)),
    strict=True))
report("this notebook's attention vs helpers.layers (out, dq, dk, dv)", agree, 1e-12)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A masked key gets no gradient
#
# With the causal mask, put an upstream gradient on query 0 only. Query 0 may look at key 0
# alone, so its weight there is exactly 1 — and a weight that cannot change passes nothing back
# through the scores.

# %% slideshow={"slide_type": "fragment"}
dout_q0 = np.zeros_like(ours)
dout_q0[:, 0] = 1.0
dq, dk, dv = attention_backward(dout_q0, cache)
print(f"largest |dk| on the masked keys 1–4: {np.abs(dk[:, 1:]).max()}\n"
      f"largest |dv| on the masked keys 1–4: {np.abs(dv[:, 1:]).max()}\n"
      f"largest |dq| and |dk| at key 0 (its weight is 1): {np.abs(dq[:, 0]).max()} "
      f"{np.abs(dk[:, 0]).max()}\n"
      f"dv at key 0 equals dout of query 0: {np.allclose(dv[:, 0], dout_q0[:, 0])}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# All exact zeros: the masked keys are out of the graph, and a softmax over a single key is
# the constant 1. The value of key 0 still gets the whole upstream gradient, through $dV$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## An encoder–decoder that reverses a sequence
#
# Sequences of $T = 16$ symbols from an alphabet of $V = 8$; the target is the same sequence
# reversed. The model is four pieces built from `helpers.layers` (row convention, $N$
# sequences, hidden width $H = 32$):
#
# $$
# \begin{aligned}
# \text{encoder: } & h^{enc} = \operatorname{RNN}_{enc}(E[x]),
#   \ h^{enc}_{-1} = 0 && (N, T, H)\\
# \text{decoder: } & h^{dec} = \operatorname{RNN}_{dec}(E[\text{GO}]),
#   \ h^{dec}_{-1} = h^{enc}_{T-1} && (N, T, H)\\
# \text{context: } & c = \operatorname{attention}(h^{dec} W_q + b_q,\ h^{enc},\ h^{enc})
#   \ \ (\text{or } c = 0) && (N, T, H)\\
# \text{readout: } & \text{scores} = [\,h^{dec} \mid c\,]\, W_o + b_o && (N, T, V)
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. The model "without attention" is the same model with the context c fixed at 0: same
# weights, same data, only the path differs. The decoder reads the start symbol GO (an extra
# row of E) at every step and is not fed its own outputs, so training and testing run the same
# computation. $W_q$ lets the decoder phrase its question; attention itself stays
# parameter-free. Ask: "without attention, what does the decoder know about the input?"
# (only $h^{enc}_{15}$: 32 numbers). The next four slides are one piece each, forward and
# backward side by side; then the pieces are put together.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The data

# %% slideshow={"slide_type": "-"}
x_demo, y_demo = reverse_batch(np.random.default_rng(0), 2)
print("input  x:", x_demo[0], "\ntarget y:", y_demo[0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Piece 1: the encoder
#
# Forward: $e_t = E[x_t]$, $h^{enc}_t = \tanh(e_t W_x^{e} + h^{enc}_{t-1} W_h^{e} + b^{e})$.
# Backward: `dh_enc` is what reaches each $h^{enc}_t$ from *outside* the encoder; BPTT
# (notebook 06) adds what step $t + 1$ passes back, and each $de_t$ is scattered into row
# $x_t$ of $dE$ (notebook 09).

# %% slideshow={"slide_type": "-"}
def encoder_forward(P, x):
    """x (N, T) → h_enc (N, T, H): e = E[x], then the encoder RNN from h = 0."""
    e, cache_e = L.embedding_forward(x, P["E"])
    h0 = np.zeros((x.shape[0], P["Wh_e"].shape[0]))
    h_enc, cache_rnn = L.rnn_forward(e, h0, P["Wx_e"], P["Wh_e"], P["b_e"])
    return h_enc, (cache_e, cache_rnn)

# %% slideshow={"slide_type": "-"}
def encoder_backward(dh_enc, cache):
    """dh_enc (N, T, H), from outside the encoder → {E, Wx_e, Wh_e, b_e}."""
    cache_e, cache_rnn = cache
    de, _, dWx_e, dWh_e, db_e = L.rnn_backward(dh_enc, cache_rnn)    # BPTT adds the rest
    return {"E": L.embedding_backward(de, cache_e), "Wx_e": dWx_e, "Wh_e": dWh_e, "b_e": db_e}

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Piece 2: the decoder
#
# Forward: $g_s = E[\text{GO}]$ at every step, $h^{dec}_s = \tanh(g_s W_x^{d} + h^{dec}_{s-1}
# W_h^{d} + b^{d})$ from $h^{dec}_{-1} = h^{enc}_{T-1}$. Backward: BPTT returns
# $dh^{dec}_{-1}$, the gradient of the decoder's start — which **is** $h^{enc}_{T-1}$: the
# only way into the encoder without attention.

# %% slideshow={"slide_type": "-"}
def decoder_forward(P, h_last, T):
    """h_last (N, H), the encoder's last state → h_dec (N, T, H), reading GO every step."""
    go = np.full((h_last.shape[0], T), P["E"].shape[0] - 1)    # GO is the last row of E
    g, cache_g = L.embedding_forward(go, P["E"])
    h_dec, cache_rnn = L.rnn_forward(g, h_last, P["Wx_d"], P["Wh_d"], P["b_d"])
    return h_dec, (cache_g, cache_rnn)

# %% slideshow={"slide_type": "-"}
def decoder_backward(dh_dec, cache):
    """dh_dec (N, T, H) → dh_last (N, H), {E, Wx_d, Wh_d, b_d}."""
    cache_g, cache_rnn = cache
    dg, dh_last, dWx_d, dWh_d, db_d = L.rnn_backward(dh_dec, cache_rnn)
    return dh_last, {"E": L.embedding_backward(dg, cache_g), "Wx_d": dWx_d, "Wh_d": dWh_d,
                     "b_d": db_d}

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Piece 3: the context
#
# Forward: queries $q = h^{dec} W_q + b_q$, then $c = \operatorname{attention}(q, K, V)$ with
# $K = V = h^{enc}$. Backward: the attention backward above gives $dq$, $dK$, $dV$. The
# encoder states are the keys **and** the values — a fork, so their gradients add:
# $dh^{enc} = dK + dV$, one hop from the loss. The query is an affine layer (notebook 03):
# $dh^{dec} = dq\,W_q^\top$, $dW_q = \sum h^{dec\top} dq$. Without attention, $c = 0$ passes
# nothing back.

# %% slideshow={"slide_type": "-"}
def context_forward(P, h_dec, h_enc, attend=True):
    """h_dec, h_enc (N, T, H) → c (N, T, H); attend=False: c = 0."""
    if not attend:
        return np.zeros_like(h_dec), None
    N, T, H = h_dec.shape
    q, cache_q = L.affine_forward(h_dec.reshape(N * T, H), P["Wq"], P["bq"])
    c, cache_att = L.attention_forward(q.reshape(N, T, H), h_enc, h_enc)   # K = V = h_enc
    return c, (cache_q, cache_att)

# %% [markdown] slideshow={"slide_type": "subslide"}
# #### Piece 3, backward
#
# Line by line against the forward: attention (keys and values summed), then the query's
# affine layer; with $c = 0$, zeros of the right shapes.

# %% slideshow={"slide_type": "-"}
def context_backward(dc, cache):
    """dc (N, T, H) → dh_dec (N, T, H) via q, dh_enc = dK + dV (N, T, H), {Wq, bq}."""
    N, T, H = dc.shape
    if cache is None:                                # c = 0 read nothing
        return np.zeros_like(dc), np.zeros_like(dc), {"Wq": np.zeros((H, H)), "bq": np.zeros(H)}
    cache_q, cache_att = cache
    dq, dk, dv = L.attention_backward(dc, cache_att)
    dh_dec, dWq, dbq = L.affine_backward(dq.reshape(N * T, H), cache_q)
    return dh_dec.reshape(N, T, H), dk + dv, {"Wq": dWq, "bq": dbq}   # fork: K and V

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Piece 4: the readout
#
# Forward: $\text{scores} = [\,h^{dec} \mid c\,]\,W_o + b_o$, an affine layer on the two
# side by side. Backward (notebook 03): $[\,dh^{dec} \mid dc\,] = d\text{scores}\,W_o^\top$,
# split back into its two halves of $H$ columns; $dW_o = \sum [\,h^{dec} \mid c\,]^\top
# d\text{scores}$.

# %% slideshow={"slide_type": "-"}
def readout_forward(P, h_dec, c):
    """h_dec, c (N, T, H) → scores (N, T, V) = [h_dec | c]·Wo + bo."""
    N, T, H = h_dec.shape
    feats = np.concatenate([h_dec, c], axis=2).reshape(N * T, 2 * H)
    scores, cache = L.affine_forward(feats, P["Wo"], P["bo"])
    return scores.reshape(N, T, -1), cache

# %% slideshow={"slide_type": "-"}
def readout_backward(dscores, cache):
    """dscores (N, T, V) → dh_dec, dc (N, T, H), {Wo, bo}."""
    N, T, V = dscores.shape
    dfeats, dWo, dbo = L.affine_backward(dscores.reshape(N * T, V), cache)
    dfeats = dfeats.reshape(N, T, 2, -1)                       # the two halves [h_dec | c]
    return dfeats[:, :, 0], dfeats[:, :, 1], {"Wo": dWo, "bo": dbo}

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole forward: the four pieces in order

# %% slideshow={"slide_type": "-"}
def seq2seq_forward(P, x, attend):
    """x (N, T) → scores (N, T, V) and the cache; attend=False fixes the context c at 0."""
    h_enc, cache_enc = encoder_forward(P, x)
    h_dec, cache_dec = decoder_forward(P, h_enc[:, -1], x.shape[1])
    c, cache_ctx = context_forward(P, h_dec, h_enc, attend)
    scores, cache_out = readout_forward(P, h_dec, c)
    return scores, (cache_enc, cache_dec, cache_ctx, cache_out)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole backward: the pieces in reverse, the forks summed
#
# $$
# \begin{aligned}
# dh^{dec} &= \underbrace{[d\text{scores}\,W_o^\top]_{h^{dec}}}_{\text{readout}}
#   + \underbrace{dq\,W_q^\top}_{\text{query}}
#   && h^{dec} \text{ feeds the scores and the query}\\
# dh^{enc}_t &= \underbrace{dK_t + dV_t}_{\text{one hop}}
#   + [t = T{-}1]\, dh^{dec}_{-1}\ \ (+\ \text{BPTT from } t{+}1)
#   && h^{enc}_t \text{ feeds } K, V, \text{the decoder, step } t{+}1\\
# dE &= dE^{\,\text{from } x} + dE^{\,\text{from GO}} && E \text{ feeds both RNNs}
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# #### The whole backward, in code
#
# `shortcut=False` keeps the forward but drops $dK + dV$: the control experiment further on.

# %% slideshow={"slide_type": "-"}
def seq2seq_backward(dscores, cache, shortcut=True):
    """dscores (N, T, V) → every parameter's gradient, and dh_enc (N, T, H) from outside."""
    cache_enc, cache_dec, cache_ctx, cache_out = cache
    dh_dec, dc, grads_out = readout_backward(dscores, cache_out)
    dh_dec_q, dh_enc, grads_ctx = context_backward(dc, cache_ctx)
    dh_enc = dh_enc if shortcut else np.zeros_like(dh_enc)      # the one-hop shortcut, or cut
    dh_last, grads_dec = decoder_backward(dh_dec + dh_dec_q, cache_dec)   # fork: scores, q
    dh_enc[:, -1] += dh_last                          # fork: h_enc[T−1] starts the decoder
    grads_enc = encoder_backward(dh_enc, cache_enc)
    grads = {**grads_out, **grads_ctx, **grads_dec, **grads_enc}
    grads["E"] = grads_enc["E"] + grads_dec["E"]      # fork: E feeds x and GO
    return grads, dh_enc

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole model's gradient, checked
#
# Every parameter of a tiny model ($T = 5$, $H = 6$, $D = 3$, an alphabet of 4) against central
# differences, with and without attention; then our model against `helpers.seq2seq`, which
# trains the models below (and the script that trained ten seeds).

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def tiny_loss(P, x, y, attend):
    """Mean cross-entropy over the N·T outputs, dscores (N, T, V), cache."""
    scores, cache = seq2seq_forward(P, x, attend)
    N, T, V = scores.shape
    loss, dscores = L.softmax_cross_entropy(scores.reshape(N * T, V), y.reshape(-1))
    return loss, dscores.reshape(N, T, V), cache


check_rng = np.random.default_rng(3)
P_tiny = {k: v + 0.1 * check_rng.standard_normal(v.shape)           # biases ≠ 0 too
          for k, v in S.init_seq2seq(check_rng, V=4, D=3, H=6).items()}
x_tiny, y_tiny = reverse_batch(check_rng, 2, 5, 4)
for attend in (True, False):
    _, dscores, cache = tiny_loss(P_tiny, x_tiny, y_tiny, attend)
    grads, _ = seq2seq_backward(dscores, cache)
    worst = 0.0
    for name, value in P_tiny.items():
        def f(p, name=name, attend=attend):
            return tiny_loss({**P_tiny, name: p}, x_tiny, y_tiny, attend)[0]
        num = (4 * numerical_gradient(f, value.copy(), 5e-4)
               - numerical_gradient(f, value.copy(), 1e-3)) / 3     # Richardson
        worst = max(worst, rel_error(grads[name], num))
    report(f"all {len(P_tiny)} parameters, {'with' if attend else 'without'} attention", worst)
    ref_grads, _ = S.seq2seq_backward(dscores, S.seq2seq_forward(P_tiny, x_tiny, attend)[1])
    report(f"this notebook's model vs helpers.seq2seq, {'with' if attend else 'without'}",
           max(rel_error(grads[k], ref_grads[k]) for k in grads), 1e-12)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where the gradient enters the encoder
#
# `dh_enc`, what reaches each encoder state from outside the encoder, for the demo sequence
# under the untrained weights (summed loss over its 16 outputs):

# %% slideshow={"slide_type": "fragment"}
P_start = S.init_seq2seq(np.random.default_rng(0))                 # seed 0's shared start
for attend in (True, False):
    _, dscores, cache = tiny_loss(P_start, x_demo[:1], y_demo[:1], attend)
    _, dh_enc = seq2seq_backward(dscores * T_task, cache)             # one sequence's sum
    norms = np.linalg.norm(dh_enc[0], axis=1)
    print(f"‖dh_enc_t‖ for t = 0…15, {'with' if attend else 'without'} attention:\n  "
          + " ".join(f"{n:.2f}" for n in norms))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Without attention, every encoder state but the last gets exactly nothing from outside: all
# its gradient has to come back through the encoder's recurrence. With attention, every
# $h^{enc}_t$ gets its own share directly.

# %% [markdown] slideshow={"slide_type": "skip"}
# The raw numbers behind every verdict line above (they differ in the last digits from one
# machine to the next, so nbval does not compare them):

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
for name, err in ERRORS.items():
    print(f"{err:8.1e}  {name}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Measured: the gradient each encoder state receives
#
# For one sequence, let $\ell$ be its summed cross-entropy over the 16 outputs. We compute
# $\|\partial \ell/\partial h^{enc}_t\|$ for every $t$ — all paths, the encoder's own
# recurrence included — and take the median over 200 held-out sequences. First at the start
# of training, where both models have **the same weights**: the only difference is the path.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Before showing the plot, ask the room to predict both curves. The point: without
# attention the curve falls as t goes back (the gradient enters at t = 15 only); with attention
# it falls far less. Then the trained models: the plain model's curve still falls; attention's
# still reaches t = 0. Seeds 1–9 come from scripts/train_nb10.py; say so. On "one run is one
# draw", ask: "my seed 0 with attention scores differently from yours — which of us has the
# bug?" (neither: a 1e-15 nudge changes it too; hence ten seeds).

# %% slideshow={"slide_type": "fragment"}
x_test, y_test = reverse_batch(np.random.default_rng(7), 1000)   # held out (seed 7)
start = {kind: S.encoder_gradient_profile(P_start, x_test[:200], y_test[:200], attend)
         for kind, attend in (("attention", True), ("plain", False))}
print("at the start, ‖∂ℓ/∂h_enc_t‖ for t = 0…15 (median of the 200 sequences):")
for kind, prof in start.items():
    print(f"  {kind:9s}: " + " ".join(f"{n:.2f}" for n in prof))
for kind, prof in start.items():
    print(f"at the start, {kind:9s}: ‖∂ℓ/∂h_enc_0‖ / ‖∂ℓ/∂h_enc_15‖ = {prof[0] / prof[-1]:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training, live for seed 0
#
# 600 steps of Adam (notebook 07) on fresh batches of 32 sequences (the same batches for
# every model), the gradient clipped to norm 1 (notebook 06). Each model has its own learning
# rate: the best of four on a validation set, chosen by `scripts/train_nb10.py`, which trained
# seeds 1–9 with the same function (ten seeds do not fit this notebook's time budget).

# %% slideshow={"slide_type": "fragment"}
seeds = S.load_seeds()                                   # scripts/train_nb10.py's results
lr = {kind: float(seeds[f"lr/{kind}"]) for kind in ("attention", "plain")}
trained = {kind: S.train_seq2seq(kind == "attention", seed=0, lr=lr[kind]) for kind in lr}
live_acc = {kind: S.position_accuracy(P, x_test, y_test, kind == "attention")
            for kind, (P, _) in trained.items()}
after = {kind: S.encoder_gradient_profile(P, x_test[:200], y_test[:200], kind == "attention")
         for kind, (P, _) in trained.items()}
acc = live_acc["plain"]
print(f"seed 0, without attention (lr {lr['plain']:g}): {acc.mean():.1%} of 16,000 held-out "
      f"outputs right; last output: {acc[-1]:.1%}\n  matches the file's seed 0 at every output "
      f"(±1 point): {np.allclose(acc, seeds['acc_plain'][0], atol=0.01)}")

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output", "hide-input"]
acc = live_acc["attention"]
gap = np.abs(acc - seeds["acc_attention"][0]).max()
print(f"seed 0, with attention (lr {lr['attention']:g}): {acc.mean():.1%} right; last output: "
      f"{acc[-1]:.1%}\n  largest gap to the file's seed 0 at one output: {100 * gap:.1f} points; "
      f"‖∂ℓ/∂h_enc_0‖ / ‖∂ℓ/∂h_enc_15‖ = {after['attention'][0] / after['attention'][-1]:.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Without attention, this is the file's seed 0 on any computer. With attention, the line
# above (not checked by the tests) repeats the file only on a CPU that rounds like the one that
# wrote it; on yours it may differ, by a little or by several points. Why is next.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One run is one draw: this training amplifies rounding
#
# numpy hands matrix products to a BLAS library, which picks code for your CPU; different code
# adds in a different order, and the results differ in the last bit (about $10^{-16}$ of their
# size). Most computations never notice. Train seed 0 again with the learning rate nudged by
# a few such last bits, one part in $10^{15}$, and compare the weights after 600 steps:

# %% slideshow={"slide_type": "-"}
nudged = {kind: S.train_seq2seq(kind == "attention", seed=0, lr=lr[kind] * (1 + 1e-15))
          for kind in lr}

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def weight_gap(P, P_other):
    """‖P − P_other‖ / ‖P‖, over all the parameters together."""
    diff = sum(np.sum((P[k] - P_other[k]) ** 2) for k in P)
    return np.sqrt(diff / sum(np.sum(P[k] ** 2) for k in P))


gaps = {kind: weight_gap(trained[kind][0], nudged[kind][0]) for kind in lr}
print("after 600 steps, the nudged run's weights differ from the live run's\n"
      f"  with attention: by more than 1 %:    {gaps['attention'] > 1e-2}\n"
      f"  without:        by less than 0.01 %: {gaps['plain'] < 1e-4}")
late = seeds["loss_attention"][:, 400:].max(axis=1)
print(f"in the file, with attention: the loss back above 0.1 after step 400 in "
      f"{np.sum(late > 0.1)} of 10 seeds")

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
acc = S.position_accuracy(nudged["attention"][0], x_test, y_test, True)
loss_gap = {kind: np.abs(nudged[kind][1] - trained[kind][1]) for kind in lr}
print(f"weight gaps: with attention {gaps['attention']:.1e}, without {gaps['plain']:.1e}\n"
      f"nudged run with attention: {acc.mean():.1%} right, last output {acc[-1]:.1%}\n"
      "|Δ loss| with attention at steps 100, 125, 150: "
      + ", ".join(f"{loss_gap['attention'][s - 1]:.0e}" for s in (100, 125, 150)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# #### Where the two runs part

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, (ax_g, ax_s) = plt.subplots(1, 2, figsize=(9, 3.3))
steps = np.arange(1, TRAINING["steps"] + 1)
for kind, colour, label, y_label in (("attention", hp.GRADIENT, "with attention", 1e1),
                                     ("plain", hp.FORWARD, "without", 1e-15)):
    ax_g.plot(steps, np.maximum(np.abs(nudged[kind][1] - trained[kind][1]), 1e-17),
              color=colour, lw=1.2)
    ax_g.text(420, y_label, label, color=colour, ha="center", fontsize=11)
ax_g.set(yscale="log", ylim=(1e-17, 1e3), xlabel="training step",
         ylabel="|loss − nudged run's loss|", title="Two runs, lr differing by 1 in 10¹⁵")
for losses, style, label in ((trained["attention"][1], "-", "live run"),
                             (nudged["attention"][1], ":", "nudged run")):
    ax_s.plot(steps, losses, style, color=hp.GRADIENT, lw=1.2, label=label)
ax_s.set(yscale="log", xlabel="training step", ylabel="training loss",
         title="With attention: the two runs' losses")
ax_s.legend(loc="lower left", fontsize=10)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice the left panel. Without attention (blue) the two runs stay together to the end. With
# attention (orange) the gap sits at the rounding level at first, then shoots up by many
# orders of magnitude just as the loss falls fastest (right), until the two runs are two
# different trainings. And at this rate the attention model's loss keeps jumping back up late
# in training (right; in the file, after step 400 in 7 of 10 seeds), so where step 600 falls
# decides the final score. One run is one draw: that is why the comparisons from here on use
# ten seeds.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The gradient after training

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print("after training, ‖∂ℓ/∂h_enc_0‖ / ‖∂ℓ/∂h_enc_15‖ over the 10 seeds of the file:")
for kind in ("attention", "plain"):
    ratio = seeds[f"grad_trained_{kind}"][:, 0] / seeds[f"grad_trained_{kind}"][:, -1]
    print(f"  {kind:9s}: {ratio.min():.3f} … {ratio.max():.3f}")
print(f"the live seed 0 without attention: {after['plain'][0] / after['plain'][-1]:.3f} "
      "(with attention: one draw, printed above)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The gradient reaching each encoder state, ten seeds

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.3), sharey=True)
t_axis = np.arange(T_task)
for ax, stage, live in ((axes[0], "init", start), (axes[1], "trained", after)):
    for kind, colour in (("attention", hp.GRADIENT), ("plain", hp.FORWARD)):
        curves = seeds[f"grad_{stage}_{kind}"]
        curves = curves / curves[:, -1:]                    # relative to h_enc_15
        ax.plot(t_axis, curves[1:].T, color=colour, lw=0.8, alpha=0.35)
        label = "with attention" if kind == "attention" else "without attention"
        ax.plot(t_axis, live[kind] / live[kind][-1], "o-", color=colour, lw=2, ms=4,
                label=f"{label} (seed 0; thin: seeds 1–9)")
    ax.set_yscale("log")
    ax.set_xlabel("encoder position t")
axes[0].set_ylabel("‖∂ℓ/∂h_enc,t‖ ÷ ‖∂ℓ/∂h_enc,15‖")
axes[0].set_title("At the start (same weights)")
axes[1].set_title("After 600 steps")
axes[1].legend(loc="lower right", fontsize=10)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice the slope. Without attention (blue) the gradient fades as it travels back from
# $t = 15$: the ratio $\|\partial \ell/\partial h^{enc}_0\| / \|\partial \ell/\partial
# h^{enc}_{15}\|$ is 0.023 at the start and 0.050 to 0.125 after training (printed above,
# over the ten seeds). With attention (orange) it falls far less at the start (0.436): from
# $t = 0$ to $10$ the norms stay between 0.34 and 0.39 (printed above) — the one-hop path
# holds the curve up. After training the ratio is 0.767 to 2.330: the far end is no longer
# starved.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Measured: what each model learns
#
# Accuracy on the 1,000 held-out sequences, output by output, for all ten seeds (mean over
# the seeds, their range, and the median for the last output), and the training loss.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Read the right plot from left to right: output s copies input 15 − s, so the
# x axis is also "how far back the answer lies". Without attention the first outputs (close to
# the end of the input) are right and the last ones are at chance; with attention every
# position is learned. Then ask: "is that the gradient's shortcut?" — and say that this plot
# alone cannot tell: the next section is the answer.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def summary(name, label):
    """One line: mean accuracy over the seeds, their range, the last output's median."""
    per_seed = seeds[f"acc_{name}"].mean(axis=1)
    print(f"{label:23s} (lr {float(seeds[f'lr/{name}']):g}): {per_seed.mean():.1%} (seeds "
          f"{per_seed.min():.1%} … "
          f"{per_seed.max():.1%}); last output {np.median(seeds[f'acc_{name}'][:, -1]):.1%}")


summary("attention", "with attention")
summary("plain", "without")
for kind in ("attention", "plain"):
    print(f"final training loss, {kind:9s}: "
          f"{np.median(seeds[f'loss_{kind}'][:, -50:].mean(1)):.3f} (median, last 50 steps)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and accuracy, ten seeds

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def accuracy_curve(ax, name, colour, style, label):
    """Median accuracy by output over the seeds, and their range as a band."""
    acc = seeds[f"acc_{name}"]
    ax.fill_between(t_axis, acc.min(0), acc.max(0), color=colour, alpha=0.1, lw=0)
    ax.plot(t_axis, np.median(acc, 0), style, color=colour, ms=4, lw=1.8, label=label)


def accuracy_axes(ax, title):
    ax.axhline(1 / TASK["V"], color=hp.NEUTRAL, ls=":", lw=1.2)
    ax.text(15, 1 / TASK["V"] - 0.03, "chance", ha="right", va="top", fontsize=10,
            color=hp.NEUTRAL)
    ax.set(xlabel="output s (copies input 15 − s)", ylabel="accuracy", ylim=(0, 1.05),
           title=title)


fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(9, 3.3))
steps = np.arange(1, TRAINING["steps"] + 1)
for kind, colour, label in (("attention", hp.GRADIENT, "with attention"),
                            ("plain", hp.FORWARD, "without")):
    losses = seeds[f"loss_{kind}"]
    ax_l.fill_between(steps, losses.min(0), losses.max(0), color=colour, alpha=0.2, lw=0)
    ax_l.plot(steps, np.median(losses, 0), color=colour, lw=2, label=label)
    accuracy_curve(ax_a, kind, colour, "o-" if kind == "attention" else "s-", label)
ax_l.set(yscale="log", xlabel="training step", ylabel="training loss",
         title="Loss (median, range of 10 seeds)")
ax_l.legend(loc="lower left", fontsize=10)
ax_a.legend(loc="lower left", fontsize=10)
accuracy_axes(ax_a, "Accuracy by output (median, range)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice where the plain model fails: its first outputs copy the last inputs, a few hops away,
# and are right; its last outputs copy the first inputs, 31 hops away, and sit at chance
# (dotted). With attention (orange) every output is right in nearly every seed (98.4 % overall
# at worst), and the final training loss is far lower (0.002 against 0.943).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Two causes, pulled apart
#
# Without attention two things are missing at once. **Information**: the decoder sees the
# input only through $h^{enc}_{15}$, 32 numbers. **Gradient**: the loss of output $s$ reaches
# the state it copies only through $2s + 1$ Jacobians. Attention restores both, so the
# comparison above cannot say which one mattered. Three controls, ten seeds each, each with its
# own learning rate (the best of four on the validation set):
#
# - **longer**: without attention, 4 × the steps (2,400) — is it only slower?
# - **wider**: without attention, a state of 128 numbers — more room, the same long path;
# - **cut**: with attention, but $dK + dV$ dropped (`shortcut=False`) — every encoder state
#   in reach, yet the encoder learns only through $h^{enc}_{15}$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. This is the honest part of the lecture. Ask the room to predict each control before
# showing the table. The wider model's gradient fades just like the narrow one's at the start
# (printed), so whatever it gains is room, not a shorter path. The cut model reads every
# encoder state but its encoder is trained only from the far end, so whatever it lacks is the
# one-hop gradient. Say both conclusions plainly: on this task most of the gap is the
# bottleneck, and the shortcut's gradient is what finishes the job at the far end.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
summary("attention", "with attention")
summary("cut", "attention, dK + dV cut")
summary("plain_wide", "without, 128 numbers")
summary("plain_long", "without, 4 × the steps")
summary("plain", "without")
i_cut = int(np.flatnonzero(seeds["lr_grid"] == seeds["lr/cut"])[0])     # the cut model's rate
print(f"validation loss at lr {seeds['lr_grid'][i_cut]:g}: with attention "
      f"{seeds['lr_grid/attention'][i_cut]:.3f}, cut {seeds['lr_grid/cut'][i_cut]:.3f}")
fade = {name: seeds[f"grad_init_{name}"][:, 0] / seeds[f"grad_init_{name}"][:, -1]
        for name in ("plain", "plain_wide")}
print(f"at the start, without attention, ‖∂ℓ/∂h_enc_0‖ / ‖∂ℓ/∂h_enc_15‖ (median of 10 seeds):"
      f"\n  32 numbers {np.median(fade['plain']):.3f}, 128 numbers "
      f"{np.median(fade['plain_wide']):.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The cut model, live for seed 0
#
# The same training function, with the keys' and values' gradient dropped:

# %% slideshow={"slide_type": "-"}
P_cut, _ = S.train_seq2seq(True, seed=0, lr=float(seeds["lr/cut"]), shortcut=False)
acc_cut = S.position_accuracy(P_cut, x_test, y_test, True)
print(f"seed 0, cut: {acc_cut.mean():.1%} right (the file's seed 0: "
      f"{seeds['acc_cut'][0].mean():.1%}); last output {acc_cut[-1]:.1%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Accuracy by output, with the controls

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, ax = plt.subplots(figsize=(9, 3.6))
for name, colour, style, label in (
        ("attention", hp.GRADIENT, "o-", "with attention"),
        ("cut", hp.GRADIENT, "^--", "attention, dK + dV cut"),
        ("plain_wide", hp.FORWARD, "d-.", "without, 128 numbers"),
        ("plain_long", hp.FORWARD, "v--", "without, 4 × the steps"),
        ("plain", hp.FORWARD, "s-", "without")):
    accuracy_curve(ax, name, colour, style, label)
accuracy_axes(ax, "Accuracy by output, 10 seeds (median, range)")
ax.legend(loc="lower left", fontsize=10, ncol=2)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the controls say
#
# Two conclusions, each from a control that changes one thing:
#
# - **The bottleneck is real.** A 128-number state — whose gradient fades as steeply at the
#   start (0.019 against 0.022) — lifts the plain model from 67.4 % to 89.7 % and holds its far
#   end at 81.8 %: room, not a shorter path, is what the narrow model lacked most. Four times
#   the steps reach 88.3 % too, but the far end stays at 45.0 %.
# - **The shortcut is real too.** Reading every encoder state without the one-hop gradient
#   (cut) gets 88.9 % — and fails where the path back is longest: last output 47.7 %, against
#   100.0 % with the gradient (at the cut model's own rate, 0.003, the full model's validation
#   loss is 0.004 against 0.590: not a matter of tuning). The far encoder states become easy
#   to find and read only when the gradient reaches them in one hop.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Explore it: where does output $s$ look, and where does its gradient land?
#
# Pick one of eight inputs and a decoder step $s$. Left: the attention weights of the trained
# seed-0 model (row $s$ outlined). Right: the gradient of output $s$'s loss at each encoder
# state, with attention (bars: all paths; dots: the one hop attention hands over) and without
# (squares), each divided by its own largest value. Switch to the untrained models to see the
# shortcut before any learning.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Demo: step s = 0 then s = 15 with the trained models (the anti-diagonal; the dots
# jump to t = 15 − s). Then "untrained": the weights are nearly uniform, the one-hop dots are
# level across all t, and the plain model's squares fall from t = 15. Ask: "why do the bars
# stay high for t below the attended position?" (the attended state depends on all earlier
# inputs: the encoder recurrence carries the gradient on).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
models = {kind: P for kind, (P, _) in trained.items()}
attention_explorer(models)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The explorer's opening state

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
shown = encoder_gradients(0, 8, models=models)
print(f"output 8 looks at t = {shown['weights'][8].argmax()}, its one-hop gradient peaks at "
      f"t = {shown['direct'].argmax()}; plain: t = 0 gets "
      f"{shown['plain'][0] / shown['plain'][-1]:.1%} of t = 15's")
attention_explorer_figure(models=models)  # the default state, for where widgets do not render

# %% [markdown] slideshow={"slide_type": "fragment"}
# Output 8 copies input 7: the weights form the anti-diagonal; with attention the one-hop
# gradient lands on $t = 7$ and flows on, weaker, into earlier states; without, it enters at
# $t = 15$ and fades to 4.4 % at $t = 0$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Three exercises: a warm-up, the build-it exercise of this notebook, and an optional stretch.
# Edit the stub, run the cell; the checker prints ✓ or a hint.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 40 min in class (5 + 25, the stretch at home). Walk around during exercise 2: the most
# common slips are the missing 1/√d (the checker names it) and dk without the transpose.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: a causal mask (≈ 5 min)
#
# Write `causal_mask(T)`: a boolean array of shape $(T, T)$, True where query $i$ may attend to
# key $j$, i.e. where $j \le i$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def causal_mask(T):
    """T → a boolean array (T, T), True where j ≤ i."""
    # TODO: one line
    return None


_ = check_causal_mask(causal_mask)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def causal_mask(T):
#     """T → a boolean array (T, T), True where j ≤ i."""
#     return np.tril(np.ones((T, T), dtype=bool))
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — build it: the attention backward (≈ 25 min)
#
# From an empty body, write `attention_backward(dout, cache)` for a batch: `cache` is
# `(q, k, v, p)` with $q$ $(N, T_q, d)$, $k$ $(N, T_k, d)$, $v$ $(N, T_k, d_v)$ and the weights
# $p$ $(N, T_q, T_k)$ (zeros where a mask forbade). Return `dq, dk, dv`, without
# `helpers.layers` — the checker tries a causal batch and a non-square one. Work from the
# derivation slide, not from the implementation above: that is the skill.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def attention_backward(dout, cache):
    """dout (N, Tq, dv), cache (q, k, v, p) → dq (N, Tq, d), dk (N, Tk, d), dv (N, Tk, dv)."""
    # TODO: through out = p·v: dv, and dp
    # TODO: through the softmax of each row: ds from dp and p
    # TODO: through s = q·kᵀ/√d: dq and dk
    return None


_ = check_attention_backward(attention_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def attention_backward(dout, cache):
#     """dout (N, Tq, dv), cache (q, k, v, p) → dq (N, Tq, d), dk (N, Tk, d), dv (N, Tk, dv)."""
#     q, k, v, p = cache
#     dv = p.transpose(0, 2, 1) @ dout
#     dp = dout @ v.transpose(0, 2, 1)
#     ds = p * (dp - np.sum(dp * p, axis=-1, keepdims=True)) / np.sqrt(q.shape[-1])
#     return ds @ k, ds.transpose(0, 2, 1) @ q, dv
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — stretch: a self-attention layer (≈ 20 min)
#
# Self-attention makes queries, keys and values from **one** input: $q = xW_q$, $k = xW_k$,
# $v = xW_v$, then `attention_forward(q, k, v, mask)` — `self_attention_forward` in
# `helpers.exercises.nb10` does exactly this and caches `(x, Wq, Wk, Wv, att_cache)`.
# Write its backward: return `dx, dWq, dWk, dWv` for $x$ $(N, T, D)$. (Here you may use your
# `attention_backward` or the one in `helpers.layers`.)

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def self_attention_backward(dout, cache):
    """dout (N, T, dv), cache (x, Wq, Wk, Wv, att_cache) → dx (N, T, D), dWq, dWk (D, d),
    dWv (D, dv)."""
    # TODO: the attention backward gives dq, dk, dv
    # TODO: x feeds three matmuls: what does a fork do with the three gradients?
    # TODO: each W is used by every sequence and position
    return None


_ = check_self_attention_backward(self_attention_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def self_attention_backward(dout, cache):
#     """dout (N, T, dv), cache (x, Wq, Wk, Wv, att_cache) → dx (N, T, D), dWq, dWk (D, d),
#     dWv (D, dv)."""
#     x, Wq, Wk, Wv, att_cache = cache
#     dq, dk, dv = L.attention_backward(dout, att_cache)
#     dx = dq @ Wq.T + dk @ Wk.T + dv @ Wv.T          # x is forked into three paths
#     X = x.reshape(-1, x.shape[-1])                    # every sequence and position: one row
#     dWq, dWk, dWv = (X.T @ d.reshape(-1, d.shape[-1]) for d in (dq, dk, dv))
#     return dx, dWq, dWk, dWv
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - Attention is compare, normalise, average: $\operatorname{softmax}(QK^\top/\sqrt d)\,V$,
#   with no parameters of its own.
# - Its backward: $dV = P^\top dO$; $dP = dO\,V^\top$; per row
#   $ds = p \odot (dp - dp\cdot p)$, the softmax Jacobian $\operatorname{diag}(p) - pp^\top$
#   multiplied out; then $dQ = dS\,K/\sqrt d$ and $dK = dS^\top Q/\sqrt d$ — the scores send
#   gradient to queries **and** keys.
# - $1/\sqrt d$ keeps the scores' spread at 1, so the softmax is not saturated; a masked key has
#   $p = 0$ and so gets no gradient, with no extra code.
# - A model's backward is its pieces' backwards in reverse order, with the gradients **summed**
#   wherever a value forks (h_dec → scores and query; h_enc → keys, values, decoder start).
# - In an encoder–decoder, attention gives every encoder state a one-hop path from every output:
#   the gradient no longer fades with distance. It also lifts the 32-number bottleneck; the
#   controls show both matter here — reading every state does most of the work, the one-hop
#   gradient finishes the far end.
#
# Next: [11 — Capstone: a character-level LSTM language model by hand](11_capstone_char_lstm.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Ask each person for the one line of the backward they would most likely get wrong,
# then show it on the derivation slide. Point ahead: transformers use this very layer, with
# $W_q$, $W_k$, $W_v$ around it (exercise 3), and no recurrence at all.

# %% slideshow={"slide_type": "skip"}
_ = progress("10")
