"""GET one page of the HF daily-papers API with the standard library: timeouts, a user-agent,
`Retry-After` on 429 (up to a limit), and an answer checked to be the expected JSON array.

Every failure is a `FetchFailed` whose text is the cause in a few words ("timed out after
20 s", "HTTP 500 (server error)", "an HTML page, not JSON: a login or captive-portal
page?"); the caller adds the day.
"""

from __future__ import annotations

import email.utils
import json
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar, cast

from reader import __version__

USER_AGENT = f"paper-reader/{__version__} (Python urllib)"
DEFAULT_TIMEOUT = 20.0
#: The longest `Retry-After` honoured (seconds), and how many times a 429 is retried.
RETRY_AFTER_LIMIT = 60.0
RETRIES = 3
#: An answer larger than this is refused (a day is well under 1 MB).
MAX_BODY = 32 * 1024 * 1024

T = TypeVar("T")


class FetchFailed(Exception):
    """One request failed; the text is the cause, for a one-line message."""


class Client:
    """Makes the requests; `sleep` waits out a `Retry-After` (tests pass their own)."""

    def __init__(
        self,
        timeout: float = DEFAULT_TIMEOUT,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry_after_limit: float = RETRY_AFTER_LIMIT,
    ) -> None:
        self.timeout = timeout
        self.sleep = sleep
        self.retry_after_limit = retry_after_limit
        # No proxy surprises beyond the environment's own (urllib reads *_proxy variables).
        self._opener = urllib.request.build_opener()

    def get_array(self, url: str, cancelled: Callable[[], bool] | None = None) -> list[Any]:
        """The JSON array at `url`; raises `FetchFailed`, or `Cancelled` as soon as
        `cancelled()` turns true (the request is then left to end in the background)."""
        for attempt in range(RETRIES + 1):
            try:
                if cancelled is None:
                    return self._get_once(url)
                return _abandonable(lambda: self._get_once(url), cancelled)
            except _RateLimited as limited:
                wait = limited.wait
                if wait is None or wait > self.retry_after_limit or attempt == RETRIES:
                    asked = f"; the server asks to wait {wait:g} s" if wait is not None else ""
                    raise FetchFailed(f"rate limited (HTTP 429){asked}; try again later") from None
                if cancelled is None:
                    self.sleep(wait)
                else:
                    _abandonable(partial(self.sleep, wait), cancelled)
        raise AssertionError("unreachable")

    def _get_once(self, url: str) -> list[Any]:
        request = urllib.request.Request(
            url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                final_url = response.geturl()
                content_type = response.headers.get("Content-Type", "")
                body = _read(response)
        except urllib.error.HTTPError as exc:
            with exc:
                raise _http_error(exc) from None
        except TimeoutError:
            raise FetchFailed(f"timed out after {self.timeout:g} s") from None
        except urllib.error.URLError as exc:
            raise FetchFailed(_network_reason(exc.reason, url)) from None
        except ssl.SSLError as exc:
            raise FetchFailed(f"TLS error: {exc.reason or exc}") from None
        except (ConnectionError, OSError) as exc:
            raise FetchFailed(_network_reason(exc, url)) from None
        return _parse(body, content_type, url, final_url)


class Cancelled(Exception):
    """The caller stopped waiting (the app is closing)."""


#: How often a cancellable request checks whether it is still wanted (seconds).
POLL = 0.05


def _abandonable(call: Callable[[], T], cancelled: Callable[[], bool]) -> T:
    """Run `call` in a daemon thread and wait for it, giving up (`Cancelled`) as soon as
    `cancelled()` is true: a closing app does not wait out a slow server or a Retry-After."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the waiting thread, raised there
            box["error"] = exc

    thread = threading.Thread(target=run, name="fetch-request", daemon=True)
    thread.start()
    while thread.is_alive():
        if cancelled():
            raise Cancelled
        thread.join(POLL)
    if "error" in box:
        raise box["error"]
    return cast(T, box.get("value"))


class _RateLimited(Exception):
    def __init__(self, wait: float | None) -> None:
        super().__init__("429")
        self.wait = wait


def _read(response: Any) -> bytes:
    body: bytes = response.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise FetchFailed(f"the answer is larger than {MAX_BODY // (1024 * 1024)} MB")
    return body


def _http_error(exc: urllib.error.HTTPError) -> Exception:
    if exc.code == 429:
        return _RateLimited(retry_after(exc.headers.get("Retry-After")))
    detail = ""
    try:
        data = json.loads(exc.read(64 * 1024) or b"null")
        if isinstance(data, dict) and isinstance(data.get("error"), str):
            detail = f": {' '.join(data['error'].split())[:120]}"
    except (OSError, ValueError, TimeoutError):
        pass
    kind = "server error" if exc.code >= 500 else (exc.reason or "refused")
    return FetchFailed(f"HTTP {exc.code} ({kind}){detail}")


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date); None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _network_reason(reason: object, url: str) -> str:
    host = urllib.parse.urlsplit(url).netloc or url
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve {host} (no network?)"
    if isinstance(reason, ConnectionRefusedError):
        return f"cannot connect to {host}: connection refused"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error with {host}: {reason.reason or reason}"
    if isinstance(reason, OSError):
        return f"cannot reach {host}: {reason.strerror or reason}"
    return f"cannot reach {host}: {reason}"


def _parse(body: bytes, content_type: str, url: str, final_url: str) -> list[Any]:
    """The body as the API's JSON array of items (JSON_FORMATS.md section 1), or FetchFailed."""
    head = body.lstrip()[:1]
    moved = urllib.parse.urlsplit(final_url).path != urllib.parse.urlsplit(url).path
    if "html" in content_type.lower() or head == b"<":
        where = f" (redirected to {final_url})" if moved else ""
        raise FetchFailed(f"an HTML page, not JSON{where}: a login or captive-portal page?")
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise FetchFailed("the answer is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        if not body.strip():
            raise FetchFailed("an empty answer, not JSON") from None
        raise FetchFailed(f"invalid JSON (truncated?): {exc.msg} at character {exc.pos}") from None
    if not isinstance(data, list):
        kind = "an object" if isinstance(data, dict) else type(data).__name__
        raise FetchFailed(f"expected a JSON array of papers, got {kind}")
    for n, item in enumerate(data):
        if paper_id(item) is None:
            raise FetchFailed(f"item {n} is not a daily-papers item (no paper id)")
    return data


def paper_id(item: object) -> str | None:
    """The arXiv id of an API item (`item.paper.id`, else `item.id`), or None."""
    if not isinstance(item, dict):
        return None
    paper = item.get("paper")
    pid = paper.get("id") if isinstance(paper, dict) else item.get("id")
    return pid if isinstance(pid, str) and pid.strip() else None
