"""`paper-reader inbox`, `mark` and `feeds`: the triage commands, for scripts and cron.

`reader/cli.py` adds the parsers with `add_triage_commands`; `reader/commands.py` calls
`run_triage` with a synced `Library` and the stores. User errors raise `UserError`.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from reader.cli import positive_int

if TYPE_CHECKING:
    from reader.triage import Triage

#: The states `mark` takes (as `reader.bookmarks.reading.State`; the parser is built without it).
STATES = ("seen", "unread", "dismissed")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def add_triage_commands(sub: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """Add `inbox`, `mark` and `feeds`; returns the parsers that take `--dumps`."""
    made = []
    p = sub.add_parser(
        "inbox",
        help="unread papers of the news dumps, newest dump first",
        description="Unread papers of the news dumps (page dumps; the arXiv snapshot and dumps "
        "of more than 2,000 papers are archives), newest dump first, then in page order.",
    )
    p.add_argument("--feed", metavar="NAME", help="only what this saved search finds")
    p.add_argument("--limit", type=positive_int, metavar="N", help="at most N papers")
    p.add_argument("--count", action="store_true", help="print the number only")
    p.add_argument("--json", action="store_true", help="print a JSON array (as `list --json`)")
    made.append(p)

    p = sub.add_parser(
        "mark",
        help="mark papers seen, unread or dismissed",
        description="Mark papers seen, unread or dismissed; prints how many changed. "
        "ID is a paper id or an arXiv id.",
    )
    p.add_argument("state", choices=STATES)
    p.add_argument("ids", metavar="ID", nargs="*")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every news paper (the whole inbox)")
    which.add_argument("--dump", metavar="NAME", help="every paper of this dump (file name)")
    which.add_argument(
        "--before", metavar="YYYY-MM-DD", help="every news paper of the dumps dated before DATE"
    )
    made.append(p)

    p = sub.add_parser(
        "feeds",
        help="saved searches and their unread counts",
        description="Saved searches (feeds): a name, a query and filters; each counts the "
        "unread news papers it finds.",
    )
    feeds = p.add_subparsers(dest="feeds_command", metavar="COMMAND", required=True)
    q = feeds.add_parser("list", help="the saved searches with their unread counts")
    q.add_argument("--json", action="store_true", help="JSON: name, query, filters, unread")
    q = feeds.add_parser("add", help="save a search")
    q.add_argument("name", metavar="NAME")
    q.add_argument("query", metavar="QUERY", help="Whoosh query syntax, as in `search`")
    q.add_argument("--source", action="append", default=[], metavar="NAME",
                   help="only papers from this dump (repeatable)")  # fmt: skip
    q.add_argument("--tag", action="append", default=[], metavar="T",
                   help="only bookmarks with this tag (repeatable)")  # fmt: skip
    q = feeds.add_parser("remove", help="delete a saved search")
    q.add_argument("name", metavar="NAME")
    made.append(p)
    return made


PaperJson = Callable[[Any], dict[str, Any]]


def run_inbox(args: argparse.Namespace, triage: Triage, out: TextIO, paper_json: PaperJson) -> int:
    from reader.errors import UserError

    if args.feed is not None:
        saved = triage.reading.search(args.feed)
        if saved is None:
            raise UserError(f"no saved search named {args.feed!r} (see 'paper-reader feeds list')")
        ids = triage.feed_unread(saved)
        total = len(ids)
    elif args.count:
        ids, total = triage.inbox_head(0)
    elif args.limit:
        ids, total = triage.inbox_head(args.limit)
    else:
        ids = triage.inbox()
        total = len(ids)
    if args.count:
        out.write(f"{total}\n")
        return 0
    shown = ids[: args.limit] if args.limit else ids
    lib = triage.library
    if args.json:
        papers = (lib.get(i) for i in shown)
        out.write(json.dumps([paper_json(p) for p in papers if p is not None],
                             ensure_ascii=False, indent=2) + "\n")  # fmt: skip
        return 0
    if not ids:
        out.write("Inbox empty: nothing unread.\n")
        return 0
    for row in lib.rows(shown):
        out.write(f"{row.id}  {row.title}  [{row.first_source}]\n")
    if len(shown) < total:
        out.write(f"\n{len(shown)} of {total} unread\n")
    return 0


def run_mark(args: argparse.Namespace, triage: Triage, out: TextIO) -> int:
    from reader.bookmarks.reading import State
    from reader.errors import UserError

    state = State(args.state)
    chosen = sum(bool(x) for x in (args.ids, args.all, args.dump, args.before))
    if chosen != 1:
        raise UserError("say which papers: ID..., or one of --all, --dump NAME, --before DATE")
    lib = triage.library
    if args.ids:
        ids = []
        for key in args.ids:
            pid = lib.resolve_id(key)
            if pid is None:
                raise UserError(f"no paper with id {key!r} (nothing was marked)")
            ids.append(pid)
    elif args.all:
        ids = triage.news_ids()
    elif args.dump:
        try:
            ids = triage.ids_of_dump(args.dump)
        except LookupError as exc:
            raise UserError(str(exc)) from None
    else:
        if not _DATE.match(args.before):
            raise UserError(f"--before wants a date as YYYY-MM-DD, got {args.before!r}")
        ids = triage.ids_before(args.before)
    if state is State.SEEN and not args.ids:
        # A bulk "seen" leaves dismissed papers dismissed (and seen ones as they are).
        done = triage.reading.seen_ids()
        ids = [i for i in ids if i not in done]
    step = triage.reading.mark(ids, state, "mark")
    noun = "paper" if step.changed == 1 else "papers"
    out.write(f"{step.changed} {noun} marked {state.value}\n")
    return 0


def run_feeds(args: argparse.Namespace, triage: Triage, out: TextIO) -> int:
    from reader.errors import UserError

    reading = triage.reading
    command = args.feeds_command
    if command == "list":
        searches = reading.searches()
        counts = triage.feed_counts(searches)
        if args.json:
            doc = [{"name": s.name, "query": s.query, "filters": s.filters,
                    "unread": counts[s.name]} for s in searches]  # fmt: skip
            out.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
            return 0
        if not searches:
            out.write("no saved searches (add one: paper-reader feeds add NAME QUERY)\n")
        for s in searches:
            extra = "".join(f"  {k}={','.join(v) if isinstance(v, list) else v}"
                            for k, v in s.filters.items())  # fmt: skip
            out.write(f"{s.name} · {counts[s.name]}  {s.query}{extra}\n")
        return 0
    if command == "add":
        known = {s.name for s in triage.library.sources()}
        unknown = [s for s in args.source if s not in known]
        if unknown:
            raise UserError(
                f"no dump named {unknown[0]!r} (dumps: {', '.join(sorted(known)) or 'none'})"
            )
        filters = {"sources": args.source, "tags": args.tag}
        saved = reading.save_search(args.name, args.query, filters, replace=False)
        count = triage.feed_counts([saved])[saved.name]
        out.write(f"saved {saved.name!r}: {count} unread\n")
        return 0
    if command == "remove":
        reading.remove_search(args.name)
        out.write(f"removed {args.name!r}\n")
        return 0
    raise UserError(f"unknown feeds command {command!r}")
