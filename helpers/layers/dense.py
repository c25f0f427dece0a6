"""The affine (fully connected) layer: out = x @ w + b."""

from __future__ import annotations

from . import _validate as v

_CACHE = v.cache_spec("x: float N D, w: float D M")


def affine_forward(x, w, b):
    """Affine layer forward pass.

    Args:
        x: inputs, shape (N, D).
        w: weights, shape (D, M).
        b: bias, shape (M,).

    Returns:
        out: x @ w + b, shape (N, M).
        cache: (x, w) — what the backward pass needs, as copies of its own.
    """
    fname = "affine_forward"
    x = v.float_array(fname, "x", x, ndim=2, layout="(N, D)", copy=True)
    w = v.float_array(fname, "w", w, ndim=2, layout="(D, M)", copy=True)
    if w.shape[0] != x.shape[1]:
        raise ValueError(f"{fname}: w expects {x.shape[1]} rows (one per column of x) but has "
                         f"{w.shape[0]} (x.shape={x.shape}, w.shape={w.shape})")
    b = v.bias(fname, b, w.shape[1], "one per column of w")
    out = x @ w + b
    cache = v.Cache(fname, (x, w))
    return out, cache


def affine_backward(dout, cache):
    """Affine layer backward pass.

    Args:
        dout: upstream gradient dL/dout, shape (N, M).
        cache: (x, w) from :func:`affine_forward`.

    Returns:
        dx: shape (N, D) = dout @ w.T
        dw: shape (D, M) = x.T @ dout
        db: shape (M,)   = dout summed over the batch
    """
    x, w = v.cache("affine_backward", cache, "affine_forward", _CACHE)
    dout = v.grad_shape("affine_backward", dout, (x.shape[0], w.shape[1]))
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
