"""Notebook 04's exercise checkers: the right answers pass; the stubs, the course's reference
functions and the classic mistakes each get their own hint."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from exercise_tools import not_implemented as _not_implemented
from exercise_tools import passes as _passes
from exercise_tools import says as _says
from exercise_tools import stub as _stub

import helpers.layers as L
from helpers.exercises import nb04
from helpers.exercises._check import registered
from helpers.gradcheck import numerical_gradient_array, numerical_jacobian

# ------------------------------------------------------------------ 1. sigmoid Jacobian

def right_sigmoid_jacobian(z):
    s = 1 / (1 + np.exp(-z))
    return np.diag(s * (1 - s))


def test_sigmoid_jacobian_right_answers_pass(capsys):
    assert nb04.check_sigmoid_jacobian(right_sigmoid_jacobian)
    assert _passes(capsys)
    assert nb04.check_sigmoid_jacobian(
        lambda z: np.eye(len(z)) * (L.sigmoid(z) * (1 - L.sigmoid(z))))
    assert _passes(capsys)


@pytest.mark.parametrize("stub", [_stub, _not_implemented])
def test_sigmoid_jacobian_stub(capsys, stub):
    assert not nb04.check_sigmoid_jacobian(stub)
    assert _says(capsys, "TODO")


@pytest.mark.parametrize("mistake, words", [
    (lambda z: L.sigmoid(z) * (1 - L.sigmoid(z)), ("for z of length 4", "diagonal only")),
    (lambda z: np.diag(L.sigmoid(z)), ("diagonal holds σ(z)",)),
    (lambda z: np.diag(z * (1 - z)), ("not from z itself",)),
    (lambda z: np.outer(L.sigmoid(z), 1 - L.sigmoid(z)), ("np.diag, not np.outer",)),
    (lambda z: np.diag(L.sigmoid(z) * (1 - L.sigmoid(z)))[:, :1], ("J should have shape",)),
])
def test_sigmoid_jacobian_mistakes(capsys, mistake, words):
    assert not nb04.check_sigmoid_jacobian(mistake)
    assert _says(capsys, *words)


def test_sigmoid_jacobian_names_an_exception(capsys):
    assert not nb04.check_sigmoid_jacobian(lambda z: 1 // 0)
    assert _says(capsys, "not yet: your code raised ZeroDivisionError")


def test_sigmoid_jacobian_is_tested_on_a_single_input(capsys):
    # right for n = 4 only (a 4 × 4 answer whatever the length): caught on the second case
    assert not nb04.check_sigmoid_jacobian(lambda z: right_sigmoid_jacobian(np.resize(z, 4)))
    assert _says(capsys, "for z of length 1", "shape (1, 1)")


# ------------------------------------------------------------------ 2. window gradients

def right_window_gradients(X, W, b, u, ds):
    H = np.tanh(X @ W.T + b)                      # (N, n)
    Delta = ds[:, None] * u * (1 - H ** 2)        # (N, n): one δ per window
    return Delta.T @ X, Delta.sum(axis=0), H.T @ ds, Delta @ W


def loop_window_gradients(X, W, b, u, ds):
    """One window at a time, in the column convention of the derivation."""
    dW, db, du, dX = np.zeros_like(W), np.zeros_like(b), np.zeros_like(u), np.zeros_like(X)
    for t, x in enumerate(X):
        h = np.tanh(W @ x + b)
        delta = ds[t] * u * (1 - h ** 2)
        dW += np.outer(delta, x)
        db += delta
        du += ds[t] * h
        dX[t] = W.T @ delta
    return [dW, db, du, dX]                       # a list is fine too


def _with(**wrong):
    """The right answer with some parts replaced: wrong(X, W, b, u, ds, Z, H, Delta) → part."""
    def learner(X, W, b, u, ds):
        Z = X @ W.T + b
        H = np.tanh(Z)
        Delta = ds[:, None] * u * (1 - H ** 2)
        parts = dict(zip(("dW", "db", "du", "dX"), right_window_gradients(X, W, b, u, ds),
                         strict=True))
        for name, f in wrong.items():
            parts[name] = f(X, W, b, u, ds, Z, H, Delta)
        return tuple(parts.values())
    return learner


def _delta_from(fprime):
    """A whole answer whose δ uses the given (wrong) local gradient fprime(Z, H)."""
    def learner(X, W, b, u, ds):
        Z = X @ W.T + b
        H = np.tanh(Z)
        Delta = ds[:, None] * u * fprime(Z, H)
        return Delta.T @ X, Delta.sum(axis=0), H.T @ ds, Delta @ W
    return learner


def test_window_gradients_right_answers_pass(capsys):
    assert nb04.check_window_gradients(right_window_gradients)
    assert _passes(capsys)
    assert nb04.check_window_gradients(loop_window_gradients)
    assert _passes(capsys)


@pytest.mark.parametrize("stub", [_stub, _not_implemented])
def test_window_gradients_stub(capsys, stub):
    assert not nb04.check_window_gradients(stub)
    assert _says(capsys, "TODO")


def _uses_the_layers(X, W, b, u, ds):
    Z, c_affine = L.affine_forward(X, W.T, b)
    H, c_tanh = L.tanh_forward(Z)
    Delta = L.tanh_backward(np.outer(ds, u), c_tanh)
    dX, dw, db = L.affine_backward(Delta, c_affine)
    return dw.T, db, H.T @ ds, dX


def test_window_gradients_refuses_the_course_layers(capsys):
    assert not nb04.check_window_gradients(_uses_the_layers)
    assert _says(capsys, "helpers.layers.tanh_backward", "helpers.layers.affine_backward",
                 "write it yourself")


def test_window_gradients_refuses_numerical_gradients(capsys):
    def numerically(X, W, b, u, ds):
        def L_of(*_):
            return np.sum(ds * (np.tanh(X @ W.T + b) @ u))
        one = np.array(1.0)
        return tuple(numerical_gradient_array(L_of, a, one) for a in (W, b, u, X))
    assert not nb04.check_window_gradients(numerically)
    assert _says(capsys, "numerical_gradient_array", "write it yourself")


@pytest.mark.parametrize("learner, words", [
    # dW in the row convention's layout: named on the square case, whatever its shape
    (_with(dW=lambda X, W, b, u, ds, Z, H, D: X.T @ D),
     ("on 1 window, 5d = 5, n = 5: dW: that is xδᵀ",)),
    (_delta_from(lambda Z, H: 1.0), ("dW: δ is missing the activation's local gradient",)),
    (_delta_from(lambda Z, H: 1 - Z ** 2), ("not 1 − z²",)),
    (_delta_from(lambda Z, H: 1 - np.tanh(H) ** 2), ("taken at z", "not at h")),
    (_with(du=lambda X, W, b, u, ds, Z, H, D: Z.T @ ds), ("du:", "not Zᵀ ds")),
    (_with(dX=lambda X, W, b, u, ds, Z, H, D: D @ W.T), ("dX:", "not times Wᵀ")),
    (_with(db=lambda X, W, b, u, ds, Z, H, D: D), ("db: b is added to every window",)),
    (_with(db=lambda X, W, b, u, ds, Z, H, D: D.sum()), ("not over the hidden units too",)),
    (_with(db=lambda X, W, b, u, ds, Z, H, D: D.mean(axis=0)), ("1/3 of the right value",
                                                               "3 windows, 5d = 10, n = 4")),
    (_with(du=lambda X, W, b, u, ds, Z, H, D: H[-1] * ds[-1]), ("du: W, b and u are shared",)),
    (_delta_from(lambda Z, H: 1 - H), ("on 1 window, 5d = 5, n = 5: dW: tanh′(z) = 1 − h², with "
                                       "h squared, not 1 − h",)),
    (_delta_from(lambda Z, H: H * (1 - H)), ("dW: h(1 − h) is the sigmoid's σ′; for tanh, "
                                             "f′(z) = 1 − h²",)),
    # one δ per window summed the wrong way: shape (N,), named even where N ≠ n (1 window, n = 5)
    (_with(db=lambda X, W, b, u, ds, Z, H, D: D.sum(axis=1)),
     ("on 1 window, 5d = 5, n = 5: db: that sums each window's δ over the hidden units (axis 1)",
      "so sum over the windows (axis 0)")),
    # the first window only: right on 1 window, named on the batch of 3
    (_with(db=lambda X, W, b, u, ds, Z, H, D: D[0]),
     ("on 3 windows, 5d = 10, n = 4: db: b is added to every window: db sums every window's δ, "
      "not the first window's alone",)),
    (_with(dW=lambda X, W, b, u, ds, Z, H, D: np.outer(D[0], X[0])),
     ("on 3 windows, 5d = 10, n = 4: dW: W is shared by every window: dW adds up every "
      "window's δᵀxᵀ, not the first window's alone",)),
    (_with(du=lambda X, W, b, u, ds, Z, H, D: H[0] * ds[0]),
     ("on 3 windows, 5d = 10, n = 4: du: u is shared by every window: du adds up every "
      "window's ds·h, not the first window's alone",)),
])
def test_window_gradients_classic_mistakes(capsys, learner, words):
    assert not nb04.check_window_gradients(learner)
    assert _says(capsys, *words)


def test_window_gradients_only_the_first_window(capsys):
    """A loop that kept the first window's contributions (e.g. ``x = X[0]``)."""
    def first_only(X, W, b, u, ds):
        dW, db, du, dX = right_window_gradients(X[:1], W, b, u, ds[:1])
        return dW, db, du, right_window_gradients(X, W, b, u, ds)[3]
    assert not nb04.check_window_gradients(first_only)
    assert _says(capsys, "3 windows, 5d = 10, n = 4", "dW: W is shared by every window")


