"""Every layer pair of helpers.layers against the rules every pair shares (review 10, round 2).

- A backward checks its cache (defect 1): another layer's cache, the forward's input, None or
  a tuple of the wrong length raise an error naming the backward and the forward it expects;
  a plain tuple built by hand with the right items still works.
- Non-finite inputs and upstream gradients raise ValueError naming function and argument, with
  no RuntimeWarning (defect 4).
- Masked arrays are refused with TypeError (their mask would be dropped) (defect 11).
- An exact-zero gradient is +0.0, never −0.0 (defect 11).
"""

import copy
import pickle
import warnings

import numpy as np
import pytest
from layer_harness import rand, recurrent_inputs

import helpers.layers as L
from helpers.layers import _validate

_rand, _recurrent = rand, recurrent_inputs


def _lstm_step():
    return recurrent_inputs(4, False, step_cell=True)


def _norm(N=4, D=3):
    return {"x": _rand(N, D), "gamma": _rand(D), "beta": _rand(D)}


def _conv(x, w):
    return {"x": _rand(*x), "w": _rand(*w), "b": _rand(w[0])}


PAIRS = {  # name: (inputs, options); forward and backward are L.<name>_forward/_backward
    "affine": ({"x": _rand(3, 4), "w": _rand(4, 2), "b": _rand(2)}, {}),
    "relu": ({"x": _rand(3, 4)}, {}),
    "sigmoid": ({"x": _rand(3, 4)}, {}),
    "tanh": ({"x": _rand(2, 3, 2)}, {}),
    "conv1d": (_conv((2, 3, 7), (2, 3, 3)), {"stride": 2, "pad": 1}),
    "conv2d": (_conv((2, 3, 5, 6), (2, 3, 3, 3)), {"pad": 1}),
    "conv2d_naive": (_conv((1, 2, 4, 5), (2, 2, 3, 3)), {"stride": 2, "pad": 1}),
    "max_pool2d": ({"x": _rand(2, 3, 4, 4)}, {"size": 2, "stride": 1}),
    "embedding": ({"ids": np.array([[0, 3, 1], [3, 3, 2]]), "W": _rand(5, 2)}, {}),
    "rnn_step": (_recurrent(1, False), {}),
    "rnn": (_recurrent(1, True), {}),
    "lstm_step": (_lstm_step(), {}),
    "lstm": (_recurrent(4, True), {}),
    "gru_step": (_recurrent(3, False), {}),
    "gru": (_recurrent(3, True), {}),
    "batchnorm": (_norm(), {}),
    "batchnorm_inference": ({**_norm(), "running_mean": _rand(3), "running_var": _rand(3) ** 2},
                            {}),
    "layernorm": (_norm(), {}),
    "softmax": ({"x": _rand(2, 3, 4)}, {}),
    "attention": ({"q": _rand(2, 3, 4), "k": _rand(2, 5, 4), "v": _rand(2, 5, 2)},
                  {"mask": np.tril(np.ones((3, 5), dtype=bool))}),
}


def _pair(name):
    return getattr(L, f"{name}_forward"), getattr(L, f"{name}_backward")


def _run(name, inputs=None, options=None):
    """(douts, cache) of one forward of pair ``name`` (inputs and options: the table's)."""
    forward, _ = _pair(name)
    table_inputs, table_options = PAIRS[name]
    *outs, cache = forward(**(table_inputs if inputs is None else inputs),
                           **(table_options if options is None else options))
    rng = np.random.default_rng(5)
    return [rng.standard_normal(np.shape(o)) for o in outs], cache


def _backward(name, douts, cache):
    grads = _pair(name)[1](*douts, cache)
    return grads if isinstance(grads, tuple) else (grads,)


def test_every_pair_is_in_the_table():
    forwards = {n[:-len("_forward")] for n in L.__all__ if n.endswith("_forward")}
    assert forwards == set(PAIRS)


def test_every_cache_is_tagged_with_its_forward():
    for name in PAIRS:
        _, cache = _run(name)
        assert isinstance(cache, _validate.Cache) and cache.forward == f"{name}_forward", name


# ---------------------------------------------------------------- defect 1: the cache is checked

@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax"])
def test_the_forwards_input_instead_of_its_cache_is_refused(name):
    """The reviewer's slip: relu_backward(dout, x) returned dout·x without a word."""
    x = np.array([[-1.0, 2.0]])
    with pytest.raises(TypeError) as info:
        _pair(name)[1](np.ones((1, 2)), x)
    assert str(info.value) == (f"{name}_backward: cache expects the cache returned by "
                               f"{name}_forward, got a float64 array of shape (1, 2)")


