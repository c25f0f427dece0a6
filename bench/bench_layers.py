"""Benchmark helpers.layers: conv2d naive vs im2col, the cost of owning caches, vs PyTorch.

Three sections: naive vs vectorized conv2d; every pair now vs before the aliasing fix; numpy
vs PyTorch CPU (float64) for conv2d and the LSTM, against the bars of issue 10.

Run with ``make bench``. PyTorch is optional (``pip install torch==2.13.0``, never a project
dependency); without it the PyTorch comparison is skipped.

The cost of owning the cache (HELPERS_API.md, "Nothing the caller does after forward changes
backward"): every pair, forward+backward, against helpers/layers as it was before the fix
(``ALIASING_BASELINE``, read with ``git show`` into a temporary directory and imported from
there; skipped without git). "Cache bytes" are the bytes of the arrays a cache holds that the
caller does not (arrays shared with an input or an output count zero): what the layer keeps
alive beyond the caller's own arrays.

Fairness: every sample repeats one forward+backward call until at least 0.2 s have passed and
keeps the time per call; the two sides' samples alternate, with a short pause in between
(BLAS threads keep spinning for a moment after a call), and the reported ratio is the median of
the per-pair ratios. Both sides run float64 on the CPU with the same number of threads: PyTorch
gets as many intra-op threads as numpy's BLAS has (one, unless a thread variable such as
OPENBLAS_NUM_THREADS says otherwise: importing helpers limits BLAS to one thread). With one
thread each, the clock is the process's CPU time, which other people's jobs on a shared machine
inflate far less than the wall clock; with more threads it is the wall clock. Loaded machines
still slow memory-bound numpy steps more than PyTorch's fused loops: compare the ratios, not the
milliseconds, and measure the bars on a quiet machine.
"""

from __future__ import annotations

import importlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import helpers.layers as layers_now  # noqa: E402
from helpers.layers import (  # noqa: E402
    conv2d_backward,
    conv2d_forward,
    conv2d_naive_backward,
    conv2d_naive_forward,
    lstm_backward,
    lstm_forward,
)

MIN_TIME = 0.2     # seconds per sample
CLOCK = time.process_time   # one thread per side (see main); time.perf_counter otherwise
PAIRS = 7
PAUSE = 0.05       # seconds between the two sides of a pair
CONV2D_BAR = 1.2   # numpy time / PyTorch time, at most (issue 10)
LSTM_BAR = 0.85
ALIASING_BASELINE = "014422afad6c2612e4dda136a56448a6bee65862"  # helpers/layers before the fix


def per_call(fn, min_time=MIN_TIME):
    """Seconds per call of ``fn``, repeating it for at least ``min_time``."""
    fn()                                    # warm-up (allocations, lazy initialisation)
    calls, start = 0, CLOCK()
    while True:
        fn()
        calls += 1
        elapsed = CLOCK() - start
        if elapsed >= min_time:
            return elapsed / calls


def compare(ours, theirs, pairs=PAIRS, min_time=MIN_TIME):
    """Alternate samples of two callables; return (median ours, median theirs, median ratio)."""
    t_ours, t_theirs, ratios = [], [], []
    for _ in range(pairs):
        a = per_call(ours, min_time)
        time.sleep(PAUSE)
        b = per_call(theirs, min_time)
        time.sleep(PAUSE)
        t_ours.append(a)
        t_theirs.append(b)
        ratios.append(a / b)
    return statistics.median(t_ours), statistics.median(t_theirs), statistics.median(ratios)


# ------------------------------------------------------------ the cost of owning the cache

def layers_at(rev):
    """helpers/layers as of git revision ``rev``, imported as a package of its own (or None)."""
    try:
        names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", rev,
                                "helpers/layers/"], capture_output=True, text=True,
                               check=True).stdout.split()
        tmp = Path(tempfile.mkdtemp(prefix="bench_layers_before_"))
        package = tmp / "layers_before"
        package.mkdir()
        for name in names:
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{name}"],
                                  capture_output=True, text=True, check=True).stdout
            (package / Path(name).name).write_text(text)
    except (OSError, subprocess.CalledProcessError):
        return None
    sys.path.insert(0, str(tmp))
    try:
        return importlib.import_module("layers_before")   # imports every submodule now
    finally:
        sys.path.remove(str(tmp))
        shutil.rmtree(tmp, ignore_errors=True)


