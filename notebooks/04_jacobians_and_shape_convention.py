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
# # 04 — Jacobians vs the shape convention
#
# By the end you can backpropagate through a whole layer with Jacobian matrices, turn the result
# into gradients shaped like the parameters, and train a small word-window classifier with them.
#
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/04_jacobians_and_shape_convention.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/04_jacobians_and_shape_convention.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

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
# - Tell a gradient ($n \to 1$, one row) from a Jacobian ($n \to m$, a table), and build any
#   Jacobian numerically, one row at a time.
# - Derive the Jacobians a layer needs: $\mathrm{diag}(f'(z))$ for an elementwise
#   activation, $W$ and $I$ for $Wx + b$, $h^\top$ for $u^\top h$.
# - Backpropagate through the named-entity window classifier: compute the error signal
#   $\delta$ **once** and reuse it for $b$, $W$ (an outer product $\delta^\top x^\top$) and $x$.
# - Move between the Jacobian form ($1 \times nm$ for $W$) and the shape convention (the gradient
#   has $W$'s shape), and between the column ($Wx + b$) and row ($xW + b$) conventions.
#
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb): downstream = upstream × local,
#   numerical gradients and relative error.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb): the local
#   gradients $\sigma' = \sigma(1-\sigma)$ and $\tanh' = 1 - \tanh^2$.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dW = X^\top dD$, summing over broadcast axes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **Jacobian (야코비 행렬)**: the $m \times n$ matrix $J_{ij} = \partial f_i / \partial x_j$ of a
#   function $f: \mathbb{R}^n \to \mathbb{R}^m$.
# - **gradient (기울기)**: the Jacobian of a function with one output; here also the array
#   $\partial s/\partial W$ that an optimiser subtracts.
# - **shape convention (형상 규칙)**: write $\partial s/\partial W$ with the shape of $W$, not as
#   one long row.
# - **chain rule (연쇄 법칙)** for Jacobians: the Jacobian of a composition is the matrix product
#   of the Jacobians; **backpropagation (역전파)** multiplies them from the output end.
# - **activation function (활성화 함수)** $f$; **weight (가중치)** $W$; **bias (편향)** $b$.
# - **error signal (오차 신호)** $\delta = \partial s/\partial z$; **outer product (외적)**
#   $\delta^\top x^\top$.
# - **named-entity recognition (개체명 인식, NER)** with a **word vector (단어 벡터)** window;
#   **numerical differentiation (수치 미분)** and **relative error (상대 오차)** check it all.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import time
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np

import helpers.plotting as hp
from helpers.exercises.nb04 import (check_gradient_from_jacobian, check_sigmoid_jacobian,
                                    check_window_backward)
from helpers.gradcheck import check_layer, numerical_gradient, numerical_gradient_array, rel_error
from helpers.gradcheck import numerical_jacobian as reference_numerical_jacobian
from helpers.layers import (affine_backward, affine_forward, sigmoid, tanh_backward,
                            tanh_forward)
from helpers.widgets.jacobian_explorer import (jacobian_data, jacobian_explorer,
                                               jacobian_explorer_figure)


def verdict(name, err, tol=1e-7):
    """One stable line for a relative error: below the tolerance or not (no raw digits)."""
    ok = err < tol
    return f"{name}: relative error {'<' if ok else '≥'} {tol:.0e} {'✓' if ok else '✗'}"


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: one output or many
#
# A function with $n$ inputs and **one** output, $f: \mathbb{R}^n \to \mathbb{R}$, has a
# gradient: one partial derivative per input, a row of $n$ numbers,
#
# $$\frac{\partial f}{\partial x} = \Big[\frac{\partial f}{\partial x_1}, \dots,
#   \frac{\partial f}{\partial x_n}\Big] \qquad (1 \times n).$$
#
# Take $f(x) = x_1 x_2 + x_3^2$: then $\partial f/\partial x = [x_2,\; x_1,\; 2x_3]$.

# %% slideshow={"slide_type": "fragment"}
def f(x):
    return x[0] * x[1] + x[2] ** 2


x0 = np.array([1.0, -2.0, 0.5])
grad_by_hand = np.array([x0[1], x0[0], 2 * x0[2]])           # [x2, x1, 2 x3]
print("gradient by hand:", grad_by_hand)
print(verdict("by hand vs numerical_gradient", rel_error(grad_by_hand, numerical_gradient(f, x0))))

# %% [markdown] slideshow={"slide_type": "subslide"}
# With $m$ outputs, $g: \mathbb{R}^n \to \mathbb{R}^m$, each output has its own gradient.
# Stack them as rows and you get the **Jacobian**, an $m \times n$ table:
#
# $$J = \frac{\partial g}{\partial x} =
#   \begin{bmatrix} \partial g_1/\partial x_1 & \cdots & \partial g_1/\partial x_n \\
#   \vdots & & \vdots \\ \partial g_m/\partial x_1 & \cdots & \partial g_m/\partial x_n
#   \end{bmatrix}, \qquad g(x + \varepsilon) \approx g(x) + J\,\varepsilon .$$
#
# Row $i$ is the gradient of output $i$; column $j$ says how *every* output moves when $x_j$
# moves. For $g(x) = (x_1 x_2,\; x_2 + x_3^2)$:
# $\;J = \begin{bmatrix} x_2 & x_1 & 0 \\ 0 & 1 & 2x_3 \end{bmatrix}$.
#
# To build $J$ numerically, note that row $i$ is the gradient of $\sum_k g_k e_{i,k} = g_i$
# ($e_i$ is the $i$-th unit vector), which `numerical_gradient_array(g, x, dout=e_i)` already
# computes. The course keeps the same function, with input checks, as
# `helpers.gradcheck.numerical_jacobian`; the cell compares the two.

