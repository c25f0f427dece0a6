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
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/04_jacobians_and_shape_convention.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/04_jacobians_and_shape_convention.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. The promise: notebooks 01–03 multiplied local gradients one number or one matrix at a
# time; here the same chain rule is written with Jacobians, and we learn when to write a gradient
# as a Jacobian and when in the parameter's shape. Plan two lectures: up to the end of the window
# classifier's derivation, then the implementation, the tagger and the exercises.

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
# - Train a tiny location tagger with these gradients, and test it on sentences it never saw.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb):
#   downstream = upstream × local, numerical gradients and relative error.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb):
#   the local gradients $\sigma' = \sigma(1-\sigma)$ and $\tanh' = 1 - \tanh^2$.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): $dW = X^\top dD$,
#   summing over broadcast axes.

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
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np

import helpers.plotting as hp
from helpers.exercises._check import progress
from helpers.exercises.nb04 import (
    check_jacobian_form,
    check_sigmoid_jacobian,
    check_window_gradients,
)
from helpers.gradcheck import (
    check_layer,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
    verdict,
)
from helpers.gradcheck import numerical_jacobian as reference_numerical_jacobian
from helpers.layers import affine_backward, affine_forward, sigmoid, tanh_backward, tanh_forward
from helpers.widgets.jacobian_explorer import jacobian_explorer, jacobian_explorer_figure

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

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Start from one-variable calculus: a derivative is one number; with $n$ inputs it is
# a row of $n$ numbers; with $m$ outputs, a table. Ask the room: "how many numbers does
# $\partial z/\partial W$ hold for a 100 × 250 weight matrix?" — keep the answer (2.5 million)
# for the einsum slide. Run the cell: the hand-made gradient matches central differences.

# %% slideshow={"slide_type": "fragment"}
def f(x):
    return x[0] * x[1] + x[2] ** 2


x0 = np.array([1.0, -2.0, 0.5])
grad_by_hand = np.array([x0[1], x0[0], 2 * x0[2]])           # [x2, x1, 2 x3]
print("gradient by hand:", grad_by_hand)
print(verdict("by hand vs numerical_gradient", rel_error(grad_by_hand, numerical_gradient(f, x0))))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Many outputs: the Jacobian
#
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A Jacobian, numerically, one row at a time
#
# Row $i$ is the gradient of $\sum_k g_k\, e_{i,k} = g_i$ ($e_i$ is the $i$-th unit vector), which
# `numerical_gradient_array(g, x, dout=e_i)` (notebook 01) already computes. The course keeps the
# same function, with input checks, as `helpers.gradcheck.numerical_jacobian`.

# %% slideshow={"slide_type": "-"}
def numerical_jacobian(g, x):
    """(m, n) central-difference Jacobian of g at x, built one row (one output) at a time."""
    out = np.asarray(g(x))
    J = np.zeros((out.size, x.size))
    for i in range(out.size):
        e_i = np.zeros(out.size)
        e_i[i] = 1.0                                      # pick output i
        J[i] = numerical_gradient_array(g, x, e_i.reshape(out.shape)).ravel()
    return J


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def g(x):
    return np.array([x[0] * x[1], x[1] + x[2] ** 2])


J_by_hand = np.array([[x0[1], x0[0], 0.0],                   # [[x2, x1, 0   ],
                      [0.0, 1.0, 2 * x0[2]]])                #  [0,  1,  2x3]]
J_num = numerical_jacobian(g, x0)
print("J by hand (2 × 3):\n", J_by_hand)
print(verdict("by hand vs numerical_jacobian", rel_error(J_by_hand, J_num)))
print(verdict("this function vs the helpers' numerical_jacobian",
              rel_error(J_num, reference_numerical_jacobian(g, x0)), 1e-12))
eps = np.array([1e-4, -2e-4, 3e-4])
print(verdict("g(x + ε) vs g(x) + J ε (first order)",
              rel_error(g(x0 + eps), g(x0) + J_by_hand @ eps), 1e-6))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The chain rule multiplies Jacobians
