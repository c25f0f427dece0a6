"""Numerical gradients and the relative-error metric used to check every backward pass.

Central differences: for a scalar function f and a small step h,

    df/dx_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / (2h)        error O(h²)

while the forward difference (f(x + h·e_i) − f(x)) / h has error O(h).
"""

from __future__ import annotations

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
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{fname}: {argname} expects a numpy array, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(
            f"{fname}: {argname} expects a floating-point array (perturbing integers is "
            f"meaningless), got dtype {x.dtype}"
        )
    return x


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5):
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    Args:
        f: function of ``x`` returning a scalar (it may read ``x`` from a closure).
        x: float array, any shape. It is perturbed in place one element at a time and
           restored exactly before returning.
        h: step size.

    Returns:
        grad: array with the shape of ``x``; ``grad[i] ≈ (f(x+h·e_i) − f(x−h·e_i)) / 2h``.
    """
    x = _float_array("numerical_gradient", "x", x)
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def forward_difference(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5):
    """One-sided (forward) difference ``(f(x + h·e_i) − f(x)) / h``; error O(h). Shape of ``x``."""
    x = _float_array("forward_difference", "x", x)
    grad = np.zeros_like(x, dtype=np.float64)
    f_x = float(f(x))
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        grad[i] = (float(f(x)) - f_x) / h
        x[i] = old
    return grad


def numerical_gradient_array(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray,
                             dout: np.ndarray, h: float = 1e-5, richardson: bool = False):
    """Numerical gradient of ``sum(f(x) * dout)`` with respect to ``x``.

    This is what a backward pass computes when the upstream gradient is ``dout``.

    Args:
        f: array-valued function of ``x``; ``f(x)`` has the shape of ``dout``.
        x: float array, any shape (perturbed in place and restored).
        dout: upstream gradient, shape of ``f(x)``.
        h: step size.
        richardson: combine the steps h and h/2 as ``(4·g(h/2) − g(h)) / 3``, which cancels
            the O(h²) error of central differences. Then a large step (h = 1e-3) is accurate
            to ~1e-12 and its round-off is a hundred times smaller than at h = 1e-5.

    Returns:
        dx: array with the shape of ``x``.
    """
    x = _float_array("numerical_gradient_array", "x", x)

    def loss(z):
        return np.sum(np.asarray(f(z)) * dout)

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
        x: float array, any shape (n elements); not modified.
        h: finite-difference step.

    Returns:
        J: (m, n) array, ``J[i, j] ≈ ∂f_i/∂x_j`` with both sides flattened row by row.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"numerical_jacobian: x expects a floating-point numpy array, "
                        f"got {type(x).__name__}"
                        + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    x = x.copy()
    out = np.asarray(f(x))
    J = np.zeros((out.size, x.size))
    for i in range(out.size):
        e_i = np.zeros(out.size)
        e_i[i] = 1.0
        J[i] = numerical_gradient_array(f, x, e_i.reshape(out.shape), h).ravel()
    return J


def rel_error(a, b) -> float:
    """Max over elements of ``|a − b| / max(|a| + |b|, 1e−12)``.

    Scale-free: 1e-10 means "agree to ten significant digits" whatever the magnitudes.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"rel_error: a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


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
                seed: int = 0, h: float = 1e-3, richardson: bool = True,
                tolerance: float = DEFAULT_TOLERANCE, verbose: bool = True,
                name: str | None = None) -> LayerCheck:
    """Gradient-check a ``(forward, backward)`` layer pair in one call.

    Runs ``out, cache = forward(**inputs, **options)``, draws a random upstream gradient
    ``dout`` (seeded), calls ``backward(dout, cache)`` and compares each returned gradient with
    the numerical gradient of ``sum(forward(...) * dout)``.

    Args:
        forward: e.g. ``affine_forward``; returns ``(out, cache)``.
        backward: e.g. ``affine_backward``; returns the gradients in the order of ``inputs``
            (or, when it returns fewer, of the floating-point inputs: ``embedding`` → dW).
        inputs: ordered ``{name: array}`` of the forward's array arguments. Non-float entries
            (labels, ids) are passed to the forward but never differentiated.
        wrt: names to check (default: every floating-point input).
        options: keyword options for the forward (``stride``, ``pad``, …).
        seed: seed of the random upstream gradient.
        h: finite-difference step.
        richardson: use Richardson-extrapolated central differences (see
            :func:`numerical_gradient_array`); with the default h = 1e-3 the check itself is
            accurate to ~1e-12, so an error it reports is the backward's, not the check's.
        tolerance: pass mark for the max relative error.
        verbose: print :meth:`LayerCheck.verdict`.

    Returns:
        LayerCheck with ``.errors`` (``{name: relative error}``), ``.passed``, ``.max_error``.
    """
    options = dict(options or {})
    name = name or getattr(forward, "__name__", "layer").replace("_forward", "")
    work = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}
    floats = [k for k, v in work.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"]
    wrt = floats if wrt is None else list(wrt)

    out, cache = _out_and_cache(forward(**work, **options))
    dout = np.random.default_rng(seed).standard_normal(np.shape(out))
    grads = backward(dout, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    names = list(work) if len(grads) == len(work) else floats
    analytic = dict(zip(names, grads, strict=True))

    errors = {}
    for k in wrt:
        def f(_, k=k):
            return _out_and_cache(forward(**work, **options))[0]
        num = numerical_gradient_array(f, work[k], dout, h, richardson=richardson)
        errors[k] = rel_error(analytic[k], num)
    result = LayerCheck(name=name, errors=errors, tolerance=tolerance)
    if verbose:
        print(result.verdict())
    return result


def _out_and_cache(result):
    """Forward functions return ``(out, cache)``; ``lstm_step_forward`` returns ``(h, c, cache)``.

    For the check, a multi-output forward is treated as returning its first output (and its
    cache, always the last item).
    """
    return result[0], result[-1]
