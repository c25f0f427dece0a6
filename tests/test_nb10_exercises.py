"""Notebook 10's exercise checkers: the right answers pass; the reference, the stub and the
classic mistakes get their own hints."""

from __future__ import annotations

import importlib

import numpy as np
from exercise_tools import not_implemented as _not_implemented
from exercise_tools import says as _says
from exercise_tools import stub as _stub

import helpers.layers as L
from helpers.exercises import nb10
from helpers.exercises._check import registered

# ------------------------------------------------------------------------- 1. causal mask

def test_causal_mask(capsys):
    assert nb10.check_causal_mask(lambda T: np.tril(np.ones((T, T), dtype=bool)))
    assert capsys.readouterr().out.startswith("✓ the lower triangle (np.tril)")
    assert nb10.check_causal_mask(lambda T: np.arange(T)[None, :] <= np.arange(T)[:, None])
    capsys.readouterr()


def test_causal_mask_mistakes(capsys):
    assert not nb10.check_causal_mask(lambda T: np.triu(np.ones((T, T), dtype=bool)))
    assert _says(capsys, "the future")
    assert not nb10.check_causal_mask(lambda T: np.tril(np.ones((T, T), dtype=bool), k=-1))
    assert _says(capsys, "the diagonal is missing")
    assert not nb10.check_causal_mask(lambda T: np.tril(np.ones((T, T))))
    assert _says(capsys, "must be boolean (dtype bool), got dtype float64: create it with "
                         "dtype=bool (or add .astype(bool))")
    assert not nb10.check_causal_mask(lambda T: np.tril(np.ones((T, T), dtype=np.int32)))
    assert _says(capsys, "got dtype int32")
    assert not nb10.check_causal_mask(lambda T: np.tril(np.full((T, T), 2.0)))
    assert _says(capsys, "an array of True/False (dtype bool), got dtype float64")
    assert not nb10.check_causal_mask(lambda T: ~np.tril(np.ones((T, T), dtype=bool)))
    assert _says(capsys, "swapped")
    assert not nb10.check_causal_mask(lambda T: np.ones((T, T + 1), dtype=bool))
    assert _says(capsys, "should have shape")
    assert not nb10.check_causal_mask(lambda T: [[True]])
    assert _says(capsys, "return a numpy array, got list")
    assert not nb10.check_causal_mask(lambda T: np.ones((T, T), dtype=bool))
    assert _says(capsys, "row i should be True in columns 0 … i and False after")


def test_causal_mask_is_tried_at_T_4_7_and_1(capsys):
    assert not nb10.check_causal_mask(lambda T: np.tril(np.ones((4, 4), dtype=bool)))
    assert _says(capsys, "for T = 7 the mask should have shape (7, 7), got (4, 4)")
    assert not nb10.check_causal_mask(lambda T: np.tril(np.ones((7, 7), dtype=bool)))
    assert _says(capsys, "for T = 4 the mask should have shape (4, 4), got (7, 7)")
    assert not nb10.check_causal_mask(         # wrong for T = 1 only: the last size tried
        lambda T: np.tril(np.ones((T, T), dtype=bool), k=-1 if T == 1 else 0))
    assert _says(capsys, "the diagonal is missing")
    for stub in (_stub, _not_implemented):
        assert not nb10.check_causal_mask(stub)
        assert _says(capsys, "TODO")


# ------------------------------------------------------------------- 2. attention backward

def right_attention_backward(dout, cache):
    q, k, v, p = cache
    scale = 1.0 / np.sqrt(q.shape[-1])
    dv = p.transpose(0, 2, 1) @ dout
    dp = dout @ v.transpose(0, 2, 1)
    ds = p * (dp - np.sum(dp * p, axis=-1, keepdims=True)) * scale
    return ds @ k, ds.transpose(0, 2, 1) @ q, dv


def loop_attention_backward(dout, cache):
    """The same by explicit loops and the full Jacobian diag(p) − p pᵀ of every row."""
    q, k, v, p = cache
    dq, dk, dv = np.zeros_like(q), np.zeros_like(k), np.zeros_like(v)
    for n in range(q.shape[0]):
        for i in range(q.shape[1]):
            dv[n] += np.outer(p[n, i], dout[n, i])
            dp = v[n] @ dout[n, i]
            ds = (np.diag(p[n, i]) - np.outer(p[n, i], p[n, i])) @ dp / np.sqrt(q.shape[2])
            dq[n, i] = ds @ k[n]
            dk[n] += np.outer(ds, q[n, i])
    return dq, dk, dv


def test_attention_backward_accepts_right_answers(capsys):
    assert nb10.check_attention_backward(right_attention_backward)
    assert capsys.readouterr().out.startswith("✓")
    assert nb10.check_attention_backward(loop_attention_backward)
    assert capsys.readouterr().out.startswith("✓")
    assert nb10.check_attention_backward(lambda dout, cache:
                                         list(right_attention_backward(dout, cache)))
    capsys.readouterr()