#
# The chain rule (연쇄 법칙) keeps its one-variable form, with matrices: for $y = g(f(x))$ with
# $f: \mathbb{R}^n \to \mathbb{R}^k$ and $g: \mathbb{R}^k \to \mathbb{R}^m$,
#
# $$\frac{\partial y}{\partial x} = \frac{\partial y}{\partial f}\,\frac{\partial f}{\partial x}
#   \qquad (m \times k)\,(k \times n) = (m \times n).$$
#
# "Downstream = upstream × local" from notebook 01 is this product, read from the left. The
# check: a tanh layer $\mathbb{R}^3 \to \mathbb{R}^2$ followed by a small $\mathbb{R}^2 \to
# \mathbb{R}^2$ function.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
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
# $s$ a number. Each Jacobian below is derived, then computed numerically as a full matrix and
# compared.
#
# **Convention.** Until *Column convention vs row (batch) convention*, vectors ($x, b, z, h, u$)
# are **columns** and a layer is $Wx + b$, as in the CS224N lecture; the derivative of the number
# $s$ with respect to a vector is then a $1 \times n$ **row**. The course's `helpers.layers` put
# one example per **row** ($xW + b$); that section shows the two agree, transposed.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 15 min for the four Jacobians. For each, write one entry $\partial z_i/\partial x_j$ on the
# board, say which rule gives it, then collect the entries into a matrix; only then show the
# slide. Ask: "which of these Jacobians would you never build in code?" (the diagonal one: it is
# an elementwise product) and "which one is *not* diagonal though it looks elementwise?"
# (softmax). The checks compare each with a numerical Jacobian.

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
#   && \text{one-variable derivative; } h_i \text{ has no } z_j,\ j \ne i\\
# \frac{\partial h}{\partial z} &= \mathrm{diag}\big(f'(z)\big)
#   && \text{collect the entries: an } n \times n \text{ matrix}
# \end{aligned}
# $$
#
# For $f = \tanh$: $\;\partial h/\partial z = \mathrm{diag}(1 - \tanh^2 z)$. A backward pass never
# builds this matrix: multiplying by a diagonal matrix is an elementwise product.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
J_hz = numerical_jacobian(np.tanh, z)
off_diagonal = J_hz - np.diag(np.diag(J_hz))
print(verdict("numerical ∂h/∂z vs diag(1 − tanh²(z))", rel_error(J_hz, np.diag(1 - h ** 2))))
print("largest |entry| off the diagonal:", f"{np.abs(off_diagonal).max():.1f}")
_, cache = tanh_forward(z)
print(verdict("tanh_backward(ones) vs the diagonal", rel_error(tanh_backward(np.ones(n), cache),
                                                             np.diag(J_hz))))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\partial(Wx + b)/\partial x = W$ and $\partial(Wx + b)/\partial b = I$
#
# $$
# \begin{aligned}
# z_i &= \textstyle\sum_k W_{ik} x_k + b_i && \text{the matrix–vector product}\\
# \frac{\partial z_i}{\partial x_j} &= W_{ij}
#   && \text{only } k = j \text{ contains } x_j \;\;(\text{like } \tfrac{d}{dx}(ax) = a)\\
# \frac{\partial z_i}{\partial b_j} &= [\,i = j\,]
#   && b_j \text{ is added to } z_j \text{ alone} \;\;(\text{like } \tfrac{d}{db}(c + b) = 1)\\
# \frac{\partial z}{\partial x} = W, &\qquad \frac{\partial z}{\partial b} = I
#   && \text{collect the entries}
# \end{aligned}
# $$
#
# Here $[\,i = j\,]$ is 1 when $i = j$ and 0 otherwise (the entries of the identity $I$).

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
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
# s &= \textstyle\sum_k u_k h_k && \text{the dot product}\\
# \frac{\partial s}{\partial u_j} &= h_j, \quad \frac{\partial s}{\partial h_j} = u_j
#   && \text{only the term } k = j \text{ contains } u_j \text{ or } h_j\\
# \frac{\partial s}{\partial u} &= h^\top, \quad \frac{\partial s}{\partial h} = u^\top
#   && \text{one output, so each Jacobian is a } 1 \times n \text{ row}
# \end{aligned}
# $$

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
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

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
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
# **context** can. The window classifier of the CS224N lecture looks at the centre word and two
# neighbours on each side, e.g. "museums in **Paris** are amazing" from *the museums in Paris are
# amazing to see*.
#
# Each word has a vector in $\mathbb{R}^d$; the five are stacked into $x \in \mathbb{R}^{5d}$,
# then $z = Wx + b$, $h = f(z)$, $s = u^\top h$, and $\sigma(s)$ is the probability that the
# centre word is a location. We differentiate the score $s$; a loss adds one factor at the end.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 20 min for the section. Draw the window on the board: five small columns stacked into one
# long one. Ask: "what can the classifier use to call an unknown word a location?" (only its
# neighbours — keep that for the tagger at the end). Then derive ∂s/∂b, ∂s/∂W and ∂s/∂x with the
# room, pointing at the common factor each time: that factor is δ.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The window classifier, forward and backward
#
# ![The window classifier: five word vectors stacked into x, then z = Wx + b, h = f(z), s = uᵀh and σ(s) in blue; underneath, in orange, δ computed once from ∂s/∂h and ∂h/∂z and handed to ∂s/∂W, ∂s/∂b and ∂s/∂x](../figures/nb04_window_classifier.png)
#
# Notice that all three gradients (bottom row) hang off one orange box, $\delta$: it is computed
# once and reused.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One window, in numbers
#
# Word vectors of size $d = 3$, a hidden layer of $n = 4$ units, random numbers for now (the
# tagger at the end learns them):

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
d, n = 3, 4                                                  # word-vector size, hidden size
window = ["museums", "in", "paris", "are", "amazing"]
rng = np.random.default_rng(0)
x = np.concatenate([rng.standard_normal(d) for _ in window])  # (5d,): the five vectors stacked
W = rng.standard_normal((n, 5 * d)) * 0.4                    # (n, 5d)
b = rng.standard_normal(n) * 0.1                             # (n,)
u = rng.standard_normal(n)                                   # (n,)
print("x", x.shape, "  W", W.shape, "  b, u", b.shape)


