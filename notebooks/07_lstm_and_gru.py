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
# # 07 — LSTM and GRU backprop
#
# By the end you will have pushed a gradient through every gate of an LSTM and a GRU by hand,
# checked each one numerically, and watched the cell state carry a gradient across sixty steps
# where a plain RNN's gradient dies.
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/07_lstm_and_gru.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/07_lstm_and_gru.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

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
# - Write the LSTM step (gates i, f, o, g and the cell state) and derive its backward pass gate by
#   gate: dc, do, dg, di, df, through σ and tanh to the pre-activations, then to the weights.
# - Show numerically that ∂c_t/∂c_{t−1} = f_t: an additive path with no weight matrix on it, the
#   *gradient highway*.
# - Write the GRU as a weighted average of h_{t−1} and a candidate n, derive and check its backward
#   pass, and count why it is 25 % lighter than the LSTM.
# - Compare ‖∂L/∂h_t‖ through time in an RNN, an LSTM and a GRU, and train all three on a task that
#   needs a 30-step memory.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# - [06 — Backpropagation through time](06_backprop_through_time.ipynb): the RNN step, BPTT, and
#   why repeated multiplication by `diag(1 − h²)·Whᵀ` makes gradients vanish or explode.
# - [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb) and
#   [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): `dW = xᵀ·da`, `dx = da·Wᵀ`.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb): σ′ = σ(1 − σ),
#   tanh′ = 1 − tanh², and the product rule at a multiply gate.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - *gate (게이트)*: a vector of numbers in (0, 1), made by a sigmoid (시그모이드), that multiplies
#   another vector elementwise and so decides how much of it passes.
# - *cell state (셀 상태)* c_t: the LSTM's second memory vector, updated by adding, not by a matrix.
# - *hidden state (은닉 상태)* h_t: what a recurrent cell outputs and feeds to its next step.
# - *forget gate (망각 게이트)* f, *input gate (입력 게이트)* i, *output gate (출력 게이트)* o,
#   and the *candidate (후보)* g of the LSTM.
# - *update gate (업데이트 게이트)* z and *reset gate (리셋 게이트)* r of the GRU.
# - *LSTM (장단기 메모리, long short-term memory)*, *GRU (게이트 순환 유닛, gated recurrent unit)*,
#   *RNN (순환 신경망)*.
# - *vanishing gradient (기울기 소실)* and *exploding gradient (기울기 폭주)*; *backpropagation
#   (역전파)*; *relative error (상대 오차)*.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline

import time

import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as layers
from helpers.gradcheck import check_layer, numerical_gradient, rel_error
from helpers.plotting import FORWARD, GRADIENT, NEUTRAL

np.set_printoptions(precision=4, suppress=True)


ERRORS = {}   # every relative error this notebook measures, listed after the GRU check


def verdict(label, err, tol=1e-7):
    """One stable line per check (the raw numbers are machine-dependent: see ERRORS)."""
    ERRORS[label] = err
    mark = "✓" if err < tol else "✗"
    sign = "<" if err < tol else "≥"
    print(f"{label:38s} relative error {sign} {tol:.0e} {mark}")


def check(forward, backward, inputs, name):
    """check_layer (Richardson-refined central differences, notebook 01); records the error."""
    result = check_layer(forward, backward, inputs, name=name)
    ERRORS[name] = result.max_error


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: a memory you add to instead of multiply
#
# In notebook 06 the RNN rewrote its whole memory every step, `h_t = tanh(x_t·Wx + h_{t−1}·Wh + b)`,
# so the gradient going back one step is multiplied by the Jacobian `diag(1 − h_t²)·Whᵀ`, and
# going back 50 steps by 50 such matrices: it shrinks or grows geometrically.
#
# The LSTM keeps a second vector, the cell state, and updates it by *addition*:
#
# $$c_t = f_t \odot c_{t-1} + i_t \odot g_t .$$
#
# The old memory is scaled by the forget gate f_t (a number in (0, 1) per unit) and new content
# i_t ⊙ g_t is added. Going back one step along this line multiplies the gradient by f_t and by
# nothing else: no weight matrix, no tanh′. If the network learns f_t ≈ 1, the gradient rides
# this line across many steps almost untouched. The GRU gets the same effect with one vector:
# h_t is a weighted average of the old h_{t−1} and a new candidate.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ![The LSTM cell line and the RNN hidden line over three steps, with what one step back
# multiplies the gradient by](../figures/nb07_highway.png)
#
# Notice what each dashed arrow carries: on the cell line a single gate value per unit, on the
# RNN line a full H × H matrix times the tanh slope. The rest of the notebook derives, checks
# and measures that difference.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The LSTM step, forward
#
# One pre-activation matrix, cut into four blocks of H columns in the order **i, f, o, g**
# (the order `helpers.layers` uses):
#
# $$a = x_t W_x + h_{t-1} W_h + b \in \mathbb{R}^{N\times 4H},\qquad a = [\,a_i \mid a_f \mid a_o \mid a_g\,]$$
#
# $$i = \sigma(a_i),\quad f = \sigma(a_f),\quad o = \sigma(a_o),\quad g = \tanh(a_g)$$
#
# $$c_t = f \odot c_{t-1} + i \odot g,\qquad h_t = o \odot \tanh(c_t)$$
#
# The three sigmoids are gates (how much to add, keep, show); g is the content proposed for the
# memory. The cache keeps every intermediate the backward pass will need.
#
# As everywhere in this course (and in `helpers.layers`), vectors are *rows*: x_t is (N, D), one
# sequence per row, and the weights multiply from the right. Many papers and lecture notes write
# columns, a = W_x x_t + W_h h_{t−1} + b; their weight matrices are the transposes of ours. Where
# the difference shows (a Jacobian), we say so.

