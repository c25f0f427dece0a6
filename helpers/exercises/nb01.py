"""Checkers for notebook 01 (chain rule, computational graphs and gates).

1. :func:`check_divide_backward` (warm-up): the backward pass of a new gate, o = a / b.
2. :func:`check_by_hand` (warm-up): the three gradients of f = max(x, y)·z + z, by hand.
3. :func:`check_backward_pass` (build-it): ``topological_order(root)`` and ``backward(root)``
   of a scalar engine, on graphs of the notebook's stripped-down ``Scalar`` nodes.
4. :func:`check_exp` (build-it): one new operation, ``exp``, with its local gradient.
5. :func:`check_iterative_order` (stretch): a topological order without recursion, for a chain
   of 2000 nodes.

The engine exercises work on any node with the attributes of the notebook's ``Scalar``:
``data``, ``grad``, ``parents`` (a tuple of nodes) and ``local_grads`` (one number per parent).
The checkers build their graphs from :class:`Node`, which has exactly these.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import functools
import itertools
import math
import sys
from collections import Counter
from dataclasses import dataclass

import numpy as np

from helpers import graph
from helpers.exercises._check import (
    NOT_DONE,
    as_array,
    as_arrays,
    call_learner,
    compare,
    exercise,
    matches,
    not_yet,
    passed,
)

__all__ = ["check_divide_backward", "check_by_hand", "check_backward_pass", "check_exp",
           "check_iterative_order", "BY_HAND_POINT", "Node", "by_hand_answer"]

# The course's own engine: the build-it exercises are to write these yourself.
_REFERENCE = (graph.topological_order, graph.Value.backward, graph.Value.backward_steps,
              graph.Value.exp)


def _fix_names(hint: str) -> str:
    """call_learner names a method by its module only; say ``Value.backward`` in full."""
    for name in ("backward_steps", "backward", "exp"):
        hint = hint.replace(f"helpers.graph.{name}", f"helpers.graph.Value.{name}")
    return hint


def _magnitudes(rng, n: int, low: float = 0.5, high: float = 2.0) -> np.ndarray:
    """n numbers with |v| in [low, high] and random signs: far from 0, where mistakes hide."""
    # equivalent mutant `(rng.uniform(low, high, n) / rng.choice([-1.0, 1.0], n))`: v / ±1 = v · ±1
    return rng.uniform(low, high, n) * rng.choice([-1.0, 1.0], n)


# ------------------------------------------------------------------ 1. divide gate (warm-up)

@exercise("01", 1, "a new gate, divide")
def check_divide_backward(div_backward) -> bool:
    """``div_backward(a, b, dout) -> (da, db)`` for the gate ``o = a / b``.

    Right answer: ``da = dout / b``, ``db = −a · dout / b²`` (local gradients 1/b and −a/b²,
    each times the upstream gradient). Tried on two random points and on a = 0.
    """
    rng = np.random.default_rng()
    a1, b1, a2, b2 = _magnitudes(rng, 4)
    dout1, dout2, dout3, b3 = _magnitudes(rng, 4, 1.5, 3.0)
    for a, b, dout in ((a1, b1, dout1), (a2, b2, dout2), (0.0, b3, dout3)):
        ok, answer = call_learner(div_backward, a, b, dout)
        if not ok:
            return not_yet(answer)
        da, db = dout / b, -a * dout / b ** 2
        ok, hint = compare(answer, (da, db), names=("da", "db"), mistakes=[
            ("right local gradient, now multiply it by the upstream gradient dout",
             (1 / b, -a / b ** 2)),
            ("that is the multiply gate's rule; here o = a · (1/b), so ∂o/∂a = 1/b",
             (b * dout, a * dout)),
            ("mind the sign: ∂(a/b)/∂b = −a/b²", (da, -db)),
            ("∂(a/b)/∂b = −a/b²: the power rule on b⁻¹ gives −b⁻², squared",
             (da, -a * dout / b)),
            ("∂(a/b)/∂b = −a/b²: the a stays (o = a · b⁻¹)", (da, -dout / b ** 2)),
            ("that is the input a handed back: return the gradients dout / b and "
             "−a · dout / b²", (a, b)),
        ])
        # equivalent mutant `(not ok or hint.endswith(' is off'))`: when ok, the hint is ""
        if not ok and hint.endswith(" is off"):     # a wrong number no listed mistake explains
            hint += ": ∂(a/b)/∂a = 1/b and ∂(a/b)/∂b = −a/b², each times dout"
        if not ok:
            return not_yet(f"at a = {a:.3g}, b = {b:.3g}, dout = {dout:.3g}: {hint}")
    return passed("divide gate: da = dout / b and db = −a · dout / b²")


# ------------------------------------------------------------------ 2. by hand (warm-up)

BY_HAND_POINT = {"x": 1.0, "y": 3.0, "z": -2.0}   # f = max(x, y)·z + z; y wins the max

# The classic slips of this exercise. Values chosen so that no slip, and no pair of slips,
# lands on a right number (tests/test_nb01_exercises.py enumerates them all).
_SLIPS = {
    "swap": "the multiply gate swaps: in m·z, m receives z and z receives m",
    "plus_z": "z also reaches f directly through + z: add that path's 1 to df/dz",
    "mul_z": "z also feeds the multiply gate: add its share m to the 1 from + z",
    "loser": "the max gate routes the gradient to the winner (y = 3 > x = 1), not the loser",
    "both": "the max gate is not an add gate: only the winner gets the gradient, the loser 0",
    "half": "the max gate does not split the gradient: the winner gets all of it, the loser 0",
    "local": "the max gate's local gradient 1 still multiplies the upstream gradient dm = z",
}
_Z_SLIPS = (None, "plus_z", "mul_z")                       # what happens to df/dz
_MAX_SLIPS = (None, "loser", "both", "half", "local")       # what happens at the max gate


def by_hand_answer(x: float, y: float, z: float, *slips: str) -> tuple[float, float, float]:
    """(df/dx, df/dy, df/dz) of f = max(x, y)·z + z, as a learner with these slips gets them.

    ``slips``: names from ``_SLIPS`` (none: the right answer). The backward pass, gate by gate:
    the add gate gives p = m·z and z each 1; the multiply gate gives dm = z, and z the share m;
    the max gate routes dm to the winner.
    """
    m = max(x, y)
    dp, dz_add = 1.0, 1.0                                   # add gate: distributes
    # equivalent mutant `(m / dp)`: dp = 1 (the add gate), so × dp and ÷ dp agree
    # equivalent mutant `(z / dp)`: the same
    dm, dz_mul = (m * dp, z * dp) if "swap" in slips else (z * dp, m * dp)
    dz = dz_mul if "plus_z" in slips else dz_add if "mul_z" in slips else dz_add + dz_mul
    win, lose = dm, 0.0                                     # max gate: routes to the winner
    if "loser" in slips:
        win, lose = 0.0, dm
    elif "both" in slips:
        lose = dm
    elif "half" in slips:
        win, lose = dm / 2, dm / 2
    elif "local" in slips:
        win = 1.0
    # equivalent mutant `(x > y)`: the exercise's point has x < y (no tie at the max)
    dx, dy = (win, lose) if x >= y else (lose, win)
    return dx, dy, dz


def by_hand_slips() -> list[tuple[str, ...]]:
    """Every classic slip and every pair of slips that can happen together."""
    combos = []
    for swap, z_slip, max_slip in itertools.product((False, True), _Z_SLIPS, _MAX_SLIPS):
        slips = tuple(s for s in (swap and "swap", z_slip, max_slip) if s)
        if 1 <= len(slips) <= 2:
            combos.append(slips)
    return combos


@exercise("01", 2, "by hand")
def check_by_hand(dfdx, dfdy, dfdz) -> bool:
    """Gradients of ``f = max(x, y)·z + z`` at x = 1, y = 3, z = −2, worked out by hand.

    Right answer: the max routes to y (3 > 1): df/dx = 0, df/dy = z = −2, and z is used twice:
    df/dz = max(x, y) + 1 = 4. A slip, or a pair of slips, is named.
    """
    numbers = []
    for name, value in (("df/dx", dfdx), ("df/dy", dfdy), ("df/dz", dfdz)):
        if value is None:
            return not_yet(NOT_DONE)
        ok, number = as_array(value, name, shape=())
        if not ok:
            return not_yet(number)
        numbers.append(float(number))
    point = BY_HAND_POINT["x"], BY_HAND_POINT["y"], BY_HAND_POINT["z"]
    right = by_hand_answer(*point)
    if matches(numbers, right):
        return passed("max routes to the winner y, and z's two paths sum: (0, −2, 4)")
    slips = by_hand_slips()
    first = next(i for i in range(3) if not matches(numbers[i], right[i]))
    for whole in (True, False):      # all three numbers of a slip (or pair), else the first wrong
        for combo in slips:
            answer = by_hand_answer(*point, *combo)
            if matches(numbers, answer) if whole else matches(numbers[first], answer[first]):
                what = "; and ".join(_SLIPS[s] for s in combo)
                hint = what if len(combo) == 1 else f"two slips: {what}"
                return not_yet(hint if whole else f"{_BY_HAND_NAMES[first]}: {hint}")
    return not_yet(f"{_BY_HAND_NAMES[first]}: {_BY_HAND_HINTS[first]}")


_BY_HAND_NAMES = ("df/dx", "df/dy", "df/dz")
_BY_HAND_HINTS = ("x loses the max (1 < 3): the max gate sends it nothing",
                  "y wins the max, so it receives the whole upstream gradient dm = z",
                  "z is used twice (in m·z and in + z): sum both paths' shares")


# ------------------------------------------------------------------ graphs of nodes

class Node:
    """A graph node with the attributes of the notebook's ``Scalar`` (what the learner's
    functions read and write): ``data``, ``grad``, ``parents``, ``local_grads``, and a ``name``
    for the hints. A node is never copied (``copy.deepcopy`` returns it), so the checker sees
    the gradients the learner's ``backward`` writes into its graph."""

    def __init__(self, data: float, parents=(), local_grads=(), name: str = ""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)
        self.name = name

    def __deepcopy__(self, memo):
        return self

    def __repr__(self) -> str:
        return f"Node({self.name}={self.data:.3g})"


