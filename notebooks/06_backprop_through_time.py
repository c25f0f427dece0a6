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
# # 06 — Backpropagation through time
#
# By the end you can backpropagate through a recurrent network by hand, prove why its gradients
# vanish or explode, and tame them with clipping and truncation — every step checked in numpy.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/06_backprop_through_time.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/06_backprop_through_time.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. The promise: a recurrent network is an ordinary graph once it is unrolled, so its
# backward pass is nothing new — but the *length* of that graph makes gradients vanish or
# explode. Two pictures to aim for: the gradient curve on a log axis, and the loss "cliff".
# Plan two lectures: up to the Check section, then Picture to the end.

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
# - See why sequence data is not i.i.d., and what that means for batching: contiguous chunks,
#   with the hidden state carried from one to the next.
# - Go from autoregressive models to the RNN $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$ and
#   derive backpropagation through time (BPTT): $\partial L/\partial h_t$ flows to $x_t$ and
#   $h_{t-1}$, and each shared weight collects a **sum** over time steps.
# - Derive $\partial h_T/\partial h_t$ as a product of $\operatorname{diag}(\tanh')\,W_h^\top$
#   factors and bound it by $\sigma_{\max}(W_h)^{T-t}$: below 1 it vanishes; above 1 it can
#   explode, and you will see it explode, parameter by parameter.
# - Implement and check gradient-norm clipping and truncated BPTT, and measure what each costs.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb): a fork
#   (the Repeat node) sums the gradients that come back; gradient checking.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb):
#   $\tanh' = 1 - \tanh^2 \le 1$, saturation.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dW = X^\top dD$,
#   $dX = dD\,W^\top$, a broadcast bias sums over the batch.
# - [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb): an
#   elementwise activation has a diagonal Jacobian; row vs column convention.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **sequence data (시퀀스 데이터)**: values whose order carries information (sound, text,
#   prices); it breaks the **i.i.d. assumption (독립 동일 분포 가정)**.
# - **autoregressive model (자기회귀 모델)**: predicts $x_t$ from a fixed window of past values;
#   **latent autoregressive model (잠재 자기회귀 모델)**: from a summary of the whole past.
# - **recurrent neural network, RNN (순환 신경망)** and its **hidden state (은닉 상태)** $h_t$.
# - **backpropagation through time, BPTT (시간에 따른 역전파)**: backpropagation on the graph
#   unrolled over time steps.
# - **vanishing gradient (기울기 소실)** and **exploding gradient (기울기 폭주)**.
# - **singular value (특잇값)** $\sigma_{\max}$: the largest stretch a matrix applies to a vector.
# - **gradient clipping (기울기 클리핑)** and **truncated BPTT (잘린 BPTT)**.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as layers
import helpers.plotting as hp
from helpers.exercises._check import progress
from helpers.exercises.nb06 import (
    check_bptt_backward,
    check_clip_grad_norm,
    check_predictions,
    check_shared_dWh,
    check_stitched_backward,
    linear_gradient_ratio,
    prediction_matrices,
)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error, verdict
from helpers.layers.init import orthogonal
from helpers.widgets.gradient_highway import gradient_norms_through_time
from helpers.widgets.vanishing_explorer import (
    vanishing_explorer,
    vanishing_explorer_figure,
    vanishing_profile,
)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: sequences need memory
#
# A sequence $x_1, x_2, \dots$ is not a bag of independent samples: what comes next depends on
# what came before. We generate one — two sines with periods 40 and 13 steps plus a little
# noise — and use it throughout.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min for the intuition. Show the curve and ask: "I give you one value, 0.5 — what comes
# next?" (you cannot tell: rising or falling, which part of which cycle). Then two minutes on
# the window models and the shuffled sequence: the same 400 numbers, and all the predictability
# is gone. That is the i.i.d. assumption failing, and it comes back when we batch.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
rng = np.random.default_rng(6)
T_signal = 400
steps = np.arange(T_signal)
signal = (np.sin(2 * np.pi * steps / 40) + 0.5 * np.sin(2 * np.pi * steps / 13)
          + 0.1 * rng.standard_normal(T_signal))

fig, ax = plt.subplots(figsize=(8, 2.8))
ax.plot(steps, signal, color=hp.FORWARD, lw=1.2)
ax.set_xlabel("time step t")
ax.set_ylabel("value $x_t$")
ax.set_title("A generated sequence: two sines (periods 40 and 13) plus noise")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The curve repeats but is not a single sine: to predict the next value you must know where you
# are in *both* cycles, which no single past value tells you.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Autoregressive models: a fixed window of the past
#
# An **autoregressive** model of order $\tau$ predicts the next value from the last $\tau$ values
# only: $\hat x_t = c + \sum_{k=1}^{\tau} a_k\, x_{t-k}$. A linear one is fitted by least
# squares. Fit on the first 300 steps, test on the last 100:

# %% slideshow={"slide_type": "-"}
def ar_test_error(x, tau, split=300):
    """Fit x_t ≈ c + Σ_k a_k·x_{t−k} on x[:split]; return the mean squared error on the rest."""
    rows = np.stack([x[tau - k:len(x) - k] for k in range(1, tau + 1)], axis=1)  # (L−τ, τ)
    A, y = np.hstack([rows, np.ones((len(rows), 1))]), x[tau:]
    coef, *_ = np.linalg.lstsq(A[:split - tau], y[:split - tau], rcond=None)
    return np.mean((A[split - tau:] @ coef - y[split - tau:]) ** 2)


