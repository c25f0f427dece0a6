"""Notebook 11: the sampling explorer's pure functions, its widget and its static figure."""

from __future__ import annotations

import time

import numpy as np
import pytest

import helpers.layers as layers
from helpers.corpora import read_text
from helpers.widgets.sampling_explorer import (
    PROMPTS,
    _prepare,
    _step,
    explore_sampling,
    sample_text,
    sampling_explorer,
    sampling_explorer_figure,
    softmax_temperature,
)

CHARS = "".join(sorted(set(read_text("shakespeare_sonnets.txt"))))


def random_model(seed=0, D=5, H=8, chars=CHARS):
    rng = np.random.default_rng(seed)
    V = len(chars)
    params = {"W_embed": rng.standard_normal((V, D)),
              "Wx": rng.standard_normal((D, 4 * H)) / np.sqrt(D),
              "Wh": rng.standard_normal((H, 4 * H)) / np.sqrt(H),
              "b": 0.3 * rng.standard_normal(4 * H),
              "W_out": 2 * rng.standard_normal((H, V)) / np.sqrt(H),
              "b_out": rng.standard_normal(V)}
    return params, chars


# ------------------------------------------------------------------ softmax_temperature


@pytest.mark.parametrize("tau", [0.1, 0.5, 1.0, 2.0, 50.0])
def test_temperature_keeps_the_order_and_sums_to_one(tau):
    s = np.random.default_rng(1).standard_normal((3, 9)) * 3
    p = softmax_temperature(s, tau)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(np.argsort(p, axis=-1), np.argsort(s, axis=-1))


def test_temperature_one_is_the_softmax_and_the_limits_are_greedy_and_uniform():
    s = np.array([2.0, 1.0, 0.0, -1.0])
    e = np.exp(s)
    np.testing.assert_allclose(softmax_temperature(s, 1.0), e / e.sum(), rtol=1e-14)
    np.testing.assert_allclose(softmax_temperature(s, 1e-3), [1, 0, 0, 0], atol=1e-12)
    np.testing.assert_allclose(softmax_temperature(s, 1e6), 0.25, rtol=1e-5)
    entropies = [-(p * np.log(p)).sum() for p in (softmax_temperature(s, t) for t in
                                                   (0.3, 0.7, 1.0, 1.5, 3.0))]
    assert np.all(np.diff(entropies) > 0)            # hotter is flatter


def test_temperature_is_stable_for_large_scores_and_leaves_its_input_alone():
    s = np.array([[1000.0, 999.0, -1000.0]])
    before = s.copy()
    p = softmax_temperature(s, 0.5)
    assert np.all(np.isfinite(p)) and p[0, 0] == pytest.approx(1 / (1 + np.exp(-2)))
    np.testing.assert_array_equal(s, before)


@pytest.mark.parametrize("scores, tau, err, match", [
    ([1.0, 2.0], 0.0, ValueError, "temperature"),
    ([1.0, 2.0], -1.0, ValueError, "temperature"),
    ([1.0, 2.0], float("nan"), ValueError, "temperature"),
    ([1.0, 2.0], "1", TypeError, "temperature"),
    ([1.0, 2.0], True, TypeError, "temperature"),
    ([], 1.0, ValueError, "scores"),
    (3.0, 1.0, ValueError, "scores"),
    ([1.0, float("inf")], 1.0, ValueError, "scores"),
    (["a", "b"], 1.0, TypeError, "scores"),
])
def test_temperature_bad_input_names_function_and_argument(scores, tau, err, match):
    with pytest.raises(err, match=f"softmax_temperature: {match}"):
        softmax_temperature(scores, tau)


# ------------------------------------------------------------------ sample_text


def test_sampling_is_seeded_and_stays_in_the_vocabulary():
    params, chars = random_model()
    a = sample_text(params, chars, "Shall I", 80, 0.8, seed=3)
    assert a == sample_text(params, chars, "Shall I", 80, 0.8, seed=3)
    assert a != sample_text(params, chars, "Shall I", 80, 0.8, seed=4)
    assert len(a) == 80 and set(a) <= set(chars)
    assert sample_text(params, chars, "Shall I", 0, 0.8) == ""


