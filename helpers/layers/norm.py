"""Batch normalization and layer normalization (notebook 08): compact, fast forms.

Both layers standardize x with a mean and a biased variance, then scale and shift per feature:

    x̂ = (x − μ) / σ,   σ = √(v + eps),   out = γ ⊙ x̂ + β

Batch norm takes μ and v over the batch (axis 0, one pair per feature); layer norm over the
features (axis 1, one pair per example). Notebook 08 derives the backward pass on the staged
graph (μ → centred → v → σ → 1/σ → x̂) and simplifies it to the compact form used here:

    batch norm: dx = γ / (N·σ) ⊙ (N·dout − Σ_n dout − x̂ ⊙ Σ_n (dout ⊙ x̂))
    layer norm: dx = 1 / (D·σ) ⊙ (D·g − Σ_j g − x̂ ⊙ Σ_j (g ⊙ x̂)),   g = dout ⊙ γ

Batch norm also has an inference mode: running averages of the batch statistics, updated while
training (:func:`batchnorm_running_update`), replace the batch's own statistics
(:func:`batchnorm_inference_forward`), so each example's output no longer depends on the rest
of its batch.

Every cache holds its own arrays (the centred values x − μ or x̂ are computed, γ is copied):
nothing the caller does to its inputs or outputs after forward changes what backward returns.
Batch norm's cache keeps x − μ rather than x̂ (x̂ = (x − μ)/σ is folded into the few passes
that need it: one pass over an (N, D) array fewer each way).

Huge finite inputs: x − μ or its square overflows float64 once |x| passes about 1e154, and σ
would come out inf (x̂ = 0, silently). When σ is not finite, the statistics are computed again
on x / s with s a power of two near the largest |x| (exact scaling, eps / s² in place of eps),
and σ = s·σ′, which is representable (σ ≤ max |x| + √eps). An output beyond float64 (a gamma
or beta near 1e308) raises ValueError rather than returning inf. Backward needs no such care:
from a forward's cache and a finite dout (both checked) nothing overflows unless dout itself
is near 1e308.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np

from . import _validate as v

__all__ = [
    "batchnorm_forward", "batchnorm_backward",
    "batchnorm_running_update", "batchnorm_inference_forward", "batchnorm_inference_backward",
    "layernorm_forward", "layernorm_backward",
]

_LARGEST = np.finfo(np.float64).max
_BATCH = v.cache_spec("xc: float N D, gamma: float D, sigma: float D")
_LAYER = v.cache_spec("xhat: float N D, gamma: float D, sigma: float N 1")


# ------------------------------------------------------------------------------ validation

def _positive_number(fname: str, name: str, value, upper: float | None = None) -> float:
    """A real number > 0 (and ≤ ``upper`` when given), e.g. eps or momentum."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{fname}: {name} expects a positive number, "
                        f"got {value!r} of type {type(value).__name__}")
    value = float(value)
    bound = f" and at most {upper:g}" if upper is not None else ""
    if not (np.isfinite(value) and value > 0 and (upper is None or value <= upper)):
        raise ValueError(f"{fname}: {name} expects a finite number > 0{bound}, got {value!r}")
    return value


def _per_feature(fname: str, name: str, a, D: int, x_shape: tuple) -> np.ndarray:
    """A (D,) vector such as gamma, beta or a running statistic, as a float64 *copy*."""
    a = v.float_array(fname, name, a)
    if a.shape != (D,):
        raise ValueError(f"{fname}: {name} expects shape ({D},) (one value per column of x) "
                         f"but got {a.shape} (x.shape={x_shape})")
    return np.array(a, dtype=np.float64)