def _arrays(obj):
    """Every numpy array inside nested tuples, lists and dicts."""
    if isinstance(obj, np.ndarray):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _arrays(item)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _arrays(item)


def _root(a):
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def cache_bytes(cache, caller_arrays) -> int:
    """Bytes of the arrays in ``cache`` that share no memory with ``caller_arrays``.

    A view is counted once, at the array that owns its memory.
    """
    roots = {id(r): r for r in map(_root, _arrays(cache))}
    return sum(r.nbytes for r in roots.values()
               if not any(np.shares_memory(r, c) for c in caller_arrays))


def aliasing_cases(rng):
    """(label, layer, inputs, options) for every pair, at sizes a notebook might use."""
    def randn(*shape):
        return rng.standard_normal(shape)

    def recurrent(G, step):
        N, T, D, H = 16, 32, 32, 64
        p = {"x": randn(N, D) if step else randn(N, T, D), ("h_prev" if step else "h0"):
             randn(N, H), "Wx": randn(D, G * H) / 6, "Wh": randn(H, G * H) / 8, "b": randn(G * H)}
        if G == 4 and step:
            p = {"x": p["x"], "h_prev": p["h_prev"], "c_prev": randn(N, H), "Wx": p["Wx"],
                 "Wh": p["Wh"], "b": p["b"]}
        return p

    x = randn(64, 1024)
    return [
        ("affine (64,256)@(256,256)", "affine", {"x": randn(64, 256), "w": randn(256, 256),
                                                 "b": randn(256)}, {}),
        ("relu (64, 1024)", "relu", {"x": x}, {}),
        ("sigmoid (64, 1024)", "sigmoid", {"x": x}, {}),
        ("tanh (64, 1024)", "tanh", {"x": x}, {}),
        ("conv1d (16,16,128) w (32,16,5) pad 2", "conv1d",
         {"x": randn(16, 16, 128), "w": randn(32, 16, 5), "b": randn(32)}, {"pad": 2}),
        ("conv2d (16,16,16,16) w (32,16,3,3) pad 1", "conv2d",
         {"x": randn(16, 16, 16, 16), "w": randn(32, 16, 3, 3), "b": randn(32)}, {"pad": 1}),
        ("conv2d_naive (2,3,8,8) w (4,3,3,3) pad 1", "conv2d_naive",
         {"x": randn(2, 3, 8, 8), "w": randn(4, 3, 3, 3), "b": randn(4)}, {"pad": 1}),
        ("max_pool2d (16,16,32,32)", "max_pool2d", {"x": randn(16, 16, 32, 32)}, {}),
        ("embedding ids (32,64), W (1000,64)", "embedding",
         {"ids": rng.integers(0, 1000, (32, 64)), "W": randn(1000, 64)}, {}),
        ("rnn_step N=16 D=32 H=64", "rnn_step", recurrent(1, True), {}),
        ("lstm_step N=16 D=32 H=64", "lstm_step", recurrent(4, True), {}),
        ("gru_step N=16 D=32 H=64", "gru_step", recurrent(3, True), {}),
        ("rnn N=16 T=32 D=32 H=64", "rnn", recurrent(1, False), {}),
        ("lstm N=16 T=32 D=32 H=64", "lstm", recurrent(4, False), {}),
        ("gru N=16 T=32 D=32 H=64", "gru", recurrent(3, False), {}),
    ]


def forward_backward(module, layer, inputs, options):
    """A callable running one forward and backward of ``layer`` from ``module``."""
    forward = getattr(module, f"{layer}_forward")
    backward = getattr(module, f"{layer}_backward")
    *outs, _ = forward(**inputs, **options)
    douts = [np.random.default_rng(1).standard_normal(np.shape(o)) for o in outs]

    def run():
        *_, cache = forward(**inputs, **options)
        return backward(*douts, cache)
    return run


def held_bytes(module, layer, inputs, options) -> int:
    *outs, cache = getattr(module, f"{layer}_forward")(**inputs, **options)
    caller = [a for a in inputs.values() if isinstance(a, np.ndarray)] + list(outs)
    return cache_bytes(cache, caller)


