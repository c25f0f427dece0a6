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
# # 08 — Normalization layers: batch norm and layer norm
#
# By the end you can derive batch norm's backward pass on its staged graph, shrink it to one
# line, run the same derivation over the other axis for layer norm, and measure what
# normalization does to a deep network's gradients — and to the learning rates it survives.
#
# [Open in Colab](https://colab.research.google.com/github/backprop-by-hand/backprop-by-hand/blob/main/notebooks/08_normalization.ipynb) · [Launch Binder](https://mybinder.org/v2/gh/backprop-by-hand/backprop-by-hand/main?urlpath=lab/tree/notebooks/08_normalization.ipynb) · [Glossary · 용어집](../GLOSSARY.md)

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 1 min. The promise in one breath: one layer that standardizes, its backward pass by hand,
# the same pass over the other axis, and an honest test of the paper's headline claim. Ask who
# has used `nn.BatchNorm` — and who knows what it does differently in `model.eval()`.

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
# - Measure how a deep ReLU network's activations and gradients drift layer by layer, and
#   what batch norm and layer norm change about it.
# - Write batch norm's forward pass in training mode (batch mean, biased variance, ε, γ, β)
#   and in inference mode (running averages), and explain why one batch gives two answers.
# - Derive the backward pass on the staged graph, with the fork rule at $x$, and simplify it
#   to $dx = \frac{\gamma}{N\sigma}\big(N\,dy - \sum dy - \hat x \sum (dy \odot \hat x)\big)$;
#   check both numerically and time them.
# - Run the same derivation over the feature axis to get layer norm, and say why it does not
#   depend on the batch.
# - Test the batch-norm paper's claim on a toy: a learning rate at which the plain deep net
#   diverges and the normalized one trains, and the evidence for why.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Prerequisites
#
# - [01 — Chain rule, computational graphs and gates](01_chain_rule_and_gates.ipynb): the fork
#   (Repeat node) sums the gradients that come back; gradient checking with the relative error.
# - [02 — Sigmoid, modular gates and staged computation](02_sigmoid_and_staged_computation.ipynb):
#   staged computation, one node at a time; ReLU.
# - [03 — Vectorized backprop: the matmul gate](03_matmul_gate.ipynb): a value broadcast over
#   the batch gets the *sum* of the gradients; softmax cross-entropy; gradient descent.
# - [06 — Backpropagation through time](06_backprop_through_time.ipynb): gradients that shrink
#   or grow geometrically through many layers.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Key terms
#
# - **batch normalization (배치 정규화)**: standardize each feature with the mean and variance
#   of the current **mini-batch (미니배치)**, then scale by γ and shift by β.
# - **layer normalization (층 정규화)**: standardize each example over its own features; no
#   batch statistics.
# - **mean (평균)** and **biased variance (편향 분산)** (divide by $N$, not $N-1$); the
#   **standardized value (표준화 값)** $\hat x = (x - \mu)/\sigma$.
# - **scale and shift (스케일과 시프트)** γ, β: learned parameters, one per feature.
# - **training mode (학습 모드)** vs **inference mode (추론 모드)**; **running average (이동
#   평균)** of the batch statistics, updated with a **momentum (모멘텀)**.
# - **internal covariate shift (내부 공변량 변화)**: the batch-norm paper's name for the
#   changing distribution of a layer's inputs during training.
# - **learning rate (학습률)**; **divergence (발산)**: the loss running away to huge values.
# - **fork (분기)**: one value used twice; the gradients coming back are summed (notebook 01).

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import functools
import textwrap
import time
import tracemalloc

import matplotlib.pyplot as plt
import numpy as np

import helpers.layers as layers
import helpers.plotting as hp
from helpers.exercises._check import progress
from helpers.exercises.nb08 import (check_batchnorm_backward, check_bn_param_grads,
                                    check_layernorm_backward)
from helpers.gradcheck import check_layer, rel_error, verdict
from helpers.layers.norm import batchnorm_inference_forward, batchnorm_running_update
from helpers.widgets.normalization_explorer import (init_mlp, mlp_loss_and_grads,
                                                    normalization_explorer,
                                                    normalization_explorer_figure,
                                                    normalization_profile)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Intuition: a deep network's signal drifts
#
# Stack ten hidden layers, each affine → ReLU, width 64, and push a batch of 128 random inputs
# through it; a softmax cross-entropy on random labels gives every layer a gradient. Draw the
# weights from $\mathcal N(0,\ \text{scale}^2/64)$. A ReLU keeps half of a zero-mean signal, so
# each layer multiplies the mean square by about $\text{scale}^2/2$: below $\sqrt 2$ the signal
# shrinks layer after layer, above it grows. The backward pass goes through the same matrices,
# transposed, so the gradient drifts the other way.
#
# Now put a normalization after each affine map (before the ReLU): **batch norm** standardizes
# every feature over the batch, **layer norm** every example over its features. The network is
# `helpers.widgets.normalization_explorer` (built from `helpers.layers`).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 4 min. Ask the room first: "ten layers, each shrinks the signal by 0.7 — what reaches the
# top?" (0.7¹⁰ ≈ 0.03). Then run the next cell and read the first two lines only: activations
# fall, gradients rise toward the input. Then the two normalized rows: activations frozen at
# 0.71. Point out that batch norm's gradients still grow toward the input: normalization fixes
# the forward scale exactly, the backward scale only roughly.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Ten layers, measured (weight scale 1)

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def show(values):
    return " ".join(f"{v:7.2g}" for v in values)


