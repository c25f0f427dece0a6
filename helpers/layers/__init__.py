"""Forward/backward pairs for every layer the course derives (see HELPERS_API.md).

    out, cache = <layer>_forward(inputs..., options...)
    grads...   = <layer>_backward(dout, cache)      # in the order of the forward inputs

All arithmetic is float64: float32 (or integer) inputs are promoted to float64 copies, so
outputs and gradients are float64. Inputs are never modified. Bad input raises ValueError or
TypeError naming the function, the argument, what was expected and what was given.
"""

from .activations import (
    relu_backward,
    relu_forward,
    sigmoid,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from .conv import (
    conv1d_backward,
    conv1d_forward,
    conv2d_backward,
    conv2d_forward,
    conv2d_naive_backward,
    conv2d_naive_forward,
)
from .dense import affine_backward, affine_forward
from .loss import softmax_cross_entropy
from .pool import max_pool2d_backward, max_pool2d_forward

__all__ = [
    "affine_forward", "affine_backward",
    "relu_forward", "relu_backward",
    "sigmoid", "sigmoid_forward", "sigmoid_backward",
    "tanh_forward", "tanh_backward",
    "softmax_cross_entropy",
    "conv1d_forward", "conv1d_backward",
    "conv2d_naive_forward", "conv2d_naive_backward",
    "conv2d_forward", "conv2d_backward",
    "max_pool2d_forward", "max_pool2d_backward",
]
