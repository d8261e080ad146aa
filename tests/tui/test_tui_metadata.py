"""A dump with full metadata (HF API JSON): the read pane's metadata line and the extra filters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input

from reader.search import Filters

ITEMS = [
    {
        "paper": {
            "id": f"2405.0{n}960",
            "title": f"Sparse Attention Study Number {n}",
            "summary": f"We study sparse attention in transformers, variant {n}.",
            "publishedAt": f"2024-0{n}-15T00:00:00.000Z",
            "upvotes": 10 * n,
            "authors": [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}],
            "ai_summary": f"Sparse attention, summarised {n}.",
            "githubRepo": f"https://github.com/example/sparse{n}",
        },
        "numComments": n,
    }
    for n in range(1, 5)
]


@pytest.fixture
def json_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "daily.json").write_text(json.dumps(ITEMS), encoding="utf-8")
    return folder


async def test_metadata_line_and_extra_filters(new_app, settle, json_dir) -> None:
    app = new_app([json_dir])
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        assert app.results.list.ids
        extra = app.query_one("#extra-filters")
        assert extra.display  # the index has dates and upvotes
        app.results.list.move_to(app.results.list.ids.index(app.library.get("2405.03960").id))
        await settle(pilot)
        meta = app.read_pane.part("meta")
        for part in ("from daily.json", "arXiv 2405.03960", "https://huggingface.co/papers/2405.03960",
                     "▲ 30", "Ada Lovelace, Alan Turing", "published 2024-03-15", "3 comments",
                     "GitHub https://github.com/example/sparse3"):  # fmt: skip
            assert part in meta, part
        summary = app.read_pane.part("summary")
        assert summary == "AI summary: Sparse attention, summarised 3."
        app.query_one("#min-upvotes", Input).value = "25"
        await settle(pilot)
        expected = app.library.search("", Filters(min_upvotes=25))
        assert len(expected.ids) == 2
        assert app.results.list.ids == expected.ids
        app.query_one("#min-upvotes", Input).value = ""
        app.query_one("#date-from", Input).value = "2024-04"
        await settle(pilot)
        assert len(app.results.list.ids) == 1
        await pilot.press("escape", "q")
    app = new_app([json_dir])
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        assert app.query_one("#date-from", Input).value == "2024-04"
        assert len(app.results.list.ids) == 1


async def test_samples_have_no_extra_filters(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Not even mounted: the samples have no dates, upvotes or categories to filter on.
        assert not any(box.display for box in app.query("#extra-filters"))


async def test_read_pane_parts_keep_their_colours_across_themes(new_app, settle) -> None:
    """The metadata line is muted and the abstract is not; a theme change recolours both."""
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        body = app.read_pane.query_one("#read-body")

        def colour(text: str) -> object:
            for y in range(body.size.height):
                for segment in body.render_line(y):
                    if text in segment.text and segment.style is not None:
                        return segment.style.color
            raise AssertionError(f"{text!r} not drawn")

        meta, abstract = app.read_pane.part("meta")[:12], app.read_pane.part("abstract")[:12]
        dark = (colour(meta), colour(abstract))
        assert dark[0] != dark[1]
        app.theme = "textual-light"
        await pilot.pause()
        light = (colour(meta), colour(abstract))
        assert light[0] != light[1] and light != dark
