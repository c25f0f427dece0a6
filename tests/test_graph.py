"""helpers.graph: the scalar engine. Forward values, every local gradient against a numerical
derivative, the backward walk (forks sum, resets, order), graph_state, error messages.
Drawing and layout: tests/test_graph_draw.py."""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers.gradcheck import numerical_gradient, rel_error
from helpers.graph import BackwardStep, Value, graph_state, op_symbol, topological_order


def classic():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f, x, y, z, q


def partials(fn, *point):
    """Central-difference ∂fn/∂(each argument) at ``point``."""
    return numerical_gradient(lambda v: fn(*v), np.array(point, dtype=float))


def assert_node(out, op, parents, data):
    assert out.op == op
    assert out.parents == parents
    assert out.data == pytest.approx(data, rel=1e-14, abs=1e-300)
    assert (out.grad, out.label) == (0.0, "")


# ---- construction and printing ------------------------------------------------------------

def test_a_leaf_stores_a_float_and_nothing_else():
    v = Value(3)
    assert type(v.data) is float and v.data == 3.0
    assert (v.grad, v.label, v.op, v.parents, v.local_grads) == (0.0, "", "", (), ())
    assert Value(np.float64(-1.5), "w").data == -1.5 and Value(2.0, "w").label == "w"


def test_repr_shows_label_value_gradient_and_op():
    f, x, y, z, q = classic()
    assert repr(x) == "Value(label='x', data=-2, grad=0)"
    f.backward()
    assert repr(q) == "Value(label='q', data=3, grad=-4, op='+')"
    assert repr(Value(3.14159) * 2) == "Value(data=6.283, grad=0, op='*')"


# ---- every operation: value, bookkeeping, local gradient = numerical derivative -----------

BINARY = [  # name, engine, plain float function, op
    ("add", lambda a, b: a + b, lambda a, b: a + b, "+"),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, "-"),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, "*"),
    ("div", lambda a, b: a / b, lambda a, b: a / b, "/"),
    ("max", lambda a, b: a.max(b), max, "max"),
]


