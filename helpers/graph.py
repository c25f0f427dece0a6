"""A scalar autograd engine small enough to read in one sitting.

Every :class:`Value` remembers the operation that made it (``op``), its inputs (``parents``)
and the *local* gradient of its output with respect to each input (``local_grads``). The
backward pass is then one rule applied in reverse topological order:

    downstream gradient = upstream gradient × local gradient      (the chain rule)

and a node that feeds several others (a fork, the "Repeat" node) *sums* what comes back.

    >>> x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    >>> q = x + y;  f = q * z
    >>> f.backward()
    >>> (f.data, x.grad, y.grad, z.grad)
    (-12.0, -4.0, -4.0, 3.0)

Differences from PyTorch worth knowing: :meth:`Value.backward` *resets* every gradient in the
graph before it starts (calling it twice gives the same numbers, not double), and ``max``
sends the whole gradient to the first argument on a tie.

This module knows nothing of drawing. :func:`graph_state` turns a graph and a point of its
backward walk into plain numbers (values, gradients, edges, visiting order);
:mod:`helpers.graph_draw` lays them out and draws them with matplotlib
(``from helpers.graph_draw import draw_graph``), and the ``gradient_flow`` widget shows them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

__all__ = ["Value", "BackwardStep", "topological_order", "graph_state", "op_symbol"]


def _number(fname: str, argname: str, x) -> float:
    """``x`` as a float, or a TypeError naming the function and argument."""
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{fname}: {argname} expects a real number, got {type(x).__name__}")
    return float(x)


def _as_value(fname: str, other) -> Value:
    """Wrap a plain number as a constant leaf, so ``2 * x`` and ``x * 2`` both work."""
    if isinstance(other, Value):
        return other
    if isinstance(other, bool) or not isinstance(other, Real):
        raise TypeError(f"{fname}: other expects a Value or a real number, "
                        f"got {type(other).__name__}")
    return Value(float(other), label=f"{float(other):g}")


class Value:
    """One scalar node of a computational graph (계산 그래프).

    Args:
        data: the forward value, a real number (stored as float).
        label: a name used when printing and drawing (``"x"``, ``"q"``), optional.

    Attributes:
        data: forward value (float).
        grad: ∂(output)/∂(this node), filled in by :meth:`backward` (0.0 before).
        label: the name given at creation or set later (``q.label = "q"``).
        op: the operation that made this node: ``""`` for a leaf, else one of
            ``"+" "-" "*" "/" "**p" "neg" "exp" "tanh" "sigmoid" "relu" "max"``.
        parents: the input nodes of ``op``, in argument order (a tuple; ``x * x`` lists x twice).
        local_grads: ∂(this)/∂(parent) for each parent, computed in the forward pass.
    """

    def __init__(self, data, label: str = "", *, _parents=(), _local=(), _op: str = ""):
        self.data = _number("Value", "data", data)
        if not isinstance(label, str):
            raise TypeError(f"Value: label expects a str, got {type(label).__name__}")
        self.grad = 0.0
        self.label = label
        self.op = _op
        self.parents = tuple(_parents)
        self.local_grads = tuple(float(g) for g in _local)

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value({name}data={self.data:.4g}, grad={self.grad:.4g}{op})"

    # ---- binary operations (a plain number on either side becomes a constant leaf) ----
    def __add__(self, other) -> Value:
        b = _as_value("Value.__add__", other)
        return Value(self.data + b.data, _op="+", _parents=(self, b), _local=(1.0, 1.0))

    def __radd__(self, other) -> Value:
        return _as_value("Value.__radd__", other) + self

    def __sub__(self, other) -> Value:
        b = _as_value("Value.__sub__", other)
        return Value(self.data - b.data, _op="-", _parents=(self, b), _local=(1.0, -1.0))

    def __rsub__(self, other) -> Value:
        return _as_value("Value.__rsub__", other) - self

    def __mul__(self, other) -> Value:
        b = _as_value("Value.__mul__", other)
        # multiply swaps: ∂(ab)/∂a = b and ∂(ab)/∂b = a
        return Value(self.data * b.data, _op="*", _parents=(self, b), _local=(b.data, self.data))

    def __rmul__(self, other) -> Value:
        return _as_value("Value.__rmul__", other) * self

    def __truediv__(self, other) -> Value:
        b = _as_value("Value.__truediv__", other)
        if b.data == 0.0:
            raise ValueError(f"Value.__truediv__: other expects a non-zero divisor, got {b.data}")
        a = self.data
        return Value(a / b.data, _op="/", _parents=(self, b),
                     _local=(1.0 / b.data, -a / b.data ** 2))

    def __rtruediv__(self, other) -> Value:
        return _as_value("Value.__rtruediv__", other) / self

    def __pow__(self, p) -> Value:
        """``x ** p`` for a constant number ``p`` (not a Value); local gradient p·x^(p−1)."""
        if isinstance(p, Value):
            raise TypeError("Value.__pow__: p expects a constant number, got a Value "
                            "(only constant exponents are supported)")
        p = _number("Value.__pow__", "p", p)
        x = self.data
        if x < 0 and not p.is_integer():
            raise ValueError(f"Value.__pow__: a non-integer power p={p:g} needs x ≥ 0, got x={x}")
        if x == 0 and p < 1 and p != 0:
            raise ValueError(f"Value.__pow__: x ** {p:g} has no finite derivative at x=0")
        local = 0.0 if p == 0 else p * x ** (p - 1)
        return Value(x ** p, _op=f"**{p:g}", _parents=(self,), _local=(local,))

    def __neg__(self) -> Value:
        return Value(-self.data, _op="neg", _parents=(self,), _local=(-1.0,))

    # ---- unary functions ----
    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"Value.exp: overflow, self.data={self.data} is above ~709") from None
        return Value(e, _op="exp", _parents=(self,), _local=(e,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, _op="tanh", _parents=(self,), _local=(1.0 - t * t,))

    def sigmoid(self) -> Value:
        """σ(x) = 1 / (1 + e^−x), computed without overflow; local gradient σ(1 − σ)."""
        x = self.data
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value(s, _op="sigmoid", _parents=(self,), _local=(s * (1.0 - s),))

    def relu(self) -> Value:
        x = self.data
        return Value(max(x, 0.0), _op="relu", _parents=(self,), _local=(1.0 if x > 0 else 0.0,))

    def max(self, other) -> Value:
        """The larger of two nodes: ``a.max(b)`` or ``Value.max(a, b)`` (``b`` may be a number).

        The max gate *routes* the gradient: local gradient 1 for the winner, 0 for the other.
        On a tie the first argument (``self``) wins.
        """
        b = _as_value("Value.max", other)
        first_wins = self.data >= b.data
        return Value(self.data if first_wins else b.data, _op="max", _parents=(self, b),
                     _local=(1.0, 0.0) if first_wins else (0.0, 1.0))

    # ---- the backward pass ----
    def backward_steps(self):
        """Walk the backward pass one node at a time (a generator).

        When iteration starts, every gradient in the graph is reset to 0 and this node's to 1.
        Each node is then visited in reverse topological order, so by the time it is visited
        every consumer has already sent its share and ``node.grad`` is final; the node then
        sends ``local × node.grad`` to each parent (``+=``, so forks sum).

        Yields:
            BackwardStep(node, upstream, sends) — one per node, output first, leaves last.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            sends = []
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                contribution = local * node.grad      # downstream = upstream × local
                parent.grad += contribution           # a fork sums what comes back
                sends.append((parent, local, contribution))
            yield BackwardStep(node=node, upstream=node.grad, sends=tuple(sends))

    def backward(self) -> None:
        """Fill ``.grad`` of every node with ∂(self)/∂(node). Safe to call repeatedly:
        gradients are reset first, so a second call gives the same numbers."""
        for _ in self.backward_steps():
            pass