for tau in (1, 2, 4, 8, 16):
    print(f"tau = {tau:2d}: test mean squared error {ar_test_error(signal, tau):.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# A longer window helps: with $\tau = 16$ the error (0.0182) approaches the noise variance
# ($0.1^2 = 0.01$). But $\tau$ is fixed in advance, the number of coefficients grows with it,
# and anything older than $\tau$ steps is invisible.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Order is information: a sequence is not i.i.d.
#
# Most of machine learning assumes its samples are **i.i.d.**: independent, and drawn from one
# identical distribution. Then their order means nothing and shuffling them is harmless. A
# sequence breaks *independent*: $x_t$ depends on $x_{t-1}, x_{t-2}, \dots$ Shuffle the same
# 400 values and fit the same model:

# %% slideshow={"slide_type": "-"}
shuffled = np.random.default_rng(1).permutation(signal)
for name, x in (("in order", signal), ("shuffled", shuffled)):
    lag1 = np.corrcoef(x[:-1], x[1:])[0, 1]                # corr(x_t, x_{t−1})
    print(f"{name:8s}: mean {x.mean():+.3f}, std {x.std():.3f}, corr(x_t, x_(t−1)) "
          f"{lag1:+.2f}, tau = 16 test error {ar_test_error(x, 16):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same numbers with the same mean and spread — the distribution of single values is
# unchanged — but the correlation with the previous value falls from 0.95 to −0.04 and the
# window model's error jumps from 0.018 to 0.592, about the variance of the values: shuffling
# destroyed exactly what a sequence model learns. So when we train on a sequence we may not
# shuffle its time steps; the section *Batches that keep the order* shows what we batch instead.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Latent autoregressive models: a summary of the whole past
#
# Instead of a window, keep a **hidden state** $h_t$ that summarises everything seen so far and
# update it with each new value: $h_t = g(h_{t-1}, x_t)$, $\hat x_{t+1} = q(h_t)$. The summary
# has a fixed size however long the past is. An RNN makes $g$ one learned layer, applied at
# every step with the **same** weights (row convention, a batch of $N$ sequences):
#
# $$a_t = x_t W_x + h_{t-1} W_h + b, \qquad h_t = \tanh(a_t),$$
#
# with $x_t$ of shape $(N, D)$, $h_t$ of shape $(N, H)$, $W_x$ $(D, H)$, $W_h$ $(H, H)$, $b$
# $(H,)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Unrolled in time
#
# ![An RNN unrolled over four steps: forward edges in blue, gradient edges in orange](../figures/nb06_unrolled.png)
#
# **Unrolling** turns the loop into an ordinary graph with one copy of the layer per step;
# backpropagation on it is **backpropagation through time**. Notice the two features that
# matter: every $h_t$ feeds *two* nodes ($\ell_t$ and $h_{t+1}$), and every step uses the
# *same* $W_h$ and $W_x$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: one step backward
#
# Given $dh_t = \partial L/\partial h_t$ (shape $(N, H)$), walk the step backwards:
#
# $$
# \begin{aligned}
# da_t &= dh_t \odot (1 - h_t^2)
#   && \text{tanh gate, elementwise (notebook 02)}\\
# dx_t &= da_t\, W_x^\top, \quad dh_{t-1} = da_t\, W_h^\top
#   && \text{matmul gate: } dX = dD\,W^\top \text{ (notebook 03)}\\
# dW_x &= x_t^\top da_t, \quad dW_h = h_{t-1}^\top da_t
#   && \text{matmul gate: } dW = X^\top dD\\
# db &= \textstyle\sum_{n} (da_t)_{n,:}
#   && \text{a broadcast bias sums over the batch}
# \end{aligned}
# $$
#
# $\tanh'(a) = 1 - \tanh^2(a)$ is written with the *output* $h_t$, so the forward pass only
# stores $x_t$, $h_{t-1}$, $h_t$ and the weights: that is the cache.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Nothing here is new: point at each line and name the gate and the notebook it came
# from. Ask: "why can backward use h_t instead of a_t?" (tanh′ is a function of tanh's output).
# $da_t$ is notebook 04's error signal δ, in the row convention.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One step forward, in code
#
# The cache keeps what the backward pass needs: the inputs, the weights and the output $h_t$.

# %% slideshow={"slide_type": "-"}
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """x (N, D), h_prev (N, H), Wx (D, H), Wh (H, H), b (H,) → h (N, H), cache."""
    h = np.tanh(x @ Wx + h_prev @ Wh + b)
    return h, (x, h_prev, Wx, Wh, h)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One step backward, in code, checked

# %% slideshow={"slide_type": "-"}
def rnn_step_backward(dh, cache):
    """dh (N, H) → dx (N, D), dh_prev (N, H), dWx (D, H), dWh (H, H), db (H,)."""
    x, h_prev, Wx, Wh, h = cache
    da = dh * (1 - h**2)                      # tanh gate
    dx, dh_prev = da @ Wx.T, da @ Wh.T        # matmul gate, input side
    dWx, dWh = x.T @ da, h_prev.T @ da        # matmul gate, weight side
    db = da.sum(axis=0)                       # broadcast bias: sum over the batch
    return dx, dh_prev, dWx, dWh, db

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
rng = np.random.default_rng(0)
N, D, H = 3, 4, 5
step_inputs = dict(x=rng.standard_normal((N, D)), h_prev=rng.standard_normal((N, H)),
                   Wx=0.5 * rng.standard_normal((D, H)), Wh=0.5 * rng.standard_normal((H, H)),
                   b=0.1 * rng.standard_normal(H))
step_check = check_layer(rnn_step_forward, rnn_step_backward, step_inputs)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Through time: a fork and a Repeat node
#
# 1. $h_t$ is **forked** into its step's loss $\ell_t$ (the total loss is
#    $L = \sum_t \ell_t$) and into the next step. A fork sums what comes back (notebook 01):
#    $$dh_t = \underbrace{\frac{\partial \ell_t}{\partial h_t}}_{\text{loss on step } t}
#           + \underbrace{da_{t+1}\,W_h^\top}_{\text{from step } t+1}.$$
#    At $t = T$ the second term is zero. The backward pass runs from $t = T$ down to $1$.
# 2. $W_h$ is **one** matrix used at every step: a Repeat node with $T$ copies. Its gradient is
#    the **sum** of the per-step shares (likewise $W_x$ and $b$):
#    $$dW_h = \sum_{t=1}^{T} h_{t-1}^\top\, da_t, \qquad dW_x = \sum_{t=1}^{T} x_t^\top da_t,
#      \qquad db = \sum_{t=1}^{T}\sum_n (da_t)_{n,:}.$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How $\partial h_T / \partial h_t$ is built
#
# One sequence ($N = 1$), $h_t$ a row vector, $J_t = \partial h_t/\partial h_{t-1}$ with
# entries $(J_t)_{ij} = \partial h_{t,i}/\partial h_{t-1,j}$:
#
# $$
# \begin{aligned}
# a_{t,i} &= \textstyle\sum_j h_{t-1,j}\,(W_h)_{ji} + \dots
#   && \text{column } i \text{ of } W_h \text{ makes unit } i\\
# \frac{\partial h_{t,i}}{\partial h_{t-1,j}} &= (1 - h_{t,i}^2)\,(W_h^\top)_{ij}
#   && \text{chain rule through } h_{t,i} = \tanh(a_{t,i})\\
# J_t &= \operatorname{diag}(1 - h_t^2)\; W_h^\top
#   && \text{the same in matrix form (notebook 04)}\\
# \frac{\partial h_T}{\partial h_t} &= J_T\, J_{T-1} \cdots J_{t+1}
#   && \text{chain rule along the only path}
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Row vs column convention
#
# This course (like `helpers.layers`) stores $h_t$ as a *row* and multiplies on the right,
# $h_{t-1} W_h$, so $W_h$ enters the Jacobian **transposed**. Papers usually write *columns*,
# $h_t = \tanh(W h_{t-1} + U x_t + b)$, and get $J_t = \operatorname{diag}(f'(a_t))\,W$. The two
# agree because their $W$ is our $W_h^\top$; the singular values, and so everything below, are
# the same. Multiplying a gradient row by one factor, $g\,J_t = (g \odot (1 - h_t^2))\,W_h^\top$,
# is exactly the one-step backward above.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the product of Jacobians
#
# $\partial h_8/\partial h_3$ as a product of five factors, against central differences of the
# forward pass itself:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
T_chain, t_from = 8, 3                              # ∂h_8/∂h_3: five factors
x_seq = rng.standard_normal((1, T_chain, D))
Wx, Wh, b = step_inputs["Wx"], step_inputs["Wh"], step_inputs["b"]


def hidden_from(h_start, t_start):
    """Run the RNN from h_{t_start} = h_start through x_{t_start+1} … x_T; return h_T (1, H)."""
    h = h_start
    for t in range(t_start, T_chain):
        h, _ = rnn_step_forward(x_seq[:, t], h, Wx, Wh, b)
    return h


h_states = [np.zeros((1, H))]                       # h_0, h_1, …, h_T of this sequence
for t in range(T_chain):
    h_states.append(rnn_step_forward(x_seq[:, t], h_states[-1], Wx, Wh, b)[0])

J_product = np.eye(H)                               # J_T J_{T-1} ⋯ J_{t+1}
for t in range(T_chain, t_from, -1):
    J_product = J_product @ (np.diag(1 - h_states[t][0] ** 2) @ Wh.T)

J_numeric = np.zeros((H, H))                        # row i: ∂h_{T,i}/∂h_t by differences
for i in range(H):
    J_numeric[i] = numerical_gradient(lambda hs, i=i: hidden_from(hs, t_from)[0, i],
                                      h_states[t_from].copy())[0]
print(verdict(f"∂h_{T_chain}/∂h_{t_from} as a product of diag(1 − h²)·Whᵀ factors",
              rel_error(J_product, J_numeric)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why it vanishes or explodes
#
# With the spectral norm $\|A\|_2 = \sigma_{\max}(A)$ and $\|g A\| \le \|g\|\,\|A\|_2$:
#
# $$
# \begin{aligned}
# \Big\|\frac{\partial L}{\partial h_t}\Big\|
#   &= \Big\|\frac{\partial L}{\partial h_T}\, J_T \cdots J_{t+1}\Big\|
#   && \text{chain rule (loss on the last step)}\\
# &\le \Big\|\frac{\partial L}{\partial h_T}\Big\| \prod_{k=t+1}^{T}
#      \|\operatorname{diag}(1 - h_k^2)\|_2\, \|W_h^\top\|_2
#   && \|AB\|_2 \le \|A\|_2 \|B\|_2\\
# &\le \Big\|\frac{\partial L}{\partial h_T}\Big\|\;\sigma_{\max}(W_h)^{T-t}
#   && 0 < 1 - h^2 \le 1
# \end{aligned}
# $$
#
# If $\sigma_{\max}(W_h) < 1$ the gradient reaching $h_t$ shrinks **at least geometrically**
# with the distance $T - t$: it vanishes, whatever the inputs. If $\sigma_{\max}(W_h) > 1$ the
# bound grows and the gradient **can** explode — possible, not guaranteed (Pascanu, Mikolov &
# Bengio, 2013): the $\tanh'$ factors may shrink it back.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
dL_dhT = rng.standard_normal((1, H))                # some gradient arriving at h_T
measured = np.linalg.norm(dL_dhT @ J_product)
sigma_max = np.linalg.norm(Wh, 2)
bound = np.linalg.norm(dL_dhT) * sigma_max ** (T_chain - t_from)
print(f"σ_max(Wh) = {sigma_max:.3f}: ‖∂L/∂h_{t_from}‖ = {measured:.4f} ≤ "
      f"‖∂L/∂h_{T_chain}‖·σ_max^{T_chain - t_from} = {bound:.4f}: {measured <= bound}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A loss on every step
#
# With a loss on every step, $\partial L/\partial h_t = \sum_{s \ge t}
# \frac{\partial \ell_s}{\partial h_s}\,\frac{\partial h_s}{\partial h_t}$: the term linking
# step $t$ to a loss $s - t$ steps later carries a factor bounded by $\sigma_{\max}^{s-t}$. When
# gradients vanish, long-range dependencies are drowned by short-range ones, and the RNN barely
# learns them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: the whole sequence
#
# The forward pass loops over time and keeps every step's cache; the backward pass loops
# backwards, adding the loss gradient of step $t$ to the gradient arriving from step $t+1$
# (the fork) and accumulating the weight gradients (the Repeat node).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Read rnn_backward aloud against the two facts of the derivation: the `+ dh_next` is
# the fork, the `+=` lines are the Repeat node. Ask: "what is dh_next after the loop?" (dh0,
# the gradient of the initial state — truncated BPTT will throw exactly that away). Then
# clipping and truncation, and the batching slide, which answers the i.i.d. question.

# %% slideshow={"slide_type": "-"}
def rnn_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H) → h (N, T, H) for steps 1 … T, and the per-step caches."""
    h, caches, h_prev = np.zeros((x.shape[0], x.shape[1], h0.shape[1])), [], h0
    for t in range(x.shape[1]):
        h_prev, cache = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h[:, t] = h_prev
        caches.append(cache)
    return h, caches

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward over the sequence

# %% slideshow={"slide_type": "-"}
def rnn_backward(dh, caches):
    """dh (N, T, H): the loss gradient of every h_t → dx, dh0, dWx, dWh, db."""
    x0, _, Wx, Wh, _ = caches[0]
    dx = np.zeros((dh.shape[0], dh.shape[1], x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(dh.shape[2])
    dh_next = np.zeros_like(dh[:, 0])                # nothing comes back from step T+1
    for t in reversed(range(dh.shape[1])):
        # the fork: step t's own loss gradient plus what step t+1 sent back
        dx[:, t], dh_next, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_next, caches[t])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t   # shared weights: sum over steps
    return dx, dh_next, dWx, dWh, db                 # after step 1, dh_next is dh0

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Gradient-norm clipping
#
# When a gradient $g$ explodes, one update can throw the weights far away. **Clipping** keeps
# its direction and caps its length at a threshold $\theta$:
# $\operatorname{clip}(g) = \min\!\big(1, \theta/\|g\|\big)\, g$. A gradient below the threshold
# passes unchanged; above it, it is rescaled to length exactly $\theta$.

# %% slideshow={"slide_type": "-"}
def clip_by_norm(g, theta):
    """g (any shape) → g·min(1, θ/‖g‖): same direction, length at most θ (a new array)."""
    norm = np.linalg.norm(g)
    return g * min(1.0, theta / norm) if norm > 0 else g.copy()


g_big, g_small = 100 * rng.standard_normal((H, H)), 0.01 * rng.standard_normal((H, H))
g_clipped = clip_by_norm(g_big, 5.0)
cosine = np.sum(g_big * g_clipped) / (np.linalg.norm(g_big) * np.linalg.norm(g_clipped))
print(f"‖g‖ = {np.linalg.norm(g_big):.1f} → ‖clip(g)‖ = {np.linalg.norm(g_clipped):.1f}, "
      f"cosine(g, clip(g)) = {cosine:.6f}")
print("a small gradient is unchanged:", np.array_equal(clip_by_norm(g_small, 5.0), g_small))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Truncated BPTT
#
# On a long sequence, full BPTT stores every step and walks all the way back. **Truncated**
# BPTT cuts it into chunks of $k$ steps: the **forward** pass carries the hidden state across
# chunk boundaries (the model still sees the whole past through $h$); the **backward** pass
# stops at each chunk's start (the chunk's $dh_0$ is dropped). It leaves out the terms
# $\frac{\partial \ell_s}{\partial h_s} \frac{\partial h_s}{\partial h_t}$ with $t$ in an
# earlier chunk than $s$.

# %% slideshow={"slide_type": "-"}
def tbptt_gradients(x, h0, Wx, Wh, b, dh, k):
    """x (N, T, D), dh (N, T, H), chunks of k steps → the truncated dWx, dWh, db."""
    dWx, dWh, db, h_carry = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b), h0
    for s in range(0, x.shape[1], k):
        h, caches = rnn_forward(x[:, s:s + k], h_carry, Wx, Wh, b)
        _, _dh0_dropped, dWx_c, dWh_c, db_c = rnn_backward(dh[:, s:s + k], caches)
        dWx, dWh, db = dWx + dWx_c, dWh + dWh_c, db + db_c
        h_carry = h[:, -1]                           # the value crosses, the gradient does not
    return dWx, dWh, db

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Batches that keep the order
#
# Time steps may not be shuffled, but we still want batches of $N$ sequences. The usual way:
# cut the long stream into $N$ contiguous **streams**, then cut all $N$ at once into chunks of
# $k$ steps. On the numbers 0 … 23 with $N = 2$ and $k = 4$:

# %% slideshow={"slide_type": "-"}
def stream_batches(x, N, k):
    """Stream x (L, …) → N contiguous streams → batches of k steps, each (N, k, …)."""
    streams = x[:len(x) // N * N].reshape(N, -1, *x.shape[1:])
    return [streams[:, s:s + k] for s in range(0, streams.shape[1], k)]


for i, batch in enumerate(stream_batches(np.arange(24), N=2, k=4)):
    print(f"batch {i}: {batch.tolist()}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Row $n$ of batch $i+1$ continues row $n$ of batch $i$: so the hidden state row $n$ ends a
# batch with is the right $h_0$ for row $n$ of the next — **carry it**, and cut its gradient
# (truncated BPTT). The batches must then be visited in order, not shuffled. The other way is to
# draw random windows (those may be shuffled) and start each from $h_0 = 0$: simpler, but no
# dependency longer than a window can be learned and every window starts with an empty memory.
# The trained RNN at the end of this notebook measures the difference.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check
#
# ### The sequence layer, with a loss on every step
#
# `check_layer` draws a random upstream gradient for **every** $h_t$ (shape $(N, T, H)$) — a loss
# on every step — and compares each returned gradient with central differences.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Run the checks live; every line should end in ✓. The untied-weights check is the one
# to dwell on: giving each step its own copy of Wh and adding the copies' gradients reproduces
# BPTT's dWh — the Repeat node, measured. Ask: "which step's share is largest, and why?"

# %% slideshow={"slide_type": "-"}
T = 6
seq_inputs = dict(x=rng.standard_normal((N, T, D)), h0=rng.standard_normal((N, H)),
                  Wx=step_inputs["Wx"], Wh=step_inputs["Wh"], b=step_inputs["b"])
seq_check = check_layer(rnn_forward, rnn_backward, seq_inputs)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Against the reference layers
#
# `helpers.layers` holds the course's reference `rnn_step` and `rnn` pairs (same contract, same
# row convention). The code above must agree with them to rounding, and they pass the same
# gradient check.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
dh_up = rng.standard_normal((N, T, H))
mine = rnn_backward(dh_up, rnn_forward(**seq_inputs)[1])
ref = layers.rnn_backward(dh_up, layers.rnn_forward(**seq_inputs)[1])
print(verdict("forward h: ours vs helpers.layers.rnn_forward",
              rel_error(rnn_forward(**seq_inputs)[0], layers.rnn_forward(**seq_inputs)[0]), 1e-12))
for name, a, r in zip(["dx", "dh0", "dWx", "dWh", "db"], mine, ref, strict=True):
    print(verdict(f"{name}: ours vs reference", rel_error(a, r), 1e-12))
ref_step_check = check_layer(layers.rnn_step_forward, layers.rnn_step_backward, step_inputs)
ref_seq_check = check_layer(layers.rnn_forward, layers.rnn_backward, seq_inputs)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The shared weight really collects a sum
#
# Untie the weights: give step $t$ its own copy $W_h^{(t)}$, all equal to $W_h$. The loss is
# unchanged, and the numerical gradient with respect to each copy is that step's share. Their
# sum must equal the $dW_h$ of BPTT — the Repeat node, measured.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
x_u, h0_u, Wx_u, b_u = seq_inputs["x"], seq_inputs["h0"], seq_inputs["Wx"], seq_inputs["b"]


def loss_untied(Wh_copies):
    """Σ_t ⟨dh_up_t, h_t⟩ with step t using its own Wh_copies[t]; Wh_copies (T, H, H)."""
    h, total = h0_u, 0.0
    for t in range(T):
        h = np.tanh(x_u[:, t] @ Wx_u + h @ Wh_copies[t] + b_u)
        total += np.sum(dh_up[:, t] * h)
    return total


Wh_copies = np.repeat(seq_inputs["Wh"][None], T, axis=0)
shares = numerical_gradient(loss_untied, Wh_copies)             # (T, H, H): one share per step
dWh_bptt = mine[3]
print("‖share of step t‖, t = 1 … 6:", " ".join(f"{np.linalg.norm(s):.2f}" for s in shares))
print(verdict("Σ_t (numerical share of step t) vs dWh of BPTT", rel_error(shares.sum(0), dWh_bptt)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Truncation: exact at full length, approximate below
#
# With one chunk as long as the sequence, truncated BPTT *is* BPTT. With shorter chunks it
# drops terms; the relative difference $\|dW_h^{(k)} - dW_h\| / \|dW_h\|$ says how much.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
one_chunk = tbptt_gradients(**seq_inputs, dh=dh_up, k=T)
print(verdict("dWh: truncated BPTT with k = T vs full BPTT", rel_error(one_chunk[1], mine[3]),
              1e-12))
for k in (1, 2, 3):
    approx = tbptt_gradients(**seq_inputs, dh=dh_up, k=k)[1]
    diff = np.linalg.norm(approx - mine[3]) / np.linalg.norm(mine[3])
    print(f"k = {k}: relative difference of dWh {diff:.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the truncated gradient is, exactly
#
# It is the true gradient of the same loss in which each chunk's starting state is **frozen** —
# a constant computed by the forward pass, with no path back to the weights. A numerical
# gradient of that frozen-start loss must match it:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
k = 2
h_full = rnn_forward(**seq_inputs)[0]
h_starts = [seq_inputs["h0"]] + [h_full[:, s - 1] for s in range(k, T, k)]  # frozen values


def loss_frozen_starts(Wh_var):
    """Σ_t ⟨dh_up_t, h_t⟩ with every chunk restarted from its frozen h_start."""
    total = 0.0
    for start, h_start in zip(range(0, T, k), h_starts, strict=True):
        h, _ = rnn_forward(x_u[:, start:start + k], h_start, Wx_u, Wh_var, b_u)
        total += np.sum(dh_up[:, start:start + k] * h)
    return total


dWh_numeric = numerical_gradient(loss_frozen_starts, seq_inputs["Wh"].copy())
dWh_tbptt = tbptt_gradients(**seq_inputs, dh=dh_up, k=k)[1]
print(verdict(f"truncated dWh (k = {k}) vs numerical gradient with frozen chunk starts",
              rel_error(dWh_tbptt, dWh_numeric)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: vanishing and exploding, measured
#
# (In this section $\sigma$ is a singular value, not the sigmoid of notebook 02.) An RNN whose
# $W_h = \sigma\,Q$ with $Q$ orthogonal has **every** singular value equal to $\sigma$. The
# set-up of every number in this section (`vanishing_profile`, the function behind the explorer
# below): $H = 16$ units, $h_0 = 0$, $T = 60$ steps, and the input enters as a random drive
# $u_t$ (standing for $x_t W_x + b$) of **standard deviation 0.5** per unit. A loss sits on the
# last step, $\|\partial L/\partial h_T\| = 1$, and we measure $\|\partial L/\partial h_t\|$
# for every $t$. With a linear activation the bound $\sigma^{T-t}$ is met exactly.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 12 min for the pictures. First the curves: straight lines on a log axis are geometric decay
# or growth. Ask before showing the right panel: "tanh′ ≤ 1 — does tanh make exploding
# impossible?" (no: σ = 2 and 3 still explode). Then "does σ = 2 always explode?" (no: with
# notebook 07's stronger inputs it does not; saturation moves the threshold). Then the
# per-parameter norms (the readout never explodes: it is not in the recurrence), the cliff, and
# the explorer live: drag σ past 2, then the input std from 0.5 to 1.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Linear and tanh, $\sigma_{\max}$ from 0.8 to 3

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
sigmas = (0.8, 1.2, 2.0, 3.0)
colors = [hp.PALETTE[i] for i in (0, 4, 1, 5)]       # blues below 1, oranges above
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), sharey=True, layout="constrained")
for ax, activation in zip(axes, ("linear", "tanh"), strict=True):
    for sigma, color in zip(sigmas, colors, strict=True):
        p = vanishing_profile(sigma, 60, activation)
        ax.plot(p.t, p.grad_norm, color=color, lw=2, label=f"σ_max = {sigma}")
        ax.plot(p.t, p.bound, "--", color=color, lw=1)
    ax.set_yscale("log")
    ax.set_yticks(10.0 ** np.arange(-12, 31, 6))
    ax.set_xlabel("time step t (loss on step T = 60)")
    ax.set_title(f"{activation} activation")
axes[0].set_ylabel("‖∂L/∂h_t‖")
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=4)
fig.suptitle(r"‖∂L/∂h_t‖ measured (solid) and the bound $\sigma_{\max}^{T-t}$ (dashed)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Straight lines on a log axis are geometric decay or growth. Left (linear): every solid line
# lies on its dashed bound. Right (tanh): every curve falls below its bound — but not all the
# way down: the numbers are below.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Above 1, explosion is possible, not guaranteed

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print("σ_max  ‖∂L/∂h_0‖ linear  ‖∂L/∂h_0‖ tanh  tanh: per step = σ × slope seen  mean tanh′"
      "  rms tanh′")
for sigma in sigmas:
    lin, tanh = vanishing_profile(sigma, 60, "linear"), vanishing_profile(sigma, 60, "tanh")
    step = f"{sigma * tanh.seen_slope:.2f} = {sigma} × {tanh.seen_slope:.2f}"
    print(f"{sigma:5.1f}  {lin.grad_norm[0]:16.1e}  {tanh.grad_norm[0]:14.1e}  {step:>31}"
          f"  {tanh.mean_slope:10.2f}  {tanh.rms_slope:9.2f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With tanh, $\sigma_{\max} = 1.2$ still vanishes ($4.0 \cdot 10^{-5}$ after 60 steps), but
# $\sigma_{\max} = 2$ gives $\|\partial L/\partial h_0\| \approx 2.7 \cdot 10^{2}$ and
# $\sigma_{\max} = 3$ about $1.6 \cdot 10^{5}$. As $Q$ is orthogonal, one step back multiplies the
# norm by exactly $\sigma \cdot \|dh \odot \tanh'\| / \|dh\|$: $\sigma$ times the **slope the
# gradient sees** (0.55 at σ = 2, 0.41 at σ = 3), and it explodes when that product is above 1. The
# slope seen is not the average $\tanh'$ (0.43, 0.28) but close to its root-mean-square (0.54,
# 0.41): a norm squares, so the few unsaturated units weigh more. So $\sigma_{\max} > 1$ is needed
# for explosion, and it makes explosion possible, not certain.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where explosion starts depends on the inputs
#
# The slope the gradient sees depends on how saturated the units are, and that depends on the
# inputs. The same RNNs with an input drive of standard deviation 1 instead of 0.5 — the scale
# of notebook 07, where $x_t$ has variance 1 and $W_x$ variance $1/D$:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
for drive in (0.5, 1.0):
    for sigma in (2.0, 2.5, 3.0):
        p = vanishing_profile(sigma, 60, "tanh", drive=drive)
        print(f"input std {drive}, σ_max = {sigma}: slope seen {p.seen_slope:.3f}, per step × "
              f"{sigma * p.seen_slope:.3f} → ‖∂L/∂h_0‖ {p.grad_norm[0]:.1e}")
for sigma in (2.0, 2.5):                  # notebook 07's RNN: its own weights and inputs (std ≈ 1)
    rnn = gradient_norms_through_time(sigma=sigma)["rnn"]
    print(f"notebook 07's RNN, σ_max = {sigma}: per step × {rnn[0] ** (1 / 60):.3f} "
          f"→ ‖∂L/∂h_0‖ {rnn[0]:.1e}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Stronger inputs push the units further into saturation, the gradient sees a smaller slope (0.496
# instead of 0.549 at σ = 2), and σ = 2 no longer explodes: × 0.991 per step, 0.6 after 60 steps. It
# takes σ = 2.5 (× 1.071). Notebook 07's RNN (its own weights, inputs of the same scale) agrees: σ =
# 2 gives × 0.992 per step, σ = 2.5 explodes. There is no single threshold σ: it moves with the
# inputs (and the weights), always above 1.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### An exploding gradient, parameter by parameter
#
# A gradient norm alone does not say *where* it explodes. Take the RNN that will learn the
# signal: $H = 16$, an affine readout $\hat x_{t+1} = h_t W_y + b_y$, loss ½·mean squared error,
# with $W_h = \sigma Q$. Its parameters, and one chunk's loss and gradients:

# %% slideshow={"slide_type": "-"}
def init_rnn(sigma=1.0, H=16, seed=0):
    """Wx (1, H), Wh = σ·Q (H, H) with Q orthogonal, b (H,); readout Wy (H, 1), by (1,)."""
    r = np.random.default_rng(seed)
    return dict(Wx=0.5 * r.standard_normal((1, H)), Wh=sigma * orthogonal(H, r), b=np.zeros(H),
                Wy=0.1 * r.standard_normal((H, 1)), by=np.zeros(1))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One chunk's loss and gradients
#
# `cut` is for the experiments below: backpropagate through at most `cut` steps
# (`tbptt_gradients` inside the chunk); `cut=1` lets no gradient cross a time step at all.

# %% slideshow={"slide_type": "-"}
def chunk_gradients(P, x, y, h, cut=None):
    """x (1, k, 1), targets y (k, 1), entering state h (1, H) → grads, loss, states (1, k, H)."""
    hs, cache = layers.rnn_forward(x, h, P["Wx"], P["Wh"], P["b"])
    out, cache_y = layers.affine_forward(hs[0], P["Wy"], P["by"])
    dhs, dWy, dby = layers.affine_backward((out - y) / len(y), cache_y)   # ½·mean((out − y)²)
    if cut is None:
        _, _dh0_dropped, dWx, dWh, db = layers.rnn_backward(dhs[None], cache)
    else:
        dWx, dWh, db = tbptt_gradients(x, h, P["Wx"], P["Wh"], P["b"], dhs[None], cut)
    return dict(Wx=dWx, Wh=dWh, b=db, Wy=dWy, by=dby), 0.5 * np.mean((out - y) ** 2), hs

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Only the recurrent parameters explode

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def gradient_norms(sigma, T, cut=None):
    """‖gradient‖ of Wh, Wx, b and the readout (Wy, by) on signal[:T] from h0 = 0, Wh = σ·Q."""
    g, _, hs = chunk_gradients(init_rnn(sigma), signal[None, :T, None], signal[1:T + 1, None],
                               np.zeros((1, 16)), cut)
    norms = {n: np.linalg.norm(g[n]) for n in ("Wh", "Wx", "b")}
    norms["(Wy, by)"] = np.linalg.norm(np.append(g["Wy"], g["by"]))
    return norms, np.mean(np.abs(hs) > 0.99)


lengths = np.arange(5, 101, 5)
fig, ax = plt.subplots(figsize=(8, 3.6))
for name, color in zip(("Wh", "Wx", "b", "(Wy, by)"), (hp.GRADIENT, hp.PALETTE[1],
                                                        hp.PALETTE[8], hp.FORWARD), strict=True):
    ax.plot(lengths, [gradient_norms(3.0, T)[0][name] for T in lengths], "o-", ms=3,
            color=color, label=f"‖d{name}‖")
ax.plot(lengths, [gradient_norms(0.9, T)[0]["Wh"] for T in lengths], "--", color=hp.NEUTRAL,
        label="‖dWh‖ at σ_max = 0.9")
ax.set_yscale("log")
ax.set_xlabel("sequence length T (steps backpropagated)")
ax.set_ylabel("gradient norm")
ax.set_title("σ_max(Wh) = 3: the gradient of each parameter")
ax.legend(loc="upper left", ncol=2, fontsize=11)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# At $\sigma_{\max} = 3$ the curves of $W_h$, $W_x$ and $b$ climb with $T$; the readout's stays
# flat, as does everything at $\sigma_{\max} = 0.9$ (dashed).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The numbers behind the picture

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
for sigma, T, cut in ((0.9, 100, None), (3.0, 30, None), (3.0, 100, None), (3.0, 100, 1)):
    norms, saturated = gradient_norms(sigma, T, cut)
    print(f"σ = {sigma}, T = {T:3d}{', cut=1' if cut else ''}: "
          + ", ".join(f"d{n} {v:.1e}" for n, v in norms.items())
          + f"; |h|>0.99: {saturated:.0%}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# At $\sigma_{\max} = 3$ the gradients of $W_h$, $W_x$ and $b$ grow from below 1 at $T = 30$ to
# $2.0 \cdot 10^{5}$ – $8.5 \cdot 10^{5}$ at $T = 100$, while the readout's stays below 1: it sits
# outside the recurrence. Cut the backward pass to one step (`cut=1`: each step's loss reaches
# only its own step, no product of Jacobians) and the same run gives below 0.1 for $W_h$,
# $W_x$ and $b$: the growth *is* the product of Jacobians, a genuine BPTT explosion. It is not
# saturation: only 29 % of the hidden values pass 0.99 in size; most units still pass a
# gradient.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The cliff: what an exploding gradient does to a step
#
# Pascanu et al. drew the loss surface of an RNN with a **cliff**: flat ground, then a wall
# where the loss changes abruptly and the gradient is enormous. One unit is enough to see it:
# $h_t = \tanh(w\,h_{t-1} - 0.2)$ from $h_0 = 0.5$ for $T = 30$ steps, loss
# $\tfrac12 (h_T - 0.8)^2$, and its BPTT gradient $dL/dw$:

# %% slideshow={"slide_type": "-"}
def cliff_loss(w, T=30, b=-0.2, h0=0.5, target=0.8):
    """A one-unit tanh RNN: (L, dL/dw) for L = ½(h_T − target)², by BPTT."""
    h = [h0]
    for _ in range(T):
        h.append(np.tanh(w * h[-1] + b))
    dh, dw = h[-1] - target, 0.0
    for t in range(T, 0, -1):                 # da_t = dh_t·tanh′; dw += h_{t−1}·da_t
        da = dh * (1 - h[t] ** 2)
        dw, dh = dw + h[t - 1] * da, da * w
    return 0.5 * (h[-1] - target) ** 2, dw

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The cliff, and one step from its wall

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def wall(T, lo=1.0, hi=2.0):
    """The middle of the wall, where h_T = 0 (so L = ½·0.8²), by bisection on w."""
    for _ in range(60):
        mid = (lo + hi) / 2
        left = np.sqrt(2 * cliff_loss(mid, T)[0]) > 0.8     # |h_T − 0.8| > 0.8 ⟺ h_T < 0
        lo, hi = (mid, hi) if left else (lo, mid)
    return (lo + hi) / 2


ws = np.round(np.arange(0.8, 2.4, 0.001), 3)
losses, grads = np.array([cliff_loss(w) for w in ws]).T
w0 = wall(30)                                          # a start on the wall itself
L0, g0 = cliff_loss(w0)
lr, theta = 0.1, 1.0
w_raw, w_clip = w0 - lr * g0, w0 - lr * g0 * min(1.0, theta / abs(g0))
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.7), layout="constrained")
ax1.plot(ws, losses, color=hp.FORWARD, lw=2)
ax1.plot([w0], [L0], "o", color=hp.NEUTRAL, ms=8, label=f"start, w = {w0:.3f}")
ax1.plot([w_clip], [cliff_loss(w_clip)[0]], "s", color=hp.FORWARD, ms=8, label="clipped step")
ax1.annotate("", xy=(2.38, L0), xytext=(w0 + 0.04, L0),
             arrowprops=dict(arrowstyle="->", color=hp.GRADIENT, lw=1.5))
ax1.text(1.58, L0 + 0.06, f"unclipped step: to w = {w_raw:.1f}", ha="left", va="bottom",
         color=hp.GRADIENT, fontsize=11)
ax1.set(xlabel="recurrent weight w", ylabel="loss L(w)", title="Loss: flat ground, then a wall")
ax1.legend(loc="upper right", fontsize=11)
ax2.plot(ws, np.abs(grads), color=hp.GRADIENT, lw=1.5)
ax2.axhline(theta, color=hp.NEUTRAL, ls="--", lw=1)
ax2.text(2.35, theta * 1.6, "θ = 1", ha="right", color=hp.NEUTRAL)
ax2.set(yscale="log", xlabel="recurrent weight w", ylabel="|dL/dw|",
        title="Gradient: huge on the wall")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The loss jumps at $w \approx 1.5$ and the gradient spikes there, far above any threshold
# $\theta$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One step from the wall, clipped and unclipped

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print(f"start on the wall: w = {w0:.3f}, L = {L0:.3f}, dL/dw = {g0:.0f}; learning rate {lr}")
print(f"unclipped step → w = {w_raw:.1f}: L = {cliff_loss(w_raw)[0]:.3f}, "
      f"dL/dw = {cliff_loss(w_raw)[1]:.0e}")
print(f"clipped at θ = {theta:g} → w = {w_clip:.3f}: L = {cliff_loss(w_clip)[0]:.4f}")
print("|dL/dw| in the middle of the wall, T = 10 … 50:", ", ".join(
    f"{abs(cliff_loss(wall(n), T=n)[1]):.0f}" for n in (10, 20, 30, 40, 50)))
print(verdict(f"dL/dw by BPTT vs central difference at w = {w_clip:.3f}", rel_error(
    cliff_loss(w_clip)[1], (cliff_loss(w_clip + 1e-6)[0] - cliff_loss(w_clip - 1e-6)[0]) / 2e-6),
    1e-6))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Below $w \approx 1.5$ the last state ends near the negative fixed point of the map (a high
# loss); above it, near the positive one (a loss near 0). In between lies the wall, where $h_T$
# changes sign and $|dL/dw| = 600$ in its middle — and the wall steepens
# with $T$ (13, 123, 600, 2301, 7969 for $T$ = 10 … 50): $dL/dw$ is a sum of products of up to
# $T$ Jacobians with $|w| > 1$. An unclipped step from the wall throws $w$ to 61.5, where the
# gradient is 0 and training stalls for good; the clipped step moves $w$ by
# $\text{lr}\cdot\theta = 0.1$, to the valley floor. Clipping keeps the direction and caps the
# step.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore it: the vanishing/exploding explorer
#
# Move $\sigma_{\max}(W_h)$ (0.5 to 3), the sequence length $T$, the activation, the input
# drive's standard deviation (0 to 2) and the clipping threshold $\theta$. Clipping acts on the
# parameter gradient: when $\|\partial L/\partial W_h\| > \theta$ it multiplies the whole
# gradient by
# $c = \theta/\|\partial L/\partial W_h\|$, the gradient of the scaled loss $cL$. The dotted
# curve is $c\,\|\partial L/\partial h_t\|$: it moves down, its slope does not change.

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output"]
vanishing_explorer()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The explorer's default state

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
vanishing_explorer_figure()  # the widget's default state, for where widgets do not render

# %% [markdown] slideshow={"slide_type": "fragment"}
# tanh, $\sigma_{\max} = 0.9$, input std 0.5, $T = 60$, $\theta = 1$, drawn statically so it
# also shows on GitHub. The measured gradient (solid) falls far below even the bound (dashed),
# and clipping (dotted) only shifts the curve down: it cannot bring the early steps back. Drag
# $\sigma_{\max}$ to 2 or 3 to see tanh explode and clipping cap its size; then raise the input
# std to 1 and watch σ = 2 stop exploding.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How far is truncated BPTT from the full gradient?
#
# A longer sequence ($T = 120$, $H = 16$) with a loss on every step, $W_h = \sigma Q$, and the
# relative difference of $dW_h$ against the chunk length $k$:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
rng_t = np.random.default_rng(12)
N_t, T_t, D_t, H_t = 4, 120, 3, 16
x_t = rng_t.standard_normal((N_t, T_t, D_t))
Wx_t = 0.5 * rng_t.standard_normal((D_t, H_t))
Q_t = orthogonal(H_t, rng_t)
dh_t = rng_t.standard_normal((N_t, T_t, H_t))
chunks, summary = [1, 2, 3, 5, 8, 12, 20, 30, 40, 60, 120], []

fig, ax = plt.subplots(figsize=(8.5, 3.4))
for sigma, color in zip((0.6, 0.9, 1.2), (hp.PALETTE[0], hp.PALETTE[4], hp.PALETTE[5]),
                        strict=True):
    args = dict(x=x_t, h0=np.zeros((N_t, H_t)), Wx=Wx_t, Wh=sigma * Q_t, b=np.zeros(H_t))
    dWh_full = layers.rnn_backward(dh_t, layers.rnn_forward(**args)[1])[3]
    diffs = [np.linalg.norm(tbptt_gradients(**args, dh=dh_t, k=k)[1] - dWh_full)
             / np.linalg.norm(dWh_full) for k in chunks]
    ax.plot(chunks[:-1], diffs[:-1], "o-", color=color, label=f"σ_max = {sigma}")
    exact = "< 1e-12 (exact)" if diffs[-1] < 1e-12 else f"{diffs[-1]:.0e}"
    summary.append(f"σ_max = {sigma}: k = 1 → {diffs[0]:.2f}, k = 20 → {diffs[6]:.2f}, "
                   f"k = 120 → {exact}")
ax.set(xscale="log", yscale="log", ylim=(1e-2, 1), xlabel="chunk length k (steps backpropagated)",
       ylabel="relative error of dWh", title="Truncated BPTT against full BPTT (T = 120)")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Longer chunks, smaller error — but slowly, and more slowly the larger $\sigma_{\max}$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What truncation leaves out

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print("\n".join(summary))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The error falls with $k$, but slowly — roughly like a power of $k$ — because every chunk
# boundary cuts the *short* links right across it, and short links are the strongest. The
# smaller $\sigma_{\max}$, the lower the curve. Whatever $\sigma_{\max}$, a dependency longer
# than $k$ steps gets no gradient at all: truncation trades long-range credit for memory and
# speed.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Putting it together: a tiny RNN learns the signal
#
# The RNN of `init_rnn` (now with $\sigma = 1$: $W_h$ orthogonal) reads the signal one value at a
# time and predicts the next one. Training uses what we built: one stream cut into chunks of
# $k = 20$ steps visited in order, the state carried across them, `chunk_gradients` (truncated
# BPTT inside each chunk), and plain gradient descent.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 8 min. The training cell runs in under a second; run it live. Point at the printed maximum
# gradient norm: nothing explodes at this learning rate, so no clipping is needed. Then the
# state-reset comparison (the batching slide's claim, measured), and the learning rate 1.0 run:
# ask the room "is this an exploding gradient from BPTT?" before the ablations answer it (no:
# cut BPTT to one step and it still blows up; freeze the readout and it does not). ≈ 4 min for
# the learning-rate story (lr·λ < 2) — worth it: it is the most common blow-up in practice.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The training loop

# %% slideshow={"slide_type": "-"}
def train_rnn(lr, epochs=60, k=20, frozen=(), cut=None):
    """Gradient descent on signal[:300] in chunks of k steps, in order → params, log."""
    P, x, y, log = init_rnn(), signal[None, :300, None], signal[1:301, None], []
    for _ in range(epochs):
        h = np.zeros((1, 16))                   # a new epoch restarts the stream from h0 = 0
        for s in range(0, 300, k):
            g, loss, hs = chunk_gradients(P, x[:, s:s + k], y[s:s + k], h, cut)
            log.append({n: np.linalg.norm(v) for n, v in g.items()} | dict(loss=loss, h=hs, P=P))
            if not max(log[-1][n] for n in g) < 1e100:
                return P, log                    # diverged (or nan): stop
            P, h = {n: P[n] if n in frozen else P[n] - lr * g[n] for n in P}, hs[:, -1]  # carry h
    return P, log

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### It trains: per-parameter gradient norms stay small

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
P_rnn, log_rnn = train_rnn(lr=0.3)
global_norms = [np.sqrt(sum(entry[n] ** 2 for n in ("Wx", "Wh", "b", "Wy", "by")))
                for entry in log_rnn]
print(f"{len(log_rnn)} updates at learning rate 0.3; largest ‖g‖ {max(global_norms):.2f} "
      f"(update {np.argmax(global_norms) + 1})")
print("largest per parameter: "
      + ", ".join(f"‖d{n}‖ {max(e[n] for e in log_rnn):.2f}" for n in ("Wh", "Wx", "b", "Wy")))
print(f"training loss: first chunk {log_rnn[0]['loss']:.3f}, "
      f"mean of the last epoch {np.mean([e['loss'] for e in log_rnn[-15:]]):.4f}")


def predict(P, reset_every=None):
    """One-step predictions of x_{t+1} for t = 0 … 398; the state reset to 0 every few steps."""
    xs, h, outs = signal[None, :-1, None], np.zeros((1, 16)), []
    step = reset_every or len(signal)
    for s in range(0, len(signal) - 1, step):
        h = np.zeros((1, 16)) if reset_every else h
        hs, _ = layers.rnn_forward(xs[:, s:s + step], h, P["Wx"], P["Wh"], P["b"])
        h, outs = hs[:, -1], outs + [hs[0]]
    return layers.affine_forward(np.concatenate(outs), P["Wy"], P["by"])[0][:, 0]


pred_carry, pred_reset = predict(P_rnn), predict(P_rnn, reset_every=20)
for name, pred in (("carried", pred_carry), ("reset every 20 steps", pred_reset)):
    print(f"test mean squared error, state {name}: {np.mean((pred[300:] - signal[301:]) ** 2):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# At learning rate 0.3 the largest gradient norm of the whole run is the first one, 1.18:
# nothing explodes, so nothing needs clipping. The RNN predicts unseen steps with test error
# 0.022, close to the 16-value window's 0.018, from a state of 16 numbers. Reset that state to
# zero every 20 steps and the error nearly triples (0.062): carrying the state across chunks
# matters.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One-step predictions on unseen steps

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, ax = plt.subplots(figsize=(9, 3.4))
ax.plot(steps[240:], signal[240:], color=hp.NEUTRAL, lw=1, label="signal")
ax.plot(steps[301:], pred_carry[300:], color=hp.FORWARD, lw=2, label="state carried")
ax.plot(steps[301:], pred_reset[300:], color=hp.GRADIENT, lw=1.2, ls="--",
        label="state reset every 20 steps")
ax.axvline(300, color=hp.NEUTRAL, ls=":", lw=1)
ax.set(xlabel="time step t (training data ends at the dotted line)", ylabel="value $x_t$",
       title="The trained RNN's one-step predictions", ylim=(-2.6, 2.2))
ax.legend(loc="lower left", ncol=3, fontsize=11)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# With the state carried (blue) the predictions follow the signal. Reset (dashed), every
# 20-step stretch starts from an empty memory and the first few predictions miss.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A blow-up that is not BPTT
#
# Now the same training at learning rate 1.0. The gradient norm reaches $10^{100}$ within 93
# updates. Before blaming BPTT, look at the loss and each parameter's gradient, update by update:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
with np.errstate(all="ignore"):                           # this run overflows on purpose
    _, log_big = train_rnn(lr=1.0)
for u in (1, 5, 9, 13, 14, 17, len(log_big)):
    e = log_big[u - 1]
    print(f"update {u:2d}: loss {e['loss']:8.2g}  ‖dWh‖ {e['Wh']:7.1e}  ‖dWy‖ {e['Wy']:7.1e}  "
          f"σ_max(Wh) {np.linalg.norm(e['P']['Wh'], 2):7.1e}  "
          f"|h| > 0.99: {np.mean(np.abs(e['h']) > 0.99):4.0%}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The loss itself climbs, from 0.21 to $3.2 \cdot 10^{7}$ by update 13, and every gradient
# climbs with it: a gradient carries the error it is computed from. The steps are so large that
# $\sigma_{\max}(W_h)$ is thrown from 1 to $4.0 \cdot 10^{5}$ and every unit saturates. What makes
# the loss climb? Two ablations and one number.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two ablations and the readout's curvature

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
with np.errstate(all="ignore"):
    _, log_cut = train_rnn(lr=1.0, epochs=14, cut=1)                    # no gradient crosses a step
    _, log_frozen = train_rnn(lr=1.0, epochs=14, frozen=("Wy", "by"))   # 210 updates
frozen_max = max(np.sqrt(sum(e[n] ** 2 for n in ("Wx", "Wh", "b", "Wy", "by")))
                 for e in log_frozen)
print(f"BPTT cut to one step (cut=1): blows up at update {len(log_cut)}")
print(f"readout frozen instead: largest ‖g‖ in {len(log_frozen)} updates {frozen_max:.2f}")
for u in (1, len(log_big)):                       # λ: the readout loss's largest curvature
    A = np.hstack([log_big[u - 1]["h"][0], np.ones((20, 1))])         # rows [h_t, 1]
    lam = np.linalg.eigvalsh(A.T @ A / len(A)).max()
    print(f"update {u:2d}: λ = {lam:.2f}, so lr·λ = {1.0 * lam:.2f} at lr 1.0"
          + (f" ({0.3 * lam:.2f} at lr 0.3)" if u == 1 else ""))
ratios = [log_big[u]["Wy"] / log_big[u - 1]["Wy"] for u in range(20, len(log_big))]
print(f"from update 20: ‖dWy‖ grows ×{np.median(ratios):.1f} per update (median)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the numbers: the readout's learning rate, not BPTT
#
# - **Not BPTT.** With no gradient crossing a time step — no product of Jacobians at all — the
#   run still blows up (update 138). With the readout frozen it never does: $\|g\| \le 1.18$
#   for 210 updates.
# - **The readout's step is too large.** Its loss $\tfrac12\,\text{mean}\,(h_t W_y + b_y - y)^2$
#   is a quadratic; gradient descent multiplies its error along the direction of largest
#   curvature $\lambda$ by $1 - \text{lr}\cdot\lambda$ per step, so it converges only if
#   $\text{lr}\cdot\lambda < 2$. On the first chunk $\lambda = 3.74$: at lr 1.0 the readout
#   overshoots from the start (at lr 0.3, $1.12 < 2$). Its growing error inflates every
#   gradient, the steps saturate the units, and saturated units raise $\lambda$ to
#   $\|s\|^2 + 1 = 17$ ($s$ the stuck state of $\pm 1$s): $1 - 17 = -16$, the ×16.0 per update.
#
# Print per-parameter norms, then ablate, before naming a cause.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Five exercises: a warm-up, two build-its and two stretches. Edit the stub, run the cell; the
# checker prints ✓ or a hint. Solutions are folded under each exercise.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 65 min in a lab for all five; in a lecture, do exercise 1 together (5 min), set 2 and 3 as
# homework and 4 and 5 for the keen. The classic slips in 2: forgetting `+ dh_next` (the
# fork), `=` for `+=` on the weights, and `h[:, t - 1]` at t = 0, which Python wraps around to
# the last step. The checker names each of them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: a shared weight's gradient is a sum (≈ 5 min)
#
# `h_prev[t]` $(N, H)$ is the state entering step $t$ and `da[t]` $(N, H)$ the gradient of its
# pre-activation, stacked for all steps: shape $(T, N, H)$. Return $dW_h$, shape $(H, H)$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def shared_dWh(h_prev, da):
    """h_prev (T, N, H), da (T, N, H) → dWh (H, H)."""
    # TODO: each step's share is h_{t−1}ᵀ·da_t; Wh is used at every step
    return None


_ = check_shared_dWh(shared_dWh)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def shared_dWh(h_prev, da):
#     """h_prev (T, N, H), da (T, N, H) → dWh (H, H)."""
#     return sum(h_prev[t].T @ da[t] for t in range(len(h_prev)))
#     # or in one call: np.einsum("tni,tnj->ij", h_prev, da)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — build it: the BPTT loop (≈ 25 min)
#
# Write the backward pass of a whole sequence from the forward's values,
# `cache = (x, h0, Wx, Wh, h)` as `helpers.layers.rnn_forward` keeps them: `x` $(N, T, D)$,
# `h0` $(N, H)$, `h` $(N, T, H)$ for steps $1 \dots T$. Given `dh` $(N, T, H)$, the loss
# gradient of every $h_t$, return `dx`, `dh0` and the summed `dWx`, `dWh`, `db`. Without
# `rnn_backward` or `rnn_step_backward` (ours or `helpers.layers`').

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def bptt_backward(dh, cache):
    """dh (N, T, H), cache (x, h0, Wx, Wh, h)
    → dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,)."""
    x, h0, Wx, Wh, h = cache
    # TODO: zeros for dx and the three weight gradients; dh_next = 0 (nothing after step T)
    # TODO: for t from T−1 down to 0: the fork, the tanh gate, then the two matmul gates
    # TODO: which state entered step t? (careful at t = 0)
    return None


_ = check_bptt_backward(bptt_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def bptt_backward(dh, cache):
#     """dh (N, T, H), cache (x, h0, Wx, Wh, h)
#     → dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,)."""
#     x, h0, Wx, Wh, h = cache
#     dx = np.zeros_like(x)
#     dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[1])
#     dh_next = np.zeros_like(h0)                   # nothing comes back from step T+1
#     for t in reversed(range(dh.shape[1])):
#         h_prev = h0 if t == 0 else h[:, t - 1]    # h[:, -1] would wrap around
#         da = (dh[:, t] + dh_next) * (1 - h[:, t] ** 2)   # the fork, then the tanh gate
#         dx[:, t] = da @ Wx.T
#         dh_next = da @ Wh.T
#         dWx += x[:, t].T @ da                     # shared weights: sum over steps
#         dWh += h_prev.T @ da
#         db += da.sum(axis=0)
#     return dx, dh_next, dWx, dWh, db              # after step 1, dh_next is dh0
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — build it: clip several gradients with one norm (≈ 10 min)
#
# A network has several parameter arrays ($dW_x$, $dW_h$, $db$, …). Write
# `clip_grad_norm(grads, max_norm)` that treats them as **one** vector: one norm over all their
# entries together and, if it exceeds `max_norm`, one scale for every array. Return a list of
# new arrays; leave the inputs untouched.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def clip_grad_norm(grads, max_norm):
    """grads: a list of arrays (any shapes), max_norm > 0 → a list of new arrays."""
    # TODO: one norm over all arrays, one scale for all arrays
    return None


_ = check_clip_grad_norm(clip_grad_norm)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def clip_grad_norm(grads, max_norm):
#     """grads: a list of arrays (any shapes), max_norm > 0 → a list of new arrays."""
#     total = np.sqrt(sum(np.sum(g**2) for g in grads))
#     scale = min(1.0, max_norm / total) if total > 0 else 1.0
#     return [g * scale for g in grads]
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4 — stretch: vanish, explode or neither? (≈ 10 min)
#
# Five recurrent matrices $W_h$ ($8 \times 8$). For a **linear** RNN, a unit gradient at $h_T$
# travels back $T = 100$ steps. Predict whether $\|\partial L/\partial h_0\|$ ends below
# $10^{-3}$ (`"vanish"`), above $10^{3}$ (`"explode"`) or in between (`"neither"`). Start from
# $\sigma_{\max}$, think about what a bound can and cannot promise, and check with
# `linear_gradient_ratio(W)`.

# %% slideshow={"slide_type": "-"}
for name, W in prediction_matrices().items():
    print(f"{name}: σ_max = {np.linalg.norm(W, 2):.2f}, largest entry {np.abs(W).max():.2f}")

# %% slideshow={"slide_type": "-"} tags=["exercise"]
predictions = {"A": "?", "B": "?", "C": "?", "D": "?", "E": "?"}  # TODO

_ = check_predictions(predictions)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# predictions = {"A": "vanish", "B": "neither", "C": "explode", "D": "explode", "E": "vanish"}
# ```
#
# A has σ_max = 0.9 < 1, so the bound $0.9^{100} \approx 3 \cdot 10^{-5}$ guarantees vanishing.
# B is orthogonal: it preserves every norm exactly. C stretches every direction by 1.1:
# $1.1^{100} \approx 1.4 \cdot 10^4$. D has small entries but all equal, so it stretches the
# all-ones direction by $8 \times 0.3 = 2.4$. E has a large σ_max but is strictly upper
# triangular, so $E^8 = 0$: the gradient is exactly zero after 8 steps. σ_max > 1 is necessary
# for explosion, not sufficient; the long-run growth rate is the spectral radius (largest
# $|\text{eigenvalue}|$), which is 0 for E.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5 — stretch: undo the truncation (≈ 15 min)
#
# A sequence was cut into consecutive chunks, the state carried across them:
# `caches[i]` is `helpers.layers.rnn_forward`'s cache of chunk $i$ and `dh_chunks[i]`
# $(N, k_i, H)$ the loss gradient of its states. Truncated BPTT drops each chunk's $dh_0$.
# Don't: return the **whole** sequence's `dh0`, `dWx`, `dWh`, `db`, using
# `layers.rnn_backward` chunk by chunk.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def stitched_backward(dh_chunks, caches):
    """dh_chunks[i] (N, k_i, H), caches[i] of chunk i → dh0 (N, H), dWx, dWh, db."""
    # TODO: which chunk can you backpropagate first?
    # TODO: where does a chunk's dh0 go? (leave dh_chunks unchanged: copy before adding)
    return None


_ = check_stitched_backward(stitched_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def stitched_backward(dh_chunks, caches):
#     """dh_chunks[i] (N, k_i, H), caches[i] of chunk i → dh0 (N, H), dWx, dWh, db."""
#     carry, dWx, dWh, db = 0.0, 0.0, 0.0, 0.0
#     for dh, cache in zip(reversed(dh_chunks), reversed(caches), strict=True):  # last first
#         dh = dh.copy()
#         dh[:, -1] += carry        # the next chunk's dh0 is the gradient of this last state
#         _, carry, dWx_c, dWh_c, db_c = layers.rnn_backward(dh, cache)
#         dWx, dWh, db = dWx + dWx_c, dWh + dWh_c, db + db_c
#     return carry, dWx, dWh, db
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - A sequence is not i.i.d.: its order is information. Batch it as contiguous streams cut into
#   chunks visited in order, carry the hidden state across chunks, cut the gradient there.
# - BPTT is backpropagation on the unrolled graph: $dh_t$ = the loss gradient of step $t$
#   **plus** what comes back from step $t+1$ (a fork); shared weights collect a **sum** over
#   time steps, $dW_h = \sum_t h_{t-1}^\top da_t$.
# - $\partial h_T/\partial h_t = J_T \cdots J_{t+1}$ with
#   $J_k = \operatorname{diag}(1 - h_k^2)\,W_h^\top$, so $\|\partial L/\partial h_t\| \le \sigma_{\max}(W_h)^{T-t}\,\|\partial L/\partial h_T\|$:
#   below 1 it vanishes for sure; above 1 it *can* explode — when $\sigma$ times the tanh slope
#   the gradient sees exceeds 1, which depends on the inputs — in $W_h$, $W_x$, $b$, not in a
#   readout outside the recurrence.
# - Not every blow-up is BPTT: a learning rate above $2/\lambda$ diverges on its own. Print
#   per-parameter norms and ablate before naming a cause.
# - Clipping caps the step at a cliff's wall, not vanishing. Truncated BPTT trades long-range
#   credit for memory and speed.
#
# Next: [07 — LSTM and GRU backprop](07_lstm_and_gru.ipynb), where an additive cell-state path
# with no $W_h$ in it lets the gradient travel far.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Ask one person for the two facts of BPTT (fork, sum) and another why σ_max > 1 does
# not guarantee explosion. Then the progress line: who has all five?

# %% slideshow={"slide_type": "-"}
_ = progress("06")
