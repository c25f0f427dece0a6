"""Checkers for notebook 02 (sigmoid, modular gates and staged computation).

1. :func:`check_sigmoid_backward_from_output` — the sigmoid gate's backward from its output
   alone: ``dx = dout · out · (1 − out)``.
2. :func:`check_staged_backward` — the staged backward pass of
   ``g(x, y) = σ(x·y) + x²`` (built by :func:`g_forward`), where ``x`` is used twice and its
   gradient must accumulate with ``+=``.
3. :func:`check_softmax_ce` — ``softmax_ce(scores, y) → (loss, dscores)`` on a tiny batch that
   includes scores large enough to overflow a naive softmax.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises._check import (
    as_arrays,
    call_learner,
    compare,
    exercise,
    not_yet,
    passed,
)
from helpers.layers import sigmoid, sigmoid_backward, softmax_cross_entropy

__all__ = ["check_sigmoid_backward_from_output", "check_staged_backward", "check_softmax_ce",
           "g_forward", "SOFTMAX_SCORES", "SOFTMAX_LABELS"]

# The tiny batch of exercise 3: N = 3 examples, C = 4 classes; the last row would overflow
# np.exp without the max-subtraction trick.
SOFTMAX_SCORES = np.array([[1.0, 2.0, 0.5, -1.0],
                           [0.0, 0.0, 0.0, 0.0],
                           [1000.0, 1002.0, 999.0, 1001.0]])
SOFTMAX_LABELS = np.array([1, 3, 0])


@exercise("02", 1, "the sigmoid gate from its output alone")
def check_sigmoid_backward_from_output(sigmoid_backward_from_output) -> bool:
    """``sigmoid_backward_from_output(out, dout)`` must return ``dx = dout · out · (1 − out)``,
    where ``out = σ(x)`` is what the forward pass cached. Shapes: out, dout, dx all alike."""
    rng = np.random.default_rng(20)
    for shape in [(5,), (3, 4), ()]:
        x = rng.normal(scale=3.0, size=shape)
        out, dout = sigmoid(x), rng.standard_normal(shape)
        ok, dx = call_learner(sigmoid_backward_from_output, out, dout,
                              forbid=(sigmoid_backward,))
        if not ok:
            return not_yet(dx)
        twice = dout * sigmoid(out) * (1 - sigmoid(out))
        ok, hint = compare(dx, dout * out * (1 - out), "dx", rtol=1e-9, atol=1e-12, mistakes=[
            ("out is already σ(x): use it directly, do not apply σ again", twice),
            ("that is the local gradient; multiply it by the upstream dout", out * (1 - out))])
        if not ok:
            return not_yet(hint)
    return passed("dx = dout · σ · (1 − σ), computed from the cached output alone")


def g_forward(x: float, y: float):
    """Forward pass of ``g(x, y) = σ(x·y) + x²`` in named stages.

    Returns:
        g: the value (float).
        cache: ``(x, y, xy, s, sq)`` with ``xy = x·y``, ``s = σ(xy)``, ``sq = x²``.
    """
    xy = x * y                     # stage 1: multiply gate
    s = float(sigmoid(xy))         # stage 2: sigmoid gate
    sq = x ** 2                    # stage 3: square gate (x is used a second time)
    g = s + sq                     # stage 4: add gate
    return g, (x, y, xy, s, sq)


_STAGED_POINTS = [(1.5, -0.5), (-2.0, 0.75), (0.3, 2.0), (0.0, -1.0)]


@exercise("02", 2, "staged backprop with +=")
def check_staged_backward(g_backward) -> bool:
    """``g_backward(dg, cache)`` must return ``(dx, dy)`` for ``g = σ(x·y) + x²``, with
    ``cache`` from :func:`g_forward` and ``dg`` the upstream gradient (a float)."""
    for (x, y), dg in zip(_STAGED_POINTS, [1.0, 2.0, -0.5, 1.0], strict=True):
        _, cache = g_forward(x, y)
        ok, result = call_learner(g_backward, dg, cache)
        if not ok:
            return not_yet(result)
        s = cache[3]
        ds_path = dg * s * (1 - s)                     # gradient reaching xy
        want = (ds_path * y + dg * 2 * x, ds_path * x)
        ok, pair = as_arrays(result, want, ("dx", "dy"))
        if not ok:
            return not_yet(pair)
        dx, dy = pair
        good, hint_dy = compare(dy, want[1], "dy", rtol=1e-8, atol=1e-12)
        if not good:
            return not_yet(f"at x = {x}, y = {y}: {hint_dy} "
                           "(dy = dxy · x, and dxy = ds · σ(1 − σ))")
        good, hint_dx = compare(dx, want[0], "dx", rtol=1e-8, atol=1e-12, mistakes=[
            ("it holds only one of its two paths: x feeds x·y *and* x², so accumulate with "
             "dx += …", path) for path in (ds_path * y, dg * 2 * x)])
        if not good:
            return not_yet(f"at x = {x}, y = {y}: {hint_dx}")
    return passed("both paths into x are summed (+=): dx = dg·(σ(1 − σ)·y + 2x), "
                  "dy = dg·σ(1 − σ)·x")


@exercise("02", 3, "softmax cross-entropy on a tiny batch")
def check_softmax_ce(softmax_ce) -> bool:
    """``softmax_ce(scores, y)`` must return ``(loss, dscores)``: the mean cross-entropy of
    ``softmax(scores)`` over the batch and its gradient ``(p − onehot(y)) / N``.
    Shapes: scores (N, C), y (N,) → loss a float, dscores (N, C). Tried on
    :data:`SOFTMAX_SCORES` (which overflows a naive softmax) and on a random batch."""
    rng = np.random.default_rng(22)
    cases = [(SOFTMAX_SCORES, SOFTMAX_LABELS),
             (rng.standard_normal((5, 3)), rng.integers(0, 3, size=5))]
    for scores, y in cases:
        want_loss, want_d = softmax_cross_entropy(scores, y)
        ok, result = call_learner(softmax_ce, scores, y, forbid=(softmax_cross_entropy,))
        if not ok:
            return not_yet(result)
        ok, pair = as_arrays(result, (want_loss, want_d), ("loss", "dscores"), finite=False)
        if not ok:
            return not_yet(pair)
        loss, dscores = pair
        if not (np.all(np.isfinite(loss)) and np.all(np.isfinite(dscores))):
            return not_yet("nan or inf: subtract each row's maximum score before np.exp")
        good, hint = compare(loss, want_loss, "loss", rtol=1e-8, atol=1e-12)
        if not good:
            return not_yet(f"{hint} (the loss is the mean over the batch of "
                           "−log p[correct class])")
        N = scores.shape[0]
        good, hint = compare(dscores, want_d, "dscores", rtol=1e-8, atol=1e-12, mistakes=[
            ("the loss is a mean over N examples, so divide the gradient by N too", N * want_d)])
        if not good:
            return not_yet(f"{hint} (p − onehot(y), divided by N)")
    return passed("loss and dscores = (p − y)/N match, even for scores near 1000")
