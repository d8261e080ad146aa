""" "Did you mean" for one index generation: each unknown word of a query replaced by the
most common known word one or two edits away."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reader.diagnostics import degraded
from reader.search.compat import attempt
from reader.search.lexicon import correct
from reader.search.spelling import InitialVocabulary

if TYPE_CHECKING:
    from reader.search.generation import Generation


def suggest(gen: Generation, text: str) -> str | None:
    """The corrected query, or None when nothing needs correcting (or nothing is near)."""
    fixed = attempt("spelling suggestions (lexicon)", lambda: _suggest_fast(gen, text))
    if fixed is None:  # Whoosh's own (slower) corrector
        try:
            q = gen.words_parser.parse(text)
            fixed = str(gen.searcher.correct_query(q, text, maxdist=2, prefix=1).string)
        except (TypeError, ValueError, AttributeError) as exc:
            # Whoosh's corrector fails on some queries (`AA:Aé`: its highlighter sorts
            # tokens without positions): no suggestion for those.
            degraded("spelling suggestions (Whoosh's corrector)", f"{type(exc).__name__}")
            return None
    return fixed if fixed and fixed.casefold() != text.casefold() else None


def _suggest_fast(gen: Generation, text: str) -> str:
    """Words are looked up in the loaded vocabulary, else in the one the warm-up stored
    for this commit, else in the term index; a word with no known word one edit away reads
    the words sharing its initial (or the loaded or stored vocabulary)."""
    reader = gen.searcher.reader()
    loaded = gen.lexicon_loaded or gen.stored_lexicon()
    known: Callable[[str], bool]
    df: Callable[[str], int]
    vocabulary: Callable[[], Any] = gen.lexicon
    among = None
    if loaded is not None:
        known, df, among = loaded.__contains__, loaded.df, loaded.among
        vocabulary = lambda: loaded  # noqa: E731
    else:
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
        better = correct(token.text, known, df, vocabulary, among=among)
        if better is not None:
            out += [text[last : token.startchar], better]
            last = token.endchar
    return "".join([*out, text[last:]])
