"""Notebook 01's exercise checkers: right answers pass, the course's own engine is refused, and
every planted classic mistake gets its own hint."""

from __future__ import annotations

import copy
import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest
from exercise_tools import not_implemented as _not_implemented
from exercise_tools import passes as _passes
from exercise_tools import says as _says
from exercise_tools import stub as _stub

from helpers import graph
from helpers.exercises import nb01
from helpers.exercises._check import NOT_DONE, registered
from helpers.exercises.nb01 import Node, by_hand_answer, by_hand_slips


def _ascii(value) -> str:
    """A plain-ASCII test id (the hints are full of δ, × and ·)."""
    text = value if isinstance(value, str) else getattr(value, "__name__", type(value).__name__)
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")[:40] or "x"










def test_five_exercises_are_registered_in_order():
    titles = [(ex.number, ex.title) for ex in registered("01")]
    assert titles == [(1, "a new gate, divide"), (2, "by hand"),
                      (3, "the backward pass of a scalar engine"), (4, "a new operation, exp"),
                      (5, "a topological order without recursion")]


# ------------------------------------------------------------------ 1. divide gate

def right_div_backward(a, b, dout):
    return dout / b, -a * dout / b ** 2


@pytest.mark.parametrize("fn", [
    right_div_backward,
    lambda a, b, dout: [dout / b, -a * dout / b ** 2],                     # a list
    lambda a, b, dout: np.array([1 / b, -a / b ** 2]) * dout,               # one array
    lambda a, b, dout: (np.float32(dout / b), -a * dout / b ** 2),          # rounded a little
], ids=["tuple", "list", "array", "float32"])
def test_divide_right_answers_pass(capsys, fn):
    assert nb01.check_divide_backward(fn)
    assert "da = dout / b and db = −a · dout / b²" in _passes(capsys)


@pytest.mark.parametrize("fn, words", [
    (lambda a, b, dout: (1 / b, -a / b ** 2), ("da: right local gradient", "dout")),
    (lambda a, b, dout: (b * dout, a * dout), ("da: that is the multiply gate's rule",)),
    (lambda a, b, dout: (dout / b, a * dout / b ** 2), ("db: mind the sign",)),
    (lambda a, b, dout: (dout / b, -a * dout / b), ("db: ", "squared")),
    (lambda a, b, dout: (dout / b, -dout / b ** 2), ("db: ", "the a stays")),
    (lambda a, b, dout: (-a * dout / b ** 2, dout / b), ("da holds what db should",)),
    (lambda a, b, dout: (2 * dout / b, -a * dout / b ** 2), ("da is exactly 2×",)),
    (lambda a, b, dout: (a, b), ("da: that is the input a handed back",)),
    (lambda a, b, dout: (dout / b, -a * dout / b ** 3),
     ("db is off: ∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b², each times dout",)),
    (lambda a, b, dout: (dout / b, -a * dout / b ** 2 if a else 1.0), ("at a = 0, b = ", "db")),
    (lambda a, b, dout: dout / b, ("return 2 numbers, in this order: da, db",)),
    (lambda a, b, dout: (dout / b, "db"), ("db should be numbers",)),
    (lambda a, b, dout: 1 / 0, ("ZeroDivisionError", "1 / 0")),
    (_stub, ("TODO",)),
    (_not_implemented, ("TODO",)),
], ids=_ascii)
def test_divide_mistakes_get_their_hint(capsys, fn, words):
    assert not nb01.check_divide_backward(fn)
    _says(capsys, *words)


@pytest.mark.parametrize("fn, words", [
    (lambda a, b, dout: (dout / b, -a / b ** 2), "db: right local gradient"),
    (lambda a, b, dout: (dout / b, a * dout), "db: that is the multiply gate's rule"),
])
def test_divide_db_mistakes_alone_get_their_hint_and_nothing_more(capsys, fn, words):
    assert not nb01.check_divide_backward(fn)
    out = _says(capsys, words)
    assert " is off" not in out, out


