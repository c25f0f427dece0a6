"""Notebook 05's receptive-field widget: the index sets agree with brute-force gradients."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from helpers.gradcheck import numerical_gradient
from helpers.widgets import receptive_field, receptive_field_figure, receptive_field_links
from helpers.widgets.receptive_field import (
    EMPTY,
    PAD,
    PAD_USED,
    ROUTED,
    SELECTED,
    USED,
    describe,
    grid_codes,
)

CONFIGS = [(5, 3, 1, 0), (7, 3, 2, 1), (6, 2, 2, 0), (7, 5, 3, 2), (4, 1, 1, 2), (5, 4, 3, 1)]


def brute_conv(x, w, stride, pad):
    """o[i, j] = Σ w[u, v]·xpad[i·S + u, j·S + v], written as plainly as possible."""
    xp = np.pad(x, pad)
    k = w.shape[0]
    n = (xp.shape[0] - k) // stride + 1
    o = np.zeros((n, n))
    for i, j in itertools.product(range(n), range(n)):
        o[i, j] = np.sum(w * xp[i * stride:i * stride + k, j * stride:j * stride + k])
    return o


def setup(size, kernel, seed=0):
    rng = np.random.default_rng(seed)
    # weights bounded away from 0, so "nonzero gradient" means "linked"
    w = rng.uniform(1.0, 2.0, (kernel, kernel)) * rng.choice([-1, 1], (kernel, kernel))
    x = rng.standard_normal((size, size))
    return x, w


@pytest.mark.parametrize("size,kernel,stride,pad", CONFIGS)
def test_output_pick_matches_one_hot_dout(size, kernel, stride, pad):
    """A one-hot dout at (i, j): dx is nonzero exactly on the patch, with value w[u, v]."""
    x, w = setup(size, kernel)
    n = brute_conv(x, w, stride, pad).shape[0]
    for i, j in itertools.product(range(n), range(n)):
        dout = np.zeros((n, n))
        dout[i, j] = 1.0
        dx = numerical_gradient(lambda z, d=dout: np.sum(brute_conv(z, w, stride, pad) * d),
                                x.copy())
        rf = receptive_field_links(size, kernel, stride, pad, output=(i, j))
        assert rf.out_size == n
        assert len(rf.links) == kernel * kernel and rf.outputs == {(i, j)}
        expect = np.zeros_like(x)
        for _, _, u, v, r, t in rf.links:
            if rf.in_image(r, t):
                expect[r, t] += w[u, v]
        np.testing.assert_allclose(dx, expect, atol=1e-8)


@pytest.mark.parametrize("size,kernel,stride,pad", CONFIGS)
def test_input_pick_matches_brute_force_jacobian_column(size, kernel, stride, pad):
    """Nudging x[r, t] moves exactly the listed outputs, each by w[u, v] (the conv is linear)."""
    x, w = setup(size, kernel, seed=1)
    base = brute_conv(x, w, stride, pad)
    for r, t in itertools.product(range(size), range(size)):
        e = np.zeros_like(x)
        e[r, t] = 1.0
        column = brute_conv(x + e, w, stride, pad) - base
        rf = receptive_field_links(size, kernel, stride, pad, input=(r, t))
        expect = np.zeros_like(base)
        for i, j, u, v, rr, tt in rf.links:
            assert (rr, tt) == (r, t)
            expect[i, j] += w[u, v]
        np.testing.assert_allclose(column, expect, atol=1e-12)
        # each output uses a given input through at most one weight
        assert len(rf.outputs) == len(rf.links)


@pytest.mark.parametrize("size,kernel,stride,pad", CONFIGS)
def test_links_of_inputs_and_outputs_are_the_same_set(size, kernel, stride, pad):
    n = (size + 2 * pad - kernel) // stride + 1
    by_output = {link for i, j in itertools.product(range(n), range(n))
                 for link in receptive_field_links(size, kernel, stride, pad, output=(i, j)).links
                 if 0 <= link[4] < size and 0 <= link[5] < size}
    by_input = {link for r, t in itertools.product(range(size), range(size))
                for link in receptive_field_links(size, kernel, stride, pad, input=(r, t)).links}
    assert by_output == by_input


def test_stride_can_skip_inputs():
    # size 6, kernel 1, stride 2: odd rows are never read, so they get no gradient
    rf = receptive_field_links(6, 1, 2, 0, input=(1, 2))
    assert rf.links == ()
    assert describe(rf) == "dx12 = 0"


def test_interior_input_sees_the_flipped_kernel():
    rf = receptive_field_links(7, 3, 1, 0, input=(3, 3))
    # output (i, j) reaches x33 through weight (3 − i, 3 − j): the kernel flipped
    assert {(i, j, u, v) for i, j, u, v, *_ in rf.links} == {
        (i, j, 3 - i, 3 - j) for i in (1, 2, 3) for j in (1, 2, 3)}


def test_grid_codes():
    rf = receptive_field_links(5, 3, 1, 1, output=(0, 0))
    x, k, o = grid_codes(rf)
    assert x.shape == (7, 7) and k.shape == (3, 3) and o.shape == (5, 5)
    assert o[0, 0] == SELECTED and np.all(k == USED)
    assert x[0, 0] == PAD_USED and x[1, 1] == USED and x[6, 6] == PAD and x[3, 3] == EMPTY
    rf = receptive_field_links(5, 3, 1, 1, input=(0, 0))
    x, k, o = grid_codes(rf)
    assert x[1, 1] == SELECTED and o[0, 0] == ROUTED and k[1, 1] == ROUTED


def test_describe():
    rf = receptive_field_links(5, 3, 1, 0, input=(0, 0))
    assert describe(rf) == "dx00 = δ00·w00"
    rf = receptive_field_links(5, 2, 1, 1, output=(0, 0))
    assert describe(rf) == "o00 = w00·0 + w01·0 + w10·0 + w11·x00"


@pytest.mark.parametrize("kwargs,exc,words", [
    (dict(size=5, kernel=3), ValueError, "exactly one"),
    (dict(size=5, kernel=3, output=(0, 0), input=(0, 0)), ValueError, "exactly one"),
    (dict(size=5, kernel=3, output=(3, 0)), ValueError, "output expects row and col in [0, 3)"),
    (dict(size=5, kernel=3, input=(0, 5)), ValueError, "input expects"),
    (dict(size=3, kernel=6, pad=1, input=(0, 0)), ValueError, "kernel expects at most"),
    (dict(size=5, kernel=0, input=(0, 0)), ValueError, "kernel expects an integer >= 1"),
    (dict(size=5, kernel=3, stride=0, input=(0, 0)), ValueError, "stride"),
    (dict(size=5, kernel=3, pad=-1, input=(0, 0)), ValueError, "pad"),
    (dict(size=5.0, kernel=3, input=(0, 0)), TypeError, "size expects an integer"),
    (dict(size=5, kernel=3, input="a"), TypeError, "input expects a (row, col) pair"),
])
def test_bad_input(kwargs, exc, words):
    with pytest.raises(exc) as info:
        receptive_field_links(**kwargs)
    assert "receptive_field_links" in str(info.value) and words in str(info.value)


def test_two_digit_indices_are_separated():
    rf = receptive_field_links(9, 1, 1, 2, output=(10, 11))
    assert describe(rf) == "o10,11 = w00·0"
    rf = receptive_field_links(9, 1, 1, 2, input=(8, 8))
    assert describe(rf) == "dx88 = δ10,10·w00"


def test_widget_builds_and_updates():
    box = receptive_field()
    controls, image = box.children
    assert len(image.value) > 1000  # a PNG was rendered
    sliders = controls.children[0].children
    before = image.value
    sliders[2].value = 2  # stride
    assert image.value != before
    mode, row, col, status = controls.children[1].children
    assert status.value == "output 3×3"          # what the learner needs, no timings
    mode.value = "output"
    assert row.max == (7 - 3) // 2  # output positions 0..2 with stride 2
    sliders[1].value = 5  # kernel: the row slider's range follows
    assert row.max == 1 and row.value <= 1


def test_static_figure_has_three_titled_panels():
    fig = receptive_field_figure()
    assert len(fig.axes) == 3
    assert all(ax.get_title() for ax in fig.axes)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)


@pytest.mark.parametrize("kwargs,exc,words", [
    (dict(size=12), ValueError, "size expects an integer in [3, 9]"),
    (dict(kernel=6), ValueError, "kernel expects an integer in [1, 5]"),
    (dict(stride=0), ValueError, "stride expects an integer >= 1"),
    (dict(pad=1.5), TypeError, "pad expects an integer"),
    (dict(size=3, kernel=5, pad=0), ValueError, "kernel expects at most"),
])
def test_widget_bad_input(kwargs, exc, words):
    with pytest.raises(exc) as info:
        receptive_field(**kwargs)
    assert "receptive_field" in str(info.value) and words in str(info.value)


def test_blitted_move_equals_a_full_redraw():
    import ipywidgets as W

    box = receptive_field()
    sliders = {c.description: c for c in box.children[0].children[1].children
               if isinstance(c, W.IntSlider)}
    sliders["row"].value = 1
    sliders["col"].value = 3          # two blitted moves over the cached background
    fig = box.view.canvas.fig
    blitted = np.asarray(fig.canvas.buffer_rgba()).copy()
    _draw_everything(box)
    np.testing.assert_array_equal(blitted, np.asarray(fig.canvas.buffer_rgba()))


def _draw_everything(box):
    """Draw the widget's figure from scratch, every artist in its place (no cache)."""
    fig = box.view.canvas.fig
    for artist in fig.texts + [a for ax in fig.axes for a in ax.get_children()]:
        artist.set_animated(False)
    fig.canvas.draw()


