"""Argument checks shared by every layer.

Each check raises with a message that names the function, the argument, what was expected and
what was given, e.g. ``affine_forward: x expects a 2-D array (N, D), got shape (3,)``.
Float inputs of any precision are promoted to float64 (a copy is made only when needed) and
must be finite (NaN or ±inf raises ValueError naming the argument and the first bad index);
the caller's arrays are never written to. An array a layer keeps in its cache is asked for with
``copy=True``: the layer then owns it, so nothing the caller does to its own array after
forward reaches backward (HELPERS_API.md, "Nothing the caller does after forward changes
backward"). An output the cache also needs is copied for it (:func:`own_copy`): a read-only
flag would not do, since whoever holds the array can switch it back. These two are the whole
protection (bench/bench_aliasing.py times the layers with and without them).

A forward returns its cache as a :class:`Cache`, a tuple tagged with the forward's name; every
backward hands it to :func:`cache`, which refuses another layer's cache, an array, None or a
tuple of the wrong length with a message naming both functions. A plain tuple built by hand
(a notebook's own forward pass) is accepted when its items have the kinds and shapes the
backward reads (:func:`cache_spec`).
"""

from __future__ import annotations

import numbers

import numpy as np


def unmasked(fname: str, name: str, x) -> None:
    """Refuse a masked array: every layer would silently drop its mask."""
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(f"{fname}: {name} expects a plain numpy array, got a masked array "
                        f"(numpy.ma): its mask would be ignored; pass {name}.filled(value) or "
                        f"select the valid entries first")


def float_array(fname: str, name: str, x, ndim: int | None = None, layout: str = "",
                allow_scalar: bool = False, copy: bool = False,
                finite_check: bool = True) -> np.ndarray:
    """Return ``x`` as a float64 array after checking its type, rank and that it is finite.

    Args:
        fname, name: function and argument names for the error message.
        x: numpy array of real numbers (ints, floats); a Python/numpy real scalar too when
           ``allow_scalar``.
        ndim: required number of axes (``None``: any).
        layout: the expected shape in words, e.g. ``"(N, D)"``, for the message.
        copy: return a new array even when ``x`` is float64 already (for the cache).
        finite_check: False when the layer checks finiteness itself, for free, from a sum
            over x it computes anyway (:func:`finite_given`).

    Raises:
        TypeError: not an array, a masked array, or not real numbers (strings, objects,
            booleans, complex).
        ValueError: wrong number of axes; a NaN or an infinity.
    """
    if allow_scalar and isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)):
        x = np.asarray(x)
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{fname}: {name} expects a numpy array, got {type(x).__name__}")
    unmasked(fname, name, x)
    if x.dtype.kind not in "iuf":
        raise TypeError(f"{fname}: {name} expects an array of real numbers, got dtype {x.dtype}")
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{fname}: {name} expects a {ndim}-D array {layout}".rstrip()
                         + f", got shape {x.shape}")
    x = np.array(x, dtype=np.float64, copy=True) if copy else np.asarray(x, dtype=np.float64)
    if finite_check:
        finite(fname, name, x)
    return x


def finite(fname: str, name: str, x: np.ndarray) -> None:
    """Check every entry of the float64 array ``x`` is finite (no NaN, no ±inf).

    One pass and a temporary of one byte per entry (``np.isfinite(x).all()``): as fast as a
    sum over x (bench/bench_aliasing.py), and exact, where a sum could overflow.
    """
    if not np.isfinite(x).all():
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])
        raise ValueError(f"{fname}: {name} expects finite numbers, got {x[where]} at index "
                         f"{where} ({name}.shape={x.shape})")


def finite_given(fname: str, name: str, x: np.ndarray, total: np.ndarray) -> None:
    """:func:`finite` at no cost in the usual case: ``total`` is an array the layer computes
    anyway that is non-finite wherever ``x`` is (a sum in which every entry of x takes part, such
    as batch norm's column sums of dout, or x transformed entry by entry); it is finite when x
    is, unless it overflowed. Only when it is not is x itself scanned."""
    if not np.isfinite(total).all():
        finite(fname, name, x)


def own_copy(a: np.ndarray) -> np.ndarray:
    """A copy of an output for the cache, so that editing the returned output after forward
    leaves backward unchanged (one copy of an array the layer made). Marking the output
    read-only instead is no protection: ``out.flags.writeable = True`` (allowed on an array
    that owns its data) or ``out.resize(…, refcheck=False)`` undoes it."""
    return a.copy()