# %% slideshow={"slide_type": "fragment"}
def score(x, W, b, u):
    """s = uᵀ tanh(Wx + b) for one window x (5d,)."""
    return u @ np.tanh(W @ x + b)


z = W @ x + b                                                 # (n,)
h = np.tanh(z)                                                # (n,)
print("z, h", z.shape, "  s =", f"{score(x, W, b, u):.4f}")

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
#   && \text{a row times a diagonal: entry } i \text{ scaled by } f'(z_i)\\
#   &=: \delta
#   && \text{the error signal at } z,\ \delta = \partial s/\partial z
# \end{aligned}
# $$
#
# $\delta$ is a $1 \times n$ row here (Jacobian form); in numpy it is a vector of length $n$.

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
#   && z_k = \textstyle\sum_l W_{kl} x_l + b_k \text{ has } W_{ij} \text{ only if } k = i\\
# \frac{\partial s}{\partial W_{ij}} &= \delta_i\, x_j
#   && \text{the sum over } k \text{ keeps only } k = i\\
# \frac{\partial s}{\partial W} &= \delta^\top x^\top
#   && (n \times 1)(1 \times 5d) = n \times 5d \text{, the shape of } W
# \end{aligned}
# $$
#
# A weight's gradient is the signal at its output ($\delta_i$) times the value at its input
# ($x_j$). Arranging these numbers in a matrix shaped like $W$ is the **shape convention**.

