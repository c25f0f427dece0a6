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
# [![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/02_sigmoid_and_staged_computation.ipynb) [![Launch Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/02_sigmoid_and_staged_computation.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

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
# - Compute softmax cross-entropy without overflow and derive its backward pass $(p - y)/N$.
#
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
# - **softmax (소프트맥스)** and **cross-entropy (교차 엔트로피)**, the usual classification
#   **loss function (손실 함수)**.
# - **numerical differentiation (수치 미분)** and **relative error (상대 오차)**: how every
#   gradient here is checked.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import helpers.plotting as hp
from helpers.exercises.nb02 import (SOFTMAX_LABELS, SOFTMAX_SCORES,
                                    check_sigmoid_backward_from_output, check_softmax_ce,
                                    check_staged_backward, g_forward)
from helpers.gradcheck import check_layer, numerical_gradient, rel_error
from helpers.graph import Value
from helpers.layers import (relu_backward, relu_forward, sigmoid_backward, sigmoid_forward,
                            softmax_cross_entropy, tanh_backward, tanh_forward)
from helpers.widgets.activation_explorer import (activation_explorer,
                                                 activation_explorer_figure,
                                                 benchmark_activation_explorer)


def verdict(name, err, tol=1e-7):
    """One stable line for a relative error: below the tolerance or not (no raw digits)."""
    ok = err < tol
    return f"{name}: relative error {'<' if ok else '≥'} {tol:.0e} {'✓' if ok else '✗'}"


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
# notebook 01 (downstream = upstream × local) does the rest.
#
# We use the classic numbers $w = [2, -3, -3]$ and $x = [-1, -2]$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: four primitive gates and their local gradients
#
# $$
# \begin{aligned}
# a &= -z & \frac{\partial a}{\partial z} &= -1
#   && \text{a constant factor comes out of the derivative}\\
# b &= e^{a} & \frac{\partial b}{\partial a} &= e^{a} = b
#   && \text{the exponential is its own derivative}\\
# c &= b + 1 & \frac{\partial c}{\partial b} &= 1
#   && \text{a constant shift has slope 1}\\
# f &= 1/c & \frac{\partial f}{\partial c} &= -\frac{1}{c^{2}}
#   && \text{power rule, } c^{-1} \to -c^{-2}
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
for name, value in [("z", z), ("a = -z", a), ("b = exp(a)", b), ("c = b + 1", c),
                    ("f = 1/c", f)]:
    print(f"{name:11s} = {value:8.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: the backward pass, one gate at a time
#
# Start from $\partial f/\partial f = 1$ and walk the gates in reverse. Each line is
# *upstream × local*, and every local gradient uses a value the forward pass stored.

# %% slideshow={"slide_type": "-"}
df = 1.0                         # d f / d f
dc = (-1 / c**2) * df            # 1/x gate:   local −1/c²
db = 1.0 * dc                    # +1 gate:    local 1
da = b * db                      # exp gate:   local e^a = b  (stored in the forward pass)
dz = -1.0 * da                   # ×(−1) gate: local −1
dw_gates = np.array([x[0] * dz, x[1] * dz, 1.0 * dz])  # multiply gates swap, add gate copies
dx_gates = np.array([w[0] * dz, w[1] * dz])
for name, local, grad in [("1/x", -1 / c**2, dc), ("+1", 1.0, db), ("exp", b, da),
                          ("×(-1)", -1.0, dz)]:
    print(f"gate {name:6s} local {local:8.4f}   gradient at its input {grad:8.4f}")
print("dw =", np.round(dw_gates, 2), "  dx =", np.round(dx_gates, 2))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ![The sigmoid neuron as a circuit: on each wire the forward value in blue above the gradient in orange](../figures/nb02_sigmoid_circuit.png)
#
# Read the circuit from right to left: the gradient $1.00$ at the output shrinks to $0.20$ by the
# time it reaches $z$, and the multiply gates then hand each weight its *input* times $0.20$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Derivation: the same four gates as one sigmoid gate
#
# The four gates together are $\sigma(z) = 1/(1 + e^{-z})$. Its derivative collapses to
# something remarkably simple:
#
# $$
# \begin{aligned}
# \frac{d\sigma}{dz} &= \frac{d}{dz}\,(1 + e^{-z})^{-1}
#   && \text{write the fraction as a power}\\
# &= -(1 + e^{-z})^{-2} \cdot \left(-e^{-z}\right)
#   && \text{chain rule: power rule outside, } \tfrac{d}{dz}e^{-z} = -e^{-z} \text{ inside}\\
# &= \frac{e^{-z}}{(1 + e^{-z})^{2}}
#   && \text{the two minus signs cancel}\\
# &= \frac{1}{1 + e^{-z}} \cdot \frac{(1 + e^{-z}) - 1}{1 + e^{-z}}
#   && \text{split the square, add and subtract 1 in the numerator}\\
# &= \sigma(z)\,\bigl(1 - \sigma(z)\bigr)
#   && \text{both factors are now written with } \sigma
# \end{aligned}
# $$
#
# The backward pass needs only the **output** $\sigma$ that the forward pass already computed:
# no exponential, no division.

# %% slideshow={"slide_type": "subslide"}
sigma = 1 / (1 + np.exp(-z))         # one gate forward
dz_gate = sigma * (1 - sigma) * 1.0  # one gate backward: local σ(1 − σ) × upstream 1
dw_gate = np.array([x[0], x[1], 1.0]) * dz_gate
dx_gate = w[:2] * dz_gate
print(f"{'':10s}{'four gates':>22s}   {'one sigmoid gate':>22s}")
print(f"{'f':10s}{f:22.4f}   {sigma:22.4f}")
print(f"{'dz':10s}{dz:22.4f}   {dz_gate:22.4f}")
print(f"{'dx':10s}{str(np.round(dx_gates, 4)):>22s}   {str(np.round(dx_gate, 4)):>22s}")
print(f"{'dw':10s}{str(np.round(dw_gates, 4)):>22s}   {str(np.round(dw_gate, 4)):>22s}")
print(verdict("four gates vs one gate", rel_error(np.r_[dw_gates, dx_gates],
                                                  np.r_[dw_gate, dx_gate]), 1e-12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Same numbers: $\sigma \approx 0.73$, $dx \approx [0.39, -0.59]$,
# $dw \approx [-0.20, -0.39, 0.20]$. Choosing which pieces count as "one gate" is a matter of
# convenience: group whatever has a simple local gradient.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the numerical gradient agrees
#
# Central differences on $f$ itself, with no knowledge of any gate
# (notebook 01: error $O(h^2)$, compared by relative error).

# %% slideshow={"slide_type": "-"}
def neuron(w, x):
    return 1 / (1 + np.exp(-(w[0] * x[0] + w[1] * x[1] + w[2])))


dw_num = numerical_gradient(lambda w_: neuron(w_, x), w.copy())
dx_num = numerical_gradient(lambda x_: neuron(w, x_), x.copy())
print("numerical dw =", np.round(dw_num, 4), "  dx =", np.round(dx_num, 4))
print(verdict("dw (gates) vs numerical", rel_error(dw_gates, dw_num)))
print(verdict("dx (gates) vs numerical", rel_error(dx_gates, dx_num)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The scalar engine of notebook 01 (`helpers.graph.Value`) records the same four primitive gates
# and walks them backwards for us:

# %% slideshow={"slide_type": "-"}
w0, w1, w2 = Value(2.0, "w0"), Value(-3.0, "w1"), Value(-3.0, "w2")
x0, x1 = Value(-1.0, "x0"), Value(-2.0, "x1")
f_engine = 1 / ((-(w0 * x0 + w1 * x1 + w2)).exp() + 1)    # ×(−1), exp, +1, 1/x
f_engine.backward()
dw_engine = np.array([w0.grad, w1.grad, w2.grad])
dx_engine = np.array([x0.grad, x1.grad])
print(f"engine: f = {f_engine.data:.4f}   dw = {np.round(dw_engine, 2)}   "
      f"dx = {np.round(dx_engine, 2)}")
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
# ### Implementation
#
# Our own pair, written from the derivation. For large negative $z$, $e^{-z}$ overflows, so the
# forward evaluates only $e^{-|z|} \in (0, 1]$: $\;\sigma(z) = 1/(1 + e^{-z})$ for $z \ge 0$ and
# $e^{z}/(1 + e^{z})$ for $z < 0$ (multiply top and bottom by $e^{z}$).

# %% slideshow={"slide_type": "subslide"}
def my_sigmoid_forward(x):
    """x: any shape (the gate's input, z above) → out (shape of x), cache = out."""
    e = np.exp(-np.abs(x))                        # never overflows
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out, out


def my_sigmoid_backward(dout, cache):
    """dout: shape of x → dx = dout · σ(1 − σ), from the cached output alone."""
    out = cache
    return dout * out * (1 - out)


rng = np.random.default_rng(2)
xs = rng.normal(scale=4.0, size=(4, 5))       # wide range, to test both branches
dout = rng.standard_normal((4, 5))
out_mine, cache_mine = my_sigmoid_forward(xs)
out_ref, cache_ref = sigmoid_forward(xs)           # the reference in helpers.layers
print(verdict("forward: mine vs helpers.layers",
              rel_error(out_mine, out_ref), 1e-12))
print(verdict("backward: mine vs helpers.layers",
              rel_error(my_sigmoid_backward(dout, cache_mine),
                        sigmoid_backward(dout, cache_ref)), 1e-12))
print("σ(-1000), σ(1000) =", my_sigmoid_forward(np.array([-1000.0, 1000.0]))[0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: one call gradient-checks a pair
#
# `check_layer` runs the forward, sends back a random `dout`, and compares the backward's answer
# with the numerical gradient of $\sum(\text{out} \odot \text{dout})$. It uses moderate inputs:
# deep in the saturated zone both gradients are nearly 0, and the relative error of two tiny
# numbers measures finite-difference noise, not the backward pass.

# %% slideshow={"slide_type": "-"}
x_check = rng.standard_normal((3, 4))
check_layer(my_sigmoid_forward, my_sigmoid_backward, {"x": x_check}, name="my_sigmoid")
result = check_layer(sigmoid_forward, sigmoid_backward, {"x": x_check})

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
# backwards. Two things to watch: $x$ and $y$ are each used in several places, and every time a
# variable is used again its gradient must be **added** (`+=`), as at the fork of notebook 01.

# %% slideshow={"slide_type": "subslide"}
x, y = 3.0, -4.0

sigy = 1 / (1 + np.exp(-y))     # (1) sigmoid of y
num = x + sigy                  # (2) numerator
sigx = 1 / (1 + np.exp(-x))     # (3) sigmoid of x
xpy = x + y                     # (4)
xpysqr = xpy**2                 # (5)
den = sigx + xpysqr             # (6) denominator
invden = 1 / den                # (7)
f = num * invden                # (8) done
stages = dict(sigy=sigy, num=num, sigx=sigx, xpy=xpy, xpysqr=xpysqr, den=den,
              invden=invden, f=f)
for i, (name, value) in enumerate(stages.items(), 1):
    print(f"({i}) {name:7s} = {value:8.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Derivation: each stage's local gradient, in reverse order
#
# $$
# \begin{aligned}
# (8)\;\; f &= \text{num}\cdot\text{invden} &
#   d\text{num} &= \text{invden}\cdot df, \quad d\text{invden} = \text{num}\cdot df
#   && \text{multiply gate: swap}\\
# (7)\;\; \text{invden} &= 1/\text{den} &
#   d\text{den} &= -\text{den}^{-2}\cdot d\text{invden}
#   && \text{power rule}\\
# (6)\;\; \text{den} &= \text{sigx} + \text{xpysqr} &
#   d\text{sigx} &= d\text{den}, \quad d\text{xpysqr} = d\text{den}
#   && \text{add gate: copy}\\
# (5)\;\; \text{xpysqr} &= \text{xpy}^2 &
#   d\text{xpy} &= 2\,\text{xpy}\cdot d\text{xpysqr}
#   && \text{power rule}\\
# (4)\;\; \text{xpy} &= x + y &
#   dx &\mathrel{+}= d\text{xpy}, \quad dy \mathrel{+}= d\text{xpy}
#   && \text{add gate; } x, y \text{ used again: accumulate}\\
# (3)\;\; \text{sigx} &= \sigma(x) &
#   dx &\mathrel{+}= \text{sigx}(1 - \text{sigx})\cdot d\text{sigx}
#   && \text{sigmoid gate, section 1}\\
# (2)\;\; \text{num} &= x + \text{sigy} &
#   dx &\mathrel{+}= d\text{num}, \quad d\text{sigy} = d\text{num}
#   && \text{add gate}\\
# (1)\;\; \text{sigy} &= \sigma(y) &
#   dy &\mathrel{+}= \text{sigy}(1 - \text{sigy})\cdot d\text{sigy}
#   && \text{sigmoid gate}
# \end{aligned}
# $$
#
# $x$ receives three contributions (stages 2, 3, 4) and $y$ two (stages 1, 4).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Implementation: backward, stage by stage

# %% slideshow={"slide_type": "-"}
dx = dy = 0.0                                 # gradients start at zero and accumulate
contrib = {"dx": {}, "dy": {}}                # remember each contribution for the picture
df = 1.0
dnum = invden * df                            # (8) multiply gate
dinvden = num * df
dden = (-1 / den**2) * dinvden                # (7)
dsigx = 1.0 * dden                            # (6) add gate
dxpysqr = 1.0 * dden
dxpy = 2 * xpy * dxpysqr                      # (5)
dx += dxpy                                    # (4) add gate: both inputs get dxpy
dy += dxpy
contrib["dx"]["(4) via x + y"] = contrib["dy"]["(4) via x + y"] = dxpy
d3 = sigx * (1 - sigx) * dsigx                # (3) sigmoid gate
dx += d3
contrib["dx"]["(3) via σ(x)"] = d3
dx += dnum                                    # (2) add gate
dsigy = dnum
contrib["dx"]["(2) via x + σ(y)"] = dnum
d1 = sigy * (1 - sigy) * dsigy                # (1) sigmoid gate
dy += d1
contrib["dy"]["(1) via σ(y)"] = d1
print(f"df/dx = {dx:.5f}")
print(f"df/dy = {dy:.5f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: against the numerical gradient, here and at random points

# %% slideshow={"slide_type": "-"}
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# One point could be luck. Packed into one function, the same eight stages agree with the
# numerical gradient at random points too:

# %% slideshow={"slide_type": "-"}
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

# %% slideshow={"slide_type": "-"}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4), sharex=True, layout="constrained")
for ax, var, total in zip(axes, ["dx", "dy"], [dx, dy]):
    names = list(contrib[var]) + ["total"]
    values = list(contrib[var].values()) + [total]
    colors = [hp.GRADIENT] * len(contrib[var]) + [hp.NEUTRAL]
    ax.barh(names[::-1], values[::-1], color=colors[::-1])
    for i, v in enumerate(values[::-1]):
        ax.text(max(v, 0) + 0.04, i, f"{v:+.3f}", va="center", ha="left", fontsize=9)
    ax.axvline(0, color=hp.NEUTRAL, lw=0.8)
    ax.set_xlabel(f"contribution to {var} = ∂f/∂{var[1]}")
    ax.set_ylabel("path (stage)")
    ax.set_title(f"{var}: one bar per path, summed with +=")
axes[0].set_xlim(-0.2, 2.4)
fig.suptitle("Staged backprop of f(x, y) at x = 3, y = −4")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that $x$ reaches $f$ along three paths and $y$ along two, and that the largest share
# of both gradients arrives through $(x + y)^2$ in the denominator. Writing `dx = …` instead of
# `dx += …` would silently keep only the last path: a wrong gradient that no error message
# would flag.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Activation functions: local gradients and saturation
#
# ### Derivation: tanh, ReLU and the bounds
#
# $$
# \begin{aligned}
# \tanh z &= 2\sigma(2z) - 1
#   && \text{algebra: } \tfrac{2}{1 + e^{-2z}} - 1 = \tfrac{1 - e^{-2z}}{1 + e^{-2z}}\\
# \tanh' z &= 4\,\sigma(2z)\bigl(1 - \sigma(2z)\bigr) = 1 - \tanh^2 z
#   && \text{chain rule, then } \sigma(2z) = \tfrac{1 + \tanh z}{2}\\
# \mathrm{ReLU}(z) = \max(0, z), &\quad \mathrm{ReLU}'(z) = [z > 0]
#   && \text{slope 1 on one side, 0 on the other (0 at } z = 0 \text{ by convention)}\\
# \sigma'(z) = \sigma(1 - \sigma) &\le \tfrac14
#   && \sigma(1 - \sigma) = \tfrac14 - (\sigma - \tfrac12)^2 \text{, largest at } \sigma = \tfrac12 \text{, i.e. } z = 0\\
# \tanh'(z) = 1 - \tanh^2 z &\le 1
#   && \tanh^2 z \ge 0 \text{, equality only at } z = 0
# \end{aligned}
# $$
#
# The bracket $[z > 0]$ is 1 when the condition holds and 0 otherwise.

# %% slideshow={"slide_type": "subslide"}
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

# %% slideshow={"slide_type": "-"}
rng = np.random.default_rng(4)
check_layer(tanh_forward, tanh_backward, {"x": rng.standard_normal((3, 4))})
x_relu = rng.uniform(0.1, 2.0, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))
result = check_layer(relu_forward, relu_backward, {"x": x_relu})

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A product of local gradients: the first hint of vanishing gradients
#
# Stack $k$ sigmoid layers of one unit each: layer $j$ turns its pre-activation $z_j$ into
# $a_j = \sigma(z_j)$, and the next pre-activation is $z_{j+1} = w\,a_j + b_{j+1}$. Take the
# weight $w = 1$ (the biases can still put each $z_j$ anywhere), so $\partial z_{j+1}/\partial
# a_j = 1$. On its way down, the gradient is then multiplied by one local gradient per layer,
# each at most $1/4$:
#
# $$
# \begin{aligned}
# \frac{\partial a_k}{\partial z_1}
# &= \frac{\partial a_k}{\partial z_k}\cdot\frac{\partial z_k}{\partial a_{k-1}}\cdots
#    \frac{\partial z_2}{\partial a_1}\cdot\frac{\partial a_1}{\partial z_1}
#   && \text{chain rule along the stack}\\
# &= \prod_{j=1}^{k} \sigma'(z_j)
#   && \text{every } \partial z_{j+1}/\partial a_j = w = 1\\
# &\le \left(\tfrac14\right)^{k}
#   && \sigma' \le \tfrac14 \text{ (above)}
# \end{aligned}
# $$
#
# With a general weight each layer also contributes a factor $w$, and $|w| > 1$ can compensate
# (notebook 06). The table below puts every layer at $z = 2$.

# %% slideshow={"slide_type": "subslide"}
sig_prime_2 = float(sigmoid_backward(np.array(1.0), sigmoid_forward(2.0)[1]))
tanh_prime_2 = float(tanh_backward(np.array(1.0), tanh_forward(2.0)[1]))
print(f"σ'(2) = {sig_prime_2:.3f},  tanh'(2) = {tanh_prime_2:.3f}\n")
print(" k   (1/4)^k    σ'(2)^k    tanh'(2)^k")
for k in [1, 2, 5, 10, 20]:
    print(f"{k:2d}  {0.25**k:9.1e}  {sig_prime_2**k:9.1e}  {tanh_prime_2**k:9.1e}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# After 10 sigmoid layers less than a millionth of the gradient is left, even in the best case;
# tanh at least allows a factor of 1 near $z = 0$. ReLU passes exactly 1 when $z > 0$, and
# exactly 0 when $z < 0$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Dead ReLU
#
# A ReLU unit whose pre-activation is negative for every input sends back **zero** gradient to
# its weights, so gradient descent can never move it again. A large negative bias does it.
#
# Below, each *row* of `X_batch` is one example $x_n$ (the row convention of `helpers`), so
# $z_n = x_n \cdot w + b$. Each example hands the weights $x_n\,dz_n$ (multiply gate) and the
# bias $dz_n$; the weights are shared by all 1000 examples, so these are summed, which is what
# `X_batch.T @ dz_unit` computes (notebook 03 derives it as the matmul gate's backward).

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

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Picture: the activation explorer
#
# Pick an activation, move the pre-activation $z$ and the depth $k$. Left: the function with its
# saturated zone shaded (local gradient below 10 % of its peak); middle: the local gradient;
# right: what is left of a gradient after passing $j = 1 \dots k$ layers that all sit at $z$
# (log scale), next to the best case.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
activation_explorer()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Where widgets do not render, here is the default state (sigmoid, $z = 2$, $k = 5$):

# %% slideshow={"slide_type": "-"}
activation_explorer_figure(activation="sigmoid", z=2.0, k=5)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice that at $z = 2$ the sigmoid is not yet in its shaded zone, yet its local gradient
# $0.105$ already shrinks the gradient to about $10^{-5}$ after five layers; the dashed best
# case $(1/4)^k$ is itself a steep line on the log axis. Try tanh at $z = 0$ (no loss at all)
# and ReLU at $z < 0$ (nothing at all).

# %% slideshow={"slide_type": "notes"} tags=["nbval-ignore-output"]
times = benchmark_activation_explorer(repeats=5)
print(f"pure function {times['pure_ms']:.2f} ms per call;  slider move {times['redraw_ms']:.0f}"
      f" ms;  first visit to a new activation {times['switch_ms']:.0f} ms  (machine-dependent)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Softmax with cross-entropy
#
# ### Intuition
#
# A classifier gives each of $C$ classes a score $s_j$. Softmax turns the scores into
# probabilities, and cross-entropy charges $-\log$ of the probability given to the correct class
# $y$:
#
# $$
# p_j = \frac{e^{s_j}}{\sum_{k} e^{s_k}}, \qquad L = -\log p_y
# $$
#
# ### The overflow
#
# `np.exp(1000)` does not fit in a float64 (the largest is about $1.8\times10^{308}$). A naive
# softmax of perfectly reasonable large scores breaks:

# %% slideshow={"slide_type": "subslide"}
def naive_softmax(s):
    return np.exp(s) / np.sum(np.exp(s))


s_big = np.array([1000.0, 1001.0, 1002.0])
with np.errstate(over="ignore", invalid="ignore"):   # warnings silenced: we show the failure
    p_naive = naive_softmax(s_big)
    print("exp(scores)          =", np.exp(s_big))
print(f"largest float64       = {np.finfo(np.float64).max:.1e}")
print("naive softmax(scores) =", p_naive, " → fails: inf / inf = nan")

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


s_small = np.array([1.0, 2.0, 3.0])
print(verdict("softmax(s − max) vs naive softmax(s), small scores",
              rel_error(softmax(s_small), naive_softmax(s_small)), 1e-12))
print("stable softmax([1000, 1001, 1002]) =", np.round(softmax(s_big), 4))
print("         softmax([   0,    1,    2]) =", np.round(softmax(s_big - 1000), 4))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Derivation: the backward pass $p - y$
#
# For one example with correct class $y$ (write $[k = y]$ for 1 if $k = y$, else 0):
#
# $$
# \begin{aligned}
# L &= -\log \frac{e^{s_y}}{\sum_j e^{s_j}} = -s_y + \log \sum_j e^{s_j}
#   && \log(a/b) = \log a - \log b,\;\; \log e^{s_y} = s_y\\
# \frac{\partial L}{\partial s_k} &= -[k = y] + \frac{1}{\sum_j e^{s_j}}\cdot e^{s_k}
#   && -s_y \text{ moves only if } k = y\text{; } (\log u)' = u'/u \text{ for } u = \textstyle\sum_j e^{s_j}\\
# &= p_k - [k = y]
#   && \text{definition of } p_k
# \end{aligned}
# $$
#
# For a batch of $N$ examples the loss is the mean $\frac1N\sum_n L_n$, so each row of the
# gradient is divided by $N$: $\;dS = (P - Y)/N$ with $Y$ the one-hot labels. The probability
# sent to the correct class is pushed up, every other one pushed down, in proportion to how
# wrong it is.

# %% slideshow={"slide_type": "subslide"}
s_one, y_one = np.array([2.0, 1.0, 0.1]), 0
p_one = softmax(s_one)
ds_one = p_one - np.eye(3)[y_one]                        # p − onehot(y)
print("p  =", np.round(p_one, 4), f"  loss = {-np.log(p_one[y_one]):.4f}")
print("ds =", np.round(ds_one, 4), f"  (sums to {abs(ds_one.sum()):.1f})")
ds_num = numerical_gradient(lambda s: -np.log(softmax(s)[y_one]), s_one.copy())
print(verdict("p − y vs numerical gradient", rel_error(ds_one, ds_num)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the batched reference, on scores that would overflow
#
# `helpers.layers.softmax_cross_entropy(scores, y)` returns the mean loss and $dS = (P - Y)/N$
# in one call. The tiny batch below (the same one as exercise 3) has a row near 1000.

# %% slideshow={"slide_type": "-"}
scores, labels = SOFTMAX_SCORES.copy(), SOFTMAX_LABELS.copy()
loss, dscores = softmax_cross_entropy(scores, labels)
N = scores.shape[0]
rows = np.array([softmax(s) - np.eye(scores.shape[1])[c] for s, c in zip(scores, labels)])
print(f"loss = {loss:.4f}")
print(verdict("reference dscores vs our rows (p − y)/N", rel_error(dscores, rows / N), 1e-12))
num_dscores = numerical_gradient(lambda S: softmax_cross_entropy(S, labels)[0], scores)
print(verdict("reference dscores vs numerical gradient", rel_error(dscores, num_dscores)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The binary case is the sigmoid
#
# With two classes and scores $[0, z]$, softmax gives
# $p_1 = \frac{e^{z}}{e^{0} + e^{z}} = \frac{1}{1 + e^{-z}} = \sigma(z)$ (divide top and bottom
# by $e^{z}$). So **logistic regression is 2-class softmax**, its loss is
# $-[y\log\sigma(z) + (1 - y)\log(1 - \sigma(z))]$ and, by the $p - y$ rule, its gradient is
# $\;\partial L/\partial z = \sigma(z) - y$.

# %% slideshow={"slide_type": "-"}
z_b = np.array([-3.0, -0.5, 0.0, 1.2, 4.0])
y_b = np.array([1, 0, 1, 1, 0])
sig_b = sigmoid_forward(z_b)[0]
bce = -(y_b * np.log(sig_b) + (1 - y_b) * np.log(1 - sig_b)).mean()
scores_2 = np.stack([np.zeros_like(z_b), z_b], axis=1)     # scores [0, z] for each example
loss_2, dscores_2 = softmax_cross_entropy(scores_2, y_b)
print(f"binary cross-entropy = {bce:.4f}   2-class softmax CE = {loss_2:.4f}")
print(verdict("(σ(z) − y)/N vs 2-class dscores[:, 1]",
              rel_error((sig_b - y_b) / len(z_b), dscores_2[:, 1]), 1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Picture: cross-entropy does not saturate where it matters

# %% slideshow={"slide_type": "-"}
zz = np.linspace(-8, 8, 401)
sz = sigmoid_forward(zz)[0]
fig, ax = plt.subplots(figsize=(7, 3.6))
ax.plot(zz, sz - 1, color=hp.GRADIENT, lw=2.5,
        label="cross-entropy: ∂L/∂z = σ(z) − 1")
ax.plot(zz, (sz - 1) * sz * (1 - sz), color=hp.GRADIENT, lw=2, ls="--",
        label="squared error ½(σ − 1)²: ∂L/∂z = (σ − 1)·σ(1 − σ)")
ax.plot(zz, sz, color=hp.FORWARD, lw=1.5, label="prediction σ(z)")
ax.axvspan(-8, -3.6, color=hp.NEUTRAL, alpha=0.15, label="σ saturated, prediction wrong")
ax.set_xlabel("score z (the correct class is y = 1)")
ax.set_ylabel("gradient ∂L/∂z  /  probability")
ax.set_title("Gradient reaching the score when the label is 1")
ax.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice the shaded zone, where the model is confidently wrong: the cross-entropy gradient stays
# near $-1$ and pushes hard, while squared error on a sigmoid gets multiplied by the saturated
# $\sigma' \approx 0$ and barely moves. The $\log$ in the loss cancels the sigmoid's $\exp$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Three exercises. Edit the lines marked `TODO`, run the cell, and the checker prints `✓` or a
# hint. Solutions are folded below each exercise.
#
# ### Exercise 1 — the sigmoid gate from its output alone
#
# The forward pass cached only `out = σ(x)`. Write the backward: given `out` and the upstream
# gradient `dout` (same shape), return `dx`.

# %% slideshow={"slide_type": "subslide"}
def sigmoid_backward_from_output(out, dout):
    """out, dout: same shape → dx, same shape."""
    raise NotImplementedError  # TODO: one line, using only out and dout


done = check_sigmoid_backward_from_output(sigmoid_backward_from_output)

# %% [markdown] slideshow={"slide_type": "fragment"}
#
# <details><summary>Solution</summary>
#
# ```python
# def sigmoid_backward_from_output(out, dout):
#     return dout * out * (1 - out)      # local σ(1 − σ) times upstream
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — staged backprop with `+=`
#
# The function $g(x, y) = \sigma(x\,y) + x^2$ is computed in four stages by `g_forward` (from
# `helpers.exercises.nb02`):
#
# ```python
# xy = x * y          # stage 1: multiply gate
# s = sigmoid(xy)     # stage 2: sigmoid gate
# sq = x ** 2         # stage 3: square gate  (x is used a second time)
# g = s + sq          # stage 4: add gate
# return g, (x, y, xy, s, sq)
# ```
#
# Write the backward pass: given the upstream gradient `dg` and the cache, return `(dx, dy)`.

# %% slideshow={"slide_type": "subslide"}
def g_backward(dg, cache):
    """dg: float, cache = (x, y, xy, s, sq) → (dx, dy), floats."""
    x, y, xy, s, sq = cache
    # TODO: stage 4, then 3, 2, 1 in reverse; x is used twice
    return None


print(f"g(1.5, -0.5) = {g_forward(1.5, -0.5)[0]:.4f}")
done = check_staged_backward(g_backward)

# %% [markdown] slideshow={"slide_type": "fragment"}
#
# <details><summary>Solution</summary>
#
# ```python
# def g_backward(dg, cache):
#     x, y, xy, s, sq = cache
#     ds, dsq = dg, dg              # stage 4: the add gate copies
#     dx = 2 * x * dsq              # stage 3: power rule
#     dxy = s * (1 - s) * ds        # stage 2: sigmoid gate
#     dx += y * dxy                 # stage 1: multiply gate swaps; += for the second use of x
#     dy = x * dxy
#     return dx, dy
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — softmax cross-entropy on a tiny batch
#
# Write `softmax_ce(scores, y)`: scores of shape $(N, C)$ and integer labels of shape $(N,)$ in,
# the mean loss and `dscores` $= (P - Y)/N$ out. The checker's batch includes the row
# `[1000, 1002, 999, 1001]`, so the naive softmax will not do.

# %% slideshow={"slide_type": "subslide"}
def softmax_ce(scores, y):
    """scores (N, C), y (N,) ints → loss (float), dscores (N, C)."""
    N = scores.shape[0]
    # TODO: stable probabilities P, the mean of −log P[n, y_n], and (P − Y) / N
    raise NotImplementedError


done = check_softmax_ce(softmax_ce)

# %% [markdown] slideshow={"slide_type": "fragment"}
#
# <details><summary>Solution</summary>
#
# ```python
# def softmax_ce(scores, y):
#     N = scores.shape[0]
#     shifted = scores - scores.max(axis=1, keepdims=True)    # the overflow trick
#     P = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
#     loss = -np.log(P[np.arange(N), y]).mean()
#     dscores = P.copy()
#     dscores[np.arange(N), y] -= 1                            # P − Y
#     return loss, dscores / N
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
# - Softmax: subtract the row maximum before $\exp$; softmax cross-entropy's backward is
#   $(p - y)/N$, and the 2-class case is the sigmoid with gradient $\sigma(z) - y$.
#
# Next: [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb) applies the same gates
# to whole matrices at once.
