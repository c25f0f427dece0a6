"""Notebook 11's exercise checkers: the right answer passes, the reference is refused, and each
planted classic mistake gets its own hint."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_tools import says
from exercise_tools import stub as _stub

import helpers.layers as layers
from helpers.exercises import nb11
from helpers.widgets.sampling_explorer import softmax_temperature


def _raises(*args):
    raise NotImplementedError


# ------------------------------------------------------------------ exercise 1


def _temperature_softmax(scores, tau):
    z = scores / tau
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_temperature_right_answer_passes(capsys):
    assert nb11.check_temperature_softmax(_temperature_softmax)
    assert capsys.readouterr().out.startswith("✓")


def test_temperature_reference_is_refused(capsys):
    assert not nb11.check_temperature_softmax(lambda s, tau: softmax_temperature(s, tau))
    assert "without" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, hint", [
    (lambda s, tau: _temperature_softmax(s * tau * tau, tau), "multiplied by τ"),
    (lambda s, tau: _temperature_softmax(s * tau, tau), "temperature is missing"),
    (lambda s, tau: np.exp(s / tau - (s / tau).max(axis=-1, keepdims=True)), "not normalized"),
    (lambda s, tau: np.exp(s / tau) / np.exp(s / tau).sum(axis=-1, keepdims=True),
     "subtract each row's largest score"),
])
def test_temperature_mistakes_get_their_hints(capsys, wrong, hint):
    with np.errstate(all="ignore"):
        assert not nb11.check_temperature_softmax(wrong)
    assert hint in capsys.readouterr().out


def _log_softmax(s, tau):
    z = s / tau
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


LOG_PROBS = "these are log-probabilities (a log-softmax"


@pytest.mark.parametrize("wrong, hint", [
    (lambda s, tau: s, "p: these are the scores, returned unchanged: turn them into "
                       "probabilities (divide by τ"),
    (lambda s, tau: s.copy(), "p: these are the scores, returned unchanged"),
    (lambda s, tau: s / tau, "p: these are the scaled scores s / τ, not yet probabilities"),
    (_log_softmax, LOG_PROBS),
    (lambda s, tau: np.log(_temperature_softmax(s, tau)), LOG_PROBS),
    (lambda s, tau: _log_softmax(s, 1.0), LOG_PROBS),                   # and without τ
], ids=["scores", "scores_copy", "scaled_scores", "log_softmax", "log_of_softmax",
        "log_softmax_without_tau"])
def test_temperature_not_probabilities_get_their_hints(capsys, wrong, hint):
    assert not nb11.check_temperature_softmax(wrong)
    assert says(capsys, "on one row of scores (V = 7), τ = 0.5: ", hint)


def test_temperature_log_softmax_hint_says_what_to_change(capsys):
    assert not nb11.check_temperature_softmax(_log_softmax)
    assert says(capsys, "not the probabilities asked for: divide the exponentials of the "
                        "shifted scores by their row sum instead of subtracting the log")


def test_temperature_wrong_axis(capsys):
    def wrong(s, tau):
        z = s / tau
        if z.ndim == 1:
            return _temperature_softmax(s, tau)
        e = np.exp(z - z.max())
        return e / e.sum(axis=0, keepdims=True)
    assert not nb11.check_temperature_softmax(wrong)
    assert "wrong axis" in capsys.readouterr().out


def _shifted_rows(s, tau):
    z = s / tau
    return np.exp(z - z.max(axis=-1, keepdims=True))     # each row shifted by its own max


@pytest.mark.parametrize("wrong, hint", [
    (lambda s, tau: _shifted_rows(s, tau) / _shifted_rows(s, tau).sum(),
     "rows do not each sum to 1"),                          # the whole array's sum
    (lambda s, tau: _shifted_rows(s, tau) / _shifted_rows(s, tau).sum(axis=0, keepdims=True),
     "each column sums to 1"),                              # axis 0, after a row-wise shift
])
def test_temperature_normalized_over_the_wrong_entries(capsys, wrong, hint):
    assert not nb11.check_temperature_softmax(wrong)
    out = capsys.readouterr().out
    assert "on a batch (3, 5)" in out and hint in out, out


def test_temperature_normalization_hint_only_for_positive_arrays_of_the_right_shape():
    expected = _temperature_softmax(np.arange(6.0).reshape(2, 3), 1.0)
    assert nb11._normalization_hint(-expected, expected) is None
    assert nb11._normalization_hint(expected[:1], expected) is None
    assert nb11._normalization_hint(expected[0], expected[0]) is None          # one row
    assert nb11._normalization_hint(expected + [[0.1, 0.0, 0.0], [0, 0, 0]], expected) is None


@pytest.mark.parametrize("fn", [_stub, _raises])
def test_temperature_stub_is_not_done(capsys, fn):
    assert not nb11.check_temperature_softmax(fn)
    assert "TODO" in capsys.readouterr().out


# ------------------------------------------------------------------ exercise 2


def _layer(dh_all, steps):
    T = len(steps)
    dh_next = np.zeros_like(dh_all[:, 0])
    dc_next = np.zeros_like(dh_all[:, 0])
    dx, dWx, dWh, db = [None] * T, 0, 0, 0
    for t in reversed(range(T)):
        dx[t], dh_next, dc_next, a, b, c = layers.lstm_step_backward(dh_all[:, t] + dh_next,
                                                                     dc_next, steps[t])
        dWx, dWh, db = dWx + a, dWh + b, db + c
    return np.stack(dx, axis=1), dWx, dWh, db


def stacked_backward(dscores, caches):
    emb_cache, steps1, steps2, aff_cache = caches
    dh2, dW_out, db_out = layers.affine_backward(dscores, aff_cache)
    dh2 = dh2.reshape(-1, len(steps2), dh2.shape[1])
    dx2, dWx2, dWh2, db2 = _layer(dh2, steps2)
    dx1, dWx1, dWh1, db1 = _layer(dx2, steps1)
    return {"W_embed": layers.embedding_backward(dx1, emb_cache), "Wx1": dWx1, "Wh1": dWh1,
            "b1": db1, "Wx2": dWx2, "Wh2": dWh2, "b2": db2, "W_out": dW_out, "b_out": db_out}


def test_stacked_right_answer_passes(capsys):
    assert nb11.check_stacked_backward(stacked_backward)
    assert capsys.readouterr().out.startswith("✓")


def test_stacked_right_answer_matches_numerical_gradients():
    """The checker's reference is the gradient of the chunk's loss (checked by differences)."""
    from helpers.gradcheck import numerical_gradient, rel_error
    rng = np.random.default_rng(3)
    params = nb11.stacked_params(5, 3, 4, 3, rng)
    ids = rng.integers(0, 5, size=(2, 4))
    y = rng.integers(0, 5, size=8)
    state = ((rng.standard_normal((2, 4)), rng.standard_normal((2, 4))),
             (rng.standard_normal((2, 3)), rng.standard_normal((2, 3))))

    def loss(p):
        return layers.softmax_cross_entropy(nb11.stacked_forward(p, ids, state)[0], y)[0]

    scores, _, caches = nb11.stacked_forward(params, ids, state)
    grads = stacked_backward(layers.softmax_cross_entropy(scores, y)[1], caches)
    for name in params:
        def f(w, name=name):
            return loss({**params, name: w})
        assert rel_error(grads[name], numerical_gradient(f, params[name].copy())) < 1e-6, name


def test_stacked_reference_is_refused(capsys):
    assert not nb11.check_stacked_backward(
        lambda d, c: dict(zip(nb11.STACKED_KEYS, nb11._stacked_backward(d, c), strict=True)))
    assert "without" in capsys.readouterr().out


def _unwatched(dscores, caches, **switch):
    """The checker's planted mistakes, recomputed here (the checker forbids its own reference)."""
    emb_cache, steps1, steps2, aff_cache = caches
    dh2, dW_out, db_out = layers.affine_backward(dscores, aff_cache)
    T = len(steps2)
    if switch.get("time_major"):
        dh2 = dh2.reshape(T, -1, dh2.shape[1]).transpose(1, 0, 2)
    else:
        dh2 = dh2.reshape(-1, T, dh2.shape[1])

    def layer(dh_all, steps, through_time=True, cell=True):
        dh_next = np.zeros_like(dh_all[:, 0])
        dc_next = np.zeros_like(dh_all[:, 0])
        dx, dW = [None] * T, [0, 0, 0]
        for t in reversed(range(T)):
            dh = dh_all[:, t] + (dh_next if through_time else 0)
            dc = dc_next if cell else np.zeros_like(dc_next)
            dx[t], dh_next, dc_next, *dW_t = layers.lstm_step_backward(dh, dc, steps[t])
            dW = ([a + b for a, b in zip(dW, dW_t, strict=True)]
                  if switch.get("sum_over_time", True) else dW_t)
        return np.stack(dx, axis=1), dW

    time1, time2 = switch.get("time", (True, True))
    cell1, cell2 = switch.get("cell", (True, True))
    dx2, dW2 = layer(dh2, steps2, through_time=time2, cell=cell2)
    above = dx2 if switch.get("from_above", True) else np.zeros_like(dx2)
    dx1, dW1 = layer(above, steps1, through_time=time1, cell=cell1)
    return (dW_out, db_out, *dW2, *dW1, layers.embedding_backward(dx1, emb_cache))


