"""Checkers for notebook 02 (sigmoid, modular gates and staged computation).

1. :func:`check_sigmoid_backward_from_output` (warm-up) — the sigmoid gate's backward from its
   output alone: ``dx = dout · out · (1 − out)``.
2. :func:`check_staged_backward` (build-it) — ``h(x, y) = (σ(x·y) + y) / (1 + x²)`` forward in
   stages and backward end to end, ``(h, dx, dy)`` for an upstream gradient ``dout``; ``x`` and
   ``y`` are each used twice, so their gradients accumulate with ``+=``.
3. :func:`check_softmax_ce` (build-it) — ``softmax_ce(scores, y) → (loss, dscores)``, on a
   batch near 1000 (a naive softmax overflows) and on the confidently wrong row ``[1000, 0]``
   with label 1 (``−log p`` is ``inf`` there).
4. :func:`check_softmax_backward` (stretch) — the softmax gate on its own:
   ``ds = p ⊙ (dp − Σ_j dp_j p_j)``, row by row.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers import gradcheck
from helpers import layers as L
from helpers.exercises._check import (
    NOT_DONE,
    as_arrays,
    call_learner,
    compare,
    exercise,
    matches,
    not_yet,
    passed,
)
from helpers.graph import Value

__all__ = ["check_sigmoid_backward_from_output", "check_staged_backward", "check_softmax_ce",
           "check_softmax_backward", "staged_h"]


def _rng() -> np.random.Generator:
    """A fresh generator: every run of a checker draws new cases."""
    return np.random.default_rng()


def _signed(rng, size=None):
    """Magnitudes uniform in [0.4, 2) with random signs: never near 0, nor all near ±1."""
    return np.copysign(rng.uniform(0.4, 2.0, size), rng.standard_normal(size))


# ------------------------------------------------------------------ 1. sigmoid from its output

@exercise("02", 1, "the sigmoid gate from its output alone")
def check_sigmoid_backward_from_output(sigmoid_backward_from_output) -> bool:
    """``sigmoid_backward_from_output(out, dout)`` must return ``dx = dout · out · (1 − out)``,
    where ``out = σ(x)`` is what the forward pass cached. Shapes: out, dout, dx all alike."""
    rng = _rng()
    for shape in [(5,), (3, 4), ()]:
        out = L.sigmoid(rng.standard_normal(shape))
        dout = rng.standard_normal(shape)
        ok, dx = call_learner(sigmoid_backward_from_output, out, dout,
                              forbid=(L.sigmoid_backward,))
        if not ok:
            return not_yet(dx)
        s_out = L.sigmoid(out)
        ok, hint = compare(dx, dout * out * (1 - out), "dx", rtol=1e-9, atol=1e-12, mistakes=[
            ("out is already σ(x): use it directly, do not apply σ again",
             dout * s_out * (1 - s_out)),
            ("that is the local gradient σ(1 − σ) alone; multiply it by the upstream dout",
             out * (1 - out)),
            ("σ′ = σ(1 − σ) has two factors: out and (1 − out)", dout * (1 - out)),
            ("σ′ = σ(1 − σ) has two factors: out and (1 − out)", dout * out),
            ("that is the cached out handed back: dx = dout · out · (1 − out)", out),
            ("that is dout handed back unchanged: multiply it by the local gradient "
             "out · (1 − out)", dout),
        ])
        if not ok:
            return not_yet(hint)
    return passed("dx = dout · σ · (1 − σ), computed from the cached output alone")


# ------------------------------------------------------------------ 2. the staged expression

def staged_h(x, y):
    """``h(x, y) = (σ(x·y) + y) / (1 + x²)``, the build-it's expression (forward only).

    x, y: numbers or arrays of one shape (elementwise). Returns h with that shape.
    """
    return (L.sigmoid(np.multiply(x, y)) + y) / (1 + np.square(x))


def _staged(x, y, dout, *, paths_x=("xy", "sq"), paths_y=("xy", "num"), local_sig=None,
            local_inv=None, local_sq=None, swap=True, mult_xy=True, final_swap=True,
            upstream=True):
    """``(h, dx, dy)`` of :func:`staged_h`, stage by stage; each keyword changes one step the
    way a classic mistake does (the defaults give the right answer)::

        xy = x·y;  s = σ(xy);  num = s + y;  sq = x²;  den = 1 + sq;  inv = 1/den;  h = num·inv
    """
    xy = x * y
    s = L.sigmoid(xy)
    num = s + y
    sq = x ** 2
    den = 1 + sq
    inv = 1 / den
    h = num * inv
    stages = {"xy": xy, "s": s, "num": num, "den": den, "inv": inv, "h": h}
    dh = dout if upstream else np.ones_like(dout)
    dnum, dinv = (inv * dh, num * dh) if final_swap else (num * dh, inv * dh)
    dden = (-1 / den ** 2 if local_inv is None else local_inv(den, inv)) * dinv
    dsq = dden                                          # den = 1 + sq: the +1 gate copies
    ds = dnum                                           # num = s + y: the add gate copies
    dxy = (s * (1 - s) if local_sig is None else local_sig(stages)) * ds
    if mult_xy:
        dx_xy, dy_xy = (y * dxy, x * dxy) if swap else (x * dxy, y * dxy)
    else:
        dx_xy, dy_xy = dxy, dxy
    dx_sq = (2 * x if local_sq is None else local_sq(x)) * dsq
    dx = (dx_xy if "xy" in paths_x else 0) + (dx_sq if "sq" in paths_x else 0)
    dy = (dy_xy if "xy" in paths_y else 0) + (dnum if "num" in paths_y else 0)
    return h, dx, dy


def _staged_mistakes(x, y, dout) -> list:
    """``(hint, (h, dx, dy))`` for each classic mistake (None where a part is not judged)."""
    def grads(**change):
        return (None, *_staged(x, y, dout, **change)[1:])

    def only_dx(**change):
        return (None, _staged(x, y, dout, **change)[1], None)

    def only_dy(**change):
        return (None, None, _staged(x, y, dout, **change)[2])

    fork_x = ("x feeds two stages, x·y and x²: its gradient is the sum of both paths, so "
              "accumulate with dx += … (an = at the second use overwrites the first, or a path "
              "is missing)")
    fork_y = ("y feeds two stages, x·y and the numerator σ(x·y) + y: its gradient is the sum of "
              "both paths, so accumulate with dy += … (an = at the second use overwrites the "
              "first, or a path is missing)")

    def sig_of(name):
        return lambda v: v[name] * (1 - v[name])

    def sig_again(name):
        return lambda v: L.sigmoid(v[name]) * (1 - L.sigmoid(v[name]))

    return [
        (fork_x, only_dx(paths_x=("sq",))),
        (fork_x, only_dx(paths_x=("xy",))),
        (fork_y, only_dy(paths_y=("xy",))),
        (fork_y, only_dy(paths_y=("num",))),
        ("the 1/x gate's local gradient −1/den² is missing (den = 1 + x², the gate's input)",
         grads(local_inv=lambda den, inv: 1.0)),
        ("the 1/x gate's local gradient is −1/den², with a minus sign: d(1/u)/du = −1/u²",
         grads(local_inv=lambda den, inv: 1 / den ** 2)),
        ("the 1/x gate's local gradient is −1/den² (power rule: u⁻¹ → −u⁻²), not −1/den",
         grads(local_inv=lambda den, inv: -1 / den)),
        ("the 1/x gate's local gradient is −1/den² at its input den = 1 + x², not at its output "
         "1/den", grads(local_inv=lambda den, inv: -1 / inv ** 2)),
        ("σ′ = s(1 − s) uses the sigmoid stage's output s = σ(x·y), not its input x·y",
         grads(local_sig=sig_of("xy"))),
        ("s = σ(x·y) is already a sigmoid: σ′ = s(1 − s), do not apply σ again",
         grads(local_sig=sig_again("s"))),
        ("σ′ = s(1 − s) of the sigmoid stage s = σ(x·y), not of the numerator s + y",
         grads(local_sig=sig_of("num"))),
        ("σ′ = s(1 − s) of the sigmoid stage s = σ(x·y), not of the output h",
         grads(local_sig=sig_of("h"))),
        ("σ′ = s(1 − s) of the sigmoid stage s = σ(x·y), not of the denominator's stages",
         grads(local_sig=sig_of("inv"))),
        ("σ′ = s(1 − s) of the sigmoid stage s = σ(x·y), not of the denominator's stages",
         grads(local_sig=sig_of("den"))),
        ("the sigmoid's input is x·y, so its local gradient is σ(x·y)(1 − σ(x·y)), not σ(x)(1 − "
         "σ(x))", grads(local_sig=lambda v: L.sigmoid(x) * (1 - L.sigmoid(x)))),
        ("the sigmoid's input is x·y, so its local gradient is σ(x·y)(1 − σ(x·y)), not σ(y)(1 − "
         "σ(y))", grads(local_sig=lambda v: L.sigmoid(y) * (1 - L.sigmoid(y)))),
        ("the sigmoid stage is skipped: multiply by its local gradient s(1 − s) on the way from "
         "s back to x·y", grads(local_sig=lambda v: 1.0)),
        ("the x² stage is skipped: multiply by its local gradient 2x",
         only_dx(local_sq=lambda x_: 1.0)),
        ("power rule: the local gradient of x² is 2x, not x", only_dx(local_sq=lambda x_: x_)),
        ("the multiply gate x·y swaps: dx gets y · dxy and dy gets x · dxy",
         grads(swap=False)),
        ("the x·y stage is skipped: the multiply gate hands x the gradient times y (and y the "
         "gradient times x)", grads(mult_xy=False)),
        ("the last multiply gate h = num · (1/den) swaps: dnum = (1/den) · dout, d(1/den) = num "
         "· dout", grads(final_swap=False)),
        ("every gradient carries the upstream gradient: start the backward pass from dout "
         "(∂L/∂h), not from 1", grads(upstream=False)),
    ]


def _batch_hint(hint: str) -> str:
    return (f"right at every single point, but not yet on a batch of points (arrays x, y, dout "
            f"of shape (5,)): {hint} (write every stage with numpy, np.exp rather than "
            "math.exp, and no if on a value, so it works elementwise)")


@exercise("02", 2, "the staged expression's backward, end to end")
def check_staged_backward(h_and_grads) -> bool:
    """``h_and_grads(x, y, dout)`` must return ``(h, dx, dy)``: the value of
    ``h = (σ(x·y) + y) / (1 + x²)`` and ``dx = dout·∂h/∂x``, ``dy = dout·∂h/∂y``.

    x, y, dout: numbers, or arrays of one shape (then everything is elementwise). Tried at
    three random points with a random upstream gradient, then on a batch of five points.
    """
    rng = _rng()
    forbid = (L.sigmoid_backward, Value.backward, gradcheck.numerical_gradient,
              gradcheck.numerical_gradient_array)
    for n in range(4):
        batch = n == 3
        shape = (5,) if batch else None
        x, y, dout = _signed(rng, shape), _signed(rng, shape), _signed(rng, shape)
        if not batch:
            x, y, dout = float(x), float(y), float(dout)
        ok, result = call_learner(h_and_grads, x, y, dout, forbid=forbid)
        if not ok:
            return not_yet(_batch_hint(result) if batch and " raised " in result else result)
        where = "on the batch" if batch else f"at x = {x:.3f}, y = {y:.3f}, dout = {dout:.3f}"
        ok, hint = compare(result, _staged(x, y, dout), names=("h", "dx", "dy"),
                           mistakes=_staged_mistakes(x, y, dout))
        if not ok:
            if hint.startswith("h "):
                h_want = "" if batch else f" = {staged_h(x, y):.4g} here"
                hint += f" (h = (σ(x·y) + y) / (1 + x²){h_want}: check the forward stages)"
            elif not batch and hint.endswith(" is off"):
                hint += (": walk the stages back from dout, upstream × local at each gate, "
                         "and += where x or y is used a second time")
            if batch and "should have shape" in hint:
                return not_yet(_batch_hint(hint))
            return not_yet(f"{where}: {hint}")
    return passed("h, dx and dy right at random points and on a batch: x and y each reach h "
                  "along two paths, and += summed them")


# ------------------------------------------------------------------ 3. softmax cross-entropy

def _ce(scores, y):
    """``(loss, dscores, per-row losses, P)`` by log-sum-exp (the reference, term by term)."""
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    P = np.exp(logp)
    losses = -logp[np.arange(N), y]
    Y = np.eye(scores.shape[1])[y]
    return losses.mean(), (P - Y) / N, losses, P


def _softmax_cases(rng) -> list:
    """``(label, scores, y)``: a plain batch, a batch near 1000, the confidently wrong row."""
    plain = rng.standard_normal((5, 3))
    big = rng.standard_normal((3, 4))
    big[0] = 1000.0 + rng.permutation(4)          # one row near 1000: a naive exp overflows
    return [("a batch of 5 examples with 3 classes", plain, rng.integers(0, 3, 5)),
            ("a batch whose first row is near 1000", big, rng.integers(0, 4, 3)),
            ("the confidently wrong example (scores [1000, 0], label 1)",
             np.array([[1000.0, 0.0]]), np.array([1]))]


_CLIP = ("ε in log(p + ε) (or np.clip) caps every example's loss at −log ε; compute log p_y "
         "directly: (s_y − m) − log Σ_j e^(s_j − m), with m the row's max")


def _clipped_losses(P, y) -> list:
    """The mean loss a learner gets from log(p + ε), for ε = 1e-4 … 1e-16. (np.clip(p, ε, 1)
    gives the same numbers here: it differs from p only where p < ε, i.e. on [1000, 0].)"""
    p = P[np.arange(P.shape[0]), y]
    return [-np.log(p + 10.0 ** -k).mean() for k in range(4, 17)]


def _inf_hint(P, y) -> str:
    """Why a loss is inf: −log of a p that rounded to 0, or e^1000 inside the log."""
    if np.any(P[np.arange(len(y)), y] == 0):
        return ("the correct class's p = e^(−1000)/(1 + e^(−1000)) rounds to 0 and −log 0 = inf; "
                "never take the log of p: L = −(s_y − m) + log Σ_j e^(s_j − m), with m the "
                "row's max")
    return ("e^1000 overflows inside the log: log Σ_j e^(s_j) = m + log Σ_j e^(s_j − m), with m "
            "the row's max")


def _nan_hint(scores, nan_rows) -> str:
    """Which overflow: no max subtracted, or the max of the whole batch instead of each row's."""
    row_max = scores.max(axis=1)
    if np.all(row_max[nan_rows] < scores.max()):
        return ("nan in the rows far below the batch's largest score: subtract each row's own "
                "maximum (scores.max(axis=1, keepdims=True)), not the maximum of the whole batch")
    return ("nan: e^1000 overflows to inf and inf/inf = nan; subtract each row's maximum score "
            "before np.exp (the probabilities do not change)")


