"""The README's promises: the set-up commands CI runs, and every key of the app documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_test_command_is_what_ci_runs() -> None:
    run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest"
        in README
    )
    assert "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/paper-reader" in README
    assert re.search(r'^\.venv/bin/python -m pip install --quiet "\.\[test\]"$', run, re.M)
    # The same command; CI adds only a report of the slowest tests.
    assert re.search(r"^\.venv/bin/python -m pytest --durations=20$", run, re.M)


def test_readme_lists_every_app_key() -> None:
    from reader.tui.keys import APP_KEYS

    table = README.split("## Keys", 1)[1].split("### Query syntax", 1)[0]
    for key in APP_KEYS:
        shown = key.display or key.keys
        assert f"`{shown}`" in table, f"README's key table lacks {shown} ({key.action})"


def test_readme_lists_every_cli_command() -> None:
    from reader.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    assert commands
    for name in commands:
        assert (
            f"paper-reader {name}" in README or f"paper-reader --dumps ~/papers {name}" in README
        ), name
