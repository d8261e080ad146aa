"""Parsing user queries safely: Whoosh syntax, guards on length and expansion, never a raise.

Wildcards, prefixes and fuzzy terms run on the unstemmed `words` field (a stemmed field
cannot match `gen*tion`) and are expanded here to every word they match, up to
`MAX_EXPANSION` words (past it, the most frequent, and a note says so), so `a*` or `*`
cannot make a query unbounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import qparser
from whoosh import query as wq
from whoosh.qparser.common import QueryParserError

from reader.diagnostics import unexpected
from reader.search.analysis import _WORD
from reader.search.highlight import query_terms
from reader.search.schema import DEFAULT_FIELDS, PHRASE_FIELDS
from reader.search.storage import damage_errors
from reader.search.types import MAX_QUERY_CHARS

#: Words a prefix, wildcard, fuzzy term or range is searched for: every word it matches up
#: to this many; past it, this many of the most frequent (the note says so).
MAX_EXPANSION = 4096
#: Matching words read before the most frequent are chosen (a note says "+" past it).
MAX_SCAN = 50_000
MAX_FUZZY_DISTANCE = 2
WIDE_OR = 8
_OPERATOR_CHARS = re.compile(r"[\"'()\[\]{}^~*?:+\-\\/<>=!]")
_FIELD_ALIASES = {"author": ["authors", "by"], "source": ["dump", "src"], "category": ["cat"]}


@dataclass
class ParsedQuery:
    """A Whoosh query ready to run, plus what the user should be told about it."""

    text: str
    query: Any
    notes: list[str] = field(default_factory=list)
    terms: frozenset[tuple[str, str]] = frozenset()


def make_parser(schema: Any, fields: tuple[str, ...] = DEFAULT_FIELDS) -> qparser.QueryParser:
    """AND of words over title and abstract, with fields, phrases, prefix*, wildcards, fuzzy~."""
    parser = qparser.MultifieldParser(list(fields), schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(_FIELD_ALIASES))
    parser.remove_plugin_class(qparser.BoostPlugin)
    return parser


#: What Whoosh's parser and the expansions raise on a query they cannot read: its own parser
#: and query errors, and UnicodeError for text Whoosh cannot encode (lone surrogates from
#: undecodable command-line bytes reach `fields.py`'s `encode("utf-8")`). Anything else is a
#: bug, logged by `diagnostics.unexpected`; the query is then searched as plain words all the
#: same. A damaged index is not caught here: `Library.search` says it needs a rebuild.
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    QueryParserError,
    wq.QueryError,
    UnicodeError,
)


def parse(text: str, parser: qparser.QueryParser, reader: Any) -> ParsedQuery:
    """Parse and bound a query; on a parser error fall back to the plain words."""
    notes: list[str] = []
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
    notes.extend(_unbalanced(text))
    try:
        q = parser.parse(text)
        q = _bound(q, reader, notes, text)
    except PARSE_ERRORS as exc:
        q = _plain(text, parser, reader, notes, exc)
    except damage_errors():
        raise
    except Exception as exc:
        unexpected("parsing a query", exc)
        q = _plain(text, parser, reader, notes, exc)
    _preload_wide_ors(q)
    return ParsedQuery(text=text, query=q, notes=notes, terms=query_terms(q))


def _plain(
    text: str, parser: qparser.QueryParser, reader: Any, notes: list[str], exc: BaseException
) -> Any:
    """The query's words without operators, after `exc` stopped it being read as typed."""
    plain = " ".join(_OPERATOR_CHARS.sub(" ", text).split())
    notes.append(f"could not read the query ({type(exc).__name__}); searched the plain words")
    try:
        return _bound(parser.parse(plain), reader, notes, plain) if plain else wq.NullQuery
    except PARSE_ERRORS:
        return wq.NullQuery


