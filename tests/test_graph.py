"""helpers.graph.Value: forward values, local gradients, the backward walk, layout, drawing."""

import math

import matplotlib
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers.gradcheck import numerical_gradient, rel_error
from helpers.graph import BackwardStep, Value, graph_state, topological_order

matplotlib.use("Agg")


def classic():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f, x, y, z, q


def test_classic_example_by_the_engine():
    f, x, y, z, q = classic()
    f.backward()
    assert (q.data, f.data) == (3.0, -12.0)
    assert (f.grad, q.grad, z.grad, x.grad, y.grad) == (1.0, -4.0, 3.0, -4.0, -4.0)
    assert f.op == "*" and q.op == "+" and x.op == ""
    assert f.parents == (q, z) and f.local_grads == (-4.0, 3.0)


def test_backward_twice_does_not_double():
    f, x, y, z, _ = classic()
    f.backward()
    first = (x.grad, y.grad, z.grad)
    f.backward()
    assert (x.grad, y.grad, z.grad) == first


def test_a_node_used_twice_receives_the_sum():
    a = Value(3.0, "a")
    b = a * a                      # both inputs are a: d(a²)/da = 2a
    b.backward()
    assert a.grad == 6.0
    x = Value(2.0, "x")
    f = x * 3 + x.exp() + x        # three uses of x
    f.backward()
    assert x.grad == pytest.approx(3 + math.exp(2.0) + 1)


def test_shared_subexpression_accumulates():
    x = Value(1.5, "x")
    h = x.tanh()
    f = h * h + h                  # h forks into three edges
    f.backward()
    t = math.tanh(1.5)
    assert x.grad == pytest.approx((2 * t + 1) * (1 - t * t))


@pytest.mark.parametrize("op, fn, dfn", [
    ("exp", math.exp, math.exp),
    ("tanh", math.tanh, lambda v: 1 - math.tanh(v) ** 2),
    ("sigmoid", lambda v: 1 / (1 + math.exp(-v)),
     lambda v: math.exp(-v) / (1 + math.exp(-v)) ** 2),
    ("relu", lambda v: max(v, 0.0), lambda v: float(v > 0)),
])
@pytest.mark.parametrize("v", [-1.3, 0.4, 2.0])
def test_unary_ops(op, fn, dfn, v):
    x = Value(v)
    y = getattr(x, op)()
    y.backward()
    assert y.op == op
    assert y.data == pytest.approx(fn(v))
    assert x.grad == pytest.approx(dfn(v))


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0


def test_max_routes_to_the_winner_and_ties_go_first():
    x, y = Value(3.0), Value(2.0)
    m = x.max(y)
    m.backward()
    assert (m.data, x.grad, y.grad) == (3.0, 1.0, 0.0)
    m = Value.max(y, x)
    m.backward()
    assert (x.grad, y.grad) == (1.0, 0.0)
    a, b = Value(1.0), Value(1.0)
    t = a.max(b)
    t.backward()
    assert (a.grad, b.grad) == (1.0, 0.0)
    assert Value(-1.0).max(0).data == 0.0


def test_numbers_on_either_side():
    x = Value(4.0)
    assert (2 + x).data == 6.0 and (x + 2).data == 6.0
    assert (10 - x).data == 6.0 and (x - 10).data == -6.0
    assert (3 * x).data == 12.0 and (x / 2).data == 2.0 and (8 / x).data == 2.0
    assert (x ** 2).data == 16.0 and (-x).data == -4.0
    f = 8 / x - x ** 2 + 3 * x
    f.backward()
    assert x.grad == pytest.approx(-8 / 16 - 8 + 3)
    z = Value(0.0)
    for p, dz in ((0, 0.0), (1, 1.0), (2, 0.0), (3, 0.0)):
        y = z ** p
        y.backward()
        assert (y.data, z.grad) == (0.0 ** p, dz)


def test_engine_matches_numerical_gradient():
    def f_numpy(v):
        a, b, c = v
        return np.tanh(a * b + c) ** 2 / (1 + np.exp(-c)) - max(a, c) * b + a / (b + 3)

    point = np.array([0.7, -1.2, 0.3])
    a, b, c = (Value(float(t), n) for t, n in zip(point, "abc", strict=True))
    f = (a * b + c).tanh() ** 2 * c.sigmoid() - a.max(c) * b + a / (b + 3)
    f.backward()
    assert f.data == pytest.approx(f_numpy(point))
    num = numerical_gradient(f_numpy, point.copy())
    assert rel_error(np.array([a.grad, b.grad, c.grad]), num) < 1e-8


def test_topological_order_is_deterministic_and_inputs_first():
    f, x, y, z, q = classic()
    assert [n.label for n in topological_order(f)] == ["x", "y", "q", "z", "f"]


def test_deep_chain_has_no_recursion_limit():
    x = Value(0.0)
    y = x
    for _ in range(5000):
        y = y + 1
    y.backward()
    assert y.data == 5000.0 and x.grad == 1.0


