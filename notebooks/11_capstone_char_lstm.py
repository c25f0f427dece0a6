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
# # 11 — Capstone: a character-level LSTM language model by hand
#
# By the end you will have trained a language model on Shakespeare's sonnets in under a minute,
# with every gradient in it derived and checked by you — embedding, LSTM, affine and softmax
# cross-entropy, truncated BPTT, clipping and the optimizer — and made it write verse.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/11_capstone_char_lstm.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/11_capstone_char_lstm.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. The capstone: nothing new is derived here; every layer comes from notebooks 02–07.
# Say what the room will see at the end — a model that writes pseudo-sonnets after half a
# minute of training — and that every gradient in it will have been checked. Start the training
# cell early if you present live: it takes about half a minute.

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
# - Assemble embedding → LSTM → affine → softmax cross-entropy into a language model that reads
#   a chunk of text, and derive its whole backward pass from the layer pairs.
# - Check that backward pass against numerical gradients on a tiny model.
# - Train it with truncated BPTT that carries the state $(h, c)$ from chunk to chunk,
#   gradient-norm clipping and SGD with momentum written here, and beat the unigram baseline on
#   sonnets the model never saw.
# - Watch where the gradients go (each gate's share) and what clipping does, then sample with a
#   temperature.
#
# ## Prerequisites
#
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb):
#   softmax cross-entropy and its gradient $(p - y)/N$.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): the affine layer.
# - [06 — Backpropagation through time](06_backprop_through_time.ipynb): BPTT, clipping,
#   truncated BPTT.
# - [07 — LSTM and GRU backprop](07_lstm_and_gru.ipynb): the LSTM step backward, gate by gate.
# - [09 — Embeddings and weight tying](09_embeddings_and_weight_tying.ipynb): the embedding
#   lookup and its scatter-add backward.
#
# The notebook just before, [10 — Attention as a gradient shortcut](10_attention.ipynb), is not
# needed here.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **language model (언어 모델)**: a model of $p(x_{t+1} \mid x_1, \dots, x_t)$, the next
#   symbol given everything before it; here the symbols are characters: a **character-level
#   (문자 단위)** model.
# - **vocabulary (어휘)**: the $V$ symbols the model knows; **embedding (임베딩)**: a learned
#   vector per symbol, one row of $W_\text{embed}$.
# - **cross-entropy (교차 엔트로피)**: the mean of $-\log p(\text{true next character})$, in
#   nats; **perplexity (퍼플렉서티)** $= e^{\text{loss}}$, the number of equally likely choices
#   that loss corresponds to.
# - **unigram baseline (유니그램 기준선)**: predict every character by its frequency, ignoring
#   the past.
# - **truncated BPTT (잘린 BPTT)**, **gradient clipping (기울기 클리핑)** and **momentum
#   (모멘텀)**: how the model is trained; **validation loss (검증 손실)**: the loss on text held
#   out from training.
# - **sampling (샘플링)** with a **temperature (온도)** $\tau$: drawing the next character from
#   $\operatorname{softmax}(s/\tau)$.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import re
import time

import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as layers
import helpers.plotting as hp
from helpers.corpora import read_text
from helpers.exercises._check import progress
from helpers.exercises.nb11 import (check_stacked_backward, check_temperature_softmax,
                                    check_top_k_probs)
from helpers.gradcheck import numerical_gradient_array, rel_error, verdict
from helpers.widgets.sampling_explorer import (sample_text, sampling_explorer,
                                               sampling_explorer_figure, softmax_temperature)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: predict the next character
#
# A language model reads text one character at a time and, after each one, gives a probability
# to every character that could come next. Trained on "Shall I compare thee to a summer's day",
# it should learn that after "Shall I compare th" an `e` is likely and a `q` is not — and, with
# a memory, that a line which opened with "Shall" may end with a "?".
#
# The loss is the **cross-entropy**: the mean over positions of $-\log p(\text{the character
# that really came next})$. It is small when the model puts high probability on what happens.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Ask the room: "after *Shall I compare th*, what comes next — and how sure are you?"
# Their certainty is the probability the model must learn. Point out that everything in this
# notebook is a layer from earlier notebooks; the new parts are how they are wired and trained.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The text: Shakespeare's sonnets
#
# The course ships the 154 sonnets (1609; public domain) as `helpers/data/shakespeare_sonnets.txt`,
# taken from the Project Gutenberg transcription as packaged by Open Shakespeare (Open Knowledge
# Foundation) — sources and licences in `helpers/data/SOURCES.md`. Nothing is downloaded. We
# train on sonnets I–CXXXVIII and keep CXXXIX–CLIV (the last 16) for validation.

# %% slideshow={"slide_type": "fragment"}
text = read_text("shakespeare_sonnets.txt")
chars = "".join(sorted(set(text)))            # the vocabulary: every character in the text
V = len(chars)
char_to_id = {ch: k for k, ch in enumerate(chars)}
ids = np.array([char_to_id[ch] for ch in text])
split = text.index("\nCXXXIX\n") + 1          # where sonnet CXXXIX begins
train_ids, val_ids = ids[:split], ids[split:]
print(f"{len(text):,} characters; vocabulary of V = {V}: {chars!r}")
numeral = re.compile(r"^[IVXLC]+$", re.MULTILINE)   # each sonnet opens with its number
print(f"training: {len(numeral.findall(text[:split]))} sonnets, {len(train_ids):,} characters; "
      f"validation: {len(numeral.findall(text[split:]))} sonnets, {len(val_ids):,} characters")
print("\n".join(text[text.index("XVIII\n"):].split("\n")[2:6]) + "\n…")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two baselines to beat
#
# With no knowledge at all, every character is equally likely: loss $\log V$. The **unigram**
# model knows only how often each character occurs in the training text; on the validation text
# its loss is the cross-entropy of those frequencies,
#
# $$L_\text{unigram} = -\frac{1}{n}\sum_{t=1}^{n} \log \hat p(x_t),\qquad
# \hat p(k) = \frac{\text{count}_k + 1}{\text{characters} + V}$$
#
# (add-one smoothing, so that a character unseen in training does not get probability 0).
# Anything that reads the past must beat it.

