"""2-D max pooling."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import _validate as v

_CACHE = v.cache_spec("x_shape: shape 4, argmax: ints N C A B, size: int, stride: int")


def max_pool2d_forward(x, size=2, stride=2):
    """Max pooling forward pass over size×size windows.

    Args:
        x: inputs, shape (N, C, H, W).
        size: window height and width (int ≥ 1).
        stride: step between windows (int ≥ 1; may differ from size).

    Returns:
        out: shape (N, C, H′, W′), H′ = (H − size) // stride + 1, likewise W′.
        cache: (x_shape, argmax, size, stride); argmax (N, C, H′, W′) is the position of each
            window's maximum in row-major order 0 … size²−1 (the first one on ties).
    """
    fname = "max_pool2d_forward"
    x = v.float_array(fname, "x", x, ndim=4, layout="(N, C, H, W)")
    size = v.positive_int(fname, "size", size, minimum=1)
    stride = v.positive_int(fname, "stride", stride, minimum=1)
    shapes = f"(x.shape={x.shape}, size={size})"
    H_out = v.output_size(fname, "height", x.shape[2], size, stride, 0, shapes)
    W_out = v.output_size(fname, "width", x.shape[3], size, stride, 0, shapes)
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    flat = windows.reshape(*x.shape[:2], H_out, W_out, size * size)
    argmax = flat.argmax(axis=-1)
    out = flat.max(axis=-1)
    cache = v.Cache(fname, (x.shape, argmax, size, stride))
    return out, cache


def max_pool2d_backward(dout, cache):
    """Max pooling backward pass: each window's gradient goes to its maximum only.

    Overlapping windows (stride < size) add up where they share an input.

    Args:
        dout: upstream gradient, shape (N, C, H′, W′).
        cache: from :func:`max_pool2d_forward`.

    Returns:
        dx: shape (N, C, H, W).
    """
    x_shape, argmax, size, stride = v.cache("max_pool2d_backward", cache, "max_pool2d_forward",
                                            _CACHE)
    dout = v.grad_shape("max_pool2d_backward", dout, argmax.shape)
    H_out, W_out = argmax.shape[2:]
    dx = np.zeros(x_shape)
    for k in range(size * size):  # window offset (p, q) reads x[:, :, p::stride, q::stride]
        p, q = divmod(k, size)
        dx[:, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride] += \
            np.where(argmax == k, dout, 0.0)
    return dx
