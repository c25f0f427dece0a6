"""Embedding lookup: row ids of a weight matrix W, and the scatter-add that reverses it."""

from __future__ import annotations

import numpy as np

from . import _validate as v


def embedding_forward(ids, W):
    """Embedding forward pass: out = W[ids], one row of W per id.

    Args:
        ids: integer ids, shape (N, T) (a 1-D (N,) array works too), values in [0, V).
        W: embedding table, shape (V, D).

    Returns:
        out: shape ids.shape + (D,), i.e. (N, T, D).
        cache: (ids, V) — the backward pass only needs where each row came from (a copy of
            ids: editing the caller's ids after forward does not move the gradient).
    """
    fname = "embedding_forward"
    W = v.float_array(fname, "W", W, ndim=2, layout="(V, D)")
    ids = v.index_array(fname, "ids", ids, high=W.shape[0], ndims=(2, 1), layout="(N, T)",
                        copy=True)
    out = W[ids]
    cache = (ids, W.shape[0])
    return out, cache


def embedding_backward(dout, cache):
    """Embedding backward pass: scatter-add each upstream row into dW at its id.

    An id used k times receives the sum of its k upstream rows (duplicates accumulate), which
    is why this is ``np.add.at`` and not ``dW[ids] = dout`` (that would keep only the last).

    Args:
        dout: upstream gradient, shape ids.shape + (D,).
        cache: (ids, V) from :func:`embedding_forward`.

    Returns:
        dW: shape (V, D). (ids are integers: they have no gradient.)
    """
    ids, V = cache
    dout = v.float_array("embedding_backward", "dout", dout)
    if dout.shape[:-1] != ids.shape:
        raise ValueError(f"embedding_backward: dout expects shape ids.shape + (D,) = "
                         f"{ids.shape + ('D',)}, got shape {dout.shape}")
    dW = np.zeros((V, dout.shape[-1]))
    np.add.at(dW, ids, dout)
    return dW
