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
# one-hop path from the loss, and the model learns what a plain RNN cannot in the same time.
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/10_attention.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/10_attention.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. This lecture has two halves: the attention backward pass (derive, code, check), then
# an experiment that shows why it matters for gradients. Everything runs on a laptop in well
# under a minute; the ten-seed results come from a script in the repository.

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
# - Measure, in an encoder–decoder RNN, the gradient each encoder state receives with and
#   without attention, and the accuracy each model reaches, over ten seeds.
#
# ## Prerequisites
#
# - [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb): the
#   softmax Jacobian $\operatorname{diag}(p) - pp^\top$.
# - [06 — Backpropagation through time](06_backprop_through_time.ipynb): every step back through
#   an RNN multiplies the gradient by a Jacobian, so long paths fade.
# - [07 — LSTM and GRU backprop](07_lstm_and_gru.ipynb): a shorter path (the cell line) keeps
#   the gradient alive; Adam, which trains the models here.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dX = dD\,W^\top$,
#   $dW = X^\top dD$.

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
import inspect
import time

import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as L
import helpers.plotting as hp
from helpers.exercises._check import progress
from helpers.exercises.nb10 import (check_attention_backward, check_causal_mask,
                                    check_self_attention_backward, self_attention_forward)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error, verdict
from helpers.widgets.attention_explorer import (TASK, TRAINING, attention_explorer,
                                                attention_explorer_figure, encoder_gradient_profile,
                                                encoder_gradients,
                                                init_seq2seq, load_seeds, position_accuracy,
                                                reverse_batch, seq2seq_backward, seq2seq_forward,
                                                train_seq2seq)

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
# weighted average of *all* encoder states — one hop away.

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
# P &= \operatorname{softmax}(S) \text{ row by row} && p_{ij} = e^{s_{ij}} / \textstyle\sum_{j'} e^{s_{ij'}}\\
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
print("largest |dk| on the masked keys 1–4:", np.abs(dk[:, 1:]).max())
print("largest |dv| on the masked keys 1–4:", np.abs(dv[:, 1:]).max())
print("largest |dq| and |dk| at key 0 (its weight is 1):", np.abs(dq[:, 0]).max(),
      np.abs(dk[:, 0]).max())
print("dv at key 0 equals dout of query 0:", np.allclose(dv[:, 0], dout_q0[:, 0]))

# %% [markdown] slideshow={"slide_type": "fragment"}
# All exact zeros: the masked keys are out of the graph, and a softmax over a single key is
# the constant 1. The value of key 0 still gets the whole upstream gradient, through $dV$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## An encoder–decoder that reverses a sequence
#
# Sequences of $T = 16$ symbols from an alphabet of 8, target: the same sequence reversed.
# The model is built from `helpers.layers` only (row convention, $N$ sequences):
#
# $$
# \begin{aligned}
# h^{enc} &= \operatorname{RNN}_{enc}(E[x]),\ h_{-1} = 0 && (N, T, H)\\
# h^{dec} &= \operatorname{RNN}_{dec}(E[\text{GO}] \text{ at every step}),\ h_{-1} = h^{enc}_{T-1} && (N, T, H)\\
# c &= \operatorname{attention}(h^{dec} W_q + b_q,\ h^{enc},\ h^{enc}) \quad (\text{or } c = 0) && (N, T, H)\\
# \text{scores} &= [\,h^{dec} \mid c\,]\, W_o + b_o,\ \text{softmax cross-entropy} && (N, T, 8)
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. The model "without attention" is the same model with the context c fixed at 0: same
# weights, same data, only the path differs. The decoder reads the start symbol GO at every step
# (it is not fed its own outputs), so training and testing run the same computation. $W_q$ lets
# the decoder phrase its question; attention itself stays parameter-free. H = 32, D = 16.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The data, and where the gradient enters the encoder
#
# The model's code is `seq2seq_forward` / `seq2seq_backward` in
# `helpers.widgets.attention_explorer` (`seq2seq_backward??` shows all of it). The lines that
# matter here — where the encoder states collect their gradient:

# %% slideshow={"slide_type": "fragment"}
x_demo, y_demo = reverse_batch(np.random.default_rng(0), 2)
print("input  x:", x_demo[0], "\ntarget y:", y_demo[0])
backward_lines = inspect.getsource(seq2seq_backward).splitlines()
first = next(i for i, line in enumerate(backward_lines) if "dh_dec, dh_enc =" in line)
print("\n".join(line[4:] for line in backward_lines[first:first + 9]))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Without attention, `dh_enc` is zero except at $t = T - 1$, where the decoder's $dh_0$
# arrives. With attention, every $h^{enc}_t$ gets `dk + dv` directly.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole model's gradient, checked
#
# Before trusting any measurement: every parameter of a tiny model ($T = 5$, $H = 5$, an
# alphabet of 4) against central differences, with and without attention.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def tiny_loss(P, x, y, attend):
    scores, cache = seq2seq_forward(P, x, attend)
    loss, dscores = L.softmax_cross_entropy(scores.reshape(-1, 4), y.reshape(-1))
    return loss, dscores, cache