def _inputs(fname: str, x, gamma, beta, eps, min_rows: int = 1):
    """Check x (N, D), gamma (D,), beta (D,) and eps; return x, gamma, beta as float64, eps.

    Whether x is finite the caller checks, from a sum it computes anyway
    (:func:`_validate.finite_given`): one pass over x fewer.
    """
    # equivalent mutant `True`: the same check, one pass over x more
    x = v.float_array(fname, "x", x, ndim=2, layout="(N, D)", finite_check=False)
    if x.shape[1] < 1:
        raise ValueError(f"{fname}: x expects at least one column (D >= 1), got shape {x.shape}")
    if x.shape[0] < 1:
        raise ValueError(f"{fname}: x expects at least one row (N >= 1), got shape {x.shape}")
    if x.shape[0] < min_rows:
        raise ValueError(
            f"{fname}: x expects at least {min_rows} rows in training mode, got shape {x.shape}: "
            f"the statistics of a one-example batch are the example itself, so x̂ = 0 and "
            f"out = beta whatever x is (use batchnorm_inference_forward for one example)")
    gamma = _per_feature(fname, "gamma", gamma, x.shape[1], x.shape)
    beta = _per_feature(fname, "beta", beta, x.shape[1], x.shape)
    return x, gamma, beta, _positive_number(fname, "eps", eps)


# ------------------------------------------------------------------------------ statistics

def _moments(x: np.ndarray, axis: int, eps: float):
    """The centred values xc = x − μ and σ = √(v + eps) along ``axis`` (σ keeps the axis).

    xc or σ is not finite when x is not, or when x − μ or (x − μ)² overflows (|x| beyond about
    1e154): the caller then checks x and uses :func:`_scaled`. The sums are einsums, which
    neither warn on overflow nor copy (and are quicker than ``mean`` with ``keepdims``).
    """
    N, D = x.shape
    sums, shape = ("nd->d", (1, D)) if axis == 0 else ("nd->n", (N, 1))
    n = x.shape[axis]
    mean = np.einsum(sums, x).reshape(shape) / n
    with np.errstate(over="ignore", invalid="ignore"):     # inf − inf, x − μ beyond float64
        xc = x - mean
    sigma = np.sqrt(np.einsum("nd,nd->" + sums[-1], xc, xc).reshape(shape) / n + eps)
    return xc, sigma


def _scaled(x: np.ndarray, axis: int, eps: float):
    """x̂ and σ along ``axis`` for inputs too large for :func:`_moments`, without overflow.

    The same statistics of x′ = x / s, with s = 2^k the power of two in (m/2, m] for m the
    largest |x| (dividing by it is exact): x̂ is unchanged, and σ/s = √(v′ + eps/s²) is
    hypot(√v′, √eps/s), which neither squares 1/s (eps/s² would underflow to 0, and a constant
    slice would give 0/0) nor loses √eps where v′ is 0.
    """
    exponent = np.frexp(np.abs(x).max(axis=axis, keepdims=True))[1]     # m = f·2^exponent
    # equivalent mutant `(2)`: any power of two near m scales exactly; s in (m/4, m/2] is as good
    s = np.ldexp(1.0, exponent - 1)
    xc, spread = _moments(x / s, axis, 0.0)       # spread = √v′
    sigma = np.hypot(spread, np.sqrt(eps) / s)
    return xc / sigma, sigma * s


def _finite_result(fname: str, out: np.ndarray) -> None:
    """Raise ValueError if the output overflowed float64 (a gamma or beta near 1e308)."""
    if not np.isfinite(out).all():
        raise ValueError(f"{fname}: out overflows float64 (|gamma| or |beta| of order 1e308?)")


