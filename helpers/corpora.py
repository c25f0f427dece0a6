"""Texts the notebooks train on, shipped inside the package (``helpers/data/``).

Every text is public domain or written for the course; ``helpers/data/SOURCES.md`` says where
each comes from and under which licence. Reading them needs no network, in JupyterLab, Colab
(the Colab cell installs the package with its data) and Binder alike.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["read_text", "available"]


def available() -> list[str]:
    """Names of the shipped texts (``*.txt`` in ``helpers/data``), sorted."""
    return sorted(p.name for p in resources.files("helpers").joinpath("data").iterdir()
                  if p.name.endswith(".txt"))


def read_text(name: str) -> str:
    """The text ``helpers/data/<name>`` as a string (UTF-8).

    Raises ValueError naming the available texts when ``name`` is not one of them.
    """
    if not isinstance(name, str) or name not in available():
        raise ValueError(f"read_text: name expects one of {available()}, got {name!r}")
    return resources.files("helpers").joinpath("data", name).read_text(encoding="utf-8")
