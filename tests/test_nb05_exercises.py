"""Notebook 05's exercise checkers: right answers pass, the reference layers are refused, and
every planted classic mistake gets its own hint."""

from __future__ import annotations

import re

import numpy as np
import pytest
from exercise_tools import says as _says
from exercise_tools import stub as _stub

import helpers.layers as layers
from helpers.exercises import nb05


def _raises(*args):
    raise NotImplementedError


def _ascii(value) -> str:
    """A plain-ASCII test id (the hints are full of δ, × and ·)."""
    text = value if isinstance(value, str) else getattr(value, "__name__", type(value).__name__)
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")[:40] or "x"




# ------------------------------------------------------------------ 1. output size (warm-up)

def test_output_size_right_answer(capsys):
    assert nb05.check_output_size(lambda H, K, S, P: (H + 2 * P - K) // S + 1)
    out = capsys.readouterr().out
    assert out.startswith("✓") and "28 − 3 + 1 = 26" in out
    assert nb05.check_output_size(lambda H, K, S, P: np.int64((H + 2 * P - K) // S + 1))
    capsys.readouterr()


@pytest.mark.parametrize("fn,words", [
    (lambda H, K, S, P: (H + P - K) // S + 1, "on *both* sides"),
    (lambda H, K, S, P: (H - K) // S + 1, "the padding is missing"),
    (lambda H, K, S, P: (H + 2 * P - K) / S + 1, "right value, but return an int"),
    (lambda H, K, S, P: -(-(H + 2 * P - K) // S) + 1, "round down"),
    (lambda H, K, S, P: (H + 2 * P - K) // S, "count the first window too"),
    (lambda H, K, S, P: float((H + 2 * P - K) // S + 1), "right value, but return an int"),
    (lambda H, K, S, P: (H + 2 * P - K) // S + 1 + (P == 1), "for H=7, K=3, S=2, P=1 you gave "
                                                             "5, but 4 windows fit"),
    (lambda H, K, S, P: str((H + 2 * P - K) // S + 1), "return a number (an int), got str"),
    (lambda H, K, S, P: True, "got bool"),
    (_stub, "TODO"),
    (_raises, "TODO"),
    (lambda H, K, S, P: 1 / 0, "ZeroDivisionError"),
], ids=_ascii)
def test_output_size_mistakes(capsys, fn, words):
    assert not nb05.check_output_size(fn)
    assert _says(capsys, words)


def _right_size(H, K, S, P):
    return (H + 2 * P - K) // S + 1


@pytest.mark.parametrize("fn,words", [
    # each mistake only where the stride leaves a remainder, so its formula must be exact there
    (lambda H, K, S, P: (H + P - K) // S + 1 if S > 1 else _right_size(H, K, S, P),
     "on *both* sides"),
    (lambda H, K, S, P: (H - K) // S + 1 if S > 1 else _right_size(H, K, S, P),
     "the padding is missing"),
    (lambda H, K, S, P: (H + 2 * P - K) / S + 1 if (H + 2 * P - K) % S else
     _right_size(H, K, S, P), "round down"),
    (lambda H, K, S, P: (H + 2 * P - K) // S if S == 3 else _right_size(H, K, S, P),
     "count the first window too"),
], ids=_ascii)
def test_output_size_mistakes_with_a_stride(capsys, fn, words):
    assert not nb05.check_output_size(fn)
    assert _says(capsys, words)


def test_output_size_slip_named_by_every_case(capsys):
    """(H + 2P − K + 1) // S is wrong only at H=7, K=3, S=2, P=1, where it gives what the
    one-sided padding gives: the hint must name the slip that fits all the learner's answers."""
    assert not nb05.check_output_size(lambda H, K, S, P: (H + 2 * P - K + 1) // S)
    assert _says(capsys, "the + 1 (the first window) comes after the division")


def test_size_hint_without_the_other_answers():
    """Called for one case alone, the hint is that of the first slip that fits (at H=7, K=3,
    S=2, P=1 the one-sided padding and the misplaced + 1 both give 3)."""
    assert nb05._size_hint(3, 7, 3, 2, 1).startswith("padding adds P zeros on *both* sides")
    assert nb05._size_hint(3, 7, 3, 2, 1, answers=(3,)).startswith("padding adds P zeros")
    assert nb05._size_hint(4, 7, 3, 2, 1) is None


@pytest.mark.parametrize("case", [(28, 3, 1, 0), (32, 5, 1, 2), (8, 3, 2, 2), (7, 3, 2, 1),
                                  (8, 3, 2, 0), (10, 4, 3, 1), (4, 4, 1, 0)])
def test_output_size_tries_every_case(capsys, case):
    """A learner wrong on one case only is caught, and the hint names that case."""
    def wrong_once(H, K, S, P):
        return _right_size(H, K, S, P) + 5 * ((H, K, S, P) == case)

    assert not nb05.check_output_size(wrong_once)
    H, K, S, P = case
    assert _says(capsys, f"for H={H}, K={K}, S={S}, P={P} you gave "
                         f"{_right_size(*case) + 5}, but {_right_size(*case)} windows fit")


# ------------------------------------------------------------------ 2. dx by hand (warm-up)

W1, W2, W3 = nb05.EX2_W
D1, D2, D3 = nb05.EX2_DELTA
RIGHT_DX = [W1 * D1, W2 * D1 + W1 * D2, W3 * D1 + W2 * D2 + W1 * D3, W3 * D2 + W2 * D3, W3 * D3]


def test_dx_by_hand_numbers_are_the_notebooks():
    assert nb05.EX2_W == (1.0, 2.0, -1.0) and nb05.EX2_DELTA == (0.5, -1.0, 2.0)


def test_dx_by_hand_right_answer(capsys):
    assert nb05.check_dx_by_hand(RIGHT_DX)
    assert capsys.readouterr().out == ("✓ dx = the full convolution of δ with w: "
                                       "0.5, 0, -0.5, 5, -2\n")
    assert nb05.check_dx_by_hand(np.array(RIGHT_DX))
    capsys.readouterr()


@pytest.mark.parametrize("dx,words", [
    (None, "TODO"),
    ([1.0, 2.0, 3.0], "five numbers, not three"),
    ([W3 * D1, W2 * D1 + W3 * D2, W1 * D1 + W2 * D2 + W3 * D3, W1 * D2 + W2 * D3, W1 * D3],
     "the kernel meets δ flipped"),
    ([W1 * D1 + 1, *RIGHT_DX[1:4], W3 * D3 - 1], "the middle is right"),
    ([0.0, 0.0, 1.0, 0.0, 0.0], "dx has the right shape but wrong values (the first wrong "
                                "entry is at index (0,)) (write each x_j's sum"),
    ([0.0] * 4, "dx should have shape (5,), got (4,)"),
    ("abc", "dx should be numbers"),
], ids=_ascii)
def test_dx_by_hand_mistakes(capsys, dx, words):
    assert not nb05.check_dx_by_hand(dx)
    assert _says(capsys, words)


# ------------------------------------------------------------- 3. conv2d backward (build-it)

def conv2d_backward_loops(dout, cache, *, mistake=None):
    """A learner's explicit-loop backward; ``mistake`` plants one classic error."""
    x, w, stride, pad = cache
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp = np.zeros_like(x if mistake in ("dx_unpadded", "both_unpadded") else xp)
    dw, db = np.zeros_like(w), np.zeros(F)
    source = x if mistake in ("dw_unpadded", "both_unpadded") else xp    # dw's patches
    wk = {"flip": w[:, :, ::-1, ::-1], "swap": w.transpose(1, 0, 2, 3)}.get(mistake, w)
    for n in range(N):
        for f in range(F):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    d = dout[n, f, i, j]
                    r, s = i * stride, j * stride
                    a, b = (i, j) if mistake == "dx_stride" else (r, s)
                    if mistake == "dx_assign":
                        dxp[n, :, a:a + KH, b:b + KW] = wk[f] * d
                    else:
                        dxp[n, :, a:a + KH, b:b + KW] += wk[f] * d
                    a, b = (i, j) if mistake == "dw_stride" else (r, s)
                    patch = source[n, :, a:a + KH, b:b + KW]
                    if mistake == "dw_assign":
                        dw[f] = patch * d
                    elif mistake != "dw_first_image" or n == 0:
                        dw[f] += patch * d
                    db[f] += d
    dx = {"no_crop": dxp, "crop_one_end": dxp[:, :, :H, :W],
          "crop_other_end": dxp[:, :, pad:, pad:], "crop_short": dxp[:, :, pad:H, pad:W],
          "dx_unpadded": dxp, "both_unpadded": dxp,
          "minus_pad": dxp[:, :, pad:-pad, pad:-pad]}.get(mistake,
                                                          dxp[:, :, pad:pad + H, pad:pad + W])
    dw = {"dw_flip": dw[:, :, ::-1, ::-1], "dw_layout": dw.transpose(1, 0, 2, 3)}.get(mistake, dw)
    db = {"db_positions": dout.sum(axis=0), "db_batch": dout.sum(axis=(2, 3)),
          "db_first_image": dout[0].sum(axis=(1, 2)), "db_all": dout.sum()}.get(mistake, db)
    return dx, dw, db


def conv2d_backward_vectorized(dout, cache, *, mistake=None):
    """The same with loops over positions only (tensordot over the batch and the filters)."""
    x, w, stride, pad = cache
    H, W = x.shape[2:]
    KH, KW = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * stride, i * stride + KH)
            cols = slice(j * stride, j * stride + KW)
            d = dout[:, :, i, j]
            if mistake == "dx_assign":
                dxp[:, :, rows, cols] = np.tensordot(d, w, axes=([1], [0]))
            else:
                dxp[:, :, rows, cols] += np.tensordot(d, w, axes=([1], [0]))
            if mistake == "dw_unpadded":
                dw += np.tensordot(d, x[:, :, rows, cols], axes=([0], [0]))
            elif mistake == "dw_last_image":
                dw += np.tensordot(d[-1:], xp[-1:, :, rows, cols], axes=([0], [0]))
            else:
                dw += np.tensordot(d, xp[:, :, rows, cols], axes=([0], [0]))
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def test_conv2d_backward_right_answers(capsys):
    assert nb05.check_conv2d_backward(conv2d_backward_loops)
    assert capsys.readouterr().out.startswith("✓ dw and db sum over every image")
    assert nb05.check_conv2d_backward(conv2d_backward_vectorized)
    assert nb05.check_conv2d_backward(lambda dout, cache: list(conv2d_backward_loops(dout, cache)))
    capsys.readouterr()


def test_conv2d_backward_refuses_the_reference(capsys):
    def via(backward, forward):
        def submit(dout, cache):
            x, w, stride, pad = cache
            _, ref = forward(x, w, np.zeros(w.shape[0]), stride=stride, pad=pad)
            return backward(dout, ref)
        return submit

    assert not nb05.check_conv2d_backward(via(layers.conv2d_backward, layers.conv2d_forward))
    assert _says(capsys, "without helpers.layers.conv2d_backward")
    assert not nb05.check_conv2d_backward(via(layers.conv2d_naive_backward,
                                              layers.conv2d_naive_forward))
    assert _says(capsys, "without helpers.layers.conv2d_naive_backward")


@pytest.mark.parametrize("backward,mistake,words", [
    (conv2d_backward_loops, "flip", "on one 6×5 image, 2 channels → 2 filters, kernel 3×2, "
                                    "stride 2, pad 1: dx: the kernel met δ the wrong way round"),
    (conv2d_backward_loops, "dx_stride", "stride 2, pad 1: dx: output (i, j) read the window at "
                                         "(i·S, j·S)"),
    (conv2d_backward_loops, "no_crop", "stride 2, pad 1: dx: dx still has the padding border"),
    (conv2d_backward_loops, "minus_pad", "on two 5×7 images, 3 channels → 2 filters, kernel "
                                         "2×3, stride 1, pad 0: dx: dx is empty: with pad = 0"),
    (conv2d_backward_loops, "crop_one_end", "stride 2, pad 1: dx: the padding is cropped at one "
                                            "end only"),
    (conv2d_backward_loops, "crop_other_end", "stride 2, pad 1: dx: the padding is cropped at "
                                              "one end only"),
    (conv2d_backward_loops, "crop_short", "stride 2, pad 1: dx: the crop ends P too early: dx "
                                          "holds the rows P to P + H of dx_pad"),
    (conv2d_backward_loops, "dx_assign", "dx: a pixel read by several windows (and by every "
                                         "filter) collects all their gradients: +=, not ="),
    (conv2d_backward_vectorized, "dx_assign", "dx: a pixel read by several windows"),
    (conv2d_backward_loops, "swap", "dx: filter f's weights on input channel c are w[f, c]"),
    (conv2d_backward_loops, "dw_first_image", "on two 5×7 images, 3 channels → 2 filters, "
                                              "kernel 2×3, stride 1, pad 0: dw: every image "
                                              "uses the same weights"),
    (conv2d_backward_vectorized, "dw_last_image", "dw: every image uses the same weights"),
    (conv2d_backward_loops, "dw_assign", "dw: every output position uses the same weights: += "
                                         "over all positions"),
    (conv2d_backward_loops, "dw_stride", "stride 2, pad 1: dw: output (i, j) read the patch at "
                                         "(i·S, j·S)"),
    (conv2d_backward_loops, "dw_flip", "dw: no flip in dw"),
    (conv2d_backward_loops, "dw_layout", "on one 6×5 image, 2 channels → 2 filters, kernel "
                                         "3×2, stride 2, pad 1: dw: dw has the layout of w"),
    (conv2d_backward_loops, "db_positions", "db: the bias b_f is added at every position"),
    (conv2d_backward_loops, "db_batch", "db: the bias b_f is added at every position"),
    (conv2d_backward_loops, "db_first_image", "on two 5×7 images, 3 channels → 2 filters, "
                                              "kernel 2×3, stride 1, pad 0: db: the bias b_f"),
    (conv2d_backward_loops, "db_all", "db: one bias per filter"),
], ids=_ascii)
def test_conv2d_backward_classic_mistakes(capsys, backward, mistake, words):
    assert not nb05.check_conv2d_backward(
        lambda dout, cache: backward(dout, cache, mistake=mistake))
    assert _says(capsys, words)


UNPADDED_DW = ("on one 6×5 image, 2 channels → 2 filters, kernel 3×2, stride 2, pad 1: dw: its "
               "patches come from the unpadded x, but the windows sit at (i·S, j·S) in x_pad: "
               "in x they are shifted by the padding and the last ones run off its edge (hence "
               "the error your code raised); pair dout with the patches of x_pad")
UNPADDED_DX = ("on one 6×5 image, 2 channels → 2 filters, kernel 3×2, stride 2, pad 1: dx: the "
               "windows were added straight into an x-shaped dx, but they sit at (i·S, j·S) in "
               "x_pad: in x they are shifted by the padding and the last ones run off its edge "
               "(hence the error your code raised); add them into a padded dx_pad, then crop")


@pytest.mark.parametrize("backward,mistake,words", [
    (conv2d_backward_loops, "dw_unpadded", UNPADDED_DW),
    (conv2d_backward_vectorized, "dw_unpadded", UNPADDED_DW),
    (conv2d_backward_loops, "dx_unpadded", UNPADDED_DX),
    (conv2d_backward_loops, "both_unpadded", UNPADDED_DX),          # dx first, as compare does
], ids=_ascii)
def test_conv2d_backward_unpadded_x_is_named(capsys, backward, mistake, words):
    """x where x_pad belongs: the windows run off x's edge on the padded cases (an error), so
    the checker tries the code on a padded case where they fit, and names the slip."""
    def learner(dout, cache):
        return backward(dout, cache, mistake=mistake)
    x, w, stride, pad = nb05._conv_cases(np.random.default_rng(0))[0][1:]
    with pytest.raises(ValueError, match="broadcast"):      # what the learner would see alone
        learner(np.zeros((1, 2, 3, 3)), (x, w, stride, pad))
    assert not nb05.check_conv2d_backward(learner)
    assert _says(capsys, words)


def test_unpadded_probe_windows_fit_inside_x():
    """On the probe every window also fits inside the unpadded x: a learner's slip gives
    numbers there, not an error."""
    (N, C, H, W), (F, _, KH, KW), stride, pad = nb05._UNPADDED_PROBE
    H_out, W_out = (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1
    assert pad > 0 and (H_out - 1) * stride + KH == H and (W_out - 1) * stride + KW == W


def _crashes_on_the_first_case(on_the_probe):
    """A learner that raises on the checker's first (padded) case and returns on_the_probe(dout,
    cache) on the probe."""
    def learner(dout, cache):
        if cache[0].shape == nb05._UNPADDED_PROBE[0]:
            return on_the_probe(dout, cache)
        if cache[3] == 1:
            raise ValueError("boom")
        return conv2d_backward_loops(dout, cache)
    return learner


@pytest.mark.parametrize("on_the_probe", [
    conv2d_backward_loops,                                    # right there: some other bug
    lambda dout, cache: 1 / 0,                                # raises there too
    lambda dout, cache: None,                                 # a stub there
    lambda dout, cache: conv2d_backward_loops(dout, cache)[:2],     # two arrays
    lambda dout, cache: {"dw": conv2d_backward_loops(dout, cache, mistake="dw_unpadded")[1]},
    lambda dout, cache: conv2d_backward_loops(dout, cache, mistake="dw_flip"),
], ids=["right", "raises", "stub", "two_arrays", "a_dict", "other_mistake"])
def test_conv2d_backward_other_errors_keep_their_hint(capsys, on_the_probe):
    assert not nb05.check_conv2d_backward(_crashes_on_the_first_case(on_the_probe))
    out = _says(capsys, "not yet: your code raised ValueError", "boom")
    assert "unpadded" not in out


def test_conv2d_backward_an_error_without_padding_is_not_blamed_on_it(capsys):
    """With pad = 0, x is x_pad: an error there has another cause, whatever the probe says."""
    def learner(dout, cache):
        if cache[0].shape == nb05._UNPADDED_PROBE[0]:
            return conv2d_backward_loops(dout, cache, mistake="dw_unpadded")
        if cache[3] == 0:
            raise ValueError("boom")
        return conv2d_backward_loops(dout, cache)
    assert not nb05.check_conv2d_backward(learner)
    assert "unpadded" not in _says(capsys, "not yet: your code raised ValueError", "boom")


def test_conv2d_backward_only_an_error_asks_the_probe(capsys):
    """A stub, an in-place edit or the reference on the padded case keeps its own hint."""
    def edits_then_unpadded(dout, cache):
        if cache[0].shape == nb05._UNPADDED_PROBE[0]:
            return conv2d_backward_loops(dout, cache, mistake="dw_unpadded")
        cache[0][...] = 0.0
        return conv2d_backward_loops(dout, cache)
    assert not nb05.check_conv2d_backward(edits_then_unpadded)
    assert _says(capsys, "changed its argument cache in place")


def test_conv2d_backward_dw_layout_with_other_channel_counts(capsys):
    """Where C ≠ F the (C, F, KH, KW) layout has the wrong shape, and still gets its hint."""
    def layout_after_first(dout, cache):
        dx, dw, db = conv2d_backward_loops(dout, cache)
        return dx, (dw if dout.shape[0] == 1 else dw.transpose(1, 0, 2, 3)), db

    assert not nb05.check_conv2d_backward(layout_after_first)
    assert _says(capsys, "on two 5×7 images, 3 channels → 2 filters, kernel 2×3, stride 1, "
                         "pad 0: dw: dw has the layout of w")


def test_conv2d_backward_odd_answers(capsys):
    for stub in (_stub, _raises):
        assert not nb05.check_conv2d_backward(stub)
        assert _says(capsys, "TODO")
    assert not nb05.check_conv2d_backward(lambda dout, cache:
                                          conv2d_backward_loops(dout, cache)[:2])
    assert _says(capsys, "return 3 arrays, in this order: dx, dw, db")

    def edits(dout, cache):
        cache[0][...] = 0.0
        return conv2d_backward_loops(dout, cache)
    assert not nb05.check_conv2d_backward(edits)
    assert _says(capsys, "changed its argument cache in place")


def test_conv2d_mistake_candidates_fit_each_case():
    """Every candidate is None or has the shape its mistake produces (no candidate crashes)."""
    rng = np.random.default_rng(0)
    for _, x, w, stride, pad in nb05._conv_cases(rng):
        out, _ = layers.conv2d_forward(x, w, np.zeros(w.shape[0]), stride=stride, pad=pad)
        dout = rng.standard_normal(out.shape)
        for hint, cand in nb05._conv_mistakes(dout, x, w, stride, pad):
            assert len(cand) == 3 and sum(c is not None for c in cand) <= 1, hint


# ---------------------------------------------------------------- 4. max-pool backward (stretch)

def max_pool_backward(dout, cache, *, mistake=None):
    """A learner's loop over windows; ``mistake`` plants one classic error."""
    x, size, stride = cache
    dx = np.zeros_like(x)
    step = {"stride_1": 1, "stride_size": size}.get(mistake, stride)
    for n in range(dout.shape[0]):
        for c in range(dout.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    r, s = i * step, j * step
                    window = x[n, c, r:r + size, s:s + size]
                    d = dout[n, c, i, j]
                    if mistake == "every":
                        dx[n, c, r:r + size, s:s + size] += d
                        continue
                    if mistake == "mean":
                        dx[n, c, r:r + size, s:s + size] += d / size ** 2
                        continue
                    if mistake == "tied":
                        dx[n, c, r:r + size, s:s + size] += d * (window == window.max())
                        continue
                    k = int(np.argmax(window))
                    if mistake == "last":                    # scan with >=: the last maximum
                        k = max(q for q in range(window.size) if window.flat[q] == window.max())
                    a, b = np.unravel_index(k, window.shape)
                    if mistake == "transposed":
                        a, b = b, a
                    if mistake == "assign_cell":
                        dx[n, c, r + a, s + b] = d
                    elif mistake == "assign_patch":
                        mask = np.zeros_like(window)
                        mask[a, b] = 1.0
                        dx[n, c, r:r + size, s:s + size] = mask * d
                    else:
                        dx[n, c, r + a, s + b] += d
    return dx


def test_max_pool_backward_right_answer(capsys):
    assert nb05.check_max_pool_backward.exercise.number == 4    # its progress() slot
    assert nb05.check_max_pool_backward(max_pool_backward)
    assert capsys.readouterr().out.startswith("✓ each δ goes to its window's first maximum")


def test_max_pool_backward_refuses_the_reference(capsys):
    def via_reference(dout, cache):
        x, size, stride = cache
        _, ref = layers.max_pool2d_forward(x, size=size, stride=stride)
        return layers.max_pool2d_backward(dout, ref)

    assert not nb05.check_max_pool_backward(via_reference)
    assert _says(capsys, "without helpers.layers.max_pool2d_backward")


FIRST_CASE = "on one 7×5 image, 2 channels, pixel values 0 to 3 (ties), 3×3 windows, stride 2"


@pytest.mark.parametrize("mistake,words", [
    ("every", f"{FIRST_CASE}: dx: max is a router"),
    ("mean", "dx: δ/size² to every cell is average pooling's backward"),
    ("tied", "dx: at a tie only one element takes δ"),
    ("last", "dx: at a tie the *first* maximum"),
    ("transposed", "dx: np.argmax of a window counts row by row"),
    ("assign_cell", "dx: a pixel that wins two overlapping windows collects both δs"),
    ("assign_patch", "dx: a pixel that wins two overlapping windows collects both δs"),
    ("stride_1", f"{FIRST_CASE}: dx: window (i, j) starts at (i·stride, j·stride)"),
    ("stride_size", f"{FIRST_CASE}: dx: window (i, j) starts at (i·stride, j·stride)"),
], ids=_ascii)
def test_max_pool_backward_classic_mistakes(capsys, mistake, words):
    assert not nb05.check_max_pool_backward(
        lambda dout, cache: max_pool_backward(dout, cache, mistake=mistake))
    assert _says(capsys, words)


def test_max_pool_stride_mistakes_on_the_other_cases(capsys):
    """A learner who uses the stride right on overlapping windows but steps by the window
    size elsewhere is caught on the stride-3 case."""
    def steps_by_size_when_apart(dout, cache):
        x, size, stride = cache
        return max_pool_backward(dout, cache, mistake="stride_size" if stride > size else None)

    assert not nb05.check_max_pool_backward(steps_by_size_when_apart)
    assert _says(capsys, "on two 8×7 images, 1 channel, 2×2 windows, stride 3: dx: window (i, j)")

    def steps_by_one_when_apart(dout, cache):
        x, size, stride = cache
        return max_pool_backward(dout, cache, mistake="stride_1" if stride > size else None)

    assert not nb05.check_max_pool_backward(steps_by_one_when_apart)
    assert _says(capsys, "stride 3: dx: window (i, j)")


def test_no_mistake_candidate_is_ever_the_right_answer():
    """Over many random draws, no classic mistake lands on the right answer of the case that
    is meant to catch it (else the checker would accept a wrong answer now and then)."""
    for seed in range(60):
        rng = np.random.default_rng(seed)
        x, size, stride = nb05._pool_cases(rng)[0][1:]
        out, cache = layers.max_pool2d_forward(x, size=size, stride=stride)
        dout = rng.standard_normal(out.shape)
        right = layers.max_pool2d_backward(dout, cache)
        for hint, cand in nb05._pool_mistakes(dout, x, size, stride):
            assert not np.allclose(cand, right), (seed, hint)
        for _, x, w, stride, pad in nb05._conv_cases(rng):
            out, cache = layers.conv2d_forward(x, w, np.zeros(len(w)), stride=stride, pad=pad)
            dout = rng.standard_normal(out.shape)
            right = layers.conv2d_backward(dout, cache)
            for hint, cand in nb05._conv_mistakes(dout, x, w, stride, pad):
                for part, want in zip(cand, right, strict=True):
                    assert part is None or np.shape(part) != want.shape \
                        or not np.allclose(part, want), (seed, hint)


NUMBER = {"one": 1, "two": 2, "three": 3}


def test_conv_case_labels_tell_the_truth():
    """The label a learner reads in a hint describes the case's arrays exactly."""
    pattern = (r"(\w+) (\d+)×(\d+) images?, (\d+) channels? → (\d+) filters, kernel (\d+)×(\d+), "
               r"stride (\d+), pad (\d+)")
    for label, x, w, stride, pad in nb05._conv_cases(np.random.default_rng(0)):
        n, *numbers = re.fullmatch(pattern, label).groups()
        H, W, C, F, KH, KW, S, P = map(int, numbers)
        assert x.shape == (NUMBER[n], C, H, W) and w.shape == (F, C, KH, KW), label
        assert (stride, pad) == (S, P), label


def test_pool_case_labels_tell_the_truth():
    pattern = (r"(\w+) (\d+)×(\d+) images?, (\d+) channels?(, .*)?, (\d+)×(\d+) windows, "
               r"stride (\d+)")
    for label, x, size, stride in nb05._pool_cases(np.random.default_rng(0)):
        n, H, W, C, values, KH, KW, S = re.fullmatch(pattern, label).groups()
        assert x.shape == (NUMBER[n], int(C), int(H), int(W)), label
        assert size == int(KH) == int(KW) and stride == int(S), label
        if values:                                       # ", pixel values 0 to 3 (ties)"
            assert set(np.unique(x)) == {0.0, 1.0, 2.0, 3.0}, label


def test_pool_tie_case_has_the_documented_double_winner_and_tie():
    x = nb05._pool_cases(np.random.default_rng(3))[0][1]
    out, (_, argmax, _, _) = layers.max_pool2d_forward(x, size=3, stride=2)
    for c in range(2):
        assert x[0, c, 2, 2] == x[0, c, 5, 0] == x[0, c, 6, 1] == 3.0
        assert (argmax[0, c, :2, :] == [[8, 6], [2, 0]]).all()   # (2, 2) wins four windows
        assert argmax[0, c, 2, 0] == 3                            # the first of two tied 3s


def test_max_pool_backward_odd_answers(capsys):
    for stub in (_stub, _raises):
        assert not nb05.check_max_pool_backward(stub)
        assert _says(capsys, "TODO")
    assert not nb05.check_max_pool_backward(lambda dout, cache: dout)
    assert _says(capsys, "dx should have shape")
    assert not nb05.check_max_pool_backward(lambda dout, cache: np.zeros_like(cache[0]))
    assert _says(capsys, "dx is all zeros")


def test_the_checkers_are_registered_in_order():
    from helpers.exercises._check import registered
    assert [(e.number, e.checker.__name__) for e in registered("05")] == [
        (1, "check_output_size"), (2, "check_dx_by_hand"), (3, "check_conv2d_backward"),
        (4, "check_max_pool_backward")]
