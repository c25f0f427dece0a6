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
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/07_lstm_and_gru.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/07_lstm_and_gru.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. Two lectures: the LSTM (forward, backward, checks, the highway) in the first; the
# GRU, the gradient-through-time picture and the adding problem in the second. Everything runs
# live in well under half a minute.

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
# - Write the LSTM step (gates $i, f, o$, candidate $g$, cell state $c_t$) and derive its
#   backward pass gate by gate, down to $dW_x$, $dW_h$ and $db$.
# - Show numerically that $\partial c_t/\partial c_{t-1} = \operatorname{diag}(f_t)$: an
#   additive path with no weight matrix on it, the *gradient highway*.
# - Write the GRU as a weighted average of $h_{t-1}$ and a candidate $n$; derive and check its
#   backward pass; know the two conventions for $z$ in the literature.
# - Measure $\|\partial L/\partial h_t\|$ through time in an RNN, an LSTM and a GRU, and train
#   all three on a task that needs a 30-step memory.
#
# ## Prerequisites
#
# - [06 — Backpropagation through time](06_backprop_through_time.ipynb): BPTT, and why a product
#   of Jacobians $\operatorname{diag}(1 - h^2)\,W_h^\top$ vanishes or explodes.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dW = X^\top dA$,
#   $dX = dA\,W^\top$, a broadcast bias sums over the batch.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb):
#   $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$, the multiply gate.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **gate (게이트)**: a vector of numbers in (0, 1), made by a **sigmoid (시그모이드)**, that
#   multiplies another vector elementwise and so decides how much of it passes.
# - **cell state (셀 상태)** $c_t$: the LSTM's second memory vector, updated by adding, not by a
#   matrix; **hidden state (은닉 상태)** $h_t$: what a recurrent cell outputs and feeds forward.
# - **forget gate (망각 게이트)** $f$, **input gate (입력 게이트)** $i$, **output gate (출력
#   게이트)** $o$, and the **candidate (후보)** $g$ of the LSTM.
# - **update gate (업데이트 게이트)** $z$ and **reset gate (리셋 게이트)** $r$ of the GRU.
# - **LSTM (장단기 메모리, long short-term memory)**, **GRU (게이트 순환 유닛, gated recurrent
#   unit)**, **RNN (순환 신경망)**.
# - **vanishing gradient (기울기 소실)** and **exploding gradient (기울기 폭주)**; **gradient
#   highway (기울기 고속도로)**: a path along which the gradient is not multiplied by a matrix.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as layers
import helpers.plotting as hp
from helpers.exercises._check import progress
from helpers.exercises.nb07 import (
    check_gru_step_backward,
    check_gru_torch_step_backward,
    check_lstm_step_backward,
    check_steps_to_half,
)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error, verdict
from helpers.widgets.gradient_highway import (
    gradient_highway_explorer,
    gradient_highway_figure,
    gradient_norms_through_time,
)
from helpers.widgets.vanishing_explorer import vanishing_profile

np.set_printoptions(precision=3, suppress=True)
ERRORS = {}   # every relative error this notebook measures (listed after the GRU check)


def report(name, err, tol=1e-7):
    """Record a relative error and print its stable verdict line (no raw digits)."""
    ERRORS[name] = err
    print(verdict(name, err, tol))


def check(forward, backward, inputs, name):
    """check_layer (Richardson-refined central differences, notebook 01); records the error."""
    ERRORS[name] = check_layer(forward, backward, inputs, name=name).max_error


