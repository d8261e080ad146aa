"""The Whoosh schema and the fields a query may name (the index format version: `catalog`)."""

from __future__ import annotations

from whoosh import fields

from reader.search.analysis import pair_analyzer, plain_analyzer, stemming_analyzer

#: Fields a user can name in a query (`title:diffusion`); `source` matches dump names.
QUERY_FIELDS = ("title", "abstract", "source", "author", "category", "arxiv", "words")
DEFAULT_FIELDS = ("title", "abstract")


def make_schema() -> fields.Schema:
    """Title (boosted, with positions) and abstract stemmed; `words` unstemmed for suggestions.

    The abstract keeps no positions (decoding them made every common-word query slow);
    phrases in it are matched with `pairs`, adjacent stem pairs. Nothing but the id is
    stored: the catalog (SQLite) holds the text, which keeps the index small.
    """
    stem = stemming_analyzer()
    plain = plain_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(analyzer=stem, field_boost=2.0),
        abstract=fields.TEXT(analyzer=stem, phrase=False),
        pairs=fields.TEXT(analyzer=pair_analyzer(), phrase=False),
        words=fields.TEXT(analyzer=plain, phrase=False),
        source=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        author=fields.TEXT(analyzer=plain, phrase=False),
        category=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        arxiv=fields.ID(),
    )