@dataclass(frozen=True)
class BackwardStep:
    """One visit of the backward walk.

    Attributes:
        node: the node visited; its ``grad`` is final at this point.
        upstream: that gradient, ∂(output)/∂(node).
        sends: ``(parent, local, contribution)`` per input, contribution = local × upstream.
    """

    node: Value
    upstream: float
    sends: tuple

    def describe(self) -> str:
        """One line such as ``q (+): upstream -4.00 → x += 1.00 × -4.00 = -4.00; …``."""
        kind = op_symbol(self.node.op) or "input"
        head = f"{_name(self.node)} ({kind}): upstream {self.upstream:.2f}"
        if not self.sends:
            return head + " (an input: nothing further to send)"
        parts = [f"{_name(p)} += {local:.2f} × {self.upstream:.2f} = {c:.2f}"
                 for p, local, c in self.sends]
        return head + " → " + "; ".join(parts)


def _name(node: Value) -> str:
    return node.label or op_symbol(node.op) or f"{node.data:g}"


_SUPERSCRIPT = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")
_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "neg": "−x", "exp": "exp", "tanh": "tanh",
            "sigmoid": "σ", "relu": "ReLU", "max": "max"}


def op_symbol(op: str) -> str:
    """How an operation is written in a drawing: ``*`` → ×, ``**2`` → x², ``sigmoid`` → σ."""
    if op.startswith("**"):
        return "x" + op[2:].translate(_SUPERSCRIPT)
    return _SYMBOLS.get(op, op)