def _sliders(box):
    import ipywidgets as W

    return {c.description: c for column in box.children[0].children for c in column.children
            if isinstance(c, W.IntSlider)}


def test_a_geometry_seen_before_pastes_its_ticks_and_looks_like_a_full_draw():
    """Each panel's tick labels are drawn once per geometry of its grid and pasted afterwards:
    after padding moves back and forth and a stride move, the picture is what a full draw of
    the figure gives."""
    box = receptive_field()
    sliders = _sliders(box)
    ticks = box.view.canvas.keyed
    for name, value in [("padding", 2), ("padding", 0), ("stride", 2), ("padding", 2)]:
        sliders[name].value = value
    # input grids 7 and 11; kernel 3; output 5, 9, 3, then 5 again (stride 2, padding 2)
    assert [len(t.regions) for t in ticks] == [2, 1, 3]
    fig = box.view.canvas.fig
    pasted = np.asarray(fig.canvas.buffer_rgba()).copy()
    _draw_everything(box)
    np.testing.assert_array_equal(pasted, np.asarray(fig.canvas.buffer_rgba()))


def test_a_grid_left_as_it_was_is_pasted_and_the_picture_is_a_full_draw():
    """Row moves in the backward view leave the kernel grid as it was (every weight routes
    gradient to an interior pixel): it is pasted, and the picture is still a full draw's."""
    box = receptive_field()
    sliders = _sliders(box)
    grids = box.view.canvas.dynamic[:3]
    for row in (3, 4, 3):
        sliders["row"].value = row
    assert [len(g.regions) for g in grids] == [3, 1, 3]   # input, kernel, output states
    fig = box.view.canvas.fig
    pasted = np.asarray(fig.canvas.buffer_rgba()).copy()
    _draw_everything(box)
    np.testing.assert_array_equal(pasted, np.asarray(fig.canvas.buffer_rgba()))