def test_backward_steps_walks_output_first_and_grads_are_final():
    f, x, y, z, q = classic()
    steps = list(f.backward_steps())
    assert all(isinstance(s, BackwardStep) for s in steps)
    assert [s.node.label for s in steps] == ["f", "z", "q", "y", "x"]
    assert [s.upstream for s in steps] == [1.0, 3.0, -4.0, -4.0, -4.0]
    first = steps[0]
    assert [(p.label, local, c) for p, local, c in first.sends] == [("q", -4.0, -4.0),
                                                                  ("z", 3.0, 3.0)]
    assert "q += -4.00 × 1.00 = -4.00" in first.describe()


def test_graph_state_steps_hide_unreached_gradients():
    f, *_ = classic()
    s0 = graph_state(f, step=0)
    assert s0["n_steps"] == 5 and s0["current"] is None
    assert all(nd["grad"] is None for nd in s0["nodes"])
    assert all(e["grad"] is None for e in s0["edges"])
    s1 = graph_state(f, step=1)
    labels = [nd["label"] for nd in s1["nodes"]]
    assert s1["nodes"][s1["current"]]["label"] == "f"
    shown = {labels[e["src"]]: e["grad"] for e in s1["edges"] if e["grad"] is not None}
    assert shown == {"q": -4.0, "z": 3.0}
    assert s1["nodes"][labels.index("q")]["grad"] is None    # q not visited yet
    full = graph_state(f, step=5)
    assert [nd["grad"] for nd in full["nodes"]] == [-4.0, -4.0, -4.0, 3.0, 1.0]


def test_graph_state_without_step_shows_stored_gradients_only_after_backward():
    f, *_ = classic()
    assert all(nd["grad"] is None for nd in graph_state(f)["nodes"])
    f.backward()
    assert graph_state(f)["output_grad"] == 1.0
    assert all(nd["grad"] is None for nd in graph_state(f, show_grad=False)["nodes"])


def test_layout_inputs_left_output_right_no_overlap():
    f, *_ = classic()
    nodes = graph_state(f)["nodes"]
    xs = {nd["label"]: nd["x"] for nd in nodes}
    assert xs["x"] == xs["y"] == 0 and xs["f"] == max(xs.values())
    for e in graph_state(f)["edges"]:
        assert nodes[e["src"]]["x"] < nodes[e["dst"]]["x"]
    pos = [(nd["x"], nd["y"]) for nd in nodes]
    assert len(set(pos)) == len(pos)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: Value("3"), TypeError, "Value: data expects a real number, got str"),
    (lambda: Value(True), TypeError, "got bool"),
    (lambda: Value(1.0) + "a", TypeError, "Value.__add__: other expects a Value or a real"),
    (lambda: Value(1.0) / 0, ValueError, "Value.__truediv__: other expects a non-zero"),
    (lambda: Value(2.0) ** Value(2.0), TypeError, "Value.__pow__: p expects a constant"),
    (lambda: Value(-2.0) ** 0.5, ValueError, "Value.__pow__"),
    (lambda: Value(1000.0).exp(), ValueError, "Value.exp: overflow"),
    (lambda: topological_order(3.0), TypeError, "topological_order: root expects a Value"),
    (lambda: graph_state(Value(1.0), step=5), ValueError, "graph_state: step expects"),
])
def test_bad_input_names_function_and_argument(call, exc, words):
    with pytest.raises(exc, match=words.replace("(", r"\(").replace(".", r"\.")):
        call()


def test_draw_graph_returns_axes_with_values_and_gradients():
    from helpers.graph import draw_graph

    f, *_ = classic()
    f.backward()
    ax = draw_graph(f)
    texts = {t.get_text() for t in ax.texts}
    assert {"−12.00", "1.00", "−4.00", "3.00", "x", "×"} <= texts
    ax_walk = f.draw(step=0)
    assert "1.00" not in {t.get_text() for t in ax_walk.texts}   # no gradient yet
    matplotlib.pyplot.close("all")


coords = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(coords, coords, coords)
def test_engine_agrees_with_central_differences_everywhere(a0, b0, c0):
    assume(abs(a0 - c0) > 1e-3)                     # stay off the max's kink
    assume(abs(a0 * b0 + c0) > 1e-3)                # and off relu's

    def g_numpy(v):
        a, b, c = v
        return (np.maximum(a * b + c, 0) * np.tanh(c) + max(a, c) * a / (1 + np.exp(b))
                - (b - 3.0) ** 2 / (c + 3.0) + 1 / (1 + np.exp(-a * c)))

    a, b, c = Value(a0), Value(b0), Value(c0)
    g = ((a * b + c).relu() * c.tanh() + a.max(c) * a / (1 + b.exp())
         - (b - 3) ** 2 / (c + 3) + (a * c).sigmoid())
    g.backward()
    assert g.data == pytest.approx(g_numpy(np.array([a0, b0, c0])), rel=1e-12, abs=1e-12)
    num = numerical_gradient(g_numpy, np.array([a0, b0, c0]))
    np.testing.assert_allclose([a.grad, b.grad, c.grad], num, rtol=1e-6, atol=1e-8)
    first = (a.grad, b.grad, c.grad)
    g.backward()                                     # idempotent
    assert (a.grad, b.grad, c.grad) == first