# %% slideshow={"slide_type": "subslide"}
def sigmoid(a):
    """σ(a) = 1 / (1 + e^−a), written through tanh so that no exp overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def lstm_gates(a, c_prev):
    """From the pre-activations a (N, 4H) and c_prev (N, H) to h, c and the gate values."""
    a_i, a_f, a_o, a_g = np.split(a, 4, axis=1)
    i, f, o, g = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o), np.tanh(a_g)
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return h, c, (i, f, o, g, tanh_c)


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """x (N, D), h_prev and c_prev (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,) → h, c (N, H), cache."""
    a = x @ Wx + h_prev @ Wh + b
    h, c, gates = lstm_gates(a, c_prev)
    cache = (x, h_prev, c_prev, Wx, Wh, gates)
    return h, c, cache


rng = np.random.default_rng(2)
N, D, H = 3, 5, 4
x = rng.standard_normal((N, D))
h_prev, c_prev = rng.standard_normal((N, H)), rng.standard_normal((N, H))
Wx = rng.standard_normal((D, 4 * H)) / np.sqrt(D)
Wh = rng.standard_normal((H, 4 * H)) / np.sqrt(H)
b = rng.standard_normal(4 * H) * 0.1
h, c, cache = lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
print("h shape", h.shape, " c shape", c.shape)
print("h[0] =", h[0])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the LSTM backward pass, gate by gate
#
# Two gradients arrive at step t: `dh` = ∂L/∂h_t (from the output and from step t+1) and
# `dc_next` = ∂L/∂c_t carried back along the cell line from step t+1. We walk the forward pass
# backwards, one line per rule.
#
# **1. Through h_t = o ⊙ tanh(c_t).** Multiply gate (each factor gets the upstream times the
# other factor), then tanh′ = 1 − tanh²:
#
# $$\mathrm{d}o = \mathrm{d}h \odot \tanh(c_t)$$
#
# $$\mathrm{d}c = \mathrm{d}c_{\text{next}} + \mathrm{d}h \odot o \odot \bigl(1 - \tanh^2(c_t)\bigr)$$
#
# The sum is the fork rule: c_t feeds two places (h_t and c_{t+1}), so their gradients add.
#
# **2. Through c_t = f ⊙ c_{t−1} + i ⊙ g.** An add gate passes dc to both terms unchanged;
# each multiply gate swaps its factors:
#
# $$\mathrm{d}f = \mathrm{d}c \odot c_{t-1},\quad \mathrm{d}i = \mathrm{d}c \odot g,\quad \mathrm{d}g = \mathrm{d}c \odot i,\quad \mathrm{d}c_{t-1} = \mathrm{d}c \odot f$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# **3. Through the activations.** σ′ = σ(1 − σ) and tanh′ = 1 − tanh², written with the cached
# outputs:
#
# $$\mathrm{d}a_i = \mathrm{d}i \odot i(1-i),\quad \mathrm{d}a_f = \mathrm{d}f \odot f(1-f),\quad \mathrm{d}a_o = \mathrm{d}o \odot o(1-o),\quad \mathrm{d}a_g = \mathrm{d}g \odot (1-g^2)$$
#
# **4. Through a = x W_x + h_{t−1} W_h + b**, with da = [da_i | da_f | da_o | da_g] (N, 4H):
# the matmul gate of notebook 03, and the bias gradient sums the N rows of da (b was broadcast
# to every row of the batch):
#
# $$\mathrm{d}W_x = x^\top \mathrm{d}a,\quad \mathrm{d}W_h = h_{t-1}^\top \mathrm{d}a,\quad \mathrm{d}b = \textstyle\sum_{k=1}^{N} \mathrm{d}a_{k,:},\quad \mathrm{d}x = \mathrm{d}a\, W_x^\top,\quad \mathrm{d}h_{t-1} = \mathrm{d}a\, W_h^\top$$

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: the backward pass as written

# %% slideshow={"slide_type": "subslide"}
def lstm_gates_backward(dh, dc_next, c_prev, gates):
    """Steps 1–3: from dh, dc_next (N, H) to da (N, 4H) and dc_prev (N, H)."""
    i, f, o, g, tanh_c = gates
    do = dh * tanh_c                                    # 1. multiply gate
    dc = dc_next + dh * o * (1 - tanh_c**2)             # 1. fork: two paths into c_t add
    df, di, dg = dc * c_prev, dc * g, dc * i            # 2. multiply gates after the add gate
    dc_prev = dc * f                                    # 2. the highway: only f, no matrix
    da = np.concatenate([di * i * (1 - i),              # 3. σ′ = σ(1 − σ)
                         df * f * (1 - f),
                         do * o * (1 - o),
                         dg * (1 - g**2)], axis=1)      # 3. tanh′ = 1 − tanh²
    return da, dc_prev


def lstm_step_backward(dh, dc_next, cache):
    """dh, dc_next (N, H) → dx (N, D), dh_prev, dc_prev (N, H), dWx, dWh, db."""
    x, h_prev, c_prev, Wx, Wh, gates = cache
    da, dc_prev = lstm_gates_backward(dh, dc_next, c_prev, gates)
    dWx = x.T @ da                                      # 4. matmul gate
    dWh = h_prev.T @ da
    db = da.sum(axis=0)                                 # 4. b was broadcast over the batch
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    return dx, dh_prev, dc_prev, dWx, dWh, db


dh = rng.standard_normal((N, H))
dc_next = rng.standard_normal((N, H))
grads = lstm_step_backward(dh, dc_next, cache)
print({name: g.shape for name, g in zip(["dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"], grads)})

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: each gate on its own
#
# A bug in one gate hides easily in a check of the whole layer, so we check the gates one at a
# time. Take the scalar L = Σ(h_t ⊙ dh) + Σ(c_t ⊙ dc_next), whose gradient with respect to h_t
# and c_t is exactly the upstream pair. First treat the four gate *values* i, f, o, g as free
# inputs (step 2), then the four *pre-activation* blocks a_i, a_f, a_o, a_g (step 3), and compare
# each analytic block with a central-difference gradient.

# %% slideshow={"slide_type": "subslide"}
a = x @ Wx + h_prev @ Wh + b
_, _, gates = lstm_gates(a, c_prev)
i, f, o, g, tanh_c = gates

# Step 2 checked alone: the gate values as independent inputs.
def loss_from_gate_values(i, f, o, g):
    c_t = f * c_prev + i * g
    return np.sum(o * np.tanh(c_t) * dh) + np.sum(c_t * dc_next)

do = dh * tanh_c
dc = dc_next + dh * o * (1 - tanh_c**2)
analytic = {"i": dc * g, "f": dc * c_prev, "o": do, "g": dc * i}
values = {"i": i, "f": f, "o": o, "g": g}
for name in "ifog":
    def loss_of(v, name=name):
        return loss_from_gate_values(**{**values, name: v})
    numeric = numerical_gradient(loss_of, values[name].copy())
    verdict(f"gate value d{name}", rel_error(analytic[name], numeric))

# Step 3 checked alone: each block of pre-activations a_i, a_f, a_o, a_g.
da, _ = lstm_gates_backward(dh, dc_next, c_prev, gates)
for k, name in enumerate("ifog"):
    cols = slice(k * H, (k + 1) * H)
    def loss_of_block(block, cols=cols):
        a_new = a.copy()
        a_new[:, cols] = block
        h_t, c_t, _ = lstm_gates(a_new, c_prev)
        return np.sum(h_t * dh) + np.sum(c_t * dc_next)
    numeric = numerical_gradient(loss_of_block, a[:, cols].copy())
    verdict(f"pre-activation da_{name}", rel_error(da[:, cols], numeric))

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now the whole step, both outputs at once: `check_layer` perturbs every input and compares with
# the analytic gradients. To test the c_t path as well as h_t, the forward returns [h | c] side by
# side and the backward splits the upstream gradient into dh and dc_next.

# %% slideshow={"slide_type": "subslide"}
def lstm_step_hc_forward(x, h_prev, c_prev, Wx, Wh, b, step=lstm_step_forward):
    h, c, cache = step(x, h_prev, c_prev, Wx, Wh, b)
    return np.concatenate([h, c], axis=1), cache


def lstm_step_hc_backward(dout, cache, step_backward=lstm_step_backward):
    dh, dc_next = np.split(dout, 2, axis=1)
    return step_backward(dh, dc_next, cache)


inputs = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "Wx": Wx, "Wh": Wh, "b": b}
check(lstm_step_hc_forward, lstm_step_hc_backward, inputs, "my lstm_step (h and c)")

# The reference layer in helpers.layers: same check, then the same numbers as ours?
check(lambda **kw: lstm_step_hc_forward(**kw, step=layers.lstm_step_forward),
      lambda dout, cache: lstm_step_hc_backward(dout, cache, layers.lstm_step_backward),
      inputs, "helpers.layers lstm_step (h and c)")
h_ref, c_ref, cache_ref = layers.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
grads_ref = layers.lstm_step_backward(dh, dc_next, cache_ref)
agree = max(rel_error(m, r) for m, r in zip((h, c) + grads, (h_ref, c_ref) + grads_ref))
verdict("mine vs helpers.layers (h, c, 6 grads)", agree, tol=1e-12)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The relative error here is the *largest* over all entries of |analytic − numeric| /
# (|analytic| + |numeric|), so one entry that happens to be close to zero dominates it.
# `check_layer` refines its central differences with one Richardson step (notebook 01), so at its
# step h = 10⁻³ the numerical gradient is far more accurate than the 10⁻⁷ pass mark: an error
# above 10⁻⁷ would be the backward pass's fault, not the check's. The gate checks above use plain
# central differences at h = 10⁻⁵. Every raw error, around 10⁻⁹ or smaller, is listed after the
# GRU check.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The LSTM over a sequence
#
# Over T steps the backward loop carries *two* gradients from step t+1 to step t: dh_next through
# the weights and dc_next along the cell line. The loss may read every h_t, so `dh[:, t]` is added
# to what comes back from the future, as in BPTT.

# %% slideshow={"slide_type": "subslide"}
def lstm_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H), c0 = 0 → h (N, T, H), caches (one per step)."""
    N, T, _ = x.shape
    h_t, c_t = h0, np.zeros_like(h0)
    hs, caches = [], []
    for t in range(T):
        h_t, c_t, step_cache = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        hs.append(h_t)
        caches.append(step_cache)
    return np.stack(hs, axis=1), caches