def aliasing_cost(rev=ALIASING_BASELINE, pairs=3, min_time=0.1):
    """Print forward+backward time and cache bytes of every pair, before vs after the fix."""
    before = layers_at(rev)
    print(f"\nthe cost of owning the cache: every pair, forward+backward, helpers/layers now vs "
          f"at {rev[:7]} (median of {pairs} alternating pairs, each sample >= {min_time} s)")
    if before is None:
        print("  (git or that revision is not available: skipped)")
        return
    print(f"{'layer':44s} {'ms before':>9s} {'ms now':>8s} {'ratio':>6s} "
          f"{'cache KiB before':>16s} {'now':>8s} {'+KiB':>7s}")
    for label, layer, inputs, options in aliasing_cases(np.random.default_rng(0)):
        now = forward_backward(layers_now, layer, inputs, options)
        old = forward_backward(before, layer, inputs, options)
        for a, b in zip(now(), old(), strict=True):   # same gradients, or the timing is moot
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        t_now, t_old, ratio = compare(now, old, pairs=pairs, min_time=min_time)
        kb_old = held_bytes(before, layer, inputs, options) / 1024
        kb_now = held_bytes(layers_now, layer, inputs, options) / 1024
        print(f"{label:44s} {t_old * 1e3:9.3f} {t_now * 1e3:8.3f} {ratio:5.2f}x "
              f"{kb_old:16.1f} {kb_now:8.1f} {kb_now - kb_old:+7.1f}")


# ------------------------------------------------------------------------------ numpy side

def numpy_conv2d(x, w, b, dout, pad, naive=False):
    forward, backward = ((conv2d_naive_forward, conv2d_naive_backward) if naive
                         else (conv2d_forward, conv2d_backward))

    def run():
        out, cache = forward(x, w, b, stride=1, pad=pad)
        return backward(dout, cache)
    return run


def numpy_lstm(x, h0, Wx, Wh, b, dh):
    def run():
        h, cache = lstm_forward(x, h0, Wx, Wh, b)
        return lstm_backward(dh, cache)
    return run


# ------------------------------------------------------------------------------ torch side

def torch_conv2d(torch, x, w, b, dout, pad):
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    tdout = torch.tensor(dout)

    def run():
        out = torch.nn.functional.conv2d(tx, tw, tb, stride=1, padding=pad)
        return torch.autograd.grad(out, (tx, tw, tb), tdout)
    return run


def matrix_products(x, w, dout, pad, torch=None):
    """The three matrix products of an im2col conv2d, alone: out, dw and the columns' gradient.

    Every im2col implementation does these three (PyTorch's float64 CPU convolution too, one
    sample at a time): timing them on both sides shows how much of the conv2d ratio is the BLAS
    (numpy's OpenBLAS vs PyTorch's MKL) rather than the code around the products.
    """
    _, (_, col, _, _, _) = conv2d_forward(x, w, np.zeros(w.shape[0]), stride=1, pad=pad)
    w_row = w.reshape(w.shape[0], -1)
    dout_row = dout.transpose(1, 0, 2, 3).reshape(w.shape[0], -1)
    if torch is not None:
        col, w_row, dout_row = (torch.tensor(a) for a in (col, w_row, dout_row))

    def run():
        return w_row @ col, dout_row @ col.T, w_row.T @ dout_row
    return run


def torch_lstm(torch, x, h0, Wx, Wh, b, dh):
    N, T, D = x.shape
    H = h0.shape[1]
    lstm = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    order = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]      # ours i,f,o,g → torch i,f,g,o
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(Wx.T[order]))
        lstm.weight_hh_l0.copy_(torch.tensor(Wh.T[order]))
        lstm.bias_ih_l0.copy_(torch.tensor(b[order]))
        lstm.bias_hh_l0.zero_()
    tx = torch.tensor(x, requires_grad=True)
    th0 = torch.tensor(h0[None], requires_grad=True)
    tc0 = torch.zeros(1, N, H, dtype=torch.float64)
    tdh = torch.tensor(dh)
    params = [tx, th0, *lstm.parameters()]

    def run():
        out, _ = lstm(tx, (th0, tc0))
        return torch.autograd.grad(out, params, tdh)
    return run