def sigmoid(a):
    """σ(a) = 1 / (1 + e^−a), written through tanh so that no exp overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: a memory you add to instead of multiply
#
# The RNN of notebook 06 rewrites its whole memory at every step,
# $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$, so one step back multiplies the gradient by the
# Jacobian $\operatorname{diag}(1 - h_t^2)\,W_h^\top$, and fifty steps back by fifty of them. If
# the largest singular value $\sigma_{\max}(W_h)$ is below 1 the product shrinks geometrically:
# the gradient vanishes. Above 1 it *can* grow, and explode — possible, not guaranteed, since
# every $\tanh' \le 1$ pulls it back down (Pascanu, Mikolov & Bengio, 2013).
#
# The LSTM keeps a second vector, the cell state, and updates it by *addition*:
# $c_t = f_t \odot c_{t-1} + i_t \odot g_t$. One step back along this line multiplies the
# gradient by the forget gate $f_t$ and by nothing else: no weight matrix, no $\tanh'$. With
# $f_t \approx 1$ the gradient rides this line across many steps. The GRU does the same with one
# vector: $h_t$ is a weighted average of $h_{t-1}$ and a new candidate.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Recall 06's picture: the gradient curve on a log axis, a straight line down for
# σ < 1. Ask the room: "what would the Jacobian of one step have to be for the gradient to
# survive 50 steps unchanged?" (the identity). The LSTM's answer: make one path whose Jacobian
# is diagonal and close to the identity. Then show the figure.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One step back, on each line
#
# ![The LSTM cell line and the RNN hidden line over three steps, with what one step back
# multiplies the gradient by](../figures/nb07_highway.png)
#
# Notice what each dashed arrow carries: on the cell line one gate value per unit, on the RNN
# line a full $H \times H$ matrix times the tanh slope. The rest of the notebook derives,
# checks and measures that difference.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The LSTM step, forward
#
# One pre-activation matrix, cut into four blocks of $H$ columns in the order **i, f, o, g**
# (the order `helpers.layers` uses):
#
# $$
# \begin{aligned}
# a &= x_t W_x + h_{t-1} W_h + b \in \mathbb{R}^{N\times 4H},
#   \qquad a = [\,a_i \mid a_f \mid a_o \mid a_g\,]\\
# i &= \sigma(a_i),\quad f = \sigma(a_f),\quad o = \sigma(a_o),\quad g = \tanh(a_g)\\
# c_t &= f \odot c_{t-1} + i \odot g,\qquad h_t = o \odot \tanh(c_t)
# \end{aligned}
# $$
#
# The three sigmoids are gates (how much to add, keep, show); $g$ is the content proposed for
# the memory.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Walk through the three lines; for each gate ask "what happens when it is 0? when 1?"
# (f = 0 forgets, i = 0 ignores the input, o = 0 hides the memory). Stress the cache: the
# backward pass (and the build-it exercise) reads exactly these seven arrays.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rows, and what the cache keeps
#
# As everywhere in this course, vectors are *rows*: $x_t$ is $(N, D)$, one sequence per row,
# and the weights multiply from the right (papers that write columns,
# $a = W_x x_t + W_h h_{t-1} + b$, use the transposes of our matrices). The forward pass keeps
# what the backward pass needs, in the layout of `helpers.layers`:
#
# | cache entry | shape | what it is |
# |---|---|---|
# | x, h_prev, c_prev | (N, D), (N, H), (N, H) | the step's inputs |
# | Wx, Wh | (D, 4H), (H, 4H) | the weights |
# | ifog | (N, 4H) | the gate values [ i \| f \| o \| g ], after σ and tanh |
# | tanh_c | (N, H) | tanh(c_t) |

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The forward pass in code: the cell…

# %% slideshow={"slide_type": "-"}
def lstm_cell(a, c_prev):
    """Pre-activations a (N, 4H), c_prev (N, H) → h, c (N, H), ifog (N, 4H), tanh_c (N, H)."""
    H = c_prev.shape[1]
    ifog = np.concatenate([sigmoid(a[:, :3 * H]), np.tanh(a[:, 3 * H:])], axis=1)
    i, f, o, g = np.split(ifog, 4, axis=1)
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return o * tanh_c, c, ifog, tanh_c


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### …and the step, with its cache

# %% slideshow={"slide_type": "-"}
def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """x (N, D), h_prev, c_prev (N, H), Wx (D, 4H), Wh (H, 4H), b (4H,) → h, c (N, H), cache."""
    h, c, ifog, tanh_c = lstm_cell(x @ Wx + h_prev @ Wh + b, c_prev)
    return h, c, (x, h_prev, c_prev, Wx, Wh, ifog, tanh_c)


# %% slideshow={"slide_type": "skip"}
rng = np.random.default_rng(2)
N, D, H = 3, 5, 4                                     # D ≠ H: a swapped matmul cannot hide
x = rng.standard_normal((N, D))
h_prev, c_prev = rng.standard_normal((N, H)), rng.standard_normal((N, H))
Wx = rng.standard_normal((D, 4 * H)) / np.sqrt(D)
Wh = rng.standard_normal((H, 4 * H)) / np.sqrt(H)
b = rng.standard_normal(4 * H) * 0.1
h, c, cache = lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
print("h", h.shape, " c", c.shape, " ifog", cache[5].shape)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the LSTM backward pass, gate by gate
#
# Two gradients arrive at step $t$: `dh` $= \partial L/\partial h_t$ (from the output and from
# step $t+1$) and `dc_next` $= \partial L/\partial c_t$, carried back along the cell line from
# step $t+1$. We walk the forward pass backwards, one rule per line.
#
# **1. Through $h_t = o \odot \tanh(c_t)$**: a multiply gate, then $\tanh' = 1 - \tanh^2$.
# $c_t$ feeds two places ($h_t$ and $c_{t+1}$), so by the fork rule their gradients add:
#
# $$
# \mathrm{d}o = \mathrm{d}h \odot \tanh(c_t),\qquad
# \mathrm{d}c = \mathrm{d}c_{\text{next}} + \mathrm{d}h \odot o \odot \bigl(1 - \tanh^2(c_t)\bigr)
# $$
#
# **2. Through $c_t = f \odot c_{t-1} + i \odot g$**: the add gate passes $\mathrm{d}c$ to
# both terms; each multiply gate swaps its factors:
#
# $$
# \mathrm{d}f = \mathrm{d}c \odot c_{t-1},\quad \mathrm{d}i = \mathrm{d}c \odot g,\quad
# \mathrm{d}g = \mathrm{d}c \odot i,\quad \mathrm{d}c_{t-1} = \mathrm{d}c \odot f
# $$

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. Derive on the board before revealing. Steps 1–2 use only the gates of notebook 01
# (multiply swaps, add copies, a fork sums). Point at $\mathrm{d}c_{t-1} = \mathrm{d}c \odot f$:
# that is the whole highway, one line. Ask: "which of the four gradients would be wrong if we
# forgot the fork?" (all four: each is dc times something).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Through the activations and the matmul
#
# **3. Through the activations**, with $\sigma' = \sigma(1 - \sigma)$ and
# $\tanh' = 1 - \tanh^2$ written with the cached outputs:
#
# $$
# \begin{aligned}
# \mathrm{d}a_i &= \mathrm{d}i \odot i(1-i), & \mathrm{d}a_f &= \mathrm{d}f \odot f(1-f),\\
# \mathrm{d}a_o &= \mathrm{d}o \odot o(1-o), & \mathrm{d}a_g &= \mathrm{d}g \odot (1-g^2)
# \end{aligned}
# $$
#
# **4. Through $a = x W_x + h_{t-1} W_h + b$**, with
# $\mathrm{d}a = [\,\mathrm{d}a_i \mid \mathrm{d}a_f \mid \mathrm{d}a_o \mid \mathrm{d}a_g\,]$
# $(N, 4H)$: the matmul gate of notebook 03; $b$ was broadcast to every row, so $\mathrm{d}b$
# sums the rows.
#
# $$
# \begin{aligned}
# \mathrm{d}W_x &= x^\top \mathrm{d}a, & \mathrm{d}W_h &= h_{t-1}^\top \mathrm{d}a,
#   & \mathrm{d}b &= \textstyle\sum_{k=1}^{N} \mathrm{d}a_{k,:},\\
# \mathrm{d}x &= \mathrm{d}a\, W_x^\top, & \mathrm{d}h_{t-1} &= \mathrm{d}a\, W_h^\top
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: ten lines, and you write them
#
# Steps 1–4 are the whole backward pass: in numpy, about ten lines, one per rule, mirroring the
# forward pass backwards. Writing them is **Exercise 2** (`lstm_step_backward` from an empty
# body), so they are not printed here — work from the derivation. The course's reference,
# `helpers.layers.lstm_step_backward`, is those lines, and so is the exercise's folded
# solution.
#
# What this notebook checks is the derivation itself, one rule at a time, and then the
# reference step as a whole. Your own version gets the same test from the exercise's checker.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. No backward code on the slides on purpose: the build-it exercise asks for it. If the
# room wants to see it now, open the folded solution under Exercise 2 or helpers/layers/lstm.py.
# In class, what matters next is that every rule is verified on its own.

# %% slideshow={"slide_type": "skip"}
dh, dc_next = rng.standard_normal((N, H)), rng.standard_normal((N, H))
grads = layers.lstm_step_backward(dh, dc_next, cache)      # the reference, on our cache
names = ["dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"]
print({name: g.shape for name, g in zip(names, grads, strict=True)})

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: each gate on its own, then the whole step
#
# A bug in one gate hides easily in a check of the whole layer, so we check the gates one at a
# time. Take the scalar $L = \sum h_t \odot \mathrm{d}h + \sum c_t \odot \mathrm{d}c_{\text{next}}$,
# whose gradient with respect to $h_t$ and $c_t$ is exactly the upstream pair. First the four
# gate *values* $i, f, o, g$ as free inputs (step 2), then the four *pre-activation* blocks
# (step 3), each against central differences.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Why check gate by gate? Ask the room what a wrong σ′ in one of four blocks does to
# the whole-layer error (it may hide under a max over all entries). Show the eight verdicts, then
# the whole step with both outputs.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
a = x @ Wx + h_prev @ Wh + b
_, _, ifog, tanh_c = lstm_cell(a, c_prev)
i, f, o, g = np.split(ifog, 4, axis=1)
values = {"i": i, "f": f, "o": o, "g": g}


def loss_from_gate_values(i, f, o, g):                 # step 2 alone: the gates as inputs
    c_t = f * c_prev + i * g
    return np.sum(o * np.tanh(c_t) * dh) + np.sum(c_t * dc_next)


dc = dc_next + dh * o * (1 - tanh_c**2)
analytic = {"i": dc * g, "f": dc * c_prev, "o": dh * tanh_c, "g": dc * i}
for name in "ifog":
    numeric = numerical_gradient(lambda v, n=name: loss_from_gate_values(**{**values, n: v}),
                                 values[name].copy())
    report(f"gate value d{name}", rel_error(analytic[name], numeric))

slopes = np.concatenate([i * (1 - i), f * (1 - f), o * (1 - o), 1 - g**2], axis=1)  # step 3
da = np.concatenate([analytic[k] for k in "ifog"], axis=1) * slopes
for k, name in enumerate("ifog"):                    # step 3 alone: one block of a at a time
    cols = slice(k * H, (k + 1) * H)

    def loss_of_block(block, cols=cols):
        a_new = a.copy()
        a_new[:, cols] = block
        h_t, c_t, _, _ = lstm_cell(a_new, c_prev)
        return np.sum(h_t * dh) + np.sum(c_t * dc_next)
    numeric = numerical_gradient(loss_of_block, a[:, cols].copy())
    report(f"pre-activation da_{name}", rel_error(da[:, cols], numeric))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole step, both outputs
#
# `check_layer` perturbs every input of our forward step and compares with the gradients of
# the reference backward, `helpers.layers.lstm_step_backward`, run on our cache. To test the
# $c_t$ path as well as $h_t$, the forward returns $[\,h \mid c\,]$ side by side and the
# backward splits the upstream gradient into `dh` and `dc_next`. Our forward must also match
# the reference's to rounding.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def lstm_step_hc_forward(x, h_prev, c_prev, Wx, Wh, b, step=lstm_step_forward):
    h, c, cache = step(x, h_prev, c_prev, Wx, Wh, b)
    return np.concatenate([h, c], axis=1), cache


def lstm_step_hc_backward(dout, cache, step_backward=layers.lstm_step_backward):
    dh, dc_next = np.split(dout, 2, axis=1)
    return step_backward(dh, dc_next, cache)


inputs = {"x": x, "h_prev": h_prev, "c_prev": c_prev, "Wx": Wx, "Wh": Wh, "b": b}
check(lstm_step_hc_forward, lstm_step_hc_backward, inputs, "lstm_step (h and c)")
h_ref, c_ref, _ = layers.lstm_step_forward(**inputs)
report("forward: mine vs helpers.layers (h, c)", max(rel_error(h, h_ref), rel_error(c, c_ref)),
       tol=1e-12)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The relative error is the *largest* over all entries of
# $|\text{analytic} - \text{numeric}| / (|\text{analytic}| + |\text{numeric}|)$. `check_layer`
# refines its differences with one Richardson step (notebook 01), far more accurate than the
# $10^{-7}$ pass mark; the gate checks use plain central differences. The raw errors are listed
# after the GRU check.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The LSTM over a sequence: two gradients carried back
#
# Over $T$ steps the backward loop carries *two* gradients from step $t+1$ to step $t$:
# `dh_next` through the weights and `dc_next` along the cell line. The loss may read every
# $h_t$, so `dh[:, t]` is added to what comes back from the future, as in BPTT; the shared
# weights collect a sum over the steps.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. The only new thing compared with 06's BPTT loop is the second carried gradient.
# Ask: "what is dc_next at the last step?" (zero: nothing after step T reads c_T).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Forward over the sequence

# %% slideshow={"slide_type": "-"}
def lstm_forward(x, h0, Wx, Wh, b):
    """x (N, T, D), h0 (N, H), c0 = 0 → hs (N, T, H), one cache per step."""
    h_t, c_t, hs, caches = h0, np.zeros_like(h0), [], []
    for t in range(x.shape[1]):
        h_t, c_t, step_cache = lstm_step_forward(x[:, t], h_t, c_t, Wx, Wh, b)
        hs.append(h_t)
        caches.append(step_cache)
    return np.stack(hs, axis=1), caches


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Backward over the sequence, checked

# %% slideshow={"slide_type": "-"}
def lstm_backward(dh, caches):
    """dh (N, T, H): the upstream gradient of every h_t → dx, dh0, dWx, dWh, db."""
    dh_next, dc_next = np.zeros_like(dh[:, 0]), np.zeros_like(dh[:, 0])
    dxs, dWx, dWh, db = [], 0.0, 0.0, 0.0
    for t in reversed(range(dh.shape[1])):
        dx_t, dh_next, dc_next, dWx_t, dWh_t, db_t = layers.lstm_step_backward(
            dh[:, t] + dh_next, dc_next, caches[t])             # two gradients carried back
        dxs.append(dx_t)
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t      # shared weights: a sum over t
    return np.stack(dxs[::-1], axis=1), dh_next, dWx, dWh, db


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
T = 6
seq_inputs = {"x": rng.standard_normal((N, T, D)), "h0": rng.standard_normal((N, H)),
              "Wx": Wx, "Wh": Wh, "b": b}
check(lstm_forward, lstm_backward, seq_inputs, "my lstm (T = 6)")
dhs = rng.standard_normal((N, T, H))
hs_mine, caches_mine = lstm_forward(**seq_inputs)
hs_ref, caches_ref = layers.lstm_forward(**seq_inputs)
pairs = zip((hs_mine,) + lstm_backward(dhs, caches_mine),
            (hs_ref,) + layers.lstm_backward(dhs, caches_ref), strict=True)
report("mine vs helpers.layers (h, 5 grads)", max(rel_error(m, r) for m, r in pairs), tol=1e-12)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The gradient highway: $\partial c_t/\partial c_{t-1} = \operatorname{diag}(f_t)$
#
# Step 2 said $\mathrm{d}c_{t-1} = \mathrm{d}c \odot f$. As a Jacobian, with $h_{t-1}$ and
# $x_t$ held fixed (the direct path along the cell line), and next to the RNN's step Jacobian
# from notebook 06:
#
# $$
# \frac{\partial c_t}{\partial c_{t-1}} = \operatorname{diag}(f_t),
# \qquad
# \frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}(1 - h_t^2)\, W_h^\top
# $$
#
# The first is a diagonal of numbers in (0, 1): no weight matrix, no $\tanh'$. The second is a
# full matrix that mixes every unit. (The transpose is the row convention: row $j$ is
# $\partial h_{t,j}/\partial h_{t-1}$, and $h_{t,j}$ reads $h_{t-1}$ through column $j$ of
# $W_h$. A diagonal matrix is its own transpose.)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. The key slide of the first lecture. Ask: "what does the product of fifty diagonal
# matrices with entries 0.98 do to a vector?" (0.98⁵⁰ ≈ 0.36 per entry). Then show the two
# measured Jacobians: exact zeros off the diagonal for the LSTM.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Both Jacobians, measured
#
# Central differences, one row per output unit, for one sequence ($N = 1$). For the RNN we
# borrow the first $H$ columns of the LSTM's weights.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def numerical_jacobian(fn, v):
    """J[j, k] = ∂fn(v)[0, j] / ∂v[0, k] by central differences; v has shape (1, H)."""
    rows = [numerical_gradient(lambda u, j=j: fn(u)[0, j], v.copy()) for j in range(v.shape[1])]
    return np.concatenate(rows, axis=0)


x1, h1, c1 = x[:1], h_prev[:1], c_prev[:1]
J_cell = numerical_jacobian(lambda cp: lstm_step_forward(x1, h1, cp, Wx, Wh, b)[1], c1)
f1 = np.split(lstm_step_forward(x1, h1, c1, Wx, Wh, b)[2][5], 4, axis=1)[1]
print("LSTM ∂c_t/∂c_(t−1), measured:\n", J_cell, "\nf_t:", f1[0])
report("diag(f_t) vs measured Jacobian", rel_error(np.diag(f1[0]), J_cell))

Wx_rnn, Wh_rnn = Wx[:, :H], Wh[:, :H]                    # an H × H recurrent matrix
h_rnn = np.tanh(x1 @ Wx_rnn + h1 @ Wh_rnn)
J_rnn = numerical_jacobian(lambda hp: np.tanh(x1 @ Wx_rnn + hp @ Wh_rnn), h1)
print("RNN ∂h_t/∂h_(t−1), measured:\n", J_rnn, "\n1 − h_t²:", 1 - h_rnn[0]**2)
report("diag(1 − h²)·Whᵀ vs measured Jacobian",
       rel_error((1 - h_rnn[0]**2)[:, None] * Wh_rnn.T, J_rnn))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Off its diagonal the cell Jacobian is exactly zero. The RNN's third row is almost zero: that
# unit is saturated ($1 - h_t^2 \approx 0.009$), so it passes almost nothing back.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Many steps back
#
# Back $k$ steps along the cell line the gradient is multiplied by
# $f_t \odot f_{t-1} \odot \cdots$, one number per unit; the RNN multiplies $k$ full matrices,
# each with the shrinking $\tanh'$ on it. (The total derivative of $c_t$ with respect to
# $c_{t-1}$ also has a path through $h_{t-1} = o \odot \tanh(c_{t-1})$ and the gates; that path
# goes through $W_h$ like the RNN's.)

# %% slideshow={"slide_type": "fragment"}
for f_value in (0.9, 0.98, 0.999):
    print(f"f = {f_value}:  f^50 = {f_value**50:.3f}   f^200 = {f_value**200:.3g}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With $f = 0.98$ about a third of the gradient survives 50 steps ($0.98^{50} \approx 0.364$);
# with $f = 0.9$ half a percent does. A forget gate close to 1 *is* the long memory.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The GRU: one state, a weighted average
#
# The GRU drops the separate cell state. Three blocks of $H$ columns in the order **z, r, n**:
#
# $$
# \begin{aligned}
# z &= \sigma(x_t W_{x,z} + h_{t-1} W_{h,z} + b_z), \qquad
#   r = \sigma(x_t W_{x,r} + h_{t-1} W_{h,r} + b_r)\\
# n &= \tanh\bigl(x_t W_{x,n} + (r \odot h_{t-1})\, W_{h,n} + b_n\bigr)\\
# h_t &= (1 - z) \odot h_{t-1} + z \odot n
# \end{aligned}
# $$
#
# Each unit of $h_t$ sits between the old value $h_{t-1}$ and the candidate $n$, at the fraction
# $z$. With $z \approx 0$ the unit keeps its past ($\partial h_t/\partial h_{t-1} \approx I$
# along that direct path: the GRU's highway); the reset gate $r$ decides how much of the past
# the candidate may look at.
#
# **Convention.** This course uses $h_t = (1 - z) \odot h_{t-1} + z \odot n$ (Chung et al.,
# 2014). PyTorch, d2l and Cho et al. (2014) write $h_t = z \odot h_{t-1} + (1 - z) \odot n$:
# their $z$ is our $1 - z$. Two slides on: what changes in the gradients.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Start the second lecture here. Compare with the LSTM: one state instead of two, z
# plays both f (keep 1 − z) and i (take z). Then the convention slide: warn that half of the
# literature and PyTorch write z the other way round; students who read both get confused.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The GRU step in code

# %% slideshow={"slide_type": "-"}
def gru_step_forward(x, h_prev, Wx, Wh, b):
    """x (N, D), h_prev (N, H), Wx (D, 3H), Wh (H, 3H), b (3H,) → h (N, H), cache."""
    H = h_prev.shape[1]
    a_x = x @ Wx + b                                      # the input part of all three blocks
    zr = sigmoid(a_x[:, :2 * H] + h_prev @ Wh[:, :2 * H])
    z, r = zr[:, :H], zr[:, H:]
    n = np.tanh(a_x[:, 2 * H:] + (r * h_prev) @ Wh[:, 2 * H:])
    h = (1 - z) * h_prev + z * n
    return h, (x, h_prev, Wx, Wh, np.concatenate([z, r, n], axis=1))


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
Wx_gru = rng.standard_normal((D, 3 * H)) / np.sqrt(D)
Wh_gru = rng.standard_normal((H, 3 * H)) / np.sqrt(H)
b_gru = rng.standard_normal(3 * H) * 0.1
h_gru, cache_gru = gru_step_forward(x, h_prev, Wx_gru, Wh_gru, b_gru)
z, r, n = np.split(cache_gru[4], 3, axis=1)
between = np.all((np.minimum(h_prev, n) <= h_gru) & (h_gru <= np.maximum(h_prev, n)))
print("every h_t lies between h_(t−1) and n:", bool(between))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two conventions for $z$
#
# This course, `helpers.layers` and Chung et al. (2014) write
# $h_t = (1 - z) \odot h_{t-1} + z \odot n$: $z$ is how much is *updated*. Cho et al. (2014), who
# introduced the GRU, PyTorch's `nn.GRU` and d2l write $h_t = z \odot h_{t-1} + (1 - z) \odot n$:
# $z$ is how much is *kept*. The two are the same model with $z \leftrightarrow 1 - z$, that is,
# with the $z$ block of $W_x$, $W_h$ and $b$ negated, since $\sigma(-a) = 1 - \sigma(a)$. What
# changes in the backward pass (step 1 below):
#
# $$
# \begin{aligned}
# &\text{this course:} && \mathrm{d}z = \mathrm{d}h \odot (n - h_{t-1}), &&
#   \mathrm{d}n = \mathrm{d}h \odot z, && \mathrm{d}h_{t-1} \mathrel{+}= \mathrm{d}h \odot (1 - z)\\
# &\text{the other:} && \mathrm{d}z = \mathrm{d}h \odot (h_{t-1} - n), &&
#   \mathrm{d}n = \mathrm{d}h \odot (1 - z), && \mathrm{d}h_{t-1} \mathrel{+}= \mathrm{d}h \odot z
# \end{aligned}
# $$
#
# (PyTorch differs once more: its reset gate multiplies $h_{t-1} W_{h,n} + b_{h,n}$ *after* the
# product, so its numbers differ from both — Exercise 4.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two conventions, computed

# %% slideshow={"slide_type": "-"}
def gru_other_step_forward(x, h_prev, Wx, Wh, b):
    """The same gates, the other mix: h = z ⊙ h_prev + (1 − z) ⊙ n."""
    _, (x, h_prev, Wx, Wh, zrn) = gru_step_forward(x, h_prev, Wx, Wh, b)
    z, r, n = np.split(zrn, 3, axis=1)
    return z * h_prev + (1 - z) * n


def flip_z(W):
    """The other convention's parameters: the z block (first H columns) negated."""
    W = W.copy()
    W[..., :H] *= -1
    return W


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
flipped = (flip_z(Wx_gru), flip_z(Wh_gru), flip_z(b_gru))
h_other = gru_other_step_forward(x, h_prev, *flipped)
report("same h_t with the z block negated", rel_error(h_other, h_gru), tol=1e-12)

