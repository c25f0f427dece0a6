"""Checkers for notebook 08 — batch norm and layer norm.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
The exercises use the notebook's cache: ``(xhat, gamma, sigma)``, where ``xhat`` is the
normalized input x̂ (N, D), ``gamma`` the scale γ (D,) and ``sigma`` = √(v + eps) — shape (D,)
for batch norm (one per column), (N, 1) for layer norm (one per row).

Batch norm's smallest batch here is N = 2: one example has no spread to normalize (the
reference layer refuses N = 1 in training mode). Layer norm's cases include N = 1.
"""

from __future__ import annotations

import numpy as np

from helpers import layers
from helpers.exercises._check import call_learner, compare, exercise, matches, not_yet, passed
from helpers.layers import norm

__all__ = ["check_bn_param_grads", "check_batchnorm_backward", "check_layernorm_backward"]

# The course's reference functions: an exercise is to write them, not to call them.
FORBID = (layers.batchnorm_backward, layers.batchnorm_forward, layers.layernorm_backward,
          layers.layernorm_forward, norm.batchnorm_inference_backward)


def _case(seed: int, N: int, D: int, axis: int):
    """A random input normalized over ``axis`` (0: batch norm, 1: layer norm), and dout.

    Returns (xhat, gamma, sigma, dout) with x = 3·(standard normal) and eps = 1e-5 (an offset
    of x would cancel in x̂ and σ); γ has magnitudes in [0.5, 2] and random signs.
    """
    rng = np.random.default_rng(seed)
    x = 3 * rng.standard_normal((N, D))
    xc = x - x.mean(axis=axis, keepdims=True)
    sigma = np.sqrt((xc**2).mean(axis=axis, keepdims=True) + 1e-5)
    if axis == 0:
        sigma = sigma[0]                                 # (D,): one σ per column
    gamma = rng.uniform(0.5, 2.0, D) * rng.choice([-1.0, 1.0], D)
    return xc / sigma, gamma, sigma, rng.standard_normal((N, D))


def _dx(xhat, g, sigma, axis):
    """The compact form with g = dout ⊙ γ and sums over ``axis``."""
    K = xhat.shape[axis]
    return (K * g - g.sum(axis=axis, keepdims=True)
            - xhat * (g * xhat).sum(axis=axis, keepdims=True)) / (K * sigma)


# ------------------------------------------------------------------------------ exercise 1

@exercise("08", 1, "dγ and dβ")
def check_bn_param_grads(fn) -> bool:
    """``fn(dout, xhat)`` (both (N, D)) should return ``(dgamma, dbeta)``, each (D,)."""
    for seed, (N, D) in enumerate([(2, 3), (5, 4), (4, 4)]):
        _, _, _, dout = _case(seed, N, D, axis=0)
        xhat = _case(seed + 10, N, D, axis=0)[0]
        ok, answer = call_learner(fn, dout, xhat)
        if not ok:
            return not_yet(answer)
        want = ((dout * xhat).sum(axis=0), dout.sum(axis=0))
        if isinstance(answer, (tuple, list)) and len(answer) == 2 \
                and matches(answer[0], want[1]) and matches(answer[1], want[0]):
            return not_yet("both values are right but swapped: return (dgamma, dbeta), "
                           "in the order of the forward's inputs (γ, β)")
        ok, hint = compare(answer, want, names=("dgamma", "dbeta"), mistakes=[
            ("γ multiplies x̂, so its gradient weighs each dout by the x̂ it scaled: "
             "Σ_n dout ⊙ x̂", (dout.sum(axis=0), None)),
            ("(close to) zero in every column: Σ_n x̂ is 0 by construction (each column of x̂ "
             "has mean 0), so dout must weigh each x̂: Σ_n dout ⊙ x̂", (np.zeros(D), None)),
            ("that sums over the features (axis=1); γ and β are shared by the batch, so their "
             "gradients sum over the batch (axis=0)",
             ((dout * xhat).sum(axis=1), dout.sum(axis=1))),
        ])
        if not ok:
            return not_yet(f"for dout of shape {dout.shape}: {hint}")
    return passed("dγ = Σ_n dout ⊙ x̂ and dβ = Σ_n dout: a parameter shared by the batch "
                  "collects a sum over it")