def topological_order(root: Value) -> list[Value]:
    """Every node that ``root`` depends on, each once, inputs before the nodes that use them
    (depth-first, parents in argument order, so the order is deterministic). Ends with root."""
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: root expects a Value, got {type(root).__name__}")
    order, seen = [], set()
    stack = [(root, False)]
    while stack:                      # iterative post-order DFS: no recursion limit
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:    # a node can be pushed twice before its first visit
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


def graph_state(root: Value, step: int | None = None, show_grad: bool = True) -> dict:
    """Plain numbers describing the graph that ends at ``root`` at one point of its backward
    walk: what :mod:`helpers.graph_draw` draws and the ``gradient_flow`` widget shows.

    Args:
        root: the output node.
        step: ``None`` shows the gradients currently stored in ``.grad`` (none if ``backward``
            has not run, i.e. ``root.grad == 0``). An integer 0 … n runs the backward walk
            (which sets ``.grad``) and shows it after ``step`` visits: 0 = forward values only,
            n = number of nodes = everything.
        show_grad: ``False`` hides every gradient.

    Returns:
        dict with
        ``nodes``: list (topological order) of dicts ``id, label, op, value, grad`` (``None`` if
        not shown), ``fan_out`` (how many edges leave it), ``current`` (the node being visited
        at this step);
        ``edges``: dicts ``src, dst, slot`` (argument position at ``dst``), ``value`` (the
        forward value carried), ``grad`` (local × upstream sent back along it, or ``None``);
        ``order``: node ids in backward (visiting) order; ``n_steps``; ``step``; ``current``
        (id or ``None``); ``output`` (root value); ``output_grad`` (1.0 or ``None``).
    """
    order = topological_order(root)
    n = len(order)
    if step is None:
        reached = n if show_grad and root.grad != 0.0 else 0
    else:
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= n:
            raise ValueError(f"graph_state: step expects an int in 0…{n} (this graph has {n} "
                             f"nodes), got {step!r}")
        root.backward()                    # every .grad is final from here on
        reached = step if show_grad else 0
    # the walk visits order[n-1], order[n-2], …: after `reached` visits, ids ≥ first are done
    first = n - reached
    current = first if step is not None and reached else None
    ids = {id(node): i for i, node in enumerate(order)}
    edges, fan_out = [], [0] * n
    for j, node in enumerate(order):
        for slot, (parent, local) in enumerate(zip(node.parents, node.local_grads, strict=True)):
            i = ids[id(parent)]
            fan_out[i] += 1
            edges.append({"src": i, "dst": j, "slot": slot, "value": parent.data,
                          "grad": local * node.grad if j >= first else None})
    nodes = [{"id": i, "label": node.label, "op": node.op, "value": node.data,
              "grad": node.grad if i >= first else None, "fan_out": fan_out[i],
              "current": i == current} for i, node in enumerate(order)]
    return {"nodes": nodes, "edges": edges, "order": list(range(n - 1, -1, -1)),
            "n_steps": n, "step": step, "current": current, "output": root.data,
            "output_grad": root.grad if reached else None}
