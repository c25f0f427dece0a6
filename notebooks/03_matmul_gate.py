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
# trained a two-layer network whose every gradient you derived and checked yourself.
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/03_matmul_gate.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/03_matmul_gate.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

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
#   and once by making the shapes fit.
# - Explain why a broadcast bias gets the **sum** of the upstream gradient over the batch, and
#   apply the general rule: sum over every broadcast axis.
# - Build AND, NAND and OR from single perceptrons, prove that XOR needs two layers, and build it.
# - Train a two-layer network (affine → ReLU → affine → softmax) on a generated 2-D dataset and
#   watch its decision boundary and per-layer gradient norms evolve.
# - Measure how much faster the vectorized backward pass is than explicit loops.
#
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb): the multiply gate swaps its
#   inputs, a copy (Repeat) node sums the gradients that come back, gradient checking.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb): ReLU's local
#   gradient and the softmax cross-entropy backward $(p - y)/N$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **backpropagation (역전파)**: the chain rule applied node by node, from the loss backwards.
# - **gradient (기울기)**: $\partial L/\partial W$, an array with the shape of $W$ (the *shape
#   convention*).
# - **weight (가중치)** and **bias (편향)**: the parameters $W$ and $b$ of an affine layer
#   $XW + b$.
# - **matmul gate (행렬 곱 게이트)**: the node $D = XW$ in a computational graph
#   (계산 그래프 computational graph).
# - **broadcasting (브로드캐스팅)**: numpy's implicit copying of an array along an axis; in the
#   graph it is a Repeat node (반복 노드).
# - **perceptron (퍼셉트론)**: a step of an affine function, $\,y = [\,w\cdot x + b > 0\,]$, where
#   a bracket $[\,\text{condition}\,]$ is 1 when the condition holds and 0 otherwise.
# - **activation function (활성화 함수)**: here ReLU, $\max(0, a)$.
# - **loss function (손실 함수)**: softmax cross-entropy; **relative error (상대 오차)**: the
#   gradient-check metric.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

import helpers.plotting as hp
from helpers.exercises.nb03 import check_matmul_left_backward, check_sum_to_shape, check_xor_weights
from helpers.gradcheck import check_layer, numerical_gradient, numerical_gradient_array, rel_error
from helpers.layers import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
    softmax_cross_entropy,
)
from helpers.widgets import snapshot, training_explorer, training_explorer_figure


def verdict(name, err, tol=1e-7):
    """One stable line for a relative error: below the tolerance or not (no raw digits)."""
    ok = err < tol
    return f"{name}: relative error {'<' if ok else '≥'} {tol:.0e} {'✓' if ok else '✗'}"


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: a matmul is a grid of multiply gates
#
# In notebook 01 the multiply gate $d = x\,w$ sent back $\;dx = w\,dd\;$ and $\;dw = x\,dd$:
# each input receives *the other input* times the upstream gradient.
#
# A matrix product $D = XW$ with $X$ of shape $(N, D)$ and $W$ of shape $(D, M)$ is nothing but
# $N\cdot D\cdot M$ such multiply gates followed by additions:
# $D_{nj} = \sum_i X_{ni} W_{ij}$. (As in cs231n, $D$ names both the output and the input
# width; the code calls the output `D_out`.) Two things follow before any algebra:
#
# - $W_{ij}$ is used by **every row** $n$ of the batch, so it is forked $N$ times; a fork sums
#   the gradients coming back, so $dW_{ij}$ will be a sum over $n$.
# - $X_{ni}$ is used by **every output column** $j$, so $dX_{ni}$ will be a sum over $j$.
#
# **Row convention.** Like `helpers.layers`, this notebook puts one example in each **row**:
# $X$ is $(N, D)$ and a layer is $XW + b$. Lectures and notebook 04 often put one example in
# each **column** and write $Wx + b$ instead; the gradients are the same numbers, transposed
# (Exercise 1 works it out).

# %% slideshow={"slide_type": "subslide"}
rng = np.random.default_rng(0)
N, D, M = 4, 3, 2
X = rng.standard_normal((N, D))
W = rng.standard_normal((D, M))
D_out = X @ W                                    # the forward pass of the matmul gate
D_by_index = np.array([[sum(X[n, i] * W[i, j] for i in range(D)) for j in range(M)]
                       for n in range(N)])       # D_nj = Σ_i X_ni W_ij, literally
