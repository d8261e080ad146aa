"""The ranking data a new index is built with: its `words` vocabulary
(`reader.search.vocabulary_file`), its paper id per docnum (`reader.search.id_file`) and the
stored impacts (`reader.search.impact_store`) of the stems most common in its titles, of
those most common in its titles and abstracts, and of the unstemmed words most common in its
titles and abstracts (what prefixes expand to), so that the first searches of any process,
and the first app start's warm-up, read them instead of gathering a million words for
`*former` or scoring every posting of `model` or of `generation` (seconds, and half a second,
at a million papers).

A step of the build (`reader.search.sync_steps.build_beside`), on the new index before it is
swapped in. It only makes searches faster: with the fast paths off it does nothing, a store
that cannot be written is turned off (`ImpactStore`), and a failure here is a bug, logged,
which leaves the build as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

#: Records whose titles and abstracts are sampled for the commonest unstemmed words, and
#: the most of those words whose impacts are stored (`warmup.WORD_POSTINGS` bounds them).
SAMPLE_TEXTS = 2_000
PLAIN_WORDS = 3_000
#: The stems found in the most of those texts (mostly their abstracts' words: `state`,
#: `art`) are stored too, the most postings first, within STEM_POSTINGS postings with the
#: titles' commonest: a term not stored costs its first search about a millisecond per
#: thousand postings to rank, so the terms with the most postings are those worth storing.
TEXT_STEMS = 1_000
STEM_POSTINGS = 72_000_000
#: The build's progress label.
LABEL = "preparing the ranking"
#: What the user is told when a bug stopped the step (the sync's report lists it).
FAILED = (
    "the ranking data was not stored (an unexpected error, logged: see `paper-reader paths`); "
    "the first searches are slower until the app's warm-up stores it"
)


def prepare(
    ix: Any,
    titles: Iterable[str],
    progress: Callable[[int, int, str], None] | None = None,
    texts: Iterable[str] = (),
) -> str | None:
    """Store the vocabulary, the paper ids and the impacts of the commonest stems of
    `titles` and `texts` and unstemmed words of `texts` (samples) in `ix`'s folder, within
    `STEM_POSTINGS` and the budget of `reader.search.warmup.store_terms` for the words.
    Returns None, or the one line to show the user when a bug stopped it (logged)."""
    from reader.diagnostics import unexpected
    from reader.search import id_file
    from reader.search.compat import fast
    from reader.search.engine import Engine
    from reader.search.impact_store import ImpactStore, path_for
    from reader.search.warmup import (
        STORE_TERMS,
        common_stems,
        common_words,
        store_terms,
        stored_lexicon,
    )

    path = path_for(ix)
    if path is None or not fast():
        return None
    texts = list(texts)
    stems = [*common_stems(titles, STORE_TERMS), *common_stems(texts, TEXT_STEMS)]
    words = list(dict.fromkeys(stems))
    plain = common_words(texts, PLAIN_WORDS)
    store = ImpactStore(path)
    searcher = ix.searcher()
    stopped: list[Exception] = []

    def told(done: int, total: int, word: str) -> None:
        if progress is not None:
            try:
                progress(done, total, f"{LABEL}: {word}" if word else LABEL)
            except Exception as exc:  # the caller stops the build (the app is closing)
                stopped.append(exc)
                raise

    try:
        told(0, 1, "")
        stored_lexicon(ix, searcher.reader())  # for `*former` and "did you mean"
        id_file.store_column(ix, searcher.reader())  # for the ids of one-off results
        engine = Engine(searcher, keep=False, store=store)
        store_terms(engine, words, progress=told, plain=plain, postings=STEM_POSTINGS)
        told(1, 1, "")
    except Exception as exc:
        if stopped and exc is stopped[0]:
            raise
        unexpected("storing a new index's ranking data", exc)  # the index is used without
        return FAILED
    finally:
        searcher.close()
        store.close()
    return None


__all__ = ["FAILED", "LABEL", "prepare"]
