"""What the checker tests share: a shipped-style stub, a stub that raises, and the assertion
that a checker answered with exactly one ``not yet:`` line naming the expected words."""


def stub(*args):
    """A learner's untouched stub: returns None."""
    return None


def not_implemented(*args):
    """A learner's stub that raises, as a TODO left in place would."""
    raise NotImplementedError


def says(capsys, *words: str) -> str:
    """The checker printed exactly one ``not yet:`` line containing every one of ``words``;
    returns that line (truthy, so ``assert says(...)`` reads naturally)."""
    out = capsys.readouterr().out
    assert out.count("\n") == 1, out
    assert out.startswith("not yet: "), out
    missing = [w for w in words if w not in out]
    assert not missing, f"{missing} not in {out!r}"
    return out


def passes(capsys, *words: str) -> str:
    """The checker printed exactly one ``✓`` line containing every one of ``words``."""
    out = capsys.readouterr().out
    assert out.startswith("✓") and out.count("\n") == 1, out
    assert all(w in out for w in words), out
    return out