def test_window_gradients_upstream_gradient_ignored(capsys):
    def no_ds(X, W, b, u, ds):
        return right_window_gradients(X, W, b, u, np.ones_like(ds))
    assert not nb04.check_window_gradients(no_ds)
    assert _says(capsys, "dW: every gradient carries the upstream gradient")
    assert not nb04.check_window_gradients(_with(du=lambda X, W, b, u, ds, Z, H, D: H.sum(0)))
    assert _says(capsys, "du: every gradient carries the upstream gradient")


def test_window_gradients_only_the_last_window(capsys):
    def last_only(X, W, b, u, ds):
        dW, db, du, dX = right_window_gradients(X[-1:], W, b, u, ds[-1:])
        return dW, db, du, right_window_gradients(X, W, b, u, ds)[3]
    assert not nb04.check_window_gradients(last_only)
    assert _says(capsys, "3 windows, 5d = 10, n = 4", "dW: W, b and u are shared")


def test_window_gradients_wrong_shapes_are_named(capsys):
    assert not nb04.check_window_gradients(
        _with(dW=lambda X, W, b, u, ds, Z, H, D: (D.T @ X)[None]))
    assert _says(capsys, "dW should have shape (5, 5), got (1, 5, 5)")
    assert not nb04.check_window_gradients(lambda X, W, b, u, ds: right_window_gradients(
        X, W, b, u, ds)[:3])
    assert _says(capsys, "return 4 arrays, in this order: dW, db, du, dX")
    assert not nb04.check_window_gradients(lambda X, W, b, u, ds: right_window_gradients(
        X, W, b, u, ds)[::-1])
    assert _says(capsys, "dW should have shape (5, 5), got (1, 5)")


