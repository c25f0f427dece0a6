"""Nothing the caller does after forward changes backward (HELPERS_API.md), for every pair.

The checks themselves live in ``layer_harness.check_aliasing``; the first half of this file
shows that the harness catches each way a layer can get it wrong.
"""

import numpy as np
import pytest
from layer_harness import check_aliasing

# ---------------------------------------------------------------- the harness itself


def _scale_forward(x, w):
    """A toy pair out = x·w (elementwise), written correctly: the cache owns its arrays."""
    return x * w, (x.copy(), w.copy())


def _scale_backward(dout, cache):
    x, w = cache
    return dout * w, dout * x


def _tanh_readonly_forward(x):
    out = np.tanh(x)
    out.flags.writeable = False          # read-only output, cached as is
    return out, out


def _tanh_backward(dout, out):
    return dout * (1.0 - out**2)


def _bad(kind):
    """Toy pairs with one defect each."""
    if kind == "keeps x":
        return (lambda x, w: (x * w, (x, w.copy()))), _scale_backward
    if kind == "keeps out":
        return (lambda x: (lambda out: (out, out))(np.tanh(x))), _tanh_backward
    if kind == "read-only view of a writable array":
        def forward(x):
            out = np.tanh(x)
            view = out[...]
            view.flags.writeable = False
            return view, out
        return forward, _tanh_backward
    if kind == "edits its input":
        def forward(x):
            np.tanh(x, out=x)
            return x.copy(), x.copy()
        return forward, _tanh_backward
    if kind == "freezes the caller's array":
        def forward(x):
            x.flags.writeable = False
            return np.tanh(x), np.tanh(x)
        return forward, _tanh_backward
    if kind == "edits dout":
        def backward(dout, out):
            dout *= 1.0 - out**2
            return dout
        return (lambda x: (np.tanh(x), np.tanh(x))), backward
    if kind == "returns its cache":
        def forward(x):
            out = np.tanh(x)
            return out, 1.0 - out**2         # the local gradient

        def backward(dout, local):
            local *= dout                    # into the cache, and returned: a shared buffer
            return local
        return forward, backward
    if kind == "keeps ids":
        def forward(ids, W):
            return W[ids], (ids, W.shape[0])

        def backward(dout, cache):
            ids, V = cache
            dW = np.zeros((V, dout.shape[-1]))
            np.add.at(dW, ids, dout)
            return dW
        return forward, backward
    raise KeyError(kind)


X = np.random.default_rng(0).standard_normal((3, 4))


def test_harness_passes_a_layer_that_copies():
    report = check_aliasing(_scale_forward, _scale_backward, {"x": X, "w": X + 1.0})
    assert report == {"inputs": {"x": "unchanged", "w": "unchanged"},
                      "outputs": {"out0": "unchanged"}}


def test_harness_passes_a_read_only_output():
    report = check_aliasing(_tanh_readonly_forward, _tanh_backward, {"x": X})
    assert report["outputs"] == {"out0": "refused"}


@pytest.mark.parametrize("kind, inputs, words", [
    ("keeps x", {"x": X, "w": X}, ["gradient number 1", "`x *= -2", "keep a copy"]),
    ("keeps out", {"x": X}, ["gradient number 0", "`out0", "read-only"]),
    ("read-only view of a writable array", {"x": X}, ["out.base"]),
    ("edits its input", {"x": X}, ["forward modified the input 'x'"]),
    ("freezes the caller's array", {"x": X}, ["made the caller's array 'x' read-only"]),
    ("edits dout", {"x": X}, ["backward modified its upstream gradient"]),
    ("returns its cache", {"x": X}, ["called again after its results were edited"]),
    ("keeps ids", {"ids": np.array([[0, 1], [2, 2]]), "W": np.ones((3, 2))},
     ["backward raised IndexError", "`ids += 1`"]),
])
def test_harness_catches(kind, inputs, words):
    forward, backward = _bad(kind)
    with pytest.raises(AssertionError) as info:
        check_aliasing(forward, backward, inputs)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