def lstm_backward(dh, caches):
    """dh (N, T, H): upstream gradient of every h_t → dx, dh0, dWx, dWh, db."""
    N, T, H = dh.shape
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    dxs, dWx, dWh, db = [], 0.0, 0.0, 0.0
    for t in reversed(range(T)):
        dx_t, dh_next, dc_next, dWx_t, dWh_t, db_t = lstm_step_backward(
            dh[:, t] + dh_next, dc_next, caches[t])
        dxs.append(dx_t)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t   # shared weights: sum over t
    return np.stack(dxs[::-1], axis=1), dh_next, dWx, dWh, db


T = 6
xs = rng.standard_normal((N, T, D))
h0 = rng.standard_normal((N, H))
seq_inputs = {"x": xs, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}
check(lstm_forward, lstm_backward, seq_inputs, "my lstm (T = 6)")
check(layers.lstm_forward, layers.lstm_backward, seq_inputs, "helpers.layers lstm (T = 6)")
dhs = rng.standard_normal((N, T, H))
hs_mine, caches_mine = lstm_forward(**seq_inputs)
hs_ref, caches_ref = layers.lstm_forward(**seq_inputs)
pairs = zip((hs_mine,) + lstm_backward(dhs, caches_mine),
            (hs_ref,) + layers.lstm_backward(dhs, caches_ref))
