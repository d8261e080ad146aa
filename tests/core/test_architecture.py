"""The layers stay apart: nothing outside reader/tui imports Textual."""

from __future__ import annotations

import subprocess
import sys

NON_UI = [
    "reader", "reader.model", "reader.locations", "reader.ingest", "reader.search",
    "reader.bookmarks", "reader.cli", "reader.commands",
]  # fmt: skip


def _imported(modules: list[str]) -> list[str]:
    """Every module loaded by importing `modules` in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout.split()


def test_non_ui_layers_do_not_import_textual() -> None:
    loaded = _imported(NON_UI)
    assert not [m for m in loaded if m == "textual" or m.startswith("textual.")]


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
