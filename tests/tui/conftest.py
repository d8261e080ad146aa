"""Fixtures for the app tests: an app on a private copy of the samples, and a way to wait for it."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reader.bookmarks import BookmarkStore
from reader.locations import resolve_locations
from reader.search import Library
from reader.tui import make_app
from reader.tui.app import PaperReaderApp

SAMPLES = Path(__file__).resolve().parents[2] / "sample_dumps"
FIXED_CLOCK = "2026-01-02T03:04:05Z"
MARKUP_DUMP = """new

Get trending papers in your email inbox!

Subscribe

byAK and the research community

Mar 20

Escaping [bold]Bold[/bold] and [/] in Titles of Neural Networks

We study how [@click=app.quit]quit[/] and [link=file:///etc/passwd]a link[/link] look when a \
reader shows them, with the metallicity gradient Delta[Fe/H]/DeltaR of a thin disk and other \
strings that resemble markup.

A Second Paper About Ordinary Diffusion Models for Images

This abstract is ordinary text about diffusion models for image generation, used so the dump \
has more than one paper and searches have something to match.
"""

MakeApp = Callable[..., PaperReaderApp]


@pytest.fixture(autouse=True)
def settle_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The collection after the warm-up runs at once, not after a second without searches
    (`startup.SETTLE_QUIET`): every test's `settle` waits for the warm-up's worker."""
    from reader.tui import startup

    monkeypatch.setattr(startup, "SETTLE_QUIET", 0.0)


@pytest.fixture(scope="session")
def shared_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """One synced index of a private sample copy, shared by the tests that only read dumps.

    Building the index takes a couple of seconds; bookmarks and UI state stay per test.
    """
    base = tmp_path_factory.mktemp("shared-samples")
    dumps = base / "dumps"
    shutil.copytree(SAMPLES, dumps)
    library = Library([dumps], base / "index")
    library.sync()
    yield library
    library.close()


@pytest.fixture
def new_app(shared_library: Library) -> MakeApp:
    """Build an app (on the shared sample index, or on `dumps` with its own index) whose
    bookmark store has a fixed clock."""

    def build(dumps: list[Path] | None = None) -> PaperReaderApp:
        loc = resolve_locations()
        store = BookmarkStore(loc.bookmarks_file, clock=lambda: FIXED_CLOCK)
        if dumps is None:
            return make_app(None, locations=loc, library=shared_library, store=store)
        return make_app([str(p) for p in dumps], locations=loc, store=store)

    return build


@pytest.fixture
def markup_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "markup"
    folder.mkdir()
    (folder / "markup.txt").write_text(MARKUP_DUMP, encoding="utf-8")
    return folder


async def _settle(pilot: Pilot[None], rounds: int = 600) -> None:
    """Wait until the index is ready, no search or paper load is pending or in flight,
    and every worker has finished (checked three times in a row)."""
    app = pilot.app
    assert isinstance(app, PaperReaderApp)
    calm = 0
    for _ in range(rounds):
        with contextlib.suppress(WorkerCancelled):  # a search overtaken by a newer one
            await app.workers.wait_for_complete()
        await pilot.pause()
        quiet = (
            app.ready
            and app.searches.settled
            and app._read_timer is None
            and app.read_shown == app.read_generation
            and not any(w.is_running for w in app.workers)
        )
        calm = calm + 1 if quiet else 0
        if calm >= 3:
            return
        await pilot.pause(0.02)
    raise AssertionError("the app did not settle")


async def palette_settled(pilot: Pilot[None], words: str) -> None:
    """Wait until the command palette has finished searching for what was typed and
    highlights a command whose name holds `words`' first word."""
    from textual.command import CommandList

    app = pilot.app
    first = words.split()[0].casefold()
    while True:
        await pilot.pause()
        commands = app.screen.query_one(CommandList)
        option = commands.highlighted_option
        searching = any(w.is_running for w in app.workers)
        if not searching and option is not None and first in str(option.prompt).casefold():
            return
        await pilot.pause(0.01)


async def _type_text(pilot: Pilot[None], text: str) -> None:
    """Type characters one by one (space and punctuation by their key names)."""
    names = {" ": "space", ",": "comma", "/": "slash", "?": "question_mark", ":": "colon"}
    for char in text:
        await pilot.press(names.get(char, char))


@pytest.fixture
def settle() -> Callable[..., object]:
    """`await settle(pilot)`: wait for the index, the debounce and every worker."""
    return _settle


@pytest.fixture
def type_text() -> Callable[..., object]:
    """`await type_text(pilot, "words")`."""
    return _type_text
