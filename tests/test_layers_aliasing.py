"""Nothing the caller does after forward changes backward (HELPERS_API.md), for every pair.

The checks themselves live in ``layer_harness.check_aliasing``; the first half of this file
shows that the harness catches each way a layer can get it wrong.
"""

import numpy as np
import pytest
from layer_harness import check_aliasing, rand, recurrent_inputs

import helpers.layers as L

# ---------------------------------------------------------------- the harness itself


def _scale_forward(x, w):
    """A toy pair out = x·w (elementwise), written correctly: the cache owns its arrays."""
    return x * w, (x.copy(), w.copy())


def _scale_backward(dout, cache):
    x, w = cache
    return dout * w, dout * x


def _tanh_readonly_forward(x):
    out = np.tanh(x)
    out.flags.writeable = False          # read-only output, and a copy in the cache
    return out, out.copy()


def _tanh_backward(dout, out):
    return dout * (1.0 - out**2)


def _bad(kind):
    """Toy pairs with one defect each."""
    if kind == "keeps x":
        return (lambda x, w: (x * w, (x, w.copy()))), _scale_backward
    if kind == "keeps out":
        return (lambda x: (lambda out: (out, out))(np.tanh(x))), _tanh_backward
    if kind == "read-only output kept as is":
        def forward(x):
            out = np.tanh(x)
            out.flags.writeable = False      # numpy lets the caller switch this back
            return out, out
        return forward, _tanh_backward
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
    ("keeps out", {"x": X}, ["gradient number 0", "`out0", "keep a copy in the cache"]),
    ("read-only view of a writable array", {"x": X}, ["out.base"]),
    ("read-only output kept as is", {"x": X},
     ["out0.flags.writeable = True; out0 *= -2", "can be switched back"]),
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


# ---------------------------------------------------------------- every pair in helpers.layers

_rand, _recurrent = rand, recurrent_inputs


def _lstm_step_inputs():
    return recurrent_inputs(4, False, step_cell=True)