@pytest.mark.parametrize("switch, hint", [
    (dict(from_above=False), "layer 1 gets nothing from layer 2"),
    (dict(time=(False, True)), "layer 1 is missing its own path through time"),
    (dict(time=(True, False)), "layer 2 is missing its own path through time"),
    (dict(time=(False, False)), "layer 2 is missing its own path through time"),   # first found
    (dict(cell=(False, True)), "layer 1's cell-state gradient is dropped"),
    (dict(cell=(True, False)), "layer 2's cell-state gradient is dropped"),
    (dict(cell=(False, False)), "layer 2's cell-state gradient is dropped"),
    (dict(sum_over_time=False), "only one step's share"),
    (dict(time_major=True), "n·T + t"),
])
def test_stacked_mistakes_get_their_hints(capsys, switch, hint):
    def wrong(dscores, caches):
        return dict(zip(nb11.STACKED_KEYS, _unwatched(dscores, caches, **switch), strict=True))
    assert not nb11.check_stacked_backward(wrong)
    out = capsys.readouterr().out
    assert hint in out, out


def test_stacked_answers_that_are_not_a_dict_of_gradients(capsys):
    assert not nb11.check_stacked_backward(lambda d, c: tuple(_unwatched(d, c)))
    assert "return a dict" in capsys.readouterr().out
    assert not nb11.check_stacked_backward(
        lambda d, c: {k: v for k, v in stacked_backward(d, c).items() if k != "b1"})
    assert "lacks b1" in capsys.readouterr().out
    assert not nb11.check_stacked_backward(
        lambda d, c: {**stacked_backward(d, c), "Wh1": np.full((3, 3), np.nan)})
    assert "dWh1" in capsys.readouterr().out


