"""Notebook 03's exercise checkers: the right answers pass; the reference, the stub and the
classic mistakes each get their own hint."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_tools import not_implemented as _not_implemented
from exercise_tools import says as _says
from exercise_tools import stub as _stub

import helpers.layers as L
from helpers.exercises import nb03
from helpers.exercises.nb03 import (
    XOR_INPUTS,
    check_matmul_left_backward,
    check_sum_to_shape,
    check_two_layer_backward,
    check_xor_weights,
    step_network,
)
from helpers.gradcheck import numerical_gradient, rel_error


def test_the_exercises_are_numbered_in_order():
    records = [f.exercise for f in (check_matmul_left_backward, check_xor_weights,
                                    check_two_layer_backward, check_sum_to_shape)]
    assert [(r.notebook, r.number) for r in records] == [("03", 1), ("03", 2), ("03", 3),
                                                         ("03", 4)]


def test_the_cases_tried(capsys):
    # every size equal first (only values can tell a wrong order), then distinct sizes and
    # size-1 axes; the broadcasts: bias, row, column, none, scalar, and two with a leading axis
    assert nb03._MATMUL_SHAPES == [(3, 3, 3), (2, 3, 4), (3, 5, 1), (4, 1, 3), (1, 3, 2)]
    assert nb03._BROADCAST_CASES == [((4, 3), (3,)), ((4, 3), (1, 3)), ((4, 3), (4, 1)),
                                     ((4, 3), (4, 3)), ((4, 3), ()), ((2, 4, 3), (4, 1)),
                                     ((2, 4, 3), (3,))]


# --- exercise 1: Y = W·X ---------------------------------------------------------------


def right_matmul_left(dY, W, X):
    return dY @ X.T, W.T @ dY


def test_matmul_left_accepts_right_answer(capsys):
    assert check_matmul_left_backward(right_matmul_left) is True
    assert capsys.readouterr().out.startswith("✓")
    assert check_matmul_left_backward.exercise.number == 1
    assert check_matmul_left_backward(lambda dY, W, X: [dY @ X.T, (dY.T @ W).T]) is True
    capsys.readouterr()


@pytest.mark.parametrize("wrong, hint", [
    (lambda dY, W, X: (X.T @ dY, dY @ W.T), "that is the row convention's rule"),
    (lambda dY, W, X: (dY @ X, W.T @ dY), "dW: X must be transposed"),
    (lambda dY, W, X: (dY @ X.T, W @ dY), "dX: W must be transposed"),
    (lambda dY, W, X: (X @ dY.T, W.T @ dY), "dW is transposed"),
    (lambda dY, W, X: (dY @ X.T, dY.T @ W), "dX is transposed"),
    (lambda dY, W, X: (W.T @ dY, dY @ X.T), "dW holds what dX should"),
    (lambda dY, W, X: (2 * dY @ X.T, W.T @ dY), "dW is exactly 2×"),
    (lambda dY, W, X: (dY @ X.T,), "return 2 arrays, in this order: dW, dX"),
    (lambda dY, W, X: (W, X), "dW: that is the input W handed back, not its gradient"),
    (lambda dY, W, X: (dY @ X.T, X), "dX: that is the input X handed back, not its gradient"),
])
def test_matmul_left_mistakes_get_their_hints(capsys, wrong, hint):
    assert check_matmul_left_backward(wrong) is False
    assert _says(capsys, hint)


def test_matmul_left_square_case_comes_first(capsys):
    # right only when W is square: caught by its values on the first case, M = K = N = 3
    assert check_matmul_left_backward(lambda dY, W, X: (dY @ X, W @ dY)) is False
    assert _says(capsys, "with M, K, N = 3, 3, 3: dW: X must be transposed")


def test_matmul_left_wrong_shape_says_which_transposes(capsys):
    def right_on_square_only(dY, W, X):
        if W.shape[0] == W.shape[1] == X.shape[1]:
            return right_matmul_left(dY, W, X)
        return dY @ X.T, (W.T @ dY)[:, :1]

    assert check_matmul_left_backward(right_on_square_only) is False
    assert _says(capsys, "with M, K, N = 2, 3, 4: dX should have shape (3, 4), got (3, 1)")
    assert check_matmul_left_backward(lambda dY, W, X: (dY @ X.T, (W.T @ dY).T)) is False
    assert _says(capsys, "with M, K, N = 3, 3, 3: dX is transposed")

    def transposed_unless_square(dY, W, X):
        dW, dX = right_matmul_left(dY, W, X)
        return dW, dX if dX.shape[0] == dX.shape[1] else dX.T

    assert check_matmul_left_backward(transposed_unless_square) is False
    assert _says(capsys, "dX should have shape (3, 4), got (4, 3): the transposed shape: a "
                         "missing transpose? (W (2, 3), X (3, 4); which transposes make it fit?)")


def test_matmul_left_edits_and_errors(capsys):
    def in_place(dY, W, X):
        X *= 1.0000001
        return dY @ X.T, W.T @ dY

    assert check_matmul_left_backward(in_place) is False
    assert _says(capsys, "in place")
    assert check_matmul_left_backward(lambda dY, W, X: 1 / 0) is False
    assert _says(capsys, "ZeroDivisionError")
    for stub in (_stub, _not_implemented):
        assert check_matmul_left_backward(stub) is False
        assert _says(capsys, "TODO")


def test_matmul_left_accepts_only_tight_values(capsys):
    assert check_matmul_left_backward(
        lambda dY, W, X: (dY @ X.T * (1 + 1e-7), W.T @ dY)) is False
    capsys.readouterr()
    assert check_matmul_left_backward(
        lambda dY, W, X: (dY @ X.T + 1e-6, W.T @ dY)) is False
    capsys.readouterr()


# --- exercise 2: XOR by hand -------------------------------------------------------------


def test_step_network_on_the_notebook_weights():
    W1 = np.array([[-0.5, 0.5], [-0.5, 0.5]])     # NAND and OR columns
    b1 = np.array([0.7, -0.2])
    out = step_network(W1, b1, np.array([0.5, 0.5]), -0.7, XOR_INPUTS)
    np.testing.assert_array_equal(out, [0, 1, 1, 0])
    assert out.dtype.kind == "i"
    # step(0) = 0: a unit exactly on its threshold does not fire
    np.testing.assert_array_equal(step_network(np.zeros((2, 2)), np.zeros(2), np.ones(2), 0.0),
                                  [0, 0, 0, 0])
    np.testing.assert_array_equal(step_network(np.eye(2), np.zeros(2), np.ones(2), 0.0),
                                  [0, 1, 1, 1])


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
        ((np.array([[1, -1], [-1, 1]]), np.array([-0.5, -0.5]), np.array([1, 1]), -1.5),
         "10→h=(1,0)→0"),                                                         # AND output
        ((np.eye(3), np.zeros(2), np.ones(2), 0.0), "W1 should have shape (2, 2)"),
        ((np.eye(2), np.zeros(3), np.ones(2), 0.0), "b1 should have shape (2,)"),
        ((np.eye(2), np.zeros(2), np.ones(3), 0.0), "w2 should have shape (2,)"),
        ((np.eye(2), np.zeros(2), np.ones(2), [0.0]), "b2 should have shape ()"),
        (("ab", np.zeros(2), np.ones(2), 0.0), "W1 should be numbers"),
    ]
    for args, words in wrong:
        assert check_xor_weights(*args) is False
        assert _says(capsys, words)


def test_xor_rejects_the_stub(capsys):
    assert check_xor_weights(None, None, None, None) is False
    assert capsys.readouterr().out == f"not yet: {nb03.NOT_DONE}\n"
    assert check_xor_weights(np.eye(2), np.zeros(2), np.ones(2), None) is False
    assert capsys.readouterr().out == f"not yet: {nb03.NOT_DONE}\n"
    assert check_xor_weights.exercise.number == 2


def test_xor_hint_shows_the_hidden_layer(capsys):
    # identity hidden layer + OR output: wrong only on (1, 1); the hint shows h for every row
    assert check_xor_weights(np.eye(2), np.zeros(2), np.ones(2), 0.0) is False
    out = capsys.readouterr().out
    assert "00→h=(0,0)→0, 10→h=(1,0)→1, 01→h=(0,1)→1, 11→h=(1,1)→1" in out
    assert "fires only on 10" in out


def test_xor_refuses_string_and_nan_weights(capsys):
    odd = [([["a", "b"], ["c", "d"]], "W1 should be numbers, got strings"),
           (np.full((2, 2), np.nan), "W1 contains nan"),
           ({"W1": 1}, "W1 should be an array of numbers, got a dict")]
    for W1, words in odd:
        assert check_xor_weights(W1, np.zeros(2), np.ones(2), 0.0) is False
        assert _says(capsys, words)


# --- exercise 3: the two-layer network ---------------------------------------------------


def two_layer(params, X, y, mistake=""):
    """The right loss and gradients, or the answer with one planted classic mistake."""
    W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
    N = X.shape[0]
    A = X @ W1 + b1
    H = np.maximum(A, 0.0)
    S = H @ W2 + b2
    if mistake == "naive softmax":
        P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
        logp = np.log(P)
    else:
        shifted = S - S.max(axis=1, keepdims=True)
        if mistake == "log of p":
            P = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
            logp = np.log(P)
        else:
            logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            P = np.exp(logp)
    losses = -logp[np.arange(N), y]
    loss = losses if mistake == "per-example loss" else losses.mean()
    Y = np.zeros_like(P)
    Y[np.arange(N), y] = 1.0
    dS = {"no one-hot": P / N, "1/N missing": P - Y, "1/N twice": (P - Y) / N ** 2,
          "wrong sign": (Y - P) / N}.get(mistake, (P - Y) / N)
    dW2 = {"A for H": A.T @ dS, "X for H": X.T @ dS, "dS.T @ H": dS.T @ H,
           "dS @ H": dS @ H if dS.shape[1] == N else None}.get(mistake, H.T @ dS)
    db2 = {"db mean": dS.mean(axis=0), "db over classes": dS.sum(axis=1),
           "db not summed": dS}.get(mistake, dS.sum(axis=0))
    dH = dS @ W2 if mistake == "W2 untransposed" else dS @ W2.T
    mask = {"no mask": 1.0, "mask H >= 0": H >= 0, "mask H": H, "mask A >= 0": A >= 0,
            "mask H > 0": H > 0}.get(mistake, A > 0)
    dA = dH * mask
    dW1 = {"H for X": H.T @ dA, "dA.T @ X": dA.T @ X}.get(mistake, X.T @ dA)
    db1 = dA.mean(axis=0) if mistake == "db mean" else dA.sum(axis=0)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def planted(mistake):
    return lambda params, X, y: two_layer(params, X, y, mistake)


def test_two_layer_accepts_right_answers(capsys):
    assert check_two_layer_backward(two_layer) is True
    assert capsys.readouterr().out.startswith("✓")
    # the mask from the post-activation, H > 0, is the same mask; a list, floats, extra keys
    assert check_two_layer_backward(planted("mask H > 0")) is True

    def other_forms(params, X, y):
        loss, grads = two_layer(params, X, y)
        return [np.float64(loss), {**{k: v.tolist() for k, v in grads.items()}, "extra": 1}]

    assert check_two_layer_backward(other_forms) is True
    assert capsys.readouterr().out.count("✓") == 2
    assert check_two_layer_backward.exercise.number == 3


def test_two_layer_reference_matches_numerical_gradients():
    rng = np.random.default_rng(0)
    params = {"W1": rng.standard_normal((3, 5)), "b1": rng.standard_normal(5),
              "W2": rng.standard_normal((5, 4)), "b2": rng.standard_normal(4)}
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 4, 6)
    expected, _ = nb03._network(params, X, y)
    loss, grads = two_layer(params, X, y)
    assert loss == pytest.approx(expected[0])
    for name, got in zip(("W2", "b2", "W1", "b1"), expected[1:], strict=True):
        num = numerical_gradient(lambda _: two_layer(params, X, y)[0], params[name])
        assert rel_error(got, num) < 1e-7, name
        assert rel_error(grads[name], got) < 1e-12, name


def test_two_layer_cases_are_what_they_say():
    cases = nb03._cases()
    assert [(X.shape[0], *p["W1"].shape, p["W2"].shape[1]) for _, p, X, _ in cases] == \
        [(3, 3, 3, 3), (5, 2, 7, 4), (1, 4, 3, 5), (4, 3, 6, 3)]
    _, params, X, y = cases[1]
    A = X @ params["W1"] + params["b1"]
    assert (X[2] == 0).all() and (A == 0).sum() == 4, "the zero example meets b1's four zeros"
    _, params, X, y = cases[3]
    S = np.maximum(X @ params["W1"] + params["b1"], 0) @ params["W2"] + params["b2"]
    n = np.ptp(S, axis=1).argmax()
    assert y[n] == S[n].argmin(), "the most spread-out example is labelled with its worst class"
    assert S[n].max() - S[n].min() > 800, "so its p rounds to 0 in float64"
    assert np.abs(params["W2"]).max() > 1000
    for _, params, _X, y in cases:
        assert y.dtype.kind == "i" and 0 <= y.min() and y.max() < params["W2"].shape[1]


def test_two_layer_refuses_the_reference(capsys):
    def with_layers(params, X, y):
        A, c1 = L.affine_forward(X, params["W1"], params["b1"])
        H, cr = L.relu_forward(A)
        S, c2 = L.affine_forward(H, params["W2"], params["b2"])
        loss, dS = L.softmax_cross_entropy(S, y)
        dH, dW2, db2 = L.affine_backward(dS, c2)
        dA = L.relu_backward(dH, cr)
        _, dW1, db1 = L.affine_backward(dA, c1)
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    assert check_two_layer_backward(with_layers) is False
    assert _says(capsys, "without helpers.layers.softmax_cross_entropy")


@pytest.mark.parametrize("mistake, hint", [
    ("per-example loss", "loss: the loss is one number"),
    ("no one-hot", "dW2: dscores = (p − onehot(y)) / N: the one-hot of the labels is not "
                   "subtracted"),
    ("1/N missing", "on 3 examples with every size 3 (K = H = C = N): dW2: the loss is a mean "
                    "over the N examples"),
    ("1/N twice", "dW2: the 1/N is applied twice"),
    ("wrong sign", "dW2 has the wrong sign"),
    ("A for H", "dW2: dW2 = Hᵀ·dscores: the second layer's input is H = relu(A), after the ReLU"),
    ("X for H", "dW2: dW2 = Hᵀ·dscores: the second layer's input is H, not X"),
    ("H for X", "dW1: dW1 = Xᵀ·dA: the first layer's input is X, not H"),
    ("dS.T @ H", "dW2: a weight gradient is inputᵀ·upstream: dW2 = Hᵀ·dscores (the product in "
                 "the other order"),
    ("dS @ H", "on 3 examples with every size 3 (K = H = C = N): dW2: a weight gradient is "
               "inputᵀ·upstream: dW2 = Hᵀ·dscores (a transpose is missing)"),
    ("dA.T @ X", "dW1: a weight gradient is inputᵀ·upstream: dW1 = Xᵀ·dA"),
    ("W2 untransposed", "dW1: on the way back through the second layer, dH = dscores·W2ᵀ"),
    ("db mean", "db2: a bias gradient is a plain sum over the batch (axis 0): dscores already "
                "carries the 1/N, so no mean"),
    ("db over classes", "db2: a bias gradient sums over the batch, axis 0"),
    ("db not summed", "db2 should have shape (3,), got (3, 3): one axis too many"),
    ("no mask", "dW1: ReLU passes the gradient only where A > 0"),
    ("mask H >= 0", "dW1: ReLU passes the gradient only where A > 0"),
    ("mask H", "dW1: ReLU's slope is the 0/1 mask A > 0, not the activation's value H"),
    ("mask A >= 0", "on 5 examples, K = 2 inputs, H = 7 hidden units, C = 4 classes: db1: "
                    "where a pre-activation is exactly 0 ReLU passes nothing"),
    # the naive softmax gives nan (inf/inf) or inf (log 0) depending on the fresh random case
    ("naive softmax", "on 4 examples with scores in the thousands: loss contains "),
    ("log of p", "on 4 examples with scores in the thousands: loss contains inf"),
])
def test_two_layer_mistakes_get_their_hints(capsys, mistake, hint):
    assert check_two_layer_backward(planted(mistake)) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet: ") and out.count("\n") == 1, out
    assert hint in out, out
    assert ("shift each row by its max" in out) == ("scores in the thousands" in hint)


def test_two_layer_db1_mistakes_are_named_too(capsys):
    def db1_only(wrong):
        def fn(params, X, y):
            loss, grads = two_layer(params, X, y)
            dA = grads["b1"] if wrong == "mean" else None
            N = X.shape[0]
            grads["b1"] = dA / N if wrong == "mean" else grads["b1"]
            if wrong == "classes":
                A = X @ params["W1"] + params["b1"]
                P = np.maximum(A, 0) @ params["W2"] + params["b2"]
                P = np.exp(P - P.max(axis=1, keepdims=True))
                P /= P.sum(axis=1, keepdims=True)
                P[np.arange(N), y] -= 1
                grads["b1"] = (P / N @ params["W2"].T * (A > 0)).sum(axis=1)
            return loss, grads
        return fn

    assert check_two_layer_backward(db1_only("mean")) is False
    assert _says(capsys, "db1: a bias gradient is a plain sum over the batch")
    assert check_two_layer_backward(db1_only("classes")) is False
    assert _says(capsys, "db1: a bias gradient sums over the batch, axis 0")


@pytest.mark.parametrize("answer, hint", [
    (lambda loss, g: g, "(got only a dict)"),
    (lambda loss, g: (loss, g["W1"], g["b1"], g["W2"], g["b2"]), "(got tuple of 5 items)"),
    (lambda loss, g: loss, "(got float64)"),
    (lambda loss, g: (loss, list(g.values())), "grads should be a dict of gradients, got list"),
    (lambda loss, g: (loss, {"d" + k: v for k, v in g.items()}),
     "grads has no key W1, b1, W2, b2 (name them after the parameters: grads['W1'] holds dW1)"),
    (lambda loss, g: (loss, {k: v for k, v in g.items() if k != "b2"}),
     "not yet: grads has no key b2: return all four, W1, b1, W2, b2\n"),
    (lambda loss, g: (g, loss), "grads should be a dict of gradients, got float"),
])
def test_two_layer_answers_of_the_wrong_form(capsys, answer, hint):
    def fn(params, X, y):
        return answer(*two_layer(params, X, y))

    assert check_two_layer_backward(fn) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet: ") and hint in out, out
    assert "W1" in out


def test_two_layer_parameters_handed_back(capsys):
    def params_back(params, X, y):
        loss = nb03._network(params, X, y)[0][0]
        return loss, {k: params[k].copy() for k in ("W1", "b1", "W2", "b2")}
    assert check_two_layer_backward(params_back) is False
    assert _says(capsys, "dW2: that is the parameter itself handed back, not its gradient")

    def loss_off(params, X, y):
        loss, grads = two_layer(params, X, y)
        return 0.9 * loss, grads
    assert check_two_layer_backward(loss_off) is False
    out = capsys.readouterr().out
    assert "loss is " in out and " instead of " in out and "constant factor" not in out, out


def test_two_layer_missing_key_hint_names_only_the_missing(capsys):
    def fn(params, X, y):
        loss, g = two_layer(params, X, y)
        return loss, {"W1": g["W1"], "dW2": g["W2"], "b1": g["b1"], "b2": g["b2"]}

    assert check_two_layer_backward(fn) is False
    assert _says(capsys, "grads has no key W2 (name them after the parameters")


def test_two_layer_in_place_and_stub(capsys):
    def in_place(params, X, y):
        loss, grads = two_layer(params, X, y)
        params["W1"] -= grads["W1"]
        return loss, grads

    assert check_two_layer_backward(in_place) is False
    assert _says(capsys, "changed its argument params in place")
    for stub in (_stub, _not_implemented):
        assert check_two_layer_backward(stub) is False
        assert _says(capsys, "TODO")


def test_two_layer_a_slightly_wrong_gradient_is_caught(capsys):
    def off(params, X, y):
        loss, grads = two_layer(params, X, y)
        grads["b1"] = grads["b1"] + 1e-5
        return loss, grads

    assert check_two_layer_backward(off) is False
    assert _says(capsys, "db1")


# --- exercise 4: sum_to_shape ------------------------------------------------------------


def right_sum_to_shape(grad, shape):
    lead = grad.ndim - len(shape)
    out = grad.sum(axis=tuple(range(lead)))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and out.shape[i] != 1)
    return out.sum(axis=stretched, keepdims=True).reshape(shape)


def test_sum_to_shape_accepts_right_answer(capsys):
    assert check_sum_to_shape(right_sum_to_shape) is True
    assert capsys.readouterr().out.startswith("✓")
    assert check_sum_to_shape.exercise.number == 4


def test_sum_to_shape_reference_agrees_with_numpy_broadcasting():
    rng = np.random.default_rng(1)
    for big, small in nb03._BROADCAST_CASES:
        grad = rng.standard_normal(big)
        x = rng.standard_normal(small)
        # the gradient of Σ grad ⊙ broadcast(x) with respect to x, by central differences
        num = np.zeros(small)
        for idx in np.ndindex(*small):
            e = np.zeros(small)
            e[idx] = 1.0
            num[idx] = (np.sum(grad * np.broadcast_to(x + e, big))
                        - np.sum(grad * np.broadcast_to(x - e, big))) / 2
        np.testing.assert_allclose(nb03._sum_to_shape(grad, small), num, atol=1e-12)


def test_sum_to_shape_reference_on_a_length_2_stretch():
    grad = np.arange(12.0).reshape(2, 2, 3)
    np.testing.assert_allclose(nb03._sum_to_shape(grad, (2, 1)), [[24.0], [42.0]])
    np.testing.assert_allclose(nb03._sum_to_shape(grad, (2, 1), keep_stretched=True),
                               grad.sum(axis=0))


def test_sum_to_shape_covers_every_kind_of_broadcast():
    smalls = [small for _, small in nb03._BROADCAST_CASES]
    assert () in smalls and (3,) in smalls and (1, 3) in smalls and (4, 1) in smalls
    assert any(len(big) == 3 for big, _ in nb03._BROADCAST_CASES)


@pytest.mark.parametrize("wrong, hint", [
    (lambda g, s: g.sum(axis=0), "for grad of shape (4, 3) and shape (1, 3): the result: the "
                                 "stretched axes are summed, but their length-1 axes are dropped"),
    (lambda g, s: g.sum(axis=tuple(range(g.ndim - len(s)))),
     "shape (1, 3): the result: the axes stretched from length 1 need a sum too"),
    (lambda g, s: right_sum_to_shape(g, s).reshape(tuple(n for n in s if n != 1)),
     "shape (1, 3): the result: the stretched axes are summed, but their length-1 axes are "
     "dropped"),
    (lambda g, s: right_sum_to_shape(g, s) / g.size * np.prod(s, dtype=int),
     "is exactly 1/4 of the right value"),
    (lambda g, s: np.full(s, g.sum()), "shape (3,): the result: only the added and the "
                                       "stretched axes are summed"),
])
def test_sum_to_shape_mistakes_get_their_hints(capsys, wrong, hint):
    assert check_sum_to_shape(wrong) is False
    assert _says(capsys, hint)


def test_sum_to_shape_edits_and_stub(capsys):
    def in_place(grad, shape):
        result = right_sum_to_shape(grad, shape)
        grad[...] = 0
        return result

    assert check_sum_to_shape(in_place) is False
    assert _says(capsys, "in place")
    for stub in (_stub, _not_implemented):
        assert check_sum_to_shape(stub) is False
        assert _says(capsys, "TODO")
    assert check_sum_to_shape(lambda g, s: right_sum_to_shape(g, s) + 1e-6) is False
    capsys.readouterr()


def test_the_square_case_has_a_full_rank_hidden_layer():
    """With dead units H can be rank-deficient (6 draws in 10), and then a mistake such as
    dscores·H can give the right dW2: the square case is redrawn until H has rank 3."""
    for _ in range(20):
        label, params, X, _ = nb03._cases()[0]
        H = np.maximum(X @ params["W1"] + params["b1"], 0.0)
        assert label.startswith("3 examples") and np.linalg.matrix_rank(H) == 3
        assert X.shape == params["W1"].shape == params["W2"].shape == (3, 3)
