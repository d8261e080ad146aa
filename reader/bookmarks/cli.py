"""`paper-reader bookmarks ...`: the argparse sub-commands and their handlers.

`reader/cli.py` adds the parser with `add_bookmark_commands` and calls `run_bookmarks`
with the store, a `resolve_paper` backed by the search index, and stdout. Handlers
raise `BookmarkError` for user errors (the caller prints one line and exits 1).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from reader.bookmarks.atomic import export_mode, write_atomic
from reader.bookmarks.model import Bookmark, BookmarkError
from reader.bookmarks.reading import ReadingStore, reading_part
from reader.bookmarks.store import BookmarkStore
from reader.bookmarks.transfer import FORMATS, export, parse_import, rows_json
from reader.model import Paper

ResolvePaper = Callable[[str], Paper | None]


def add_bookmark_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add `bookmarks` and its sub-commands to the top-level sub-parsers."""
    parser = subparsers.add_parser(
        "bookmarks",
        help="list, add, tag, export and import bookmarks",
        description="Manage bookmarks. ID is a paper id or an arXiv id.",
    )
    sub = parser.add_subparsers(dest="bookmarks_command", metavar="COMMAND", required=True)

    p = sub.add_parser("list", help="list bookmarks, newest first")
    p.add_argument("--tag", metavar="T", help="only bookmarks with this tag")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = sub.add_parser("add", help="bookmark a paper (or add tags/note to a bookmark)")
    p.add_argument("id", metavar="ID")
    p.add_argument("--tag", metavar="T", action="append", default=[], help="a tag (repeatable)")
    p.add_argument("--note", metavar="TEXT", help="the note (replaces an existing one)")

    p = sub.add_parser("remove", help="remove a bookmark")
    p.add_argument("id", metavar="ID")

    p = sub.add_parser("tag", help="add tags (bookmarks the paper if needed)")
    p.add_argument("id", metavar="ID")
    p.add_argument("tags", metavar="TAG", nargs="+")

    p = sub.add_parser("untag", help="remove tags")
    p.add_argument("id", metavar="ID")
    p.add_argument("tags", metavar="TAG", nargs="+")

    p = sub.add_parser("note", help="set the note (bookmarks the paper if needed)")
    p.add_argument("id", metavar="ID")
    p.add_argument("text", metavar="TEXT")

    p = sub.add_parser("export", help="export all bookmarks")
    p.add_argument("--format", choices=FORMATS, default="json", help="default: json")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically)")

    p = sub.add_parser("import", help="merge bookmarks from a JSON export (newer `updated` wins)")
    p.add_argument("file", metavar="FILE")


def run_bookmarks(
    args: argparse.Namespace,
    store: BookmarkStore,
    resolve_paper: ResolvePaper,
    out: TextIO,
    reading: ReadingStore | None = None,
) -> int:
    """Run one `bookmarks` sub-command; returns the exit code (0), raises `BookmarkError`.

    With `reading`, a JSON export carries the reading state and saved searches, and an
    import merges them (the newest change per paper wins)."""
    if store.problem:
        print(f"warning: {store.problem}", file=sys.stderr)
    if args.bookmarks_command == "export":
        return _export(args, store, out, reading)
    if args.bookmarks_command == "import":
        return _import(args, store, out, reading)
    handler = _HANDLERS.get(args.bookmarks_command)
    if handler is None:
        raise BookmarkError(f"unknown bookmarks command {args.bookmarks_command!r}")
    return handler(args, store, resolve_paper, out)


# ----- helpers -------------------------------------------------------------------------


def _describe(bookmark: Bookmark) -> str:
    tags = f"  [{', '.join(bookmark.tags)}]" if bookmark.tags else ""
    return f"{bookmark.paper_id}  {bookmark.paper.title}{tags}"


def _paper(ident: str, store: BookmarkStore, resolve: ResolvePaper) -> Paper:
    """The paper from the index (fresh snapshot), else the snapshot of an existing bookmark."""
    paper = resolve(ident.strip())
    if paper is not None:
        return paper
    bookmark = store.find(ident)
    if bookmark is not None:
        return bookmark.paper
    raise BookmarkError(f"no paper with id {ident!r}")


def _bookmark(ident: str, store: BookmarkStore, resolve: ResolvePaper) -> Bookmark:
    """An existing bookmark by paper id or arXiv id."""
    bookmark = store.find(ident)
    if bookmark is not None:
        return bookmark
    paper = resolve(ident.strip())
    if paper is None:
        raise BookmarkError(f"no paper with id {ident!r}")
    bookmark = store.get(paper.id)
    if bookmark is None:
        raise BookmarkError(f"paper {paper.id} is not bookmarked")
    return bookmark


# ----- handlers ------------------------------------------------------------------------


