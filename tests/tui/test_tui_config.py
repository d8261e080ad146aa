"""The config file in the app: rebound keys (Textual's keymap), the theme, a broken file."""

from __future__ import annotations

from reader.locations import resolve_locations
from reader.tui.screens import HelpScreen
from reader.tui.state import UiState, save_state


def _config(text: str) -> None:
    path = resolve_locations().config_dir / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def test_a_rebound_key_runs_its_action_and_the_old_key_does_not(new_app, settle) -> None:
    _config('[keys]\nbookmark = "z"\nlist.down = "v"\n')
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ids = app.results.list.ids
        await pilot.press("v")  # list.down moved from j/down to v
        await settle(pilot)
        assert app.current_id == ids[1]
        await pilot.press("b")
        await settle(pilot)
        assert app.store.get(ids[1]) is None
        await pilot.press("z")
        await settle(pilot)
        assert app.store.get(ids[1]) is not None
        footer = app.screen.query_one("KeyFooter")
        assert " z Keep" in footer.render().plain
        await pilot.press("question_mark")
        text = app.screen.query_one("#help-text").render().plain
        assert isinstance(app.screen, HelpScreen)
        line = next(line for line in text.splitlines() if line.rstrip().endswith(" bookmark"))
        assert line.startswith("z ")


async def test_a_broken_config_starts_with_defaults_and_says_why(new_app, settle) -> None:
    _config('[keys]\nbookmark = "s"\n')
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("'s' is bound to both bookmark and sort" in m and "config.toml" in m
                   and "default settings" in m for m in notes), notes  # fmt: skip
        pid = app.results.list.ids[0]
        await pilot.press("b")  # the default key still works
        await settle(pilot)
        assert app.store.get(pid) is not None


async def test_the_config_theme_wins_over_the_last_palette_choice(new_app, settle) -> None:
    save_state(resolve_locations().state_file, UiState(theme="dracula"))
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "dracula"  # no config theme: the palette's choice
    _config('theme = "nord"\n')
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
    _config('theme = "no-such-theme"\n')
    save_state(resolve_locations().state_file, UiState(theme="dracula"))
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "dracula"
        assert any("no-such-theme" in n.message for n in app._notifications)
