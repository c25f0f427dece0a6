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
from .attention import (
    attention_backward,
    attention_forward,
    attention_weights,
    softmax_backward,
    softmax_forward,
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
from .embedding import embedding_backward, embedding_forward
from .gru import gru_backward, gru_forward, gru_step_backward, gru_step_forward
from .loss import softmax_cross_entropy
from .lstm import lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward
from .norm import (
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference_backward,
    batchnorm_inference_forward,
    batchnorm_running_update,
    layernorm_backward,
    layernorm_forward,
)
from .pool import max_pool2d_backward, max_pool2d_forward
from .rnn import rnn_backward, rnn_forward, rnn_step_backward, rnn_step_forward

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
    "rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
    "lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward",
    "gru_step_forward", "gru_step_backward", "gru_forward", "gru_backward",
    "embedding_forward", "embedding_backward",
    "batchnorm_forward", "batchnorm_backward",
    "batchnorm_running_update", "batchnorm_inference_forward", "batchnorm_inference_backward",
    "layernorm_forward", "layernorm_backward",
    "softmax_forward", "softmax_backward",
    "attention_forward", "attention_backward", "attention_weights",
]