print("X", X.shape, "@ W", W.shape, "→ D", D_out.shape)
print(verdict("X @ W vs the index sum", rel_error(D_out, D_by_index), 1e-12))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: $dW = X^\top dD$ and $dX = dD\,W^\top$
#
# ![The matmul gate: forward shapes in blue, backward in orange](../figures/nb03_matmul_gate.png)
#
# Write $dD = \partial L/\partial D$ for the upstream gradient (shape $(N, M)$, like $D$) and
# $dW = \partial L/\partial W$ (shape $(D, M)$, like $W$).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### By index notation
#
# A bracket such as $[k = j]$ is 1 when the condition inside holds and 0 otherwise.
#
# $$
# \begin{aligned}
# D_{nk} &= \sum\nolimits_{l} X_{nl}\, W_{lk}
#   && \text{definition of the matrix product}\\
# \frac{\partial D_{nk}}{\partial W_{ij}} &= X_{ni}\,[k = j]
#   && \text{only the term } l = i \text{ contains } W_{ij}\text{, and only in column } k = j\\
# \frac{\partial L}{\partial W_{ij}}
#   &= \sum\nolimits_{n}\sum\nolimits_{k} \frac{\partial L}{\partial D_{nk}}
#      \frac{\partial D_{nk}}{\partial W_{ij}}
#   && \text{chain rule: } W_{ij} \text{ reaches } L \text{ through every } D_{nk}\\
# &= \sum\nolimits_{n} dD_{nj}\, X_{ni}
#   && \text{the bracket } [k = j] \text{ keeps one term of the sum over } k\\
# &= \sum\nolimits_{n} (X^\top)_{in}\, dD_{nj} = (X^\top dD)_{ij}
#   && \text{transpose, then the definition of the matrix product}
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same steps for $X$ (row $n'$, column $i$): only row $n = n'$ of $D$ contains $X_{n'i}$,
#
# $$
# \frac{\partial D_{nk}}{\partial X_{n'i}} = W_{ik}\,[n = n']
# \quad\Longrightarrow\quad
# \frac{\partial L}{\partial X_{n'i}}
# = \sum\nolimits_{n}\sum\nolimits_{k} dD_{nk}\, W_{ik}\,[n = n']
# = \sum\nolimits_{k} dD_{n'k}\, (W^\top)_{ki} = (dD\,W^\top)_{n'i}.
# $$
#
# The sum over $n$ in $dW$ is the fork from the intuition: every row of the batch contributes.

# %% slideshow={"slide_type": "subslide"}
dD = rng.standard_normal((N, M))                 # some upstream gradient, shape of D

dW_index = np.zeros((D, M))                      # dW_ij = Σ_n dD_nj X_ni, term by term
for i in range(D):
    for j in range(M):
        dW_index[i, j] = sum(dD[n, j] * X[n, i] for n in range(N))
dX_index = np.zeros((N, D))                      # dX_ni = Σ_j dD_nj W_ij
for n in range(N):
    for i in range(D):
        dX_index[n, i] = sum(dD[n, j] * W[i, j] for j in range(M))

dW = X.T @ dD                                    # the matrix forms
dX = dD @ W.T
print(verdict("dW: index sum vs X.T @ dD", rel_error(dW_index, dW), 1e-12))
print(verdict("dX: index sum vs dD @ W.T", rel_error(dX_index, dX), 1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### By making the shapes fit
#
# A quicker route, which you will use every day. The gradient has the shape of its variable, so
# $dW$ is $(D, M)$ and $dX$ is $(N, D)$. Each is a product of the upstream gradient
# $dD\;(N, M)$ with the *other* input (the multiply gate swaps), and there is exactly one way to
# multiply them into the right shape:
#
# $$
# \underbrace{dW}_{(D,\,M)} = \underbrace{X^\top}_{(D,\,N)}\,\underbrace{dD}_{(N,\,M)}
# \qquad\qquad
# \underbrace{dX}_{(N,\,D)} = \underbrace{dD}_{(N,\,M)}\,\underbrace{W^\top}_{(M,\,D)}
# $$
#
# The shared axis that disappears in $X^\top dD$ is $N$: the sum over the batch appears by itself.

# %% slideshow={"slide_type": "fragment"}
print("X.T", X.T.shape, "@ dD", dD.shape, "→ dW", (X.T @ dD).shape, "= W", W.shape)
print("dD", dD.shape, "@ W.T", W.T.shape, "→ dX", (dD @ W.T).shape, "= X", X.shape)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: numerical gradients agree
#
# `numerical_gradient_array(f, x, dout, h)` nudges every entry of `x` by $\pm h$ and returns
# the central-difference gradient of $\sum f(x)\odot dout$, exactly what a backward pass
# computes. $D$ is *linear* in $X$ and in $W$, so the central difference has no truncation error
# here, only round-off, which shrinks as $h$ grows: we can afford $h = 10^{-3}$. (With the
# default $h = 10^{-5}$ the smallest entry of $dX$, about $10^{-4}$, shows a relative error of
# order $10^{-8}$, printed last below: relative error is a *maximum over entries*, so tiny
# entries dominate it.)

# %% slideshow={"slide_type": "fragment"}
dW_num = numerical_gradient_array(lambda W_: X @ W_, W.copy(), dD, h=1e-3)
dX_num = numerical_gradient_array(lambda X_: X_ @ W, X.copy(), dD, h=1e-3)
print(verdict("dW = X.T @ dD vs numerical", rel_error(dW, dW_num)))
print(verdict("dX = dD @ W.T vs numerical", rel_error(dX, dX_num)))
dX_num_default = numerical_gradient_array(lambda X_: X_ @ W, X.copy(), dD)   # h = 1e-5
err_default = rel_error(dX, dX_num_default)
print(f"with h = 1e-5: smallest |dX| entry {np.abs(dX).min():.0e}, relative error of order "
      f"{10.0 ** np.floor(np.log10(err_default)):.0e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: a broadcast bias is a Repeat node
#
# In $\;Z = XW + b\;$ the bias $b$ has shape $(M,)$ but is added to an $(N, M)$ array: numpy
# copies it into every row. As a graph, $b$ goes through a **Repeat** node, $B = \mathbf 1_N
# b^\top$ (shape $(N, M)$), and then an add gate.
#
# $$
# \begin{aligned}
# Z_{nj} &= D_{nj} + B_{nj}, \quad B_{nj} = b_j
#   && \text{broadcasting copies } b \text{ into every row}\\
# \frac{\partial L}{\partial B_{nj}} &= dZ_{nj}
#   && \text{the add gate passes the gradient unchanged}\\
# \frac{\partial B_{nj}}{\partial b_j} &= 1
#   && \text{each copy } B_{nj} \text{ is } b_j \text{ itself}\\
# \frac{\partial L}{\partial b_j} &= \sum\nolimits_n \frac{\partial L}{\partial B_{nj}}
#   \frac{\partial B_{nj}}{\partial b_j} = \sum\nolimits_n dZ_{nj}
#   && \text{chain rule over the } N \text{ copies (a fork sums)}
# \end{aligned}
# $$
#
# So `db = dZ.sum(axis=0)`. It is also the matmul rule in disguise: $B = \mathbf 1_N b^\top$ is a
# matmul of a column of ones with the row $b^\top$, so $db^\top = \mathbf 1_N^\top dZ$.

# %% slideshow={"slide_type": "subslide"}
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
# S_{nj} = a_{n} + c_{j}
# \quad\Longrightarrow\quad
# \frac{\partial L}{\partial a_n} = \sum\nolimits_j dS_{nj},
# \qquad
# \frac{\partial L}{\partial c_j} = \sum\nolimits_n dS_{nj}
# $$

# %% slideshow={"slide_type": "fragment"}
a_col = rng.standard_normal((N, 1))
c_row = rng.standard_normal((1, M))
dS = rng.standard_normal((N, M))
da = dS.sum(axis=1, keepdims=True)                # a was stretched along axis 1 → sum it away
dc = dS.sum(axis=0, keepdims=True)                # c was stretched along axis 0
print("S", (a_col + c_row).shape, "  da", da.shape, "  dc", dc.shape)
da_num = numerical_gradient_array(lambda a_: a_ + c_row, a_col.copy(), dS)
dc_num = numerical_gradient_array(lambda c_: a_col + c_, c_row.copy(), dS)
print(verdict("da = dS.sum(axis=1) vs numerical", rel_error(da, da_num)))
print(verdict("dc = dS.sum(axis=0) vs numerical", rel_error(dc, dc_num)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: the affine layer and ReLU
#
# The affine layer is the matmul gate plus a broadcast bias, so its backward is the three
# results above: $dx = dout\,w^\top$, $\;dw = x^\top dout$, $\;db = \sum_n dout_{n\cdot}$.
# ReLU, $\max(0, a)$, lets the gradient through where $a > 0$ and blocks it elsewhere
# (the max gate of notebook 01, against 0). Written inline first:

# %% slideshow={"slide_type": "subslide"}
def my_affine_forward(x, w, b):
    out = x @ w + b                 # (N, D) @ (D, M) + (M,) → (N, M)
    return out, (x, w)              # the backward needs x and w, not b


def my_affine_backward(dout, cache):
    x, w = cache
    dx = dout @ w.T                 # (N, M) @ (M, D) → (N, D)
    dw = x.T @ dout                 # (D, N) @ (N, M) → (D, M)
    db = dout.sum(axis=0)           # Repeat node → sum over the batch, (M,)
    return dx, dw, db


def my_relu_backward(dout, a):
    return dout * (a > 0)           # local gradient 1 where a > 0, else 0


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
# pass and compares every returned gradient with the numerical one (float64).

# %% slideshow={"slide_type": "fragment"}
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

# %% slideshow={"slide_type": "subslide"}
def perceptron(x, w, b):
    """Step of an affine function: x (N, 2), w (2,), b scalar → (N,) of 0/1."""
    return (x @ w + b > 0).astype(int)


INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
GATES = {"AND": (np.array([0.5, 0.5]), -0.7),
         "NAND": (np.array([-0.5, -0.5]), 0.7),
         "OR": (np.array([0.5, 0.5]), -0.2)}
XOR = np.array([0, 1, 1, 0])

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
# diagonals — XOR is not **linearly separable**. A brute-force search over a grid of lines
# agrees: the best line gets 3 of the 4 rows right.

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

# %% slideshow={"slide_type": "subslide"}
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


fig, axes = plt.subplots(1, 4, figsize=(11, 3.4), layout="constrained")
for ax, (name, (w, b_g)) in zip(axes[:3], GATES.items(), strict=True):
    draw_gate(ax, perceptron(INPUTS, w, b_g), w, b_g, name)
draw_gate(axes[3], XOR, title=f"XOR: no line (best {correct.max()}/4)")
fig.suptitle("Perceptron gates: shaded = the perceptron outputs 1; filled squares = target 1")
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
print("x1 x2 | h1=NAND h2=OR | y=AND(h1,h2) | XOR")
for x, h, y_ in zip(INPUTS, H_xor, y_xor, strict=True):
    xor = int(x[0]) ^ int(x[1])
    print(f" {x[0]:.0f}  {x[1]:.0f} |    {h[0]}     {h[1]}   |      {y_}       |  {xor}")
print("two layers compute XOR:", np.array_equal(y_xor, XOR))

# %% slideshow={"slide_type": "subslide"}
fig, (ax_in, ax_h) = plt.subplots(1, 2, figsize=(9, 3.8), layout="constrained")
draw_gate(ax_in, XOR, title="input space: NAND and OR lines")
g = np.linspace(-0.3, 1.3, 2)
for (name, (w, b_g)), style in zip([("NAND", GATES["NAND"]), ("OR", GATES["OR"])], ["-", "--"],
                                   strict=True):
    ax_in.plot(g, -(w[0] * g + b_g) / w[1], style, color=hp.NEUTRAL, lw=2, label=f"{name} line")
ax_in.fill_between(g, 0.4 - g, 1.4 - g, color="#A2C8EC", alpha=0.6, zorder=0,
                   label="both fire: y = 1")
ax_in.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
H_points = np.array([[1, 0], [1, 1], [0, 1]])                     # where the 4 inputs land
draw_gate(ax_h, [0, 1, 0], *GATES["AND"], "hidden space: AND separates", points=H_points)
for h, lab, ha in zip(H_points, ["from (0,0)", "from (1,0) and (0,1)", "from (1,1)"],
                      ["center", "right", "center"], strict=True):
    ax_h.annotate(lab, h, xytext=(6 if ha == "center" else 8, -20), textcoords="offset points",
                  ha=ha, fontsize=8)
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

# %% slideshow={"slide_type": "subslide"}
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
# $$
# \begin{aligned}
# A &= XW_1 + b_1, \quad H = \mathrm{relu}(A), \quad S = HW_2 + b_2, \quad
# L = \mathrm{CE}(\mathrm{softmax}(S), y)
#   && \text{forward}\\
# dS &= (P - Y)/N && \text{softmax cross-entropy (notebook 02)}\\
# dW_2 &= H^\top dS, \quad db_2 = \sum\nolimits_n dS_{n\cdot}, \quad dH = dS\,W_2^\top
#   && \text{affine backward}\\
# dA &= dH \odot [A > 0] && \text{ReLU backward}\\
# dW_1 &= X^\top dA, \quad db_1 = \sum\nolimits_n dA_{n\cdot}
#   && \text{affine backward}
# \end{aligned}
# $$
#
# Here $P = \mathrm{softmax}(S)$ row by row, $Y$ is the one-hot matrix of the labels $y$ (row
# $n$ has a 1 in column $y_n$), and $dS_{n\cdot}$ is row $n$ of $dS$, so $\sum_n dS_{n\cdot}$
# is the sum over the batch, `dS.sum(axis=0)`. Each line is one call to a layer from
# `helpers.layers`:

# %% slideshow={"slide_type": "subslide"}
def init_params(hidden=64, n_classes=3, seed=1):
    """He-scaled W1 (2, H) for ReLU, a small W2 (H, C) so training starts near uniform."""
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((2, hidden)),
            "b1": np.zeros(hidden),
            "W2": 0.1 * np.sqrt(2 / hidden) * rng.standard_normal((hidden, n_classes)),
            "b2": np.zeros(n_classes)}


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


def predict(params, X):
    H, _ = relu_forward(affine_forward(X, params["W1"], params["b1"])[0])
    return affine_forward(H, params["W2"], params["b2"])[0].argmax(axis=1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the whole network, parameter by parameter
#
# Before training, compare every gradient of the composed network with central differences on
# a small batch.

# %% slideshow={"slide_type": "fragment"}
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
# Full batch, learning rate 1, 1000 steps; every 25 steps the loop stores a `snapshot`
# (parameters, gradient norms and loss) for the explorer below.

# %% slideshow={"slide_type": "fragment"}
STEPS, LR, EVERY = 1000, 1.0, 25
params = init_params()
losses, snapshots = [], []
t0 = time.perf_counter()
for step in range(STEPS + 1):
    loss, grads = loss_and_grads(params, X_train, y_train)
    losses.append(loss)
    if step % EVERY == 0:
        snapshots.append(snapshot(step, params, grads, loss))
    if step < STEPS:
        for name in params:
            params[name] -= LR * grads[name]       # W ← W − η·dW
train_seconds = time.perf_counter() - t0
print(f"loss {losses[0]:.2f} → {losses[-1]:.2f}")
print(f"step 0 gradient norms: ‖dW1‖ = {snapshots[0]['grad_norms']['W1']:.3f}, "
      f"‖dW2‖ = {snapshots[0]['grad_norms']['W2']:.2f}")
print(f"accuracy: train {np.mean(predict(params, X_train) == y_train):.0%}, "
      f"fresh points {np.mean(predict(params, X_test) == y_test):.0%}")

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
print(f"{STEPS} steps in {train_seconds:.1f} s (machine-dependent)")

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

# %% slideshow={"slide_type": "subslide"}
fig, (ax_loss, ax_db) = plt.subplots(1, 2, figsize=(10, 4))
ax_loss.plot(losses, color=hp.FORWARD)
ax_loss.set(yscale="log", xlabel="training step", ylabel="mean cross-entropy (log scale)",
            title="Loss curve")
ext = (-1.2, 1.2, -1.2, 1.2)
gx, gy = np.meshgrid(np.linspace(*ext[:2], 150), np.linspace(*ext[2:], 150))
regions = predict(params, np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
ax_db.contourf(gx, gy, regions, levels=[-0.5, 0.5, 1.5, 2.5],
               colors=["#A2C8EC", "#FFBC79", "#CFCFCF"])
for k, (colour, marker) in enumerate(zip([hp.FORWARD, hp.GRADIENT, hp.NEUTRAL], "os^",
                                            strict=True)):
    ax_db.scatter(*X_train[y_train == k].T, s=14, c=colour, marker=marker, edgecolors="white",
                  linewidths=0.4, label=f"class {k}")
ax_db.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal", title="Decision regions after training")
ax_db.grid(False)
ax_db.legend(loc="upper left", fontsize=8, frameon=True)
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
# scale).
# The label beside the slider gives the step, the training accuracy and the redraw time. All
# regions are precomputed when the widget is built, so a slider move only swaps an image.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
explorer = training_explorer(snapshots, X_train, y_train, resolution=80, index=4)
display(explorer)

# %% slideshow={"slide_type": "subslide"}
fig = training_explorer_figure(snapshots, X_train, y_train, resolution=80, index=4)
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
display(fig)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice, in the static view at step 100 (82% accuracy):
#
# - the regions already curl with the arms, and almost every mistake sits near the centre, where
#   the three arms wind tightly together (45 of the 53 misassigned points lie within 0.3 of it);
# - $\lVert dW_2\rVert$ starts roughly 50 times larger than $\lVert dW_1\rVert$ (0.41 against
#   0.008): with a small $W_2$, little gradient gets through to the first layer;
# - the first spike of the loss (steps 114–121) shows up here as a jump of both gradient norms at
#   step 125: a learning rate of 1 is near the edge of stability.

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
from helpers.widgets.training_snapshots import decision_grid, explorer_frame  # noqa: E402

t0 = time.perf_counter()
for _ in range(20):
    explorer_frame(explorer.explorer.data, 7)       # all a slider move computes
frame_ms = (time.perf_counter() - t0) / 20 * 1e3
t0 = time.perf_counter()
for _ in range(5):
    decision_grid(snapshots[-1]["params"], (-1.2, 1.2, -1.2, 1.2), 80)
grid_ms = (time.perf_counter() - t0) / 5 * 1e3
redraws = []
for k in range(0, len(snapshots), 10):
    explorer.explorer.show(k)
    redraws.append(explorer.explorer.figure_image.last_render_ms)
explorer.explorer.show(4)                            # back to the default view
print(f"per slider move: explorer_frame {frame_ms:.3f} ms + redraw {np.median(redraws):.0f} ms "
      f"(median)\nbuilding the widget: decision_grid (80×80) {grid_ms:.1f} ms, once for each of "
      f"the {len(snapshots)} snapshots  (machine-dependent)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Loops vs vectorized: same numbers, much faster
#
# The index formulas $dW_{ij} = \sum_n X_{ni}\,dD_{nj}$ and $dX_{ni} = \sum_j dD_{nj}W_{ij}$
# can be run literally with three nested loops. They give the same numbers as the two matrix
# products, but the products run in optimized compiled code.

# %% slideshow={"slide_type": "subslide"}
def matmul_backward_loops(dD, X, W):
    """dX (N, D) and dW (D, M) by the index formulas, one multiply-add at a time."""
    N, D = X.shape
    M = W.shape[1]
    dX = np.zeros((N, D))
    dW = np.zeros((D, M))
    for n in range(N):
        for i in range(D):
            for j in range(M):
                dX[n, i] += dD[n, j] * W[i, j]
                dW[i, j] += X[n, i] * dD[n, j]
    return dX, dW


def matmul_backward(dD, X, W):
    return dD @ W.T, X.T @ dD


rng_big = np.random.default_rng(5)
Xb, Wb = rng_big.standard_normal((64, 32)), rng_big.standard_normal((32, 16))
dDb = rng_big.standard_normal((64, 16))
loops, vec = matmul_backward_loops(dDb, Xb, Wb), matmul_backward(dDb, Xb, Wb)
print(verdict("dX loops vs vectorized", rel_error(loops[0], vec[0]), 1e-12))
print(verdict("dW loops vs vectorized", rel_error(loops[1], vec[1]), 1e-12))

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
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
print(f"N, D, M = 64, 32, 16:  loops {t_loops * 1e3:.1f} ms,  vectorized {t_vec * 1e6:.1f} µs,  "
      f"speed-up ≈ {t_loops / t_vec:,.0f}×  (machine-dependent)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# ### Exercise 1 — the weight on the left
#
# Notebook 04 and many textbooks write a layer as $Y = WX$ with $W$ of shape $(M, D)$ and one
# example per **column** of $X$ $(D, N)$. Write `matmul_left_backward(dY, W, X)` returning
# `(dW, dX)`. Derive it with indices, or just make the shapes fit.

# %% slideshow={"slide_type": "subslide"}
def matmul_left_backward(dY, W, X):
    """Y = W @ X with W (M, D), X (D, N), dY (M, N) → (dW (M, D), dX (D, N))."""
    dW = None  # TODO
    dX = None  # TODO
    return (dW, dX) if dW is not None else None


_ = check_matmul_left_backward(matmul_left_backward)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Solution</summary>
#
# $dW$ is $(M, D)$ and must combine $dY$ $(M, N)$ with $X$ $(D, N)$: only $dY\,X^\top$ fits.
# $dX$ is $(D, N)$: only $W^\top dY$ fits. In code: `dW = dY @ X.T`, `dX = W.T @ dY`.
#
# The link to this notebook's row convention: transposing $Y = WX$ gives $Y^\top = X^\top W^\top$,
# a row-convention matmul with input $X^\top$ $(N, D)$ and weight $W^\top$ $(D, M)$. The rule
# "weight gradient = inputᵀ · upstream" gives $d(W^\top) = X\,dY^\top$; transposing back,
# $dW = dY\,X^\top$. Same numbers, transposed.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — undo any broadcast
#
# Write `sum_to_shape(grad, shape)`: `grad` is the upstream gradient of a broadcast result, and
# `shape` the shape of the array *before* it was broadcast (e.g. a bias `(M,)`, a row `(1, M)`,
# a column `(N, 1)`, a scalar `()`). Sum over the axes numpy added in front, then over the axes
# that were stretched from length 1, and return an array of exactly `shape`.

# %% slideshow={"slide_type": "subslide"}
def sum_to_shape(grad, shape):
    """grad: any shape that `shape` broadcasts to → array of shape `shape`."""
    # TODO: sum over the leading axes, then over the stretched ones (keepdims=True)
    return None


_ = check_sum_to_shape(sum_to_shape)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Solution</summary>
#
# ```python
# def sum_to_shape(grad, shape):
#     lead = grad.ndim - len(shape)
#     out = grad.sum(axis=tuple(range(lead)))            # axes numpy added in front
#     stretched = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
#     return out.sum(axis=stretched, keepdims=True).reshape(shape)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — XOR a second way
#
# XOR is also $\;(x_1 \wedge \neg x_2) \vee (\neg x_1 \wedge x_2)$. Choose weights for a
# two-layer step network $h = \mathrm{step}(xW_1 + b_1)$, $\;y = \mathrm{step}(h\,w_2 + b_2)$
# whose hidden units are "$x_1$ and not $x_2$" and "not $x_1$ and $x_2$", and whose output is
# their OR. (Any weights that give XOR pass.)

# %% slideshow={"slide_type": "subslide"}
W1 = None  # TODO: (2, 2), one column per hidden unit
b1 = None  # TODO: (2,)
w2 = None  # TODO: (2,)
b2 = None  # TODO: a number

_ = check_xor_weights(W1, b1, w2, b2)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Solution</summary>
#
# "$x_1$ and not $x_2$": $x_1 - x_2 - 0.5 > 0$; "not $x_1$ and $x_2$": $-x_1 + x_2 - 0.5 > 0$;
# OR of the two: $h_1 + h_2 - 0.5 > 0$. So `W1 = np.array([[1, -1], [-1, 1]])`,
# `b1 = np.array([-0.5, -0.5])`, `w2 = np.array([1, 1])`, `b2 = -0.5`.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - The matmul gate $D = XW$ sends back $dW = X^\top dD$ and $dX = dD\,W^\top$: each input gets
#   the other input times the upstream gradient, arranged so the shapes fit.
# - A weight used by every example is a fork: its gradient is a **sum over the batch**, which
#   the product $X^\top dD$ performs for you.
# - Broadcasting is a Repeat node: sum the upstream gradient over every broadcast axis
#   (`db = dout.sum(axis=0)` for a bias).
# - One perceptron draws one line, so it cannot compute XOR; two layers re-represent the input
#   until a line suffices — and with ReLU and softmax, the same network is trainable.
# - Vectorized backward passes give the same numbers as the index loops, orders of magnitude
#   faster.
#
# Next: [04 — Jacobians vs the shape convention](04_jacobians_and_shape_convention.ipynb), where
# the same gradients are written as Jacobians and in the column convention $Wx + b$.
