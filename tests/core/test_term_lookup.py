"""Term infos found together (`Engine.locate_all`, one pass over each segment's terms) are
exactly those found word by word (`Engine.located`, a look-up per segment): the same
segments in the same order, the same infos, the same frequencies, on indexes of several
segments with deletions, for prefixes, words some segments lack, words in no segment,
non-ASCII words and passes that stop early; and a search for a prefix answers the same."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from whoosh import fields
from whoosh.filedb.filestore import RamStorage

import reader.search.term_lookup as term_lookup
import reader.search.term_store as term_store
from reader.search import Library
from reader.search.engine import Engine
from tests.core.test_rankings import one_segment, synced

__all__ = ["one_segment", "synced"]  # the fixtures, shared with test_rankings


def _same(field: str, words: list[str], searcher: Any, few: int = 2) -> tuple[int, int]:
    """Checks `locate_all` against `located` on fresh engines; (look-ups it made, look-ups
    word by word would make)."""
    plain, together = Engine(searcher), Engine(searcher)
    looked: list[bytes] = []
    lookup = together.terms._info

    def counted(field: str, leaf: int, btext: bytes) -> Any:
        looked.append(btext)
        return lookup(field, leaf, btext)

    together.terms._info = counted  # type: ignore[method-assign]
    old = term_lookup.FEW_WORDS
    term_lookup.FEW_WORDS = few
    try:
        together.terms.locate_all(field, words)
    finally:
        term_lookup.FEW_WORDS = old
    made = len(looked)
    for word in words:
        key = (field, word)
        assert key in together.terms._located, word
        expected, found = plain.terms.located(field, word), together.terms.located(field, word)
        assert [leaf for leaf, _ in found] == [leaf for leaf, _ in expected], word
        assert [vars(i) for _, i in found] == [vars(i) for _, i in expected], word
        assert together.terms.frequency(field, word) == plain.terms.frequency(field, word), word
        assert together.terms.frequency(field, word) == searcher.doc_frequency(field, word), word
    assert len(looked) == made  # every word was remembered: none looked up again
    return made, len(set(words)) * len(plain.leaves)


def _vocabulary(searcher: Any, field: str = "words") -> list[str]:
    return [t.decode("utf-8") for t in searcher.reader().lexicon(field)]


@pytest.fixture(params=["one_segment", "synced"])
def searcher(request: pytest.FixtureRequest) -> Iterator[Any]:
    lib: Library = request.getfixturevalue(request.param)
    with lib._lock:
        yield lib._engine().searcher


def prefix_words(searcher: Any) -> list[str]:
    """The `words` of the searcher's commonest two-letter start (a prefix's expansion)."""
    vocabulary = _vocabulary(searcher)
    heads: dict[str, int] = {}
    for word in vocabulary:
        heads[word[:2]] = heads.get(word[:2], 0) + 1
    head = max(heads, key=heads.__getitem__)
    words = [w for w in vocabulary if w.startswith(head)]
    assert len(words) > 20
    return words


def test_a_prefix_s_words_are_found_in_one_pass(searcher: Any) -> None:
    words = prefix_words(searcher)
    made, one_by_one = _same("words", words, searcher)
    assert made == 0 and one_by_one > 0  # no look-up: the pass decided every word


def test_words_in_some_segments_or_none_and_other_fields(synced: Library) -> None:
    with synced._lock:
        searcher = synced._engine().searcher
        segments = [
            {t.decode("utf-8") for t in leaf.lexicon("title")}
            for leaf, _ in Engine(searcher).leaves
        ]
        only = sorted(set.union(*segments) - set.intersection(*segments))
        assert only
        words = only[:40] + [w + "qqq" for w in only[:10]] + ["m", "mz", "m" * 30]
        _same("title", words, searcher)
        _same("title", [w for w in words if w.startswith(only[0][0])], searcher)


def test_a_pass_through_few_wanted_words_stops_and_looks_the_rest_up(
    searcher: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pattern's words, a small part of the words between them (`c*tion` among `c*`)."""
    monkeypatch.setattr(term_lookup, "PER_WORD", 1)
    monkeypatch.setattr(term_lookup, "SLACK", 2)
    head = max("abcdefghijklmnopqrstuvwxyz", key=lambda c: len(_range(searcher, c)))
    spread = _range(searcher, head)[::7]
    words = spread + [w + "zz" for w in spread[:5]]
    made, one_by_one = _same("words", words, searcher)
    assert 0 < made < one_by_one
    ending = [w for w in _range(searcher, head) if w.endswith(("tion", "ing"))]
    _same("words", [*ending, head + "ation"], searcher)


