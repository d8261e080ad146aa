"""Fetching the HF daily papers: which days to ask for, each day's pages, saving, and counting
the papers no other dump held. No Textual, no printing: the CLI and the app report."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from reader.errors import UserError
from reader.fetch.http import Cancelled, Client, FetchFailed, paper_id
from reader.fetch.store import DayStore
from reader.locations import Locations, choose_dumps

#: Papers asked for per page (the API's largest `limit`), and the most pages read for a day.
PAGE_SIZE = 100
MAX_PAGES = 50

Progress = Callable[[int, int, str], None]


class FetchError(UserError):
    """A day could not be fetched: "<day>: <cause>"; the days before it are kept."""


class FetchStopped(Exception):
    """The caller cancelled (the app is closing)."""


@dataclass
class DayResult:
    """What happened to one day."""

    day: date
    status: str  # saved, updated, unchanged, empty, skipped, failed
    papers: int = 0
    file: Path | None = None
    new_papers: int = 0
    error: str | None = None
    #: arXiv ids the day's file held before this fetch (a refetch's old papers are not new).
    before: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "date": self.day.isoformat(),
            "file": str(self.file) if self.file else None,
            "papers": self.papers,
            "new_papers": self.new_papers,
            "status": self.status,
        }
        if self.error:
            doc["error"] = self.error
        return doc


@dataclass
class FetchReport:
    days: list[DayResult]
    notes: list[str] = field(default_factory=list)
    new_papers: int = 0
    #: "<day>: <cause>" of the day that failed (the fetch stops there), else None.
    error: str | None = None

    @property
    def fetched(self) -> list[DayResult]:
        return [d for d in self.days if d.status in ("saved", "updated", "unchanged", "empty")]

    def to_json(self) -> dict[str, Any]:
        return {"days": [d.to_json() for d in self.days], "new_papers": self.new_papers}


def today_utc() -> date:
    return datetime.now(UTC).date()


def plan(
    store: DayStore,
    today: date,
    *,
    day: date | None = None,
    since: date | None = None,
    max_days: int = 7,
    refresh: bool = False,
) -> tuple[list[tuple[date, bool]], list[str]]:
    """The days to report, oldest first, each with whether to fetch it; and notes.

    Default: yesterday, today and the missed days since the last fetch, at most `max_days`
    in all. A
    day already saved is not fetched again, except today and yesterday (their lists still
    change) or with `refresh`.
    """
    notes: list[str] = []
    if (day is not None and day > today) or (since is not None and since > today):
        raise UserError(f"{day or since} is after today ({today.isoformat()}, UTC)")
    if day is not None:
        days = [day]
    elif since is not None:
        days = _range(since, today)
    else:
        last = store.last_fetched()
        yesterday = today - timedelta(days=1)
        start = yesterday if last is None else min(last + timedelta(days=1), yesterday)
        oldest = today - timedelta(days=max_days - 1)
        if start < oldest:
            skipped = (oldest - start).days
            notes.append(
                f"{skipped} older missed day{'s' if skipped != 1 else ''} not fetched "
                f"(at most {max_days}; --since {start.isoformat()} fetches them)"
            )
            start = oldest
        days = _range(start, today)
    record = store.record()
    recent = {today, today - timedelta(days=1)}
    return [(d, refresh or d in recent or not store.saved(d, record)) for d in days], notes


def _range(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def day_url(base_url: str, day: date, page: int) -> str:
    query = urllib.parse.urlencode({"date": day.isoformat(), "limit": PAGE_SIZE, "p": page})
    return f"{base_url.rstrip('/')}/api/daily_papers?{query}"


def fetch_day(
    client: Client, base_url: str, day: date, cancelled: Callable[[], bool] | None = None
) -> list[Any]:
    """Every item of one day: full pages are asked for until one comes back short (or adds
    nothing new: a server that ignores `p`); each paper is kept once, first seen first."""
    items: list[Any] = []
    seen: set[str] = set()
    for page in range(MAX_PAGES):
        if cancelled is not None and cancelled():
            raise FetchStopped
        try:
            answer = client.get_array(day_url(base_url, day, page), cancelled)
        except Cancelled:
            raise FetchStopped from None
        added = 0
        for item in answer:
            pid = paper_id(item)
            if pid is not None and pid not in seen:
                seen.add(pid)
                items.append(item)
                added += 1
        if len(answer) < PAGE_SIZE or not added:
            break
    return items


def fetch_days(
    days: Sequence[tuple[date, bool]],
    store: DayStore,
    client: Client,
    base_url: str,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> FetchReport:
    """Fetch and save the planned days, oldest first; stop at the first failure (the days
    saved before it stay)."""
    report = FetchReport([])
    total = sum(1 for _, fetch in days if fetch)
    done = 0
    for day, fetch in days:
        if not fetch:
            path = store.path(day)
            report.days.append(
                DayResult(day, "skipped", _count(path), path if path.is_file() else None)
            )
            continue
        if progress is not None:
            progress(done, total, f"Fetching {day.isoformat()}")
        existed = store.path(day).is_file()
        before = _arxiv_ids(store.path(day)) if existed else frozenset()
        try:
            items = fetch_day(client, base_url, day, cancelled)
        except FetchFailed as exc:
            report.days.append(DayResult(day, "failed", error=str(exc)))
            report.error = f"{day.isoformat()}: {exc}"
            break
        saved_path, changed = store.save(day, items)
        status = ("updated" if changed else "unchanged") if existed else "saved"
        if not items:
            status = "empty"
        report.days.append(DayResult(day, status, len(items), saved_path, before=before))
        done += 1
    if progress is not None:
        progress(total, total, "Fetched")
    return report


def _items(path: Path) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return data if isinstance(data, list) else []


def _count(path: Path) -> int:
    return len(_items(path))


def _arxiv_ids(path: Path) -> frozenset[str]:
    return frozenset(pid for pid in (paper_id(i) for i in _items(path)) if pid)


def library_roots(
    locations: Locations, cli_dumps: Sequence[str] | None, config_dumps: Sequence[str] | None
) -> tuple[list[Path], str | None]:
    """The dumps to sync after a fetch: the user's selection (chosen now, so a first fetch
    replaces the samples), plus the data dir's dumps when the selection leaves them out
    (with a note saying so)."""
    selection = choose_dumps(cli_dumps, locations, config_paths=config_dumps)
    roots = list(selection.roots)
    target = locations.user_dumps_dir
    if any(target == r or target.is_relative_to(r) or (target / "hf-daily").is_relative_to(r)
           for r in roots):  # fmt: skip
        return roots, None
    note = (
        f"the dumps in use (from {selection.origin}) leave out {target}, where fetched days "
        f"are saved: add it to read them there"
    )
    return [*roots, target], note


def count_new(library: Any, report: FetchReport) -> None:
    """Fill in `new_papers`. Days are counted in date order: a day's new papers are those that
    no dump outside this run's days held, nor the day's own file before this fetch, nor an
    earlier day of this run; the run's total is their sum, so the lines add up."""
    from reader.search import Filters

    sources = library.sources()
    fetched = sorted(
        (d for d in report.fetched if d.file is not None and d.papers), key=lambda d: d.day
    )
    fetched_paths = {str(d.file) for d in fetched}

    def ids_in(names: set[str]) -> set[str]:
        if not names:
            return set()
        result = library.search("", Filters(sources=frozenset(names)), limit=None, suggest=False)
        return set(result.ids)

    known = ids_in({s.name for s in sources if s.path not in fetched_paths})
    total = 0
    for d in fetched:
        own = {s.name for s in sources if s.path == str(d.file)}
        before = {pid for pid in map(library.resolve_id, sorted(d.before)) if pid}
        day_ids = ids_in(own)
        d.new_papers = len(day_ids - before - known)
        total += d.new_papers
        known |= day_ids
    report.new_papers = total
