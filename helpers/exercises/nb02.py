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

from helpers.exercises._check import call_safely, close, not_yet, passed
from helpers.layers import sigmoid, softmax_cross_entropy

__all__ = ["check_sigmoid_backward_from_output", "check_staged_backward", "check_softmax_ce",
           "g_forward", "SOFTMAX_SCORES", "SOFTMAX_LABELS"]

# The tiny batch of exercise 3: N = 3 examples, C = 4 classes; the last row would overflow
# np.exp without the max-subtraction trick.
SOFTMAX_SCORES = np.array([[1.0, 2.0, 0.5, -1.0],
                           [0.0, 0.0, 0.0, 0.0],
                           [1000.0, 1002.0, 999.0, 1001.0]])
SOFTMAX_LABELS = np.array([1, 3, 0])


def _unchanged(before, after) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))


def _finite(value) -> bool:
    """True unless ``value`` is numeric and holds a nan or inf (non-numbers are left to close)."""
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=np.float64))))
    except (TypeError, ValueError):
        return True


def check_sigmoid_backward_from_output(sigmoid_backward_from_output) -> bool:
    """``sigmoid_backward_from_output(out, dout)`` must return ``dx = dout · out · (1 − out)``,
    where ``out = σ(x)`` is what the forward pass cached. Shapes: out, dout, dx all alike."""
    rng = np.random.default_rng(20)
    for shape in [(5,), (3, 4), ()]:
        x = rng.normal(scale=3.0, size=shape)
        out, dout = sigmoid(x), rng.standard_normal(shape)
        before = (out.copy(), dout.copy())
        ok, dx = call_safely(sigmoid_backward_from_output, out, dout)
        if not ok:
            return not_yet(dx)
        good, hint = close(dx, dout * out * (1 - out), rtol=1e-9, atol=1e-12)
        if not good:
            twice = dout * sigmoid(out) * (1 - sigmoid(out))
            if np.shape(dx) == np.shape(twice) and np.allclose(dx, twice):
                hint = "out is already σ(x): use it directly, do not apply σ again"
            elif np.shape(dx) == np.shape(out) and np.allclose(dx, out * (1 - out)):
                hint = "that is the local gradient; multiply it by the upstream dout"
            return not_yet(hint)
        if not _unchanged(before, (out, dout)):
            return not_yet("your function changed out or dout; compute a new array instead")
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


def check_staged_backward(g_backward) -> bool:
    """``g_backward(dg, cache)`` must return ``(dx, dy)`` for ``g = σ(x·y) + x²``, with
    ``cache`` from :func:`g_forward` and ``dg`` the upstream gradient (a float)."""
    for (x, y), dg in zip(_STAGED_POINTS, [1.0, 2.0, -0.5, 1.0], strict=True):
        _, cache = g_forward(x, y)
        ok, result = call_safely(g_backward, dg, cache)
        if not ok:
            return not_yet(result)
        if not isinstance(result, tuple) or len(result) != 2:
            return not_yet("return a pair (dx, dy)")
        s = cache[3]
        ds_path = dg * s * (1 - s)                     # gradient reaching xy
        want = (ds_path * y + dg * 2 * x, ds_path * x)
        good_dy, hint_dy = close(result[1], want[1], rtol=1e-8, atol=1e-12)
        if not good_dy:
            return not_yet(f"dy at x = {x}, y = {y}: {hint_dy} "
                           "(dy = dxy · x, and dxy = ds · σ(1 − σ))")
        good_dx, hint_dx = close(result[0], want[0], rtol=1e-8, atol=1e-12)
        if not good_dx:
            one_path = [ds_path * y, dg * 2 * x]
            if any(np.isclose(result[0], v) for v in one_path):
                hint_dx = ("dx holds only one of its two paths: x feeds x·y *and* x², so "
                           "accumulate with dx += …")
            return not_yet(f"dx at x = {x}, y = {y}: {hint_dx}")
    return passed("both paths into x are summed (+=): dx = dg·(σ(1 − σ)·y + 2x), "
                  "dy = dg·σ(1 − σ)·x")


def check_softmax_ce(softmax_ce) -> bool:
    """``softmax_ce(scores, y)`` must return ``(loss, dscores)``: the mean cross-entropy of
    ``softmax(scores)`` over the batch and its gradient ``(p − onehot(y)) / N``.
    Shapes: scores (N, C), y (N,) → loss a float, dscores (N, C). Tried on
    :data:`SOFTMAX_SCORES` (which overflows a naive softmax) and on a random batch."""
    rng = np.random.default_rng(22)
    cases = [(SOFTMAX_SCORES, SOFTMAX_LABELS),
             (rng.standard_normal((5, 3)), rng.integers(0, 3, size=5))]
    for scores, y in cases:
        given = (scores.copy(), y.copy())   # the learner's copies: the originals stay intact
        want_loss, want_d = softmax_cross_entropy(scores, y)
        ok, result = call_safely(softmax_ce, *given)
        if not ok:
            return not_yet(result)
        if not isinstance(result, tuple) or len(result) != 2:
            return not_yet("return a pair (loss, dscores)")
        loss, dscores = result
        if not (_finite(loss) and _finite(dscores)):
            return not_yet("nan or inf: subtract each row's maximum score before np.exp")
        good, hint = close(loss, want_loss, rtol=1e-8, atol=1e-12)
        if not good:
            return not_yet(f"loss: {hint} (mean over the batch of −log p[correct class])")
        good, hint = close(dscores, want_d, rtol=1e-8, atol=1e-12)
        if not good:
            N = scores.shape[0]
            if np.shape(dscores) == want_d.shape and np.allclose(dscores, N * want_d):
                hint = "the loss is a mean over N examples, so divide the gradient by N too"
            return not_yet(f"dscores: {hint} (p − onehot(y), divided by N)")
        if not _unchanged(given, (scores, y)):
            return not_yet("your function changed its inputs")
    return passed("loss and dscores = (p − y)/N match, even for scores near 1000")
