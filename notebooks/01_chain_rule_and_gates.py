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
# # 01 — Chain rule, computational graphs and gates
#
# By the end you can push gradients backward through any graph of simple operations by hand,
# explain every number with one rule, write the backward pass of a small autograd engine
# yourself, and prove it right with a numerical check.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/01_chain_rule_and_gates.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/01_chain_rule_and_gates.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. The first notebook of the course: everything later (matrices, convolutions,
# recurrent networks) is this notebook's one rule, downstream = upstream × local, applied to
# bigger gates. Plan two lectures: up to the end of *Implementation* (the engine), then the
# numerical check, the widget and the exercises. Ask who has trained a network without knowing
# where its gradients come from: by the end of the day they will have written that part.

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
# - Read a derivative as a **sensitivity**: how far the output moves per unit nudge of an input.
# - Draw an expression as a **computational graph**, run the forward pass (which *stores* its
#   intermediates) and the backward pass (which *reuses* them) with one rule:
#   downstream = upstream × local.
# - Apply the four gate patterns without thinking: **add** distributes, **multiply** swaps,
#   **max** routes to the winner, a **fork** sums.
# - Write the backward pass of a tiny scalar autograd engine yourself: a topological order,
#   then one reversed walk.
# - Check any gradient numerically with a central difference, and judge it by the
#   **relative error**.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# This is the first notebook of the course (the [course map](../README.md) lists them all).
# You need only:
#
# - Python and a little numpy (arrays, `np.array`, `np.abs`).
# - Derivatives of one variable from school calculus: $\frac{d}{dx}x^n = n x^{n-1}$,
#   $\frac{d}{dx}e^x = e^x$, and the idea of a slope. Partial derivatives ($\partial$) are
#   introduced here, when they first appear.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **derivative (미분)** / **gradient (기울기)**: how much the output changes per unit change of
#   an input; the gradient holds one such number per input.
# - **chain rule (연쇄 법칙)**: the derivative of a composition is the product of the local
#   derivatives along the way.
# - **computational graph (계산 그래프)**: an expression drawn as nodes (operations) joined by
#   edges (the values they pass on); **topological order (위상 정렬)**: its nodes listed so that
#   each comes after its inputs.
# - **forward pass (순전파)** and **backpropagation (역전파)**: the output left to right, then
#   the gradients right to left.
# - **upstream (상류) / local (국소) gradient (기울기)**: what a node receives from the output
#   side, and the derivative of its own output with respect to its input.
# - **gate (게이트)**: one node seen as a little machine; a **fork (분기)** (the Repeat node,
#   반복 노드) is one value used by several gates.
# - **numerical differentiation (수치 미분)** and **relative error (상대 오차)**.

# %% slideshow={"slide_type": "skip"}
import math

import matplotlib.pyplot as plt
import numpy as np

from helpers.exercises._check import progress
from helpers.exercises.nb01 import (
    check_backward_pass,
    check_by_hand,
    check_divide_backward,
    check_exp,
    check_iterative_order,
)
from helpers.gradcheck import numerical_gradient, rel_error, verdict
from helpers.graph import Value
from helpers.graph_draw import draw_graph
from helpers.plotting import GRADIENT, NEUTRAL, PALETTE
from helpers.widgets import gradient_flow, gradient_flow_figure
from helpers.widgets.gradient_flow import projector_text

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: a derivative is a sensitivity
#
# Take $f(x) = x^3$ and nudge $x$ by a small amount $h$. The output moves too, and the ratio
# *output moved / nudge* says how sensitive $f$ is to $x$ **at that point**. Try it at $x = 1$
# and at $x = 4$ with the same nudge.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Before running the cell, ask the room: "same nudge, x = 1 and x = 4: does the output
# move by the same amount?" Most say yes or shrug. Run it: about 3× and 48×. Then the power
# rule predicts both; the leftovers (3.003, 48.012) are the finite nudge, which the *Check*
# section measures properly.

# %% slideshow={"slide_type": "fragment"}
def f_cube(x):
    return x * x * x          # x³ written as products: exact, identical arithmetic everywhere


h = 1e-3
for x0 in (1.0, 4.0):
    moved = f_cube(x0 + h) - f_cube(x0)
    print(f"x = {x0:.0f}: a nudge of {h:g} moves f by {moved:.6f}, {moved / h:.3f} times the nudge")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The derivative predicts both numbers
#
# The same nudge moves the output about **3×** at $x = 1$ and about **48×** at $x = 4$:
#
# $$
# \begin{aligned}
# f'(x) &= \tfrac{d}{dx}\,x^3 = 3x^2 && \text{power rule} \\
# f'(1) &= 3 \cdot 1^2 = 3 && \text{substitute } x = 1 \\
# f'(4) &= 3 \cdot 4^2 = 48 && \text{substitute } x = 4
# \end{aligned}
# $$
#
# The small leftovers (3.003 rather than 3, 48.012 rather than 48) come from the nudge being
# finite; they shrink with $h$, and the section *Check* below measures exactly how fast.

