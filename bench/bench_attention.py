"""Benchmark helpers.layers attention: forward+backward vs PyTorch CPU (float64).

Run with ``.venv/bin/python bench/bench_attention.py`` (or as part of ``make bench``). PyTorch is
optional (``pip install torch==2.13.0``, never a project dependency); without it the script
prints the numpy time alone.

The case is q, k, v of shape (16, 64, 64) (N sequences, T = 64 positions, d = 64), no mask,
and a random upstream gradient. PyTorch runs it twice: with plain ops (matmul, softmax,
matmul) and with ``torch.nn.functional.scaled_dot_product_attention``; both take their
gradients with ``torch.autograd.grad``. The bar is the faster of the two.

Fairness as in ``bench_layers.py``: every sample repeats one forward+backward call until at
least 0.2 s have passed; numpy and PyTorch samples alternate with a short pause in between, and
the reported ratio is the median of the per-pair ratios. Both sides run float64 on the CPU with
the thread counts the environment gives them (``make bench`` sets one BLAS/OpenMP thread; the
printed header says how many PyTorch used). On a busy machine compare the ratios, not the
milliseconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_layers import MIN_TIME, PAIRS, compare, per_call  # noqa: E402

from helpers.layers import attention_backward, attention_forward  # noqa: E402

SHAPE = (16, 64, 64)
BAR = 1.5


def numpy_attention(q, k, v, dout):
    def run():
        _, cache = attention_forward(q, k, v)
        return attention_backward(dout, cache)
    return run


def torch_attention(torch, q, k, v, dout, fused):
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    tdout = torch.tensor(dout)
    scale = 1.0 / np.sqrt(q.shape[-1])

    def run():
        if fused:
            out = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv)
        else:
            p = torch.softmax((tq @ tk.transpose(1, 2)) * scale, dim=-1)
            out = p @ tv
        return torch.autograd.grad(out, (tq, tk, tv), tdout)
    return run


def same_numbers(ours, theirs):
    """Both sides must compute the same dq, dk, dv before their speeds are compared."""
    for a, t in zip(ours(), theirs(), strict=True):
        if not np.allclose(a, t.detach().numpy(), rtol=1e-9, atol=1e-12):
            raise AssertionError("numpy and torch disagree: the benchmark would be meaningless")


def main():
    rng = np.random.default_rng(0)
    q, k, v, dout = (rng.standard_normal(SHAPE) for _ in range(4))
    print(__doc__.strip().splitlines()[0])
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (other work inflates timings)")
    ours = numpy_attention(q, k, v, dout)
    try:
        import torch
    except ImportError:
        print(f"attention q, k, v {SHAPE}: numpy {per_call(ours) * 1e3:.2f} ms per "
              f"forward+backward\nPyTorch not installed: skipping the comparison "
              f"(.venv/bin/pip install torch==2.13.0)")
        return
    print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op threads; "
          f"median of {PAIRS} alternating pairs, each sample >= {MIN_TIME} s")
    print(f"{'case':52s} {'numpy ms':>9s} {'torch ms':>9s} {'ratio':>6s}  bar")
    ratios = []
    for fused, label in ((False, "plain ops"), (True, "scaled_dot_product_attention")):
        theirs = torch_attention(torch, q, k, v, dout, fused)
        same_numbers(ours, theirs)
        t_np, t_torch, ratio = compare(ours, theirs)
        ratios.append(ratio)
        print(f"{'attention ' + str(SHAPE) + ' vs ' + label:52s} {t_np * 1e3:9.2f} "
              f"{t_torch * 1e3:9.2f} {ratio:5.2f}x")
    worst = max(ratios)
    print(f"{'attention: against the faster PyTorch variant':52s} {'':9s} {'':9s} "
          f"{worst:5.2f}x  <= {BAR:.1f}x {'ok' if worst <= BAR else 'MISSED'}")


if __name__ == "__main__":
    main()
