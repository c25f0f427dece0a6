"""Numerical gradients and the relative-error metric used to check every backward pass.

Central differences: for a scalar function f and a small step h,

    df/dx_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / (2h)        error O(h²)

while the forward difference (f(x + h·e_i) − f(x)) / h has error O(h).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

__all__ = [
    "numerical_gradient",
    "numerical_gradient_array",
    "numerical_jacobian",
    "forward_difference",
    "rel_error",
    "check_layer",
    "LayerCheck",
    "verdict",
    "DEFAULT_TOLERANCE",
]

DEFAULT_TOLERANCE = 1e-7


def _float_array(fname: str, argname: str, x) -> np.ndarray:
    """``x`` if it can be perturbed in place in float64, else a TypeError/ValueError that says why.

    The finite differences perturb ``x`` itself (``f`` may read it from a closure), so ``x``
    must be writable and at least float64: a step of 1e-5 is lost in float32's rounding.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{fname}: {argname} expects a numpy array, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(
            f"{fname}: {argname} expects a floating-point array (perturbing integers is "
            f"meaningless), got dtype {x.dtype}"
        )
    if x.dtype.itemsize < 8:
        raise TypeError(
            f"{fname}: {argname} expects a float64 array, got {x.dtype}: a small step is lost "
            f"in {x.dtype} rounding; pass {argname}.astype(np.float64) (and let f use it)"
        )
    if not x.flags.writeable:
        raise ValueError(
            f"{fname}: {argname} is read-only, but it is perturbed in place (f may read it "
            f"from a closure): pass a writable copy, {argname}.copy()"
        )
    return x


def _scalar(fname: str, f: Callable, x: np.ndarray) -> float:
    """``f(x)`` as a float, or a TypeError naming ``fname`` when it is not one number."""
    arr = np.asarray(f(x))
    if arr.size != 1 or arr.dtype.kind not in "iufO":
        raise TypeError(
            f"{fname}: f expects to return one number, got an array of shape {arr.shape} and "
            f"dtype {arr.dtype}; for an array-valued f use numerical_gradient_array(f, x, dout)"
        )
    return float(arr.reshape(()))


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5):
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    Args:
        f: function of ``x`` returning a scalar (it may read ``x`` from a closure).
        x: float64 array (writable), any shape; empty gives an empty gradient. It is perturbed
           in place one element at a time and restored exactly before returning.
        h: step size, used as given.

    Returns:
        grad: array with the shape of ``x``; ``grad[i] ≈ (f(x+h·e_i) − f(x−h·e_i)) / 2h``.

    Raises:
        TypeError: ``x`` is not a float64 (or wider) array, or ``f`` does not return one number.
        ValueError: ``x`` is read-only.
    """
    x = _float_array("numerical_gradient", "x", x)
    value = functools.partial(_scalar, "numerical_gradient", f, x)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = value()
        x[i] = old - h
        f_minus = value()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def forward_difference(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5):
    """One-sided (forward) difference ``(f(x + h·e_i) − f(x)) / h``; error O(h). Shape of ``x``."""
    x = _float_array("forward_difference", "x", x)
    value = functools.partial(_scalar, "forward_difference", f, x)
    grad = np.zeros(x.shape)
    f_x = value()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (value() - f_x) / h
        x[i] = old
    return grad


def numerical_gradient_array(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                             dout: np.ndarray, h: float = 1e-5, richardson: bool = False):
    """Numerical gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    This is what a backward pass computes when the upstream gradient is ``dout``.

    Args:
        f: array-valued function of ``x``; ``f(x)`` has the shape of ``dout``.
        x: float64 array, any shape (perturbed in place and restored).
        dout: upstream gradient, shape of ``f(x)`` (a ValueError names both when they differ).
        h: step size.
        richardson: combine the steps h and h/2 as ``(4·g(h/2) − g(h)) / 3``, which cancels
            the O(h²) error of central differences. Then a large step (h = 1e-3) is accurate
            to ~1e-12 and its round-off is a hundred times smaller than at h = 1e-5.

    Returns:
        dx: array with the shape of ``x``.
    """
    x = _float_array("numerical_gradient_array", "x", x)
    dout = np.asarray(dout, dtype=np.float64)

    def loss(z):
        out = np.asarray(f(z))
        if out.shape != dout.shape:
            raise ValueError(f"numerical_gradient_array: f(x) has shape {out.shape} but dout "
                             f"has shape {dout.shape}; they must be the same")
        return np.sum(out * dout)

    if not richardson:
        return numerical_gradient(loss, x, h)
    return (4 * numerical_gradient(loss, x, h / 2) - numerical_gradient(loss, x, h)) / 3


def numerical_jacobian(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """Central-difference Jacobian of an array-valued ``f`` at ``x``.

    Row i is the numerical gradient of output i, i.e. of ``sum(f(x) * e_i)``, computed with
    :func:`numerical_gradient_array`.

    Args:
        f: function of ``x`` returning an array (any shape, m elements in total).
        x: float array, any shape (n elements); not modified (a float32 ``x`` is differentiated
           in a float64 copy).
        h: finite-difference step.

    Returns:
        J: (m, n) array, ``J[i, j] ≈ ∂f_i/∂x_j`` with both sides flattened row by row.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"numerical_jacobian: x expects a floating-point numpy array, "
                        f"got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    x = x.astype(np.float64)          # a private float64 copy (f must use its argument)
    out = np.asarray(f(x))
    J = np.zeros((out.size, x.size))
    for i in range(out.size):
        e_i = np.zeros(out.size)
        e_i[i] = 1.0
        J[i] = numerical_gradient_array(f, x, e_i.reshape(out.shape), h).ravel()
    return J