# %% slideshow={"slide_type": "fragment"}
counts = np.bincount(train_ids, minlength=V)
p_unigram = (counts + 1) / (counts.sum() + V)
uniform_loss = np.log(V)
unigram_loss = -np.mean(np.log(p_unigram[val_ids]))
print(f"uniform guess:    loss {uniform_loss:.3f} nats, perplexity {np.exp(uniform_loss):.1f}")
print(f"unigram baseline: loss {unigram_loss:.3f} nats, perplexity {np.exp(unigram_loss):.1f}")
print("most frequent:", ", ".join(f"{chars[k]!r} {p_unigram[k]:.3f}"
                                  for k in np.argsort(-counts)[:6]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The model
#
# For $N$ streams of text read $T$ characters at a time (row convention, as everywhere in the
# course):
#
# $$
# \begin{aligned}
# x_t &= W_\text{embed}[\,\text{id}_t\,] && (N, D)\ \text{embedding: one row per character}\\
# (h_t, c_t) &= \operatorname{LSTM}(x_t, h_{t-1}, c_{t-1}) && (N, H)\ \text{notebook 07, gates } i, f, o, g\\
# s_t &= h_t W_\text{out} + b_\text{out} && (N, V)\ \text{scores for the next character}\\
# L &= -\frac{1}{NT}\sum_{n, t} \log \operatorname{softmax}(s_{n,t})_{y_{n,t}} && \text{mean cross-entropy, } y_{n,t} = \text{id}_{n,t+1}
# \end{aligned}
# $$
#
# Every piece is a layer pair of `helpers.layers`.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Walk down the four lines and name the notebook each layer comes from. Ask: "how many
# numbers does the model have?" (the next cell counts them: about 92 thousand). Stress that the
# same Wx, Wh, b are used at every step — their gradients will be sums over t.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The parameters
#
# Small random weights, zero biases except the forget gate's, and a near-zero output layer, so
# that the untrained model predicts an almost uniform distribution.

# %% slideshow={"slide_type": "fragment"}
def init_params(V, D, H, seed=0):
    """W_embed (V, D), Wx (D, 4H), Wh (H, 4H), b (4H,), W_out (H, V), b_out (V,)."""
    rng = np.random.default_rng(seed)
    params = {"W_embed": rng.standard_normal((V, D)),
              "Wx": rng.standard_normal((D, 4 * H)) / np.sqrt(D),
              "Wh": rng.standard_normal((H, 4 * H)) / np.sqrt(H),
              "b": np.zeros(4 * H),
              "W_out": 0.1 * rng.standard_normal((H, V)) / np.sqrt(H),   # near-uniform start
              "b_out": np.zeros(V)}
    params["b"][H:2 * H] = 1.0                  # forget gates start open (notebook 07)
    return params


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
D, H = 32, 128
params = init_params(V, D, H)
print({name: p.shape for name, p in params.items()})
print(f"{sum(p.size for p in params.values()):,} parameters")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Forward over one chunk
#
# `helpers.layers.lstm_forward` always starts from $c_0 = 0$, but a chunk must start from the
# $(h, c)$ the previous chunk ended with. So the chunk is a loop over `lstm_step_forward`,
# which takes both.

# %% slideshow={"slide_type": "fragment"}
def lstm_chunk_forward(x, h, c, Wx, Wh, b):
    """x (N, T, D), h and c (N, H) → h_all (N, T, H), the last (h, c), the step caches."""
    h_all, step_caches = [], []
    for t in range(x.shape[1]):
        h, c, cache = layers.lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
        h_all.append(h)
        step_caches.append(cache)
    return np.stack(h_all, axis=1), (h, c), step_caches


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The model's forward pass
#
# Embedding, the chunk loop, then one affine layer on all $N \cdot T$ hidden states at once:

# %% slideshow={"slide_type": "fragment"}
def model_forward(params, ids, state):
    """ids (N, T), state (h, c) → scores (N·T, V) (row n·T + t), the next state, caches."""
    x, emb_cache = layers.embedding_forward(ids, params["W_embed"])            # (N, T, D)
    h_all, state, step_caches = lstm_chunk_forward(x, *state, params["Wx"], params["Wh"],
                                                   params["b"])               # (N, T, H)
    N, T, H = h_all.shape
    scores, aff_cache = layers.affine_forward(h_all.reshape(N * T, H), params["W_out"],
                                              params["b_out"])                # (N·T, V)
    return scores, state, (emb_cache, step_caches, aff_cache)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the whole model backward
#
# `softmax_cross_entropy` returns $ds = (P - Y)/(NT)$ for the $NT$ rows of scores (notebook
# 02). From there, walk the model backwards, first through the output layer:
#
# $$
# \begin{aligned}
# dW_\text{out} &= \textstyle\sum_{n,t} h_{n,t}^\top\, ds_{n,t},\quad
#   db_\text{out} = \textstyle\sum_{n,t} ds_{n,t}
#   && \text{affine on the } NT \text{ rows (notebook 03)}\\
# dh^\text{out}_t &= ds_t\, W_\text{out}^\top
#   && \text{the same affine, input side}\\
# dh_t &= dh^\text{out}_t + dh^\text{next}_t
#   && \text{fork: } h_t \text{ feeds } s_t \text{ and step } t+1
# \end{aligned}
# $$
#
# At the last step of the chunk, $dh^\text{next}_T = 0$ and $dc_T = 0$: the chunk's loss has
# no term after step $T$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Each line is a rule the room already derived; ask them to name the notebook before
# you do. The one new thing is the bookkeeping: rows n·T + t of the scores map back to (n, t).
# On the next slide, the embedding line is why embedding_backward uses np.add.at: a character
# used twice in a chunk gets both gradients.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Through the LSTM and the embedding
#
# $$
# \begin{aligned}
# dx_t,\ dh^\text{next}_{t-1},\ dc_{t-1} &= \mathrm{lstm\_step\_backward}(dh_t,\ dc_t)
#   && \text{gate by gate (notebook 07)}\\
# dW_x = \textstyle\sum_t dW_{x,t},\quad dW_h &= \textstyle\sum_t dW_{h,t},\quad
#   db = \textstyle\sum_t db_t
#   && \text{shared weights: a Repeat node (06)}\\
# dW_\text{embed}[k] &= \textstyle\sum_{(n,t):\ \text{id}_{n,t} = k} dx_{n,t}
#   && \text{embedding: scatter-add}
# \end{aligned}
# $$
#
# The same `lstm_step_backward` call also returns the step's shares $dW_{x,t}$, $dW_{h,t}$,
# $db_t$ of the weight gradients.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Truncated BPTT: carry the state, cut the gradient
#
# ![N streams of text read chunk by chunk: the state is carried across chunk boundaries, the gradient stops at them](../figures/nb11_tbptt_streams.png)
#
# The training text is cut into $N$ streams read side by side, $T$ characters per chunk.
# Chunk $k+1$ starts from the $(h_T, c_T)$ chunk $k$ ended with, so the model can use context
# older than $T$ characters. But the gradient stops at the boundary: $dh_0$ and $dc_0$ are
# computed and dropped, and the state entering a chunk is a constant. Credit for a dependency
# longer than $T$ steps is never given; memory and time stay proportional to $T$ (notebook 06).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: backward from the layer pairs
#
# The chunk's LSTM backward is the BPTT loop of notebook 06 with the LSTM step of notebook 07:

# %% slideshow={"slide_type": "fragment"}
def lstm_chunk_backward(dh_all, step_caches):
    """dh_all (N, T, H) from above → dx (N, T, D), dWx, dWh, db; dh_0, dc_0 dropped."""
    dh_next = np.zeros_like(dh_all[:, 0])     # no loss term after step T
    dc_next = np.zeros_like(dh_all[:, 0])
    dx, dWx, dWh, db = [None] * len(step_caches), 0.0, 0.0, 0.0
    for t in reversed(range(len(step_caches))):
        dx[t], dh_next, dc_next, dWx_t, dWh_t, db_t = layers.lstm_step_backward(
            dh_all[:, t] + dh_next, dc_next, step_caches[t])    # fork: two paths into h_t
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t        # shared weights: a sum
    return np.stack(dx, axis=1), dWx, dWh, db


# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min for this section. Read the loop aloud against the derivation slide, line by line.
# Then model_backward mirrors model_forward in reverse: affine, LSTM chunk, embedding. Ask:
# "what would break if the scores' rows were n + N·t instead of n·T + t?" (the reshape).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole model, backward
#
# `model_forward` read backwards: affine, the LSTM chunk, the embedding.

# %% slideshow={"slide_type": "fragment"}
def model_backward(dscores, caches):
    """dscores (N·T, V) → a dict with the gradient of every parameter (same keys, shapes)."""
    emb_cache, step_caches, aff_cache = caches
    dh_flat, dW_out, db_out = layers.affine_backward(dscores, aff_cache)       # (N·T, H)
    dh_all = dh_flat.reshape(-1, len(step_caches), dh_flat.shape[1])          # row n·T + t
    dx, dWx, dWh, db = lstm_chunk_backward(dh_all, step_caches)
    dW_embed = layers.embedding_backward(dx, emb_cache)                       # scatter-add
    return {"W_embed": dW_embed, "Wx": dWx, "Wh": dWh, "b": db,
            "W_out": dW_out, "b_out": db_out}


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One chunk: loss, gradients, and the state to carry
#
# `softmax_cross_entropy` takes the $N \cdot T$ rows of scores and the next characters as
# labels, and returns the mean loss with $ds$. The state returned is $(h_T, c_T)$ after the
# chunk's last step: plain arrays, which the next chunk will start from. `model_backward` never
# sends a gradient into the state a chunk started from: that is where the gradient is cut.

# %% slideshow={"slide_type": "fragment"}
def loss_and_grads(params, ids, targets, state):
    """One chunk: mean cross-entropy, every gradient, and the state to carry on."""
    scores, state, caches = model_forward(params, ids, state)
    loss, dscores = layers.softmax_cross_entropy(scores, targets.reshape(-1))
    return loss, model_backward(dscores, caches), state


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: the whole model against numerical gradients
#
# A tiny configuration ($V = 6$, $D = 3$, $H = 4$, $N = 2$ streams, $T = 5$ steps) with a
# random carried-in state, so that every path — including the one from $(h_0, c_0)$ through
# the first steps — is exercised. Each parameter's analytic gradient is compared with central
# differences of the chunk's loss, refined by Richardson extrapolation (notebook 01).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. This is the moment the capstone earns trust: one check covers all four layers and
# the bookkeeping between them. Ask why the random (h0, c0) matters (a zero state would hide a
# bug in how the first step uses them).

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
rng = np.random.default_rng(11)
tiny = init_params(6, 3, 4, seed=11)
tiny["b"] = 0.5 * rng.standard_normal(16)       # no special values anywhere
tiny_ids, tiny_y = rng.integers(0, 6, (2, 5)), rng.integers(0, 6, (2, 5))
tiny_state = (rng.standard_normal((2, 4)), rng.standard_normal((2, 4)))
_, tiny_grads, _ = loss_and_grads(tiny, tiny_ids, tiny_y, tiny_state)
errors = {}
for name in tiny:
    def chunk_loss(p, name=name):
        return loss_and_grads({**tiny, name: p}, tiny_ids, tiny_y, tiny_state)[0]
    numeric = numerical_gradient_array(chunk_loss, tiny[name].copy(), 1.0, h=1e-3,
                                       richardson=True)
    errors[name] = rel_error(tiny_grads[name], numeric)
    print(verdict(f"d{name:8s}", errors[name]))

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
print("worst relative error:", f"{max(errors.values()):.1e}",
      f"(d{max(errors, key=errors.get)})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Training: clipping, momentum, streams
#
# **Gradient-norm clipping** treats all the gradients as one vector $g$ and rescales it when
# its norm passes a threshold $\theta$ (notebook 06):
# $\;g \leftarrow g \cdot \min\!\big(1, \theta / \lVert g \rVert\big)$.
#
# **SGD with momentum** keeps a velocity $v$ per parameter $w$, a running sum of past steps
# that fades by $\mu$ each update: $\;v \leftarrow \mu v - \eta\, g,\quad w \leftarrow w + v$.
# Clipping comes first, so it bounds the length of the gradient $g$ that enters each update;
# the step itself, $v$, also carries the past steps.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Clipping changes the length of the gradient, never its direction. Momentum: with
# μ = 0.9 a constant gradient ends up taking steps 10× as long as plain SGD (1 + μ + μ² + … =
# 1/(1 − μ)), and gradients that flip sign cancel. Ask: "after clipping at θ = 1, how long can
# one step be?" (up to 10 with momentum). Both functions are a few lines; show them, then move
# on to the streams.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Clipping and momentum in code

# %% slideshow={"slide_type": "fragment"}
def clip_by_global_norm(grads, theta):
    """One norm over every gradient; scale them all by θ/‖g‖ if it exceeds θ (None: no clip)."""
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    scale = theta / norm if theta is not None and norm > theta else 1.0
    return {name: g * scale for name, g in grads.items()}, norm


def sgd_momentum_step(params, grads, velocity, lr, mu=0.9):
    """v ← μ·v − lr·g, then param ← param + v, for every parameter (updates the dicts)."""
    for name, g in grads.items():
        velocity[name] = mu * velocity[name] - lr * g
        params[name] = params[name] + velocity[name]


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Streams and chunks
#
# `streams` cuts a text into $N$ equal rows; the targets are the same rows shifted by one
# character. Chunk $k$ is columns $kT \dots kT + T - 1$ of every row, so chunk $k+1$ continues
# exactly where chunk $k$ stopped — that is what makes carrying the state correct.

# %% slideshow={"slide_type": "fragment"}
def streams(ids, N):
    """ids (n,) → inputs (N, L) and targets (N, L), the next character of each input."""
    L = (len(ids) - 1) // N
    return ids[:N * L].reshape(N, L), ids[1:N * L + 1].reshape(N, L)


def zero_state(N, params):
    """The state (h, c) a stream starts from: zeros, (N, H) each."""
    H = params["Wh"].shape[0]
    return np.zeros((N, H)), np.zeros((N, H))


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
N, T = 32, 32
X, Y = streams(train_ids, N)
print(f"inputs {X.shape}: {X.shape[1] // T} chunks of T = {T} per epoch")
for k in range(2):
    print(f"stream 3, chunk {k}: {''.join(chars[i] for i in X[3, k * T:(k + 1) * T])!r}")
print(f"       targets, chunk 0: {''.join(chars[i] for i in Y[3, :T])!r}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Validation: the same reading, forward only
#
# `evaluate` reads a text the way training does — $N$ streams, chunk after chunk, the state
# carried — but only runs forward and never updates. Each chunk's mean loss is weighted by its
# number of characters (the last chunk may be shorter), so the result is the mean over every
# character of the text.

# %% slideshow={"slide_type": "fragment"}
def evaluate(params, ids, N=8, T=100):
    """Mean cross-entropy on a text read as N streams, chunk by chunk, the state carried."""
    X, Y = streams(ids, N)
    state, total = zero_state(N, params), 0.0
    for s in range(0, X.shape[1], T):
        scores, state, _ = model_forward(params, X[:, s:s + T], state)
        loss, _ = layers.softmax_cross_entropy(scores, Y[:, s:s + T].reshape(-1))
        total += loss * len(scores)                   # a sum, to average over all of Y
    return total / Y.size


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Each gate's share of the gradient
#
# The LSTM's weights hold four gates side by side, column blocks $i, f, o, g$ of $W_x$, $W_h$
# and $b$ (notebook 07). Their gradients are split the same way:

# %% slideshow={"slide_type": "fragment"}
def gate_norms(grads):
    """‖gradient‖ of each gate's weights: columns i, f, o, g of Wx, Wh and b together (4,)."""
    H = grads["Wh"].shape[0]
    return [np.sqrt(np.sum(grads["Wx"][:, s]**2) + np.sum(grads["Wh"][:, s]**2)
                    + np.sum(grads["b"][s]**2))
            for s in (slice(k * H, (k + 1) * H) for k in range(4))]


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One epoch, one chunk at a time

# %% slideshow={"slide_type": "-"}
def train_epoch(params, velocity, X, Y, T, lr, theta, history):
    """Every chunk once, carrying the state; clip, update, record (updates params, history)."""
    state = zero_state(X.shape[0], params)           # each epoch starts from zero
    for s in range(0, X.shape[1] - T + 1, T):
        loss, grads, state = loss_and_grads(params, X[:, s:s + T], Y[:, s:s + T], state)
        history["gates"].append(gate_norms(grads))
        grads, norm = clip_by_global_norm(grads, theta)
        sgd_momentum_step(params, grads, velocity, lr)
        history["loss"].append(loss)
        history["norm"].append(norm)


# %% [markdown] slideshow={"slide_type": "fragment"}
# Per chunk: (1) forward from `state`, the $(h_T, c_T)$ the previous chunk ended with, and
# backward through this chunk only; the new `state` is kept for the next chunk. (2) Record each
# gate's share of the gradient. (3) Clip all gradients together. (4) One momentum step. An
# epoch starts from the zero state because every stream starts again at its beginning.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole run
#
# The velocities start at zero and live across epochs; after each epoch, the validation loss.

# %% slideshow={"slide_type": "fragment"}
def train(params, epochs, N=32, T=32, lr=1.0, theta=1.0):
    """Truncated BPTT on the training text; updates params, returns the history."""
    X, Y = streams(train_ids, N)
    velocity = {name: np.zeros_like(p) for name, p in params.items()}
    history = {"loss": [], "norm": [], "gates": [], "val": []}
    for _ in range(epochs):
        train_epoch(params, velocity, X, Y, T, lr, theta, history)
        history["val"].append(evaluate(params, val_ids))
    return history


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Before training
#
# Sampling (more on it below) feeds the model a prompt, draws the next character from its
# distribution, feeds that back in, and so on. Untrained, the distribution is nearly uniform:

# %% slideshow={"slide_type": "fragment"}
print(f"validation loss before training: {evaluate(params, val_ids):.3f} "
      f"(log V = {uniform_loss:.3f})")
print(repr("Shall I compare thee" + sample_text(params, chars, "Shall I compare thee",
                                               120, 1.0, seed=0)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Train (about half a minute)
#
# $N = 32$ streams, chunks of $T = 32$, learning rate $\eta = 1$, momentum $\mu = 0.9$,
# clipping at $\theta = 1$. The time depends on your machine:

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
EPOCHS = 7
cpu0, wall0 = time.process_time(), time.perf_counter()
history = train(params, EPOCHS, N=N, T=T, lr=1.0, theta=1.0)
cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
print(f"{len(history['loss'])} updates in {cpu:.1f} s of CPU time ({wall:.1f} s wall clock)")
for epoch, val in enumerate(history["val"], 1):
    train_loss = np.mean(history["loss"][(epoch - 1) * len(history["loss"]) // EPOCHS:
                                         epoch * len(history["loss"]) // EPOCHS])
    print(f"epoch {epoch}: training loss {train_loss:.3f}, validation loss {val:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Below the unigram baseline?
#
# The exact losses depend slightly on the machine's floating-point libraries (nbval does not
# compare the cell above); the verdict does not:

# %% slideshow={"slide_type": "fragment"}
final_val = history["val"][-1]
print(f"unigram baseline {unigram_loss:.2f} nats → trained LSTM {final_val:.1f} nats on the "
      f"validation sonnets")
print(f"at least 1 nat below the baseline: {'✓' if final_val < unigram_loss - 1 else '✗'}")
print(f"perplexity: {np.exp(unigram_loss):.0f} equally likely characters → "
      f"{np.exp(final_val):.0f}")
updates_per_epoch = len(history["loss"]) // EPOCHS
first_below = np.argmax(np.array(history["loss"]) < unigram_loss) + 1
print(f"training loss first below the baseline: update {first_below} of the "
      f"{updates_per_epoch} in epoch 1")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss, update by update

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, ax = plt.subplots(figsize=(8, 3.4))
ax.plot(np.arange(1, len(history["loss"]) + 1) / updates_per_epoch, history["loss"],
        color=hp.FORWARD, lw=0.8, alpha=0.6, label="training loss (each chunk)")
ax.plot(np.arange(1, EPOCHS + 1), history["val"], "o-", color=hp.FORWARD, lw=2,
        label="validation loss (after each epoch)")
ax.axhline(unigram_loss, color=hp.NEUTRAL, ls="--", lw=1.2, label="unigram baseline")
ax.axhline(uniform_loss, color=hp.NEUTRAL, ls=":", lw=1.2, label="uniform guess, log V")
ax.set_xlabel("epoch")
ax.set_ylabel("cross-entropy (nats per character)")
ax.set_title("Training the character-level LSTM on the sonnets")
ax.set_ylim(1.3, 4.9)                                    # room for the legend above log V
ax.legend(loc="upper right", ncol=2, fontsize=10)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The training loss falls below the unigram baseline within the first tenth of epoch 1
# (update 7 of 83, printed above), and the validation loss stays far below it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The validation loss flattens

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
val = np.array(history["val"])
train_mean = np.array(history["loss"]).reshape(EPOCHS, -1).mean(axis=1)   # each epoch's mean
checks = {
    "training loss (mean over each epoch) falls in every epoch": np.all(np.diff(train_mean) < 0),
    "validation loss changes by less than 0.05 nats in each of the last 3 epochs":
        np.all(np.abs(np.diff(val)[-3:]) < 0.05),
    "validation − training loss grows by over 0.1 nats from epoch 3 to the last":
        (val - train_mean)[-1] > (val - train_mean)[2] + 0.1,
}
for claim, ok in checks.items():
    print(f"{claim}: {'✓' if ok else '✗'}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The training loss keeps falling, but the validation loss has almost stopped, and the gap
# between them grows: from here on the model learns these 138 sonnets more than it learns
# sonnets in general. More epochs would buy little here; more text would.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### After training
#
# The same prompt and seed as before training (this sample depends on the exact trained
# weights, so nbval does not compare it):

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
print("Shall I compare thee" + sample_text(params, chars, "Shall I compare thee", 240, 0.7,
                                           seed=0))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where the gradients go
#
# Which gate's weights receive the gradient? Split the LSTM's $dW_x$, $dW_h$ and $db$ by their
# column blocks $i, f, o, g$ (recorded before clipping, at every update):

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. Before showing the plot, ask the room to guess which gate gets the most gradient.
# Then read the printed averages, not the wiggles. For "why g?", compare only g with i (they
# share dc): ask which should matter, the mean local factor (equal) or the largest (1 vs 1/4),
# then show the root-mean-square ratio next to the norm ratio. Do not claim more: f and o get
# different gradients from above, and the slide says so.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Each gate's share over training

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
gates = np.array(history["gates"])                 # (updates, 4)
window = 20                                         # moving average over 20 updates
fig, ax = plt.subplots(figsize=(8, 4))
for k, (name, color, ls) in enumerate(zip("ifog", (hp.FORWARD, hp.PALETTE[4], hp.NEUTRAL,
                                                   hp.GRADIENT), ("-", "--", ":", "-"),
                                          strict=True)):
    x = np.arange(1, len(gates) + 1) / updates_per_epoch
    ax.plot(x, gates[:, k], color=color, lw=0.6, alpha=0.3)
    smooth = np.convolve(gates[:, k], np.ones(window) / window, mode="valid")
    ax.plot(x[window - 1:], smooth, color=color, ls=ls, lw=2.2, label=f"gate {name}")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("‖gradient‖ of the gate's weights")
ax.set_title("Per-gate gradient norms during training (before clipping)")
ax.legend(ncol=4, loc="lower right", fontsize=11)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Thin lines: every update; thick: the mean of the last 20. After a burst in the first updates
# the order settles: the candidate $g$ gets the most gradient and the forget gate $f$ the least,
# while $i$ and $o$ keep crossing.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The averages, first and last epoch

# %% slideshow={"slide_type": "fragment"}
first, last = gates[:updates_per_epoch].mean(axis=0), gates[-updates_per_epoch:].mean(axis=0)
for name, a, z in zip("ifog", first, last, strict=True):
    print(f"gate {name}: mean ‖grad‖ {a:.2f} in epoch 1, {z:.2f} in epoch {EPOCHS}")
after = gates[updates_per_epoch:]                   # every update after epoch 1
print(f"after epoch 1, g the largest at every update: "
      f"{'✓' if np.all(after.argmax(axis=1) == 3) else '✗'}")
print(f"after epoch 1, f the smallest at every update: "
      f"{'✓' if np.all(after.argmin(axis=1) == 1) else '✗'}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# All four grow from epoch 1 to epoch 7, and the order is fixed after the first epoch.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why $g$ gets more than $i$: one $dc$, two local factors
#
# Since $c_t = f \odot c_{t-1} + i \odot g$, the gates $i$ and $g$ receive the same $dc_t$; on the
# way to their pre-activations $a_i$, $a_g$ (from which $dW_x$, $dW_h$, $db$ are built) each
# is multiplied by a local factor (notebook 07):
#
# $$
# \begin{aligned}
# da_g &= dc_t \odot \lambda_g, & \lambda_g &= i\,(1 - g^2) \in [0, 1]\\
# da_i &= dc_t \odot g \odot i\,(1 - i), & |\lambda_i| &= |g|\; i\,(1 - i) \in [0, \tfrac14]
# \end{aligned}
# $$
#
# because $\sigma' = i(1 - i) \le 1/4$ while $\tanh' = 1 - g^2 \le 1$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two factors on one chunk
#
# The gate values are in each step's cache (`ifog`, item 5 of `(x, h_prev, c_prev, Wx, Wh,
# ifog, tanh_c)`). On one chunk of the trained model:

# %% slideshow={"slide_type": "fragment"}
def gate_values(params, ids, state):
    """The gate values [i | f | o | g] at every step of one chunk, shape (N·T, 4H)."""
    _, _, (_, step_caches, _) = model_forward(params, ids, state)
    return np.concatenate([cache[5] for cache in step_caches])


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
i_gate, _, _, g_gate = np.split(gate_values(params, X[:, :T], zero_state(N, params)), 4, axis=1)
parts = {"g": ("tanh′", 1 - g_gate**2, "i", i_gate),
         "i": ("σ′", i_gate * (1 - i_gate), "|g|", np.abs(g_gate))}
rms = {}
for name, (slope_name, slope, other_name, other) in parts.items():
    lam = slope * other
    rms[name] = np.sqrt(np.mean(lam**2))
    print(f"{name}: mean {slope_name} {slope.mean():.2f}, mean {other_name} {other.mean():.2f}\n"
          f"   |λ_{name}|: mean {lam.mean():.2f}, root mean square {rms[name]:.2f}, "
          f"largest {lam.max():.2f}")
print(f"g ÷ i: root mean square of |λ| {rms['g'] / rms['i']:.2f}, "
      f"mean ‖grad‖ in epoch {EPOCHS} {last[3] / last[0]:.2f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# On average the two factors are equal (0.12 each): the candidate's steeper slope (0.23 against
# 0.14) is offset by $i$ being smaller than $|g|$ (0.59 against 0.84). But a norm is the root of
# a sum of squares, where the large values count most, and only $\lambda_g$ gets large: up to
# 1.00 here, while $|\lambda_i|$ stops at 0.25. Their root mean squares differ by a factor
# 1.65, close to the 1.69 between the two gates' gradient norms. $f$ and $o$ receive other
# gradients ($dc_t \odot c_{t-1}$ and $dh_t \odot \tanh c_t$), so this comparison does not
# rank them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What happens without clipping
#
# First, in the run above: how large was the gradient, and how often did the clipping at
# $\theta = 1$ act?

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. Be honest with the room: at this scale clipping did nothing, and the printout proves
# it. Then show what it takes to make the gradient explode (bigger recurrent weights, longer
# chunks) and what an unclipped explosion does: not a crash, but a recurrent layer that silently
# stops learning. Ask: "why does the loss still go down then?" (the output layer keeps learning).

# %% slideshow={"slide_type": "fragment"}
norms = np.array(history["norm"])
print(f"‖g‖ before clipping: median {np.median(norms):.1f}, largest {norms.max():.1f} "
      f"(update {norms.argmax() + 1})")
print(f"clipping at θ = 1 acted on {np.sum(norms > 1.0)} of {len(norms)} updates")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Never: every gradient norm stayed below 1, so `clip_by_global_norm` returned every gradient
# unchanged and this run *is* the unclipped run, number for number. At this scale — recurrent
# weights of size $1/\sqrt{H}$, chunks of 32 steps, a forget gate that starts open — nothing
# explodes. The danger is the product of Jacobians of notebook 06, and it needs larger recurrent
# weights or longer chunks.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### When the gradient does explode
#
# Start the same model with $W_h$ multiplied by a factor and measure one chunk's gradient at
# initialization, for chunks of $T = 32$ and $T = 128$ steps. The output layer's gradient
# $dW_\text{out}$ is one step from the loss; $dW_h$ is reached through time.

# %% slideshow={"slide_type": "fragment"}
def chunk_gradients(scale, T, N=8, seed=0):
    """One chunk's gradients at initialization, with Wh multiplied by scale."""
    p = init_params(V, D, H, seed)
    p["Wh"] = scale * p["Wh"]
    Xs, Ys = streams(train_ids, N)
    return loss_and_grads(p, Xs[:, :T], Ys[:, :T], zero_state(N, p))[1]


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
for T_chunk in (32, 128):
    for scale in (1, 2, 4, 5):
        g = chunk_gradients(scale, T_chunk)
        print(f"T = {T_chunk:3d}, Wh × {scale}: ‖dW_out‖ = {np.linalg.norm(g['W_out']):.2f}, "
              f"‖dWh‖ = {np.linalg.norm(g['Wh']):.0e}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# $\lVert dW_\text{out}\rVert$ hardly moves, while $\lVert dW_h \rVert$ grows by orders of
# magnitude with the scale of $W_h$ and, at $\times 5$, with the length of the chunk: the
# gradient that travels back through time is a product of one Jacobian per step, and once their
# norms exceed 1 the product explodes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training through an explosion, with and without clipping
#
# Sixty updates of the $W_h \times 5$ model on chunks of $T = 128$, the same learning rate,
# once without clipping and once clipped at $\theta = 1$. Per update we record the loss,
# $\lVert dW_h \rVert$, $\lVert dW_\text{out} \rVert$, the largest entry of $W_h$ and the
# norm $\lVert g \rVert$ of all gradients before clipping; at the end, the share of gate values
# stuck at their limits (where $\sigma' = 0$ or $\tanh' = 0$).

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def short_run(theta, scale=5, T=128, N=8, updates=60, lr=1.0):
    """Per update: loss, ‖dWh‖, ‖dW_out‖, largest |Wh| entry, ‖g‖; and the final parameters."""
    p = init_params(V, D, H)
    p["Wh"] = scale * p["Wh"]
    velocity = {name: np.zeros_like(w) for name, w in p.items()}
    Xs, Ys = streams(train_ids, N)
    state, record = zero_state(N, p), []
    for u in range(updates):
        chunk = slice(u * T, (u + 1) * T)
        loss, g, state = loss_and_grads(p, Xs[:, chunk], Ys[:, chunk], state)
        clipped, norm = clip_by_global_norm(g, theta)         # norm: before clipping
        record.append((loss, np.linalg.norm(g["Wh"]), np.linalg.norm(g["W_out"]),
                       np.abs(p["Wh"]).max(), norm))
        sgd_momentum_step(p, clipped, velocity, lr)
    return np.array(record), p


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Saturated gates
#
# A gate value at its limit (0 or 1 for $i, f, o$; $\pm 1$ for $g$) has a local slope of 0:
# no gradient passes it. Run both, then count such gates on one chunk:

# %% slideshow={"slide_type": "fragment"}
def saturated_share(ifog):
    """Share of gate values within 1e-6 of their limits: 0 or 1 for i, f, o; ±1 for g."""
    H = ifog.shape[1] // 4
    sig, g = ifog[:, :3 * H], ifog[:, 3 * H:]
    return np.mean(np.concatenate([np.minimum(sig, 1 - sig).ravel(),
                                   (1 - np.abs(g)).ravel()]) < 1e-6)


runs = {"no clipping": short_run(None), "clipped at θ = 1": short_run(1.0)}
X8 = streams(train_ids, 8)[0][:, :128]
summary = {name: dict(val=evaluate(p, val_ids), saturated=saturated_share(
    gate_values(p, X8, zero_state(8, p)))) for name, (_, p) in runs.items()}

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two runs in numbers
#
# The exact numbers (nbval does not compare them), then what they show:

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output", "hide-input"]
for name, (record, _) in runs.items():
    print(f"{name}:\n  ‖dWh‖ at update 1 {record[0, 1]:.0e}; largest |Wh| entry "
          f"{record[1, 3]:.0e} after update 1, {record[:, 3].max():.0e} at most\n"
          f"  ‖g‖ > 1 at updates {(np.flatnonzero(record[:, 4] > 1) + 1).tolist()}\n"
          f"  last 30 updates: median ‖dWh‖ {np.median(record[30:, 1]):.0e}, "
          f"median ‖dW_out‖ {np.median(record[30:, 2]):.2f}; gates saturated "
          f"{summary[name]['saturated']:.1%}; validation loss {summary[name]['val']:.2f}")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
(raw, _), (clipped, _) = runs.values()
raw_s, clipped_s = summary.values()
Y8 = streams(train_ids, 8)[1][:, :128]
_, p20 = short_run(1.0, updates=20)          # the clipped run, stopped after its 20th update
dWh_again = np.linalg.norm(loss_and_grads(p20, X8, Y8, zero_state(8, p20))[1]["Wh"])
checks = {
    "no clipping: the first step alone put an entry of Wh past 1,000": raw[1, 3] > 1e3,
    "no clipping: momentum then carried Wh about 1/(1 − μ) = 10× further (8× to 12×)":
        8 < raw[:, 3].max() / raw[1, 3] < 12,
    "no clipping: over 90% of the gate values saturated": raw_s["saturated"] > 0.9,
    "no clipping: median ‖dWh‖ (last 30 updates) 100× below the clipped run's":
        np.median(raw[30:, 1]) < np.median(clipped[30:, 1]) / 100,
    "both: median ‖dW_out‖ within a factor 2 of each other (the output layer learns)":
        0.5 < np.median(raw[30:, 2]) / np.median(clipped[30:, 2]) < 2,
    "clipped: every entry of Wh stays below 10": clipped[:, 3].max() < 10,
    "clipped: clipping acts at each of the first 8 updates and at none of the last 20":
        np.all(clipped[:8, 4] > 1) and np.all(clipped[40:, 4] <= 1),
    "clipped: the first chunk again, with the weights after 20 updates: ‖dWh‖ below 10":
        dWh_again < 10,
    "clipped: lower validation loss after 60 updates": clipped_s["val"] < raw_s["val"],
}
for claim, ok in checks.items():
    print(f"{claim}: {'✓' if ok else '✗'}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two runs, update by update

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
for (name, (record, _)), color in zip(runs.items(), (hp.GRADIENT, hp.FORWARD), strict=True):
    ax1.plot(np.arange(1, len(record) + 1), record[:, 0], color=color, label=name)
    ax2.plot(np.arange(1, len(record) + 1), record[:, 1], color=color, label=name)
ax1.set_xlabel("update")
ax1.set_ylabel("training loss (nats)")
ax1.set_title("Loss: both go down")
ax2.set_yscale("log")
ax2.set_xlabel("update")
ax2.set_ylabel("‖dWh‖ before clipping")
ax2.set_title("‖dWh‖: silent without clipping")
ax2.legend(loc="upper right", fontsize=10)
fig.suptitle("Wh × 5, chunks of T = 128: an exploding first gradient, with and without clipping")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Unclipped (orange), the first step ($\lVert dW_h \rVert \approx 4 \cdot 10^4$ times
# $\eta = 1$) put entries of $W_h$ past 1,000, and momentum carried them about 10× further
# (✓ above): nearly every gate saturated, $\lVert dW_h \rVert$ collapsed, and only the output
# layer still learned (its loss falls, on frozen features). Clipped (blue), the gradient was
# cut to length 1 at each of the first 8 updates, and at some later ones: the loss barely
# moves, but these short steps take the weights out of the exploding region. Proof: on the
# very first chunk again, the weights after 20 updates give $\lVert dW_h \rVert$ below 10
# instead of $4 \cdot 10^4$ — the weights changed, not the text. Clipping acts at none of the
# last 20 updates, the LSTM keeps learning, and it ends with the lower validation loss. The
# explosion did not end in `nan` but in a silently dead layer that only the gradient norms
# reveal.

# %% [markdown] slideshow={"slide_type": "notes"}
# Which later updates are clipped, and every exact norm, depend on rounding: the first
# gradients are so large that the last bits of the arithmetic (another CPU, another BLAS)
# change the path. The ✓ lines state only what held in each of eight runs whose initial $W_h$
# differed by one part in $10^{15}$, and with three different BLAS kernels.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sampling with a temperature
#
# To write text, the model reads a prompt, then repeatedly draws the next character from its
# distribution and feeds it back. Dividing the scores by a **temperature** $\tau > 0$ first,
#
# $$p_k(\tau) = \frac{e^{s_k/\tau}}{\sum_j e^{s_j/\tau}},$$
#
# keeps the order of the characters but sharpens the distribution ($\tau < 1$; $\tau \to 0$
# always takes the most likely character) or flattens it ($\tau > 1$; $\tau \to \infty$ is
# uniform). $\tau = 1$ is the model's own distribution.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. Show the three rows of the printout first; ask what τ → 0 and τ → ∞ give. Read the
# three samples aloud, then the word counts: ask the room to predict which τ repeats itself and
# which invents words before showing the ✓ lines. Then open the widget, move τ slowly from 0.2
# to 2, and read a sample at each end.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three temperatures on four scores

# %% slideshow={"slide_type": "fragment"}
s = np.array([2.0, 1.0, 0.0, -1.0])
for tau in (0.5, 1.0, 2.0):
    print(f"τ = {tau}: p = {np.round(softmax_temperature(s, tau), 3)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three temperatures, one model
#
# The model we just trained, the same prompt and seed, three temperatures (the text depends on
# the exact trained weights, so nbval does not compare it):

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
samples = {tau: sample_text(params, chars, "When I do count", 2000, tau, seed=1)
           for tau in (0.3, 0.7, 1.2)}
for tau, sample in samples.items():
    print(f"τ = {tau}: When I do count" + sample[:80].replace("\n", " / "))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Repeating and inventing, measured
#
# Each sample above is 2,000 characters long. Count its words: how many of them occur somewhere
# in the training sonnets, and how many are distinct?

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
sonnet_words = set(re.findall(r"[a-z']+", text[:split].lower()))
stats = {}
for tau, sample in samples.items():
    words = re.findall(r"[a-z']+", sample.lower())
    stats[tau] = (np.mean([w in sonnet_words for w in words]), len(set(words)) / len(words))
    print(f"τ = {tau}: {len(words)} words, {stats[tau][0]:.0%} found in the sonnets, "
          f"{stats[tau][1]:.0%} distinct")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
(known_03, distinct_03), (known_07, distinct_07), (known_12, distinct_12) = stats.values()
checks = {"τ = 0.3 repeats itself: under 30% of its words distinct, the fewest":
          distinct_03 < 0.3 and distinct_03 < distinct_07 < distinct_12,
          "τ = 0.3: over 90% of its words found in the sonnets": known_03 > 0.9,
          "τ = 1.2 invents: under 70% of its words found in the sonnets, the fewest":
          known_12 < 0.7 and known_12 < known_07 < known_03}
for claim, ok in checks.items():
    print(f"{claim}: {'✓' if ok else '✗'}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The exact shares depend on the trained weights (the cell above them is not compared by
# nbval); the three claims do not. Low $\tau$ writes real words but keeps repeating them; high
# $\tau$ writes more varied text, much of it words that do not exist.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore it: the sampling explorer
#
# Move the temperature and watch the next-character distribution after the prompt (blue bars;
# the dashed outlines are $\tau = 1$) and the sample below it. The seed fixes the random
# numbers, so at every temperature the same uniform draws fall into a different distribution.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
sampling_explorer(params, chars)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The explorer's default state

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig = sampling_explorer_figure(params, chars)   # the default state, where widgets do not render
fig

# %% [markdown] slideshow={"slide_type": "fragment"}
# The default state ($\tau = 0.7$, prompt "Shall I compare thee"), drawn statically so it also
# shows on GitHub. With $\tau < 1$ the most likely character always gains probability (its bar
# rises above its $\tau = 1$ outline) and the least likely always lose: dividing the scores by
# $\tau < 1$ widens every gap between them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Three exercises, from a warm-up to an optional stretch. Edit the stub, run the cell; the
# checker prints ✓ or a hint. Solutions are folded under each exercise.
#
# 1. the softmax with a temperature (warm-up, ≈ 5 min);
# 2. build it: the backward pass of a two-layer LSTM model (≈ 30 min);
# 3. stretch: top-k sampling (≈ 10 min).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 45 min for the three exercises in a lab; in a lecture, set exercise 1 in class (5 min) and
# exercise 2 as homework. The classic slip in 1 is forgetting the max-shift; in 2, forgetting
# that layer 2's dx is layer 1's gradient from above.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: the softmax with a temperature (≈ 5 min)
#
# Write `temperature_softmax(scores, tau)`: the softmax of `scores / tau` over the **last**
# axis, for `scores` of any shape $(\dots, V)$. It must stay finite for scores near 800.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def temperature_softmax(scores, tau):
    """scores (..., V), tau > 0 → probabilities (..., V), each row summing to 1."""
    # TODO: divide by the temperature, make the exponentials safe, normalize each row
    return None


_ = check_temperature_softmax(temperature_softmax)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def temperature_softmax(scores, tau):
#     """scores (..., V), tau > 0 → probabilities (..., V), each row summing to 1."""
#     z = scores / tau
#     e = np.exp(z - z.max(axis=-1, keepdims=True))   # the largest becomes e^0 = 1
#     return e / e.sum(axis=-1, keepdims=True)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — build it: the backward pass of a two-layer LSTM model (≈ 30 min)
#
# Stack a second LSTM on the first: at every step, layer 2 reads layer 1's output,
# `lstm_step_forward(h1, h2, c2, Wx2, Wh2, b2)`, and the scores come from $h^{(2)}_t$. Its
# forward pass is `stacked_forward` in `helpers.exercises.nb11` (with `stacked_params` to make
# parameters). Write its backward pass for one chunk from the layer pairs of `helpers.layers`:
# `caches = (emb_cache, steps1, steps2, aff_cache)`, where `steps1[t]`, `steps2[t]` are the two
# layers' `lstm_step_forward` caches at step $t$. Return a dict of gradients with the keys of
# the parameters: `W_embed`, `Wx1`, `Wh1`, `b1`, `Wx2`, `Wh2`, `b2`, `W_out`, `b_out`.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def stacked_backward(dscores, caches):
    """dscores (N·T, V), rows n·T + t; caches = (emb_cache, steps1, steps2, aff_cache)
    → a dict of the nine gradients, with the parameters' keys and shapes."""
    # TODO: affine backward; reshape its dx, rows n·T + t, to (N, T, H2)
    # TODO: layer 2, then layer 1, each for t = T−1 … 0 with its own dh_next and dc_next;
    #       what reaches h1_t from above is layer 2's dx at step t
    # TODO: embedding backward
    return None


_ = check_stacked_backward(stacked_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def layer_backward(dh_all, steps):
#     """One LSTM layer over a chunk: dh_all (N, T, H) from above → dx_all, dWx, dWh, db."""
#     dh_next, dc_next = np.zeros_like(dh_all[:, 0]), np.zeros_like(dh_all[:, 0])
#     dx, dWx, dWh, db = [None] * len(steps), 0.0, 0.0, 0.0
#     for t in reversed(range(len(steps))):
#         dx[t], dh_next, dc_next, dWx_t, dWh_t, db_t = layers.lstm_step_backward(
#             dh_all[:, t] + dh_next, dc_next, steps[t])
#         dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
#     return np.stack(dx, axis=1), dWx, dWh, db
#
#
# def stacked_backward(dscores, caches):
#     """dscores (N·T, V), rows n·T + t; caches = (emb_cache, steps1, steps2, aff_cache)
#     → a dict of the nine gradients, with the parameters' keys and shapes."""
#     emb_cache, steps1, steps2, aff_cache = caches
#     dh2, dW_out, db_out = layers.affine_backward(dscores, aff_cache)
#     dh2 = dh2.reshape(-1, len(steps2), dh2.shape[1])             # (N, T, H2)
#     dh1, dWx2, dWh2, db2 = layer_backward(dh2, steps2)           # layer 2's dx is dh1 from above
#     dx, dWx1, dWh1, db1 = layer_backward(dh1, steps1)
#     return {"W_embed": layers.embedding_backward(dx, emb_cache),
#             "Wx1": dWx1, "Wh1": dWh1, "b1": db1, "Wx2": dWx2, "Wh2": dWh2, "b2": db2,
#             "W_out": dW_out, "b_out": db_out}
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — stretch: top-k sampling (≈ 10 min)
#
# Sampling at any temperature can still pick a very unlikely character now and then, and one
# bad character derails the rest of the line. **Top-k** sampling draws only from the $k$ most
# likely characters. Write `top_k_probs(scores, k, tau)` for scores of shape $(V,)$: the
# temperature distribution kept on the $k$ highest scores, zero elsewhere, summing to 1. Then,
# if you like, use it in a sampling loop (`helpers/widgets/sampling_explorer.py` has one).

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def top_k_probs(scores, k, tau):
    """scores (V,), 1 ≤ k ≤ V, tau > 0 → probabilities (V,): nonzero on the k best only."""
    # TODO: the distribution at temperature tau, then keep the k highest scores and renormalize
    return None


_ = check_top_k_probs(top_k_probs)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def top_k_probs(scores, k, tau):
#     """scores (V,), 1 ≤ k ≤ V, tau > 0 → probabilities (V,): nonzero on the k best only."""
#     z = scores / tau
#     p = np.exp(z - z.max())
#     keep = np.argsort(-scores)[:k]
#     q = np.zeros_like(p)
#     q[keep] = p[keep]
#     return q / q.sum()
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - A language model is the layers you already know, wired over time: embedding → LSTM →
#   affine → softmax cross-entropy; its backward pass is their backward passes in reverse, with
#   a fork at every $h_t$ and a sum over time for every shared weight.
# - One numerical check of the whole model on a tiny configuration catches bookkeeping bugs
#   (row order, a dropped path) that layer-by-layer checks cannot.
# - Truncated BPTT carries the state $(h, c)$ across chunks but cuts the gradient at their
#   boundaries: context older than $T$ is used, but never credited.
# - Clipping bounds the length of the gradient, not its direction; measure $\lVert g \rVert$
#   before deciding it matters — an unclipped explosion can end in a silent, saturated layer
#   rather than in `nan`.
# - The temperature reshapes the next-character distribution without reordering it: low $\tau$
#   repeats, high $\tau$ invents.
#
# This is the capstone: go back to the [course map](../README.md) and pick the notebook whose
# rule you would now like to derive again, unaided.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Read the five bullets; ask which one surprised the room most (usually the silent
# death of the unclipped LSTM). Close the course by pointing back to the map.

# %% slideshow={"slide_type": "skip"}
_ = progress("11")
