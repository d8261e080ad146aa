"""The Textual app. `make_app(...)` is the one factory used by the CLI and the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

# What `make_app` needs is imported when it runs: the command line imports `reader.tui.keys`
# (the config validates [keys] with its table), and a one-off command must not pay for the
# bookmark store or the app's modules through this package.
if TYPE_CHECKING:
    from reader.bookmarks import BookmarkStore
    from reader.config import Settings
    from reader.locations import Locations
    from reader.search import Library
    from reader.tui.app import PaperReaderApp


def make_app(
    dump_paths: list[str] | None = None,
    *,
    locations: Locations | None = None,
    library: Library | None = None,
    store: BookmarkStore | None = None,
    settings: Settings | None = None,
) -> PaperReaderApp:
    """The app for the dumps the user chose (`--dumps`, env, data dir or samples).

    The garbage collector is paused from here until the app's first frame is out
    (`reader.tui.collector`).
    """
    from reader.tui import collector

    collector.pause_for_start()
    from reader.bookmarks import BookmarkStore
    from reader.config import ConfigError, apply_environment, load_settings
    from reader.locations import choose_dumps, resolve_locations
    from reader.search import Library
    from reader.tui.app import PaperReaderApp

    loc = locations or resolve_locations()
    problem = None
    if settings is None:
        try:
            settings = load_settings(loc, flags={"dumps": dump_paths})
        except ConfigError as exc:  # the app starts with the defaults and shows why
            problem = str(exc)
    if settings is not None:
        apply_environment(settings)
    if library is None:
        config_dumps = None
        if settings is not None and settings.dumps.origin == "file":
            config_dumps = list(settings.dumps.value)
        selection = choose_dumps(dump_paths, loc, config_paths=config_dumps)
        library = Library(selection.roots, loc.index_dir(selection.roots))
    if store is None:
        store = BookmarkStore(loc.bookmarks_file)
    return PaperReaderApp(library, store, loc, settings, problem)


__all__ = ["make_app"]