def test_attention_backward_refuses_the_reference(capsys):
    assert not nb10.check_attention_backward(L.attention_backward)
    assert _says(capsys, "without helpers.layers.attention_backward")

    def wrapped(dout, cache):
        from helpers.layers import attention_backward as ab
        return ab(dout, cache)
    assert not nb10.check_attention_backward(wrapped)
    assert _says(capsys, "helpers.layers.attention_backward")

    def via_softmax(dout, cache):
        q, k, v, p = cache
        dp = dout @ v.transpose(0, 2, 1)
        ds = L.softmax_backward(dp, p) / np.sqrt(q.shape[-1])
        return ds @ k, ds.transpose(0, 2, 1) @ q, p.transpose(0, 2, 1) @ dout
    assert not nb10.check_attention_backward(via_softmax)
    assert _says(capsys, "helpers.layers.softmax_backward")


def _variant(**change):
    """right_attention_backward with one classic mistake."""
    def backward(dout, cache):
        q, k, v, p = cache
        scale = 1.0 / np.sqrt(q.shape[-1]) if not change.get("no_scale") else 1.0
        dv = p @ dout if change.get("dv_no_T") else p.transpose(0, 2, 1) @ dout
        dp = dout @ v.transpose(0, 2, 1)
        if change.get("diag_only"):
            ds = p * dp
        elif change.get("jacobian_diagonal"):
            ds = p * (1 - p) * dp
        elif change.get("no_softmax"):
            ds = dp
        elif change.get("wrong_axis"):
            ds = p * (dp - np.sum(dp * p, axis=-2, keepdims=True))
        else:
            ds = p * (dp - np.sum(dp * p, axis=-1, keepdims=True))
        ds = ds * scale
        dk = ds @ q if change.get("dk_no_T") else ds.transpose(0, 2, 1) @ q
        return ds @ k, dk, dv
    return backward


def test_attention_backward_classic_mistakes(capsys):
    for change, words in [
        ({"no_scale": True}, "dq: the scores are q·kᵀ/√d"),
        ({"diag_only": True}, "dq: the softmax Jacobian is diag(p) − p pᵀ"),
        ({"jacobian_diagonal": True}, "dq: the softmax Jacobian is not diagonal"),
        ({"no_softmax": True}, "only through the softmax"),
        ({"wrong_axis": True}, "sum over the last axis"),
        ({"dk_no_T": True}, "dk: each key sits in a column"),
        ({"dv_no_T": True}, "dv: dv collects, for key j"),
    ]:
        assert not nb10.check_attention_backward(_variant(**change)), change
        assert _says(capsys, words), change


def test_attention_cases_are_a_causal_batch_and_batch_1_non_square():
    (label_b, b, mask_b), (label_a, a, mask_a) = nb10._cases()
    assert {name: x.shape for name, x in b.items()} == {"q": (2, 4, 3), "k": (2, 4, 3),
                                                        "v": (2, 4, 5)}
    np.testing.assert_array_equal(mask_b, np.tril(np.ones((4, 4), dtype=bool)))
    assert {name: x.shape for name, x in a.items()} == {"q": (1, 3, 4), "k": (1, 5, 4),
                                                        "v": (1, 5, 2)}
    assert mask_a is None and "causal" in label_b and "one sequence" in label_a


def test_attention_backward_odd_answers(capsys):
    for stub in (_stub, _not_implemented):
        assert not nb10.check_attention_backward(stub)
        assert _says(capsys, "TODO")
    assert not nb10.check_attention_backward(lambda dout, cache: right_attention_backward(
        dout, cache)[:2])
    assert _says(capsys, "return 3 arrays, in this order: dq, dk, dv")
    assert not nb10.check_attention_backward(lambda dout, cache: tuple(
        reversed(right_attention_backward(dout, cache))))
    assert _says(capsys, "")

    def edits_cache(dout, cache):
        q, k, v, p = cache
        p *= 1.0 / np.sqrt(q.shape[-1])
        return right_attention_backward(dout, (q, k, v, p * np.sqrt(q.shape[-1])))
    assert not nb10.check_attention_backward(edits_cache)
    assert _says(capsys, "changed its argument cache in place")


# --------------------------------------------------------------- 3. self-attention backward

def right_self_attention_backward(dout, cache):
    x, Wq, Wk, Wv, att_cache = cache
    dq, dk, dv = right_attention_backward(dout, att_cache)
    dx = dq @ Wq.T + dk @ Wk.T + dv @ Wv.T
    X = x.reshape(-1, x.shape[-1])
    return (dx, *(X.T @ d.reshape(-1, d.shape[-1]) for d in (dq, dk, dv)))


def test_self_attention_forward_is_attention_of_projections():
    rng = np.random.default_rng(0)
    x, W = rng.standard_normal((2, 3, 4)), [rng.standard_normal((4, 2)) for _ in range(3)]
    out, cache = nb10.self_attention_forward(x, *W)
    np.testing.assert_allclose(out, L.attention_forward(x @ W[0], x @ W[1], x @ W[2])[0])
    assert cache[0] is not x


