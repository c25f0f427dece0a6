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
# By the end you can backpropagate through a convolution by hand, and you will see that its
# gradient is itself a convolution, with the kernel flipped.
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/05_convolution.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/05_convolution.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

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
# - Compute a 1-D cross-correlation and its output length $L - K + 1$ by hand.
# - Derive, for the 5-input, 3-tap example, $\partial L/\partial w$ (a correlation of the input
#   with $\delta$) and $\partial L/\partial x$ (a *full convolution* of $\delta$ with the
#   kernel), and check both numerically.
# - Extend the rule to 2-D, many channels, many filters, stride and padding, and predict output
#   sizes with $OH = (H + 2P - FH)/S + 1$.
# - Write the same layer with loops and with im2col, get identical numbers, and measure the
#   speed-up; backpropagate through max pooling.
# - Train a small CNN on generated images and look at the filters it learns.
#
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb): downstream = upstream × local,
#   the max gate routes, a fork (Repeat node) sums the gradients that come back.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dW = X^\top dD$ and $dX = dD\,W^\top$
#   (im2col turns a convolution into exactly that gate).
# - [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb): a
#   gradient has the shape of its parameter.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **convolution (합성곱)**: slide a kernel along the input and take dot products; the strict
#   definition flips the kernel first.
# - **cross-correlation (교차 상관)**: the same without the flip, $o_i = \sum_k w_k\,x_{i+k}$;
#   what every deep-learning "convolution" layer computes.
# - **kernel / filter (커널 / 필터)**: the small array of weights (가중치) that slides; the same
#   weights serve every output position (**weight sharing, 가중치 공유**).
# - **stride (스트라이드)** and **padding (패딩)**: the step of the slide, and the zeros added
#   around the input.
# - **feature map (특징 맵)**: the output of one filter; **receptive field (수용 영역)**: the
#   input patch one output sees.
# - **max pooling (최대 풀링)**: keep the largest value of each window.
# - **upstream gradient $\delta$ (상류 기울기)**: $\delta_i = \partial L/\partial o_i$ (notebook
#   04's error signal, 오차 신호: $o$ is this layer's pre-activation), what
#   backpropagation (역전파) brings to the layer; the gradients (기울기) we derive are built from
#   it.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from helpers.exercises.nb05 import (EX2_DELTA, EX2_W, check_conv1d_dw, check_dx_by_hand,
                                    check_maxpool_backward, check_output_size)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error
from helpers.layers import (affine_backward, affine_forward, conv1d_backward, conv1d_forward,
                            conv2d_backward, conv2d_forward, conv2d_naive_backward,
                            conv2d_naive_forward, max_pool2d_backward, max_pool2d_forward,
                            relu_backward, relu_forward, softmax_cross_entropy)
from helpers.plotting import DIVERGING_CMAP, FORWARD, GRADIENT
from helpers.widgets import receptive_field, receptive_field_figure, receptive_field_links

np.set_printoptions(precision=4, suppress=True)


def verdict(name, err, tol=1e-7):
    """One stable line for a relative error: below the tolerance or not (no raw digits)."""
    ok = err < tol
    return f"{name}: relative error {'<' if ok else '≥'} {tol:.0e} {'✓' if ok else '✗'}"


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: one kernel, slid along the input
#
# Take five inputs $x_1,\dots,x_5$ and a kernel of three weights $w_1, w_2, w_3$. Lay the kernel
# over $x_1 x_2 x_3$ and take the dot product: that is $o_1$. Slide one step: $o_2$ from
# $x_2 x_3 x_4$. Once more: $o_3$ from $x_3 x_4 x_5$. There is no room for a fourth position, so
# $L$ inputs and a $K$-tap kernel give $L - K + 1$ outputs: $5 - 3 + 1 = 3$.
#
# ![The 5-input, 3-tap cross-correlation: forward links in blue, backward links in orange](../figures/nb05_conv1d_links.png)
#
# Left, the forward pass: each output reads three neighbouring inputs through $w_1, w_2, w_3$.
# Right, the same edges walked backwards: $x_3$ fed all three outputs, through $w_3$, $w_2$
# and $w_1$ in that order, so its gradient collects three terms.

# %% slideshow={"slide_type": "subslide"}
x = np.array([1.0, 2.0, -1.0, 0.5, 3.0])      # x1 … x5 (code indices are 0-based)
w = np.array([0.5, -1.0, 2.0])                # w1, w2, w3
L, K = len(x), len(w)
print(f"output length L − K + 1 = {L} − {K} + 1 = {L - K + 1}")

o = np.array([sum(w[k] * x[i + k] for k in range(K)) for i in range(L - K + 1)])
print("o from the sum  o_i = Σ_k w_k·x_(i+k):", o)
print("np.correlate(x, w, 'valid')          :", np.correlate(x, w, "valid"))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Convolution or cross-correlation? The flip
#
# Mathematics calls $(w * x)_i = \sum_k w_k\,x_{i-k}$ a **convolution**: the kernel runs
# backwards over the input. What we just computed, $\sum_k w_k\,x_{i+k}$, is a
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The weight gradient is a correlation of $x$ with $\delta$
#
# $$
# \begin{aligned}
# \frac{\partial L}{\partial w_k}
#   &= \sum_{i=1}^{3} \frac{\partial L}{\partial o_i}\,\frac{\partial o_i}{\partial w_k}
#   && \text{chain rule; } w_k \text{ is used by every } o_i \text{ (fork: sum)}\\
#   &= \sum_{i=1}^{3} \delta_i\, x_{i+k-1}
#   && \partial o_i/\partial w_k = x_{i+k-1}\text{, the input } w_k \text{ multiplies in } o_i
# \end{aligned}
# $$
#
# Written out for $k = 1, 2, 3$:
#
# $$
# \begin{aligned}
# \partial L/\partial w_1 &= \delta_1 x_1 + \delta_2 x_2 + \delta_3 x_3\\
# \partial L/\partial w_2 &= \delta_1 x_2 + \delta_2 x_3 + \delta_3 x_4\\
# \partial L/\partial w_3 &= \delta_1 x_3 + \delta_2 x_4 + \delta_3 x_5
# \end{aligned}
# $$
#
# That is $\delta$ slid along $x$ like a kernel: a cross-correlation of the input with $\delta$,
# of length $L - (L-K+1) + 1 = K$, one number per weight, as the shape convention demands.