# %% slideshow={"slide_type": "subslide"}
def numerical_jacobian(g, x):
    """(m, n) central-difference Jacobian of g at x, built one row (one output) at a time."""
    out = np.asarray(g(x))
    J = np.zeros((out.size, x.size))
    for i in range(out.size):
        e_i = np.zeros(out.size)
        e_i[i] = 1.0                                      # pick output i
        J[i] = numerical_gradient_array(g, x, e_i.reshape(out.shape)).ravel()
    return J


def g(x):
    return np.array([x[0] * x[1], x[1] + x[2] ** 2])


J_by_hand = np.array([[x0[1], x0[0], 0.0],
                      [0.0, 1.0, 2 * x0[2]]])
J_num = numerical_jacobian(g, x0)
print("J by hand (2 × 3):\n", J_by_hand)
print(verdict("by hand vs numerical_jacobian", rel_error(J_by_hand, J_num)))
print(verdict("this function vs the helpers' numerical_jacobian",
              rel_error(J_num, reference_numerical_jacobian(g, x0)), 1e-12))
eps = np.array([1e-4, -2e-4, 3e-4])
print(verdict("g(x + ε) vs g(x) + J ε (first order)",
              rel_error(g(x0 + eps), g(x0) + J_by_hand @ eps), 1e-6))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The chain rule (연쇄 법칙) keeps its one-variable form, with matrices: for $y = g(f(x))$ with
# $f: \mathbb{R}^n \to \mathbb{R}^k$ and $g: \mathbb{R}^k \to \mathbb{R}^m$,
#
# $$\frac{\partial y}{\partial x} = \frac{\partial y}{\partial f}\,\frac{\partial f}{\partial x}
#   \qquad (m \times k)\,(k \times n) = (m \times n).$$
#
# "Downstream = upstream × local" from notebook 01 is this product, read from the left.

# %% slideshow={"slide_type": "fragment"}
A = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])


def inner(x):                      # f: R³ → R², a tanh layer
    return np.tanh(A @ x)


def outer(v):                      # g: R² → R²
    return np.array([v[0] * v[1], v[0] + v[1] ** 2])


J_outer = numerical_jacobian(outer, inner(x0))      # (2 × 2), evaluated at f(x)
J_inner = numerical_jacobian(inner, x0)             # (2 × 3)
J_whole = numerical_jacobian(lambda x: outer(inner(x)), x0)
print("shapes:", J_outer.shape, "@", J_inner.shape, "=", (J_outer @ J_inner).shape)
print(verdict("J_outer @ J_inner vs the Jacobian of the composition",
              rel_error(J_outer @ J_inner, J_whole), 1e-6))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the Jacobians of one layer
#
# A hidden layer followed by a score is three small functions:
#
# $$z = Wx + b, \qquad h = f(z), \qquad s = u^\top h,$$
#
# with $x \in \mathbb{R}^{D}$, $W \in \mathbb{R}^{n \times D}$, $b, z, h, u \in \mathbb{R}^n$ and
# $s$ a number. We need five Jacobians. Each is derived, then computed numerically as a full
# matrix and compared.
#
# **Convention.** Until the section *Column convention vs row (batch) convention*, vectors
# ($x, b, z, h, u$) are **columns** and a layer is $Wx + b$, as in the CS224N lecture notes; the derivative
# of the number $s$ with respect to a vector is then a $1 \times n$ **row** (a Jacobian with one
# output). The course's `helpers.layers` put one example per **row** ($xW + b$); that section
# shows the two give the same numbers, transposed.

# %% slideshow={"slide_type": "skip"}
rng = np.random.default_rng(4)
n, D = 4, 6
W = rng.standard_normal((n, D)) * 0.6
b = rng.standard_normal(n) * 0.1
u = rng.standard_normal(n)
x = rng.standard_normal(D)
z = W @ x + b
h = np.tanh(z)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### An elementwise activation has a diagonal Jacobian
#
# $$
# \begin{aligned}
# h_i &= f(z_i) && \text{elementwise: output } i \text{ reads only input } i\\
# \frac{\partial h_i}{\partial z_j} &= f'(z_i) \text{ if } i = j, \text{ else } 0
#   && \text{one-variable derivative; } z_j \text{ does not appear in } h_i \text{ for } j \ne i\\
# \frac{\partial h}{\partial z} &= \mathrm{diag}\big(f'(z)\big)
#   && \text{collect the entries into an } n \times n \text{ matrix}
# \end{aligned}
# $$
#
# For $f = \tanh$: $\;\partial h/\partial z = \mathrm{diag}(1 - \tanh^2 z)$.

# %% slideshow={"slide_type": "fragment"}
J_hz = numerical_jacobian(np.tanh, z)
off_diagonal = J_hz - np.diag(np.diag(J_hz))
print(verdict("numerical ∂h/∂z vs diag(1 − tanh²(z))", rel_error(J_hz, np.diag(1 - h ** 2))))
print("largest |entry| off the diagonal:", f"{np.abs(off_diagonal).max():.1f}")
# A backward pass never builds this matrix: multiplying by a diagonal is an elementwise product.
_, cache = tanh_forward(z)
print(verdict("tanh_backward(ones) vs the diagonal", rel_error(tanh_backward(np.ones(n), cache),
                                                             np.diag(J_hz))))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\partial(Wx + b)/\partial x = W$ and $\partial(Wx + b)/\partial b = I$
