"""The layers stay apart: nothing outside reader/tui imports Textual."""

from __future__ import annotations

import subprocess
import sys

NON_UI = [
    "reader", "reader.model", "reader.locations", "reader.ingest", "reader.search",
    "reader.bookmarks", "reader.cli", "reader.commands",
]  # fmt: skip


def test_non_ui_layers_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {NON_UI!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "assert not bad, bad\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
