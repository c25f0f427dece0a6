"""Notebook 06: each checker passes right answers, refuses the course's reference layers, and
names the classic mistake behind each planted wrong answer (written here independently of the
checker's own switches)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from helpers import layers
from helpers.exercises import nb06

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_backprop_through_time.py"


def _verdict(capsys, checker, answer) -> tuple[bool, str]:
    result = checker(answer)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out                     # one line, ✓ or not yet
    return result, out


def _fails_with(capsys, checker, answer, hint):
    ok, out = _verdict(capsys, checker, answer)
    assert not ok and out.startswith("not yet") and hint in out, out


# ----------------------------------------------------------------------------- exercise 1

def right_dWh(h_prev, da):
    return sum(h_prev[t].T @ da[t] for t in range(len(h_prev)))


def test_shared_dWh_right_answers(capsys):
    assert _verdict(capsys, nb06.check_shared_dWh, right_dWh)[0]
    einsum = lambda h_prev, da: np.einsum("tni,tnj->ij", h_prev, da)  # noqa: E731
    assert _verdict(capsys, nb06.check_shared_dWh, einsum)[0]


@pytest.mark.parametrize("wrong, hint", [
    (lambda h_prev, da: h_prev[-1].T @ da[-1], "dWh: that is only the last step's share"),
    (lambda h_prev, da: h_prev[0].T @ da[0], "dWh: that is only the first step's share"),
    (lambda h_prev, da: right_dWh(h_prev, da) / len(da), "dWh: that is the average over steps"),
    (lambda h_prev, da: right_dWh(h_prev, da).T, "dWh: transposed: dWh[i, j] pairs"),
    (lambda h_prev, da: -right_dWh(h_prev, da), "wrong sign"),
    (lambda h_prev, da: None, "fill in the lines marked TODO"),
    (lambda h_prev, da: "dWh", "got a string"),
    (lambda h_prev, da: ([1.0, 2.0], [3.0]), "ragged"),
    (lambda h_prev, da: np.array([1.0, None], dtype=object), "contains None"),
])
def test_shared_dWh_mistakes(capsys, wrong, hint):
    _fails_with(capsys, nb06.check_shared_dWh, wrong, hint)


def test_shared_dWh_names_the_case_and_leaves_inputs_alone(capsys):
    def modifies(h_prev, da):
        da *= 2
        return right_dWh(h_prev, da) / 2
    _fails_with(capsys, nb06.check_shared_dWh, modifies, "changed its argument da in place")
    _fails_with(capsys, nb06.check_shared_dWh, lambda h_prev, da: right_dWh(h_prev, da) * 1.5,
                "on T = 5 steps, a batch of N = 3, H = 4")

    def second_case_only(h_prev, da):           # right on the first case only
        return right_dWh(h_prev, da) * (1 if h_prev.shape[1] == 3 else 2)
    _fails_with(capsys, nb06.check_shared_dWh, second_case_only,
                "on T = 3 steps, a batch of N = 1, H = 2")


# ----------------------------------------------------------------------------- exercise 2

def learner_bptt(dh, cache, *, fork=True, local=True, slope="h", transpose=True, sum_=True,
                 h_first="h0", dh0_is_da=False, dh0_zero=False, mean_over_batch=False,
                 db_keep_batch=False):
    """A learner's BPTT from the forward's values; the keywords plant one mistake each."""
    x, h0, Wx, Wh, h = cache
    N, T, H = dh.shape
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros((N, H) if db_keep_batch else H)
    dh_next = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        if t > 0 or h_first == "wrap":
            h_prev = h[:, t - 1]
        else:
            h_prev = h0
        total = dh_next.copy() if fork else np.zeros_like(h0)
        if local or t == T - 1:
            total = total + dh[:, t]
        if slope == "h":
            da = total * (1 - h[:, t] ** 2)
        elif slope == "h_prev":
            da = total * (1 - h_prev ** 2)
        elif slope == "tanh_h":
            da = total * (1 - np.tanh(h[:, t]) ** 2)
        else:                                               # the pre-activation itself
            da = total * (1 - np.arctanh(h[:, t]) ** 2)
        dx[:, t] = da @ Wx.T
        share_x, share_h = x[:, t].T @ da, h_prev.T @ da
        share_b = da if db_keep_batch else da.sum(axis=0)
        if mean_over_batch:
            share_x, share_h, share_b = share_x / N, share_h / N, share_b / N
        if sum_:
            dWx, dWh, db = dWx + share_x, dWh + share_h, db + share_b
        else:
            dWx, dWh, db = share_x, share_h, share_b
        dh_prev = da @ Wh.T if transpose else da @ Wh
        if t == 0 and dh0_is_da:
            dh_prev = da
        dh_next = dh_prev
    return dx, np.zeros_like(h0) if dh0_zero else dh_next, dWx, dWh, db


def vectorized_bptt(dh, cache):
    """Another right answer: the loop only for da, then every weight gradient in one matmul."""
    x, h0, Wx, Wh, h = cache
    da, dh_next = np.empty_like(h), np.zeros_like(h0)
    for t in reversed(range(dh.shape[1])):
        da[:, t] = (dh[:, t] + dh_next) * (1 - h[:, t] ** 2)
        dh_next = da[:, t] @ Wh.T
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    return (da @ Wx.T, dh_next, np.einsum("ntd,nth->dh", x, da),
            np.einsum("nti,ntj->ij", h_prev, da), da.sum(axis=(0, 1)))


def test_bptt_right_answers(capsys):
    assert _verdict(capsys, nb06.check_bptt_backward, learner_bptt)[0]
    assert _verdict(capsys, nb06.check_bptt_backward, vectorized_bptt)[0]


def test_bptt_reference_matches_helpers_layers():
    rng = np.random.default_rng(0)
    for _, dh, cache in nb06._sequence_cases(rng):
        for mine, ref in zip(nb06._bptt(dh, cache), layers.rnn_backward(dh, cache), strict=True):
            np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-14)


def test_bptt_cases_are_batch_one_non_square_and_one_step():
    shapes = [(cache[0].shape, cache[3].shape, dh.shape)
              for _, dh, cache in nb06._sequence_cases(np.random.default_rng(1))]
    assert shapes == [((1, 4, 3), (5, 5), (1, 4, 5)), ((3, 5, 4), (3, 3), (3, 5, 3)),
                      ((2, 1, 2), (4, 4), (2, 1, 4))]
    for _, _dh, cache in nb06._sequence_cases(np.random.default_rng(2)):
        assert np.all(np.abs(cache[4]) < 0.999)           # tanh′ is never negligible


def _sizes(label):
    """{"N": 1, "T": 4, …} from a case label such as "N = 1 sequence, T = 4 steps, …"."""
    return {k: float(v) for k, v in re.findall(r"\b([A-Zθ]) = ([\d.]+)", label)}


def test_every_case_label_states_its_sizes():
    for label, (T, N, H) in nb06.SHARED_CASES:
        assert _sizes(label) == {"T": T, "N": N, "H": H}
    assert [shape[1] for _, shape in nb06.SHARED_CASES].count(1) == 1      # batch 1 included
    for label, (N, T, D, H) in nb06.SEQUENCE_CASES:
        assert _sizes(label) == {"N": N, "T": T, "D": D, "H": H}
    for label, N, lengths, D, H in nb06.STITCH_CASES:
        assert _sizes(label) == {"N": N, "D": D, "H": H}
        words = re.search(r"(\d) chunks of ([\d, and]+) steps", label)
        assert int(words.group(1)) == len(lengths)
        assert tuple(int(n) for n in re.findall(r"\d+", words.group(2))) == lengths
    for label, shapes, norms, theta in nb06.CLIP_CASES:
        assert _sizes(label) == {"θ": theta} and len(shapes) == len(norms)
        stated = [float(n) for n in re.findall(r"[\d.]+", label.split("norms")[1].split("θ")[0])]
        assert stated == list(norms)


def test_rnn_weights_keep_tanh_in_its_working_range():
    rng = np.random.default_rng(7)
    draws = [nb06._rnn_weights(rng, 8, 50) for _ in range(20)]
    wx = np.mean([np.mean(Wx ** 2) for Wx, _, _ in draws])          # variance 1/D = 1/8
    wh = np.mean([np.mean(Wh ** 2) for _, Wh, _ in draws])          # variance 1/H = 1/50
    assert 0.1 < wx < 0.15 and 0.015 < wh < 0.025
    b = np.concatenate([b for _, _, b in draws])
    assert -0.2 <= b.min() < -0.19 and 0.19 < b.max() <= 0.2
    assert [w.shape for w in draws[0]] == [(8, 50), (50, 50), (50,)]


@pytest.mark.parametrize("mistake, hint", [
    (dict(fork=False), "dx: dh_t is missing what comes back from step t+1"),
    (dict(local=False), "dx: only the last step's loss reaches the states"),
    (dict(slope="h_prev"), "not 1 − h_{t−1}²"),
    (dict(slope="tanh_h"), "not 1 − tanh(h_t)²"),
    (dict(slope="a"), "1 − a_t² uses the pre-activation"),
    (dict(transpose=False), "dx: a missing transpose"),
    (dict(sum_=False), "dWx: a shared weight collects a sum over time: this is only step 1's"),
    (dict(h_first="wrap"), "dWh: at t = 1 the state entering the step is h0"),
    (dict(dh0_is_da=True), "dh0: dh0 is one gate further back"),
    (dict(dh0_zero=True), "dh0: dh0 is missing: it is what step 1 sends back"),
    (dict(mean_over_batch=True), "dWx is exactly 1/3 of the right value"),
    (dict(db_keep_batch=True), "db should have shape (5,), got (1, 5)"),
])
def test_bptt_mistakes(capsys, mistake, hint):
    _fails_with(capsys, nb06.check_bptt_backward,
                lambda dh, cache: learner_bptt(dh, cache, **mistake), hint)


def test_bptt_sum_of_the_last_step_only(capsys):
    def last_only(dh, cache):
        dx, dh0, dWx, dWh, db = learner_bptt(dh, cache)
        x, h0, Wx, Wh, h = cache
        T = dh.shape[1]
        da_T = dh[:, -1] * (1 - h[:, -1] ** 2)
        h_prev = h[:, -2] if T > 1 else h0
        return dx, dh0, dWx, h_prev.T @ da_T, db
    _fails_with(capsys, nb06.check_bptt_backward, last_only, "dWh: a shared weight collects a "
                "sum over time: this is only step T's share")


def test_bptt_refuses_the_reference_layers(capsys):
    _fails_with(capsys, nb06.check_bptt_backward, lambda dh, cache: layers.rnn_backward(dh, cache),
                "without helpers.layers.rnn_backward")

    def by_steps(dh, cache):
        x, h0, Wx, Wh, h = cache
        out, dh_next = [], np.zeros_like(h0)
        dWx, dWh, db = 0, 0, 0
        for t in reversed(range(dh.shape[1])):
            h_prev = h0 if t == 0 else h[:, t - 1]
            dx_t, dh_next, a, b, c = layers.rnn_step_backward(
                dh[:, t] + dh_next, (x[:, t], h_prev, Wx, Wh, h[:, t]))
            out.insert(0, dx_t)
            dWx, dWh, db = dWx + a, dWh + b, db + c
        return np.stack(out, axis=1), dh_next, dWx, dWh, db
    _fails_with(capsys, nb06.check_bptt_backward, by_steps,
                "without helpers.layers.rnn_step_backward")


def test_bptt_refuses_the_notebooks_own_step_backward(capsys):
    namespace = {"np": np, "__name__": "__main__"}
    exec("def rnn_step_backward(dh, cache):\n"                  # noqa: S102 - the notebook's
         "    x, h_prev, Wx, Wh, h = cache\n"
         "    da = dh * (1 - h ** 2)\n"
         "    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)\n", namespace)
    step = namespace["rnn_step_backward"]

    def by_steps(dh, cache):
        x, h0, Wx, Wh, h = cache
        out, dh_next, dWx, dWh, db = [], np.zeros_like(h0), 0, 0, 0
        for t in reversed(range(dh.shape[1])):
            h_prev = h0 if t == 0 else h[:, t - 1]
            dx_t, dh_next, a, b, c = step(dh[:, t] + dh_next, (x[:, t], h_prev, Wx, Wh, h[:, t]))
            out.insert(0, dx_t)
            dWx, dWh, db = dWx + a, dWh + b, db + c
        return np.stack(out, axis=1), dh_next, dWx, dWh, db
    by_steps.__globals__["rnn_step_backward"] = step           # as the notebook would have it
    try:
        _fails_with(capsys, nb06.check_bptt_backward, by_steps,
                    "without the notebook's rnn_step_backward")
    finally:
        del by_steps.__globals__["rnn_step_backward"]


def test_bptt_refuses_the_notebooks_own_backward(capsys):
    namespace = {"np": np, "learner_bptt": learner_bptt, "__name__": "__main__"}
    exec("def rnn_backward(dh, cache):\n"                       # noqa: S102 - the notebook's
         "    return learner_bptt(dh, cache)\n"
         "def bptt_backward(dh, cache):\n"
         "    return rnn_backward(dh, cache)\n", namespace)
    _fails_with(capsys, nb06.check_bptt_backward, namespace["bptt_backward"],
                "without the notebook's rnn_backward")
    assert namespace["rnn_backward"] not in nb06._forbidden(namespace["rnn_backward"])


@pytest.mark.parametrize("wrong, hint", [
    (lambda dh, cache: learner_bptt(dh, cache)[:4], "return 5 arrays, in this order: dx, dh0"),
    (lambda dh, cache: None, "fill in the lines marked TODO"),
    (lambda dh, cache: tuple(np.full_like(g, np.nan) for g in learner_bptt(dh, cache)),
     "dx contains nan"),
])
def test_bptt_odd_answers(capsys, wrong, hint):
    _fails_with(capsys, nb06.check_bptt_backward, wrong, hint)


def test_bptt_must_not_edit_dh(capsys):
    def edits(dh, cache):
        out = learner_bptt(dh, cache)
        dh *= 2.0
        return out
    _fails_with(capsys, nb06.check_bptt_backward, edits, "changed its argument dh in place")


# ----------------------------------------------------------------------------- exercise 3

def right_clip(grads, max_norm):
    total = np.sqrt(sum(np.sum(g**2) for g in grads))
    scale = min(1.0, max_norm / total)
    return [g * scale for g in grads]


def test_clip_right_answer(capsys):
    assert _verdict(capsys, nb06.check_clip_grad_norm, right_clip)[0]


@pytest.mark.parametrize("wrong, hint", [
    (lambda grads, m: [g * min(1.0, m / np.linalg.norm(g)) for g in grads],
     "each array on its own"),
    (lambda grads, m: [g * m / np.sqrt(sum(np.sum(x**2) for x in grads)) for g in grads],
     "passes unchanged"),
    (lambda grads, m: [g * min(1.0, m / sum(np.sum(x**2) for x in grads)) for g in grads],
     "the square root is missing"),
    (lambda grads, m: [g * min(1.0, m / sum(np.linalg.norm(x) for x in grads)) for g in grads],
     "not the sum of the arrays' norms"),
    (lambda grads, m: right_clip(grads, m)[:-1], "return a list of 2 arrays"),
    (lambda grads, m: np.concatenate([g.ravel() for g in right_clip(grads, m)]),
     "return a list of 2 arrays"),
    (lambda grads, m: None, "fill in the lines marked TODO"),
])
def test_clip_mistakes(capsys, wrong, hint):
    _fails_with(capsys, nb06.check_clip_grad_norm, wrong, hint)


def test_clip_refuses_a_function_that_edits_pops_or_hands_back_its_inputs(capsys):
    def in_place(grads, m):
        out = right_clip(grads, m)
        for g, o in zip(grads, out, strict=True):
            g[...] = o
        return grads
    _fails_with(capsys, nb06.check_clip_grad_norm, in_place, "in place")

    def pops(grads, m):
        grads.pop()
        return right_clip(grads, m)
    _fails_with(capsys, nb06.check_clip_grad_norm, pops, "changed its argument grads in place")

    def lazy(grads, m):                      # right values, but the small case hands back grads
        total = np.sqrt(sum(np.sum(g**2) for g in grads))
        return grads if total <= m else right_clip(grads, m)
    _fails_with(capsys, nb06.check_clip_grad_norm, lazy, "returned the very arrays")


def test_clip_cases_have_the_norms_their_labels_state():
    cases = nb06._clip_cases(np.random.default_rng(3))
    for (label, grads, theta), (_, shapes, norms, m) in zip(cases, nb06.CLIP_CASES, strict=True):
        assert [g.shape for g in grads] == list(shapes) and theta == m, label
        np.testing.assert_allclose([np.linalg.norm(g) for g in grads], norms, rtol=1e-12)
        assert np.ptp(np.concatenate([g.ravel() for g in grads])) > 0
    totals = [np.sqrt(sum(n * n for n in norms)) for _, _, norms, _ in nb06.CLIP_CASES]
    thetas = [theta for *_, theta in nb06.CLIP_CASES]
    assert [t > m for t, m in zip(totals, thetas, strict=True)] == [True, False, True, True]
    assert max(nb06.CLIP_CASES[2][2]) < thetas[2]            # each under θ, the pair over


def test_clip_switches():
    grads = [np.array([3.0, 4.0]), np.array([0.0, 12.0])]    # norms 5 and 12, total 13
    np.testing.assert_allclose(np.concatenate(nb06._clip(grads, 6.5)), [1.5, 2, 0, 6])
    np.testing.assert_allclose(np.concatenate(nb06._clip(grads, 20.0)), [3, 4, 0, 12])
    np.testing.assert_allclose(np.concatenate(nb06._clip(grads, 26.0, always=True)),
                               [6, 8, 0, 24])
    np.testing.assert_allclose(np.concatenate(nb06._clip(grads, 6.0, norm="each")),
                               [3, 4, 0, 6])
    np.testing.assert_allclose(np.concatenate(nb06._clip(grads, 16.9, norm="squared")),
                               [0.3, 0.4, 0, 1.2])
    np.testing.assert_allclose(np.concatenate(nb06._clip(grads, 8.5, norm="sum")),
                               [1.5, 2, 0, 6])
    zero = nb06._clip([np.zeros(2)], 1.0, always=True)
    np.testing.assert_array_equal(zero[0], [0.0, 0.0])


# ----------------------------------------------------------------------------- exercise 4

RIGHT_PREDICTIONS = {"A": "vanish", "B": "neither", "C": "explode", "D": "explode", "E": "vanish"}


def test_predictions(capsys):
    assert _verdict(capsys, nb06.check_predictions, RIGHT_PREDICTIONS)[0]
    assert _verdict(capsys, nb06.check_predictions, {k: f" {v.upper()} " for k, v in
                                                     RIGHT_PREDICTIONS.items()})[0]


@pytest.mark.parametrize("wrong, hint", [
    ({**RIGHT_PREDICTIONS, "E": "explode"}, "1 of 5 is off: E"),
    ({**RIGHT_PREDICTIONS, "A": "neither", "E": "explode"}, "2 of 5 are off"),
    ({k: "?" for k in RIGHT_PREDICTIONS}, "fill in the lines marked TODO"),
    ({k: None for k in RIGHT_PREDICTIONS}, "fill in the lines marked TODO"),
    ({"A": "vanish"}, "give a prediction for B, C, D, E"),
    (["vanish"], "expected a dict"),
    ({**RIGHT_PREDICTIONS, "B": "maybe"}, "each prediction must be one of"),
    ({**RIGHT_PREDICTIONS, "B": None}, "each prediction must be one of"),
    ({k: "" for k in RIGHT_PREDICTIONS}, "fill in the lines marked TODO"),
])
def test_prediction_mistakes(capsys, wrong, hint):
    _fails_with(capsys, nb06.check_predictions, wrong, hint)


def test_prediction_matrices_are_what_the_docstring_says():
    m = nb06.prediction_matrices()
    sig = {k: np.linalg.norm(W, 2) for k, W in m.items()}
    assert abs(sig["A"] - 0.9) < 1e-12 and abs(sig["B"] - 1) < 1e-12
    assert abs(sig["C"] - 1.1) < 1e-12 and sig["E"] > 1
    assert nb06.linear_gradient_ratio(m["E"]) == 0.0
    assert nb06.linear_gradient_ratio(m["C"]) == pytest.approx(1.1 ** 100)
    assert nb06.linear_gradient_ratio(m["C"], T=3) == pytest.approx(1.1 ** 3)
    assert nb06.linear_gradient_ratio(2 * np.eye(3), seed=5) == pytest.approx(2.0 ** 100)
    assert nb06._truth() == RIGHT_PREDICTIONS
    entries = {k: round(float(np.abs(W).max()), 2) for k, W in m.items()}   # the notebook prints
    assert entries == {"A": 0.48, "B": 0.76, "C": 0.83, "D": 0.3, "E": 2.0}
    assert round(sig["D"], 2) == 2.4 and round(sig["E"], 2) == 9.57
    assert np.count_nonzero(m["E"]) == 28 and np.all(np.diag(m["E"]) == 0)


def test_classify_thresholds():
    assert [nb06._classify(r) for r in (9.99e-4, 1e-3, 1.0, 1e3, 1000.5)] == [
        "vanish", "neither", "neither", "neither", "explode"]
    assert nb06.linear_gradient_ratio(np.eye(4) * 0.5, T=2, seed=9) == pytest.approx(0.25)


# ----------------------------------------------------------------------------- exercise 5

def right_stitched(dh_chunks, caches):
    carry = np.zeros_like(caches[0][1])
    dWx = dWh = db = 0
    for dh, cache in zip(reversed(dh_chunks), reversed(caches), strict=True):
        dh = dh.copy()
        dh[:, -1] += carry
        _, carry, a, b, c = layers.rnn_backward(dh, cache)
        dWx, dWh, db = dWx + a, dWh + b, db + c
    return carry, dWx, dWh, db


def whole_sequence(dh_chunks, caches):
    """Another right answer: glue the chunks into one sequence and backpropagate once."""
    x = np.concatenate([c[0] for c in caches], axis=1)
    h = np.concatenate([c[4] for c in caches], axis=1)
    x0, h0, Wx, Wh, _ = caches[0]
    _, dh0, dWx, dWh, db = layers.rnn_backward(np.concatenate(dh_chunks, axis=1),
                                               (x, h0, Wx, Wh, h))
    return dh0, dWx, dWh, db


def test_stitched_right_answers(capsys):
    assert _verdict(capsys, nb06.check_stitched_backward, right_stitched)[0]
    assert _verdict(capsys, nb06.check_stitched_backward, whole_sequence)[0]


def test_stitched_reference_is_the_whole_sequence():
    rng = np.random.default_rng(4)
    dh_chunks, caches = nb06._chunks(rng, 2, (3, 1, 2), 3, 4)
    for mine, ref in zip(nb06._stitch(dh_chunks, caches), whole_sequence(dh_chunks, caches),
                         strict=True):
        np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-14)
    assert [c[0].shape for c in caches] == [(2, 3, 3), (2, 1, 3), (2, 2, 3)]
    assert [d.shape for d in dh_chunks] == [(2, 3, 4), (2, 1, 4), (2, 2, 4)]
    for before, after in zip(caches[:-1], caches[1:], strict=True):   # the state is carried
        np.testing.assert_array_equal(after[1], before[4][:, -1])


def _stitch_wrong(mode):
    def stitched(dh_chunks, caches):
        order = list(range(len(caches)))
        carry = np.zeros_like(caches[0][1])
        dWx = dWh = db = 0
        for i in (order if mode == "forward" else order[::-1]):
            dh = dh_chunks[i].copy()
            if mode == "first_step":
                dh[:, 0] += carry
            elif mode == "replace":
                dh[:, -1] = carry
            elif mode != "drop":
                dh[:, -1] += carry
            _, carry, a, b, c = layers.rnn_backward(dh, caches[i])
            dWx, dWh, db = dWx + a, dWh + b, db + c
        return carry, dWx, dWh, db
    return stitched


@pytest.mark.parametrize("part, name", [(1, "dWx"), (2, "dWh"), (3, "db")])
def test_stitched_names_the_wrong_part(capsys, part, name):
    def one_part_doubled(dh_chunks, caches):
        out = list(right_stitched(dh_chunks, caches))
        out[part] = 2 * out[part]
        return tuple(out)
    _fails_with(capsys, nb06.check_stitched_backward, one_part_doubled,
                f"{name} is exactly 2× the right value")


@pytest.mark.parametrize("mode, hint", [
    ("drop", "dh0: that is truncated BPTT"),
    ("forward", "backward in time, last chunk first"),
    ("first_step", "previous chunk's *last* state"),
    ("replace", "must be *added* to dh[:, -1]"),
])
def test_stitched_mistakes(capsys, mode, hint):
    _fails_with(capsys, nb06.check_stitched_backward, _stitch_wrong(mode), hint)


def test_stitched_must_not_edit_the_chunks(capsys):
    def edits(dh_chunks, caches):
        carry = np.zeros_like(caches[0][1])
        dWx = dWh = db = 0
        for dh, cache in zip(reversed(dh_chunks), reversed(caches), strict=True):
            dh[:, -1] += carry                             # edits the caller's array
            _, carry, a, b, c = layers.rnn_backward(dh, cache)
            dWx, dWh, db = dWx + a, dWh + b, db + c
        return carry, dWx, dWh, db
    _fails_with(capsys, nb06.check_stitched_backward, edits, "in place")


def test_stitched_names_the_second_case(capsys):
    def single_chunk_only(dh_chunks, caches):
        out = right_stitched(dh_chunks, caches)
        return out if len(caches) == 3 else (out[0], out[1] * 2, out[2], out[3])
    _fails_with(capsys, nb06.check_stitched_backward, single_chunk_only,
                "on 2 chunks of 4 and 1 steps")


# ----------------------------------------------------------------------------- the notebook

def _solutions() -> dict:
    source = NOTEBOOK.read_text(encoding="utf-8")
    blocks = re.findall(r"# ```python\n(.*?)# ```", source, flags=re.S)
    code = "\n".join(re.sub(r"^# ?", "", line) for b in blocks for line in b.splitlines())
    namespace = {"np": np, "layers": layers}
    exec(code, namespace)  # noqa: S102 - our own notebook's solution text
    return namespace


def test_the_notebook_solutions_pass_their_checkers(capsys):
    ns = _solutions()
    assert nb06.check_shared_dWh(ns["shared_dWh"])
    assert nb06.check_bptt_backward(ns["bptt_backward"])
    assert nb06.check_clip_grad_norm(ns["clip_grad_norm"])
    assert nb06.check_predictions(ns["predictions"])
    assert nb06.check_stitched_backward(ns["stitched_backward"])
    assert capsys.readouterr().out.count("✓") == 5


def test_the_notebook_stubs_are_not_done(capsys):
    source = NOTEBOOK.read_text(encoding="utf-8")
    cells = re.findall(r'# %% .*?tags=\["exercise"\]\n(.*?)(?=\n# %%)', source, flags=re.S)
    assert len(cells) == 5
    namespace = {"np": np, "layers": layers}
    namespace.update({name: getattr(nb06, name) for name in nb06.__all__})
    for cell in cells:
        exec(cell, namespace)  # noqa: S102 - our own notebook's stubs
    out = capsys.readouterr().out
    assert out.count("not yet: fill in the lines marked TODO") == 5, out


def test_clip_cases_mix_matrices_and_vectors():
    assert [list(shapes) for _, shapes, _, _ in nb06.CLIP_CASES] == [
        [(4, 3), (3,)], [(4, 3), (3,)], [(2, 2), (3,)], [(2, 5), (5, 5), (5,)]]


def test_the_five_exercises_are_registered_in_order():
    from helpers.exercises._check import registered

    exercises = registered("06")
    assert [ex.number for ex in exercises] == [1, 2, 3, 4, 5]
    assert [ex.checker.__name__ for ex in exercises] == [
        "check_shared_dWh", "check_bptt_backward", "check_clip_grad_norm", "check_predictions",
        "check_stitched_backward"]