def _plus(a: Node, b: Node, name: str) -> Node:
    return Node(a.data + b.data, (a, b), (1.0, 1.0), name)


def _times(a: Node, b: Node, name: str) -> Node:
    return Node(a.data * b.data, (a, b), (b.data, a.data), name)


@dataclass
class _Case:
    label: str
    nodes: list        # every node, in creation order (a topological order); the root last

    @property
    def root(self) -> Node:
        return self.nodes[-1]


def _chain(v) -> _Case:
    x, a, b, c = (Node(t, name=n) for t, n in zip(v, "xabc", strict=False))
    p = _times(x, a, "p")
    s = _plus(p, b, "s")
    return _Case("the chain p = x·a, s = p + b, f = s·c",
                 [x, a, p, b, s, c, _times(s, c, "f")])


def _diamond(v) -> _Case:
    x, y = Node(v[0], name="x"), Node(v[1], name="y")
    q = _times(x, y, "q")
    s = _plus(q, y, "s")
    return _Case("the diamond q = x·y, s = q + y, f = q·s (q and y each feed two gates)",
                 [x, y, q, s, _times(q, s, "f")])


def _three_uses(v) -> _Case:
    x, y = Node(v[0], name="x"), Node(v[1], name="y")
    q = _plus(x, y, "q")
    m = _times(q, q, "m")
    return _Case("q = x + y used three times: m = q·q, f = m + q", [x, y, q, m, _plus(m, q, "f")])


