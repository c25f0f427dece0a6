"""Softmax followed by cross-entropy (손실 함수 loss function), mean over the batch."""

from __future__ import annotations

import numpy as np

from . import _validate as v


def softmax_cross_entropy(scores, y):
    """Mean softmax cross-entropy loss and its gradient, in one function.

    With p = softmax(scores) row by row, loss = −(1/N) Σ_n log p[n, y_n] and
    dscores = (p − onehot(y)) / N. Stable for large scores: every row is shifted by its
    maximum before exponentiating, and log p is computed as shifted − log Σ exp(shifted).

    Scores must be finite: a NaN has no softmax, and with a score of ±inf the loss is inf or
    undefined (inf − inf) except in special cases (−inf on a class that is not the label), so
    a non-finite score raises ValueError naming its index rather than returning NaN. It is
    almost always an overflow upstream, best caught where it happens. Finite scores whose loss
    is not a float64 (a label's score more than ~1.8e308 below its row's maximum, e.g.
    [[1e308, -1e308]] with label 1) raise ValueError too, rather than returning inf.

    Args:
        scores: class scores, shape (N, C), N ≥ 1, finite.
        y: integer labels, shape (N,), values in [0, C).

    Returns:
        loss: float (≥ 0; an exact 0 is +0.0).
        dscores: dloss/dscores, shape (N, C).
    """
    fname = "softmax_cross_entropy"
    scores = v.float_array(fname, "scores", scores, ndim=2, layout="(N, C)")
    N, C = scores.shape
    if N == 0 or C == 0:
        raise ValueError(f"{fname}: scores expects at least one row and one column, "
                         f"got shape {scores.shape}")
    y = v.index_array(fname, "y", y, high=C, ndims=(1,), layout="(N,)")
    if y.shape != (N,):
        raise ValueError(f"{fname}: y expects one label per row of scores, shape ({N},), "
                         f"got shape {y.shape} (scores.shape={scores.shape})")
    with np.errstate(over="ignore"):    # a gap beyond float64 is −inf: its probability is 0
        shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N)
    picked = log_probs[rows, y]
    with np.errstate(over="ignore"):
        loss = 0.0 - picked.mean()   # not −mean: a perfect score gives +0.0, not −0.0
    if not np.isfinite(loss):
        n = int(np.argmin(picked))
        raise ValueError(f"{fname}: the loss overflows float64: in row {n} the label's score "
                         f"{scores[n, y[n]]:.3g} lies so far below the row's maximum "
                         f"{scores[n].max():.3g} that −log p, the loss, is beyond 1.8e308 "
                         f"(scores of order 1e308: an overflow upstream?)")
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    dscores /= N
    return float(loss), dscores
