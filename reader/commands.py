"""The CLI's commands: sync, list, search, similar, paths, bookmarks, and the app launcher."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from typing import Any

from reader.config import Settings, apply_environment, load_settings
from reader.errors import UserError
from reader.index_upkeep import ensure_current, ensure_synced, merge_after
from reader.locations import Locations, resolve_locations
from reader.model import Paper
from reader.search import Filters, Library, SearchResult, Sort, open_library
from reader.search.snippets import fragment

_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _dumps(args: argparse.Namespace) -> list[str] | None:
    dumps = getattr(args, "dumps", None)
    return list(dumps) if dumps else None


def settings(args: argparse.Namespace, loc: Locations | None = None) -> Settings:
    """The effective settings (config file, environment, flags), read once per command;
    a broken config file raises `ConfigError` (one line, exit 1)."""
    found: Settings | None = getattr(args, "_settings", None)
    if found is None:
        flags = {"dumps": _dumps(args), "base_url": getattr(args, "base_url", None)}
        found = load_settings(loc or resolve_locations(), flags=flags)
        apply_environment(found)
        args._settings = found
    return found


def _config_dumps(args: argparse.Namespace, loc: Locations) -> list[str] | None:
    chosen = settings(args, loc).dumps
    return list(chosen.value) if chosen.origin == "file" else None


def _library(args: argparse.Namespace) -> tuple[Library, Locations]:
    loc = resolve_locations()
    lib, _ = open_library(_dumps(args), loc, _config_dumps(args, loc))
    return lib, loc


READ_WAIT_S = 2.0


def cmd_index(args: argparse.Namespace) -> int:
    lib, _ = _library(args)
    lib.lock_timeout = 600.0
    report = ensure_synced(lib, rebuild=args.rebuild, required=True)
    if report is None:
        return 1
    try:
        _print_index_report(report, args.json)
    finally:
        sys.stdout.flush()
    merge_after(lib)
    return 0


def _print_index_report(report: Any, as_json: bool) -> None:
    if as_json:
        files = [
            {"path": f.path, "name": f.name, "format": f.format, "papers": f.papers,
             "page_date": f.page_date, "warnings": f.warnings}
            for f in report.files
        ]  # fmt: skip
        doc = {
            "papers": report.papers,
            "changed_files": report.changed_files,
            "removed_files": report.removed_files,
            "duplicates_merged": report.duplicates_merged,
            "rebuilt": report.rebuilt,
            "files": files,
            "problems": report.problems,
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    width = max((len(f.name) for f in report.files), default=10)
    for f in report.files:
        print(f"{f.name:<{width}}  {f.format:<20} {f.papers:>7} papers")
        for warning in f.warnings:
            print(f"{'':<{width}}  warning: {warning}")
    what = (
        ("rebuilt" if report.rebuild_reason else "built")
        if report.rebuilt
        else (f"{report.changed_files} changed")
    )
    print(
        f"{report.papers} papers from {len(report.files)} dumps "
        f"({what}, {report.removed_files} removed, {report.duplicates_merged} duplicates merged)"
    )


def paper_json(paper: Paper, score: float | None = None) -> dict[str, Any]:
    data = paper.to_dict()
    data["sources"] = paper.source_names
    data["source_details"] = [s.to_dict() for s in paper.sources]
    if score is not None:
        data["score"] = round(score, 4)
    return data


def _print_json_array(items: Iterable[dict[str, Any]]) -> None:
    """Stream a JSON array (a 100k-paper list starts printing at once)."""
    out = sys.stdout
    out.write("[")
    count = 0
    for count, item in enumerate(items, 1):
        out.write(",\n" if count > 1 else "\n")
        out.write(json.dumps(item, ensure_ascii=False))
    out.write("\n]\n" if count else "]\n")


def cmd_list(args: argparse.Namespace) -> int:
    lib, _ = _library(args)
    lib.lock_timeout = READ_WAIT_S
    ensure_current(lib, needs_index=False)
    if args.json:
        _print_json_array(paper_json(p) for p in lib.iter_papers(args.limit))
        return 0
    result = lib.search("", limit=args.limit)
    for row in lib.rows(result.ids):
        print(f"{row.id}  {row.title}  [{row.first_source}]")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    lib, _ = _library(args)
    lib.lock_timeout = READ_WAIT_S
    ensure_current(lib)
    filters = Filters(
        sources=frozenset(args.source or ()),
        date_from=args.since,
        date_to=args.until,
        min_upvotes=args.min_upvotes,
        category=args.category,
    )
    # A phrase's total may be estimated ("of about N"): its best papers are the same.
    result = lib.search(args.query, filters, Sort(args.sort), limit=args.limit, estimate=True)
    if result.note:
        print(f"paper-reader: note: {result.note}", file=sys.stderr)
    return _print_results(lib, result, args.json, result.scores)


def cmd_similar(args: argparse.Namespace) -> int:
    lib, _ = _library(args)
    lib.lock_timeout = READ_WAIT_S
    ensure_current(lib)
    paper = lib.get(args.id)
    if paper is None:
        raise UserError(f"no paper with id {args.id!r} (try 'paper-reader search')")
    similar = lib.similar(paper.id, limit=args.limit)
    if not args.json:
        print(f"Like: {paper.title}")
        print(f"Key terms: {', '.join(similar.key_terms)}\n")
    result = SearchResult(query="", ids=similar.ids, total=len(similar.ids), scores=similar.scores)
    return _print_results(lib, result, args.json, similar.scores)


def _print_results(
    lib: Library, result: SearchResult, as_json: bool, scores: dict[str, float]
) -> int:
    papers = [p for p in (lib.get(i) for i in result.ids) if p is not None]
    if as_json:
        print(
            json.dumps(
                [paper_json(p, scores.get(p.id)) for p in papers], ensure_ascii=False, indent=2
            )
        )
        return 0
    tty = sys.stdout.isatty()
    if not papers:
        hint = f" Did you mean: {result.suggestion}?" if result.suggestion else ""
        print(f"No results.{hint}")
        return 0
    for n, paper in enumerate(papers, 1):
        title = _mark(paper.title, lib.highlight_spans(paper.title, result.terms, "title"), tty)
        print(f"{n:>3}. {title}")
        meta = " · ".join(
            x
            for x in (", ".join(paper.source_names), paper.published, paper.arxiv_id, paper.id)
            if x
        )
        print(f"     {_DIM + meta + _RESET if tty else meta}")
        text, spans = fragment(paper.abstract, lib.highlight_spans(paper.abstract, result.terms))
        if text:
            print(f"     {_mark(text, spans, tty)}")
    if result.total > len(papers):
        print(f"\n{len(papers)} of {result.total_text} results")
    return 0


def _mark(text: str, spans: list[tuple[int, int]], tty: bool) -> str:
    """Bold the matched words on a terminal (the text itself was cleaned at ingestion)."""
    if not tty or not spans:
        return text
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], _BOLD, text[start:end], _RESET]
        last = end
    out.append(text[last:])
    return "".join(out)


def cmd_paths(args: argparse.Namespace) -> int:
    loc = resolve_locations()
    lib, selection = open_library(_dumps(args), loc, _config_dumps(args, loc))
    doc = {
        "data_dir": str(loc.data_dir),
        "cache_dir": str(loc.cache_dir),
        "config_dir": str(loc.config_dir),
        "config_file": str(settings(args, loc).path),
        "state_dir": str(loc.state_dir),
        "index_dir": str(lib.index_dir),
        "bookmarks_file": str(loc.bookmarks_file),
        "reading_file": str(loc.reading_file),
        "log_file": str(loc.log_file),
        "dumps": {"origin": selection.origin, "paths": [str(p) for p in selection.roots]},
    }
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    for key in (
        "data_dir",
        "cache_dir",
        "config_dir",
        "config_file",
        "state_dir",
        "index_dir",
        "bookmarks_file",
        "reading_file",
        "log_file",
    ):
        print(f"{key:<15} {doc[key]}")
    print(f"{'dumps':<15} {', '.join(doc['dumps']['paths'])}  (from {selection.origin})")  # type: ignore[index]
    return 0


def cmd_bookmarks(args: argparse.Namespace) -> int:
    from reader.bookmarks import BookmarkStore
    from reader.bookmarks.cli import run_bookmarks

    loc = resolve_locations()
    state: dict[str, Library] = {}

    def resolve(key: str) -> Paper | None:
        if "lib" not in state:
            state["lib"], _ = open_library(_dumps(args), loc, _config_dumps(args, loc))
            ensure_current(state["lib"], needs_index=False)
        return state["lib"].get(key)

    from reader.bookmarks.reading import ReadingStore

    reading = ReadingStore(loc.reading_file)
    if args.bookmarks_command in ("export", "import") and reading.problem:
        print(f"paper-reader: warning: {reading.problem}", file=sys.stderr)
    return run_bookmarks(
        args, BookmarkStore(loc.bookmarks_file), resolve, sys.stdout, reading=reading
    )


def _triage(args: argparse.Namespace) -> Any:
    from reader.bookmarks import BookmarkStore
    from reader.bookmarks.reading import ReadingStore
    from reader.triage import Triage

    lib, loc = _library(args)
    lib.lock_timeout = READ_WAIT_S
    # Saved searches query the index; the inbox itself and marks read the catalog alone.
    ensure_current(
        lib, needs_index=args.command == "feeds" or getattr(args, "feed", None) is not None
    )
    reading = ReadingStore(loc.reading_file)
    if reading.problem:
        print(f"paper-reader: warning: {reading.problem}", file=sys.stderr)
    archive_papers = settings(args, loc).archive_papers.value
    return Triage(lib, reading, BookmarkStore(loc.bookmarks_file), archive_papers)


def cmd_inbox(args: argparse.Namespace) -> int:
    from reader.triage_cli import run_inbox

    return run_inbox(args, _triage(args), sys.stdout, paper_json)


def cmd_mark(args: argparse.Namespace) -> int:
    from reader.triage_cli import run_mark

    return run_mark(args, _triage(args), sys.stdout)


def cmd_feeds(args: argparse.Namespace) -> int:
    from reader.triage_cli import run_feeds

    return run_feeds(args, _triage(args), sys.stdout)


def run_app(args: argparse.Namespace) -> int:
    """Run the app (it reads the config file: a broken one is a notification), then end the
    process at once.

    Quitting abandons the app's read-only background work (the index warm-up, a search, a
    sync: a cut sync leaves the previous index in use) once the user's data is written
    (`reader.tui.exiting.run`). Python would join those threads at exit, minutes at a million
    papers, so while any is alive the process ends with `os._exit`, after flushing the output
    streams and the log's handlers (atexit handlers are skipped: the app registers none).
    """
    from reader.tui import exiting, make_app

    status = exiting.run(make_app(_dumps(args)))
    if exiting.abandoned_threads():
        exiting.flush_output()
        os._exit(status)
    return status


def cmd_config(args: argparse.Namespace) -> int:
    from reader.config_cli import run_config

    return run_config(args, sys.stdout)


def cmd_fetch(args: argparse.Namespace) -> int:
    from reader.fetch.cli import run_fetch

    return run_fetch(args, settings(args))