def _unbalanced(text: str) -> list[str]:
    """Notes for an unclosed quote or parenthesis (Whoosh reads them leniently, silently)."""
    depth, quoted, unopened = 0, False, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            if depth == 0:
                unopened = True
            else:
                depth -= 1
    notes = []
    if quoted:
        notes.append('unclosed quote: close it with "')
    if depth:
        notes.append("unclosed parenthesis: close it with )")
    if unopened:
        notes.append("a ) without its (")
    return notes


def _preload_wide_ors(q: Any) -> None:
    """Make wide Ors (expansions, merged by `normalize`) preload their matches: Whoosh's
    default binary tree of union matchers is slow for a hundred terms or more."""
    if isinstance(q, wq.Or) and len(q.subqueries) > WIDE_OR:
        q.matcher_type = wq.Or.ARRAY_MATCHER
    if q is not None and q is not wq.NullQuery and not q.is_leaf():
        for child in q.children():
            _preload_wide_ors(child)


#: A multi-term node's expansion within one parse, by what it expands to (see `_expanded`).
Expansions = dict[tuple[Any, ...], Any]


def _bound(q: Any, reader: Any, notes: list[str], text: str, memo: Expansions | None = None) -> Any:
    """Rewrite multi-term nodes (prefix, wildcard, fuzzy) into bounded Ors on `words`, and
    phrases into queries that keep the places of the stop words they hold.

    `gen*` is parsed as a prefix on the title and one on the abstract, which both expand on
    `words`: with `memo` (one per parse) the second is the first's Or, the same object, and
    a compound node keeps one of the same child, as `normalize` would after comparing
    every word of both (a few thousand words, tens of milliseconds)."""
    if memo is None:
        memo = {}
    if isinstance(q, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm)):
        key = _expanded(q)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _expand(q, reader, notes)
        return found
    if isinstance(q, wq.Every):
        # `field:*` would read every posting of the field; "every paper" is what users mean.
        return wq.Every()
    if isinstance(q, wq.Phrase):
        return _phrase(q, reader.schema, text)
    if isinstance(q, wq.MultiTerm):  # ranges and other expanding terms: bounded the same way
        texts = (t.decode("utf-8") for t in q._btexts(reader))
        return _expand_terms(getattr(q, "fieldname", ""), texts, reader, notes, str(q))
    if q.is_leaf():
        return q
    bounded = q.apply(lambda child: _bound(child, reader, notes, text, memo))
    if isinstance(bounded, wq.CompoundQuery):
        kids = list({id(c): c for c in bounded.subqueries}.values())
        if len(kids) == 1 and type(kids[0]) is type(bounded) and bounded.boost == 1.0:
            # `gen*`'s Or of one expansion: the expansion, normalized, is what Whoosh's
            # `normalize` gives, after copying each of its words to flatten them into it.
            return kids[0].normalize()
        bounded.subqueries = kids
    return bounded.normalize()


def _phrase(q: Any, schema: Any, text: str) -> Any:
    """A parsed phrase as `Require(AND of its words, positional phrase on the field's shadow)`.

    Scored as Whoosh scores a phrase (the sum of its words' scores), from the scoring
    field, and matched with Whoosh's own positional queries on the field's shadow
    (`PHRASE_FIELDS`). The parser keeps a phrase's indexed words but not where they stood:
    `"early in training"` arrives as `early`, `train`. A stop word (or any word the index
    skips) in a quoted phrase stands for one word at that place, as in Lucene, so the words
    are put back at their distances: a `Phrase` when they are next to each other, else a
    chain of two-part `SpanNear2`s, each at its exact distance. A phrase with slop
    (`"a b"~3`) is Whoosh's sloppy `Phrase` (each word within the slop of the previous,
    plus the skipped words between them). A field without a shadow (keywords, ids)
    matches all the words.
    """
    words = [str(w) for w in q.words]
    field, boost = q.fieldname, q.boost
    if not words:
        return wq.NullQuery
    if len(words) == 1:
        return wq.Term(field, words[0], boost=boost)
    scored = wq.And([wq.Term(field, w, boost=boost) for w in words])
    shadow = PHRASE_FIELDS.get(field)
    if shadow is None or not has_positions(schema, shadow):
        return scored
    gaps = phrase_gaps(text, q.char_ranges, len(words))
    required: Any
    if q.slop > 1:
        required = wq.Phrase(shadow, words, slop=q.slop + max(gaps) - 1)
    elif all(gap == 1 for gap in gaps):
        required = wq.Phrase(shadow, words)
    else:
        required = wq.Term(shadow, words[0])
        for word, gap in zip(words[1:], gaps, strict=True):
            required = wq.SpanNear2(
                [required, wq.Term(shadow, word)], slop=gap, ordered=True, mindist=gap
            )
    return wq.Require(scored, required)


