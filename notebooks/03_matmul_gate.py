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
# # 03 — Vectorized backprop: the matmul gate
#
# By the end you can backpropagate through a whole matrix product at once, and you will have
# trained a two-layer network with a backward pass you derived, wrote and checked yourself.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/03_matmul_gate.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/03_matmul_gate.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. Notebooks 01–02 pushed one number at a time through gates; real networks push whole
# matrices. The promise: one rule (the matmul gate) plus one habit (sum over broadcast axes)
# is all the backward pass of a dense network needs. Plan two lectures: the matmul gate, the
# bias and the affine layer (≈ 45 min); then perceptrons, the spiral network, the explorer and
# the exercises (≈ 45 min).

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
# - Derive the matmul gate $D = XW$: $\;dW = X^\top dD$ and $dX = dD\,W^\top$, once with indices
#   and once by making the shapes fit — and know when the shapes cannot decide (square
#   matrices).
# - Explain why a broadcast bias gets the **sum** of the upstream gradient over the batch, and
#   apply the general rule: sum over every broadcast axis.
# - Build AND, NAND and OR from single perceptrons, prove that XOR needs two layers, and build it.
# - Write the whole backward pass of a two-layer network (affine → ReLU → affine → softmax)
#   and train it on a generated 2-D dataset; watch its decision boundary and per-layer gradient
#   norms evolve.
# - Measure how much faster the vectorized backward pass is than explicit loops.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb): the
#   multiply gate swaps its inputs, a copy (Repeat) node sums the gradients that come back,
#   gradient checking.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb):
#   ReLU's local gradient and the softmax cross-entropy backward $(p - y)/N$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **backpropagation (역전파)**: the chain rule applied node by node, from the loss backwards.
# - **gradient (기울기)**: $\partial L/\partial W$, an array with the shape of $W$ (the *shape
#   convention*).
# - **weight (가중치)** and **bias (편향)**: the parameters $W$ and $b$ of an affine layer
#   $XW + b$.
# - **matmul gate (행렬 곱 게이트)**: the node $D = XW$ in a computational graph
#   (계산 그래프).
# - **broadcasting (브로드캐스팅)**: numpy's implicit copying of an array along an axis; in the
#   graph it is a Repeat node (반복 노드).
# - **perceptron (퍼셉트론)**: a step of an affine function, $\,y = [\,w\cdot x + b > 0\,]$ (a
#   bracket $[\,\text{condition}\,]$ is 1 when the condition holds, else 0).
# - **activation function (활성화 함수)**: here ReLU, $\max(0, a)$; **loss function (손실
#   함수)**: softmax cross-entropy; **relative error (상대 오차)**: the gradient-check metric.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import helpers.plotting as hp
from helpers.exercises._check import progress
from helpers.exercises.nb03 import (
    check_matmul_left_backward,
    check_sum_to_shape,
    check_two_layer_backward,
    check_xor_weights,
)
from helpers.gradcheck import (
    check_layer,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
    verdict,
)
from helpers.layers import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
    softmax_cross_entropy,
)
from helpers.widgets import region_plot, snapshot, training_explorer, training_explorer_figure

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: a matmul is a grid of multiply gates
#
# In notebook 01 the multiply gate $d = x\,w$ sent back $\;dx = w\,dd\;$ and $\;dw = x\,dd$:
# each input receives *the other input* times the upstream gradient.
#
# A matrix product $D = XW$, with $X$ of shape $(N, K)$ and $W$ of shape $(K, M)$, is nothing
# but $N\cdot K\cdot M$ such multiply gates followed by additions:
# $D_{nm} = \sum_k X_{nk} W_{km}$. Two things follow before any algebra:
#
# - $W_{km}$ is used by **every row** $n$ of the batch, so it is forked $N$ times; a fork sums
#   the gradients coming back, so $dW_{km}$ will be a sum over $n$.
# - $X_{nk}$ is used by **every output column** $m$, so $dX_{nk}$ will be a sum over $m$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Draw one entry $D_{nm}$ as a row of multiply gates feeding an add gate. Ask the room:
# "how many outputs does $W_{km}$ reach?" (all $N$ rows) — that is where the sum over the batch
# in $dW$ will come from. The letters: $N$ examples, $K$ inputs, $M$ outputs; $D$ is only ever
# the output.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Rows are examples
#
# Like `helpers.layers`, this notebook puts one example in each **row**: $X$ is $(N, K)$ and a
# layer is $XW + b$. Lectures and notebook 04 often put one example in each **column** and
# write $Wx + b$ instead; the gradients are the same numbers, transposed (Exercise 1 works it
# out). The index sum, literally, against `@`:

# %% slideshow={"slide_type": "fragment"}
rng = np.random.default_rng(0)
N, K, M = 4, 3, 2                                # examples, input width, output width
X = rng.standard_normal((N, K))
W = rng.standard_normal((K, M))
D = X @ W                                        # the forward pass of the matmul gate
D_by_index = np.array([[sum(X[n, k] * W[k, m] for k in range(K)) for m in range(M)]
                       for n in range(N)])       # D_nm = Σ_k X_nk W_km
