"""Checkers for notebook 09 — embeddings and weight tying.

1. :func:`check_token_gradient` (warm-up): the gradient row of one word is the *sum* over the
   positions where it occurs (the Repeat node).
2. :func:`check_embedding_backward` (build-it): the whole embedding backward, a scatter-add.
3. :func:`check_tied_projection_backward` (build-it): the output projection s = h·Wᵀ + b that
   reuses the embedding table W, backward: dh, dW, db.
4. :func:`check_projected_tied_backward` (stretch): the same with a projection P between a
   hidden size H and the embedding size D, s = h·P·Wᵀ + b: dh, dP, dW, db.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers import layers
from helpers.exercises._check import (
    NOT_DONE,
    as_array,
    call_learner,
    compare,
    exercise,
    matches,
    not_yet,
    passed,
)

__all__ = ["check_token_gradient", "check_embedding_backward", "check_tied_projection_backward",
           "check_projected_tied_backward"]

BUFFERED = ("a word used several times keeps only its last gradient: `dW[ids] += dout` (or "
            "`dW[ids] = dout`) writes each row once, because numpy buffers the writes; "
            "np.add.at(dW, ids, dout) adds every one")
MEAN = ("that is the mean of a word's gradients; a row used k times is a Repeat node with k "
        "copies, and its gradient is the sum of the k")
NO_BIAS_SUM = ("b was added to every one of the M rows, so db sums dscores over the rows "
               "(axis 0): shape (V,)")
BIAS_AXIS = "that sums each row's V scores (axis 1); db sums over the M rows (axis 0): shape (V,)"


# ----------------------------------------------------------------------------- shared cases

def _ids_cases(seed: int):
    """(label, ids, V, D): a batch of one sequence, a batch of three; both repeat ids."""
    rng = np.random.default_rng(seed)
    one = np.array([[2, 0, 4, 2, 1, 4]])                       # words 2, 4 twice; 3 absent
    three = rng.integers(0, 5, (3, 4))
    three[0, :2] = 4                                          # word 4 at least twice
    return [("a batch of 1 sequence (N = 1, T = 6, V = 5, D = 3)", one, 5, 3),
            ("a batch of 3 sequences (N = 3, T = 4, V = 7, D = 2)", three, 7, 2)]


def _scatter(ids, dout, V):
    dW = np.zeros((V, dout.shape[-1]))
    np.add.at(dW, ids, dout)
    return dW


def _buffered(ids, dout, V):
    dW = np.zeros((V, dout.shape[-1]))
    dW[ids] += dout
    return dW


def _mean_rows(ids, dout, V):
    counts = np.bincount(ids.ravel(), minlength=V)[:, None]
    return _scatter(ids, dout, V) / np.maximum(counts, 1)


# ----------------------------------------------------------------------------- exercise 1

@exercise("09", 1, "one word's gradient")
def check_token_gradient(token_gradient) -> bool:
    """``token_gradient(ids, dout, k)`` should return the gradient of row k of W, shape (D,).

    ids (N, T) integers, dout (N, T, D) the gradient of every looked-up row, k a word id.
    """
    # equivalent mutant `(10)`: any seed; dout only has to be random
    rng = np.random.default_rng(9)
    # equivalent mutant `(2)`: any seed; the second case only has to repeat a word
    for label, ids, V, D in _ids_cases(1):
        dout = rng.standard_normal(ids.shape + (D,))
        absent = np.setdiff1d(np.arange(V), ids)
        for k in (int(np.bincount(ids.ravel()).argmax()), int(absent[0])):  # repeated, absent
            ok, answer = call_learner(token_gradient, ids, dout, k)
            if not ok and answer == NOT_DONE and k == absent[0]:
                return not_yet(f"on {label}: word {k} does not occur in ids, so no gradient "
                               f"reaches its row: return zeros, shape ({D},), not None")
            if not ok:
                return not_yet(answer)
            expected = dout[ids == k].sum(axis=0)
            name = f"the gradient of word {k}"
            ok, got = as_array(answer, name)
            if ok and got.ndim == 2 and got.shape[1] == D:
                return not_yet(f"return only row {k} of dW, shape ({D},), not a table of rows")
            if ok:
                ok, got = as_array(got, name, (D,))
            if not ok:
                return not_yet(got)
            if matches(got, expected):
                continue
            where = np.flatnonzero(ids.ravel() == k)
            # equivalent mutant `(2)`: numpy reads any negative size in reshape as 'the rest'
            flat = dout.reshape(-1, D)
            # equivalent mutant `(len(where) >= 1)`: with one occurrence that occurrence is the
            # answer, which was accepted above (here and in the next two tests)
            # equivalent mutant `(1)`: the first case's repeated words occur exactly twice, so
            # where[1] is where[-1]
            if len(where) > 1 and matches(got, flat[where[-1]]):
                return not_yet(f"on {label}: that is only the last occurrence of word {k}; "
                               "it occurs several times, and each use sends a gradient back")
            # equivalent mutant `(len(where) >= 1)`: see above
            if len(where) > 1 and matches(got, flat[where[0]]):
                return not_yet(f"on {label}: that is only the first occurrence of word {k}")
            # equivalent mutant `(len(where) >= 1)`: see above
            if len(where) > 1 and matches(got, expected / len(where)):
                return not_yet(f"on {label}: {MEAN}")
            if len(where) and matches(got, flat.sum(axis=0)):
                return not_yet(f"on {label}: that sums the gradients of every position; keep "
                               f"only the positions where ids == {k}")
            return not_yet(f"on {label}: add up dout at the positions where ids == {k}")
    return passed("a word's gradient is the sum over the positions where it occurs "
                  "(zero where it does not): the Repeat node")


# ----------------------------------------------------------------------------- exercise 2

@exercise("09", 2, "the embedding backward")
def check_embedding_backward(embedding_backward) -> bool:
    """``embedding_backward(dout, ids, V)`` should return dW, shape (V, D).

    dout (N, T, D) the upstream gradient of out = W[ids]; ids (N, T) integers in [0, V).
    """
    # equivalent mutant `(91)`: any seed; dout only has to be random
    rng = np.random.default_rng(90)
    # equivalent mutant `(3)`: any seed; the second case only has to repeat a word
    for label, ids, V, D in _ids_cases(2):
        dout = rng.standard_normal(ids.shape + (D,))
        ok, answer = call_learner(embedding_backward, dout, ids, V,
                                  forbid=(layers.embedding_backward,))
        if not ok:
            return not_yet(answer)
        ok, got = as_array(answer, "dW")
        if not ok:
            return not_yet(got)
        if got.shape == dout.shape:
            return not_yet(f"on {label}: dW has one row per word of the vocabulary, shape "
                           f"({V}, {D}), not one per position {dout.shape}")
        expected = _scatter(ids, dout, V)
        ok, hint = compare(got, expected, names="dW",
                           mistakes=[(BUFFERED, _buffered(ids, dout, V)),
                                     (MEAN, _mean_rows(ids, dout, V))])
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("dW = a scatter-add of dout into the rows of ids: repeated words sum, "
                  "absent words get zero")


# ----------------------------------------------------------------------------- exercise 3

def _gaussian_cases(seed: int, specs) -> list[tuple]:
    """For each (label, shapes): (label, one standard-normal array per shape, in order)."""
    rng = np.random.default_rng(seed)
    return [(label, *(rng.standard_normal(shape) for shape in shapes)) for label, shapes in specs]


# (label, shapes of dscores (M, V), h (M, D), W (V, D)): one row, and a non-square case
PROJECTION_CASES = [("M = 1 row, V = 7 words, D = 3", [(1, 7), (1, 3), (7, 3)]),
                    ("M = 5 rows, V = 6 words, D = 4", [(5, 6), (5, 4), (6, 4)])]


@exercise("09", 3, "the tied output projection, backward")
def check_tied_projection_backward(tied_projection_backward) -> bool:
    """``tied_projection_backward(dscores, cache)`` with cache = (h, W) should return
    (dh, dW, db) for scores = h @ W.T + b: dh (M, D), dW (V, D), db (V,)."""
    # equivalent mutant `(94)`: any seed; the cases only have to be random
    for label, dscores, h, W in _gaussian_cases(93, PROJECTION_CASES):
        ok, answer = call_learner(tied_projection_backward, dscores, (h, W),
                                  forbid=(layers.affine_backward,))
        if not ok:
            return not_yet(answer)
        M = len(h)
        # for M = 1 a mean is the sum, i.e. the right answer, which compare accepts first:
        # equivalent mutant `(M >= 1)`: see the line above
        # equivalent mutant `(2)`: the cases have M = 1 and M = 5
        several = M > 1
        expected = (dscores @ W, dscores.T @ h, dscores.sum(axis=0))
        mistakes = [
            ("W is used transposed (h @ W.T), so its gradient is the transpose of the affine "
             "dw = hᵀ·dscores: dW = dscoresᵀ·h, shape (V, D)", (None, h.T @ dscores, None)),
            ("dscores already carries the 1/M of the mean loss; do not divide again",
             (None, expected[1] / M, None) if several else None),
            ("a bias added to every row collects the *sum* of the rows' gradients, not the mean",
             (None, None, dscores.mean(axis=0)) if several else None),
            (NO_BIAS_SUM, (None, None, dscores)),
            (BIAS_AXIS, (None, None, dscores.sum(axis=1))),
            ("that is dW (dscoresᵀ·h): return dh, dW, db in this order",
             (dscores.T @ h, None, None)),
        ]
        ok, hint = compare(answer, expected, names=("dh", "dW", "db"), mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("dh = dscores·W, dW = dscoresᵀ·h (the transpose of the affine dw), "
                  "db = Σ rows — the output use's share of the tied table")


# ----------------------------------------------------------------------------- exercise 4

# (label, shapes of dscores (M, V), h (M, H), P (H, D), W (V, D))
PROJECTED_CASES = [("M = 1, V = 7, H = 5, D = 3", [(1, 7), (1, 5), (5, 3), (7, 3)]),
                   ("M = 4, V = 6, H = 2, D = 4", [(4, 6), (4, 2), (2, 4), (6, 4)])]


@exercise("09", 4, "tying through a projection")
def check_projected_tied_backward(projected_tied_backward) -> bool:
    """``projected_tied_backward(dscores, cache)`` with cache = (h, P, W) should return
    (dh, dP, dW, db) for scores = h @ P @ W.T + b: dh (M, H), dP (H, D), dW (V, D), db (V,)."""
    # equivalent mutant `(95)`: any seed; the cases only have to be random
    for label, dscores, h, P, W in _gaussian_cases(94, PROJECTED_CASES):
        ok, answer = call_learner(projected_tied_backward, dscores, (h, P, W),
                                  forbid=(layers.affine_backward,))
        if not ok:
            return not_yet(answer)
        u = h @ P                                  # (M, D): the projected hidden state
        du = dscores @ W
        expected = (du @ P.T, h.T @ du, dscores.T @ u, dscores.sum(axis=0))
        mistakes = [
            ("W meets h·P, not h: its gradient is dscoresᵀ·(h·P), shape (V, D)",
             (None, None, dscores.T @ h, None)),
            ("P meets the gradient that reaches h·P, which is dscores·W, not dscores itself",
             (None, h.T @ dscores, None, None)),
            ("that is the gradient of h·P; one more matmul gate back: dh = (dscores·W)·Pᵀ",
             (du, None, None, None)),
            ("a bias added to every row collects the sum of the rows' gradients, not the mean",
             # equivalent mutant `(len(h) >= 1)`: for M = 1 the mean is the sum (see exercise 3)
             # equivalent mutant `(2)`: the cases have M = 1 and M = 4
             (None, None, None, dscores.mean(axis=0)) if len(h) > 1 else None),
            (NO_BIAS_SUM, (None, None, None, dscores)),
            (BIAS_AXIS, (None, None, None, dscores.sum(axis=1))),
        ]
        ok, hint = compare(answer, expected, names=("dh", "dP", "dW", "db"), mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("two matmul gates in a row: du = dscores·W, then dh = du·Pᵀ, dP = hᵀ·du, "
                  "and W's share dscoresᵀ·(h·P)")