def test_self_attention_cases_are_batch_1_and_a_causal_batch():
    (_, x1, d1, dv1, mask1), (_, x2, d2, dv2, mask2) = nb10._self_cases()
    assert (x1.shape, d1, dv1, mask1) == ((1, 3, 4), 2, 3, None)
    assert (x2.shape, d2, dv2) == ((2, 5, 3), 4, 2)
    np.testing.assert_array_equal(mask2, np.tril(np.ones((5, 5), dtype=bool)))


def test_three_exercises_registered_in_order(capsys):
    module = importlib.reload(nb10)       # the module's top level runs again, inside the test
    assert [(ex.number, ex.checker, ex.title) for ex in registered("10")] == [
        (1, module.check_causal_mask, "a causal mask"),
        (2, module.check_attention_backward, "the attention backward"),
        (3, module.check_self_attention_backward, "a self-attention layer (stretch)")]
    assert module.check_self_attention_backward(right_self_attention_backward)
    capsys.readouterr()


def test_self_attention_backward(capsys):
    assert nb10.check_self_attention_backward(right_self_attention_backward)
    assert capsys.readouterr().out.startswith("✓")

    def with_reference(dout, cache):      # the stretch may use the reference attention backward
        x, Wq, Wk, Wv, att_cache = cache
        dq, dk, dv = L.attention_backward(dout, att_cache)
        X = x.reshape(-1, x.shape[-1])
        return (dq @ Wq.T + dk @ Wk.T + dv @ Wv.T,
                *(np.einsum("nd,ne->de", X, d.reshape(-1, d.shape[-1])) for d in (dq, dk, dv)))
    assert nb10.check_self_attention_backward(with_reference)
    capsys.readouterr()


def test_self_attention_backward_classic_mistakes(capsys):
    def only_queries(dout, cache):
        dx, *dW = right_self_attention_backward(dout, cache)
        x, Wq, Wk, Wv, att_cache = cache
        dq, _, _ = right_attention_backward(dout, att_cache)
        return (dq @ Wq.T, *dW)
    assert not nb10.check_self_attention_backward(only_queries)
    assert _says(capsys, "dx: x feeds three paths (queries, keys, values) and a fork sums what "
                         "comes back from all three: dx is missing the keys' dk·Wkᵀ and the "
                         "values' dv·Wvᵀ")

    def no_keys(dout, cache):
        _, *dW = right_self_attention_backward(dout, cache)
        x, Wq, Wk, Wv, att_cache = cache
        dq, _, dv = right_attention_backward(dout, att_cache)
        return (dq @ Wq.T + dv @ Wv.T, *dW)
    assert not nb10.check_self_attention_backward(no_keys)
    assert _says(capsys, "dx is missing the keys' dk·Wkᵀ\n")           # and nothing else

    def no_values(dout, cache):
        _, *dW = right_self_attention_backward(dout, cache)
        x, Wq, Wk, Wv, att_cache = cache
        dq, dk, _ = right_attention_backward(dout, att_cache)
        return (dq @ Wq.T + dk @ Wk.T, *dW)
    assert not nb10.check_self_attention_backward(no_values)
    assert _says(capsys, "dx is missing the values' dv·Wvᵀ\n")

    def no_queries(dout, cache):
        _, *dW = right_self_attention_backward(dout, cache)
        x, Wq, Wk, Wv, att_cache = cache
        _, dk, dv = right_attention_backward(dout, att_cache)
        return (dk @ Wk.T + dv @ Wv.T, *dW)
    assert not nb10.check_self_attention_backward(no_queries)
    assert _says(capsys, "dx is missing the queries' dq·Wqᵀ\n")

    for k, name in ((1, "dWq"), (2, "dWk"), (3, "dWv")):    # one weight's gradient halved
        def halved(dout, cache, k=k):
            grads = list(right_self_attention_backward(dout, cache))
            grads[k] = grads[k] / 2
            return tuple(grads)
        assert not nb10.check_self_attention_backward(halved)
        assert _says(capsys, f"{name} is exactly 1/2 of the right value")

    def first_sequence(dout, cache):
        dx, *_ = right_self_attention_backward(dout, cache)
        x, Wq, Wk, Wv, att_cache = cache
        dq, dk, dv = right_attention_backward(dout, att_cache)
        return (dx, x[0].T @ dq[0], x[0].T @ dk[0], x[0].T @ dv[0])
    assert not nb10.check_self_attention_backward(first_sequence)
    assert _says(capsys, "dWq: each weight is shared by every sequence and every position")

    def per_sequence(dout, cache):
        dx, *_ = right_self_attention_backward(dout, cache)
        x, Wq, Wk, Wv, att_cache = cache
        dq, dk, dv = right_attention_backward(dout, att_cache)
        return (dx, *(x.transpose(0, 2, 1) @ d for d in (dq, dk, dv)))
    assert not nb10.check_self_attention_backward(per_sequence)
    assert _says(capsys, "should have shape")
    for stub in (_stub, _not_implemented):
        assert not nb10.check_self_attention_backward(stub)
        assert _says(capsys, "TODO")