@pytest.mark.parametrize("fn", [_stub, _raises])
def test_stacked_stub_is_not_done(capsys, fn):
    assert not nb11.check_stacked_backward(fn)
    assert "TODO" in capsys.readouterr().out


# ------------------------------------------------------------------ exercise 3


def top_k_probs(scores, k, tau):
    p = _temperature_softmax(scores, tau)
    keep = np.argsort(-scores)[:k]
    q = np.zeros_like(p)
    q[keep] = p[keep]
    return q / q.sum()


def test_top_k_right_answer_passes(capsys):
    assert nb11.check_top_k_probs(top_k_probs)
    assert capsys.readouterr().out.startswith("✓")


def test_top_k_reference_is_refused(capsys):
    assert not nb11.check_top_k_probs(lambda s, k, tau: nb11._top_k(s, k, tau))
    assert "without" in capsys.readouterr().out


def _keep(scores, k, tau, sl, normalize=True, use_tau=True):
    p = _temperature_softmax(scores, tau if use_tau else 1.0)
    keep = sl(np.argsort(-scores))
    q = np.zeros_like(p)
    q[keep] = p[keep]
    return q / q.sum() if normalize else q


@pytest.mark.parametrize("wrong, hint", [
    (lambda s, k, tau: _keep(s, k, tau, lambda o: o[:k], normalize=False), "renormalize"),
    (lambda s, k, tau: _keep(s, k, tau, lambda o: o[:k + 1]), "k + 1"),
    (lambda s, k, tau: _keep(s, k, tau, lambda o: o[:k - 1]), "k − 1"),
    (lambda s, k, tau: _keep(s, k, tau, lambda o: o[::-1][:k]), "least"),
    (lambda s, k, tau: _keep(s, k, tau, lambda o: o[:k], use_tau=False), "temperature"),
])
def test_top_k_mistakes_get_their_hints(capsys, wrong, hint):
    assert not nb11.check_top_k_probs(wrong)
    assert hint in capsys.readouterr().out