# ------------------------------------------------------------------------------ exercise 2

DOUT_BACK = ("dx is dout handed back unchanged: the gradient still has to pass through γ, "
             "1/σ, the mean and the variance on its way to x")

def _bn_mistakes(xhat, gamma, sigma, dout):
    """(hint, candidate) pairs for batch norm's classic mistakes; candidates are (dx, dγ, dβ)."""
    N = xhat.shape[0]

    def answer(dx):                                      # every mistake here is in dx
        return (dx, None, None)
    scale = gamma / (N * sigma)
    mean_term, var_term = dout.sum(axis=0), xhat * (dout * xhat).sum(axis=0)
    wrong_axis = ("the sums run over the features (axis=1): that is layer norm's backward; "
                  "batch norm's statistics run over the batch (axis=0)")
    row_sums = (dout.sum(axis=1, keepdims=True), xhat * (dout * xhat).sum(axis=1, keepdims=True))
    twos = ("the variance path is off by a factor of 2: (√u)′ = 1/(2√u) and (x_c²)′ = 2·x_c, "
            "one of the two 2s is missing")
    return [
        ("μ and σ were treated as constants: x also feeds the mean and the variance (the fork "
         "at x), and those paths are missing. That is the inference-mode gradient",
         answer(dout * gamma / sigma)),
        ("those are the cache's own arrays handed back: compute dx, dgamma, dbeta from them",
         (xhat, gamma, sigma)),
        (DOUT_BACK, answer(dout)),
        ("the path through the mean reaches x without its 1/N: μ = (1/N)·Σ_n x_n, so each x_n "
         "gets dμ/N", answer(scale * (N * dout - N * mean_term - var_term))),
        ("the 1/N in front is missing: μ and v are averages over the N examples",
         answer(N * scale * (N * dout - mean_term - var_term))),
        (twos, answer(scale * (N * dout - mean_term - var_term / 2))),
        (twos, answer(scale * (N * dout - mean_term - 2 * var_term))),
        ("the training-mode variance divides by N (the biased variance), not by N − 1",
         answer(gamma / ((N - 1) * sigma) * ((N - 1) * dout - mean_term - var_term))),
        ("the training-mode variance divides by N (the biased variance), not by N − 1",
         answer(scale * (N * dout - mean_term - N / (N - 1) * var_term))),
        (wrong_axis, answer(scale * (N * dout - row_sums[0] - row_sums[1]))),
        ("the path through the mean is missing: subtract Σ_n dout",
         answer(scale * (N * dout - xhat * (dout * xhat).sum(axis=0)))),
        ("the path through the variance is missing: subtract x̂ ⊙ Σ_n (dout ⊙ x̂)",
         answer(scale * (N * dout - dout.sum(axis=0)))),
        ("γ is missing: the output is γ ⊙ x̂ + β, so the gradient reaching x̂ is dout ⊙ γ",
         answer(_dx(xhat, dout, sigma, 0))),
        (wrong_axis, answer(_dx(xhat, dout * gamma, sigma, 1))),
        ("divided by σ² instead of σ: x̂ = (x − μ)/σ, so one factor 1/σ",
         answer(_dx(xhat, dout * gamma, sigma**2, 0))),
    ]


@exercise("08", 2, "batch norm backward")
def check_batchnorm_backward(fn) -> bool:
    """``fn(dout, cache)`` with ``cache = (xhat (N, D), gamma (D,), sigma (D,))`` should return
    ``(dx, dgamma, dbeta)`` of batch norm in training mode."""
    for seed, (N, D) in enumerate([(5, 4), (2, 3), (8, 8)]):
        xhat, gamma, sigma, dout = _case(seed, N, D, axis=0)
        ok, answer = call_learner(fn, dout, (xhat, gamma, sigma), forbid=FORBID)
        if not ok:
            return not_yet(answer)
        want = (_dx(xhat, dout * gamma, sigma, 0), (dout * xhat).sum(axis=0), dout.sum(axis=0))
        ok, hint = compare(answer, want, names=("dx", "dgamma", "dbeta"),
                           mistakes=_bn_mistakes(xhat, gamma, sigma, dout))
        if not ok:
            return not_yet(f"for N={N}, D={D}: {hint}")
    return passed("dx = γ/(N·σ) ⊙ (N·dout − Σdout − x̂ ⊙ Σ(dout ⊙ x̂)): the direct path minus "
                  "what the mean and the variance take back")


