"""`Library.suggest()`: "did you mean", from the in-memory vocabulary of the `words` field."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reader.diagnostics import degraded, unexpected
from reader.search.compat import attempt, fast
from reader.search.lexicon import Lexicon, LexiconReader, correct
from reader.search.spelling import InitialVocabulary
from reader.search.types import MAX_QUERY_CHARS


class SuggestMixin:
    """`suggest()` and the vocabulary for `Library`."""

    if TYPE_CHECKING:  # provided by Library
        _lock: threading.RLock
        _searcher: Any
        _words_parser: Any
        _lex: tuple[Any, Lexicon] | None

        def _fresh(self, index: bool = True) -> bool: ...

    def suggest(self, query: str) -> str | None:
        """ "Did you mean": the query with unknown words corrected, or None."""
        try:
            with self._lock:
                return self._suggest(query[:MAX_QUERY_CHARS]) if self._fresh() else None
        except (OSError, sqlite3.Error) as exc:  # an index that cannot be read
            degraded("spelling suggestions", f"none while the index cannot be read ({exc})")
            return None
        except Exception as exc:
            unexpected("spelling suggestions", exc)
            return None

    def _suggest(self, text: str) -> str | None:
        fixed = attempt("spelling suggestions (lexicon)", lambda: self._suggest_fast(text))
        if fixed is None:  # Whoosh's own (slower) corrector
            try:
                q = self._words_parser.parse(text)
                fixed = str(self._searcher.correct_query(q, text, maxdist=2, prefix=1).string)
            except (TypeError, ValueError, AttributeError) as exc:
                # Whoosh's corrector fails on some queries (`AA:Aé`: its highlighter sorts
                # tokens without positions): no suggestion for those.
                degraded("spelling suggestions (Whoosh's corrector)", f"{type(exc).__name__}")
                return None
        return fixed if fixed and fixed.casefold() != text.casefold() else None

    def _suggest_fast(self, text: str) -> str:
        """Each unknown word replaced by the most common known word one or two edits away."""
        reader = self._searcher.reader()
        loaded = self._lex[1] if self._lex is not None and self._lex[0] is self._searcher else None
        known: Callable[[str], bool]
        df: Callable[[str], int]
        vocabulary: Callable[[], Any] = self._lexicon
        if loaded is not None:
            known, df = loaded.known.__contains__, loaded.df
        else:  # look words up in the term index; 2-edit misses read one initial's words
            known = lambda w: ("words", w) in reader  # noqa: E731
            df = lambda w: reader.doc_frequency("words", w)  # noqa: E731
            vocabulary = lambda: InitialVocabulary(reader, "words")  # noqa: E731
        from reader.search.analysis import plain_analyzer

        out, last = [], 0
        for token in plain_analyzer()(text, chars=True, removestops=False):
            if text[token.endchar : token.endchar + 1] == ":" or text[
                token.startchar : token.endchar
            ] in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
                continue  # a field name or an operator, not a word to correct
            better = correct(token.text, known, df, vocabulary)
            if better is not None:
                out += [text[last : token.startchar], better]
                last = token.endchar
        return "".join([*out, text[last:]])

    def _lexicon(self) -> Lexicon:
        """The `words` vocabulary of the current searcher (loaded on first use)."""
        if self._lex is None or self._lex[0] is not self._searcher:
            self._lex = (self._searcher, Lexicon(self._searcher.reader(), "words"))
        return self._lex[1]

    def _query_reader(self) -> Any:
        """The reader queries expand against: `words` expansions use the in-memory lexicon
        (Whoosh's own term walks when the fast paths are off)."""
        if not fast():
            return self._searcher.reader()
        return LexiconReader(self._searcher.reader(), self._lexicon)