def test_window_gradients_last_non_square_case(capsys):
    # right only while n ≥ 3: the third case (n = 2) catches it
    def needs_three(X, W, b, u, ds):
        assert len(b) >= 3
        return right_window_gradients(X, W, b, u, ds)
    assert not nb04.check_window_gradients(needs_three)
    assert _says(capsys, "AssertionError")
    capsys.readouterr()

    def one_window_per_row(X, W, b, u, ds):     # wrong only on the third case
        dW, db, du, dX = right_window_gradients(X, W, b, u, ds)
        return dW, db, du, dX if X.shape[1] < 15 else -dX
    assert not nb04.check_window_gradients(one_window_per_row)
    assert _says(capsys, "on 2 windows, 5d = 15, n = 2: dX has the wrong sign")


def test_window_case_keeps_tanh_out_of_saturation():
    rng = np.random.default_rng(0)
    for N, d, n in ((200, 1, 20), (100, 3, 10)):
        X, W, b, u, ds = nb04.window_case(N, d, n, rng)
        assert X.shape == (N, 5 * d) and W.shape == (n, 5 * d)
        assert b.shape == u.shape == (n,) and ds.shape == (N,)
        Z = X @ W.T + b
        assert 0.6 < np.std(Z - b) < 1.5       # W scaled by 1/√(5d): z of order 1
        assert np.median(1 - np.tanh(Z) ** 2) > 0.2
    W = nb04.window_case(1, 1, 4000, rng)[1]
    assert np.mean(W ** 2) == pytest.approx(1 / 5, rel=0.05)    # variance 1/(5d), d = 1