def test_divide_names_the_point_it_tried(capsys):
    assert not nb01.check_divide_backward(lambda a, b, dout: (1 / b, -a / b ** 2))
    out = _says(capsys)
    a, b, dout = (float(v) for v in re.findall(r"= (-?[\d.]+)", out)[:3])
    assert 0.5 <= abs(a) <= 2 and 0.5 <= abs(b) <= 2 and 1.5 <= abs(dout) <= 3


# ------------------------------------------------------------------ 2. by hand

POINT = nb01.BY_HAND_POINT["x"], nb01.BY_HAND_POINT["y"], nb01.BY_HAND_POINT["z"]
RIGHT = (0.0, -2.0, 4.0)
# which of (df/dx, df/dy, df/dz) each slip changes at this point (y wins the max)
CHANGES = {"swap": {1, 2}, "plus_z": {2}, "mul_z": {2}, "loser": {0, 1}, "both": {0},
           "half": {0, 1}, "local": {1}}


# each slip's answer at the point, worked out by hand (m = 3, dm = z = −2, dz = m + 1 = 4)
SLIPPED = {"swap": (0.0, 3.0, -1.0), "plus_z": (0.0, -2.0, 3.0), "mul_z": (0.0, -2.0, 1.0),
           "loser": (-2.0, 0.0, 4.0), "both": (-2.0, -2.0, 4.0), "half": (-1.0, -1.0, 4.0),
           "local": (0.0, 1.0, 4.0)}


@pytest.mark.parametrize("slip", sorted(SLIPPED))
def test_each_slip_gives_what_a_learner_would_get_by_hand(slip):
    assert by_hand_answer(*POINT, slip) == SLIPPED[slip]


def test_by_hand_point_and_answer():
    assert POINT == (1.0, 3.0, -2.0)
    assert by_hand_answer(*POINT) == RIGHT
    x, y, z = POINT
    assert max(x, y) * z + z == -8.0


def test_by_hand_slips_are_every_slip_and_every_pair_that_can_happen_together():
    combos = by_hand_slips()
    singles = [c for c in combos if len(c) == 1]
    assert sorted(s for (s,) in singles) == sorted(CHANGES)
    # the singles, then swap × dz, swap × max and dz × max
    assert len(combos) == len(set(combos)) == 7 + 2 + 4 + 8
    for a, b in (c for c in combos if len(c) == 2):
        assert not {a, b} <= {"plus_z", "mul_z"}                       # one fate for dz
        assert not {a, b} <= {"loser", "both", "half", "local"}         # one fate at the max


@pytest.mark.parametrize("combo", by_hand_slips(), ids="+".join)
def test_no_slip_or_pair_of_slips_lands_on_a_right_number(combo):
    answer = by_hand_answer(*POINT, *combo)
    for i in set().union(*(CHANGES[s] for s in combo)):
        assert answer[i] != RIGHT[i], f"{combo} leaves {('dx', 'dy', 'dz')[i]} right"


def test_every_slip_and_pair_gives_its_own_numbers():
    answers = {combo: by_hand_answer(*POINT, *combo) for combo in by_hand_slips()}
    assert RIGHT not in answers.values()
    assert len(set(answers.values())) == len(answers)


def test_the_old_point_hid_two_slips():
    # x = 2, y = −1, z = 3: forgetting the swap and the + z path gave df/dz = 3, the right value
    old = (2.0, -1.0, 3.0)
    assert by_hand_answer(*old, "swap", "plus_z")[2] == by_hand_answer(*old)[2] == 3.0


@pytest.mark.parametrize("combo", by_hand_slips(), ids="+".join)
def test_by_hand_names_every_slip_and_pair(capsys, combo):
    assert not nb01.check_by_hand(*by_hand_answer(*POINT, *combo))
    out = _says(capsys, *(nb01._SLIPS[s] for s in combo))
    assert ("two slips" in out) == (len(combo) == 2)


@pytest.mark.parametrize("answer", [RIGHT, (0, -2, 4), (np.float64(0), -2.0, np.array(4.0))],
                         ids=["floats", "ints", "numpy"])