# %% slideshow={"slide_type": "subslide"}
delta = np.array([1.0, -2.0, 0.5])             # δ1, δ2, δ3 = ∂L/∂o, given by the layers above
dw_by_sum = np.array([sum(delta[i] * x[i + k] for i in range(L - K + 1)) for k in range(K)])
print("dL/dw from Σ_i δ_i·x_(i+k)       :", dw_by_sum)
print("np.correlate(x, δ, 'valid')      :", np.correlate(x, delta, "valid"))
print("dL/db = Σ_i δ_i (bias in every o):", delta.sum())

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The input gradient is a full convolution of $\delta$ with $w$
#
# $$
# \begin{aligned}
# \frac{\partial L}{\partial x_j}
#   &= \sum_{i=1}^{3} \delta_i\,\frac{\partial o_i}{\partial x_j}
#   && \text{chain rule over the outputs } x_j \text{ fed}\\
#   &= \sum_{i} \delta_i\, w_{j-i+1}
#   && \partial o_i/\partial x_j = w_{j-i+1} \text{ when } 1 \le j-i+1 \le 3\text{, else } 0
# \end{aligned}
# $$
#
# Written out for every input:
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
#
# Read the $x_3$ line: the $\delta$s go up ($1, 2, 3$) while the weights go down ($3, 2, 1$). The
# kernel meets $\delta$ **flipped**, and the edges $x_1$, $x_5$ see only part of it, as if
# $\delta$ were padded with $K - 1 = 2$ zeros on each side. A flipped kernel slid over a
# zero-padded signal is the **full convolution** $\partial L/\partial x = \delta * w$.

# %% slideshow={"slide_type": "subslide"}
for j in range(L):  # build each x_j's sum from the rule ∂o_i/∂x_j = w_(j−i+1)
    terms = [f"w{j - i + 1}·δ{i + 1}" for i in range(L - K + 1) if 0 <= j - i < K]
    print(f"dL/dx{j + 1} = " + " + ".join(terms))

dx_by_sum = np.array([sum(delta[i] * w[j - i] for i in range(L - K + 1) if 0 <= j - i < K)
                      for j in range(L)])
print("\nthe sums, numerically                  :", dx_by_sum)
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

# %% slideshow={"slide_type": "fragment"}
def corr1d_forward(x, w, b):
    """o_i = Σ_k w_k·x_(i+k) + b.  x (L,), w (K,), b (1,) → out (L − K + 1,)."""
    return np.correlate(x, w, "valid") + b, (x, w)


def corr1d_backward(dout, cache):
    """dout (L − K + 1,) → dx (L,), dw (K,), db (1,)."""
    x, w = cache
    dx = np.convolve(dout, w, "full")      # full convolution: the kernel flipped
    dw = np.correlate(x, dout, "valid")    # correlation of the input with δ
    db = np.array([dout.sum()])            # the bias is in every output: sum
    return dx, dw, db


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: numerical gradients agree
#
# `check_layer` perturbs every input by $\pm h$, measures the change of
# $\sum_i o_i\,\delta_i$ for a random $\delta$, and compares with our backward pass by the
# relative error (상대 오차) of notebook 01. A convolution is *linear* in $x$ and, separately,
# in $w$, so the central difference has no truncation error at all: a large step
# $h = 10^{-3}$ only cuts the round-off. (`check_layer` uses $h = 10^{-3}$ with a Richardson
# step for every layer, linear or not: notebook 01.)

# %% slideshow={"slide_type": "fragment"}
_ = check_layer(corr1d_forward, corr1d_backward, {"x": x, "w": w, "b": np.array([0.3])},
                h=1e-3, name="corr1d (by hand)")

