import numpy as np
import pytest

from helpers.gradcheck import (
    check_layer,
    forward_difference,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
)


def test_numerical_gradient_of_a_quadratic_is_exact_to_roundoff():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    x = np.array([0.5, -1.5])
    before = x.copy()
    g = numerical_gradient(lambda z: 0.5 * z @ A @ z, x)
    np.testing.assert_allclose(g, A @ x, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(x, before)  # restored


def test_central_beats_forward_difference():
    x = np.array([1.0])
    exact = 3.0  # d/dx x^3 at 1
    central = numerical_gradient(lambda z: z[0] ** 3, x, h=1e-3)[0]
    forward = forward_difference(lambda z: z[0] ** 3, x, h=1e-3)[0]
    assert abs(central - exact) < 2e-6 < abs(forward - exact)


def test_numerical_gradient_array_is_the_vector_jacobian_product():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 4))
    x = rng.standard_normal(4)
    dout = rng.standard_normal(3)
    g = numerical_gradient_array(lambda z: W @ z, x, dout)
    np.testing.assert_allclose(g, W.T @ dout, rtol=1e-8)


def test_rel_error_values():
    assert rel_error(np.array([1.0]), np.array([1.0])) == 0.0
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == pytest.approx(0.2)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="rel_error"):
        rel_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_rejects_integer_arrays():
    with pytest.raises(TypeError, match="numerical_gradient: x expects a floating-point"):
        numerical_gradient(lambda z: z.sum(), np.arange(3))


def _scale_forward(x, w):
    return x * w, (x, w)


def _scale_backward(dout, cache):
    x, w = cache
    return dout * w, np.sum(dout * x)


def _wrong_backward(dout, cache):
    x, w = cache
    return dout * w, np.sum(dout * x) * 1.01


def test_check_layer_passes_a_right_backward_and_fails_a_wrong_one(capsys):
    inputs = {"x": np.linspace(-1, 1, 6).reshape(2, 3), "w": np.array(0.7)}
    good = check_layer(_scale_forward, _scale_backward, inputs, name="scale")
    assert good.passed and good.max_error < 1e-9
    assert capsys.readouterr().out == "scale: dx, dw — max relative error < 1e-07 ✓\n"
    bad = check_layer(_scale_forward, _wrong_backward, inputs, name="scale")
    assert not bad.passed and bad.errors["w"] > 1e-3 and bad.errors["x"] < 1e-9
    assert "✗" in capsys.readouterr().out
    np.testing.assert_array_equal(inputs["x"], np.linspace(-1, 1, 6).reshape(2, 3))


def test_richardson_cancels_the_h_squared_error():
    x = np.array([0.3, -1.2, 2.0])
    dout = np.ones(3)
    exact = np.cos(x)
    plain = numerical_gradient_array(np.sin, x.copy(), dout, h=1e-3)
    rich = numerical_gradient_array(np.sin, x.copy(), dout, h=1e-3, richardson=True)
    assert rel_error(plain, exact) > 1e-8        # O(h²) = 1e-7-ish relative
    assert rel_error(rich, exact) < 1e-11


def _lookup_forward(ids, W):
    return W[ids], (ids, W.shape)


def _lookup_backward(dout, cache):
    ids, shape = cache
    dW = np.zeros(shape)
    np.add.at(dW, ids, dout)
    return dW


def test_check_layer_pairs_a_short_gradient_tuple_with_the_float_inputs():
    ids = np.array([[0, 2, 0]])
    W = np.arange(6.0).reshape(3, 2)
    res = check_layer(_lookup_forward, _lookup_backward, {"ids": ids, "W": W}, verbose=False)
    assert list(res.errors) == ["W"] and res.passed
