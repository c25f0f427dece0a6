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
# # 09 — Embeddings and weight tying
#
# By the end you can backpropagate through an embedding lookup — a scatter-add in which a word
# used twice collects both its gradients — and through a language model whose input embedding
# and output projection are one matrix, and you will have measured what that tying buys.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/09_embeddings_and_weight_tying.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/09_embeddings_and_weight_tying.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. The promise: by the end of the hour everyone can write the backward pass of an
# embedding lookup and say what a tied language model's shared matrix receives. Two numbers to
# remember from today: the sum of two gradients, and V·D parameters saved.

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
# - Show that multiplying a one-hot row by $W$ *is* looking up a row of $W$, and derive the
#   lookup's backward pass from the matmul gate: a **scatter-add** into the rows that were used.
# - See numpy's trap: `dW[ids] += dout` silently drops gradients when an id repeats;
#   `np.add.at` does not.
# - Build word vectors twice on one small corpus — counted (co-occurrence, PPMI, SVD) and
#   learned by backprop — and compare them.
# - Tie a language model's input embedding to its output projection, derive why the shared
#   matrix receives the **sum** of two gradients, check it, and measure parameters and
#   validation perplexity tied vs untied.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb): a value
#   used twice is a Repeat node (a fork): the gradients that come back are summed.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb):
#   softmax cross-entropy and its gradient $(p - y)/N$.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): for $D = XW$,
#   $dW = X^\top dD$ and $dX = dD\,W^\top$ (below, the looked-up rows are $E = XW$).
# - [06 — Backpropagation through time](06_backprop_through_time.ipynb): the RNN and its backward
#   pass, `rnn_forward`/`rnn_backward` in `helpers.layers`.
# - [07 — LSTM and GRU backprop](07_lstm_and_gru.ipynb): Adam, written out there, trains the
#   language models here. The previous notebook, [08 — Normalization
#   layers](08_normalization.ipynb), is not needed.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **token (토큰)** and **vocabulary (어휘)**: a text cut into words; the $V$ distinct words,
#   each numbered by an **id**.
# - **one-hot vector (원-핫 벡터)**: a row of $V$ zeros with a single 1 at a word's id.
# - **embedding (임베딩)**: a table $W$ of shape $(V, D)$ whose row $v$ is the vector of word
#   $v$; looking it up is `W[ids]`. A **distributed representation (분산 표현)** of words.
# - **scatter-add (인덱스별 누적 덧셈)**: add each row of an array into the row of another that
#   an index names, *accumulating* when an index repeats (`np.add.at`).
# - **Repeat node (반복 노드)**: one value used in several places; its gradient is the sum.
# - **co-occurrence matrix (동시발생 행렬)**, **PPMI (양의 점별 상호정보량)** and **SVD (특잇값
#   분해)**: the **count-based (통계 기반)** route to word vectors, against the **learned
#   (추론 기반)** route through a model and backprop.
# - **language model (언어 모델)**: predicts the next word; **perplexity (퍼플렉서티)**
#   $= e^{\text{loss}}$, the number of equally likely words that loss corresponds to.
# - **weight tying (가중치 공유)**: one matrix used as the **input embedding (입력 임베딩)** and
#   as the **output embedding (출력 임베딩)**, the output projection.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as layers
import helpers.plotting as hp
from helpers.corpora import read_text
from helpers.exercises._check import progress
from helpers.exercises.nb09 import (
    check_embedding_backward,
    check_projected_tied_backward,
    check_tied_projection_backward,
    check_token_gradient,
)
from helpers.gradcheck import check_layer, numerical_gradient_array, rel_error, verdict
from helpers.widgets.embedding_explorer import (
    embedding_explorer,
    embedding_explorer_figure,
    group_similarity,
    word_map_figure,
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: a word is a row of a table
#
# A network cannot multiply the word *cat*. It can multiply a vector, so every word gets one:
# row $v$ of a table $W$ with $V$ rows (one per word of the vocabulary) and $D$ columns. The
# vectors start random; training moves them, and words that behave alike end up close.
#
# Our text is written for this notebook: 1,400 short sentences about a village — animals,
# people, what they eat, where they go. It was composed from a small hand-written grammar, so
# that words of one kind (animals, foods, places …) appear in the same kinds of places.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Ask the room: "how would you feed the word *cat* to a matrix multiply?" Collect
# answers (a number? a one-hot vector?) and say that the one-hot answer is right and wasteful —
# the next slides show why it collapses into indexing. Show two or three sentences of the
# corpus and point out how regular it is: that regularity is what the vectors will find.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The corpus, as ids

# %% slideshow={"slide_type": "-"}
text = read_text("nb09_corpus.txt")               # helpers/data/nb09_corpus.txt
lines = text.splitlines()
tokens = text.split()                             # words and the full stop, in order
vocab = sorted(set(tokens))
word_to_id = {w: i for i, w in enumerate(vocab)}
V = len(vocab)
ids = np.array([word_to_id[w] for w in tokens])   # the whole text as ids
print(f"{len(lines)} sentences, {len(tokens)} tokens, vocabulary V = {V}")
for line in lines[:3]:
    print("   ", line)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Frequent and rare words
#
# Like any text, ours has a few very frequent words and a long tail of rare ones:

# %% slideshow={"slide_type": "-"}
counts = np.bincount(ids, minlength=V)
order = np.argsort(-counts, kind="stable")
print("most frequent:", ", ".join(f"{vocab[i]} {counts[i]}" for i in order[:6]))
print("rarest:       ", ", ".join(f"{vocab[i]} {counts[i]}" for i in order[-5:]))

# %% [markdown] slideshow={"slide_type": "fragment"}
# *the* occurs 2,106 times, *violin* twice. Keep the rare words in mind: how often a row of
# the table receives a gradient will depend on how often its word is used.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One-hot times $W$ is a row lookup
#
# Write the word *cat* as a one-hot row $x$ (zeros, and a 1 at *cat*'s id). Then
# $x W = \sum_v x_v W_{v,:}$ keeps exactly one row of $W$: the product *is* the lookup. For a
# sentence, stack its one-hot rows into $X$ $(T, V)$; $XW$ stacks the looked-up rows.

# %% slideshow={"slide_type": "-"}
rng = np.random.default_rng(0)
D = 4
W = rng.standard_normal((V, D))                   # a random table: one row per word
sentence = "the cat sees the dog ."
sent_ids = np.array([word_to_id[w] for w in sentence.split()])
X = np.eye(V)[sent_ids]                           # (6, V): one 1 per row
print("ids:", sent_ids, " X:", X.shape, " ones per row:", X.sum(axis=1))
print("X @ W equals W[ids] exactly:", np.array_equal(X @ W, W[sent_ids]))
print(f"multiplications: X @ W {X.shape[0] * V * D}, W[ids] 0")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same numbers, but the product spends 1,920 multiplications (almost all by zero) on what
# indexing does for free — and $X$ grows with $V$, which is tens of thousands in real models.
# So the forward pass is `W[ids]`. The backward pass we derive from the product.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the backward of a lookup is a scatter-add
#
# Flatten the batch to $M$ positions with ids $\mathrm{id}_1, \dots, \mathrm{id}_M$, one-hot rows
# $X$ $(M, V)$, and upstream gradient $dE$ $(M, D)$ for the looked-up rows $E$:
#
# $$
# \begin{aligned}
# E &= X\,W && \text{the lookup as a product: } E_{n,:} = W_{\mathrm{id}_n,:}\\
# dW &= X^\top dE && \text{matmul gate (notebook 03)}\\
# dW_{v,:} &= \textstyle\sum_{n=1}^{M} X_{n,v}\; dE_{n,:} && \text{row } v \text{ of } X^\top dE\\
# &= \textstyle\sum_{n:\ \mathrm{id}_n = v} dE_{n,:}
#   && X_{n,v} = 1 \text{ only where word } v \text{ sits}
# \end{aligned}
# $$
#
# Row $v$ of $dW$ is the sum of the upstream rows of every position that used word $v$: zero
# for a word not in the batch, $k$ rows added for a word used $k$ times. Nothing flows to the
# ids: they are integers.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Derive it on the board from the matmul gate; the last line is the whole lesson.
# Ask: "which rows of dW are zero after one batch?" (every word that did not occur). Then run
# the next cell: the one-hot product and the scatter-add give the same dW, and the reference
# layer passes its gradient check. Keep the trap for the slide after the picture.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the scatter-add is the matmul gate's $dW$
#
# On the sentence above, with a random upstream gradient: the one-hot product, `np.add.at`, and
# the reference layer `helpers.layers.embedding_backward` against central differences.

# %% slideshow={"slide_type": "-"}
dE = rng.standard_normal((len(sent_ids), D))      # upstream gradient of the 6 looked-up rows
dW_matmul = X.T @ dE                              # the matmul gate on the one-hot product
dW_scatter = np.zeros((V, D))
np.add.at(dW_scatter, sent_ids, dE)               # add row n of dE into row ids[n] of dW
print(verdict("scatter-add vs Xᵀ·dE", rel_error(dW_scatter, dW_matmul)))
print("rows of dW that are not zero:", [vocab[v] for v in np.flatnonzero(dW_scatter.any(1))])
_ = check_layer(layers.embedding_forward, layers.embedding_backward,
                {"ids": sent_ids[None], "W": W}, name="helpers.layers embedding (N = 1, T = 6)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The Repeat node again: a word used twice
#
# ![The row of "the" in W is copied to positions 1 and 4 of the sentence; on the way back the
# two upstream gradients meet at the row and add](../figures/nb09_repeat.png)
#
# *the* occurs at positions 1 and 4: the lookup copies its row twice — a Repeat node, as in
# notebook 01 — so its gradient is $dE_1 + dE_4$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checked: nudge the row of *the*
#
# Nudging that one row moves *both* looked-up copies, so the central difference of the loss
# $\sum E \odot dE$ sees both upstream gradients:

# %% slideshow={"slide_type": "-"}
the = word_to_id["the"]
W_the = W[the].copy()


def loss_of_the_row(row):
    """Σ E ⊙ dE with the row of 'the' replaced by `row` (its gradient is dW[the])."""
    return np.sum(np.where((sent_ids == the)[:, None], row, W[sent_ids]) * dE)


numeric = numerical_gradient_array(loss_of_the_row, W_the, np.array(1.0))
print(verdict("dW['the'] = dE₁ + dE₄ (central difference)", rel_error(dE[0] + dE[3], numeric)))
print(verdict("dE₄ alone (only the last use)", rel_error(dE[3], numeric)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### numpy's trap: `dW[ids] += dout`
#
# The natural one-liner is wrong. `dW[ids] += dout` means `dW[ids] = dW[ids] + dout`: numpy
# *gathers* the rows (two copies of the row of *the*, both still zero), adds, then *writes* them
# back one after the other — and the second write of the row of *the* replaces the first.
# (numpy calls this buffering.) `np.add.at` is unbuffered: it applies every addition in turn.
# To make the loss visible, give position $n$ the upstream gradient $n$ in every column:

# %% slideshow={"slide_type": "-"}
dout = np.arange(1.0, 7.0)[:, None] * np.ones((1, D))   # position n sends n, n = 1 … 6
dW_add_at = np.zeros((V, D))
np.add.at(dW_add_at, sent_ids, dout)
dW_buffered = np.zeros((V, D))
dW_buffered[sent_ids] += dout                           # the trap
print(f"row of 'the' (positions 1 and 4): np.add.at → {dW_add_at[the, 0]:.0f}, "
      f"dW[ids] += dout → {dW_buffered[the, 0]:.0f}")
print(f"total gradient: np.add.at → {dW_add_at.sum() / D:.0f} = 1+2+…+6, "
      f"dW[ids] += dout → {dW_buffered.sum() / D:.0f}")
print(verdict("dW[ids] += dout vs Xᵀ·dout", rel_error(dW_buffered, X.T @ dout)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The row of *the* should get $1 + 4 = 5$ and gets 4: the first use's gradient is lost, with no
# error and no warning. Every word used once is right, so a quick test with distinct ids would
# pass; only repeats — which every real batch has — expose it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Count-based vectors, briefly
#
# Before any training, we can build word vectors by counting. Words that occur near the same
# words are similar (the *distributional hypothesis*), so describe each word by its neighbours:
#
# 1. a **co-occurrence matrix** $C$ $(V, V)$: $C_{w,c}$ counts how often word $c$ occurs within
#    two positions of word $w$;
# 2. **PPMI** reweights the counts, so that *the* (next to everything) stops dominating;
# 3. a truncated **SVD** compresses each row of $V$ numbers to $D$ numbers.
#
# No gradient is involved: this is the baseline that learned vectors are compared with.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. This is a detour, kept short: the point is that counting already gives sensible
# vectors, and that building C is another scatter-add (with the same trap). Ask: "why would
# PMI help, compared with raw counts?" (raw rows are dominated by *the* and *.*). Show the
# neighbours of *cat* and *bread*, then the map.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Co-occurrence counts: another scatter-add

# %% slideshow={"slide_type": "-"}
def cooccurrence(ids, V, window=2):
    """C (V, V): C[w, c] = how often c occurs within `window` positions of w."""
    C = np.zeros((V, V))
    for k in range(1, window + 1):
        np.add.at(C, (ids[:-k], ids[k:]), 1.0)    # w, then c k positions later
        np.add.at(C, (ids[k:], ids[:-k]), 1.0)    # and the other way round
    return C


C = cooccurrence(ids, V)                          # the whole text

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same trap, in counts
#
# Counting pairs is a scatter-add too, and it has the same trap: with `C[a, b] += 1`, each pair
# that occurs many times would be counted once. The neighbours at distance 1:

# %% slideshow={"slide_type": "-"}
pairs_add_at, pairs_buffered = np.zeros((V, V)), np.zeros((V, V))
np.add.at(pairs_add_at, (ids[:-1], ids[1:]), 1.0)
pairs_buffered[ids[:-1], ids[1:]] += 1.0
cat = word_to_id["cat"]
print(f"'the cat': np.add.at {pairs_add_at[the, cat]:.0f}, C[a, b] += 1 gives "
      f"{pairs_buffered[the, cat]:.0f}; all pairs: {pairs_add_at.sum():.0f} vs "
      f"{pairs_buffered.sum():.0f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### PPMI and SVD
#
# With $S = \sum_{w,c} C_{w,c}$ and the row sums $C_w$ (as $C$ is symmetric, they are also the
# column sums):
#
# $$\mathrm{PMI}(w, c) = \log_2 \frac{C_{w,c}\, S}{C_w\, C_c}, \qquad
#   \mathrm{PPMI}(w, c) = \max\bigl(0, \mathrm{PMI}(w, c)\bigr)$$
#
# PMI compares how often $w$ and $c$ meet with how often they would meet by chance; PPMI keeps
# only the "more than chance" part (and turns $\log 0 = -\infty$ into 0). Then
# $\mathrm{PPMI} = U \Sigma Q^\top$ and the word vectors are the first $D$ columns of
# $U\Sigma$.

# %% slideshow={"slide_type": "-"}
def ppmi(C):
    """Positive pointwise mutual information of a co-occurrence matrix C (V, V)."""
    S, row, col = C.sum(), C.sum(axis=1, keepdims=True), C.sum(axis=0, keepdims=True)
    with np.errstate(divide="ignore"):            # log2(0) = −inf, clipped to 0 below
        pmi = np.log2(C * S / (row * col))
    return np.maximum(pmi, 0.0)


U, sigma, _ = np.linalg.svd(ppmi(C))
count_vectors = U[:, :16] * sigma[:16]            # (V, 16): one 16-number vector per word

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Nearest neighbours by cosine similarity
#
# The cosine of the angle between two vectors, $\cos(a, b) = a \cdot b / (\|a\|\,\|b\|)$, is 1
# for vectors pointing the same way and about 0 for unrelated random ones.

# %% slideshow={"slide_type": "-"}
def neighbours(vectors, word, k=4):
    """The k words whose rows have the highest cosine similarity with `word`'s row."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = unit @ unit[word_to_id[word]]
    best = [i for i in np.argsort(-cos, kind="stable") if vocab[i] != word][:k]
    return ", ".join(f"{vocab[i]} {cos[i]:.2f}" for i in best)


for word in ("cat", "bread", "farmer"):
    print(f"{word:7s} → {neighbours(count_vectors, word)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The count-based vectors in 2-D

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
word_map_figure(count_vectors, vocab, "Count-based vectors (PPMI + SVD, D = 16)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The two principal axes of the 16-dimensional vectors already separate the groups: people,
# animals and places each gather in a region of their own, and food splits in two — what people
# eat (bread, soup, cakes) and what animals eat (milk, seeds, …). No model, no gradient: only
# counts. The learned vectors below get there by backprop.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A tiny language model, tied and untied
#
# The model reads the text one word at a time and predicts the next word (row convention,
# a batch of $N$ sequences of $T$ words, $H = D$):
#
# $$
# \begin{aligned}
# x_t &= W_{\mathrm{id}_t,:} && \text{input embedding: a lookup in } W\ (V, D)\\
# h_t &= \tanh(x_t W_x + h_{t-1} W_h + b_h) && \text{RNN (notebook 06)}\\
# s_t &= h_t\, W_{\text{out}}^\top + b && \text{output embedding } W_{\text{out}}\ (V, D)\\
# L &= -\tfrac{1}{NT}\textstyle\sum_{n,t} \log p_{n,t}[\mathrm{id}_{n,t+1}]
#   && p = \operatorname{softmax}(s)\text{ (notebook 02)}
# \end{aligned}
# $$
#
# Both $W$ and $W_{\text{out}}$ have one row per word. **Tying** (Inan et al. 2016; Press &
# Wolf 2017) sets $W_{\text{out}} = W$: the same row that *reads* a word also *scores* it.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Point at the two (V, D) tables at the bottom and top of the model and ask: "what does
# a row of each mean?" The input row is how a word looks as context; the output row is the
# direction h must point to predict that word. Words that are interchangeable as context
# (cat/dog) are also predicted in the same places, which is the intuition for tying. Tying
# needs H = D here (with H ≠ D, a projection is inserted: exercise 4).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: one matrix, two uses, one sum
#
# Tied, $W$ enters the graph twice: at the bottom (lookup) and at the top, transposed. Write the
# top use with $U = W^\top$ $(D, V)$, so that $s = hU + b$ is an ordinary affine layer:
#
# $$
# \begin{aligned}
# dU &= h^\top ds, \qquad dh = ds\, U^\top = ds\, W && \text{matmul gate (notebook 03)}\\
# dW_{\text{output use}} &= dU^\top = ds^\top h && U_{ij} = W_{ji}\text{: transpose back}\\
# dW_{\text{input use}} &= \text{scatter-add of } dx && \text{the lookup, derived above}\\
# dW &= dW_{\text{input use}} + dW_{\text{output use}} && \text{used twice: a Repeat node sums}
# \end{aligned}
# $$
#
# Untied, the two shares go to two different matrices: $dW$ gets the first, $dW_{\text{out}}$
# the second.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: the forward pass
#
# Every layer comes from `helpers.layers`; the top is `affine_forward` with the weight
# `W_out.T`, the $U$ of the derivation. A model is tied when it has no `W_out` of its own.

# %% slideshow={"slide_type": "-"}
def lm_forward(params, x_ids, y_ids):
    """x_ids, y_ids (N, T) → mean cross-entropy of predicting y_ids from x_ids, cache."""
    N, T = x_ids.shape
    D = params["Wh"].shape[0]
    W_out = params.get("W_out", params["W"])             # tied: the input table itself
    x, emb_cache = layers.embedding_forward(x_ids, params["W"])           # (N, T, D)
    h, rnn_cache = layers.rnn_forward(x, np.zeros((N, D)), params["Wx"], params["Wh"],
                                      params["bh"])                        # (N, T, D)
    scores, out_cache = layers.affine_forward(h.reshape(N * T, D), W_out.T, params["b"])
    loss, dscores = layers.softmax_cross_entropy(scores, y_ids.reshape(-1))
    return loss, ((N, T), emb_cache, rnn_cache, out_cache, dscores)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: the backward pass
#
# `softmax_cross_entropy` returned the loss and $ds$ together (notebook 02). Walk back through
# the top, the RNN and the lookup; then give each table its share — or, tied, their sum.

# %% slideshow={"slide_type": "-"}
def lm_backward(params, cache):
    """Gradients of the loss for every entry of `params` (same keys, same shapes)."""
    (N, T), emb_cache, rnn_cache, out_cache, dscores = cache
    dh, dU, db = layers.affine_backward(dscores, out_cache)                # dU = hᵀ·ds (D, V)
    dx, _, dWx, dWh, dbh = layers.rnn_backward(dh.reshape(N, T, -1), rnn_cache)
    dW_input_use = layers.embedding_backward(dx, emb_cache)               # scatter-add
    grads = {"Wx": dWx, "Wh": dWh, "bh": dbh, "b": db}
    if "W_out" in params:                                                  # untied
        grads["W"], grads["W_out"] = dW_input_use, dU.T
    else:                                                                  # tied
        grads["W"] = dW_input_use + dU.T          # one matrix, two uses: the gradients add
    return grads

# %% slideshow={"slide_type": "skip"}
def init_lm(rng, V, D, tied):
    """W (V, D), Wx and Wh (D, D), bh (D,), b (V,); untied also W_out (V, D)."""
    params = {"W": 0.1 * rng.standard_normal((V, D)),
              "Wx": rng.standard_normal((D, D)) / np.sqrt(D),
              "Wh": 0.5 * rng.standard_normal((D, D)) / np.sqrt(D),
              "bh": np.zeros(D), "b": np.zeros(V)}
    if not tied:
        params["W_out"] = 0.1 * rng.standard_normal((V, D))
    return params


def numeric_grads(params, x_ids, y_ids):
    """Central differences (Richardson-refined, h = 1e-3) of the loss for every parameter."""
    def loss_with(name, value):
        return lm_forward({**params, name: value}, x_ids, y_ids)[0]
    return {name: numerical_gradient_array(lambda v, name=name: loss_with(name, v),
                                           p.copy(), np.array(1.0), h=1e-3, richardson=True)
            for name, p in params.items()}

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: the tied gradient is a sum
#
# Every parameter of both models against central differences, on a small model: $V = 8$
# words, $D = 4$, a batch of $N = 2$ sequences of $T = 5$, weights at twice their initial size.
# (With 80 words and the small initial weights, some entries of the gradient are so tiny that
# the round-off of the differences dominates their relative error on some batches: the raw
# numbers below show it.)
# Then the tied table's gradient is split into its two shares: by the derivation, neither
# share alone is the gradient — only their sum is.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Run the cell and read the verdicts. The second cell is the one to dwell on: a tied
# model is an untied model whose two tables happen to hold the same numbers; each table's
# gradient is one share, and the tied gradient is their sum. Ask: "what goes wrong in training
# if you only apply the input share?" (you train a different model than the one you run).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Every parameter of both models

# %% slideshow={"slide_type": "-"}
rng = np.random.default_rng(9)
V_small = 8
x_small, y_small = rng.integers(0, V_small, (2, 5)), rng.integers(0, V_small, (2, 5))
errors = {}                                             # the raw numbers, shown further down
for tied in (False, True):
    params = {k: 2 * p for k, p in init_lm(rng, V_small, 4, tied).items()}
    grads = lm_backward(params, lm_forward(params, x_small, y_small)[1])
    numeric = numeric_grads(params, x_small, y_small)
    name = f"{'tied' if tied else 'untied'} model, all {len(params)} parameter arrays"
    errors[name] = max(rel_error(grads[k], numeric[k]) for k in params)
    print(verdict(name, errors[name]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two shares of the tied gradient
#
# Copy the tied model's table into an untied model (`W_out = W`, same numbers): its two
# gradients are exactly the input share and the output share.

# %% slideshow={"slide_type": "-"}
copied = {**params, "W_out": params["W"].copy()}        # params: the tied model just checked
shares = lm_backward(copied, lm_forward(copied, x_small, y_small)[1])
input_share, output_share = shares["W"], shares["W_out"]
dW_numeric = numeric["W"]                               # the tied model's dW, by differences
errors["tied dW = input share + output share"] = rel_error(input_share + output_share, dW_numeric)
print(verdict("input share + output share", errors["tied dW = input share + output share"]))
for name, alone, left_out in (("input", input_share, output_share),
                              ("output", output_share, input_share)):
    print(verdict(f"{name} share alone", rel_error(alone, dW_numeric)) + "; the share it leaves "
          f"out is {np.linalg.norm(left_out) / np.linalg.norm(dW_numeric):.0%} of ‖dW‖ in size")

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print(f"rows with an input share: {int(input_share.any(axis=1).sum())} of {V_small} "
      f"(the batch uses {len(np.unique(x_small))} distinct words); "
      f"with an output share: {int(output_share.any(axis=1).sum())} of {V_small}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Only the sum passes; each share alone leaves out a part as large as 96% or 62% of the
# gradient. The last line shows where each share lands: the input share only in the
# rows of the words the batch *reads*, the output share in *every* row — the softmax scores all
# $V$ words at every position, so each row gets a gradient $(p - y)$ every step.

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
print("the raw relative errors (they vary with the machine's floating-point libraries):")
for name, err in errors.items():
    print(f"   {name}: {err:.1e}")
print(f"dW_out with V = {V} and the initial weights, on ten random batches "
      "(relative error; the smallest |entry| of dW_out; the largest |difference|):")
rng_full = np.random.default_rng(9)
for _ in range(10):
    full = init_lm(rng_full, V, 4, tied=False)
    x_full, y_full = rng_full.integers(0, V, (2, 5)), rng_full.integers(0, V, (2, 5))
    g_out = lm_backward(full, lm_forward(full, x_full, y_full)[1])["W_out"]
    n_out = numerical_gradient_array(lambda w, p=full, x=x_full, y=y_full:
                                     lm_forward({**p, "W_out": w}, x, y)[0],
                                     full["W_out"].copy(), np.array(1.0), h=1e-3,
                                     richardson=True)
    print(f"   {rel_error(g_out, n_out):.0e}   {np.abs(g_out).min():.0e}   "
          f"{np.abs(g_out - n_out).max():.0e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Parameters and perplexity, tied vs untied
#
# Three models on the same text: untied with $D = 16$; tied with $D = 16$; and tied with
# $D = 24$, which spends the parameters that tying saves on a wider model. Each is trained with
# Adam (notebook 07; learning rate 0.01) for 800 steps on batches of 16 random windows of 21
# words of the training text (the first 1,260 sentences), and measured on the 140 held-out
# sentences by
# **perplexity**: $e^{L}$ with $L$ the mean cross-entropy there. Guessing uniformly gives
# $L = \log V$, a perplexity of $V = 80$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. First the parameter count (exact), then the training (nine short runs: start them
# and talk over them). Ask the room to predict before the
# results: "same width, which model is better? same number of parameters?" Then read the
# per-seed table — three seeds each, so the audience sees the spread, not one lucky run.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Parameter counts

# %% slideshow={"slide_type": "-"}
MODELS = {"untied, D = 16": (False, 16), "tied, D = 16": (True, 16), "tied, D = 24": (True, 24)}
n_params = {name: sum(p.size for p in init_lm(np.random.default_rng(0), V, D, tied).values())
            for name, (tied, D) in MODELS.items()}
for name, (tied, D) in MODELS.items():
    print(f"{name}: {n_params[name]:5,d} parameters, {V * D * (1 if tied else 2):,d} of them "
          "in the embedding tables")
saved = n_params["untied, D = 16"] - n_params["tied, D = 16"]
print(f"tying at D = 16 saves {saved:,d} = V·D ({saved / n_params['untied, D = 16']:.0%})")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Tying removes exactly one $(V, D)$ table: $V \cdot D = 80 \cdot 16 = 1{,}280$ of the untied
# model's 3,168 parameters (40%). With real vocabularies ($V$ in the tens of thousands) the
# two tables are most of a small language model, and tying halves them.

# %% slideshow={"slide_type": "skip"}
n_train = len(" ".join(lines[:-140]).split())        # the words of the first 1,260 sentences
train_ids, val_ids = ids[:n_train], ids[n_train:]    # the last 140 sentences are held out


def tables_of(params):
    """Copies of the embedding tables (W, and W_out when untied), for the picture at the end."""
    return {k: params[k].copy() for k in ("W", "W_out") if k in params}


def perplexity(params, ids, rows=8):
    """e^(mean cross-entropy) of predicting ids[1:] from ids[:-1], read as `rows` streams."""
    L = (len(ids) - 1) // rows
    x, y = ids[:rows * L].reshape(rows, L), ids[1:rows * L + 1].reshape(rows, L)
    return float(np.exp(lm_forward(params, x, y)[0]))


def adam_step(params, grads, state, step, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update of every parameter (in place); state holds the running moments."""
    for k in params:
        m, s = state.get(k, (0.0, 0.0))
        m = beta1 * m + (1 - beta1) * grads[k]
        s = beta2 * s + (1 - beta2) * grads[k] ** 2
        state[k] = m, s
        m_hat, s_hat = m / (1 - beta1**step), s / (1 - beta2**step)    # bias-corrected
        params[k] = params[k] - lr * m_hat / (np.sqrt(s_hat) + eps)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The training loop
#
# Every 50 steps it records the validation perplexity and a copy of the tables (for the
# picture at the end).

# %% slideshow={"slide_type": "-"}
def train_lm(tied, D, seed, steps=800, N=16, T=20, lr=1e-2, every=50):
    """Adam on random windows of T + 1 training words → params, [(step, perplexity, tables)]."""
    rng = np.random.default_rng(seed)
    params, state = init_lm(rng, V, D, tied), {}
    log = [(0, perplexity(params, val_ids), tables_of(params))]
    for step in range(1, steps + 1):
        windows = train_ids[rng.integers(0, len(train_ids) - T, N)[:, None] + np.arange(T + 1)]
        _, cache = lm_forward(params, windows[:, :-1], windows[:, 1:])
        adam_step(params, lm_backward(params, cache), state, step, lr)
        if step % every == 0:
            log.append((step, perplexity(params, val_ids), tables_of(params)))
    return params, log

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Nine training runs
#
# Three models, three seeds each (the seed sets the initial weights and the batches).

# %% slideshow={"slide_type": "-"}
SEEDS = (0, 1, 2)
runs = {(name, seed): train_lm(tied, D, seed) for name, (tied, D) in MODELS.items()
        for seed in SEEDS}
final = {key: log[-1][1] for key, (_, log) in runs.items()}
print(f"training: {len(lines) - 140:,d} sentences, {len(train_ids):,d} words; validation: "
      f"140 sentences, {len(val_ids):,d} words")
start = [log[0][1] for _, log in runs.values()]         # perplexity at step 0, every run
print(f"before training: perplexity {min(start):.1f} to {max(start):.1f} (V = {V})")
for name in MODELS:
    per_seed = "  ".join(f"{final[(name, s)]:.2f}" for s in SEEDS)
    print(f"{name}: validation perplexity {per_seed}   (seeds {SEEDS}; "
          f"mean {np.mean([final[(name, s)] for s in SEEDS]):.2f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Who wins, seed by seed

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def wins(a, b):
    """On how many seeds model a ends with a lower validation perplexity than model b."""
    return sum(final[(a, s)] < final[(b, s)] for s in SEEDS)


def mean(name):
    return np.mean([final[(name, s)] for s in SEEDS])


print(f"untied 16 beats tied 16 on {wins('untied, D = 16', 'tied, D = 16')} of 3 seeds, by "
      f"{mean('tied, D = 16') - mean('untied, D = 16'):.2f} on average")
print(f"tied 24 beats untied 16 on {wins('tied, D = 24', 'untied, D = 16')} of 3 seeds, by "
      f"{mean('untied, D = 16') - mean('tied, D = 24'):.2f} on average")
print("spread between one model's seeds: " + ", ".join(
    f"{name} {np.ptp([final[(name, s)] for s in SEEDS]):.2f}" for name in MODELS))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Perplexity while training, and at the end

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9.0, 4.0), width_ratios=(1.5, 1))
colours = {"untied, D = 16": hp.NEUTRAL, "tied, D = 16": hp.GRADIENT,
           "tied, D = 24": hp.FORWARD}
for k, (name, colour) in enumerate(colours.items()):
    logs = [runs[(name, seed)][1] for seed in SEEDS]
    steps_logged = [step for step, _, _ in logs[0]]
    mean_ppl = np.mean([[ppl for _, ppl, _ in log] for log in logs], axis=0)
    ax1.plot(steps_logged[2:], mean_ppl[2:], color=colour, lw=2, label=name)
    ax2.plot([k] * len(SEEDS), [final[(name, s)] for s in SEEDS], "o", color=colour, ms=8)
ax1.set_xlabel("training step")
ax1.set_ylabel("validation perplexity")
ax1.set_title("Mean of three seeds, from step 100")
ax1.legend(loc="upper right")
ax2.set_xticks(range(3), [f"{name.replace(', D = ', ' ')}\n{n_params[name]:,d}"
                          for name in colours])
ax2.set_xlim(-0.5, 2.5)
ax2.set_xlabel("model and its parameter count")
ax2.set_ylabel("validation perplexity")
ax2.set_title("After 800 steps, each seed")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Left, the mean over the three seeds from step 100 (every run starts near 80, as printed
# above). Right, every run's final perplexity, with each model's parameter count: the tied
# $D = 16$ model (orange, 1,888 parameters) ends highest on average; of the two models of
# almost equal size, the tied $D = 24$ one (blue, 3,176 parameters) ends below the untied
# $D = 16$ one (grey, 3,168) on every seed.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the toy shows, and what it does not
#
# - **Shows**: tying saves exactly $V \cdot D$ parameters; the shared table's gradient is the
#   sum of its two uses' gradients (checked above). On these three seeds, at equal width the
#   untied model ends lower on average (mean 3.41 vs 3.50) but not on every seed (2 of 3); at
#   an equal parameter count the wider tied model ends lower on all 3 (mean 3.33 vs 3.41).
# - **Does not show**: the papers' results. Inan et al. and Press & Wolf report lower perplexity
#   for tied models on real corpora (Penn Treebank and larger), with vocabularies of 10,000+
#   words and regularised networks. Our text comes from a small grammar, the models are not
#   trained to convergence (800 steps, nothing tuned per model), and the margins (0.09 and 0.08
#   on the means) are smaller than the spread between one model's seeds (up to 0.12): another
#   learning rate or training length could reorder single seeds. Nor does it say whether the
#   $D = 24$ model is ahead because it is tied or because it is wider (its RNN is wider too).
#   Try it: train an untied $D = 24$ model (`train_lm(False, 24, seed)`), or train on a fifth
#   of the text (`train_ids[:len(train_ids) // 5]`) and watch which model overfits first.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which table organises the words?
#
# Press & Wolf found that an untied model's output table is itself a good word embedding —
# better than its input table on word-similarity tests — and that a tied table behaves like
# the output table. Measure how well each table groups words by role (mean cosine of two words
# of the same group — animals, people, food, places, verbs, describing words — against two words
# of different groups), averaged over the three seeds, then seed by seed:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
tables_to_compare = {
    "count-based (PPMI + SVD)": [count_vectors],
    "untied, input table W": [runs[("untied, D = 16", s)][0]["W"] for s in SEEDS],
    "untied, output table W_out": [runs[("untied, D = 16", s)][0]["W_out"] for s in SEEDS],
    "tied, D = 16, the one table": [runs[("tied, D = 16", s)][0]["W"] for s in SEEDS],
    "random table (no training)": [np.random.default_rng(s).standard_normal((V, 16))
                                   for s in SEEDS],
}
similarity = {name: np.array([group_similarity(t, vocab) for t in tables])
              for name, tables in tables_to_compare.items()}       # (tables, 2): same, different
for name, sims in similarity.items():
    within, between = np.round(sims.mean(axis=0), 2) + 0.0        # + 0.0: no −0.00
    each = f"({' '.join(f'{w:.2f}' for w in np.round(sims[:, 0], 2) + 0.0)})" \
        if len(sims) > 1 else ""
    print(f"{name:27s} same group {within:.2f} {each:16s} different groups {between:+.2f}")
same = {name: sims[:, 0] for name, sims in similarity.items()}     # per seed
above = {label: int(np.sum(same[name] > same["untied, input table W"]))
         for label, name in (("untied W_out", "untied, output table W_out"),
                             ("tied W", "tied, D = 16, the one table"))}
print("seeds on which it groups more than the untied input W: "
      + ", ".join(f"{label} {n} of 3" for label, n in above.items()))
print("'cat' in the tied table (seed 0):", neighbours(runs[("tied, D = 16", 0)][0]["W"], "cat"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Random vectors give about 0 for both. Every trained table groups words by role, with almost
# no similarity across groups. The differences between the three trained tables are small
# (0.52, 0.57, 0.58): on average the untied output table and the tied table group a little more
# than the untied input table — the direction Press & Wolf report, but on this toy only just:
# the tied table does on all 3 seeds, the output table on 2 of 3. The count-based vectors
# group words too, yet stay similar *across* groups as well (0.19).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: the learned vectors as training advances
#
# Choose a table and move the slider through training. The map puts every saved copy of the
# table on one plane — the two principal axes of the *final* table — so a dot moves exactly as
# its row moves along those two axes. The line under the title gives the same-group and
# different-group similarities at that step.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min, live. The explorer opens half-way, at step 400. Drag back to step 0: all dots in a
# heap (small random rows). Then to 100: the groups have already formed, and the same-group
# similarity is at its highest (the line under the title; the numbers two slides on); after
# that it falls slowly while the words inside each group move apart.
# Switch to the untied input table and compare with the output table at the same step. Ask:
# "why would a whole group move together at first?" (words used in the same places receive
# similar gradients).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The explorer

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output", "hide-input"]
steps_saved = [step for step, _, _ in runs[("tied, D = 16", 0)][1]]
snapshots = {
    "tied W (D = 16)": np.stack([t["W"] for _, _, t in runs[("tied, D = 16", 0)][1]]),
    "untied input W": np.stack([t["W"] for _, _, t in runs[("untied, D = 16", 0)][1]]),
    "untied output W_out": np.stack([t["W_out"] for _, _, t in runs[("untied, D = 16", 0)][1]]),
}
embedding_explorer(snapshots, steps_saved, vocab)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Its default state, for where widgets do not render

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
embedding_explorer_figure(snapshots, steps_saved, vocab)  # the widget's opening state

# %% [markdown] slideshow={"slide_type": "fragment"}
# The tied table at step 400 of 800 (seed 0), where the explorer opens, drawn statically so
# that it shows on GitHub too.
# People, animals and places each sit in a region of their own, the verbs in the middle; food
# again splits into what people eat (bread) and what animals eat (milk); the remaining words
# (grey dots) lie between the groups.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same story in numbers
#
# The same-group and different-group similarities at a few of the saved steps (seed 0):

# %% slideshow={"slide_type": "-"}
shown = [steps_saved.index(step) for step in (0, 100, 400, 800)]
print("same / different group" + "".join(f"   step {steps_saved[i]:<8d}" for i in shown))
for name, tables in snapshots.items():
    pairs = [np.round(group_similarity(tables[i], vocab), 2) + 0.0 for i in shown]  # no −0.00
    print(f"{name:22s}" + "".join(f"   {w:5.2f} / {b:+.2f}" for w, b in pairs))
peaks = [steps_saved[int(np.argmax([group_similarity(t, vocab)[0] for t in tables]))]
         for tables in snapshots.values()]
print("same group highest, of all the saved steps, at step:", ", ".join(map(str, peaks)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Step 0 is random (about 0/0). Each table groups words most strongly at step 100 (of the
# copies saved every 50 steps), more than it will at the end: at first a whole group moves
# together, and later training pulls the words of a group apart again, while the groups stay
# apart from each other.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Four exercises: a warm-up, two build-its and an optional stretch. Edit the stub, run the cell;
# the checker prints ✓ or a hint. Solutions are folded under each exercise.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 60 min in a lab for all four; in a lecture, do exercise 1 together (5 min) and set 2 and 3 as
# homework, 4 for the keen. The classic slip in 2 is `dW[ids] += dout` (the checker names it);
# in 3 it is returning hᵀ·ds, the affine layer's dw, without transposing it back.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: one word's gradient (≈ 5 min)
#
# Given the ids of a batch `ids` $(N, T)$ and the upstream gradient of every looked-up row
# `dout` $(N, T, D)$, return the gradient of row `k` of the table, shape $(D,)$ (zeros when
# word `k` is not in the batch). One line.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def token_gradient(ids, dout, k):
    """ids (N, T) ints, dout (N, T, D), k a word id → dW[k], shape (D,)."""
    # TODO: which positions hold word k, and what do their gradients add up to?
    return None


_ = check_token_gradient(token_gradient)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def token_gradient(ids, dout, k):
#     """ids (N, T) ints, dout (N, T, D), k a word id → dW[k], shape (D,)."""
#     return dout[ids == k].sum(axis=0)      # a boolean mask picks every use of word k
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — build it: the embedding backward (≈ 15 min)
#
# Write the whole backward pass of `out = W[ids]`: given `dout` $(N, T, D)$, `ids` $(N, T)$
# and the vocabulary size `V`, return `dW` $(V, D)$. Without `helpers.layers`.
#
# `def embedding_backward(dout, ids, V): ... return dW`

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def embedding_backward(dout, ids, V):
    """dout (N, T, D), ids (N, T) ints in [0, V) → dW (V, D)."""
    # TODO: start from a table of zeros with one row per word
    # TODO: add every row of dout into the row its id names — repeated ids must add up
    return None


_ = check_embedding_backward(embedding_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def embedding_backward(dout, ids, V):
#     """dout (N, T, D), ids (N, T) ints in [0, V) → dW (V, D)."""
#     dW = np.zeros((V, dout.shape[-1]))
#     np.add.at(dW, ids, dout)      # unbuffered: a repeated id gets every one of its rows
#     return dW
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — build it: the tied output projection, backward (≈ 20 min)
#
# The top of a tied model computes `scores = h @ W.T + b` with the embedding table `W` $(V, D)$
# itself, for `h` $(M, D)$ and `b` $(V,)$; the cache is `(h, W)`. Write its backward pass:
# return `dh` $(M, D)$, `dW` $(V, D)$ (this use's share) and `db` $(V,)$, from `dscores`
# $(M, V)$. Without `helpers.layers`.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def tied_projection_backward(dscores, cache):
    """dscores (M, V), cache = (h (M, D), W (V, D)) → dh (M, D), dW (V, D), db (V,)."""
    # TODO: dh — the matmul gate, through the matrix as it was used (W.T)
    # TODO: dW — in W's shape (V, D), not in the shape of W.T
    # TODO: db — b was added to every one of the M rows
    return None


_ = check_tied_projection_backward(tied_projection_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def tied_projection_backward(dscores, cache):
#     """dscores (M, V), cache = (h (M, D), W (V, D)) → dh (M, D), dW (V, D), db (V,)."""
#     h, W = cache
#     dh = dscores @ W              # = dscores @ (W.T).T
#     dW = dscores.T @ h            # the transpose of hᵀ·dscores, the gradient of W.T
#     db = dscores.sum(axis=0)      # a broadcast bias sums over the rows
#     return dh, dW, db
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4 — stretch: tying through a projection (≈ 20 min)
#
# Tying needs the hidden state and the embeddings to have the same size. When the hidden size
# $H$ differs from $D$, insert a projection $P$ $(H, D)$: `scores = h @ P @ W.T + b`, with `h`
# $(M, H)$ (Press & Wolf insert such a projection, as a regulariser, even when $H = D$). The
# cache is `(h, P, W)`. Return `dh` $(M, H)$, `dP` $(H, D)$, `dW` $(V, D)$ and `db` $(V,)$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def projected_tied_backward(dscores, cache):
    """dscores (M, V), cache = (h (M, H), P (H, D), W (V, D)) → dh, dP, dW, db."""
    # TODO: name the projected state u = h @ P (M, D): then scores = u @ W.T + b
    # TODO: first the top gate (as in exercise 3), then the gate u = h @ P
    return None


_ = check_projected_tied_backward(projected_tied_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def projected_tied_backward(dscores, cache):
#     """dscores (M, V), cache = (h (M, H), P (H, D), W (V, D)) → dh, dP, dW, db."""
#     h, P, W = cache
#     u = h @ P                     # the forward value W meets
#     du = dscores @ W              # the top gate, as in exercise 3
#     dW = dscores.T @ u
#     db = dscores.sum(axis=0)
#     dh, dP = du @ P.T, h.T @ du   # the matmul gate u = h @ P
#     return dh, dP, dW, db
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - One-hot times $W$ is a row lookup, so the embedding forward is `W[ids]` and its backward,
#   from the matmul gate $dW = X^\top dE$, is a **scatter-add**: row $v$ of $dW$ is the sum of
#   the upstream rows of every position holding word $v$.
# - Write it `np.add.at(dW, ids, dout)`. `dW[ids] += dout` is buffered: a repeated id keeps only
#   its last gradient, silently.
# - A word used $k$ times is a Repeat node with $k$ copies: its row's gradient is the sum of $k$.
# - Counting (co-occurrence → PPMI → SVD) already gives word vectors; a language model learns
#   them by backprop.
# - **Weight tying** uses one table as input embedding and output projection: it saves $V\cdot D$
#   parameters, and the table's gradient is the sum of the lookup's scatter-add and the
#   projection's $ds^\top h$ — every row gets a gradient every step.
#
# Next: [10 — Attention as a gradient shortcut](10_attention.ipynb), where a softmax over
# positions gives the gradient a direct path across a sequence.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Ask one person to say the scatter-add rule in one sentence and another to say why
# `dW[ids] += dout` fails. Then the progress line: who has all four?

# %% slideshow={"slide_type": "-"}
_ = progress("09")