# the reference layer of helpers.layers takes a batch and channels: (N, C, L) and (F, C, K)
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
# Images add a second spatial axis, channels (RGB: $C = 3$) and many filters ($F$ of them, each
# making one feature map). With stride $S$ and padding $P$ (0-based indices from now on, as in
# the code):
#
# $$
# \mathrm{out}[n, f, i, j] = b_f + \sum_{c}\sum_{a}\sum_{b}
#   w[f, c, a, b]\; x_{\mathrm{pad}}[n,\, c,\, iS + a,\, jS + b]
# $$
#
# Here $x$ is $(N, C, H, W)$: $N$ images of $C$ channels, $H \times W$ pixels. The weights $w$ are
# $(F, C, FH, FW)$: $F$ filters, each $FH \times FW$ (called `HH, WW` in the code and the helpers'
# docstrings), and $b_f$ is filter $f$'s bias. $(a, b)$ is a row and column *inside the kernel*
# (this $b$ is an index, not the bias), and $x_{\mathrm{pad}}$ is $x$ with $P$ zeros on every
# side.

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each filter spans **all** input channels (its channel count must equal the input's), and $F$
# filters give $F$ output channels. A window fits where $iS + FH \le H + 2P$, so
#
# $$
# OH = \frac{H + 2P - FH}{S} + 1 \qquad \text{(rounded down when } S \text{ does not divide)}.
# $$

# %% slideshow={"slide_type": "subslide"}
for H, FH, S, P in [(28, 3, 1, 0), (7, 3, 2, 1), (32, 5, 1, 2), (8, 3, 2, 0)]:
    print(f"H={H:2d}, FH={FH}, S={S}, P={P}:  OH = ({H} + {2 * P} − {FH}) // {S} + 1 = "
          f"{(H + 2 * P - FH) // S + 1}")

rng = np.random.default_rng(0)
x_img = rng.standard_normal((2, 3, 28, 28))          # N=2 images, C=3 channels, 28×28
w_img = rng.standard_normal((4, 3, 3, 3))            # F=4 filters, each 3 channels × 3×3
out_img, _ = conv2d_forward(x_img, w_img, np.zeros(4))
print("x", x_img.shape, "* w", w_img.shape, "→ out", out_img.shape)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The 2-D backward pass
#
# Nothing new happens: every weight is shared by all images $n$ and all positions $(i, j)$, and
# every input pixel is read by every window that covers it.
#
# $$
# \begin{aligned}
# \frac{\partial L}{\partial w[f,c,a,b]} &= \sum_{n,i,j} \mathrm{dout}[n,f,i,j]\;
#   x_{\mathrm{pad}}[n, c, iS+a, jS+b]
#   && \text{chain rule; } w \text{ is forked to every } (n, i, j)\\
# \frac{\partial L}{\partial b_f} &= \sum_{n,i,j} \mathrm{dout}[n,f,i,j]
#   && \partial\,\mathrm{out}/\partial b_f = 1 \text{ everywhere}\\
# \frac{\partial L}{\partial x_{\mathrm{pad}}[n,c,r,s]} &=
#   \sum_{f}\ \sum_{\substack{i,a:\ iS+a=r\\ j,b:\ jS+b=s}} \mathrm{dout}[n,f,i,j]\; w[f,c,a,b]
#   && \text{each window that covered } (r, s) \text{ sends back its weight}\\
# \frac{\partial L}{\partial x} &= \frac{\partial L}{\partial x_{\mathrm{pad}}}
#   \text{ without its } P\text{-wide border}
#   && \text{the padding zeros are constants, not inputs}
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loops over output positions
#
# The most direct code: visit every output position $(i, j)$, take the patch under the kernel,
# and in the backward pass send the gradient back along the same patch (`+=`: overlapping
# windows add up). Batch, channels and filters are handled by `np.tensordot`.

# %% slideshow={"slide_type": "fragment"}
def conv2d_loops_forward(x, w, b, stride=1, pad=0):
    """x (N, C, H, W), w (F, C, HH, WW), b (F,) → out (N, F, OH, OW)."""
    HH, WW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    OH = (xp.shape[2] - HH) // stride + 1
    OW = (xp.shape[3] - WW) // stride + 1
    out = np.zeros((x.shape[0], w.shape[0], OH, OW))
    for i in range(OH):
        for j in range(OW):
            patch = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out, (xp, w, stride, pad)


def conv2d_loops_backward(dout, cache):
    """dout (N, F, OH, OW) → dx (N, C, H, W), dw (F, C, HH, WW), db (F,)."""
    xp, w, stride, pad = cache
    HH, WW = w.shape[2:]
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * stride, i * stride + HH)
            cols = slice(j * stride, j * stride + WW)
            d = dout[:, :, i, j]                                         # (N, F)
            dw += np.tensordot(d, xp[:, :, rows, cols], axes=([0], [0]))  # fork: sum
            dxp[:, :, rows, cols] += np.tensordot(d, w, axes=([1], [0]))  # overlaps add
    db = dout.sum(axis=(0, 2, 3))
    H, W = xp.shape[2] - 2 * pad, xp.shape[3] - 2 * pad
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, db                  # crop the padding


# %% slideshow={"slide_type": "subslide"}
rng = np.random.default_rng(1)
xs, ws, bs = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3)), \
    rng.standard_normal(4)
opts = {"stride": 2, "pad": 1}
_ = check_layer(conv2d_loops_forward, conv2d_loops_backward, {"x": xs, "w": ws, "b": bs},
                options=opts, h=1e-3, name="conv2d (loops), stride 2, pad 1")

out_a, cache_a = conv2d_loops_forward(xs, ws, bs, **opts)
out_b, cache_b = conv2d_naive_forward(xs, ws, bs, **opts)
dout_s = rng.standard_normal(out_a.shape)
grads_a = conv2d_loops_backward(dout_s, cache_a)
grads_b = conv2d_naive_backward(dout_s, cache_b)
print(verdict("loops vs helpers conv2d_naive (out, dx, dw, db)",
              max([rel_error(out_a, out_b)] + [rel_error(g, h)
                                               for g, h in zip(grads_a, grads_b, strict=True)]),
              1e-12))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Stride and padding in the backward pass
#
# With stride 1 the 1-D rule carries over: $dx$ is the full convolution of $\delta$ with the
# kernel. With stride $S$, consecutive outputs are $S$ pixels apart in the input, so between
# two $\delta$ values there are $S - 1$ positions no window *started* at. Recipe:
#
# 1. **dilate** $\delta$: insert $S - 1$ zeros between neighbouring entries;
# 2. **pad** it with $K - 1$ zeros on every side and slide the **flipped** kernel over it (the
#    full convolution);
# 3. if the last window stopped short of the padded input (floor division), append zero rows;
# 4. **crop** $P$ from every side: padding is a constant, it receives no gradient.

