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
# # 05 — Convolution backprop
#
# By the end you can backpropagate through a convolution by hand — many channels, stride and
# padding included — and you will see that its gradient is itself a convolution, with the
# kernel flipped.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/05_convolution.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/05_convolution.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. About two lectures: the 1-D example by hand, its 2-D form with stride and padding,
# then im2col, pooling, the receptive-field widget and a small CNN; the exercises close the
# second lecture. Promise the punchline now: the backward pass of a convolution is a
# convolution.

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
# - Compute a 1-D cross-correlation and its output length $M - K + 1$ by hand.
# - Derive, for a 5-input, 3-tap example, $\partial L/\partial w$ (a correlation of the input
#   with $\delta$) and $\partial L/\partial x$ (a *full convolution* of $\delta$ with the
#   kernel), and check both numerically.
# - Extend the rule to 2-D images with many channels, many filters, stride and padding, and
#   predict output sizes: a 28×28 input and a 3×3 kernel give 26×26.
# - Write the layer as one matrix product (im2col), get the same numbers as the loops, measure
#   the speed-up; backpropagate through max pooling.
# - Write the 2-D backward pass yourself, with stride and padding, and train a small CNN.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb):
#   downstream = upstream × local; the max gate routes; a fork (Repeat node) sums the gradients
#   that come back.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dW = X^\top dD$ and
#   $dX = dD\,W^\top$ (im2col turns a convolution into exactly that gate).
# - [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb): a
#   gradient has the shape of its parameter; $\delta$ is the upstream gradient.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **convolution (합성곱)**: slide a kernel along the input and take dot products; the strict
#   definition flips the kernel first.
# - **cross-correlation (교차 상관)**: the same without the flip, $o_i = \sum_k w_k\,x_{i+k-1}$;
#   what every deep-learning "convolution" layer computes.
# - **kernel / filter (커널 / 필터)**: the small array of weights (가중치) that slides; the same
#   weights serve every position (**weight sharing, 가중치 공유**).
# - **stride (스트라이드)** and **padding (패딩)**: the step of the slide, and the zeros added
#   around the input.
# - **feature map (특징 맵)**: the output of one filter; **receptive field (수용 영역)**: the
#   input patch one output sees.
# - **full convolution (완전 합성곱)**: a convolution over the input padded with $K - 1$ zeros on
#   each side, so every partial overlap counts; a layer's input gradient is one.
# - **max pooling (최대 풀링)**: keep the largest value of each window.
# - **upstream gradient $\delta$ (상류 기울기)**: $\delta_i = \partial L/\partial o_i$, what
#   backpropagation (역전파) brings to the layer from above.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from helpers.exercises._check import progress
from helpers.exercises.nb05 import (EX2_DELTA, EX2_W, check_conv2d_backward, check_dx_by_hand,
                                    check_max_pool_backward, check_output_size)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error, verdict
from helpers.layers import (affine_backward, affine_forward, conv1d_backward, conv1d_forward,
                            conv2d_backward, conv2d_forward, conv2d_naive_backward,
                            conv2d_naive_forward, max_pool2d_backward, max_pool2d_forward,
                            relu_backward, relu_forward, softmax_cross_entropy)
from helpers.plotting import DIVERGING_CMAP, FORWARD, GRADIENT
from helpers.widgets import receptive_field, receptive_field_figure, receptive_field_links

np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: one kernel, slid along the input
#
# Take five inputs $x_1,\dots,x_5$ and a kernel of three weights $w_1, w_2, w_3$. Lay the kernel
# over $x_1 x_2 x_3$ and take the dot product: that is $o_1$. Slide one step: $o_2$ from
# $x_2 x_3 x_4$. Once more: $o_3$ from $x_3 x_4 x_5$. There is no room for a fourth position, so
# $M$ inputs and a $K$-tap kernel give $M - K + 1$ outputs: $5 - 3 + 1 = 3$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Draw the five inputs and slide a three-cell card along them on the board. Ask the
# room: "how many outputs for 28 inputs and 3 taps?" (26 — the 2-D version comes later). Then
# show the figure and ask which input feeds the most outputs (x3, all three), and through which
# weights: that order, w3, w2, w1, is the flip we derive next.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Forward links, and the same links walked backwards
#
# ![The 5-input, 3-tap cross-correlation: on the left each output reads three neighbouring inputs through w1, w2, w3 (blue); on the right the same edges carry gradient back, and x3 collects w3·δ1 + w2·δ2 + w1·δ3 (orange)](../figures/nb05_conv1d_links.png)
#
# Notice $x_3$ on the right: it fed all three outputs, through $w_3$, $w_2$ and $w_1$ in that
# order, so its gradient collects three terms, with the weights in reverse order.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The forward pass in numbers
#
# In code the indices start at 0, so $o_i = \sum_k w_k\,x_{i+k-1}$ becomes
# `o[i] = Σ_k w[k]·x[i + k]`.

# %% slideshow={"slide_type": "fragment"}
x = np.array([1.0, 2.0, -1.0, 0.5, 3.0])      # x1 … x5
w = np.array([0.5, -1.0, 2.0])                # w1, w2, w3
M, K = len(x), len(w)
print(f"output length M − K + 1 = {M} − {K} + 1 = {M - K + 1}")

