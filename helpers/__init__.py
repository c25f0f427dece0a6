"""Backprop by Hand: reference implementations, checkers and widgets for the course notebooks.

Submodules (import them directly, e.g. ``from helpers.layers import conv2d_forward``):

- ``helpers.gradcheck``  numerical gradients, relative error, a one-call layer checker
- ``helpers.graph``      a scalar autograd engine (``Value``)
- ``helpers.graph_draw`` draws its graphs with matplotlib (``draw_graph``)
- ``helpers.layers``     forward/backward pairs for every layer the course derives
- ``helpers.plotting``   the course's colour-blind-safe style and fixed colours
- ``helpers.widgets``    the interactive explorers (ipywidgets) and their pure functions
- ``helpers.exercises``  checkers for the "Your turn" cells

Importing ``helpers`` limits the BLAS thread pools of this process to one thread (see
:func:`limit_blas_threads`): the course's matrices are small, and on a 2-core laptop, Colab or
Binder machine, BLAS threads spinning against each other or against another process made
sequence backward passes many times slower. An explicit ``OPENBLAS_NUM_THREADS``,
``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` in the environment is respected instead.
"""

from __future__ import annotations

import os

__version__ = "0.1.0"

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads(threads: int = 1) -> int | None:
    """Limit every BLAS thread pool numpy uses in this process to ``threads``.

    Does nothing when one of ``THREAD_VARIABLES`` is set (the caller chose) or when
    threadpoolctl is missing. Returns the limit applied, or None.
    """
    if any(os.environ.get(name) for name in THREAD_VARIABLES):
        return None
    import numpy  # noqa: F401  (loads the BLAS library first: threadpoolctl limits loaded ones)

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # threadpoolctl is a dependency; without it, BLAS keeps its threads
        return None
    threadpool_limits(limits=threads, user_api="blas")
    return threads


limit_blas_threads()