def _scale_shift(fname: str, a: np.ndarray, scale: np.ndarray, gamma: np.ndarray,
                 beta: np.ndarray, n: int) -> np.ndarray:
    """out = a ⊙ scale + β, where a ⊙ scale = γ ⊙ x̂ for a slice of n standardized values.

    |x̂| ≤ √(n − 1) there (Samuelson's inequality), so |out| ≤ √n·max|γ| + max|β|: only when
    that bound reaches the largest float64 can out overflow, and only then is it computed under
    errstate (which slows numpy's loops) and checked (:func:`_finite_result`).
    """
    # equivalent mutant `(np.abs(gamma).max() > (_LARGEST - np.abs(beta).max()) / np.sqrt(n))`:
    # the two differ only where the bound equals the largest float64, and out cannot overflow
    risky = np.abs(gamma).max() >= (_LARGEST - np.abs(beta).max()) / np.sqrt(n)
    with np.errstate(over="ignore", invalid="ignore") if risky else contextlib.nullcontext():
        out = a * scale
        out += beta
    if risky:
        _finite_result(fname, out)
    return out


# ------------------------------------------------------------------------------ batch norm

def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Batch normalization in training mode: each column standardized with its batch statistics.

    μ = mean of x over the batch, v = biased variance (divide by N), σ = √(v + eps),
    x̂ = (x − μ)/σ, out = γ ⊙ x̂ + β.

    Args:
        x: inputs, shape (N, D), N >= 2 (one example has no spread to normalize: ValueError).
        gamma: scale γ, shape (D,).
        beta: shift β, shape (D,).
        eps: a small positive number added to the variance.

    Returns:
        out: shape (N, D).
        cache: (xc (N, D), γ (D,), σ (D,)) — the centred values x − μ, a copy of γ and σ:
            what the compact backward pass needs (x̂ = xc / σ). For inputs so large that
            x − μ overflows: (x̂, γ/σ, ones): backward reads only xc/σ and γ/σ, the same.
    """
    fname = "batchnorm_forward"
    x, gamma, beta, eps = _inputs(fname, x, gamma, beta, eps, min_rows=2)
    xc, sigma = _moments(x, 0, eps)               # centred values x − μ (a new array)
    sigma, kept = sigma[0], gamma
    if not np.isfinite(sigma).all():              # NaN or inf in x, or |x| beyond ~1e154
        v.finite(fname, "x", x)
        xc, sigma = _scaled(x, 0, eps)            # xc holds x̂ = xc/σ, with σ = 1 beside it
        kept, sigma = gamma / sigma[0], np.ones_like(gamma)
    out = _scale_shift(fname, xc, gamma / sigma, gamma, beta, x.shape[0])   # γ ⊙ x̂, x̂ = xc/σ
    return out, v.Cache(fname, (xc, kept, sigma))


def batchnorm_backward(dout, cache):
    """Batch normalization backward pass (training mode), compact form.

    dβ = Σ_n dout,  dγ = Σ_n dout ⊙ x̂,  dx = γ/(N·σ) ⊙ (N·dout − dβ − x̂ ⊙ dγ),
    with x̂ = xc/σ (the cache keeps the centred values xc: one array pass fewer than x̂).

    Args:
        dout: upstream gradient, shape (N, D).
        cache: (xc, γ, σ) from :func:`batchnorm_forward`.

    Returns:
        dx: shape (N, D); dgamma: shape (D,); dbeta: shape (D,).
    """
    fname = "batchnorm_backward"
    xc, gamma, sigma = v.cache(fname, cache, "batchnorm_forward", _BATCH)
    N = xc.shape[0]
    # equivalent mutant `True`: the same check, one pass over dout more
    dout = v.grad_shape(fname, dout, xc.shape, finite_check=False)
    with np.errstate(over="ignore", invalid="ignore"):
        dbeta = dout.sum(axis=0)
    v.finite_given(fname, "dout", dout, dbeta)    # every entry of dout is in one column sum
    dgamma = np.einsum("nd,nd->d", dout, xc) / sigma
    # dx = γ/σ ⊙ (dout − (dβ + x̂ ⊙ dγ)/N), built in one new array (no (N, D) temporaries)
    dx = xc * (-dgamma / (N * sigma))
    dx -= dbeta / N
    dx += dout
    dx *= gamma / sigma
    return dx, dgamma, dbeta


def batchnorm_running_update(running_mean, running_var, x, momentum=0.9):
    """Update batch norm's running statistics with one training batch (returns new arrays).

        running_mean ← momentum · running_mean + (1 − momentum) · μ
        running_var  ← momentum · running_var  + (1 − momentum) · N/(N − 1) · v

    μ and v are the batch mean and biased variance that :func:`batchnorm_forward` uses; the
    running variance takes the unbiased estimate N/(N − 1)·v, as the batch-norm paper (Ioffe &
    Szegedy 2015) and PyTorch do. PyTorch's ``momentum=0.1`` is this function's ``momentum=0.9``
    (the weight of the old value here, of the new one there).

    Args:
        running_mean: shape (D,), e.g. zeros at the start.
        running_var: shape (D,), e.g. ones at the start.
        x: the training batch, shape (N, D), N >= 2.
        momentum: weight of the old running value, in (0, 1].

    Returns:
        (running_mean, running_var): two new (D,) arrays (the inputs are not modified).
    """
    fname = "batchnorm_running_update"
    x = v.float_array(fname, "x", x, ndim=2, layout="(N, D)")
    if x.shape[0] < 2:
        raise ValueError(f"{fname}: x expects at least 2 rows (an unbiased variance needs two "
                         f"examples), got shape {x.shape}")
    running_mean = _per_feature(fname, "running_mean", running_mean, x.shape[1], x.shape)
    running_var = _per_feature(fname, "running_var", running_var, x.shape[1], x.shape)
    momentum = _positive_number(fname, "momentum", momentum, upper=1.0)
    mean = momentum * running_mean + (1 - momentum) * x.mean(axis=0)
    var = momentum * running_var + (1 - momentum) * x.var(axis=0, ddof=1)
    return mean, var


def batchnorm_inference_forward(x, gamma, beta, running_mean, running_var, eps=1e-5):
    """Batch normalization in inference mode: the running statistics replace the batch's.

    σ = √(running_var + eps), x̂ = (x − running_mean)/σ, out = γ ⊙ x̂ + β: a fixed affine
    map per feature, so each row's output depends on that row only (N = 1 is fine).

    Args:
        x: inputs, shape (N, D), N >= 1.
        gamma, beta: shape (D,).
        running_mean, running_var: shape (D,), from :func:`batchnorm_running_update`;
            running_var >= 0.
        eps: a small positive number added to the variance.

    Returns:
        out: shape (N, D).
        cache: (xc (N, D), γ (D,), σ (D,)) with xc = x − running_mean (x̂ = xc / σ).
    """
    fname = "batchnorm_inference_forward"
    x, gamma, beta, eps = _inputs(fname, x, gamma, beta, eps)
    mean = _per_feature(fname, "running_mean", running_mean, x.shape[1], x.shape)
    var = _per_feature(fname, "running_var", running_var, x.shape[1], x.shape)
    if np.any(var < 0) or not np.all(np.isfinite(var)):
        raise ValueError(f"{fname}: running_var expects finite values >= 0, got min "
                         f"{var.min()!r}")
    sigma = np.sqrt(var + eps)
    with np.errstate(over="ignore", invalid="ignore"):
        xc = x - mean
        out = xc * (gamma / sigma)
        out += beta
    v.finite_given(fname, "x", x, out)            # x̂ is not bounded here: always look
    _finite_result(fname, out)
    return out, v.Cache(fname, (xc, gamma, sigma))


def batchnorm_inference_backward(dout, cache):
    """Batch normalization backward pass in inference mode.

    μ and σ are constants here (they do not depend on this batch), so there is no fork at x:
    dx = dout ⊙ γ/σ, dγ = Σ_n dout ⊙ x̂, dβ = Σ_n dout. The running statistics are not
    trained by gradient descent and get no gradient.

    Args:
        dout: upstream gradient, shape (N, D).
        cache: (xc, γ, σ) from :func:`batchnorm_inference_forward`.

    Returns:
        dx: shape (N, D); dgamma: shape (D,); dbeta: shape (D,).
    """
    fname = "batchnorm_inference_backward"
    xc, gamma, sigma = v.cache(fname, cache, "batchnorm_inference_forward", _BATCH)
    # equivalent mutant `True`: the same check, one pass over dout more
    dout = v.grad_shape(fname, dout, xc.shape, finite_check=False)
    with np.errstate(over="ignore", invalid="ignore"):
        dbeta = dout.sum(axis=0)
    v.finite_given(fname, "dout", dout, dbeta)
    dx = dout * (gamma / sigma)
    dx += 0.0                                     # −0.0 (γ = 0, dout < 0) → +0.0
    return dx, np.einsum("nd,nd->d", dout, xc) / sigma, dbeta


# ------------------------------------------------------------------------------ layer norm

def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Layer normalization: each row standardized over its own D features.

    μ_n = mean of row n, v_n = its biased variance (divide by D), σ_n = √(v_n + eps),
    x̂ = (x − μ)/σ, out = γ ⊙ x̂ + β. No batch statistics: N = 1 works, and training and
    inference are the same computation.

    Args:
        x: inputs, shape (N, D), N >= 1.
        gamma: scale γ, shape (D,).
        beta: shift β, shape (D,).
        eps: a small positive number added to the variance.

    Returns:
        out: shape (N, D).
        cache: (x̂ (N, D), γ (D,), σ (N, 1)).
    """
    fname = "layernorm_forward"
    x, gamma, beta, eps = _inputs(fname, x, gamma, beta, eps)
    xc, sigma = _moments(x, 1, eps)
    if np.isfinite(sigma).all():
        xc /= sigma                               # in place: xc becomes x̂
        xhat = xc
    else:                                         # NaN or inf in x, or |x| beyond ~1e154
        v.finite(fname, "x", x)
        xhat, sigma = _scaled(x, 1, eps)
    out = _scale_shift(fname, xhat, gamma, gamma, beta, x.shape[1])
    return out, v.Cache(fname, (xhat, gamma, sigma))