def _single(v) -> _Case:
    return _Case("a single node f (the root is an input)", [Node(v[0], name="f")])


_GRAPHS = (_diamond, _chain, _three_uses, _single)


# ------------------------------------------------------------------ simulated engines

def _walk(visits, root: Node, assign: bool = False) -> dict:
    """Gradients (by node id) of a backward walk that seeds ``root`` with 1 and visits the
    nodes in the order ``visits``, each sending local × its grad to its parents; with
    ``assign`` a parent's grad is overwritten (=), not added to (+=)."""
    grads = {id(n): 0.0 for n in visits}
    grads[id(root)] = 1.0
    for node in visits:
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            share = local * grads[id(node)]
            grads[id(parent)] = share if assign else grads[id(parent)] + share
    return grads


def _search_walk(root: Node, assign: bool = False, queue: bool = False) -> dict:
    """A walk that sends a node's grad as soon as a search from the root takes it off its
    stack (depth-first) or queue (breadth-first): before every gate using it has sent its
    share."""
    grads, todo, seen = {id(root): 1.0}, [root], {id(root)}
    while todo:
        node = todo.pop(0 if queue else -1)
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            share = local * grads[id(node)]
            grads[id(parent)] = share if assign else grads.get(id(parent), 0.0) + share
            if id(parent) not in seen:
                seen.add(id(parent))
                todo.append(parent)
    return grads