@exercise("02", 3, "softmax cross-entropy without overflow")
def check_softmax_ce(softmax_ce) -> bool:
    """``softmax_ce(scores, y)`` must return ``(loss, dscores)``: the mean cross-entropy of
    ``softmax(scores)`` over the batch and its gradient ``(p − onehot(y)) / N``.

    Shapes: scores (N, C), y (N,) ints → loss a number, dscores (N, C). Tried on a plain batch,
    a batch with a row near 1000 and the confidently wrong example ``[1000, 0]`` with label 1
    (its loss is 1000: ``−log p`` gives inf there).
    """
    for label, scores, y in _softmax_cases(_rng()):
        ok, result = call_learner(softmax_ce, scores, y, forbid=(L.softmax_cross_entropy,))
        if not ok:
            return not_yet(result if result == NOT_DONE else f"on {label}: {result}")
        loss_want, d_want, losses, P = _ce(scores, y)
        ok, parts = as_arrays(result, (loss_want, d_want), ("loss", "dscores"), finite=False)
        if not ok and "loss should have shape ()" in parts and matches(result[0], losses):
            parts = "loss should be one number: the mean of the per-example losses"
        if not ok:
            return not_yet(f"on {label}: {parts}")
        loss, dscores = parts
        if np.isnan(dscores).any():
            return not_yet(f"on {label}: {_nan_hint(scores, np.isnan(dscores).any(axis=1))}")
        if not np.isfinite(loss):
            return not_yet(f"on {label}: loss is {loss}: {_inf_hint(P, y)} "
                           f"(the loss here is {loss_want:.3f})")
        N = scores.shape[0]
        wrong_axis = np.exp(scores - scores.max(axis=0)) / np.exp(
            scores - scores.max(axis=0)).sum(axis=0)
        Y = np.eye(scores.shape[1])[y]
        mistakes = [
            (_CLIP, (c, None)) for c in _clipped_losses(P, y)
        ] + [
            ("the loss is a mean over the N examples, not a sum", (losses.sum(), None)),
            ("dscores = (p − onehot(y)) / N: the one-hot of the labels is not subtracted",
             (None, P / N)),
            ("the loss is a mean over N examples, so divide the gradient by N too",
             (None, P - Y)),
            ("the 1/N is applied twice", (None, d_want / N)),
            ("each row is one example: normalise over the classes (axis=1), not over the batch",
             (-np.log(wrong_axis[np.arange(N), y]).mean(), (wrong_axis - Y) / N)),
        ]
        ok, hint = compare((loss, dscores), (loss_want, d_want), names=("loss", "dscores"),
                           mistakes=mistakes, rtol=1e-7, atol=1e-10)
        if not ok:
            if hint.startswith("loss "):        # not a listed mistake: say what it should be
                hint = (f"loss is {float(loss):.6g} instead of {loss_want:.6g}: the mean over "
                        "the batch of −log p[n, y_n]")
            return not_yet(f"on {label}: {hint}")
    return passed("loss by log-sum-exp and dscores = (p − y)/N: right on a plain batch, near "
                  "1000, and on [1000, 0] with label 1 (loss 1000, no inf)")


