"""Elementwise activation functions (활성화 함수): relu, sigmoid (시그모이드), tanh.

Each accepts an array of any shape, or a real scalar (out and dx are then numpy scalars). The cache
is a one-item tuple holding an array of its own (the mask, or a copy of the output), so the
caller may edit its input and the returned output after forward without changing what backward
returns. A gradient that is exactly zero is +0.0, never −0.0 (``dx += 0.0`` turns −0.0 into
+0.0 and changes nothing else).
"""

from __future__ import annotations

import numpy as np

from . import _validate as v

_MASK = v.cache_spec("mask: bool *")
_OUT = v.cache_spec("out: float *")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) of a float64 array, without checks (the LSTM and GRU call it on every step)."""
    e = np.exp(-np.abs(x))
    # equivalent mutant `(x > 0)`: at x = 0 both branches give 1.0 (e = e⁰ = 1)
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def sigmoid(x) -> np.ndarray:
    """Numerically stable logistic sigmoid 1 / (1 + e^−x), elementwise; shape of ``x``.

    Only e^−|x| is ever evaluated, which lies in (0, 1], so nothing overflows for large |x|:
    σ(x) = 1 / (1 + e^−x) for x ≥ 0 and σ(x) = e^x / (1 + e^x) for x < 0.

    Args:
        x: numpy array of real numbers, any shape, or a real scalar (like every layer, a list
           raises TypeError: convert it with ``np.array`` first).
    """
    return _sigmoid(v.float_array("sigmoid", "x", x, allow_scalar=True))


def relu_forward(x):
    """ReLU forward: out = max(0, x).

    Args:
        x: any shape.

    Returns:
        out: shape of x.
        cache: (mask,) with mask = (x > 0), boolean, shape of x: all the backward pass needs.
    """
    x = v.float_array("relu_forward", "x", x, allow_scalar=True)
    out = np.maximum(x, 0.0)
    mask = x > 0
    cache = v.Cache("relu_forward", (mask,))
    return out, cache


def relu_backward(dout, cache):
    """ReLU backward: dx = dout where x > 0, else 0 (the gradient at exactly 0 is taken as 0).

    Args:
        dout: upstream gradient, shape of x.
        cache: (mask,) from :func:`relu_forward`.

    Returns:
        dx: shape of x.
    """
    (mask,) = v.cache("relu_backward", cache, "relu_forward", _MASK)
    dout = v.grad_shape("relu_backward", dout, mask.shape)
    dx = dout * mask
    dx += 0.0                           # −0.0 (dout < 0 where x ≤ 0) → +0.0
    return dx


def sigmoid_forward(x):
    """Sigmoid forward: out = σ(x) = 1 / (1 + e^−x), stable for large |x|.

    Args:
        x: any shape.

    Returns:
        out: shape of x, values in [0, 1].
        cache: (out,), a copy of out (the local gradient σ(1 − σ) needs only the output; a
            copy, so that editing the returned out leaves backward unchanged).
    """
    x = v.float_array("sigmoid_forward", "x", x, allow_scalar=True)
    out = _sigmoid(x)
    cache = v.Cache("sigmoid_forward", (v.own_copy(out),))
    return out, cache


def sigmoid_backward(dout, cache):
    """Sigmoid backward: dx = dout ⊙ σ(x)(1 − σ(x)).

    Args:
        dout: upstream gradient, shape of x.
        cache: (σ(x),) from :func:`sigmoid_forward`.

    Returns:
        dx: shape of x.
    """
    (out,) = v.cache("sigmoid_backward", cache, "sigmoid_forward", _OUT)
    dout = v.grad_shape("sigmoid_backward", dout, out.shape)
    dx = dout * out * (1.0 - out)
    dx += 0.0                           # −0.0 (dout < 0 where σ saturates at 0 or 1) → +0.0
    return dx


def tanh_forward(x):
    """Tanh forward: out = tanh(x).

    Args:
        x: any shape.

    Returns:
        out: shape of x, values in [−1, 1].
        cache: (out,), a copy of out (the local gradient 1 − tanh² needs only the output).
    """
    x = v.float_array("tanh_forward", "x", x, allow_scalar=True)
    out = np.tanh(x)
    cache = v.Cache("tanh_forward", (v.own_copy(out),))
    return out, cache


def tanh_backward(dout, cache):
    """Tanh backward: dx = dout ⊙ (1 − tanh²(x)).

    Args:
        dout: upstream gradient, shape of x.
        cache: (tanh(x),) from :func:`tanh_forward`.

    Returns:
        dx: shape of x.
    """
    (out,) = v.cache("tanh_backward", cache, "tanh_forward", _OUT)
    dout = v.grad_shape("tanh_backward", dout, out.shape)
    dx = dout * (1.0 - out**2)
    dx += 0.0                           # −0.0 (dout < 0 where tanh saturates at ±1) → +0.0
    return dx
