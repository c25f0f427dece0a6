"""Embedding lookup: row ids of a weight matrix W, and the scatter-add that reverses it."""

from __future__ import annotations

import numpy as np

from . import _validate as v

_CACHE = v.cache_spec("ids: ints *, V: int, D: int")


def embedding_forward(ids, W):
    """Embedding forward pass: out = W[ids], one row of W per id.

    Args:
        ids: integer ids, shape (N, T) (a 1-D (N,) array works too), values in [0, V).
        W: embedding table, shape (V, D).

    Returns:
        out: shape ids.shape + (D,), i.e. (N, T, D).
        cache: (ids, V, D) — the backward pass needs where each row came from (a copy of
            ids: editing the caller's ids after forward does not move the gradient) and W's
            shape (V, D), the shape of dW.
    """
    fname = "embedding_forward"
    W = v.float_array(fname, "W", W, ndim=2, layout="(V, D)")
    ids = v.index_array(fname, "ids", ids, high=W.shape[0], ndims=(2, 1), layout="(N, T)",
                        copy=True)
    out = W[ids]
    cache = v.Cache(fname, (ids, *W.shape))
    return out, cache


def embedding_backward(dout, cache):
    """Embedding backward pass: scatter-add each upstream row into dW at its id.

    An id used k times receives the sum of its k upstream rows (duplicates accumulate), which
    is why this is ``np.add.at`` and not ``dW[ids] = dout`` (that would keep only the last).

    Args:
        dout: upstream gradient, shape ids.shape + (D,).
        cache: (ids, V, D) from :func:`embedding_forward`.

    Returns:
        dW: shape (V, D), the shape of W. (ids are integers: they have no gradient.)
    """
    ids, V, D = v.cache("embedding_backward", cache, "embedding_forward", _CACHE)
    dout = v.grad_shape("embedding_backward", dout, ids.shape + (D,),
                        what="ids.shape + (D,), the forward output's shape")
    dW = np.zeros((V, D))
    np.add.at(dW, ids, dout)
    return dW
