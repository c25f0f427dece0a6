"""Is a layer pair immune to what its caller does after forward? One call checks it.

HELPERS_API.md: "What a backward pass returns depends only on the forward call's arguments,
never on what the caller does afterwards to its own arrays or to the arrays forward
returned", and "inputs are never modified in place". A layer keeps its own copy in the cache
or returns its outputs read-only (which alone is no protection: numpy lets the caller switch
the flag back, and (b) below does); this harness checks the result, not the choice.

Usage (one call per pair and set of inputs, in any test module under ``tests/``)::

    from layer_harness import check_aliasing

    def test_batchnorm_aliasing():
        rng = np.random.default_rng(0)
        check_aliasing(batchnorm_forward, batchnorm_backward,
                       {"x": rng.standard_normal((4, 3)), "gamma": rng.standard_normal(3),
                        "beta": rng.standard_normal(3)},
                       options={"eps": 1e-5})

``inputs`` is the ordered ``{name: value}`` of the forward's arguments, passed by keyword
(integer ids, boolean masks and Python scalars are fine: only numpy arrays are edited);
``options`` are extra keyword arguments that are never edited (``stride``, ``eps``). The
forward must return ``(out, cache)`` or ``(out_1, …, out_k, cache)`` (``lstm_step_forward``:
``(h, c, cache)``), and the backward is called as ``backward(dout_1, …, dout_k, cache)`` with a
seeded random float64 upstream gradient per output. It raises ``AssertionError`` naming the
layer, the array and the edit when:

(a) editing an input array in place after forward changes what backward returns (or makes
    it raise);
(b) editing an output array in place after forward is neither refused by numpy (a
    ``ValueError`` saying the array is read-only; a refused output may not be a view of a
    writable array either, or the edit would get through its base; and the edit after
    switching the flag back, ``out.flags.writeable = True``, which numpy allows on an array
    that owns its data, may not reach backward either) nor without effect on backward;
(c) forward or backward modifies an input, an upstream gradient, or the caller's arrays'
    ``writeable`` flag (a layer may not make the caller's arrays read-only);
(d) calling backward a second time, after editing what the first call returned, gives
    different gradients (a backward must not return, or reuse, a buffer from its cache).

Each edit runs on fresh copies of ``inputs``; gradients are compared to a reference run with
a relative tolerance of 1e-12 (the edits change them by far more). It returns what it saw,
``{"inputs": {name: "unchanged"}, "outputs": {"out0": "refused" | "unchanged"}}`` (a numpy
scalar output, from a scalar input, is "immutable"), for tests that pin a layer's choice.
"""

from __future__ import annotations

import numpy as np

__all__ = ["check_aliasing", "edits_for", "rand", "recurrent_inputs"]

_FLOAT_EDITS = (
    ("*= -2 then += 0.5", lambda a: (a.__imul__(-2.0), a.__iadd__(0.5))),
    ("[...] = nan", lambda a: a.__setitem__(Ellipsis, np.nan)),
)
_INT_EDITS = (
    ("+= 1", lambda a: a.__iadd__(1)),
    ("[...] = 0", lambda a: a.__setitem__(Ellipsis, 0)),
)
_BOOL_EDITS = (
    ("[...] = ~a", lambda a: a.__setitem__(Ellipsis, ~a)),
    ("[...] = False", lambda a: a.__setitem__(Ellipsis, False)),
)


def edits_for(a: np.ndarray):
    """The in-place edits tried on array ``a``: ``[(description, edit(a)), …]`` by dtype."""
    kind = a.dtype.kind
    if kind == "b":
        return _BOOL_EDITS
    if kind in "iu":
        return _INT_EDITS
    return _FLOAT_EDITS


def _fresh(inputs: dict) -> dict:
    """Deep copies of every array in ``inputs`` (same dtype); other values as given."""
    return {k: (np.array(v, copy=True) if isinstance(v, np.ndarray) else v)
            for k, v in inputs.items()}


def _as_tuple(grads) -> tuple:
    return grads if isinstance(grads, tuple) else (grads,)


