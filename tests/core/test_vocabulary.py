"""The compact vocabulary answers as a plain set and sorted list of the same words do.

`SetLexicon` is the vocabulary as it was held before (a set, a sorted list, a joined str
for wildcards, length buckets for fuzzy search): every operation of `Lexicon`, read from
several segments, must give its answers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search.lexicon import Lexicon, _distance_within, _edits1, _pattern, correct
from reader.search.vocabulary import Vocabulary


class SetLexicon:
    """The reference: the words in a set and a sorted list, scanned in Python."""

    def __init__(self, words: Iterable[str], freqs: dict[str, int]) -> None:
        self.known = set(words)
        self.words = sorted(self.known)
        self.freqs = freqs

    def __contains__(self, word: str) -> bool:
        return word in self.known

    def df(self, word: str) -> int:
        return self.freqs.get(word, 0)

    def prefix(self, text: str) -> Iterator[str]:
        words = self.words
        i = bisect.bisect_left(words, text)
        while i < len(words) and words[i].startswith(text):
            yield words[i]
            i += 1

    def wildcard(self, pattern: str) -> Iterator[str]:
        regex = _pattern(pattern)
        return (w for w in self.words if regex.match(w))

    def fuzzy(self, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        if maxdist <= 0:
            return [text] if text in self.known else []
        found = {w for w in _edits1(text) if w in self.known}
        if text in self.known:
            found.add(text)
        if maxdist >= 2:
            found.update(self._within(text, maxdist))
        head = text[:prefix]
        return sorted(w for w in found if w.startswith(head))

    def _within(self, text: str, maxdist: int) -> Iterator[str]:
        buckets: dict[tuple[str, int], list[str]] = {}
        for w in self.words:
            buckets.setdefault((w[:1], len(w)), []).append(w)
        for first in {text[:1], text[1:2]}:
            for size in range(len(text) - maxdist, len(text) + maxdist + 1):
                for word in buckets.get((first, size), ()):
                    if _distance_within(text, word, maxdist):
                        yield word


class _Leaf:
    """One segment's sorted terms and their document frequencies."""

    def __init__(self, words: Iterable[str]) -> None:
        self.schema = {"words": None}
        self.terms = sorted({w.encode("utf-8") for w in words})
        self.own = {t.decode("utf-8") for t in self.terms}

    def lexicon(self, field: str) -> Iterator[bytes]:
        return iter(self.terms)

    def doc_frequency(self, field: str, word: str) -> int:
        return 1 if word in self.own else 0


class _Reader:
    def __init__(self, segments: list[list[str]]) -> None:
        self.leaves = [_Leaf(words) for words in segments]

    def leaf_readers(self) -> list[tuple[_Leaf, int]]:
        return [(leaf, 0) for leaf in self.leaves]


# Letters that make shared prefixes likely, unicode of every width (é, λ, 中, a character
# beyond the BMP), regular-expression metacharacters, a space, a tab and NUL (they sort
# before the newline that separates the words).
_CHARS = list("aabbcdéλ中\U0001d49cß.+()[]\\^$|{}- \t\x00")
_WORD = st.text(alphabet=st.sampled_from(_CHARS), min_size=1, max_size=7)
_SEGMENTS = st.lists(st.lists(_WORD, max_size=120), min_size=1, max_size=4)


def _pair(segments: list[list[str]]) -> tuple[Lexicon, SetLexicon]:
    reader = _Reader(segments)
    everything = [w for words in segments for w in words]
    freqs = {w: sum(w in leaf.own for leaf in reader.leaves) for w in set(everything)}
    return Lexicon(reader, "words"), SetLexicon(everything, freqs)


