"""helpers.layers: embedding_forward / embedding_backward."""

import numpy as np
import pytest

from helpers.gradcheck import numerical_gradient_array, rel_error
from helpers.layers import embedding_backward, embedding_forward

rng = np.random.default_rng(2)


@pytest.mark.parametrize("ids_shape, V, D", [((2, 3), 5, 4), ((1, 1), 1, 2), ((4,), 3, 3)])
def test_embedding_gradcheck(ids_shape, V, D):
    ids, W = rng.integers(0, V, size=ids_shape), rng.standard_normal((V, D))
    out, cache = embedding_forward(ids, W)
    assert out.shape == ids_shape + (D,)
    dout = rng.standard_normal(out.shape)
    num = numerical_gradient_array(lambda w: embedding_forward(ids, w)[0], W.copy(), dout)
    assert rel_error(embedding_backward(dout, cache), num) < 1e-7


def test_embedding_values_and_duplicates_accumulate():
    W = np.arange(12.0).reshape(4, 3)
    ids = np.array([[1, 3, 1], [1, 0, 3]])          # id 1 three times, id 3 twice, id 2 never
    out, cache = embedding_forward(ids, W)
    np.testing.assert_array_equal(out[0, 1], [9.0, 10.0, 11.0])
    dout = np.arange(18.0).reshape(2, 3, 3)
    dW = embedding_backward(dout, cache)
    np.testing.assert_array_equal(dW, [[12.0, 13.0, 14.0],                  # dout[1, 1]
                                       [0 + 6 + 9, 1 + 7 + 10, 2 + 8 + 11],  # dout[0,0]+[0,2]+[1,0]
                                       [0.0, 0.0, 0.0],
                                       [3 + 15, 4 + 16, 5 + 17]])            # dout[0,1]+[1,2]


def test_inputs_are_not_modified_and_out_is_a_copy():
    W, ids = rng.standard_normal((5, 2)), np.array([[0, 4], [4, 4]])
    W0, ids0 = W.copy(), ids.copy()
    out, cache = embedding_forward(ids, W)
    out[:] = 0.0                                     # writing to out must not reach W
    dout = np.ones((2, 2, 2))
    embedding_backward(dout, cache)
    np.testing.assert_array_equal(W, W0)
    np.testing.assert_array_equal(ids, ids0)
    np.testing.assert_array_equal(dout, 1.0)


def test_unsigned_and_int32_ids():
    W = rng.standard_normal((3, 2))
    for dtype in (np.uint8, np.int32):
        out, _ = embedding_forward(np.array([[2, 0]], dtype=dtype), W)
        np.testing.assert_array_equal(out[0], W[[2, 0]])


@pytest.mark.parametrize("ids, W, exc, words", [
    (np.array([[0, 5]]), np.ones((5, 2)), ValueError, ["ids", "expects values in [0, 5), got 5"]),
    (np.array([[0, -1]]), np.ones((5, 2)), ValueError, ["ids", "in [0, 5), got -1"]),
    (np.array([[7, -2]]), np.ones((5, 2)), ValueError, ["ids", "in [0, 5), got -2"]),
    (np.array([[0.0, 1.0]]), np.ones((5, 2)), ValueError, ["ids", "integer", "float64"]),
    (np.array([["a"]]), np.ones((5, 2)), TypeError, ["ids", "integers", "<U1"]),
    ([[0, 1]], np.ones((5, 2)), TypeError, ["ids", "numpy array", "list"]),
    (np.zeros((1, 2, 3), dtype=int), np.ones((5, 2)), ValueError, ["ids", "2-D or 1-D"]),
    (np.array([[0, 1]]), np.ones(5), ValueError, ["W", "2-D", "(V, D)", "(5,)"]),
    (np.array([[0, 1]]), np.ones((5, 2), dtype=bool), TypeError, ["W", "bool"]),
])
def test_embedding_bad_input(ids, W, exc, words):
    with pytest.raises(exc) as info:
        embedding_forward(ids, W)
    msg = str(info.value)
    assert msg.startswith("embedding_forward:"), msg
    for word in words:
        assert word in msg, (word, msg)


def test_embedding_backward_checks_dout_shape():
    _, cache = embedding_forward(np.array([[0, 1, 2]]), np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"embedding_backward: dout expects ids\.shape \+ \(D,\), "
                                         r"the forward output's shape \(1, 3, 4\), got shape "
                                         r"\(1, 2, 4\)"):
        embedding_backward(np.ones((1, 2, 4)), cache)


@pytest.mark.parametrize("dout_shape", [(1, 1, 4), (3, 4), (1, 3), (1, 3, 4, 1), (4,)])
def test_embedding_backward_refuses_a_dout_that_would_broadcast(dout_shape):
    """np.add.at would broadcast a (1, 1, D) gradient over every id without complaint."""
    _, cache = embedding_forward(np.array([[0, 1, 2]]), np.ones((3, 4)))
    with pytest.raises(ValueError, match=r"embedding_backward: dout expects ids\.shape \+ \(D,\), "
                                         r"the forward output's shape \(1, 3, 4\), got shape"):
        embedding_backward(np.ones(dout_shape), cache)


def test_embedding_backward_checks_dout_type():
    _, cache = embedding_forward(np.array([[0, 1]]), np.ones((3, 4)))
    with pytest.raises(TypeError, match="embedding_backward: dout expects a numpy array, got list"):
        embedding_backward([[[1.0] * 4] * 2], cache)
    with pytest.raises(TypeError, match="embedding_backward: dout expects an array of real"):
        embedding_backward(np.full((1, 2, 4), "a"), cache)


# ---------------------------------------------------------------- review 10 round 2, defect 2

def test_dW_has_W_shape_or_dout_is_refused():
    """dout (1, 2, 5) for W (3, 2) gave a (3, 5) dW: the cache kept V but not D."""
    _, cache = embedding_forward(np.array([[0, 1]]), np.zeros((3, 2)))
    with pytest.raises(ValueError) as info:
        embedding_backward(np.ones((1, 2, 5)), cache)
    assert str(info.value) == ("embedding_backward: dout expects ids.shape + (D,), the forward "
                               "output's shape (1, 2, 2), got shape (1, 2, 5)")


@pytest.mark.parametrize("ids_shape, V, D", [((2, 3), 4, 1), ((5,), 2, 3), ((1, 1), 1, 4),
                                             ((2, 2), 3, 0)])
def test_dW_always_has_W_shape(ids_shape, V, D):
    ids = np.arange(int(np.prod(ids_shape))).reshape(ids_shape) % V
    out, cache = embedding_forward(ids, np.ones((V, D)))
    assert embedding_backward(np.ones(out.shape), cache).shape == (V, D)
    for wrong in (D + 1, D + 2):
        with pytest.raises(ValueError, match="embedding_backward: dout expects ids.shape"):
            embedding_backward(np.ones(ids_shape + (wrong,)), cache)
