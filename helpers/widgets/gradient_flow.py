"""Gradient flow on a computational graph: pick an expression, move its inputs, and walk the
backward pass one node at a time (notebook 01).

- :func:`gradient_flow_state` — the pure function: numbers in, a dict of node values, edges
  and gradients out (no matplotlib; :mod:`helpers.graph_draw` lays it out). Unit-tested.
- :func:`gradient_flow_figure` — the static figure of a state (the default one in notebooks).
- :func:`gradient_flow` — the ipywidgets explorer built on both.
- :func:`projector_text` — enlarges the text of any graph drawn by :mod:`helpers.graph_draw`
  to projector size (used here and by notebook 01's figures).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Callable

import ipywidgets as W
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from helpers.graph import Value, graph_state
from helpers.graph_draw import GraphArtists, format_number
from helpers.plotting import FORWARD, GRADIENT
from helpers.widgets._figure import FigureImage

__all__ = ["gradient_flow", "gradient_flow_state", "gradient_flow_figure", "EXPRESSIONS",
           "build_expression", "projector_text", "TEXT_SCALE", "BOX_TEXT_SCALE"]

FIGSIZE = (9.0, 4.5)                      # inches: the widget and its static figure
AXES_RECT = (0.01, 0.01, 0.98, 0.88)      # fixed, so the layout never jumps between frames
MIN_SPAN = (4.4, 3.1)     # layout units: the running example fills the figure; the neuron
                          # (5.4 × 5.1) is squeezed, the max-and-reuse graph keeps its size
INPUT_MIN, INPUT_MAX, INPUT_STEP = -5.0, 5.0, 0.5


TEXT_SCALE = 4 / 3    # graph_draw's 9 pt edge labels become 12 pt: legible from the back of a room
BOX_TEXT_SCALE = 1.1  # the symbol inside a node box grows less, so that "max" stays in its box


def projector_text(ax, scale: float = TEXT_SCALE):
    """Enlarge the texts of a graph drawn on ``ax`` by :mod:`helpers.graph_draw` (8.5–11 pt)
    for a projector: edge labels, node names and fork sums by ``scale`` (each edge label also
    moves away from its edge in proportion, so it still clears the line), the symbols inside
    the boxes by at most :data:`BOX_TEXT_SCALE`. The title (placed in axes coordinates) keeps
    the course's title size. Returns ``ax``.
    """
    for text in ax.texts:
        if text.get_transform() == ax.transAxes:
            continue
        if isinstance(text, Annotation) and text.anncoords == "offset points":
            dx, dy = text.xyann
            text.xyann = (dx * scale, dy * scale)
        inside_a_box = not isinstance(text, Annotation) and text.get_va() == "center"
        text.set_fontsize(text.get_fontsize() * (min(scale, BOX_TEXT_SCALE) if inside_a_box
                                                  else scale))
    return ax


@dataclass(frozen=True)
class _Expression:
    inputs: tuple          # ((name, default value), ...) in slider order
    build: Callable        # build(**Values) -> output Value


def _classic(x, y, z):
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f


def _neuron(w0, x0, w1, x1, w2):
    p0, p1 = w0 * x0, w1 * x1
    s = p0 + p1
    z = s + w2
    f = z.sigmoid()
    for node, name in ((p0, "p0"), (p1, "p1"), (s, "s"), (z, "z"), (f, "f")):
        node.label = name
    return f


def _max_and_reuse(x, y):
    m = x.max(y)
    m.label = "m"
    p = x * m
    p.label = "p"
    f = p + y
    f.label = "f"
    return f


EXPRESSIONS = {
    "(x + y)·z": _Expression((("x", -2.0), ("y", 5.0), ("z", -4.0)), _classic),
    "σ(w0·x0 + w1·x1 + w2)": _Expression(
        (("w0", 2.0), ("x0", -1.0), ("w1", -3.0), ("x1", -2.0), ("w2", -3.0)), _neuron),
    "x·max(x, y) + y": _Expression((("x", 3.0), ("y", 2.0)), _max_and_reuse),
}
DEFAULT_EXPRESSION = "(x + y)·z"


def _check_name(fname: str, expr_name) -> _Expression:
    if expr_name not in EXPRESSIONS:
        raise ValueError(f"{fname}: expr_name expects one of {list(EXPRESSIONS)}, "
                         f"got {expr_name!r}")
    return EXPRESSIONS[expr_name]


def build_expression(expr_name: str = DEFAULT_EXPRESSION, inputs: Mapping | None = None):
    """Build one of :data:`EXPRESSIONS` from numbers.

    Args:
        expr_name: a key of :data:`EXPRESSIONS`.
        inputs: ``{input name: number}``; missing names take their default values.

    Returns:
        ``(root, leaves)``: the output :class:`~helpers.graph.Value` and ``{name: Value}``.
    """
    return _build("build_expression", expr_name, inputs)


def _build(fname: str, expr_name, inputs):
    expr = _check_name(fname, expr_name)
    inputs = {} if inputs is None else inputs
    if not isinstance(inputs, Mapping):
        raise TypeError(f"{fname}: inputs expects a dict {{name: number}}, "
                        f"got {type(inputs).__name__}")
    names = [name for name, _ in expr.inputs]
    unknown = sorted(set(inputs) - set(names))
    if unknown:
        raise ValueError(f"{fname}: inputs of {expr_name!r} are {names}, got unknown {unknown}")
    for name, v in inputs.items():
        if isinstance(v, bool) or not isinstance(v, Real):
            raise TypeError(f"{fname}: inputs[{name!r}] expects a real number, "
                            f"got {type(v).__name__}")
    leaves = {name: Value(inputs.get(name, default), name) for name, default in expr.inputs}
    return expr.build(**leaves), leaves


def gradient_flow_state(expr_name: str = DEFAULT_EXPRESSION, inputs: Mapping | None = None,
                        step: int | None = None) -> dict:
    """Everything the widget shows, as plain numbers (no matplotlib).

    Args:
        expr_name: a key of :data:`EXPRESSIONS`.
        inputs: ``{input name: number}``; missing names take their defaults.
        step: how many nodes the backward walk has visited, 0 … ``n_steps``; ``None`` = all.

    Returns:
        The :func:`helpers.graph.graph_state` dict (``nodes`` with ``id, label, op, value, grad,
        fan_out, current``; ``edges`` with ``src, dst, slot, value, grad``; ``order``,
        ``n_steps``, ``step``, ``current``, ``output``, ``output_grad``; where each node is
        drawn is for :func:`helpers.graph_draw.graph_layout` to decide) plus ``expression``,
        ``inputs`` ({name: value}), ``input_grads`` ({name: ∂f/∂input} after the *whole*
        walk) and ``explain`` (one line on the current step).
    """
    root, leaves = _build("gradient_flow_state", expr_name, inputs)
    walk = list(root.backward_steps())           # sets every .grad; gives the visiting order
    n = len(walk)
    if step is None:
        step = n
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= n:
        raise ValueError(f"gradient_flow_state: step expects an int in 0…{n} for "
                         f"{expr_name!r}, got {step!r}")
    input_grads = {name: v.grad for name, v in leaves.items()}
    state = graph_state(root, step=step)
    if step == 0:
        explain = "Forward pass done: every edge carries its value. Step ▶ to start backward."
    else:
        explain = walk[step - 1].describe().replace("-", "−")
    state.update(expression=expr_name, inputs={k: v.data for k, v in leaves.items()},
                 input_grads=input_grads, explain=explain)
    return state


def _title(state: dict) -> str:
    step, n = state["step"], state["n_steps"]
    f = f"f = {state['expression']} = {format_number(state['output'])}"
    if step == n:
        return f"{f}   ·   backward walk complete ({n} of {n} nodes)"
    return f"{f}   ·   backward step {step} of {n}"


def _draw(fig: Figure, state: dict) -> GraphArtists:
    fig.clear()
    ax = fig.add_axes(AXES_RECT)
    artists = GraphArtists(ax, state, title=_title(state), min_span=MIN_SPAN)
    projector_text(ax)
    return artists


def gradient_flow_figure(expr_name: str = DEFAULT_EXPRESSION, inputs: Mapping | None = None,
                         step: int | None = None) -> Figure:
    """The static figure of one state (default: the classic example, walk complete).

    Returns a :class:`matplotlib.figure.Figure` (not pyplot: show it with ``display(fig)``).
    """
    state = gradient_flow_state(expr_name, inputs, step)
    fig = Figure(figsize=FIGSIZE, dpi=100)
    FigureCanvasAgg(fig)
    _draw(fig, state)
    return fig


def _readout(state: dict) -> str:
    grads = " &nbsp; ".join(
        f"∂f/∂{k} = <span style='color:{GRADIENT}'>{format_number(g)}</span>"
        for k, g in state["input_grads"].items())
    return (f"<div style='font-family:monospace'>{state['explain']}<br>"
            f"f = <span style='color:{FORWARD}'>{format_number(state['output'])}</span>"
            f" &nbsp;|&nbsp; after the whole walk: {grads}</div>")


def gradient_flow(expr_name: str = DEFAULT_EXPRESSION) -> W.VBox:
    """The explorer: an expression dropdown, one slider per input, a backward-step slider
    with ◀ ▶ buttons, a one-line explanation of the current step, and the graph.

    The graph is one figure: moving a slider updates its texts and highlights in place.
    """
    _check_name("gradient_flow", expr_name)
    wide = {"description_width": "initial"}
    dropdown = W.Dropdown(options=list(EXPRESSIONS), value=expr_name, description="expression",
                          style=wide)
    sliders = {name: [W.FloatSlider(value=v, min=INPUT_MIN, max=INPUT_MAX, step=INPUT_STEP,
                                    description=k, continuous_update=True)
                      for k, v in expr.inputs]
               for name, expr in EXPRESSIONS.items()}
    n0 = gradient_flow_state(expr_name)["n_steps"]
    step = W.IntSlider(value=n0, min=0, max=n0, description="backward step", style=wide)
    back = W.Button(description="◀", tooltip="one step back", layout=W.Layout(width="3em"))
    forward = W.Button(description="▶", tooltip="one step forward", layout=W.Layout(width="3em"))
    readout = W.HTML()
    inputs_box = W.VBox(sliders[expr_name])
    canvas = FigureImage(figsize=FIGSIZE, dpi=90)
    current = {"artists": None, "busy": False}

    def state_now():
        name = dropdown.value
        values = {s.description: s.value for s in sliders[name]}
        return gradient_flow_state(name, values, step.value)

    def redraw(rebuild: bool = False):
        if current["busy"]:
            return
        state = state_now()
        full = rebuild or current["artists"] is None
        if full:
            current["artists"] = _draw(canvas.fig, state)
            canvas.dynamic = current["artists"].dynamic
        else:
            current["artists"].title = _title(state)
            current["artists"].update(state)
        readout.value = _readout(state)
        canvas.refresh(full=full)

    def on_expression(change):
        current["busy"] = True                   # change several controls, redraw once
        inputs_box.children = sliders[change["new"]]
        n = gradient_flow_state(change["new"])["n_steps"]
        step.max = max(n, step.min)
        step.value = n
        current["busy"] = False
        redraw(rebuild=True)

    dropdown.observe(on_expression, names="value")
    for group in sliders.values():
        for s in group:
            s.observe(lambda change: redraw(), names="value")
    step.observe(lambda change: redraw(), names="value")
    back.on_click(lambda _: setattr(step, "value", max(step.min, step.value - 1)))
    forward.on_click(lambda _: setattr(step, "value", min(step.max, step.value + 1)))
    redraw(rebuild=True)
    controls = W.HBox([inputs_box, W.VBox([W.HBox([step, back, forward]), readout])])
    box = W.VBox([dropdown, controls, canvas.image])
    box.state_now, box.canvas = state_now, canvas     # handles for tests and timing
    return box