@pytest.mark.parametrize("name, op_engine, op_float, op", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("a0, b0", [(1.5, -0.5), (-2.0, 3.0), (0.3, 0.7)])
def test_binary_local_gradients_match_the_numerical_derivative(name, op_engine, op_float, op,
                                                               a0, b0):
    a, b = Value(a0, "a"), Value(b0, "b")
    out = op_engine(a, b)
    assert_node(out, op, (a, b), op_float(a0, b0))
    num = partials(op_float, a0, b0)
    assert rel_error(np.array(out.local_grads), num) < 1e-8
    out.backward()
    assert (a.grad, b.grad) == out.local_grads          # upstream 1: grads = local gradients


UNARY = [  # name, engine, plain float function, op
    ("neg", lambda x: -x, lambda x: -x, "neg"),
    ("exp", Value.exp, math.exp, "exp"),
    ("tanh", Value.tanh, math.tanh, "tanh"),
    ("sigmoid", Value.sigmoid, lambda x: 1 / (1 + math.exp(-x)), "sigmoid"),
    ("relu", Value.relu, lambda x: max(x, 0.0), "relu"),
    ("square", lambda x: x ** 2, lambda x: x ** 2, "**2"),
    ("cube", lambda x: x ** 3, lambda x: x ** 3, "**3"),
    ("reciprocal", lambda x: x ** -1, lambda x: x ** -1, "**-1"),
    ("inverse square", lambda x: x ** -2.0, lambda x: x ** -2.0, "**-2"),
    ("identity power", lambda x: x ** 1, lambda x: x, "**1"),
    ("zeroth power", lambda x: x ** 0, lambda x: 1.0, "**0"),
]


@pytest.mark.parametrize("name, op_engine, op_float, op", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("x0", [-1.3, 0.4, 2.0])
def test_unary_local_gradient_matches_the_numerical_derivative(name, op_engine, op_float, op,
                                                               x0):
    x = Value(x0, "x")
    out = op_engine(x)
    assert_node(out, op, (x,), op_float(x0))
    num = partials(op_float, x0)[0]
    assert abs(out.local_grads[0] - num) <= 1e-8 * max(1.0, abs(num))
    out.backward()
    assert x.grad == out.local_grads[0]


def test_negation_sends_minus_the_upstream_gradient():
    x = Value(3.0, "x")
    f = -x * 2.0                  # df/dx = -2: the sign comes from neg alone
    f.backward()
    assert (f.data, x.grad) == (-6.0, -2.0)
    assert (-x).local_grads == (-1.0,)


@pytest.mark.parametrize("p", [0.5, 1.5, 2.5, -0.5])
@pytest.mark.parametrize("x0", [0.25, 3.0])
def test_fractional_powers_of_positive_numbers(p, x0):
    x = Value(x0)
    out = x ** p
    assert out.op == f"**{p:g}" and out.data == pytest.approx(x0 ** p, rel=1e-15)
    num = partials(lambda v: v ** p, x0)[0]
    assert out.local_grads[0] == pytest.approx(num, rel=1e-8)
    assert out.local_grads[0] == pytest.approx(p * x0 ** (p - 1), rel=1e-15)


@pytest.mark.parametrize("p, data, grad", [(0, 1.0, 0.0), (1, 0.0, 1.0), (1.5, 0.0, 0.0),
                                           (2, 0.0, 0.0), (3.0, 0.0, 0.0)])
def test_powers_at_zero_that_have_a_derivative(p, data, grad):
    z = Value(0.0)
    y = z ** p
    y.backward()
    assert (y.data, z.grad) == (data, grad)


@pytest.mark.parametrize("x0, p", [(-2.0, 3), (-2.0, -1), (-0.5, 2.0), (-3.0, 0)])
def test_integer_powers_of_negative_numbers(x0, p):
    x = Value(x0)
    y = x ** p
    y.backward()
    assert y.data == x0 ** p
    assert x.grad == pytest.approx(partials(lambda v: v ** p, x0)[0], rel=1e-8, abs=1e-12)


@pytest.mark.parametrize("x0", [-40.0, -3.0, 0.0, 0.5, 3.0, 40.0])
def test_sigmoid_both_branches_accurate(x0):
    s = Value(x0).sigmoid()
    exact = math.exp(-math.log1p(math.exp(-x0)))         # 1 / (1 + e^-x), no cancellation
    assert s.data == pytest.approx(exact, rel=1e-15)
    assert s.local_grads[0] == pytest.approx(exact * (1 - exact), rel=1e-14)


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(-800.0).sigmoid().local_grads == (0.0,)


def test_relu_at_exactly_zero_passes_no_gradient():
    x = Value(0.0)
    r = x.relu()
    r.backward()
    assert (r.data, r.local_grads, x.grad) == (0.0, (0.0,), 0.0)
    tiny = Value(1e-300)
    tiny.relu().backward()
    assert tiny.grad == 1.0


def test_max_routes_to_the_winner_and_ties_go_first():
    x, y = Value(3.0), Value(2.0)
    m = x.max(y)
    m.backward()
    assert (m.data, x.grad, y.grad) == (3.0, 1.0, 0.0)
    m = Value.max(y, x)
    m.backward()
    assert (m.data, m.local_grads, x.grad, y.grad) == (3.0, (0.0, 1.0), 1.0, 0.0)
    a, b = Value(1.0), Value(1.0)
    t = a.max(b)
    t.backward()
    assert (a.grad, b.grad) == (1.0, 0.0)
    c = Value(-1.0).max(0)
    assert (c.data, c.local_grads, c.parents[1].data) == (0.0, (0.0, 1.0), 0.0)


REFLECTED = [  # expression with the constant 2.5 on either side (x = 4), op, value, constant's
    (lambda x: x + 2.5, "+", 6.5, 1, 1.0),        # slot, d/dx
    (lambda x: 2.5 + x, "+", 6.5, 0, 1.0),
    (lambda x: x - 2.5, "-", 1.5, 1, 1.0),
    (lambda x: 2.5 - x, "-", -1.5, 0, -1.0),
    (lambda x: x * 2.5, "*", 10.0, 1, 2.5),
    (lambda x: 2.5 * x, "*", 10.0, 0, 2.5),
    (lambda x: x / 2.5, "/", 1.6, 1, 0.4),
    (lambda x: 2.5 / x, "/", 0.625, 0, -2.5 / 16),
    (lambda x: x.max(2.5), "max", 4.0, 1, 1.0),
]


@pytest.mark.parametrize("expr, op, data, slot, dx", REFLECTED)
def test_a_number_on_either_side_becomes_a_labelled_constant_leaf(expr, op, data, slot, dx):
    x = Value(4.0, "x")
    out = expr(x)
    assert (out.op, out.data) == (op, data)
    const = out.parents[slot]
    assert out.parents[1 - slot] is x
    assert (const.data, const.label, const.op, const.parents) == (2.5, "2.5", "", ())
    out.backward()
    assert x.grad == dx


def test_an_integer_constant_gets_a_short_label():
    assert (Value(1.0) * 3).parents[1].label == "3"


# ---- the backward walk ------------------------------------------------------------------

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


def test_backward_starts_from_zero_whatever_grad_holds():
    f, x, y, z, q = classic()
    for v in (f, x, y, z, q):
        v.grad = 99.0
    f.backward()
    assert (f.grad, q.grad, x.grad) == (1.0, -4.0, -4.0)


def test_backward_from_an_inner_node_uses_that_node_as_output():
    f, x, y, z, q = classic()
    f.backward()
    q.backward()
    assert (q.grad, x.grad, y.grad) == (1.0, 1.0, 1.0)
    assert z.grad == 3.0                          # not part of q's graph: left as it was


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
    assert h.grad == pytest.approx(2 * t + 1)
    assert x.grad == pytest.approx((2 * t + 1) * (1 - t * t))


def test_local_gradients_are_fixed_at_forward_time():
    x, y = Value(2.0, "x"), Value(5.0, "y")
    p = x * y
    x.data = 100.0                  # an edit after forward does not reach backward
    p.backward()
    assert (p.local_grads, y.grad, x.grad) == ((5.0, 2.0), 2.0, 5.0)


def test_a_node_whose_local_gradients_do_not_match_its_inputs_is_refused():
    x, y = Value(2.0), Value(5.0)
    p = x * y
    p.local_grads = (5.0,)          # one gradient for two inputs: never drop a path silently
    with pytest.raises(ValueError, match="zip"):
        p.backward()
    with pytest.raises(ValueError, match="zip"):
        graph_state(p)


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
    assert [(p.label, local, c) for p, local, c in steps[0].sends] == [("q", -4.0, -4.0),
                                                                     ("z", 3.0, 3.0)]
    assert [(p.label, local, c) for p, local, c in steps[2].sends] == [("x", 1.0, -4.0),
                                                                     ("y", 1.0, -4.0)]
    assert steps[1].sends == () and steps[4].sends == ()


def test_backward_steps_is_lazy_one_visit_at_a_time():
    f, x, y, z, q = classic()
    x.grad = 7.0
    walk = f.backward_steps()
    assert x.grad == 7.0                                      # nothing happens before iterating
    next(walk)                                                # visit f: it sends to q and z
    assert (f.grad, q.grad, z.grad, x.grad, y.grad) == (1.0, -4.0, 3.0, 0.0, 0.0)
    next(walk)                                                # visit z: an input
    next(walk)                                                # visit q: sends to x and y
    assert (x.grad, y.grad) == (-4.0, -4.0)


def test_describe_narrates_each_visit():
    f, *_ = classic()
    lines = [s.describe() for s in f.backward_steps()]
    assert lines == [
        "f (×): upstream 1.00 → q += -4.00 × 1.00 = -4.00; z += 3.00 × 1.00 = 3.00",
        "z (input): upstream 3.00 (an input: nothing further to send)",
        "q (+): upstream -4.00 → x += 1.00 × -4.00 = -4.00; y += 1.00 × -4.00 = -4.00",
        "y (input): upstream -4.00 (an input: nothing further to send)",
        "x (input): upstream -4.00 (an input: nothing further to send)",
    ]
    unnamed = (Value(2.0) ** 2).sigmoid()
    assert [s.describe() for s in unnamed.backward_steps()] == [   # no labels: symbol, value
        "σ (σ): upstream 1.00 → x² += 0.02 × 1.00 = 0.02",
        "x² (x²): upstream 0.02 → 2 += 4.00 × 0.02 = 0.07",
        "2 (input): upstream 0.07 (an input: nothing further to send)",
    ]


@pytest.mark.parametrize("op, symbol", [
    ("", ""), ("+", "+"), ("-", "−"), ("*", "×"), ("/", "÷"), ("neg", "−x"), ("exp", "exp"),
    ("tanh", "tanh"), ("sigmoid", "σ"), ("relu", "ReLU"), ("max", "max"), ("**2", "x²"),
    ("**-1", "x⁻¹"), ("**0.5", "x⁰·⁵"), ("**1234567890", "x¹²³⁴⁵⁶⁷⁸⁹⁰"), ("custom", "custom"),
])
def test_op_symbol(op, symbol):
    assert op_symbol(op) == symbol


# ---- topological order ----------------------------------------------------------------

def test_topological_order_is_deterministic_and_inputs_first():
    f, x, y, z, q = classic()
    assert [n.label for n in topological_order(f)] == ["x", "y", "q", "z", "f"]
    assert topological_order(x) == [x]


def test_topological_order_lists_a_shared_node_once():
    a = Value(1.0, "a")
    b = a * 2
    b.label = "b"
    f = b + a                     # a reached twice before it is visited
    f.label = "f"
    assert [n.label for n in topological_order(f)] == ["a", "2", "b", "f"]
    h = a.tanh()
    g = h * h + h
    assert [n.op for n in topological_order(g)] == ["", "tanh", "*", "+"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.sampled_from("+*m")),
                min_size=1, max_size=25))
