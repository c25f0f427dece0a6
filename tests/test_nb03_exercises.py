"""Notebook 03's checkers accept a right answer and reject a wrong one and the shipped stub."""

from __future__ import annotations

import numpy as np

from helpers.exercises.nb03 import (
    XOR_INPUTS,
    check_matmul_left_backward,
    check_sum_to_shape,
    check_xor_weights,
    step_network,
)

# --- exercise 1: Y = W·X ---------------------------------------------------------------


def right_matmul_left(dY, W, X):
    return dY @ X.T, W.T @ dY


def test_matmul_left_accepts_right_answer(capsys):
    assert check_matmul_left_backward(right_matmul_left) is True
    assert capsys.readouterr().out.startswith("✓")


def test_matmul_left_rejects_wrong_answers(capsys):
    def swapped(dY, W, X):            # the row-convention answer, which does not fit
        return X.T @ dY, dY @ W.T

    def no_transpose(dY, W, X):       # right values for square shapes only
        return dY @ X.T, W @ dY if W.shape[0] == W.shape[1] else W.T @ dY * 2

    def in_place(dY, W, X):
        X *= 1.0000001
        return dY @ X.T, W.T @ dY

    for wrong in (swapped, no_transpose, in_place, lambda dY, W, X: 1 / 0,
                  lambda dY, W, X: dY @ X.T):
        assert check_matmul_left_backward(wrong) is False
        assert capsys.readouterr().out.startswith("not yet:")


def test_matmul_left_rejects_the_stub(capsys):
    def stub(dY, W, X):
        dW = None  # TODO
        dX = None  # TODO
        return (dW, dX) if dW is not None else None

    assert check_matmul_left_backward(stub) is False
    assert "TODO" in capsys.readouterr().out


# --- exercise 2: sum_to_shape ------------------------------------------------------------


def right_sum_to_shape(grad, shape):
    lead = grad.ndim - len(shape)
    out = grad.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    return out.sum(axis=stretched, keepdims=True).reshape(shape)


def test_sum_to_shape_accepts_right_answer(capsys):
    assert check_sum_to_shape(right_sum_to_shape) is True
    assert capsys.readouterr().out.startswith("✓")


def test_sum_to_shape_rejects_wrong_answers(capsys):
    def bias_only(grad, shape):            # right for (M,) biases, wrong elsewhere
        return grad.sum(axis=0)

    def mean_not_sum(grad, shape):
        lead = grad.ndim - len(shape)
        out = grad.mean(axis=tuple(range(lead)))
        stretched = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
        return out.mean(axis=stretched, keepdims=True).reshape(shape)

    def in_place(grad, shape):
        result = right_sum_to_shape(grad, shape)
        grad[...] = 0
        return result

    for wrong in (bias_only, mean_not_sum, in_place):
        assert check_sum_to_shape(wrong) is False
        assert capsys.readouterr().out.startswith("not yet:")


def test_sum_to_shape_rejects_the_stub(capsys):
    def stub(grad, shape):
        return None

    assert check_sum_to_shape(stub) is False
    assert "TODO" in capsys.readouterr().out


# --- exercise 3: XOR by hand -------------------------------------------------------------


def test_step_network_on_the_notebook_weights():
    W1 = np.array([[-0.5, 0.5], [-0.5, 0.5]])     # NAND and OR columns
    b1 = np.array([0.7, -0.2])
    out = step_network(W1, b1, np.array([0.5, 0.5]), -0.7, XOR_INPUTS)
    np.testing.assert_array_equal(out, [0, 1, 1, 0])


def test_xor_accepts_right_answers(capsys):
    # the exercise's decomposition: (x1 and not x2) or (not x1 and x2)
    assert check_xor_weights(np.array([[1, -1], [-1, 1]]), np.array([-0.5, -0.5]),
                             np.array([1, 1]), -0.5) is True
    # NAND + OR → AND, with plain lists and a numpy scalar
    assert check_xor_weights([[-0.5, 0.5], [-0.5, 0.5]], [0.7, -0.2], [0.5, 0.5],
                             np.float64(-0.7)) is True
    assert capsys.readouterr().out.count("✓") == 2


def test_xor_rejects_wrong_answers(capsys):
    wrong = [
        (np.array([[1, -1], [-1, 1]]), np.array([-0.5, -0.5]), np.array([1, 1]), -1.5),  # AND
        (np.eye(2), np.zeros(2), np.ones(2), 0.0),                                       # OR-ish
        (np.eye(3), np.zeros(2), np.ones(2), 0.0),                                       # shape
        ("ab", np.zeros(2), np.ones(2), 0.0),                                            # type
    ]
    for args in wrong:
        assert check_xor_weights(*args) is False
        assert capsys.readouterr().out.startswith("not yet:")


def test_xor_rejects_the_stub(capsys):
    assert check_xor_weights(None, None, None, None) is False
    assert "TODO" in capsys.readouterr().out


def test_xor_hint_shows_the_hidden_layer(capsys):
    # identity hidden layer + OR output: wrong only on (1, 1); the hint shows h for every row
    assert check_xor_weights(np.eye(2), np.zeros(2), np.ones(2), 0.0) is False
    out = capsys.readouterr().out
    assert "11→h=(1,1)→1" in out and "fires only on 10" in out


def test_xor_refuses_string_and_nan_weights(capsys):
    odd = [([["a", "b"], ["c", "d"]], "W1 should be numbers, got strings"),
           (np.full((2, 2), np.nan), "W1 contains nan"),
           ({"W1": 1}, "W1 should be an array of numbers, got a dict")]
    for W1, words in odd:
        assert check_xor_weights(W1, np.zeros(2), np.ones(2), 0.0) is False
        assert words in capsys.readouterr().out
