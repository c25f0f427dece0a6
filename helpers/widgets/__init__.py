"""Interactive explorers. Each widget is a function returning an ipywidgets container, built on
a pure function (in the same module) that computes what it shows.

Every public module in this package lists its widgets in ``__all__``; they are available from
here, so ``from helpers.widgets import gradient_flow`` works for all of them. Modules are
imported lazily, on first use of one of their names, so importing one widget does not pay
for (or depend on) all the others.
"""

from __future__ import annotations

import importlib
import pkgutil

_MODULES = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def _public_names() -> dict[str, str]:
    """Map every public widget name to the module that defines it (imports every module)."""
    names = {}
    for module in _MODULES:
        mod = importlib.import_module(f"{__name__}.{module}")
        for name in getattr(mod, "__all__", []):
            names[name] = module
    return names


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    # Fast path: a module named after the widget (gradient_flow.py defines gradient_flow).
    candidates = [name] if name in _MODULES else []
    candidates += [m for m in _MODULES if m != name]
    for module in candidates:
        mod = importlib.import_module(f"{__name__}.{module}")
        if name in getattr(mod, "__all__", []):
            value = getattr(mod, name)
            globals()[name] = value
            return value
    raise AttributeError(f"helpers.widgets has no widget {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_public_names()))