def test_the_sampling_step_is_the_layers_lstm_step():
    params, chars = random_model(5)
    model = _prepare(params)
    rng = np.random.default_rng(0)
    h, c = rng.standard_normal(8), rng.standard_normal(8)
    for k in (0, 17, len(chars) - 1):
        h_ref, c_ref, _ = layers.lstm_step_forward(params["W_embed"][k][None], h[None], c[None],
                                                   params["Wx"], params["Wh"], params["b"])
        h_new, c_new = _step(model, k, h, c)
        np.testing.assert_allclose(h_new, h_ref[0], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(c_new, c_ref[0], rtol=1e-12, atol=1e-14)


def test_a_cold_sample_is_the_greedy_one():
    params, chars = random_model(1)
    index = {c: k for k, c in enumerate(chars)}
    H = params["Wh"].shape[0]
    h, c = np.zeros((1, H)), np.zeros((1, H))

    def step(k, h, c):
        a = params["W_embed"][k] @ params["Wx"] + h @ params["Wh"] + params["b"]
        i, f, o = (1 / (1 + np.exp(-a[:, j * H:(j + 1) * H])) for j in range(3))
        c = f * c + i * np.tanh(a[:, 3 * H:])
        return o * np.tanh(c), c

    for ch in "My love":
        h, c = step(index[ch], h, c)
    greedy = []
    for _ in range(30):
        k = int(np.argmax(h @ params["W_out"] + params["b_out"]))
        greedy.append(chars[k])
        h, c = step(k, h, c)
    assert sample_text(params, chars, "My love", 30, 1e-4, seed=9) == "".join(greedy)


def test_the_sampler_draws_from_the_distribution():
    """A model whose scores never change: character frequencies match p(τ)."""
    rng = np.random.default_rng(2)
    params, chars = random_model(2)
    params = {**params, "W_out": np.zeros_like(params["W_out"]),
              "b_out": rng.standard_normal(len(chars))}
    text = sample_text(params, chars, "O", 5000, 0.8, seed=0)
    freq = np.array([text.count(c) for c in chars]) / len(text)
    p = softmax_temperature(params["b_out"], 0.8)
    assert np.abs(freq - p).max() < 4 * np.sqrt(p.max() / len(text))


def test_sampling_leaves_the_model_alone():
    params, chars = random_model()
    before = {k: v.copy() for k, v in params.items()}
    sample_text(params, chars, "Thy", 20, 1.0)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


@pytest.mark.parametrize("kwargs, err, match", [
    (dict(prompt=""), ValueError, "prompt"),
    (dict(prompt="Zebra"), ValueError, "prompt"),       # 'Z' is not in the sonnets
    (dict(prompt=3), TypeError, "prompt"),
    (dict(length=-1), ValueError, "length"),
    (dict(length=2.0), TypeError, "length"),
    (dict(temperature=0), ValueError, "temperature"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(chars="ab"), ValueError, "params"),
    (dict(params={"W_embed": 1}), TypeError, "params"),
])
def test_sample_text_bad_input_names_function_and_argument(kwargs, err, match):
    params, chars = random_model()
    args = dict(params=params, chars=chars, prompt="Thy", length=5, temperature=1.0)
    args.update(kwargs)
    with pytest.raises(err, match=f"sample_text: {match}"):
        sample_text(**args)


# ------------------------------------------------------------------ explore_sampling


def test_explore_sampling_agrees_with_its_parts():
    params, chars = random_model(4)
    v = explore_sampling(params, chars, "When I", 0.6, seed=5, length=50)
    assert v.sample == sample_text(params, chars, "When I", 50, 0.6, seed=5)
    assert len(v.top_chars) == len(v.p) == len(v.p_model) == 12
    assert np.all(np.diff(v.p_model) <= 0) and np.all(np.diff(v.p) <= 0)   # same order at τ
    assert v.p[0] > v.p_model[0]                      # τ < 1 sharpens the favourite
    assert 0 < v.entropy < np.log(len(chars))
    hot = explore_sampling(params, chars, "When I", 2.0, seed=5, length=50)
    assert hot.entropy > v.entropy and hot.top_chars == v.top_chars


def test_pure_function_time_is_measured():
    params, chars = random_model(D=32, H=128)
    explore_sampling(params, chars)
    t0 = time.perf_counter()
    for _ in range(5):
        explore_sampling(params, chars)
    print(f"explore_sampling (200 characters, H = 128): "
          f"{1e3 * (time.perf_counter() - t0) / 5:.1f} ms per call")   # measured, not asserted


# ------------------------------------------------------------------ widget and figure


def test_widget_updates_in_place_and_does_not_follow_later_training():
    params, chars = random_model()
    box = sampling_explorer(params, chars)
    first, sample = box.view.image.value, box.state["view"].sample
    params["W_out"] += 5.0                            # "training" the model afterwards
    box.controls["temperature"].value = 1.5
    assert box.state["view"].temperature == pytest.approx(1.5, rel=0.03)
    assert box.view.image.value != first
    box.controls["temperature"].value = 0.7
    assert box.state["view"].sample == sample         # the copy the widget made at the start
    box.controls["prompt"].value = PROMPTS[1]
    assert box.state["view"].prompt == PROMPTS[1]
    box.controls["seed"].value = 7
    assert box.state["view"].seed == 7 and box.children[-1].value.startswith("<pre")


def test_blitted_move_equals_a_full_redraw():
    params, chars = random_model()
    box = sampling_explorer(params, chars)
    box.controls["temperature"].value = 0.3
    box.controls["temperature"].value = 1.2           # two blitted moves
    fig = box.view.fig
    blitted = np.asarray(fig.canvas.buffer_rgba()).copy()
    for artist in box.view.dynamic:
        artist.set_animated(False)
    fig.canvas.draw()
    np.testing.assert_array_equal(blitted, np.asarray(fig.canvas.buffer_rgba()))


def test_a_new_prompt_updates_the_same_artists_and_looks_like_a_full_draw():
    """A new prompt relabels the x axis and moves the τ = 1 outlines in place (no axes
    cleared, no bars made again); each prompt keeps its background, and the picture after
    going back and forth is the one a full draw gives."""
    params, chars = random_model()
    box = sampling_explorer(params, chars)
    fig = box.view.fig
    ax = fig.axes[0]
    patches = list(ax.patches)
    for prompt in (PROMPTS[1], PROMPTS[3], PROMPTS[1]):
        box.controls["prompt"].value = prompt
    box.controls["temperature"].value = 1.5
    assert list(ax.patches) == patches
    assert ax.get_xlabel().startswith(f"next character after “{PROMPTS[1]}”")
    view = box.state["view"]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        {" ": "␣", "\n": "↵"}.get(ch, ch) for ch in view.top_chars]
    heights = [p.get_height() for p in patches]
    np.testing.assert_allclose(heights, np.concatenate([view.p, view.p_model]))
    blitted = np.asarray(fig.canvas.buffer_rgba()).copy()
    for artist in box.view.dynamic:
        artist.set_animated(False)
    fig.canvas.draw()
    np.testing.assert_array_equal(blitted, np.asarray(fig.canvas.buffer_rgba()))


def test_static_figure_shows_the_default_state():
    params, chars = random_model()
    fig = sampling_explorer_figure(params, chars)
    ax = fig.axes[0]
    assert ax.get_title().startswith("τ = 0.70")
    assert len(ax.patches) == 24                      # 12 outlines and 12 bars
    assert any(t.get_text().startswith(PROMPTS[0]) for t in fig.texts)
