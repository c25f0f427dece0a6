"""Benchmark helpers.layers: naive vs vectorized conv2d, and numpy vs PyTorch CPU (float64).

Run with ``make bench``. PyTorch is optional (``pip install torch==2.13.0``, never a project
dependency); without it only the naive-vs-vectorized comparison is printed.

Fairness: every sample repeats one forward+backward call until at least 0.2 s have passed and
keeps the time per call; the numpy and PyTorch samples alternate, with a short pause in between
(BLAS threads keep spinning for a moment after a call), and the reported ratio is the median of
the per-pair ratios. Both sides run float64 on the CPU with their default thread counts.
Timings on a loaded machine are inflated; compare the ratios, not the milliseconds. On a busy
machine, ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 make bench`` gives steadier single-thread
ratios (spinning BLAS/OpenMP threads suffer most from other people's load).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers.layers import (  # noqa: E402
    conv2d_backward,
    conv2d_forward,
    conv2d_naive_backward,
    conv2d_naive_forward,
    lstm_backward,
    lstm_forward,
)

MIN_TIME = 0.2     # seconds per sample
PAIRS = 7
PAUSE = 0.05       # seconds between the two sides of a pair


def per_call(fn, min_time=MIN_TIME):
    """Seconds per call of ``fn``, repeating it for at least ``min_time``."""
    fn()                                    # warm-up (allocations, lazy initialisation)
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_time:
            return elapsed / calls


def compare(ours, theirs, pairs=PAIRS):
    """Alternate samples of two callables; return (median ours, median theirs, median ratio)."""
    t_ours, t_theirs, ratios = [], [], []
    for _ in range(pairs):
        a = per_call(ours)
        time.sleep(PAUSE)
        b = per_call(theirs)
        time.sleep(PAUSE)
        t_ours.append(a)
        t_theirs.append(b)
        ratios.append(a / b)
    return statistics.median(t_ours), statistics.median(t_theirs), statistics.median(ratios)


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


def main():
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

    try:
        import torch
    except ImportError:
        print("\nPyTorch not installed: skipping the comparison "
              "(.venv/bin/pip install torch==2.13.0)")
        return
    print(f"\ntorch {torch.__version__}, {torch.get_num_threads()} intra-op threads; "
          f"median of {PAIRS} alternating pairs, each sample >= {MIN_TIME} s")
    print(f"{'case':52s} {'numpy ms':>9s} {'torch ms':>9s} {'ratio':>6s}  bar")
    rows = []
    for xs, ws in [((16, 16, 16, 16), (32, 16, 3, 3)), ((32, 32, 16, 16), (64, 32, 3, 3))]:
        x, w, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
        dout = rng.standard_normal((xs[0], ws[0], xs[2], xs[3]))
        ours, theirs = numpy_conv2d(x, w, b, dout, 1), torch_conv2d(torch, x, w, b, dout, 1)
        same_numbers(ours, theirs, 3)
        result = compare(ours, theirs)
        rows.append((f"conv2d x {xs}, w {ws}, pad 1", *result, 2.0))
    N, T, D, H = 16, 32, 32, 64
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    Wx = rng.standard_normal((D, 4 * H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, 4 * H)) / np.sqrt(H)
    b, dh = rng.standard_normal(4 * H) * 0.1, rng.standard_normal((N, T, H))
    ours, theirs = numpy_lstm(x, h0, Wx, Wh, b, dh), torch_lstm(torch, x, h0, Wx, Wh, b, dh)
    same_numbers(ours, theirs, 2)
    result = compare(ours, theirs)
    rows.append((f"lstm N={N} T={T} D={D} H={H} vs nn.LSTM", *result, 1.0))
    for name, t_np, t_torch, ratio, bar in rows:
        verdict = "ok" if ratio <= bar else "MISSED"
        print(f"{name:52s} {t_np * 1e3:9.2f} {t_torch * 1e3:9.2f} {ratio:5.2f}x  <= {bar:.1f}x "
              f"{verdict}")


if __name__ == "__main__":
    main()
