"""Unexpected errors are logged to the file `paper-reader paths` names, and raised when strict."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from reader import diagnostics
from reader.locations import resolve_locations


def test_unexpected_is_logged_and_raised_when_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diagnostics.STRICT_ENV, "1")
    with pytest.raises(KeyError):
        try:
            raise KeyError("boom")
        except KeyError as exc:
            diagnostics.unexpected("a test", exc)
    text = resolve_locations().log_file.read_text(encoding="utf-8")
    assert "unexpected error in a test" in text
    assert "KeyError: 'boom'" in text


def test_unexpected_is_only_logged_when_not_strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(diagnostics.STRICT_ENV, "0")
    try:
        raise RuntimeError("quiet")
    except RuntimeError as exc:
        diagnostics.unexpected("a worker", exc)
    diagnostics.degraded("facet counts", "a reason")
    diagnostics.degraded("facet counts", "a reason")
    text = resolve_locations().log_file.read_text(encoding="utf-8")
    assert "RuntimeError: quiet" in text
    assert text.count("facet counts: a reason") == 1


def test_paths_names_the_log_file() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "reader", "paths", "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out)["log_file"] == str(resolve_locations().log_file)
