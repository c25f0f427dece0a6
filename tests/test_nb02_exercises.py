"""Notebook 02's exercise checkers: the right answers pass; the stubs, the course's reference
functions and the classic mistakes each get their own hint."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest
from exercise_tools import not_implemented as _not_implemented
from exercise_tools import passes as _passes
from exercise_tools import says as _says
from exercise_tools import stub as _stub

import helpers.layers as L
from helpers.exercises import nb02
from helpers.exercises._check import registered
from helpers.gradcheck import numerical_gradient
from helpers.graph import Value


def _sig(v):
    return 1 / (1 + np.exp(-v))


# ------------------------------------------------------------------ 1. sigmoid from its output

def test_sigmoid_backward_right_answer_passes(capsys):
    assert nb02.check_sigmoid_backward_from_output(lambda out, dout: dout * out * (1 - out))
    assert _passes(capsys, "from the cached output alone")


@pytest.mark.parametrize("stub", [_stub, _not_implemented])
def test_sigmoid_backward_stub(capsys, stub):
    assert not nb02.check_sigmoid_backward_from_output(stub)
    assert _says(capsys, "TODO")


@pytest.mark.parametrize("mistake, words", [
    (lambda out, dout: dout * _sig(out) * (1 - _sig(out)), ("do not apply σ again",)),
    (lambda out, dout: out * (1 - out), ("multiply it by the upstream dout",)),
    (lambda out, dout: dout * (1 - out), ("two factors",)),
    (lambda out, dout: dout * out, ("two factors",)),
    (lambda out, dout: -dout * out * (1 - out), ("wrong sign",)),
    (lambda out, dout: out, ("the cached out handed back",)),
    (lambda out, dout: dout, ("dout handed back unchanged", "out · (1 − out)")),
])
def test_sigmoid_backward_mistakes(capsys, mistake, words):
    assert not nb02.check_sigmoid_backward_from_output(mistake)
    assert _says(capsys, "dx", *words)


def test_sigmoid_backward_is_tried_on_several_shapes(capsys):
    def vectors_only(out, dout):
        assert np.ndim(out) == 1
        return dout * out * (1 - out)
    assert not nb02.check_sigmoid_backward_from_output(vectors_only)
    assert _says(capsys, "AssertionError")

    def not_a_number(out, dout):
        return dout * out * (1 - out) if np.ndim(out) else np.array([1.0])
    assert not nb02.check_sigmoid_backward_from_output(not_a_number)
    assert _says(capsys, "dx should have shape ()")


def test_sigmoid_backward_cases_and_precision(capsys):
    seen = []

    def record(out, dout):
        seen.append((np.shape(out), np.shape(dout), np.copy(out)))
        return dout * out * (1 - out)
    assert nb02.check_sigmoid_backward_from_output(record)
    capsys.readouterr()
    assert [s[0] for s in seen] == [s[1] for s in seen] == [(5,), (3, 4), ()]
    outs = np.concatenate([np.ravel(s[2]) for s in seen])
    assert np.all((outs > 0) & (outs < 1)) and len(set(outs.tolist())) == outs.size
    assert not nb02.check_sigmoid_backward_from_output(
        lambda out, dout: dout * out * (1 - out) * (1 + 1e-6))     # one part in a million
    assert _says(capsys, "dx")


def test_sigmoid_backward_refuses_in_place_edits_ragged_tuples_and_the_reference(capsys):
    def in_place(out, dout):
        dout *= out * (1 - out)
        return dout * 1.0
    assert not nb02.check_sigmoid_backward_from_output(in_place)
    assert _says(capsys, "in place")
    assert not nb02.check_sigmoid_backward_from_output(lambda out, dout: ([1.0, 2.0], [3.0]))
    assert _says(capsys, "ragged")

    def via_reference(out, dout):
        _, cache = L.sigmoid_forward(np.log(out / (1 - out)))
        return L.sigmoid_backward(dout, cache)
    assert not nb02.check_sigmoid_backward_from_output(via_reference)
    assert _says(capsys, "without helpers.layers.sigmoid_backward")


# ------------------------------------------------------------------ 2. the staged expression

def right_h_and_grads(x, y, dout):
    """The solution of the notebook, stage by stage."""
    xy = x * y
    s = _sig(xy)
    num = s + y
    sq = x ** 2
    den = 1 + sq
    inv = 1 / den
    h = num * inv
    dnum = inv * dout
    dinv = num * dout
    dden = -1 / den ** 2 * dinv
    dsq = dden
    dx = 2 * x * dsq
    ds = dnum
    dy = dnum
    dxy = s * (1 - s) * ds
    dx += y * dxy
    dy += x * dxy
    return h, dx, dy


def quotient_h_and_grads(x, y, dout):
    """Another right way: a division gate, scalars with math.exp too (as long as they work)."""
    s = _sig(x * y)
    top, bottom = s + y, 1 + x * x
    h = top / bottom
    dtop, dbottom = dout / bottom, -top * dout / bottom ** 2
    dxy = s * (1 - s) * dtop
    return [h, 2 * x * dbottom + y * dxy, dtop + x * dxy]


def _learner(fork_x="+=", fork_y="+=", inv_local=None, sig_local=None, sq_local=None,
             swap=True, xy_gate=True, last_swap=True, upstream=True, forward=None,
             swap_y=True):
    """The right answer written as a learner would, with one step changed."""
    def h_and_grads(x, y, dout):
        xy = x * y
        s = _sig(xy)
        num = s + y
        sq = x ** 2
        den = 1 + sq
        inv = 1 / den
        h = num * inv if forward is None else forward(x, y)
        g = dout if upstream else 1.0
        dnum, dinv = (inv * g, num * g) if last_swap else (num * g, inv * g)
        dden = (-1 / den ** 2 if inv_local is None else inv_local(den, inv)) * dinv
        dx = (2 * x if sq_local is None else sq_local(x)) * dden
        dy = dnum
        local = s * (1 - s) if sig_local is None else sig_local(dict(x=x, y=y, xy=xy, s=s,
                                                                       num=num, den=den,
                                                                       inv=inv, h=h))
        dxy = local * dnum
        if xy_gate:
            into_x, into_y = (y * dxy, x * dxy) if swap else (x * dxy, y * dxy)
            into_y = into_y if swap_y else y * dxy
        else:
            into_x = into_y = dxy
        dx = dx + into_x if fork_x == "+=" else into_x if fork_x == "=" else dx
        dy = dy + into_y if fork_y == "+=" else into_y if fork_y == "=" else dy
        return h, dx, dy
    return h_and_grads


def _math_exp_h_and_grads(x, y, dout):
    s = 1 / (1 + math.exp(-x * y))
    return right_h_and_grads(x, y, dout) if s else None


def test_staged_right_answers_pass(capsys):
    assert nb02.check_staged_backward(right_h_and_grads)
    assert _passes(capsys, "on a batch", "+=")
    assert nb02.check_staged_backward(quotient_h_and_grads)
    assert _passes(capsys)
    assert nb02.check_staged_backward(_learner())
    assert _passes(capsys)


@pytest.mark.parametrize("stub", [_stub, _not_implemented])
def test_staged_stub(capsys, stub):
    assert not nb02.check_staged_backward(stub)
    assert _says(capsys, "TODO")


FORK_X = ("dx: x feeds two stages", "dx += …")
FORK_Y = ("dy: y feeds two stages", "dy += …")


@pytest.mark.parametrize("learner, words", [
    # = instead of += at a fork, or a path left out
    (_learner(fork_x="="), FORK_X),
    (_learner(fork_x="skip"), FORK_X),
    (_learner(fork_y="="), FORK_Y),
    (_learner(fork_y="skip"), FORK_Y),
    # the 1/x gate
    (_learner(inv_local=lambda den, inv: 1.0), ("dx: the 1/x gate's local gradient −1/den² is "
                                                "missing",)),
    (_learner(inv_local=lambda den, inv: 1 / den ** 2), ("with a minus sign",)),
    (_learner(inv_local=lambda den, inv: -1 / den), ("not −1/den",)),
    (_learner(inv_local=lambda den, inv: -1 / inv ** 2), ("not at its output",)),
    # σ′ of the wrong stage, or skipped
    (_learner(sig_local=lambda v: v["xy"] * (1 - v["xy"])), ("dx: σ′ = s(1 − s)", "not its input")),
    (_learner(sig_local=lambda v: _sig(v["s"]) * (1 - _sig(v["s"]))), ("do not apply σ again",)),
    (_learner(sig_local=lambda v: v["num"] * (1 - v["num"])), ("not of the numerator",)),
    (_learner(sig_local=lambda v: v["h"] * (1 - v["h"])), ("not of the output h",)),
    (_learner(sig_local=lambda v: v["inv"] * (1 - v["inv"])), ("not of the denominator",)),
    (_learner(sig_local=lambda v: v["den"] * (1 - v["den"])), ("not of the denominator",)),
    (_learner(sig_local=lambda v: _sig(v["x"]) * (1 - _sig(v["x"]))), ("not σ(x)(1 − σ(x))",)),
    (_learner(sig_local=lambda v: _sig(v["y"]) * (1 - _sig(v["y"]))), ("not σ(y)(1 − σ(y))",)),
    (_learner(sig_local=lambda v: 1.0), ("the sigmoid stage is skipped",)),
    # other stages skipped or wrong
    (_learner(sq_local=lambda x: 1.0), ("dx: the x² stage is skipped",)),
    (_learner(sq_local=lambda x: x), ("dx: power rule", "2x, not x")),
    (_learner(swap=False), ("dx: the multiply gate x·y swaps",)),
    (_learner(swap_y=False), ("dy: the multiply gate x·y swaps",)),
    (_learner(xy_gate=False), ("dx: the x·y stage is skipped",)),
    (_learner(last_swap=False), ("dx: the last multiply gate", "swaps")),
    # the chain not multiplied by the upstream gradient
    (_learner(upstream=False), ("dx: every gradient carries the upstream gradient", "not from 1")),
])
def test_staged_classic_mistakes(capsys, learner, words):
    assert not nb02.check_staged_backward(learner)
    assert _says(capsys, "at x = ", "dout = ", *words)


def test_staged_forward_mistake_and_generic_hints(capsys):
    assert not nb02.check_staged_backward(_learner(forward=lambda x, y: _sig(x * y) + y))
    out = capsys.readouterr().out
    assert "h is off (h = (σ(x·y) + y) / (1 + x²) = " in out, out
    assert "check the forward stages" in out and "constant factor" not in out, out
    assert not nb02.check_staged_backward(lambda x, y, dout: (x, x, y))     # inputs handed back
    out = capsys.readouterr().out
    assert "h is off (h = " in out and "constant factor" not in out, out

    def off(x, y, dout):
        h, dx, dy = right_h_and_grads(x, y, dout)
        return h, dx + 0.3, dy
    assert not nb02.check_staged_backward(off)
    assert _says(capsys, "dx is off: walk the stages back from dout", "+= where x or y")

    def sign(x, y, dout):
        h, dx, dy = right_h_and_grads(x, y, dout)
        return h, dx, -dy
    assert not nb02.check_staged_backward(sign)
    assert _says(capsys, "dy has the wrong sign")
    assert not nb02.check_staged_backward(lambda x, y, dout: right_h_and_grads(x, y, dout)[1:])
    assert _says(capsys, "return 3 numbers, in this order: h, dx, dy")


def test_staged_named_mistakes_at_a_point_get_no_generic_advice(capsys):
    assert not nb02.check_staged_backward(_learner(inv_local=lambda den, inv: 1 / den ** 2))
    out = capsys.readouterr().out
    assert "with a minus sign" in out and " is off" not in out, out
    assert "walk the stages" not in out, out


def test_staged_generic_hints_on_the_batch_are_left_as_they_are(capsys):
    def sign_on_batch(x, y, dout):
        h, dx, dy = right_h_and_grads(x, y, dout)
        return (h, dx, -dy) if np.ndim(x) else (h, dx, dy)
    assert not nb02.check_staged_backward(sign_on_batch)
    out = capsys.readouterr().out
    assert "on the batch: dy has the wrong sign" in out, out
    assert " is off" not in out and "walk the stages" not in out, out

    def h_off_on_batch(x, y, dout):
        h, dx, dy = right_h_and_grads(x, y, dout)
        return (h + 0.1 * np.arange(np.size(h)), dx, dy) if np.ndim(x) else (h, dx, dy)
    assert not nb02.check_staged_backward(h_off_on_batch)
    out = capsys.readouterr().out
    assert "on the batch: h " in out and "(h = (σ(x·y) + y) / (1 + x²): check" in out, out


def test_staged_batch_of_points(capsys):
    def scalars_only(x, y, dout):
        1 / (1 + math.exp(-x * y))          # fine for a number, a TypeError for an array
        return right_h_and_grads(x, y, dout)
    assert not nb02.check_staged_backward(scalars_only)
    assert _says(capsys, "right at every single point", "shape (5,)", "raised TypeError",
                 "np.exp rather than math.exp")

    def first_point_only(x, y, dout):
        h, dx, dy = right_h_and_grads(x, y, dout)
        return (h, dx, dy) if np.ndim(x) == 0 else (h, dx[:1], dy)
    assert not nb02.check_staged_backward(first_point_only)
    assert _says(capsys, "right at every single point", "dx should have shape (5,)")

    def wrong_on_batch(x, y, dout):
        h, dx, dy = right_h_and_grads(x, y, dout)
        return (h, dx, dy) if np.ndim(x) == 0 else (h, dx, 2 * dy)
    assert not nb02.check_staged_backward(wrong_on_batch)
    assert _says(capsys, "on the batch: dy is exactly 2×")

    def edits_x(x, y, dout):
        out = right_h_and_grads(x, y, dout)
        if np.ndim(x):
            x *= 2
        return out
    assert not nb02.check_staged_backward(edits_x)
    out = capsys.readouterr().out
    assert "changed its argument x in place" in out and "single point" not in out


def test_staged_points_are_fresh_and_away_from_zero(capsys):
    seen = []

    def record(x, y, dout):
        seen.append((type(x), np.copy(x), np.copy(y), np.copy(dout)))
        return right_h_and_grads(x, y, dout)
    for _ in range(4):
        assert nb02.check_staged_backward(record)
    capsys.readouterr()
    assert [t for t, *_ in seen] == [float, float, float, np.ndarray] * 4
    assert [v[1].shape for v in seen] == [(), (), (), (5,)] * 4
    assert all(v.shape == p[1].shape for p in seen for v in p[2:])
    for k in (1, 2, 3):                        # x, y, dout: magnitudes in [0.4, 2), both signs
        values = np.concatenate([np.ravel(p[k]) for p in seen])
        assert 0.4 <= np.abs(values).min() < 0.9 and 1.5 < np.abs(values).max() < 2.0
        assert (values > 0).any() and (values < 0).any()
    assert len({float(p[1]) for p in seen if p[0] is float}) == 12     # every point new


def test_staged_refuses_the_engine_and_numerical_gradients(capsys):
    def with_engine(x, y, dout):
        xv, yv = Value(x), Value(y)
        h = ((xv * yv).sigmoid() + yv) / (1 + xv ** 2)
        h.backward()
        return h.data, dout * xv.grad, dout * yv.grad
    assert not nb02.check_staged_backward(with_engine)
    assert _says(capsys, "helpers.graph.backward", "write it yourself")

    def numerically(x, y, dout):
        g = numerical_gradient(lambda v: nb02.staged_h(v[0], v[1]), np.array([x, y]))
        return nb02.staged_h(x, y), dout * g[0], dout * g[1]
    assert not nb02.check_staged_backward(numerically)
    assert _says(capsys, "numerical_gradient", "write it yourself")


def test_staged_h_is_the_expression():
    x, y = np.array([0.5, -1.5]), np.array([2.0, 0.3])
    want = (1 / (1 + np.exp(-x * y)) + y) / (1 + x ** 2)
    assert np.allclose(nb02.staged_h(x, y), want, rtol=1e-14)
    assert nb02.staged_h(1.0, 0.0) == pytest.approx(0.25)


def test_staged_right_answer_matches_numerical_gradient():
    for x, y, dout in [(0.7, -1.3, 1.5), (-1.9, 0.45, -0.6)]:
        h, dx, dy = right_h_and_grads(x, y, dout)
        g = numerical_gradient(lambda v: nb02.staged_h(v[0], v[1]), np.array([x, y]))
        assert h == pytest.approx(nb02.staged_h(x, y))
        assert np.allclose([dx, dy], dout * g, rtol=1e-8)


# ------------------------------------------------------------------ 3. softmax cross-entropy

def right_softmax_ce(scores, y):
    """Log-sum-exp, as the notebook derives it."""
    N = scores.shape[0]
    m = scores.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(scores - m).sum(axis=1))
    loss = np.mean(lse - scores[np.arange(N), y])
    dscores = np.exp(scores - lse[:, None])
    dscores[np.arange(N), y] -= 1
    return loss, dscores / N


def _probs(scores, shift="row"):
    if shift == "row":
        scores = scores - scores.max(axis=1, keepdims=True)
    elif shift == "all":
        scores = scores - scores.max()
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def _ce_from(P, y, loss_of=None):
    N = P.shape[0]
    rows = np.arange(N)
    loss = -np.log(P[rows, y]).mean() if loss_of is None else loss_of(P[rows, y])
    d = P.copy()
    d[rows, y] -= 1
    return loss, d / N


def minus_log_p(scores, y):
    return _ce_from(_probs(scores), y)


def test_softmax_ce_right_answers_pass(capsys):
    assert nb02.check_softmax_ce(right_softmax_ce)
    assert _passes(capsys, "[1000, 0]", "loss 1000")

    def as_list(scores, y):
        loss, d = right_softmax_ce(scores, y)
        return [float(loss), d.tolist()]
    assert nb02.check_softmax_ce(as_list)
    assert _passes(capsys)


@pytest.mark.parametrize("stub", [_stub, _not_implemented])
def test_softmax_ce_stub(capsys, stub):
    assert not nb02.check_softmax_ce(stub)
    assert _says(capsys, "TODO")


def test_softmax_ce_minus_log_p_gets_the_inf_hint(capsys):
    assert not nb02.check_softmax_ce(minus_log_p)
    assert _says(capsys, "on the confidently wrong example (scores [1000, 0], label 1)",
                 "loss is inf", "rounds to 0 and −log 0 = inf", "never take the log of p",
                 "(the loss here is 1000.000)")


def test_softmax_ce_overflow_inside_the_log(capsys):
    def unshifted_lse(scores, y):
        N = scores.shape[0]
        loss = np.mean(np.log(np.exp(scores).sum(axis=1)) - scores[np.arange(N), y])
        return loss, right_softmax_ce(scores, y)[1]
    assert not nb02.check_softmax_ce(unshifted_lse)
    assert _says(capsys, "first row is near 1000", "loss is inf", "overflows inside the log",
                 "m + log Σ_j e^(s_j − m)")


@pytest.mark.parametrize("shift, words", [
    (None, ("first row is near 1000", "nan: e^1000 overflows", "subtract each row's maximum")),
    ("all", ("nan in the rows far below", "not the maximum of the whole batch")),
])
def test_softmax_ce_nan_hints(capsys, shift, words):
    def learner(scores, y):
        return _ce_from(_probs(scores, shift), y)
    assert not nb02.check_softmax_ce(learner)
    assert _says(capsys, *words)


@pytest.mark.parametrize("eps, clip", [(1e-12, False), (1e-7, True), (1e-15, False),
                                       (1e-4, True), (1e-4, False), (1e-16, True)])
def test_softmax_ce_epsilon_in_the_log(capsys, eps, clip):
    def learner(scores, y):
        def loss_of(p):
            return -np.log(np.clip(p, eps, 1.0) if clip else p + eps).mean()
        return _ce_from(_probs(scores), y, loss_of)
    assert not nb02.check_softmax_ce(learner)
    assert _says(capsys, "loss: ε in log(p + ε) (or np.clip) caps")


@pytest.mark.parametrize("learner, words", [
    (lambda s, y: _ce_from(_probs(s), y, lambda p: -np.log(p).sum()), ("loss: the loss is a "
                                                                        "mean", "not a sum")),
    (lambda s, y: (minus_log_p(s, y)[0], _probs(s) / s.shape[0]), ("dscores:", "one-hot",
                                                                     "not subtracted")),
    (lambda s, y: (minus_log_p(s, y)[0], s.shape[0] * minus_log_p(s, y)[1]),
     ("dscores: the loss is a mean over N examples, so divide the gradient by N too",)),
    (lambda s, y: (minus_log_p(s, y)[0], minus_log_p(s, y)[1] / s.shape[0]),
     ("dscores: the 1/N is applied twice",)),
    (lambda s, y: _ce_from(_probs(s.T).T, y), ("loss: each row is one example", "axis=1")),
    (lambda s, y: (minus_log_p(s, y)[0], _ce_from(_probs(s.T).T, y)[1]),
     ("dscores: each row is one example", "axis=1")),
    (lambda s, y: (minus_log_p(s, y)[0], minus_log_p(s, y)[1].T),
     ("dscores should have shape (5, 3), got (3, 5)",)),
    (lambda s, y: (-np.log(_probs(s)[np.arange(len(y)), y]), minus_log_p(s, y)[1]),
     ("loss should be one number: the mean of the per-example losses",)),
    (lambda s, y: (minus_log_p(s, y)[0] + 0.5, minus_log_p(s, y)[1]),
     ("loss is ", " instead of ", "the mean over the batch of −log p[n, y_n]")),
    (lambda s, y: (minus_log_p(s, y)[0], -minus_log_p(s, y)[1]), ("dscores has the wrong sign",)),
])
def test_softmax_ce_classic_mistakes(capsys, learner, words):
    assert not nb02.check_softmax_ce(learner)
    assert _says(capsys, "on a batch of 5 examples with 3 classes", *words)


def test_softmax_ce_each_case_is_tried(capsys):
    def plain_only(scores, y):
        assert scores.max() < 500
        return right_softmax_ce(scores, y)
    assert not nb02.check_softmax_ce(plain_only)
    assert _says(capsys, "AssertionError")

    def all_but_the_last(scores, y):
        loss, d = right_softmax_ce(scores, y)
        return (loss, d) if scores.shape != (1, 2) else (loss, -d)
    assert not nb02.check_softmax_ce(all_but_the_last)
    assert _says(capsys, "(scores [1000, 0], label 1): dscores has the wrong sign")

    def three_classes(scores, y):
        assert scores.shape[1] == 3
        return right_softmax_ce(scores, y)
    assert not nb02.check_softmax_ce(three_classes)
    assert _says(capsys, "first row is near 1000", "AssertionError")


def test_softmax_ce_cases():
    rng = np.random.default_rng(0)
    cases = nb02._softmax_cases(rng)
    (_, plain, y0), (_, big, y1), (_, wrong, y2) = cases
    assert plain.shape == (5, 3) and y0.shape == (5,) and big.shape == (3, 4)
    assert y1.shape == (3,) and y1.max() < 4 and y0.max() < 3
    assert sorted(big[0]) == [1000.0, 1001.0, 1002.0, 1003.0] and np.all(np.abs(big[1:]) < 10)
    many = [nb02._softmax_cases(np.random.default_rng(s)) for s in range(20)]
    for i, classes in ((0, 3), (1, 4)):                  # every class is drawn as a label
        labels = np.concatenate([c[i][2] for c in many])
        assert sorted(set(labels.tolist())) == list(range(classes))
    assert wrong.tolist() == [[1000.0, 0.0]] and y2.tolist() == [1]
    loss, d, losses, P = nb02._ce(wrong, y2)
    assert loss == 1000.0 and d.tolist() == [[1.0, -1.0]] and losses.tolist() == [1000.0]
    ref_loss, ref_d = L.softmax_cross_entropy(big, y1)
    assert nb02._ce(big, y1)[0] == pytest.approx(ref_loss) and np.allclose(
        nb02._ce(big, y1)[1], ref_d)


def test_softmax_ce_refuses_the_reference(capsys):
    assert not nb02.check_softmax_ce(L.softmax_cross_entropy)
    assert _says(capsys, "without helpers.layers.softmax_cross_entropy")


# ------------------------------------------------------------------ 4. the softmax gate alone

def right_softmax_backward(dp, p):
    return p * (dp - (dp * p).sum(axis=1, keepdims=True))


def jacobian_softmax_backward(dp, p):
    """Row by row through the full C × C Jacobian diag(p) − ppᵀ."""
    return np.stack([(np.diag(q) - np.outer(q, q)) @ g for g, q in zip(dp, p, strict=True)])


def test_softmax_backward_right_answers_pass(capsys):
    assert nb02.check_softmax_backward(right_softmax_backward)
    assert _passes(capsys, "without building it")
    assert nb02.check_softmax_backward(jacobian_softmax_backward)
    assert _passes(capsys)


@pytest.mark.parametrize("stub", [_stub, _not_implemented])
def test_softmax_backward_stub(capsys, stub):
    assert not nb02.check_softmax_backward(stub)
    assert _says(capsys, "TODO")


@pytest.mark.parametrize("mistake, words", [
    (lambda dp, p: p * (1 - p) * dp, ("only the diagonal",)),
    (lambda dp, p: p * (dp - (dp * p).sum()), ("not over the whole batch",)),
    (lambda dp, p: p * (dp - (dp * p).sum(axis=0, keepdims=True)), ("down the batch",)),
    (lambda dp, p: p * (dp - (dp * p).sum(axis=1)), ("keepdims=True",)),
    (lambda dp, p: dp - (dp * p).sum(axis=1, keepdims=True), ("carry a factor p_k",)),
    (lambda dp, p: p * ((dp * p).sum(axis=1, keepdims=True) - dp), ("wrong sign",)),
    (lambda dp, p: dp, ("dp handed back", "local gradient is missing")),
    (lambda dp, p: p, ("the cached p handed back",)),
])
def test_softmax_backward_mistakes(capsys, mistake, words):
    assert not nb02.check_softmax_backward(mistake)
    assert _says(capsys, "with N = 3, C = 3: ds", *words)


def test_softmax_backward_cases(capsys):
    def square_only(dp, p):
        assert dp.shape[0] == dp.shape[1]
        return right_softmax_backward(dp, p)
    assert not nb02.check_softmax_backward(square_only)
    assert _says(capsys, "AssertionError")

    def not_the_last(dp, p):
        return right_softmax_backward(dp, p) if dp.shape != (4, 5) else -dp
    assert not nb02.check_softmax_backward(not_the_last)
    assert _says(capsys, "with N = 4, C = 5")

    def rows_sum_to_one(dp, p):
        assert np.allclose(p.sum(axis=1), 1.0) and np.all(p > 0)
        return right_softmax_backward(dp, p)
    assert nb02.check_softmax_backward(rows_sum_to_one)
    capsys.readouterr()


def test_softmax_backward_shapes_and_precision(capsys):
    shapes = []

    def record(dp, p):
        shapes.append((dp.shape, p.shape))
        return right_softmax_backward(dp, p)
    assert nb02.check_softmax_backward(record)
    capsys.readouterr()
    assert shapes == [((3, 3), (3, 3)), ((1, 4), (1, 4)), ((4, 5), (4, 5))]
    assert not nb02.check_softmax_backward(lambda dp, p: right_softmax_backward(dp, p) * 1.000001)
    assert _says(capsys, "ds")


def test_softmax_backward_refuses_the_reference(capsys):
    assert not nb02.check_softmax_backward(lambda dp, p: L.softmax_backward(dp, p))
    assert _says(capsys, "without helpers.layers.softmax_backward")


def test_right_softmax_backward_is_the_gradient():
    rng = np.random.default_rng(1)
    s, dp = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    num = numerical_gradient(lambda v: np.sum(_probs(v) * dp), s.copy())
    assert np.allclose(right_softmax_backward(dp, _probs(s)), num, rtol=1e-7, atol=1e-10)


# ------------------------------------------------------------------ registry

def test_four_exercises_registered_in_order(capsys):
    module = importlib.reload(nb02)       # the module's top level runs again, inside the test
    assert [(ex.number, ex.checker, ex.title) for ex in registered("02")] == [
        (1, module.check_sigmoid_backward_from_output, "the sigmoid gate from its output alone"),
        (2, module.check_staged_backward, "the staged expression's backward, end to end"),
        (3, module.check_softmax_ce, "softmax cross-entropy without overflow"),
        (4, module.check_softmax_backward, "the softmax gate on its own")]
    assert not module.check_softmax_ce(L.softmax_cross_entropy)
    assert _says(capsys, "without helpers.layers.softmax_cross_entropy")
    assert not module.check_softmax_ce(
        lambda s, y: _ce_from(_probs(s), y, lambda p: -np.log(p + 1e-12).mean()))
    assert _says(capsys, "loss: ε in log(p + ε) (or np.clip) caps")
