"""Benchmark helpers.layers batch norm and layer norm against PyTorch CPU (float64).

Run with ``python bench/bench_norm.py`` (PyTorch is optional: ``pip install torch==2.13.0``,
never a project dependency). The bar (issue 12): batchnorm forward+backward on x (256, 512)
within 1.5x of PyTorch.

Same paired method as ``bench_layers.py`` (its ``per_call`` and ``compare``): every sample
repeats one forward+backward call for at least 0.2 s, numpy and PyTorch samples alternate, and
the reported ratio is the median of the per-pair ratios. Both sides compute the same numbers
(checked first) in float64 on the CPU with equal thread counts: one each (numpy's element-wise
work runs on one thread, and ``import helpers`` limits BLAS to one; PyTorch is set to one
intra-op thread, its default count is printed too). Also printed: the staged batch-norm
backward of notebook 08 against the compact one, and what the no-aliasing rule costs (the
forward's copy of gamma).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_layers import compare, per_call  # noqa: E402

from helpers.layers import norm  # noqa: E402

SHAPES = [(256, 512), (64, 128), (1024, 64)]
BAR = 1.5          # the bar, for batch norm on (256, 512)


def numpy_pair(forward, backward, x, gamma, beta, dout):
    def run():
        out, cache = forward(x, gamma, beta)
        return backward(dout, cache)
    return run


def torch_pair(torch, kind, x, gamma, beta, dout):
    tx, tg, tb = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    tdout = torch.tensor(dout)
    F = torch.nn.functional
    if kind == "batchnorm":
        def forward():
            return F.batch_norm(tx, None, None, tg, tb, training=True, eps=1e-5)
    else:
        def forward():
            return F.layer_norm(tx, (x.shape[1],), tg, tb, eps=1e-5)

    def run():
        return torch.autograd.grad(forward(), (tx, tg, tb), tdout)
    return run


def staged_backward(dout, cache):
    """Notebook 08's staged batch-norm backward (one line per node of the graph), for scale."""
    xc, gamma, sigma = cache
    N = xc.shape[0]
    xhat = xc / sigma
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    dinv = (dxhat * xc).sum(axis=0)
    dxc = dxhat / sigma
    dsigma = -dinv / sigma**2
    dvar = dsigma / (2 * sigma)
    dxc = dxc + 2 * xc / N * dvar
    dmu = -dxc.sum(axis=0)
    return dxc + dmu / N, dgamma, dbeta


def same_numbers(ours, theirs):
    for a, t in zip(ours(), theirs(), strict=True):
        if not np.allclose(a, t.detach().numpy(), rtol=1e-9, atol=1e-9):
            raise AssertionError("numpy and torch disagree: the benchmark would be meaningless")


def main():
    rng = np.random.default_rng(0)
    print(__doc__.strip().splitlines()[0])
    print(f"numpy {np.__version__}, {os.cpu_count()} CPUs; load average "
          f"{', '.join(f'{v:.1f}' for v in os.getloadavg())} (other work inflates timings)")
    x, gamma, beta, dout = (rng.standard_normal(s) for s in ((256, 512), 512, 512, (256, 512)))
    _, cache = norm.batchnorm_forward(x, gamma, beta)
    compact = per_call(lambda: norm.batchnorm_backward(dout, cache))
    staged = per_call(lambda: staged_backward(dout, cache))
    print(f"\nbatchnorm backward on (256, 512): staged {staged * 1e3:.2f} ms, compact "
          f"{compact * 1e3:.2f} ms ({staged / compact:.1f}x)")
    copy = per_call(lambda: np.array(gamma, dtype=np.float64))
    forward = per_call(lambda: norm.batchnorm_forward(x, gamma, beta))
    print(f"no-aliasing cost: copying gamma {copy * 1e6:.1f} µs of a {forward * 1e3:.2f} ms "
          f"forward")
    try:
        import torch
    except ImportError:
        print("\nPyTorch not installed: skipping the comparison "
              "(.venv/bin/pip install torch==2.13.0)")
        return
    default_threads = torch.get_num_threads()
    torch.set_num_threads(1)                    # equal threads: numpy runs on one
    print(f"\ntorch {torch.__version__}, {torch.get_num_threads()} intra-op thread (default "
          f"{default_threads}); median of alternating pairs, each sample >= 0.2 s")
    print(f"{'forward+backward':32s} {'numpy ms':>9s} {'torch ms':>9s} {'ratio':>6s}")
    for kind in ("batchnorm", "layernorm"):
        forward_fn, backward_fn = getattr(norm, f"{kind}_forward"), getattr(norm,
                                                                          f"{kind}_backward")
        for shape in SHAPES:
            x, dout = rng.standard_normal(shape), rng.standard_normal(shape)
            gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
            ours = numpy_pair(forward_fn, backward_fn, x, gamma, beta, dout)
            theirs = torch_pair(torch, kind, x, gamma, beta, dout)
            same_numbers(ours, theirs)
            t_np, t_torch, ratio = compare(ours, theirs)
            bar = ""
            if kind == "batchnorm" and shape == (256, 512):
                bar = f"  <= {BAR}x {'ok' if ratio <= BAR else 'MISSED'}"
            print(f"{kind + ' ' + str(shape):32s} {t_np * 1e3:9.3f} {t_torch * 1e3:9.3f} "
                  f"{ratio:5.2f}x{bar}")


if __name__ == "__main__":
    main()