def test_topological_order_every_input_before_its_users(recipe):
    nodes = [Value(1.0), Value(2.0)]
    for i, j, op in recipe:            # each new node combines two earlier ones
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        nodes.append(a + b if op == "+" else a * b if op == "*" else a.max(b))
    order = topological_order(nodes[-1])
    position = {id(n): k for k, n in enumerate(order)}
    assert len(position) == len(order) and order[-1] is nodes[-1]
    for node in order:
        assert all(position[id(p)] < position[id(node)] for p in node.parents)


# ---- graph_state: the walk as plain numbers ------------------------------------------------

CLASSIC_EDGES = [(0, 2, 0, -2.0), (1, 2, 1, 5.0), (2, 4, 0, 3.0), (3, 4, 1, -4.0)]


def _edges(state):
    return [(e["src"], e["dst"], e["slot"], e["value"]) for e in state["edges"]]


def test_graph_state_lists_nodes_edges_and_the_visiting_order():
    f, *_ = classic()
    s = graph_state(f, step=2)
    assert [(nd["id"], nd["label"], nd["op"], nd["value"], nd["fan_out"]) for nd in s["nodes"]] \
        == [(0, "x", "", -2.0, 1), (1, "y", "", 5.0, 1), (2, "q", "+", 3.0, 1),
            (3, "z", "", -4.0, 1), (4, "f", "*", -12.0, 0)]
    assert _edges(s) == CLASSIC_EDGES
    assert (s["order"], s["n_steps"], s["step"], s["output"], s["output_grad"]) == \
        ([4, 3, 2, 1, 0], 5, 2, -12.0, 1.0)