X2 = _rand(3, 4)
PAIRS = {  # name: (forward, backward, inputs, options, what the outputs do)
    "affine": (L.affine_forward, L.affine_backward,
               {"x": X2, "w": _rand(4, 2), "b": _rand(2)}, {}, "unchanged"),
    "relu": (L.relu_forward, L.relu_backward, {"x": X2}, {}, "unchanged"),
    "relu at a scalar": (L.relu_forward, L.relu_backward, {"x": 1.5}, {}, "immutable"),
    "sigmoid": (L.sigmoid_forward, L.sigmoid_backward, {"x": X2}, {}, "unchanged"),
    "sigmoid at a scalar": (L.sigmoid_forward, L.sigmoid_backward, {"x": 0.3}, {},
                            "immutable"),
    "tanh": (L.tanh_forward, L.tanh_backward, {"x": _rand(2, 3, 2)}, {}, "unchanged"),
    "conv1d": (L.conv1d_forward, L.conv1d_backward,
               {"x": _rand(2, 3, 7), "w": _rand(2, 3, 3), "b": _rand(2)},
               {"stride": 2, "pad": 1}, "unchanged"),
    "conv1d, pad 0": (L.conv1d_forward, L.conv1d_backward,
                      {"x": _rand(1, 2, 5), "w": _rand(3, 2, 2), "b": _rand(3)}, {},
                      "unchanged"),
    "conv2d": (L.conv2d_forward, L.conv2d_backward,
               {"x": _rand(2, 3, 5, 6), "w": _rand(2, 3, 3, 3), "b": _rand(2)},
               {"stride": 1, "pad": 1}, "unchanged"),
    "conv2d, pad 0": (L.conv2d_forward, L.conv2d_backward,
                      {"x": _rand(1, 2, 4, 4), "w": _rand(2, 2, 2, 2), "b": _rand(2)},
                      {"stride": 2}, "unchanged"),
    "conv2d_naive": (L.conv2d_naive_forward, L.conv2d_naive_backward,
                     {"x": _rand(2, 2, 4, 5), "w": _rand(2, 2, 3, 3), "b": _rand(2)},
                     {"pad": 0}, "unchanged"),
    "conv2d_naive, pad 1": (L.conv2d_naive_forward, L.conv2d_naive_backward,
                            {"x": _rand(1, 2, 3, 3), "w": _rand(2, 2, 2, 2), "b": _rand(2)},
                            {"pad": 1, "stride": 2}, "unchanged"),
    "max_pool2d": (L.max_pool2d_forward, L.max_pool2d_backward, {"x": _rand(2, 3, 4, 4)},
                   {"size": 2, "stride": 1}, "unchanged"),
    "embedding": (L.embedding_forward, L.embedding_backward,
                  {"ids": np.array([[0, 3, 1], [3, 3, 2]]), "W": _rand(5, 2)}, {}, "unchanged"),
    "embedding, 1-D uint8 ids": (L.embedding_forward, L.embedding_backward,
                                 {"ids": np.array([1, 0, 1], dtype=np.uint8), "W": _rand(2, 3)},
                                 {}, "unchanged"),
    "rnn_step": (L.rnn_step_forward, L.rnn_step_backward, _recurrent(1, False), {},
                 "unchanged"),
    "lstm_step": (L.lstm_step_forward, L.lstm_step_backward, _lstm_step_inputs(), {},
                  "unchanged"),
    "gru_step": (L.gru_step_forward, L.gru_step_backward, _recurrent(3, False), {},
                 "unchanged"),
    "rnn": (L.rnn_forward, L.rnn_backward, _recurrent(1, True), {}, "unchanged"),
    "lstm": (L.lstm_forward, L.lstm_backward, _recurrent(4, True), {}, "unchanged"),
    "gru": (L.gru_forward, L.gru_backward, _recurrent(3, True), {}, "unchanged"),
}


@pytest.mark.parametrize("name", list(PAIRS))
def test_layer_pair_is_immune_to_edits_after_forward(name):
    forward, backward, inputs, options, outputs = PAIRS[name]
    report = check_aliasing(forward, backward, inputs, options=options, name=name)
    arrays = [k for k, a in inputs.items() if isinstance(a, np.ndarray)]
    assert list(report["inputs"]) == arrays
    # every layer keeps a copy in the cache: an edited output leaves backward "unchanged"
    assert set(report["outputs"].values()) == {outputs}, report


def test_every_pair_in_helpers_layers_is_covered():
    """A new pair in helpers.layers needs a line in PAIRS (or in its own module's test)."""
    elsewhere = {"helpers.layers.norm", "helpers.layers.attention"}  # tested by their writers
    forwards = {n[:-len("_forward")] for n in L.__all__
                if n.endswith("_forward") and getattr(L, n).__module__ not in elsewhere}
    covered = {f.__name__[:-len("_forward")] for f, *_ in PAIRS.values()}
    assert forwards == covered


@pytest.mark.parametrize("layer, G", [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_sequence_h_is_the_callers_to_edit(layer, G):
    """Review 10 round 2, defect 3: a read-only h could be switched back (or resized in place)
    and edited, and backward changed; the cache now keeps its own copy of h."""
    forward, backward = getattr(L, f"{layer}_forward"), getattr(L, f"{layer}_backward")
    inputs = _recurrent(G, True)
    h, cache = forward(**inputs)
    dh = np.random.default_rng(1).standard_normal(h.shape)
    reference = backward(dh, cache)
    assert h.flags.writeable
    h *= 2
    h.flags.writeable = False            # whatever the caller does with the flag
    h.flags.writeable = True
    h[:, 0] = np.nan
    h.resize((1, 3, 5), refcheck=False)
    for got, want in zip(backward(dh, cache), reference, strict=True):
        np.testing.assert_array_equal(got, want)
