"""Batch normalization and layer normalization (notebook 08). Placeholder: being written."""

from __future__ import annotations

__all__ = ["batchnorm_forward", "batchnorm_backward", "layernorm_forward", "layernorm_backward"]


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    raise NotImplementedError("batchnorm_forward is being written (notebook 08)")


def batchnorm_backward(dout, cache):
    raise NotImplementedError("batchnorm_backward is being written (notebook 08)")


def layernorm_forward(x, gamma, beta, eps=1e-5):
    raise NotImplementedError("layernorm_forward is being written (notebook 08)")


def layernorm_backward(dout, cache):
    raise NotImplementedError("layernorm_backward is being written (notebook 08)")