# %% slideshow={"slide_type": "subslide"}
def dx_by_dilation(dout, w, H, stride, pad):
    """One channel, one filter. dout (OH, OW), w (K, K) → dx (H, H) for a square input."""
    OH, K = dout.shape[0], w.shape[0]
    dilated = np.zeros(((OH - 1) * stride + 1,) * 2)
    dilated[::stride, ::stride] = dout                                  # 1. zero-insertion
    full = np.pad(dilated, K - 1)                                       # 2. pad for "full"
    w_flip = w[::-1, ::-1]                                              #    flipped kernel
    n = full.shape[0] - K + 1
    dxp = np.array([[np.sum(full[r:r + K, s:s + K] * w_flip) for s in range(n)]
                    for r in range(n)])
    dxp = np.pad(dxp, ((0, H + 2 * pad - n), (0, H + 2 * pad - n)))     # 3. rows never reached
    return dxp[pad:pad + H, pad:pad + H], dilated                       # 4. crop the padding


rng = np.random.default_rng(2)
for H, K, S, P in [(7, 3, 2, 1), (8, 3, 2, 0), (6, 3, 1, 0)]:
    x1, w1 = rng.standard_normal((1, 1, H, H)), rng.standard_normal((1, 1, K, K))
    out1, cache1 = conv2d_forward(x1, w1, np.zeros(1), stride=S, pad=P)
    d1 = rng.standard_normal(out1.shape)
    dx_ref = conv2d_backward(d1, cache1)[0][0, 0]
    dx_dil, dilated = dx_by_dilation(d1[0, 0], w1[0, 0], H, S, P)
    print(verdict(f"H={H}, K={K}, S={S}, P={P}: dilation recipe vs conv2d_backward",
                  rel_error(dx_dil, dx_ref), 1e-12))
    if (H, K, S, P) == (8, 3, 2, 0):
        print("   last row and column of dx are exactly zero:",
              bool(np.all(dx_ref[-1] == 0) and np.all(dx_ref[:, -1] == 0)))

print("\nzero-insertion: a 3×3 δ (entries 1…9) dilated for stride 3 →")
print(dx_by_dilation(np.arange(1.0, 10.0).reshape(3, 3), np.ones((4, 4)), 8, 3, 1)[1])

# %% [markdown] slideshow={"slide_type": "fragment"}
# In the $H = 8, K = 3, S = 2, P = 0$ case no window reaches the last row and column of the
# input (floor division dropped them): their gradient is exactly zero, which is right, since
# they never influenced the output. The reference layer, with stride 2 and padding 1, passes the
# gradient check:

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(3)
_ = check_layer(conv2d_forward, conv2d_backward,
                {"x": rng.standard_normal((2, 3, 7, 7)), "w": rng.standard_normal((4, 3, 3, 3)),
                 "b": rng.standard_normal(4)},
                options={"stride": 2, "pad": 1}, h=1e-3, name="helpers conv2d, stride 2, pad 1")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## im2col: a convolution is one matrix product
#
# The loops do $OH \cdot OW$ small products. **im2col** copies every patch into one column of a
# matrix `cols` of shape $(C\cdot FH\cdot FW,\; N\cdot OH\cdot OW)$; the filters become rows of
# $W_{\mathrm{row}}$, shape $(F,\; C\cdot FH\cdot FW)$; and the whole layer is
# $W_{\mathrm{row}}\,\mathrm{cols}$, the matmul gate of notebook 03.
#
# ![im2col: four patches of a 4×4 input become four columns; the kernel becomes a row](../figures/nb05_im2col.png)
#
# Left, the four overlapping 3×3 patches of a 4×4 input; middle, each patch flattened into one
# column of `cols`; right, the kernel flattened into one row, so one product gives all four
# outputs.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The backward pass is the matmul gate, transposed
#
# **Mind the convention.** Here each patch is a *column* and the layer is
# $W_{\mathrm{row}}\,\mathrm{cols}$: the column convention $Wx$ of notebook 04 (and of the CS224N lecture notes). Notebook 03 (and
# `helpers.layers.affine`) use the row convention, one example per row: $D = XW$, with
# $dW = X^\top dD$ and $dX = dD\,W^\top$. The two are transposes of each other: with
# $X = \mathrm{cols}^\top$, $W = W_{\mathrm{row}}^\top$ and $dD = \mathrm{dout}^\top$, where
# $\mathrm{dout}$ is the upstream gradient reshaped to $(F,\; N\cdot OH\cdot OW)$ (`d` in the
# code), transposing notebook 03's rule gives
#
# $$
# dW_{\mathrm{row}} = (X^\top dD)^\top = \mathrm{dout}\,\mathrm{cols}^\top,
# \qquad
# d\,\mathrm{cols} = (dD\,W^\top)^\top = W_{\mathrm{row}}^\top\,\mathrm{dout}.
# $$
#
# Then **col2im**: add every column of $d\,\mathrm{cols}$ back onto the patch it was copied from.
# A pixel copied into several columns (overlapping patches) was *forked*, so its gradients add.

# %% slideshow={"slide_type": "subslide"}
def im2col(x, FH, FW, stride, pad):
    """x (N, C, H, W) → cols (C·FH·FW, N·OH·OW), and the index arrays that made it."""
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    OH, OW = (H + 2 * pad - FH) // stride + 1, (W + 2 * pad - FW) // stride + 1
    c, a, b = (t.reshape(-1, 1) for t in np.indices((C, FH, FW)))     # one row per weight
    n, i, j = (t.reshape(1, -1) for t in np.indices((N, OH, OW)))     # one column per window
    idx = (n, c, i * stride + a, j * stride + b)                      # broadcast to a grid
    return xp[idx], idx, xp.shape