@pytest.mark.parametrize("step, current, node_grads, edge_grads", [
    (0, None, [None] * 5, [None] * 4),
    (1, 4, [None, None, None, None, 1.0], [None, None, -4.0, 3.0]),
    (2, 3, [None, None, None, 3.0, 1.0], [None, None, -4.0, 3.0]),
    (3, 2, [None, None, -4.0, 3.0, 1.0], [-4.0, -4.0, -4.0, 3.0]),
    (5, 0, [-4.0, -4.0, -4.0, 3.0, 1.0], [-4.0, -4.0, -4.0, 3.0]),
])
def test_graph_state_reveals_one_node_per_step(step, current, node_grads, edge_grads):
    f, *_ = classic()
    s = graph_state(f, step=step)
    assert s["current"] == current and s["step"] == step
    assert [nd["current"] for nd in s["nodes"]] == [i == current for i in range(5)]
    assert [nd["grad"] for nd in s["nodes"]] == node_grads
    assert [e["grad"] for e in s["edges"]] == edge_grads
    assert s["output_grad"] == (None if step == 0 else 1.0)


def test_graph_state_with_a_step_runs_the_walk():
    f, x, *_ = classic()
    graph_state(f, step=0)
    assert (f.grad, x.grad) == (1.0, -4.0)