rows = {"activation_rms": "RMS of h_l", "grad_h": "‖∂L/∂h_l‖", "grad_W": "‖∂L/∂W_l‖"}
print(f"{'layer':16s}" + " ".join(f"{k:>7d}" for k in range(1, 11)))
for norm in ("none", "batch", "layer"):
    profile = normalization_profile(depth=10, scale=1.0, norm=norm)
    for key, label in rows.items():
        print(f"{norm if key == 'activation_rms' else '':5s} {label:10s}{show(profile[key])}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With scale 1 and no normalization the RMS of the activations falls from 0.7 in layer 1 to
# 0.038 in layer 10, while the gradient reaching each layer's output falls the other way, from
# 0.083 at layer 10 to 0.0037 at layer 1. Each weight gradient multiplies a layer's input by
# the gradient at its output, one falling and one rising, so ‖∂L/∂W_l‖ stays near 0.02 in every
# layer. With either normalization the activations sit near 0.71 ≈ √½ (a standardized value
# through a ReLU) in every layer. Layer norm's gradients are nearly level too; batch norm's
# still grow toward the input, from 0.086 at layer 10 to 0.49 at layer 1: it fixes the forward
# scale exactly, the backward scale only roughly.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The weight scale decides the drift
#
# From layer 1 to layer 10: by what factor do the activations' RMS and the gradient norm
# change, for four weight scales? (√2 ≈ 1.41 is He's initialisation for ReLU.)

# %% slideshow={"slide_type": "-"}
print("scale   none: act   grad   |  batch: act   grad   |  layer: act   grad")
for scale in (0.5, 1.0, np.sqrt(2), 2.0):
    row = []
    for norm in ("none", "batch", "layer"):
        p = normalization_profile(depth=10, scale=scale, norm=norm)
        ratios = [p[k][-1] / p[k][0] for k in ("activation_rms", "grad_h")]
        row.append(" ".join(f"{r:9.2g}" for r in ratios))
    print(f"{scale:5.2f} " + "  |".join(row))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Without normalization the scale sets everything: at 0.5 the activations shrink by a factor
# of about 10⁴ over ten layers (0.00011) and the gradient grows by 1.2·10⁴ toward the input; at
# 2 the activations grow 28-fold; He's √2 keeps both within about 20 % here. With batch norm
# or layer norm the factors do not depend on the scale at all: 1 and 0.17 for batch norm, 0.96
# and 1.1 for layer norm, in every row. Both layers divide out the scale of the weights before
# them (we will use that fact later).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Batch norm, forward: training mode
#
# A mini-batch $x$ of shape $(N, D)$: $N$ examples, $D$ features. Batch norm treats every
# column (feature) on its own:
#
# $$
# \begin{aligned}
# \mu &= \tfrac1N \textstyle\sum_n x_n && \text{batch mean, shape } (D,)\\
# v &= \tfrac1N \textstyle\sum_n (x_n - \mu)^2 && \text{biased variance (divide by } N)\\
# \sigma &= \sqrt{v + \varepsilon} && \varepsilon = 10^{-5} \text{ keeps a constant column finite}\\
# \hat x_n &= (x_n - \mu)/\sigma && \text{each column: mean 0, variance} \approx 1\\
# y_n &= \gamma \odot \hat x_n + \beta && \text{learned scale and shift, shape } (D,)
# \end{aligned}
# $$
#
# γ and β give the layer its freedom back: with $\gamma = \sigma$ and $\beta = \mu$ the output
# is the input again.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Write the five lines on the board; ask why ε is there (a column with one value
# repeated has v = 0). Stress "each column on its own": μ, v, σ, γ, β all have shape (D,).
# The code on the next slide is written once for both layers with an `axis` argument: axis 0
# is batch norm; layer norm (later) will be axis 1.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The forward pass, one node per line

# %% slideshow={"slide_type": "-"}
def norm_forward_staged(x, gamma, beta, axis=0, eps=1e-5):
    """x (N, D), gamma and beta (D,) → y (N, D), cache. axis=0: batch norm; 1: layer norm."""
    K = x.shape[axis]                                   # N for batch norm
    mu = x.mean(axis=axis, keepdims=True)               # mean over the axis
    xc = x - mu                                         # centred values
    v = (xc**2).sum(axis=axis, keepdims=True) / K       # biased variance
    sigma = np.sqrt(v + eps)
    inv = 1 / sigma
    xhat = xc * inv                                     # standardized values x̂
    y = gamma * xhat + beta                             # scale and shift
    return y, (axis, K, xc, sigma, inv, xhat, gamma)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: every column standardized

# %% slideshow={"slide_type": "-"}
rng = np.random.default_rng(8)
x = rng.standard_normal((6, 4)) * [1.0, 3.0, 0.1, 10.0] + [0.0, -2.0, 5.0, 1000.0]
y, cache = norm_forward_staged(x, np.ones(4), np.zeros(4))
print("column variances of x:", [float(f"{v:.2g}") for v in x.var(axis=0)])
print("column means of y:", y.mean(axis=0).round(6) + 0.0)
print("column stds of y: ", y.std(axis=0).round(6))
mu, sigma = x.mean(axis=0), np.sqrt(x.var(axis=0) + 1e-5)
y_back, _ = norm_forward_staged(x, gamma=sigma, beta=mu)
print("γ = σ, β = μ gives x back:", np.allclose(y_back, x, rtol=1e-12, atol=1e-9))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Four columns of very different scales and offsets (one sits near 1000) all come out with
# mean 0 and standard deviation 1 (to six digits; ε lowers the third column's, whose variance
# is only 0.0059, by less than 10⁻³). And the learned γ, β can undo the normalization exactly.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Inference mode: running averages
#
# At test time there may be one example, or a batch we must not let examples influence each
# other in. So during training batch norm keeps **running averages** of the batch statistics,
# with a momentum $m$ (here $m = 0.9$; PyTorch calls $1 - m = 0.1$ its momentum):
#
# $$
# \begin{aligned}
# \mu_{\text{run}} &\leftarrow m\,\mu_{\text{run}} + (1 - m)\,\mu,\qquad
# v_{\text{run}} \leftarrow m\,v_{\text{run}} + (1 - m)\,\tfrac{N}{N-1}\,v\\
# \hat x_n &= (x_n - \mu_{\text{run}})\,/\sqrt{v_{\text{run}} + \varepsilon}
#   \qquad \text{(inference: a fixed affine map per feature)}
# \end{aligned}
# $$
#
# The running variance stores the unbiased estimate $\tfrac{N}{N-1}v$, as the paper (Ioffe &
# Szegedy, 2015) and PyTorch do. `helpers.layers.norm` has `batchnorm_running_update` and
# `batchnorm_inference_forward`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Running averages over 200 training batches

# %% slideshow={"slide_type": "-"}
true_mean, true_std = np.array([3.0, -1.0, 0.0, 10.0]), np.array([2.0, 0.5, 1.0, 5.0])
run_mean, run_var = np.zeros(4), np.ones(4)
for _ in range(200):                                    # 200 training batches of 32
    batch = true_mean + true_std * rng.standard_normal((32, 4))
    run_mean, run_var = batchnorm_running_update(run_mean, run_var, batch, momentum=0.9)
print("running mean:", run_mean.round(2), "  running std:", np.sqrt(run_var).round(2))

# %% [markdown] slideshow={"slide_type": "fragment"}
# After 200 batches the running statistics are close to the true mean (3, −1, 0, 10) and
# standard deviation (2, 0.5, 1, 5) of the data.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One test batch, two modes

# %% slideshow={"slide_type": "-"}
gamma, beta = np.ones(4), np.zeros(4)
x_test = true_mean + true_std * rng.standard_normal((6, 4))         # one test batch of 6
y_train, _ = layers.batchnorm_forward(x_test, gamma, beta)
y_infer, _ = batchnorm_inference_forward(x_test, gamma, beta, run_mean, run_var)
print("same batch, example 0 — training mode:", y_train[0].round(3))
print("                        inference mode:", y_infer[0].round(3))
print("the batch's own mean:", x_test.mean(axis=0).round(2), " std:", x_test.std(axis=0).round(2))
own, _ = batchnorm_inference_forward(x_test, gamma, beta, x_test.mean(axis=0), x_test.var(axis=0))
print("inference mode with the batch's own statistics = training mode:",
      np.allclose(own, y_train, rtol=1e-12, atol=1e-12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same six test examples give different outputs in the two modes, and the only
# difference is which statistics standardize them. Training mode uses the six examples' own
# mean and standard deviation, a noisy estimate from six values (in the first column a mean of
# 1.9 where the truth is 3, in the third a std of 0.75 where it is 1); inference mode uses the
# running estimates. Fed the batch's own statistics, the inference formula gives the training
# output exactly.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### In training mode an example's output depends on its batch-mates
#
# Keep example 0 and replace the other five:

# %% slideshow={"slide_type": "-"}
x_other = x_test.copy()
x_other[1:] = true_mean + true_std * rng.standard_normal((5, 4))
y_train_2, _ = layers.batchnorm_forward(x_other, gamma, beta)
y_infer_2, _ = batchnorm_inference_forward(x_other, gamma, beta, run_mean, run_var)
print("example 0, training mode, other batch-mates:", y_train_2[0].round(3))
print("example 0, inference mode:                  ", y_infer_2[0].round(3),
      "(unchanged:", np.array_equal(y_infer_2[0], y_infer[0]), end=")\n")
try:
    layers.batchnorm_forward(x_test[:1], gamma, beta)           # a batch of one example
except ValueError as err:
    print(textwrap.fill(str(err), 88))

# %% [markdown] slideshow={"slide_type": "fragment"}
# In training mode the same example gets a different output when its batch-mates change; in
# inference mode it does not. And a training-mode batch of one is refused: its mean is the
# example itself, so $\hat x = 0$ and the output is β whatever the input (PyTorch refuses it
# too).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivation: the backward pass on the staged graph
#
# ![Batch norm's forward pass as a chain of boxes — mean, centred values, variance, sigma,
# one over sigma, x-hat, scale and shift — with x forking into the mean and the centred values,
# and the centred values forking into the variance and x-hat](../figures/nb08_staged_graph.png)
#
# Every box is a gate we know. Two values are used twice: $x$ feeds the mean **and** the
# centred values, and $x_c$ feeds the variance **and** $\hat x$. At each fork the backward
# pass adds what comes back along both paths (notebook 01).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 12 min for this section. Trace the figure right to left with a finger. Ask the room where
# the forks are before revealing them; the classic mistake is to treat μ and σ as constants,
# which gives the inference-mode gradient γ/σ·dy. Derive on the board, one line per box, and
# say which rule each line uses; the next slides have them typed.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 1: the scale and shift
#
# Given $dy = \partial L/\partial y$, shape $(N, D)$. β and γ are broadcast over the $N$ rows,
# so their gradients sum over the batch:
#
# $$
# \begin{aligned}
# d\beta &= \textstyle\sum_n dy_n && \text{add gate; } \beta \text{ broadcast: sum (notebook 03)}\\
# d\gamma &= \textstyle\sum_n dy_n \odot \hat x_n && \text{multiply gate, then the same sum}\\
# d\hat x &= dy \odot \gamma && \text{multiply gate}
# \end{aligned}
# $$

# %% slideshow={"slide_type": "-"}
def scale_shift_backward(dy, xhat, gamma):
    """y = γ ⊙ x̂ + β backwards: dy (N, D) → dxhat (N, D), dgamma (D,), dbeta (D,)."""
    dbeta = dy.sum(axis=0)                  # β is shared by the rows: sum
    dgamma = (dy * xhat).sum(axis=0)        # multiply gate, then the same sum
    dxhat = dy * gamma                      # multiply gate
    return dxhat, dgamma, dbeta


def norm_backward_staged(dy, cache):        # the whole pass: step 1, then step 2 below
    dxhat, dgamma, dbeta = scale_shift_backward(dy, cache[5], cache[6])
    return normalize_backward(dxhat, cache), dgamma, dbeta


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 2: through the normalization, node by node
#
# $$
# \begin{aligned}
# d(1/\sigma) &= \textstyle\sum_n d\hat x_n \odot x_{c,n} && \text{multiply gate; } 1/\sigma \text{ broadcast: sum}\\
# dx_c &= d\hat x \cdot (1/\sigma) && \text{multiply gate: first path into } x_c\\
# d\sigma &= -\,d(1/\sigma)\,/\,\sigma^2 && (1/\sigma)' = -1/\sigma^2\\
# dv &= d\sigma\,/\,(2\sigma) && (\sqrt{v+\varepsilon})' = 1/(2\sigma)\\
# dx_c &\mathrel{+}= \tfrac{2}{N}\, x_c \odot dv && v = \tfrac1N \textstyle\sum_n x_{c,n}^2\text{: the second path (fork at } x_c)\\
# d\mu &= -\textstyle\sum_n dx_{c,n} && x_c = x - \mu\text{; } \mu \text{ broadcast: sum}\\
# dx &= dx_c + \tfrac1N\, d\mu && \text{fork at } x\text{: direct path plus the path through } \mu
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 2 in code

# %% slideshow={"slide_type": "-"}
def normalize_backward(dxhat, cache):
    """x̂ = (x − μ)/σ backwards, one line per node: dxhat (N, D) → dx (N, D)."""
    axis, K, xc, sigma, inv, _, _ = cache
    dinv = (dxhat * xc).sum(axis=axis, keepdims=True)   # multiply gate; broadcast: sum
    dxc = dxhat * inv                                   # first path into xc
    dsigma = -dinv / sigma**2                           # (1/σ)' = −1/σ²
    dv = dsigma / (2 * sigma)                           # (√(v + ε))' = 1/(2σ)
    dxc = dxc + 2 * xc / K * dv                         # second path into xc: the fork
    dmu = -dxc.sum(axis=axis, keepdims=True)            # xc = x − μ; broadcast: sum
    return dxc + dmu / K                                # fork at x: direct + through μ


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the staged backward against central differences
#
# `check_layer` (notebook 01) perturbs every entry of $x$, γ and β and compares with the
# backward pass, on three shapes: the smallest batch $N = 2$, a non-square one, and columns
# offset by 1000.

# %% slideshow={"slide_type": "-"}
shapes = {"N = 2, D = 3 (spread 0.01)": 0.01 * rng.standard_normal((2, 3)),
          "N = 5, D = 4": rng.standard_normal((5, 4)),
          "N = 8, D = 3, offset 1000": 3 * rng.standard_normal((8, 3)) + 1000}
for label, x_check in shapes.items():
    D = x_check.shape[1]
    inputs = {"x": x_check, "gamma": rng.standard_normal(D), "beta": rng.standard_normal(D)}
    h = 1e-5 if "N = 2" in label else 1e-3
    result = check_layer(norm_forward_staged, norm_backward_staged, inputs, h=h, verbose=False)
    print(verdict(f"staged batch norm, {label}", result.max_error))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Why the small spread for $N = 2$? With two examples $\hat x = \pm\sqrt{v/(v+\varepsilon)}$
# whatever $x$ is, so the true $dx$ is only of the order of $\varepsilon / v$; a spread near
# $\sqrt{\varepsilon}$ (and a finite-difference step small against it) keeps it measurable.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### From staged to compact
#
# Write $g = d\hat x = \gamma \odot dy$ and use $x_c = \sigma \hat x$. Then, line by line:
#
# $$
# \begin{aligned}
# d(1/\sigma) &= \sigma \textstyle\sum_n g_n \hat x_n
#   && x_c = \sigma \hat x\\
# dv &= -\tfrac{1}{2\sigma^3}\,d(1/\sigma) = -\tfrac{1}{2\sigma^2}\textstyle\sum_n g_n \hat x_n
#   && \text{the two derivatives multiplied}\\
# dx_c &= \tfrac{g}{\sigma} + \tfrac{2}{N}\,\sigma\hat x\, dv
#   = \tfrac{g}{\sigma} - \tfrac{\hat x}{N\sigma}\textstyle\sum_n g_n \hat x_n
#   && \text{both paths into } x_c
# \end{aligned}
# $$

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### From staged to compact, continued
#
# $$
# \begin{aligned}
# d\mu &= -\textstyle\sum_n dx_{c,n} = -\tfrac1\sigma \textstyle\sum_n g_n
#   && \textstyle\sum_n \hat x_n = 0 \text{ removes the second term}\\
# dx &= dx_c + \tfrac1N\, d\mu
#   = \tfrac{1}{N\sigma}\Big(N g - \textstyle\sum_n g_n - \hat x \textstyle\sum_n g_n \hat x_n\Big)
#   && \text{the fork at } x\\
# dx &= \tfrac{\gamma}{N\sigma}\Big(N\,dy - \textstyle\sum_n dy_n
#   - \hat x \odot \textstyle\sum_n (dy_n \odot \hat x_n)\Big)
#   && \gamma \text{ is the same in every row: out of the sums}
# \end{aligned}
# $$
#
# Read it: the direct path ($N\,dy$), minus what the mean takes back ($\sum dy$, the same for
# every row), minus what the variance takes back (along $\hat x$). In the code:
# $\sum dy = d\beta$ and $\sum dy \odot \hat x = d\gamma$, which are computed anyway.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check the simplification
#
# A staged intermediate against its simplified form, and the fact that removed a term:

# %% slideshow={"slide_type": "-"}
x5 = rng.standard_normal((5, 4)) * 2 + 1
gamma5, beta5, dy5 = rng.standard_normal(4), rng.standard_normal(4), rng.standard_normal((5, 4))
_, (axis, N5, xc, sigma5, inv, xhat, _) = norm_forward_staged(x5, gamma5, beta5)
g = dy5 * gamma5
dv_staged = -(g * xc).sum(axis=0) / sigma5**2 / (2 * sigma5)
dv_simplified = -(g * xhat).sum(axis=0) / (2 * sigma5**2)
print(verdict("dv = −Σ g ⊙ x̂ / (2σ²)", rel_error(dv_staged, dv_simplified)))
print(f"max |Σ_n x̂_n| = {np.abs(xhat.sum(axis=0)).max():.0e}  (zero up to rounding)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check the compact form
#
# `helpers.layers.batchnorm_forward/backward` implement the compact line (the cache keeps
# $x_c$, γ and σ). Against central differences, and against the staged pass:

# %% slideshow={"slide_type": "-"}
result = check_layer(layers.batchnorm_forward, layers.batchnorm_backward,
                     {"x": x5, "gamma": gamma5, "beta": beta5}, verbose=False)
print(verdict("compact batch norm (helpers.layers) vs central differences", result.max_error))
staged = norm_backward_staged(dy5, norm_forward_staged(x5, gamma5, beta5)[1])
compact = layers.batchnorm_backward(dy5, layers.batchnorm_forward(x5, gamma5, beta5)[1])
print(verdict("compact vs staged (dx, dγ, dβ)",
              max(rel_error(a, b) for a, b in zip(staged, compact, strict=True)), tol=1e-12))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Staged vs compact: what the simplification buys
#
# The staged pass keeps $x_c$ and $\hat x$ and writes a new $(N, D)$ array at almost every
# node; the compact one keeps only $x_c$ and builds $dx$ in one array, in place. The memory
# each needs on a batch of 256 examples with 512 features (the same on every machine):

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
x_big, dy_big = rng.standard_normal((256, 512)), rng.standard_normal((256, 512))
g_big, b_big = rng.standard_normal(512), rng.standard_normal(512)
cache_staged = norm_forward_staged(x_big, g_big, b_big)[1]
cache_compact = layers.batchnorm_forward(x_big, g_big, b_big)[1]
for name, c, backward in (("staged", cache_staged, norm_backward_staged),
                          ("compact", cache_compact, layers.batchnorm_backward)):
    size = sum(a.nbytes for a in c if isinstance(a, np.ndarray))
    tracemalloc.start()                                 # count new arrays from here on
    backward(dy_big, c)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{name:8s} cache: {size / 2**20:.2f} MiB   backward's new arrays, at most "
          f"{peak / 2**20:.1f} MiB at once")

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output", "hide-input"]
def best_of(fn, repeats=7):
    """The fastest of a few runs, in milliseconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * min(times)


t_staged = best_of(lambda: norm_backward_staged(dy_big, cache_staged))
t_compact = best_of(lambda: layers.batchnorm_backward(dy_big, cache_compact))
print(f"backward on (256, 512): staged {t_staged:.2f} ms, compact {t_compact:.2f} ms "
      f"— {t_staged / t_compact:.1f}× faster (this machine, now)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The compact cache is half the size (1.01 MiB against 2.01 MiB), and while the staged
# backward holds up to four $(N, D)$ arrays of 1 MiB at once (4.1 MiB), the compact one holds
# only its result $dx$ (1.1 MiB). Fewer arrays written, less time: on the machine that ran
# this notebook the compact backward was faster by the factor printed above. That factor is
# not a constant of the method (it depends on the processor, numpy's build and whatever else
# is running), so the text quotes none: run the cell and read yours. Same numbers, to 12
# digits (the check before).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Layer norm: the same derivation over the other axis
#
# Layer norm standardizes each **row** (example) over its $D$ features:
# $\mu_n = \frac1D \sum_j x_{nj}$, $v_n = \frac1D \sum_j (x_{nj} - \mu_n)^2$,
# $\sigma_n = \sqrt{v_n + \varepsilon}$, then $y = \gamma \odot \hat x + \beta$ with γ, β still
# one per feature. Every step of the derivation is the same with $n \leftrightarrow j$ and
# $N \to D$, except one: γ now varies along the axis we sum over, so it stays inside the sums:
#
# $$dx_n = \frac{1}{D\sigma_n}\Big(D\,g_n - \textstyle\sum_j g_{nj}
#   - \hat x_n \textstyle\sum_j g_{nj}\hat x_{nj}\Big), \qquad g = dy \odot \gamma .$$
#
# dγ and dβ still sum over the batch: they are per-feature parameters in both layers.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 6 min. The punchline is that `norm_forward_staged` and `normalize_backward` run unchanged
# with axis=1. Ask: "which line of the compact form changes, and why?" (γ cannot leave the
# sum). Then the batch-independence demo, and why transformers use it: one sequence at a time
# when generating, padded batches of varying length, no running statistics to keep.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Check: the staged code with `axis=1`, and `helpers.layers`

# %% slideshow={"slide_type": "-"}
def layernorm_staged_forward(x, gamma, beta):
    return norm_forward_staged(x, gamma, beta, axis=1)


pairs = {"staged, axis=1": (layernorm_staged_forward, norm_backward_staged),
         "compact, helpers.layers": (layers.layernorm_forward, layers.layernorm_backward)}
for N_ln in (1, 3):                                   # N = 1: a batch of one example is fine
    inputs = {"x": 3 * rng.standard_normal((N_ln, 5)) + 1000,
              "gamma": rng.standard_normal(5), "beta": rng.standard_normal(5)}
    for name, (fwd, bwd) in pairs.items():
        err = check_layer(fwd, bwd, inputs, verbose=False).max_error
        print(verdict(f"layer norm ({name}), N = {N_ln}, offset 1000", err))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Layer norm does not care about the batch

# %% slideshow={"slide_type": "-"}
gamma5, beta5 = rng.standard_normal(4), rng.standard_normal(4)
alone_ln, _ = layers.layernorm_forward(x_test[:1], gamma5, beta5)
batch_ln, _ = layers.layernorm_forward(x_test, gamma5, beta5)
other_ln, _ = layers.layernorm_forward(x_other, gamma5, beta5)
print("example 0 alone, in its batch, in the other batch — identical:",
      np.array_equal(alone_ln[0], batch_ln[0]) and np.array_equal(batch_ln[0], other_ln[0]))
y_a = norm_forward_staged(x_test, gamma5, beta5, axis=1)[0]
y_b = norm_forward_staged(x_test.T, np.ones(6), np.zeros(6), axis=0)[0].T * gamma5 + beta5
print("layer norm of x = batch norm of xᵀ, then γ, β:", np.allclose(y_a, y_b, rtol=1e-12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each row's statistics come from that row alone, so training and inference are the same
# computation, a batch of one is fine, and nothing has to be averaged over training. That is
# why transformers (Vaswani et al., 2017) use layer norm (Ba, Kiros & Hinton, 2016): they
# generate text one token at a time, pad sequences of different lengths into one batch, and
# train with batches whose make-up says nothing about a single sequence — all places where
# batch statistics would mix examples that should not meet.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The paper's claim, measured
#
# Ioffe and Szegedy's batch-norm paper (2015) says it makes much higher learning rates usable.
# A test on a toy: three rings in the unit disc, 300 points, a 10-hidden-layer ReLU network of
# width 64 with He's initialisation (scale √2), full-batch gradient descent for 100 steps,
# **with and without** batch norm after every hidden affine map. A run *diverges* when the
# gradient norm passes 10⁸.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 14 min. Before running: ask for a show of hands — at learning rate 3, which net survives?
# Then the sweep and the five seeds (the claim holds for each). On the evidence slide: the
# plain net's first step changes every layer by about 15 %, ten such changes compound, the
# loss explodes. Then ask the room which part of batch norm saves it — its re-standardized
# forward pass, or its growing weights and shrinking steps? — and show the ablation: held
# weights still train; layer norm and a smaller init do not blow up but collapse (every example
# looks the same at the top), and that the large steps made that collapse (the spread before
# them). Mention that the paper's *explanation* (internal covariate shift) is disputed; the
# measured effect is not. On the twin figure ask: at learning rate 3, what would you quote?
# (What a run and its twin share, not the last digits.) End on what the toy does not show
# (≈ 1 min): full batch, training loss only, one small net, no settling at learning rate 3.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The data: three rings

# %% slideshow={"slide_type": "-"}
def make_rings(n=300, seed=0):
    """X (n, 2) uniform in the unit disc; y (n,) = 0, 1, 2 for radius < ⅓, < ⅔, ≤ 1."""
    rng = np.random.default_rng(seed)
    r, angle = np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return X, np.minimum(3 * r, 2).astype(int)


X_rings, y_rings = make_rings()
freq = np.bincount(y_rings) / len(y_rings)
baseline = -(freq * np.log(freq)).sum()                 # knowing only the class frequencies
print("points per class:", np.bincount(y_rings), f"  loss of predicting freq: {baseline:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What we record at every step

# %% slideshow={"slide_type": "-"}
def norms(params, grads, lr):
    """‖g‖ (all parameters); mean over hidden layers of ‖W_l‖ and of lr·‖dW_l‖/‖W_l‖."""
    g = np.sqrt(sum(np.sum(a * a) for d in grads for a in d.values()))
    W = np.array([np.linalg.norm(p["W"]) for p in params[:-1]])
    dW = np.array([np.linalg.norm(d["W"]) for d in grads[:-1]])
    return g, W.mean(), np.mean(lr * dW / W)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The last number is the relative size of a step: by what fraction of their size the weights
# of a layer move. The loop below also records the **spread** of the last hidden layer,
# `batch_spread` (RMS over the features of the standard deviation over the batch, divided by
# the RMS of the layer's output): 0 when every example reaches the read-out looking the same.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One gradient-descent step
#
# `hold` is for a test later on: it puts every hidden weight matrix back to a given norm.
# `weights` starts a run (`jitter` starts its twin, below).

# %% slideshow={"slide_type": "-"}
def weights(seed, scale, jitter=0.0):                   # every parameter × (1 + jitter·noise)
    noise = np.random.default_rng(seed + 100)
    return [{k: v * (1 + jitter * noise.standard_normal(v.shape)) for k, v in p.items()}
            for p in init_mlp(np.random.default_rng(seed), 10, 64, 2, 3, scale)]


def gd_step(params, grads, lr, hold=None):
    """One gradient-descent step; ``hold``: norms to scale each hidden W_l back to."""
    new = [{k: p[k] - lr * d.get(k, 0.0) for k in p} for p, d in zip(params, grads, strict=True)]
    for p, norm_W in zip(new[:-1], hold or (), strict=False):   # no hold: no rescaling
        p["W"] *= norm_W / np.linalg.norm(p["W"])
    return new


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The training loop

# %% slideshow={"slide_type": "-"}
@functools.cache                                        # a run asked for twice is run once
def train(norm, lr, seed, steps=100, scale=2**0.5, hold_norms=False, jitter=0.0):
    """Full-batch gradient descent on the rings: per step the loss, norms() and the spread."""
    params, log = weights(seed, scale, jitter), []
    hold = [np.linalg.norm(p["W"]) for p in params[:-1]] if hold_norms else None
    for _ in range(steps):
        loss, grads, trace = mlp_loss_and_grads(params, X_rings, y_rings, norm)
        log.append((loss, *norms(params, grads, lr), trace["batch_spread"][-1]))
        if not log[-1][1] < 1e8:                        # diverged: stop here
            break
        params = gd_step(params, grads, lr, hold)
    return dict(zip(("loss", "grad", "weight", "step", "spread"), np.array(log).T, strict=True))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Twin runs: is the final loss a property of the setup?
#
# Every run below gets a **twin**: the same run, started from weights each multiplied by
# 1 + 10⁻¹⁵·noise — a rounding error, what another processor's arithmetic does to the
# numbers. If the two end at the same loss, we quote it. If they differ by more than 1 % at some
# step, the run is *chaotic*: its loss at step 100 depends on the last bits of rounding, so we
# quote only what holds for both: whether the loss got below 0.45, half of what predicting the
# class frequencies scores.

# %% slideshow={"slide_type": "-"}
bar = baseline / 2                                      # "trains": the loss gets below this


def outcome(log, twin):
    """How a run ended: diverged, chaotic (more than 1 % from its twin at some step), or its
    final loss."""
    if not log["grad"][-1] < 1e8:
        return f"diverged at step {len(log['loss'])} (loss {log['loss'][-1]:.0e})"
    if len(twin["loss"]) != len(log["loss"]) or np.abs(twin["loss"] / log["loss"] - 1).max() > 0.01:
        below = "✓" if log["loss"].min() < bar else "✗"
        return f"loss {log['loss'][0]:.2f} → chaotic, < {bar:.2f} {below}"
    return f"loss {log['loss'][0]:.2f} → {log['loss'][-1]:.3f}"


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A learning-rate sweep (seed 0)

# %% slideshow={"slide_type": "-"}
with np.errstate(all="ignore"):                         # the diverging runs overflow
    print(f"{'seed 0':9s}{'no normalization':33s}batch norm")
    for lr in (0.1, 0.3, 1.0, 3.0):
        plain, bn = (outcome(train(n, lr, 0), train(n, lr, 0, jitter=1e-15))
                     for n in ("none", "batch"))
        print(f"lr {lr:3.1f}   {plain:33s}{bn}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# At learning rate 0.1 the plain net hardly learns in 100 steps (0.904 is about what
# predicting the class frequencies scores, 0.906), and at 0.3 it gets to 0.530; batch norm's
# net reaches 0.012 and 0.003. At 1 and 3 the plain net diverges within four steps, while the
# normalized one trains at both: to 0.003 at 1, and at 3 below 0.45 — but at 3 its run is
# chaotic, so no final loss is quoted. The next slide shows what that means.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Chaos at learning rate 3

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def tick(ok):
    return "✓" if ok else "✗"


fig, ax = plt.subplots(figsize=(8.5, 3.1))
shades = {0.1: "#ABABAB", 0.3: "#5F9ED1", 1.0: hp.FORWARD, 3.0: hp.GRADIENT}
gaps = {}
for lr, colour in shades.items():
    log, twin = train("batch", lr, 0), train("batch", lr, 0, jitter=1e-15)
    gaps[lr] = np.abs(twin["loss"] / log["loss"] - 1)     # relative, step by step
    ax.semilogy(np.arange(1, 101), np.maximum(gaps[lr], 1e-17), color=colour, lw=1.8,
                label=f"learning rate {lr}")
print("lr 0.1, 0.3, 1: within 1e-5 of the twin at every step",
      *(tick(gaps[lr].max() < 1e-5) for lr in (0.1, 0.3, 1.0)))
print("lr 3: within 1e-8 for steps 1–10", tick(gaps[3.0][:10].max() < 1e-8),
      "  more than 10 % apart in steps 91–100", tick(gaps[3.0][90:].max() > 0.1))
ax.set_ylim(1e-17, 1e2)
ax.set(xlabel="gradient-descent step", ylabel="|twin's loss / loss − 1|",
       title="Batch norm, seed 0: a run and its twin (a gap of 0 drawn at 10⁻¹⁷)")
ax.legend(loc="upper left", fontsize=10)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Below learning rate 3 a run and its twin stay within 10⁻⁵ at every step. At 3 they agree to
# 10⁻⁸ for ten steps, then the gap grows exponentially (a straight line on the log axis) until,
# in steps 91–100, the two losses are more than 10 % apart.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What chaos means for the numbers
#
# At learning rate 3 each big step amplifies a small difference in the weights, and the loss
# keeps bouncing instead of settling, so where it sits at step 100 depends on the last bits of
# rounding: a different processor, whose arithmetic rounds differently, would print a different
# number. At 0.1, 0.3 and 1 the final losses belong to the setup, and the sweep quotes them; for
# learning rate 3 we quote only what a run and its twin share — that it trains (its loss gets
# below 0.45) or diverges, and how fast.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Is seed 0 lucky? Five seeds at learning rate 3

# %% slideshow={"slide_type": "-"}
seeds = range(5)
with np.errstate(all="ignore"):
    runs = {norm: [train(norm, 3.0, s) for s in seeds] for norm in ("none", "batch")}
    twins = {norm: [train(norm, 3.0, s, jitter=1e-15) for s in seeds] for norm in runs}
print(f"{'lr 3.0':9s}{'no normalization':33s}batch norm")
for s in seeds:
    plain, bn = (outcome(runs[n][s], twins[n][s]) for n in ("none", "batch"))
    print(f"seed {s}   {plain:33s}{bn}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The plain net diverges within 3 or 4 steps for all five seeds, and the batch-norm net trains
# for all five: from 1.13–1.28 its loss gets below 0.45, half of what predicting the class
# frequencies scores. And all five batch-norm runs are chaotic, like seed 0's: where the loss
# sits at step 100 is not a property of the setup.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and gradient norm, five seeds

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.9))
for s in seeds:
    for norm, colour in (("none", hp.GRADIENT), ("batch", hp.FORWARD)):
        log = runs[norm][s]
        label = ("no normalization" if norm == "none" else "batch norm") if s == 0 else None
        steps_run = np.arange(1, len(log["loss"]) + 1)
        ax1.semilogy(steps_run, log["loss"], color=colour, lw=1.5, marker="o", ms=2, label=label)
        ax2.semilogy(steps_run, log["grad"], color=colour, lw=1.5, marker="o", ms=2)
ax1.set_ylim(1e-3, 1e4)                                 # the plain runs leave through the top
ax2.set_ylim(1e-2, 1e4)
ax1.text(6, 2e3, "plain net: off the top\nwithin 4 steps", color=hp.GRADIENT, va="top")
ax1.set(xlabel="gradient-descent step", ylabel="training loss", title="Loss, learning rate 3")
ax2.set(xlabel="gradient-descent step", ylabel="gradient norm ‖g‖", title="Gradient norm")
fig.legend(*ax1.get_legend_handles_labels(), loc="upper right", bbox_to_anchor=(0.98, 0.86))
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Orange, the plain net: for every seed the loss and the gradient norm leave the plot within
# four steps (the table above: losses from 9·10¹⁰ to 4·10³⁹ when the runs stop). Blue, batch
# norm: after a bump in the first steps the loss falls for all five seeds and the gradient norm
# never runs away, but neither settles: both keep bouncing to the end, the chaos of the twin
# runs. These blue curves are this machine's; another machine's part from them once the chaos
# has grown.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why: the evidence, step by step (seed 0, learning rate 3)

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def trace(name, log, steps):
    print(f"{name:17s} {'step':>4s} {'loss':>9s} {'‖g‖':>9s} {'mean ‖W_l‖':>11s} "
          f"{'step/‖W_l‖':>11s}")
    for k in (k for k in steps if k <= len(log["loss"])):
        print(f"{'':17s} {k:4d} {log['loss'][k - 1]:9.3g} {log['grad'][k - 1]:9.3g} "
              f"{log['weight'][k - 1]:11.3g} {log['step'][k - 1]:11.3g}")


trace("no normalization", runs["none"][0], range(1, 5))
trace("batch norm", runs["batch"][0], (1, 2, 3, 4, 5, 10, 20))
largest = runs["batch"][0]["step"][3:].max()
print(f"batch norm: largest step/‖W_l‖ from step 4 to 100: {largest:.3f}")
grad_none = runs["none"][0]["grad"]
print(f"no normalization: ‖g‖ at step 2 / ‖g‖ at step 1 = {grad_none[1] / grad_none[0]:.0f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the evidence
#
# - **Plain net.** The first step is modest: ‖g‖ = 2.2, and each layer's weights move by 14.5 %
#   of their size. But ten layers multiply, so ten such changes can scale the output many times
#   over: the loss jumps from 0.799 to 1710, the next gradient is 1420 times larger, the next
#   step moves the weights by 232 times their size, and the run is gone.
# - **Batch norm.** Its first steps are even larger (23.6 %, then 66.6 %), yet its loss only
#   rises to 4.31: every layer's output is re-standardized, so no product of scales can build
#   up. And its weights grow (mean ‖W_l‖ from 11.3 to 14.4 by step 4), after which no relative
#   step exceeds 5.3 %.
#
# Two candidate reasons, then: the re-standardized forward pass, and the growing weights with
# their shrinking steps. The next slide takes them apart.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which part of batch norm does it? Three variants, five seeds
#
# At learning rate 3: batch norm with every $\|W_l\|$ put back to its initial value after each
# step (no growing weights); layer norm (a re-standardized forward pass too, but per example);
# the plain net started from smaller weights (scale 1, not √2). Each entry says how the run
# ended, by the tests printed under the table (none needs a chaotic run's last digits).

# %% slideshow={"slide_type": "-"}
variants = {"batch norm, ‖W_l‖ held": dict(norm="batch", hold_norms=True),
            "layer norm": dict(norm="layer"), "none, scale 1": dict(norm="none", scale=1.0)}
with np.errstate(all="ignore"):
    for name, options in variants.items():
        runs[name] = [train(lr=3.0, seed=s, **options) for s in seeds]


# %% slideshow={"slide_type": "-"} tags=["hide-input"]
def fate(log):
    """How a run ended: diverged, trains or collapsed (the tests are printed below)."""
    if not log["grad"][-1] < 1e8:
        return f"div. step {len(log['loss'])}"
    if log["loss"].min() < bar and log["spread"][20:].min() > 0.5:
        return "trains"
    if abs(log["loss"][-1] - baseline) < 0.01 and log["spread"][-1] < 0.05:
        return "collapsed"
    return "neither"


def table(entry):
    print(f"{'learning rate 3':23s}" + "".join(f"{f'seed {s}':>13s}" for s in seeds))
    for name in ("batch", *variants, "none"):
        label = {"batch": "batch norm", "none": "none, scale √2"}.get(name, name)
        print(f"{label:23s}" + "".join(f"{entry(log):>13s}" for log in runs[name]))


table(fate)
print(f"trains: the loss gets below {bar:.2f}, the spread stays above 0.5 from step 21 to 100\n"
      f"collapsed: at step 100 the loss is within 0.01 of {baseline:.3f}, the spread below 0.05")


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The numbers behind the table
#
# The loss at step 100 and, in brackets, the last hidden layer's spread, on the machine that
# ran this notebook. The two batch-norm rows are chaotic: yours may differ, in more than the
# last digit.

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output", "hide-input"]
table(lambda log: fate(log) if fate(log).startswith("div.")
      else f"{log['loss'][-1]:.3f} ({log['spread'][-1]:.2f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Was the collapse there from the start?
#
# The spread before the first step, and layer norm at a gentler learning rate (seed 0):

# %% slideshow={"slide_type": "-"}
for name in ("layer norm", "none, scale 1"):
    start = [log["spread"][0] for log in runs[name]]
    print(f"{name}, lr 3: spread at step 1 from {min(start):.2f} to {max(start):.2f}")
gentle = train("layer", 0.1, 0)
print(f"layer norm, lr 0.1: loss {gentle['loss'][0]:.3f} → {gentle['loss'][-1]:.3f}, "
      f"spread {gentle['spread'][0]:.2f} → {gentle['spread'][-1]:.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading the ablation
#
# - **Held weights.** Batch norm with $\|W_l\|$ held fixed still trains for all five seeds,
#   by the same test as with growing weights (the loss gets below 0.45 and the examples stay
#   apart): the growing weights are not what keeps the net alive. (Whether they help, single
#   chaotic runs cannot tell.)
# - **A re-standardized forward pass is not enough.** At learning rate 3 layer norm never
#   diverges, yet it learns nothing: every seed collapses, to the loss of predicting the class
#   frequencies (0.906) with a spread below 0.05 — all 300 examples reach the read-out looking
#   the same.
#   The plain net started from smaller weights does not blow up either (in four seeds of five),
#   and collapses the same way. The large steps did that: before the first one the spread was
#   0.22 to 0.42 (layer norm) and 0.39 to 0.56 (scale 1), and at learning rate 0.1 layer norm
#   keeps it (0.22 → 0.29) and learns, if slowly (loss 0.926 → 0.834 in 100 steps).
# - **What batch norm adds.** It standardizes every feature *over the batch*: before each
#   ReLU every feature is $\gamma \hat x + \beta$ with $\hat x$ of mean 0 and variance 1 across
#   the examples, whatever the weights before it do, so the examples cannot collapse onto one
#   point unless γ itself shrinks to 0 (its spread stays above 0.5 from step 21 on, for every
#   seed). Layer norm standardizes each example over its own features, which says nothing
#   about how the examples differ from each other.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why the steps shrink: batch norm ignores the scale of its weights
#
# Scale one layer's weights by $c$. Batch norm divides the scale out again, so the loss does not
# change, and the gradient with respect to those weights shrinks by $1/c$ (the loss is flat
# along $W$'s own direction). A step of fixed learning rate is then $1/c^2$ smaller relative to
# $W$: as $\|W\|$ grows, the effective learning rate falls by itself. That is why batch norm's
# steps shrink after step 3 in the trace above (the ablation showed the net still trains when
# $\|W_l\|$ is held, so the steps cannot shrink this way).

# %% slideshow={"slide_type": "-"}
params = init_mlp(np.random.default_rng(0), 10, 64, 2, 3, np.sqrt(2))
for norm in ("batch", "none"):
    loss0, grads0, _ = mlp_loss_and_grads(params, X_rings, y_rings, norm)
    for c in (0.5, 10.0):
        scaled = [dict(p) for p in params]
        scaled[4]["W"] = c * params[4]["W"]             # layer 5's weights times c
        loss_c, grads_c, _ = mlp_loss_and_grads(scaled, X_rings, y_rings, norm)
        shrink = np.linalg.norm(grads_c[4]["W"]) / np.linalg.norm(grads0[4]["W"])
        print(f"{norm:5s}, W_5 × {c:4.1f}: loss {loss0:.4f} → {loss_c:.4f},  "
              f"‖dW_5‖ × {shrink:.4f}  (1/c = {1 / c:.4f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The claim and the explanation
#
# With batch norm the loss does not move (to four digits) and the gradient shrinks by 1/c (to
# three digits: ε makes it inexact); without it the same change moves the loss, and the
# gradient does not follow 1/c.
#
# The claim holds on the toy: at learning rate 3 the plain net diverges and the batch-norm net
# trains, for five seeds of five. Why, on this toy: re-standardizing every layer keeps the
# forward pass from blowing up (layer norm does that too), and standardizing every feature
# over the batch keeps the examples apart (only batch norm does that); the shrinking steps are
# not needed. The paper's own explanation, that batch norm reduces *internal
# covariate shift*, has been disputed: Santurkar et al. (2018) found that it helps even when
# that shift is not reduced, and pointed to a smoother loss instead. What we measured is the
# claim and its mechanism on one toy, not the explanation in general.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What this toy does not show
#
# - **Settling.** At learning rate 3 batch norm's net learns but never settles: its loss keeps
#   bouncing, chaotically (the twin runs). Real training lowers the learning rate as it goes;
#   we did not try that.
# - **Mini-batches.** We trained on all 300 points at every step, so batch norm's statistics
#   were the whole training set's: the noise of small-batch statistics (which the paper credits
#   with a regularizing effect) and the gap between training and inference mode never arise.
# - **Generalization.** We measured the training loss only; the paper's results are accuracies
#   on held-out images, from networks far larger than ten layers of 64 units.
# - **The explanation.** We did not measure internal covariate shift at all, so nothing here
#   supports or refutes it.
# - **The other claims.** Dropout made unnecessary and saturating nonlinearities made usable
#   are not tested. Two are touched on this toy only: faster training (the sweep: 0.012 against
#   0.904 after 100 steps at learning rate 0.1) and less care with the initialization (the
#   scale table at the start: batch norm's drift factors did not depend on the scale).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Explore it: the normalization explorer
#
# The net from the start: per hidden layer, the RMS of its output (blue), the gradient reaching
# that output and its weight gradient (orange). The y axis stays fixed (10⁻⁴ to 10⁴).

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 5 min. Demo: scale 0.5, depth 30, no normalization — the blue line leaves the plot. Switch
# to batch norm: flat. Then move the scale with batch norm on: the solid lines do not move at
# all, only ‖∂L/∂W‖ slides (the 1/c of the previous slide). Ask the room to predict what layer
# norm does before clicking it.

# %% slideshow={"slide_type": "-"} tags=["nbval-ignore-output"]
normalization_explorer()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The explorer's default state

# %% slideshow={"slide_type": "-"} tags=["hide-input"]
fig = normalization_explorer_figure()     # the default state, for where widgets don't run
fig

# %% [markdown] slideshow={"slide_type": "fragment"}
# The default state (depth 10, scale 1, no normalization): from layer 1 to layer 10 the
# activations' RMS (blue) is multiplied by 0.054 while ‖∂L/∂h_l‖ grows 23-fold (the subtitle,
# and the scale-1 row of the table at the start); the weight gradients stay level, because each
# is the product of a falling input and a rising gradient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your turn
#
# Three exercises: a warm-up, the build-it (batch norm's backward from an empty body) and an
# optional stretch (layer norm's). Edit the stub and run the cell; the checker prints ✓ or a
# hint. The caches here are `(xhat, gamma, sigma)`: x̂ (N, D), γ (D,), and σ = √(v + ε) with
# shape (D,) for batch norm and (N, 1) for layer norm.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 40 min in a lab. In a lecture: exercise 1 in class (5 min), 2 as homework, 3 for the keen.
# The checker names the classic mistakes: μ and σ treated as constants (the inference-mode
# gradient), a missing mean or variance path, sums over the wrong axis, γ forgotten or (in 3)
# pulled out of the sums.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1 — warm-up: dγ and dβ (≈ 5 min)
#
# Write `bn_param_grads(dout, xhat)` returning `(dgamma, dbeta)` for $y = \gamma \odot \hat x +
# \beta$; `dout` and `xhat` have shape (N, D).

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def bn_param_grads(dout, xhat):
    """dout (N, D), xhat (N, D) → dgamma (D,), dbeta (D,)."""
    # TODO: each parameter is shared by the N rows
    return None


_ = check_bn_param_grads(bn_param_grads)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def bn_param_grads(dout, xhat):
#     """dout (N, D), xhat (N, D) → dgamma (D,), dbeta (D,)."""
#     return (dout * xhat).sum(axis=0), dout.sum(axis=0)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2 — build it: batch norm's backward pass (≈ 20 min)
#
# Write `batchnorm_backward(dout, cache)` for batch norm in training mode, from an empty body:
# return `(dx, dgamma, dbeta)`. Use the staged graph or the compact form (both pass), but not
# `helpers.layers`.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def batchnorm_backward(dout, cache):
    """dout (N, D), cache = (xhat (N, D), gamma (D,), sigma (D,))
    → dx (N, D), dgamma (D,), dbeta (D,)."""
    # TODO: the scale and shift first (exercise 1), then the gradient reaching x̂
    # TODO: x feeds the mean and the variance too: which terms do those paths add?
    return None


_ = check_batchnorm_backward(batchnorm_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def batchnorm_backward(dout, cache):
#     """dout (N, D), cache = (xhat (N, D), gamma (D,), sigma (D,))
#     → dx (N, D), dgamma (D,), dbeta (D,)."""
#     xhat, gamma, sigma = cache
#     N = dout.shape[0]
#     dbeta = dout.sum(axis=0)
#     dgamma = (dout * xhat).sum(axis=0)
#     dx = gamma / (N * sigma) * (N * dout - dbeta - xhat * dgamma)
#     return dx, dgamma, dbeta
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3 — stretch: layer norm's backward pass (≈ 15 min)
#
# Now the sums run over each row's features. Write `layernorm_backward(dout, cache)`,
# returning dx, dγ and dβ as before. Here `sigma` has shape (N, 1), and the checker includes a
# batch of one.

# %% slideshow={"slide_type": "-"} tags=["exercise"]
def layernorm_backward(dout, cache):
    """dout (N, D), cache = (xhat (N, D), gamma (D,), sigma (N, 1))
    → dx (N, D), dgamma (D,), dbeta (D,)."""
    # TODO: which sums run over the features, and which over the batch?
    # TODO: can γ leave the sums this time?
    return None


_ = check_layernorm_backward(layernorm_backward)

# %% [markdown] slideshow={"slide_type": "skip"} tags=["solution"]
#
# <details><summary>Solution</summary>
#
# ```python
# def layernorm_backward(dout, cache):
#     """dout (N, D), cache = (xhat (N, D), gamma (D,), sigma (N, 1))
#     → dx (N, D), dgamma (D,), dbeta (D,)."""
#     xhat, gamma, sigma = cache
#     D = dout.shape[1]
#     g = dout * gamma                                   # γ varies along the features: first
#     dx = (D * g - g.sum(axis=1, keepdims=True)
#           - xhat * (g * xhat).sum(axis=1, keepdims=True)) / (D * sigma)
#     return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
# ```
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - Without normalization a deep net's activations and gradients drift geometrically with
#   depth, at a rate set by the weight scale; batch norm and layer norm pin the forward scale
#   in every layer.
# - Batch norm, training mode: standardize each feature with the batch mean and biased
#   variance, then γ, β. Inference mode: running averages instead, so an example's output no
#   longer depends on its batch-mates.
# - Backward: $x$ feeds the mean *and* the centred values (a fork), so
#   $dx = \frac{\gamma}{N\sigma}\big(N\,dy - \sum dy - \hat x \sum (dy \odot \hat x)\big)$:
#   the direct path minus what the mean and the variance take back.
# - Layer norm is the same derivation over the features: per-example statistics, γ inside the
#   sums, nothing depends on the batch — the normalization of transformers.
# - On the toy, batch norm trains at a learning rate where the plain net diverges. A smaller
#   init or layer norm avoids the blow-up but not the collapse (every example looks the same
#   at the top); batch norm keeps every feature varying across the batch. Its growing weights
#   shrink its steps (it ignores their scale), but it trains without that too. At such a
#   learning rate training is chaotic: quote what a run and its twin share, not last digits.
#
# Next: [09 — Embeddings and weight tying](09_embeddings_and_weight_tying.ipynb), where a row
# lookup's backward pass is a scatter-add.

# %% [markdown] slideshow={"slide_type": "notes"}
# ≈ 2 min. Ask each person to say the compact formula's three terms out loud and what each one
# is (direct path, mean path, variance path).

# %% slideshow={"slide_type": "skip"}
_ = progress("08")