def rel_error(a, b) -> float:
    """Max over elements of ``|a − b| / max(|a| + |b|, 1e−12)``.

    Scale-free: 1e-10 means "agree to ten significant digits" whatever the magnitudes. Equal
    entries agree (error 0), infinite ones included; inf against a finite number is error 1.
    """
    return _rel_error(a, b, 1e-12, "rel_error")


def _rel_error(a, b, floor, fname: str) -> float:
    """:func:`rel_error` with ``floor`` under the denominator (a number or an array)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"{fname}: a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(a == b, 0.0, np.abs(a - b))         # inf − inf is nan; inf == inf
        err = diff / np.maximum(np.abs(a) + np.abs(b), floor)
    return float(np.max(np.where(np.isinf(diff), 1.0, err)))


def _below(err: float, tol: float) -> str:
    """``relative error < 1e-07 ✓`` or ``relative error ≥ 1e-07 ✗`` (``is nan ✗`` for nan)."""
    if err != err:
        return "relative error is nan ✗"
    if err < tol:
        return f"relative error < {tol:.0e} ✓"
    return f"relative error ≥ {tol:.0e} ✗"


def verdict(name: str, err: float, tol: float = DEFAULT_TOLERANCE) -> str:
    """One stable line for a relative error, e.g. ``dW vs numerical: relative error < 1e-07 ✓``.

    The line says only whether ``err`` is below ``tol`` (no raw digits), so a notebook's printed
    output is the same on every machine; the style is that of :meth:`LayerCheck.verdict`.

    Args:
        name: what was compared ("by hand vs numerical_gradient").
        err: the relative error (see :func:`rel_error`), a float; nan is never below.
        tol: the pass mark.
    """
    return f"{name}: {_below(float(err), float(tol))}"


@dataclass
class LayerCheck:
    """Result of :func:`check_layer`: relative error per input name, and the verdict."""

    name: str
    errors: dict = field(default_factory=dict)
    tolerance: float = DEFAULT_TOLERANCE

    @property
    def max_error(self) -> float:
        """The largest error (nan if any error is nan: a nan must never pass)."""
        return float(np.max(list(self.errors.values()))) if self.errors else 0.0

    @property
    def passed(self) -> bool:
        return self.max_error < self.tolerance

    def verdict(self) -> str:
        """A short line that does not depend on the machine (no raw error digits)."""
        names = ", ".join(f"d{k}" for k in self.errors)
        return f"{self.name}: {names} — max {_below(self.max_error, self.tolerance)}"

    def details(self) -> str:
        """Every error to two digits (machine-dependent: tag such cells nbval-ignore-output)."""
        return "  ".join(f"d{k} {v:.1e}" for k, v in self.errors.items())


def check_layer(forward: Callable, backward: Callable, inputs: dict, *,
                wrt: Sequence[str] | None = None, options: dict | None = None,
                seed: int = 0, h: float | None = None, richardson: bool = True,
                tolerance: float = DEFAULT_TOLERANCE, verbose: bool = True,
                name: str | None = None) -> LayerCheck:
    """Gradient-check a ``(forward, backward)`` layer pair in one call.

    Runs ``out, cache = forward(**inputs, **options)``, draws a random upstream gradient
    ``dout`` (seeded), calls ``backward(dout, cache)`` and compares each returned gradient with
    the numerical gradient of ``sum(forward(...) * dout)``. Everything runs on float64 copies of
    the inputs (a float32 input is checked in float64: the check is of the backward's formula,
    and float32 rounding would swamp any step), so the caller's arrays are never touched.

    Args:
        forward: e.g. ``affine_forward``; returns ``(out, cache)``.
        backward: e.g. ``affine_backward``; returns the gradients in the order of ``inputs``
            (or, when it returns fewer, of the floating-point inputs: ``embedding`` → dW; or of
            ``wrt``: ``batchnorm_inference`` → dx, dγ, dβ, not the running statistics).
        inputs: ordered ``{name: array}`` of the forward's array arguments. Non-float entries
            (labels, ids) are passed to the forward but never differentiated.
        wrt: names to check (default: every floating-point input).
        options: keyword options for the forward (``stride``, ``pad``, …).
        seed: seed of the random upstream gradient.
        h: finite-difference step, used as given. Default: 1e-3 for an input of about unit
            size, else scaled to it (see :func:`_step`): a fixed 1e-3 would step across the
            whole range of an input of size 1e-3, and be lost in the rounding of one of 1e4.
            An error at the default step is tried again at a tenth of it (near a sharp bend,
            as layer norm's with D = 2 at a near-tie, the first may be too coarse) and the
            smaller of the two is reported: a wrong backward is wrong at both.
        richardson: use Richardson-extrapolated central differences (see
            :func:`numerical_gradient_array`); the check itself is then accurate to ~1e-12
            relative to the gradient's scale. Entries far smaller than the check's own
            round-off (≈ 32 ulp of the summed output, divided by h) are judged on their
            absolute error against that round-off, so an error it reports is the backward's,
            not the check's.
        tolerance: pass mark for the max relative error.
        verbose: print :meth:`LayerCheck.verdict`.

    Returns:
        LayerCheck with ``.errors`` (``{name: relative error}``), ``.passed``, ``.max_error``.

    Raises:
        ValueError: the backward returns a number of gradients that matches neither the inputs,
            the floating-point inputs, nor ``wrt``.
    """
    options = dict(options or {})
    name = name or getattr(forward, "__name__", "layer").replace("_forward", "")
    work = {k: (v.astype(np.float64) if isinstance(v, np.ndarray) and v.dtype.kind == "f"
                else v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}
    floats = [k for k, v in work.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
    chosen = floats if wrt is None else list(wrt)

    out, cache = _out_and_cache(forward(**work, **options))
    dout = np.random.default_rng(seed).standard_normal(np.shape(out))
    grads = backward(dout, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    names = _gradient_names(len(grads), list(work), floats, wrt)
    # equivalent mutant `False`: _gradient_names gives exactly len(grads) names
    analytic = dict(zip(names, grads, strict=True))
    size = float(np.sum(np.abs(np.asarray(out, dtype=np.float64) * dout)))

    errors = {}
    for k in chosen:
        def f(_, k=k):
            return _out_and_cache(forward(**work, **options))[0]
        steps = [h] if h is not None else [_step(work[k]), _step(work[k]) / 10]
        for step in steps:      # the default step gets a second try at a tenth of it
            num = numerical_gradient_array(f, work[k], dout, step, richardson=richardson)
            floor = max(1e-12, _ROUNDOFF * size / step / tolerance)
            errors[k] = min(errors.get(k, np.inf), _rel_error(analytic[k], num, floor,
                                                              "check_layer"))
            # equivalent mutant `(errors[k] <= tolerance)`: at an error exactly equal to the
            # tolerance, the second try can only lower it, as the pass mark needs anyway
            if errors[k] < tolerance:
                break
    result = LayerCheck(name=name, errors=errors, tolerance=tolerance)
    if verbose:
        print(result.verdict())
    return result


# The numerical gradient's own round-off, in units of float64's eps times sum |out·dout|, per h:
# a few ulp per output, with Richardson's weights (4·g(h/2) − g(h))/3, and a margin of 2 over
# the 16 that layer norm with D = 2 needs (0 of 400 small norm checks fail at 16, 1 at 8).
_ROUNDOFF = 32 * np.finfo(np.float64).eps


def _step(x: np.ndarray) -> float:
    """The default step for ``x``: 1e-3, scaled to ``x`` when ``x`` is far from unit size.

    Scaled by its root-mean-square when that is below 0.1 (x·1e-3 into a batch norm), by its
    spread (standard deviation) when that is above 10 (x·1e4); an offset alone (x + 1000)
    keeps 1e-3, since a layer may subtract it away and see only the spread.
    """
    with np.errstate(all="ignore"):     # (inf or huge entries: their sizes are not finite)
        # equivalent mutant `(2.0)`: any size from 0.1 to 10 keeps 1e-3 (empty x: no steps)
        rms = float(np.sqrt(np.mean(np.square(x)))) if x.size else 1.0
        # equivalent mutant `(2.0)`: as above
        spread = float(np.std(x)) if x.size else 1.0
    if 0.0 < rms < 0.1:
        return 1e-3 * rms
    if 10.0 < spread < np.inf:
        return 1e-3 * spread
    return 1e-3


def _gradient_names(count: int, everything: list, floats: list, wrt) -> list:
    """Which inputs the backward's ``count`` gradients belong to (see :func:`check_layer`)."""
    for names in (everything, floats, [] if wrt is None else list(wrt)):
        if count == len(names):
            return names
    raise ValueError(
        f"check_layer: backward returned {count} gradients, but inputs has {len(everything)} "
        f"entries ({len(floats)} floating-point: {', '.join(floats)}); name the ones it "
        f"returns, in its order, with wrt=[...], or pass the others through options")


def _out_and_cache(result):
    """Forward functions return ``(out, cache)``; ``lstm_step_forward`` returns ``(h, c, cache)``.

    For the check, a multi-output forward is treated as returning its first output (and its
    cache, always the last item).
    """
    return result[0], result[-1]
