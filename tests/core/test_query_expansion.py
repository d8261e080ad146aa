"""A prefix, wildcard or fuzzy term on the default fields is expanded once per query: the
title's and the abstract's copies both search `words`, and the query is the one Whoosh's
own `normalize` makes of both copies."""

from __future__ import annotations

from typing import Any

import pytest
from whoosh import query as wq

from reader.search import Library
from reader.search import query as rq


def _reference(text: str, lib: Library) -> tuple[Any, list[str]]:
    """The query as every multi-term node expanded on its own, then normalized."""
    gen = lib._current_gen()
    assert gen is not None
    reader = gen.query_reader()
    notes: list[str] = []

    def bound(q: Any) -> Any:
        if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
            return rq._expand(q, reader, notes)
        if q.is_leaf():
            return q
        return q.apply(bound).normalize()

    return bound(gen.parser.parse(text)), notes


@pytest.mark.parametrize(
    "text",
    [
        "gen*",
        "diffus* OR model*",
        "gen* gen*",
        "difusion~ title:trans*",
        "gen*tion NOT model*",
        "ab*",
        "(gen* OR gen*) AND qu?nt*",
        "gen* model",
        "title:gen*",
        "(gen*)",
        "zzqx*",
        "diffusion*",
    ],
)
def test_expansions_are_shared_and_the_query_unchanged(sample_library: Library, text: str) -> None:
    gen = sample_library._current_gen()
    assert gen is not None
    parsed = rq.parse(text, gen.parser, gen.query_reader())
    expected, notes = _reference(text, sample_library)
    assert parsed.query == expected
    assert repr(parsed.query) == repr(expected)  # the engine remembers results by repr
    assert parsed.notes == list(dict.fromkeys(notes))  # a truncation is noted once


def test_a_cut_expansion_is_noted_once(
    sample_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rq, "MAX_EXPANSION", 2)
    gen = sample_library._current_gen()
    assert gen is not None
    parsed = rq.parse("gen*", gen.parser, gen.query_reader())
    assert len(parsed.notes) == 1 and "searched the 2 most common" in parsed.notes[0]
    assert isinstance(parsed.query, wq.Or) and len(parsed.query.subqueries) == 2