# %% slideshow={"slide_type": "fragment"}
dW = np.outer(delta, x)                                       # δᵀ xᵀ
dW_num = numerical_gradient(lambda w: score(x, w, b, u), W.copy())
print("∂s/∂W has shape", dW.shape, "— the shape of W", W.shape)
print(verdict("δᵀxᵀ vs numerical ∂s/∂W", rel_error(dW, dW_num)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $\partial s/\partial x$, and why $\delta$ is computed once
#
# $$
# \frac{\partial s}{\partial x} = \frac{\partial s}{\partial z}\,\frac{\partial z}{\partial x}
#   = \delta\, W \qquad (1 \times n)(n \times 5d) = 1 \times 5d
# $$
#
# As a column (the shape of $x$) that is $W^\top \delta^\top$: `W.T @ delta` in numpy. Its five
# slices of length $d$ are the gradients of the five word vectors, so the word vectors can be
# *learned* too. All three gradients start with the same factor $\partial s/\partial z = \delta$:
# backprop computes it once, at $z$, and hands it to $b$, $W$ and $x$; in a deep network every
# layer below reuses it the same way.

# %% slideshow={"slide_type": "fragment"}
dx = W.T @ delta                                              # (δ W)ᵀ = Wᵀ δᵀ
dx_num = numerical_gradient(lambda v: score(v, W, b, u), x.copy())
print(verdict("Wᵀδ vs numerical ∂s/∂x", rel_error(dx, dx_num)))
for word, g_word in zip(window, dx.reshape(5, d), strict=True):
    print(f"  ∂s/∂(vector of {word!r:10}) = {np.round(g_word, 3)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: a layer pair, and the two ways to write a gradient
#
# The derivation becomes a forward/backward pair in the course's style: the forward pass stores
# what the backward pass needs, and the backward pass computes $\delta$ **once**. The score's
# upstream gradient `ds` (1 for $\partial s/\partial\cdot$; $\sigma(s) - y$ for the
# cross-entropy loss, as we will see) multiplies everything.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 15 min for the section. Put the derivation next to the backward function: one line per
# result. Ask: "where would a second, identical computation of δ hide if we did not name it?"
# Then the two ways to write ∂s/∂W (a long row vs W's shape) and the row convention of
# `helpers.layers`: same numbers, transposed. The einsum slide is optional in a short lecture.

# %% slideshow={"slide_type": "fragment"}
def window_forward(x, W, b, u):
    """x (5d,), W (n, 5d), b (n,), u (n,) → s (1,), cache."""
    h = np.tanh(W @ x + b)
    return np.array([u @ h]), (x, W, h, u)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The backward pass: $\delta$ once, then three products

# %% slideshow={"slide_type": "-"}
def window_backward(ds, cache):
    """ds (1,) → dx (5d,), dW (n, 5d), db (n,), du (n,)."""
    x, W, h, u = cache
    delta = ds[0] * u * (1 - h ** 2)        # computed once ...
    dx = W.T @ delta                        # ... reused for x,
    dW = np.outer(delta, x)                 # ... for W,
    db = delta                              # ... and for b
    du = ds[0] * h
    return dx, dW, db, du


# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
result = check_layer(window_forward, window_backward, {"x": x, "W": W, "b": b, "u": u},
                     name="window classifier")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The Jacobian form vs the shape convention
#
# Treat $W$ ($n \times 5d$) as one long vector of $n \cdot 5d$ numbers and $\partial s/\partial W$
# is a Jacobian of shape $1 \times (n \cdot 5d)$: one row, as for any function with one output.
# That form suits the chain rule (everything is a matrix product). An optimiser wants the
# **shape convention**, $\partial s/\partial W$ shaped like $W$, so that `W -= lr * dW` just works.
#
# The two hold the same numbers; a reshape moves between them. The one trap is the order in which
# $W$ was flattened: numpy's `reshape` goes row by row (C order); the $\mathrm{vec}$ of most
# matrix-calculus texts stacks columns (Fortran order). Undo a flattening in its own order.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
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
# shape $n \times n \times 5d$, and the chain rule is a contraction over the shared indices:
#
# $$\frac{\partial s}{\partial W_{ij}} = \textstyle\sum_{a}\sum_{k} u_a\,
#   \big[\mathrm{diag}(f'(z))\big]_{ak}\; T_{kij}.$$
#
# `np.einsum` writes that sum as it reads. It gives the numbers of $\delta^\top x^\top$, but
# stores $n$ times more of them, almost all zeros.

# %% slideshow={"slide_type": "fragment"}
T = np.einsum("ki,j->kij", np.eye(n), x)                       # ∂z_k/∂W_ij, (n, n, 5d)
dW_full = np.einsum("a,ak,kij->ij", u, np.diag(1 - h ** 2), T)  # the chain rule, summed
print("T has shape", T.shape, "with", np.count_nonzero(T), "non-zeros out of", T.size)

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
T_num = numerical_jacobian(lambda w: w.reshape(n, 5 * d) @ x + b, W.reshape(-1))
print(verdict("einsum T vs numerical ∂z/∂W", rel_error(T.reshape(n, -1), T_num)))
print(verdict("full-Jacobian einsum vs δᵀxᵀ", rel_error(dW_full, dW), 1e-12))
n_big, D_big = 100, 5 * 50
print(f"for n = {n_big}, 5d = {D_big}: the full ∂z/∂W holds {n_big * n_big * D_big:,} numbers, "
      f"the shape-convention gradient {n_big * D_big:,}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Column convention vs row (batch) convention
#
# The lecture writes $z = Wx + b$ with $x$ a column and $W$ of shape $(n, 5d)$.
# `helpers.layers.affine` (like most code) puts one example per **row**: `out = x @ w + b` with
# `x` $(N, 5d)$ and `w` $(5d, n)$, that is, `w` $= W^\top$. Same numbers, transposed:
#
# $$\text{column: } \frac{\partial s}{\partial W} = \delta^\top x^\top \;(n \times 5d)
#   \qquad\text{row: } \frac{\partial s}{\partial w} = x^\top \delta \;(5d \times n)
#   = \Big(\frac{\partial s}{\partial W}\Big)^{\!\top}.$$
#
# For a batch, the row form `x.T @ dout` sums the outer products of all $N$ examples
# (notebook 03).

# %% slideshow={"slide_type": "fragment"}
z_row, cache_affine = affine_forward(x[None, :], W.T, b)      # one example as a (1, 5d) row
h_row, cache_tanh = tanh_forward(z_row)
dz_row = tanh_backward(u[None, :], cache_tanh)                # ds/dh = u, then through tanh
dx_row, dw_row, db_row = affine_backward(dz_row, cache_affine)
print("column ∂s/∂W:", dW.shape, "  row ∂s/∂w:", dw_row.shape)

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
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

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Point out the size of the errors (around 1e-10 or below) and why they differ per
# gradient: the central difference's error grows with the size of the entries it divides. Ask:
# "what relative error would a forgotten f′(z) give?" (of order 1 — nothing in between).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
for seed in (1, 2, 3):
    r = check_layer(window_forward, window_backward, {"x": x, "W": W, "b": b, "u": u},
                    seed=seed, verbose=False)
    print(f"seed {seed}: {r.details()}   passed: {r.passed}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: the Jacobian explorer
#
# Pick an operation and move its four inputs. The heat-map is the Jacobian (rows: outputs;
# columns: inputs or parameters; purple positive, orange negative). Things to try: push a tanh
# input to ±3 and watch its diagonal entry fade (saturation); compare sigmoid's colours with
# tanh's ($\sigma' \le 1/4$); find $x$ inside the Jacobian of $Wx + b$ with respect to $W$; see
# softmax fill in off the diagonal.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 8 min, live. Start on tanh and drag x₁ to ±3: the entry fades (saturation, notebook 02).
# Switch to softmax: ask the room to predict the sign of the off-diagonal entries before showing
# them (always negative: raising one score lowers every other probability). End on "wrt W": the
# input x appears, copied once per row — the outer product δᵀxᵀ in picture form.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
explorer = jacobian_explorer()
explorer

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The default state: tanh

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
jacobian_explorer_figure()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The explorer's default (tanh at $x = (-1.5, -0.3, 0.4, 2.0)$): only the diagonal is coloured,
# and the inputs far from 0 ($x_1 = -1.5$, $x_4 = 2.0$) get the palest entries, because tanh is
# flat there.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $z = Wx + b$, with respect to $W$

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
jacobian_explorer_figure("affine_W")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With respect to the 12 entries of $W$ (flattened row by row), each output $z_i$ sees only its
# own row of $W$, and there the entries are $x$ itself: the block pattern is
# $\partial z_k/\partial W_{ij} = [k = i]\,x_j$, the same $T$ that `np.einsum` built above.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Putting it to work: a tiny location tagger
#
# Sixteen sentences written for this notebook, locations in brackets. Words seen only once
# become `<unk>`, so the tagger must learn what an unknown word in a location-like *context*
# means; `<pad>` fills the window at the sentence ends. Then we test it on sentences it never saw.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 12 min. The point is not the tagger but that the gradients of this notebook train it: every
# update is `W -= lr * dW` in the shape convention. Before showing the test, ask the room to
# predict: "which words of the unseen sentences will it call locations, and why?" The honest
# answer at the end: a context rule (a word right after *in* or *to*), with its misfires.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The training text

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
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
print("\n".join(CORPUS))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### From sentences to windows
#
# Each sentence becomes words and 0/1 labels; the vocabulary keeps the words seen at least twice
# (every other word is read as `<unk>`); every word yields one window of five ids: its own and two
# neighbours on each side.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def parse(line):
    """'in [paris] now' → (['in', 'paris', 'now'], [0, 1, 0])."""
    tokens = line.split()
    return [t.strip("[]") for t in tokens], [int(t.startswith("[")) for t in tokens]


sentences = [parse(line) for line in CORPUS]
counts = Counter(w for words, _ in sentences for w in words)
vocab = [PAD, UNK] + sorted(w for w, c in counts.items() if c >= 2)
index = {w: i for i, w in enumerate(vocab)}


# %% slideshow={"slide_type": "fragment"}
def make_windows(sentences):
    """Every word with two neighbours each side → ids (N, 5) and labels (N,)."""
    ids, labels = [], []
    for words, tags in sentences:
        padded = [PAD, PAD] + words + [PAD, PAD]
        ids += [[index.get(w, index[UNK]) for w in padded[t:t + 5]] for t in range(len(words))]
        labels += tags
    return np.array(ids), np.array(labels, dtype=float)


ids, y = make_windows(sentences)

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print(f"{len(sentences)} sentences, {len(vocab)} words in the vocabulary, {len(ids)} windows, "
      f"{int(y.sum())} locations")
print("the window around 'paris' in sentence 1:", [vocab[i] for i in ids[3]], "→ label", int(y[3]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The loss and its $\partial L/\partial s$
#
# The loss is the mean binary cross-entropy of $\sigma(s)$ over the $N$ windows. With
# $\sigma' = \sigma(1 - \sigma)$ (notebook 02) each window's term has a short derivative:
#
# $$
# \begin{aligned}
# \frac{\partial}{\partial s}\Big[-y\log\sigma(s) - (1 - y)\log\big(1 - \sigma(s)\big)\Big]
#   &= -y\,(1 - \sigma) + (1 - y)\,\sigma && \text{chain rule, } \sigma' = \sigma(1-\sigma)\\
#   &= \sigma(s) - y && \text{expand: the } y\sigma \text{ terms cancel}
# \end{aligned}
# $$
#
# the two-class case of notebook 02's $p - y$. Divided by $N$ (the mean), it is each window's
# upstream gradient `ds`: the `ds` of the layer pair above.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The tagger's forward pass, from the course's layers
#
# One window per row: $X$ $(N, 5d)$. $W$ keeps the lecture's shape $(n, 5d)$ and enters
# `helpers.layers.affine` as `w` $= W^\top$ (the row convention above), so row $t$ of $Z$ is
# $(Wx_t + b)^\top$. The word vectors are the rows of a table $E$ $(V, d)$, one per vocabulary
# word.

# %% slideshow={"slide_type": "-"}
def tagger_forward(E, W, b, u, ids):
    """E (V, d), W (n, 5d), b (n,), u (n,), ids (N, 5) → P(location) (N,), cache."""
    X = E[ids].reshape(len(ids), -1)                 # (N, 5d): five vectors side by side
    Z, c_affine = affine_forward(X, W.T, b)          # (N, n), row convention: w = Wᵀ
    H, c_tanh = tanh_forward(Z)                      # (N, n)
    return sigmoid(H @ u), (H, c_affine, c_tanh)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Its backward pass: one $\delta$ per window
#
# `tanh_backward` returns $\Delta$ $(N, n)$: row $t$ is window $t$'s $\delta$, times its `ds`.
# `affine_backward` returns $\partial L/\partial X$ and `dw`, the gradient of $W^\top$: its
# transpose is $\partial L/\partial W$ (the row and column conventions again). Each window's
# slice of $\partial L/\partial X$ goes to the rows of $E$ it read; a word used in several
# windows or positions **sums** its gradients (a fork, notebook 01): `np.add.at` does that.

# %% slideshow={"slide_type": "-"}
def loss_and_grads(E, W, b, u, ids, y):
    """→ mean cross-entropy, (dE, dW, db, du) in the shapes of (E, W, b, u)."""
    P, (H, c_affine, c_tanh) = tagger_forward(E, W, b, u, ids)
    loss = -np.mean(y * np.log(P) + (1 - y) * np.log(1 - P))
    ds = (P - y) / len(ids)                          # ∂L/∂s of each window
    Delta = tanh_backward(np.outer(ds, u), c_tanh)   # (N, n): each window's δ, once
    dX, dw, db = affine_backward(Delta, c_affine)
    dE = np.zeros_like(E)
    np.add.at(dE, ids, dX.reshape(*ids.shape, -1))   # repeated words accumulate
    return loss, (dE, dw.T, db, H.T @ ds)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checked on all 119 windows
#
# Fresh parameters ($d = 8$, $n = 12$), and a check of all four gradients. Summed over many
# windows, some entries of $\partial L/\partial W$ nearly cancel, and the central difference's
# round-off (of order $10^{-16}\,|L|/h$) is no longer small *relative to such a tiny entry*. So
# the check uses `richardson=True` at $h = 10^{-3}$, as `check_layer` does: a larger step has
# less round-off, and combining the steps $h$ and $h/2$ cancels the $O(h^2)$ error. The last
# line shows the cause: at the plain step $h = 10^{-5}$ the check of $\partial L/\partial W$
# fails, worst at an entry of size 2e-06, where the largest entry is 0.13.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
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
# the cause, shown: the plain step h = 1e-5 on dW, and the entry where it is worst
num_plain = numerical_gradient_array(lambda _: loss_and_grads(*params.values(), ids, y)[0],
                                     params["W"], np.array(1.0))
worst = np.argmax(np.abs(grads[1] - num_plain) / (np.abs(grads[1]) + np.abs(num_plain)))
print(verdict("dW vs numerical at h = 1e-5, no Richardson", rel_error(grads[1], num_plain)))
print(f"  worst at an entry of size {abs(grads[1].flat[worst]):.0e}; "
      f"the largest |dW| entry is {np.abs(grads[1]).max():.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training
#
# Plain full-batch gradient descent. Every gradient is in the shape convention, so each update
# is one line.

# %% slideshow={"slide_type": "-"}
lr, steps = 1.0, 400
history = []
for _ in range(steps):
    loss, grads = loss_and_grads(*params.values(), ids, y)
    history.append(loss)
    for value, grad in zip(params.values(), grads, strict=True):
        value -= lr * grad                           # W -= lr * dW: shapes match
P_train = tagger_forward(*params.values(), ids)[0]
print(f"loss {history[0]:.3f} → {history[-1]:.4f} after {steps} steps")
print(f"training windows right: {np.mean((P_train > 0.5) == y):.0%} of {len(y)}, "
      f"{int(((P_train > 0.5) & (y == 1)).sum())} of {int(y.sum())} locations found")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The training loss

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, ax = plt.subplots(figsize=(7.5, 3.4))
ax.semilogy(history, color=hp.FORWARD)
ax.set(title="Training loss of the window classifier", xlabel="gradient-descent step",
       ylabel="mean cross-entropy")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The loss falls by three orders of magnitude in a few hundred steps: sixteen sentences are easy
# to fit, down to every training window. What matters is what the tagger does with sentences it
# has never seen.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Seven sentences it never saw
#
# Some put a location in a context the tagger met; some put the word *paris* in new places; two
# are traps. No sentence is in the training text, but a few short windows are: the cell after
# the test sentences lists how many, and the location among them.

# %% slideshow={"slide_type": "-"}
TEST = """the hotels in [lisbon] are cheap
we flew to [lima] last winter
the trains in [paris] are fast
paris hilton likes fast trains
[paris] is amazing to see
she was born in june
he lives near [porto]""".splitlines()
test_sentences = [parse(line) for line in TEST]
test_ids, test_y = make_windows(test_sentences)
print("test sentences also in the training text:", [s for s in TEST if s in CORPUS])

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
train_words = [w for words, _ in sentences for w in words]
repeats = [t for t, w in enumerate(test_ids) if (ids == w).all(axis=1).any()]
print(f"test windows identical, id for id, to a training window: {len(repeats)} of "
      f"{len(test_ids)}")
for t in repeats:
    if test_y[t]:                                    # one centred on a location
        same = np.flatnonzero((ids == test_ids[t]).all(axis=1))
        print(f"  a location's window, {[vocab[i] for i in test_ids[t]]}")
        print("  is in training around", ", ".join(f"{train_words[k]} (label {y[k]:.0f})"
                                                   for k in same))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the tagger says about every word

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
P_test = tagger_forward(*params.values(), test_ids)[0]
words_test = [w for words, _ in test_sentences for w in words]
print("P(location) of every word (* = not in the vocabulary, read as <unk>; [ ] = a location):")
start = 0
for words, tags in test_sentences:
    print("  " + "  ".join(f"{'[' * t}{w}{'*' if w not in index else ''}{']' * t} {p:.2f}"
                           for w, t, p in zip(words, tags, P_test[start:], strict=False)))
    start += len(words)
found = P_test > 0.5
print("locations found:", [words_test[t] for t in np.flatnonzero(found & (test_y == 1))],
      " missed:", [words_test[t] for t in np.flatnonzero(~found & (test_y == 1))],
      " false alarms:", [words_test[t] for t in np.flatnonzero(found & (test_y == 0))])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The same, as a picture

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
longest = max(len(words) for words, _ in test_sentences)
grid = np.full((len(TEST), longest), np.nan)           # blank after the end of a sentence
fig, ax = plt.subplots(figsize=(9.0, 4.0))
start = 0
for row, (words, tags) in enumerate(test_sentences):
    grid[row, :len(words)] = P_test[start:start + len(words)]
    for col, (word, tag) in enumerate(zip(words, tags, strict=True)):
        ax.text(col, row, word + ("*" if word not in index else ""), ha="center", va="center",
                fontsize=12, color="black" if grid[row, col] > 0.5 else "white")
        if tag:                                        # outline the true locations
            ax.add_patch(plt.Rectangle((col - 0.47, row - 0.44), 0.94, 0.88, fill=False,
                                       ec=hp.HIGHLIGHT, lw=3))
    start += len(words)
image = ax.imshow(grid, cmap=hp.SEQUENTIAL_CMAP, vmin=0, vmax=1, aspect="auto")
fig.colorbar(image, ax=ax, label="P(location)", fraction=0.04, pad=0.02)
ax.grid(False)
ax.set(title="The tagger on seven unseen sentences", xticks=range(longest),
       xlabel="word position (outlined: a true location; *: read as <unk>)",
       yticks=range(len(TEST)), yticklabels=range(1, len(TEST) + 1), ylabel="sentence")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Yellow is "location". Notice that every yellow cell comes right after *in* or *to*, and that
# *paris* is dark in two of its three sentences.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What it learned, and what it did not
#
# - **Context carries over to new sentences.** In sentence 1, *hotels*, *lisbon* and *cheap* are
#   all `<unk>`, the very same input vector: 0.00, 1.00, 0.00. Only the window differs. *lima*
#   (1.00) is found the same way.
# - **The word alone does not decide.** *paris* scores 1.00 in "the trains in paris are fast"
#   and 0.00 in "paris hilton likes fast trains" — right both times — but also 0.00 in "paris is
#   amazing to see", where it *is* the city.
# - **The rule misfires.** *june* in "she was born in june" scores 0.97: right after *in*, like
#   *busan* in training. And *porto* (0.00) is read as the window `<unk> <unk> <unk> <pad>
#   <pad>`, which training labelled 0 four times (*spring*, *job*, *cats*, *monday*): from that
#   window no classifier could tell.
#
# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A control experiment: change only the word before
#
# If the tagger really keys on *in* or *to* just before a word, swapping that one word for
# *near* or *over* (both read as `<unk>`; everything else unchanged) should switch its answer,
# in both directions.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
PAIRS = [("she was born in june", "she was born near june", 4),
         ("the trains in paris are fast", "the trains near paris are fast", 3),
         ("we flew to lima last winter", "we flew over lima last winter", 3),
         ("he lives near porto", "he lives in porto", 3)]
for original, changed, t in PAIRS:
    p_pair = [tagger_forward(*params.values(), make_windows([parse(line)])[0])[0][t]
              for line in (original, changed)]
    print(f"{'P(' + original.split()[t] + ')':9} {original!r:33} {p_pair[0]:.2f}  →  "
          f"{changed!r:34} {p_pair[1]:.2f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# So the tagger generalises only partly. What sixteen sentences taught it is, roughly, to look
# for *in* or *to* right before the word: every word it calls a location here has one, the city
# without one is missed, and the control experiment above flips each answer by changing that one
# word. More varied text would teach more; the gradients would be the same.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Three exercises, from a warm-up to an optional stretch. Edit the stub and run the cell: the
# checker prints ✓ or a hint. Solutions are folded under each exercise.
#
# 1. warm-up: the Jacobian of an elementwise sigmoid (≈ 5 min);
# 2. build it: the window classifier's gradients from δ, for a batch of windows (≈ 20 min);
# 3. stretch: the Jacobian form, then the shape convention (≈ 15 min).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 40 min in a lab for all three; in a lecture, do exercise 1 together (5 min) and set 2 as
# homework, 3 for the keen. The classic slips in 2: dW as xδᵀ (the row convention's layout),
# δ without f′(z), du from z instead of h, db not summed over the windows — the checker names
# each of them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: the Jacobian of an elementwise sigmoid (≈ 5 min)
#
# Write `sigmoid_jacobian(z)`: the full $n \times n$ Jacobian of $\sigma$ applied elementwise
# to `z` (shape `(n,)`). `sigmoid` from `helpers.layers` is imported.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def sigmoid_jacobian(z):
    """z (n,) → J (n, n) with J[i, j] = ∂σ(z_i)/∂z_j."""
    # TODO: which entries can be non-zero, and what is σ′ in terms of σ?
    return None


_ = check_sigmoid_jacobian(sigmoid_jacobian)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def sigmoid_jacobian(z):
#     """z (n,) → J (n, n) with J[i, j] = ∂σ(z_i)/∂z_j."""
#     s = sigmoid(z)
#     return np.diag(s * (1 - s))       # elementwise, so diagonal, with σ′ = σ(1 − σ) on it
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — build it: the window classifier's gradients from δ (≈ 20 min)
#
# For a batch of windows, one per row of `X` $(N, 5d)$, and the upstream gradient `ds` $(N,)$
# of each window's score $s_t = u^\top \tanh(Wx_t + b)$, return $\partial L/\partial W$,
# $\partial L/\partial b$, $\partial L/\partial u$ and $\partial L/\partial X$ in the shapes of
# `W` $(n, 5d)$, `b`, `u` and `X`. Compute each window's $\delta$ once and reuse it; `W`, `b`
# and `u` are shared by all windows. Without `helpers.layers`' backward functions.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def window_gradients(X, W, b, u, ds):
    """X (N, 5d) one window per row, W (n, 5d), b (n,), u (n,), ds (N,) = ∂L/∂s per window
    → dW (n, 5d), db (n,), du (n,), dX (N, 5d)."""
    # TODO: the forward values δ needs, for every window at once
    # TODO: Delta (N, n): row t is window t's δ = ds_t · u ∘ f′(z_t)
    # TODO: dW, db, du, dX from Delta (a parameter shared by the windows sums over them)
    return None


_ = check_window_gradients(window_gradients)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def window_gradients(X, W, b, u, ds):
#     """X (N, 5d) one window per row, W (n, 5d), b (n,), u (n,), ds (N,) = ∂L/∂s per window
#     → dW (n, 5d), db (n,), du (n,), dX (N, 5d)."""
#     H = np.tanh(X @ W.T + b)                  # (N, n): row t is h_tᵀ
#     Delta = ds[:, None] * u * (1 - H ** 2)    # (N, n): row t is window t's δ, once
#     dW = Delta.T @ X                          # Σ_t δ_tᵀ x_tᵀ, the shape of W
#     db = Delta.sum(axis=0)                    # b is added to every window
#     du = H.T @ ds                             # Σ_t ds_t h_t
#     dX = Delta @ W                            # row t is δ_t W, i.e. (Wᵀ δ_tᵀ)ᵀ
#     return dW, db, du, dX
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — stretch: the Jacobian form, then the shape convention (≈ 15 min)
#
# For one window, build $\partial s/\partial W$ the long way, as the product of three Jacobians:
# $\partial s/\partial h$ $(1 \times n)$, $\partial h/\partial z$ $(n \times n)$ and
# $\partial z/\partial W$ $(n \times n{\cdot}5d)$, where $W$ is flattened row by row. Return that
# $1 \times n{\cdot}5d$ row `J`, and the same numbers in $W$'s shape, `dW`.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def jacobian_form(x, W, b, u):
    """x (5d,), W (n, 5d), b (n,), u (n,) → J (1, n·5d), dW (n, 5d):
    ∂s/∂W as one row (W flattened row by row), then in W's shape."""
    # TODO: the three Jacobians; row k of ∂z/∂W holds x in the block of W's row k
    # TODO: J is their product; dW is J reshaped
    return None


_ = check_jacobian_form(jacobian_form)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def jacobian_form(x, W, b, u):
#     """x (5d,), W (n, 5d), b (n,), u (n,) → J (1, n·5d), dW (n, 5d):
#     ∂s/∂W as one row (W flattened row by row), then in W's shape."""
#     n = W.shape[0]
#     h = np.tanh(W @ x + b)
#     ds_dh = u[None, :]                        # (1, n)
#     dh_dz = np.diag(1 - h ** 2)               # (n, n)
#     dz_dW = np.kron(np.eye(n), x[None, :])    # (n, n·5d): ∂z_k/∂W_ij = [k = i] x_j
#     J = ds_dh @ dh_dz @ dz_dW
#     return J, J.reshape(W.shape)              # numpy's reshape: row by row, as flattened
# ```
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
# - Jacobian form for deriving, shape convention for updating; a reshape (in the order of the
#   flattening) moves between them. The row convention $xW + b$ gives the transposed gradient.
# - A classifier that fits its training text can still have learned a shortcut: test it on
#   sentences it never saw, and read what it gets wrong.
#
# Next: [05 — Convolution backprop](05_convolution.ipynb), where $\delta$ meets a kernel that
# slides.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Read the bullets; ask which of the two ways to write ∂s/∂W the room would use to
# derive a new layer, and which to update its weights (Jacobian form, then the shape
# convention). Point forward: in 05 the same δ is convolved instead of multiplied.

# %% slideshow={"slide_type": "skip"}
_ = progress("04")