def col2im(dcols, idx, xp_shape, pad):
    """The adjoint of im2col: add every column back onto its patch, then crop the padding."""
    dxp = np.zeros(xp_shape)
    np.add.at(dxp, idx, dcols)               # unbuffered: repeated indices accumulate
    H, W = xp_shape[2] - 2 * pad, xp_shape[3] - 2 * pad
    return dxp[:, :, pad:pad + H, pad:pad + W]


def conv2d_im2col_forward(x, w, b, stride=1, pad=0):
    """x (N, C, H, W), w (F, C, FH, FW), b (F,) → out (N, F, OH, OW)."""
    F, _, FH, FW = w.shape
    cols, idx, xp_shape = im2col(x, FH, FW, stride, pad)
    OH, OW = (xp_shape[2] - FH) // stride + 1, (xp_shape[3] - FW) // stride + 1
    out = w.reshape(F, -1) @ cols + b[:, None]                       # (F, N·OH·OW)
    out = out.reshape(F, x.shape[0], OH, OW).transpose(1, 0, 2, 3)
    return out, (cols, idx, xp_shape, w, pad)


def conv2d_im2col_backward(dout, cache):
    """dout (N, F, OH, OW) → dx (N, C, H, W), dw (F, C, FH, FW), db (F,)."""
    cols, idx, xp_shape, w, pad = cache
    F = w.shape[0]
    d = dout.transpose(1, 0, 2, 3).reshape(F, -1)                    # (F, N·OH·OW)
    dw = (d @ cols.T).reshape(w.shape)                                # dW_row = dout · colsᵀ
    dcols = w.reshape(F, -1).T @ d                                    # dcols = W_rowᵀ · dout
    return col2im(dcols, idx, xp_shape, pad), dw, d.sum(axis=1)


# %% slideshow={"slide_type": "subslide"}
cols_demo, _, _ = im2col(np.arange(16.0).reshape(1, 1, 4, 4), 3, 3, 1, 0)
print("a 4×4 input holding 0…15, 3×3 patches → cols", cols_demo.shape, "(one patch per column):")
print(cols_demo.astype(int))

grads_c = conv2d_im2col_backward(dout_s, conv2d_im2col_forward(xs, ws, bs, **opts)[1])
out_c = conv2d_im2col_forward(xs, ws, bs, **opts)[0]
# the same gradients from notebook 03's row convention: X = colsᵀ, W = W_rowᵀ, dD = doutᵀ
cols_s, _, _ = im2col(xs, 3, 3, 2, 1)
d_s = dout_s.transpose(1, 0, 2, 3).reshape(len(ws), -1)          # dout as (F, N·OH·OW)
_, aff_cache = affine_forward(cols_s.T, ws.reshape(len(ws), -1).T, bs)
dX_row, dW_row, _ = affine_backward(d_s.T, aff_cache)
print(verdict("\nrow convention, transposed: dW_row = dout·colsᵀ",
              rel_error(dW_row.T, d_s @ cols_s.T), 1e-12))
print(verdict("row convention, transposed: dcols = W_rowᵀ·dout",
              rel_error(dX_row.T, ws.reshape(len(ws), -1).T @ d_s), 1e-12))

# %% slideshow={"slide_type": "fragment"}
print(verdict("im2col vs loops (out, dx, dw, db)",
              max([rel_error(out_c, out_a)] + [rel_error(g, h)
                                               for g, h in zip(grads_c, grads_a, strict=True)]),
              1e-12))
out_r, cache_r = conv2d_forward(xs, ws, bs, **opts)
grads_r = conv2d_backward(dout_s, cache_r)
print(verdict("im2col vs helpers conv2d (out, dx, dw, db)",
              max([rel_error(out_c, out_r)] + [rel_error(g, h)
                                               for g, h in zip(grads_c, grads_r, strict=True)]),
              1e-12))
print(verdict("helpers conv2d vs helpers conv2d_naive (out, dx, dw, db)",
              max([rel_error(out_r, out_b)] + [rel_error(g, h)
                                               for g, h in zip(grads_r, grads_b, strict=True)]),
              1e-12))
_ = check_layer(conv2d_im2col_forward, conv2d_im2col_backward, {"x": xs, "w": ws, "b": bs},
                options=opts, h=1e-3, name="conv2d (im2col), stride 2, pad 1")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Why `np.add.at` and not `dxp[idx] += dcols`? Fancy-index assignment is *buffered*: when the
# same pixel appears in several columns, only one of the additions survives. That is precisely
# the fork rule broken. With a 3×3 kernel, stride 1 and padding 1, an interior pixel sits in nine
# patches (an edge pixel in six, a corner pixel in four), so every pixel's gradient comes out
# wrong.

# %% slideshow={"slide_type": "fragment"}
cols_x, idx_x, shape_x = im2col(xs, 3, 3, 1, 1)
dcols_x = rng.standard_normal(cols_x.shape)
buffered = np.zeros(shape_x)
buffered[idx_x] += dcols_x                               # overlaps overwrite each other
wrong = ~np.isclose(buffered[:, :, 1:-1, 1:-1], col2im(dcols_x, idx_x, shape_x, 1))
copies = col2im(np.ones_like(cols_x), idx_x, shape_x, 1)[0, 0]   # how many patches hold each pixel
print(f"patches per pixel: corner {copies[0, 0]:.0f}, edge {copies[0, 3]:.0f}, "
      f"interior {copies[3, 3]:.0f}")
