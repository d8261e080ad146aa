"""Search fails loudly, once: an index damaged on disk gives a note, anything else is a bug.

A bug inside `Library.search` (or the query parser) is logged with its traceback to the file
`paper-reader paths` names and raised under `PAPER_READER_STRICT=1`; without strict mode the
user gets the same one-line note as for a damaged index (or the query searched as plain words),
and the log has the traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import reader.search.query as query_module
from reader import diagnostics
from reader.locations import resolve_locations
from reader.search import Library
from reader.search.compat import FAST_ENV
from reader.search.storage import WHOOSH_DIR, remove_orphans
from tests.core.conftest import SAMPLES


def _log() -> str:
    path = resolve_locations().log_file
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise ZeroDivisionError("a bug inside search")


def test_a_bug_in_search_is_logged_and_raised_when_strict(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(diagnostics.STRICT_ENV, "1")
    monkeypatch.setattr(query_module, "parse", _boom)
    with pytest.raises(ZeroDivisionError):
        sample_library.search("diffusion")
    log = _log()
    assert "unexpected error in searching" in log
    assert "ZeroDivisionError: a bug inside search" in log


def test_a_bug_in_search_gives_the_note_and_a_log_entry_when_not_strict(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(diagnostics.STRICT_ENV, "0")
    monkeypatch.setattr(query_module, "parse", _boom)
    result = sample_library.search("diffusion")
    assert result.ids == [] and result.total == 0
    assert result.note is not None
    assert result.note.startswith("search failed (ZeroDivisionError: a bug inside search)")
    assert "paper-reader index --rebuild" in result.note
    log = _log()
    assert "unexpected error in searching" in log
    assert "ZeroDivisionError: a bug inside search" in log


def test_a_damaged_index_gives_the_note_and_is_not_logged_as_a_bug(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    def truncated(*args: Any, **kwargs: Any) -> Any:
        raise EOFError("a segment file ends early")

    monkeypatch.setenv(diagnostics.STRICT_ENV, "1")
    monkeypatch.setattr(query_module, "parse", truncated)
    result = sample_library.search("diffusion")
    assert result.ids == []
    assert result.note is not None and "EOFError: a segment file ends early" in result.note
    assert "unexpected error" not in _log()


def test_a_bug_in_the_query_parser_is_logged_and_the_plain_words_searched(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert sample_library.search("diffusion").total > 0  # opens Whoosh
    parser = sample_library._parser
    real = parser.parse

    def fragile(text: str, *args: Any, **kwargs: Any) -> Any:
        if ":" in text:
            raise ZeroDivisionError("a bug inside the parser")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(parser, "parse", fragile)
    monkeypatch.setenv(diagnostics.STRICT_ENV, "1")
    with pytest.raises(ZeroDivisionError):
        sample_library.search("title:diffusion")

    monkeypatch.setenv(diagnostics.STRICT_ENV, "0")
    result = sample_library.search("abstract:diffusion")
    plain = sample_library.search("abstract diffusion")
    assert result.note is not None
    assert "could not read the query (ZeroDivisionError); searched the plain words" in result.note
    assert result.ids == plain.ids
    assert "unexpected error in parsing a query" in _log()


def test_a_parser_error_on_user_text_is_expected(sample_library: Library) -> None:
    # Lone surrogates (undecodable command-line bytes) cannot be encoded by Whoosh: the
    # plain-words fallback answers, strict mode raises nothing, the log has no bug.
    result = sample_library.search("title:\ud800diffusion")
    assert result.note is None or "search failed" not in result.note
    assert "unexpected error" not in _log()


@pytest.mark.parametrize("fast", ["1", "0"])
def test_orphan_removal_goes_through_the_compat_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    # Files no commit refers to (a killed sync's) are removed through Whoosh's private TOC
    # helpers on the Whoosh they were written for; with the fast paths off they stay, and the
    # log says the removal was skipped. The index answers the same either way.
    dumps = tmp_path / "dumps"
    shutil.copytree(SAMPLES, dumps)
    lib = Library([dumps], tmp_path / "index")
    lib.sync()
    lib.close()
    whoosh_dir = tmp_path / "index" / WHOOSH_DIR
    orphans = [whoosh_dir / "MAIN_0000000000000000.seg", whoosh_dir / "_MAIN_0.toc"]
    for orphan in orphans:
        orphan.write_bytes(b"left by a killed sync")
    monkeypatch.setenv(FAST_ENV, fast)
    monkeypatch.setattr(diagnostics, "_said", set())  # each cause is logged once per process
    remove_orphans(tmp_path / "index")
    left = [orphan.exists() for orphan in orphans]
    if fast == "1":
        assert left == [False, False]
    else:
        assert left == [True, True]
        assert "removing files a failed sync left: skipped: the fast paths are off" in _log()
    again = Library([dumps], tmp_path / "index")
    assert again.search("diffusion").total > 0
    again.close()


def test_counts_and_suggestions_degrade_on_a_damaged_index_without_a_bug_report(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    def garbled(*args: Any, **kwargs: Any) -> Any:
        raise EOFError("a posting block ends early")

    monkeypatch.setenv(diagnostics.STRICT_ENV, "1")
    monkeypatch.setattr(diagnostics, "_said", set())
    monkeypatch.setattr(query_module, "parse", garbled)
    assert sample_library.facets("diffusion") == {}
    assert sample_library.matches("diffusion") == []
    log = _log()
    assert "unexpected error" not in log
    assert "facet counts: none while the index cannot be read (a posting block ends early)" in log