def test_graph_state_without_step_shows_stored_gradients_only_after_backward():
    f, *_ = classic()
    before = graph_state(f)
    assert all(nd["grad"] is None for nd in before["nodes"])
    assert all(e["grad"] is None for e in before["edges"])
    assert (before["output_grad"], before["current"], before["step"]) == (None, None, None)
    f.backward()
    after = graph_state(f)
    assert after["output_grad"] == 1.0 and after["current"] is None
    assert [nd["grad"] for nd in after["nodes"]] == [-4.0, -4.0, -4.0, 3.0, 1.0]
    assert [e["grad"] for e in after["edges"]] == [-4.0, -4.0, -4.0, 3.0]
    assert not any(nd["current"] for nd in after["nodes"])
    hidden = graph_state(f, show_grad=False)
    assert all(nd["grad"] is None for nd in hidden["nodes"]) and hidden["output_grad"] is None


def test_graph_state_show_grad_false_hides_the_walk_too():
    f, *_ = classic()
    s = graph_state(f, step=3, show_grad=False)
    assert (s["current"], s["output_grad"], s["step"]) == (None, None, 3)
    assert all(nd["grad"] is None for nd in s["nodes"])
    assert all(e["grad"] is None for e in s["edges"])


def test_graph_state_of_a_fork_and_a_square():
    a = Value(3.0, "a")
    f = a * a + a
    s = graph_state(f, step=3)
    assert [nd["fan_out"] for nd in s["nodes"]] == [3, 1, 0]
    assert [(e["src"], e["dst"], e["slot"], e["grad"]) for e in s["edges"]] == \
        [(0, 1, 0, 3.0), (0, 1, 1, 3.0), (1, 2, 0, 1.0), (0, 2, 1, 1.0)]
    assert s["nodes"][0]["grad"] == 7.0             # the sum of all three