#
# $$
# \begin{aligned}
# z_i &= \textstyle\sum_k W_{ik} x_k + b_i && \text{definition of the matrix–vector product}\\
# \frac{\partial z_i}{\partial x_j} &= W_{ij}
#   && \text{only the term } k = j \text{ contains } x_j \;\;(\text{like } \tfrac{d}{dx}(ax) = a)\\
# \frac{\partial z_i}{\partial b_j} &= [\,i = j\,]
#   && b_j \text{ is added to } z_j \text{ alone} \;\;(\text{like } \tfrac{d}{db}(c + b) = 1)\\
# \frac{\partial z}{\partial x} = W, &\qquad \frac{\partial z}{\partial b} = I
#   && \text{collect the entries}
# \end{aligned}
# $$
#
# Here $[\,i = j\,]$ is 1 when $i = j$ and 0 otherwise (the entries of the identity $I$).

# %% slideshow={"slide_type": "fragment"}
J_zx = numerical_jacobian(lambda v: W @ v + b, x)
J_zb = numerical_jacobian(lambda v: W @ x + v, b)
print("∂z/∂x has shape", J_zx.shape, "and ∂z/∂b has shape", J_zb.shape)
print(verdict("numerical ∂z/∂x vs W", rel_error(J_zx, W)))
print(verdict("numerical ∂z/∂b vs I", rel_error(J_zb, np.eye(n))))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\partial(u^\top h)/\partial u = h^\top$ (and $\partial(u^\top h)/\partial h = u^\top$)
#
# $$
# \begin{aligned}
# s &= \textstyle\sum_k u_k h_k && \text{definition of the dot product}\\
# \frac{\partial s}{\partial u_j} &= h_j, \quad \frac{\partial s}{\partial h_j} = u_j
#   && \text{only the term } k = j \text{ contains } u_j \text{ or } h_j\\
# \frac{\partial s}{\partial u} &= h^\top, \quad \frac{\partial s}{\partial h} = u^\top
#   && \text{one output, so each Jacobian is a } 1 \times n \text{ row}
# \end{aligned}
# $$

# %% slideshow={"slide_type": "fragment"}
J_su = numerical_jacobian(lambda v: v @ h, u)
J_sh = numerical_jacobian(lambda v: u @ v, h)
print("∂s/∂u has shape", J_su.shape)
print(verdict("numerical ∂s/∂u vs hᵀ", rel_error(J_su, h[None, :])))
print(verdict("numerical ∂s/∂h vs uᵀ", rel_error(J_sh, u[None, :])))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Softmax is *not* elementwise
#
# $p_i = e^{z_i} / \sum_k e^{z_k}$ reads every input through the denominator, so its Jacobian is
# full:
#
# $$
# \begin{aligned}
# \frac{\partial p_i}{\partial z_j}
#   &= \frac{[\,i=j\,]\,e^{z_i}}{\sum_k e^{z_k}} - \frac{e^{z_i}\,e^{z_j}}{(\sum_k e^{z_k})^2}
#   && \text{quotient rule}\\
#   &= p_i\,([\,i=j\,] - p_j)
#   && \text{recognise } p_i \text{ and } p_j\\
# \frac{\partial p}{\partial z} &= \mathrm{diag}(p) - p\,p^\top
#   && \text{collect the entries}
# \end{aligned}
# $$

# %% slideshow={"slide_type": "fragment"}
def softmax(v):
    e = np.exp(v - v.max())                   # subtract the max: no overflow (notebook 02)
    return e / e.sum()