def same_numbers(ours, theirs, n):
    """Both sides must compute the same first ``n`` gradients before their speeds are compared.

    (For the LSTM that is dx and dh0, which depend on every weight; the weight gradients
    themselves come in a different gate order and layout.)
    """
    for a, t in zip(ours()[:n], theirs()[:n], strict=True):
        if not np.allclose(a, t.detach().numpy().reshape(a.shape), rtol=1e-9, atol=1e-9):
            raise AssertionError("numpy and torch disagree: the benchmark would be meaningless")


def blas_threads() -> int:
    """Threads of numpy's BLAS pool in this process (threadpoolctl; 1 if unknown)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return 1
    return max((pool["num_threads"] for pool in threadpool_info()
                if pool["user_api"] == "blas"), default=1)


def main():
    global CLOCK
    threads = blas_threads()
    CLOCK = time.process_time if threads == 1 else time.perf_counter
    rng = np.random.default_rng(0)
    print(__doc__.strip().splitlines()[0])
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{v:.1f}' for v in os.getloadavg())} (other work inflates timings)")

    # naive vs vectorized ---------------------------------------------------------------
    x, w, b = (rng.standard_normal(s) for s in ((2, 3, 16, 16), (8, 3, 3, 3), (8,)))
    dout = rng.standard_normal((2, 8, 16, 16))
    naive = per_call(numpy_conv2d(x, w, b, dout, 1, naive=True), min_time=1.0)
    fast = per_call(numpy_conv2d(x, w, b, dout, 1), min_time=1.0)
    print("\nconv2d forward+backward, x (2,3,16,16), w (8,3,3,3), pad 1")
    print(f"  conv2d_naive {naive * 1e3:8.2f} ms   conv2d (im2col) {fast * 1e3:6.3f} ms   "
          f"speed-up {naive / fast:6.0f}x")

    aliasing_cost(sys.argv[1] if len(sys.argv) > 1 else ALIASING_BASELINE)

    try:
        import torch
    except ImportError:
        print("\nPyTorch not installed: skipping the comparison "
              "(.venv/bin/pip install torch==2.13.0)")
        return
    torch.set_num_threads(threads)
    print(f"\ntorch {torch.__version__}, {torch.get_num_threads()} intra-op thread(s), numpy BLAS "
          f"{threads}; {'CPU' if CLOCK is time.process_time else 'wall'} time; "
          f"median of {PAIRS} alternating pairs, each sample >= {MIN_TIME} s")
    print(f"{'case':52s} {'numpy ms':>9s} {'torch ms':>9s} {'ratio':>6s}  bar")
    rows = []
    for xs, ws in [((16, 16, 16, 16), (32, 16, 3, 3)), ((32, 32, 16, 16), (64, 32, 3, 3))]:
        x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
        dout = rng.standard_normal((xs[0], ws[0], xs[2], xs[3]))
        ours, theirs = numpy_conv2d(x, w, b, dout, 1), torch_conv2d(torch, x, w, b, dout, 1)
        same_numbers(ours, theirs, 3)
        result = compare(ours, theirs)
        rows.append((f"conv2d x {xs}, w {ws}, pad 1", *result, CONV2D_BAR))
        result = compare(matrix_products(x, w, dout, 1), matrix_products(x, w, dout, 1, torch))
        rows.append(("  its three matrix products alone (BLAS vs BLAS)", *result, None))
    N, T, D, H = 16, 32, 32, 64
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx = rng.standard_normal((D, 4 * H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, 4 * H)) / np.sqrt(H)
    b, dh = rng.standard_normal(4 * H) * 0.1, rng.standard_normal((N, T, H))
    ours, theirs = numpy_lstm(x, h0, Wx, Wh, b, dh), torch_lstm(torch, x, h0, Wx, Wh, b, dh)
    same_numbers(ours, theirs, 2)
    result = compare(ours, theirs)
    rows.append((f"lstm N={N} T={T} D={D} H={H} vs nn.LSTM", *result, LSTM_BAR))
    for name, t_np, t_torch, ratio, bar in rows:
        verdict = "" if bar is None else f"<= {bar:.2f}x {'ok' if ratio <= bar else 'MISSED'}"
        print(f"{name:52s} {t_np * 1e3:9.2f} {t_torch * 1e3:9.2f} {ratio:5.2f}x  {verdict}")


if __name__ == "__main__":
    main()