def test_layernorm_backward_refuses_a_batchnorm_cache():
    _, cache = L.batchnorm_forward(_rand(4, 3), np.ones(3), np.zeros(3))
    with pytest.raises(TypeError) as info:
        L.layernorm_backward(np.ones((4, 3)), cache)
    assert str(info.value) == ("layernorm_backward: cache expects the cache returned by "
                               "layernorm_forward, got the cache returned by batchnorm_forward")


def _other(name):
    """A cache from another pair (the next one in the table)."""
    names = list(PAIRS)
    return _run(names[(names.index(name) + 1) % len(names)])[1]


WRONG = {  # what the slip is → (make the wrong cache from (name, cache), error, words)
    "another layer's cache": (lambda name, cache: _other(name), TypeError,
                              ["got the cache returned by"]),
    "the forward's input": (lambda name, cache: next(a for a in PAIRS[name][0].values()
                                                     if isinstance(a, np.ndarray)),
                            TypeError, ["got a", "array of shape"]),
    "None": (lambda name, cache: None, TypeError, ["got None"]),
    "a number": (lambda name, cache: 3.0, TypeError, ["got a float"]),
    "one item too many": (lambda name, cache: tuple(cache) + (0,), ValueError,
                          ["items (", "got"]),
    "one item too few": (lambda name, cache: tuple(cache)[:-1], ValueError, ["items ("]),
}


@pytest.mark.parametrize("slip", list(WRONG))
@pytest.mark.parametrize("name", list(PAIRS))
def test_every_backward_refuses_a_wrong_cache(name, slip):
    douts, cache = _run(name)
    make, error, words = WRONG[slip]
    wrong = make(name, cache)
    with pytest.raises(error) as info:
        _backward(name, douts, wrong)
    message = str(info.value)
    assert message.startswith(f"{name}_backward: cache expects the cache returned by "
                              f"{name}_forward"), message
    for word in words:
        assert word in message, (word, message)
    if "item" in slip:
        assert f"got {len(wrong)} items" in message