def _every_path_walk(root: Node) -> dict:
    """A recursive walk without a visited set: a node reached by k paths is visited k times
    and passes on its (growing) grad each time."""
    grads = {id(root): 1.0}

    def visit(node):
        for parent, local in zip(node.parents, node.local_grads, strict=True):
            grads[id(parent)] = grads.get(id(parent), 0.0) + local * grads[id(node)]
            visit(parent)
    visit(root)
    return grads


_ORDER_SLIPS = {
    "forward": "the walk ran from the inputs to the output: visit reversed(topological_order"
               "(root)), output first, so a node's grad is complete before it is passed on",
    "search": "a node passed its grad on before every gate using it had sent its share: visit "
              "the nodes in reverse topological order, not in the order a search from the root "
              "first reaches them",
    "twice": "a node was visited once per path that reaches it, passing on its growing grad "
             "each time: visit every node once, in reverse topological order",
}
_ASSIGN = ("a node used by several gates (a fork) keeps only one gate's share: add what each "
           "sends, parent.grad += local * node.grad, not =")


def _two(first: str, second: str) -> str:
    return f"two slips: {first}; and {second}"


def _backward_mistakes(case: _Case, orders: list) -> list[tuple[str, dict]]:
    """(hint, grads by node id) for every classic slip of a backward pass, and for a fork slip
    together with a search-order slip. ``orders``: topological orders the walk may have used (with
    = the result depends on the order)."""
    root, out = case.root, []
    for order in orders:
        out.append((_ASSIGN, _walk(order[::-1], root, assign=True)))
        # from the inputs, only the root has a grad when visited, so = or += is the same here
        out.append((_ORDER_SLIPS["forward"], _walk(order, root)))
    for queue in (False, True):
        out.append((_ORDER_SLIPS["search"], _search_walk(root, queue=queue)))
        out.append((_two(_ORDER_SLIPS["search"], _ASSIGN),
                    _search_walk(root, assign=True, queue=queue)))
    out.append((_ORDER_SLIPS["twice"], _every_path_walk(root)))
    return out


def _grads_of(nodes, grads: dict) -> tuple:
    return tuple(grads.get(id(n), 0.0) for n in nodes)


# ------------------------------------------------------------------ 3. the backward pass

def _names(nodes) -> str:
    return ", ".join(n.name for n in nodes)