def _range(searcher: Any, head: str) -> list[str]:
    return [w for w in _vocabulary(searcher) if w.startswith(head)]


def test_non_ascii_words(searcher: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Words compare as the index stores them (UTF-8 bytes): `é` and `ê` share a first
    byte, not a first character."""
    monkeypatch.setattr(term_lookup, "SLACK", 1)
    vocabulary = _vocabulary(searcher)
    accented = [w for w in vocabulary if not w.isascii()]
    invented = ["éa", "éb", "êa", "ézzz", "é", "ê", "é\U0001d49c", "é\uffff", "ê" * 5]
    _same("words", accented + invented, searcher)
    _same("words", invented, searcher)


WORDS = st.text(alphabet="abgnéêζ\U0001d49c", min_size=1, max_size=5)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.lists(st.lists(WORDS, min_size=1, max_size=4), max_size=6), min_size=1, max_size=4),
    st.data(),
    st.integers(0, 3),
    st.integers(0, 4),
)
def test_random_vocabularies_and_words(
    segments: list[list[list[str]]], data: st.DataObject, per_word: int, slack: int
) -> None:
    """Several segments of random words (some documents deleted), random words asked for
    (some in no segment), passes stopped at random bounds."""
    assume(any(segments))  # an index of no document has no segment to read
    schema = fields.Schema(id=fields.ID(stored=True, unique=True), words=fields.KEYWORD)
    ix = RamStorage().create_index(schema)
    ids = []
    for number, documents in enumerate(segments):
        writer = ix.writer()
        for row, words in enumerate(documents):
            ids.append(f"{number}.{row}")
            writer.add_document(id=ids[-1], words=" ".join(words))
        writer.commit(merge=False)
    gone = data.draw(st.lists(st.sampled_from(ids), max_size=3)) if ids else []
    if gone:
        writer = ix.writer()
        for doc in gone:
            writer.delete_by_term("id", doc)
        writer.commit(merge=False)
    with ix.searcher() as searcher:
        vocabulary = (
            _vocabulary(searcher) if "words" in searcher.reader().indexed_field_names() else []
        )
        asked = data.draw(st.lists(st.sampled_from(vocabulary), max_size=12)) if vocabulary else []
        asked += data.draw(st.lists(WORDS, max_size=6))
        old = term_lookup.PER_WORD, term_lookup.SLACK
        term_lookup.PER_WORD, term_lookup.SLACK = per_word, slack
        try:
            _same("words", asked, searcher, few=1)
        finally:
            term_lookup.PER_WORD, term_lookup.SLACK = old


def test_a_count_forgotten_before_its_infos_is_counted_again(
    synced: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The frequencies are cleared when full while the term infos are kept longer."""
    monkeypatch.setattr(term_store, "FREQUENCIES", 3)
    with synced._lock:
        engine = Engine(synced._engine().searcher)
        words = _vocabulary(engine.searcher)[:30]
        engine.terms.locate_all("words", words)
        for word in words:
            assert engine.terms.frequency("words", word) == engine.searcher.doc_frequency(
                "words", word
            )


@pytest.mark.parametrize("few", [1, 10**9])
def test_a_prefix_search_answers_the_same_either_way(
    synced: Library, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """Searches whose words are found together, or one by one, or by passes that stop
    early, give the same papers, scores and totals."""
    queries = ["gen*", "mod*", "*tion", "difusion~", "lang* NOT vision", "trans* OR gen*", "m?d*"]
    answers = []
    for setting in [(10**9, 3, 32), (few, 3, 32), (few, 0, 1)]:
        for name, value in zip(("FEW_WORDS", "PER_WORD", "SLACK"), setting, strict=True):
            monkeypatch.setattr(term_lookup, name, value)
        answers.append(_answers(synced, queries))
    assert answers[0] == answers[1] == answers[2]


def _answers(lib: Library, queries: list[str]) -> list[tuple[list[str], int, dict[str, float]]]:
    with lib._lock:
        gen = lib._gen
        assert gen is not None
        gen._engine = None  # a new engine: nothing located yet
    out = []
    for q in queries:
        r = lib.search(q, limit=50)
        out.append((r.ids, r.total, r.scores))
    return out
