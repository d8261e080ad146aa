"""The Whoosh schema and the fields a query may name (the index format version: `catalog`)."""

from __future__ import annotations

from typing import Any

from whoosh import fields

from reader.search.analysis import pair_analyzer, plain_analyzer, stemming_analyzer

#: Fields a user can name in a query (`title:diffusion`); `source` matches dump names.
QUERY_FIELDS = ("title", "abstract", "source", "author", "category", "arxiv", "words")
DEFAULT_FIELDS = ("title", "abstract")
#: Each text field's positional shadow: the same text and analysis, with positions, which
#: phrases on the field are checked against (see `make_schema`).
PHRASE_FIELDS = {
    "title": "title_at", "abstract": "abstract_at", "words": "words_at", "author": "author_at",
}  # fmt: skip
#: The pair field beside a stemmed shadow: each two neighbouring stems as one term, at the
#: first one's position. A phrase's neighbouring words are checked through their pairs,
#: whose postings are far shorter than the words' (`reader.search.engine`).
PHRASE_PAIRS = {"title_at": "title_pairs", "abstract_at": "abstract_pairs"}
#: Joins a paper's authors in the `author` field: a stop word, so it takes a position and
#: `author:"smith jane"` does not match the authors "John Smith" and "Jane Doe".
AUTHOR_SEPARATOR = " and "


def make_schema() -> fields.Schema:
    """Title (boosted) and abstract stemmed; `words` unstemmed for suggestions and wildcards.

    Scoring fields keep no positions: reading them would make every query decode the
    positions of every posting. Each text field has a positional shadow (`PHRASE_FIELDS`:
    the same text, not scored, positions counting every word, see `reader.search.analysis`)
    that phrases are checked against, so they match their words next to each other, in
    order; the title's and abstract's pair fields (`PHRASE_PAIRS`) hold the neighbouring
    words' places, so most phrases read the short postings of their pairs instead of the
    long ones of their words. Nothing but the id is stored: the catalog (SQLite) holds the text, which keeps
    the index small.
    """
    stem = stemming_analyzer()
    plain = plain_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(analyzer=stem, field_boost=2.0, phrase=False),
        abstract=fields.TEXT(analyzer=stem, phrase=False),
        words=fields.TEXT(analyzer=plain, phrase=False),
        source=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        author=fields.TEXT(analyzer=plain, phrase=False),
        category=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        arxiv=fields.ID(),
        title_at=_positional(stem),
        abstract_at=_positional(stem),
        words_at=_positional(plain),
        author_at=_positional(plain),
        title_pairs=_pairs(),
        abstract_pairs=_pairs(),
    )


def _pairs() -> fields.TEXT:
    """A pair field: neighbouring stems as terms, with positions, no lengths (never scored)."""
    field = fields.TEXT(analyzer=pair_analyzer(), phrase=True)
    field.scorable = False
    return field


def _positional(analyzer: Any) -> fields.TEXT:
    """A phrase shadow: positions, no field lengths (it is never scored)."""
    field = fields.TEXT(analyzer=analyzer, phrase=True)
    field.scorable = False
    return field