def test_every_cell_label_stays_inside_the_margin_its_grid_caches():
    """A grid caches its axes box plus a margin: labels wider than their cell (the largest
    grids, picks in the corners) must not overhang it."""
    from helpers.widgets.receptive_field import _Grid

    for size, kernel, stride, pad, mode in [(9, 5, 1, 2, "output"), (9, 1, 1, 2, "input"),
                                            (9, 3, 1, 0, "input"), (3, 1, 1, 0, "output"),
                                            (9, 5, 1, 0, "input")]:
        box = receptive_field(size, kernel, stride, pad)
        box.children[0].children[1].children[0].value = mode
        sliders = _sliders(box)
        for corner in (0, sliders["row"].max):
            sliders["row"].value = sliders["col"].value = corner
            renderer = box.view.canvas.fig.canvas.get_renderer()
            for grid in box.view.canvas.dynamic[:3]:
                margin = grid.panel.ax.bbox.padded(_Grid.MARGIN - 1)
                for text in grid.panel.labels:
                    if text.get_visible():
                        extent = text.get_window_extent(renderer)
                        assert margin.contains(extent.x0, extent.y0), text.get_text()
                        assert margin.contains(extent.x1, extent.y1), text.get_text()


def test_every_panel_keeps_its_labels_in_its_own_column():
    """What a panel caches is its column of the figure; its tick and axis labels must not
    reach into a neighbour's column, even for the largest grids (13 × 13 padded input with
    two-digit labels, 5 × 5 kernel, 11 × 11 output)."""
    for size, kernel, stride, pad in [(9, 5, 1, 2), (9, 1, 1, 2), (3, 1, 1, 0)]:
        box = receptive_field(size, kernel, stride, pad)
        fig = box.view.canvas.fig
        renderer = fig.canvas.get_renderer()
        for ticks in box.view.canvas.keyed:
            column = ticks.column()
            for axis in (ticks.panel.ax.xaxis, ticks.panel.ax.yaxis):
                box_ = axis.get_tightbbox(renderer)
                assert column.x0 + 2 <= box_.x0 and box_.x1 <= column.x1 - 2, (size, axis)