def test_by_hand_right_answer(capsys, answer):
    assert nb01.check_by_hand(*answer)
    assert "(0, −2, 4)" in _passes(capsys)


@pytest.mark.parametrize("answer, words", [
    ((0.0, -2.0, -1.0), ("df/dz: the multiply gate swaps",)),       # the swap in dz only
    ((0.0, 3.0, 4.0), ("df/dy: the multiply gate swaps",)),         # the swap in dy only
    ((0.0, 2.0, 4.0), ("df/dy: y wins the max",)),                  # no classic slip: generic
    ((0.0, -2.0, 5.0), ("df/dz: z is used twice",)),
    ((1.0, -2.0, 4.0), ("df/dx: x loses the max",)),
    ((None, None, None), ("TODO",)),
    ((0.0, None, 4.0), ("TODO",)),
    (("0", -2.0, 4.0), ("df/dx should be numbers, got a string",)),
    ((0.0, [-2.0, 1.0], 4.0), ("df/dy should have shape ()",)),
    ((0.0, -2.0, float("nan")), ("df/dz contains nan",)),
], ids=_ascii)
def test_by_hand_other_answers(capsys, answer, words):
    assert not nb01.check_by_hand(*answer)
    _says(capsys, *words)


# ------------------------------------------------------------------ 3. the backward pass

def topological_order(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)
    visit(root)
    return order