@pytest.mark.parametrize("container", [tuple, list])
@pytest.mark.parametrize("name", list(PAIRS))
def test_a_plain_tuple_with_the_right_items_still_works(name, container):
    """A notebook's own forward pass builds its cache by hand (07 passes one to the
    reference lstm_step_backward): a plain tuple (or list) with the right items is accepted."""
    douts, cache = _run(name)
    reference = _backward(name, douts, cache)
    for got, want in zip(_backward(name, douts, container(cache)), reference, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", list(PAIRS))
def test_a_cache_survives_deepcopy_and_pickle(name):
    """The exercise checkers hand learners deep copies of caches, which they may pass on."""
    douts, cache = _run(name)
    reference = _backward(name, douts, cache)
    for twin in (copy.deepcopy(cache), pickle.loads(pickle.dumps(cache)), copy.copy(cache)):
        assert type(twin) is _validate.Cache and twin.forward == cache.forward
        for got, want in zip(_backward(name, douts, twin), reference, strict=True):
            np.testing.assert_array_equal(got, want)


def _hand_built(name, index, value):
    douts, cache = _run(name)
    items = list(cache)
    items[index] = value
    return douts, tuple(items)


HAND_BUILT = [  # (pair, item index, replacement, error, message)
    ("relu", 0, np.ones((1, 2)), TypeError,
     "relu_backward: cache expects item 'mask' of the cache returned by relu_forward to be a "
     "numpy array of booleans, got a float64 array of shape (1, 2)"),
    ("embedding", 0, np.zeros((2, 3)), TypeError,
     "embedding_backward: cache expects item 'ids' of the cache returned by embedding_forward "
     "to be a numpy array of integers, got a float64 array of shape (2, 3)"),
    ("affine", 1, [[1.0, 2.0]] * 4, TypeError,
     "affine_backward: cache expects item 'w' of the cache returned by affine_forward to be a "
     "numpy array of real numbers, got a list"),
    ("conv2d", 1, (1, 2), TypeError,
     "conv2d_backward: cache expects item 'col' of the cache returned by conv2d_forward to be "
     "a numpy array of real numbers, got a tuple of 2 items"),
    ("conv2d", 3, 1.0, TypeError,
     "conv2d_backward: cache expects item 'stride' of the cache returned by conv2d_forward to "
     "be an integer, got a float"),
    ("conv1d", 4, True, TypeError,
     "conv1d_backward: cache expects item 'pad' of the cache returned by conv1d_forward to be "
     "an integer, got a bool"),
    ("conv2d", 0, (2, 3, 5), TypeError,
     "conv2d_backward: cache expects item 'x_shape' of the cache returned by conv2d_forward "
     "to be a shape, a tuple of 4 integers, got (2, 3, 5)"),
    ("max_pool2d", 0, [2, 3, 4, 4], TypeError,
     "max_pool2d_backward: cache expects item 'x_shape' of the cache returned by "
     "max_pool2d_forward to be a shape, a tuple of 4 integers, got [2, 3, 4, 4]"),
    ("max_pool2d", 0, (2, 3, 4.0, 4), TypeError,
     "max_pool2d_backward: cache expects item 'x_shape' of the cache returned by "
     "max_pool2d_forward to be a shape, a tuple of 4 integers, got (2, 3, 4.0, 4)"),
    ("affine", 1, np.ones(4), ValueError,
     "affine_backward: cache expects item 'w' of the cache returned by affine_forward to be a "
     "2-D array (D, M), got shape (4,)"),
    ("affine", 1, np.ones((3, 2)), ValueError,
     "affine_backward: cache expects item 'w' of the cache returned by affine_forward to be "
     "of shape (D, M) with D=4 as in the items before it, got shape (3, 2)"),
    ("layernorm", 2, np.ones((4, 2)), ValueError,
     "layernorm_backward: cache expects item 'sigma' of the cache returned by "
     "layernorm_forward to be of shape (N, 1) with 1=1 as in the items before it, got shape "
     "(4, 2)"),
    ("layernorm", 2, np.ones(3), ValueError,   # batch norm's σ (D,) in a layer-norm cache
     "layernorm_backward: cache expects item 'sigma' of the cache returned by "
     "layernorm_forward to be a 2-D array (N, 1), got shape (3,)"),
    ("lstm", 7, np.ones((2, 3, 4)), ValueError,
     "lstm_backward: cache expects item 'h' of the cache returned by lstm_forward to be of "
     "shape (N, T, H) with H=5 as in the items before it, got shape (2, 3, 4)"),
]


@pytest.mark.parametrize("name, index, value, error, message", HAND_BUILT)
def test_a_hand_built_cache_with_a_wrong_item_is_refused(name, index, value, error, message):
    douts, cache = _hand_built(name, index, value)
    with pytest.raises(error) as info:
        _backward(name, douts, cache)
    assert str(info.value) == message


def test_a_hand_built_cache_may_hold_numpy_integers():
    douts, cache = _hand_built("conv2d", 3, np.int64(1))
    np.testing.assert_array_equal(_backward("conv2d", douts, cache)[0],
                                  _backward("conv2d", douts, _run("conv2d")[1])[0])
    douts, cache = _hand_built("max_pool2d", 0, (np.int32(2), 3, 4, 4))
    assert _backward("max_pool2d", douts, cache)[0].shape == (2, 3, 4, 4)


def test_cache_spec_reads_names_kinds_and_axes():
    assert _validate.cache_spec(" x: float N D ,stride: int, s: shape 4, m: bool *") == (
        ("x", "float", ("N", "D")), ("stride", "int", ()), ("s", "shape", ("4",)),
        ("m", "bool", ("*",)))


# ---------------------------------------------------------------- defect 4: non-finite input

def _float_arguments(name):
    """(argument name, is it an upstream gradient) for every float array the pair reads."""
    inputs, options = PAIRS[name]
    douts, _ = _run(name)
    return ([(k, False) for k, a in inputs.items() if np.asarray(a).dtype.kind == "f"]
            + [(i, True) for i in range(len(douts))])


CASES = [(name, arg, grad) for name in PAIRS for arg, grad in _float_arguments(name)]


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name, arg, is_dout", CASES)
def test_non_finite_input_or_dout_is_refused_by_name(name, arg, is_dout, bad):
    inputs, options = PAIRS[name]
    forward, backward = _pair(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # no RuntimeWarning on the way
        if is_dout:
            douts, cache = _run(name)
            douts[arg] = douts[arg].copy()
            douts[arg].flat[-1] = bad
            names = {"lstm_step": ("dh", "dc")}.get(name, ())
            argname = names[arg] if names else ("dh" if "rnn" in name or "lstm" in name
                                                or "gru" in name else "dout")
            call = lambda: backward(*douts, cache)  # noqa: E731
        else:
            args = dict(inputs)
            args[arg] = args[arg].copy()
            args[arg].flat[-1] = bad
            argname = arg
            call = lambda: forward(**args, **options)  # noqa: E731
        with pytest.raises(ValueError) as info:
            call()
    fname = f"{name}_{'backward' if is_dout else 'forward'}"
    assert str(info.value).startswith(f"{fname}: {argname} expects finite numbers, got {bad}")


def test_the_reviewers_non_finite_cases():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"^layernorm_forward: x expects finite numbers, "
                                             r"got inf at index \(0, 1\) \(x.shape=\(1, 2\)\)$"):
            L.layernorm_forward(np.array([[1.0, np.inf]]), np.ones(2), np.zeros(2))
        p = _recurrent(1, True)
        with pytest.raises(ValueError, match="^rnn_forward: x expects finite numbers, got inf"):
            L.rnn_forward(**{**p, "x": np.full((2, 3, 4), np.inf)})


def test_the_sigmoid_helper_refuses_nan_too():
    with pytest.raises(ValueError, match=r"^sigmoid: x expects finite numbers, got nan"):
        L.sigmoid(np.array([0.0, np.nan]))


# ---------------------------------------------------------------- defect 11: masked arrays

MASKED = [(name, arg) for name in PAIRS for arg, a in PAIRS[name][0].items()
          if isinstance(a, np.ndarray)]


@pytest.mark.parametrize("name, arg", MASKED)
def test_masked_arrays_are_refused(name, arg):
    inputs, options = PAIRS[name]
    args = dict(inputs)
    args[arg] = np.ma.masked_array(args[arg], mask=np.zeros(args[arg].shape, dtype=bool))
    with pytest.raises(TypeError) as info:
        _pair(name)[0](**args, **options)
    assert str(info.value).startswith(f"{name}_forward: {arg} expects a plain numpy array, got a "
                                      f"masked array (numpy.ma): its mask would be ignored")


def test_a_masked_dout_and_a_masked_attention_mask_are_refused():
    douts, cache = _run("affine")
    with pytest.raises(TypeError, match="^affine_backward: dout expects a plain numpy array"):
        L.affine_backward(np.ma.masked_array(douts[0]), cache)
    inputs, options = PAIRS["attention"]
    with pytest.raises(TypeError, match="^attention_forward: mask expects a plain numpy array"):
        L.attention_forward(**inputs, mask=np.ma.masked_array(options["mask"]))


# ---------------------------------------------------------------- defect 11: no −0.0

def _negative_zeros(arrays) -> int:
    return sum(int(np.sum((np.asarray(g) == 0) & np.signbit(g))) for g in arrays)


def test_the_reviewers_negative_zeros():
    assert _negative_zeros([L.relu_backward(-np.ones(1), L.relu_forward(np.array([-2.0]))[1])]) \
        == 0
    for name in ("sigmoid", "tanh"):
        forward, backward = _pair(name)
        assert _negative_zeros([backward(-np.ones(1), forward(np.array([40.0]))[1])]) == 0


ZEROS = {  # inputs whose local gradients are exactly 0 somewhere
    "relu": {"x": np.array([[-2.0, 0.0, 3.0]])},
    "sigmoid": {"x": np.array([[-800.0, 40.0, 0.5]])},
    "tanh": {"x": np.array([[-40.0, 40.0, 0.5]])},
    "softmax": {"x": np.array([[1.0, 0.0, -800.0]])},   # p = 0 where dout is most negative
}


@pytest.mark.parametrize("name", list(ZEROS))
@pytest.mark.parametrize("scalar", [False, True])
def test_no_backward_returns_negative_zero(name, scalar):
    inputs = ZEROS[name]
    forward, backward = _pair(name)
    if scalar and name != "softmax":
        for x in inputs["x"].ravel():
            assert _negative_zeros([backward(np.float64(-1.0), forward(float(x))[1])]) == 0
        return
    out, cache = forward(**inputs)
    dx = backward(-np.ones_like(out) - np.arange(out.size).reshape(out.shape), cache)
    assert _negative_zeros([dx]) == 0
    assert np.any(dx == 0)                        # the case does reach a zero


@pytest.mark.parametrize("name", list(PAIRS))
def test_no_backward_returns_negative_zero_on_zero_inputs(name):
    """All-zero float inputs (options as in the table) and a negative upstream gradient."""
    inputs, options = PAIRS[name]
    zeros = {k: (np.zeros_like(a) if np.asarray(a).dtype.kind == "f" else a)
             for k, a in inputs.items()}
    if "running_var" in zeros:
        zeros["running_var"] = np.ones_like(zeros["running_var"])
    douts, cache = _run(name, zeros, options)
    assert _negative_zeros(_backward(name, [-np.ones_like(d) for d in douts], cache)) == 0
