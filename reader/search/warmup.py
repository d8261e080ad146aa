"""`Library.warm()`: what the first keystrokes would otherwise wait for, loaded in the background.

Rows, the vocabulary and the scores of the commonest terms, read through private searchers
outside the library lock, so searches typed meanwhile never wait for it.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING, Any

from reader.diagnostics import degraded, unexpected
from reader.search.compat import Unsupported, fast
from reader.search.lexicon import Lexicon

if TYPE_CHECKING:
    from reader.search.catalog import PaperRow
    from reader.search.engine import Engine

#: `warm()` scores the most frequent terms of each default field (at most PRIME_TERMS each)
#: until PRIME_POSTINGS scores are kept (about 40 MB at 100k papers).
PRIME_TERMS = 12
PRIME_POSTINGS = 400_000


class WarmUpMixin:
    """`warm()` for `Library`."""

    if TYPE_CHECKING:  # provided by Library
        _lock: threading.RLock
        _searcher: Any
        _ix: Any
        _fast: Engine | None
        _lex: tuple[Any, Lexicon] | None
        _lex_searcher: Any
        warmed: threading.Event

        def _fresh(self, index: bool = True) -> bool: ...
        def _ensure_rows(self) -> None: ...
        def _all_rows(self) -> dict[str, PaperRow]: ...
        def _source_table(self) -> list[tuple[str, ...]]: ...
        def _drop_lexicon(self) -> None: ...
        def _engine(self) -> Engine: ...

    def warm(self) -> None:
        """Load what the first keystrokes would otherwise wait for (rows, ids, vocabulary).

        Meant for a background thread after the index opens. The vocabulary (the slow part:
        about 0.6 s at 100k papers) is read through a private searcher outside the lock, so
        searches meanwhile are not held up; Whoosh readers are not shared across threads.
        """
        try:
            self._warm()
        finally:
            self.warmed.set()

    def _warm(self) -> None:
        try:
            self._ensure_rows()
            if not fast():
                return  # the rest primes the fast paths
            import reader.search.query  # noqa: F401 - Whoosh's modules, loaded outside the lock
            from reader.search.engine import Engine

            with self._lock:
                if not self._fresh():  # opens Whoosh
                    return
                searcher, ix = self._searcher, self._ix
                loaded = self._lex is not None and self._lex[0] is searcher
            # One private searcher, outside the lock, reads the id column and scores the
            # common terms; Whoosh readers are not shared across threads.
            own = ix.searcher()
            try:
                private = Engine(own)
                self._adopt_doc_ids(searcher, private)
                with self._lock:
                    if self._searcher is searcher:
                        self._source_table()
                if not loaded:
                    self._load_lexicon(ix, searcher)
                self._prime_common_terms(searcher, private)
            finally:
                own.close()
        except (OSError, sqlite3.Error) as exc:  # a damaged index is reported by its reads
            degraded("warm-up", f"skipped: the index cannot be read ({exc})")
        except Unsupported as exc:
            degraded("warm-up", f"skipped: {exc}")
        except Exception as exc:
            unexpected("warm-up", exc)

    def _adopt_doc_ids(self, searcher: Any, private: Engine) -> None:
        """Read the paper id of every docnum through the private engine (0.1 s at 100k
        papers) and hand it to the shared engine if it reads the same segments."""
        ids = private.doc_ids()
        with self._lock:
            shared = self._engine()
            if self._searcher is searcher and shared.segment_ids() == private.segment_ids():
                shared.adopt_ids(ids)

    def _load_lexicon(self, ix: Any, searcher: Any) -> None:
        """Read the `words` vocabulary through a searcher of its own that it keeps."""
        own = ix.searcher()
        try:
            lexicon = Lexicon(own.reader(), "words")
        except BaseException:
            own.close()
            raise
        with self._lock:
            if self._searcher is searcher and (self._lex is None or self._lex[0] is not searcher):
                self._drop_lexicon()
                self._lex, self._lex_searcher = (searcher, lexicon), own
            else:
                own.close()

    def _prime_common_terms(self, searcher: Any, private: Engine) -> None:
        """Score the most common title and abstract terms ahead of time (`model` is in 90% of
        abstracts: scoring it cold was most of the slowest keystroke's time). The work runs
        on the private engine of the same segments, outside the lock; only handing the
        scores to the shared engine takes the lock, so searches meanwhile do not wait."""
        from reader.search.schema import DEFAULT_FIELDS

        with self._lock:
            shared = self._engine()
            if self._searcher is not searcher or shared.primed:
                return
            shared.primed = True
            segments = shared.segment_ids()
        if private.segment_ids() != segments:
            return  # a sync committed meanwhile: the next warm() primes the new index
        own = private.searcher
        # The abstract's commonest terms (0.9 s at 100k papers) stand for the title's too:
        # the same words lead both.
        top = [text for _freq, text in own.reader().most_frequent_terms("abstract", PRIME_TERMS)]
        common = sorted(
            (
                (own.doc_frequency(field, text), field, text)
                for field in DEFAULT_FIELDS
                for text in top
            ),
            reverse=True,
        )
        budget = PRIME_POSTINGS
        for df, field, text in common:
            if df <= budget:
                word = text if isinstance(text, str) else text.decode("utf-8")
                budget -= private.prime(field, word)
        with self._lock:
            if self._searcher is searcher and self._fast is shared:
                shared.adopt_scores(private)
