"""Checkers for notebook 05 — convolution backprop.

1. :func:`check_output_size` (warm-up): ``conv_output_size(H, K, S, P)``, the output height
   ``(H + 2P − K) // S + 1`` (28 − 3 + 1 = 26 for a 28×28 input and a 3×3 kernel).
2. :func:`check_dx_by_hand` (warm-up): dL/dx of the 5-input, 3-tap example, as five sums.
3. :func:`check_conv2d_backward` (build-it): the whole backward pass of a 2-D convolution with
   stride and padding — dx, dw, db from ``dout`` and the cache ``(x, w, stride, pad)`` of the
   notebook's ``conv2d_loops_forward``.
4. :func:`check_max_pool_backward` (stretch): max-pool backward for any window size and stride
   (overlapping windows, gaps, ties) from ``dout`` and the cache ``(x, size, stride)``.

Shapes: x (N, C, H, W); w (F, C, KH, KW) (helpers' docstrings call the kernel size HH, WW);
dout (N, F, H_out, W_out) with H_out = (H + 2·pad − KH) // stride + 1, likewise W_out.
Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

import helpers.layers as layers
from helpers.exercises._check import (
    as_array,
    call_learner,
    compare,
    exercise,
    matches,
    not_yet,
    passed,
)

__all__ = ["check_output_size", "check_dx_by_hand", "check_conv2d_backward",
           "check_max_pool_backward", "EX2_W", "EX2_DELTA"]

# Exercise 2: a 3-tap kernel w = (w1, w2, w3) and the upstream gradient δ = (δ1, δ2, δ3).
EX2_W = (1.0, 2.0, -1.0)
EX2_DELTA = (0.5, -1.0, 2.0)

# Exercise 1: (H, K, S, P) in the order tried; 28 − 3 + 1 = 26 first, then padding, then strides
# that leave a remainder (where rounding matters), a kernel as tall as the input.
SIZE_CASES = [(28, 3, 1, 0), (32, 5, 1, 2), (8, 3, 2, 2), (7, 3, 2, 1), (8, 3, 2, 0),
              (10, 4, 3, 1), (4, 4, 1, 0)]

_CONV_REFERENCE = (layers.conv2d_backward, layers.conv2d_naive_backward, layers.conv1d_backward)


def _rng() -> np.random.Generator:
    """A fresh generator: every run of a checker draws new numbers."""
    return np.random.default_rng()


# ------------------------------------------------------------------ 1. output size (warm-up)

def _is_number(got) -> bool:
    """An int or a float (numpy's too), but not a bool."""
    return not isinstance(got, (bool, np.bool_)) and isinstance(
        got, (int, np.integer, float, np.floating))


# The classic slips of exercise 1: (hint, the height each slip gives for (H, K, S, P)). Listed
# in the order preferred when two fit a learner equally well.
_SIZE_MISTAKES = [
    ("padding adds P zeros on *both* sides: the padded height is H + 2P",
     lambda H, K, S, P: [(H + P - K) // S + 1]),
    ("the padding is missing: the window slides over the padded height H + 2P",
     lambda H, K, S, P: [(H - K) // S + 1]),
    ("a window that would stick out of the padded input does not count: round down",
     lambda H, K, S, P: [(H + 2 * P - K) / S + 1, -(-(H + 2 * P - K) // S) + 1]),
    ("count the first window too: + 1 (a K-tall input gives one output)",
     lambda H, K, S, P: [(H + 2 * P - K) // S]),
    ("the + 1 (the first window) comes after the division: (H + 2P − K) // S + 1, not "
     "(H + 2P − K + 1) // S",
     lambda H, K, S, P: [(H + 2 * P - K + 1) // S]),
]


def _size_hint(got, H, K, S, P, answers=()) -> str | None:
    """Why ``got`` is not the output height for (H, K, S, P), or None when it is.

    ``answers``: the learner's heights for every case of ``SIZE_CASES``. When several classic
    slips give ``got`` on this case, the hint names the one that agrees with the learner on the
    most cases (a slip can coincide with another on one case).
    """
    want = (H + 2 * P - K) // S + 1
    where = f"for H={H}, K={K}, S={S}, P={P}"
    if not _is_number(got):
        return f"return a number (an int), got {type(got).__name__} {where}"
    if got == want:
        return None if isinstance(got, (int, np.integer)) else \
            "right value, but return an int: a size is a whole number (use // for the division)"
    fits = [(hint, slip) for hint, slip in _SIZE_MISTAKES if got in slip(H, K, S, P)]
    if not fits:
        return f"{where} you gave {got}, but {want} windows fit"

    def agreement(slip) -> int:
        return sum(_is_number(a) and a in slip(*case)
                   for a, case in zip(answers, SIZE_CASES, strict=False))

    return max(fits, key=lambda fit: agreement(fit[1]))[0]      # max keeps the first at a tie


@exercise("05", 1, "output size (warm-up)")
def check_output_size(conv_output_size) -> bool:
    """``conv_output_size(H, K, S, P)`` → the output height ``(H + 2P − K) // S + 1``, an int."""
    answers = []
    for H, K, S, P in SIZE_CASES:
        ok, got = call_learner(conv_output_size, H, K, S, P)
        if not ok:
            return not_yet(got)
        answers.append(got)
    # equivalent mutant `False`: answers has one entry per case, so the lengths always agree
    for (H, K, S, P), got in zip(SIZE_CASES, answers, strict=True):
        hint = _size_hint(got, H, K, S, P, answers)
        if hint:
            return not_yet(hint)
    return passed("H_out = (H + 2P − K) // S + 1: a 28×28 input and a 3×3 kernel give "
                  "28 − 3 + 1 = 26")


# ------------------------------------------------------------------ 2. dx by hand (warm-up)

@exercise("05", 2, "dL/dx of the 5-input example, by hand (warm-up)")
def check_dx_by_hand(dx) -> bool:
    """``dx``: the five numbers (dL/dx1, …, dL/dx5) for ``EX2_W`` and ``EX2_DELTA``."""
    delta, w = np.array(EX2_DELTA), np.array(EX2_W)
    want = np.convolve(delta, w)                          # full: dx_j = Σ_i δ_i·w_(j−i+1)
    ok, a = as_array(dx, "dx")
    if not ok:
        return not_yet(a)
    if a.shape == (3,):
        return not_yet("dx has one entry per input x_j: five numbers, not three")
    unflipped = np.correlate(np.pad(delta, 2), w, "valid")
    ok, hint = compare(a, want, "dx", mistakes=[
        ("the kernel meets δ flipped: x3 receives w3·δ1 + w2·δ2 + w1·δ3", unflipped)])
    if ok:
        return passed("dx = the full convolution of δ with w: "
                      + ", ".join(f"{v:g}" for v in want))
    if a.shape == want.shape and np.allclose(a[1:-1], want[1:-1]):
        return not_yet("the middle is right; x1 fed only o1 (through w1) and x5 only o3 "
                       "(through w3)")
    return not_yet(hint + " (write each x_j's sum: which outputs o_i used x_j, and through "
                   "which w_k?)")


# ------------------------------------------------------------- 3. conv2d backward (build-it)

def _conv_cases(rng):
    """(label, x, w, stride, pad): batch 1 with C = F (so w[c, f] for w[f, c] fits the shapes),
    two images with pad 0 (so pad:-pad crops everything), three images with stride 3, pad 2."""
    return [
        ("one 6×5 image, 2 channels → 2 filters, kernel 3×2, stride 2, pad 1",
         rng.standard_normal((1, 2, 6, 5)), rng.standard_normal((2, 2, 3, 2)), 2, 1),
        ("two 5×7 images, 3 channels → 2 filters, kernel 2×3, stride 1, pad 0",
         rng.standard_normal((2, 3, 5, 7)), rng.standard_normal((2, 3, 2, 3)), 1, 0),
        ("three 8×6 images, 1 channel → 3 filters, kernel 3×3, stride 3, pad 2",
         rng.standard_normal((3, 1, 8, 6)), rng.standard_normal((3, 1, 3, 3)), 3, 2),
    ]


def _windows(dout, stride):
    """Every output position with the top-left corner of its window: (i, j, row, col)."""
    return [(i, j, i * stride, j * stride) for i in range(dout.shape[2])
            for j in range(dout.shape[3])]


def _scatter(dout, xp, w, stride, *, flip=False, swap=False, dx_stride=True, dw_stride=True):
    """(dx_pad, dw) by the scatter rule, with switches that make the classic mistakes."""
    KH, KW = w.shape[2:]
    wk = w[:, :, ::-1, ::-1] if flip else w
    wk = wk.transpose(1, 0, 2, 3) if swap else wk
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i, j, r, s in _windows(dout, stride):
        d = dout[:, :, i, j]                                           # (N, F)
        a, b = (r, s) if dx_stride else (i, j)
        dxp[:, :, a:a + KH, b:b + KW] += np.tensordot(d, wk, axes=(1, 0))
        a, b = (r, s) if dw_stride else (i, j)
        dw += np.tensordot(d, xp[:, :, a:a + KH, b:b + KW], axes=(0, 0))
    return dxp, dw


def _overwritten(dout, xp, w, stride):
    """dx_pad with `=` where `+=` belongs, in the two usual loop orders."""
    KH, KW = w.shape[2:]
    by_position, by_scalar = np.zeros_like(xp), np.zeros_like(xp)
    for i, j, r, s in _windows(dout, stride):
        by_position[:, :, r:r + KH, s:s + KW] = np.tensordot(dout[:, :, i, j], w, axes=(1, 0))
    for n in range(dout.shape[0]):
        for f in range(dout.shape[1]):
            for i, j, r, s in _windows(dout, stride):
                by_scalar[n, :, r:r + KH, s:s + KW] = w[f] * dout[n, f, i, j]
    return by_position, by_scalar


def _conv_mistakes(dout, x, w, stride, pad):
    """The whole answers (dx, dw, db) of the classic mistakes; None where a mistake cannot
    show on this case (stride 1, pad 0, one image, windows that do not overlap) or is not the
    wrong part."""
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = _scatter(dout, xp, w, stride)

    def crop(a):
        return a[:, :, pad:pad + H, pad:pad + W]

    def dx(wrong, shows=True):
        return (wrong if shows else None, None, None)

    def dw_(wrong, shows=True):
        return (None, wrong if shows else None, None)

    def db(wrong, shows=True):
        return (None, None, wrong if shows else None)

    i, j, r, s = _windows(dout, stride)[-1]
    dw_last = np.tensordot(dout[:, :, i, j], xp[:, :, r:r + KH, s:s + KW], axes=(0, 0))
    dw_image = [_scatter(dout[k:k + 1], xp[k:k + 1], w, stride)[1] for k in (0, N - 1)]
    by_position, by_scalar = _overwritten(dout, xp, w, stride)
    overlap = stride < KH or stride < KW
    strided, padded, batch = stride > 1, pad > 0, N > 1
    summed = "collects all their gradients: +=, not ="
    bias = "the bias b_f is added at every position of every image: sum dout over n, i and j"
    images = "every image uses the same weights: add the contributions of all N images"
    return [
        ("the kernel met δ the wrong way round: each window sends back dout·w[f, c] as the "
         "forward used w (as a full convolution: the kernel flipped once)",
         dx(crop(_scatter(dout, xp, w, stride, flip=True)[0]))),
        ("output (i, j) read the window at (i·S, j·S): the stride counts in the backward "
         "pass too (in the full-convolution form: dilate δ with S − 1 zeros)",
         dx(crop(_scatter(dout, xp, w, stride, dx_stride=False)[0]), strided)),
        ("dx still has the padding border: crop P from every side, "
         "dx_pad[:, :, P:P + H, P:P + W]", dx(dxp, padded)),
        ("dx is empty: with pad = 0, dx_pad[:, :, pad:-pad] is dx_pad[:, :, 0:0]; crop with "
         "pad:pad + H", dx(dxp[:, :, :0, :0], not padded)),
        ("the padding is cropped at one end only: P rows and columns come off both sides",
         dx(dxp[:, :, :H, :W], padded)),
        ("the padding is cropped at one end only: P rows and columns come off both sides",
         dx(dxp[:, :, pad:, pad:], padded)),
        ("the crop ends P too early: dx holds the rows P to P + H of dx_pad (and the "
         "columns P to P + W), H × W like x", dx(dxp[:, :, pad:H, pad:W], padded)),
        (f"a pixel read by several windows {summed}", dx(crop(by_position), overlap)),
        (f"a pixel read by several windows (and by every filter) {summed}",
         dx(crop(by_scalar))),
        ("filter f's weights on input channel c are w[f, c] (w is (F, C, KH, KW)): "
         "dx[:, c] sums dout[:, f]·w[f, c] over the filters f",
         dx(crop(_scatter(dout, xp, w, stride, swap=True)[0]) if F == C else None)),
        (images, dw_(dw_image[0], batch)),
        (images, dw_(dw_image[1], batch)),
        ("every output position uses the same weights: += over all positions (i, j), not =",
         dw_(dw_last)),
        ("output (i, j) read the patch at (i·S, j·S): the stride counts in dw too",
         dw_(_scatter(dout, xp, w, stride, dw_stride=False)[1], strided)),
        ("no flip in dw: dw[f, c, u, v] pairs dout[n, f, i, j] with "
         "x_pad[n, c, i·S + u, j·S + v]", dw_(dw[:, :, ::-1, ::-1])),
        ("dw has the layout of w, (F, C, KH, KW): the filter first, then the input channel",
         dw_(dw.transpose(1, 0, 2, 3))),
        (bias, db(dout.sum(axis=0))),
        (bias, db(dout.sum(axis=(2, 3)))),
        (bias, db(dout[0].sum(axis=(1, 2)), batch)),
        ("one bias per filter: sum over n, i and j, but keep the filters apart (shape (F,))",
         db(dout.sum())),
    ]


# A padded case whose windows, placed by the stride, fit inside the unpadded x as well (rows:
# 3 windows of 2 at stride 3 end at 8; columns: 3 of 3 end at 9). Reading x where x_pad belongs
# runs off x's edge on the checker's cases (an error), but gives numbers here, and they tell
# which slip it is: (x shape, w shape, stride, pad). Its batch and filter counts are free:
# equivalent mutant `(3)`: any number of images shows the slip
# equivalent mutant `(4)`: any number of filters shows the slip
_PROBE_IMAGES, _PROBE_FILTERS = 2, 3
_UNPADDED_PROBE = ((_PROBE_IMAGES, 2, 8, 9), (_PROBE_FILTERS, 2, 2, 3), 3, 1)
_OFF_THE_EDGE = ("in x they are shifted by the padding and the last ones run off its edge "
                 "(hence the error your code raised)")


def _unpadded_hint(conv2d_backward_loops, rng) -> str | None:
    """Why the learner's code raised on a padded case, if it uses x where x_pad belongs: its
    dx or dw on ``_UNPADDED_PROBE`` is the one computed on the unpadded x. None otherwise."""
    x_shape, w_shape, stride, pad = _UNPADDED_PROBE
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    out, _ = layers.conv2d_forward(x, w, np.zeros(w_shape[0]), stride=stride, pad=pad)
    dout = rng.standard_normal(out.shape)
    ok, answer = call_learner(conv2d_backward_loops, dout, (x, w, stride, pad),
                              forbid=_CONV_REFERENCE)
    if not ok or not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return None
    dx_of_x, dw_of_x = _scatter(dout, x, w, stride)      # the windows placed in x, not x_pad
    if matches(answer[0], dx_of_x):
        return ("dx: the windows were added straight into an x-shaped dx, but they sit at "
                f"(i·S, j·S) in x_pad: {_OFF_THE_EDGE}; add them into a padded dx_pad, then "
                "crop the border")
    if matches(answer[1], dw_of_x):
        return ("dw: its patches come from the unpadded x, but the windows sit at (i·S, j·S) "
                f"in x_pad: {_OFF_THE_EDGE}; pair dout with the patches of x_pad, as the "
                "forward did")
    return None


@exercise("05", 3, "conv2d backward with loops, stride and padding (build-it)")
def check_conv2d_backward(conv2d_backward_loops) -> bool:
    """``conv2d_backward_loops(dout, cache)`` with cache ``(x, w, stride, pad)`` → dx, dw, db.

    Shapes: dout (N, F, H_out, W_out), x (N, C, H, W), w (F, C, KH, KW) → dx (N, C, H, W),
    dw (F, C, KH, KW), db (F,).
    """
    rng = _rng()
    for label, x, w, stride, pad in _conv_cases(rng):
        out, ref_cache = layers.conv2d_forward(x, w, np.zeros(w.shape[0]), stride=stride,
                                               pad=pad)
        dout = rng.standard_normal(out.shape)
        expected = layers.conv2d_backward(dout, ref_cache)
        ok, answer = call_learner(conv2d_backward_loops, dout, (x, w, stride, pad),
                                  forbid=_CONV_REFERENCE)
        if not ok and pad > 0 and answer.startswith("your code raised"):
            unpadded = _unpadded_hint(conv2d_backward_loops, rng)
            answer = f"on {label}: {unpadded}" if unpadded else answer
        if not ok:
            return not_yet(answer)
        ok, hint = compare(answer, tuple(expected), names=("dx", "dw", "db"),
                           mistakes=_conv_mistakes(dout, x, w, stride, pad))
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("dw and db sum over every image and position, dx_pad collects every window "
                  "that read a pixel (+=), the stride places each window, the padding is cropped")


# ---------------------------------------------------------------- 4. max-pool backward (stretch)

def _pool_cases(rng):
    """(label, x, size, stride): overlapping windows with ties (small integers), a batch
    without ties, and a stride larger than the window (some pixels in no window).

    In the first case a 3 at (2, 2) is the maximum of four overlapping windows (off their
    diagonal in two), and the window of rows 4–6, columns 0–2 has a tie of 3s at (5, 0) and
    (6, 1): every classic mistake changes the answer there, whatever the random pixels."""
    ties = rng.integers(0, 3, (1, 2, 7, 5)).astype(float)
    ties[:, :, 2, 2] = ties[:, :, 5, 0] = ties[:, :, 6, 1] = 3.0
    return [
        ("one 7×5 image, 2 channels, pixel values 0 to 3 (ties), 3×3 windows, stride 2",
         ties, 3, 2),
        ("two 4×6 images, 3 channels, 2×2 windows, stride 2",
         rng.standard_normal((2, 3, 4, 6)), 2, 2),
        ("two 8×7 images, 1 channel, 2×2 windows, stride 3",
         rng.standard_normal((2, 1, 8, 7)), 2, 3),
    ]


def _pool_routes(dout, x, size, stride, pick):
    """dx when ``pick(window, d)`` says what each window sends back, three ways: summed over
    the windows (+=), the later window's whole patch winning (=), its nonzero cells winning."""
    summed, patch, cells = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    for n, c, i, j in np.ndindex(*dout.shape):
        rows = slice(i * stride, i * stride + size)
        cols = slice(j * stride, j * stride + size)
        sent = pick(x[n, c, rows, cols], dout[n, c, i, j])
        summed[n, c, rows, cols] += sent
        patch[n, c, rows, cols] = sent
        cells[n, c, rows, cols][sent != 0] = sent[sent != 0]
    return summed, patch, cells


def _one_hot(window, k):
    """A window-shaped array with a 1 at flat (row-major) position k."""
    e = np.zeros(window.size)
    e[k] = 1.0
    return e.reshape(window.shape)


def _pool_mistakes(dout, x, size, stride):
    def first(win, d):
        return d * _one_hot(win, np.argmax(win))

    def last_max(win, d):
        return d * _one_hot(win, win.size - 1 - np.argmax(win.ravel()[::-1]))

    def transposed(win, d):
        a, b = divmod(int(np.argmax(win)), size)
        return d * _one_hot(win, b * size + a)

    every = _pool_routes(dout, x, size, stride, lambda win, d: np.full(win.shape, d))[0]
    mean = _pool_routes(dout, x, size, stride, lambda win, d: np.full(win.shape, d / win.size))
    tied = _pool_routes(dout, x, size, stride, lambda win, d: d * (win == win.max()))[0]
    _, patch, cells = _pool_routes(dout, x, size, stride, first)
    unstrided = [_pool_routes(dout, x, size, step, first)[0]
                 for step in (1, size) if step != stride]
    return [
        ("max is a router: only the window's maximum (its argmax) receives δ, the others "
         "get 0", every),
        ("δ/size² to every cell is average pooling's backward: max pooling sends all of δ to "
         "the maximum", mean[0]),
        ("at a tie only one element takes δ — the first maximum, as np.argmax picks it "
         "(the forward's argmax); a mask x == max gives it to every tied element", tied),
        ("at a tie the *first* maximum (row-major, as np.argmax) takes δ; yours went to a "
         "later one (>= where > belongs?)", _pool_routes(dout, x, size, stride, last_max)[0]),
        ("np.argmax of a window counts row by row: row = k // size, column = k % size",
         _pool_routes(dout, x, size, stride, transposed)[0]),
        ("a pixel that wins two overlapping windows collects both δs: +=, not =", patch),
        ("a pixel that wins two overlapping windows collects both δs: +=, not =", cells),
    ] + [("window (i, j) starts at (i·stride, j·stride): the stride and the window size "
          "differ here", u) for u in unstrided]


@exercise("05", 4, "max-pool backward, any window and stride (stretch)")
def check_max_pool_backward(max_pool_backward) -> bool:
    """``max_pool_backward(dout, cache)`` with cache ``(x, size, stride)`` → dx (N, C, H, W).

    Shapes: x (N, C, H, W), dout (N, C, H_out, W_out) with H_out = (H − size) // stride + 1.
    """
    rng = _rng()
    for label, x, size, stride in _pool_cases(rng):
        out, ref_cache = layers.max_pool2d_forward(x, size=size, stride=stride)
        dout = rng.standard_normal(out.shape)
        expected = layers.max_pool2d_backward(dout, ref_cache)
        ok, answer = call_learner(max_pool_backward, dout, (x, size, stride),
                                  forbid=(layers.max_pool2d_backward,))
        if not ok:
            return not_yet(answer)
        ok, hint = compare(answer, expected, names="dx",
                           mistakes=_pool_mistakes(dout, x, size, stride))
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("each δ goes to its window's first maximum and overlapping windows add up: "
                  "max pooling routes like notebook 01's max gate")