print("X", X.shape, "@ W", W.shape, "→ D", D.shape)
print(verdict("X @ W vs the index sum", rel_error(D, D_by_index), 1e-12))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: $dW = X^\top dD$ and $dX = dD\,W^\top$
#
# ![The matmul gate: X and W in, D out; dD back, split into dX and dW](../figures/nb03_matmul_gate.png)
#
# Write $dD = \partial L/\partial D$ for the upstream gradient (shape $(N, M)$, like $D$) and
# $dW = \partial L/\partial W$ (shape $(K, M)$, like $W$).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 12 min for the derivation slides. Point at the figure: blue goes forward, orange comes
# back, and every orange arrow has the shape of the blue one beside it. Then do the index
# derivation on the board, one line at a time, and let the code confirm it. Question: "which
# letter disappears in $X^\top dD$?" ($N$: the sum over the batch).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### By index notation: $dW$
#
# A bracket such as $[m = j]$ is 1 when the condition inside holds and 0 otherwise. Take one
# entry $W_{ij}$ of the weight:
#
# $$
# \begin{aligned}
# D_{nm} &= \sum\nolimits_{k} X_{nk}\, W_{km}
#   && \text{definition of the product}\\
# \frac{\partial D_{nm}}{\partial W_{ij}} &= X_{ni}\,[m = j]
#   && \text{only the term } k = i\text{, only in column } j\\
# \frac{\partial L}{\partial W_{ij}}
#   &= \sum\nolimits_{n}\sum\nolimits_{m} dD_{nm}\,
#      \frac{\partial D_{nm}}{\partial W_{ij}}
#   && \text{chain rule over every } D_{nm}\\
# &= \sum\nolimits_{n} X_{ni}\, dD_{nj}
#   && \text{the bracket keeps } m = j\\
# &= \sum\nolimits_{n} (X^\top)_{in}\, dD_{nj} = (X^\top dD)_{ij}
#   && \text{a product over } n
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### By index notation: $dX$
#
# The same steps for one entry $X_{ri}$ of the input (row $r$, column $i$): only row $n = r$
# of $D$ contains it.
#
# $$
# \begin{aligned}
# \frac{\partial D_{nm}}{\partial X_{ri}} &= W_{im}\,[n = r]\\
# \frac{\partial L}{\partial X_{ri}}
# &= \sum\nolimits_{n}\sum\nolimits_{m} dD_{nm}\, W_{im}\,[n = r]
#  = \sum\nolimits_{m} dD_{rm}\, (W^\top)_{mi} = (dD\,W^\top)_{ri}
# \end{aligned}
# $$
#
# The sum over $n$ in $dW$ is the fork from the intuition: every row of the batch contributes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The index sums against the matrix forms

# %% slideshow={"slide_type": "fragment"}
dD = rng.standard_normal((N, M))                 # some upstream gradient, shape of D
dW_index = np.array([[sum(X[n, i] * dD[n, j] for n in range(N)) for j in range(M)]
                     for i in range(K)])         # dW_ij = Σ_n X_ni dD_nj
dX_index = np.array([[sum(dD[r, m] * W[i, m] for m in range(M)) for i in range(K)]
                     for r in range(N)])         # dX_ri = Σ_m dD_rm W_im
