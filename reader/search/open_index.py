"""`OpenIndex`: the open handles of one index folder, and why it cannot be opened.

It opens the SQLite catalog (alone: enough for the unfiltered list, rows, papers and
counts, without importing Whoosh) and, when a query needs it, the Whoosh index as a
`Generation`; it keeps the `CatalogView` of the catalog's current generation. A damaged or
outdated index is not raised: `damage` says why, and the library's reads see nothing until
a sync rebuilds it. Its methods run under the library's lock.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.search.catalog import SCHEMA_VERSION, Catalog
from reader.search.catalog_view import CatalogView
from reader.search.generation import Generation
from reader.search.storage import CATALOG_FILE, IndexDamaged, open_whoosh


class OpenIndex:
    """The catalog, its current view and the Whoosh generation of the folder `index_dir`."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.catalog: Catalog | None = None
        #: The open Whoosh commit (None until a query needs it, or when it cannot be read).
        self.gen: Generation | None = None
        #: What was read from the catalog for its current generation (`fresh`).
        self.view: CatalogView | None = None
        #: Why the index on disk cannot be used (None if it can, or if there is none).
        self.damage: str | None = None
        self._opened = False

    def open(self, index: bool = True) -> bool:
        """Open the catalog and, with `index`, the Whoosh index; remember why not if unusable.

        `index=False` opens the catalog alone (no Whoosh import): enough for the unfiltered
        list, rows, papers and counts. A damaged Whoosh index is found when it is first needed.
        """
        if not self._opened:
            self._opened = True
            self.damage = None
            self.catalog = self._open_catalog()
        if self.catalog is None:
            return False
        if index and self.gen is None and self.damage is None:
            self._open_whoosh()
        return not index or self.gen is not None

    def fresh(self, index: bool = True) -> CatalogView | None:
        """Open, and the view of the catalog's current generation; None if there is no index.

        `index=False`: the catalog is enough (Whoosh stays unopened if it is not yet open).
        """
        if not self.open(index):
            return None
        assert self.catalog is not None
        generation = self.catalog.generation()
        if self.view is None or self.view.generation != generation:
            self.view = CatalogView(self.catalog, generation)
        return self.view

    def whoosh(self) -> Generation | None:
        """The Whoosh generation, opened on first use; None (and `damage` set) if unreadable."""
        return self.gen if self.open() else None

    def _open_catalog(self) -> Catalog | None:
        """The catalog if it exists and is of the current format; else None and `damage` set."""
        if not self.index_dir.exists() and not self.index_dir.is_symlink():
            return None
        if not self.index_dir.is_dir():
            self.damage = "the index path is not a folder"
            return None
        if not (self.index_dir / CATALOG_FILE).is_file():
            self.damage = "the index catalog is missing"
            return None
        catalog: Catalog | None = None
        try:
            catalog = Catalog(self.index_dir / CATALOG_FILE)
            version = catalog.get_meta("schema_version")
        except (sqlite3.Error, OSError) as exc:  # a damaged or unreadable catalog
            if catalog is not None:
                catalog.close()
            self.damage = f"index catalog cannot be read ({exc})"
            return None
        except Exception as exc:
            from reader.diagnostics import unexpected

            if catalog is not None:
                catalog.close()
            self.damage = f"index catalog cannot be read ({type(exc).__name__}: {exc})"
            unexpected("opening the index catalog", exc)
            return None
        if version != str(SCHEMA_VERSION):
            catalog.close()
            self.damage = f"index format {version or 'unknown'} is not the current {SCHEMA_VERSION}"
            return None
        return catalog

    def _open_whoosh(self) -> None:
        """Open the Whoosh index beside the open catalog, or set `damage` saying why not."""
        try:
            ix, searcher = open_whoosh(self.index_dir)
        except IndexDamaged as exc:
            self.damage = str(exc)
            return
        self.gen = Generation(ix, searcher)

    def reopen_searcher(self) -> None:
        """A new generation on the latest commit (whoosh3's `refresh()` can miss deletions),
        and a new view of the catalog."""
        old = self.gen
        if old is not None:
            old.close()
            self.gen = Generation(old.ix, old.ix.searcher())
        self.view = None

    def close(self) -> None:
        if self.gen is not None:
            self.gen.close()
        if self.catalog is not None:
            self.catalog.close()
        self.gen = None
        self.catalog = None
        self.view = None
        self._opened = False
