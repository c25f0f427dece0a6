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
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/06_backprop_through_time.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/06_backprop_through_time.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

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
# - Go from sequence data to autoregressive and latent autoregressive models, and from there to
#   the RNN $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$.
# - Derive backpropagation through time (BPTT) on the unrolled graph: $\partial L/\partial h_t$
#   flows to $x_t$ and $h_{t-1}$, and each shared weight collects a **sum** over time steps.
# - Derive $\partial h_T/\partial h_t$ as a product of $\operatorname{diag}(\tanh')\,W_h^\top$
#   factors and bound it by $\sigma_{\max}(W_h)^{T-t}$: below 1 it vanishes, above 1 it can
#   explode.
# - Implement and check gradient-norm clipping and truncated BPTT, and measure how far the
#   truncated gradient is from the full one.
#
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb): a fork (the Repeat node) sums
#   the gradients that come back; gradient checking with the relative error.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb):
#   $\tanh' = 1 - \tanh^2 \le 1$, saturation.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dW = X^\top dD$, $dX = dD\,W^\top$, a
#   broadcast bias sums over the batch.
# - [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb): an
#   elementwise activation has a diagonal Jacobian; row vs column convention.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **sequence data (시퀀스 데이터)**: values whose order carries information (sound, text,
#   prices); shuffling them destroys it.
# - **autoregressive model (자기회귀 모델)**: predicts $x_t$ from a fixed window of past values;
#   **latent autoregressive model (잠재 자기회귀 모델)**: predicts from a summary of the whole past.
# - **recurrent neural network, RNN (순환 신경망)** and its **hidden state (은닉 상태)** $h_t$,
#   the learned summary of the past.
# - **backpropagation through time, BPTT (시간에 따른 역전파)**: backpropagation (역전파) on
#   the graph unrolled over time steps.
# - **vanishing gradient (기울기 소실)** and **exploding gradient (기울기 폭주)**: gradients that
#   shrink or grow geometrically as they travel back in time.
# - **Jacobian (야코비 행렬)** $\partial h_t/\partial h_{t-1}$; **singular value (특잇값)**
#   $\sigma_{\max}$, the largest stretch a matrix applies to any vector.
# - **gradient clipping (기울기 클리핑)**: rescale the gradient when its norm is too large;
#   **truncated BPTT (잘린 BPTT)**: backpropagate through a bounded number of steps only.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as layers
import helpers.plotting as hp
from helpers.exercises.nb06 import (check_clip_grad_norm, check_predictions, check_shared_dWh,
                                    linear_gradient_ratio, prediction_matrices)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error
from helpers.widgets.vanishing_explorer import (orthogonal, vanishing_explorer,
                                                vanishing_explorer_figure, vanishing_profile)


def verdict(name, err, tol=1e-7):
    """One stable line for a relative error: below the tolerance or not (no raw digits)."""
    ok = err < tol
    return f"{name}: relative error {'<' if ok else '≥'} {tol:.0e} {'✓' if ok else '✗'}"


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: sequences need memory
#
# A sequence $x_1, x_2, \dots$ is not a bag of independent samples: what comes next depends on
# what came before. We generate one — two sines with periods 40 and 13 steps plus a little
# noise — and use it throughout.

# %% slideshow={"slide_type": "subslide"}
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
# only:
#
# $$\hat x_t = c + \sum_{k=1}^{\tau} a_k\, x_{t-k}.$$
#
# A linear one is fitted by least squares. Fit on the first 300 steps, test on the last 100:

# %% slideshow={"slide_type": "fragment"}
def ar_design(x, tau):
    """Rows [x_{t-1}, …, x_{t-τ}, 1] for t = τ … len(x)−1, and the targets x_t."""
    rows = np.stack([x[tau - k:len(x) - k] for k in range(1, tau + 1)], axis=1)
    return np.hstack([rows, np.ones((len(rows), 1))]), x[tau:]