# ------------------------------------------------------------------ 4. the softmax gate alone

def _softmax(S):
    """Row-wise softmax of moderate scores (the stretch's p)."""
    e = np.exp(S)
    return e / e.sum(axis=1, keepdims=True)


@exercise("02", 4, "the softmax gate on its own")
def check_softmax_backward(softmax_backward) -> bool:
    """``softmax_backward(dp, p)`` must return ``ds``, the gradient reaching the scores of
    ``p = softmax(s)`` (row by row) from the upstream ``dp``: ``ds = p ⊙ (dp − Σ_j dp_j p_j)``.
    Shapes: dp, p, ds all (N, C). Tried with N = C, with one row and with N ≠ C."""
    rng = _rng()
    for N, C in ((3, 3), (1, 4), (4, 5)):
        p = _softmax(rng.standard_normal((N, C)))
        dp = rng.standard_normal((N, C))
        ok, ds = call_learner(softmax_backward, dp, p,
                              forbid=(L.softmax_backward, L.softmax_cross_entropy))
        if not ok:
            return not_yet(ds)
        inner = (dp * p).sum(axis=1, keepdims=True)
        mistakes = [
            ("that is only the diagonal of the Jacobian, p_k(1 − p_k); every p_j depends on "
             "every score (they share the denominator), so ds_k = p_k(dp_k − Σ_j dp_j p_j)",
             p * (1 - p) * dp),
            ("the sum Σ_j dp_j p_j runs over the classes of one row (axis=1, keepdims=True), "
             "not over the whole batch", p * (dp - (dp * p).sum())),
            ("the sum Σ_j dp_j p_j runs over the classes of one row (axis=1), not down the "
             "batch (axis=0)", p * (dp - (dp * p).sum(axis=0))),
            ("keep the row sums as a column (keepdims=True): without it they line up with the "
             "columns", p * (dp - (dp * p).sum(axis=1)[None, :]) if N == C else None),
            ("the Jacobian's entries p_j([j = k] − p_k) carry a factor p_k: ds = p ⊙ (dp − Σ_j "
             "dp_j p_j)", dp - inner),
            ("that is dp handed back: the softmax gate's local gradient is missing, "
             "ds = p ⊙ (dp − Σ_j dp_j p_j)", dp),
            ("that is the cached p handed back: ds = p ⊙ (dp − Σ_j dp_j p_j)", p),
        ]
        ok, hint = compare(ds, p * (dp - inner), "ds", mistakes=mistakes, rtol=1e-8, atol=1e-12)
        if not ok:
            return not_yet(f"with N = {N}, C = {C}: {hint}")
    return passed("ds = p ⊙ (dp − Σ_j dp_j p_j): the softmax's Jacobian applied without "
                  "building it, row by row")