def layernorm_backward(dout, cache):
    """Layer normalization backward pass, compact form (sums run over the features).

    g = dout ⊙ γ,  dx = 1/(D·σ) ⊙ (D·g − Σ_j g − x̂ ⊙ Σ_j (g ⊙ x̂)),
    dγ = Σ_n dout ⊙ x̂,  dβ = Σ_n dout. (γ varies along the summed axis, so unlike batch norm
    it stays inside the sums.)

    Args:
        dout: upstream gradient, shape (N, D).
        cache: (x̂, γ, σ) from :func:`layernorm_forward`.

    Returns:
        dx: shape (N, D); dgamma: shape (D,); dbeta: shape (D,).
    """
    fname = "layernorm_backward"
    xhat, gamma, sigma = v.cache(fname, cache, "layernorm_forward", _LAYER)
    D = xhat.shape[1]
    # equivalent mutant `True`: the same check, one pass over dout more
    dout = v.grad_shape(fname, dout, xhat.shape, finite_check=False)
    with np.errstate(over="ignore", invalid="ignore"):
        dbeta = dout.sum(axis=0)
    v.finite_given(fname, "dout", dout, dbeta)
    g = dout * gamma
    # dx = (g − (Σ_j g + x̂ ⊙ Σ_j(g ⊙ x̂))/D) / σ, with the row sums as (N, 1) columns
    sum_g = g.sum(axis=1, keepdims=True)
    sum_gx = np.einsum("nd,nd->n", g, xhat)[:, None]
    g -= xhat * (sum_gx / D)
    g -= sum_g / D
    g /= sigma
    g += 0.0                                      # −0.0 (γ = 0, dout < 0) → +0.0
    return g, np.einsum("nd,nd->d", dout, xhat), dbeta
