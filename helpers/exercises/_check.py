"""Shared machinery for exercise checkers: friendly verdicts, safe calls, number comparison."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = ["passed", "not_yet", "call_safely", "close", "NOT_DONE"]

NOT_DONE = "fill in the lines marked TODO, then run this cell again"


def passed(message: str) -> bool:
    """Print a success line and return True."""
    print(f"✓ {message}")
    return True


def not_yet(hint: str) -> bool:
    """Print a gentle failure line with a hint and return False."""
    print(f"not yet: {hint}")
    return False


def call_safely(fn: Callable, *args, **kwargs) -> tuple[bool, Any]:
    """Call a learner's function; return ``(ok, result_or_hint)`` instead of raising.

    A stub that returns ``None`` or raises ``NotImplementedError`` counts as "not done".
    Any other exception becomes a hint naming the exception, so the cell still finishes.
    """
    try:
        result = fn(*args, **kwargs)
    except NotImplementedError:
        return False, NOT_DONE
    except Exception as exc:  # the learner's code, not ours: report, never crash the cell
        return False, f"your code raised {type(exc).__name__}: {exc}"
    if result is None:
        return False, NOT_DONE
    return True, result


def close(answer, expected, *, rtol: float = 1e-6, atol: float = 1e-9) -> tuple[bool, str]:
    """Compare a learner's answer with the expected value; ``(ok, hint)``.

    Checks type (numeric), shape, then values, and says which of those failed.
    """
    if answer is None:
        return False, NOT_DONE
    try:
        a = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return False, f"expected a number or array, got {type(answer).__name__}"
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        return False, f"expected shape {e.shape}, got shape {a.shape}"
    if not np.all(np.isfinite(a)):
        return False, "your answer contains nan or inf"
    if not np.allclose(a, e, rtol=rtol, atol=atol):
        return False, "the shape is right but some values are off"
    return True, ""