def iterative_order(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def backward(root):
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad += local * node.grad


def _engine(visit_order=reversed, assign=False, seed=True, reset=True, order=None):
    """A learner's backward with the given slips."""
    def learner(root):
        nodes = (order or topological_order)(root)
        if reset:
            for node in nodes:
                node.grad = 0.0
        if seed:
            root.grad = 1.0
        for node in visit_order(nodes):
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                if assign:
                    parent.grad = local * node.grad
                else:
                    parent.grad += local * node.grad
    return learner


def _search_engine(queue=False, assign=False):
    """Sends a node's grad as soon as a search from the root takes it (no topological order)."""
    def learner(root):
        for node in topological_order(root):
            node.grad = 0.0
        root.grad, todo, seen = 1.0, [root], {root}
        while todo:
            node = todo.pop(0 if queue else -1)
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                if assign:
                    parent.grad = local * node.grad
                else:
                    parent.grad += local * node.grad
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
    return learner


def every_path_backward(root):
    for node in topological_order(root):
        node.grad = 0.0
    root.grad = 1.0

    def visit(node):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            parent.grad += local * node.grad
            visit(parent)
    visit(root)


def test_backward_pass_right_answers(capsys):
    assert nb01.check_backward_pass(topological_order, backward)
    assert "reset, seed the root with 1" in _passes(capsys)
    assert nb01.check_backward_pass(iterative_order, _engine(order=iterative_order))
    _passes(capsys)
    # a backward that resets with its own walk, and a tuple for the order
    assert nb01.check_backward_pass(lambda r: tuple(topological_order(r)), backward)
    _passes(capsys)


@pytest.mark.parametrize("order, words", [
    (graph.topological_order, ("calls helpers.graph.topological_order",
                               "write it yourself")),
    (lambda root: graph.topological_order(root), ("helpers.graph.topological_order",)),
], ids=["itself", "wrapped"])
def test_backward_pass_refuses_the_course_order(capsys, order, words):
    assert not nb01.check_backward_pass(order, backward)
    _says(capsys, *words)


def test_backward_pass_refuses_the_course_backward(capsys):
    assert not nb01.check_backward_pass(topological_order, lambda root: graph.Value.backward(root))
    _says(capsys, "calls helpers.graph.Value.backward", "without helpers.graph.Value.backward")
    assert not nb01.check_backward_pass(
        topological_order, lambda root: list(graph.Value.backward_steps(root)))
    _says(capsys, "calls helpers.graph.Value.backward_steps")


def _preorder(root):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            order.append(node)
            for parent in node.parents:
                visit(parent)
    visit(root)
    return order


def _every_path_order(root):
    order = []

    def visit(node):
        for parent in node.parents:
            visit(parent)
        order.append(node)
    visit(root)
    return order


def _s_before_q(root):
    order = topological_order(root)
    q = next(n for n in order if n.name == "q")
    order.remove(q)
    order.insert(order.index(root), q)
    return order


@pytest.mark.parametrize("order, words", [
    (_preorder, ("topological_order, on the diamond", "pre-order", "post-order")),
    (lambda r: topological_order(r)[::-1], ("on the diamond", "the reverse order, the root "
                                                              "first")),
    (lambda r: [r] + topological_order(r)[:-1], ("on the diamond", "the root comes first")),
    (_every_path_order, ("on the diamond", "x, y, q appear more than once", "a set")),
    (lambda r: topological_order(r)[:-1], ("the root is missing",)),
    (lambda r: [n for n in topological_order(r) if n.parents or n is r],
     ("the order misses x, y: list every node",)),
    (lambda r: [n.data for n in topological_order(r)], ("not their values (.data)",)),
    (lambda r: topological_order(r) + ["f"], ("holds 'f', which is not a node",)),
    (lambda r: r, ("should return a list of nodes, got Node",)),
    (lambda r: 7, ("should return a list of nodes, got int",)),
    (lambda r: set(topological_order(r)), ("returned a set, which keeps no order",)),
    (lambda r: (n for n in topological_order(r)), None),        # a generator is a fine order
    (_s_before_q, ("on the diamond", "s comes before its input q", "post-order")),
    (_stub, ("TODO",)),
    (_not_implemented, ("TODO",)),
    (lambda r: r.children, ("AttributeError", "r.children")),
], ids=_ascii)
def test_topological_order_mistakes(capsys, order, words):
    result = nb01.check_backward_pass(order, backward)
    if words is None:
        assert result
        _passes(capsys)
    else:
        assert not result
        _says(capsys, *words)


DIAMOND = "on the diamond q = x·y, s = q + y, f = q·s"
THREE = "on q = x + y used three times"
CHAIN = "on the chain p = x·a, s = p + b, f = s·c"


@pytest.mark.parametrize("engine, words", [
    (_engine(assign=True), (DIAMOND, "a node used by several gates (a fork)",
                            "+= local * node.grad, not =")),
    (_engine(seed=False), (DIAMOND, "every grad is still 0: seed root.grad = 1.0")),
    (_engine(visit_order=list), (DIAMOND, "gates): the walk ran from the inputs")),
    (_engine(visit_order=list, assign=True), (DIAMOND, "gates): the walk ran from the inputs")),
    (_engine(reset=False), (DIAMOND, "called twice gave other gradients the second time",
                            "set every node's grad to 0")),
    (_search_engine(), (THREE, "f = m + q: a node passed its grad on before every gate")),
    (_search_engine(queue=True), (DIAMOND, "gates): a node passed its grad on before")),
    (_search_engine(queue=True, assign=True), (DIAMOND, "two slips: a node passed its grad on",
                                               "; and a node used by several gates")),
    (every_path_backward, (DIAMOND, "gates): a node was visited once per path")),
    (_stub, ("fill in the lines marked TODO",)),      # a body that only returns None
    (_not_implemented, ("TODO",)),
], ids=["assign", "no_seed", "forward_order", "forward_and_assign", "no_reset", "dfs_preorder",
        "bfs", "bfs_and_assign", "every_path", "empty", "stub"])
def test_backward_mistakes_get_their_hint(capsys, engine, words):
    assert not nb01.check_backward_pass(topological_order, engine)
    _says(capsys, *words)


def test_backward_mistakes_on_the_chain_and_the_three_uses(capsys):
    assert not nb01.check_backward_pass(topological_order, _engine(visit_order=list))
    _says(capsys, DIAMOND)
    # the assign slip shows on the graph whose only fork is a node used three times
    order_then_assign = _engine(assign=True)
    assert not nb01.check_backward_pass(
        topological_order, lambda r: (backward if r.name == "f" and r.parents and
                                      r.parents[0].name == "q" and r.parents[1].name == "s"
                                      else order_then_assign)(r))
    _says(capsys, THREE, "f = m + q: a node used by several gates")


def test_backward_single_node_needs_the_seed(capsys):
    def seeds_only_a_gate(root):
        if root.parents:
            backward(root)
    assert not nb01.check_backward_pass(topological_order, seeds_only_a_gate)
    _says(capsys, "on a single node f (the root is an input): every grad is still 0")


def test_backward_that_edits_the_graph_is_refused(capsys):
    def rounds_data(root):
        backward(root)
        root.data = round(root.data)
    assert not nb01.check_backward_pass(topological_order, rounds_data)
    _says(capsys, "backward changed a node's data, parents or local_grads")

    def stores_grads_as_strings(root):
        backward(root)
        root.grad = "1"
    assert not nb01.check_backward_pass(topological_order, stores_grads_as_strings)
    _says(capsys, DIAMOND, "f.grad should be numbers")

    def raises(root):
        raise KeyError("grad")
    assert not nb01.check_backward_pass(topological_order, raises)
    _says(capsys, "your code raised KeyError", "raise KeyError")


def test_backward_that_is_not_a_function(capsys):
    assert not nb01.check_backward_pass(topological_order, 3)
    _says(capsys, "expected a function, got an int")


def test_backward_names_the_first_wrong_node_from_the_output(capsys):
    def doubles_inputs(root):
        backward(root)
        for node in topological_order(root):
            if not node.parents and node is not root:
                node.grad *= 2
    assert not nb01.check_backward_pass(topological_order, doubles_inputs)
    _says(capsys, DIAMOND, "y.grad is exactly 2×")


def test_nodes_are_shared_not_copied():
    x = Node(2.0, name="x")
    f = nb01._times(x, x, "f")
    assert copy.deepcopy(f) is f and copy.deepcopy([f])[0] is f
    assert (f.data, f.parents, f.local_grads, f.grad) == (4.0, (x, x), (2.0, 2.0), 0.0)
    assert repr(f) == "Node(f=4)"


def test_graphs_are_what_their_labels_say():
    rng = np.random.default_rng(0)
    cases = {make.__name__: make(nb01._magnitudes(rng, 4)) for make in nb01._GRAPHS}
    diamond = cases["_diamond"]
    x, y, q, s, f = diamond.nodes
    assert (q.parents, s.parents, f.parents) == ((x, y), (q, y), (q, s))
    x, a, p, b, s, c, f = cases["_chain"].nodes
    assert (p.parents, s.parents, f.parents) == ((x, a), (p, b), (s, c))
    x, y, q, m, f = cases["_three_uses"].nodes
    assert (q.parents, m.parents, f.parents) == ((x, y), (q, q), (m, q))
    (f,) = cases["_single"].nodes
    assert f.parents == () and f.name == "f"
    for case in cases.values():
        assert case.root is case.nodes[-1]
        assert all(0.5 <= abs(n.data) <= 2 for n in case.nodes if not n.parents)
        assert nb01._is_order(case.nodes)


def test_simulated_walks_match_planted_learners():
    """Each slip the checker simulates is what the planted learner above computes."""
    rng = np.random.default_rng(1)
    for make in nb01._GRAPHS:
        case = make(nb01._magnitudes(rng, 4))
        nodes = case.nodes
        for learner, grads in [
            (backward, nb01._walk(nodes[::-1], case.root)),
            (_engine(assign=True), nb01._walk(topological_order(case.root)[::-1], case.root,
                                               assign=True)),
            (_engine(visit_order=list), nb01._walk(topological_order(case.root), case.root)),
            (_search_engine(), nb01._search_walk(case.root)),
            (_search_engine(queue=True, assign=True),
             nb01._search_walk(case.root, assign=True, queue=True)),
            (every_path_backward, nb01._every_path_walk(case.root)),
        ]:
            learner(case.root)
            assert [n.grad for n in nodes] == pytest.approx(nb01._grads_of(nodes, grads))


# ------------------------------------------------------------------ 4. exp

class Scalar:
    """The notebook's stripped-down node (as the learner sees it)."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(local_grads)


def right_exp(x):
    e = math.exp(x.data)
    return Scalar(e, (x,), (e,))


def test_exp_right_answers(capsys):
    assert nb01.check_exp(right_exp)
    assert "local gradient e^x" in _passes(capsys)
    assert nb01.check_exp(lambda x: Scalar(np.exp(x.data), [x], [np.exp(x.data)]))
    _passes(capsys)


def _exp_with(data=None, parents=None, local=None):
    def learner(x):
        e = math.exp(x.data)
        return Scalar(e if data is None else data(x),
                      (x,) if parents is None else parents(x),
                      (e,) if local is None else local(x))
    return learner


def _mutates(x):
    x.data = math.exp(x.data)
    return Scalar(x.data, (x,), (x.data,))


def _returns_input(x):
    return x


@pytest.mark.parametrize("fn, words", [
    (_exp_with(local=lambda x: (x.data * math.exp(x.data - 1),)),
     ("the local gradient: the power rule x·e^(x−1)",)),
    (_exp_with(local=lambda x: (x.data,)), ("the local gradient: d/dx e^x = e^x itself",)),
    (_exp_with(local=lambda x: (1.0,)), ("1 is the add gate's local gradient",)),
    (_exp_with(local=lambda x: (math.exp(x.data) * x.grad,)), ("backward multiplies it",)),
    (_exp_with(local=lambda x: (2 * math.exp(x.data),)), ("the local gradient is exactly 2×",)),
    (_exp_with(local=lambda x: ()), ("local_grads should hold one number",)),
    (_exp_with(local=lambda x: (math.exp(x.data),) * 2), ("local_grads should hold one",)),
    (_exp_with(data=lambda x: x.data), ("the new node's data: that is x itself",)),
    (_exp_with(data=lambda x: math.exp(-x.data)), ("the new node's data",)),
    (_exp_with(parents=lambda x: ()), ("parents should be (x,)", "backward cannot reach x")),
    (_exp_with(parents=lambda x: (x, x)), ("parents should be (x,)",)),
    (_exp_with(parents=lambda x: (Scalar(x.data),)), ("parents should be (x,)",)),
    (_exp_with(parents=lambda x: x), ("is not iterable", "(x,): the comma")),
    (lambda x: right_exp(Scalar(x)), ("real number, not 'Node'", "use x.data")),
    (lambda x: math.exp(x.data), ("return a new node", "got float")),
    (_mutates, ("exp changed its input x",)),
    (_returns_input, ("exp returned its input",)),
    (lambda x: graph.Value.exp(x), ("calls helpers.graph.Value.exp", "write it yourself")),
    (_stub, ("TODO",)),
    (_not_implemented, ("TODO",)),
], ids=_ascii)
def test_exp_mistakes_get_their_hint(capsys, fn, words):
    assert not nb01.check_exp(fn)
    _says(capsys, *words)


def test_exp_is_tried_on_a_negative_input(capsys):
    def right_for_positive_only(x):
        e = math.exp(x.data)
        return Scalar(e, (x,), (e if x.data > 0 else 1.0,))
    assert not nb01.check_exp(right_for_positive_only)
    out = _says(capsys, "at x = -")
    assert 0.3 <= -float(re.search(r"at x = (-[\d.]+)", out).group(1)) <= 2.0


# ------------------------------------------------------------------ 5. stretch: no recursion

def test_iterative_order_right_answer(capsys):
    assert nb01.check_iterative_order(iterative_order)
    assert "2002 nodes, no recursion" in _passes(capsys)


def test_iterative_order_refuses_recursion(capsys):
    assert not nb01.check_iterative_order(topological_order)
    _says(capsys, "on a chain of 2000 multiplications by one w", "recursion nests one call per "
                  "node", "keep your own stack")


@pytest.mark.parametrize("fn, words", [
    (graph.topological_order, ("calls helpers.graph.topological_order",)),
    (lambda r: iterative_order(r)[::-1], ("topological_order_iterative, on the diamond",
                                          "the reverse order")),
    (_every_path_order, ("topological_order_iterative, on the diamond", "more than once")),
    (lambda r: iterative_order(r) if len(iterative_order(r)) < 100 else iterative_order(r)[1:],
     ("on a chain of 2000", "the order misses w")),
    (lambda r: iterative_order(r) if len(iterative_order(r)) < 100 else [r],
     ("on a chain of 2000", "the order misses")),
    (lambda r: 1 / 0, ("ZeroDivisionError",)),
    (_stub, ("TODO",)),
], ids=_ascii)
def test_iterative_order_mistakes(capsys, fn, words):
    assert not nb01.check_iterative_order(fn)
    _says(capsys, *words)


def _fails_on_long_chains(root):
    order = iterative_order(root)
    if len(order) > 100:
        raise ValueError("too long")
    return order


def test_iterative_order_an_error_on_the_long_chain_is_not_called_recursion(capsys):
    assert not nb01.check_iterative_order(_fails_on_long_chains)
    out = _says(capsys, "ValueError", "too long")
    assert "recursion" not in out.lower(), out


def test_long_chain_is_a_chain_through_one_w():
    case = nb01._long_chain(np.random.default_rng(0))
    w, x0 = case.nodes[:2]
    assert len(case.nodes) == nb01.CHAIN_LENGTH + 2
    for k, node in enumerate(case.nodes[2:], start=1):
        assert node.parents == (case.nodes[k], w) and node.name == f"x{k}"
    assert nb01._is_order(case.nodes) and 0.9 <= w.data <= 1.1 and 0.5 <= x0.data <= 2


@pytest.mark.parametrize("limit", [1000, 3000])
def test_the_lowered_limit_stops_a_recursive_walk_whatever_the_kernel_allows(capsys, limit):
    import sys
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        assert not nb01.check_iterative_order(topological_order)
        _says(capsys, "keep your own stack")
        assert sys.getrecursionlimit() == limit
    finally:
        sys.setrecursionlimit(old)


def test_slips_pairs_are_not_all_of_itertools():
    # sanity: the product of the three slip families minus the empty and triple combinations
    n = sum(1 for swap, z, m in itertools.product((0, 1), range(3), range(5))
            if 1 <= swap + (z > 0) + (m > 0) <= 2)
    assert n == len(by_hand_slips())


def test_backward_names_the_first_wrong_node_and_its_slip(capsys):
    def assign_and_a_stray_x(root):
        _engine(assign=True)(root)
        for node in topological_order(root):
            if node.name == "x":
                node.grad += 1.0
    assert not nb01.check_backward_pass(topological_order, assign_and_a_stray_x)
    _says(capsys, DIAMOND, "q.grad: a node used by several gates")


# ------------------------------------------------------------------ the notebook's solutions

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_chain_rule_and_gates.py"


def _notebook_cells() -> list[tuple[list[str], str]]:
    """(tags, source) of every cell of the notebook's py:percent source (read as text: jupytext
    would import multiprocessing, which the mutation tool's preloading refuses)."""
    cells = []
    for chunk in re.split(r"^# %%", NOTEBOOK.read_text(), flags=re.M)[1:]:
        header, _, body = chunk.partition("\n")
        tags = re.findall(r'"([\w-]+)"', header.split("tags=")[1]) if "tags=" in header else []
        if "[markdown]" in header:
            body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#")
                             for line in body.splitlines())
        cells.append((tags, body.strip()))
    return cells


