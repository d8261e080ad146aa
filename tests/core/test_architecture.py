"""The layers stay apart: nothing outside reader/tui imports Textual, ingestion is pure."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import reader

#: Each module's own rule: what it must not load, checked in a clean interpreter.
UI = "reader.tui"
PURE = "reader.ingest"  # bytes on disk to records: no Whoosh, no Textual


def _all_modules() -> list[str]:
    """Every module under reader (`__main__` runs the command line, so it is left out)."""
    found = [m.name for m in pkgutil.walk_packages(reader.__path__, "reader.")]
    return ["reader", *sorted(name for name in found if not name.endswith(".__main__"))]


def _imported(modules: list[str]) -> list[str]:
    """Every module loaded by importing `modules` in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, f"importing {modules}: {res.stderr}"
    return res.stdout.split()


def _loads(loaded: list[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in loaded)


def test_every_module_imports_and_keeps_to_its_layer() -> None:
    """Each module of reader, alone in a clean interpreter: it imports, nothing outside
    reader/tui loads Textual, and the ingest layer loads neither Whoosh nor Textual."""
    modules = _all_modules()
    assert len(modules) > 60 and "reader.ingest.layout" in modules, modules
    with ThreadPoolExecutor(max_workers=4) as pool:
        loaded = dict(zip(modules, pool.map(lambda m: _imported([m]), modules), strict=True))
    broken = {
        name: sorted(p for p in ("textual", "whoosh") if _loads(mods, p))
        for name, mods in loaded.items()
        if (not _loads([name], UI) and _loads(mods, "textual"))
        or (_loads([name], PURE) and (_loads(mods, "whoosh") or _loads(mods, "textual")))
    }
    assert not broken, json.dumps(broken, indent=1)


def test_the_layer_check_sees_an_import_of_textual() -> None:
    """The check above is not vacuous: a UI module, imported alone, does load Textual."""
    assert _loads(_imported(["reader.tui.widgets.paper_list"]), "textual")


def test_the_app_module_loads_only_what_the_first_screen_needs() -> None:
    """The app draws its first list from the catalog: Whoosh (50 ms of imports) loads later,
    when a query or the background warm-up first needs it; so do the dump parsers, the
    bookmark exporters and the editors (Textual's TextArea)."""
    loaded = set(_imported(["reader.search", "reader.ingest", "reader.bookmarks", "reader.tui",
                            "reader.tui.app"]))  # fmt: skip
    assert not [m for m in loaded if m == "whoosh" or m.startswith("whoosh.")]
    later = {"reader.ingest.dump", "reader.ingest.page", "reader.ingest.jsonrecords",
             "reader.bookmarks.transfer", "reader.bookmarks.cli", "reader.commands",
             "reader.tui.screens.edit", "reader.tui.screens.help", "argparse"}  # fmt: skip
    assert not loaded & later, loaded & later


def test_lazy_re_exports_resolve_to_their_objects_not_to_modules() -> None:
    import importlib
    import types

    import pytest

    from reader._lazy import lazy_exports

    for name in ("reader.ingest", "reader.bookmarks", "reader.tui.screens"):
        package = importlib.import_module(name)
        for public in package.__all__:
            value = getattr(package, public)
            assert not isinstance(value, types.ModuleType), f"{name}.{public}"
            assert public in dir(package)
        with pytest.raises(AttributeError):
            _ = package.no_such_name
    with pytest.raises(ValueError, match="export"):
        lazy_exports("pkg", {"export": "export"})