verdict("mine vs helpers.layers (h, 5 grads)", max(rel_error(m, r) for m, r in pairs), tol=1e-12)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gradient highway: ∂c_t/∂c_{t−1} = f_t
#
# Step 2 said dc_{t−1} = dc ⊙ f. As a Jacobian, with h_{t−1} and x_t held fixed (the direct path
# along the cell line):
#
# $$\frac{\partial c_t}{\partial c_{t-1}} = \operatorname{diag}(f_t)$$
#
# No weight matrix, no tanh′: a diagonal of numbers in (0, 1). Compare the RNN's step Jacobian
# from notebook 06, a full matrix that mixes every unit:
#
# $$\frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}(1 - h_t^2)\, W_h^\top$$
#
# The transpose is the row convention at work: row j of the Jacobian is ∂h_{t,j}/∂h_{t−1}, and
# h_{t,j} reads h_{t−1} through column j of W_h. In the column convention of many lecture notes,
# h_t = tanh(W_hh h_{t−1} + …), the same Jacobian reads diag(1 − h_t²) W_hh, with their W_hh our
# W_hᵀ. The LSTM's diag(f_t) looks the same in both: a diagonal matrix is its own transpose.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Below, both Jacobians are measured by central differences, one row per output unit, for one
# sequence (N = 1). For the RNN we borrow the first H columns of the LSTM's weights.

# %% slideshow={"slide_type": "-"}
def numerical_jacobian(fn, v):
    """J[j, k] = ∂fn(v)[0, j] / ∂v[0, k] by central differences; v has shape (1, H)."""
    rows = [numerical_gradient(lambda u, j=j: fn(u)[0, j], v.copy()) for j in range(v.shape[1])]
    return np.concatenate(rows, axis=0)


x1, h1, c1 = x[:1], h_prev[:1], c_prev[:1]
J_cell = numerical_jacobian(lambda cp: lstm_step_forward(x1, h1, cp, Wx, Wh, b)[1], c1)
f1 = lstm_gates(x1 @ Wx + h1 @ Wh + b, c1)[2][1]
print("LSTM ∂c_t/∂c_{t−1}, measured:\n", J_cell)
print("f_t                        :", f1[0])
verdict("diag(f_t) vs measured Jacobian", rel_error(np.diag(f1[0]), J_cell))

Wh_rnn = Wh[:, :H]                                        # an H × H recurrent matrix
h_rnn = np.tanh(x1 @ Wx[:, :H] + h1 @ Wh_rnn)
J_rnn = numerical_jacobian(lambda hp: np.tanh(x1 @ Wx[:, :H] + hp @ Wh_rnn), h1)
print("RNN ∂h_t/∂h_{t−1}, measured:\n", J_rnn)
J_rnn_formula = (1 - h_rnn[0]**2)[:, None] * Wh_rnn.T
verdict("diag(1 − h²)·Whᵀ vs measured Jacobian", rel_error(J_rnn_formula, J_rnn))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Off the diagonal the LSTM's cell Jacobian is exactly zero, and the diagonal is the forget gate.
# Back k steps along the cell line the gradient is multiplied by f_t ⊙ f_{t−1} ⊙ ⋯, one number per
# unit: with f ≈ 0.98 that is 0.98⁵⁰ ≈ 0.36 after 50 steps. The RNN multiplies 50 full matrices
# instead, each with the shrinking tanh′ on it. (The total derivative of c_t with respect to
# c_{t−1} also has a path through h_{t−1} = o ⊙ tanh(c_{t−1}) and the gates; that path goes
# through W_h like the RNN's, and is the one that still vanishes.)