def test_the_notebook_solutions_pass_their_checkers(capsys):
    cells = _notebook_cells()
    scalar = next(source for _, source in cells if source.startswith("class Scalar:"))
    solutions = [re.search(r"```python\n(.*?)```", source, re.S).group(1)
                 for tags, source in cells if "solution" in tags]
    assert len(solutions) == 5
    ns = {"math": math, "np": np, "Value": graph.Value}
    exec(scalar, ns)
    for code in solutions:
        exec(code, ns)
    assert nb01.check_divide_backward(ns["div_backward"])
    assert nb01.check_by_hand(ns["dfdx"], ns["dfdy"], ns["dfdz"])
    assert nb01.check_backward_pass(ns["topological_order"], ns["backward"])
    assert nb01.check_exp(ns["exp"])
    assert nb01.check_iterative_order(ns["topological_order_iterative"])
    assert capsys.readouterr().out.count("✓ ") == 5
    # the numbers the solutions quote
    Scalar = ns["Scalar"]
    s, t = Scalar(0.5), Scalar(2.0)
    u = (s * t).exp() + s
    ns["backward"](u)
    assert (round(s.grad, 2), round(t.grad, 2)) == (6.44, 1.36)
    x, y, z = graph.Value(1.0), graph.Value(3.0), graph.Value(-2.0)
    f = x.max(y) * z + z
    f.backward()
    assert (f.data, x.grad, y.grad, z.grad) == (-8.0, 0.0, -2.0, 4.0)


