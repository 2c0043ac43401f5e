"""totkit: a reflective planning workbook for Training of Trainers programmes.

The top-level import stays light: the store, the model and the apps are loaded
on first use, so ``import totkit`` and ``totkit --help`` start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from totkit._version import __version__

if TYPE_CHECKING:
    from totkit.model import Workbook
    from totkit.store import Store, open_store

__all__ = ["Store", "Workbook", "__version__", "open_store"]

_LAZY = {
    "Workbook": "totkit.model",
    "Store": "totkit.store",
    "open_store": "totkit.store",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'totkit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
