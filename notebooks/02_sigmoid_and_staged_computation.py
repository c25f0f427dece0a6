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
# # 02 — Sigmoid, modular gates and staged computation
#
# By the end you can backpropagate through any formula by cutting it into small stages with
# known local gradients, and you will know why the sigmoid, tanh and softmax behave as they do
# when gradients flow back through them.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/02_sigmoid_and_staged_computation.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/02_sigmoid_and_staged_computation.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. The promise: notebook 01 backpropagated through add and multiply gates; today the
# same rule (downstream = upstream × local) goes through a sigmoid, through a formula nobody
# would differentiate by hand, and through softmax. Plan two lectures: sections 1–3 (gates,
# modules, staged computation), then 4–5 (activations, softmax) and the exercises.

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
# - Backpropagate a sigmoid neuron through four primitive gates, then through one sigmoid gate
#   with $\sigma' = \sigma(1-\sigma)$, and get the same numbers both ways.
# - Write a gate as a forward/backward pair that caches exactly what its backward needs.
# - Backpropagate a formula stage by stage from cached values, accumulating with `+=` wherever a
#   variable is used more than once.
# - State the local gradients of tanh and ReLU, explain saturation ($\sigma' \le 1/4$,
#   $\tanh' \le 1$, dead ReLUs) and why a product of many local gradients can vanish.
# - Compute softmax cross-entropy without overflow, by log-sum-exp, and derive its backward
#   pass $(p - y)/N$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb):
#   downstream = upstream × local, the add and multiply gates, a fork sums its gradients,
#   numerical gradients and the relative error.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **sigmoid (시그모이드)** $\sigma(z) = 1/(1 + e^{-z})$, an **activation function
#   (활성화 함수)** that squashes any number into $(0, 1)$.
# - **gate (게이트)**: a node of the **computational graph (계산 그래프)** with a forward pass
#   and a backward pass; here also the primitive gates $\times(-1)$, $\exp$, $+1$, $1/x$.
# - **local gradient (국소 기울기)**: the derivative of one gate's output with respect to its
#   input; **backpropagation (역전파)** multiplies it by the upstream **gradient (기울기)**.
# - **weight (가중치)** $w_0, w_1$ and **bias (편향)** $w_2$ of the neuron.
# - **staged computation (단계별 계산)**: a formula computed as a sequence of named, cached
#   intermediate values.
# - **saturation (포화)**: the flat part of an activation, where its local gradient is near 0;
#   many of them in a row give **vanishing gradients (기울기 소실)**.
# - **softmax (소프트맥스)**, **cross-entropy (교차 엔트로피)** (the usual classification
#   **loss function (손실 함수)**) and **log-sum-exp (로그-합-지수)**, its overflow-free form.
# - **numerical differentiation (수치 미분)** and **relative error (상대 오차)**: how every
#   gradient here is checked.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import helpers.plotting as hp
from helpers.exercises._check import progress
from helpers.exercises.nb02 import (
    check_sigmoid_backward_from_output,
    check_softmax_backward,
    check_softmax_ce,
    check_staged_backward,
)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error, verdict
from helpers.graph import Value
from helpers.layers import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax_cross_entropy,
    tanh_backward,
    tanh_forward,
)
from helpers.widgets.activation_explorer import activation_explorer, activation_explorer_figure

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The sigmoid neuron, gate by gate
#
# ### Intuition
#
# A neuron with two inputs computes a weighted sum plus a bias and squashes it:
#
# $$
# f(w, x) = \frac{1}{1 + e^{-(w_0 x_0 + w_1 x_1 + w_2)}}
# $$
#
# Nobody needs a formula for $\partial f/\partial w_0$. Read $f$ as a chain of tiny gates: two
# multiplies and two adds make $z = w_0x_0 + w_1x_1 + w_2$, then $\times(-1)$, $\exp$, $+1$ and
# $1/x$ turn $z$ into $f$. Each gate knows only its own local gradient; the chain rule of
# notebook 01 (downstream = upstream × local) does the rest. The numbers: $w = [2, -3, -3]$,
# $x = [-1, -2]$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 12 min for the section. Draw the chain of gates on the board before showing the code. Ask
# the room: "which gate's local gradient needs a value from the forward pass?" (exp: $e^a$, and
# 1/x: $c$). Run the two cells, then show the circuit figure and read it right to left. The
# punchline comes on the next slides: the four gates collapse into one, $\sigma(1 - \sigma)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: four primitive gates and their local gradients
#
# $$
# \begin{aligned}
# a &= -z & \frac{\partial a}{\partial z} &= -1
#   && \text{a constant factor comes out}\\
# b &= e^{a} & \frac{\partial b}{\partial a} &= e^{a} = b
#   && \text{exp is its own derivative}\\
# c &= b + 1 & \frac{\partial c}{\partial b} &= 1
#   && \text{a shift has slope 1}\\
# f &= 1/c & \frac{\partial f}{\partial c} &= -\frac{1}{c^{2}}
#   && \text{power rule: } c^{-1} \to -c^{-2}
# \end{aligned}
# $$
#
# Before them, the add gates pass their upstream gradient unchanged and the multiply gates swap:
# $\partial z/\partial w_0 = x_0$, $\;\partial z/\partial x_0 = w_0$, and so on, with
# $\partial z/\partial w_2 = 1$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: the forward pass stores every stage

# %% slideshow={"slide_type": "-"}
w = np.array([2.0, -3.0, -3.0])    # w0, w1 and the bias w2
x = np.array([-1.0, -2.0])         # x0, x1