check_rng = np.random.default_rng(3)
P_tiny = {k: v + 0.1 * check_rng.standard_normal(v.shape)
          for k, v in init_seq2seq(check_rng, V=4, D=3, H=5).items()}
x_tiny, y_tiny = reverse_batch(check_rng, 3, 5, 4)
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
    report(f"all 11 parameters, {'with' if attend else 'without'} attention", worst)

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
# it stays flat. Then the trained models: the plain model's curve still falls; attention's
# still reaches t = 0. Seeds 1–9 come from scripts/train_nb10.py; say so.

# %% slideshow={"slide_type": "fragment"}
x_test, y_test = reverse_batch(np.random.default_rng(7), 1000)   # held out (seed 7)
P_start = init_seq2seq(np.random.default_rng(0))                 # seed 0's shared start
start = {kind: encoder_gradient_profile(P_start, x_test[:200], y_test[:200], attend)
         for kind, attend in (("attention", True), ("plain", False))}
for kind, prof in start.items():
    print(f"at the start, {kind:9s}: ‖∂ℓ/∂h_enc_0‖ / ‖∂ℓ/∂h_enc_15‖ = {prof[0] / prof[-1]:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training, live for seed 0
#
# Both models, 600 steps of Adam on fresh batches of 32 sequences (the same batches for
# both), each gradient entry clipped to $[-1, 1]$ as in notebook 07. Seeds 1–9 were trained by
# `scripts/train_nb10.py` with the same function and are loaded from
# `helpers/data/nb10_seeds.npz` (ten seeds do not fit this notebook's time budget).

# %% slideshow={"slide_type": "fragment"}
t0 = time.process_time()
trained = {"attention": train_seq2seq(True, seed=0), "plain": train_seq2seq(False, seed=0)}
train_cpu = time.process_time() - t0
live_acc = {kind: position_accuracy(P, x_test, y_test, kind == "attention")
            for kind, (P, _) in trained.items()}
for kind, acc in live_acc.items():
    print(f"seed 0, {kind:9s}: {acc.mean():.1%} of 16,000 held-out outputs right; "
          f"last output: {acc[-1]:.1%}")

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output"]
print(f"training both models took {train_cpu:.1f} s of CPU on this machine")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Seed 0 against the file, and the gradient after training

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
seeds = load_seeds()                                   # scripts/train_nb10.py's ten seeds
same = all(np.allclose(live_acc[k], seeds[f"acc_{k}"][0], atol=0.01) for k in live_acc)
print(f"the live seed 0 matches the file's seed 0 at every output (±1 point): {same}")
after = {kind: encoder_gradient_profile(P, x_test[:200], y_test[:200], kind == "attention")
         for kind, (P, _) in trained.items()}
for kind in ("attention", "plain"):
    ratio = seeds[f"grad_trained_{kind}"][:, 0] / seeds[f"grad_trained_{kind}"][:, -1]
    print(f"after training, {kind:9s}: ‖∂ℓ/∂h_enc_0‖ / ‖∂ℓ/∂h_enc_15‖ = "
          f"{after[kind][0] / after[kind][-1]:.3f}\n"
          f"      over the 10 seeds of the file: {ratio.min():.3f} … {ratio.max():.3f}")

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
# $t = 15$: $h^{enc}_0$ gets 2 % of what $h^{enc}_{15}$ gets at the start, and 5–10 % after
# training (printed above, for every seed). With attention (orange) the fall is far smaller
# at the start (to 44 %: beyond the last few steps, the one-hop path holds the curve up) and,
# after training, $h^{enc}_0$ gets 0.8 to 4.6 times what $h^{enc}_{15}$ gets: the far end is
# no longer starved.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Measured: what each model learns
#
# Accuracy on the 1,000 held-out sequences, output by output, for all ten seeds (mean over
# the seeds, their range, and the median for the last output). The plain model also gets a
# second chance: four times as many steps (2,400).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Read the right plot from left to right: output s copies input 15 − s, so the
# x axis is also "how far back the answer lies". Without attention the first outputs (close to
# the end of the input) are right and the last ones are at chance; with attention every
# position is learned. Be honest about the second cause: without attention the whole input must
# fit through one 32-number state; the gradient is why it is learned slowly and from the end.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
runs = {"with attention": "acc_attention", "without": "acc_plain",
        "without, 4× the steps": "acc_plain_long"}
for label, key in runs.items():
    per_seed = seeds[key].mean(axis=1)
    print(f"{label:22s}: {per_seed.mean():.1%} (seeds {per_seed.min():.1%} … "
          f"{per_seed.max():.1%}); last output {np.median(seeds[key][:, -1]):.1%}")
for kind in ("attention", "plain"):
    print(f"final training loss, {kind:9s}: "
          f"{np.median(seeds[f'loss_{kind}'][:, -50:].mean(1)):.3f} (median, last 50 steps)")
pairs = [f"{a:.2f}/{b:.2f}" for a, b in zip(seeds["acc_attention"].mean(1),
                                            seeds["acc_plain"].mean(1), strict=True)]
print("per seed, with / without attention:", "  ".join(pairs[:5]))
print("                                    ", "  ".join(pairs[5:]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and accuracy, ten seeds

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, (ax_l, ax_a) = plt.subplots(1, 2, figsize=(9, 3.3))
steps = np.arange(1, TRAINING["steps"] + 1)
for kind, colour, label in (("attention", hp.GRADIENT, "with attention"),
                            ("plain", hp.FORWARD, "without")):
    losses = seeds[f"loss_{kind}"]
    ax_l.fill_between(steps, losses.min(0), losses.max(0), color=colour, alpha=0.2, lw=0)
    ax_l.plot(steps, np.median(losses, 0), color=colour, lw=2, label=label)
ax_l.set(yscale="log", xlabel="training step", ylabel="training loss",
         title="Loss (median, range of 10 seeds)")
ax_l.legend(loc="lower left", fontsize=10)
for (label, key), colour, style in zip(runs.items(), (hp.GRADIENT, hp.FORWARD, hp.FORWARD),
                                      ("o-", "s-", "s--"), strict=True):
    acc = seeds[key]
    ax_a.fill_between(t_axis, acc.min(0), acc.max(0), color=colour, alpha=0.15, lw=0)
    ax_a.plot(t_axis, np.median(acc, 0), style, color=colour, ms=3, lw=1.8, label=label)
ax_a.axhline(1 / TASK["V"], color=hp.NEUTRAL, ls=":", lw=1.2)
ax_a.text(0, 1 / TASK["V"] + 0.02, "chance", ha="left", fontsize=10, color=hp.NEUTRAL)
ax_a.legend(loc="lower left", bbox_to_anchor=(0.0, 0.14), fontsize=10)
ax_a.set(xlabel="output s (copies input 15 − s)", ylabel="accuracy", ylim=(0, 1.05),
         title="Accuracy by output (median, range)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice where the plain model fails: its first outputs copy the last inputs, a few hops away,
# and are right; its last outputs copy the first inputs, 31 hops away, and sit at chance
# (dotted). Given four times the steps (dashed) it climbs, from the near end first, yet stays
# below attention at 600 steps (89.4 % against 98.2 %, printed above). With attention
# (orange) every output is mostly right in every seed (no seed below 92.7 % overall), and the
# final training loss is more than an order of magnitude lower (0.036 against 0.992).

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
print(f"input 0, output 8: largest weight on t = {shown['weights'][8].argmax()}, "
      f"largest one-hop gradient at t = {shown['direct'].argmax()}")
attention_explorer_figure(models=models)  # the default state, for where widgets do not render

# %% [markdown] slideshow={"slide_type": "fragment"}
# The explorer's opening state: input 0, step 8 (output 8 copies input 7). The weights form the
# anti-diagonal, and with attention the largest one-hop gradient lands on $t = 7$ and flows on
# into the states before it; without attention the gradient enters at $t = 15$ and fades.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Three exercises: a warm-up, the build-it exercise of this notebook, and an optional stretch.
# Edit the stub, run the cell; the checker prints ✓ or a hint.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 40 min in class (5 + 25, the stretch at home). Walk around during exercise 2: the most
# common slips are the missing 1/√d (the checker names it) and dk without the transpose.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — a causal mask (≈ 5 min)
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
# `helpers.layers` — the checker tries a causal batch and a non-square one.

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
# ### Exercise 3 (stretch) — a self-attention layer (≈ 20 min)
#
# Self-attention makes queries, keys and values from **one** input: $q = xW_q$, $k = xW_k$,
# $v = xW_v$, then `attention_forward(q, k, v, mask)` — `self_attention_forward` in
# `helpers.exercises.nb10` does exactly this and caches `(x, Wq, Wk, Wv, attention_cache)`.
# Write its backward: return `dx, dWq, dWk, dWv` for $x$ $(N, T, D)$. (Here you may use your
# `attention_backward` or the one in `helpers.layers`.)

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def self_attention_backward(dout, cache):
    """dout (N, T, dv), cache (x, Wq, Wk, Wv, att_cache) → dx (N, T, D), dWq, dWk, dWv."""
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
#     """dout (N, T, dv), cache (x, Wq, Wk, Wv, att_cache) → dx (N, T, D), dWq, dWk, dWv."""
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
# - In an encoder–decoder, attention gives every encoder state a one-hop path from every output:
#   the gradient no longer fades with distance, and the reversal is learned at every position.
#
# Next: [11 — Capstone: a character-level LSTM language model by hand](11_capstone_char_lstm.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Ask each person for the one line of the backward they would most likely get wrong,
# then show it on the derivation slide. Point ahead: transformers use this very layer, with
# $W_q$, $W_k$, $W_v$ around it (exercise 3), and no recurrence at all.

# %% slideshow={"slide_type": "skip"}
_ = progress("10")