def has_positions(schema: Any, field: str) -> bool:
    """True if `field` keeps positions (so phrases on it can be matched)."""
    fmt = schema[field].format if field in schema.names() else None
    return fmt is not None and bool(fmt.supports("positions"))


def phrase_gaps(text: str, char_ranges: Any, count: int) -> list[int]:
    """Positions from each phrase word to the next: 1 plus the words between them in the
    query text (the words the analyzer does not index, such as stop words)."""
    gaps = [1] * (count - 1)
    if not char_ranges or len(char_ranges) != count:
        return gaps
    for i in range(count - 1):
        end, start = char_ranges[i][1], char_ranges[i + 1][0]
        if isinstance(end, int) and isinstance(start, int) and end <= start:
            gaps[i] = 1 + len(_WORD.findall(text, end, start))
    return gaps


def _expanded(q: Any) -> tuple[Any, ...]:
    """What `_expand` reads of a multi-term node: nodes with equal keys expand alike."""
    fuzzy = (int(q.maxdist), int(q.prefixlength)) if isinstance(q, wq.FuzzyTerm) else ()
    return (type(q), _expansion_field(q.fieldname), q.text.casefold(), *fuzzy)


def _expansion_field(fieldname: str) -> str:
    return "words" if fieldname in DEFAULT_FIELDS else fieldname


def _expand(q: Any, reader: Any, notes: list[str]) -> Any:
    fieldname = _expansion_field(q.fieldname)
    text = q.text.casefold()
    if isinstance(q, wq.FuzzyTerm):
        maxdist = min(int(q.maxdist), MAX_FUZZY_DISTANCE)
        prefix = max(int(q.prefixlength), 1 if len(text) > 3 else 0)
        candidates = reader.terms_within(fieldname, text, maxdist, prefix=prefix)
    elif isinstance(q, wq.Prefix):
        candidates = (t.decode("utf-8") for t in reader.expand_prefix(fieldname, text))
    else:
        fast = getattr(reader, "wildcard", None)
        found = fast(fieldname, text) if fast is not None else None
        if found is not None:
            candidates = found
        else:
            candidates = (t.decode("utf-8") for t in wq.Wildcard(fieldname, text)._btexts(reader))
    label = f"{q.text}{'*' if isinstance(q, wq.Prefix) else ''}"
    return _expand_terms(fieldname, candidates, reader, notes, label)


def _expand_terms(
    fieldname: str, candidates: Any, reader: Any, notes: list[str], label: str
) -> Any:
    """An Or of every candidate, or of the `MAX_EXPANSION` most frequent when there are more
    (reading at most `MAX_SCAN`)."""
    if len(label) > 40:
        label = label[:39] + "…"
    scanned: list[str] = []
    for term in candidates:
        scanned.append(term)
        if len(scanned) >= MAX_SCAN:
            break
    if not scanned:
        return wq.NullQuery
    if len(scanned) > MAX_EXPANSION:
        scanned.sort(key=lambda t: -reader.doc_frequency(fieldname, t))
        more = "+" if len(scanned) >= MAX_SCAN else ""
        notes.append(
            f"{label} matches {len(scanned)}{more} words; searched the {MAX_EXPANSION} most common"
        )
        scanned = scanned[:MAX_EXPANSION]
    return wq.Or([wq.Term(fieldname, t) for t in scanned])