def test_three_exercises_registered_in_order(capsys):
    module = importlib.reload(nb04)       # the module's top level runs again, inside the test
    assert [(ex.number, ex.checker) for ex in registered("04")] == [
        (1, module.check_sigmoid_jacobian), (2, module.check_window_gradients),
        (3, module.check_jacobian_form)]
    assert not module.check_window_gradients(_uses_the_layers)    # the forbidden list is there
    assert _says(capsys, "helpers.layers.tanh_backward")


# ------------------------------------------------------------------ 3. Jacobian form

def right_jacobian_form(x, W, b, u):
    n, m = W.shape
    h = np.tanh(W @ x + b)
    ds_dh = u[None, :]                            # (1, n)
    dh_dz = np.diag(1 - h ** 2)                   # (n, n)
    dz_dW = np.kron(np.eye(n), x[None, :])        # (n, n·m): row k holds x in block k
    J = ds_dh @ dh_dz @ dz_dW
    return J, J.reshape(n, m)


def test_jacobian_form_right_answers_pass(capsys):
    assert nb04.check_jacobian_form(right_jacobian_form)
    assert _passes(capsys)

    def numerical(x, W, b, u):   # not forbidden here: the exercise is about layout
        J = numerical_jacobian(lambda w: u @ np.tanh(w.reshape(W.shape) @ x + b), W.ravel())
        return J, J.reshape(W.shape)
    assert nb04.check_jacobian_form(numerical)
    assert _passes(capsys)


def test_jacobian_form_is_tested_on_a_square_case(capsys):
    def not_square(x, W, b, u):
        assert W.shape[0] != W.shape[1]
        return right_jacobian_form(x, W, b, u)
    assert not nb04.check_jacobian_form(not_square)
    assert _says(capsys, "AssertionError")
    assert not nb04.check_jacobian_form(_jf(lambda J, dW, x, *a: (J, dW) if len(x) > 5 else J))
    assert _says(capsys, "for 5d = 5, n = 5: return 2")


@pytest.mark.parametrize("stub", [_stub, _not_implemented])
def test_jacobian_form_stub(capsys, stub):
    assert not nb04.check_jacobian_form(stub)
    assert _says(capsys, "TODO")


def _jf(change):
    def learner(x, W, b, u):
        J, dW = right_jacobian_form(x, W, b, u)
        return change(J, dW, x, W, b, u)
    return learner


@pytest.mark.parametrize("learner, words", [
    (_jf(lambda J, dW, *a: (J.ravel(), dW)), ("J: the Jacobian form", "5d = 10, n = 3")),
    (_jf(lambda J, dW, *a: (dW.reshape(1, -1, order="F"), dW)), ("J lists W column by column",)),
    (_jf(lambda J, dW, x, W, b, u: (np.outer(u, x).reshape(1, -1), np.outer(u, x))),
     ("∂h/∂z = diag(f′(z))", "is missing")),
    (_jf(lambda J, dW, *a: (J, J.reshape(dW.shape, order="F"))), ("dW: reshape J in the order",)),
    (_jf(lambda J, dW, *a: (J, dW.T)), ("dW: that is xδᵀ", "5d = 10, n = 3")),
    (_jf(lambda J, dW, *a: (J, np.ones(dW.T.shape))),
     ("dW should have shape (3, 10), got (10, 3)", "missing transpose")),
    (_jf(lambda J, dW, *a: J), ("return 2", "J, dW")),
])
def test_jacobian_form_mistakes(capsys, learner, words):
    assert not nb04.check_jacobian_form(learner)
    assert _says(capsys, *words)
