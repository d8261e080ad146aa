"""The warm-up of one index generation: what the first keystrokes would otherwise wait for.

The paper id of every docnum, the facet counts' table, the `words` vocabulary and the
impacts of the commonest terms are read through private searchers of the same commit,
outside the library lock, and handed to the generation under it, so searches typed
meanwhile never wait for the work; then the impacts later starts will want are stored.
`Library.warm()` loads the rows first and runs this on its current generation.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from reader.search.analysis import plain_analyzer, stemming_analyzer
from reader.search.lexicon import Lexicon

if TYPE_CHECKING:
    from reader.search.engine import Engine
    from reader.search.facet_table import FacetTable
    from reader.search.generation import Generation
    from reader.search.open_index import OpenIndex
    from reader.search.row_loader import RowLoader

#: The warm-up builds the impacts of the title and abstract terms of the words most common
#: in a sample of titles (at most PRIME_TERMS words, SAMPLE_TITLES titles) within a third
#: of the impact cache: bounded time and memory at any size.
PRIME_TERMS = 12
SAMPLE_TITLES = 2_000
#: The warm-up stores (`reader.search.impact_store`) the impacts of at most this many
#: postings in all (a few seconds of work at a million papers), of the terms users asked
#: for and of the STORE_TERMS words most common in the titles sample.
STORE_POSTINGS = 12_000_000
STORE_TERMS = 48
#: A build also stores the unstemmed words (the `words` field, which prefixes, wildcards
#: and fuzzy terms expand on) most common in a sample of its texts, within this many
#: postings: the common words of `gen*` are then read, not built, on their first use. At a
#: million papers the words of `impact_plan.RARE` postings or more (those an expansion ranks from
#: their impacts) hold about 83 million: this covers nearly all of them.
WORD_POSTINGS = 80_000_000


def common_stems(texts: Iterable[str], count: int) -> list[str]:
    """The `count` stems found in the most of `texts` (a sample: of titles, at most
    `SAMPLE_TITLES`, or a build's of titles and abstracts): the words queries use most and
    the commonest in the index (whose postings cost the most to score)."""
    return _commonest(texts, count, stemming_analyzer())


def warm_library(
    index: OpenIndex,
    lock: threading.RLock,
    rows: RowLoader,
    facet_table: FacetTable,
    pause: Callable[[], None],
) -> None:
    """`Library.warm`'s work: open the Whoosh index (the first word typed needs it: at a
    million papers opening its segments takes a tenth of a second, more beside the rows'
    reading), load the rows, then (on the fast paths) warm the current generation
    (`WarmUp`), pausing for searches. A damaged index or a Whoosh the fast paths cannot use
    is logged once; anything else is a bug, logged."""
    from reader.diagnostics import degraded, unexpected
    from reader.search.compat import Unsupported, fast
    from reader.search.storage import damage_errors

    try:
        import reader.search.query  # noqa: F401 - Whoosh's modules, loaded outside the lock

        with lock:
            index.fresh()  # opens Whoosh
        rows.load(pause=pause)
        if not fast():
            return  # the rest primes the fast paths
        with lock:
            if index.fresh() is None:  # opens Whoosh
                return
            gen = index.gen
        assert gen is not None

        def current() -> Generation | None:
            return index.gen

        def ensure_facet_table() -> None:
            facet_table.ensure(pause)

        WarmUp(gen, lock, current, ensure_facet_table, rows.titles, pause).run()
    except damage_errors() as exc:  # a damaged index is reported by its reads
        degraded("warm-up", f"skipped: the index cannot be read ({exc})")
    except Unsupported as exc:
        degraded("warm-up", f"skipped: {exc}")
    except Exception as exc:
        unexpected("warm-up", exc)


class WarmUp:
    """Warms `gen` while `current()` still returns it, taking `lock` only to hand results
    over. `facet_table()` reads the paper ids and builds the facet counts' table unless
    they are there (`reader.search.facet_table`); `titles(n)` gives a sample of at most n
    of the papers' titles (the common words are read from it); `pause()` is called between
    steps (it waits while a search runs: `reader.search.activity`)."""

    def __init__(
        self,
        gen: Generation,
        lock: threading.RLock,
        current: Callable[[], Generation | None],
        facet_table: Callable[[], None],
        titles: Callable[[int], Iterable[str]] = lambda _n: (),
        pause: Callable[[], None] = lambda: None,
    ) -> None:
        self.gen = gen
        self.lock = lock
        self.current = current
        self.facet_table = facet_table
        self.titles = titles
        self.pause = pause

    def run(self) -> None:
        from reader.search.engine import Engine

        gen = self.gen
        with self.lock:
            loaded = gen.lexicon_loaded is not None
            store = gen.impact_store()
        # One private searcher, outside the lock, reads the id column and scores the
        # common terms; Whoosh readers are not shared across threads.
        own = gen.ix.searcher()
        try:
            private = Engine(own, keep=False, store=store)  # postings read once
            self.pause()
            self.facet_table()
            self.pause()
            if not loaded:
                self._load_lexicon()
            else:
                self._store_vocabulary()
            self._prime_common_terms(private)
        finally:
            own.close()

    def _load_lexicon(self) -> None:
        """Read the `words` vocabulary through a searcher of its own that it keeps: the one
        stored for this commit (by its build or an earlier warm-up) if it can be read, else
        from every segment's term table, then stored beside the index for one-off commands
        and later starts (`reader.search.vocabulary_file`)."""
        own = self.gen.ix.searcher()
        try:
            lexicon = stored_lexicon(self.gen.ix, own.reader(), self.pause)
        except BaseException:
            own.close()
            raise
        with self.lock:
            if self.current() is self.gen and self.gen.lexicon_loaded is None:
                self.gen.adopt_lexicon(lexicon, own)
            else:
                own.close()

    def _store_vocabulary(self) -> None:
        """Store the vocabulary a search loaded before the warm-up got to it, for one-off
        commands and later starts, unless the file is there."""
        from reader.search import vocabulary_file

        with self.lock:
            lexicon = self.gen.lexicon_loaded
            path = vocabulary_file.path_for(self.gen.ix, self.gen.searcher.reader())
        if lexicon is not None and path is not None:
            vocabulary_file.store(path, lexicon.vocabulary)

    def _prime_common_terms(self, private: Engine) -> None:
        """Build the impacts of the most common title and abstract terms ahead of time
        (`model` is in most abstracts: cold, it would hold up the first keystrokes that use
        it), commonest first while they fit in a third of the impact cache. The work runs on
        the private engine of the same segments, outside the lock; only handing the impacts
        to the shared engine takes the lock, so searches meanwhile do not wait."""
        from reader.search.impact import CACHE_BYTES
        from reader.search.impact import STORE_POSTINGS as STORED_WORTH
        from reader.search.schema import DEFAULT_FIELDS

        with self.lock:
            shared = self.gen.engine()
            if self.current() is not self.gen or shared.primed:
                return
            shared.primed = True
            segments = shared.segment_ids()
        if private.segment_ids() != segments:
            return  # a sync committed meanwhile: the next warm() primes the new index
        own: Any = private.searcher
        words = common_stems(self.titles(SAMPLE_TITLES), STORE_TERMS)  # commonest first
        top = words[:PRIME_TERMS]
        common = sorted(
            (
                (own.doc_frequency(field, text), field, text)
                for field in DEFAULT_FIELDS
                for text in top
            ),
            reverse=True,
        )
        ranker = private.impacts
        budget = CACHE_BYTES // 3
        for _df, field, text in common:
            word = text if isinstance(text, str) else text.decode("utf-8")
            cost = ranker.estimated_size(field, word)
            if cost <= budget:
                budget -= cost
                self.pause()
                impact = ranker.impact(field, word)
                impact.groups.complete()
                if ranker.stored_terms is not None and impact.count >= STORED_WORTH:
                    ranker.stored_terms.keep(field, word, impact)
        with self.lock:
            if self.current() is self.gen and self.gen.engine_made is shared:
                shared.impacts.adopt(private.impacts)
        self._store_terms(private, words)

    def _store_terms(self, private: Engine, words: list[str]) -> None:
        """Store what later searches and starts will want (`store_terms`), pausing for
        searches, while this generation is the current one."""

        def going_on() -> bool:
            self.pause()
            return self.current() is self.gen

        store_terms(private, words, going_on)


def stored_lexicon(ix: Any, reader: Any, pause: Callable[[], None] | None = None) -> Lexicon:
    """The `words` vocabulary of the commit `reader` reads: the one stored beside index `ix`
    (by its build or an earlier warm-up) if it can be read, else read from every segment's
    term table (calling `pause` now and then) and then stored
    (`reader.search.vocabulary_file`)."""
    from reader.search import vocabulary_file

    path = vocabulary_file.path_for(ix, reader)
    stored = vocabulary_file.read(path) if path is not None else None
    lexicon = Lexicon(reader, "words", stored, pause)
    if path is not None and stored is None:
        vocabulary_file.store(path, lexicon.vocabulary)
    return lexicon


def common_words(texts: Iterable[str], count: int) -> list[str]:
    """The `count` unstemmed words (as the `words` field holds them) found in the most of
    `texts` (a sample), most first."""
    return _commonest(texts, count, plain_analyzer())


def _commonest(texts: Iterable[str], count: int, analyze: Any) -> list[str]:
    """The `count` tokens of `analyze` found in the most of `texts`, most first."""
    seen: Counter[str] = Counter()
    for text in texts:
        seen.update({token.text for token in analyze(text)})
    return [token for token, _n in seen.most_common(count)]


def store_terms(
    private: Engine,
    words: list[str],
    going_on: Callable[[], bool] = lambda: True,
    progress: Callable[[int, int, str], None] | None = None,
    plain: Sequence[str] = (),
    postings: int = STORE_POSTINGS,
) -> None:
    """Store the impacts later searches and starts will want (`impact_store`), within
    `postings` postings built: the parts the index's segments lack of the terms
    searches asked for (the words this user searches for, kept from sync to sync), then of
    `words`' title terms, then of their abstract terms, the most postings first; then,
    within `WORD_POSTINGS`, of the unstemmed `plain` words in the `words` field (a build's).
    Only the store keeps them, not the memory; the parts of segments the index no longer
    has are dropped. `going_on()` is asked before each term (False stops); `progress(done,
    total, term)` told after each."""
    from reader.search.impact import STORE_POSTINGS as WORTH
    from reader.search.schema import DEFAULT_FIELDS

    stored = private.impacts.stored_terms
    if stored is None:
        return
    stored.store.keep_only(stored.segments)
    wanted = stored.store.wanted()
    frequency = private.terms.frequency
    for field in DEFAULT_FIELDS:
        private.terms.locate_all(field, words)  # their frequencies, found together
    # A word is searched in the title and the abstract: its title term, a fraction of the
    # size of its abstract term, goes first (their sum is a few million postings at a
    # million papers), then the abstract terms, the most postings first.
    commonest = sorted(
        ((field, text) for field in DEFAULT_FIELDS for text in words),
        key=lambda term: (term[0] != "title", -frequency(*term)),
    )
    terms = [term for term in dict.fromkeys([*wanted, *commonest]) if frequency(*term) >= WORTH]
    private.terms.locate_all("words", plain)  # their frequencies, found together
    words_terms = [("words", text) for text in plain if frequency("words", text) >= WORTH]
    total = len(terms) + len(words_terms)
    done = 0
    for group, budget in ((terms, postings), (words_terms, WORD_POSTINGS)):
        for field, text in group:
            if budget <= 0 or not going_on():
                break
            budget -= stored.store_term(field, text, budget)
            done += 1
            if progress is not None:
                progress(done, total, text)