def _order_hint(items: list, case: _Case) -> str | None:
    """Why ``items`` is not a topological order of ``case`` (None: it is one)."""
    ids = {id(n): n for n in case.nodes}
    strangers = [item for item in items if id(item) not in ids]
    if strangers:
        if all(isinstance(s, (int, float)) for s in strangers):
            return "return the nodes themselves, not their values (.data)"
        return (f"the order holds {_short(strangers[0])}, which is not a node of the graph: "
                "return the nodes themselves")
    counts = Counter(id(item) for item in items)
    twice = [n for n in case.nodes if counts[id(n)] > 1]
    if twice:
        return (f"{_names(twice)} appear{'s' * (len(twice) == 1)} more than once: a node used "
                "by several gates is reached along several paths; remember the nodes already "
                "visited (a set) and list each once")
    missing = [n for n in case.nodes if not counts[id(n)]]
    if missing == [case.root]:
        return "the root is missing: it belongs at the end of the order"
    if missing:
        return (f"the order misses {_names(missing)}: list every node the root depends on, "
                "the inputs included")
    if _is_order(items):
        return None
    if _is_order(items[::-1]):
        return ("that is the reverse order, the root first: list each node after its parents "
                "(inputs first, root last); backward walks the order reversed")
    if items[0] is case.root:
        return ("the root comes first: a node is listed when the search first reaches it "
                "(pre-order); list it after all its parents instead (post-order)")
    place = {id(item): k for k, item in enumerate(items)}
    node, parent = next((n, p) for n in items for p in n.parents if place[id(p)] > place[id(n)])
    return (f"{node.name} comes before its input {parent.name}: append a node after all its "
            "parents (post-order), not when the search first reaches it")


def _is_order(items: list) -> bool:
    """True if every node of ``items`` comes after all its parents."""
    place = {id(item): k for k, item in enumerate(items)}
    return all(place[id(p)] < place[id(node)] for node in items for p in node.parents)


def _short(value) -> str:
    text = " ".join(repr(value).split())
    return text if len(text) <= 40 else text[:39] + "…"


def _call_order(topological_order, case: _Case, name: str = "topological_order"
                ) -> tuple[bool, object]:
    """The learner's order of the case's graph as a list, or (False, hint)."""
    ok, order = call_learner(topological_order, case.root, forbid=_REFERENCE)
    if not ok:
        return False, _fix_names(order)
    if isinstance(order, (set, frozenset, dict)):
        return False, (f"{name} returned a {type(order).__name__}, which keeps no order: "
                       "return a list, each node after its parents")
    try:
        items = list(order)
    except Exception:   # noqa: BLE001 - not a sequence (a number, or an iterator that fails)
        return False, f"{name} should return a list of nodes, got {type(order).__name__}"
    hint = _order_hint(items, case)
    return (False, f"{name}, on {case.label}: {hint}") if hint else (True, items)


def _runs(fn):
    """``fn`` returning "done" instead of None (a backward returns nothing), for call_learner;
    ``wraps`` keeps the learner's name, signature and code for the hints."""
    @functools.wraps(fn)
    def run(*args):
        fn(*args)
        return "done"
    return run


def _stub_body(root):
    """A function whose body is a docstring (and comments) only, as the notebook's stub."""


def _pass_body(root):
    pass


_EMPTY_BODIES = (_stub_body.__code__.co_code, _pass_body.__code__.co_code)


def _call_backward(backward, case: _Case) -> tuple[bool, object]:
    """Run the learner's backward on the case's graph: (True, grads, root first) or
    (False, hint)."""
    if not callable(backward):
        return call_learner(backward, case.root)
    code = getattr(backward, "__code__", None)
    if code is not None and code.co_code in _EMPTY_BODIES:
        return False, NOT_DONE                      # the stub: nothing written yet
    before = [(n.data, n.parents, n.local_grads) for n in case.nodes]
    ok, result = call_learner(_runs(backward), case.root, forbid=_REFERENCE)
    if not ok:
        return False, _fix_names(result)
    if [(n.data, n.parents, n.local_grads) for n in case.nodes] != before:
        return False, ("backward changed a node's data, parents or local_grads: it may only "
                       "write .grad")
    return True, tuple(n.grad for n in case.nodes[::-1])