dW = X.T @ dD                                    # the matrix forms
dX = dD @ W.T
print(verdict("dW: index sum vs X.T @ dD", rel_error(dW_index, dW), 1e-12))
print(verdict("dX: index sum vs dD @ W.T", rel_error(dX_index, dX), 1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### By making the shapes fit
#
# A quicker route, which you will use every day. The gradient has the shape of its variable, so
# $dW$ is $(K, M)$ and $dX$ is $(N, K)$. Each is a product of the upstream gradient
# $dD\;(N, M)$ with the *other* input (the multiply gate swaps). When $N$, $K$ and $M$ are
# three different numbers, only one arrangement multiplies into the right shape:
#
# $$
# \underbrace{dW}_{(K,\,M)} = \underbrace{X^\top}_{(K,\,N)}\,\underbrace{dD}_{(N,\,M)}
# \qquad\qquad
# \underbrace{dX}_{(N,\,K)} = \underbrace{dD}_{(N,\,M)}\,\underbrace{W^\top}_{(M,\,K)}
# $$
#
# The shared axis that disappears in $X^\top dD$ is $N$: the sum over the batch appears by itself.

# %% slideshow={"slide_type": "fragment"}
print("X.T", X.T.shape, "@ dD", dD.shape, "→ dW", (X.T @ dD).shape, "= W", W.shape)
print("dD", dD.shape, "@ W.T", W.T.shape, "→ dX", (dD @ W.T).shape, "= X", X.shape)
print("the other order, dD.T @ X, gives", (dD.T @ X).shape, "— not the shape of W")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### When the shapes cannot decide: a square weight
#
# The argument needs distinct sizes. With a **square** weight, $K = M$ — like the recurrent
# weight $W_h$ $(H, H)$ of notebook 06 — the wrong order $dD^\top X$ is $(M, K) = (K, M)$ too:
# right shape, wrong numbers (it is the transpose of $dW$). Likewise $dD\,W$, without the
# transpose, fits $dX$. Only the derivation, or a gradient check, can tell.

# %% slideshow={"slide_type": "fragment"}
W_sq = rng.standard_normal((K, K))               # a square weight: M = K = 3
dD_sq = rng.standard_normal((N, K))
dW_num = numerical_gradient_array(lambda W_: X @ W_, W_sq.copy(), dD_sq, h=1e-3)
for name, guess in [("X.T @ dD", X.T @ dD_sq), ("dD.T @ X", dD_sq.T @ X)]:
    print(f"{name}: shape {guess.shape} = W {W_sq.shape};",
          verdict("vs numerical", rel_error(guess, dW_num)))
print("dD.T @ X is the transpose of X.T @ dD:", np.allclose(dD_sq.T @ X, (X.T @ dD_sq).T))

# %% [markdown] slideshow={"slide_type": "fragment"}
# So **test a backward pass with distinct sizes** (here $N, K, M = 4, 3, 2$): a wrong order then
# fails loudly, with a shape error, before any number is compared. Keep one square case as well
# when the layer has a square weight: there only the values can catch a wrong order.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: numerical gradients agree
#
# `numerical_gradient_array(f, x, dout, h)` nudges every entry of `x` by $\pm h$ and returns
# the central-difference gradient of $\sum f(x)\odot dout$, exactly what a backward pass
# computes. $D$ is *linear* in $X$ and in $W$, so the central difference has no truncation error
# here, only round-off, which shrinks as $h$ grows: we can afford $h = 10^{-3}$. With the
# default $h = 10^{-5}$ the relative error of $dX$ is an order of magnitude larger (printed
# last below): its smallest entry is about $10^{-4}$, and relative error is a *maximum over
# entries*, so tiny entries dominate it.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
dW_num = numerical_gradient_array(lambda W_: X @ W_, W.copy(), dD, h=1e-3)
dX_num = numerical_gradient_array(lambda X_: X_ @ W, X.copy(), dD, h=1e-3)
print(verdict("dW = X.T @ dD vs numerical", rel_error(dW, dW_num)))
print(verdict("dX = dD @ W.T vs numerical", rel_error(dX, dX_num)))
dX_num_default = numerical_gradient_array(lambda X_: X_ @ W, X.copy(), dD)   # h = 1e-5


def order(err):
    return f"{10.0 ** np.floor(np.log10(err)):.0e}"


print(f"relative error of dX: order {order(rel_error(dX, dX_num))} with h = 1e-3, "
      f"{order(rel_error(dX, dX_num_default))} with h = 1e-5; smallest |dX| entry "
      f"{np.abs(dX).min():.0e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: a broadcast bias is a Repeat node
#
# In $\;Z = XW + b\;$ the bias $b$ has shape $(M,)$ but is added to an $(N, M)$ array: numpy
# copies it into every row. As a graph, $b$ goes through a **Repeat** node,
# $B = \mathbf 1_N b^\top$ (shape $(N, M)$), and then an add gate.
#
# $$
# \begin{aligned}
# Z_{nm} &= D_{nm} + B_{nm}, \quad B_{nm} = b_m
#   && \text{a copy of } b \text{ in every row}\\
# \frac{\partial L}{\partial B_{nm}} &= dZ_{nm}
#   && \text{the add gate passes it on}\\
# \frac{\partial L}{\partial b_m} &= \sum\nolimits_n \frac{\partial L}{\partial B_{nm}}
#   \frac{\partial B_{nm}}{\partial b_m} = \sum\nolimits_n dZ_{nm}
#   && \text{a fork sums over its } N \text{ copies}
# \end{aligned}
# $$
#
# So `db = dZ.sum(axis=0)`. It is also the matmul rule in disguise: $B = \mathbf 1_N b^\top$ is a
# matmul of a column of ones with the row $b^\top$, so $db^\top = \mathbf 1_N^\top dZ$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Ask first: "numpy added $b$ to every row — what must its gradient do?" Most rooms
# guess "average"; the fork from notebook 01 says *sum*. Show `db = dZ.sum(axis=0)` three ways
# in the next cell (sum, ones-matmul, numerical).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### `db` three ways: a sum, a matmul with ones, central differences

# %% slideshow={"slide_type": "fragment"}
b = rng.standard_normal(M)
dZ = rng.standard_normal((N, M))
ones = np.ones((N, 1))
B = ones @ b[None, :]                             # the Repeat node: b copied into N rows
print(verdict("broadcast X @ W + b vs X @ W + B", rel_error(X @ W + b, X @ W + B), 1e-12))
db = dZ.sum(axis=0)                               # the Repeat node's backward: a sum
db_matmul = (ones.T @ dZ)[0]                      # the matmul rule with X = ones
db_num = numerical_gradient_array(lambda b_: X @ W + b_, b.copy(), dZ)
print(verdict("db = dZ.sum(axis=0) vs 1ᵀ dZ", rel_error(db, db_matmul), 1e-12))
print(verdict("db = dZ.sum(axis=0) vs numerical", rel_error(db, db_num)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The general rule: sum over every broadcast axis
#
# Broadcasting can stretch any axis of length 1 (and add missing leading axes). Each stretched
# axis is a Repeat node, so the backward pass **sums the upstream gradient over that axis**
# and keeps the original shape. An "outer sum" of a column $a$ $(N, 1)$ and a row $c$
# $(1, M)$ stretches both:
#
# $$
# U_{nm} = a_{n} + c_{m}
# \quad\Longrightarrow\quad
# \frac{\partial L}{\partial a_n} = \sum\nolimits_m dU_{nm},
# \qquad
# \frac{\partial L}{\partial c_m} = \sum\nolimits_n dU_{nm}
# $$

# %% slideshow={"slide_type": "fragment"}
a_col = rng.standard_normal((N, 1))
c_row = rng.standard_normal((1, M))
dU = rng.standard_normal((N, M))
da = dU.sum(axis=1, keepdims=True)                # a was stretched along axis 1 → sum it away
dc = dU.sum(axis=0, keepdims=True)                # c was stretched along axis 0
print("U", (a_col + c_row).shape, "  da", da.shape, "  dc", dc.shape)
da_num = numerical_gradient_array(lambda a_: a_ + c_row, a_col.copy(), dU)
dc_num = numerical_gradient_array(lambda c_: a_col + c_, c_row.copy(), dU)
print(verdict("da = dU.sum(axis=1) vs numerical", rel_error(da, da_num)))
print(verdict("dc = dU.sum(axis=0) vs numerical", rel_error(dc, dc_num)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: the affine layer and ReLU
#
# The affine layer is the matmul gate plus a broadcast bias, so its backward is the three
# results above: $dx = dout\,w^\top$, $\;dw = x^\top dout$, $\;db = \sum_n dout_{n\cdot}$.
# ReLU, $\max(0, a)$, lets the gradient through where $a > 0$ and blocks it elsewhere
# (the max gate of notebook 01, against 0). Written inline first:

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Nothing new: read the three lines of `my_affine_backward` aloud as "the shapes must
# match" and point at the comments. The comparison with `helpers.layers` and `check_layer` is
# what the course's reference layers are checked with from now on.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The affine layer, inline

# %% slideshow={"slide_type": "fragment"}
def my_affine_forward(x, w, b):
    out = x @ w + b                 # (N, K) @ (K, M) + (M,) → (N, M)
    return out, (x, w)              # the backward needs x and w, not b


def my_affine_backward(dout, cache):
    x, w = cache
    dx = dout @ w.T                 # (N, M) @ (M, K) → (N, K)
    dw = x.T @ dout                 # (K, N) @ (N, M) → (K, M)
    db = dout.sum(axis=0)           # Repeat node → sum over the batch, (M,)
    return dx, dw, db

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### ReLU, inline — and both against `helpers.layers`

# %% slideshow={"slide_type": "fragment"}
def my_relu_backward(dout, a):
    return dout * (a > 0)           # local gradient 1 where a > 0, else 0 (also at a = 0)

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
x_ = rng.standard_normal((5, 4))
w_ = rng.standard_normal((4, 3))
b_ = rng.standard_normal(3)
dout_ = rng.standard_normal((5, 3))
mine = my_affine_backward(dout_, my_affine_forward(x_, w_, b_)[1])
ref = affine_backward(dout_, affine_forward(x_, w_, b_)[1])
for name, m, r in zip(["dx", "dw", "db"], mine, ref, strict=True):
    print(verdict(f"affine {name}: inline vs helpers.layers", rel_error(m, r), 1e-12))
a_ = x_ @ w_
dx_relu_ref = relu_backward(dout_, relu_forward(a_)[1])
print(verdict("relu dx: inline vs helpers.layers",
              rel_error(my_relu_backward(dout_, a_), dx_relu_ref), 1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: `check_layer` on the reference layers
#
# `check_layer` runs the forward pass, draws a random upstream gradient, calls the backward
# pass and compares every returned gradient with the numerical one (float64). The sizes are
# distinct on purpose: $N, K, M = 6, 5, 4$.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
rng_check = np.random.default_rng(7)
affine_check = check_layer(affine_forward, affine_backward,
                           {"x": rng_check.standard_normal((6, 5)),
                            "w": rng_check.standard_normal((5, 4)),
                            "b": rng_check.standard_normal(4)})
relu_check = check_layer(relu_forward, relu_backward, {"x": rng_check.standard_normal((6, 5))})

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Perceptrons: AND, NAND and OR by hand
#
# A perceptron (퍼셉트론) outputs $\,y = 1\,$ if $\,w_1 x_1 + w_2 x_2 + b > 0\,$ and $0$
# otherwise: an affine function followed by a step. Three logic gates, with weights chosen by
# hand (many other choices work — any line with the right points on each side):
#
# | gate | $w_1$ | $w_2$ | $b$ | fires when |
# |---|---|---|---|---|
# | AND | 0.5 | 0.5 | −0.7 | both inputs are 1 |
# | NAND | −0.5 | −0.5 | 0.7 | not both are 1 |
# | OR | 0.5 | 0.5 | −0.2 | at least one is 1 |

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 8 min for the perceptron slides. Let the room find the AND weights before showing the
# table (any $w_1, w_2, b$ with $b \le 0$, $w_i + b \le 0$, $w_1 + w_2 + b > 0$). Then the
# XOR proof: four inequalities, add two, contradiction. The payoff is the hidden-space figure:
# a layer moves the points until one line suffices.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three perceptrons in code

# %% slideshow={"slide_type": "fragment"}
def perceptron(x, w, b):
    """Step of an affine function: x (N, 2), w (2,), b scalar → (N,) of 0/1."""
    return (x @ w + b > 0).astype(int)


INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
GATES = {"AND": (np.array([0.5, 0.5]), -0.7),
         "NAND": (np.array([-0.5, -0.5]), 0.7),
         "OR": (np.array([0.5, 0.5]), -0.2)}
XOR = np.array([0, 1, 1, 0])

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
print("x1 x2 | " + " ".join(f"{g:>4}" for g in GATES) + " | XOR")
for row, x in enumerate(INPUTS):
    row_out = " ".join(f"{perceptron(x[None, :], w, b_g)[0]:>4}" for w, b_g in GATES.values())
    print(f" {x[0]:.0f}  {x[1]:.0f} | {row_out} |   {XOR[row]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### XOR is impossible for one perceptron
#
# Suppose one perceptron computed XOR. Its four rows say:
#
# $$
# \begin{aligned}
# (0,0) \mapsto 0 &: \quad b \le 0\\
# (1,0) \mapsto 1 &: \quad w_1 + b > 0\\
# (0,1) \mapsto 1 &: \quad w_2 + b > 0\\
# (1,1) \mapsto 0 &: \quad w_1 + w_2 + b \le 0
# \end{aligned}
# $$
#
# Adding the two middle lines gives $w_1 + w_2 + 2b > 0$, so $w_1 + w_2 + b > -b \ge 0$ (the
# first line), which contradicts the last line. Geometrically: the points where XOR is 1 sit on
# one diagonal of the square and the zeros on the other, and no straight line separates the
# diagonals — XOR is not **linearly separable**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A brute-force search agrees
#
# Try every line on a grid of weights and biases, and score each against XOR (and, as a
# control, against AND):

# %% slideshow={"slide_type": "fragment"}
w_grid = np.linspace(-1, 1, 41)
b_grid = np.linspace(-1.5, 1.5, 61)
w1s, w2s, bs = np.meshgrid(w_grid, w_grid, b_grid, indexing="ij")
lines = np.stack([w1s.ravel(), w2s.ravel()], axis=1)               # (L, 2) candidate weights
outs = (INPUTS @ lines.T + bs.ravel() > 0).astype(int)             # (4, L) outputs of every line
correct = (outs == XOR[:, None]).sum(axis=0)
print(f"lines tried: {lines.shape[0]:,}; best XOR score: {correct.max()} of 4")
and_targets = perceptron(INPUTS, *GATES["AND"])
n_and = (outs == and_targets[:, None]).all(axis=0).sum()
print(f"lines that compute AND on the same grid: {n_and:,}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One line each — and none for XOR

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def draw_gate(ax, targets, w=None, b=None, title="", points=INPUTS):
    """Points (filled squares = target 1, open circles = 0) and, if given, the line w·x + b = 0
    with the side where the perceptron fires shaded."""
    gx, gy = np.meshgrid(np.linspace(-0.3, 1.3, 200), np.linspace(-0.3, 1.3, 200))
    if w is not None:
        fire = (w[0] * gx + w[1] * gy + b > 0).astype(float)
        ax.contourf(gx, gy, fire, levels=[0.5, 1.5], colors=["#A2C8EC"], alpha=0.6)
        ax.contour(gx, gy, w[0] * gx + w[1] * gy + b, levels=[0], colors=[hp.FORWARD])
    for (x1, x2), t in zip(points, targets, strict=True):
        if t:
            ax.plot(x1, x2, "s", ms=11, color=hp.FORWARD)
        else:
            ax.plot(x1, x2, "o", ms=11, mfc="white", mec=hp.NEUTRAL, mew=2)
    ax.set(xlim=(-0.3, 1.3), ylim=(-0.3, 1.3), xticks=[0, 1], yticks=[0, 1], aspect="equal",
           xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.grid(False)


fig, axes = plt.subplots(1, 4, figsize=(9, 3.2), layout="constrained")
for ax, (name, (w, b_g)) in zip(axes[:3], GATES.items(), strict=True):
    draw_gate(ax, perceptron(INPUTS, w, b_g), w, b_g, name)
draw_gate(axes[3], XOR, title=f"XOR: best {correct.max()}/4")
fig.suptitle("Shaded: the perceptron outputs 1. Filled squares: target 1")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that for AND, NAND and OR one straight boundary puts the filled squares on the shaded
# side, while for XOR the two filled squares sit on opposite corners and no line can do it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two layers make XOR easy
#
# Stack perceptrons: first compute $h_1 = \mathrm{NAND}(x)$ and $h_2 = \mathrm{OR}(x)$, then
# $y = \mathrm{AND}(h_1, h_2)$. In matrix form that is a two-layer network with a step activation:
# $h = \mathrm{step}(xW_1 + b_1)$, $\;y = \mathrm{step}(h\,w_2 + b_2)$, with the columns of $W_1$
# the NAND and OR weights.

# %% slideshow={"slide_type": "fragment"}
W1_xor = np.column_stack([GATES["NAND"][0], GATES["OR"][0]])      # (2, 2): one column per unit
b1_xor = np.array([GATES["NAND"][1], GATES["OR"][1]])             # (2,)
H_xor = (INPUTS @ W1_xor + b1_xor > 0).astype(int)                # hidden layer, (4, 2)
y_xor = perceptron(H_xor, *GATES["AND"])                          # output layer
print("two layers compute XOR:", np.array_equal(y_xor, XOR))

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
print("x1 x2 | h1=NAND h2=OR | y=AND(h1,h2) | XOR")
for x, h, y_ in zip(INPUTS, H_xor, y_xor, strict=True):
    print(f" {x[0]:.0f}  {x[1]:.0f} |    {h[0]}     {h[1]}   |      {y_}       |  "
          f"{int(x[0]) ^ int(x[1])}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the first layer does to the four points

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
fig, (ax_in, ax_h) = plt.subplots(1, 2, figsize=(8, 4.4), layout="constrained")
draw_gate(ax_in, XOR, title="input space: NAND and OR lines")
g = np.linspace(-0.3, 1.3, 2)
for (name, (w, b_g)), style in zip([("NAND", GATES["NAND"]), ("OR", GATES["OR"])], ["-", "--"],
                                   strict=True):
    ax_in.plot(g, -(w[0] * g + b_g) / w[1], style, color=hp.NEUTRAL, lw=2, label=f"{name} line")
ax_in.fill_between(g, 0.4 - g, 1.4 - g, color="#A2C8EC", alpha=0.6, zorder=0,
                   label="both fire: y = 1")
fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=11)  # below all
H_points = np.array([[1, 0], [1, 1], [0, 1]])                     # where the 4 inputs land
draw_gate(ax_h, [0, 1, 0], *GATES["AND"], "hidden space: AND separates", points=H_points)
for h, lab in zip(H_points, ["from (0,0)", "from (1,0)\nand (0,1)", "from (1,1)"], strict=True):
    ax_h.annotate(lab, h, xytext=(0, -14), textcoords="offset points", ha="center", va="top",
                  fontsize=11)
ax_h.set(xlabel="$h_1$ = NAND($x$)", ylabel="$h_2$ = OR($x$)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that the two XOR-true inputs are exactly the ones in the band between the NAND and OR
# lines, and that the first layer moves both onto the same hidden point (1, 1), after which a
# single line (AND) separates the classes: hidden layers *re-represent* the data until it becomes
# linearly separable.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A two-layer network learns a spiral
#
# Steps are not differentiable, so for learning we swap them for ReLU and a softmax. The
# dataset: three interleaved spiral arms in the plane, generated here with a seeded generator.
# Straight boundaries cannot follow the arms, as a linear classifier will confirm below.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 10 min. The whole backward pass of a network is the rules of this notebook in reverse order:
# write the five lines of the derivation on the board, then show that each is one layer call.
# Run the training cell live (about a second). Ask: "what will a network *without* the hidden
# layer do on these arms?" before showing the linear classifier's number.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three spiral arms, 100 points each
#
# Arm $k$ has radius $r$ from 0.05 to 1 and angle $2\pi k/3 + 6r$ plus Gaussian noise; a second
# draw with another seed gives fresh test points from the same arms.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def make_spirals(n_per_class=100, n_classes=3, twist=6.0, noise=0.2, seed=0):
    """Interleaved spiral arms: X (N, 2), y (N,) int, N = n_per_class · n_classes.

    Arm k: radius r from 0.05 to 1, angle 2πk/K + twist·r + Gaussian noise.
    """
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.05, 1.0, n_per_class), n_classes)
    y = np.repeat(np.arange(n_classes), n_per_class)
    angle = 2 * np.pi * y / n_classes + twist * r + noise * rng.standard_normal(r.size)
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)]), y


X_train, y_train = make_spirals(seed=0)
X_test, y_test = make_spirals(seed=1)           # fresh points from the same arms
print("X_train", X_train.shape, " y_train", y_train.shape, " classes", np.bincount(y_train))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The network and its backward pass
#
# With $X$ $(N, 2)$, $W_1$ $(2, H)$, $W_2$ $(H, C)$ and $C = 3$ classes:
#
# $$
# \begin{aligned}
# A &= XW_1 + b_1, \quad H = \mathrm{relu}(A), \quad S = HW_2 + b_2
#   && \text{forward}\\
# L &= -\tfrac1N \sum\nolimits_n \log P_{n y_n}, \quad P = \mathrm{softmax}(S)
#   && \text{row by row}\\
# dS &= (P - Y)/N && \text{notebook 02}\\
# dW_2 &= H^\top dS, \quad db_2 = \sum\nolimits_n dS_{n\cdot}, \quad dH = dS\,W_2^\top
#   && \text{affine}\\
# dA &= dH \odot [A > 0] && \text{ReLU}\\
# dW_1 &= X^\top dA, \quad db_1 = \sum\nolimits_n dA_{n\cdot}
#   && \text{affine}
# \end{aligned}
# $$
#
# $Y$ is the one-hot matrix of the labels (row $n$ has a 1 in column $y_n$), and
# $\sum_n dS_{n\cdot}$, the sum of the rows, is `dS.sum(axis=0)`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One layer call per line
#
# Each line of the derivation is one call to a layer from `helpers.layers` (you will write the
# same function without them in Exercise 3):

# %% slideshow={"slide_type": "fragment"}
def loss_and_grads(params, X, y):
    """Mean softmax cross-entropy of the two-layer net and the gradient of every parameter."""
    A, cache1 = affine_forward(X, params["W1"], params["b1"])
    H, cache_relu = relu_forward(A)
    S, cache2 = affine_forward(H, params["W2"], params["b2"])
    loss, dS = softmax_cross_entropy(S, y)
    dH, dW2, db2 = affine_backward(dS, cache2)
    dA = relu_backward(dH, cache_relu)
    _, dW1, db1 = affine_backward(dA, cache1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

# %% slideshow={"slide_type": "skip"}
def init_params(hidden=64, n_classes=3, seed=1):
    """He-scaled W1 (2, H) for ReLU, a small W2 (H, C) so training starts near uniform."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((2, hidden)),
            "b1": np.zeros(hidden),
            "W2": 0.1 * np.sqrt(2 / hidden) * rng.standard_normal((hidden, n_classes)),
            "b2": np.zeros(n_classes)}


def predict(params, X):
    """The predicted class of every row of X (N, 2) → (N,) int."""
    H, _ = relu_forward(affine_forward(X, params["W1"], params["b1"])[0])
    return affine_forward(H, params["W2"], params["b2"])[0].argmax(axis=1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the whole network, parameter by parameter
#
# Before training, compare every gradient of the composed network with central differences on
# a small batch, with distinct sizes: $N = 20$ points, $K = 2$ inputs, $H = 16$ hidden units,
# $C = 3$ classes.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
params_check = init_params(hidden=16, seed=2)
params_check["W2"] *= 10                          # larger scores: a less trivial check
Xc, yc = X_train[::15], y_train[::15]             # 20 points from all three arms
_, grads_check = loss_and_grads(params_check, Xc, yc)
for name, value in params_check.items():
    num = numerical_gradient(lambda _: loss_and_grads(params_check, Xc, yc)[0], value)
    err = rel_error(grads_check[name], num)
    print(verdict(f"d{name} {str(value.shape):8s} analytic vs numerical", err))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training: plain gradient descent
#
# Full batch, learning rate 1, 1000 steps; every 25 steps `train` stores a `snapshot`
# (parameters, gradient norms and loss) for the explorer below.

# %% slideshow={"slide_type": "fragment"}
def train(grad_fn, params, steps, lr=1.0, every=25):
    """Full-batch gradient descent on the spirals, in place; returns losses and snapshots."""
    losses, snaps = [], []
    for step in range(steps + 1):
        loss, grads = grad_fn(params, X_train, y_train)
        losses.append(loss)
        if step % every == 0:
            snaps.append(snapshot(step, params, grads, loss))
        if step < steps:                                 # the last pass only measures
            for name in params:
                params[name] -= lr * grads[name]         # W ← W − η·dW
    return losses, snaps

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1000 steps

# %% slideshow={"slide_type": "fragment"}
STEPS, LR = 1000, 1.0
params = init_params()
losses, snapshots = train(loss_and_grads, params, STEPS, LR)

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
print(f"loss {losses[0]:.2f} → {losses[-1]:.2f}")
print(f"step 0 gradient norms: ‖dW1‖ = {snapshots[0]['grad_norms']['W1']:.3f}, "
      f"‖dW2‖ = {snapshots[0]['grad_norms']['W2']:.2f}")
print(f"accuracy: train {np.mean(predict(params, X_train) == y_train):.0%}, "
      f"fresh points {np.mean(predict(params, X_test) == y_test):.0%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why the hidden layer matters
#
# Remove the hidden layer and the same loop trains a *linear* classifier, $S = XW + b$ with a
# softmax: its three regions are bounded by straight lines, like the perceptrons above.

# %% slideshow={"slide_type": "fragment"}
W_lin, b_lin = np.zeros((2, 3)), np.zeros(3)
for _ in range(STEPS):
    S_lin, cache_lin = affine_forward(X_train, W_lin, b_lin)
    loss_lin, dS_lin = softmax_cross_entropy(S_lin, y_train)
    _, dW_lin, db_lin = affine_backward(dS_lin, cache_lin)
    W_lin -= LR * dW_lin
    b_lin -= LR * db_lin
acc_lin = np.mean(affine_forward(X_train, W_lin, b_lin)[0].argmax(axis=1) == y_train)
print(f"linear classifier, {STEPS} steps: loss {loss_lin:.2f}, train accuracy {acc_lin:.0%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and decision regions

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
fig, (ax_loss, ax_db) = plt.subplots(1, 2, figsize=(9, 4.2), layout="constrained")
ax_loss.plot(losses, color=hp.FORWARD)
ax_loss.set(yscale="log", xlabel="training step", ylabel="mean cross-entropy",
            title="Loss (log scale)")
region_plot(ax_db, params, X_train, y_train, title="Decision regions after training")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that the loss falls by more than an order of magnitude (with a few spikes early on),
# and that the regions curl with the arms: a boundary made of many straight ReLU pieces, which
# no single perceptron could draw.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: watch training step by step
#
# Move the slider through the saved snapshots. Left: the decision regions at that step. Right:
# the loss (top) and the gradient norms $\lVert dW_1\rVert$ and $\lVert dW_2\rVert$ (bottom, log
# scale). The label beside the slider gives the step and the training accuracy.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Drag slowly from step 0: the regions first split the plane in three wedges, then
# curl. Stop at step 100 (the default) and ask why the mistakes sit in the centre. Then point
# at the bottom panel: $\lVert dW_2\rVert$ starts far above $\lVert dW_1\rVert$, and both jump
# when the loss spikes.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
explorer = training_explorer(snapshots, X_train, y_train, index=4)
display(explorer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The explorer at step 100

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
fig = training_explorer_figure(snapshots, X_train, y_train, index=4)
display(fig)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that at step 100 the mistakes gather in the centre, where the arms wind tightly, and
# that $\lVert dW_2\rVert$ started far above $\lVert dW_1\rVert$; both norms jump just after
# step 100, when the loss spikes. The next slide puts numbers on each.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### At step 100, in numbers

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
wrong = predict(snapshots[4]["params"], X_train) != y_train       # at step 100
near_centre = np.hypot(*X_train[wrong].T) < 0.3
print(f"step {snapshots[4]['step']}: accuracy {1 - wrong.mean():.0%}, {wrong.sum()} points "
      f"misassigned, {near_centre.sum()} of them within 0.3 of the centre")
first = int(np.argmax(np.diff(losses) > 0)) + 1                    # first step the loss goes up
peak = first + int(np.argmax(losses[first:first + 20]))
print(f"first loss spike: steps {first}–{peak}, loss {losses[first - 1]:.2f} → {losses[peak]:.2f}")
g100, g125 = snapshots[4]["grad_norms"], snapshots[5]["grad_norms"]
print(f"step 100 → 125: ‖dW1‖ {g100['W1']:.3f} → {g125['W1']:.3f}, "
      f"‖dW2‖ {g100['W2']:.3f} → {g125['W2']:.3f}")
params_big = init_params()
params_big["W2"] *= 10                                             # the ablation: W2 not small
_, grads_big = loss_and_grads(params_big, X_train, y_train)
print(f"step 0 with a 10× larger W2: ‖dW1‖ = {np.linalg.norm(grads_big['W1']):.3f}, "
      f"‖dW2‖ = {np.linalg.norm(grads_big['W2']):.2f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# - The regions already curl with the arms, and almost every mistake sits near the centre, where
#   the three arms wind tightly together (45 of the 53 misassigned points lie within 0.3 of it).
# - $\lVert dW_2\rVert$ starts roughly 50 times larger than $\lVert dW_1\rVert$ (0.41 against
#   0.008): with a small $W_2$, little gradient gets through to the first layer
#   ($dH = dS\,W_2^\top$). Start from a ten times larger $W_2$ and $\lVert dW_1\rVert$ is 0.114,
#   only about 6 times below $\lVert dW_2\rVert = 0.65$.
# - The first spike of the loss (steps 114–121) shows up as a jump of both gradient norms at
#   step 125.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Loops vs vectorized: same numbers, much faster
#
# The index formulas $dW_{km} = \sum_n X_{nk}\,dD_{nm}$ and $dX_{nk} = \sum_m dD_{nm}W_{km}$
# can be run literally with three nested loops. They give the same numbers as the two matrix
# products, but the products run in optimized compiled code.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Run the timing cell live; the ratio depends on the machine and its load (three to
# four orders of magnitude). The point: never write these loops in practice, but they are the definition
# the matrix form must agree with.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Three nested loops

# %% slideshow={"slide_type": "fragment"}
def matmul_backward_loops(dD, X, W):
    """dX (N, K) and dW (K, M) by the index formulas, one multiply-add at a time."""
    (N, K), M = X.shape, W.shape[1]
    dX, dW = np.zeros((N, K)), np.zeros((K, M))
    for n in range(N):
        for k in range(K):
            for m in range(M):
                dX[n, k] += dD[n, m] * W[k, m]
                dW[k, m] += X[n, k] * dD[n, m]
    return dX, dW

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Same numbers, timed

# %% slideshow={"slide_type": "fragment"}
def matmul_backward(dD, X, W):
    return dD @ W.T, X.T @ dD


rng_big = np.random.default_rng(5)
Xb, Wb = rng_big.standard_normal((64, 32)), rng_big.standard_normal((32, 16))
dDb = rng_big.standard_normal((64, 16))
loops, vec = matmul_backward_loops(dDb, Xb, Wb), matmul_backward(dDb, Xb, Wb)
print(verdict("dX loops vs vectorized", rel_error(loops[0], vec[0]), 1e-12))
print(verdict("dW loops vs vectorized", rel_error(loops[1], vec[1]), 1e-12))

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output", "hide-input"]
def best_time(fn, repeat):
    """Fastest of `repeat` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


t_loops = best_time(lambda: matmul_backward_loops(dDb, Xb, Wb), 3)
t_vec = best_time(lambda: matmul_backward(dDb, Xb, Wb), 200)
print(f"N, K, M = 64, 32, 16:  loops {t_loops * 1e3:.1f} ms,  vectorized {t_vec * 1e6:.1f} µs,  "
      f"speed-up ≈ {t_loops / t_vec:,.0f}×  (machine-dependent)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Four exercises, from warm-ups to an optional stretch. Edit the stub, run the cell; the
# checker prints ✓ or a hint. Solutions are folded under each exercise.
#
# 1. warm-up: the weight on the left (≈ 5 min);
# 2. warm-up: XOR a second way (≈ 5 min);
# 3. build it: the two-layer network's whole backward, then train with it (≈ 25 min);
# 4. stretch: undo any broadcast (≈ 15 min).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 50 min in a lab; in a lecture, set 1 and 2 in class (10 min) and 3 as homework. The classic
# slips in 3: a missing 1/N (or two of them), `dscores = p` without subtracting the one-hot,
# `A` instead of `H` in dW2, the ReLU mask forgotten. The checker names each one; encourage
# learners to read the hint before the solution.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: the weight on the left (≈ 5 min)
#
# Notebook 04 and many textbooks write a layer as $Y = WX$ with $W$ of shape $(M, K)$ and one
# example per **column** of $X$ $(K, N)$. Write `matmul_left_backward(dY, W, X)` returning
# `(dW, dX)`. Derive it with indices, or make the shapes fit — the checker tries $M = K = N = 3$
# first, where every order has the right shape and only the values can tell.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def matmul_left_backward(dY, W, X):
    """Y = W @ X with W (M, K), X (K, N), dY (M, N) → (dW (M, K), dX (K, N))."""
    dW = None  # TODO
    dX = None  # TODO
    return (dW, dX) if dW is not None else None


_ = check_matmul_left_backward(matmul_left_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def matmul_left_backward(dY, W, X):
#     """Y = W @ X with W (M, K), X (K, N), dY (M, N) → (dW (M, K), dX (K, N))."""
#     dW = dY @ X.T          # (M, N) @ (N, K): Y_mn = Σ_k W_mk X_kn, so dW_mk = Σ_n dY_mn X_kn
#     dX = W.T @ dY          # (K, M) @ (M, N): dX_kn = Σ_m W_mk dY_mn
#     return dW, dX
# ```
#
# The link to this notebook's row convention: transposing $Y = WX$ gives $Y^\top = X^\top W^\top$,
# a row-convention matmul with input $X^\top$ $(N, K)$ and weight $W^\top$ $(K, M)$. The rule
# "weight gradient = inputᵀ · upstream" gives $d(W^\top) = X\,dY^\top$; transposing back,
# $dW = dY\,X^\top$. Same numbers, transposed.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — warm-up: XOR a second way (≈ 5 min)
#
# XOR is also $\;(x_1 \wedge \neg x_2) \vee (\neg x_1 \wedge x_2)$. Choose weights for a
# two-layer step network $h = \mathrm{step}(xW_1 + b_1)$, $\;y = \mathrm{step}(h\,w_2 + b_2)$
# whose hidden units are "$x_1$ and not $x_2$" and "not $x_1$ and $x_2$", and whose output is
# their OR. (Any weights that give XOR pass.)

# %% slideshow={"slide_type": "-"} tags=["exercise"]
W1 = None  # TODO: (2, 2), one column per hidden unit
b1 = None  # TODO: (2,)
w2 = None  # TODO: (2,)
b2 = None  # TODO: a number

_ = check_xor_weights(W1, b1, w2, b2)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# W1 = np.array([[1, -1], [-1, 1]])      # h1 = [x1 - x2 - 0.5 > 0], h2 = [-x1 + x2 - 0.5 > 0]
# b1 = np.array([-0.5, -0.5])
# w2 = np.array([1, 1])                  # y = [h1 + h2 - 0.5 > 0]: the OR of the two
# b2 = -0.5
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — build it: the two-layer network's whole backward (≈ 25 min)
#
# Write `two_layer_loss_and_grads(params, X, y)` in plain numpy: the forward pass, the mean
# softmax cross-entropy (subtract each row's maximum score; compute $\log p$ as
# $\text{shifted} - \log\sum e^{\text{shifted}}$), and the gradient of every parameter, from the
# derivation above. No `helpers.layers` backward passes and no `softmax_cross_entropy`: the
# checker refuses them. It tries square and distinct sizes, a batch of 1, pre-activations of
# exactly 0, and scores in the thousands.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def two_layer_loss_and_grads(params, X, y):
    """params W1 (K, H), b1 (H,), W2 (H, C), b2 (C,); X (N, K); y (N,) labels in [0, C)
    → (loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}), each dW the shape of its W."""
    # TODO forward: A, H = relu(A), scores S, log-probabilities (rows shifted by their max)
    # TODO loss: the mean over the batch of −log p[n, y_n]
    # TODO backward: dS, then the second layer, the ReLU mask, the first layer
    return None


_ = check_two_layer_backward(two_layer_loss_and_grads)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def two_layer_loss_and_grads(params, X, y):
#     """params W1 (K, H), b1 (H,), W2 (H, C), b2 (C,); X (N, K); y (N,) labels in [0, C)
#     → (loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}), each dW the shape of its W."""
#     W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
#     N, rows = X.shape[0], np.arange(X.shape[0])
#     A = X @ W1 + b1                                   # (N, H)
#     H = np.maximum(A, 0)                              # (N, H)
#     S = H @ W2 + b2                                   # (N, C)
#     shifted = S - S.max(axis=1, keepdims=True)
#     log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
#     loss = -log_p[rows, y].mean()
#     dS = np.exp(log_p)                                # p
#     dS[rows, y] -= 1                                  # p − onehot(y)
#     dS /= N                                           # the mean's 1/N, once
#     dW2, db2 = H.T @ dS, dS.sum(axis=0)               # (H, C), (C,)
#     dH = dS @ W2.T                                    # (N, H)
#     dA = dH * (A > 0)                                 # ReLU: pass where A > 0
#     dW1, db1 = X.T @ dA, dA.sum(axis=0)               # (K, H), (H,)
#     return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Train with your backward
#
# Once the checker prints ✓, this cell trains a fresh network for 300 steps with **your**
# `two_layer_loss_and_grads` and draws it against the notebook's run; until then it falls back
# to the notebook's `loss_and_grads`, so the notebook always runs.

# %% slideshow={"slide_type": "fragment"}
mine = bool(check_two_layer_backward.exercise.latest)     # True once Exercise 3 printed ✓
grad_fn = two_layer_loss_and_grads if mine else loss_and_grads
params_mine = init_params()
losses_mine, _ = train(grad_fn, params_mine, steps=300, lr=LR)
print("trained with", "your two_layer_loss_and_grads" if mine else
      "the notebook's loss_and_grads (Exercise 3 is not done yet)")
print(f"loss after 300 steps: {losses_mine[-1]:.3f}, the notebook's run: {losses[300]:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your run against the notebook's

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
fig, (ax_loss, ax_db) = plt.subplots(1, 2, figsize=(9, 4.2), layout="constrained")
ax_loss.plot(losses[:301], color=hp.NEUTRAL, lw=4, alpha=0.4, label="the notebook's run")
ax_loss.plot(losses_mine, color=hp.FORWARD, label="yours" if mine else "fallback")
ax_loss.set(yscale="log", xlabel="training step", ylabel="mean cross-entropy",
            title="Loss (log scale)")
ax_loss.legend(loc="upper right")
region_plot(ax_db, params_mine, X_train, y_train, title="Regions after 300 steps")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that with a right backward pass the two loss curves lie on top of each other, step for
# step, spike included: your gradients are the reference's to rounding error, so gradient
# descent takes the same path and reaches the same loss after 300 steps (printed above).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4 — stretch: undo any broadcast (≈ 15 min)
#
# Write `sum_to_shape(grad, shape)`: `grad` is the upstream gradient of a broadcast result, and
# `shape` the shape of the array *before* it was broadcast (e.g. a bias `(M,)`, a row `(1, M)`,
# a column `(N, 1)`, a scalar `()`). Sum over the axes numpy added in front, then over the axes
# that were stretched from length 1, and return an array of exactly `shape`.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def sum_to_shape(grad, shape):
    """grad: any shape that `shape` broadcasts to → array of shape `shape`."""
    # TODO: sum over the leading axes, then over the stretched ones (keepdims=True)
    return None


_ = check_sum_to_shape(sum_to_shape)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def sum_to_shape(grad, shape):
#     """grad: any shape that `shape` broadcasts to → array of shape `shape`."""
#     lead = grad.ndim - len(shape)
#     out = grad.sum(axis=tuple(range(lead)))            # axes numpy added in front
#     stretched = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
#     return out.sum(axis=stretched, keepdims=True).reshape(shape)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - The matmul gate $D = XW$ sends back $dW = X^\top dD$ and $dX = dD\,W^\top$: each input gets
#   the other input times the upstream gradient, arranged so the shapes fit.
# - Shapes decide only when the sizes differ: test with distinct $N$, $K$, $M$, and keep a
#   square case for a square weight, where only the values catch a wrong order.
# - A weight used by every example is a fork: its gradient is a **sum over the batch**, which
#   $X^\top dD$ performs for you. Broadcasting is a Repeat node: sum over every broadcast axis.
# - One perceptron draws one line, so it cannot compute XOR; two layers re-represent the input
#   until a line suffices — and with ReLU and softmax, the same network is trainable.
# - Vectorized backward passes give the same numbers as the index loops, orders of magnitude
#   faster.
#
# Next: [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb), where
# the same gradients are written as Jacobians and in the column convention $Wx + b$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Ask the room for the one-line version of each bullet; the second (distinct sizes)
# is the habit that saves the most debugging time in notebooks 05–07.

# %% slideshow={"slide_type": "-"}
_ = progress("03")