# %% slideshow={"slide_type": "fragment"}
for f_value in (0.9, 0.98, 0.999):
    print(f"f = {f_value}:  f^50 = {f_value**50:.3g}   f^200 = {f_value**200:.3g}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The GRU: one state, a weighted average
#
# The GRU drops the separate cell state. Three blocks of H columns in the order **z, r, n**:
#
# $$z = \sigma(x_t W_{x,z} + h_{t-1} W_{h,z} + b_z),\qquad r = \sigma(x_t W_{x,r} + h_{t-1} W_{h,r} + b_r)$$
#
# $$n = \tanh\bigl(x_t W_{x,n} + (r \odot h_{t-1}) W_{h,n} + b_n\bigr)$$
#
# $$h_t = (1 - z) \odot h_{t-1} + z \odot n$$
#
# Each unit of h_t sits on the segment between the old value h_{t−1} and the candidate n, at the
# fraction z. With z ≈ 0 the unit keeps its past (∂h_t/∂h_{t−1} ≈ I along that direct path,
# the GRU's highway); the reset gate r decides how much of the past the candidate may look at.

# %% slideshow={"slide_type": "subslide"}
def gru_step_forward(x, h_prev, Wx, Wh, b):
    """x (N, D), h_prev (N, H), Wx (D, 3H), Wh (H, 3H), b (3H,) → h (N, H), cache."""
    Hn = h_prev.shape[1]
    a_x = x @ Wx + b                                      # input part of all three blocks
    a_zr = a_x[:, :2 * Hn] + h_prev @ Wh[:, :2 * Hn]
    z, r = sigmoid(a_zr[:, :Hn]), sigmoid(a_zr[:, Hn:])
    n = np.tanh(a_x[:, 2 * Hn:] + (r * h_prev) @ Wh[:, 2 * Hn:])
    h = (1 - z) * h_prev + z * n
    return h, (x, h_prev, Wx, Wh, z, r, n)


Wx_gru = rng.standard_normal((D, 3 * H)) / np.sqrt(D)
Wh_gru = rng.standard_normal((H, 3 * H)) / np.sqrt(H)
b_gru = rng.standard_normal(3 * H) * 0.1
h_gru, cache_gru = gru_step_forward(x, h_prev, Wx_gru, Wh_gru, b_gru)
z_gru, n_gru = cache_gru[4], cache_gru[6]
between = np.all((np.minimum(h_prev, n_gru) <= h_gru) & (h_gru <= np.maximum(h_prev, n_gru)))
print("every h_t lies between h_{t−1} and n:", bool(between))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the GRU backward pass
#
# One gradient arrives, dh = ∂L/∂h_t. Note that h_{t−1} is used in four places (the average, z,
# r and inside the candidate), so by the fork rule dh_{t−1} is a sum of four terms.
#
# **1. Through h_t = (1 − z) ⊙ h_{t−1} + z ⊙ n.** Product rule; z appears twice:
#
# $$\mathrm{d}z = \mathrm{d}h \odot (n - h_{t-1}),\qquad \mathrm{d}n = \mathrm{d}h \odot z,\qquad \mathrm{d}h_{t-1} \mathrel{+}= \mathrm{d}h \odot (1 - z)$$
#
# **2. Through the candidate**, tanh′ then the matmul gate with input s = r ⊙ h_{t−1}:
#
# $$\mathrm{d}a_n = \mathrm{d}n \odot (1 - n^2),\qquad \mathrm{d}W_{h,n} = (r \odot h_{t-1})^\top \mathrm{d}a_n,\qquad \mathrm{d}s = \mathrm{d}a_n W_{h,n}^\top$$
#
# **3. Through s = r ⊙ h_{t−1}** (multiply gate):
#
# $$\mathrm{d}r = \mathrm{d}s \odot h_{t-1},\qquad \mathrm{d}h_{t-1} \mathrel{+}= \mathrm{d}s \odot r$$

# %% [markdown] slideshow={"slide_type": "subslide"}
# **4. Through the gates' sigmoids and their matmuls**, with da_zr = [da_z | da_r]:
#
# $$\mathrm{d}a_z = \mathrm{d}z \odot z(1-z),\quad \mathrm{d}a_r = \mathrm{d}r \odot r(1-r),\quad \mathrm{d}W_{h,zr} = h_{t-1}^\top \mathrm{d}a_{zr},\quad \mathrm{d}h_{t-1} \mathrel{+}= \mathrm{d}a_{zr} W_{h,zr}^\top$$
#
# **5. The input side** sees all three blocks, da = [da_z | da_r | da_n] (N, 3H):
#
# $$\mathrm{d}W_x = x^\top \mathrm{d}a,\qquad \mathrm{d}b = \textstyle\sum_{k=1}^{N} \mathrm{d}a_{k,:},\qquad \mathrm{d}x = \mathrm{d}a\, W_x^\top$$
#
# and the recurrent gradient is the two pieces side by side, dW_h = [dW_{h,zr} | dW_{h,n}]. (Here
# k counts the rows of the batch; the subscript n in da_n names the candidate block.)

# %% slideshow={"slide_type": "subslide"}
def gru_step_backward(dh, cache):
    """dh (N, H) → dx (N, D), dh_prev (N, H), dWx (D, 3H), dWh (H, 3H), db (3H,)."""
    x, h_prev, Wx, Wh, z, r, n = cache
    Hn = h_prev.shape[1]
    dz = dh * (n - h_prev)                                # 1. z appears twice
    dn = dh * z
    dh_prev = dh * (1 - z)                                # 1. the direct (highway) path
    da_n = dn * (1 - n**2)                                # 2. tanh′
    dWh_n = (r * h_prev).T @ da_n                         # 2. matmul gate, input r ⊙ h_prev
    ds = da_n @ Wh[:, 2 * Hn:].T
    dr = ds * h_prev                                      # 3. multiply gate
    dh_prev = dh_prev + ds * r
    da_zr = np.concatenate([dz * z * (1 - z), dr * r * (1 - r)], axis=1)   # 4. σ′
    dWh_zr = h_prev.T @ da_zr
    dh_prev = dh_prev + da_zr @ Wh[:, :2 * Hn].T          # 4. the fourth use of h_prev
    da = np.concatenate([da_zr, da_n], axis=1)            # 5. input side, all three blocks
    dWx = x.T @ da
    db = da.sum(axis=0)
    dx = da @ Wx.T
    return dx, dh_prev, dWx, np.concatenate([dWh_zr, dWh_n], axis=1), db


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the GRU gates one by one, then the whole step
#
# As for the LSTM, first the gate values on their own (z and n as free inputs of the average,
# r through the candidate it feeds), then `check_layer` on the whole step and the sequence, and
# the comparison with `helpers.layers`.

# %% slideshow={"slide_type": "subslide"}
z, r, n = cache_gru[4], cache_gru[5], cache_gru[6]
a_n_input = x @ Wx_gru[:, 2 * H:] + b_gru[2 * H:]         # the candidate's input part


def loss_from_gru_gates(z, r, n=None):
    if n is None:                                          # n recomputed from r
        n = np.tanh(a_n_input + (r * h_prev) @ Wh_gru[:, 2 * H:])
    return np.sum(((1 - z) * h_prev + z * n) * dh)


ds = (dh * z * (1 - n**2)) @ Wh_gru[:, 2 * H:].T
gate_checks = {
    "dz": (dh * (n - h_prev), lambda v: loss_from_gru_gates(v, r, n), z),
    "dn": (dh * z, lambda v: loss_from_gru_gates(z, r, v), n),
    "dr": (ds * h_prev, lambda v: loss_from_gru_gates(z, v), r),
}
for name, (analytic_grad, loss_fn, value) in gate_checks.items():
    numeric = numerical_gradient(loss_fn, value.copy())
    verdict(f"GRU gate value {name}", rel_error(analytic_grad, numeric))

gru_inputs = {"x": x, "h_prev": h_prev, "Wx": Wx_gru, "Wh": Wh_gru, "b": b_gru}
check(gru_step_forward, gru_step_backward, gru_inputs, "my gru_step")
check(layers.gru_step_forward, layers.gru_step_backward, gru_inputs, "helpers.layers gru_step")
h_ref, cache_ref = layers.gru_step_forward(**gru_inputs)
pairs = zip((h_gru,) + gru_step_backward(dh, cache_gru),
            (h_ref,) + layers.gru_step_backward(dh, cache_ref))
verdict("mine vs helpers.layers (h, 5 grads)", max(rel_error(m, r) for m, r in pairs), tol=1e-12)
seq_gru = {"x": xs, "h0": h0, "Wx": Wx_gru, "Wh": Wh_gru, "b": b_gru}
check(layers.gru_forward, layers.gru_backward, seq_gru, "helpers.layers gru (T = 6)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The term dz = dh ⊙ (n − h_{t−1}) is worth a second look: the update gate only gets a gradient
# where the candidate *differs* from the old state. If n equals h_{t−1}, averaging them at any
# fraction gives the same h_t, so z cannot matter.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every relative error measured so far, the numbers behind the ✓ marks (they vary in the last
# digits from machine to machine, so nbval does not compare this cell):

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output"]
for label, err in ERRORS.items():
    print(f"{label:40s} {err:.1e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why the GRU is lighter: counting parameters
#
# Each block (a gate or a candidate) owns a D×H input matrix, an H×H recurrent matrix and H
# biases. The RNN has one block, the GRU three, the LSTM four:
#
# $$P_{\text{RNN}} = DH + H^2 + H,\qquad P_{\text{GRU}} = 3\,(DH + H^2 + H),\qquad P_{\text{LSTM}} = 4\,(DH + H^2 + H)$$
#
# so a GRU has 3/4 of an LSTM's parameters (and does 3/4 of its matmul work) for the same D, H.

# %% slideshow={"slide_type": "-"}
def count(*arrays):
    return sum(a.size for a in arrays)


print(f"D = {D}, H = {H}:  LSTM {count(Wx, Wh, b)}, GRU {count(Wx_gru, Wh_gru, b_gru)}"
      f"  (formula: {4 * (D * H + H * H + H)} and {3 * (D * H + H * H + H)})")
for D_, H_ in [(2, 16), (128, 256), (300, 1024)]:
    p_lstm, p_gru = 4 * (D_ * H_ + H_**2 + H_), 3 * (D_ * H_ + H_**2 + H_)
    print(f"D = {D_:4d}, H = {H_:5d}:  RNN {p_lstm // 4:>9,d}  GRU {p_gru:>10,d}  "
          f"LSTM {p_lstm:>10,d}  GRU/LSTM = {p_gru / p_lstm:.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: the gradient through time in all three cells
#
# Put a loss on the last hidden state only, L = v · h_T (v a fixed unit vector, so
# ‖∂L/∂h_T‖ = 1), and run each cell's backward step by step, recording ‖∂L/∂h_t‖ at every t.
# The widget uses the step layers of `helpers.layers`, random weights and one shared input
# sequence. The *keep bias* β is the LSTM's forget-gate bias b_f = β and the GRU's update-gate
# bias b_z = −β: large β means "keep the past" in both gated cells. Move β below 0 to see the
# highway close; raise the weight scale to see the RNN stop vanishing (the tanh saturates
# before it can explode). The y axis stays fixed from 10⁻¹⁶ to 10, so the curves move against
# one scale: a curve that leaves the bottom has fallen below float64's relative precision, and
# added to a gradient of size 1 it would not change a single bit.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
from helpers.widgets import (gradient_highway_explorer, gradient_highway_figure,
                             gradient_norms_through_time)

gradient_highway_explorer()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same plot as a static figure (the widget's opening state: T = 60, β = 2, weight scale 1),
# for readers where widgets do not run:

# %% slideshow={"slide_type": "-"}
fig = gradient_highway_figure()
fig

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read the plot from right to left. The RNN's gradient falls by roughly a constant factor per
# step, a straight line on the log axis, and is about 10⁻¹⁰ at t = 0. The LSTM's cell-state
# gradient (dashed) stays between 0.09 and 0.5 across all 60 steps (printed below), and its
# ‖∂L/∂h_t‖ follows it: the gradient rides the cell line and steps off into h where it is
# needed. The GRU decays, but far more slowly than the RNN.

# %% slideshow={"slide_type": "subslide"}
for beta in (-2.0, 0.0, 2.0, 4.0):
    norms = gradient_norms_through_time(T=60, keep_bias=beta)
    print(f"β = {beta:+.0f}:  ‖∂L/∂h_0‖  RNN {norms['rnn'][0]:.0e}   LSTM {norms['lstm_h'][0]:.0e}"
          f"   GRU {norms['gru'][0]:.0e}")
cell_norms = gradient_norms_through_time()["lstm_c"][:-1]     # t = 0 … T − 1 (0 at t = T)
print(f"default state (β = 2): LSTM ‖∂L/∂c_t‖ between {cell_norms.min():.2f} and "
      f"{cell_norms.max():.2f} for every t < T")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The RNN does not have β, so its column never moves. The gated cells only keep a gradient alive
# when their gates are biased to keep; at β ≤ 0 they lose it even faster than the RNN, because
# every step multiplies by a gate near or below 1/2 *and* by the weights. The highway is a road the
# network must learn to open, or that we open for it at initialisation: the common trick of
# starting b_f at 1 or more.

# %% [markdown] slideshow={"slide_type": "notes"}
# How fast the widget is: the pure function (rerun on every slider move), a whole slider move
# including the redraw of its one figure (the curves and numbers are blitted over a cached
# background of axes and labels), and the full redraw paid the first time T takes a new value
# (the x axis changes). Wall-clock
# time and the CPU time this process used (on a busy shared machine the wall clock also counts
# waiting for a core). Timings depend on the machine, so nbval does not compare them.

# %% slideshow={"slide_type": "notes"} tags=["nbval-ignore-output"]
def timed_ms(fn, repeats=5):
    """Median wall and CPU milliseconds of fn()."""
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(1e3 * (time.perf_counter() - t0))
        cpu.append(1e3 * (time.process_time() - c0))
    return np.median(wall), np.median(cpu)


timing_widget = gradient_highway_explorer()
keep_bias_slider = timing_widget.children[0].children[1]
betas = iter([1.0, 3.0, 2.0, 1.0, 3.0])
pure_wall, pure_cpu = timed_ms(gradient_norms_through_time)
move_wall, move_cpu = timed_ms(lambda: setattr(keep_bias_slider, "value", next(betas)))
full_wall, full_cpu = timed_ms(lambda: timing_widget.figure_image.refresh(key="t", full=True))
print(f"pure function (T = 60): {pure_wall:.1f} ms wall, {pure_cpu:.1f} ms CPU per call")
print(f"slider move with redraw: {move_wall:.0f} ms wall, {move_cpu:.0f} ms CPU")
print(f"full redraw (a new T): {full_wall:.0f} ms wall, {full_cpu:.0f} ms CPU")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A long-range task: the adding problem
#
# Each input step carries two numbers: a value drawn uniformly from [0, 1] and a marker that is 1
# at exactly two steps (one in the first half of the sequence, one in the second) and 0
# elsewhere. The target, read from h_T through a small affine head, is the sum of the two marked
# values. Always guessing the mean, 1, gives a mean squared error of
# Var(u₁ + u₂) = 2 · 1/12 ≈ 0.167: that is the line to beat. With T = 30 the first marker falls
# in one of steps 1–15 and the loss reads h_30, so the model must carry that value through 15 to
# 29 further steps.

# %% slideshow={"slide_type": "subslide"}
def adding_problem(rng, N, T):
    """x (N, T, 2): [value, marker]; y (N,): the sum of the two marked values."""
    values = rng.uniform(0.0, 1.0, (N, T))
    marks = np.zeros((N, T))
    rows = np.arange(N)
    marks[rows, rng.integers(0, T // 2, N)] = 1.0
    marks[rows, rng.integers(T // 2, T, N)] = 1.0
    return np.stack([values, marks], axis=2), np.sum(values * marks, axis=1)


x_demo, y_demo = adding_problem(np.random.default_rng(1), 1, 10)
print("values :", x_demo[0, :, 0].round(2))
print("markers:", x_demo[0, :, 1].astype(int))
print("target :", y_demo.round(2))
BASELINE = 2 / 12
_, y_many = adding_problem(np.random.default_rng(3), 100_000, 30)
print(f"baseline MSE (always guess 1): {BASELINE:.3f} by the formula, "
      f"{np.mean((y_many - 1.0)**2):.3f} measured on 100,000 sequences")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each model is one recurrent layer from `helpers.layers` (hidden size 16) plus the affine head,
# trained with Adam (written out below) on fresh batches of 32 sequences. Only dh[:, T−1] is
# non-zero: the loss reads the last hidden state. Gradients are clipped elementwise to [−1, 1], a
# guard against the occasional exploding step (unlike notebook 06's norm clipping, this clips each
# entry on its own and can change the gradient's direction; with Adam that hardly matters). The LSTM starts with b_f = 1 (the trick from the
# plot above); everything else starts at small random weights and zero biases.

# %% slideshow={"slide_type": "subslide"}
CELLS = {"RNN": ("rnn", 1), "LSTM": ("lstm", 4), "GRU": ("gru", 3)}   # layer name, blocks


def init_params(rng, cell, D_in, H):
    name, blocks = CELLS[cell]
    params = {"Wx": rng.standard_normal((D_in, blocks * H)) / np.sqrt(D_in),
              "Wh": rng.standard_normal((H, blocks * H)) / np.sqrt(H),
              "b": np.zeros(blocks * H),
              "w_out": rng.standard_normal((H, 1)) / np.sqrt(H),
              "b_out": np.ones(1)}                       # start at the baseline guess, 1
    if cell == "LSTM":
        params["b"][H:2 * H] = 1.0                        # open the highway: f ≈ σ(1) ≈ 0.73
    return params


def loss_and_grads(cell, params, x, y):
    name, _ = CELLS[cell]
    N, T, _ = x.shape
    H = params["Wh"].shape[0]
    hs, cache = getattr(layers, f"{name}_forward")(x, np.zeros((N, H)), params["Wx"],
                                                   params["Wh"], params["b"])
    pred, head_cache = layers.affine_forward(hs[:, -1], params["w_out"], params["b_out"])
    err = pred[:, 0] - y
    loss = np.mean(err**2)
    dpred = (2 * err / N)[:, None]                          # ∂ mean(err²) / ∂pred
    dh_last, dw_out, db_out = layers.affine_backward(dpred, head_cache)
    dh = np.zeros_like(hs)
    dh[:, -1] = dh_last                                     # the loss reads h_T only
    _, _, dWx, dWh, db = getattr(layers, f"{name}_backward")(dh, cache)
    return loss, {"Wx": dWx, "Wh": dWh, "b": db, "w_out": dw_out, "b_out": db_out}


# %% slideshow={"slide_type": "subslide"}
def train(cell, T=30, H=16, steps=250, batch=32, lr=1.2e-2, seed=0):
    """Adam on fresh batches; returns the loss of every step (steps,)."""
    rng = np.random.default_rng(seed)
    data_rng = np.random.default_rng(seed + 1)             # the same batches for every cell
    params = init_params(rng, cell, 2, H)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    s = {k: np.zeros_like(v) for k, v in params.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    losses = np.empty(steps)
    for step in range(1, steps + 1):
        x_batch, y_batch = adding_problem(data_rng, batch, T)
        losses[step - 1], grads = loss_and_grads(cell, params, x_batch, y_batch)
        for k in params:
            g = np.clip(grads[k], -1.0, 1.0)
            m[k] = beta1 * m[k] + (1 - beta1) * g           # running mean of the gradient
            s[k] = beta2 * s[k] + (1 - beta2) * g**2        # running mean of its square
            m_hat, s_hat = m[k] / (1 - beta1**step), s[k] / (1 - beta2**step)
            params[k] = params[k] - lr * m_hat / (np.sqrt(s_hat) + eps)
    return losses

# %% [markdown] slideshow={"slide_type": "subslide"}
# Before training, one more check: the whole model's gradient (recurrent layer, head and squared
# error together) against central differences, on a short sequence.

# %% slideshow={"slide_type": "-"}
check_rng = np.random.default_rng(6)
x_small, y_small = adding_problem(check_rng, 4, 6)
for cell in CELLS:
    params = init_params(check_rng, cell, 2, 3)
    _, grads = loss_and_grads(cell, params, x_small, y_small)
    worst = 0.0
    for k in params:
        def loss_of(p, k=k):
            return loss_and_grads(cell, {**params, k: p}, x_small, y_small)[0]
        worst = max(worst, rel_error(grads[k], numerical_gradient(loss_of, params[k].copy())))
    verdict(f"{cell} + head + MSE, all parameters", worst)

# %% slideshow={"slide_type": "subslide"}
start = time.perf_counter()
histories = {cell: train(cell) for cell in CELLS}
train_seconds = time.perf_counter() - start

for cell, losses in histories.items():
    final = losses[-50:].mean()
    if final < 0.1 * BASELINE:
        outcome = "learned: below 10 % of the baseline"
    elif final > 0.5 * BASELINE:
        outcome = "no better than guessing"
    else:
        outcome = "partly learned"
    print(f"{cell:4s} → {outcome}")

# %% [markdown] slideshow={"slide_type": "-"}
# The exact numbers (they depend slightly on the machine's floating-point libraries, so nbval does
# not compare them):

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output"]
for cell, losses in histories.items():
    print(f"{cell:4s}: mean MSE over the last 50 steps {losses[-50:].mean():.4f}"
          f"  = {losses[-50:].mean() / BASELINE:.1%} of the baseline {BASELINE:.3f}")
print(f"training all three models took {train_seconds:.1f} s on this machine")

# %% slideshow={"slide_type": "subslide"}
def smooth(v, k=20):
    return np.convolve(v, np.ones(k) / k, mode="valid")


fig, ax = plt.subplots(figsize=(7.5, 4.2))
colours = {"RNN": NEUTRAL, "LSTM": FORWARD, "GRU": GRADIENT}
for cell, losses in histories.items():
    ax.plot(losses, color=colours[cell], alpha=0.25, lw=1)
    ax.plot(np.arange(19, len(losses)), smooth(losses), color=colours[cell], lw=2,
            label=f"{cell} (20-step average)")
ax.axhline(BASELINE, color="black", ls="--", lw=1.2, label="guess 1 every time (MSE ≈ 0.167)")
ax.set_yscale("log")
ax.set_xlabel("training step (one batch of 32 sequences, T = 30)")
ax.set_ylabel("mean squared error (log scale)")
ax.set_title("The adding problem: only the gated cells learn to remember 30 steps")
ax.legend(loc="lower left", fontsize=9)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The RNN's curve never leaves the dashed baseline: it learns to guess the mean and nothing
# else, because the gradient from the loss does not reach the first marker. The GRU and the LSTM
# sit on the same plateau for a while, then drop an order of magnitude and more below it once
# they discover which steps to store; the LSTM needs a little longer to open its gates.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Four short exercises. Each cell holds a stub and a checker; edit the stub and run the cell
# until the checker prints ✓. Solutions are folded below each exercise.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — dc_prev from both paths
#
# At one LSTM step, `dh` and `dc_next` arrive from above. Return ∂L/∂c_{t−1}. Remember that c_t
# feeds both h_t and c_{t+1}. All arguments have shape (N, H).

# %% slideshow={"slide_type": "-"}
from helpers.exercises import nb07


def lstm_dc_prev(dh, dc_next, o, tanh_c, f):
    # TODO: return dL/dc_{t-1}
    return None


done = nb07.check_dc_prev(lstm_dc_prev)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def lstm_dc_prev(dh, dc_next, o, tanh_c, f):
#     dc = dc_next + dh * o * (1 - tanh_c**2)   # fork: two paths into c_t
#     return dc * f                             # the highway: times f, nothing else
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — the GRU's update gate
#
# For h_t = (1 − z) ⊙ h_{t−1} + z ⊙ n, return ∂L/∂z given `dh` = ∂L/∂h_t. This is the gradient
# with respect to the gate *value* z itself (step 1 of the GRU derivation); the sigmoid's
# z(1 − z) would come after it. All arguments have shape (N, H).

# %% slideshow={"slide_type": "-"}
def gru_dz(dh, h_prev, n):
    # TODO: return dL/dz
    return None


done = nb07.check_gru_dz(gru_dz)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def gru_dz(dh, h_prev, n):
#     return dh * (n - h_prev)    # z multiplies n and, with a minus sign, h_prev
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — parameter counts
#
# Return the number of trainable numbers (Wx, Wh and b) of one layer of `cell` ("rnn", "lstm" or
# "gru") with input size D and hidden size H, as used by `helpers.layers`.

# %% slideshow={"slide_type": "-"}
def param_count(cell, D, H):
    # TODO: return an int
    return None


done = nb07.check_param_count(param_count)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# ```python
# def param_count(cell, D, H):
#     blocks = {"rnn": 1, "gru": 3, "lstm": 4}[cell]
#     return blocks * (D * H + H * H + H)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4 — how long does the highway hold?
#
# Suppose a forget-gate unit sits at f = 0.99 at every step. Along the cell line alone, after
# how many steps back has the gradient first fallen below half its value at the loss? Give an
# integer.

# %% slideshow={"slide_type": "-"}
steps_to_half = None   # TODO: an integer

done = nb07.check_steps_to_half(steps_to_half)

# %% [markdown] slideshow={"slide_type": "-"}
# <details><summary>Solution</summary>
#
# The gradient after k steps is 0.99ᵏ times the original. 0.99ᵏ < 1/2 first when
# k > ln 2 / −ln 0.99 ≈ 68.97, so after **69** steps. With f = 0.9 it would be 7 steps: a
# forget gate close to 1 is what makes the memory long.
#
# ```python
# import math
# steps_to_half = math.ceil(math.log(0.5) / math.log(0.99))
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - The LSTM backward pass is four small rules in a row: multiply gates swap their factors, the
#   add gate copies, σ′ = σ(1 − σ) and tanh′ = 1 − tanh², then the matmul gate for the weights.
# - c_t feeds h_t and c_{t+1}, so dc = dc_next + dh ⊙ o ⊙ (1 − tanh² c_t): the fork rule.
# - ∂c_t/∂c_{t−1} = diag(f_t): no weight matrix on the cell line. With f ≈ 1 the gradient
#   survives tens of steps; that is the gradient highway, and why b_f is often started at 1.
# - The GRU's h_t = (1 − z) ⊙ h_{t−1} + z ⊙ n gives h_{t−1} a direct path scaled by 1 − z, and
#   dz = dh ⊙ (n − h_{t−1}); three blocks instead of four make it 3/4 the LSTM's size.
# - On a 30-step memory task the plain RNN stays at the guessing baseline while LSTM and GRU
#   learn, in 250 Adam steps.
#
# This is the last notebook of the core course. Go back to the
# [course map](../README.md), or revisit
# [06 — Backpropagation through time](06_backprop_through_time.ipynb) with the cell state in mind.