print(f"pixels whose gradient buffered += gets wrong: {wrong.sum()} of {wrong.size}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How much faster?
#
# Same numbers, very different cost: the naive layer runs a Python loop per (image, filter,
# row, column), the loops version per (row, column), im2col none at all. (Timings depend on the
# machine; this cell's output is not compared by the tests.)

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
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
for name, fwd, bwd in [("naive (4 nested loops)", conv2d_naive_forward, conv2d_naive_backward),
                       ("loops over (i, j)", conv2d_loops_forward, conv2d_loops_backward),
                       ("im2col (this notebook)", conv2d_im2col_forward, conv2d_im2col_backward),
                       ("helpers conv2d", conv2d_forward, conv2d_backward)]:
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
# so the whole upstream gradient of each window goes to its winner (the argmax the forward pass
# stored), and the three losers get zero. Pooling has no weights: nothing else to learn.

# %% slideshow={"slide_type": "subslide"}
x_pool = np.array([[1.0, 3.0, 2.0, 0.0],
                   [4.0, 2.0, 1.0, 5.0],
                   [0.0, 1.0, 3.0, 2.0],
                   [2.0, 6.0, 1.0, 1.0]])
out_pool, cache_pool = max_pool2d_forward(x_pool[None, None])
dout_pool = np.array([[10.0, 20.0], [30.0, 40.0]])
dx_pool = max_pool2d_backward(dout_pool[None, None], cache_pool)[0, 0]
print("x:\n", x_pool, "\nmax of each 2×2 window:\n", out_pool[0, 0])
print("δ:\n", dout_pool, "\ndx: each δ lands on its window's maximum:\n", dx_pool)

rng = np.random.default_rng(5)
_ = check_layer(max_pool2d_forward, max_pool2d_backward,
                {"x": rng.standard_normal((2, 3, 6, 8))}, name="max_pool2d 2×2, stride 2")
_ = check_layer(max_pool2d_forward, max_pool2d_backward,
                {"x": rng.standard_normal((2, 3, 7, 7))}, options={"size": 3, "stride": 2},
                name="max_pool2d 3×3, stride 2 (overlapping)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With overlapping windows (3×3, stride 2) a pixel can win two windows; it is forked, and its
# gradients add, which is why the check still passes. (Random inputs avoid ties: at a tie the
# max is not differentiable and a numerical gradient would split the difference.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The verdicts above print no digits, so that the tests can compare them on any machine. Here
# are the relative errors themselves for every layer of this notebook, at fresh random inputs
# (the last digits depend on the machine, so the tests skip this cell's output):

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
rng = np.random.default_rng(7)
x4, w4, b4 = rng.standard_normal((2, 3, 7, 7)), rng.standard_normal((4, 3, 3, 3)), \
    rng.standard_normal(4)
for name, fwd, bwd, inputs, options in [
        ("corr1d (by hand)", corr1d_forward, corr1d_backward,
         {"x": rng.standard_normal(9), "w": rng.standard_normal(3), "b": np.array([0.3])}, {}),
        ("conv2d (loops)", conv2d_loops_forward, conv2d_loops_backward,
         {"x": x4, "w": w4, "b": b4}, opts),
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
# Every term of the convolution sum is a *link*: output $(i, j)$ used weight $(a, b)$ on input
# $(iS - P + a,\, jS - P + b)$, counted in the *unpadded* image, so $x_{\mathrm{pad}}$'s index
# $iS + a$ minus $P$ (a negative row or column is a padding zero, grey in the widget). Forward,
# an output reads its receptive field (수용 영역);
# backward, an input receives $\delta_{ij}\,w_{ab}$ along every link that touches it.
#
# - **pick an output (forward)**: the patch it read and the weight each pixel met (blue);
#   padding cells contribute $w\cdot 0$.
# - **pick an input (backward)**: every output that sends it gradient, labelled with the weight
#   on the link (orange), and the kernel entries involved. Its gradient is the sum shown below
#   the grids.
#
# Try: an interior input with stride 1 (the output panel shows the **flipped kernel**); then
# stride 2 (some inputs get one link, some four); then a large stride with kernel 1 (some
# inputs get none at all).

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
receptive_field()

# %% slideshow={"slide_type": "subslide"}
fig = receptive_field_figure()       # the widget's default state, for readers without widgets
display(fig)
fig2 = receptive_field_figure(7, 3, 2, 1, input=(3, 3))
display(fig2)
print("outputs that send gradient to x22 (stride 1, pad 0):",
      len(receptive_field_links(7, 3, 1, 0, input=(2, 2)).outputs),
      "| to x33 (stride 2, pad 1):", len(receptive_field_links(7, 3, 2, 1, input=(3, 3)).outputs))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Top: with stride 1, input $x_{22}$ is read by nine outputs, and the weights on those links
# form the kernel rotated by 180°: this is the flip of the full convolution, drawn. Bottom:
# with stride 2 and padding 1, $x_{33}$ is covered by only four windows, one weight each.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The widget draws index sets computed by a pure function, `receptive_field_links`. Its answer
# for $x_{33}$ must be what the real backward pass does: send a one-hot $\delta$ down each of
# the listed outputs and $dx_{33}$ must come back as exactly the weight on the link.

# %% slideshow={"slide_type": "fragment"}
rf = receptive_field_links(7, 3, 2, 1, input=(3, 3))
rng = np.random.default_rng(6)
x_rf, w_rf = rng.standard_normal((1, 1, 7, 7)), rng.standard_normal((1, 1, 3, 3))
out_rf, cache_rf = conv2d_forward(x_rf, w_rf, np.zeros(1), stride=2, pad=1)
for i, j, a, b, r, c in rf.links:
    one_hot = np.zeros_like(out_rf)
    one_hot[0, 0, i, j] = 1.0                      # δ = 1 at output (i, j), 0 elsewhere
    dx_rf = conv2d_backward(one_hot, cache_rf)[0][0, 0]
    print(f"o{i}{j} used x{r}{c} through w{a}{b}:  dx{r}{c} == w{a}{b} → "
          f"{bool(dx_rf[r, c] == w_rf[0, 0, a, b])}")
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

# %% slideshow={"slide_type": "subslide"}
CLASSES = ["horizontal", "vertical", "diagonal ↘", "diagonal ↗"]
STEPS = [(0, 1), (1, 0), (1, 1), (-1, 1)]          # (row, col) step along each bar


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
        for t in range(length):
            images[k, 0, r0 + dr * t, c0 + dc * t] += 1.0
    return images, y


rng = np.random.default_rng(42)
X_train, y_train = make_bars(1000, rng)
X_test, y_test = make_bars(400, rng)
print("train", X_train.shape, "test", X_test.shape, " examples per class:",
      np.bincount(y_train))

fig, axes = plt.subplots(1, 8, figsize=(12, 2.1))
for k, ax in enumerate(axes):
    ax.imshow(X_train[k, 0], cmap="cividis")
    ax.set_title(CLASSES[y_train[k]], fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
axes[0].set_ylabel("row", fontsize=9)
axes[0].set_xlabel("column", fontsize=9)
fig.suptitle("Generated training images: one noisy bar per image, four orientations", y=1.05)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The bars are short and sit anywhere in the image, and the noise is strong enough that single
# pixels are unreliable: a filter that matches a short oriented stroke is the natural detector.

# %% slideshow={"slide_type": "subslide"}
def init_params(rng, F=8, K=3, classes=4, size=8):
    """He-initialised weights: conv w1 (F, 1, K, K), b1 (F,); affine w2 (F·(size/2)², C), b2."""
    D = F * (size // 2) ** 2
    return {"w1": rng.standard_normal((F, 1, K, K)) * np.sqrt(2 / (K * K)), "b1": np.zeros(F),
            "w2": rng.standard_normal((D, classes)) * np.sqrt(2 / D), "b2": np.zeros(classes)}


def cnn_forward(params, X):
    """conv → ReLU → max pool → affine. X (N, 1, 8, 8) → scores (N, 4), and every cache."""
    h1, c1 = conv2d_forward(X, params["w1"], params["b1"], stride=1, pad=1)   # (N, F, 8, 8)
    a1, c2 = relu_forward(h1)
    p1, c3 = max_pool2d_forward(a1)                                           # (N, F, 4, 4)
    scores, c4 = affine_forward(p1.reshape(len(X), -1), params["w2"], params["b2"])
    return scores, (c1, c2, c3, c4, p1.shape)


def cnn_loss(params, X, y):
    """Forward (each layer stores its cache), loss, then backward in reverse order."""
    scores, (c1, c2, c3, c4, pool_shape) = cnn_forward(params, X)
    loss, dscores = softmax_cross_entropy(scores, y)
    dp, dw2, db2 = affine_backward(dscores, c4)
    da = max_pool2d_backward(dp.reshape(pool_shape), c3)
    dh = relu_backward(da, c2)
    _, dw1, db1 = conv2d_backward(dh, c1)
    return loss, {"w1": dw1, "b1": db1, "w2": dw2, "b2": db2}


params = init_params(np.random.default_rng(0))
Xg, yg = X_train[:4], y_train[:4]
_, grads = cnn_loss(params, Xg, yg)
for name in ["w1", "b1", "w2", "b2"]:
    def loss_of(_, name=name):
        return softmax_cross_entropy(cnn_forward(params, Xg)[0], yg)[0]   # forward only
    num = numerical_gradient(loss_of, params[name], h=3e-5)
    print(verdict(f"whole CNN, dL/d{name}", rel_error(grads[name], num)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Before training anything, the gradient of the *whole network* is checked against numerical
# differentiation (수치 미분): the chain of five layers is only as correct as its weakest
# backward pass. The loss is smooth in the weights (away from ReLU kinks and pooling ties), so
# the step balances truncation, $O(h^2)$, against round-off, $O(\varepsilon/h)$: $h = 3\cdot
# 10^{-5}$, a little above the minimum of notebook 01's error-versus-$h$ curve, where truncation
# still dominates but stays far below $10^{-7}$.

# %% slideshow={"slide_type": "subslide"}
def accuracy(params, X, y):
    return float(np.mean(cnn_forward(params, X)[0].argmax(axis=1) == y))


params = init_params(np.random.default_rng(0))
w1_start = params["w1"].copy()
rng = np.random.default_rng(1)
lr, momentum, batch, epochs = 0.1, 0.9, 32, 8
velocity = {name: np.zeros_like(p) for name, p in params.items()}
history = {"loss": [], "test": []}
for epoch in range(epochs):
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
print(f"{n_steps} SGD steps; train loss: {history['loss'][0]:.2f} after epoch 1 → "
      f"{history['loss'][-1]:.2f} after epoch {epochs}")
print(f"held-out accuracy: {history['test'][-1]:.2f} (chance: 0.25)")

# %% slideshow={"slide_type": "subslide"}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.4))
epochs_axis = np.arange(1, epochs + 1)
ax1.plot(epochs_axis, history["loss"], "o-", color=FORWARD)
ax1.set(title="Training loss", xlabel="epoch", ylabel="mean cross-entropy")
ax2.plot(epochs_axis, history["test"], "s-", color=GRADIENT)
ax2.axhline(0.25, color="grey", ls=":", label="chance")
ax2.set(title="Held-out accuracy", xlabel="epoch", ylabel="fraction correct", ylim=(0, 1.02))
ax2.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The loss falls steadily and the held-out accuracy climbs far above chance within a few
# epochs: 256 gradient steps, each computed by the backward passes derived above.

# %% slideshow={"slide_type": "subslide"}
F = params["w1"].shape[0]
fig, axes = plt.subplots(2, F, figsize=(1.5 * F, 3.6))
lim = np.abs(np.concatenate([w1_start, params["w1"]])).max()
for f in range(F):
    for row, weights in enumerate([w1_start, params["w1"]]):
        ax = axes[row, f]
        im = ax.imshow(weights[f, 0], cmap=DIVERGING_CMAP, vmin=-lim, vmax=lim)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, f].set_title(f"filter {f + 1}", fontsize=9)
    axes[1, f].set_xlabel("column b", fontsize=8)
axes[0, 0].set_ylabel("random start\nrow a", fontsize=8)
axes[1, 0].set_ylabel("after training\nrow a", fontsize=8)
fig.colorbar(im, ax=axes, shrink=0.8, label="weight")
fig.suptitle("The eight 3×3 filters: random at the start (top), after training (bottom)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Compare the rows (one colour scale for both): the small random start has no structure, while
# the learned filters have grown, and several show a row, a column or a diagonal of same-signed
# weights: oriented stroke detectors that fire on a bar wherever it is, because the same nine
# weights are slid over every position.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Four short exercises. Each cell ends with a checker that prints `✓ …` when you are right and
# `not yet: …` with a hint otherwise. Solutions are folded away below each exercise.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: output size
#
# Write `conv_output_size(H, FH, S, P)`: the output height of an $H \times H$ input convolved
# with an $FH\times FH$ kernel, stride $S$, padding $P$. Mind windows that would stick out of the
# padded input.

# %% slideshow={"slide_type": "fragment"}
def conv_output_size(H, FH, S, P):
    # TODO: return the output height as an int
    return None


solved = check_output_size(conv_output_size)

# %% [markdown] slideshow={"slide_type": "fragment"}
#
# <details><summary>Solution</summary>
#
# ```python
# def conv_output_size(H, FH, S, P):
#     return (H + 2 * P - FH) // S + 1
# ```
#
# Padding adds $P$ on both sides; the floor division drops a last window that does not fit.
# </details>
#

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: $\partial L/\partial x$ of the 5-input example, by hand
#
# With the kernel $w = (1, 2, -1)$ and the upstream gradient $\delta = (0.5, -1, 2)$, write the
# five numbers $\partial L/\partial x_1, \dots, \partial L/\partial x_5$ as explicit sums of
# $w_k\,\delta_i$ (no `np.convolve`: that is how you check yourself afterwards).

# %% slideshow={"slide_type": "fragment"}
w1, w2, w3 = EX2_W          # (1.0, 2.0, -1.0)
d1, d2, d3 = EX2_DELTA      # (0.5, -1.0, 2.0)
# TODO: dx = [dL/dx1, dL/dx2, dL/dx3, dL/dx4, dL/dx5], each a sum of w·δ products
dx = None

solved = check_dx_by_hand(dx)

# %% [markdown] slideshow={"slide_type": "fragment"}
#
# <details><summary>Solution</summary>
#
# ```python
# dx = [w1 * d1,
#       w2 * d1 + w1 * d2,
#       w3 * d1 + w2 * d2 + w1 * d3,
#       w3 * d2 + w2 * d3,
#       w3 * d3]              # = [0.5, 0.0, -0.5, 5.0, -2.0] = np.convolve(δ, w)
# ```
# </details>
#

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: the weight gradient of a 1-D layer
#
# For $o_i = \sum_k w_k\,x_{i+k}$ (valid, stride 1), write `conv1d_dw(x, delta)` returning
# $\partial L/\partial w$ for any lengths: `x` has shape $(L,)$, `delta` shape $(L-K+1,)$, the
# result shape $(K,)$. Loops are fine.

# %% slideshow={"slide_type": "fragment"}
def conv1d_dw(x, delta):
    K = len(x) - len(delta) + 1
    # TODO: dw[k] = Σ_i delta[i] · x[i + k]
    return None


solved = check_conv1d_dw(conv1d_dw)

# %% [markdown] slideshow={"slide_type": "fragment"}
#
# <details><summary>Solution</summary>
#
# ```python
# def conv1d_dw(x, delta):
#     K = len(x) - len(delta) + 1
#     return np.array([sum(delta[i] * x[i + k] for i in range(len(delta))) for k in range(K)])
#     # or, in one call: np.correlate(x, delta, "valid")
# ```
# </details>
#

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: max-pool backward
#
# Write `maxpool_backward(x, dout)` for a 2×2 max pool with stride 2 of one map: `x` has shape
# $(H, W)$ (both even), `dout` shape $(H/2, W/2)$; return `dx` of shape $(H, W)$ that sends each
# window's $\delta$ to its maximum and zero elsewhere.

# %% slideshow={"slide_type": "fragment"}
def maxpool_backward(x, dout):
    dx = np.zeros_like(x)
    # TODO: for each 2×2 window, find its argmax and put that window's dout there
    return None


solved = check_maxpool_backward(maxpool_backward)

# %% [markdown] slideshow={"slide_type": "fragment"}
#
# <details><summary>Solution</summary>
#
# ```python
# def maxpool_backward(x, dout):
#     dx = np.zeros_like(x)
#     for i in range(dout.shape[0]):
#         for j in range(dout.shape[1]):
#             window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
#             a, b = np.unravel_index(np.argmax(window), (2, 2))
#             dx[2 * i + a, 2 * j + b] = dout[i, j]
#     return dx
# ```
# </details>
#

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - A "convolution" layer computes a cross-correlation $o_i = \sum_k w_k\,x_{i+k}$; $L$ inputs
#   and $K$ taps give $L - K + 1$ outputs, and in 2-D $OH = (H + 2P - FH)/S + 1$, rounded down.
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
