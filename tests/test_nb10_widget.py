"""Notebook 10's widget: the pure function behind the attention explorer, and its drawing."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.seq2seq import TASK, init_seq2seq, load_models
from helpers.widgets.attention_explorer import (
    EXAMPLES,
    attention_explorer,
    attention_explorer_figure,
    encoder_gradients,
    examples,
    initial_models,
)

T = TASK["T"]


@pytest.fixture(scope="module")
def models():
    return load_models()


def test_untrained_models_are_seed_0s_common_start():
    start = initial_models()
    P0 = init_seq2seq(np.random.default_rng(0))
    assert set(start) == {"attention", "plain"}
    for P in start.values():
        assert all(np.array_equal(P[name], P0[name]) for name in P0)


@pytest.mark.parametrize("trained", [True, False])
@pytest.mark.parametrize("example, step", [(0, 0), (3, 7), (EXAMPLES - 1, T - 1)])
def test_shapes_and_ranges(models, example, step, trained):
    d = encoder_gradients(example, step, trained, models)
    x, y = examples()
    assert np.array_equal(d["x"], x[example]) and np.array_equal(d["y"], x[example][::-1])
    assert d["weights"].shape == (T, T)
    np.testing.assert_allclose(d["weights"].sum(axis=1), 1.0, rtol=1e-12)
    for key in ("total", "direct", "plain", "prediction", "prediction_plain"):
        assert d[key].shape == (T,), key
    for key in ("total", "direct", "plain"):
        assert np.all(np.isfinite(d[key])) and np.all(d[key] >= 0), key
    assert d["top"]["attention"] == d["total"].max() and d["top"]["plain"] == d["plain"].max()
    assert d["loss"] > 0 and d["loss_plain"] > 0


def test_trained_attention_looks_at_the_reversed_position_and_sends_its_gradient_there(models):
    """Output s copies input T − 1 − s: after training, that is where it looks (on average
    over the explorer's inputs), and where its one-hop gradient lands most often."""
    weight_on_target, lands = [], []
    for example in range(EXAMPLES):
        for step in range(T):
            d = encoder_gradients(example, step, True, models)
            weight_on_target.append(d["weights"][step, T - 1 - step])
            lands.append(d["direct"].argmax() == T - 1 - step)
    assert np.mean(weight_on_target) > 0.9 and np.mean(lands) > 0.9


def test_untrained_attention_spreads_its_gradient_over_every_state():
    d = encoder_gradients(0, 3, trained=False)
    assert d["weights"].max() < 0.5                    # nearly uniform weights at the start
    assert d["direct"].min() > 1e-2 * d["direct"].max()
    # without attention the gradient fades going back from the last state
    assert d["plain"][0] < 0.2 * d["plain"][-1]


def test_default_models_are_the_shipped_ones(models):
    a = encoder_gradients(2, 6)
    b = encoder_gradients(2, 6, True, models)
    for key in ("weights", "total", "direct", "plain"):
        assert np.array_equal(a[key], b[key])


@pytest.mark.parametrize("kwargs, error, words", [
    ({"example": EXAMPLES}, ValueError, "example expects 0 ≤ example < 8, got 8"),
    ({"example": -1}, ValueError, "example expects"),
    ({"step": T}, ValueError, "step expects 0 ≤ step < 16, got 16"),
    ({"step": 1.0}, TypeError, "step expects an int, got float"),
    ({"example": True}, TypeError, "example expects an int, got bool"),
    ({"trained": "yes"}, TypeError, "trained expects True or False, got str"),
])
def test_bad_input_names_function_and_argument(kwargs, error, words):
    with pytest.raises(error) as info:
        encoder_gradients(**kwargs)
    assert str(info.value).startswith("encoder_gradients: ") and words in str(info.value)


def test_static_figure_and_widget_build():
    import ipywidgets as W

    assert isinstance(attention_explorer_figure(), Figure)
    box = attention_explorer()
    assert isinstance(box, W.VBox) and box.figure_image.image.value[:4] == b"\x89PNG"


def test_blitted_moves_equal_a_full_redraw():
    box = attention_explorer()
    example, step, trained = box.children[0].children
    step.value = 9
    example.value = 2
    trained.value = False                 # three blitted moves over the cached background
    fig = box.figure_image.fig
    blitted = np.asarray(fig.canvas.buffer_rgba()).copy()
    for artist in box.figure_image.dynamic:
        artist.set_animated(False)
    fig.canvas.draw()                     # everything, from scratch
    np.testing.assert_array_equal(blitted, np.asarray(fig.canvas.buffer_rgba()))