p = softmax(z)
J_pz = numerical_jacobian(softmax, z)
print(verdict("numerical ∂p/∂z vs diag(p) − p pᵀ", rel_error(J_pz, np.diag(p) - np.outer(p, p))))
print("every column sums to", f"{abs(J_pz.sum(axis=0)).max():.1f}",
      "(the probabilities always add up to 1)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: backprop through the window classifier
#
# Named-entity recognition (개체명 인식) asks of each word: is it a *location*? A dictionary
# cannot decide ("Paris" is a city in one sentence and Paris Hilton in another), but the
# **context** can. The window classifier looks at the centre word and two neighbours on each
# side, e.g. "museums in **Paris** are amazing" from *the museums in Paris are amazing to see*:
#
# ![The window classifier, forward and backward](../figures/nb04_window_classifier.png)
#
# Each word has a vector in $\mathbb{R}^d$; the five are stacked into $x \in \mathbb{R}^{5d}$,
# then $z = Wx + b$, $h = f(z)$, $s = u^\top h$, and $\sigma(s)$ is the probability that the
# centre word is a location. We differentiate the score $s$; the loss adds one factor at the end.
#
# In the diagram, notice that all three gradients (bottom row) hang off one orange box, $\delta$:
# it is computed once and reused.

# %% slideshow={"slide_type": "subslide"}
d, n = 3, 4                                                  # word-vector size, hidden size
window = ["museums", "in", "paris", "are", "amazing"]
rng = np.random.default_rng(0)
word_vectors = {w: rng.standard_normal(d) for w in window}
x = np.concatenate([word_vectors[w] for w in window])        # (5d,)
W = rng.standard_normal((n, 5 * d)) * 0.4                    # (n, 5d)
b = rng.standard_normal(n) * 0.1                             # (n,)
u = rng.standard_normal(n)                                   # (n,)


def score(x, W, b, u):
    """s = uᵀ tanh(Wx + b) for one window x (5d,)."""
    return u @ np.tanh(W @ x + b)


z = W @ x + b
h = np.tanh(z)
print("x", x.shape, " W", W.shape, " z, h, u", z.shape, " s =", f"{score(x, W, b, u):.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\partial s/\partial b = \delta$
#
# $$
# \begin{aligned}
# \frac{\partial s}{\partial b}
#   &= \frac{\partial s}{\partial h}\,\frac{\partial h}{\partial z}\,\frac{\partial z}{\partial b}
#   && \text{chain rule for Jacobians}\\
#   &= u^\top\; \mathrm{diag}\big(f'(z)\big)\; I
#   && \text{the three Jacobians derived above}\\
#   &= u^\top \circ f'(z)
#   && \text{a row times a diagonal matrix scales entry } i \text{ by } f'(z_i)\\
#   &=: \delta
#   && \text{name it: the error signal at } z,\ \delta = \partial s/\partial z
# \end{aligned}
# $$
#
# $\delta$ is a $1 \times n$ row here (Jacobian form); in numpy it is just a vector of length $n$.

# %% slideshow={"slide_type": "fragment"}
delta = u * (1 - h ** 2)                                      # uᵀ ∘ f'(z), f = tanh
delta_by_matrices = u[None, :] @ np.diag(1 - h ** 2) @ np.eye(n)   # the three Jacobians
db_num = numerical_gradient(lambda v: score(x, W, v, u), b.copy())
print(verdict("uᵀ diag(f'(z)) I vs u ∘ f'(z)", rel_error(delta_by_matrices[0], delta), 1e-12))
print(verdict("δ vs numerical ∂s/∂b", rel_error(delta, db_num)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\partial s/\partial W = \delta^\top x^\top$, an outer product
#
# $$
# \begin{aligned}
# \frac{\partial s}{\partial W_{ij}}
#   &= \textstyle\sum_k \frac{\partial s}{\partial z_k}\,\frac{\partial z_k}{\partial W_{ij}}
#   && \text{chain rule through every } z_k\\
# \frac{\partial z_k}{\partial W_{ij}} &= [\,k = i\,]\; x_j
#   && z_k = \textstyle\sum_l W_{kl} x_l + b_k \text{ contains } W_{ij} \text{ only if } k = i\\
# \frac{\partial s}{\partial W_{ij}} &= \delta_i\, x_j
#   && \text{the sum over } k \text{ keeps only } k = i\\
# \frac{\partial s}{\partial W} &= \delta^\top x^\top
#   && (n \times 1)(1 \times 5d) = n \times 5d \text{, the shape of } W
# \end{aligned}
# $$
#
# Entry $(i, j)$ is "error at $z_i$" times "input $x_j$": a weight's gradient is the signal at
# its output times the value at its input. Arranging the numbers $\partial s/\partial W_{ij}$ in
# a matrix shaped like $W$ is the **shape convention**; *The Jacobian form vs the shape
# convention* below compares it with writing them as one long row.

# %% slideshow={"slide_type": "fragment"}
dW = np.outer(delta, x)                                       # δᵀ xᵀ
dW_num = numerical_gradient(lambda w: score(x, w, b, u), W.copy())
print("∂s/∂W has shape", dW.shape, "— the shape of W", W.shape)
print(verdict("δᵀxᵀ vs numerical ∂s/∂W", rel_error(dW, dW_num)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\partial s/\partial x$, and why $\delta$ is computed once
#
# $$
# \begin{aligned}
# \frac{\partial s}{\partial x} &= \frac{\partial s}{\partial z}\,\frac{\partial z}{\partial x}
#   && \text{chain rule}\\
#   &= \delta\, W && \partial z/\partial x = W \qquad (1 \times n)(n \times 5d) = 1 \times 5d
# \end{aligned}
# $$
#
# As a column (the shape of $x$) that is $(\delta W)^\top = W^\top \delta^\top$; in numpy, where
# `delta` is a 1-D array, `W.T @ delta`. Its five slices of length $d$ are the
# gradients of the five word vectors: the word vectors can be *learned* too.
#
# All three gradients start with the same factor $\partial s/\partial z = \delta$. Backprop
# computes it once, at the node $z$, and hands it to $b$, $W$ and $x$; without that reuse every
# parameter would redo the product $u^\top \mathrm{diag}(f'(z))$ and, in a deep network, every
# layer above it.

# %% slideshow={"slide_type": "fragment"}
dx = W.T @ delta                                              # (δ W)ᵀ = Wᵀ δᵀ
dx_num = numerical_gradient(lambda v: score(v, W, b, u), x.copy())
print(verdict("Wᵀδ vs numerical ∂s/∂x", rel_error(dx, dx_num)))
for word, g_word in zip(window, dx.reshape(5, d), strict=True):
    print(f"  ∂s/∂(vector of {word!r:10}) = {np.round(g_word, 3)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: a layer pair, and the two ways to write a gradient
#
# The derivation becomes a forward/backward pair in the course's style: the forward pass
# stores what the backward pass needs, and the backward pass computes $\delta$ **once**.
# The score's upstream gradient `ds` (1 for $\partial s/\partial\cdot$, $\sigma(s) - y$ for the
# cross-entropy loss) multiplies everything.

# %% slideshow={"slide_type": "fragment"}
def window_forward(x, W, b, u):
    """x (5d,), W (n, 5d), b (n,), u (n,) → s (1,), cache."""
    h = np.tanh(W @ x + b)
    return np.array([u @ h]), (x, W, h, u)


def window_backward(ds, cache):
    """ds (1,) → dx (5d,), dW (n, 5d), db (n,), du (n,)."""
    x, W, h, u = cache
    delta = ds[0] * u * (1 - h ** 2)        # computed once ...
    dx = W.T @ delta                        # ... reused for x,
    dW = np.outer(delta, x)                 # ... for W,
    db = delta                              # ... and for b
    du = ds[0] * h
    return dx, dW, db, du


result = check_layer(window_forward, window_backward, {"x": x, "W": W, "b": b, "u": u},
                     name="window classifier")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The Jacobian form vs the shape convention
#
# Treat $W$ ($n \times 5d$) as one long vector of $n \cdot 5d$ numbers and $\partial s/\partial W$
# is a Jacobian of shape $1 \times (n \cdot 5d)$: one row, as for any scalar function. That form is
# the natural one for the chain rule (everything is a matrix product). An optimiser wants the
# **shape convention** instead, $\partial s/\partial W$ with the shape of $W$, so that
# `W -= lr * dW` just works.
#
# The two hold the same numbers; moving between them is a reshape. The one trap: the order in
# which $W$ was flattened. numpy's `reshape` goes row by row (C order); the $\mathrm{vec}$ of
# most matrix-calculus texts stacks columns (Fortran order). Either is fine if you undo it with
# the same order.

# %% slideshow={"slide_type": "fragment"}
J_sW = numerical_jacobian(lambda w: score(x, w.reshape(n, 5 * d), b, u), W.reshape(-1))
print("Jacobian form:", J_sW.shape, "   shape convention:", dW.shape)
print(verdict("Jacobian form, reshaped row by row, vs δᵀxᵀ", rel_error(J_sW.reshape(n, 5 * d), dW)))
J_vec = numerical_jacobian(lambda w: score(x, w.reshape(n, 5 * d, order="F"), b, u),
                           W.reshape(-1, order="F"))      # W flattened column by column
print(verdict("vec (column-stacked) form, reshaped with order='F', vs δᵀxᵀ",
              rel_error(J_vec.reshape(n, 5 * d, order="F"), dW)))
print(verdict("mixing the two orders (wrong on purpose)",
              rel_error(J_vec.reshape(n, 5 * d), dW)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The full Jacobian with `np.einsum` (tiny sizes only)
#
# Without the shortcut, $\partial z/\partial W$ is a 3-D array $T_{kij} = [\,k=i\,]\,x_j$ of
# shape $n \times n \times 5d$, and the chain rule is a contraction over the shared index $k$:
#
# $$\frac{\partial s}{\partial W_{ij}} = \textstyle\sum_{a}\sum_{k} u_a\,
#   \big[\mathrm{diag}(f'(z))\big]_{ak}\; T_{kij}.$$
#
# `np.einsum` writes that sum as it reads. It gives the same numbers as $\delta^\top x^\top$, but
# stores $n$ times more of them, almost all zeros.

# %% slideshow={"slide_type": "fragment"}
T = np.einsum("ki,j->kij", np.eye(n), x)                       # ∂z_k/∂W_ij, (n, n, 5d)
T_num = numerical_jacobian(lambda w: w.reshape(n, 5 * d) @ x + b, W.reshape(-1))
dW_full = np.einsum("a,ak,kij->ij", u, np.diag(1 - h ** 2), T)
print("T has shape", T.shape, "with", np.count_nonzero(T), "non-zeros out of", T.size)
print(verdict("einsum T vs numerical ∂z/∂W", rel_error(T.reshape(n, -1), T_num)))
print(verdict("full-Jacobian einsum vs δᵀxᵀ", rel_error(dW_full, dW), 1e-12))
n_big, D_big = 100, 5 * 50
print(f"for n = {n_big}, 5d = {D_big}: the full ∂z/∂W holds {n_big * n_big * D_big:,} numbers, "
      f"the shape-convention gradient {n_big * D_big:,}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Column convention vs row (batch) convention
#
# The CS224N lecture writes $z = Wx + b$ with $x$ a column and $W$ of shape $(n, 5d)$.
# `helpers.layers.affine` (like most code) puts one example per **row**: `out = x @ w + b` with
# `x` $(N, 5d)$ and `w` $(5d, n)$, that is, `w` $= W^\top$. Same numbers, transposed:
#
# $$\text{column: } \frac{\partial s}{\partial W} = \delta^\top x^\top \;(n \times 5d)
#   \qquad\text{row: } \frac{\partial s}{\partial w} = x^\top \delta \;(5d \times n)
#   = \Big(\frac{\partial s}{\partial W}\Big)^{\!\top},$$
#
# and for a batch the row form `x.T @ dout` sums the outer products of all $N$ examples
# (notebook 03).

# %% slideshow={"slide_type": "fragment"}
z_row, cache_affine = affine_forward(x[None, :], W.T, b)      # one example as a (1, 5d) row
h_row, cache_tanh = tanh_forward(z_row)
dz_row = tanh_backward(u[None, :], cache_tanh)                # ds/dh = u, then through tanh
dx_row, dw_row, db_row = affine_backward(dz_row, cache_affine)
print("column ∂s/∂W:", dW.shape, "  row ∂s/∂w:", dw_row.shape)
print(verdict("z: x W + b (row) vs W x + b (column)", rel_error(z_row[0], z), 1e-12))
print(verdict("row dz vs δ", rel_error(dz_row[0], delta), 1e-12))
print(verdict("row dw vs (δᵀxᵀ)ᵀ", rel_error(dw_row, dW.T), 1e-12))
print(verdict("row dx vs Wᵀδ", rel_error(dx_row[0], dx), 1e-12))
print(verdict("row db vs δ", rel_error(db_row, delta), 1e-12))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: every gradient, numerically
#
# Each formula so far was checked against central differences as soon as it appeared; the
# `check_layer` call above checked the whole pair at a random upstream gradient. The check
# below repeats it at three more seeds and prints the relative errors themselves
# (machine-dependent, so nbval does not compare them).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
for seed in (1, 2, 3):
    r = check_layer(window_forward, window_backward, {"x": x, "W": W, "b": b, "u": u},
                    seed=seed, verbose=False)
    print(f"seed {seed}: {r.details()}   passed: {r.passed}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: the Jacobian explorer
#
# Pick an operation and move its four inputs. The heat-map is the Jacobian
# (rows: outputs, columns: inputs or parameters; purple positive, orange negative). Things to
# try: push a tanh input to ±3 and watch its diagonal entry fade (saturation); compare sigmoid's
# colours with tanh's ($\sigma' \le 1/4$); look for $x$ inside the Jacobian of $Wx + b$ with
# respect to $W$; see softmax fill in off the diagonal.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
explorer = jacobian_explorer()
explorer

# %% slideshow={"slide_type": "subslide"}
jacobian_explorer_figure()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The default state (tanh at $x = (-1.5, -0.3, 0.4, 2.0)$): only the diagonal is coloured, and
# the inputs far from 0 ($x_1 = -1.5$, $x_4 = 2.0$) get the palest entries, because tanh is
# flat there.

# %% slideshow={"slide_type": "subslide"}
jacobian_explorer_figure("affine_W")

# %% [markdown] slideshow={"slide_type": "fragment"}
# For $z = Wx + b$ with respect to the 12 entries of $W$ (flattened row by row), each output
# $z_i$ sees only its own row of $W$, and there the entries are $x$ itself: the block pattern is
# $\partial z_k/\partial W_{ij} = [k = i]\,x_j$, the same $T$ that `np.einsum` built above.

# %% slideshow={"slide_type": "skip"} tags=["nbval-ignore-output"]
# How fast is the widget? Machine-dependent: wall-clock time grows when other programs share
# the CPU, so the CPU time of this process is printed too. Targets: < 20 ms and < 100 ms.
slider = explorer.children[1].children[0]
t_wall, t_cpu = time.perf_counter(), time.process_time()
for op in ["tanh", "softmax", "affine_W"] * 10:
    jacobian_data(op, [0.3, -1.0, 0.5, 2.0])
pure = (1e3 * (time.perf_counter() - t_wall) / 30, 1e3 * (time.process_time() - t_cpu) / 30)
t_wall, t_cpu = time.perf_counter(), time.process_time()
for value in (-1.0, 0.0, 1.0):
    slider.value = value                          # recompute + update artists + render
redraw = (1e3 * (time.perf_counter() - t_wall) / 3, 1e3 * (time.process_time() - t_cpu) / 3)
print(f"pure function: {pure[0]:.1f} ms per call ({pure[1]:.1f} ms CPU); "
      f"slider move: {redraw[0]:.0f} ms ({redraw[1]:.0f} ms CPU)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Putting it to work: a tiny location tagger
#
# Sixteen sentences, locations in brackets. Words seen only once become `<unk>`, so the
# classifier must learn what an unknown word in a location-like *context* means; `<pad>` fills
# the window at the sentence ends.

# %% slideshow={"slide_type": "subslide"}
CORPUS = """the museums in [paris] are amazing to see
we flew from [seoul] to [tokyo] last spring
she was born in [busan] and studied in [seoul]
paris hilton is in the news again
the trains to [berlin] are fast and cheap
he moved to [london] for a new job
my sister lives in [rome] with two cats
the food in [madrid] is amazing
they drove from [lyon] to [paris] at night
the weather in [oslo] is cold in winter
we met him in [cairo] near the old market
the museum is closed on monday
she reads the news every morning
the old market sells fresh food
he likes fast trains and cold weather
my friends travel to [vienna] every winter""".splitlines()
PAD, UNK = "<pad>", "<unk>"

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each sentence becomes words and 0/1 labels; the vocabulary keeps words seen at least twice;
# every word yields one window of five ids (its own and two neighbours each side).

# %% slideshow={"slide_type": "fragment"}
def parse(line):
    """'in [paris] now' → (['in', 'paris', 'now'], [0, 1, 0])."""
    tokens = line.split()
    return [t.strip("[]") for t in tokens], [int(t.startswith("[")) for t in tokens]


sentences = [parse(line) for line in CORPUS]
counts = Counter(w for words, _ in sentences for w in words)
vocab = [PAD, UNK] + sorted(w for w, c in counts.items() if c >= 2)
index = {w: i for i, w in enumerate(vocab)}


def make_windows(sentences):
    """Every word with two neighbours each side → ids (N, 5) and labels (N,)."""
    ids, labels = [], []
    for words, tags in sentences:
        padded = [PAD, PAD] + words + [PAD, PAD]
        for t, tag in enumerate(tags):
            ids.append([index.get(w, index[UNK]) for w in padded[t:t + 5]])
            labels.append(tag)
    return np.array(ids), np.array(labels, dtype=float)


ids, y = make_windows(sentences)
print(f"{len(sentences)} sentences, {len(vocab)} words in the vocabulary, {len(ids)} windows, "
      f"{int(y.sum())} locations")
print("the window around 'paris' in sentence 1:", [vocab[i] for i in ids[3]], "→ label", int(y[3]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The batched backward pass
#
# For a batch of $N$ windows the examples go in **rows**: $X$ $(N, 5d)$, one window per row, and
# the per-window $\delta$s (each a $1 \times n$ row) stacked into $\Delta$ $(N, n)$. $W$ keeps
# the lecture's shape $(n, 5d)$, so the layer is $Z = XW^\top + b$ (row $t$ is
# $(Wx_t + b)^\top$). The loss is the mean binary cross-entropy of $\sigma(s)$, and with
# $\sigma' = \sigma(1 - \sigma)$ (notebook 02) each window's term has a short derivative:
#
# $$\frac{\partial}{\partial s}\Big[-y\log\sigma(s) - (1 - y)\log\big(1 - \sigma(s)\big)\Big]
#   = -y\,(1 - \sigma) + (1 - y)\,\sigma = \sigma(s) - y,$$
#
# the two-class case of notebook 02's $p - y$. Divided by $N$ (the mean), that is the `ds` of
# the layer pair above; each window's $\delta$ is multiplied by its `ds`, so $\Delta$ holds
# $\partial L/\partial Z$. Then $\partial L/\partial W = \Delta^\top X$ $(n, 5d)$ sums the outer
# products $\delta^\top x^\top$ of all windows, and the word vectors $E$ $(V, d)$, one row per
# vocabulary word, receive $\partial L/\partial X$ slice by slice: a word used in several
# windows or positions **sums** its gradients (a fork, notebook 01), which is what `np.add.at`
# does.

# %% slideshow={"slide_type": "fragment"}
def loss_and_grads(E, W, b, u, ids, y):
    """E (V, d), W (n, 5d), b (n,), u (n,), ids (N, 5), y (N,) → loss, (dE, dW, db, du)."""
    N = len(ids)
    X = E[ids].reshape(N, -1)                       # (N, 5d): the five vectors side by side
    H = np.tanh(X @ W.T + b)                        # (N, n)
    P = sigmoid(H @ u)                              # (N,) probability of "location"
    loss = -np.mean(y * np.log(P) + (1 - y) * np.log(1 - P))
    ds = (P - y) / N                                # ∂L/∂s for each window
    Delta = ds[:, None] * u * (1 - H ** 2)          # (N, n): one δ per window, computed once
    dW = Delta.T @ X                                # Σ over windows of δᵀxᵀ
    db = Delta.sum(axis=0)
    du = H.T @ ds
    dX = Delta @ W                                  # (N, 5d): one δW per window
    dE = np.zeros_like(E)
    np.add.at(dE, ids, dX.reshape(N, 5, -1))        # forks sum: repeated words accumulate
    return loss, (dE, dW, db, du)


# %% [markdown] slideshow={"slide_type": "subslide"}
# Fresh parameters for the tagger (word vectors of size $d = 8$, hidden size $n = 12$), then a
# check of all four gradients on all 119 windows. Summed over many windows, some entries of
# $\partial L/\partial W$ nearly cancel, and the plain central difference's round-off (of order
# $10^{-16}\,|L|/h$) is no longer small *relative to such a tiny entry*. So the check uses
# `richardson=True` at $h = 10^{-3}$, as `check_layer` does: a large step has a hundred times
# less round-off, and combining the steps $h$ and $h/2$ cancels the $O(h^2)$ error.

# %% slideshow={"slide_type": "fragment"}
d, n = 8, 12
rng = np.random.default_rng(0)
params = {"E": rng.normal(0, 0.5, (len(vocab), d)),
          "W": rng.normal(0, 1 / np.sqrt(5 * d), (n, 5 * d)),
          "b": np.zeros(n),
          "u": rng.normal(0, 1 / np.sqrt(n), n)}
loss0, grads = loss_and_grads(*params.values(), ids, y)
print(f"loss at the start: {loss0:.4f} on {len(ids)} windows")
for (name, value), grad in zip(params.items(), grads, strict=True):
    # the gradient is taken by nudging `value` in place, and params holds that very array
    num = numerical_gradient_array(lambda _: loss_and_grads(*params.values(), ids, y)[0],
                                   value, np.array(1.0), h=1e-3, richardson=True)
    print(verdict(f"d{name} vs numerical", rel_error(grad, num)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training
#
# Plain full-batch gradient descent, every parameter in the shape convention, so each update is
# one line.

# %% slideshow={"slide_type": "fragment"}
lr, steps = 1.0, 400
history = []
for _ in range(steps):
    loss, grads = loss_and_grads(*params.values(), ids, y)
    history.append(loss)
    for value, grad in zip(params.values(), grads, strict=True):
        value -= lr * grad                           # W -= lr * dW: shapes match


def scores(params, ids):
    """s for every window: (N, 5) ids → (N,) log-odds that the centre word is a location."""
    E, W, b, u = params.values()
    return np.tanh(E[ids].reshape(len(ids), -1) @ W.T + b) @ u


def predict(params, ids):
    return sigmoid(scores(params, ids))


P_train = predict(params, ids)
print(f"loss {history[0]:.3f} → {history[-1]:.4f} after {steps} steps")
print(f"training accuracy: {np.mean((P_train > 0.5) == y):.0%} of {len(y)} windows, "
      f"{int(((P_train > 0.5) & (y == 1)).sum())} of {int(y.sum())} locations found")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(6.4, 3.2))
ax.semilogy(history, color=hp.FORWARD)
ax.set(title="Training loss of the window classifier", xlabel="gradient-descent step",
       ylabel="mean cross-entropy (log scale)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The loss falls by three orders of magnitude in a few hundred steps: sixteen sentences are easy
# to fit. The interesting question is what it does with sentences it has never seen.

# %% slideshow={"slide_type": "subslide"}
TEST = """the hotels in [lisbon] are cheap
we flew to [lima] last winter
paris hilton flew to [tokyo]
the market in [seoul] sells fresh food""".splitlines()
test_sentences = [parse(line) for line in TEST]
test_ids, test_y = make_windows(test_sentences)
P_test = predict(params, test_ids)
print(f"test accuracy: {np.mean((P_test > 0.5) == test_y):.0%} of {len(test_y)} windows")
print("P(location) of every word (* = not in the vocabulary, read as <unk>):")
start = 0
for words, _ in test_sentences:
    probs = P_test[start:start + len(words)]
    start += len(words)
    print("  " + "  ".join(f"{w}{'*' if w not in index else ''} {p:.2f}"
                           for w, p in zip(words, probs, strict=True)))

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(2, 2, figsize=(9.5, 4.8), sharey=True)
S_test = scores(params, test_ids)
start = 0
for ax, (words, tags) in zip(axes.ravel(), test_sentences, strict=True):
    s_words = S_test[start:start + len(words)]
    start += len(words)
    ax.bar(range(len(words)), s_words, color=[hp.HIGHLIGHT if t else hp.FORWARD for t in tags])
    ax.set_xticks(range(len(words)))
    ax.set_xticklabels([w if w in index else w + "*" for w in words], fontsize=9)
    ax.axhline(0, color=hp.NEUTRAL, lw=0.8)
for ax in axes[:, 0]:
    ax.set_ylabel("score s (log-odds)")
for ax in axes[1]:
    ax.set_xlabel("test-sentence word (* = read as <unk>)")
fig.suptitle("Unseen sentences: s > 0 means \"location\"; orange = true location, blue = not")
fig.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Only the true locations get a positive score. "lisbon" and "lima" were never in the training
# text (and "tokyo" only once, too rarely to get its own vector), so they enter as `<unk>`; the
# classifier still calls them locations because of the words around them ("hotels in …",
# "flew to …"), while "paris" in "paris hilton" is **not** tagged: the window sees the context,
# not just the word.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# ### Exercise 1 — the Jacobian of an elementwise sigmoid
#
# Write `sigmoid_jacobian(z)` returning the full $n \times n$ Jacobian of $\sigma$ applied
# elementwise to `z` (shape `(n,)`). `sigmoid` from `helpers.layers` is imported.

# %% slideshow={"slide_type": "subslide"}
def sigmoid_jacobian(z):
    """z (n,) → J (n, n) with J[i, j] = ∂σ(z_i)/∂z_j."""
    J = None  # TODO
    return J


check_sigmoid_jacobian(sigmoid_jacobian)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Solution</summary>
#
# Elementwise, so diagonal, with $\sigma' = \sigma(1 - \sigma)$ on it:
# `s = sigmoid(z); J = np.diag(s * (1 - s))`.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — δ and ∂s/∂W for the window classifier
#
# For $s = u^\top \tanh(Wx + b)$ return `delta` $= \partial s/\partial z$ (shape `(n,)`) and
# `dW` $= \partial s/\partial W$ in the shape convention (shape of `W`).

# %% slideshow={"slide_type": "subslide"}
def window_delta_and_dW(x, W, b, u):
    """x (5d,), W (n, 5d), b (n,), u (n,) → delta (n,), dW (n, 5d)."""
    delta = None  # TODO
    dW = None  # TODO
    return delta, dW


check_window_backward(window_delta_and_dW)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Solution</summary>
#
# ```python
# h = np.tanh(W @ x + b)
# delta = u * (1 - h ** 2)        # uᵀ ∘ f'(z)
# dW = np.outer(delta, x)         # δᵀ xᵀ, shape (n, 5d)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — from a Jacobian to the shape convention
#
# You are given `dz` $= \partial s/\partial z$ (shape `(n,)`) and the full Jacobian `J` of
# $z = Wx + b$ with respect to $W$ flattened row by row (shape `(n, n·D)`, like the explorer's
# "wrt W" view). Return $\partial s/\partial W$ with the shape `W_shape` $= (n, D)$.

# %% slideshow={"slide_type": "subslide"}
def gradient_from_jacobian(dz, J, W_shape):
    """dz (n,), J (n, n·D), W_shape (n, D) → ∂s/∂W of shape (n, D)."""
    # TODO: chain rule in Jacobian form, then undo the flattening
    raise NotImplementedError


check_gradient_from_jacobian(gradient_from_jacobian)

# %% [markdown] slideshow={"slide_type": "fragment"}
# <details><summary>Solution</summary>
#
# The chain rule gives the Jacobian form, a row of $n \cdot D$ numbers: `dz @ J`. $W$ was
# flattened row by row, so numpy's default reshape undoes it: `(dz @ J).reshape(W_shape)`, which
# equals `np.outer(dz, x)`.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - A function $\mathbb{R}^n \to \mathbb{R}^m$ has an $m \times n$ Jacobian; the chain rule
#   multiplies Jacobians, and a backward pass multiplies them from the output end.
# - Elementwise activations have diagonal Jacobians, so in code they are elementwise products;
#   $\partial(Wx+b)/\partial x = W$, $\partial(Wx+b)/\partial b = I$,
#   $\partial(u^\top h)/\partial u = h^\top$.
# - The error signal $\delta = \partial s/\partial z = u^\top \circ f'(z)$ is computed once and
#   reused: $\partial s/\partial b = \delta$, $\partial s/\partial W = \delta^\top x^\top$,
#   $\partial s/\partial x = \delta W$.
# - Jacobian form for deriving, shape convention for updating; a reshape (in the same order as
#   the flattening) moves between them. Row convention $xW + b$ gives the transposed gradient.
# - Every formula here was checked against central differences; do the same for every new layer.
#
# Next: [05 — Convolution backprop](05_convolution.ipynb), where $\delta$ meets a kernel that
# slides.
