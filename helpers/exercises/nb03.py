"""Checkers for notebook 03 (the matmul gate).

1. :func:`check_matmul_left_backward` (warm-up) — ``(dW, dX)`` for ``Y = W·X`` (weight on the
   left, one example per column).
2. :func:`check_xor_weights` (warm-up) — weights of a two-layer step-perceptron network that
   computes XOR.
3. :func:`check_two_layer_backward` (build-it) — the loss and every parameter's gradient of the
   two-layer network affine → ReLU → affine → softmax cross-entropy, written without the
   backward passes of ``helpers.layers``.
4. :func:`check_sum_to_shape` (stretch) — ``sum_to_shape(grad, shape)``: the backward of any
   broadcast.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers import layers as L
from helpers.exercises._check import (
    NOT_DONE,
    as_array,
    call_learner,
    compare,
    exercise,
    not_yet,
    passed,
)

__all__ = ["check_matmul_left_backward", "check_xor_weights", "check_two_layer_backward",
           "check_sum_to_shape", "step_network", "XOR_INPUTS", "XOR_TARGETS", "PARAM_KEYS"]

XOR_INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.float64)
XOR_TARGETS = np.array([0, 1, 1, 0])
PARAM_KEYS = ("W1", "b1", "W2", "b2")


def _rng() -> np.random.Generator:
    """A fresh generator: every run of a checker draws new cases."""
    return np.random.default_rng()


def _product(a, b):
    """``a @ b``, or None when the shapes do not fit (a mistake that cannot happen here)."""
    return a @ b if a.shape[1] == b.shape[0] else None


# ------------------------------------------------------------ 1. the weight on the left

# (M, K, N): W (M, K), X (K, N). All sizes equal first, where every wrong order still has the
# right shape and only the values can catch it; then distinct sizes and size-1 axes.
_MATMUL_SHAPES = [(3, 3, 3), (2, 3, 4), (3, 5, 1), (4, 1, 3), (1, 3, 2)]


@exercise("03", 1, "the weight on the left")
def check_matmul_left_backward(matmul_left_backward) -> bool:
    """``matmul_left_backward(dY, W, X)`` must return ``(dW, dX)`` for ``Y = W·X`` (the column
    convention): W (M, K), X (K, N), dY (M, N) → dW (M, K), dX (K, N)."""
    rng = _rng()
    for M, K, N in _MATMUL_SHAPES:
        W = rng.standard_normal((M, K))
        X = rng.standard_normal((K, N))
        dY = rng.standard_normal((M, N))
        ok, result = call_learner(matmul_left_backward, dY, W, X)
        if not ok:
            return not_yet(result)
        mistakes = [
            ("X must be transposed: dW = dY·Xᵀ", (_product(dY, X), None)),
            ("W must be transposed: dX = Wᵀ·dY", (None, _product(W, dY))),
            ("that is the row convention's rule (examples in rows, X·W); with the weight on the "
             "left, dW = dY·Xᵀ and dX = Wᵀ·dY", (_product(X.T, dY), _product(dY, W.T))),
            ("that is the input W handed back, not its gradient: dW = dY·Xᵀ", (W, None)),
            ("that is the input X handed back, not its gradient: dX = Wᵀ·dY", (None, X)),
        ]
        good, hint = compare(result, (dY @ X.T, W.T @ dY), names=("dW", "dX"),
                             mistakes=mistakes, rtol=1e-9, atol=1e-12)
        if not good:
            if "should have shape" in hint:
                hint += f" (W {W.shape}, X {X.shape}; which transposes make it fit?)"
            return not_yet(f"with M, K, N = {M}, {K}, {N}: {hint}")
    return passed("dW = dY·Xᵀ and dX = Wᵀ·dY — right with every size equal (where only the "
                  "values can tell) and with distinct sizes")


# ------------------------------------------------------------ 2. XOR by hand

def step_network(W1, b1, w2, b2, X=XOR_INPUTS) -> np.ndarray:
    """Two layers of step perceptrons: ``h = step(X·W1 + b1)``, ``y = step(h·w2 + b2)``.

    Shapes: X (N, 2), W1 (2, 2), b1 (2,), w2 (2,), b2 scalar → y (N,) of 0/1;
    step(a) = 1 if a > 0 else 0.
    """
    h = _hidden(W1, b1, X)
    return (h @ np.asarray(w2, dtype=np.float64) + b2 > 0).astype(int)


def _hidden(W1, b1, X=XOR_INPUTS) -> np.ndarray:
    """The hidden layer of :func:`step_network`: ``step(X·W1 + b1)``, (N, 2) of 0/1."""
    return (np.asarray(X) @ np.asarray(W1, dtype=np.float64) + np.asarray(b1) > 0).astype(float)


@exercise("03", 2, "XOR a second way")
def check_xor_weights(W1, b1, w2, b2) -> bool:
    """Weights W1 (2, 2), b1 (2,), w2 (2,), b2 (scalar) for :func:`step_network` must give
    the XOR truth table on (0,0), (1,0), (0,1), (1,1)."""
    given = {"W1": W1, "b1": b1, "w2": w2, "b2": b2}
    if any(v is None for v in given.values()):
        return not_yet(NOT_DONE)
    expected = {"W1": (2, 2), "b1": (2,), "w2": (2,), "b2": ()}
    weights = {}
    for name, shape in expected.items():
        ok, weights[name] = as_array(given[name], name, shape)
        if not ok:
            return not_yet(weights[name])
    out = step_network(*weights.values())
    if np.array_equal(out, XOR_TARGETS):
        return passed("your two-layer perceptron computes XOR: 0, 1, 1, 0")
    table = np.column_stack([XOR_INPUTS, _hidden(weights["W1"], weights["b1"]), out]).astype(int)
    rows = ", ".join(f"{a}{b}→h=({h1},{h2})→{o}" for a, b, h1, h2, o in table)
    return not_yet(f"your network gives {rows}; aim for one hidden unit that fires only on 10, "
                   "one that fires only on 01, and an output that fires if either does")


# ------------------------------------------------------------ 3. the two-layer network

_REFERENCE = (L.affine_backward, L.relu_backward, L.softmax_cross_entropy)
# the order in which the answer is compared: from the loss backwards, so the first wrong
# gradient named is the one nearest to the mistake
_ORDER = ("W2", "b2", "W1", "b1")
_NAMES = ("loss", "dW2", "db2", "dW1", "db1")


def _cases():
    """``(label, params, X, y)``: square sizes first (a wrong order keeps its shape), then
    distinct sizes with exact zeros among the pre-activations, batch 1, and huge scores."""
    rng = _rng()

    def case(label, N, K, H, C, scale=1.0):
        params = {"W1": rng.standard_normal((K, H)), "b1": rng.standard_normal(H),
                  "W2": scale * rng.standard_normal((H, C)), "b2": rng.standard_normal(C)}
        return label, params, rng.standard_normal((N, K)), rng.integers(0, C, N)

    cases = [case("3 examples with every size 3 (K = H = C = N)", 3, 3, 3, 3),
             case("5 examples, K = 2 inputs, H = 7 hidden units, C = 4 classes", 5, 2, 7, 4),
             case("one example (batch 1), K = 4, H = 3, C = 5", 1, 4, 3, 5),
             case("4 examples with scores in the thousands", 4, 3, 6, 3, scale=1e4)]
    while np.linalg.matrix_rank(_scores(*cases[0][1:3], pre=True)[1]) < 3:   # a rank-deficient
        cases[0] = case(cases[0][0], 3, 3, 3, 3)   # H (6 draws in 10) lets a mistake's dW2 be right
    _, params, X, _ = cases[1]
    X[2] = 0.0                              # this example's pre-activations are A = b1 ...
    params["b1"][::2] = 0.0                 # ... so some are exactly 0, where ReLU passes 0
    _, params, X, y = cases[3]
    S = _scores(params, X)
    n = np.ptp(S, axis=1).argmax()          # one confidently wrong example: its label's score
    y[n] = S[n].argmin()                    # is thousands below the best, so p rounds to 0
    return cases


def _scores(params, X, pre=False):
    """The forward pass: scores ``S = relu(X·W1 + b1)·W2 + b2`` (and ``A``, ``H`` if ``pre``)."""
    A = X @ params["W1"] + params["b1"]
    H = np.maximum(A, 0.0)
    S = H @ params["W2"] + params["b2"]
    return (A, H, S) if pre else S


def _network(params, X, y):
    """Forward and backward of the network, term by term: ``(expected, mistakes)``."""
    W2 = params["W2"]
    N = X.shape[0]
    A, H, S = _scores(params, X, pre=True)
    shifted = S - S.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    P = np.exp(logp)
    Y = np.eye(W2.shape[1])[y]
    losses = -logp[np.arange(N), y]

    def back(dS, mask=A > 0, H2=H, X1=X, dH=None):
        """(loss, dW2, db2, dW1, db1) from dscores, with the parts a mistake may change."""
        dH = dS @ W2.T if dH is None else dH
        dA = dH * mask
        return (losses.mean(), _product(H2.T, dS), dS.sum(axis=0),
                _product(X1.T, dA), dA.sum(axis=0))

    dS = (P - Y) / N
    expected = back(dS)
    dA = dS @ W2.T * (A > 0)
    dH_untransposed = _product(dS, W2)
    none = (None,) * 5
    mistakes = [
        ("the loss is one number, the mean of the N per-example losses", (losses, *none[1:])),
        ("dscores = (p − onehot(y)) / N: the one-hot of the labels is not subtracted",
         back(P / N)),
        ("the loss is a mean over the N examples, so dscores = (p − onehot(y)) / N: the 1/N "
         "is missing", back(P - Y)),
        ("a bias gradient is a plain sum over the batch (axis 0): dscores already carries "
         "the 1/N, so no mean", (None, None, dS.mean(axis=0), None, dA.mean(axis=0))),
        ("a bias gradient sums over the batch, axis 0 (one number per unit), not over the "
         "units", (None, None, dS.sum(axis=1), None, dA.sum(axis=1))),
        ("the 1/N is applied twice: dscores = (p − onehot(y)) / N already carries it",
         back(dS / N)),
        ("dW2 = Hᵀ·dscores: the second layer's input is H = relu(A), after the ReLU, not A",
         back(dS, H2=A)),
        ("dW2 = Hᵀ·dscores: the second layer's input is H, not X", back(dS, H2=X)),
        ("dW1 = Xᵀ·dA: the first layer's input is X, not H", back(dS, X1=H)),
        ("a weight gradient is inputᵀ·upstream: dW2 = Hᵀ·dscores (the product in the other "
         "order gives its transpose)", (None, _product(dS.T, H), None, None, None)),
        ("a weight gradient is inputᵀ·upstream: dW2 = Hᵀ·dscores (a transpose is missing)",
         (None, _product(dS, H), None, None, None)),
        ("a weight gradient is inputᵀ·upstream: dW1 = Xᵀ·dA (the product in the other order "
         "gives its transpose)", (None, None, None, _product(dA.T, X), None)),
        ("on the way back through the second layer, dH = dscores·W2ᵀ: the transpose of W2 is "
         "missing", None if dH_untransposed is None else back(dS, dH=dH_untransposed)),
        ("ReLU passes the gradient only where A > 0: multiply dH by the mask A > 0 (H >= 0 holds "
         "everywhere, so it is no mask)", back(dS, mask=1.0)),
        ("ReLU's slope is the 0/1 mask A > 0, not the activation's value H", back(dS, mask=H)),
        ("where a pre-activation is exactly 0 ReLU passes nothing: the mask is A > 0, not "
         "A >= 0", back(dS, mask=A >= 0)),
        ("that is the parameter itself handed back, not its gradient (grads['W2'] holds "
         "∂L/∂W2)", (None, W2, params["b2"], params["W1"], params["b1"])),
    ]
    return expected, mistakes


def _learner_answer(result) -> tuple[bool, object]:
    """``(loss, grads)`` as the tuple ``(loss, dW2, db2, dW1, db1)``, or a hint on the form."""
    form = ("return (loss, grads): the loss, then a dict "
            "{'W1': dW1, 'b1': db1, 'W2': dW2, 'b2': db2}")
    if isinstance(result, dict):
        return False, f"{form} (got only a dict)"
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        size = f" of {len(result)} items" if isinstance(result, (tuple, list)) else ""
        return False, f"{form} (got {type(result).__name__}{size})"
    loss, grads = result
    if not isinstance(grads, dict):
        return False, f"grads should be a dict of gradients, got {type(grads).__name__}: {form}"
    missing = [k for k in PARAM_KEYS if k not in grads]
    if missing:
        renamed = any(f"d{k}" in grads for k in missing)
        named = " (name them after the parameters: grads['W1'] holds dW1)" if renamed else ""
        return False, (f"grads has no key {', '.join(missing)}{named}: return all four, "
                       "W1, b1, W2, b2")
    return True, (loss, *(grads[k] for k in _ORDER))


@exercise("03", 3, "the two-layer network's whole backward")
def check_two_layer_backward(two_layer_loss_and_grads) -> bool:
    """``two_layer_loss_and_grads(params, X, y)`` must return ``(loss, grads)``: the mean
    softmax cross-entropy of ``relu(X·W1 + b1)·W2 + b2`` and ``{"W1": dW1, …}``, with
    X (N, K), y (N,), W1 (K, H), b1 (H,), W2 (H, C), b2 (C,)."""
    for label, params, X, y in _cases():
        ok, result = call_learner(two_layer_loss_and_grads, params, X, y, forbid=_REFERENCE)
        if not ok:
            return not_yet(result)
        ok, answer = _learner_answer(result)
        if not ok:
            return not_yet(answer)
        expected, mistakes = _network(params, X, y)
        ok, hint = compare(answer, expected, names=_NAMES, mistakes=mistakes)
        if not ok and hint == "loss is off":    # a wrong number no listed mistake explains
            hint = (f"loss is {float(answer[0]):.6g} instead of {expected[0]:.6g}: the mean over "
                    "the batch of −log p[n, y_n]")
        if not ok and (" contains nan" in hint or " contains inf" in hint):
            hint += (" (with scores in the thousands exp overflows and p can round to 0: "
                     "shift each row by its max, and compute log p = shifted − log Σ exp(shifted))")
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("dscores = (p − onehot)/N, dW2 = Hᵀ·dscores, db2 = Σₙ dscores, "
                  "dH = dscores·W2ᵀ, dA = dH ⊙ [A > 0], dW1 = Xᵀ·dA, db1 = Σₙ dA — right with "
                  "square and distinct sizes, batch 1 and huge scores")


# ------------------------------------------------------------ 4. undo any broadcast

# (broadcast result shape, original shape) pairs the sum_to_shape checker tries
_BROADCAST_CASES = [((4, 3), (3,)), ((4, 3), (1, 3)), ((4, 3), (4, 1)), ((4, 3), (4, 3)),
                    ((4, 3), ()), ((2, 4, 3), (4, 1)), ((2, 4, 3), (3,))]


def _sum_to_shape(grad, shape, keep_stretched=False):
    """The reference: sum the leading axes away, then the stretched ones (unless told not to)."""
    lead = grad.ndim - len(shape)
    out = grad.sum(axis=tuple(range(lead)))
    if keep_stretched:
        return out
    stretched = tuple(i for i, s in enumerate(shape) if s == 1)
    return out.sum(axis=stretched).reshape(shape)


@exercise("03", 4, "undo any broadcast")
def check_sum_to_shape(sum_to_shape) -> bool:
    """``sum_to_shape(grad, shape)`` must sum ``grad`` over the axes that broadcasting an
    array of ``shape`` created or stretched, and return an array of exactly ``shape``."""
    rng = _rng()
    for big, small in _BROADCAST_CASES:
        grad = rng.standard_normal(big)
        ok, result = call_learner(sum_to_shape, grad, small)
        if not ok:
            return not_yet(result)
        want = _sum_to_shape(grad, small)
        mistakes = [
            ("the axes stretched from length 1 need a sum too (keep them: keepdims=True)",
             _sum_to_shape(grad, small, keep_stretched=True)),
            ("the stretched axes are summed, but their length-1 axes are dropped: keepdims=True",
             want.reshape(tuple(s for s in small if s != 1))),
            ("only the added and the stretched axes are summed: an axis the original already "
             "had (length > 1) keeps its entries", np.full(small, grad.sum())),
        ]
        good, hint = compare(result, want, "the result", mistakes=mistakes, rtol=1e-9,
                             atol=1e-12)
        if not good:
            return not_yet(f"for grad of shape {big} and shape {small}: {hint}")
    return passed("sum_to_shape undoes every broadcast tried: bias (M,), rows, columns, scalar")
