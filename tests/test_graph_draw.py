"""helpers.graph_draw: the layout (where each node goes) and the matplotlib drawing (what each
edge and node shows, where the labels sit, what update() changes in place)."""

import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.patches import ConnectionStyle, FancyArrowPatch, FancyBboxPatch
from test_graph import classic as classic_nodes

import helpers.graph as graph
from helpers import graph_draw
from helpers.graph import Value, graph_state
from helpers.graph_draw import (
    BOX_H,
    BOX_W,
    LINE_WIDTH,
    GraphArtists,
    default_title,
    draw_graph,
    format_number,
    graph_layout,
)
from helpers.plotting import FORWARD, GRADIENT, HIGHLIGHT, NEUTRAL

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def classic():
    """f = (x + y)·z at x = −2, y = 5, z = −4 (the output only)."""
    return classic_nodes()[0]


def fork():
    a, b = Value(2.0, "a"), Value(-1.0, "b")
    out = a * b + a
    out.label = "o"
    return out


def skip():
    """a feeds the first and the last gate: its edge to the last one skips two columns."""
    a, b = Value(0.5, "a"), Value(0.25, "b")
    return (a * b).exp() + a


def artists(root, **kwargs):
    _, ax = plt.subplots(figsize=(6, 4))
    return GraphArtists(ax, graph_state(root, **kwargs))


def texts(ax):
    return [t.get_text() for t in ax.texts]


# ---- layout ------------------------------------------------------------------------------

def test_layout_of_the_classic_example():
    assert graph_layout(graph_state(classic())) == [
        (0.0, 0.0), (0.0, -1.0),          # x, y: inputs in depth-first order, one row each
        (1.0, -0.5),                      # q = x + y: next column, between its inputs
        (1.0, -2.0),                      # z: pulled right, next to its only consumer
        (2.0, -1.25)]                     # f: mean row of q and z


def test_layout_pushes_nodes_of_one_column_apart():
    a, b = Value(2.0, "a"), Value(3.0, "b")
    # a + b and a * b both sit at row 0.5 in column 1: the second is pushed 0.8 rows down
    assert graph_layout(graph_state((a + b) + a * b)) == [
        (0.0, 0.0), (0.0, -1.0), (1.0, -0.5), (1.0, -1.3), (2.0, -0.5)]


def test_layout_an_input_sits_left_of_its_first_consumer():
    assert graph_layout(graph_state(skip())) == [
        (0.0, 0.0), (0.0, -1.0), (1.0, -0.5), (2.0, -0.5), (3.0, -0.25)]
    c = Value(1.0, "c")
    late = (((c.exp()).tanh()).relu() + Value(2.0, "d")) * Value(3.0, "e")
    xs = [x for x, _ in graph_layout(graph_state(late))]
    assert xs == [0.0, 1.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0]   # d beside relu, e beside the +


def test_layout_of_a_single_node_and_of_a_square():
    assert graph_layout(graph_state(Value(1.0))) == [(0.0, 0.0)]
    a = Value(3.0, "a")
    assert graph_layout(graph_state(a * a)) == [(0.0, 0.0), (1.0, 0.0)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.sampled_from("+*t")),
                min_size=1, max_size=20))
def test_layout_properties_on_random_graphs(recipe):
    nodes = [Value(1.0), Value(2.0), Value(0.5)]
    for i, j, op in recipe:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(a + b if op == "+" else a * b if op == "*" else a.tanh())
    state = graph_state(nodes[-1])
    pos = graph_layout(state)
    assert len(pos) == len(state["nodes"])
    for e in state["edges"]:                              # every edge runs left to right
        assert pos[e["src"]][0] < pos[e["dst"]][0]
    for nd in state["nodes"]:
        ins = [pos[e["src"]][0] for e in state["edges"] if e["dst"] == nd["id"]]
        outs = [pos[e["dst"]][0] for e in state["edges"] if e["src"] == nd["id"]]
        if ins:                                           # a gate: right of its latest input
            assert pos[nd["id"]][0] == 1 + max(ins)
        elif outs:                                        # an input: left of its first user
            assert pos[nd["id"]][0] == min(outs) - 1
    for i, (xi, yi) in enumerate(pos):                    # one column: 0.8 rows apart at least
        for xj, yj in pos[i + 1:]:
            assert xi != xj or abs(yi - yj) >= 0.8 - 1e-12
    assert pos[0] == (pos[0][0], 0.0) and max(y for _, y in pos) == 0.0   # first input on top