# ------------------------------------------------------------------------------ exercise 3

@exercise("08", 3, "layer norm backward")
def check_layernorm_backward(fn) -> bool:
    """``fn(dout, cache)`` with ``cache = (xhat (N, D), gamma (D,), sigma (N, 1))`` should
    return ``(dx, dgamma, dbeta)`` of layer norm."""
    for seed, (N, D) in enumerate([(3, 4), (1, 5), (6, 6)]):
        xhat, gamma, sigma, dout = _case(seed, N, D, axis=1)
        ok, answer = call_learner(fn, dout, (xhat, gamma, sigma), forbid=FORBID)
        if not ok:
            return not_yet(answer)
        dgamma, dbeta = (dout * xhat).sum(axis=0), dout.sum(axis=0)
        want = (_dx(xhat, dout * gamma, sigma, 1), dgamma, dbeta)
        gamma_outside = gamma * (D * dout - dout.sum(axis=1, keepdims=True)
                                 - xhat * (dout * xhat).sum(axis=1, keepdims=True)) / (D * sigma)
        g = dout * gamma
        mean_term = g.sum(axis=1, keepdims=True)
        var_term = xhat * (g * xhat).sum(axis=1, keepdims=True)
        ok, hint = compare(answer, want, names=("dx", "dgamma", "dbeta"), mistakes=[
            ("γ was taken out of the sums, as in batch norm; here γ varies along the features, "
             "the axis you sum over, so apply it first: g = dout ⊙ γ, then sum g",
             (gamma_outside, dgamma, dbeta)),
            ("the path through each row's mean is missing: subtract Σ_j g (g = dout ⊙ γ)",
             ((D * g - var_term) / (D * sigma), dgamma, dbeta)),
            ("the path through each row's variance is missing: subtract x̂ ⊙ Σ_j (g ⊙ x̂)",
             ((D * g - mean_term) / (D * sigma), dgamma, dbeta)),
            ("the 1/D in front is missing: each row's μ and v are averages over its D features",
             ((D * g - mean_term - var_term) / sigma, dgamma, dbeta)),
            ("the row statistics average over the D features: divide by D, not by N",
             ((N * g - mean_term - var_term) / (N * sigma), dgamma, dbeta)),
            *[("the sums run over the batch (axis=0), as in batch norm; layer norm's statistics "
               "are per row, so its sums run over the features (axis=1)",
               ((K * g - g.sum(axis=0) - xhat * (g * xhat).sum(axis=0)) / (K * sigma), dgamma,
                dbeta)) for K in (N, D)],
            ("those are the cache's own arrays handed back: compute dx, dgamma, dbeta from them",
             (xhat, gamma, sigma)),
            (DOUT_BACK, (dout, dgamma, dbeta)),
            ("μ and σ were treated as constants: each row's mean and variance depend on that "
             "row's x (the fork at x)", (dout * gamma / sigma, dgamma, dbeta)),
            ("dγ and dβ sum over the batch (axis=0), like batch norm's: γ and β are per feature "
             "in both layers", (want[0], (dout * xhat).sum(axis=1), None)),
            ("dβ sums over the batch (axis=0), like batch norm's: β is per feature in both "
             "layers", (want[0], dgamma, dout.sum(axis=1))),
        ])
        if not ok:
            return not_yet(f"for N={N}, D={D}: {hint}")
    return passed("layer norm: the same three terms, summed over each row's features, with γ "
                  "inside the sums; N = 1 is fine")