def test_the_notebook_exercise_cells_end_with_their_checkers():
    cells = [source for tags, source in _notebook_cells() if "exercise" in tags]
    last_lines = [source.splitlines()[-1] for source in cells]
    assert last_lines == ["_ = check_divide_backward(div_backward)",
                          "_ = check_by_hand(dfdx, dfdy, dfdz)",
                          "_ = check_backward_pass(topological_order, backward)",
                          "_ = check_exp(exp)",
                          "_ = check_iterative_order(topological_order_iterative)"]
    assert all(len(source.splitlines()) <= 12 for source in cells)     # one slide each


def test_the_backward_stub_and_an_empty_body_are_not_done(capsys):
    def backward_stub(root):
        """Set .grad of every node root depends on to ∂root/∂node. Returns nothing."""
        # TODO: clean gradients, a seed at the root, then one walk that visits the output first

    def backward_pass(root):
        pass
    for fn in (backward_stub, backward_pass):
        assert not nb01.check_backward_pass(topological_order, fn)
        _says(capsys, "not yet: fill in the lines marked TODO")


def test_magnitudes_have_both_signs_and_stay_away_from_zero():
    v = nb01._magnitudes(np.random.default_rng(0), 400)
    assert (v > 0).any() and (v < 0).any()
    assert np.all((np.abs(v) >= 0.5) & (np.abs(v) <= 2.0))