o = np.array([sum(w[k] * x[i + k] for k in range(K)) for i in range(M - K + 1)])
print("o from the sum  o[i] = Σ_k w[k]·x[i + k]:", o)
print("np.correlate(x, w, 'valid')             :", np.correlate(x, w, "valid"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Convolution or cross-correlation? The flip
#
# Mathematics calls $(w * x)_i = \sum_k w_k\,x_{i-k}$ a **convolution**: the kernel runs
# backwards over the input. What we just computed, $\sum_k w_k\,x_{i+k-1}$, is a
# **cross-correlation**. The two differ only by reversing the kernel, which numpy shows at once.

# %% slideshow={"slide_type": "fragment"}
print("np.correlate(x, w)        :", np.correlate(x, w, "valid"))
print("np.convolve(x, w)         :", np.convolve(x, w, "valid"), " ← a different result")
print("np.convolve(x, w[::-1])   :", np.convolve(x, w[::-1], "valid"), " ← flip the kernel: same")

# %% [markdown] slideshow={"slide_type": "fragment"}
# CNN layers (PyTorch, TensorFlow and `helpers.layers`) compute the cross-correlation and still
# call it a convolution. For learning it makes no difference: the kernel is learned, and a
# network that needs the flipped kernel learns the flipped kernel. The flip does matter for us,
# because it is exactly where the *true* convolution turns up: in the backward pass.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the 5-input example by hand
#
# Written out, the forward pass is three dot products (1-based indices, as in the figure):
#
# $$
# \begin{aligned}
# o_1 &= w_1 x_1 + w_2 x_2 + w_3 x_3\\
# o_2 &= w_1 x_2 + w_2 x_3 + w_3 x_4\\
# o_3 &= w_1 x_3 + w_2 x_4 + w_3 x_5
# \end{aligned}
# $$
#
# Whatever sits above the layer hands us $\delta_i = \partial L/\partial o_i$. Every weight and
# every inner input is used by *several* outputs: a fork, so its gradient is a **sum** over the
# outputs that used it (notebook 01's Repeat node).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 8 min for the derivation. Write the three lines on the board and circle every occurrence
# of w2 (three) and of x3 (three). Ask: "what is ∂L/∂w2?" and let the room build the sum before
# showing the slide. For dx, have them read the x3 line aloud: δ goes up while w goes down —
# that is the flip. Keep the numbers cells short: they only confirm the sums.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The weight gradient is a correlation of $x$ with $\delta$
#
# $$
# \begin{aligned}
# \frac{\partial L}{\partial w_k}
#   &= \sum_{i=1}^{3} \frac{\partial L}{\partial o_i}\,\frac{\partial o_i}{\partial w_k}
#   && \text{chain rule; } w_k \text{ is in every } o_i\\
#   &= \sum_{i=1}^{3} \delta_i\, x_{i+k-1}
#   && \partial o_i/\partial w_k = x_{i+k-1}
# \end{aligned}
# $$
#
# Written out: $\;\partial L/\partial w_1 = \delta_1 x_1 + \delta_2 x_2 + \delta_3 x_3$,
# $\;\partial L/\partial w_2 = \delta_1 x_2 + \delta_2 x_3 + \delta_3 x_4$, and so on. That is
# $\delta$ slid along $x$ like a kernel: a cross-correlation of the input with $\delta$, of
# length $M - (M - K + 1) + 1 = K$, one number per weight, as the shape convention demands.

# %% slideshow={"slide_type": "fragment"}
delta = np.array([1.0, -2.0, 0.5])             # δ1, δ2, δ3 = ∂L/∂o, given by the layers above
dw_by_sum = np.array([sum(delta[i] * x[i + k] for i in range(M - K + 1)) for k in range(K)])
print("dL/dw from Σ_i δ[i]·x[i + k]     :", dw_by_sum)
print("np.correlate(x, δ, 'valid')      :", np.correlate(x, delta, "valid"))
print("dL/db = Σ_i δ[i] (bias in every o):", delta.sum())

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The input gradient is a full convolution of $\delta$ with $w$
#
# Input $x_r$ sits in output $o_i$ at tap $r - i + 1$ (when that tap exists):
#
# $$
# \frac{\partial L}{\partial x_r}
#   = \sum_{i=1}^{3} \delta_i\,\frac{\partial o_i}{\partial x_r}
#   = \sum_{i} \delta_i\, w_{r-i+1},
# \qquad 1 \le r - i + 1 \le 3 .
# $$
#
# $$
# \begin{aligned}
# \partial L/\partial x_1 &= w_1\delta_1\\
# \partial L/\partial x_2 &= w_2\delta_1 + w_1\delta_2\\
# \partial L/\partial x_3 &= w_3\delta_1 + w_2\delta_2 + w_1\delta_3\\
# \partial L/\partial x_4 &= w_3\delta_2 + w_2\delta_3\\
# \partial L/\partial x_5 &= w_3\delta_3
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the $x_3$ line: the flip
#
# The $\delta$s go up ($1, 2, 3$) while the weights go down ($3, 2, 1$): the kernel meets
# $\delta$ **flipped**. The edges $x_1$, $x_5$ see only part of it, as if $\delta$ were padded
# with $K - 1 = 2$ zeros on each side. A flipped kernel slid over a zero-padded signal is the
# **full convolution** $\partial L/\partial x = \delta * w$.

# %% slideshow={"slide_type": "fragment"}
for r in range(M):  # each x_r's sum from the rule ∂o_i/∂x_r = w_(r−i+1), 0-based: w[r − i]
    terms = [f"w{r - i + 1}·δ{i + 1}" for i in range(M - K + 1) if 0 <= r - i < K]
    print(f"dL/dx{r + 1} = " + " + ".join(terms))

dx_by_sum = np.array([sum(delta[i] * w[r - i] for i in range(M - K + 1) if 0 <= r - i < K)
                      for r in range(M)])
print("the sums, numerically                  :", dx_by_sum)
print("np.convolve(δ, w, 'full')              :", np.convolve(delta, w, "full"))
print("np.correlate(pad(δ, 2), flip(w), valid):",
      np.correlate(np.pad(delta, K - 1), w[::-1], "valid"))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **The derivative of a convolution is a convolution.** Forward: correlate $x$ with $w$ (valid).
# Backward: correlate $x$ with $\delta$ for $dw$ (valid), and convolve $\delta$ with $w$ for $dx$
# (full, which flips the kernel). No new machinery, only the same sliding dot product.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: a 1-D layer in four lines
#
# The derivation becomes a forward/backward pair in the course's `(out, cache)` style.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Point at each backward line and name the derivation slide it comes from: full
# convolution (flip) for dx, valid correlation with δ for dw, a sum for db.

# %% slideshow={"slide_type": "fragment"}
def corr1d_forward(x, w, b):
    """o[i] = Σ_k w[k]·x[i + k] + b.  x (M,), w (K,), b (1,) → out (M − K + 1,), cache."""
    return np.correlate(x, w, "valid") + b, (x.copy(), w.copy())


def corr1d_backward(dout, cache):
    """dout (M − K + 1,) → dx (M,), dw (K,), db (1,)."""
    x, w = cache
    dx = np.convolve(dout, w, "full")      # full convolution: the kernel flipped
    dw = np.correlate(x, dout, "valid")    # correlation of the input with δ
    db = np.array([dout.sum()])            # the bias is in every output: sum
    return dx, dw, db


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: numerical gradients agree
#
# `check_layer` perturbs every input by $\pm h$, measures the change of
# $\sum_i o_i\,\delta_i$ for a random $\delta$, and compares it with our backward pass by the
# relative error (상대 오차) of notebook 01. A convolution is *linear* in $x$ and, separately,
# in $w$, so the central difference has no truncation error: the large step $h = 10^{-3}$ only
# keeps the round-off small.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Read the verdict lines, not the code: our four-line layer, then the same numbers as
# the batched reference in helpers.layers, then the reference with stride 2 and padding 1.
# Ask why a linear layer needs no tiny h (no curvature: the difference quotient is exact).

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
_ = check_layer(corr1d_forward, corr1d_backward, {"x": x, "w": w, "b": np.array([0.3])},
                h=1e-3, name="corr1d (by hand)")

# the reference layer of helpers.layers takes a batch and channels: (N, C, M) and (F, C, K)
ref_out, ref_cache = conv1d_forward(x[None, None], w[None, None], np.array([0.3]))
ref_dx, ref_dw, ref_db = conv1d_backward(delta[None, None], ref_cache)
mine_dx, mine_dw, mine_db = corr1d_backward(delta, (x, w))
print(verdict("forward vs helpers.layers.conv1d", rel_error(ref_out[0, 0], o + 0.3), 1e-12))
print(verdict("dx, dw, db vs helpers.layers.conv1d",
              max(rel_error(ref_dx[0, 0], mine_dx), rel_error(ref_dw[0, 0], mine_dw),
                  rel_error(ref_db, mine_db)), 1e-12))

rng = np.random.default_rng(0)   # the reference, batched, 2 channels, 3 filters, stride 2, pad 1
_ = check_layer(conv1d_forward, conv1d_backward,
                {"x": rng.standard_normal((2, 2, 9)), "w": rng.standard_normal((3, 2, 3)),
                 "b": rng.standard_normal(3)},
                options={"stride": 2, "pad": 1}, h=1e-3, name="helpers conv1d, stride 2, pad 1")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2-D, many channels, many filters
#
# Images add a second spatial axis, channels (RGB: $C = 3$) and many filters, each making one
# feature map. The rule stays the same: every weight is shared, every pixel is read by several
# windows, and their gradients sum. What changes is the bookkeeping: four indices instead of
# one, a stride and a padding.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Go through the table once and leave it up while you write the forward formula on
# the board. Stress the two counts that matter for the backward pass: every weight is used at
# every (n, i, j), every pixel by every window that covers it. Ask: "how many numbers does one
# filter hold for an RGB input and a 3×3 kernel?" (27, plus one bias).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The symbols, once
#
# From here on indices start at 0, as in the code.
#
# - $N, C, H, W$: the number of images, the input channels, the height and width of $x$;
# - $F$: the number of filters; $K_H \times K_W$: the kernel's height and width, `KH, KW` in
#   the code (the helpers' docstrings call them `HH, WW`);
# - $S$: the stride; $P$: the padding (zeros on every side);
# - $n$, $c$, $f$: which image, input channel, filter;
# - $(i, j)$: an output position; $(u, v)$: an offset inside the kernel; $(r, t)$: an input
#   pixel;
# - $b_f$: filter $f$'s bias.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The forward pass
#
# $x$ is $(N, C, H, W)$, the weights $w$ are $(F, C, K_H, K_W)$, the bias $b$ is $(F,)$, and
# $x_{\mathrm{pad}}$ is $x$ with $P$ zeros on every side:
#
# $$
# \mathrm{out}[n, f, i, j] = b_f + \sum_{c}\sum_{u}\sum_{v}
#   w[f, c, u, v]\; x_{\mathrm{pad}}[n,\, c,\, iS + u,\, jS + v]
# $$
#
# Each filter spans **all** input channels (its channel count must equal the input's), and $F$
# filters give $F$ output channels.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Output size
#
# A window fits where $iS + K_H \le H + 2P$, so
#
# $$
# H_{\mathrm{out}} = \left\lfloor \frac{H + 2P - K_H}{S} \right\rfloor + 1,
# \qquad W_{\mathrm{out}} \text{ likewise.}
# $$
#
# A 28×28 image (an MNIST digit) and a 3×3 kernel, stride 1, no padding: $28 - 3 + 1 = 26$.

# %% slideshow={"slide_type": "fragment"}
H, K_H = 28, 3
print(f"a {H}×{H} input, a {K_H}×{K_H} kernel: {H} − {K_H} + 1 = {H - K_H + 1}")
for H, K_H, S, P in [(28, 3, 1, 1), (7, 3, 2, 1), (8, 3, 2, 0)]:
    print(f"H={H:2d}, K_H={K_H}, S={S}, P={P}:  H_out = ({H} + {2 * P} − {K_H}) // {S} + 1 = "
          f"{(H + 2 * P - K_H) // S + 1}")
rng = np.random.default_rng(0)
x_img = rng.standard_normal((2, 3, 28, 28))          # N=2 images, C=3 channels, 28×28
w_img = rng.standard_normal((4, 3, 3, 3))            # F=4 filters, each 3 channels × 3×3
out_img, _ = conv2d_forward(x_img, w_img, np.zeros(4))
print("x", x_img.shape, "and w", w_img.shape, "→ out", out_img.shape)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Padding 1 keeps 28×28 ("same" padding for a 3×3 kernel). With $H = 8$, $K_H = 3$, $S = 2$ the
# division leaves a remainder: the last window would stick out, so it does not count, and the
# last row of the input is read by no window at all.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loops over output positions
#
# The most direct code: visit every output position $(i, j)$, take the patch under the kernel
# and contract it with every filter (`np.tensordot` sums over $c, u, v$ for every image and
# filter at once).

# %% slideshow={"slide_type": "fragment"}
def conv2d_loops_forward(x, w, b, stride=1, pad=0):
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) → out (N, F, H_out, W_out), cache."""
    KH, KW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))       # P zeros on every side
    H_out, W_out = (xp.shape[2] - KH) // stride + 1, (xp.shape[3] - KW) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            patch = xp[:, :, i * stride:i * stride + KH, j * stride:j * stride + KW]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (x.copy(), w.copy(), stride, pad)


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
rng = np.random.default_rng(1)
xs, ws, bs = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), \
    rng.standard_normal(4)
opts = {"stride": 2, "pad": 1}
print(verdict("loops vs helpers conv2d_forward, 7×6 input, 3×2 kernel, stride 2, pad 1",
              rel_error(conv2d_loops_forward(xs, ws, bs, **opts)[0],
                        conv2d_forward(xs, ws, bs, **opts)[0]), 1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The 2-D backward pass: $dw$ and $db$
#
# Every weight is shared by all images $n$ and all positions $(i, j)$: a fork, so its gradient
# sums over them. The bias is added everywhere with local gradient 1:
#
# $$
# \begin{aligned}
# \frac{\partial L}{\partial w[f,c,u,v]} &= \sum_{n,i,j} \mathrm{dout}[n,f,i,j]\;
#   x_{\mathrm{pad}}[n,\, c,\, iS+u,\, jS+v]\\
# \frac{\partial L}{\partial b_f} &= \sum_{n,i,j} \mathrm{dout}[n,f,i,j]
# \end{aligned}
# $$
#
# $\mathrm{dout}$ is the 2-D layer's $\delta$: $\partial L/\partial\,\mathrm{out}$, of the
# output's shape $(N, F, H_{\mathrm{out}}, W_{\mathrm{out}})$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The 2-D backward pass: $dx$
#
# Every input pixel is read by every window that covers it, through one weight per filter:
#
# $$
# \frac{\partial L}{\partial x_{\mathrm{pad}}[n,c,r,t]} =
#   \sum_{f}\ \sum_{\substack{i,u:\ iS+u=r\\ j,v:\ jS+v=t}}
#   \mathrm{dout}[n,f,i,j]\; w[f,c,u,v]
# $$
#
# and $\partial L/\partial x$ is $\partial L/\partial x_{\mathrm{pad}}$ without its $P$-wide
# border: the padding zeros are constants, not inputs. Read as code: every output
# $(n, f, i, j)$ sends $\mathrm{dout}[n,f,i,j]\cdot w[f]$ back onto the patch it read, and
# overlapping patches add up. You will write exactly this, with loops, in Exercise 3; the next
# sections check the rule two other ways.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Stride and padding in the backward pass
#
# With stride 1 the 1-D rule carries over: $dx$ is the full convolution of $\delta$ with the
# kernel. With stride $S$, neighbouring outputs are $S$ pixels apart in the input, so between
# two $\delta$ values there are $S - 1$ positions where no window *started*. Recipe:
#
# 1. **dilate** $\delta$: insert $S - 1$ zeros between neighbouring entries;
# 2. **pad** it with $K_H - 1$ rows and $K_W - 1$ columns of zeros on every side, and slide the
#    **flipped** kernel over it (the full convolution);
# 3. rows and columns that no window reached (the floor division) stay zero;
# 4. **crop** $P$ from every side: padding is a constant, it receives no gradient.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Draw a 1-D example: δ = (δ1, δ2) with stride 2 becomes (δ1, 0, δ2). Ask: "why
# zeros and not repeats?" (no window started there; each output read its window once). Then
# ask what happens to the gradient on the padding (nothing uses it: crop). The code that
# follows is the recipe line by line; the check compares it with helpers' conv2d_backward.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The recipe, drawn in 1-D
#
# ![The four steps for 7 inputs, a 3-tap kernel, stride 2 and padding 1: the four δ values are dilated with one zero between them, padded with two zeros on each side, the flipped kernel w3 w2 w1 slides over them to give 9 entries of dx_pad, and the first and last entry are cropped to give the 7 entries of dx](../figures/nb05_stride_backward.png)
#
# Notice the window at $r = 4$: it meets $\delta_2$ and $\delta_3$ through $w_3$ and $w_1$, and
# the inserted zero through $w_2$. Because of the zeros, every entry of $dx$ gets one or two
# terms, never three: with stride 2 no input is read by three windows.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The recipe in code (one channel, one filter)

# %% slideshow={"slide_type": "-"}
def dx_by_dilation(dout, w, H, W, stride, pad):
    """One channel, one filter: dout (H_out, W_out), w (KH, KW) → dx (H, W)."""
    (H_out, W_out), (KH, KW) = dout.shape, w.shape
    dilated = np.zeros(((H_out - 1) * stride + 1, (W_out - 1) * stride + 1))
    dilated[::stride, ::stride] = dout                            # 1. S − 1 zeros between
    full = np.pad(dilated, ((KH - 1, KH - 1), (KW - 1, KW - 1)))  # 2. pad for "full" …
    w_flip = w[::-1, ::-1]                                        #    … and flip the kernel
    dxp = np.zeros((H + 2 * pad, W + 2 * pad))                    # 3. unreached rows stay 0
    for r in range(full.shape[0] - KH + 1):
        for t in range(full.shape[1] - KW + 1):
            dxp[r, t] = np.sum(full[r:r + KH, t:t + KW] * w_flip)
    return dxp[pad:pad + H, pad:pad + W]                          # 4. crop the padding


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The recipe against the reference

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
rng = np.random.default_rng(2)
for H, W, K_H, K_W, S, P in [(7, 7, 3, 3, 2, 1), (8, 6, 3, 2, 2, 0), (6, 5, 2, 3, 1, 1),
                             (9, 8, 3, 3, 3, 2)]:
    x1, w1 = rng.standard_normal((1, 1, H, W)), rng.standard_normal((1, 1, K_H, K_W))
    out1, cache1 = conv2d_forward(x1, w1, np.zeros(1), stride=S, pad=P)
    d1 = rng.standard_normal(out1.shape)
    dx_ref = conv2d_backward(d1, cache1)[0][0, 0]
    print(verdict(f"{H}×{W} input, {K_H}×{K_W} kernel, S={S}, P={P}: recipe vs "
                  "conv2d_backward", rel_error(dx_by_dilation(d1[0, 0], w1[0, 0], H, W, S, P),
                                               dx_ref), 1e-12))
    if (H, W, S, P) == (8, 6, 2, 0):
        print("   the last input row, read by no window, gets exactly zero gradient:",
              bool(np.all(dx_ref[-1] == 0)))

reads = np.zeros(9)                       # the drawn example: 7 inputs + 2 padding, K=3, S=2
for i in range(4):
    reads[2 * i:2 * i + 3] += 1
print("windows that read each of the 7 inputs of the drawing:", reads[1:-1].astype(int))
print("\nzero-insertion: a 3×3 δ (entries 1…9) dilated for stride 3 →")
dilated3 = np.zeros((7, 7))
dilated3[::3, ::3] = np.arange(1.0, 10.0).reshape(3, 3)
print(dilated3)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The recipe matches the reference on square and non-square inputs and kernels, strides 1 to 3
# and paddings 0 to 2. In the 8×6 case the floor division left the last input row out of every
# window: its gradient is exactly zero, which is right, since it never influenced the output.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## im2col: a convolution is one matrix product
#
# The loops do $H_{\mathrm{out}} W_{\mathrm{out}}$ small products. **im2col** copies every patch
# into one column of a matrix `cols` of shape $(C K_H K_W,\; N H_{\mathrm{out}} W_{\mathrm{out}})$;
# the filters become the rows of $W_{\mathrm{row}}$, shape $(F,\; C K_H K_W)$; and the whole
# layer is $W_{\mathrm{row}}\,\mathrm{cols}$, the matmul gate of notebook 03.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min for im2col. Show the figure first and count with the room: four 3×3 patches → a 9×4
# matrix; the kernel → a 1×9 row; one product → four outputs. Ask: "which entries of cols hold
# the same pixel?" (overlaps) — that is why col2im must add. Skip the code details in class;
# the checks and the speed-up are the point.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Patches become columns
#
# ![im2col: the four overlapping 3×3 patches of a 4×4 input become the four columns of a 9×4 matrix; the kernel becomes a 1×9 row, and one product gives all four outputs](../figures/nb05_im2col.png)
#
# Notice that the pixels in the middle of the input appear in several columns: the patches
# overlap. In the backward pass those copies are a fork.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The backward pass is the matmul gate, transposed
#
# Here each patch is a *column* and the layer is $W_{\mathrm{row}}\,\mathrm{cols}$ (the column
# convention $Wx$ of notebook 04). Notebook 03 and `helpers.layers.affine` use rows,
# $D = XW$, with $dW = X^\top dD$ and $dX = dD\,W^\top$. With $X = \mathrm{cols}^\top$,
# $W = W_{\mathrm{row}}^\top$ and $dD = \mathrm{dout}^\top$ (dout reshaped to
# $(F,\; N H_{\mathrm{out}} W_{\mathrm{out}})$), transposing notebook 03's rule gives
#
# $$
# dW_{\mathrm{row}} = \mathrm{dout}\,\mathrm{cols}^\top,
# \qquad
# d\,\mathrm{cols} = W_{\mathrm{row}}^\top\,\mathrm{dout}.
# $$
#
# Then **col2im**: add every column of $d\,\mathrm{cols}$ back onto the patch it was copied
# from. A pixel copied into several columns was *forked*, so its gradients add.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### im2col in code
#
# `np.indices` gives, for every weight $(c, u, v)$ a row and for every window $(n, i, j)$ a
# column; broadcasting the two makes the index grid of `cols`.

# %% slideshow={"slide_type": "fragment"}
def im2col(x, KH, KW, stride, pad):
    """x (N, C, H, W) → cols (C·KH·KW, N·H_out·W_out), and the index arrays that made it."""
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    H_out, W_out = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    c, u, v = (a.reshape(-1, 1) for a in np.indices((C, KH, KW)))       # a row per weight
    n, i, j = (a.reshape(1, -1) for a in np.indices((N, H_out, W_out)))  # a column per window
    idx = (n, c, i * stride + u, j * stride + v)                        # broadcast to a grid
    return xp[idx], idx, xp.shape


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### col2im: its adjoint
#
# The backward of a copy is a sum: every column goes back onto its patch, and copies of the
# same pixel accumulate.

# %% slideshow={"slide_type": "fragment"}
def col2im(dcols, idx, xp_shape, pad):
    """dcols (C·KH·KW, N·H_out·W_out) → dx (N, C, H, W): add back, then crop the padding."""
    dxp = np.zeros(xp_shape)
    np.add.at(dxp, idx, dcols)               # unbuffered: repeated indices accumulate
    H, W = xp_shape[2] - 2 * pad, xp_shape[3] - 2 * pad
    return dxp[:, :, pad:pad + H, pad:pad + W]


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The layer: forward, one matrix product

# %% slideshow={"slide_type": "fragment"}
def conv2d_im2col_forward(x, w, b, stride=1, pad=0):
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) → out (N, F, H_out, W_out), cache."""
    F, _, KH, KW = w.shape
    cols, idx, xp_shape = im2col(x, KH, KW, stride, pad)
    H_out, W_out = (xp_shape[2] - KH) // stride + 1, (xp_shape[3] - KW) // stride + 1
    out = w.reshape(F, -1) @ cols + b[:, None]                       # (F, N·H_out·W_out)
    out = out.reshape(F, x.shape[0], H_out, W_out).transpose(1, 0, 2, 3)
    return out, (cols, idx, xp_shape, w.copy(), pad)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The layer: backward, the transposed product and col2im

# %% slideshow={"slide_type": "fragment"}
def conv2d_im2col_backward(dout, cache):
    """dout (N, F, H_out, W_out) → dx (N, C, H, W), dw (F, C, KH, KW), db (F,)."""
    cols, idx, xp_shape, w, pad = cache
    F = w.shape[0]
    d = dout.transpose(1, 0, 2, 3).reshape(F, -1)                    # (F, N·H_out·W_out)
    dw = (d @ cols.T).reshape(w.shape)                                # dW_row = dout · colsᵀ
    dcols = w.reshape(F, -1).T @ d                                    # dcols = W_rowᵀ · dout
    return col2im(dcols, idx, xp_shape, pad), dw, d.sum(axis=1)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Same numbers, every way
#
# A 4×4 input holding 0…15 shows the columns; then the im2col layer is compared with notebook
# 03's affine layer (the row convention, transposed), with the loops of `helpers.layers`
# (`conv2d_naive`, four nested loops) and with the numerical gradient.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
cols_demo, _, _ = im2col(np.arange(16.0).reshape(1, 1, 4, 4), 3, 3, 1, 0)
print(f"a 4×4 input holding 0…15 → cols {cols_demo.shape}, one 3×3 patch per column:")
print(cols_demo.astype(int))

out_c, cache_c = conv2d_im2col_forward(xs, ws, bs, **opts)
dout_s = rng.standard_normal(out_c.shape)
grads_c = conv2d_im2col_backward(dout_s, cache_c)
cols_s, _, _ = im2col(xs, 3, 2, 2, 1)                    # notebook 03's row convention:
d_s = dout_s.transpose(1, 0, 2, 3).reshape(len(ws), -1)  # X = colsᵀ, W = W_rowᵀ, dD = doutᵀ
_, aff_cache = affine_forward(cols_s.T, ws.reshape(len(ws), -1).T, bs)
dX_row, dW_row, _ = affine_backward(d_s.T, aff_cache)
print(verdict("\naffine_backward, transposed: dW_row = dout·colsᵀ and dcols = W_rowᵀ·dout",
              max(rel_error(dW_row.T, d_s @ cols_s.T),
                  rel_error(dX_row.T, ws.reshape(len(ws), -1).T @ d_s)), 1e-12))

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def max_difference(layer_a, layer_b, dout):
    """The largest relative error between two layers' out, dx, dw and db on xs, ws, bs."""
    (out_a, cache_a), (out_b, cache_b) = layer_a[0](xs, ws, bs, **opts), \
        layer_b[0](xs, ws, bs, **opts)
    pairs = zip(layer_a[1](dout, cache_a), layer_b[1](dout, cache_b), strict=True)
    return max([rel_error(out_a, out_b)] + [rel_error(g, h) for g, h in pairs])


im2col_layer = (conv2d_im2col_forward, conv2d_im2col_backward)
for name, other in [("helpers conv2d_naive (loops)", (conv2d_naive_forward, conv2d_naive_backward)),
                    ("helpers conv2d", (conv2d_forward, conv2d_backward))]:
    print(verdict(f"im2col vs {name}: out, dx, dw, db", max_difference(im2col_layer, other,
                                                                      dout_s), 1e-12))
_ = check_layer(*im2col_layer, {"x": xs, "w": ws, "b": bs}, options=opts, h=1e-3,
                name="conv2d (im2col), 7×6 input, 3×2 kernel, stride 2, pad 1")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why `np.add.at` and not `dxp[idx] += dcols`?
#
# Fancy-index assignment is *buffered*: when the same pixel appears in several columns, only one
# of the additions survives. That is the fork rule broken. With a 3×3 kernel, stride 1 and
# padding 1, an interior pixel sits in nine patches (an edge pixel in six, a corner pixel in
# four), so every pixel's gradient comes out wrong.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
cols_x, idx_x, shape_x = im2col(xs, 3, 3, 1, 1)
dcols_x = rng.standard_normal(cols_x.shape)
buffered = np.zeros(shape_x)
buffered[idx_x] += dcols_x                               # overlaps overwrite each other
wrong = ~np.isclose(buffered[:, :, 1:-1, 1:-1], col2im(dcols_x, idx_x, shape_x, 1))
copies = col2im(np.ones_like(cols_x), idx_x, shape_x, 1)[0, 0]   # patches holding each pixel
print(f"patches per pixel: corner {copies[0, 0]:.0f}, edge {copies[0, 3]:.0f}, "
      f"interior {copies[3, 3]:.0f}")
print(f"pixels whose gradient buffered += gets wrong: {wrong.sum()} of {wrong.size}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How much faster?
#
# Same numbers, very different cost: the naive layer runs a Python loop per (image, filter,
# row, column), im2col none at all. (Timings depend on the machine; the tests do not compare
# this cell's output.)

# %% slideshow={"slide_type": "fragment"} tags=["hide-input", "nbval-ignore-output"]
rng = np.random.default_rng(4)
xt, wt, bt = rng.standard_normal((4, 3, 12, 12)), rng.standard_normal((8, 3, 3, 3)), np.zeros(8)


def seconds(forward, backward, repeat):
    """Best-of-`repeat` wall time of one forward + backward pass."""
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        out, cache = forward(xt, wt, bt, stride=1, pad=1)
        backward(np.ones_like(out), cache)
        best = min(best, time.perf_counter() - t0)
    return best


t_naive = seconds(conv2d_naive_forward, conv2d_naive_backward, 1)
print("4 images of 3×12×12, 8 filters of 3×3, pad 1: one forward + backward pass")
for name, fwd, bwd in [("naive (4 nested loops)", conv2d_naive_forward, conv2d_naive_backward),
                       ("im2col (this notebook)", conv2d_im2col_forward, conv2d_im2col_backward),
                       ("helpers conv2d (im2col)", conv2d_forward, conv2d_backward)]:
    t = t_naive if fwd is conv2d_naive_forward else seconds(fwd, bwd, 5)
    print(f"{name:24s} {1e3 * t:8.1f} ms   speed-up ×{t_naive / t:6.1f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Max pooling routes the gradient like the max gate
#
# A $2\times 2$ max pool keeps the largest of four numbers: $\;y = \max(x_1, x_2, x_3, x_4)$.
# Notebook 01's max gate already told us its local gradients:
#
# $$
# \frac{\partial y}{\partial x_k} = \begin{cases} 1 & x_k \text{ is the maximum}\\
#   0 & \text{otherwise}\end{cases}
# \quad\Longrightarrow\quad
# \frac{\partial L}{\partial x_k} = \begin{cases} \delta & x_k \text{ won}\\
#   0 & \text{otherwise}\end{cases}
# $$
#
# The whole upstream gradient of each window goes to its winner (the argmax the forward pass
# stored); the losers get zero. Pooling has no weights: nothing else to learn.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Ask the room to predict dx for the 4×4 example before running it. Then the tie: a
# ReLU before the pool makes windows of zeros common — who gets δ? Any one winner is a valid
# (sub)gradient; the course, like np.argmax, picks the first. Overlapping windows (3×3, stride
# 2) are forks again: a pixel that wins two windows gets both δs.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A 4×4 example, with ties
#
# The top-right window is all zeros (what a ReLU leaves), the bottom-right one has two 3s. At a
# tie the max is not differentiable; any one of the tied inputs is a valid choice, and
# `helpers.layers`, like `np.argmax`, sends $\delta$ to the first one (row by row).

# %% slideshow={"slide_type": "fragment"}
x_pool = np.array([[1.0, 3.0, 0.0, 0.0],
                   [4.0, 2.0, 0.0, 0.0],
                   [0.0, 1.0, 3.0, 2.0],
                   [2.0, 6.0, 1.0, 3.0]])
out_pool, cache_pool = max_pool2d_forward(x_pool[None, None])
dout_pool = np.array([[10.0, 20.0], [30.0, 40.0]])
dx_pool = max_pool2d_backward(dout_pool[None, None], cache_pool)[0, 0]
print("max of each 2×2 window:\n", out_pool[0, 0])
print("δ:\n", dout_pool, "\ndx: each δ lands on its window's (first) maximum:\n", dx_pool)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Max pooling, checked

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
rng = np.random.default_rng(5)
_ = check_layer(max_pool2d_forward, max_pool2d_backward,
                {"x": rng.standard_normal((2, 3, 6, 8))}, name="max_pool2d 2×2, stride 2")
_ = check_layer(max_pool2d_forward, max_pool2d_backward,
                {"x": rng.standard_normal((2, 3, 7, 7))}, options={"size": 3, "stride": 2},
                name="max_pool2d 3×3, stride 2 (overlapping)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With overlapping windows (3×3, stride 2) a pixel can win two windows; it is forked, and its
# gradients add, which is why the check still passes. (The random inputs of these checks have
# no ties, where a numerical gradient would split the difference.)

# %% [markdown] slideshow={"slide_type": "skip"}
# The verdicts above print no digits, so that the tests can compare them on any machine. Here
# are the relative errors themselves for every layer of this notebook, at fresh random inputs
# (the last digits depend on the machine, so the tests skip this cell's output):

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
rng = np.random.default_rng(7)
x4, w4, b4 = rng.standard_normal((2, 3, 7, 6)), rng.standard_normal((4, 3, 3, 2)), \
    rng.standard_normal(4)
for name, fwd, bwd, inputs, options in [
        ("corr1d (by hand)", corr1d_forward, corr1d_backward,
         {"x": rng.standard_normal(9), "w": rng.standard_normal(3), "b": np.array([0.3])}, {}),
        ("conv2d (im2col)", conv2d_im2col_forward, conv2d_im2col_backward,
         {"x": x4, "w": w4, "b": b4}, opts),
        ("helpers conv2d", conv2d_forward, conv2d_backward, {"x": x4, "w": w4, "b": b4}, opts),
        ("max_pool2d 2×2", max_pool2d_forward, max_pool2d_backward,
         {"x": rng.standard_normal((2, 3, 6, 8))}, {})]:
    r = check_layer(fwd, bwd, inputs, options=options, h=1e-3, verbose=False)
    print(f"{name:18s} {r.details()}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: receptive fields and gradient routing
#
# Every term of the convolution sum is a *link*: output $(i, j)$ used weight $(u, v)$ on input
# pixel $(r, t) = (iS - P + u,\; jS - P + v)$, counted in the *unpadded* image (a negative
# index is a padding zero, grey in the widget). Forward, an output reads its receptive field
# (수용 영역); backward, an input receives $\delta_{ij}\,w_{uv}$ along every link that touches it.
#
# - **pick an output (forward)**: the patch it read and the weight each pixel met (blue).
# - **pick an input (backward)**: every output that sends it gradient, labelled with the weight
#   on the link (orange). Its gradient is the sum shown under the grids.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min, live if you can. Start on input x22 with stride 1: the output panel shows the kernel
# rotated by 180° — the flip, drawn. Switch to stride 2 and walk the input across a row: one
# link, then two, then one. Ask: "which inputs get no gradient at stride 3, kernel 1?" and let
# them check with the sliders.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The receptive-field widget

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output"]
receptive_field()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Try: an interior input with stride 1 (the output panel shows the **flipped kernel**); then
# stride 2 (some inputs get one link, some four); then a large stride with kernel 1 (some
# inputs get none at all).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Stride 1: the flipped kernel

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print("outputs that send gradient to x22 (stride 1, pad 0):",
      len(receptive_field_links(7, 3, 1, 0, input=(2, 2)).outputs))
display(receptive_field_figure())   # the widget's default state, for readers without widgets

# %% [markdown] slideshow={"slide_type": "fragment"}
# With stride 1, input $x_{22}$ is read by nine outputs, and the weights on those links form the
# kernel rotated by 180°: output $(0, 0)$ used it through $w_{22}$, output $(2, 2)$ through
# $w_{00}$. This is the flip of the full convolution, drawn.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Stride 2, padding 1: four links

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print("outputs that send gradient to x33 (stride 2, pad 1):",
      len(receptive_field_links(7, 3, 2, 1, input=(3, 3)).outputs))
display(receptive_field_figure(7, 3, 2, 1, input=(3, 3)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# With stride 2 and padding 1, $x_{33}$ is covered by only four windows, one weight each: the
# corners of the kernel. The middle row and column of the kernel never touch it — the zeros
# of the dilated $\delta$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The picture is the backward pass
#
# The widget draws index sets from a pure function, `receptive_field_links`. Its answer for
# $x_{33}$ must be what the real backward pass does: a one-hot $\delta$ at each listed output
# must bring back, in $dx_{33}$, exactly the weight on the link.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
rf = receptive_field_links(7, 3, 2, 1, input=(3, 3))
rng = np.random.default_rng(6)
x_rf, w_rf = rng.standard_normal((1, 1, 7, 7)), rng.standard_normal((1, 1, 3, 3))
out_rf, cache_rf = conv2d_forward(x_rf, w_rf, np.zeros(1), stride=2, pad=1)
for i, j, u, v, r, t in rf.links:
    one_hot = np.zeros_like(out_rf)
    one_hot[0, 0, i, j] = 1.0                      # δ = 1 at output (i, j), 0 elsewhere
    dx_rf = conv2d_backward(one_hot, cache_rf)[0][0, 0]
    print(f"o{i}{j} used x{r}{t} through w{u}{v}:  dx{r}{t} == w{u}{v} → "
          f"{bool(dx_rf[r, t] == w_rf[0, 0, u, v])}")
others = np.ones_like(out_rf)
for i, j, *_ in rf.links:
    others[0, 0, i, j] = 0.0                       # δ = 1 on every output NOT in the list
print("all other outputs together send x33 nothing:",
      bool(conv2d_backward(others, cache_rf)[0][0, 0, 3, 3] == 0))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A small CNN, trained in seconds
#
# Everything above, assembled: conv → ReLU → 2×2 max pool → affine → softmax cross-entropy,
# every layer from `helpers.layers`. The data: 8×8 images, each with one short bar in one of
# four orientations (horizontal, vertical, two diagonals) at a random place, plus noise. The
# classifier must find *orientation* wherever the bar is: what weight sharing is for.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. Show the sample images and ask: "could one affine layer on the raw pixels do this?"
# (a bar can be anywhere: it would need a detector per position). Walk the backward function
# against the forward, in reverse. The training takes a few seconds; while it runs, ask what
# the filters will look like. Finish on the filter picture: strokes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The data: oriented bars

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
CLASSES = ["horizontal", "vertical", "diagonal ↘", "diagonal ↗"]
STEPS = [(0, 1), (1, 0), (1, 1), (-1, 1)]          # (row, column) step along each bar


def make_bars(n, rng, size=8, noise=0.25):
    """n noisy size×size images of one bar each → images (n, 1, size, size), labels (n,)."""
    y = rng.integers(0, 4, n)
    images = noise * rng.standard_normal((n, 1, size, size))
    for k in range(n):
        dr, dc = STEPS[y[k]]
        length = rng.integers(3, 6)
        r0 = rng.integers(0, size) if dr == 0 else (rng.integers(length - 1, size) if dr < 0
                                                    else rng.integers(0, size - length + 1))
        c0 = rng.integers(0, size - length + 1) if dc else rng.integers(0, size)
        for step in range(length):
            images[k, 0, r0 + dr * step, c0 + dc * step] += 1.0
    return images, y


rng = np.random.default_rng(42)
X_train, y_train = make_bars(1000, rng)
X_test, y_test = make_bars(400, rng)
print("train", X_train.shape, "test", X_test.shape, " examples per class:",
      np.bincount(y_train))

fig, axes = plt.subplots(1, 6, figsize=(9, 2.3))
for k, ax in enumerate(axes):
    ax.imshow(X_train[k, 0], cmap="cividis")
    ax.set_title(CLASSES[y_train[k]], fontsize=12)
    ax.set_xticks([])
    ax.set_yticks([])
axes[0].set_ylabel("row")
axes[0].set_xlabel("column")
fig.suptitle("Generated training images: one noisy bar per image", y=1.04)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that the bars are short and sit anywhere, and that the noise makes single pixels
# unreliable: a filter that matches a short oriented stroke is the natural detector.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The network, forward

# %% slideshow={"slide_type": "fragment"}
def cnn_forward(params, X):
    """conv → ReLU → max pool → affine. X (N, 1, 8, 8) → scores (N, 4), and every cache."""
    h1, c1 = conv2d_forward(X, params["w1"], params["b1"], stride=1, pad=1)   # (N, F, 8, 8)
    a1, c2 = relu_forward(h1)
    p1, c3 = max_pool2d_forward(a1)                                           # (N, F, 4, 4)
    scores, c4 = affine_forward(p1.reshape(len(X), -1), params["w2"], params["b2"])
    return scores, (c1, c2, c3, c4, p1.shape)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The network, backward: the same layers in reverse

# %% slideshow={"slide_type": "fragment"}
def cnn_loss(params, X, y):
    """Forward (each layer stores its cache), loss, then backward in reverse order."""
    scores, (c1, c2, c3, c4, pool_shape) = cnn_forward(params, X)
    loss, dscores = softmax_cross_entropy(scores, y)
    dp, dw2, db2 = affine_backward(dscores, c4)
    da = max_pool2d_backward(dp.reshape(pool_shape), c3)
    dh = relu_backward(da, c2)
    _, dw1, db1 = conv2d_backward(dh, c1)
    return loss, {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The whole network's gradient, checked
#
# Before training anything, the gradient of the *whole network* is compared with numerical
# differentiation (수치 미분) on four images: a chain of five layers is only as correct as its
# weakest backward pass. Eight 3×3 filters, He-initialised.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def init_params(rng, F=8, K=3, classes=4, size=8):
    """He-initialised weights: conv w1 (F, 1, K, K), b1 (F,); affine w2 (F·(size/2)², 4), b2."""
    D = F * (size // 2) ** 2
    return {"w1": rng.standard_normal((F, 1, K, K)) * np.sqrt(2 / (K * K)), "b1": np.zeros(F),
            "w2": rng.standard_normal((D, classes)) * np.sqrt(2 / D), "b2": np.zeros(classes)}


params = init_params(np.random.default_rng(0))
Xg, yg = X_train[:4], y_train[:4]
_, grads = cnn_loss(params, Xg, yg)
for name in ["w1", "b1", "w2", "b2"]:
    def loss_of(_, name=name):
        return softmax_cross_entropy(cnn_forward(params, Xg)[0], yg)[0]   # forward only
    num = numerical_gradient(loss_of, params[name], h=3e-5)
    print(verdict(f"whole CNN, dL/d{name}", rel_error(grads[name], num)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The loss is smooth in the weights away from ReLU kinks and pooling ties, so the step balances
# truncation, $O(h^2)$, against round-off, $O(\varepsilon/h)$: $h = 3\cdot 10^{-5}$, a little
# above the minimum of notebook 01's error-versus-$h$ curve.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training: SGD with momentum

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def accuracy(params, X, y):
    return float(np.mean(cnn_forward(params, X)[0].argmax(axis=1) == y))


params = init_params(np.random.default_rng(0))
w1_start = params["w1"].copy()
rng = np.random.default_rng(1)
lr, momentum, batch, epochs = 0.1, 0.9, 32, 8
velocity = {name: np.zeros_like(p) for name, p in params.items()}
history = {"loss": [], "test": []}
for _ in range(epochs):
    order = rng.permutation(len(X_train))
    losses = []
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        loss, grads = cnn_loss(params, X_train[idx], y_train[idx])
        for name in params:                  # SGD with momentum
            velocity[name] = momentum * velocity[name] - lr * grads[name]
            params[name] += velocity[name]
        losses.append(loss)
    history["loss"].append(np.mean(losses))
    history["test"].append(accuracy(params, X_test, y_test))

n_steps = epochs * -(-len(X_train) // batch)          # ceil(1000 / 32) = 32 steps per epoch
print(f"{epochs} epochs of {len(X_train)} images in batches of {batch}: {n_steps} SGD steps")
print(f"train loss: {history['loss'][0]:.2f} after epoch 1 → {history['loss'][-1]:.2f} after "
      f"epoch {epochs}")
print(f"held-out accuracy: {history['test'][0]:.2f} after epoch 1 → {history['test'][-1]:.2f} "
      f"after epoch {epochs} (chance: 0.25)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and accuracy

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
epochs_axis = np.arange(1, epochs + 1)
ax1.plot(epochs_axis, history["loss"], "o-", color=FORWARD)
ax1.set(title="Training loss", xlabel="epoch", ylabel="mean cross-entropy")
ax2.plot(epochs_axis, history["test"], "s-", color=GRADIENT, label="held-out accuracy")
ax2.axhline(0.25, color="grey", ls=":", label="chance")
ax2.set(title="Held-out accuracy", xlabel="epoch", ylabel="fraction correct", ylim=(0, 1.02))
ax2.legend(loc="center right")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that the held-out accuracy is already far above chance after the first epoch and the
# loss keeps falling: 256 gradient steps, each computed by the backward passes derived above.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The filters it learned

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
F = params["w1"].shape[0]
fig, axes = plt.subplots(2, F, figsize=(9, 2.8), gridspec_kw={"hspace": 0.12})
lim = np.abs(np.concatenate([w1_start, params["w1"]])).max()
for f in range(F):
    for row, weights in enumerate([w1_start, params["w1"]]):
        ax = axes[row, f]
        im = ax.imshow(weights[f, 0], cmap=DIVERGING_CMAP, vmin=-lim, vmax=lim)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, f].set_title(f"filter {f + 1}", fontsize=11)
axes[0, 0].set_ylabel("random\nstart")
axes[1, 0].set_ylabel("after\ntraining")
fig.colorbar(im, ax=axes, shrink=0.85, label="weight")
fig.suptitle("The eight 3×3 filters before and after training (one colour scale)")
fig.supxlabel("each square: one filter's weights w[f, 0, u, v], row u down, column v across",
              fontsize=12, y=0.0)
plt.show()
growth = (np.linalg.norm(params["w1"].reshape(F, -1), axis=1)
          / np.linalg.norm(w1_start.reshape(F, -1), axis=1))
print("‖w_f‖ after training / at the start, filters 1–8:",
      np.round(growth, 1))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Compare the rows: the small random start has no structure, while six of the eight learned
# filters have grown (1.7 to 3.9 times their start; filters 2 and 4 hardly changed), and several
# show a row, a column or a diagonal of same-signed weights: oriented stroke detectors that fire
# on a bar wherever it is, because the same nine weights are slid over every position.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Four exercises: two warm-ups, the build-it exercise of this notebook (the whole 2-D backward
# pass, with stride and padding), and a stretch. Edit the stub and run the cell: the checker
# prints `✓ …` or `not yet: …` with a hint. Solutions are folded away under each exercise.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 50 min if done in class (3 + 5 + 30, the stretch at home). Before exercise 3, put the two
# backward formulas (dw and dx) back on the screen. Walk around: the usual slips are a missing
# stride in the dx slice, `=` instead of `+=`, and `pad:-pad` (empty when pad = 0); the checker
# names each of them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: output size (≈ 3 min)
#
# Write `conv_output_size(H, K, S, P)`: the output height for an input of height $H$, a kernel
# of height $K$, stride $S$ and padding $P$. Windows that would stick out of the padded input
# do not count.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def conv_output_size(H, K, S, P):
    """Output height (an int) of an H-tall input, a K-tall kernel, stride S, padding P."""
    # TODO: one line
    return None


_ = check_output_size(conv_output_size)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def conv_output_size(H, K, S, P):
#     """Output height (an int) of an H-tall input, a K-tall kernel, stride S, padding P."""
#     return (H + 2 * P - K) // S + 1     # 28 − 3 + 1 = 26; // drops a window that sticks out
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — warm-up: $\partial L/\partial x$ of the 5-input example, by hand (≈ 5 min)
#
# With the kernel $w = (1, 2, -1)$ and the upstream gradient $\delta = (0.5, -1, 2)$, write the
# five numbers $\partial L/\partial x_1, \dots, \partial L/\partial x_5$ as explicit sums of
# products $w_k\,\delta_i$ (no `np.convolve`: that is how you check yourself afterwards).

# %% slideshow={"slide_type": "-"} tags=["exercise"]
w1, w2, w3 = EX2_W          # (1.0, 2.0, -1.0)
d1, d2, d3 = EX2_DELTA      # (0.5, -1.0, 2.0)
# TODO: dx = [dL/dx1, dL/dx2, dL/dx3, dL/dx4, dL/dx5], each a sum of products w·δ
dx = None

_ = check_dx_by_hand(dx)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# w1, w2, w3 = EX2_W          # (1.0, 2.0, -1.0)
# d1, d2, d3 = EX2_DELTA      # (0.5, -1.0, 2.0)
# dx = [w1 * d1,
#       w2 * d1 + w1 * d2,
#       w3 * d1 + w2 * d2 + w1 * d3,
#       w3 * d2 + w2 * d3,
#       w3 * d3]              # = [0.5, 0.0, -0.5, 5.0, -2.0] = np.convolve(δ, w)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — build it: `conv2d` backward with loops, stride and padding (≈ 30 min)
#
# From an empty body, write `conv2d_backward_loops(dout, cache)`, the backward pass of
# `conv2d_loops_forward`: its cache is `(x, w, stride, pad)` with the *unpadded* input $x$
# $(N, C, H, W)$ and $w$ $(F, C, K_H, K_W)$. Return `dx, dw, db`. Write the loops yourself (no
# `helpers.layers` backward); the checker tries batch 1, stride 2 and 3, padding 0 to 2, and
# non-square inputs and kernels.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def conv2d_backward_loops(dout, cache):
    """dout (N, F, H_out, W_out), cache (x, w, stride, pad) from conv2d_loops_forward
    → dx (N, C, H, W), dw (F, C, KH, KW), db (F,)."""
    x, w, stride, pad = cache
    # TODO: pad x as the forward did; dx_pad and dw start at zero
    # TODO: for every output position (i, j), the patch that made out[:, :, i, j] sends
    #       dout back: into dw (every image adds) and into dx_pad (overlaps add)
    # TODO: db; then crop the padding off dx_pad
    return None


_ = check_conv2d_backward(conv2d_backward_loops)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def conv2d_backward_loops(dout, cache):
#     """dout (N, F, H_out, W_out), cache (x, w, stride, pad) from conv2d_loops_forward
#     → dx (N, C, H, W), dw (F, C, KH, KW), db (F,)."""
#     x, w, stride, pad = cache
#     (H, W), (KH, KW) = x.shape[2:], w.shape[2:]
#     xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
#     dxp, dw = np.zeros_like(xp), np.zeros_like(w)
#     for i in range(dout.shape[2]):
#         for j in range(dout.shape[3]):
#             rows = slice(i * stride, i * stride + KH)        # the window out[:, :, i, j] read
#             cols = slice(j * stride, j * stride + KW)
#             d = dout[:, :, i, j]                                          # (N, F)
#             dw += np.tensordot(d, xp[:, :, rows, cols], axes=([0], [0]))  # Σ over images
#             dxp[:, :, rows, cols] += np.tensordot(d, w, axes=([1], [0]))  # Σ over filters
#     db = dout.sum(axis=(0, 2, 3))                    # b_f is in every image and position
#     return dxp[:, :, pad:pad + H, pad:pad + W], dw, db
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4 — stretch: max-pool backward for any window and stride (≈ 15 min)
#
# Write `max_pool_backward(dout, cache)` for square windows of side `size` at any `stride`:
# the cache is `(x, size, stride)` with $x$ $(N, C, H, W)$; return `dx`. Each window's
# $\delta$ goes to its first maximum (as `np.argmax` picks it); windows may overlap
# (stride < size) or leave gaps (stride > size).

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def max_pool_backward(dout, cache):
    """dout (N, C, H_out, W_out), cache (x, size, stride) → dx (N, C, H, W)."""
    x, size, stride = cache
    # TODO: for every window: find its first maximum, send the window's δ there
    return None


_ = check_max_pool_backward(max_pool_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def max_pool_backward(dout, cache):
#     """dout (N, C, H_out, W_out), cache (x, size, stride) → dx (N, C, H, W)."""
#     x, size, stride = cache
#     dx = np.zeros_like(x)
#     for n, c, i, j in np.ndindex(*dout.shape):
#         r, t = i * stride, j * stride                        # the window's top-left pixel
#         window = x[n, c, r:r + size, t:t + size]
#         u, v = np.unravel_index(np.argmax(window), window.shape)   # the first maximum
#         dx[n, c, r + u, t + v] += dout[n, c, i, j]           # += : overlapping windows add
#     return dx
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - A "convolution" layer computes a cross-correlation $o_i = \sum_k w_k\,x_{i+k-1}$; $M$ inputs
#   and $K$ taps give $M - K + 1$ outputs, and in 2-D
#   $H_{\mathrm{out}} = \lfloor (H + 2P - K_H)/S \rfloor + 1$ (28 − 3 + 1 = 26).
# - $\partial L/\partial w$ is the correlation of the input with $\delta$;
#   $\partial L/\partial x$ is the full convolution of $\delta$ with the kernel (the kernel
#   flipped). The derivative of a convolution is a convolution.
# - Stride dilates $\delta$ with zeros, padding is cropped off $dx$; shared weights and
#   overlapping patches are forks, so their gradients **sum**.
# - im2col turns the layer into one matmul gate (same numbers, far faster); col2im must
#   *accumulate* (`np.add.at`).
# - Max pooling routes each $\delta$ to its window's winner, exactly like the max gate.
#
# Next: [06 — Backpropagation through time](06_backprop_through_time.ipynb), where the weights
# are shared across time steps instead of positions, and the same sum over uses appears again.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Ask each person for the one line of the 2-D backward they would most likely get
# wrong, and which checker hint would catch it. Point ahead: in an RNN the same weights are
# shared across time, and their gradient is again a sum over every use.

# %% slideshow={"slide_type": "skip"}
_ = progress("05")