# %% slideshow={"slide_type": "fragment"}
for x0 in (1.0, 4.0):
    print(f"f'({x0:.0f}) = 3·{x0:.0f}² = {3 * x0 ** 2:.0f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The slope, drawn

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
xs = np.linspace(0.0, 4.6, 200)
fig, ax = plt.subplots(figsize=(7.0, 3.8))
ax.plot(xs, f_cube(xs), color=NEUTRAL, lw=2, label="f(x) = x³")
for x0, shade in ((1.0, PALETTE[4]), (4.0, GRADIENT)):
    slope = 3 * x0 ** 2
    span = np.array([x0 - 0.45, x0 + 0.45])
    ax.plot(span, f_cube(x0) + slope * (span - x0), color=shade, lw=3,
            label=f"tangent at x = {x0:.0f}: slope {slope:.0f}")
    ax.plot([x0], [f_cube(x0)], "o", color=shade, ms=7)
ax.set_title("The slope of x³ is its sensitivity: 3 at x = 1, 48 at x = 4")
ax.set_xlabel("x")
ax.set_ylabel("f(x)")
ax.legend(loc="upper left")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Notice how flat the curve is near $x = 1$ and how steep near $x = 4$: the tangent's slope is
# the factor by which a tiny nudge of $x$ is multiplied on its way to the output.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: a computational graph
#
# Backpropagation never differentiates a big formula in one go. It cuts the formula into
# **gates**, each simple enough that its derivative is obvious. The running example of this
# notebook (the classic one from cs231n) is
#
# $$f(x, y, z) = (x + y)\cdot z \qquad\text{at } x = -2,\; y = 5,\; z = -4,$$
#
# cut into two gates: an add gate $q = x + y$ and a multiply gate $f = q \cdot z$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Draw the graph on the board before showing the figure: inputs on the left, one box
# per operation, the output on the right. Ask the room to compute the two forward values (q = 3,
# f = −12) and write them on the edges. Stress that q is *kept*: the next section needs it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The graph after the forward pass
#
# ![The graph of f = (x + y)·z after the forward pass: x = −2 and y = 5 enter an add gate whose output q = 3 enters a multiply gate with z = −4; the output is −12.](../figures/nb01_classic_forward.png)
#
# Inputs on the left, the output on the right; each edge carries the value flowing along it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The forward pass stores what the backward pass needs
#
# The **forward pass** evaluates the gates left to right and **stores** what it computed. The
# stored $q$ is not a by-product: the backward pass needs it, because the multiply gate's
# derivative with respect to $z$ *is* $q$.

# %% slideshow={"slide_type": "fragment"}
x, y, z = -2.0, 5.0, -4.0
q = x + y          # add gate; q is stored for the backward pass
f = q * z          # multiply gate
print(f"q = {q:g}, f = {f:g}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the chain rule, one gate at a time
#
# $f$ has three inputs, so we use **partial derivatives**: $\partial f/\partial x$ is the
# ordinary derivative of $f$ in $x$ with $y$ and $z$ held fixed (the curly $\partial$ says "the
# other inputs do not move").
#
# Notation for the rest of the course: for any value $v$ in the graph, $dv$ means
# $\partial f/\partial v$, the sensitivity of the **final output** to $v$ (from notebook 03 on,
# the final output is a loss $L$). We want $dx$, $dy$, $dz$.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 10 min. Do the five lines on the board from the output back, asking the room for each
# local gradient before writing it ("what is ∂(qz)/∂z?"). The moment to stress: dz = q, the
# stored forward value. Then generalise to downstream = upstream × local, the one rule of the
# course. Run the cell only to confirm the board.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### From the output back
#
# Each gate multiplies the gradient arriving from the output side by its own local gradient:
#
# $$
# \begin{aligned}
# df &= 1 && \text{the output's sensitivity to itself} \\
# dz &= \frac{\partial (q z)}{\partial z}\,df = q \cdot 1 = 3 && \text{multiply: local } q \\
# dq &= \frac{\partial (q z)}{\partial q}\,df = z \cdot 1 = -4 && \text{multiply: local } z \\
# dx &= \frac{\partial (x + y)}{\partial x}\,dq = 1 \cdot (-4) = -4 && \text{add: local } 1 \\
# dy &= \frac{\partial (x + y)}{\partial y}\,dq = 1 \cdot (-4) = -4 && \text{add: local } 1
# \end{aligned}
# $$

# %% slideshow={"slide_type": "fragment"}
df = 1.0
dz = q * df        # local gradient of q·z with respect to z is the stored q
dq = z * df        # ... and with respect to q it is z
dx = 1.0 * dq      # add gate: local gradient 1
dy = 1.0 * dq
print(f"dz = {dz:g}, dq = {dq:g}, dx = {dx:g}, dy = {dy:g}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Downstream = upstream × local
#
# Every line above has the same shape. A gate receives the **upstream** gradient $d(\text{out})$
# from the output side, multiplies it by its own **local** gradient, and passes the product
# **downstream** to its input:
#
# $$
# \underbrace{\frac{\partial f}{\partial x}}_{\text{downstream}}
# \;=\;
# \underbrace{\frac{\partial f}{\partial q}}_{\text{upstream}}
# \;\cdot\;
# \underbrace{\frac{\partial q}{\partial x}}_{\text{local}}
# $$
#
# That is the chain rule, and it is all of backpropagation. A gate never needs to know what
# the rest of the graph looks like: only its own inputs (stored in the forward pass) and the
# single number arriving from upstream. The section *Check* compares these numbers with a
# numerical derivative.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: four gate patterns
#
# Four gates cover most of what you will meet; each backward rule is one line. Below, `dout`
# is the upstream gradient a gate receives. By the chain rule, $da = dout \cdot
# \partial o/\partial a$ is the derivative of $dout \cdot o$ with respect to $a$ ($dout$ is a
# fixed number), so each rule is checked against a numerical derivative of `dout · gate(a, b)`:
# the helper `check_gate` prints the relative error (explained in *Check*; below $10^{-9}$
# means "the same number").

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 12 min for the four patterns. For each gate, ask the room for the rule before revealing it:
# "add 2 and −1, upstream 1.5: what does each input get?" Multiply is the one people get wrong
# (each input gets the *other* input). The fork is the most important: forgetting its sum is
# the most common hand-derivation bug, and the build-it exercise tests exactly that.

# %% slideshow={"slide_type": "skip"}
def check_gate(forward, backward, a, b, dout):
    """Compare a gate's backward with central differences of dout · forward(a, b)."""
    da, db = backward(a, b, dout)
    num = numerical_gradient(lambda v: dout * forward(v[0], v[1]), np.array([a, b]))
    print(f"{forward.__name__}: backward gives da = {da:g}, db = {db:g}; "
          f"numerical ({num[0]:.4f}, {num[1]:.4f})")
    print(verdict(f"{forward.__name__} backward vs numerical",
                  rel_error(np.array([da, db]), num), tol=1e-9))


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Add distributes
#
# $$
# o = a + b
# \;\Rightarrow\;
# \frac{\partial o}{\partial a} = \frac{\partial o}{\partial b} = 1
# \;\Rightarrow\;
# da = 1 \cdot dout,\quad db = 1 \cdot dout
# $$
#
# Both inputs receive the upstream gradient **unchanged**, whatever their values.

# %% slideshow={"slide_type": "fragment"}
def add(a, b):
    return a + b


def add_backward(a, b, dout):
    return dout, dout                 # add distributes the upstream gradient unchanged


check_gate(add, add_backward, 2.0, -1.0, dout=1.5)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Multiply swaps
#
# $$
# o = a \cdot b
# \;\Rightarrow\;
# \frac{\partial o}{\partial a} = b,\quad \frac{\partial o}{\partial b} = a
# \;\Rightarrow\;
# da = b \cdot dout,\quad db = a \cdot dout
# $$
#
# Each input receives **the other input**, scaled by the upstream gradient. A large input
# therefore makes the *other* input's gradient large.

# %% slideshow={"slide_type": "fragment"}
def mul(a, b):
    return a * b


def mul_backward(a, b, dout):
    return b * dout, a * dout         # multiply swaps its inputs, scaled by upstream


check_gate(mul, mul_backward, 2.0, -1.0, dout=1.5)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Max routes to the winner
#
# $$
# o = \max(a, b)
# \;\Rightarrow\;
# \frac{\partial o}{\partial a} = \begin{cases}1 & a \ge b\\ 0 & a < b\end{cases},\quad
# \frac{\partial o}{\partial b} = 1 - \frac{\partial o}{\partial a}
# $$
#
# The winner gets $dout$, the loser $0$. Near the winner, $o$ *is* that input (slope 1); the
# loser does not affect $o$ at all (slope 0). A tie is a kink with no derivative; by
# convention the first input wins. Max pooling in notebook 05 is this gate, many times over.

# %% slideshow={"slide_type": "fragment"}
def max_gate(a, b):
    return max(a, b)


def max_backward(a, b, dout):
    return (dout, 0.0) if a >= b else (0.0, dout)   # max routes everything to the winner


check_gate(max_gate, max_backward, 2.0, -1.0, dout=1.5)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A fork sums (the Repeat node)
#
# When one value $x$ feeds two gates, think of a hidden **Repeat** node that copies it:
# $x_1 = x$, $x_2 = x$. Nudge $x$ by a small $h$: both copies move by $h$, so to first order the
# output moves by $dx_1 \cdot h$ through the first path **plus** $dx_2 \cdot h$ through the
# second. The multivariable chain rule adds the paths:
#
# $$
# \begin{aligned}
# dx &= \frac{\partial x_1}{\partial x}\,dx_1 + \frac{\partial x_2}{\partial x}\,dx_2
#    && \text{chain rule, summed over every path} \\
#    &= 1\cdot dx_1 + 1 \cdot dx_2 = dx_1 + dx_2 && \text{a copy has local gradient 1}
# \end{aligned}
# $$
#
# Forward, the Repeat node copies; backward, it **sums**. Forget the sum and you silently keep
# only one path: the most common hand-derivation bug.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The fork in code: $f = x \cdot x$
#
# $f = x \cdot x$ uses $x$ twice; the sum of the two paths recovers $\frac{d}{dx}x^2 = 2x$.

# %% slideshow={"slide_type": "fragment"}
def repeat_backward(dx1, dx2):
    return dx1 + dx2                  # backward: sum what comes back


x0 = 3.0
x1, x2 = x0, x0                                 # forward: the Repeat node copies x
dx1, dx2 = mul_backward(x1, x2, dout=1.0)       # f = x1 · x2
dx0 = repeat_backward(dx1, dx2)
print(f"the two paths bring {dx1:g} and {dx2:g}; their sum dx = {dx0:g} = 2x")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
num = numerical_gradient(lambda v: v[0] * v[0], np.array([x0]))[0]
print(f"numerical d(x·x)/dx at x = 3: {num:.4f}")
print(verdict("fork sum vs numerical", rel_error(dx0, num), tol=1e-9))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Add, multiply and max, drawn
#
# The scalar engine introduced next can draw any expression. Here are the three gates at
# $a = 2$, $b = -1$, each with output gradient 1: values above the edges in blue, gradients
# below in orange. The fork follows.

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
a, b = Value(2.0, "a"), Value(-1.0, "b")
gates = [(a + b, "add distributes"), (a * b, "multiply swaps"), (a.max(b), "max routes")]
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
fig.subplots_adjust(left=0.0, right=1.0, wspace=0.0)
for ax, (out, title) in zip(axes, gates, strict=True):
    out.label = "o"
    out.backward()
    projector_text(draw_graph(out, ax=ax, title=title))
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read the orange numbers: add hands $1$ to both inputs; multiply hands $a$ the value of $b$
# ($-1$) and $b$ the value of $a$ ($2$); max hands everything to the winner $a$ and $0$ to $b$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The fork, drawn

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
x = Value(3.0, "x")
square = x * x
square.label = "f"
square.backward()
projector_text(draw_graph(square, title="f = x·x at x = 3: x feeds the gate twice"))
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The two edges from $x$ each carry the value $3$ forward and the gradient $3$ back (multiply
# swaps: each copy receives the other one). Under $x$, the fork's **sum**: $3 + 3 = 6 = 2x$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Implementation: a scalar engine
#
# `helpers.graph.Value` automates the walk. Every operation creates a node that remembers its
# inputs (`parents`), its operation (`op`) and its **local gradients** (`local_grads`), computed
# during the forward pass from the values at hand. `backward()` then does three things:
#
# 1. list the nodes in a **topological order**: every node after all the nodes it was computed
#    from (its parents), the output last;
# 2. set every `grad` to 0, then the output's to 1 ($\partial f/\partial f$);
# 3. visit the nodes in the **reverse** of that order; each sends local × its `grad` to each
#    parent, **adding** to what the parent already has (a fork sums).
#
# In reverse topological order, every gate that uses a node is visited before the node itself,
# so when a node is visited its `grad` is complete.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 10 min. The three steps are the build-it exercise of *Your turn*: say so, and do not show
# any engine code beyond the cells here. Ask: "why must the output's gradient be set to 1?"
# (∂f/∂f) and "why reverse topological order and not just any order?" (a node must have heard
# from every gate using it before it passes its gradient on). Run the two bugs cell last.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The running example in the engine

# %% slideshow={"slide_type": "-"}
x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
q = x + y
q.label = "q"
f = q * z
f.label = "f"
print("f.parents:", [p.label for p in f.parents], " f.op:", f.op,
      " f.local_grads:", f.local_grads)
f.backward()
for v in (f, q, z, x, y):
    print(f"{v.label}: value {v.data:6.2f}   gradient {v.grad:6.2f}")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
numeric = numerical_gradient(lambda v: (v[0] + v[1]) * v[2], np.array([-2.0, 5.0, -4.0]))
print("numerical (dx, dy, dz) =", np.round(numeric, 6))
print(verdict("engine vs numerical", rel_error(np.array([x.grad, y.grad, z.grad]), numeric),
              tol=1e-9))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The engine narrates its walk
#
# Same numbers as by hand ($f = -12$, $dz = 3$, $dq = -4$, $dx = dy = -4$) and as the central
# difference. The multiply node's local gradients $(-4, 3)$ are exactly $(z, q)$: multiply
# swaps. The engine can also narrate its walk, one visited node per line:

# %% slideshow={"slide_type": "fragment"}
for step in f.backward_steps():
    print(step.describe())

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The walk, drawn

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
projector_text(draw_graph(f))
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each edge shows its forward value above (blue) and, below it (orange), the gradient sent back
# along it: $z$'s edge carries $3 = q$, $q$'s edge carries $-4 = z$, and the add gate passes
# $-4$ unchanged to both $x$ and $y$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two bugs an engine must avoid
#
# 1. **Calling `backward()` twice.** An engine that only does `grad += …` doubles every gradient
#    on the second call. `Value.backward` resets the graph's gradients first. (PyTorch
#    *accumulates* across calls on purpose, which is why training loops call `zero_grad()`.)
# 2. **A node used twice.** `a * a` lists `a` as both parents; each edge sends its share and
#    `+=` adds them, giving $2a$. Storing parents in a *set*, or assigning with `=`, loses one.

# %% slideshow={"slide_type": "fragment"}
f.backward()
f.backward()
print(f"after two backward() calls: dx = {x.grad:g} (not {2 * x.grad:g})")
a = Value(3.0, "a")
square = a * a
square.backward()
print(f"a * a at a = 3: da = {a.grad:g} = 2a")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check: numerical gradients
#
# An analytic gradient can be wrong in ways that still "train a bit". The cure is to compare it
# with a gradient computed from function values alone, by one of two formulas:
#
# $$
# \text{forward: } \frac{f(x+h) - f(x)}{h}
# \qquad\qquad
# \text{central: } \frac{f(x+h) - f(x-h)}{2h}
# $$

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 15 min for the section. Ask first: "which step h would you pick?" Most say "as small as
# possible". The log-log plot is the answer: too small and round-off wins. Then the relative
# error table, the verdict every later notebook prints. The Richardson slide can be skipped in
# a short lecture (say only: check_layer uses two steps to cancel the h² error).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How accurate? Taylor's theorem
#
# $$
# \begin{aligned}
# f(x \pm h) &= f(x) \pm h f'(x) + \tfrac{h^2}{2} f''(x) && \text{Taylor expansion} \\
#    &\quad \pm \tfrac{h^3}{6} f'''(x) + \tfrac{h^4}{24} f''''(x) + O(h^5) \\
# \frac{f(x+h) - f(x)}{h} &= f'(x) + \tfrac{h}{2} f''(x) + O(h^2)
#    && \text{forward: error } O(h) \\
# \frac{f(x+h) - f(x-h)}{2h} &= f'(x) + \tfrac{h^2}{6} f'''(x) + O(h^4)
#    && \text{central: error } O(h^2)
# \end{aligned}
# $$
#
# In the central difference the even-power terms cancel. So shrinking $h$ tenfold cuts the
# forward error tenfold and the central error a hundredfold, until **round-off** takes over.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Round-off grows as $h$ shrinks
#
# A float64 number is rounded to within half the machine epsilon
# $\varepsilon \approx 2.2\times10^{-16}$ of its value, so each computed $f$ value may be off by
# about $\tfrac{\varepsilon}{2}|f(x)|$. Subtracting two of them and dividing by $h$ amplifies
# that to about $\varepsilon\,|f(x)|/h$, which *grows* as $h$ shrinks. The code below computes
# both formulas for $x^3$ at $x = 1$, where $f'(1) = 3$:

# %% slideshow={"slide_type": "fragment"}
def forward_diff(fn, x, h):
    return (fn(x + h) - fn(x)) / h


def central_diff(fn, x, h):
    return (fn(x + h) - fn(x - h)) / (2 * h)


for h in (1e-1, 1e-3, 1e-5):
    fd, cd = forward_diff(f_cube, 1.0, h), central_diff(f_cube, 1.0, h)
    print(f"h = {h:.0e}: forward error {abs(fd - 3):.1e}, central error {abs(cd - 3):.1e}")

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
# the course helper is the same central difference, for arrays of any shape
helper = numerical_gradient(lambda v: f_cube(v[0]), np.array([1.0]), h=1e-5)[0]
print(verdict("helpers.gradcheck.numerical_gradient vs central_diff",
              rel_error(helper, central_diff(f_cube, 1.0, 1e-5)), tol=1e-12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The error of $x^3$ at $x = 1$ follows the formulas exactly: forward
# $\approx \tfrac{h}{2}\cdot 6 = 3h$, central $= \tfrac{h^2}{6}\cdot 6 = h^2$. Sweeping $h$ over
# fifteen decades shows both regimes at once.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Fifteen decades of $h$

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
hs = np.logspace(-15, 0, 61)
err_fwd = np.array([abs(forward_diff(f_cube, 1.0, h) - 3.0) for h in hs])
err_cen = np.array([abs(central_diff(f_cube, 1.0, h) - 3.0) for h in hs])
eps = np.finfo(float).eps

fig, ax = plt.subplots(figsize=(8.0, 4.2))
ok_f, ok_c = err_fwd > 0, err_cen > 0                  # log axes cannot show an exact 0
ax.loglog(hs[ok_f], err_fwd[ok_f], "o-", ms=4, color=PALETTE[4], label="forward difference")
ax.loglog(hs[ok_c], err_cen[ok_c], "s-", ms=4, color=GRADIENT, label="central difference")
# reference lines, drawn a decade away from the data so both stay visible
ref = np.logspace(-7, -1, 10)
ax.loglog(ref, 30 * ref, "--", color=NEUTRAL, lw=1.2)
ax.loglog(ref[3:], 0.1 * ref[3:] ** 2, ":", color=NEUTRAL, lw=1.8)
floor = np.logspace(-15, -4, 10)
ax.loglog(floor, eps / floor, "-.", color=NEUTRAL, lw=1.2)
ax.text(2e-5, 3e-3, "slope 1: O(h)", color=NEUTRAL, ha="right")
ax.text(3e-3, 3e-8, "slope 2: O(h²)", color=NEUTRAL, ha="left")
ax.text(1e-12, 1e-2, "round-off ≈ ε/h", color=NEUTRAL, ha="left")
ax.set_ylim(1e-13, 10)
ax.set_title("Error of numerical derivatives of x³ at x = 1")
ax.set_xlabel("step h")
ax.set_ylabel("|numerical − exact|")
ax.legend(loc="lower left")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read the plot right to left: each error falls parallel to its reference line (slope 1 for
# forward, slope 2 for central) until it meets the round-off line and climbs back up, jagged,
# along it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The slopes and the best steps, measured
#
# The central difference reaches far lower (about $5\times10^{-12}$, at
# $h \approx 3\times10^{-6}$) than the forward difference ever can (about $4\times10^{-9}$, at
# $h \approx 10^{-8}$). That is why the course checks gradients with central differences and
# $h$ around $10^{-5}$.

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
def fitted_slope(err, lo, hi):
    """Slope of log(err) against log(h) for lo ≤ h ≤ hi."""
    keep = (hs >= lo) & (hs <= hi)
    return np.polyfit(np.log10(hs[keep]), np.log10(err[keep]), 1)[0]


print(f"fitted slope, forward (1e-5 ≤ h ≤ 1e-1): {fitted_slope(err_fwd, 1e-5, 1e-1):.1f}")
print(f"fitted slope, central (1e-3 ≤ h ≤ 1e-1): {fitted_slope(err_cen, 1e-3, 1e-1):.1f}")
for name, err in (("forward", err_fwd), ("central", err_cen)):
    best = np.argmin(np.where(err > 0, err, np.inf))
    print(f"smallest {name} error: {err[best]:.0e} at h = {hs[best]:.0e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One step further: Richardson extrapolation
#
# The central difference's error has a known leading term, so two steps can cancel it. Write
# $D(h) = \frac{f(x+h) - f(x-h)}{2h}$ and keep one more Taylor term:
#
# $$
# \begin{aligned}
# D(h) &= f'(x) + \tfrac{h^2}{6} f'''(x) + \tfrac{h^4}{120} f^{(5)}(x) + O(h^6)
#    && \text{central difference} \\
# D(h/2) &= f'(x) + \tfrac{h^2}{24} f'''(x) + \tfrac{h^4}{1920} f^{(5)}(x) + O(h^6)
#    && \text{step } h/2 \\
# \tfrac{4\,D(h/2) - D(h)}{3} &= f'(x) - \tfrac{h^4}{480} f^{(5)}(x) + O(h^6)
#    && \text{the } h^2 \text{ terms cancel}
# \end{aligned}
# $$
#
# ($4\cdot\tfrac{1}{24} - \tfrac{1}{6} = 0$.) With an $O(h^4)$ error a larger step is already
# accurate, and stays far from the round-off floor.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Richardson on $e^x$ (what `check_layer` does)
#
# The course's `check_layer`, used from notebook 02 on, combines $h = 10^{-3}$ and $h/2$ this
# way. On $e^x$ at $x = 1$ (exact derivative $e$, and $f^{(5)} = e$ too):

# %% slideshow={"slide_type": "fragment"}
def richardson_diff(fn, x, h):
    return (4 * central_diff(fn, x, h / 2) - central_diff(fn, x, h)) / 3


for h in (1e-1, 1e-2):
    cd, rd = central_diff(np.exp, 1.0, h), richardson_diff(np.exp, 1.0, h)
    print(f"h = {h:.0e}: central error {abs(cd - np.e):.1e}, Richardson error {abs(rd - np.e):.1e}")
print(f"predicted Richardson error at h = 1e-01: h⁴/480 · e = {1e-1 ** 4 / 480 * np.e:.1e}")
print(verdict("Richardson at h = 1e-03 vs e", rel_error(richardson_diff(np.exp, 1.0, 1e-3), np.e),
              tol=1e-11))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each tenfold cut of $h$ now divides the Richardson error by about $10^4$ (slope 4), and
# $h = 10^{-1}$ already beats the central difference at $h = 10^{-2}$. The predicted error
# $\tfrac{h^4}{480}e \approx 5.7\times10^{-7}$ at $h = 10^{-1}$ matches the first line.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Relative error: the gradient-check metric
#
# How close is close enough? The **absolute** difference $|a - n|$ between an analytic gradient
# $a$ and a numerical one $n$ depends on the scale of the numbers, so no single threshold works.
# The course measures the **relative error** (`helpers.gradcheck.rel_error`, the maximum over
# elements):
#
# $$
# \text{rel}(a, n) = \frac{|a - n|}{\max\left(|a| + |n|,\; 10^{-12}\right)}
# $$
#
# The floor $10^{-12}$ only avoids dividing by zero when both are exactly 0.

# %% slideshow={"slide_type": "fragment"}
cases = {"tiny, one wrong": (2e-8, 1e-8), "huge, both right": (1e4, 1e4 + 1e-3)}
for name, (analytic, numeric) in cases.items():
    print(f"{name:16s}: absolute error {abs(analytic - numeric):.0e}, "
          f"relative error {rel_error(analytic, numeric):.0e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading a relative error
#
# The absolute error says the opposite of the truth in both cases: $10^{-8}$ looks perfect for
# a gradient that is off by a factor of two, and $10^{-3}$ looks alarming for two gradients that
# agree to seven significant digits. The relative error gets both right. In float64:
#
# | relative error | verdict |
# |---|---|
# | above $10^{-2}$ | the gradient is **wrong** (unless a kink lies within $h$: next slide) |
# | $10^{-4}$ … $10^{-2}$ | **suspicious**: a bug, or a kink (max, ReLU) near the step $h$ |
# | $10^{-7}$ … $10^{-4}$ | acceptable only with kinks or float32; worth a second look |
# | below $10^{-7}$ | **good** for float64 (the course's pass mark) |
# | around $10^{-10}$ | what a correct gradient of a smooth function typically shows |

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A kink is not a bug
#
# At a near-tie of a max, the two nudges land on different sides of the kink: the numerical
# gradient averages two slopes while the analytic one picks a side. The relative error can then
# be anything up to 1, however right the backward rule is; move the point away from the tie
# (or shrink $h$ below the gap) and the check passes again.

# %% slideshow={"slide_type": "fragment"}
point = np.array([1.0, 1.0 - 1e-7])                   # a max with a near-tie, 1e-7 apart
num = numerical_gradient(lambda v: max(v[0], v[1]), point.copy(), h=1e-5)
analytic = np.array(max_backward(point[0], point[1], 1.0))
print(f"analytic {analytic}, numerical {np.round(num, 3)}, "
      f"relative error {rel_error(analytic, num):.1f}: a kink, not a bug")
num_small = numerical_gradient(lambda v: max(v[0], v[1]), point.copy(), h=1e-8)
print(f"with h = 1e-8, below the gap: numerical {np.round(num_small, 3)}, "
      f"relative error {rel_error(analytic, num_small):.0e}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checking the engine
#
# Finally, the scalar engine against central differences on a busier expression that uses
# several kinds of gate (tanh, exp, a division, a max) and forks ($a$ and $c$ are each used
# three times), at five random points:
#
# $$g(a, b, c) = \tanh(ab + c)\cdot c + \frac{\max(a, c)\cdot a}{1 + e^{b}}$$

# %% slideshow={"slide_type": "fragment"}
def g_numpy(v):
    a, b, c = v
    return np.tanh(a * b + c) * c + max(a, c) * a / (1 + np.exp(b))


def g_engine(a, b, c):
    return (a * b + c).tanh() * c + a.max(c) * a / (1 + b.exp())

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
rng = np.random.default_rng(0)
errors = []
for point in rng.uniform(-2, 2, size=(5, 3)):
    a, b, c = (Value(float(t), name) for t, name in zip(point, "abc", strict=True))
    g_engine(a, b, c).backward()
    engine_grad = np.array([a.grad, b.grad, c.grad])
    errors.append(rel_error(engine_grad, numerical_gradient(g_numpy, point.copy())))
print(verdict("engine vs numerical at 5 random points, worst", max(errors)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The worst of the five relative errors is below the course's pass mark of $10^{-7}$: the
# engine's gradients agree with the central difference as well as the numerical estimate
# itself allows.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Picture: gradient flow on a graph
#
# The backward pass visits the nodes in reverse topological order. At each visit the node's
# gradient is final, and it sends $\text{local} \times \text{upstream}$ to each of its inputs.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 8 min, live. Step through the running example with ▶ and ask before each click which edge
# turns orange next. Then make z positive: dx flips sign (multiply swaps: dq = z). Switch to
# x·max(x, y) + y: x waits for two orange edges before its sum appears; drag y above x and the
# max switches its route.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two moments of the walk

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
fig.subplots_adjust(left=0.0, right=1.0, wspace=0.05)
for ax, k, node in zip(axes, (1, 3), "fq", strict=True):
    projector_text(draw_graph(f, ax=ax, step=k, title=f"step {k} of 5: visiting {node}"))
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Gradients appear right to left. Step 1 visits the output: the multiply gate sends $3$ to $z$
# and $-4$ to $q$ in one visit. Step 3 visits $q$: the add gate copies $-4$ to $x$ and $y$.
# No gradient reaches a node's inputs before that node itself is visited.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore it yourself
#
# Pick an expression, move the inputs, and step through the backward pass with the slider or
# the ◀ ▶ buttons. Three graphs to try:
#
# - **(x + y)·z**, the running example. Make $z$ positive: what happens to $dx$?
# - **σ(w0·x0 + w1·x1 + w2)**, a 2-D neuron with a sigmoid (notebook 02 derives its gate).
# - **x·max(x, y) + y**, a max and a fork at once: watch $x$ wait for *two* orange edges before
#   its sum appears, and watch the max switch its route when $y$ overtakes $x$.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
gradient_flow()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The explorer's default state
#
# Where widgets do not run (GitHub, a static export), this is the explorer as it opens:

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
gradient_flow_figure()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The whole walk of the running example: blue values above the edges, orange gradients below,
# and the last visited input ($x$) outlined; the gradient $-4$ reaches $x$ and $y$ through the
# add gate unchanged.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Five exercises, from warm-ups to an optional stretch. Edit the stub and run the cell: the
# checker prints ✓ or a hint. Solutions are folded under each exercise; try first.
#
# 1. warm-up: a new gate, divide (≈ 5 min);
# 2. warm-up: three gradients by hand (≈ 10 min);
# 3. build it: the backward pass of a scalar engine (≈ 25 min);
# 4. build it: a new operation, `exp` (≈ 10 min);
# 5. stretch: a topological order without recursion (≈ 15 min).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 65 min in a lab for all five; in a lecture, do exercise 2 together on the board (10 min)
# and set 3 and 4 as homework, 5 for the keen. The classic slips in 3, each named by the
# checker: = instead of += at a fork, the root's grad never set to 1, a walk in the wrong
# order, a node visited once per path, gradients not reset between two calls.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: a new gate, divide (≈ 5 min)
#
# Write the backward pass of the gate $o = a / b$: return $(da, db)$ given the upstream
# gradient `dout`. Same recipe as the four patterns: local gradient times upstream.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def div_backward(a, b, dout):
    """Gradients of o = a / b for numbers a, b (b ≠ 0) and dout = ∂f/∂o. Returns (da, db)."""
    # TODO: the local gradients ∂o/∂a and ∂o/∂b, each multiplied by dout
    return None


_ = check_divide_backward(div_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def div_backward(a, b, dout):
#     """Gradients of o = a / b for numbers a, b (b ≠ 0) and dout = ∂f/∂o. Returns (da, db)."""
#     return dout / b, -a * dout / b ** 2     # o = a · b⁻¹: ∂o/∂a = 1/b, ∂o/∂b = −a/b²
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — warm-up: three gradients by hand (≈ 10 min)
#
# For $f(x, y, z) = \max(x, y)\cdot z + z$ at $x = 1,\ y = 3,\ z = -2$, draw the graph, run the
# forward pass, then work out $df/dx$, $df/dy$ and $df/dz$ on paper and type the numbers in.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
dfdx = None   # TODO
dfdy = None   # TODO
dfdz = None   # TODO
_ = check_by_hand(dfdx, dfdy, dfdz)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# Forward: $m = \max(1, 3) = 3$, $p = m z = -6$, $f = p + z = -8$. Backward: the add gate
# gives $dp = 1$ and $z$ a first share $1$; the multiply gate swaps, $dm = z = -2$, and gives $z$
# a second share $m = 3$; the max routes $dm$ to the winner $y$.
#
# ```python
# dfdx = 0.0          # x loses the max: the max gate sends it nothing
# dfdy = -2.0         # y wins: it receives the whole dm = z
# dfdz = 1.0 + 3.0    # z is used twice: 1 from + z, and m = 3 from m·z
# ```
#
# The engine agrees: `x, y, z = Value(1.0), Value(3.0), Value(-2.0)`, then
# `f = x.max(y) * z + z; f.backward()` gives `x.grad, y.grad, z.grad = 0.0, -2.0, 4.0`.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The engine you will finish: `Scalar`
#
# A stripped-down `Value`: a number, its gradient, the nodes it was computed from and one
# local gradient per parent. It knows `+` and `*`, and nothing about the backward pass.

# %% slideshow={"slide_type": "-"}
class Scalar:
    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)                # the forward value
        self.grad = 0.0                        # ∂(output)/∂(this node), set by backward
        self.parents = tuple(parents)          # the nodes it was computed from
        self.local_grads = tuple(local_grads)  # ∂(this)/∂(parent), one per parent

    def __add__(self, other):                  # add: local gradients 1 and 1
        return Scalar(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):                  # multiply swaps: local gradients b and a
        return Scalar(self.data * other.data, (self, other), (other.data, self.data))

# %% slideshow={"slide_type": "fragment"} tags=["hide-input"]
s, t = Scalar(2.0), Scalar(-3.0)
u = s * t + s                                   # s is used twice
print(f"u = s·t + s at s = 2, t = −3: u.data = {u.data:g}, parents "
      f"{[p.data for p in u.parents]} (s·t, s), local_grads {u.local_grads}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — build it: the backward pass of a scalar engine (≈ 25 min)
#
# From empty bodies, write `topological_order(root)`: every node `root` depends on, each once,
# each after all its parents, `root` last; and `backward(root)`: fill every node's `.grad`
# with $\partial\,\text{root}/\partial\,\text{node}$ (the three steps of *Implementation*). The
# checker tries a diamond, a chain, a node used three times and a single node, and calls
# `backward` twice on each.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def topological_order(root):
    """Every node root depends on (Scalar nodes), once each, after all its parents; root last."""
    # TODO: a depth-first search from root that lists a node only once its parents are listed
    return None

def backward(root):
    """Set .grad of every node root depends on to ∂root/∂node. Returns nothing."""
    # TODO: clean gradients, a seed at the root, then one walk that visits the output first

_ = check_backward_pass(topological_order, backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def topological_order(root):
#     """Every node root depends on (Scalar nodes), once each, after all its parents; root last."""
#     order, visited = [], set()
#
#     def visit(node):
#         if node not in visited:
#             visited.add(node)
#             for parent in node.parents:
#                 visit(parent)
#             order.append(node)              # post-order: after all its parents
#     visit(root)
#     return order
#
# def backward(root):
#     """Set .grad of every node root depends on to ∂root/∂node. Returns nothing."""
#     order = topological_order(root)
#     for node in order:
#         node.grad = 0.0                     # a second call starts clean
#     root.grad = 1.0                         # ∂root/∂root
#     for node in reversed(order):            # every consumer before its inputs
#         for parent, local in zip(node.parents, node.local_grads):
#             parent.grad += local * node.grad    # downstream = upstream × local; forks sum
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4 — build it: a new operation, `exp` (≈ 10 min)
#
# Give `Scalar` the operation $e^x$: write `exp(x)`, which returns a **new** node holding the
# forward value, its one parent and its local gradient $\partial e^x/\partial x$. Your
# `backward` from exercise 3 then works through it unchanged.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def exp(x):
    """e^x of a Scalar x, as a new Scalar (data, parents, local_grads); x stays as it is."""
    # TODO: the forward value from x.data, then a node that remembers x and its local gradient
    return None


Scalar.exp = exp        # so that x.exp() works too
_ = check_exp(exp)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def exp(x):
#     """e^x of a Scalar x, as a new Scalar (data, parents, local_grads); x stays as it is."""
#     e = math.exp(x.data)
#     return Scalar(e, (x,), (e,))        # d/dx e^x = e^x: the local gradient is the output
#
#
# Scalar.exp = exp        # so that x.exp() works too
# ```
#
# With exercises 3 and 4 done, try your engine on $e^{s\cdot t} + s$:
# `s, t = Scalar(0.5), Scalar(2.0); u = (s * t).exp() + s; backward(u)` gives
# `s.grad` $= t\,e^{st} + 1 \approx 6.44$ and `t.grad` $= s\,e^{st} \approx 1.36$.
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5 — stretch: a topological order without recursion (≈ 15 min)
#
# A recursive search nests one Python call per node, and Python stops at about 1000
# (`sys.getrecursionlimit()`), while a recurrent network unrolled over a long sequence easily
# has more nodes. Write `topological_order_iterative(root)` with a stack of your own; the checker
# gives it a chain of 2000 multiplications.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def topological_order_iterative(root):
    """Like topological_order (a list of nodes, root last), without recursion."""
    # TODO: a list as a stack; a node goes into the order once all its parents are in it
    return None


_ = check_iterative_order(topological_order_iterative)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def topological_order_iterative(root):
#     """Like topological_order (a list of nodes, root last), without recursion."""
#     order, visited = [], set()
#     stack = [(root, False)]                 # (node, are its parents listed already?)
#     while stack:
#         node, parents_done = stack.pop()
#         if parents_done:
#             order.append(node)              # post-order, as in the recursive version
#         elif node not in visited:
#             visited.add(node)
#             stack.append((node, True))      # come back to it after its parents
#             stack.extend((parent, False) for parent in node.parents)
#     return order
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - A derivative is a **sensitivity**: $x^3$ amplifies a nudge 3× at $x = 1$ and 48× at $x = 4$.
# - Backpropagation walks the computational graph in reverse, one gate at a time:
#   **downstream = upstream × local**; the forward pass stores what the local gradients need.
# - **Add** distributes, **multiply** swaps (scaled by upstream), **max** routes to the winner,
#   a **fork** (Repeat node) **sums** the gradients that come back.
# - An engine: a topological order, a reset, a seed of 1 at the output, then one reversed walk
#   with `+=`.
# - Check every gradient against a **central difference** ($h \approx 10^{-5}$, error $O(h^2)$)
#   and judge it by the **relative error**: below $10^{-7}$ in float64 is good, above $10^{-2}$
#   is wrong.
#
# **Next:** [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb)
# builds the sigmoid neuron from these gates, collapses them into one sigmoid gate, and stages a
# bigger expression where a variable is used twice.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 3 min. Read the five bullets and ask the room for the one-line backward rule of each gate
# (add, multiply, max, fork) without looking. Point forward: notebook 02 collapses several
# gates into one sigmoid gate, and notebook 03 does the same with whole matrices.

# %% slideshow={"slide_type": "skip"}
_ = progress("01")