split = 300
for tau in (1, 2, 4, 8, 16):
    A_train, y_train = ar_design(signal[:split], tau)
    A_test, y_test = ar_design(signal[split - tau:], tau)
    coef, *_ = np.linalg.lstsq(A_train, y_train, rcond=None)
    mse = np.mean((A_test @ coef - y_test) ** 2)
    print(f"tau = {tau:2d}: test mean squared error {mse:.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# A longer window helps: with $\tau = 16$ the error (0.0182) approaches the noise variance
# ($0.1^2 = 0.01$). But the window length $\tau$ is fixed in advance, the number of
# coefficients grows with it, and anything older than $\tau$ steps is invisible.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Latent autoregressive models: a summary of the whole past
#
# Instead of a window, keep a **hidden state** $h_t$ that summarises everything seen so far and
# update it with each new value:
#
# $$h_t = g(h_{t-1}, x_t), \qquad \hat x_{t+1} = q(h_t).$$
#
# The summary has a fixed size however long the past is. An RNN makes $g$ one learned layer,
# applied at every step with the **same** weights (row convention, a batch of $N$ sequences):
#
# $$a_t = x_t W_x + h_{t-1} W_h + b, \qquad h_t = \tanh(a_t),$$
#
# with $x_t$ of shape $(N, D)$, $h_t$ of shape $(N, H)$, $W_x$ $(D, H)$, $W_h$ $(H, H)$, $b$
# $(H,)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ![An RNN unrolled over four steps: forward edges in blue, gradient edges in orange](../figures/nb06_unrolled.png)
#
# **Unrolling** turns the loop into an ordinary computational graph with one copy of the layer
# per step. Backpropagation on that graph is **backpropagation through time**: nothing new,
# just the gates of notebooks 01–04 applied to a long, repetitive graph. Notice the two
# features that matter: every $h_t$ feeds *two* nodes ($\ell_t$ and $h_{t+1}$), and every step
# uses the *same* $W_h$ and $W_x$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation
#
# ### One step backward
#
# Given $dh_t = \partial L/\partial h_t$ (shape $(N, H)$), walk the step backwards:
#
# $$
# \begin{aligned}
# da_t &= dh_t \odot (1 - h_t^2)
#   && \text{tanh gate: } \tanh'(a) = 1 - \tanh^2(a)\text{, elementwise (notebook 02)}\\
# dx_t &= da_t\, W_x^\top, \quad dh_{t-1} = da_t\, W_h^\top
#   && \text{matmul gate: } dX = dD\,W^\top \text{ (notebook 03)}\\
# dW_x &= x_t^\top da_t, \quad dW_h = h_{t-1}^\top da_t
#   && \text{matmul gate: } dW = X^\top dD\\
# db &= \textstyle\sum_{n} (da_t)_{n,:}
#   && \text{the bias is broadcast over the batch: a Repeat node sums}
# \end{aligned}
# $$
#
# Because $\tanh'$ is written with the *output* $h_t$, the forward pass only has to store $x_t$,
# $h_{t-1}$, $h_t$ and the weights: that is the cache.
# ($da_t$, the gradient at the pre-activation, is notebook 04's error signal $\delta$, here in
# the row convention.)

# %% slideshow={"slide_type": "subslide"}
def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """x (N, D), h_prev (N, H), Wx (D, H), Wh (H, H), b (H,) → h (N, H), cache."""
    h = np.tanh(x @ Wx + h_prev @ Wh + b)
    return h, (x, h_prev, Wx, Wh, h)


def rnn_step_backward(dh, cache):
    """dh (N, H) → dx (N, D), dh_prev (N, H), dWx (D, H), dWh (H, H), db (H,)."""
    x, h_prev, Wx, Wh, h = cache
    da = dh * (1 - h**2)          # tanh gate
    dx = da @ Wx.T                # matmul gate, input side
    dh_prev = da @ Wh.T
    dWx = x.T @ da                # matmul gate, weight side
    dWh = h_prev.T @ da
    db = da.sum(axis=0)           # broadcast bias: sum over the batch
    return dx, dh_prev, dWx, dWh, db


rng = np.random.default_rng(0)
N, D, H = 3, 4, 5
step_inputs = dict(x=rng.standard_normal((N, D)), h_prev=rng.standard_normal((N, H)),
                   Wx=0.5 * rng.standard_normal((D, H)), Wh=0.5 * rng.standard_normal((H, H)),
                   b=0.1 * rng.standard_normal(H))
step_check = check_layer(rnn_step_forward, rnn_step_backward, step_inputs)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Through time: a fork and a Repeat node
#
# Two facts about the unrolled graph give the whole of BPTT.
#
# 1. $h_t$ is **forked** into its step's loss $\ell_t$ (the total loss is
#    $L = \sum_t \ell_t$) and into the next step. A fork sums what comes back (notebook 01):
#    $$dh_t = \underbrace{\frac{\partial \ell_t}{\partial h_t}}_{\text{loss on step } t}
#           + \underbrace{da_{t+1}\,W_h^\top}_{\text{from step } t+1}.$$
#    At $t = T$ there is no step $T+1$, so the second term is zero. The backward pass runs from
#    $t = T$ down to $1$, handing each step's $dh_{t-1}$ to the step before it.
# 2. $W_h$ is **one** matrix used at every step: a Repeat node with $T$ copies. Its gradient is
#    the **sum** of the per-step shares (likewise $W_x$ and $b$), each $da_t$ computed from the
#    full $dh_t$ of item 1:
#    $$dW_h = \sum_{t=1}^{T} h_{t-1}^\top\, da_t, \qquad dW_x = \sum_{t=1}^{T} x_t^\top da_t,
#      \qquad db = \sum_{t=1}^{T}\sum_n (da_t)_{n,:}.$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How $\partial h_T / \partial h_t$ is built
#
# Take one sequence ($N = 1$), so $h_t$ is a row vector. Write $J_t = \partial h_t/\partial h_{t-1}$
# with entries $(J_t)_{ij} = \partial h_{t,i}/\partial h_{t-1,j}$:
#
# $$
# \begin{aligned}
# a_{t,i} &= \textstyle\sum_j h_{t-1,j}\,(W_h)_{ji} + \dots
#   && \text{row convention: column } i \text{ of } W_h \text{ makes unit } i\\
# \frac{\partial a_{t,i}}{\partial h_{t-1,j}} &= (W_h)_{ji} = (W_h^\top)_{ij}
#   && \text{only the } j\text{-th term contains } h_{t-1,j}\\
# \frac{\partial h_{t,i}}{\partial h_{t-1,j}} &= (1 - h_{t,i}^2)\,(W_h^\top)_{ij}
#   && \text{chain rule through } h_{t,i} = \tanh(a_{t,i})\\
# J_t &= \operatorname{diag}(1 - h_t^2)\; W_h^\top
#   && \text{the same in matrix form (diagonal Jacobian, notebook 04)}\\
# \frac{\partial h_T}{\partial h_t} &= J_T\, J_{T-1} \cdots J_{t+1}
#   && \text{chain rule along the only path from } h_t \text{ to } h_T
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Row vs column convention.** This course (like `helpers.layers`) stores $h_t$ as a *row* and
# multiplies on the right, $h_{t-1} W_h$; so $W_h$ enters the Jacobian **transposed**. Lecture
# notes and papers usually write *columns*, $h_t = \tanh(W h_{t-1} + U x_t + b)$, and get
# $J_t = \operatorname{diag}(f'(a_t))\,W$. The two agree because their $W$ is our $W_h^\top$;
# the singular values, and so everything below, are the same for both. Multiplying a gradient
# row by one factor, $g\,J_t = (g \odot (1 - h_t^2))\,W_h^\top$, is exactly the one-step
# backward above.

# %% slideshow={"slide_type": "subslide"}
T_chain, t_from = 8, 3                              # ∂h_8/∂h_3: five factors
x_seq = rng.standard_normal((1, T_chain, D))


def hidden_from(h_start, t_start):
    """Run the RNN from h_{t_start} = h_start through x_{t_start+1} … x_T; return h_T (1, H)."""
    h = h_start
    for t in range(t_start, T_chain):
        h, _ = rnn_step_forward(x_seq[:, t], h, Wx, Wh, b)
    return h


Wx, Wh, b = step_inputs["Wx"], step_inputs["Wh"], step_inputs["b"]
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
# Use the spectral norm $\|A\|_2 = \sigma_{\max}(A)$, the largest factor by which $A$ stretches
# any vector, and $\|g A\| \le \|g\|\,\|A\|_2$:
#
# $$
# \begin{aligned}
# \Big\|\frac{\partial L}{\partial h_t}\Big\|
#   &= \Big\|\frac{\partial L}{\partial h_T}\, J_T \cdots J_{t+1}\Big\|
#   && \text{chain rule (loss on the last step)}\\
# &\le \Big\|\frac{\partial L}{\partial h_T}\Big\| \prod_{k=t+1}^{T}
#      \|\operatorname{diag}(1 - h_k^2)\|_2\, \|W_h^\top\|_2
#   && \|AB\|_2 \le \|A\|_2 \|B\|_2\\
# &\le \Big\|\frac{\partial L}{\partial h_T}\Big\|\;\big(\gamma\,\sigma_{\max}(W_h)\big)^{T-t}
#   && \|\operatorname{diag}(d)\|_2 = \max_i |d_i| \le \gamma,\;\; \sigma_{\max}(W_h^\top) = \sigma_{\max}(W_h)
# \end{aligned}
# $$
#
# with $\gamma = \max \tanh' = 1$. So if $\sigma_{\max}(W_h) < 1$ the gradient reaching $h_t$
# shrinks **at least geometrically** with the distance $T - t$ — it vanishes, whatever the
# inputs; $\tanh' \le 1$ can only shrink it further. If $\sigma_{\max}(W_h) > 1$ the bound grows
# and the gradient **can** explode (it need not: saturated units have $\tanh' \approx 0$).

# %% slideshow={"slide_type": "fragment"}
dL_dhT = rng.standard_normal((1, H))                # some gradient arriving at h_T
measured = np.linalg.norm(dL_dhT @ J_product)
sigma_max = np.linalg.norm(step_inputs["Wh"], 2)
bound = np.linalg.norm(dL_dhT) * sigma_max ** (T_chain - t_from)
print(f"σ_max(Wh) = {sigma_max:.3f}")
print(f"‖∂L/∂h_{t_from}‖ = {measured:.4f} ≤ bound ‖∂L/∂h_T‖·σ_max^{T_chain - t_from}"
      f" = {bound:.4f}: {measured <= bound}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With a loss on every step, $\partial L/\partial h_t = \sum_{s \ge t}
# \frac{\partial \ell_s}{\partial h_s}\,\frac{\partial h_s}{\partial h_t}$: the term linking
# step $t$ to a loss $s - t$ steps later carries a factor bounded by $\sigma_{\max}^{s-t}$. When
# gradients vanish, long-range dependencies are drowned by short-range ones, and the RNN
# barely learns them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation
#
# ### The whole sequence
#
# The forward pass loops over time and keeps every step's cache; the backward pass loops
# backwards, adding the loss gradient of step $t$ to the gradient arriving from step $t+1$
# (the fork) and accumulating the weight gradients (the Repeat node).

# %% slideshow={"slide_type": "subslide"}
def rnn_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H) → h (N, T, H) for steps 1 … T, cache."""
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    caches, h_prev = [], h0
    for t in range(T):
        h_prev, cache = rnn_step_forward(x[:, t], h_prev, Wx, Wh, b)
        h[:, t] = h_prev
        caches.append(cache)
    return h, caches


def rnn_backward(dh, caches):
    """dh (N, T, H): the loss gradient of every h_t → dx, dh0, dWx, dWh, db."""
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = caches[0]
    dx = np.zeros((N, T, x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
    dh_next = np.zeros((N, H))                       # nothing comes back from step T+1
    for t in reversed(range(T)):
        dx[:, t], dh_next, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_next,
                                                                  caches[t])
        dWx += dWx_t                                 # shared weights: sum over steps
        dWh += dWh_t
        db += db_t
    return dx, dh_next, dWx, dWh, db                 # after step 1, dh_next is dh0


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Gradient-norm clipping
#
# When a gradient $g$ explodes, one update can throw the weights far away. **Clipping**
# keeps its direction and caps its length at a threshold $\theta$:
#
# $$\operatorname{clip}(g) = \min\!\Big(1, \frac{\theta}{\|g\|}\Big)\, g.$$
#
# A gradient below the threshold passes unchanged; above it, it is rescaled to length exactly
# $\theta$. (Exercise 2 extends this to several parameter arrays sharing one norm.)

# %% slideshow={"slide_type": "fragment"}
def clip_by_norm(g, theta):
    """g (any shape) → g·min(1, θ/‖g‖): same direction, length at most θ (a new array)."""
    norm = np.linalg.norm(g)
    return g * min(1.0, theta / norm) if norm > 0 else g.copy()


g_big = 100 * rng.standard_normal((H, H))
g_clipped = clip_by_norm(g_big, 5.0)
cosine = np.sum(g_big * g_clipped) / (np.linalg.norm(g_big) * np.linalg.norm(g_clipped))
print(f"‖g‖ = {np.linalg.norm(g_big):.1f} → ‖clip(g)‖ = {np.linalg.norm(g_clipped):.1f}, "
      f"cosine(g, clip(g)) = {cosine:.6f}")
g_small = 0.01 * rng.standard_normal((H, H))
print("a small gradient is unchanged:", np.array_equal(clip_by_norm(g_small, 5.0), g_small))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Truncated BPTT
#
# On a long sequence, full BPTT stores every step and walks all the way back. **Truncated**
# BPTT cuts the sequence into chunks of $k$ steps:
#
# - **forward** carries the hidden state across chunk boundaries, so the model still sees the
#   whole past through $h$;
# - **backward** stops at each chunk's start: the gradient $dh_0$ of a chunk is dropped instead
#   of flowing into the previous chunk.
#
# It is an approximation: the terms $\frac{\partial \ell_s}{\partial h_s}
# \frac{\partial h_s}{\partial h_t}$ with $t$ in an earlier chunk than $s$ are left out.

# %% slideshow={"slide_type": "fragment"}
def tbptt_gradients(x, h0, Wx, Wh, b, dh, k):
    """Weight gradients of truncated BPTT with chunks of k steps → dWx, dWh, db.

    x (N, T, D), dh (N, T, H): the loss gradient of every h_t. Forward carries h across
    chunks; backward stops at chunk boundaries (each chunk's dh0 is dropped).
    """
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    h_carry = h0
    for start in range(0, x.shape[1], k):
        h, caches = rnn_forward(x[:, start:start + k], h_carry, Wx, Wh, b)
        _, _dh0_dropped, dWx_c, dWh_c, db_c = rnn_backward(dh[:, start:start + k], caches)
        dWx, dWh, db = dWx + dWx_c, dWh + dWh_c, db + db_c
        h_carry = h[:, -1]                           # the value crosses, the gradient does not
    return dWx, dWh, db


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check
#
# ### The sequence layer, with a loss on every step
#
# `check_layer` draws a random upstream gradient for **every** $h_t$ (shape $(N, T, H)$) — a loss
# on every step — and compares each returned gradient with central differences.

# %% slideshow={"slide_type": "fragment"}
T = 6
seq_inputs = dict(x=rng.standard_normal((N, T, D)), h0=rng.standard_normal((N, H)),
                  Wx=step_inputs["Wx"], Wh=step_inputs["Wh"], b=step_inputs["b"])
seq_check = check_layer(rnn_forward, rnn_backward, seq_inputs)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Against the reference layers
#
# `helpers.layers` holds the course's reference `rnn_step` and `rnn` pairs (same contract, same
# row convention). The inline code above must agree with them to rounding, and they pass the
# same gradient check.

# %% slideshow={"slide_type": "fragment"}
dh_up = rng.standard_normal((N, T, H))
mine = rnn_backward(dh_up, rnn_forward(**seq_inputs)[1])
ref = layers.rnn_backward(dh_up, layers.rnn_forward(**seq_inputs)[1])
print(verdict("forward h: inline vs helpers.layers.rnn_forward",
              rel_error(rnn_forward(**seq_inputs)[0], layers.rnn_forward(**seq_inputs)[0]), 1e-12))
for name, a, r in zip(["dx", "dh0", "dWx", "dWh", "db"], mine, ref, strict=True):
    print(verdict(f"{name}: inline vs reference", rel_error(a, r), 1e-12))
ref_step_check = check_layer(layers.rnn_step_forward, layers.rnn_step_backward, step_inputs)
ref_seq_check = check_layer(layers.rnn_forward, layers.rnn_backward, seq_inputs)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The shared weight really collects a sum
#
# Untie the weights: give step $t$ its own copy $W_h^{(t)}$, all equal to $W_h$. The loss is
# unchanged, and the numerical gradient with respect to each copy is that step's share. Their
# sum must equal the $dW_h$ of BPTT — the Repeat node, measured.

# %% slideshow={"slide_type": "fragment"}
x_u, h0_u, Wx_u, b_u = seq_inputs["x"], seq_inputs["h0"], seq_inputs["Wx"], seq_inputs["b"]
dh_up = rng.standard_normal((N, T, H))


def loss_untied(Wh_copies):
    """Σ_t ⟨dh_up_t, h_t⟩ with step t using its own Wh_copies[t]; Wh_copies (T, H, H)."""
    h, total = h0_u, 0.0
    for t in range(T):
        h = np.tanh(x_u[:, t] @ Wx_u + h @ Wh_copies[t] + b_u)
        total += np.sum(dh_up[:, t] * h)
    return total


Wh_copies = np.repeat(seq_inputs["Wh"][None], T, axis=0)
shares = numerical_gradient(loss_untied, Wh_copies)             # (T, H, H): one share per step
dWh_bptt = rnn_backward(dh_up, rnn_forward(**seq_inputs)[1])[3]
print("‖share of step t‖:", " ".join(f"{np.linalg.norm(s):.2f}" for s in shares))
print(verdict("Σ_t (numerical share of step t) vs dWh of BPTT", rel_error(shares.sum(0), dWh_bptt)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Truncation: exact at full length, approximate below
#
# With one chunk as long as the sequence, truncated BPTT *is* BPTT. With shorter chunks it
# drops terms; the relative difference $\|dW_h^{(k)} - dW_h\| / \|dW_h\|$ says how much.

# %% slideshow={"slide_type": "fragment"}
full = rnn_backward(dh_up, rnn_forward(**seq_inputs)[1])
one_chunk = tbptt_gradients(**seq_inputs, dh=dh_up, k=T)
print(verdict("dWh: truncated BPTT with k = T vs full BPTT", rel_error(one_chunk[1], full[3]),
              1e-12))
for k in (1, 2, 3):
    approx = tbptt_gradients(**seq_inputs, dh=dh_up, k=k)[1]
    diff = np.linalg.norm(approx - full[3]) / np.linalg.norm(full[3])
    print(f"k = {k}: relative difference of dWh {diff:.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# What *is* the truncated gradient, exactly? It is the true gradient of the same loss in which
# each chunk's starting state is **frozen** — a constant computed by the forward pass, with no
# path back to the weights. A numerical gradient of that frozen-start loss must match it:

# %% slideshow={"slide_type": "fragment"}
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
# ## Picture
#
# ### Vanishing and exploding, measured
#
# (In this section $\sigma$ is a singular value, not the sigmoid of notebook 02.)
# An RNN whose $W_h = \sigma\,Q$ with $Q$ orthogonal has **every** singular value equal to
# $\sigma$. A loss sits on the last step, $\|\partial L/\partial h_T\| = 1$, and we measure
# $\|\partial L/\partial h_t\|$ for every $t$ (`vanishing_profile`, the function behind the
# widget below). With a linear activation the bound $\sigma^{T-t}$ is met exactly.

# %% slideshow={"slide_type": "subslide"}
sigmas = (0.8, 0.95, 1.05, 1.2)
colors = [hp.PALETTE[i] for i in (0, 4, 1, 5)]  # blues below 1, oranges above
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True, layout="constrained")
for ax, activation in zip(axes, ("linear", "tanh"), strict=True):
    for sigma, color in zip(sigmas, colors, strict=True):
        p = vanishing_profile(sigma, 60, activation)
        ax.plot(p.t, p.grad_norm, color=color, lw=2, label=f"σ_max = {sigma}")
        ax.plot(p.t, p.bound, "--", color=color, lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("time step t (loss on step T = 60)")
    ax.set_title(f"{activation} activation")
axes[0].set_ylabel("‖∂L/∂h_t‖ (log scale)")
axes[0].legend(loc="lower right")
fig.suptitle("‖∂L/∂h_t‖ measured (solid) and the bound σ_max^(T−t) (dashed)")
plt.show()

for activation in ("linear", "tanh"):
    ends = [vanishing_profile(s, 60, activation).grad_norm[0] for s in sigmas]
    print(f"{activation:6s} ‖∂L/∂h_0‖ for σ_max = {sigmas}: "
          + ", ".join(f"{e:.1e}" for e in ends))

# %% [markdown] slideshow={"slide_type": "fragment"}
# On the left (linear) every solid line lies on its dashed bound: straight lines on a log axis,
# i.e. geometric decay for σ < 1 and growth for σ > 1. On the right, tanh′ ≤ 1 pulls every curve
# below its bound; even σ_max = 1.2 no longer explodes here because saturated units pass little
# gradient — exploding needs σ_max > 1, but σ_max > 1 does not guarantee it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Explore it: the vanishing/exploding explorer
#
# Move $\sigma_{\max}(W_h)$, the sequence length $T$, the activation (tanh, linear, ReLU) and
# the clipping threshold $\theta$. Clipping acts on the parameter gradient: when
# $\|\partial L/\partial W_h\| > \theta$ it multiplies the whole gradient by
# $c = \theta/\|\partial L/\partial W_h\|$, which is the gradient of the scaled loss $cL$. The
# dotted curve is therefore $c\,\|\partial L/\partial h_t\|$: every step's share shrinks by the
# same factor, so the curve moves down but its slope does not change.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
explorer = vanishing_explorer()
explorer

# %% slideshow={"slide_type": "subslide"}
vanishing_explorer_figure()  # the widget's default state, for where widgets do not render

# %% [markdown] slideshow={"slide_type": "fragment"}
# The explorer's default state (tanh, $\sigma_{\max} = 0.9$, $T = 60$, $\theta = 1$), drawn
# statically so it also shows on GitHub and nbviewer. The measured gradient (solid) falls far
# below even the bound (dashed): after 60 steps almost nothing reaches $h_0$, and clipping
# (dotted) only shifts the curve down — it cannot bring the early steps back. Try linear with
# $\sigma_{\max} > 1$ to see the gradient explode and clipping cap its size.

# %% [markdown] slideshow={"slide_type": "subslide"}
# How fast is it? The pure function recomputes the whole profile for each slider move; the
# widget then redraws only the three curves over a cached picture of the axes, and redraws
# everything only when the curves leave the axis range. Below, σ is dragged in steps of 0.01
# (times measured on a shared machine; your numbers will differ):

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
t0 = time.perf_counter()
for _ in range(20):
    vanishing_profile(1.2, 200, "tanh", 1.0)
compute_ms = (time.perf_counter() - t0) / 20 * 1e3
render = []
for s in np.round(np.arange(0.80, 1.005, 0.01), 2):      # a drag from 0.80 to 1.00 …
    explorer.controls["sigma"].value = s
    render.append(explorer.state["render_ms"])
explorer.controls["sigma"].value = 0.9                   # … and back to the default state
print(f"pure function (T = 200): {compute_ms:.1f} ms per call; redraw while dragging: "
      f"median {np.median(render):.0f} ms, slowest {max(render):.0f} ms")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How far is truncated BPTT from the full gradient?
#
# A longer sequence ($T = 120$, $H = 16$) with a loss on every step, $W_h = \sigma Q$ with
# `orthogonal` (the same helper the explorer uses), and the relative difference of $dW_h$
# against the chunk length $k$:

# %% slideshow={"slide_type": "fragment"}
rng_t = np.random.default_rng(12)
N_t, T_t, D_t, H_t = 4, 120, 3, 16
x_t = rng_t.standard_normal((N_t, T_t, D_t))
Wx_t = 0.5 * rng_t.standard_normal((D_t, H_t))
Q_t = orthogonal(H_t, rng_t)
dh_t = rng_t.standard_normal((N_t, T_t, H_t))
chunks = [1, 2, 3, 5, 8, 12, 20, 30, 40, 60, 120]

fig, ax = plt.subplots(figsize=(7, 4))
for sigma, color in zip((0.6, 0.9, 1.2), (hp.PALETTE[0], hp.PALETTE[4], hp.PALETTE[5]),
                        strict=True):
    args = dict(x=x_t, h0=np.zeros((N_t, H_t)), Wx=Wx_t, Wh=sigma * Q_t, b=np.zeros(H_t))
    dWh_full = rnn_backward(dh_t, rnn_forward(**args)[1])[3]
    diffs = [np.linalg.norm(tbptt_gradients(**args, dh=dh_t, k=k)[1] - dWh_full)
             / np.linalg.norm(dWh_full) for k in chunks]
    ax.plot(chunks[:-1], diffs[:-1], "o-", color=color, label=f"σ_max = {sigma}")
    print(f"σ_max = {sigma}: k = 1 → {diffs[0]:.2f}, k = 20 → {diffs[6]:.1e}, "
          f"k = 120 → {diffs[-1]:.0e}")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("chunk length k (steps backpropagated)")
ax.set_ylabel("‖dWh(truncated) − dWh‖ / ‖dWh‖")
ax.set_title("Truncated BPTT: relative error of dWh vs chunk length (T = 120)")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The error falls with k, but slowly — roughly like a power of k, not geometrically — because
# every chunk boundary cuts the *short* links right across it, and short links are the
# strongest; longer chunks simply have fewer boundaries. The smaller σ_max, the lower the
# curve: links fade faster, so the ones cut weigh less. Whatever σ_max, a dependency longer
# than k steps gets no gradient at all: truncation trades long-range credit for memory and
# speed.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Putting it together: a tiny RNN learns the signal
#
# The RNN reads the signal one value at a time ($D = 1$, $H = 16$) and predicts the next value
# with an affine readout $\hat x_{t+1} = h_t W_y + b_y$ (`affine_forward` from
# `helpers.layers`), loss $\tfrac12$(mean squared error). Training uses everything above:
# truncated BPTT in chunks of $k = 20$ steps carrying $h$ across them, the step and sequence
# backward derived here, and plain gradient descent with a deliberately large learning rate
# (1.0) — once without clipping and once clipping the global gradient norm at θ = 1.

# %% slideshow={"slide_type": "subslide"}
def train_rnn(lr, theta, epochs=60, k=20, H=16, seed=0):
    """Next-value prediction on signal[:split] with truncated BPTT and gradient descent.

    Returns the parameters, the loss per epoch, and per update the global gradient norm and
    σ_max(Wh). Stops early if the gradient norm passes 1e100 (it has exploded).
    """
    rng = np.random.default_rng(seed)
    P = dict(Wx=0.5 * rng.standard_normal((1, H)), Wh=orthogonal(H, rng), b=np.zeros(H),
             Wy=0.1 * rng.standard_normal((H, 1)), by=np.zeros(1))
    x, y = signal[None, :split, None], signal[1:split + 1, None]
    losses, norms, sigma_maxes = [], [], []
    for _ in range(epochs):
        h, total = np.zeros((1, H)), 0.0
        for s in range(0, split, k):
            hs, caches = rnn_forward(x[:, s:s + k], h, P["Wx"], P["Wh"], P["b"])
            n = hs.shape[1]
            out, cache_y = layers.affine_forward(hs[0], P["Wy"], P["by"])
            err = out - y[s:s + n]
            total += 0.5 * np.sum(err**2)
            dhs, dWy, dby = layers.affine_backward(err / n, cache_y)
            _, _, dWx, dWh, db = rnn_backward(dhs[None], caches)
            g = dict(Wx=dWx, Wh=dWh, b=db, Wy=dWy, by=dby)
            norm = np.sqrt(sum(np.sum(v**2) for v in g.values()))
            if not norm < 1e100:                         # exploded (or nan): stop here
                return P, losses, norms, sigma_maxes
            norms.append(norm)
            scale = 1.0 if theta is None else min(1.0, theta / norm)  # global-norm clipping
            P = {name: P[name] - lr * scale * g[name] for name in P}
            sigma_maxes.append(np.linalg.norm(P["Wh"], 2))
            h = hs[:, -1]                                # carry the state, not the gradient
        losses.append(total / split)
    return P, losses, norms, sigma_maxes


with np.errstate(all="ignore"):                          # the unclipped run overflows
    _, _, norms_raw, sig_raw = train_rnn(lr=1.0, theta=None)
P_clip, losses_clip, norms_clip, sig_clip = train_rnn(lr=1.0, theta=1.0)

first_big = next(i for i, v in enumerate(norms_raw) if v > 1e3) + 1
growth = np.median(np.array(norms_raw[first_big:]) / np.array(norms_raw[first_big - 1:-1]))
print(f"without clipping: ‖g‖ passed 1e3 at update {first_big} "
      f"(σ_max(Wh) had grown to {sig_raw[first_big - 2]:.1f}), then grew ×{growth:.0f} per "
      f"update (median); the run was stopped at 1e100 after {len(norms_raw)} updates")
print(f"with clipping θ = 1: {len(norms_clip)} updates, largest σ_max(Wh) "
      f"{max(sig_clip):.1f}, final training loss {losses_clip[-1]:.3f}")

hs_all, _ = rnn_forward(signal[None, :-1, None], np.zeros((1, 16)), P_clip["Wx"],
                        P_clip["Wh"], P_clip["b"])
pred = layers.affine_forward(hs_all[0], P_clip["Wy"], P_clip["by"])[0][:, 0]
test_mse = np.mean((pred[split:] - signal[split + 1:]) ** 2)
print(f"test mean squared error of the clipped RNN: {test_mse:.3f}")

# %% slideshow={"slide_type": "subslide"}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
shown = 60
ax1.plot(np.arange(1, len(norms_raw) + 1), norms_raw, "o-", ms=3, color=hp.GRADIENT,
         label="no clipping")
ax1.plot(np.arange(1, shown + 1), norms_clip[:shown], "o-", ms=3, color=hp.FORWARD,
         label="clipped (θ = 1)")
ax1.axhline(1.0, color=hp.NEUTRAL, ls="--", lw=1, label="θ = 1")
ax1.set_yscale("log")
ax1.set_xlabel("update (one chunk of 20 steps)")
ax1.set_ylabel("gradient norm ‖g‖ before clipping")
ax1.set_title("Learning rate 1.0: the first updates")
ax1.legend(loc="upper left")
ax2.plot(steps[split - 60:], signal[split - 60:], color=hp.NEUTRAL, lw=1, label="signal")
ax2.plot(steps[split + 1:], pred[split:], color=hp.FORWARD, lw=2,
         label="clipped RNN's prediction")
ax2.axvline(split, color=hp.NEUTRAL, ls=":", lw=1)
ax2.set_xlabel("time step t (training ends at the dotted line)")
ax2.set_ylabel("value $x_t$")
ax2.set_title("One-step predictions on unseen steps")
ax2.set_ylim(-2.4, 2.0)                                   # room for the legend
ax2.legend(loc="lower center", ncol=2, fontsize=9)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Without clipping (orange) the run feeds on itself: a large step enlarges $W_h$, a larger
# $\sigma_{\max}(W_h)$ explodes the next gradient, which makes the next step larger still.
# Within 11 updates the gradient norm passes $10^3$, and from there it grows about 16-fold per
# update (median) until the run is stopped at $10^{100}$. Clipped (blue), the same
# learning rate trains; after 60 epochs the RNN's one-step predictions follow the signal on
# steps it never saw, from a state of 16 numbers instead of a window. (Its test error, 0.034,
# is still above the 16-value linear window's 0.0182: a tiny RNN trained for seconds with
# plain gradient descent — the point here is that it trains at all.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Three exercises. Edit the stub, run the cell; the checker prints ✓ or a hint.
#
# ### Exercise 1 — a shared weight's gradient is a sum
#
# Write `shared_dWh(h_prev, da)`: `h_prev[t]` is the state entering step $t$ (shape
# $(T, N, H)$ for all steps) and `da[t]` the gradient of its pre-activation. Return $dW_h$
# (shape $(H, H)$) without modifying the inputs.

# %% slideshow={"slide_type": "subslide"}
def shared_dWh(h_prev, da):
    # TODO: return dWh, the sum over t of each step's share
    return None


ok = check_shared_dWh(shared_dWh)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details>
# <summary>Solution</summary>
#
# ```python
# def shared_dWh(h_prev, da):
#     return sum(h_prev[t].T @ da[t] for t in range(len(h_prev)))
#     # or: np.einsum("tni,tnj->ij", h_prev, da)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — clip several gradients with one norm
#
# A network has several parameter arrays ($dW_x$, $dW_h$, $db$, …). Write
# `clip_grad_norm(grads, max_norm)` that treats them as **one** vector: compute the norm over
# all their entries together, and if it exceeds `max_norm` scale every array by the same
# factor. Return a list of new arrays; leave the inputs untouched.

# %% slideshow={"slide_type": "subslide"}
def clip_grad_norm(grads, max_norm):
    # TODO: one norm over all arrays, one scale for all arrays
    return None


ok = check_clip_grad_norm(clip_grad_norm)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details>
# <summary>Solution</summary>
#
# ```python
# def clip_grad_norm(grads, max_norm):
#     total = np.sqrt(sum(np.sum(g**2) for g in grads))
#     scale = min(1.0, max_norm / total) if total > 0 else 1.0
#     return [g * scale for g in grads]
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — predict: vanish, explode or neither?
#
# Here are five recurrent matrices $W_h$ ($8 \times 8$). For a **linear** RNN, a unit gradient
# at $h_T$ travels back $T = 100$ steps. Predict for each whether $\|\partial L/\partial h_0\|$
# ends below $10^{-3}$ (`"vanish"`), above $10^{3}$ (`"explode"`) or in between
# (`"neither"`). Start from $\sigma_{\max}$ — then think about what a bound can and cannot
# promise, and check with `linear_gradient_ratio(W)`.

# %% slideshow={"slide_type": "fragment"}
matrices = prediction_matrices()
for name, W in matrices.items():
    print(f"{name}: σ_max = {np.linalg.norm(W, 2):.2f}, largest entry {np.abs(W).max():.2f}")

# %% slideshow={"slide_type": "subslide"}
predictions = {"A": "?", "B": "?", "C": "?", "D": "?", "E": "?"}  # TODO

ok = check_predictions(predictions)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details>
# <summary>Solution</summary>
#
# `{"A": "vanish", "B": "neither", "C": "explode", "D": "explode", "E": "vanish"}`.
# A has σ_max = 0.9 < 1, so the bound $0.9^{100} \approx 3 \cdot 10^{-5}$ guarantees vanishing.
# B is orthogonal: it preserves every norm exactly. C stretches every direction by 1.1:
# $1.1^{100} \approx 1.4 \cdot 10^4$. D has small entries but all equal, so it stretches the
# all-ones direction by $8 \times 0.3 = 2.4$. E has a large σ_max but is strictly upper
# triangular, so $E^8 = 0$: the gradient is exactly zero after 8 steps. σ_max > 1 is necessary
# for explosion, not sufficient; the long-run growth rate is the spectral radius (largest
# $|\text{eigenvalue}|$), which is 0 for E.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - BPTT is ordinary backpropagation on the unrolled graph: $dh_t$ = the loss gradient of step
#   $t$ **plus** what comes back from step $t+1$ (a fork), and each step sends
#   $da_t = dh_t \odot (1 - h_t^2)$ to $x_t$ and $h_{t-1}$ through $W_x^\top$ and $W_h^\top$.
# - Shared weights collect a **sum** over time steps: $dW_h = \sum_t h_{t-1}^\top da_t$ — the
#   Repeat node of notebook 01.
# - $\partial h_T/\partial h_t = J_T \cdots J_{t+1}$ with
#   $J_k = \operatorname{diag}(1 - h_k^2)\,W_h^\top$ (row convention; columns write
#   $\operatorname{diag}(f')\,W$), so $\|\partial L/\partial h_t\| \le \sigma_{\max}(W_h)^{T-t}\,\|\partial L/\partial h_T\|$:
#   below 1 it vanishes for sure; above 1 it can explode.
# - Clipping rescales the whole gradient to a maximum norm: it fixes explosion's step size, not
#   vanishing. Truncated BPTT carries $h$ forward across chunks but stops gradients at their
#   boundaries, trading long-range credit for memory and speed.
#
# Next: [07 — LSTM and GRU backprop](07_lstm_and_gru.ipynb), where an additive cell-state path
# with no $W_h$ in it lets the gradient travel far.
