"""Weight initializers (가중치 초기화).

``orthogonal(n, rng)`` is the course's way to set every singular value of a recurrent weight
matrix exactly: ``Wh = σ·Q`` with ``Q`` orthogonal has all n singular values equal to σ, so
its largest singular value and its spectral radius are both σ (notebook 06).
"""

from __future__ import annotations

import numpy as np

from . import _validate as v

__all__ = ["orthogonal"]


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random (n, n) orthogonal matrix Q: Qᵀ·Q = Q·Qᵀ = I.

    Q comes from the QR decomposition of an (n, n) standard-normal matrix G = Q·R, with each
    column of Q multiplied by the sign of R's diagonal entry. That makes the factorization
    unique (R with a positive diagonal), and Q is then distributed uniformly over the
    orthogonal matrices (Haar measure), whatever sign convention the LAPACK routine uses.

    Args:
        n: size, an integer ≥ 1.
        rng: a ``numpy.random.Generator``; one (n, n) standard-normal draw is taken from it.

    Returns:
        Q: shape (n, n), float64.
    """
    n = v.positive_int("orthogonal", "n", n, minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"orthogonal: rng expects a numpy.random.Generator "
                        f"(np.random.default_rng(seed)), got {type(rng).__name__}")
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    return Q @ np.diag(np.sign(np.diag(R)))   # G = (QΛ)(ΛR), Λ = diag(sign r_ii): ΛR has r_ii > 0
