"""The cost of the aliasing protection: every layer pair with it and without it (issue 10 §1).

HELPERS_API.md: nothing the caller does after forward changes backward. helpers/layers gets
there with two things, both in ``helpers/layers/_validate.py``: inputs the cache keeps are
validated with ``copy=True`` (``float_array``, ``index_array``, ``grad_shape``), and an output
the cache also needs is copied for it (``own_copy``; a read-only output is no protection, its
flag can be switched back). The variant without protection is the same code with both switched
off inside this bench (``copy=`` ignored, ``own_copy`` returning its argument): the layer then
keeps the caller's own arrays, as before the fix. Both variants must return the same
gradients, checked first.

With ``--finite``, the same table for the other check every float input now gets: NaN and ±inf
refused (``_validate.finite``, one ``np.isfinite(x).all()`` per array), on vs off.

Per pair, at the sizes the notebooks use: forward+backward time with and without (median of
alternating samples; CPU time, one BLAS thread: importing helpers sets it) and the peak memory
numpy allocates during one forward+backward (tracemalloc; the caller's inputs and upstream
gradients are allocated before and not counted). Inputs are seeded; the memory columns are
exact and repeatable, the times are not (compare the ratios, and re-measure on a quiet
machine). Runs in well under a minute. batchnorm and layernorm: ``bench/bench_norm.py``.

Where the time goes: a copy's memcpy is cheap (x (1024, 128), 1 MiB: about 0.06 ms); most of
a large copy's cost is the first touch of a fresh block, since glibc hands blocks of 128 KiB
and more back to the system when freed (affine at nb11's size: about 1.6x here, about 1.06x
with MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456).

    .venv/bin/python bench/bench_aliasing.py [--finite]
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import helpers.layers as L  # noqa: E402
from helpers.layers import _validate  # noqa: E402

MIN_TIME = 0.05    # CPU seconds per sample
PAIRS = 5          # alternating samples per side


@contextlib.contextmanager
def unprotected():
    """Switch the protection off inside the block: the layers keep the caller's arrays."""
    saved = {name: getattr(_validate, name)
             for name in ("float_array", "index_array", "own_copy")}

    def float_array(*args, copy=False, **kwargs):
        return saved["float_array"](*args, **kwargs)

    def index_array(*args, copy=False, **kwargs):
        return saved["index_array"](*args, **kwargs)

    _validate.float_array, _validate.index_array = float_array, index_array
    _validate.own_copy = lambda a: a
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(_validate, name, fn)


@contextlib.contextmanager
def unchecked():
    """Switch the finiteness check off inside the block (for ``--finite``)."""
    saved = _validate.finite
    _validate.finite = lambda fname, name, x: None
    try:
        yield
    finally:
        _validate.finite = saved


def cases(rng):
    """(label, layer, inputs, options) at the sizes of the notebooks that use each pair."""
    def randn(*shape, scale=1.0):
        return rng.standard_normal(shape) * scale

    def recurrent(G, N, T, D, H, step):
        x = randn(N, D) if step else randn(N, T, D)
        p = {"x": x, "h_prev" if step else "h0": randn(N, H)}
        if G == 4 and step:
            p["c_prev"] = randn(N, H)
        return {**p, "Wx": randn(D, G * H, scale=D ** -0.5),
                "Wh": randn(H, G * H, scale=H ** -0.5), "b": randn(G * H, scale=0.1)}

    a = randn(256, 128)
    return [
        ("affine x (1024,128) w (128,65)   [11]", "affine",
         {"x": randn(1024, 128), "w": randn(128, 65), "b": randn(65)}, {}),
        ("relu (256,128)                   [03]", "relu", {"x": a}, {}),
        ("sigmoid (256,128)                [03]", "sigmoid", {"x": a}, {}),
        ("tanh (256,128)                   [03]", "tanh", {"x": a}, {}),
        ("conv1d (16,16,128) w (32,16,5)   [05]", "conv1d",
         {"x": randn(16, 16, 128), "w": randn(32, 16, 5), "b": randn(32)}, {"pad": 2}),
        ("conv2d (16,16,16,16) w (32,16,3,3)[05]", "conv2d",
         {"x": randn(16, 16, 16, 16), "w": randn(32, 16, 3, 3), "b": randn(32)}, {"pad": 1}),
        ("conv2d_naive (2,3,8,8) w (4,3,3,3)[05]", "conv2d_naive",
         {"x": randn(2, 3, 8, 8), "w": randn(4, 3, 3, 3), "b": randn(4)}, {"pad": 1}),
        ("max_pool2d (16,16,16,16)         [05]", "max_pool2d", {"x": randn(16, 16, 16, 16)}, {}),
        ("embedding ids (32,32) W (65,32)  [11]", "embedding",
         {"ids": rng.integers(0, 65, (32, 32)), "W": randn(65, 32)}, {}),
        ("rnn_step N=32 D=32 H=32          [06]", "rnn_step", recurrent(1, 32, 1, 32, 32, True),
         {}),
        ("rnn N=32 T=16 D=32 H=32          [10]", "rnn", recurrent(1, 32, 16, 32, 32, False), {}),
        ("lstm_step N=32 D=32 H=128        [11]", "lstm_step",
         recurrent(4, 32, 1, 32, 128, True), {}),
        ("lstm N=32 T=32 D=32 H=128        [11]", "lstm", recurrent(4, 32, 32, 32, 128, False),
         {}),
        ("gru_step N=32 D=32 H=64          [07]", "gru_step", recurrent(3, 32, 1, 32, 64, True),
         {}),
        ("gru N=32 T=32 D=32 H=64          [07]", "gru", recurrent(3, 32, 32, 32, 64, False), {}),
        ("softmax (64,16,16)               [10]", "softmax", {"x": randn(64, 16, 16)}, {}),
        ("attention N=64 T=16 d=32         [10]", "attention",
         {"q": randn(64, 16, 32), "k": randn(64, 16, 32), "v": randn(64, 16, 32)}, {}),
    ]