def _probes(data: st.DataObject, words: list[str]) -> list[str]:
    """Texts to look up: words, their prefixes and extensions, and random text."""
    out = data.draw(st.lists(_WORD, max_size=10))
    if words:
        picked = data.draw(st.lists(st.sampled_from(words), max_size=10))
        out += picked + [w[: len(w) // 2] for w in picked] + [w + "a" for w in picked]
        out += [w[:-1] + "\U0010ffff" for w in picked]
    return [*out, "", "a", "\n", "a\na", "\ud800"]


@settings(max_examples=200, deadline=None)
@given(segments=_SEGMENTS, data=st.data())
def test_membership_prefix_and_order_match_a_set(
    segments: list[list[str]], data: st.DataObject
) -> None:
    lex, ref = _pair(segments)
    assert list(lex.words) == ref.words and len(lex.words) == len(ref.words)
    assert [lex.words[i] for i in range(len(ref.words))] == ref.words
    assert lex.words[::3] == ref.words[::3]
    for text in _probes(data, ref.words):
        assert (text in lex) == (text in ref), text
        assert lex.among([text, "\n", text]) == ([text, text] if text in ref else [])
        assert lex.df(text) == ref.df(text), text
        assert list(lex.prefix(text)) == list(ref.prefix(text)), text
        assert [t.decode("utf-8") for t in lex.prefix_bytes(text)] == list(ref.prefix(text))


@settings(max_examples=200, deadline=None)
@given(segments=_SEGMENTS, data=st.data())
def test_wildcards_match_a_scan_of_every_word(
    segments: list[list[str]], data: st.DataObject
) -> None:
    lex, ref = _pair(segments)
    patterns = data.draw(st.lists(st.text(st.sampled_from([*_CHARS, "*", "?"]), max_size=6)))
    for word in data.draw(st.lists(st.sampled_from(ref.words), max_size=6)) if ref.words else []:
        # A word with a wildcard in place of some of its characters
        i = data.draw(st.integers(0, len(word)))
        j = data.draw(st.integers(i, len(word)))
        patterns += [word[:i] + "*" + word[j:], word[:i] + "?" * (j - i) + word[j:]]
        patterns += ["*" + word[i:], word[:i] + "*", "?" + word[1:]]
    for pattern in [*patterns, "*", "?", "??", "*\n*", ""]:
        assert list(lex.wildcard(pattern)) == list(ref.wildcard(pattern)), pattern


@settings(max_examples=150, deadline=None)
@given(segments=_SEGMENTS, data=st.data())
def test_fuzzy_terms_and_corrections_match_a_set(
    segments: list[list[str]], data: st.DataObject
) -> None:
    lex, ref = _pair(segments)
    texts = _probes(data, ref.words)
    for word in data.draw(st.lists(st.sampled_from(ref.words), max_size=5)) if ref.words else []:
        # One or two edits from a known word, with letters the candidates are made from
        for _ in range(data.draw(st.integers(1, 2))):
            i = data.draw(st.integers(0, len(word)))
            letter = data.draw(st.sampled_from("abcdz"))
            word = data.draw(
                st.sampled_from(
                    [word[:i] + letter + word[i:], word[:i] + word[i + 1 :], word[::-1]]
                )
            )
        texts.append(word)
    for text in texts:
        for maxdist in (0, 1, 2):
            for prefix in (0, 1, 2):
                assert lex.fuzzy(text, maxdist, prefix) == ref.fuzzy(text, maxdist, prefix)
        assert sorted(lex._within(text, 2)) == sorted(ref._within(text, 2)), text
        expected = correct(text, ref.__contains__, ref.df, lambda: ref)
        assert correct(text, lex.__contains__, lex.df, lambda: lex) == expected
        assert correct(text, lex.__contains__, lex.df, lambda: lex, among=lex.among) == expected


def test_a_vocabulary_of_many_blocks_finds_every_word_and_no_other() -> None:
    words = [f"{a}{b}{n}" for a in "abcé" for b in "xyλ" for n in range(300)]
    vocabulary = Vocabulary.of(words)
    assert list(vocabulary) == sorted(set(words))
    assert all(w in vocabulary for w in words)
    assert not any(w + "x" in vocabulary for w in words)
    assert vocabulary.prefix("éλ29") == sorted(w for w in words if w.startswith("éλ29"))
    assert vocabulary.wildcard("?y?99") == sorted(w for w in words if re.fullmatch(".y.99", w))
    assert vocabulary.sized("b", 4, 4) == sorted(w for w in words if w[0] == "b" and len(w) == 4)


def test_a_vocabulary_built_with_pauses_pauses_after_every_chunk_and_is_the_same() -> None:
    """A warm-up builds the vocabulary of a million papers (seconds) calling its pause after
    every chunk of words, so that searches typed meanwhile go first."""
    from reader.search import vocabulary as module

    words = sorted({f"{a}{n}".encode() for a in "abcdefgh" for n in range(1500)})
    pauses: list[int] = []
    paused = Vocabulary(iter(words), lambda: pauses.append(1))
    assert list(paused) == list(Vocabulary(iter(words)))
    assert len(pauses) == -(-len(words) // module._CHUNK) > 2


def test_an_empty_vocabulary_answers_nothing() -> None:
    lex = Lexicon(_Reader([[]]), "words")
    assert list(lex.words) == [] and "" not in lex and "a" not in lex
    assert list(lex.prefix("")) == [] and list(lex.wildcard("*")) == []
    assert lex.fuzzy("ab", 2) == [] and lex.df("a") == 0


@settings(max_examples=200, deadline=None)
@given(words=st.lists(_WORD, max_size=300), probes=st.lists(_WORD, max_size=20))
def test_a_vocabulary_of_unique_sorted_words_is_the_one_the_constructor_makes(
    words: list[str], probes: list[str]
) -> None:
    """A sync joins its carried vocabulary in C (`Vocabulary.of_unique`): the same words,
    stored form and answers as the constructor's."""
    encoded = sorted({w.encode() for w in words})
    joined, built = Vocabulary.of_unique(encoded), Vocabulary(iter(encoded))
    assert b"".join(joined.write_bytes()) == b"".join(built.write_bytes())
    assert list(joined) == list(built) and list(joined.encoded()) == encoded
    assert [p in joined for p in probes] == [p in built for p in probes]
    assert [joined.prefix(p[:2]) for p in probes] == [built.prefix(p[:2]) for p in probes]