def index_array(fname: str, name: str, ids, high: int, ndims: tuple[int, ...],
                layout: str = "", copy: bool = False) -> np.ndarray:
    """Check integer labels/ids: an integer array with values in ``[0, high)``; return intp.

    ``copy=True`` returns a new array even when ``ids`` is intp already (for the cache).

    Raises:
        TypeError: not an array, a masked array, or not numbers at all.
        ValueError: wrong number of axes, a non-integer dtype (e.g. float labels) or a value
            outside ``[0, high)``.
    """
    if not isinstance(ids, np.ndarray):
        raise TypeError(f"{fname}: {name} expects a numpy array of integers, "
                        f"got {type(ids).__name__}")
    unmasked(fname, name, ids)
    if ids.dtype.kind not in "iuf":
        raise TypeError(f"{fname}: {name} expects an array of integers, got dtype {ids.dtype}")
    if ids.dtype.kind == "f":
        raise ValueError(f"{fname}: {name} expects integers (an integer dtype), "
                         f"got dtype {ids.dtype}")
    if ids.ndim not in ndims:
        wanted = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{fname}: {name} expects a {wanted} array {layout}".rstrip()
                         + f", got shape {ids.shape}")
    if ids.size and (ids.min() < 0 or ids.max() >= high):
        bad = ids.min() if ids.min() < 0 else ids.max()
        raise ValueError(f"{fname}: {name} expects values in [0, {high}), got {bad}")
    return ids.astype(np.intp, copy=copy)


def bias(fname: str, b, length: int, what: str) -> np.ndarray:
    """Check a bias vector of shape ``(length,)``; ``what`` says where the length comes from."""
    b = float_array(fname, "b", b)
    if b.shape != (length,):
        raise ValueError(f"{fname}: b expects shape ({length},) ({what}), got shape {b.shape}")
    return b


