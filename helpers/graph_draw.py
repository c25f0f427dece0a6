"""Lay out and draw a :class:`helpers.graph.Value` graph with matplotlib (no Graphviz).

    >>> from helpers.graph_draw import draw_graph
    >>> ax = draw_graph(f)        # f: the output Value (after f.backward() for gradients)

Inputs on the left, the output on the right (:func:`graph_layout`). Every edge carries the
forward value *above* it (blue, ``FORWARD``) and, once the backward pass has reached it, the
gradient sent back along it *below* it (orange, ``GRADIENT``), the layout of the cs231n circuit
diagrams. A node that feeds several others (a fork) also shows the sum of what came back, under
its box.

:class:`GraphArtists` keeps the artists so a widget can update texts and colours in place. The
engine (:mod:`helpers.graph`) knows nothing of this module.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from helpers.graph import Value, graph_state, op_symbol
from helpers.plotting import FORWARD, GRADIENT, HIGHLIGHT, NEUTRAL

__all__ = ["draw_graph", "GraphArtists", "graph_layout", "format_number", "op_symbol"]

BOX_W, BOX_H = 0.34, 0.36          # node box, in layout units (columns, rows)
STUB = 0.75                        # length of the output's outgoing edge
LINE_WIDTH = 1.2                   # edges and box outlines; the "visiting now" ring is thicker
ARROW = {"arrowstyle": "-|>", "mutation_scale": 10, "color": NEUTRAL, "lw": LINE_WIDTH,
         "shrinkA": 0, "shrinkB": 0}          # every edge: from box side to box side exactly


def format_number(v: float) -> str:
    """Two decimals with a real minus sign; tiny values print as 0.00 (never −0.00)."""
    if abs(v) < 0.005:
        return "0.00"
    return f"{v:.2f}".replace("-", "−")


def graph_layout(state: dict) -> list[tuple[float, float]]:
    """Where each node of a :func:`helpers.graph.graph_state` goes: ``(x, y)`` per node id.

    x is a column: the longest path from the inputs, except that an input sits one column
    left of its first consumer (so a late input is not stranded far left). y is minus a row:
    the inputs take rows 0, 1, 2, … in the state's node order (depth-first from the output,
    so inputs of one gate are neighbours), and an operation sits at the mean row of its
    inputs. Nodes of one column are then pushed at least 0.8 rows apart (top to bottom).
    """
    nodes, edges = state["nodes"], state["edges"]
    n = len(nodes)
    parents = [[] for _ in range(n)]
    consumers = [[] for _ in range(n)]
    for e in edges:
        parents[e["dst"]].append(e["src"])
        consumers[e["src"]].append(e["dst"])
    col = [0] * n
    for j in range(n):                     # topological order: parents come first
        if parents[j]:
            col[j] = 1 + max(col[i] for i in parents[j])
    for i in range(n):                     # pull inputs right, next to their consumers
        if not parents[i] and consumers[i]:
            col[i] = min(col[j] for j in consumers[i]) - 1
    row = []
    next_row = 0
    for i in range(n):                     # parents come first: their rows are known
        if parents[i]:
            row.append(sum(row[p] for p in parents[i]) / len(parents[i]))
        else:
            row.append(float(next_row))
            next_row += 1
    for c in set(col):                     # keep nodes of one column 0.8 rows apart
        members = sorted((i for i in range(n) if col[i] == c), key=lambda i: (row[i], i))
        for a, b in zip(members, members[1:], strict=False):
            row[b] = max(row[b], row[a] + 0.8)
    return [(float(col[i]), -row[i]) for i in range(n)]


class GraphArtists:
    """The artists of one drawn graph; :meth:`update` changes numbers and highlights in place.

    Args:
        ax: matplotlib Axes to draw on (it is turned into a blank canvas).
        state: a :func:`helpers.graph.graph_state` dict; later states passed to
            :meth:`update` must describe the same graph structure (values may differ).
        title: fixed title; ``None`` writes one from the state (step, current node).
        min_span: smallest (columns, rows) the axes show; a widget with one figure for graphs
            of different sizes sets it so that a small graph is not blown up.

    Attributes:
        positions: ``(x, y)`` of each node (:func:`graph_layout`), in data coordinates.
        edge_ends: ``(start, end, rad)`` of every arrow: the state's edges in order, then the
            output's outgoing stub (``rad`` = curvature of matplotlib's ``arc3``).
        edge_value, edge_grad: the labels of each edge (value above, gradient below);
        out_value, out_grad: those of the output stub; rings: the "visiting now" outline of
        each node; fork_sums: the "sum …" text under each fork (``None`` for other nodes);
        title_artist: the title text.
        dynamic: every artist :meth:`update` may change (to redraw over a cached background).
    """

    def __init__(self, ax, state: dict, title: str | None = None,
                 min_span: tuple = (0.0, 0.0)):
        self.ax, self.title = ax, title
        nodes = state["nodes"]
        self.positions = pos = graph_layout(state)
        ax.set_axis_off()
        self.edge_ends = []
        for e in state["edges"]:
            (xa, ya), (xb, yb) = pos[e["src"]], pos[e["dst"]]
            n_in = sum(1 for f in state["edges"] if f["dst"] == e["dst"])
            dy = 0.1 - 0.2 * e["slot"] if n_in == 2 else 0.0    # a gate has 1 or 2 inputs
            p0 = (xa + BOX_W / 2, ya)
            p1 = (xb - BOX_W / 2, yb + dy)        # the first input enters above the second
            twins = [f["slot"] for f in state["edges"]
                     if (f["src"], f["dst"]) == (e["src"], e["dst"])]    # x * x: two edges
            if len(twins) == 1:
                rad = _bow(pos, pos[e["src"]], pos[e["dst"]])
            else:
                rad = -0.5 if e["slot"] == twins[0] else 0.5
            # add_artist, not add_patch: the limits are set explicitly below, and skipping
            # add_patch's data-limit update (a path per patch) cuts drawing time by a quarter
            ax.add_artist(FancyArrowPatch(p0, p1, connectionstyle=f"arc3,rad={rad}", **ARROW))
            self.edge_ends.append((p0, p1, rad))
        self.rings, self.fork_sums = [], []
        for i, nd in enumerate(nodes):
            x, y = pos[i]
            leaf = not nd["op"]
            box = FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                 boxstyle="round,pad=0.02,rounding_size=0.08",
                                 fc="#EEF4FA" if leaf else "white", ec=NEUTRAL, lw=LINE_WIDTH)
            ax.add_artist(box)
            ring = FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                  boxstyle="round,pad=0.02,rounding_size=0.08",
                                  fc="none", ec=HIGHLIGHT, lw=3.0, zorder=3)
            ax.add_artist(ring)                      # the "visiting now" outline (update shows it)
            self.rings.append(ring)
            text = (nd["label"] or format_number(nd["value"])) if leaf else op_symbol(nd["op"])
            ax.text(x, y, text, ha="center", va="center", color="black",
                    fontsize=11 if len(text) <= 3 else 9, fontweight="bold" if leaf else None)
            if not leaf and nd["label"]:
                ax.text(x, y + BOX_H / 2 + 0.04, nd["label"], ha="center",
                        va="bottom", fontsize=9, color=NEUTRAL, style="italic")
            self.fork_sums.append(
                ax.text(x, y - BOX_H / 2 - 0.05, "", ha="center", va="top",
                        fontsize=8.5, color=GRADIENT) if nd["fan_out"] > 1 else None)

        x_out, y_out = pos[-1]                           # the output's outgoing stub
        p0, p1 = (x_out + BOX_W / 2, y_out), (x_out + BOX_W / 2 + STUB, y_out)
        ax.add_artist(FancyArrowPatch(p0, p1, **ARROW))
        self.edge_ends.append((p0, p1, 0.0))

        xs, ys = [x for x, _ in pos], [y for _, y in pos]
        x0, x1 = min(xs) - BOX_W, max(xs) + BOX_W / 2 + STUB + 0.1
        y0, y1 = min(ys) - 0.55, max(ys) + 0.55
        pad_x = max(0.0, min_span[0] - (x1 - x0)) / 2       # small graphs in a big, fixed
        pad_y = max(0.0, min_span[1] - (y1 - y0)) / 2       # figure keep their proportions
        ax.set_xlim(x0 - pad_x, x1 + pad_x)
        ax.set_ylim(y0 - pad_y, y1 + pad_y)
        # a plain text rather than ax.set_title: no automatic re-positioning on every draw
        self.title_artist = ax.text(0.5, 1.0, "", transform=ax.transAxes, ha="center",
                                    va="bottom", fontsize=plt.rcParams["axes.titlesize"])
        # edge labels run parallel to their edge: value above, gradient below
        self.edge_value, self.edge_grad = [], []
        for p0, p1, rad in self.edge_ends:
            self.edge_value.append(self._label(p0, p1, rad, +7, FORWARD))
            self.edge_grad.append(self._label(p0, p1, rad, -7, GRADIENT))
        self.out_value, self.out_grad = self.edge_value.pop(), self.edge_grad.pop()
        # what update() changes; a widget may redraw only these over a cached background
        self.dynamic = [*self.edge_value, *self.edge_grad, self.out_value, self.out_grad,
                        self.title_artist, *self.rings,
                        *(t for t in self.fork_sums if t is not None)]
        self.update(state)

    def _label(self, p0, p1, rad: float, offset: float, color: str):
        """Text at the middle of edge p0→p1 (an arc of curvature ``rad``), parallel to it,
        ``offset`` points to its left."""
        (x0, y0), (x1, y1) = self.ax.transData.transform([p0, p1])
        angle = math.atan2(y1 - y0, x1 - x0)
        # midpoint of matplotlib's arc3 Bézier: chord middle + rad/2 · (dy, −dx), in pixels
        mid_px = (0.5 * (x0 + x1) + 0.5 * rad * (y1 - y0), 0.5 * (y0 + y1) - 0.5 * rad * (x1 - x0))
        mid = tuple(self.ax.transData.inverted().transform(mid_px))
        shift = (-offset * math.sin(angle), offset * math.cos(angle))
        return self.ax.annotate("", xy=mid, xytext=shift, textcoords="offset points",
                                ha="center", va="center", rotation=math.degrees(angle),
                                rotation_mode="anchor", fontsize=9, color=color)

    def update(self, state: dict) -> None:
        """Show the numbers and highlight of ``state`` (same graph structure as at creation)."""
        nodes = state["nodes"]
        for e, t_val, t_grad in zip(state["edges"], self.edge_value, self.edge_grad,
                                        strict=True):
            t_val.set_text(format_number(e["value"]))
            t_grad.set_text("" if e["grad"] is None else format_number(e["grad"]))
        for nd, ring, fork in zip(nodes, self.rings, self.fork_sums, strict=True):
            ring.set_visible(nd["current"])
            if fork is not None:
                fork.set_text("" if nd["grad"] is None else f"sum {format_number(nd['grad'])}")
        self.out_value.set_text(format_number(state["output"]))
        g = state["output_grad"]
        self.out_grad.set_text("" if g is None else format_number(g))
        self.title_artist.set_text(self.title or default_title(state))


def _bow(positions: list, a: tuple, b: tuple) -> float:
    """Curvature for the edge from position a to position b: 0 between neighbouring columns;
    an edge that skips columns bends away from the nodes it passes (up if it runs above their
    mean row, else down)."""
    between = [y for x, y in positions if a[0] < x < b[0]]
    if not between:
        return 0.0
    above = 0.5 * (a[1] + b[1]) >= sum(between) / len(between)
    return -0.2 if above else 0.2


def default_title(state: dict) -> str:
    """``Forward values (blue, above) and gradients (orange, below)`` or the backward step."""
    step, n = state["step"], state["n_steps"]
    if step is None:
        if state["output_grad"] is None:
            return "Forward values (blue, above each edge)"
        return "Forward values (blue, above each edge) and gradients (orange, below)"
    if state["current"] is None:                    # step 0, or gradients hidden
        return f"Backward walk, step {step} of {n}: forward values only"
    nd = state["nodes"][state["current"]]
    name = nd["label"] or op_symbol(nd["op"]) or format_number(nd["value"])
    return f"Backward walk, step {step} of {n}: visiting {name}"


def draw_graph(root: Value, ax=None, show_grad: bool = True, step: int | None = None,
               title: str | None = None):
    """Draw the computational graph that ends at ``root``.

    Args:
        root: the output :class:`~helpers.graph.Value`.
        ax: Axes to draw on; ``None`` makes a new figure sized to the graph.
        show_grad: show gradients (those stored by ``root.backward()``; none before it runs).
        step: ``None``, or 0 … number of nodes to show the backward walk after that many
            visits (runs the walk, which sets ``.grad``); the visited node is highlighted.
        title: replaces the default title.

    Returns:
        The Axes drawn on.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root expects a helpers.graph.Value, "
                        f"got {type(root).__name__}")
    state = graph_state(root, step=step, show_grad=show_grad)
    if ax is None:
        pos = graph_layout(state)
        cols = max(x for x, _ in pos) + 1
        rows = max(y for _, y in pos) - min(y for _, y in pos) + 1
        _, ax = plt.subplots(figsize=(1.6 * cols + 1.4, 0.85 * rows + 1.1))
    GraphArtists(ax, state, title=title)
    return ax
