"""Starting a thread worker for a controller (an object of the app that is not a widget)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App


def in_thread(app: App[Any], work: Callable[[], object], group: str, *,
              exclusive: bool = False) -> None:  # fmt: skip
    """Run `work` in a thread worker of `app`, as `@work(thread=True, group=group,
    exclusive=exclusive, exit_on_error=False)` runs a widget's method: a failure that
    escapes `work` is the worker's error, not the app's exit; callable from any thread."""
    app.run_worker(work, name=group, group=group, thread=True, exclusive=exclusive,
                   exit_on_error=False)  # fmt: skip