def _same(a, b) -> bool:
    """Same shape and values up to 1e-12 relative (NaN equals NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    scale = np.max(np.abs(b[np.isfinite(b)]), initial=0.0)
    return bool(np.allclose(a, b, rtol=1e-12, atol=1e-12 * scale, equal_nan=True))


def _writable_base(a: np.ndarray):
    """The first writable array ``a`` is a view of (walking ``.base``), or None."""
    base = a.base
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return base
        base = base.base
    return None


class _Pair:
    """A forward/backward pair with fixed options and upstream gradients."""

    def __init__(self, forward, backward, options, name):
        self.forward, self.backward = forward, backward
        self.options = dict(options or {})
        self.name = name
        self.douts: list[np.ndarray] | None = None

    def run_forward(self, args: dict):
        *outs, cache = self.forward(**args, **self.options)
        if not outs:
            raise AssertionError(f"{self.name}: forward must return (out…, cache)")
        return outs, cache

    def run_backward(self, cache, what: str):
        douts = [d.copy() for d in self.douts]
        try:
            grads = _as_tuple(self.backward(*douts, cache))
        except Exception as error:  # any crash after an edit is a finding, not a test error
            raise AssertionError(f"{self.name}: backward raised {type(error).__name__} "
                                 f"({error}) {what}") from error
        for i, (d, d0) in enumerate(zip(douts, self.douts, strict=True)):
            if not np.array_equal(d, d0, equal_nan=True):
                raise AssertionError(f"{self.name}: backward modified its upstream gradient "
                                     f"number {i}")
        return grads

    def assert_same(self, grads, reference, what: str, hint: str = ""):
        if len(grads) != len(reference):
            raise AssertionError(f"{self.name}: backward returned {len(grads)} gradients "
                                 f"{what}, {len(reference)} before")
        for i, (g, r) in enumerate(zip(grads, reference, strict=True)):
            if not _same(g, r):
                raise AssertionError(f"{self.name}: gradient number {i} changed {what}"
                                     + (f" ({hint})" if hint else ""))


def _assert_untouched(name: str, args: dict, pristine: dict, when: str):
    for k, v in args.items():
        if not isinstance(v, np.ndarray):
            continue
        if not v.flags.writeable:
            raise AssertionError(f"{name}: {when} made the caller's array {k!r} read-only")
        if v.dtype != pristine[k].dtype or not np.array_equal(v, pristine[k], equal_nan=True):
            raise AssertionError(f"{name}: {when} modified the input {k!r}")


def check_aliasing(forward, backward, inputs: dict, *, options: dict | None = None,
                   seed: int = 0, name: str | None = None) -> dict:
    """Check (a)–(d) of the module docstring for one pair; return what each edit met.

    Args:
        forward, backward: the layer pair, e.g. ``affine_forward, affine_backward``.
        inputs: ordered ``{name: value}`` of the forward's arguments (by keyword); every
            numpy array among them is edited in turn. Not modified.
        options: keyword options for the forward, never edited.
        seed: seed of the random upstream gradients.
        name: for the messages (default: the forward's name without ``_forward``).

    Returns:
        ``{"inputs": {name: "unchanged"},
        "outputs": {"out0": "refused" | "unchanged" | "immutable", …}}``.
    """
    name = name or getattr(forward, "__name__", "layer").replace("_forward", "")
    pair = _Pair(forward, backward, options, name)
    pristine = _fresh(inputs)

    # reference run, checking (c) on the way
    args = _fresh(inputs)
    outs, cache = pair.run_forward(args)
    _assert_untouched(name, args, pristine, "forward")
    rng = np.random.default_rng(seed)
    pair.douts = [rng.standard_normal(np.shape(o)) for o in outs]
    reference = pair.run_backward(cache, "on untouched arrays")
    _assert_untouched(name, args, pristine, "backward")

    # (d) a second backward, after editing what the first one returned
    reference = tuple(np.array(g, copy=True) for g in reference)
    for g in pair.run_backward(cache, "once more"):
        if isinstance(g, np.ndarray) and g.flags.writeable and g.size:
            g[...] = np.nan
    pair.assert_same(pair.run_backward(cache, "a third time"), reference,
                     "when backward is called again after its results were edited")
    pair.assert_same(pair.run_backward(pair.run_forward(_fresh(inputs))[1], "in a new run"),
                     reference, "between two identical runs")

    report = {"inputs": {}, "outputs": {}}
    # (a) edit each input after forward
    for k, v in inputs.items():
        if not isinstance(v, np.ndarray) or v.size == 0:
            continue
        for desc, edit in edits_for(v):
            args = _fresh(inputs)
            _, cache = pair.run_forward(args)
            edit(args[k])
            what = f"after `{k} {desc}` on the caller's input, following forward"
            pair.assert_same(pair.run_backward(cache, what), reference, what,
                             "the cache aliases the caller's input: keep a copy")
        report["inputs"][k] = "unchanged"

    # (b) edit each output after forward
    for i in range(len(outs)):
        label = f"out{i}"
        results = set()
        for desc, edit in edits_for(np.asarray(outs[i])):
            args = _fresh(inputs)
            new_outs, cache = pair.run_forward(args)
            out = new_outs[i]
            if isinstance(out, np.generic):   # a numpy scalar (from a scalar input): immutable
                results.add("immutable")
                continue
            if not isinstance(out, np.ndarray):
                raise AssertionError(f"{name}: output {i} is a {type(out).__name__}, "
                                     "not a numpy array")
            try:
                edit(out)
            except ValueError as error:
                if "read-only" not in str(error):
                    raise AssertionError(f"{name}: editing output {i} raised an unexpected "
                                         f"ValueError: {error}") from error
                if _writable_base(out) is not None:
                    raise AssertionError(f"{name}: output {i} is read-only but a view of a "
                                         "writable array (out.base), which a caller can "
                                         "edit") from None
                _circumvent(pair, cache, out, i, edit, desc, reference)
                results.add("refused")
                continue
            what = f"after `out{i} {desc}` on the returned output, following forward"
            pair.assert_same(pair.run_backward(cache, what), reference, what,
                             "the cache aliases the output: keep a copy in the cache")
            results.add("unchanged")
        report["outputs"][label] = "/".join(sorted(results))
    return report


def _circumvent(pair: _Pair, cache, out: np.ndarray, i: int, edit, desc: str, reference):
    """A read-only output is no protection if the caller can switch the flag back (numpy
    allows it on an array that owns its data): do so, edit, and check backward."""
    try:
        out.flags.writeable = True
    except ValueError:          # a view of a read-only array: the flag stays
        return
    edit(out)
    what = f"after `out{i}.flags.writeable = True; out{i} {desc}`, following forward"
    pair.assert_same(pair.run_backward(cache, what), reference, what,
                     "a read-only flag can be switched back: keep a copy in the cache")


# ------------------------------------------------------------------ inputs for the pair tables

def rand(*shape, seed=[0]):  # noqa: B006  (a counter: every array differs)
    """A seeded standard-normal array; each call draws from the next seed."""
    seed[0] += 1
    return np.random.default_rng(seed[0]).standard_normal(shape)


def recurrent_inputs(G: int, sequence: bool, step_cell: bool = False, N: int = 2, T: int = 3,
                     D: int = 4, H: int = 5) -> dict:
    """Inputs of a recurrent pair with G gate blocks (rnn 1, gru 3, lstm 4): x (N, T, D) and
    h0 for a sequence, x (N, D) and h_prev for a step (plus c_prev with ``step_cell``)."""
    x = rand(N, T, D) if sequence else rand(N, D)
    h = {"h0": rand(N, H)} if sequence else {"h_prev": rand(N, H)}
    if step_cell:
        h["c_prev"] = rand(N, H)
    return {"x": x, **h, "Wx": rand(D, G * H) / 2, "Wh": rand(H, G * H) / 2, "b": rand(G * H)}