# ---- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, message", [
    (lambda: Value("3"), TypeError, "Value: data expects a real number, got str"),
    (lambda: Value(True), TypeError, "Value: data expects a real number, got bool"),
    (lambda: Value(None), TypeError, "Value: data expects a real number, got NoneType"),
    (lambda: Value(1.0, 3), TypeError, "Value: label expects a str, got int"),
    (lambda: Value(1.0) + "a", TypeError,
     "Value.__add__: other expects a Value or a real number, got str"),
    (lambda: "a" + Value(1.0), TypeError,
     "Value.__radd__: other expects a Value or a real number, got str"),
    (lambda: Value(1.0) - None, TypeError,
     "Value.__sub__: other expects a Value or a real number, got NoneType"),
    (lambda: [1] - Value(1.0), TypeError,
     "Value.__rsub__: other expects a Value or a real number, got list"),
    (lambda: Value(1.0) * True, TypeError,
     "Value.__mul__: other expects a Value or a real number, got bool"),
    (lambda: "a" * Value(1.0), TypeError,
     "Value.__rmul__: other expects a Value or a real number, got str"),
    (lambda: Value(1.0) / "a", TypeError,
     "Value.__truediv__: other expects a Value or a real number, got str"),
    (lambda: "a" / Value(1.0), TypeError,
     "Value.__rtruediv__: other expects a Value or a real number, got str"),
    (lambda: Value(1.0).max("a"), TypeError,
     "Value.max: other expects a Value or a real number, got str"),
    (lambda: Value(1.0) / 0, ValueError,
     "Value.__truediv__: other expects a non-zero divisor, got 0.0"),
    (lambda: Value(1.0) / Value(-0.0), ValueError,
     "Value.__truediv__: other expects a non-zero divisor, got -0.0"),
    (lambda: 2 / Value(0.0), ValueError,
     "Value.__truediv__: other expects a non-zero divisor, got 0.0"),
    (lambda: Value(2.0) ** Value(2.0), TypeError,
     "Value.__pow__: p expects a constant number, got a Value (only constant exponents are "
     "supported)"),
    (lambda: Value(2.0) ** "2", TypeError, "Value.__pow__: p expects a real number, got str"),
    (lambda: Value(-2.0) ** 0.5, ValueError,
     "Value.__pow__: a non-integer power p=0.5 needs x ≥ 0, got x=-2.0"),
    (lambda: Value(0.0) ** 0.5, ValueError,
     "Value.__pow__: x ** 0.5 has no finite derivative at x=0"),
    (lambda: Value(0.0) ** -1, ValueError,
     "Value.__pow__: x ** -1 has no finite derivative at x=0"),
    (lambda: Value(0.0) ** -2.5, ValueError,
     "Value.__pow__: x ** -2.5 has no finite derivative at x=0"),
    (lambda: Value(1000.0).exp(), ValueError,
     "Value.exp: overflow, self.data=1000.0 is above ~709"),
    (lambda: topological_order(3.0), TypeError,
     "topological_order: root expects a Value, got float"),
    (lambda: graph_state(None), TypeError, "topological_order: root expects a Value, got NoneType"),
    (lambda: graph_state(Value(1.0), step=2), ValueError,
     "graph_state: step expects an int in 0…1 (this graph has 1 nodes), got 2"),
    (lambda: graph_state(Value(1.0), step=-1), ValueError,
     "graph_state: step expects an int in 0…1 (this graph has 1 nodes), got -1"),
    (lambda: graph_state(Value(1.0), step=1.0), ValueError,
     "graph_state: step expects an int in 0…1 (this graph has 1 nodes), got 1.0"),
    (lambda: graph_state(Value(1.0), step=True), ValueError,
     "graph_state: step expects an int in 0…1 (this graph has 1 nodes), got True"),
])
def test_bad_input_names_function_and_argument(call, exc, message):
    with pytest.raises(exc) as info:
        call()
    assert str(info.value) == message


def test_exp_just_below_overflow_works():
    assert Value(709.0).exp().data == math.exp(709.0)


def test_the_engine_imports_nothing_of_drawing():
    code = ("import sys, helpers.graph; "
            "print(sorted(m for m in sys.modules if m.startswith(('matplotlib', "
            "'helpers.graph_draw', 'helpers.plotting'))))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"


# ---- everything at once, anywhere ------------------------------------------------------------

coords = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(coords, coords, coords)
def test_engine_agrees_with_central_differences_everywhere(a0, b0, c0):
    assume(abs(a0 - c0) > 1e-3)                     # stay off the max's kink
    assume(abs(a0 * b0 + c0) > 1e-3)                # and off relu's

    def g_numpy(v):
        a, b, c = v
        return (np.maximum(a * b + c, 0) * np.tanh(c) + max(a, c) * a / (1 + np.exp(b))
                - (b - 3.0) ** 2 / (c + 3.0) + 1 / (1 + np.exp(-a * c)) - (-a) * c)

    a, b, c = Value(a0), Value(b0), Value(c0)
    g = ((a * b + c).relu() * c.tanh() + a.max(c) * a / (1 + b.exp())
         - (b - 3) ** 2 / (c + 3) + (a * c).sigmoid() - (-a) * c)
    g.backward()
    assert g.data == pytest.approx(g_numpy(np.array([a0, b0, c0])), rel=1e-12, abs=1e-12)
    num = numerical_gradient(g_numpy, np.array([a0, b0, c0]))
    np.testing.assert_allclose([a.grad, b.grad, c.grad], num, rtol=1e-6, atol=1e-8)
    first = (a.grad, b.grad, c.grad)
    g.backward()                                     # idempotent
    assert (a.grad, b.grad, c.grad) == first