def _list(args: argparse.Namespace, store: BookmarkStore, _r: ResolvePaper, out: TextIO) -> int:
    bookmarks = store.all()
    if args.tag is not None:
        wanted = store.ids_with_tag(args.tag)
        bookmarks = [b for b in bookmarks if b.paper_id in wanted]
    if args.json:
        out.write(rows_json(bookmarks) + "\n")
        return 0
    if not bookmarks:
        suffix = f" tagged {args.tag!r}" if args.tag is not None else ""
        out.write(f"no bookmarks{suffix}\n")
        return 0
    for bookmark in bookmarks:
        out.write(f"{bookmark.added[:10]}  {_describe(bookmark)}\n")
        if bookmark.note:
            for line in bookmark.note.split("\n"):
                out.write(f"    {line}\n")
    return 0


def _add(args: argparse.Namespace, store: BookmarkStore, resolve: ResolvePaper, out: TextIO) -> int:
    paper = _paper(args.id, store, resolve)
    existed = store.get(paper.id) is not None
    bookmark = store.add(paper, tags=args.tag, note=args.note)
    out.write(f"{'updated' if existed else 'bookmarked'} {_describe(bookmark)}\n")
    return 0


def _remove(
    args: argparse.Namespace, store: BookmarkStore, resolve: ResolvePaper, out: TextIO
) -> int:
    bookmark = _bookmark(args.id, store, resolve)
    if not store.remove(bookmark.paper_id):
        raise BookmarkError(f"paper {bookmark.paper_id} is not bookmarked")
    out.write(f"removed {bookmark.paper_id}  {bookmark.paper.title}\n")
    return 0


def _tag(args: argparse.Namespace, store: BookmarkStore, resolve: ResolvePaper, out: TextIO) -> int:
    existing = store.find(args.id)  # an existing bookmark needs no index lookup
    paper = existing.paper if existing else _paper(args.id, store, resolve)
    if store.get(paper.id) is None:
        bookmark = store.add(paper, tags=args.tags)
        out.write(f"bookmarked {_describe(bookmark)}\n")
    else:
        bookmark = store.tag(paper.id, args.tags)
        out.write(f"tagged {_describe(bookmark)}\n")
    return 0


def _untag(
    args: argparse.Namespace, store: BookmarkStore, resolve: ResolvePaper, out: TextIO
) -> int:
    bookmark = store.untag(_bookmark(args.id, store, resolve).paper_id, args.tags)
    out.write(f"untagged {_describe(bookmark)}\n")
    return 0


def _note(
    args: argparse.Namespace, store: BookmarkStore, resolve: ResolvePaper, out: TextIO
) -> int:
    existing = store.find(args.id)
    paper = existing.paper if existing else _paper(args.id, store, resolve)
    if store.get(paper.id) is None:
        bookmark = store.add(paper, note=args.text)
        out.write(f"bookmarked {_describe(bookmark)}\n")
    else:
        bookmark = store.set_note(paper.id, args.text)
        out.write(f"note set on {_describe(bookmark)}\n")
    return 0


def _export(
    args: argparse.Namespace, store: BookmarkStore, out: TextIO, reading: ReadingStore | None
) -> int:
    extra = reading.export_data() if reading is not None and args.format == "json" else None
    text = export(store.all(), args.format, extra)
    if not args.output or args.output == "-":
        out.write(text)
        return 0
    target = Path(args.output).expanduser()
    if target.is_dir():
        raise BookmarkError(f"cannot export to {target}: it is a folder")
    if target.resolve() == store.path.resolve():
        raise BookmarkError(f"cannot export over the bookmarks file itself ({target})")
    write_atomic(target, text.encode("utf-8"), mode=export_mode(target))
    count = len(store.all())
    out.write(f"exported {count} bookmark{'s' if count != 1 else ''} to {target}\n")
    return 0


def _import(
    args: argparse.Namespace, store: BookmarkStore, out: TextIO, reading: ReadingStore | None
) -> int:
    path = Path(args.file).expanduser()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BookmarkError(f"cannot read {path}: {exc.strerror or exc}") from exc
    incoming = parse_import(raw, str(path))
    added, updated = store.merge(incoming)
    for label, ids in (("added", added), ("updated", updated)):
        for pid in ids:
            bookmark = store.get(pid)
            title = bookmark.paper.title if bookmark else ""
            out.write(f"{label} {pid}  {title}\n")
    unchanged = len(incoming) - len(added) - len(updated)
    out.write(
        f"imported {path}: {len(added)} added, {len(updated)} updated, {unchanged} unchanged\n"
    )
    if reading is not None:
        extra = reading_part(raw)
        if extra:
            marks, searches = reading.merge(extra)
            out.write(f"reading state: {marks} papers changed, {searches} saved searches changed\n")
    return 0


_Handler = Callable[[argparse.Namespace, BookmarkStore, ResolvePaper, TextIO], int]
_HANDLERS: dict[str, _Handler] = {
    "list": _list,
    "add": _add,
    "remove": _remove,
    "tag": _tag,
    "untag": _untag,
    "note": _note,
}
