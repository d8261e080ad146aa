"""Lazy re-exports for package `__init__`s (PEP 562): a public name's module loads on first use.

The app imports only what its first screen needs; a package that re-exports every name
eagerly would load its parsers, exporters or editors at every start.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, whose public names live in `homes`
    (name -> submodule). A name is imported once, then kept in the package's namespace.

    A name may not be a submodule's name too: importing that submodule anywhere would set
    the package attribute to the module, hiding the name.
    """
    clashes = sorted(set(homes) & set(homes.values()))
    if clashes:
        raise ValueError(f"{package}: names that are also submodules: {clashes}")

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(homes))

    return __getattr__, __dir__
