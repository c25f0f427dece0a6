"""Notebook 01's widget: the gradient_flow pure function, its static figure, the widget."""

import numpy as np
import pytest

from helpers.gradcheck import numerical_gradient, rel_error
from helpers.widgets import gradient_flow, gradient_flow_figure, gradient_flow_state
from helpers.widgets.gradient_flow import EXPRESSIONS, build_expression

CLASSIC = "(x + y)·z"
NEURON = "σ(w0·x0 + w1·x1 + w2)"
REUSE = "x·max(x, y) + y"


def test_classic_example_values():
    st = gradient_flow_state(CLASSIC)
    assert st["output"] == -12.0
    assert st["input_grads"] == {"x": -4.0, "y": -4.0, "z": 3.0}
    q = next(nd for nd in st["nodes"] if nd["label"] == "q")
    assert (q["value"], q["grad"]) == (3.0, -4.0)


def test_neuron_matches_the_sigmoid_formula():
    st = gradient_flow_state(NEURON)
    s = 1 / (1 + 2.718281828459045 ** -1.0)         # w·x + b = 1 at the defaults
    assert st["output"] == pytest.approx(s)
    g = st["input_grads"]
    dz = s * (1 - s)
    assert g["w0"] == pytest.approx(-1.0 * dz) and g["x0"] == pytest.approx(2.0 * dz)
    assert g["w2"] == pytest.approx(dz)


@pytest.mark.parametrize("x, y, dx, dy", [(3.0, 2.0, 6.0, 1.0),   # x wins: two paths into x
                                          (1.0, 2.0, 2.0, 2.0)])  # y wins: two paths into y
def test_reused_variable_receives_the_sum(x, y, dx, dy):
    st = gradient_flow_state(REUSE, {"x": x, "y": y})
    assert st["output"] == x * max(x, y) + y
    assert st["input_grads"] == {"x": dx, "y": dy}
    fork = next(nd for nd in st["nodes"] if nd["label"] == "x")
    assert fork["fan_out"] == 2


@pytest.mark.parametrize("name, n", [(CLASSIC, 5), (NEURON, 10), (REUSE, 5)])
def test_step_counts_and_reveal_order(name, n):
    states = [gradient_flow_state(name, step=k) for k in range(n + 1)]
    assert all(s["n_steps"] == n for s in states)
    shown = [sum(nd["grad"] is not None for nd in s["nodes"]) for s in states]
    assert shown == list(range(n + 1))                    # one more node per step
    assert states[0]["current"] is None and states[0]["output_grad"] is None
    assert states[1]["nodes"][states[1]["current"]]["label"] == "f"
    assert states[-1]["step"] == n and gradient_flow_state(name)["step"] == n


def test_partial_sums_are_not_shown_before_the_node_is_reached():
    # step 2 of the reuse graph: f and p visited; x has received 3 from p but is not final
    st = gradient_flow_state(REUSE, step=2)
    x = next(nd for nd in st["nodes"] if nd["label"] == "x")
    assert x["grad"] is None
    sent = [e["grad"] for e in st["edges"] if e["src"] == x["id"] and e["grad"] is not None]
    assert sent == [3.0]


def test_missing_inputs_take_defaults_and_inputs_are_reported():
    st = gradient_flow_state(CLASSIC, {"z": 2.0})
    assert st["inputs"] == {"x": -2.0, "y": 5.0, "z": 2.0}
    assert st["output"] == 6.0


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"expr_name": "x*y"}, ValueError, "gradient_flow_state: expr_name expects one of"),
    ({"inputs": {"w": 1.0}}, ValueError, "unknown \\['w'\\]"),
    ({"inputs": [1.0]}, TypeError, "inputs expects a dict"),
    ({"inputs": {"x": "a"}}, TypeError, "gradient_flow_state: inputs\\[.x.\\] expects a real"),
    ({"step": 6}, ValueError, "gradient_flow_state: step expects an int in 0…5"),
    ({"step": 1.0}, ValueError, "step expects an int"),
])
def test_bad_input(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        gradient_flow_state(**{"expr_name": CLASSIC, **kwargs})


def test_static_figure_and_widget_build():
    fig = gradient_flow_figure()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("f = (x + y)·z = −12.00") for t in texts)
    for name in EXPRESSIONS:
        gradient_flow_figure(name, step=0)
    w = gradient_flow()
    png = w.canvas.image.value
    assert png[:4] == b"\x89PNG"
    dropdown = w.children[0]
    dropdown.value = REUSE
    assert w.state_now()["expression"] == REUSE and w.state_now()["step"] == 5
    assert w.canvas.image.value != png


@pytest.mark.parametrize("name", list(EXPRESSIONS))
def test_every_expression_is_gradient_checked(name):
    names = [k for k, _ in EXPRESSIONS[name].inputs]
    rng = np.random.default_rng(1)
    for point in rng.uniform(-4, 4, size=(5, len(names))):
        st = gradient_flow_state(name, dict(zip(names, point, strict=True)))

        def forward(v):
            return build_expression(name, dict(zip(names, v, strict=True)))[0].data

        num = numerical_gradient(forward, point.copy())
        analytic = np.array([st["input_grads"][k] for k in names])
        assert rel_error(analytic, num) < 1e-7


def test_projector_text_enlarges_every_graph_text_but_the_title():
    import matplotlib.pyplot as plt
    from matplotlib.text import Annotation

    from helpers.graph import Value
    from helpers.graph_draw import draw_graph
    from helpers.widgets.gradient_flow import BOX_TEXT_SCALE, TEXT_SCALE, projector_text

    x = Value(3.0, "x")
    f = x * x + x.max(1.0)
    f.backward()
    ax = draw_graph(f)
    before = {id(t): (t.get_fontsize(), getattr(t, "xyann", None)) for t in ax.texts}
    assert projector_text(ax) is ax
    kinds = set()
    for t in ax.texts:
        size, offset = before[id(t)]
        if t.get_transform() == ax.transAxes:                       # the title
            kinds.add("title")
            assert t.get_fontsize() == size == plt.rcParams["axes.titlesize"]
        elif isinstance(t, Annotation):                            # an edge label
            kinds.add("edge")
            assert t.get_fontsize() == pytest.approx(12.0) == pytest.approx(size * TEXT_SCALE)
            assert t.xyann == pytest.approx((offset[0] * TEXT_SCALE, offset[1] * TEXT_SCALE))
        elif t.get_va() == "center":                               # a box's symbol or name
            kinds.add("box")
            assert t.get_fontsize() == pytest.approx(size * BOX_TEXT_SCALE)
        else:                                                      # a node name, a fork sum
            kinds.add("note")
            assert t.get_fontsize() == pytest.approx(size * TEXT_SCALE) and t.get_fontsize() > 11
    assert kinds == {"title", "edge", "box", "note"}
    plt.close(ax.figure)


def test_static_figure_is_projector_size():
    fig = gradient_flow_figure()
    assert tuple(fig.get_size_inches()) == (9.0, 4.5)
    sizes = [t.get_fontsize() for t in fig.axes[0].texts if t.get_text()]
    assert min(sizes) >= 11.0
    # the running example fills most of the width: little empty space around it
    ax = fig.axes[0]
    assert ax.get_xlim()[1] - ax.get_xlim()[0] == pytest.approx(4.4)
    assert ax.get_ylim()[1] - ax.get_ylim()[0] == pytest.approx(3.1)
