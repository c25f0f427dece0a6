"""Notebook 04's exercise checkers accept a right answer and reject wrong ones and the stubs."""

import numpy as np

from helpers.exercises.nb04 import (
    check_gradient_from_jacobian,
    check_sigmoid_jacobian,
    check_window_backward,
)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------- stubs as shipped
def stub_sigmoid_jacobian(z):
    J = None  # TODO
    return J


def stub_window_backward(x, W, b, u):
    delta = None  # TODO
    dW = None  # TODO
    return delta, dW


def stub_gradient_from_jacobian(dz, J, W_shape):
    raise NotImplementedError


# ---------------------------------------------------------------- 1
def test_sigmoid_jacobian(capsys):
    assert check_sigmoid_jacobian(lambda z: np.diag(sigmoid(z) * (1 - sigmoid(z))))
    assert capsys.readouterr().out.startswith("✓")
    assert not check_sigmoid_jacobian(stub_sigmoid_jacobian)
    assert "not yet" in capsys.readouterr().out
    assert not check_sigmoid_jacobian(lambda z: sigmoid(z) * (1 - sigmoid(z)))
    assert "diagonal only" in capsys.readouterr().out
    assert not check_sigmoid_jacobian(lambda z: np.diag(sigmoid(z)))
    assert "σ′" in capsys.readouterr().out
    assert not check_sigmoid_jacobian(lambda z: np.outer(sigmoid(z), 1 - sigmoid(z)))
    assert not check_sigmoid_jacobian(lambda z: ["a"] * len(z))
    assert not check_sigmoid_jacobian(lambda z: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


# ---------------------------------------------------------------- 2
def right_window_backward(x, W, b, u):
    h = np.tanh(W @ x + b)
    delta = u * (1 - h ** 2)
    return delta, np.outer(delta, x)


def test_window_backward(capsys):
    assert check_window_backward(right_window_backward)
    assert capsys.readouterr().out.startswith("✓")
    assert not check_window_backward(stub_window_backward)
    assert "not yet" in capsys.readouterr().out
    assert not check_window_backward(lambda x, W, b, u: (u, np.outer(u, x)))
    assert "1 − h²" in capsys.readouterr().out

    def transposed(x, W, b, u):
        delta, dW = right_window_backward(x, W, b, u)
        return delta, dW.T
    assert not check_window_backward(transposed)
    assert "transpose" in capsys.readouterr().out
    assert not check_window_backward(lambda x, W, b, u: right_window_backward(x, W, b, u)[0])
    assert not check_window_backward(lambda x, W, b, u: (np.zeros(3), [[1, 2], [3]]))


# ---------------------------------------------------------------- 3
def test_gradient_from_jacobian(capsys):
    assert check_gradient_from_jacobian(lambda dz, J, shape: (dz @ J).reshape(shape))
    assert capsys.readouterr().out.startswith("✓")
    assert not check_gradient_from_jacobian(stub_gradient_from_jacobian)
    assert "not yet" in capsys.readouterr().out
    assert not check_gradient_from_jacobian(lambda dz, J, shape: dz @ J)
    assert "Jacobian form" in capsys.readouterr().out
    assert not check_gradient_from_jacobian(
        lambda dz, J, shape: (dz @ J).reshape(shape, order="F"))
    assert "wrong places" in capsys.readouterr().out
    assert not check_gradient_from_jacobian(lambda dz, J, shape: (J.T @ dz).reshape(shape).T)
    assert not check_gradient_from_jacobian(lambda dz, J, shape: [[1, 2], [3]])