@exercise("01", 3, "the backward pass of a scalar engine")
def check_backward_pass(topological_order, backward) -> bool:
    """``topological_order(root)`` → list of nodes and ``backward(root)`` → None (sets .grad).

    Tried on fresh random values of four graphs: a diamond (a reused intermediate node and a
    reused input), a chain, a node used three times (twice by one gate), and a single node;
    ``backward`` is called twice on each (the second call must give the same gradients).
    """
    rng = np.random.default_rng()
    for make in _GRAPHS:
        case = make(_magnitudes(rng, 4))
        ok, order = _call_order(topological_order, case)
        if not ok:
            return not_yet(order)
        nodes = case.nodes[::-1]                      # the root first: the hints name the
        names = tuple(f"{n.name}.grad" for n in nodes)    # first wrong node from the output
        expected = _grads_of(nodes, _walk(nodes, case.root))
        mistakes = [(hint, _grads_of(nodes, g))
                    for hint, g in _backward_mistakes(case, [order, case.nodes])]
        for call in ("", "the second call: "):
            ok, grads = _call_backward(backward, case)
            if not ok:
                return not_yet(grads)
            ok, arrays = as_arrays(grads, expected, names)
            if not ok:
                return not_yet(f"on {case.label}: {arrays}")
            if not any(a.item() for a in arrays):
                return not_yet(f"on {case.label}: every grad is still 0: seed root.grad = 1.0 "
                               "(∂f/∂f = 1) before the walk (backward writes .grad, it "
                               "returns nothing)")
            if call and not matches(arrays, expected):
                return not_yet(f"on {case.label}, backward(root) called twice gave other "
                               "gradients the second time: set every node's grad to 0 before "
                               "the walk (a second call must not add to the first)")
            whole = next((hint for hint, cand in mistakes if matches(arrays, cand)), None)
            if whole and not matches(arrays, expected):     # every gradient as the slip gives
                return not_yet(f"on {case.label}: {whole}")
            ok, hint = compare(grads, expected, names=names, mistakes=mistakes)
            if not ok:                                      # the first wrong gradient
                return not_yet(f"on {case.label}: {hint}")
    return passed("topological order, then one reversed walk: reset, seed the root with 1, "
                  "and every node sends local × grad to each parent with +=")


# ------------------------------------------------------------------ 4. a new operation: exp

def _has(value, attribute: str) -> bool:
    """hasattr that never raises (a datetime array's .data raises ValueError)."""
    try:
        getattr(value, attribute)
    except Exception:   # noqa: BLE001 - any failure means "no such attribute"
        # equivalent mutant `None`: only ever read as a truth value (if not _has(...))
        return False
    return True


def _node_hint(result) -> str | None:
    missing = [a for a in ("data", "parents", "local_grads") if not _has(result, a)]
    if missing:
        return (f"return a new node, Scalar(data, parents, local_grads); got "
                f"{type(result).__name__} (no {', '.join(missing)})")
    return None


def _exception_hint(hint: str) -> str:
    if "is not iterable" in hint:
        return hint + " (a tuple of one node is written (x,): the comma makes it a tuple)"
    if "real number" in hint:
        return hint + " (math.exp takes a number: use x.data, the number inside the node)"
    return hint