def positive_int(fname: str, name: str, value, minimum: int = 1) -> int:
    """Check an integer option such as ``stride`` (``minimum=1``) or ``pad`` (``minimum=0``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fname}: {name} expects an integer >= {minimum}, "
                        f"got {value!r} of type {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{fname}: {name} expects an integer >= {minimum}, got {value}")
    return int(value)


def output_size(fname: str, axis: str, n: int, k: int, stride: int, pad: int,
                shapes: str) -> int:
    """Floor-division output size ``(n + 2·pad − k) // stride + 1``; raise if it is empty.

    ``axis`` names the dimension (``"height"``), ``shapes`` the arrays for the message.
    """
    if k > n + 2 * pad:
        raise ValueError(f"{fname}: the window ({k}) is larger than the padded input {axis} "
                         f"({n} + 2*{pad} = {n + 2 * pad}) {shapes}")
    return (n + 2 * pad - k) // stride + 1


def grad_shape(fname: str, dout, shape: tuple, name: str = "dout",
               what: str = "the forward output's shape", copy: bool = False,
               finite_check: bool = True) -> np.ndarray:
    """Check an array (by default an upstream gradient) has a given shape; return it as float64.

    ``what`` says where the expected shape comes from, for the message; ``copy`` and
    ``finite_check`` as in :func:`float_array`.
    """
    dout = float_array(fname, name, dout, allow_scalar=True, copy=copy,
                       finite_check=finite_check)
    if dout.shape != tuple(shape):
        raise ValueError(f"{fname}: {name} expects {what} {tuple(shape)}, "
                         f"got shape {dout.shape}")
    return dout


def recurrent_args(fname: str, x, h, Wx, Wh, b, gates: int, sequence: bool,
                   h_name: str = "h_prev", gate_names: str = ""):
    """Validate the arguments of a recurrent step or sequence; return them as float64.

    x, h, Wx and Wh are returned as the layer's own copies (the backward pass needs them);
    b, used by the forward pass only, is not copied.

    Args:
        x: (N, D) for a step, (N, T, D) for a sequence (``sequence=True``, T ≥ 1).
        h: the previous (or initial) hidden state, (N, H); H is read from it.
        Wx: (D, gates·H); Wh: (H, gates·H); b: (gates·H,).
        gates: 1 for the RNN, 4 for the LSTM (i, f, o, g), 3 for the GRU (z, r, n).
    """
    x_layout = "(N, T, D)" if sequence else "(N, D)"
    x = float_array(fname, "x", x, ndim=3 if sequence else 2, layout=x_layout, copy=True)
    h = float_array(fname, h_name, h, ndim=2, layout="(N, H)", copy=True)
    if sequence and x.shape[1] == 0:
        raise ValueError(f"{fname}: x expects at least one time step, got shape {x.shape}")
    N, D, H = x.shape[0], x.shape[-1], h.shape[1]
    if h.shape[0] != N:
        raise ValueError(f"{fname}: {h_name} expects {N} rows (the batch size of x) but has "
                         f"{h.shape[0]} (x.shape={x.shape}, {h_name}.shape={h.shape})")
    columns = f"{gates}·H={gates * H} columns" if gates != 1 else f"H={H} columns"
    order = f", gate order {gate_names}" if gate_names else ""
    why = f"{columns} with H={H} from {h_name}{order}"

    width = f"{gates}·H" if gates != 1 else "H"

    def weight(name, arr, rows, rows_why):
        arr = float_array(fname, name, arr, ndim=2, layout=f"({rows_why[0]}, {width})",
                          copy=True)
        if arr.shape != (rows, gates * H):
            raise ValueError(f"{fname}: {name} expects shape ({rows}, {gates * H}) ({rows_why}; "
                             f"{why}) but got {arr.shape} (x.shape={x.shape}, "
                             f"{h_name}.shape={h.shape})")
        return arr

    Wx = weight("Wx", Wx, D, f"D={D} rows from x")
    Wh = weight("Wh", Wh, H, f"H={H} rows")
    b = bias(fname, b, gates * H, why)
    return x, h, Wx, Wh, b


# ------------------------------------------------------------------------------ caches

class Cache(tuple):
    """A forward pass's cache: a tuple of what its backward reads, tagged with the forward's
    name (``cache.forward``, e.g. ``"relu_forward"``), so that a backward can tell its own
    cache from another layer's, from an input array, or from None. Unpacks, indexes, copies
    (``copy.deepcopy``) and pickles like the tuple it is."""

    def __new__(cls, forward: str, items):
        self = super().__new__(cls, items)
        self.forward = forward
        return self

    def __getnewargs__(self):
        return self.forward, tuple(self)


_KINDS = {"float": ("iuf", "real numbers"), "bool": ("b", "booleans"), "ints": ("iu", "integers")}


def cache_spec(text: str) -> tuple:
    """Parse what a cache holds, item by item: ``"x: float N D, w: float D M, stride: int"``.

    Each item is ``name: kind dims``. Kinds: ``float`` (an array of real numbers), ``bool``,
    ``ints`` (an array of integers), ``int`` (one integer), ``shape`` (a tuple of integers);
    dims (for the arrays) are one letter per axis (the same letter, the same size everywhere),
    a number for a fixed size, or ``*`` for any shape; for ``shape``, the tuple's length.
    """
    spec = []
    for item in text.split(","):
        name, description = item.split(":")
        kind, *dims = description.split()
        spec.append((name.strip(), kind, tuple(dims)))
    return tuple(spec)


def _describe(value) -> str:
    """What a value is, for a message: 'None', 'a float64 array of shape (1, 2)', 'a list'."""
    if value is None:
        # equivalent mutant `None`: the message says f"got {None}", which reads None as well
        return "None"
    if isinstance(value, Cache):
        return f"the cache returned by {value.forward}"
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} items"
    return f"a {type(value).__name__}"


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _item(fname: str, forward: str, value, name: str, kind: str, dims: tuple,
          sizes: dict) -> None:
    """Check one item of a hand-built cache against its spec (sizes: letters seen so far)."""
    where = f"{fname}: cache expects item {name!r} of the cache returned by {forward} to be"
    if kind == "int":
        if not _is_int(value):
            raise TypeError(f"{where} an integer, got {_describe(value)}")
        return
    if kind == "shape":
        if not (isinstance(value, tuple) and len(value) == int(dims[0])
                and all(_is_int(n) for n in value)):
            raise TypeError(f"{where} a shape, a tuple of {dims[0]} integers, got {value!r}")
        return
    dtype_kinds, words = _KINDS[kind]
    if not isinstance(value, np.ndarray) or value.dtype.kind not in dtype_kinds:
        raise TypeError(f"{where} a numpy array of {words}, got {_describe(value)}")
    if dims == ("*",):
        return
    if value.ndim != len(dims):
        raise ValueError(f"{where} a {len(dims)}-D array ({', '.join(dims)}), got shape "
                         f"{value.shape}")
    # equivalent mutant `False`: the number of axes was checked just above
    for letter, n in zip(dims, value.shape, strict=True):
        expected = int(letter) if letter.isdigit() else sizes.setdefault(letter, n)
        if n != expected:
            raise ValueError(f"{where} of shape ({', '.join(dims)}) with {letter}={expected} "
                             f"as in the items before it, got shape {value.shape}")


def cache(fname: str, value, forward: str, spec: tuple) -> tuple:
    """Check that ``value`` is the cache ``forward`` returns; return it (a tuple) to unpack.

    A :class:`Cache` must carry ``forward``'s name (one comparison: a layer's own cache is
    trusted as it is). Anything else must be a plain tuple (or list) built by hand with the
    items of ``spec`` (:func:`cache_spec`), checked one by one.

    Raises:
        TypeError: another layer's cache; not a tuple (an array, None, …); an item of the
            wrong kind.
        ValueError: a tuple of the wrong length; an item of the wrong shape.
    """
    expects = f"{fname}: cache expects the cache returned by {forward}"
    if isinstance(value, Cache):
        if value.forward != forward:
            raise TypeError(f"{expects}, got {_describe(value)}")
        return value
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{expects}, got {_describe(value)}")
    names = ", ".join(name for name, _, _ in spec)
    if len(value) != len(spec):
        raise ValueError(f"{expects}, a tuple of {len(spec)} items ({names}), got "
                         f"{len(value)} items")
    sizes: dict = {}
    # equivalent mutant `False`: the number of items was checked just above
    for item, (name, kind, dims) in zip(value, spec, strict=True):
        _item(fname, forward, item, name, kind, dims, sizes)
    return tuple(value)