def test_by_hand_left_as_none_is_not_done_yet(capsys):
    """The shipped cell leaves the three gradients as None: the plain TODO line, no name."""
    assert not nb01.check_by_hand(None, None, None)
    assert capsys.readouterr().out == f"not yet: {NOT_DONE}\n"
    assert not nb01.check_by_hand(0.0, None, 4.0)
    assert capsys.readouterr().out == f"not yet: {NOT_DONE}\n"


def test_the_checker_graphs_compute_what_their_labels_say():
    v = [1.5, -0.5, 2.0, 0.75]
    x, a, b, c = v
    graphs = {nb01._chain: ("xapbscf", (x * a + b) * c),
              nb01._diamond: ("xyqsf", x * v[1] * (x * v[1] + v[1])),
              nb01._three_uses: ("xyqmf", (x + v[1]) ** 2 + (x + v[1])),
              nb01._single: ("f", x)}
    for make, (names, value) in graphs.items():
        case = make(v)
        assert "".join(n.name for n in case.nodes) == names
        assert case.root.data == pytest.approx(value)
        for node in case.nodes:          # + passes 1 to both inputs, × each the other's value
            inputs = [p.data for p in node.parents]
            if len(inputs) == 2 and node.data == pytest.approx(sum(inputs)):
                assert node.local_grads == (1.0, 1.0)
            elif len(inputs) == 2:
                assert node.local_grads == (inputs[1], inputs[0])


def test_short_keeps_40_characters_and_marks_a_cut():
    forty = "x" * 38                      # its repr has 40 characters with the quotes
    assert nb01._short(forty) == repr(forty)
    cut = nb01._short("x" * 39)           # 41 characters: cut to 39 and an ellipsis
    assert cut == repr("x" * 39)[:39] + "…" and len(cut) == 40


def test_frames_counts_the_whole_stack():
    import inspect
    assert nb01._frames() == len(inspect.stack()) + 1     # + the frame of _frames itself