@pytest.mark.parametrize("fn", [_stub, _raises])
def test_top_k_stub_is_not_done(capsys, fn):
    assert not nb11.check_top_k_probs(fn)
    assert "TODO" in capsys.readouterr().out


@pytest.mark.parametrize("answer", [None, "p", {"p": 1}, [[1.0], [1.0, 2.0]],
                                    np.array([object()]), float("nan")])
def test_odd_answers_never_pass_and_never_raise(capsys, answer):
    for check in (nb11.check_temperature_softmax, nb11.check_top_k_probs,
                  nb11.check_stacked_backward):
        assert not check(lambda *args, answer=answer: answer)
        assert capsys.readouterr().out.startswith("not yet")


# ------------------------------------------------------------------ the cases and the registry


def test_stacked_cases_are_batch_1_and_a_non_square_batch():
    """Case 1: N = 1; case 2: N = 3 with H1 ≠ H2 — every size as its label states."""
    seen = []

    def spy(dscores, caches):
        emb_cache, steps1, steps2, _ = caches
        (N, T), V = emb_cache[0].shape, dscores.shape[1]
        D, H1, H2 = steps1[0][0].shape[1], steps1[0][1].shape[1], steps2[0][1].shape[1]
        assert dscores.shape == (N * T, V) and len(steps1) == len(steps2) == T
        seen.append((N, T, V, D, H1, H2))
        return stacked_backward(dscores, caches)

    assert nb11.check_stacked_backward(spy)
    assert seen == [(1, 4, 6, 3, 5, 4), (3, 5, 7, 4, 3, 6)]


def test_top_k_cases_draw_scores_of_scale_2(monkeypatch):
    seen = []

    def spy(scores, k, tau):
        seen.append((scores.copy(), k, tau))
        return top_k_probs(scores, k, tau)

    monkeypatch.setattr(nb11, "_rng", lambda: np.random.default_rng(0))
    assert nb11.check_top_k_probs(spy)
    rng = np.random.default_rng(0)
    want = [(rng.standard_normal(8) * 2, 3, 0.8), (rng.standard_normal(12) * 2, 5, 1.5)]
    assert len(seen) == 2
    for (scores, k, tau), (w_scores, w_k, w_tau) in zip(seen, want, strict=True):
        np.testing.assert_array_equal(scores, w_scores)
        assert (k, tau) == (w_k, w_tau)


def test_top_k_hint_names_p(capsys):
    assert not nb11.check_top_k_probs(
        lambda s, k, tau: _keep(s, k, tau, lambda o: o[:k], use_tau=False))
    assert "p: the temperature is missing" in capsys.readouterr().out


def test_the_three_checkers_are_exercises_1_2_3_of_notebook_11(capsys):
    from helpers.exercises._check import progress
    assert nb11.check_temperature_softmax(_temperature_softmax)
    assert nb11.check_stacked_backward(stacked_backward)
    assert nb11.check_top_k_probs(top_k_probs)
    capsys.readouterr()
    assert progress("11") == (3, 3)
    assert "1 ✓ · 2 ✓ · 3 ✓" in capsys.readouterr().out


# ------------------------------------------------------------------ the cases, pinned


def _spy_calls(monkeypatch, check, answer):
    """Run ``check`` with a seeded generator; every argument tuple the checker passed."""
    seen = []

    def spy(*args):
        seen.append(args)
        return answer(*args)

    monkeypatch.setattr(nb11, "_rng", lambda: np.random.default_rng(0))
    assert check(spy)
    return seen


