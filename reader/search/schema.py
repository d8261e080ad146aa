"""The Whoosh schema and the fields a query may name (the index format version: `catalog`)."""

from __future__ import annotations

from whoosh import fields

from reader.search.analysis import pair_analyzer, plain_analyzer, stemming_analyzer

#: Fields a user can name in a query (`title:diffusion`); `source` matches dump names.
QUERY_FIELDS = ("title", "abstract", "source", "author", "category", "arxiv", "words")
DEFAULT_FIELDS = ("title", "abstract")
#: The field holding each text field's adjacent stem pairs, which phrases on it are matched by.
PHRASE_PAIRS = {"title": "title_pairs", "abstract": "pairs"}


def make_schema() -> fields.Schema:
    """Title (boosted) and abstract stemmed; `words` unstemmed for suggestions.

    No field keeps positions (decoding them made common-word queries and title phrases
    slow): phrases in the title and the abstract are matched with `title_pairs` and
    `pairs`, their adjacent stem pairs (see `PHRASE_PAIRS`). Nothing but the id is stored:
    the catalog (SQLite) holds the text, which keeps the index small.
    """
    stem = stemming_analyzer()
    plain = plain_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        title=fields.TEXT(analyzer=stem, field_boost=2.0, phrase=False),
        abstract=fields.TEXT(analyzer=stem, phrase=False),
        title_pairs=fields.TEXT(analyzer=pair_analyzer(), phrase=False),
        pairs=fields.TEXT(analyzer=pair_analyzer(), phrase=False),
        words=fields.TEXT(analyzer=plain, phrase=False),
        source=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        author=fields.TEXT(analyzer=plain, phrase=False),
        category=fields.KEYWORD(lowercase=True, commas=True, scorable=False),
        arxiv=fields.ID(),
    )
