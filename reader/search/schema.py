"""The Whoosh schema, its version, and where the index lives inside an index folder."""

from __future__ import annotations

from whoosh import fields

from reader.search.analysis import plain_analyzer, stemming_analyzer

#: Bump when the schema, analysis or catalog layout changes: a mismatch rebuilds the index.
SCHEMA_VERSION = 4

#: Fields a user can name in a query (`title:diffusion`); `source` matches dump names.
QUERY_FIELDS = ("title", "abstract", "source", "author", "category", "arxiv", "words")
DEFAULT_FIELDS = ("title", "abstract")


def make_schema() -> fields.Schema:
    """Title (boosted) and abstract stemmed with positions; `words` unstemmed for suggestions.

    Nothing but the id is stored: the catalog (SQLite) holds the text, which keeps the
    index small and its segment reads cheap.
    """
    stem = stemming_analyzer()
    plain = plain_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(analyzer=stem, field_boost=2.0),
        abstract=fields.TEXT(analyzer=stem),
        words=fields.TEXT(analyzer=plain, phrase=False),
        source=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        author=fields.TEXT(analyzer=plain, phrase=False),
        category=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        arxiv=fields.ID(),
    )