# ---- what the drawing shows ----------------------------------------------------------------

def test_draw_graph_shows_values_above_and_gradients_below_each_edge():
    f = classic()
    f.backward()
    ax = draw_graph(f)
    art_texts = texts(ax)
    assert art_texts[:8] == ["x", "y", "+", "q", "z", "×", "f",
                             "Forward values (blue, above each edge) and gradients (orange, "
                             "below)"]
    labels = [t for t in ax.texts if isinstance(t, matplotlib.text.Annotation)]
    assert [(t.get_text(), t.get_color()) for t in labels] == [
        ("−2.00", FORWARD), ("−4.00", GRADIENT), ("5.00", FORWARD), ("−4.00", GRADIENT),
        ("3.00", FORWARD), ("−4.00", GRADIENT), ("−4.00", FORWARD), ("3.00", GRADIENT),
        ("−12.00", FORWARD), ("1.00", GRADIENT)]
    assert all(t.get_fontsize() == 9 for t in labels)


def test_before_backward_only_values_are_shown():
    ax = draw_graph(classic())
    assert texts(ax)[7] == "Forward values (blue, above each edge)"
    grads = [t.get_text() for t in ax.texts if t.get_color() == GRADIENT]
    assert grads == [""] * 5


def test_node_boxes_texts_and_labels():
    f = classic()
    art = artists(f)
    ax = art.ax
    boxes = [p for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert len(boxes) == 10                                 # a box and a ring per node
    outlines, rings = boxes[0::2], boxes[1::2]
    assert rings == art.rings
    fills = [matplotlib.colors.to_hex(b.get_facecolor()) for b in outlines]
    assert fills == ["#eef4fa", "#eef4fa", "#ffffff", "#eef4fa", "#ffffff"]   # inputs shaded
    for b, (x, y) in zip(outlines, art.positions, strict=True):               # centred
        assert (b.get_x() + b.get_width() / 2, b.get_y() + b.get_height() / 2) == \
            pytest.approx((x, y))
        assert (b.get_width(), b.get_height()) == (BOX_W, BOX_H)
        assert matplotlib.colors.to_hex(b.get_edgecolor()) == NEUTRAL.lower()
    by_text = {t.get_text(): t for t in ax.texts[:7]}
    assert by_text["x"].get_fontweight() == "bold" and by_text["+"].get_fontweight() == "normal"
    assert by_text["x"].get_position() == art.positions[0]
    assert by_text["q"].get_style() == "italic" and by_text["q"].get_color() == NEUTRAL
    assert by_text["q"].get_position()[1] > art.positions[2][1] + BOX_H / 2   # above its box
    assert by_text["×"].get_position() == art.positions[4]


def test_long_node_texts_use_a_smaller_font_and_unnamed_inputs_show_their_value():
    c = Value(2.5)
    ax = artists((c * Value(1.0, "wide")).tanh().exp()).ax
    size = {t.get_text(): t.get_fontsize() for t in ax.texts[:5]}
    assert size == {"2.50": 9, "wide": 9, "×": 11, "tanh": 9, "exp": 11}


def test_a_fork_shows_the_sum_of_what_came_back_once_reached():
    out = fork()
    state = graph_state(out, step=3)                        # o, +, × visited; a not yet
    art = artists(out, step=3)
    sums = [t for t in art.fork_sums if t is not None]
    assert len(sums) == 1 and sums[0].get_text() == ""
    art.update(graph_state(out, step=4))
    assert sums[0].get_text() == "sum 0.00" and sums[0].get_color() == GRADIENT
    a = art.positions[0]
    assert sums[0].get_position() == pytest.approx((a[0], a[1] - BOX_H / 2 - 0.05))  # under a
    assert sums[0].get_va() == "top" and sums[0].get_fontsize() < 9
    assert [t is None for t in art.fork_sums] == [nd["fan_out"] < 2 for nd in state["nodes"]]


@pytest.mark.parametrize("step", range(6))
def test_the_visited_node_is_outlined(step):
    art = artists(classic(), step=step)
    visible = [r.get_visible() for r in art.rings]
    assert visible == [step > 0 and i == 5 - step for i in range(5)]
    boxes = [p for p in art.ax.patches if isinstance(p, FancyBboxPatch)][0::2]
    for ring, box in zip(art.rings, boxes, strict=True):
        assert matplotlib.colors.to_hex(ring.get_edgecolor()) == HIGHLIGHT.lower()
        assert ring.get_fill() is False or ring.get_facecolor()[3] == 0      # see-through
        assert (ring.get_x(), ring.get_y(), ring.get_width(), ring.get_height()) == \
            (box.get_x(), box.get_y(), box.get_width(), box.get_height())    # on its box
        assert ring.get_linewidth() >= 2 * box.get_linewidth()              # clearly thicker
        assert ring.get_zorder() > box.get_zorder()                         # drawn over it


def test_edges_and_box_outlines_share_one_line_width_and_one_arrow_head():
    art = artists(skip())
    arrows = [p for p in art.ax.patches if isinstance(p, FancyArrowPatch)]
    boxes = [p for p in art.ax.patches if isinstance(p, FancyBboxPatch)][0::2]
    assert {a.get_linewidth() for a in arrows} | {b.get_linewidth() for b in boxes} == \
        {LINE_WIDTH}
    assert {a.get_mutation_scale() for a in arrows} == {10}


# ---- where edges and labels sit ------------------------------------------------------------

@pytest.mark.parametrize("make", [classic, skip, lambda: Value(1.0, "x").exp().tanh() * 2])
def test_edges_run_from_box_to_box_and_inputs_enter_top_to_bottom(make):
    art = artists(make())
    pos = art.positions
    state = graph_state(make())
    for e, (p0, p1, _) in zip(state["edges"], art.edge_ends[:-1], strict=True):
        (xa, ya), (xb, yb) = pos[e["src"]], pos[e["dst"]]
        assert p0 == pytest.approx((xa + BOX_W / 2, ya))             # right side of source
        assert p1[0] == pytest.approx(xb - BOX_W / 2)                # left side of target
        n_in = sum(f["dst"] == e["dst"] for f in state["edges"])
        enter = 0.0 if n_in == 1 else 0.1 if e["slot"] == 0 else -0.1   # first input on top
        assert p1[1] == pytest.approx(yb + enter)
    out = pos[-1]
    assert art.edge_ends[-1] == ((out[0] + BOX_W / 2, out[1]),
                                 (out[0] + BOX_W / 2 + graph_draw.STUB, out[1]), 0.0)
    arrows = [p for p in art.ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == len(art.edge_ends)
    to_points = 72 / art.ax.figure.dpi
    for arrow, (p0, p1, _) in zip(arrows, art.edge_ends, strict=True):
        path = arrow.get_path().vertices[:-1]
        assert path[0] == pytest.approx(p0)                           # starts at its box
        gap = np.hypot(*(art.ax.transData.transform(path) - art.ax.transData.transform(p1)).T)
        assert gap.min() * to_points < LINE_WIDTH          # tip at the next box (line width)
        assert matplotlib.colors.to_hex(arrow.get_edgecolor()) == NEUTRAL.lower()


def test_a_single_input_enters_straight():
    x = Value(1.0, "x")
    art = artists(x.exp())
    (p0, p1, rad) = art.edge_ends[0]
    assert p0[1] == p1[1] == art.positions[0][1] and rad == 0.0


def test_the_two_edges_of_a_square_bend_opposite_ways():
    a = Value(3.0, "a")
    art = artists(a * a)
    (s0, e0, r0), (s1, e1, r1) = art.edge_ends[:2]
    assert (r0, r1) == (-0.5, 0.5)
    mids = [t.xy for t in art.edge_value]
    assert mids[0][1] > 0 > mids[1][1]                   # one arc above the chord, one below


def test_an_edge_that_skips_columns_bends_away_from_the_nodes_it_passes():
    art = artists(skip())
    state = graph_state(skip())
    k = next(i for i, e in enumerate(state["edges"]) if (e["src"], e["dst"]) == (0, 4))
    p0, p1, rad = art.edge_ends[k]
    assert rad == -0.2
    chord_y = (p0[1] + p1[1]) / 2
    assert art.edge_value[k].xy[1] > chord_y           # bends up: the passed nodes are below
    assert [r for i, (_, _, r) in enumerate(art.edge_ends[:-1]) if i != k] == [0.0] * 4
    # below the nodes it passes, the edge bends down instead
    a, b = Value(0.5, "a"), Value(0.25, "b")
    low = (a * b).exp() + b
    art = artists(low)
    rads = [r for _, _, r in art.edge_ends]
    assert sorted(rads) == [0.0] * 5 + [0.2]


@pytest.mark.parametrize("make, edge", [
    (lambda a, b, c: a.exp().tanh() + a, (0, 3)),         # level with the nodes passed: up
    (lambda a, b, c: ((c * a) * b).exp() + a, (1, 6)),    # a little above their mean row: up
])
def test_a_skipping_edge_bends_up_unless_it_runs_below_the_nodes_it_passes(make, edge):
    out = make(Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c"))
    art = artists(out)
    k = next(i for i, e in enumerate(graph_state(out)["edges"])
             if (e["src"], e["dst"]) == edge)
    assert art.edge_ends[k][2] == -0.2


@pytest.mark.parametrize("make", [classic, fork, skip, lambda: Value(2.0, "a") ** 2])
def test_labels_sit_at_the_middle_of_their_arc_parallel_to_it(make):
    art = artists(make())
    to_px = art.ax.transData.transform
    labels = list(zip(art.edge_value + [art.out_value], art.edge_grad + [art.out_grad],
                      strict=True))
    for (p0, p1, rad), (value, grad) in zip(art.edge_ends, labels, strict=True):
        a, b = to_px([p0, p1])
        arc = ConnectionStyle.Arc3(rad=rad)(tuple(a), tuple(b), shrinkA=0, shrinkB=0)
        v0, control, v2 = arc.vertices[:3]
        middle = 0.25 * v0 + 0.5 * control + 0.25 * v2        # quadratic Bézier at t = ½
        angle = math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))
        for label, side in ((value, +1), (grad, -1)):
            assert to_px(label.xy) == pytest.approx(middle, abs=1e-6)
            assert label.get_rotation() == pytest.approx(angle % 360)
            dx, dy = label.xyann                               # offset in points: to the left
            cross = math.cos(math.radians(angle)) * dy - math.sin(math.radians(angle)) * dx
            assert cross == pytest.approx(7 * side)            # value left/above, grad below


@pytest.mark.parametrize("make", [classic, fork, skip])
def test_everything_drawn_stays_inside_the_axes(make):
    f = make()
    f.backward()
    ax = draw_graph(f, step=1)
    ax.figure.canvas.draw()
    frame = ax.get_window_extent()
    renderer = ax.figure.canvas.get_renderer()
    title = next(t for t in ax.texts if t.get_transform() is ax.transAxes)
    shown = [a for a in [*ax.texts, *ax.patches] if a is not title and a.get_visible()
             and getattr(a, "get_text", lambda: "shape")() != ""]
    assert len(shown) > 20
    for artist in shown:
        box = artist.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1, artist
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1, artist
    top = title.get_window_extent(renderer)
    assert frame.y1 - 1 <= top.y0 <= frame.y1 + 1                         # the title on top,
    assert (top.x0 + top.x1) / 2 == pytest.approx((frame.x0 + frame.x1) / 2, abs=1)  # centred


def test_axes_limits_frame_the_graph_and_min_span_pads_evenly():
    f = classic()
    fig, ax = plt.subplots()
    GraphArtists(ax, graph_state(f))
    assert ax.get_xlim() == pytest.approx((-BOX_W, 2 + BOX_W / 2 + graph_draw.STUB + 0.1))
    assert ax.get_ylim() == pytest.approx((-2.55, 0.55))
    assert not ax.axison
    fig, ax = plt.subplots()
    GraphArtists(ax, graph_state(f), min_span=(5.2, 4.0))
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert (x1 - x0, y1 - y0) == pytest.approx((5.2, 4.0))
    assert (x0 + x1) / 2 == pytest.approx((-BOX_W + 3.02) / 2)     # same centre, padded
    assert (y0 + y1) / 2 == pytest.approx(-1.0)
    fig, ax = plt.subplots()
    GraphArtists(ax, graph_state(f), min_span=(1.0, 1.0))          # smaller than the graph
    assert ax.get_ylim() == pytest.approx((-2.55, 0.55))


def test_draw_graph_sizes_a_new_figure_to_the_graph_or_uses_the_given_axes():
    ax = draw_graph(classic())
    assert tuple(ax.figure.get_size_inches()) == pytest.approx((1.6 * 3 + 1.4, 0.85 * 3 + 1.1))
    ax = draw_graph(Value(1.0, "v"))
    assert tuple(ax.figure.get_size_inches()) == pytest.approx((1.6 + 1.4, 0.85 + 1.1))
    fig, given_ax = plt.subplots(figsize=(3, 2))
    assert draw_graph(classic(), ax=given_ax, title="mine") is given_ax
    assert tuple(fig.get_size_inches()) == (3, 2) and "mine" in texts(given_ax)


# ---- titles and the backward walk -----------------------------------------------------------

@pytest.mark.parametrize("kwargs, title", [
    ({}, "Forward values (blue, above each edge)"),
    ({"step": 0}, "Backward walk, step 0 of 5: forward values only"),
    ({"step": 1}, "Backward walk, step 1 of 5: visiting f"),
    ({"step": 3}, "Backward walk, step 3 of 5: visiting q"),
    ({"step": 3, "show_grad": False}, "Backward walk, step 3 of 5: forward values only"),
    ({"step": 5, "title": "mine"}, "mine"),
])
def test_titles(kwargs, title):
    ax = draw_graph(classic(), **kwargs)
    assert title in texts(ax)


def test_default_title_names_an_unlabelled_node_by_symbol_or_value():
    x = Value(2.0)
    out = (x * 3).exp()
    assert default_title(graph_state(out, step=1)) == "Backward walk, step 1 of 4: visiting exp"
    assert default_title(graph_state(out, step=4)) == "Backward walk, step 4 of 4: visiting 2.00"
    assert default_title(graph_state(out, step=3)) == "Backward walk, step 3 of 4: visiting 3"


def test_update_in_place_equals_a_fresh_drawing_and_touches_only_dynamic_artists():
    out = fork()
    n = graph_state(out)["n_steps"]
    fresh = []
    for step in range(n + 1):
        art = artists(out, step=step)
        fresh.append((texts(art.ax), [r.get_visible() for r in art.rings]))
        plt.close(art.ax.figure)
    for start in (0, 2, n):
        art = artists(out, step=start)
        mutable = [*art.ax.texts, *art.ax.patches]
        before = [(getattr(a, "get_text", str)(), a.get_visible()) for a in mutable]
        for step in [*range(n + 1), 1]:
            art.update(graph_state(out, step=step))
            assert (texts(art.ax), [r.get_visible() for r in art.rings]) == fresh[step]
        after = [(getattr(a, "get_text", str)(), a.get_visible()) for a in mutable]
        changed = {id(a) for a, b0, b1 in zip(mutable, before, after, strict=True) if b0 != b1}
        assert changed and changed <= {id(a) for a in art.dynamic}
        plt.close(art.ax.figure)


def test_dynamic_lists_every_artist_update_may_change():
    art = artists(fork())
    n_edges, n_nodes = 4, 4
    assert len(art.dynamic) == 2 * n_edges + 2 + 1 + n_nodes + 1     # labels, out, title, rings,
    assert set(map(id, art.dynamic)) >= set(map(id, art.rings))      # one fork sum
    assert art.title_artist in art.dynamic and art.out_grad in art.dynamic


def test_update_refuses_a_state_of_another_graph():
    a = Value(2.0, "a")
    cube = (a * a * a).exp()                     # 4 nodes, 5 edges
    art = artists(fork())                        # 4 nodes, 4 edges
    with pytest.raises(ValueError, match="zip"):
        art.update(graph_state(cube))
    with pytest.raises(ValueError, match="zip"):
        art.update(graph_state(classic()))       # 5 nodes, 4 edges


# ---- numbers and errors ------------------------------------------------------------------

@pytest.mark.parametrize("v, text", [(3.14159, "3.14"), (-2, "−2.00"), (0.0049, "0.00"),
                                     (-0.0049, "0.00"), (-0.0, "0.00"), (0.005, "0.01"),
                                     (-0.006, "−0.01"), (1234.5, "1234.50")])
def test_format_number(v, text):
    assert format_number(v) == text


def test_draw_graph_refuses_what_is_not_a_value():
    with pytest.raises(TypeError) as info:
        draw_graph(3.0)
    assert str(info.value) == "draw_graph: root expects a helpers.graph.Value, got float"
    with pytest.raises(ValueError, match="graph_state: step expects an int in 0…5"):
        draw_graph(classic(), step=6)


def test_the_drawing_module_reuses_the_engine_names():
    assert graph_draw.op_symbol is graph.op_symbol
    assert set(graph_draw.__all__) >= {"draw_graph", "GraphArtists", "graph_layout",
                                       "format_number", "op_symbol"}
