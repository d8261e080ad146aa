"""One opened commit of the Whoosh index and everything derived from it.

A `Generation` holds the searcher, the query parsers, the fast engine, the id column, the
id -> docnum map and the `words` vocabulary of one commit. The library replaces it whole
when the index changes (a sync, a rebuild) and closes the old one, so nothing derived from
an old searcher outlives it. Its methods run under the library's lock; `adopt_*` hand it
what the warm-up computed outside the lock on a private searcher of the same commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from reader.search.compat import attempt, fast

if TYPE_CHECKING:
    from collections.abc import Iterable

    from reader.search.engine import Engine
    from reader.search.facets import SourceTable
    from reader.search.id_file import StoredIds
    from reader.search.impact import Ranked
    from reader.search.impact_store import ImpactStore
    from reader.search.lexicon import Lexicon


#: Up to this many ids are read from the documents' stored fields rather than the id column.
FEW_IDS = 100


class Generation:
    """The searcher of one index commit and its caches."""

    def __init__(self, ix: Any, searcher: Any) -> None:
        self.ix = ix
        self.searcher = searcher
        self._parser: Any = None
        self._words_parser: Any = None
        self._engine: Engine | None = None
        self._impact_store: ImpactStore | Literal[False] | None = False
        self._id_column: Any = None
        #: The ids stored for this commit (`reader.search.id_file`), until the engine's
        #: list is loaded (False: looked for, none usable, or no longer needed).
        self._stored_ids: StoredIds | bool | None = None
        self._docnums: dict[str, int] | None = None
        self._lexicon: Lexicon | None = None
        #: The private searcher a background-loaded vocabulary reads its frequencies from.
        self._lexicon_searcher: Any = None
        #: The vocabulary stored by a warm-up, read on first use while none is loaded
        #: (False: looked for, none usable).
        self._stored: Lexicon | bool | None = None
        #: Per docnum, the dumps its paper is in (facet counting), for one catalog generation.
        self._sources: tuple[int, SourceTable] | None = None

    def close(self) -> None:
        self.drop_lexicon()
        self.searcher.close()

    # -- parsing -----------------------------------------------------------------------
    @property
    def parser(self) -> Any:
        """The query parser of the search box (`reader.search.query.make_parser`)."""
        if self._parser is None:
            from reader.search.query import make_parser

            self._parser = make_parser(self.ix.schema)
        return self._parser

    @property
    def words_parser(self) -> Any:
        """A plain AND parser on the unstemmed `words` field (Whoosh's own corrector)."""
        if self._words_parser is None:
            from whoosh import qparser

            self._words_parser = qparser.QueryParser(
                "words", self.ix.schema, group=qparser.AndGroup
            )
        return self._words_parser

    def query_reader(self) -> Any:
        """The reader queries expand against: `words` expansions use the in-memory lexicon
        or the stored one (Whoosh's own term walks when the fast paths are off)."""
        if not fast():
            return self.searcher.reader()
        from reader.search.lexicon import LexiconReader

        return LexiconReader(self.searcher.reader(), self.lexicon, self._lexicon_at_hand)

    def _lexicon_at_hand(self) -> Lexicon | None:
        """The loaded vocabulary, else the one stored for this commit, else None (a prefix
        is then looked up in each segment rather than the whole vocabulary read)."""
        return self._lexicon or self.stored_lexicon()

    # -- documents ---------------------------------------------------------------------
    def engine(self) -> Engine:
        """The fast evaluator over this searcher (made on first use)."""
        if self._engine is None:
            from reader.search.engine import Engine

            self._engine = Engine(self.searcher, store=self.impact_store())
        return self._engine

    def impact_store(self) -> ImpactStore | None:
        """The stored impacts of the index (None for an index in memory)."""
        if self._impact_store is False:
            from reader.search import impact_store

            path = impact_store.path_for(self.ix)
            self._impact_store = impact_store.ImpactStore(path) if path is not None else None
        return self._impact_store

    @property
    def engine_made(self) -> Engine | None:
        """The engine if one was made (None: no fast path has run on this generation)."""
        return self._engine

    def id_column(self) -> Any:
        """Paper id by docnum (Whoosh's column reader)."""
        if self._id_column is None:
            self._id_column = self.searcher.reader().column_reader("id")
        return self._id_column

    def paper_ids(self, docs: list[int]) -> list[str]:
        """The paper ids of some docnums: from the id list when it is loaded, else from the
        file stored for this commit, else, for a page of results, from each document's
        stored id (the column reads the offsets of every document first: tens of
        milliseconds at a million papers, which a one-off command would spend on twenty
        ids), else from the column."""
        engine = self._engine
        if engine is not None and engine.ids_loaded:
            self._stored_ids = False  # the file's copy is not needed (tens of megabytes)
            ids = engine.doc_ids()
            return [ids[d] for d in docs]
        stored = self.stored_ids()
        if stored is not None:
            return [stored[d] for d in docs]
        if self._id_column is not None or len(docs) > FEW_IDS:
            column = self.id_column()
            return [column[d] for d in docs]
        stored_fields = self.searcher.stored_fields
        return [stored_fields(d)["id"] for d in docs]

    def stored_ids(self) -> StoredIds | None:
        """The ids stored for this commit by its build or a warm-up, read once; None when
        there is no usable file (`reader.search.id_file`) or the engine's list is loaded."""
        if self._stored_ids is None:
            from reader.search import id_file

            self._stored_ids = False
            reader = self.searcher.reader()
            path = id_file.path_for(self.ix, reader)
            found = id_file.read(path, reader.doc_count_all()) if path is not None else None
            if found is not None:
                self._stored_ids = found
        return self._stored_ids if not isinstance(self._stored_ids, bool) else None

    def doc_ids(self) -> list[str]:
        """The engine's paper id per docnum, loaded from the stored ids when there are some
        (milliseconds where the column takes a second at a million papers)."""
        engine = self.engine()
        if not engine.ids_loaded:
            stored = self.stored_ids()
            if stored is not None:
                engine.adopt_ids(stored.all())
        self._stored_ids = False  # the list is loaded: the file's copy is not needed
        return engine.doc_ids()

    def adopt_ids(self, ids: list[str]) -> None:
        """Give the engine the id list read elsewhere (`Engine.adopt_ids`); the stored
        file's copy is then not needed."""
        self.engine().adopt_ids(ids)
        self._stored_ids = False

    def docnums(self) -> dict[str, int]:
        """Paper id -> Whoosh document number (from the id list when it is loaded: its
        strings, not new ones)."""
        if self._docnums is None:
            reader = self.searcher.reader()
            engine = self._engine
            ids: Any = engine.doc_ids() if engine is not None and engine.ids_loaded else None
            stored = self.stored_ids() if ids is None else None
            if stored is not None:
                ids = stored.all()
            column = reader.column_reader("id") if ids is None else ids
            self._docnums = {column[d]: d for d in reader.all_doc_ids()}
        return self._docnums

    def source_table(self, catalog_generation: int, sources_of: Any) -> SourceTable:
        """Per docnum, the dumps its paper is in (`sources_of(id)`), for one catalog
        generation (the rows it reads change with the catalog)."""
        if self._sources is None or self._sources[0] != catalog_generation:
            from reader.search.facets import SourceTable

            table = SourceTable.build(self.doc_ids(), sources_of)
            self._sources = (catalog_generation, table)
        return self._sources[1]

    def has_source_table(self, catalog_generation: int | None = None) -> bool:
        """True when the facet table is built (for `catalog_generation`, if given)."""
        return self._sources is not None and catalog_generation in (None, self._sources[0])

    def adopt_source_table(self, catalog_generation: int, table: SourceTable) -> None:
        """Keep a table `source_table` would build, built elsewhere (the warm-up, outside
        the library lock) for `catalog_generation`."""
        if self._sources is None or self._sources[0] != catalog_generation:
            self._sources = (catalog_generation, table)

    # -- matching ----------------------------------------------------------------------
    def ranked(
        self, q: Any, limit: int | None, docmask: set[int] | None, estimate: bool = False
    ) -> Ranked | None:
        """Top docnums, total and scores from the fast path; None to use Whoosh's searcher.
        `estimate`: the total may be estimated (`Engine.top_first`)."""
        from reader.search.impact import Ranked

        if estimate:
            return attempt(
                "ranking (fast engine)", lambda: self.engine().top_first(q, limit, docmask)
            )
        found = attempt("ranking (fast engine)", lambda: self.engine().top(q, limit, docmask))
        return None if found is None else Ranked(*found)

    def matching_ids(self, q: Any, docmask: set[int] | None) -> list[str]:
        """The ids of every paper `q` matches (unscored, in no order)."""

        def quick() -> list[str]:
            engine = self.engine()
            docs: Iterable[int] = engine.matching(q)
            if docmask is not None:
                docs = [d for d in docs if d in docmask]
            return list(map(self.doc_ids().__getitem__, docs))

        found = attempt("matching papers (fast engine)", quick)
        if found is not None:
            return found
        column = self.id_column()
        found = self.searcher.docs_for_query(q)
        return [column[d] for d in found if docmask is None or d in docmask]

    # -- vocabulary --------------------------------------------------------------------
    def lexicon(self) -> Lexicon:
        """The `words` vocabulary (loaded on first use: the warm-up reads it ahead): the
        one the warm-up stored for this commit if there is one (read in milliseconds),
        else read from every segment's term table (seconds at a million papers)."""
        if self._lexicon is None:
            from reader.search.lexicon import Lexicon

            stored = self.stored_lexicon()
            self._lexicon = stored or Lexicon(self.searcher.reader(), "words")
            self._stored = False
        return self._lexicon

    @property
    def lexicon_loaded(self) -> Lexicon | None:
        return self._lexicon

    def stored_lexicon(self) -> Lexicon | None:
        """The `words` vocabulary the warm-up stored for this commit, with frequencies
        read from this searcher; None when there is no usable file
        (`reader.search.vocabulary_file`). Read once, dropped when one is loaded."""
        from reader.search.lexicon import Lexicon

        if self._stored is None:
            from reader.search import vocabulary_file

            self._stored = False
            reader = self.searcher.reader()
            path = vocabulary_file.path_for(self.ix, reader)
            vocabulary = vocabulary_file.read(path) if path is not None else None
            if vocabulary is not None:
                self._stored = Lexicon(reader, "words", vocabulary)
        return self._stored if isinstance(self._stored, Lexicon) else None

    def adopt_lexicon(self, lexicon: Lexicon, own_searcher: Any) -> None:
        """Keep a vocabulary loaded elsewhere through `own_searcher` (of the same commit),
        which it reads its frequencies from and which closes with it."""
        self.drop_lexicon()
        self._lexicon, self._lexicon_searcher = lexicon, own_searcher
        self._stored = False

    def drop_lexicon(self) -> None:
        self._lexicon = None
        if self._lexicon_searcher is not None:
            self._lexicon_searcher.close()
            self._lexicon_searcher = None