@exercise("01", 4, "a new operation, exp")
def check_exp(exp) -> bool:
    """``exp(x)`` → a new node: data e^x, parents (x,), local_grads (e^x,).

    Tried on a fresh positive and a fresh negative x; the input node must stay as it was.
    """
    rng = np.random.default_rng()
    for value in (rng.uniform(0.3, 2.0), -rng.uniform(0.3, 2.0)):
        x = Node(value, name="x")
        ok, result = call_learner(exp, x, forbid=_REFERENCE)
        if not ok:
            return not_yet(_exception_hint(_fix_names(result)))
        at = f"at x = {value:.3g}: "
        if result is x:
            return not_yet(at + "exp returned its input: create a new node (x stays as it is)")
        if (x.data, x.grad, x.parents) != (value, 0.0, ()):
            return not_yet(at + "exp changed its input x: leave it as it is, return a new node")
        hint = _node_hint(result)
        if hint:
            return not_yet(at + hint)
        e = math.exp(value)
        ok, hint = compare(result.data, e, names="the new node's data", mistakes=[
            ("that is x itself: the forward value is e^x, math.exp(x.data)", value)])
        if not ok:
            return not_yet(at + hint)
        parents = result.parents
        if not isinstance(parents, tuple) or len(parents) != 1 or parents[0] is not x:
            return not_yet(at + "parents should be (x,), the one input the new node came from "
                           "(without it backward cannot reach x)")
        if not isinstance(result.local_grads, (tuple, list)) or len(result.local_grads) != 1:
            return not_yet(at + "local_grads should hold one number, ∂(e^x)/∂x, one per parent")
        ok, hint = compare(result.local_grads[0], e, names="the local gradient", mistakes=[
            ("the power rule x·e^(x−1) is for a constant exponent; here the exponent is the "
             "variable: d/dx e^x = e^x", value * math.exp(value - 1)),
            ("d/dx e^x = e^x itself (the only function that is its own derivative), not x",
             value),
            ("1 is the add gate's local gradient; d/dx e^x = e^x", 1.0),
            ("0: the local gradient is ∂(e^x)/∂x alone; backward multiplies it by the "
             "upstream grad later (at creation x.grad is 0)", 0.0),
        ])
        if not ok:
            return not_yet(at + hint)
    return passed("exp: data e^x, parents (x,), local gradient e^x — the output's own value")


# ------------------------------------------------------------------ 5. stretch: no recursion

CHAIN_LENGTH = 2000


def _long_chain(rng) -> _Case:
    """x₀ → x₁ = x₀·w → … → x₂₀₀₀, every step using the same w (fan-out 2000)."""
    w = Node(rng.uniform(0.9, 1.1), name="w")
    nodes = [w, Node(rng.uniform(0.5, 2.0), name="x0")]
    for k in range(1, CHAIN_LENGTH + 1):
        nodes.append(_times(nodes[-1], w, f"x{k}"))
    return _Case(f"a chain of {CHAIN_LENGTH} multiplications by one w", nodes)


def _frames() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


@exercise("01", 5, "a topological order without recursion")
def check_iterative_order(topological_order_iterative) -> bool:
    """``topological_order_iterative(root)`` → list of nodes, like ``topological_order``, for the
    four small graphs and a chain of 2000 nodes, with at most ~200 nested calls allowed."""
    rng = np.random.default_rng()
    for make in _GRAPHS:
        ok, hint = _call_order(topological_order_iterative, make(_magnitudes(rng, 4)),
                               name="topological_order_iterative")
        if not ok:
            return not_yet(hint)
    case = _long_chain(rng)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_frames() + 200)
    try:
        ok, order = call_learner(topological_order_iterative, case.root, forbid=_REFERENCE)
    finally:
        sys.setrecursionlimit(limit)
    if not ok:
        if "RecursionError" in order:
            return not_yet(f"on {case.label}: recursion nests one call per node, and Python "
                           "stops at about 1000 (sys.getrecursionlimit()): keep your own stack "
                           "of nodes to visit (a list) and loop while it is not empty")
        return not_yet(_fix_names(order))
    hint = _order_hint(order, case)
    if hint:
        return not_yet(f"on {case.label}: {hint}")
    return passed(f"a post-order with an explicit stack: {CHAIN_LENGTH + 2} nodes, no recursion")