def pair(layer, inputs, options):
    """A callable running one forward and one backward of ``layer`` (upstream gradients fixed)."""
    forward, backward = getattr(L, f"{layer}_forward"), getattr(L, f"{layer}_backward")
    *outs, _ = forward(**inputs, **options)
    douts = [np.random.default_rng(1).standard_normal(np.shape(o)) for o in outs]

    def run():
        *_, cache = forward(**inputs, **options)
        return backward(*douts, cache)
    return run


def per_call(fn, min_time=MIN_TIME):
    """CPU seconds per call of ``fn``, repeating it for at least ``min_time``."""
    fn()
    calls, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < min_time or calls == 0:
        fn()
        calls += 1
    return elapsed / calls


def peak_bytes(fn) -> int:
    """Peak bytes allocated (numpy arrays included) while ``fn`` runs, above what was live."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def check_switch():
    """The switch really switches, and back: without protection the caches hold the caller's
    arrays and the outputs themselves."""
    def rnn():
        return L.rnn_forward(np.ones((1, 2, 1)), np.ones((1, 1)), np.ones((1, 1)),
                             np.ones((1, 1)), np.ones(1))

    x = np.ones((1, 3))
    with unprotected():
        out, (kept,) = L.sigmoid_forward(x)
        h, (*_, h_kept) = rnn()
        x_kept = L.affine_forward(x, np.ones((3, 1)), np.ones(1))[1][0]
    assert kept is out and h_kept is h and x_kept is x
    out, (kept,) = L.sigmoid_forward(x)
    h, (*_, h_kept) = rnn()
    assert kept is not out and h_kept is not h
    assert L.affine_forward(x, np.ones((3, 1)), np.ones(1))[1][0] is not x
    with unchecked():
        L.relu_forward(np.array([np.nan]))
    try:
        L.relu_forward(np.array([np.nan]))
    except ValueError:
        return
    raise AssertionError("the finiteness check is off outside unchecked()")


def main():
    began = time.perf_counter()
    check_switch()
    switch = unchecked if "--finite" in sys.argv[1:] else unprotected
    what = "finiteness check" if switch is unchecked else "protection"
    print(__doc__.strip().splitlines()[0] + (f" [--finite: the {what}]" if switch is unchecked
                                              else ""))
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; CPU time per forward+backward, "
          f"median of {PAIRS} alternating samples >= {MIN_TIME} s; [NN] the notebook's sizes")
    print(f"{'layer pair':40s} {'ms off':>8s} {'ms on':>8s} {'time':>6s} "
          f"{'peak KiB off':>12s} {'on':>8s} {'extra':>8s}")
    rng = np.random.default_rng(0)
    ratios = []
    for label, layer, inputs, options in cases(rng):
        run = pair(layer, inputs, options)
        with switch():
            run_off = pair(layer, inputs, options)
            grads_off = run_off()
        for a, b in zip(run(), grads_off, strict=True):   # same numbers, or the timing is moot
            np.testing.assert_array_equal(a, b)
        on, off, ratio = [], [], []
        for _ in range(PAIRS):
            on.append(per_call(run))
            with switch():
                off.append(per_call(run_off))
            ratio.append(on[-1] / off[-1])
        kib_on = peak_bytes(run) / 1024
        with switch():
            kib_off = peak_bytes(run_off) / 1024
        ratios.append(statistics.median(ratio))
        print(f"{label:40s} {statistics.median(off) * 1e3:8.3f} "
              f"{statistics.median(on) * 1e3:8.3f} {ratios[-1]:5.2f}x "
              f"{kib_off:12.1f} {kib_on:8.1f} {kib_on - kib_off:+8.1f}")
    print(f"time with / without the {what}: median {statistics.median(ratios):.2f}x, "
          f"largest {max(ratios):.2f}x; {time.perf_counter() - began:.0f} s wall")


if __name__ == "__main__":
    main()
