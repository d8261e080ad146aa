"""`paper-reader fetch` against a local server: each day's file is written exactly when it
should be, failures are one line naming the day, and the index shows the papers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from reader.fetch.daily import fetch_day, plan
from reader.fetch.http import Client, FetchFailed, retry_after
from reader.fetch.store import DayStore
from reader.locations import resolve_locations

from .conftest import SHARED, HfServer, json_reply, sample_items

TODAY = datetime.now(UTC).date()


def day(n: int) -> str:
    """The ISO date `n` days before today (UTC)."""
    return (TODAY - timedelta(days=n)).isoformat()


def run(server: HfServer | str, *args: str, env: dict[str, str] | None = None):
    url = server if isinstance(server, str) else server.url
    return subprocess.run(
        [sys.executable, "-m", "reader", "fetch", *args],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PAPER_READER_HF_URL": url, **(env or {})},
    )  # fmt: skip


def saved(d: str) -> Path:
    return resolve_locations().user_dumps_dir / "hf-daily" / f"{d}.json"


def files() -> list[str]:
    folder = resolve_locations().user_dumps_dir / "hf-daily"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_day_over_two_pages_is_saved_once_each_and_indexed(hf_server: HfServer) -> None:
    items = sample_items()  # 120 real items
    hf_server.days[day(3)] = items
    hf_server.overlap = 5  # page 1 repeats the last 5 papers of page 0
    res = run(hf_server, "--date", day(3), "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc == {
        "days": [{"date": day(3), "file": str(saved(day(3))), "papers": 120,
                  "new_papers": doc["days"][0]["new_papers"], "status": "saved"}],
        "new_papers": doc["new_papers"],
    }  # fmt: skip
    assert doc["new_papers"] == doc["days"][0]["new_papers"] > 100
    assert json.loads(saved(day(3)).read_text(encoding="utf-8")) == items  # unchanged, once each
    assert [(r[1], r[2]) for r in hf_server.requests] == [("100", "0"), ("100", "1")]
    assert all(r[3].startswith("paper-reader/0.") for r in hf_server.requests)
    listed = subprocess.run([sys.executable, "-m", "reader", "list", "--json"],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    papers = json.loads(listed.stdout)
    arxiv = {p["arxiv_id"] for p in papers}
    assert {i["paper"]["id"] for i in items} <= arxiv  # the samples are gone: only the fetch
    assert all(p["sources"] == [f"{day(3)}.json"] for p in papers)


def test_a_second_fetch_of_an_old_day_asks_nothing_and_today_is_fetched_again(
    hf_server: HfServer,
) -> None:
    hf_server.days[day(5)] = sample_items()[:3]
    hf_server.days[day(0)] = sample_items()[3:5]
    assert run(hf_server, "--since", day(5)).returncode == 0
    assert files() == [f"{day(5)}.json", f"{day(0)}.json"]
    asked = {r[0] for r in hf_server.requests}
    assert asked == {day(n) for n in range(6)}
    hf_server.requests.clear()
    mtime = saved(day(5)).stat().st_mtime_ns
    res = run(hf_server)  # today and yesterday again; the empty days 4..2 are not retried
    assert res.returncode == 0, res.stderr
    assert sorted({r[0] for r in hf_server.requests}) == [day(1), day(0)]
    assert res.stdout.splitlines() == [
        f"{day(1)}  no papers that day",
        f"{day(0)}  2 papers, 0 new (no change)  {saved(day(0))}",
        "0 new papers",
    ]
    assert saved(day(5)).stat().st_mtime_ns == mtime
    hf_server.requests.clear()
    res = run(hf_server, "--since", day(5), "--json")
    statuses = [d["status"] for d in json.loads(res.stdout)["days"]]
    assert statuses == ["skipped", "skipped", "skipped", "skipped", "empty", "unchanged"]
    assert run(hf_server, "--date", day(5), "--refresh").returncode == 0
    assert hf_server.requests[-1][0] == day(5)


def test_new_papers_leave_out_what_other_dumps_held(hf_server: HfServer) -> None:
    items = sample_items()[:10]
    hf_server.days[day(2)] = items
    own = resolve_locations().user_dumps_dir / "mine"
    own.mkdir(parents=True)
    (own / "older.json").write_text(json.dumps(items[:4]), encoding="utf-8")
    res = run(hf_server, "--date", day(2), "--json")
    doc = json.loads(res.stdout)
    assert doc["days"][0]["papers"] == 10
    assert doc["days"][0]["new_papers"] == doc["new_papers"] == 6


def test_a_paper_two_days_list_is_new_on_the_first_day_only(hf_server: HfServer) -> None:
    items = sample_items()[:8]
    hf_server.days[day(3)] = items[:6]
    hf_server.days[day(2)] = items[2:]  # repeats four of the day before
    doc = json.loads(run(hf_server, "--since", day(3), "--json").stdout)
    new = {d["date"]: d["new_papers"] for d in doc["days"]}
    assert new[day(3)] == 6 and new[day(2)] == 2
    assert doc["new_papers"] == sum(new.values()) == 8


@pytest.mark.parametrize(
    ("reply", "cause"),
    [
        (lambda p: json_reply({"error": "Sorry, we can't find the page you are looking for."},
                              404), "HTTP 404 (Not Found): Sorry, we can't find the page"),
        (lambda p: (500, {}, b"oops"), "HTTP 500 (server error)"),
        (lambda p: (302, {"Location": "/login"}, b""),
         "an HTML page, not JSON (redirected to http://127.0.0.1"),
        (lambda p: (200, {"Content-Type": "text/html"}, b"<html>Wi-Fi login</html>"),
         "an HTML page, not JSON: a login or captive-portal page?"),
        (lambda p: (200, {"Content-Type": "application/json"}, b'[{"paper": {"id": "1"'),
         "invalid JSON (truncated?)"),
        (lambda p: (200, {}, b""), "an empty answer, not JSON"),
        (lambda p: json_reply({"status": "ok", "data": []}), "expected a JSON array of papers"),
        (lambda p: json_reply([{"title": "no id"}]), "item 0 is not a daily-papers item"),
        (lambda p: (429, {"Retry-After": "3600"}, b""),
         "rate limited (HTTP 429); the server asks to wait 3600 s; try again later"),
    ],
)  # fmt: skip
def test_a_failure_is_one_line_naming_the_day_and_earlier_days_are_kept(
    hf_server: HfServer, reply, cause: str
) -> None:
    hf_server.days[day(4)] = sample_items()[:2]
    hf_server.special[day(3)] = reply
    res = run(hf_server, "--since", day(4))
    assert res.returncode == 1
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"paper-reader: error: {day(3)}: "), lines
    assert cause in lines[0]
    assert files() == [f"{day(4)}.json"]  # kept; the failed day and later ones not written
    assert day(2) not in {r[0] for r in hf_server.requests}
    assert res.stdout.startswith(f"{day(4)}  2 papers, 2 new")


def test_a_failed_refetch_keeps_the_saved_day(hf_server: HfServer) -> None:
    hf_server.days[day(0)] = sample_items()[:2]
    assert run(hf_server, "--date", day(0)).returncode == 0
    before = saved(day(0)).read_bytes()
    hf_server.special[day(0)] = lambda p: (200, {}, b"[{")
    res = run(hf_server, "--date", day(0), "--json")
    assert res.returncode == 1
    doc = json.loads(res.stdout)
    assert doc["days"][0]["status"] == "failed" and "invalid JSON" in doc["days"][0]["error"]
    assert saved(day(0)).read_bytes() == before
    assert [p.name for p in saved(day(0)).parent.iterdir()] == [f"{day(0)}.json"]  # no temp


def test_a_slow_server_times_out(hf_server: HfServer) -> None:
    hf_server.special[day(1)] = lambda p: (200, {"X-Delay": "3"}, b"[]")
    res = run(hf_server, "--date", day(1), "--timeout", "0.5")
    assert res.returncode == 1
    assert res.stderr == f"paper-reader: error: {day(1)}: timed out after 0.5 s\n"
    assert files() == []


def test_connection_refused() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    res = run(f"http://127.0.0.1:{port}", "--date", day(1))
    assert res.returncode == 1
    assert res.stderr == (
        f"paper-reader: error: {day(1)}: cannot connect to 127.0.0.1:{port}: connection refused\n"
    )


def test_429_waits_as_asked_then_succeeds(hf_server: HfServer) -> None:
    calls = {"n": 0}

    def limited(page: int):
        calls["n"] += 1
        return (429, {"Retry-After": "2"}, b"") if calls["n"] == 1 else json_reply([])

    hf_server.special["2026-01-05"] = limited
    waits: list[float] = []
    client = Client(5, sleep=waits.append)
    assert fetch_day(client, hf_server.url, date(2026, 1, 5)) == []
    assert waits == [2.0] and calls["n"] == 2
    hf_server.special["2026-01-06"] = lambda p: (429, {"Retry-After": "1"}, b"")
    with pytest.raises(FetchFailed, match="rate limited"):
        fetch_day(Client(5, sleep=waits.append), hf_server.url, date(2026, 1, 6))
    assert waits == [2.0, 1.0, 1.0, 1.0]  # three retries, then it gives up


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after("7") == 7.0
    assert retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after("soon") is None and retry_after(None) is None


def test_plan_default_missed_days_capped_and_saved_days_skipped() -> None:
    store = DayStore(resolve_locations())
    today = date(2026, 12, 6)
    yesterday = today - timedelta(days=1)
    assert plan(store, today) == ([(yesterday, True), (today, True)], [])  # first run
    store.save(date(2026, 11, 20), [{"paper": {"id": "1"}}])
    days, notes = plan(store, today, max_days=7)
    assert [d for d, _ in days] == [today - timedelta(days=n) for n in range(6, -1, -1)]
    assert notes == ["9 older missed days not fetched (at most 7; --since 2026-11-21 fetches them)"]
    store.save(date(2026, 12, 2), [])  # an empty day is recorded: not asked for again
    store.save(date(2026, 12, 3), [{"paper": {"id": "2"}}])
    days, _ = plan(store, today, max_days=7)
    assert days == [(date(2026, 12, 4), True), (date(2026, 12, 5), True), (today, True)]
    days, _ = plan(store, today, since=date(2026, 12, 1), refresh=True)
    assert all(fetch for _, fetch in days) and len(days) == 6
    from reader.errors import UserError

    with pytest.raises(UserError, match="after today"):
        plan(store, today, day=date(2026, 12, 7))


def test_bad_dates_are_usage_errors() -> None:
    res = run("http://127.0.0.1:9", "--date", "2026-13-01")
    assert res.returncode == 2 and "not a date YYYY-MM-DD" in res.stderr
    res = run("http://127.0.0.1:9", "--date", day(0), "--since", day(1))
    assert res.returncode == 2


def test_base_url_flag_beats_the_environment(hf_server: HfServer) -> None:
    hf_server.days[day(1)] = sample_items()[:1]
    res = run("http://127.0.0.1:9", "--date", day(1), "--base-url", hf_server.url)
    assert res.returncode == 0, res.stderr
    assert saved(day(1)).is_file()


def test_the_samples_folder_is_where_the_tests_say() -> None:
    assert SHARED.name == "hf_api_samples" and SHARED.parent.name == "shared"


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reader.fetch.http import _parse  # noqa: E402


@given(st.binary(max_size=200) | st.builds(lambda v: json.dumps(v).encode(), st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
        ["paper", "id", "title"]), inner, max_size=3), max_leaves=8)))  # fmt: skip
def test_any_answer_is_the_array_of_items_or_a_one_line_cause(body: bytes) -> None:
    url = "http://127.0.0.1/api/daily_papers?date=2026-01-01"
    try:
        items = _parse(body, "application/json", url, url)
    except FetchFailed as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(items, list)
    assert all(isinstance(i, dict) for i in items)


def test_a_cancelled_fetch_stops_without_waiting_for_the_server(hf_server: HfServer) -> None:
    """The app closing mid-request must not wait out a slow server: the request is left to
    end in the background (the server here answers only when the test lets it)."""
    import threading

    from reader.fetch.daily import FetchStopped

    arrived, release, answered = threading.Event(), threading.Event(), threading.Event()

    def blocked(page: int):
        arrived.set()
        release.wait(30)
        answered.set()
        return json_reply([])

    hf_server.special["2026-01-07"] = blocked
    with pytest.raises(FetchStopped):
        fetch_day(Client(60), hf_server.url, date(2026, 1, 7), cancelled=arrived.is_set)
    assert arrived.is_set() and not answered.is_set()
    release.set()