def test_temperature_cases_are_a_row_a_batch_and_scores_near_800(monkeypatch):
    seen = _spy_calls(monkeypatch, nb11.check_temperature_softmax, _temperature_softmax)
    rng = np.random.default_rng(0)
    want = [(rng.standard_normal(7) * 3, 0.5), (rng.standard_normal((3, 5)) * 3, 2.0),
            (800 + 50 * rng.standard_normal((2, 6)), 0.7)]
    assert len(seen) == len(want)
    for (scores, tau), (w_scores, w_tau) in zip(seen, want, strict=True):
        np.testing.assert_array_equal(scores, w_scores)
        assert tau == w_tau


def _stacked_case_by_hand(rng, N, T, V, D, H1, H2):
    """The checker's case, drawn here in the same order: ids, dscores and the state."""
    def w(*shape):
        return rng.standard_normal(shape) / np.sqrt(shape[0])
    params = {"W_embed": rng.standard_normal((V, D)), "Wx1": w(D, 4 * H1),
              "Wh1": w(H1, 4 * H1), "b1": 0.3 * rng.standard_normal(4 * H1),
              "Wx2": w(H1, 4 * H2), "Wh2": w(H2, 4 * H2), "b2": 0.3 * rng.standard_normal(4 * H2),
              "W_out": w(H2, V), "b_out": 0.3 * rng.standard_normal(V)}
    ids = rng.integers(0, V, size=(N, T))
    ids[0, 0] = ids[0, 1] = ids[0, T - 1]
    state = ((rng.standard_normal((N, H1)), rng.standard_normal((N, H1))),
             (rng.standard_normal((N, H2)), rng.standard_normal((N, H2))))
    scores, _, _ = nb11.stacked_forward(params, ids, state)
    dscores = layers.softmax_cross_entropy(scores, rng.integers(0, V, size=N * T))[1]
    return ids, dscores, state


def test_stacked_cases_are_pinned(monkeypatch):
    """Parameters of scale 1/√fan-in, biases 0.3·N(0, 1), a repeated character in sequence 0,
    a random state entering the chunk and random labels."""
    seen = _spy_calls(monkeypatch, nb11.check_stacked_backward, stacked_backward)
    rng = np.random.default_rng(0)
    want = [_stacked_case_by_hand(rng, 1, 4, 6, 3, 5, 4),
            _stacked_case_by_hand(rng, 3, 5, 7, 4, 3, 6)]
    assert len(seen) == len(want)
    for (dscores, caches), (ids, w_dscores, state) in zip(seen, want, strict=True):
        emb_cache, steps1, steps2, _ = caches
        np.testing.assert_array_equal(emb_cache[0], ids)
        np.testing.assert_allclose(dscores, w_dscores, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(steps1[0][1], state[0][0])          # h1 entering
        np.testing.assert_array_equal(steps2[0][2], state[1][1])          # c2 entering


def test_temperature_hint_names_p(capsys):
    assert not nb11.check_temperature_softmax(lambda s, tau: _temperature_softmax(s, 1.0))
    assert "p: the temperature is missing" in capsys.readouterr().out


def test_temperature_inf_without_nan_gets_the_overflow_hint(capsys):
    """An answer that overflows to inf (not nan) on the large scores gets the max-shift hint."""
    def overflows(s, tau):
        p = _temperature_softmax(s, tau)
        return np.full_like(p, np.inf) if np.max(s) > 100 else p
    assert not nb11.check_temperature_softmax(overflows)
    assert "exp(800 / τ) overflows" in capsys.readouterr().out


def test_softmax_last_is_shifted():
    np.testing.assert_allclose(nb11._softmax_last(np.array([800.0, 0.0])), [1.0, 0.0])


def test_normalization_hint_needs_every_entry_positive():
    """Columns that sum to 1 only count when every entry is positive, as exponentials are."""
    expected = _temperature_softmax(np.arange(6.0).reshape(2, 3), 1.0)
    assert nb11._normalization_hint(np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]]),
                                    expected) is None