z_other = 1 - z                                        # what the other convention calls z
dz_ours = dh * (n - h_prev)
dz_other = numerical_gradient(lambda v: np.sum((v * h_prev + (1 - v) * n) * dh), z_other.copy())
report("their dz (numerical) = −(our dz)", rel_error(dz_other, -dz_ours))


def other_loss(Wx_):
    return np.sum(gru_other_step_forward(x, h_prev, Wx_, flipped[1], flipped[2]) * dh)


dWx_other = numerical_gradient(other_loss, flipped[0].copy())
dWx_ours = layers.gru_step_backward(dh, layers.gru_step_forward(x, h_prev, Wx_gru, Wh_gru,
                                                                b_gru)[1])[2]
report("their dWx = ours with the z block negated", rel_error(dWx_other, flip_z(dWx_ours)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same function, computed both ways: every gradient of the $z$ block changes sign, the $r$
# and $n$ blocks do not move. Before you compare with another implementation, find out which
# $z$ it uses.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the GRU backward pass
#
# One gradient arrives, $\mathrm{d}h = \partial L/\partial h_t$. $h_{t-1}$ is used in four
# places (the average, $z$, $r$, and inside the candidate), so by the fork rule
# $\mathrm{d}h_{t-1}$ is a sum of four terms.
#
# **1. Through $h_t = (1 - z) \odot h_{t-1} + z \odot n$** ($z$ appears twice):
#
# $$
# \mathrm{d}z = \mathrm{d}h \odot (n - h_{t-1}),\qquad \mathrm{d}n = \mathrm{d}h \odot z,\qquad
# \mathrm{d}h_{t-1} \mathrel{+}= \mathrm{d}h \odot (1 - z)
# $$
#
# **2. Through the candidate**: $\tanh'$, then the matmul gate with input
# $s = r \odot h_{t-1}$:
#
# $$
# \mathrm{d}a_n = \mathrm{d}n \odot (1 - n^2),\qquad
# \mathrm{d}W_{h,n} = s^\top \mathrm{d}a_n,\qquad
# \mathrm{d}s = \mathrm{d}a_n W_{h,n}^\top
# $$
#
# **3. Through $s = r \odot h_{t-1}$** (a multiply gate):
# $\ \mathrm{d}r = \mathrm{d}s \odot h_{t-1}$,
# $\ \mathrm{d}h_{t-1} \mathrel{+}= \mathrm{d}s \odot r$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Count the uses of h_{t−1} with the room before deriving: four, hence four terms in
# dh_prev. The classic slips: forgetting the direct (1 − z) branch, and applying the reset gate
# after W_h,n (that is PyTorch's GRU, not this one).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Through the gates, and the input side
#
# **4. Through the gates' sigmoids and their matmuls**, with
# $\mathrm{d}a_{zr} = [\,\mathrm{d}a_z \mid \mathrm{d}a_r\,]$:
#
# $$
# \begin{aligned}
# \mathrm{d}a_z &= \mathrm{d}z \odot z(1-z), & \mathrm{d}a_r &= \mathrm{d}r \odot r(1-r),\\
# \mathrm{d}W_{h,zr} &= h_{t-1}^\top \mathrm{d}a_{zr}, &
#   \mathrm{d}h_{t-1} &\mathrel{+}= \mathrm{d}a_{zr} W_{h,zr}^\top
# \end{aligned}
# $$
#
# **5. The input side** sees all three blocks,
# $\mathrm{d}a = [\,\mathrm{d}a_z \mid \mathrm{d}a_r \mid \mathrm{d}a_n\,]$ $(N, 3H)$:
#
# $$
# \mathrm{d}W_x = x^\top \mathrm{d}a,\qquad
# \mathrm{d}b = \textstyle\sum_{k=1}^{N} \mathrm{d}a_{k,:},\qquad
# \mathrm{d}x = \mathrm{d}a\, W_x^\top
# $$
#
# and $\mathrm{d}W_h = [\,\mathrm{d}W_{h,zr} \mid \mathrm{d}W_{h,n}\,]$. ($k$ counts the rows
# of the batch; the subscript $n$ names the candidate block.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: the GRU backward pass, rule by rule
#
# Steps 1–5 are again about ten lines of numpy — **Exercise 3** (`gru_step_backward` from an
# empty body), so not printed here. Count the terms of $\mathrm{d}h_{t-1}$ before you write
# them: one per use of $h_{t-1}$, four in all. Below, the gate rules against central
# differences, then the reference step `helpers.layers.gru_step_backward` on our forward's
# cache, then the reference sequence layer.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Ask the room for the four uses of h_prev and the four terms of dh_prev (the direct
# (1 − z) branch, the reset path, the two gates). Show the verdicts; the code is Exercise 3.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
a_n_input = x @ Wx_gru[:, 2 * H:] + b_gru[2 * H:]         # the candidate's input part


def loss_from_gru_gates(z, r, n=None):
    if n is None:                                          # n recomputed from r
        n = np.tanh(a_n_input + (r * h_prev) @ Wh_gru[:, 2 * H:])
    return np.sum(((1 - z) * h_prev + z * n) * dh)


ds = (dh * z * (1 - n**2)) @ Wh_gru[:, 2 * H:].T
gate_checks = {"dz": (dh * (n - h_prev), lambda v: loss_from_gru_gates(v, r, n), z),
               "dn": (dh * z, lambda v: loss_from_gru_gates(z, r, v), n),
               "dr": (ds * h_prev, lambda v: loss_from_gru_gates(z, v), r)}
for name, (analytic_grad, loss_fn, value) in gate_checks.items():
    report(f"GRU gate value {name}",
           rel_error(analytic_grad, numerical_gradient(loss_fn, value.copy())))
da_zr = np.concatenate([dh * (n - h_prev) * z * (1 - z), ds * h_prev * r * (1 - r)], axis=1)
four_terms = dh * (1 - z) + ds * r + da_zr @ Wh_gru[:, :2 * H].T   # direct, reset, z and r
report("GRU dh_prev: the four terms", rel_error(four_terms, numerical_gradient(
    lambda hp: np.sum(gru_step_forward(x, hp, Wx_gru, Wh_gru, b_gru)[0] * dh), h_prev.copy())))
gru_inputs = {"x": x, "h_prev": h_prev, "Wx": Wx_gru, "Wh": Wh_gru, "b": b_gru}
check(gru_step_forward, layers.gru_step_backward, gru_inputs, "gru_step")
h_ref, _ = layers.gru_step_forward(**gru_inputs)
report("forward: mine vs helpers.layers (h)", rel_error(h_gru, h_ref), tol=1e-12)
check(layers.gru_forward, layers.gru_backward, {**seq_inputs, "Wx": Wx_gru, "Wh": Wh_gru,
                                                "b": b_gru}, "helpers.layers gru (T = 6)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# $\mathrm{d}z = \mathrm{d}h \odot (n - h_{t-1})$ is worth a second look: the update gate only
# gets a gradient where the candidate *differs* from the old state. If $n = h_{t-1}$, averaging
# them at any fraction gives the same $h_t$, so $z$ cannot matter.

# %% [markdown] slideshow={"slide_type": "skip"}
# Every relative error measured so far, the numbers behind the ✓ marks (they vary in the last
# digits from machine to machine, so nbval does not compare this cell):

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
for label, err in ERRORS.items():
    print(f"{label:42s} {err:.1e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why the GRU is lighter: counting parameters
#
# Each block (a gate or a candidate) owns a $D \times H$ input matrix, an $H \times H$ recurrent
# matrix and $H$ biases. The RNN has one block, the GRU three, the LSTM four:
#
# $$
# P_{\text{RNN}} = DH + H^2 + H,\qquad P_{\text{GRU}} = 3\,(DH + H^2 + H),\qquad
# P_{\text{LSTM}} = 4\,(DH + H^2 + H)
# $$
#
# so a GRU has 3/4 of an LSTM's parameters, and does 3/4 of its matmul work, for the same
# $D$ and $H$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. A quick count; ask which is lighter before showing. Lighter is not worse here:
# on the adding problem below the GRU even learns a little sooner.

# %% slideshow={"slide_type": "fragment"}
def count(*arrays):
    return sum(a.size for a in arrays)


print(f"D = {D}, H = {H}:  LSTM {count(Wx, Wh, b)}, GRU {count(Wx_gru, Wh_gru, b_gru)}"
      f"  (formula: {4 * (D * H + H * H + H)} and {3 * (D * H + H * H + H)})")
for D_, H_ in [(2, 16), (128, 256), (300, 1024)]:
    block = D_ * H_ + H_**2 + H_
    print(f"D = {D_:3d}, H = {H_:4d}:  RNN {block:>9,d}  GRU {3 * block:>10,d}  "
          f"LSTM {4 * block:>10,d}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: the gradient through time in all three cells
#
# Put a loss on the last hidden state only, $L = v \cdot h_T$ ($v$ a fixed unit vector, so
# $\|\partial L/\partial h_T\| = 1$), run each cell's backward step by step with the layers of
# `helpers.layers`, and record $\|\partial L/\partial h_t\|$ at every $t$. Two knobs:
#
# - the **keep bias** $\beta$: the LSTM's forget-gate bias $b_f = \beta$ and the GRU's
#   update-gate bias $b_z = -\beta$; large $\beta$ means "keep the past" in both;
# - $\sigma$: every $H \times H$ block of $W_h$ is $\sigma Q$ with $Q$ orthogonal, so every
#   singular value is $\sigma$ — notebook 06's knob ($\sigma_{\max}(W_h)$ of the RNN).
#
# The inputs: $x_t$ standard normal ($D = 4$) and $W_x$ of variance $1/D$, so each unit's input
# $x_t W_x$ has a standard deviation of about 1 — twice the 0.5 of notebook 06's explorer. That
# difference matters below. $H = 16$, $h_0 = 0$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 7 min. Demo live: start at the default, ask the room to predict the RNN curve at σ = 2 (most
# say "explodes", as in notebook 06: here it does not, quite) and at σ = 3 (it does). Then ask
# who is right, 06 or 07 — both: our inputs are twice as strong, the units saturate more, and
# the threshold moves (the slide after the σ table shows it with 06's own RNN). Then β = −2:
# the gated cells lose it faster than the RNN. The y axis never moves: curves that leave the
# bottom fell below float64's precision.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
gradient_highway_explorer()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The opening state: $T = 60$, $\beta = 2$, $\sigma = 1$

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
gradient_highway_figure()

# %% [markdown] slideshow={"slide_type": "fragment"}
# From the loss (left) back 60 steps: the RNN's gradient falls by a constant factor per step,
# to about $10^{-12}$. The LSTM's cell-state gradient (dashed) stays between 0.03 and 0.28, and
# $\|\partial L/\partial h_t\|$ rides along with it. The GRU decays, far more slowly than the RNN.

# %% slideshow={"slide_type": "skip"}
opening = gradient_norms_through_time()
cell_norms = opening["lstm_c"][:-1]                     # t = 0 … T − 1 (0 at t = T)
print(f"LSTM ‖∂L/∂c_t‖ between {cell_norms.min():.2f} and {cell_norms.max():.2f} for every t < T;"
      f" RNN ‖∂L/∂h_0‖ = {opening['rnn'][0]:.0e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the keep bias does
#
# $\|\partial L/\partial h_0\|$ 60 steps back, with $\sigma = 1$, and the average gate each
# cell keeps its past with (the LSTM's $f$, the GRU's $1 - z$):

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
for beta in (-2.0, 0.0, 2.0, 4.0):
    out = gradient_norms_through_time(keep_bias=beta)
    print(f"β = {beta:+.0f}:  ‖∂L/∂h_0‖  RNN {out['rnn'][0]:.0e}   LSTM {out['lstm_h'][0]:.0e}"
          f"   GRU {out['gru'][0]:.0e}    mean f {out['lstm_keep']:.2f}"
          f"   mean 1 − z {out['gru_keep']:.2f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The RNN has no $\beta$, so its column never moves. The gated cells keep a gradient alive only
# when their gates are biased to keep: at $\beta = -2$ they keep about 15 % of their past per
# step and lose the gradient far faster than the RNN; at $\beta = 0$ (gates near 1/2) about as
# fast. The highway is a road the network must learn to open, or that we open for it at
# initialisation: the common trick of starting $b_f$ at 1 or more.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What $\sigma$ does: vanishing below 1, exploding possible above
#
# With $W_h = \sigma Q$, one step back multiplies the RNN's $\|\partial L/\partial h\|$ by
# exactly $\sigma \cdot \|\mathrm{d}h \odot \tanh'\| / \|\mathrm{d}h\|$, and the second factor
# (call it the tanh slope the gradient sees) is at most 1. Over 60 steps, the per-step factor
# is $\|\partial L/\partial h_0\|^{1/60}$:

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
print("  σ  RNN: per step = σ × slope seen  ‖∂L/∂h_0‖ RNN   LSTM    GRU")
for sigma in (0.5, 1.0, 2.0, 2.5, 3.0):
    out = gradient_norms_through_time(sigma=sigma)
    per_step = out["rnn"][0] ** (1 / 60)
    step = f"{per_step:.3f} = {sigma:.1f} × {per_step / sigma:.3f}"
    print(f"{sigma:3.1f}  {step:>30}  {out['rnn'][0]:13.1e}  {out['lstm_h'][0]:5.0e}"
          f"  {out['gru'][0]:5.0e}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Below $\sigma = 1$ the gradient can only vanish. Above, it *may* explode: the larger $\sigma$,
# the more the units saturate and the smaller the slope the gradient sees (0.496 at
# $\sigma = 2$, 0.384 at $\sigma = 3$). At $\sigma = 2$ the two nearly cancel (× 0.992 per
# step); at $\sigma = 2.5$ it grows by about 11 % per step, to $5.6 \cdot 10^{2}$ after 60.
# The gated cells stay far calmer: their direct paths (the LSTM's cell line, the GRU's
# $(1 - z)$ branch) carry no $W_h$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why notebook 06's σ = 2 explodes and ours does not
#
# Notebook 06's explorer found $\|\partial L/\partial h_0\| \approx 2.7 \cdot 10^{2}$ at $\sigma =
# 2$. Both are right: the threshold moves with the inputs. Its RNN, run with its own input drive
# (standard deviation 0.5) and with ours (1):

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print("notebook 06's RNN at σ = 2\ninput std  per step = 2 × slope seen  ‖∂L/∂h_0‖")
for drive in (0.5, 1.0):
    p = vanishing_profile(2.0, 60, "tanh", drive=drive)
    step = f"{2.0 * p.seen_slope:.3f} = 2 × {p.seen_slope:.3f}"
    print(f"{drive:9.1f}  {step:>26}  {p.grad_norm[0]:9.1e}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With inputs of standard deviation 1 its σ = 2 gives × 0.991 per step — as ours gives
# × 0.992 — and with 0.5, × 1.098. Stronger inputs push the units further into saturation, the
# gradient sees a smaller tanh slope, and σ must be larger before σ × slope passes 1. Whether a
# tanh RNN explodes depends on σ *and* on where its units operate.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A long-range task: the adding problem
#
# Each input step carries two numbers: a value drawn uniformly from [0, 1] and a marker that is
# 1 at exactly two steps (one in the first half of the sequence, one in the second) and 0
# elsewhere. The target, read from $h_T$ through a small affine head, is the sum of the two
# marked values. Always guessing the mean, 1, gives a mean squared error of
# $\operatorname{Var}(u_1 + u_2) = 2 \cdot 1/12 \approx 0.167$: the line to beat. With $T = 30$
# the first marker falls in one of steps 1–15 and the loss reads $h_{30}$, so the model must
# carry that value through 15 to 29 further steps.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 8 min. Show one sequence, then the training curves; before the evidence slide, ask "why does
# the RNN fail: too small? bad optimiser? exploding gradients?" and let the three measurements
# answer: distance is the cause.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The data

# %% slideshow={"slide_type": "-"}
def adding_problem(rng, N, T):
    """x (N, T, 2): [value, marker]; y (N,): the sum of the two marked values."""
    values = rng.uniform(0.0, 1.0, (N, T))
    marks = np.zeros((N, T))
    rows = np.arange(N)
    marks[rows, rng.integers(0, T // 2, N)] = 1.0
    marks[rows, rng.integers(T // 2, T, N)] = 1.0
    return np.stack([values, marks], axis=2), np.sum(values * marks, axis=1)


# %% slideshow={"slide_type": "fragment"}
x_demo, y_demo = adding_problem(np.random.default_rng(1), 1, 10)
print("values :", x_demo[0, :, 0].round(2), "\nmarkers:", x_demo[0, :, 1].astype(int))
print("target :", y_demo.round(2))

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
BASELINE = 2 / 12
_, y_many = adding_problem(np.random.default_rng(3), 100_000, 30)
print(f"baseline MSE (always guess 1): {BASELINE:.3f} by the formula, "
      f"{np.mean((y_many - 1.0)**2):.3f} measured on 100,000 sequences")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The models
#
# One recurrent layer from `helpers.layers` (hidden size 16) and an affine head on $h_T$,
# trained with Adam (written out below) on fresh batches of 32 sequences. Only
# `dh[:, T−1]` is non-zero: the loss reads the last hidden state. The LSTM starts with
# $b_f = 1$ (the trick above); everything else starts at small random weights and zero biases.
# No gradient clipping: nothing here explodes (the largest gradient norms are printed below).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Parameters: one recurrent layer and a head

# %% slideshow={"slide_type": "-"}
def init_params(rng, cell, D_in, H):
    """cell "RNN", "LSTM" or "GRU": 1, 4 or 3 blocks of H columns in Wx, Wh and b."""
    blocks = {"RNN": 1, "LSTM": 4, "GRU": 3}[cell]
    params = {"Wx": rng.standard_normal((D_in, blocks * H)) / np.sqrt(D_in),
              "Wh": rng.standard_normal((H, blocks * H)) / np.sqrt(H),
              "b": np.zeros(blocks * H),
              "w_out": rng.standard_normal((H, 1)) / np.sqrt(H),
              "b_out": np.ones(1)}                       # start at the baseline guess, 1
    if cell == "LSTM":
        params["b"][H:2 * H] = 1.0                        # open the highway: f ≈ σ(1) ≈ 0.73
    return params


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and gradients: the layers of `helpers.layers`

# %% slideshow={"slide_type": "-"}
def loss_and_grads(cell, params, x, y):
    """MSE of the head on h_T, its gradient for every parameter, and dx (N, T, 2)."""
    name, H = cell.lower(), params["Wh"].shape[0]
    hs, cache = getattr(layers, f"{name}_forward")(x, np.zeros((len(x), H)), params["Wx"],
                                                   params["Wh"], params["b"])
    pred, head_cache = layers.affine_forward(hs[:, -1], params["w_out"], params["b_out"])
    err = pred[:, 0] - y
    dh_last, dw_out, db_out = layers.affine_backward((2 * err / len(x))[:, None], head_cache)
    dh = np.zeros_like(hs)
    dh[:, -1] = dh_last                                     # the loss reads h_T only
    dx, _, dWx, dWh, db = getattr(layers, f"{name}_backward")(dh, cache)
    return np.mean(err**2), {"Wx": dWx, "Wh": dWh, "b": db, "w_out": dw_out, "b_out": db_out}, dx


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Adam, written out

# %% slideshow={"slide_type": "-"}
def adam_step(params, grads, m, s, step, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update of every array in params (in place), with running moments m and s."""
    for k in params:
        m[k] = beta1 * m[k] + (1 - beta1) * grads[k]          # running mean of the gradient
        s[k] = beta2 * s[k] + (1 - beta2) * grads[k]**2       # running mean of its square
        m_hat, s_hat = m[k] / (1 - beta1**step), s[k] / (1 - beta2**step)   # bias correction
        params[k] -= lr * m_hat / (np.sqrt(s_hat) + eps)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The training loop

# %% slideshow={"slide_type": "-"}
def train(cell, T=30, H=16, steps=250, batch=32, lr=1.2e-2, seed=0):
    """Adam on fresh batches → losses (steps,), the trained params, the largest ‖grad‖ of each."""
    rng, data_rng = np.random.default_rng(seed), np.random.default_rng(seed + 1)
    params = init_params(rng, cell, 2, H)
    m, s = ({k: np.zeros_like(v) for k, v in params.items()} for _ in range(2))
    losses, largest = np.empty(steps), dict.fromkeys(params, 0.0)
    for step in range(1, steps + 1):
        losses[step - 1], grads, _ = loss_and_grads(cell, params, *adding_problem(data_rng,
                                                                                 batch, T))
        largest = {k: max(largest[k], np.linalg.norm(grads[k])) for k in params}
        adam_step(params, grads, m, s, step, lr)
    return losses, params, largest


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole model's gradient, checked
#
# Before training, the gradient of the recurrent layer, the head and the squared error
# together, against central differences, on a short sequence:

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
CELLS = ("RNN", "LSTM", "GRU")
check_rng = np.random.default_rng(6)
x_small, y_small = adding_problem(check_rng, 4, 6)
for cell in CELLS:
    params = init_params(check_rng, cell, 2, 3)
    _, grads, _ = loss_and_grads(cell, params, x_small, y_small)
    worst = 0.0
    for k in params:
        def loss_of(p, k=k, cell=cell, params=params):
            return loss_and_grads(cell, {**params, k: p}, x_small, y_small)[0]
        worst = max(worst, rel_error(grads[k], numerical_gradient(loss_of, params[k].copy())))
    report(f"{cell} + head + MSE, all parameters", worst)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training: 250 Adam steps each

# %% slideshow={"slide_type": "fragment"}
def outcome(losses):
    """The mean loss of the last 50 steps, in words (stable from machine to machine)."""
    final = losses[-50:].mean()
    return ("learned: below 10 % of the baseline" if final < 0.1 * BASELINE else
            "no better than guessing" if final > 0.5 * BASELINE else "partly learned")


results = {cell: train(cell) for cell in CELLS}
for cell, (losses, _, _) in results.items():
    print(f"{cell:4s} → {outcome(losses)}")

# %% [markdown] slideshow={"slide_type": "skip"}
# The exact numbers (they depend slightly on the machine's floating-point libraries, so nbval
# does not compare them):

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
for cell, (losses, _, largest) in results.items():
    print(f"{cell:4s}: mean MSE over the last 50 steps {losses[-50:].mean():.4f} = "
          f"{losses[-50:].mean() / BASELINE:.1%} of the baseline; largest ‖grad‖: "
          + ", ".join(f"{k} {v:.2f}" for k, v in largest.items()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss curves

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def smooth(v, k=20):
    return np.convolve(v, np.ones(k) / k, mode="valid")


fig, ax = plt.subplots(figsize=(8.5, 4.2))
colours = {"RNN": hp.NEUTRAL, "LSTM": hp.FORWARD, "GRU": hp.GRADIENT}
for cell, (losses, _, _) in results.items():
    ax.plot(losses, color=colours[cell], alpha=0.25, lw=1)
    ax.plot(np.arange(19, len(losses)), smooth(losses), color=colours[cell], lw=2,
            label=f"{cell} (20-step average)")
ax.axhline(BASELINE, color="black", ls="--", lw=1.2, label="guess 1 every time")
ax.set_yscale("log")
ax.set_xlabel("training step (one batch of 32 sequences, T = 30)")
ax.set_ylabel("mean squared error")
ax.set_title("The adding problem: only the gated cells learn to remember")
ax.legend(loc="lower left", fontsize=11)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The RNN's curve never leaves the dashed baseline: it learns to guess the mean and nothing
# else. The GRU and the LSTM sit on the same plateau for a while, then drop an order of
# magnitude and more below it once they find which steps to store.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why the RNN fails: three measurements
#
# Too small a model? A bad optimiser? Exploding gradients? Each trained model, on 256 fresh
# sequences: the gradient that reaches each input step, $\|\partial L/\partial x_t\|$, and, from
# training, the largest gradient norm any parameter ever had.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def in_words(ratio):
    """‖∂L/∂x_0‖ / ‖∂L/∂x_29‖ as a range (stable from machine to machine)."""
    return ("below 10⁻⁴" if ratio < 1e-4 else "between 0.1 and 10" if 0.1 < ratio < 10
            else "between 10⁻⁴ and 0.1" if ratio < 0.1 else "above 10")


x_eval, y_eval = adding_problem(np.random.default_rng(7), 256, 30)
reach = {}
for cell, (_, params, largest) in results.items():
    _, _, dx = loss_and_grads(cell, params, x_eval, y_eval)
    reach[cell] = np.linalg.norm(dx, axis=(0, 2))           # ‖∂L/∂x_t‖ for t = 0 … 29
    print(f"{cell:4s} ‖∂L/∂x_0‖ / ‖∂L/∂x_29‖ {in_words(reach[cell][0] / reach[cell][29])};  "
          f"every ‖grad‖ in training below 10: {max(largest.values()) < 10}")

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
for cell, r in reach.items():
    print(f"{cell:4s} ‖∂L/∂x_t‖ at t = 29, 15, 0: {r[29]:.0e}, {r[15]:.0e}, {r[0]:.0e}   "
          f"largest ‖grad‖ in training {max(results[cell][2].values()):.1f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# In the trained LSTM and GRU the gradient reaches step 0 about as strongly as step 29. In the
# RNN it falls more than ten thousandfold over the 29 steps back: the first marked value sends
# almost no signal to the weights. No parameter's gradient norm ever reached 10, so nothing
# exploded.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same RNN, closer markers
#
# The third measurement: the very same RNN and training, with shorter sequences, so the first
# marker is at most $T - 1$ steps from the loss.

# %% slideshow={"slide_type": "fragment"}
shorter = {T_short: train("RNN", T=T_short)[0] for T_short in (5, 10, 20, 30)}
for T_short, losses in shorter.items():
    print(f"T = {T_short:2d}: RNN → {outcome(losses)}")

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
print(", ".join(f"T = {T_short}: {losses[-50:].mean() / BASELINE:.0%} of the baseline"
                for T_short, losses in shorter.items()))

# %% [markdown] slideshow={"slide_type": "fragment"}
# At $T = 5$ the RNN solves the task (below 10 % of the baseline), at $T = 10$ partly; at
# $T = 20$ and 30 not at all. Its size and its optimiser are fine: the distance is what defeats
# it — the vanishing gradient of notebook 06, measured on a task.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Four exercises: a warm-up, the two build-it exercises of this notebook, and a stretch. Edit
# the stub, run the cell; the checker prints ✓ or a hint naming what is off.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 50 min in class (5 + 20 + 25), the stretch at home. Students work from the derivation
# slides (the code is printed nowhere but in the folded solutions). Common slips the checker
# names: dc_prev without f, dh_prev without the recurrent matmul, tanh′ of c instead of tanh c,
# σ′ taken of σ(i) (the cache already holds i), the GRU's (1 − z) branch, and the other z
# convention.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: how long does the highway hold? (≈ 5 min)
#
# A forget-gate unit sits at $f = 0.99$ at every step. Along the cell line alone, after how many
# steps back has the gradient first fallen below half its value at the loss? Give an integer.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
steps_to_half = None   # TODO: an integer

_ = check_steps_to_half(steps_to_half)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# import math
#
# steps_to_half = math.ceil(math.log(0.5) / math.log(0.99))   # k > ln 2 / −ln 0.99 ≈ 68.97
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — build it: `lstm_step_backward` (≈ 20 min)
#
# From an empty body, write one LSTM step backward: given `dh`, `dc_next` $(N, H)$ and the
# cache of `lstm_step_forward`, `(x, h_prev, c_prev, Wx, Wh, ifog, tanh_c)` (the table in
# "Rows, and what the cache keeps"), return `dx, dh_prev, dc_prev, dWx, dWh, db`. No
# `helpers.layers`; the checker tries one sequence and a batch with $D \ne H$.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def lstm_step_backward(dh, dc_next, cache):
    """dh, dc_next (N, H); cache (x, h_prev, c_prev, Wx, Wh, ifog, tanh_c)
    → dx (N, D), dh_prev (N, H), dc_prev (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,)."""
    # TODO 1: through h = o ⊙ tanh(c): do, and dc (c_t feeds two places)
    # TODO 2: through c = f ⊙ c_prev + i ⊙ g: di, df, dg and dc_prev
    # TODO 3: through the sigmoids and the tanh: da (N, 4H), blocks in the order i, f, o, g
    # TODO 4: through a = x·Wx + h_prev·Wh + b: dx, dh_prev, dWx, dWh, db
    raise NotImplementedError


_ = check_lstm_step_backward(lstm_step_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def lstm_step_backward(dh, dc_next, cache):
#     """dh, dc_next (N, H); cache (x, h_prev, c_prev, Wx, Wh, ifog, tanh_c)
#     → dx (N, D), dh_prev (N, H), dc_prev (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,)."""
#     x, h_prev, c_prev, Wx, Wh, ifog, tanh_c = cache
#     i, f, o, g = np.split(ifog, 4, axis=1)
#     do = dh * tanh_c                                   # 1. multiply gate
#     dc = dc_next + dh * o * (1 - tanh_c**2)            # 1. fork: both paths into c_t
#     di, df, dg = dc * g, dc * c_prev, dc * i           # 2. multiply gates after the add
#     dc_prev = dc * f                                   # 2. the highway
#     da = np.concatenate([di * i * (1 - i), df * f * (1 - f),       # 3. σ′
#                          do * o * (1 - o), dg * (1 - g**2)], axis=1)  # 3. tanh′
#     dx, dh_prev = da @ Wx.T, da @ Wh.T                 # 4. matmul gate
#     dWx, dWh, db = x.T @ da, h_prev.T @ da, da.sum(axis=0)
#     return dx, dh_prev, dc_prev, dWx, dWh, db
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — build it: `gru_step_backward` (≈ 25 min)
#
# From an empty body, write one GRU step backward in this course's convention,
# $h_t = (1 - z) \odot h_{t-1} + z \odot n$: given `dh` $(N, H)$ and the cache of
# `gru_step_forward`, `(x, h_prev, Wx, Wh, zrn)` with `zrn` $= [\,z \mid r \mid n\,]$
# $(N, 3H)$, return `dx, dh_prev, dWx, dWh, db`. Count the uses of `h_prev` first.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def gru_step_backward(dh, cache):
    """dh (N, H); cache (x, h_prev, Wx, Wh, zrn)
    → dx (N, D), dh_prev (N, H), dWx (D, 3H), dWh (H, 3H), db (3H,)."""
    # TODO 1: through h = (1 − z) ⊙ h_prev + z ⊙ n: dz, dn, and the direct part of dh_prev
    # TODO 2: through n = tanh(x·Wx_n + (r ⊙ h_prev)·Wh_n + b_n): da_n, dWh_n, and d(r ⊙ h_prev)
    # TODO 3: through r ⊙ h_prev: dr, and a second part of dh_prev
    # TODO 4: through the sigmoids of z and r and their matmuls: the last part of dh_prev
    # TODO 5: the input side, all three blocks: dx, dWx, db; dWh = [dWh_zr | dWh_n]
    raise NotImplementedError


_ = check_gru_step_backward(gru_step_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def gru_step_backward(dh, cache):
#     """dh (N, H); cache (x, h_prev, Wx, Wh, zrn)
#     → dx (N, D), dh_prev (N, H), dWx (D, 3H), dWh (H, 3H), db (3H,)."""
#     x, h_prev, Wx, Wh, zrn = cache
#     H = h_prev.shape[1]
#     z, r, n = np.split(zrn, 3, axis=1)
#     dz, dn = dh * (n - h_prev), dh * z                 # 1. z appears twice
#     dh_prev = dh * (1 - z)                             # 1. the direct path
#     da_n = dn * (1 - n**2)                             # 2. tanh′
#     dWh_n = (r * h_prev).T @ da_n
#     ds = da_n @ Wh[:, 2 * H:].T                        # 2. d(r ⊙ h_prev)
#     dr = ds * h_prev                                   # 3. multiply gate
#     dh_prev = dh_prev + ds * r
#     da_zr = np.concatenate([dz * z * (1 - z), dr * r * (1 - r)], axis=1)   # 4. σ′
#     dh_prev = dh_prev + da_zr @ Wh[:, :2 * H].T
#     da = np.concatenate([da_zr, da_n], axis=1)        # 5. the input side
#     dWh = np.concatenate([h_prev.T @ da_zr, dWh_n], axis=1)
#     return da @ Wx.T, dh_prev, x.T @ da, dWh, da.sum(axis=0)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4 — stretch: the GRU as PyTorch computes it (≈ 30 min)
#
# `gru_torch_step_forward(x, h_prev, Wx, Wh, bx, bh)` (in `helpers.exercises.nb07`) is one step
# of PyTorch's `nn.GRU`, blocks kept in our order z, r, n:
# $n = \tanh\bigl(x W_{x,n} + b_{x,n} + r \odot (h_{t-1} W_{h,n} + b_{h,n})\bigr)$,
# $h_t = z \odot h_{t-1} + (1 - z) \odot n$, and $z$, $r$ each with both biases. Its cache is
# `(x, h_prev, Wx, Wh, zrn, hn)` with `hn` $= h_{t-1} W_{h,n} + b_{h,n}$. Write its backward:
# return `dx, dh_prev, dWx, dWh, dbx, dbh`.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def gru_torch_step_backward(dh, cache):
    """dh (N, H); cache (x, h_prev, Wx, Wh, zrn, hn) → dx (N, D), dh_prev (N, H),
    dWx (D, 3H), dWh (H, 3H), dbx (3H,), dbh (3H,)."""
    # TODO: start from your gru_step_backward; what changes with z ↔ 1 − z?
    # TODO: the reset gate now multiplies hn, after the product: dr, dWh_n, dbh_n, dh_prev
    raise NotImplementedError


_ = check_gru_torch_step_backward(gru_torch_step_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def gru_torch_step_backward(dh, cache):
#     """dh (N, H); cache (x, h_prev, Wx, Wh, zrn, hn) → dx (N, D), dh_prev (N, H),
#     dWx (D, 3H), dWh (H, 3H), dbx (3H,), dbh (3H,)."""
#     x, h_prev, Wx, Wh, zrn, hn = cache
#     H = h_prev.shape[1]
#     z, r, n = np.split(zrn, 3, axis=1)
#     dz, dn = dh * (h_prev - n), dh * (1 - z)           # h = z ⊙ h_prev + (1 − z) ⊙ n
#     dh_prev = dh * z
#     da_n = dn * (1 - n**2)                             # tanh′
#     dhn = da_n * r                                     # hn = h_prev·Wh_n + bh_n, scaled by r
#     dr = da_n * hn
#     dh_prev = dh_prev + dhn @ Wh[:, 2 * H:].T
#     da_zr = np.concatenate([dz * z * (1 - z), dr * r * (1 - r)], axis=1)
#     dh_prev = dh_prev + da_zr @ Wh[:, :2 * H].T
#     da = np.concatenate([da_zr, da_n], axis=1)        # the x side: all three blocks
#     dWh = np.concatenate([h_prev.T @ da_zr, h_prev.T @ dhn], axis=1)
#     dbh = np.concatenate([da_zr.sum(axis=0), dhn.sum(axis=0)])
#     return da @ Wx.T, dh_prev, x.T @ da, dWh, da.sum(axis=0), dbh
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - The LSTM backward pass is four small rules in a row: multiply gates swap their factors, the
#   add gate copies, $\sigma' = \sigma(1 - \sigma)$ and $\tanh' = 1 - \tanh^2$, then the matmul
#   gate for the weights. $c_t$ feeds $h_t$ and $c_{t+1}$, so
#   $\mathrm{d}c = \mathrm{d}c_{\text{next}} + \mathrm{d}h \odot o \odot (1 - \tanh^2 c_t)$.
# - $\partial c_t/\partial c_{t-1} = \operatorname{diag}(f_t)$: no weight matrix on the cell
#   line. With $f \approx 1$ the gradient survives tens of steps: the gradient highway, and why
#   $b_f$ is often started at 1.
# - The GRU's $h_t = (1 - z) \odot h_{t-1} + z \odot n$ gives $h_{t-1}$ a direct path scaled by
#   $1 - z$ and four terms in $\mathrm{d}h_{t-1}$; PyTorch, d2l and Cho et al. swap $z$ and
#   $1 - z$. Three blocks instead of four: 3/4 of the LSTM's size.
# - A plain RNN's gradient vanishes for $\sigma_{\max}(W_h) < 1$ and *can* explode above — when
#   σ times the tanh slope the gradient sees passes 1, which depends on the inputs (06's σ = 2
#   explodes, ours does not); on a 30-step memory task it stays at the guessing baseline while
#   LSTM and GRU learn.
#
# Next: [08 — Normalization layers: batch norm and layer norm](08_normalization.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Ask each person which gate they would set to 1 to remember forever (f in the LSTM,
# z = 0 in our GRU, z = 1 in PyTorch's). Point ahead: notebook 08 normalizes activations, a
# different way to keep gradients at a usable size.

# %% slideshow={"slide_type": "skip"}
_ = progress("07")
