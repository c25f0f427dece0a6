"""Notebook 09's embedding explorer: its pure functions, its figures and its widget."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import pytest
from matplotlib.figure import Figure

from helpers.widgets.embedding_explorer import (
    embedding_explorer,
    embedding_explorer_figure,
    embedding_frames,
    group_similarity,
    label_positions,
    opening_step,
    word_map_figure,
)

WORDS = ["cat", "dog", "fox", "bread", "milk", "eats", "the"]   # the: in no group
GROUPS_SMALL = {"animals": ["cat", "dog", "fox"], "food": ["bread", "milk"], "verbs": ["eats"]}


def _snapshots(S=5, D=4, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((S, len(WORDS), D))


# ----------------------------------------------------------------------------- group_similarity

def test_group_similarity_extremes():
    vectors = np.zeros((len(WORDS), 3))
    vectors[:3] = [1.0, 0, 0]                                  # animals: one direction
    vectors[3:5] = [0, 2.0, 0]                                 # food: another (any length)
    vectors[5] = [0, 0, 1.0]
    vectors[6] = [1.0, 1.0, 1.0]                               # "the" is ignored
    within, between = group_similarity(vectors, WORDS, GROUPS_SMALL)
    assert within == pytest.approx(1.0) and between == pytest.approx(0.0, abs=1e-12)


def test_group_similarity_matches_a_direct_count():
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((len(WORDS), 5))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    group = {"cat": 0, "dog": 0, "fox": 0, "bread": 1, "milk": 1, "eats": 2}
    same, diff = [], []
    for i, a in enumerate(WORDS):
        for j, b in enumerate(WORDS):
            if i != j and a in group and b in group:
                (same if group[a] == group[b] else diff).append(unit[i] @ unit[j])
    within, between = group_similarity(vectors, WORDS, GROUPS_SMALL)
    assert within == pytest.approx(np.mean(same)) and between == pytest.approx(np.mean(diff))
    # scaling a row does not change a cosine
    scaled = vectors * np.arange(1, len(WORDS) + 1)[:, None]
    assert group_similarity(scaled, WORDS, GROUPS_SMALL) == pytest.approx((within, between))


@pytest.mark.parametrize("args, error, words", [
    ((np.ones(7), WORDS), ValueError, "vectors expects a non-empty 2-D array"),
    (([[1.0]] * 7, WORDS), TypeError, "vectors expects a numpy array"),
    ((np.full((7, 2), np.nan), WORDS), ValueError, "finite"),
    ((np.ones((7, 2)), WORDS[:3]), ValueError, "words expects one string per row"),
    ((np.ones((7, 2)), "cat"), TypeError, "words expects a list"),
    ((np.ones((7, 2)), ["x"] * 7), ValueError, "at least two groups"),
])
def test_group_similarity_bad_input(args, error, words):
    with pytest.raises(error, match="group_similarity: .*" + words):
        group_similarity(*args, groups=GROUPS_SMALL)


# ----------------------------------------------------------------------------- embedding_frames

def test_frames_shapes_and_values():
    snaps = _snapshots()
    f = embedding_frames(snaps, WORDS, GROUPS_SMALL)
    assert f["xy"].shape == (5, len(WORDS), 2)
    assert f["within"].shape == f["between"].shape == (5,)
    assert list(f["group"]) == [0, 0, 0, 1, 1, 2, -1]
    for i in range(5):
        assert (f["within"][i], f["between"][i]) == pytest.approx(
            group_similarity(snaps[i], WORDS, GROUPS_SMALL))
    # the last frame is the last table's top-two principal components (up to sign)
    last = snaps[-1] - snaps[-1].mean(axis=0)
    u, s, _ = np.linalg.svd(last, full_matrices=False)
    np.testing.assert_allclose(np.abs(f["xy"][-1]), np.abs(u[:, :2] * s[:2]), atol=1e-12)
    assert f["shown"] == pytest.approx(np.sum(s[:2] ** 2) / np.sum(s**2))


def test_frames_share_one_plane():
    """A row that moves along the plane moves its dot by exactly that much."""
    snaps = _snapshots(S=2)
    f = embedding_frames(snaps, WORDS, GROUPS_SMALL)
    axes = np.linalg.svd(snaps[-1] - snaps[-1].mean(axis=0))[2][:2].T
    moved = snaps.copy()
    moved[0, 2] += 0.5 * axes[:, 0]                           # fox moves along axis 1 at step 0
    g = embedding_frames(moved, WORDS, GROUPS_SMALL)
    np.testing.assert_allclose(np.abs(g["xy"][0, 2, 0] - f["xy"][0, 2, 0]), 0.5, atol=1e-12)
    np.testing.assert_allclose(g["xy"][-1], f["xy"][-1])       # the plane is the last table's


def test_frames_are_deterministic_and_take_edge_shapes():
    snaps = _snapshots()
    a, b = embedding_frames(snaps, WORDS, GROUPS_SMALL), embedding_frames(snaps, WORDS,
                                                                          GROUPS_SMALL)
    np.testing.assert_array_equal(a["xy"], b["xy"])
    assert np.all(a["xy"][-1].max(axis=0) >= -a["xy"][-1].min(axis=0))   # fixed orientation
    one = embedding_frames(snaps[:1], WORDS, GROUPS_SMALL)                # S = 1
    assert one["xy"].shape == (1, len(WORDS), 2)
    flat = embedding_frames(snaps[:, :, :1], WORDS, GROUPS_SMALL)         # D = 1: one axis
    assert np.all(flat["xy"][:, :, 1] == 0)
    ints = embedding_frames(np.arange(2 * 7 * 3).reshape(2, 7, 3) % 5, WORDS, GROUPS_SMALL)
    assert ints["xy"].dtype == np.float64


@pytest.mark.parametrize("snaps, words, error, text", [
    (np.ones((7, 3)), WORDS, ValueError, "snapshots expects a non-empty 3-D array"),
    (np.ones((0, 7, 3)), WORDS, ValueError, "non-empty"),
    (np.ones((2, 7, 3), dtype=complex), WORDS, TypeError, "real numbers"),
    (np.ones((2, 6, 3)), WORDS, ValueError, "V = 6, got 7"),
    (np.ones((2, 7, 3)), [1] * 7, ValueError, "one string per row"),
])
def test_frames_bad_input(snaps, words, error, text):
    with pytest.raises(error, match="embedding_frames: .*" + text):
        embedding_frames(snaps, words, GROUPS_SMALL)


def test_frames_do_not_modify_their_input():
    snaps = _snapshots()
    keep = snaps.copy()
    embedding_frames(snaps, WORDS, GROUPS_SMALL)
    np.testing.assert_array_equal(snaps, keep)


# ----------------------------------------------------------------------------- figures, widget

def _texts(fig) -> str:
    (ax,) = fig.axes
    return "\n".join([ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
                     + [t.get_text() for t in ax.texts])


def test_static_figures_are_titled_labelled_and_keyed():
    snaps = {"tied W": _snapshots(), "untied W_out": _snapshots(seed=1)}
    fig = embedding_explorer_figure(snaps, [0, 50, 100, 150, 200], WORDS, groups=GROUPS_SMALL)
    assert isinstance(fig, Figure)
    text = _texts(fig)
    assert "tied W" in text and "step 100" in text and "same group" in text   # the opening step
    assert "principal axis 1" in text and "% of its variance" in text
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [*GROUPS_SMALL, "other"]
    fig2 = embedding_explorer_figure(snaps, [0, 50, 100, 150, 200], WORDS, name="untied W_out",
                                     step=50, groups=GROUPS_SMALL)
    assert "untied W_out" in _texts(fig2) and "step 50" in _texts(fig2)
    fig3 = word_map_figure(_snapshots()[0], WORDS, "Counted", groups=GROUPS_SMALL)
    assert "Counted" in _texts(fig3) and "step" not in _texts(fig3)


def test_figure_bad_input():
    with pytest.raises(TypeError, match="embedding_explorer_figure: snapshots expects"):
        embedding_explorer_figure([_snapshots()], [0, 1, 2, 3, 4], WORDS)
    with pytest.raises(ValueError, match="one snapshot per step, 3, got 5"):
        embedding_explorer_figure({"W": _snapshots()}, [0, 1, 2], WORDS)
    with pytest.raises(ValueError, match=r"embedding_explorer_figure: step expects one of the "
                                         r"saved steps \[0, 1, 2, 3, 4\], got 7"):
        embedding_explorer_figure({"W": _snapshots()}, [0, 1, 2, 3, 4], WORDS, step=7)


@pytest.mark.parametrize("steps, opening", [
    ([0], 0), ([0, 50], 0), ([0, 50, 100], 50), ([0, 50, 100, 150, 200], 100),
    (list(range(0, 850, 50)), 400), (range(3), 1),
])
def test_opening_step_is_the_middle_saved_step(steps, opening):
    assert opening_step(steps) == opening
    with pytest.raises(ValueError, match="opening_step: steps expects at least one"):
        opening_step([])


# ----------------------------------------------------------------------------- label placement

def _boxes_overlap(a, b, wa, wb, height):
    return a[0] < b[0] + wb and b[0] < a[0] + wa and abs(a[1] - b[1]) < height


def test_labels_stay_next_to_their_dots_when_there_is_room():
    points = np.array([[0.0, 0.0], [5.0, 1.0], [-3.0, 2.0]])
    where = label_positions(points, [1.0, 1.0, 1.0], height=0.2, gap=0.1)
    np.testing.assert_allclose(where, points + [0.1, 0.0])


def test_labels_of_a_heap_never_overlap():
    rng = np.random.default_rng(3)
    points = 0.01 * rng.standard_normal((9, 2))                  # nine dots in a heap
    widths = rng.uniform(0.3, 0.6, 9)
    where = label_positions(points, widths, height=0.1, gap=0.02)
    for i in range(9):
        for j in range(i):
            assert not _boxes_overlap(where[i], where[j], widths[i], widths[j], 0.1), (i, j)
    left, right = points[:, 0] - 0.02 - widths, points[:, 0] + 0.02
    assert np.all(np.isclose(where[:, 0], left) | np.isclose(where[:, 0], right))
    steps = (where[:, 1] - points[:, 1]) / 0.1                   # moved by whole label heights
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-9)


def test_a_label_goes_left_before_it_moves_up():
    points = np.array([[0.0, 0.0], [1.05, 0.0], [1.0, 0.0]])   # 1.05's right is 1.0's label
    where = label_positions(points, [0.2, 0.2, 0.2], height=0.2, gap=0.1)
    np.testing.assert_allclose(where, [[0.1, 0.0], [1.05 - 0.1 - 0.2, 0.0], [1.1, 0.0]])


def _widget():
    snaps = {"tied W": _snapshots(), "untied W_out": _snapshots(seed=1) * 3}
    box = embedding_explorer(snaps, [0, 50, 100, 150, 200], WORDS, groups=GROUPS_SMALL)
    table, step = box.children[0].children
    return box, table, step


def test_widget_opens_where_the_static_figure_is_and_can_move_both_ways():
    """The browser test presses the right arrow on the slider: at the last step it would not move
    (the image would never change)."""
    box, table, step = _widget()
    assert step.value == opening_step(step.options) == 100
    assert 0 < step.index < len(step.options) - 1
    png = box.figure_image.image.value
    step.index += 1                                            # what the right arrow does
    assert box.figure_image.image.value != png
    box2 = embedding_explorer({"W": _snapshots()}, [0, 50, 100, 150, 200], WORDS,
                              groups=GROUPS_SMALL, step=200)
    assert box2.children[0].children[1].value == 200
    with pytest.raises(ValueError, match="embedding_explorer: step expects one of"):
        embedding_explorer({"W": _snapshots()}, [0, 50, 100, 150, 200], WORDS,
                           groups=GROUPS_SMALL, step=25)


def test_widget_updates_its_figure_in_place():
    box, table, step = _widget()
    image = box.figure_image
    (ax,) = image.fig.axes
    collections = list(ax.collections)
    png = image.image.value
    before = collections[0].get_offsets().copy()
    step.value = 50
    assert list(ax.collections) == collections                 # same artists, new positions
    assert not np.allclose(collections[0].get_offsets(), before)
    assert "step 50" in _texts(image.fig)
    assert image.image.value != png
    xlim = ax.get_xlim()
    table.value = "untied W_out"
    assert "untied W_out" in ax.get_title() and ax.get_xlim() != xlim   # its own fixed limits
    assert isinstance(step, W.SelectionSlider) and step.value == 50


def test_blitted_move_equals_a_full_redraw():
    box, table, step = _widget()
    step.value = 100
    table.value = "untied W_out"
    step.value = 150                                           # a blit over a cached background
    fig = box.figure_image.fig
    blitted = np.asarray(fig.canvas.buffer_rgba()).copy()
    for artist in box.figure_image.dynamic:
        artist.set_animated(False)
    fig.canvas.draw()
    np.testing.assert_array_equal(blitted, np.asarray(fig.canvas.buffer_rgba()))
