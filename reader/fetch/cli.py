"""`paper-reader fetch`: arguments, the run, and one line per day (or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any, TextIO

from reader.config import Settings
from reader.fetch.daily import (
    FetchError,
    FetchReport,
    count_new,
    fetch_days,
    library_roots,
    plan,
    today_utc,
)
from reader.fetch.http import DEFAULT_TIMEOUT, Client
from reader.fetch.store import DayStore
from reader.locations import resolve_locations


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return value


def add_fetch_command(sub: Any) -> argparse.ArgumentParser:
    text = "save today's Hugging Face daily papers (and missed days) as dumps, then sync the index"
    p: argparse.ArgumentParser = sub.add_parser("fetch", help=text, description=text)
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="fetch this day only")
    when.add_argument(
        "--since", type=_day, metavar="YYYY-MM-DD", help="fetch every day from then to today"
    )
    p.add_argument(
        "--refresh", action="store_true", help="fetch days already saved again (default: only "
        "today and yesterday are fetched again)",
    )  # fmt: skip
    p.add_argument(
        "--base-url", metavar="URL", help="the server (default: $PAPER_READER_HF_URL, the "
        "config file's [fetch] base_url, else https://huggingface.co)",
    )  # fmt: skip
    p.add_argument(
        "--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="S",
        help=f"seconds to wait for the server (default {DEFAULT_TIMEOUT:g})",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print a JSON report")
    return p


def run_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from reader.index_upkeep import ensure_synced, merge_after
    from reader.search import Library

    loc = resolve_locations()
    store = DayStore(loc)
    days, notes = plan(
        store, today_utc(), day=args.date, since=args.since,
        max_days=settings.fetch_days.value, refresh=args.refresh,
    )  # fmt: skip
    tty = sys.stderr.isatty()

    def progress(done: int, total: int, label: str) -> None:
        if tty and done < total:
            sys.stderr.write(f"\r\x1b[2K[{done + 1}/{total}] {label}…")
            sys.stderr.flush()
        elif tty:
            sys.stderr.write("\r\x1b[2K")

    report = fetch_days(
        days, store, Client(args.timeout), settings.base_url.value, progress=progress
    )
    report.notes[:0] = notes
    lib = None
    if report.fetched:
        config_dumps = list(settings.dumps.value) if settings.dumps.origin == "file" else None
        cli_dumps = list(args.dumps) if getattr(args, "dumps", None) else None
        roots, note = library_roots(loc, cli_dumps, config_dumps)
        if note:
            report.notes.append(note)
        lib = Library(roots, loc.index_dir(roots))
        lib.lock_timeout = 600.0
        if ensure_synced(lib) is not None or lib.available:
            count_new(lib, report)
    _print(report, args.json, sys.stdout)
    sys.stdout.flush()
    if lib is not None and lib.available:
        merge_after(lib)
    if report.error:
        raise FetchError(report.error)
    return 0


def _print(report: FetchReport, as_json: bool, out: TextIO) -> None:
    for note in report.notes:
        print(f"paper-reader: note: {note}", file=sys.stderr)
    if as_json:
        out.write(json.dumps(report.to_json(), indent=2) + "\n")
        return
    for d in report.days:
        if d.status == "failed":
            continue  # the error line says it
        what = {
            "saved": f"{d.papers} papers, {d.new_papers} new",
            "updated": f"{d.papers} papers, {d.new_papers} new (updated)",
            "unchanged": f"{d.papers} papers, {d.new_papers} new (no change)",
            "empty": "no papers that day",
            "skipped": f"{d.papers} papers, already saved (--refresh fetches it again)",
        }[d.status]
        where = f"  {d.file}" if d.file and d.status not in ("empty", "skipped") else ""
        out.write(f"{d.day.isoformat()}  {what}{where}\n")
    if report.fetched or not report.error:
        n = report.new_papers
        out.write(f"{n} new paper{'s' if n != 1 else ''}\n")
