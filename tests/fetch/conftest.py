"""A local HF daily-papers API: `http.server` in a thread on 127.0.0.1 (tests never reach the
internet). Days answer from `HfServer.days` (a list of items, paged by `limit` and `p`) or
`HfServer.special` (a canned failure); unknown days answer `[]`."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "hf_api_samples"

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class HfServer:
    url: str
    days: dict[str, list[Any]] = field(default_factory=dict)
    #: date -> a function of the page number giving (status, headers, body).
    special: dict[str, Callable[[int], Reply]] = field(default_factory=dict)
    #: (date, limit, p, user-agent) of every request.
    requests: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: Pages overlap by this many items (a server whose lists move while you page).
    overlap: int = 0


def json_reply(data: object, status: int = 200) -> Reply:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


def sample_items() -> list[Any]:
    """Every item of the real API answers in ../shared/hf_api_samples, each paper once."""
    if not SHARED.is_dir():
        pytest.skip(f"the HF API samples are not at {SHARED} (CI puts ../shared beside the clone)")
    items: list[Any] = []
    seen: set[str] = set()
    for path in sorted(SHARED.glob("daily_*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            pid = item["paper"]["id"]
            if pid not in seen:
                seen.add(pid)
                items.append(item)
    return items


@pytest.fixture
def hf_server() -> Iterator[HfServer]:
    state: dict[str, HfServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            server = state["server"]
            parts = urllib.parse.urlsplit(self.path)
            if parts.path == "/login":
                self._send(200, {"Content-Type": "text/html"}, b"<html><body>Sign in</body></html>")
                return
            query = dict(urllib.parse.parse_qsl(parts.query))
            day, limit, page = query.get("date", ""), query.get("limit", "50"), query.get("p", "0")
            server.requests.append((day, limit, page, self.headers.get("User-Agent", "")))
            if parts.path != "/api/daily_papers":
                self._send(*json_reply({"error": "no such endpoint"}, 404))
                return
            if day in server.special:
                self._send(*server.special[day](int(page)))
                return
            items = server.days.get(day, [])
            size, number = int(limit), int(page)
            start = max(0, number * size - number * server.overlap)
            self._send(*json_reply(items[start : start + size]))

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            if headers.get("X-Delay"):
                time.sleep(float(headers["X-Delay"]))
            self.send_response(status)
            for name, value in headers.items():
                if name != "X-Delay":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state["server"] = HfServer(f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["server"]
    finally:
        httpd.shutdown()
        httpd.server_close()