z = w[0] * x[0] + w[1] * x[1] + w[2]   # two multiply gates, two add gates
a = -z                                 # gate ×(−1)
b = np.exp(a)                          # gate exp
c = b + 1                              # gate +1
f = 1 / c                              # gate 1/x
print(f"z = {z:.4f}   a = {a:.4f}   b = {b:.4f}   c = {c:.4f}   f = {f:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: the backward pass, one gate at a time
#
# Start from $\partial f/\partial f = 1$ and walk the gates in reverse. Each line is
# *upstream × local*, and every local gradient uses a value the forward pass stored.

# %% slideshow={"slide_type": "-"}
df = 1.0                         # ∂f/∂f
dc = (-1 / c**2) * df            # 1/x gate:   local −1/c²
db = 1.0 * dc                    # +1 gate:    local 1
da = b * db                      # exp gate:   local e^a = b  (stored in the forward pass)
dz = -1.0 * da                   # ×(−1) gate: local −1
dw_gates = np.array([x[0] * dz, x[1] * dz, 1.0 * dz])  # multiply gates swap, add gate copies
dx_gates = np.array([w[0] * dz, w[1] * dz])
print(f"dc = {dc:.4f}   db = {db:.4f}   da = {da:.4f}   dz = {dz:.4f}")
print("dw =", np.round(dw_gates, 2), "  dx =", np.round(dx_gates, 2))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Picture: the neuron as a circuit
#
# ![The sigmoid neuron as a circuit: on each wire the forward value in blue above the gradient in orange; the gradient 1.00 at the output becomes 0.20 at z, and the multiply gates hand each weight its input times 0.20](../figures/nb02_sigmoid_circuit.png)
#
# Read the circuit from right to left: the gradient $1.00$ at the output shrinks to $0.20$ by the
# time it reaches $z$, and the multiply gates then hand each weight its *input* times $0.20$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: the same four gates as one sigmoid gate
#
# The four gates together are $\sigma(z) = 1/(1 + e^{-z})$. Its derivative collapses to
# something remarkably simple:
#
# $$
# \begin{aligned}
# \frac{d\sigma}{dz} &= -(1 + e^{-z})^{-2} \cdot \left(-e^{-z}\right)
#   && \text{power rule outside, } \tfrac{d}{dz}e^{-z} = -e^{-z} \text{ inside}\\
# &= \frac{e^{-z}}{(1 + e^{-z})^{2}}
#   && \text{the two minus signs cancel}\\
# &= \frac{1}{1 + e^{-z}} \cdot \frac{(1 + e^{-z}) - 1}{1 + e^{-z}}
#   && \text{split the square; add and subtract 1}\\
# &= \sigma(z)\,\bigl(1 - \sigma(z)\bigr)
#   && \text{both factors written with } \sigma
# \end{aligned}
# $$
#
# The backward pass needs only the **output** $\sigma$ that the forward pass already computed:
# no exponential, no division.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: one sigmoid gate gives the same numbers

# %% slideshow={"slide_type": "-"}
sigma = 1 / (1 + np.exp(-z))         # one gate forward
dz_gate = sigma * (1 - sigma) * 1.0  # one gate backward: local σ(1 − σ) × upstream 1
dw_gate = np.array([x[0], x[1], 1.0]) * dz_gate
dx_gate = w[:2] * dz_gate

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
print(f"{'':4s}{'four gates':>26s}{'one sigmoid gate':>30s}")
print(f"{'f':4s}{f:26.4f}{sigma:30.4f}")
print(f"{'dz':4s}{dz:26.4f}{dz_gate:30.4f}")
print(f"{'dx':4s}{str(np.round(dx_gates, 4)):>26s}{str(np.round(dx_gate, 4)):>30s}")
print(f"{'dw':4s}{str(np.round(dw_gates, 4)):>26s}{str(np.round(dw_gate, 4)):>30s}")
print(verdict("four gates vs one gate", rel_error(np.r_[dw_gates, dx_gates],
                                                  np.r_[dw_gate, dx_gate]), 1e-12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Same numbers: $\sigma \approx 0.73$, $dx \approx [0.39, -0.59]$,
# $dw \approx [-0.20, -0.39, 0.20]$. Which pieces count as "one gate" is a matter of
# convenience: group whatever has a simple local gradient.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the numerical gradient agrees
#
# Central differences on $f$ itself, with no knowledge of any gate (notebook 01: the error is
# $O(h^2)$, and we compare by relative error). Then the scalar engine of notebook 01
# (`helpers.graph.Value`) records the same four primitive gates and walks them backwards for us.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def neuron(w, x):
    return 1 / (1 + np.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))


dw_num = numerical_gradient(lambda w_: neuron(w_, x), w.copy())
dx_num = numerical_gradient(lambda x_: neuron(w, x_), x.copy())
print("numerical dw =", np.round(dw_num, 4), "  dx =", np.round(dx_num, 4))
print(verdict("dw (gates) vs numerical", rel_error(dw_gates, dw_num)))
print(verdict("dx (gates) vs numerical", rel_error(dx_gates, dx_num)))

w0, w1, w2 = Value(2.0, "w0"), Value(-3.0, "w1"), Value(-3.0, "w2")
x0, x1 = Value(-1.0, "x0"), Value(-2.0, "x1")
f_engine = 1 / ((-(w0 * x0 + w1 * x1 + w2)).exp() + 1)    # ×(−1), exp, +1, 1/x
f_engine.backward()
dw_engine = np.array([w0.grad, w1.grad, w2.grad])
dx_engine = np.array([x0.grad, x1.grad])
print(verdict("engine vs gate by gate", rel_error(np.r_[dw_engine, dx_engine],
                                                  np.r_[dw_gates, dx_gates]), 1e-12))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Modular gates: a forward/backward pair
#
# ### Intuition
#
# A gate in code is two functions. The forward computes the output and returns a `cache` with
# exactly what the backward will need; the backward takes the upstream gradient `dout` and the
# cache and returns the gradient of each input. The sigmoid caches its *output*, because
# $\sigma' = \sigma(1 - \sigma)$ needs nothing else.
#
# For large negative $z$, $e^{-z}$ overflows, so our forward evaluates only
# $e^{-|z|} \in (0, 1]$: $\;\sigma(z) = 1/(1 + e^{-z})$ for $z \ge 0$ and $e^{z}/(1 + e^{z})$
# for $z < 0$ (multiply top and bottom by $e^{z}$).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. This is the shape of every layer in helpers.layers and of every layer in notebooks
# 03–10: forward returns (out, cache), backward takes (dout, cache). Ask: "what would a tanh
# gate cache?" (its output: $1 - \tanh^2$). Show σ(−1000) = 0 without a warning, then
# check_layer, then the neuron rebuilt from two modules with the same numbers.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: a stable sigmoid pair

# %% slideshow={"slide_type": "-"}
def my_sigmoid_forward(x):
    """x: any shape (the gate's input, z above) → out (shape of x), cache = out."""
    e = np.exp(-np.abs(x))                        # never overflows
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out, out


def my_sigmoid_backward(dout, cache):
    """dout: shape of x → dx = dout · σ(1 − σ), from the cached output alone."""
    out = cache
    return dout * out * (1 - out)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: against `helpers.layers`, and with `check_layer`
#
# `check_layer` runs the forward, sends back a random `dout`, and compares the backward's answer
# with the numerical gradient of $\sum(\text{out} \odot \text{dout})$. We give it moderate
# inputs: deep in the saturated zone both gradients are nearly 0, and the relative error of two
# tiny numbers measures finite-difference noise, not the backward pass (the last line shows it
# at $x = 30$).

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
rng = np.random.default_rng(2)
xs = rng.normal(scale=4.0, size=(4, 5))       # wide range, to test both branches
dout = rng.standard_normal((4, 5))
out_mine, cache_mine = my_sigmoid_forward(xs)
out_ref, cache_ref = sigmoid_forward(xs)           # the reference in helpers.layers
print(verdict("forward: mine vs helpers.layers", rel_error(out_mine, out_ref), 1e-12))
print(verdict("backward: mine vs helpers.layers",
              rel_error(my_sigmoid_backward(dout, cache_mine),
                        sigmoid_backward(dout, cache_ref)), 1e-12))
with np.errstate(over="raise", invalid="raise"):   # an overflow or a nan would raise here
    print("σ(-1000), σ(1000) =", my_sigmoid_forward(np.array([-1000.0, 1000.0]))[0])
x_check = rng.standard_normal((3, 4))
check_layer(my_sigmoid_forward, my_sigmoid_backward, {"x": x_check}, name="my_sigmoid")
result = check_layer(sigmoid_forward, sigmoid_backward, {"x": x_check})
x_sat = np.array([30.0])                          # deep in the saturated zone
dx_sat = my_sigmoid_backward(np.ones(1), my_sigmoid_forward(x_sat)[1])
num_sat = numerical_gradient(lambda v: my_sigmoid_forward(v)[0].sum(), x_sat.copy())
print(f"at x = 30: σ'(30) = {dx_sat[0]:.1e}, numerical {num_sat[0]:.1e} (σ(30 ± h) both round "
      f"to 1), relative error {rel_error(dx_sat, num_sat):.2f}: noise, not a bug")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The neuron again, from modules
#
# With the pair in hand, the neuron is "weighted sum, then sigmoid gate". The backward is the
# same two steps in reverse, and it reproduces section 1.

# %% slideshow={"slide_type": "-"}
x_aug = np.array([x[0], x[1], 1.0])       # a constant input 1 carries the bias w2
z_mod = np.dot(w, x_aug)
f_mod, cache = sigmoid_forward(z_mod)
dz_mod = sigmoid_backward(np.array(1.0), cache)
dw_mod, dx_mod = x_aug * dz_mod, w[:2] * dz_mod
print(f"f = {float(f_mod):.4f}   dw = {np.round(dw_mod, 2)}   dx = {np.round(dx_mod, 2)}")
print(verdict("modules vs gate by gate", rel_error(np.r_[dw_mod, dx_mod],
                                                   np.r_[dw_gates, dx_gates]), 1e-12))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Staged computation
#
# ### Intuition
#
# Take a formula with no reason to exist except to be awkward:
#
# $$
# f(x, y) = \frac{x + \sigma(y)}{\sigma(x) + (x + y)^2}
# $$
#
# Differentiating it symbolically is long and error-prone. Instead compute it in **stages**,
# each a gate with an easy local gradient, keep every stage in a variable, and walk the stages
# backwards. Watch out: $x$ and $y$ are each used in several places, and every time a variable
# is used again its gradient must be **added** (`+=`), as at the fork of notebook 01.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 15 min. Ask the room first: "how many times is x used?" (three: the numerator, σ(x) and
# x + y) "and y?" (two). Go through the forward stages, then the two derivation slides; the
# backward code mirrors them line by line. Stress the += lines: writing = instead raises no
# error and gives a wrong gradient, which only a gradient check catches. Exercise 2 asks for
# exactly this on a new formula.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: the forward pass in eight stages

# %% slideshow={"slide_type": "-"}
x, y = 3.0, -4.0

sigy = 1 / (1 + np.exp(-y))     # (1) sigmoid of y
num = x + sigy                  # (2) numerator
sigx = 1 / (1 + np.exp(-x))     # (3) sigmoid of x
xpy = x + y                     # (4)
xpysqr = xpy**2                 # (5)
den = sigx + xpysqr             # (6) denominator
invden = 1 / den                # (7)
f = num * invden                # (8) done
print(f"num = {num:.4f}   den = {den:.4f}   f = {f:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: stages 8 to 5, the denominator's chain
#
# Walk the stages in reverse. Each row is one gate: its forward line, then what the backward
# pass does with it.
#
# $$
# \begin{aligned}
# (8) &\;\; f = \text{num}\cdot\text{invden}
#   && d\text{num} = \text{invden}\cdot df, \;\; d\text{invden} = \text{num}\cdot df
#   && \text{multiply: swap}\\
# (7) &\;\; \text{invden} = 1/\text{den}
#   && d\text{den} = -\text{den}^{-2}\cdot d\text{invden}
#   && \text{power rule}\\
# (6) &\;\; \text{den} = \text{sigx} + \text{xpysqr}
#   && d\text{sigx} = d\text{den}, \;\; d\text{xpysqr} = d\text{den}
#   && \text{add: copy}\\
# (5) &\;\; \text{xpysqr} = \text{xpy}^2
#   && d\text{xpy} = 2\,\text{xpy}\cdot d\text{xpysqr}
#   && \text{power rule}
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: stages 4 to 1, where $x$ and $y$ come back
#
# $$
# \begin{aligned}
# (4) &\;\; \text{xpy} = x + y
#   && dx \mathrel{+}= d\text{xpy}, \;\; dy \mathrel{+}= d\text{xpy}
#   && \text{add: copy}\\
# (3) &\;\; \text{sigx} = \sigma(x)
#   && dx \mathrel{+}= \text{sigx}(1 - \text{sigx})\cdot d\text{sigx}
#   && \text{sigmoid gate}\\
# (2) &\;\; \text{num} = x + \text{sigy}
#   && dx \mathrel{+}= d\text{num}, \;\; d\text{sigy} = d\text{num}
#   && \text{add: copy}\\
# (1) &\;\; \text{sigy} = \sigma(y)
#   && dy \mathrel{+}= \text{sigy}(1 - \text{sigy})\cdot d\text{sigy}
#   && \text{sigmoid gate}
# \end{aligned}
# $$
#
# $x$ receives three contributions (stages 2, 3, 4) and $y$ two (stages 1, 4): each `+=`
# adds one path, as a fork does.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: backward, stages 8 to 5

# %% slideshow={"slide_type": "-"}
df = 1.0
dnum = invden * df                            # (8) multiply gate: swap
dinvden = num * df
dden = (-1 / den**2) * dinvden                # (7) 1/x gate
dsigx = 1.0 * dden                            # (6) add gate: copy
dxpysqr = 1.0 * dden
dxpy = 2 * xpy * dxpysqr                      # (5) square gate

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: backward, stages 4 to 1, accumulating

# %% slideshow={"slide_type": "-"}
dx = dy = 0.0                                 # gradients start at zero and accumulate
dx += dxpy                                    # (4) add gate: both inputs get dxpy
dy += dxpy
dx += sigx * (1 - sigx) * dsigx               # (3) sigmoid gate
dx += dnum                                    # (2) add gate
dsigy = dnum
dy += sigy * (1 - sigy) * dsigy               # (1) sigmoid gate
print(f"df/dx = {dx:.5f}   df/dy = {dy:.5f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the numerical gradient and the scalar engine agree

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def staged_f(v):
    x_, y_ = v
    return (x_ + 1 / (1 + np.exp(-y_))) / (1 / (1 + np.exp(-x_)) + (x_ + y_) ** 2)


num_grad = numerical_gradient(staged_f, np.array([x, y]))
print("numerical [df/dx, df/dy] =", np.round(num_grad, 5))
print(verdict("staged backward at (3, -4)", rel_error(np.array([dx, dy]), num_grad)))

xv, yv = Value(x, "x"), Value(y, "y")                   # the notebook-01 engine: forks sum
f_v = (xv + yv.sigmoid()) / (xv.sigmoid() + (xv + yv) ** 2)
f_v.backward()
print(verdict("staged backward vs the scalar engine",
              rel_error(np.array([dx, dy]), np.array([xv.grad, yv.grad])), 1e-12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# One point could be luck. Packed into one function, the same eight stages agree with the
# numerical gradient at random points too:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def staged_backward(x, y):
    """The eight stages forward and backward, as above, packed into one function."""
    sigy, sigx = 1 / (1 + np.exp(-y)), 1 / (1 + np.exp(-x))
    num, xpy = x + sigy, x + y
    den = sigx + xpy**2
    invden = 1 / den
    dnum, dinvden = invden, num
    dden = -dinvden / den**2
    dxpy = 2 * xpy * dden
    dx = dxpy + sigx * (1 - sigx) * dden + dnum
    dy = dxpy + sigy * (1 - sigy) * dnum
    return np.array([dx, dy])


points = np.random.default_rng(3).normal(scale=2.0, size=(5, 2))
worst = max(rel_error(staged_backward(*p), numerical_gradient(staged_f, p.copy()))
            for p in points)
print(verdict("staged backward at 5 random points (worst)", worst))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Picture: where the gradients of $x$ and $y$ come from

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
paths = {"dx": {"(2) via x + σ(y)": dnum, "(3) via σ(x)": sigx * (1 - sigx) * dsigx,
                "(4) via x + y": dxpy},
         "dy": {"(1) via σ(y)": sigy * (1 - sigy) * dsigy, "(4) via x + y": dxpy}}
fig, axes = plt.subplots(1, 2, figsize=(9.5, 3.6), sharex=True, layout="constrained")
for ax, var, total in zip(axes, ["dx", "dy"], [dx, dy], strict=True):
    names = list(paths[var]) + ["total"]
    values = list(paths[var].values()) + [total]
    colors = [hp.GRADIENT] * len(paths[var]) + [hp.NEUTRAL]
    ax.barh(names[::-1], values[::-1], color=colors[::-1])
    for i, v in enumerate(values[::-1]):
        ax.text(max(v, 0) + 0.05, i, f"{v:+.3f}".replace("-", "−"), va="center", ha="left",
                fontsize=12)
    ax.axvline(0, color=hp.NEUTRAL, lw=0.8)
    ax.set_xlabel(f"contribution to {var} = ∂f/∂{var[1]}")
    ax.set_title(f"{var}: one bar per path, summed")
axes[0].set_xlim(-0.2, 2.7)
fig.suptitle("Staged backprop of f(x, y) at x = 3, y = −4", fontsize=14)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that $x$ reaches $f$ along three paths and $y$ along two, and that the largest share
# of both gradients arrives through $(x + y)^2$ in the denominator. Writing `dx = …` instead of
# `dx += …` would silently keep only the last path: a wrong gradient that no error message
# would flag.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Activation functions: local gradients and saturation
#
# ### Derivation: tanh and ReLU
#
# $$
# \begin{aligned}
# \tanh z &= 2\sigma(2z) - 1
#   && \tfrac{2}{1 + e^{-2z}} - 1 = \tfrac{1 - e^{-2z}}{1 + e^{-2z}}\\
# \tanh' z &= 4\,\sigma(2z)\bigl(1 - \sigma(2z)\bigr)
#   && \text{chain rule, factor 2 twice}\\
# &= 1 - \tanh^2 z
#   && \sigma(2z) = \tfrac{1 + \tanh z}{2}\\
# \mathrm{ReLU}(z) &= \max(0, z), \;\; \mathrm{ReLU}'(z) = [z > 0]
#   && \text{slope 1, or 0 (0 at } z = 0\text{)}
# \end{aligned}
# $$
#
# The bracket $[z > 0]$ is 1 when the condition holds and 0 otherwise.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 12 min with the widget. The key number is ¼: the sigmoid's local gradient can never pass
# more than a quarter of the gradient back. Ask: "after 10 sigmoid layers, at best, how much is
# left?" (4⁻¹⁰ ≈ 10⁻⁶). Then the dead ReLU (all zeros, printed), then the explorer live: sigmoid
# at z = 2 with k = 5, tanh at z = 0 (nothing lost), ReLU at z < 0 (everything lost).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: the bounds
#
# $$
# \begin{aligned}
# \sigma'(z) = \sigma(1 - \sigma) &= \tfrac14 - \left(\sigma - \tfrac12\right)^2 \le \tfrac14
#   && \text{equality at } \sigma = \tfrac12\text{, i.e. } z = 0\\
# \tanh'(z) = 1 - \tanh^2 z &\le 1
#   && \text{equality only at } z = 0
# \end{aligned}
# $$
#
# On a fine grid the identities and the bounds hold, and far from 0 both gradients are tiny:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
zs = np.linspace(-8, 8, 16001)
sig_zs = 1 / (1 + np.exp(-zs))
sig2 = 1 / (1 + np.exp(-2 * zs))
print(verdict("tanh z = 2σ(2z) − 1", rel_error(np.tanh(zs), 2 * sig2 - 1), 1e-12))
print(verdict("4σ(2z)(1 − σ(2z)) = 1 − tanh² z",
              rel_error(4 * sig2 * (1 - sig2), 1 - np.tanh(zs) ** 2), 1e-9))
print(f"max σ'    on the grid = {np.max(sig_zs * (1 - sig_zs)):.4f} at z = "
      f"{zs[np.argmax(sig_zs * (1 - sig_zs))]:.1f}")
print(f"max tanh' on the grid = {np.max(1 - np.tanh(zs) ** 2):.4f}")
print(f"σ'(5) = {sigmoid_forward(5.0)[0] * (1 - sigmoid_forward(5.0)[0]):.4f},  "
      f"tanh'(3) = {1 - np.tanh(3.0) ** 2:.4f},  ReLU'(-2) = {float(-2 > 0):.0f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the reference pairs for tanh and ReLU
#
# ReLU has a kink at 0 where the numerical gradient is meaningless, so its test inputs keep a
# distance from 0.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
rng = np.random.default_rng(4)
check_layer(tanh_forward, tanh_backward, {"x": rng.standard_normal((3, 4))})
x_relu = rng.uniform(0.1, 2.0, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))
result = check_layer(relu_forward, relu_backward, {"x": x_relu})

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A product of local gradients: the first hint of vanishing gradients
#
# Stack $k$ sigmoid layers of one unit each: layer $j$ turns $z_j$ into $a_j = \sigma(z_j)$,
# and $z_{j+1} = w\,a_j + b_{j+1}$. Take $w = 1$ (the biases can still put each $z_j$
# anywhere), so $\partial z_{j+1}/\partial a_j = 1$:
#
# $$
# \begin{aligned}
# \frac{\partial a_k}{\partial z_1}
# &= \frac{\partial a_k}{\partial z_k}\cdot\frac{\partial z_k}{\partial a_{k-1}}\cdots
#    \frac{\partial a_1}{\partial z_1}
#   && \text{chain rule}\\
# &= \prod_{j=1}^{k} \sigma'(z_j) \;\le\; \left(\tfrac14\right)^{k}
#   && \text{each } \partial z_{j+1}/\partial a_j = 1
# \end{aligned}
# $$
#
# With a general weight each layer also contributes a factor $w$, and $|w| > 1$ can compensate
# (notebook 06).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What is left after $k$ layers, every layer at $z = 2$

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
sig_prime_2 = float(sigmoid_backward(np.array(1.0), sigmoid_forward(2.0)[1]))
tanh_prime_2 = float(tanh_backward(np.array(1.0), tanh_forward(2.0)[1]))
print(f"σ'(2) = {sig_prime_2:.3f},  tanh'(2) = {tanh_prime_2:.3f}\n")
print(" k   (1/4)^k    σ'(2)^k    tanh'(2)^k")
for k in [1, 2, 5, 10, 20]:
    print(f"{k:2d}  {0.25**k:9.1e}  {sig_prime_2**k:9.1e}  {tanh_prime_2**k:9.1e}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# After 10 sigmoid layers less than a millionth of the gradient is left, even in the best case
# ($9.5\times10^{-7}$); at $z = 2$ it is $1.6\times10^{-10}$. tanh at least allows a factor of 1
# near $z = 0$. ReLU passes exactly 1 when $z > 0$, and exactly 0 when $z < 0$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Dead ReLU
#
# A ReLU unit whose pre-activation is negative for every input sends back **zero** gradient to
# its weights, so gradient descent can never move it again. A large negative bias does it.
# Each *row* of `X_batch` is one example $x_n$, so $z_n = x_n \cdot w + b$; the weights are
# shared by all 1000 examples, so their gradients $x_n\,dz_n$ are summed: `X_batch.T @ dz_unit`
# (notebook 03 derives it as the matmul gate's backward).

# %% slideshow={"slide_type": "-"}
rng = np.random.default_rng(5)
X_batch = rng.standard_normal((1000, 2))
w_unit, b_unit = np.array([0.5, -0.5]), -4.0
z_unit = X_batch @ w_unit + b_unit
out_unit, cache_unit = relu_forward(z_unit)
dz_unit = relu_backward(np.ones_like(z_unit), cache_unit)   # upstream 1 for every example
dw_unit = X_batch.T @ dz_unit                               # Σ_n x_n · dz_n
print(f"examples with z > 0: {np.sum(z_unit > 0)} of {len(z_unit)}")
print(f"dw = {dw_unit},  db = {dz_unit.sum()}  → this unit is dead")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Picture: the activation explorer
#
# Pick an activation, move the pre-activation $z$ and the depth $k$. Left: the function with its
# saturated zone shaded (local gradient below 10 % of its peak); middle: the local gradient;
# right: what is left of a gradient after $j = 1 \dots k$ layers that all sit at $z$.

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output"]
activation_explorer()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The explorer's default state
#
# Where widgets do not render, here is the default state (sigmoid, $z = 2$, $k = 5$):

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
activation_explorer_figure(activation="sigmoid", z=2.0, k=5)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that at $z = 2$ the sigmoid is not yet in its shaded zone, yet its local gradient
# $0.105$ already shrinks the gradient to about $10^{-5}$ after five layers ($1.3\times10^{-5}$
# in the table above); the dashed best case $(1/4)^j$ is itself a steep line on the log axis.
# Try tanh at $z = 0$ (no loss at all) and ReLU at $z < 0$ (nothing at all).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Softmax with cross-entropy
#
# ### Intuition
#
# A classifier gives each of $C$ classes a score $s_j$. Softmax turns the scores into
# probabilities, and cross-entropy charges $-\log$ of the probability given to the correct
# class $y$:
#
# $$
# p_j = \frac{e^{s_j}}{\sum_{k} e^{s_k}}, \qquad L = -\log p_y
# $$
#
# Two things can go wrong in floating point: $e^{s}$ overflows for large scores, and
# $\log p_y$ is $\log 0$ when $p_y$ is too small to store. Both have one cure.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 15 min. Start with the failures: print exp(1000) = inf, then the confidently wrong row
# [1000, 0] whose loss is inf although the true loss is exactly 1000. Ask: "is an infinite loss
# a problem if we only need the gradient?" (yes: the loss curve becomes useless, and inf − inf
# turns into nan downstream). Then the log-sum-exp derivation and p − y. The binary case links
# back to the sigmoid; the last figure is why cross-entropy, not squared error, goes with it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The overflow
#
# `np.exp(1000)` does not fit in a float64 (the largest is about $1.8\times10^{308}$), so a
# naive softmax of perfectly reasonable large scores breaks:

# %% slideshow={"slide_type": "-"}
def naive_softmax(s):
    return np.exp(s) / np.sum(np.exp(s))


s_big = np.array([1000.0, 1001.0, 1002.0])
with np.errstate(over="ignore", invalid="ignore"):   # warnings silenced: we show the failure
    print("exp(scores)           =", np.exp(s_big))
    print("naive softmax(scores) =", naive_softmax(s_big), " → inf / inf = nan")
print(f"largest float64       = {np.finfo(np.float64).max:.1e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: subtracting the maximum changes nothing
#
# $$
# \begin{aligned}
# \frac{e^{s_j - m}}{\sum_k e^{s_k - m}}
# &= \frac{e^{s_j}\,e^{-m}}{\sum_k e^{s_k}\,e^{-m}}
#   && e^{a - b} = e^{a}e^{-b}\\
# &= \frac{e^{s_j}}{\sum_k e^{s_k}} = p_j
#   && e^{-m} \text{ is a common factor: cancel it}
# \end{aligned}
# $$
#
# With $m = \max_k s_k$ every exponent is $\le 0$, so every $e^{s_j - m} \in (0, 1]$ and the
# largest is exactly 1: no overflow, and the denominator is at least 1.

# %% slideshow={"slide_type": "-"}
def softmax(s):
    """s: (C,) scores → (C,) probabilities, stable for any scores."""
    e = np.exp(s - np.max(s))
    return e / np.sum(e)


# %% slideshow={"slide_type": "-"} tags=["hide-input"]
s_small = np.array([1.0, 2.0, 3.0])
print(verdict("softmax(s − max) vs naive softmax(s), small scores",
              rel_error(softmax(s_small), naive_softmax(s_small)), 1e-12))
print("softmax([1000, 1001, 1002]) =", np.round(softmax(s_big), 4))
print("softmax([   0,    1,    2]) =", np.round(softmax(s_big - 1000), 4))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: the loss by log-sum-exp
#
# A stable $p$ is not enough for the loss. For the scores $[1000, 0]$ with correct class
# $y = 1$, $p_1 = e^{-1000}/(1 + e^{-1000})$, which rounds to 0, and $-\log 0 = \infty$.
# Never take the log of $p$; take it of the formula:
#
# $$
# \begin{aligned}
# L = -\log \frac{e^{s_y}}{\sum_j e^{s_j}} &= -s_y + \log \sum_j e^{s_j}
#   && \log\tfrac{a}{b} = \log a - \log b\\
# &= -s_y + \log\Bigl(e^{m} \sum_j e^{s_j - m}\Bigr)
#   && e^{s_j} = e^{m}\,e^{s_j - m}\\
# &= -(s_y - m) + \log \sum_j e^{s_j - m}
#   && \log e^{m} = m
# \end{aligned}
# $$
#
# The sum has $C$ terms, each $\le 1$, and one of them is $e^0 = 1$ (the maximum's), so it lies
# in $[1, C]$: its log is between 0 and $\log C$. Nothing overflows and nothing is $\log 0$; the last line
# is the **log-sum-exp** form of the loss.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: one example, three ways

# %% slideshow={"slide_type": "-"}
def ce_naive(s, y):
    return -np.log(naive_softmax(s)[y])          # e^1000 = inf: p = [nan, 0]


def ce_log_of_p(s, y):
    return -np.log(softmax(s)[y])                # stable p = [1, 0], then log 0


def ce_logsumexp(s, y):
    m = np.max(s)
    return -(s[y] - m) + np.log(np.sum(np.exp(s - m)))


# %% slideshow={"slide_type": "-"} tags=["hide-input"]
s_wrong, y_wrong = np.array([1000.0, 0.0]), 1      # confidently wrong: class 0 wins by 1000
with np.errstate(all="ignore"):                     # warnings silenced: we show the failures
    print(f"naive softmax:  p = {naive_softmax(s_wrong)}   −log p_1 = "
          f"{ce_naive(s_wrong, y_wrong)}")
    print(f"stable softmax: p = {softmax(s_wrong)}    −log p_1 = "
          f"{ce_log_of_p(s_wrong, y_wrong)}")
with np.errstate(over="raise", divide="raise", invalid="raise"):   # overflow, log 0, nan
    print(f"log-sum-exp:    L = {ce_logsumexp(s_wrong, y_wrong):.3f}")
    print(verdict("log-sum-exp vs −log p on moderate scores",
                  rel_error(ce_logsumexp(s_small, 0), ce_log_of_p(s_small, 0)), 1e-12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The true loss is $-(0 - 1000) + \log(1 + e^{-1000}) = 1000$ to every digit a float64 keeps,
# and log-sum-exp computes it with no warning. $-\log p$ gives `inf` either way: the naive
# softmax even makes $p_0$ a `nan` ($\infty/\infty$), the stable one rounds $p_1$ to 0.
# `helpers.layers.softmax_cross_entropy` uses the log-sum-exp form.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: the backward pass $p - y$
#
# For one example with correct class $y$ (write $[k = y]$ for 1 if $k = y$, else 0), start
# from $L = -s_y + \log \sum_j e^{s_j}$:
#
# $$
# \begin{aligned}
# \frac{\partial L}{\partial s_k} &= -[k = y] + \frac{e^{s_k}}{\sum_j e^{s_j}}
#   && (\log u)' = u'/u, \;\; u = \textstyle\sum_j e^{s_j}\\
# &= p_k - [k = y]
#   && \text{definition of } p_k
# \end{aligned}
# $$
#
# For a batch of $N$ examples the loss is the mean $\frac1N\sum_n L_n$, so each row of the
# gradient is divided by $N$: $\;dS = (P - Y)/N$ with $Y$ the one-hot labels. The correct
# class's score is pushed up, every other one down, in proportion to its probability.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: $p - y$ for one example, checked

# %% slideshow={"slide_type": "-"}
s_one, y_one = np.array([2.0, 1.0, 0.1]), 0
p_one = softmax(s_one)
ds_one = p_one - np.eye(3)[y_one]                        # p − onehot(y)
print("p  =", np.round(p_one, 4), f"  loss = {ce_logsumexp(s_one, y_one):.4f}")
print("ds =", np.round(ds_one, 4), f"  (sums to {abs(ds_one.sum()):.1f})")

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
ds_num = numerical_gradient(lambda s: ce_logsumexp(s, y_one), s_one.copy())
print(verdict("p − y vs numerical gradient", rel_error(ds_one, ds_num)))
ds_wrong = softmax(s_wrong) - np.eye(2)[y_wrong]
ds_wrong_num = numerical_gradient(lambda s: ce_logsumexp(s, y_wrong), s_wrong.copy())
print(f"on [1000, 0], y = 1: ds = {ds_wrong}")
print(verdict("p − y vs numerical gradient on [1000, 0]", rel_error(ds_wrong, ds_wrong_num)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the batched reference, on scores that would overflow
#
# `helpers.layers.softmax_cross_entropy(scores, y)` returns the mean loss and $dS = (P - Y)/N$
# in one call. The batch below has 5 examples of 4 classes (distinct sizes: a transposed
# `dscores` could not pass), a row near 1000 and the confidently wrong row: its loss is
# $(L_1 + \dots + 1000)/5$, finite. So large a loss makes the central difference's round-off
# ($\approx \varepsilon\,|L|/h$, notebook 01) visible at $h = 10^{-5}$; a larger $h$ fixes it.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
scores = np.array([[1.0, 2.0, 0.5, -1.0],
                   [0.0, 0.0, 0.0, 0.0],
                   [0.3, -0.7, 1.5, 0.2],
                   [1000.0, 1002.0, 999.0, 1001.0],
                   [1000.0, 0.0, 0.0, 0.0]])           # the last row: confidently wrong
labels = np.array([1, 3, 2, 0, 1])
loss, dscores = softmax_cross_entropy(scores, labels)
N = scores.shape[0]
pairs = list(zip(scores, labels, strict=True))
rows = np.array([softmax(s) - np.eye(scores.shape[1])[c] for s, c in pairs])
row_losses = [ce_logsumexp(s, c) for s, c in pairs]
print("row losses", ", ".join(f"{v:.4f}" for v in row_losses), f"  mean {loss:.4f}")
print(verdict("reference loss vs the mean of our log-sum-exp rows",
              rel_error(loss, np.mean(row_losses)), 1e-12))
print(verdict("reference dscores vs our rows (p − y)/N", rel_error(dscores, rows / N), 1e-12))
num_5 = numerical_gradient(lambda S: softmax_cross_entropy(S, labels)[0], scores.copy())
num_4 = numerical_gradient(lambda S: softmax_cross_entropy(S, labels)[0], scores.copy(), h=1e-4)
print(f"numerical, h = 1e-5: relative error of order "
      f"{10.0 ** np.floor(np.log10(rel_error(dscores, num_5))):.0e} "
      f"(round-off ≈ ε·|L|/h, L ≈ {loss:.0f})")
print(verdict("reference dscores vs numerical gradient, h = 1e-4", rel_error(dscores, num_4)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The binary case is the sigmoid
#
# With two classes and scores $[0, z]$, softmax gives
# $p_1 = \frac{e^{z}}{e^{0} + e^{z}} = \frac{1}{1 + e^{-z}} = \sigma(z)$ (divide top and bottom
# by $e^{z}$). So **logistic regression is 2-class softmax**. Its loss, in log-sum-exp form,
# is $L = \log(e^0 + e^z) - y\,z$ (`np.logaddexp(0, z) - y * z`), the same as
# $-[y\log\sigma(z) + (1 - y)\log(1 - \sigma(z))]$, and by the $p - y$ rule its gradient is
# $\;\partial L/\partial z = \sigma(z) - y$.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
z_b = np.array([-3.0, -0.5, 0.0, 1.2, 4.0])
y_b = np.array([1, 0, 1, 1, 0])
sig_b = sigmoid_forward(z_b)[0]
bce_lse = np.mean(np.logaddexp(0.0, z_b) - y_b * z_b)           # log-sum-exp of [0, z]
bce_log = -np.mean(y_b * np.log(sig_b) + (1 - y_b) * np.log(1 - sig_b))
loss_2, dscores_2 = softmax_cross_entropy(np.stack([np.zeros_like(z_b), z_b], axis=1), y_b)
print(f"binary CE (log-sum-exp) = {bce_lse:.4f}   (with log σ) = {bce_log:.4f}   "
      f"2-class softmax CE = {loss_2:.4f}")
print(verdict("(σ(z) − y)/N vs 2-class dscores[:, 1]",
              rel_error((sig_b - y_b) / len(z_b), dscores_2[:, 1]), 1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Picture: cross-entropy does not saturate where it matters

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
zz = np.linspace(-8, 8, 401)
sz = sigmoid_forward(zz)[0]
fig, ax = plt.subplots(figsize=(9.0, 4.2))
ax.axvspan(-8, -3.6, color=hp.NEUTRAL, alpha=0.15, label="σ saturated, prediction wrong")
ax.plot(zz, sz, color=hp.FORWARD, lw=2, label="prediction σ(z)")
ax.plot(zz, sz - 1, color=hp.GRADIENT, lw=3, label="cross-entropy: ∂L/∂z = σ(z) − 1")
ax.plot(zz, (sz - 1) * sz * (1 - sz), color=hp.GRADIENT, lw=2.5, ls="--",
        label="squared error ½(σ − 1)²: ∂L/∂z = (σ − 1)·σ(1 − σ)")
ax.set_xlim(-8, 8)
ax.set_ylim(-1.15, 1.9)
ax.set_xlabel("score z (the correct class is y = 1)")
ax.set_ylabel("∂L/∂z,  or probability")
ax.set_title("The gradient that reaches the score when the label is 1")
ax.legend(loc="upper left", fontsize=11.5)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice the shaded zone, where the model is confidently wrong: the cross-entropy gradient stays
# near $-1$ and pushes hard, while squared error on a sigmoid gets multiplied by the saturated
# $\sigma' \approx 0$ and barely moves. The $\log$ in the loss cancels the sigmoid's $\exp$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Four exercises, from a warm-up to an optional stretch. Write the function in the cell and run
# it: the checker prints ✓ or a hint. Solutions are folded under each exercise.
#
# 1. warm-up: the sigmoid gate from its output alone (≈ 3 min);
# 2. build it: a staged expression's forward and backward, end to end (≈ 25 min);
# 3. build it: softmax cross-entropy that survives $[1000, 0]$ (≈ 15 min);
# 4. stretch: the softmax gate on its own (≈ 15 min).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 60 min in a lab for all four; in a lecture, do exercise 1 together (3 min), set 2 and 3 as
# homework and 4 for the keen. Exercise 2 is the one that matters: the checker names `=` where
# `+=` belongs, the 1/x gate's −1/x² forgotten or with the wrong sign, σ′ of the wrong stage, a
# stage skipped and a forgotten upstream gradient. In 3, −log p gets its own hint on [1000, 0].

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: the sigmoid gate from its output alone (≈ 3 min)
#
# The forward pass cached only `out = σ(x)`. Write the backward: given `out` and the upstream
# gradient `dout` (same shape), return `dx`.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def sigmoid_backward_from_output(out, dout):
    """out, dout: same shape → dx, same shape."""
    return None  # TODO: one line, using only out and dout


_ = check_sigmoid_backward_from_output(sigmoid_backward_from_output)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def sigmoid_backward_from_output(out, dout):
#     """out, dout: same shape → dx, same shape."""
#     return dout * out * (1 - out)      # local σ(1 − σ) times upstream
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — build it: the staged expression's backward, end to end (≈ 25 min)
#
# $$h(x, y) = \frac{\sigma(x\,y) + y}{1 + x^2}$$
#
# Write `h_and_grads(x, y, dout)`: compute $h$ in stages (one gate per line, every stage kept),
# then walk them backwards from the upstream gradient `dout` $= \partial L/\partial h$ and return
# `(h, dx, dy)`. $x$ and $y$ are each used twice. Work with numpy (`np.exp`), so that `x`, `y`,
# `dout` may also be arrays of one shape: the checker tries single points, then a batch.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def h_and_grads(x, y, dout):
    """x, y, dout: numbers or arrays of one shape → h, dx, dy (that shape), elementwise;
    dx = dout · ∂h/∂x and dy = dout · ∂h/∂y."""
    # TODO forward: one gate per line (x·y, σ, + y, x², 1 + ·, 1/·, ·), each in a variable
    # TODO backward: the same gates in reverse, upstream × local, starting from dout
    # TODO x and y are each used twice: accumulate their gradients with +=
    return None


_ = check_staged_backward(h_and_grads)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def h_and_grads(x, y, dout):
#     """x, y, dout: numbers or arrays of one shape → h, dx, dy (that shape), elementwise;
#     dx = dout · ∂h/∂x and dy = dout · ∂h/∂y."""
#     xy = x * y                       # (1) multiply
#     s = 1 / (1 + np.exp(-xy))        # (2) sigmoid
#     num = s + y                      # (3) add: y used a second time
#     sq = x**2                        # (4) square: x used a second time
#     den = 1 + sq                     # (5) +1
#     inv = 1 / den                    # (6) 1/x
#     h = num * inv                    # (7) multiply
#     dnum = inv * dout                # (7) multiply gate: swap
#     dinv = num * dout
#     dden = -1 / den**2 * dinv        # (6) 1/x gate: local −1/den²
#     dsq = dden                       # (5) +1 gate: copy
#     dx = 2 * x * dsq                 # (4) square gate: first path into x
#     ds = dnum                        # (3) add gate: copy ...
#     dy = dnum                        #     ... first path into y
#     dxy = s * (1 - s) * ds           # (2) sigmoid gate: σ′ = s(1 − s) of this stage's output
#     dx += y * dxy                    # (1) multiply gate swaps; += for the second use of x
#     dy += x * dxy                    #     and of y
#     return h, dx, dy
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — build it: softmax cross-entropy that survives [1000, 0] (≈ 15 min)
#
# Write `softmax_ce(scores, y)`: scores $(N, C)$ and integer labels $(N,)$ in; the mean loss
# and `dscores` $= (P - Y)/N$ out. The checker tries a plain batch, a batch with a row near
# 1000 (a naive softmax gives `nan`) and the confidently wrong example $[1000, 0]$ with label 1,
# whose loss is 1000 ($-\log p$ gives `inf`).

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def softmax_ce(scores, y):
    """scores (N, C), y (N,) ints → loss (a number), dscores (N, C)."""
    # TODO: shift each row by its max; the loss by log-sum-exp, averaged over the N rows
    # TODO: P row by row, then dscores = (P − one-hot of y) / N
    return None


_ = check_softmax_ce(softmax_ce)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def softmax_ce(scores, y):
#     """scores (N, C), y (N,) ints → loss (a number), dscores (N, C)."""
#     N = scores.shape[0]
#     shifted = scores - scores.max(axis=1, keepdims=True)          # every row's max is 0
#     log_sum = np.log(np.exp(shifted).sum(axis=1))                  # in [0, log C]
#     loss = np.mean(log_sum - shifted[np.arange(N), y])            # −(s_y − m) + log Σ e^(s−m)
#     P = np.exp(shifted - log_sum[:, None])                         # softmax, row by row
#     P[np.arange(N), y] -= 1                                        # P − Y
#     return loss, P / N
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4 — stretch: the softmax gate on its own (≈ 15 min)
#
# When softmax feeds something other than cross-entropy (attention, notebook 10), its backward
# stands alone. With $p = \mathrm{softmax}(s)$ row by row, $\partial p_j/\partial s_k =
# p_j([j = k] - p_k)$. Write `softmax_backward(dp, p)`: the upstream gradient `dp` and the
# cached `p`, both $(N, C)$, in; `ds` $(N, C)$ out, without building the $C \times C$ Jacobian.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def softmax_backward(dp, p):
    """dp, p: (N, C) → ds (N, C), with ds[n, k] = Σ_j dp[n, j] · ∂p[n, j]/∂s[n, k]."""
    # TODO: write the sum over j with the Jacobian above; it splits into two terms
    return None


_ = check_softmax_backward(softmax_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def softmax_backward(dp, p):
#     """dp, p: (N, C) → ds (N, C), with ds[n, k] = Σ_j dp[n, j] · ∂p[n, j]/∂s[n, k]."""
#     # Σ_j dp_j p_j([j = k] − p_k) = p_k dp_k − p_k Σ_j dp_j p_j
#     return p * (dp - (dp * p).sum(axis=1, keepdims=True))
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - Backprop is local: each gate multiplies the upstream gradient by its own local gradient,
#   and how you group primitive operations into gates does not change the numbers.
# - The sigmoid gate's backward needs only its output: $\sigma' = \sigma(1 - \sigma)$. A gate is
#   a forward/backward pair whose cache holds exactly what the backward needs.
# - Staged computation: cache every intermediate in the forward pass, walk the stages in
#   reverse, and **accumulate with `+=`** wherever a variable was used more than once.
# - $\sigma' \le 1/4$ and $\tanh' \le 1$, and saturated units pass almost nothing back; a
#   product of many such factors vanishes. A ReLU passes 1 or exactly 0 (dead units).
# - Softmax: subtract the row maximum before $\exp$; compute the loss by log-sum-exp, never as
#   $-\log p$; its backward is $(p - y)/N$, and the 2-class case is the sigmoid with gradient
#   $\sigma(z) - y$.
#
# Next: [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb) applies the same gates
# to whole matrices at once.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Read the bullets; ask which one the room would check first when a hand-written
# gradient fails its gradient check (usually a missing += at a fork). Point forward: in 03 every
# gate works on whole matrices, and the fork's sum becomes a sum over the batch.

# %% slideshow={"slide_type": "skip"}
_ = progress("02")
