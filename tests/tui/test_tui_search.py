"""Opening, search as you type, "did you mean", invalid queries, filters, sort and facets."""

from __future__ import annotations

from textual.widgets import Input

from reader.search import Filters, Sort
from reader.tui.messages import SearchFinished
from reader.tui.widgets import TickList


async def test_opens_with_every_paper_and_the_corpus_in_the_header(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total = app.library.paper_count()
        assert total > 100
        assert app.sub_title == f"{total} papers · 3 dumps · {total} unread"
        assert app.results.list.ids == app.library.search("").ids
        assert app.read_pane.paper_id == app.results.list.ids[0]
        assert app.search_bar.query_one("#result-count").render().plain == f"{total} results"


async def test_search_as_you_type_shows_ranked_results_with_highlights(new_app, settle, type_text):
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is app.query_one("#query", Input)
        await type_text(pilot, "diffusion")
        await settle(pilot)
        expected = app.library.search("diffusion")
        assert app.results.list.ids == expected.ids
        assert app.searches.generation >= 1
        rows = app.fetch_result_rows(expected.ids[:3])
        assert all(row.title_spans for row in rows)  # the query word is highlighted
        assert f"{expected.total} results" in str(app.results.query_one("#results-title").render())
        await pilot.press("enter")  # from the search box to the list
        assert app.focused is app.results.list


async def test_typing_runs_few_searches_and_drops_stale_results(
    new_app, settle, type_text, monkeypatch
):
    monkeypatch.setattr("reader.tui.searching.DEBOUNCE", 0.5)  # keys well inside one pause
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = app.searches.generation
        await pilot.press("slash")
        await type_text(pilot, "model")
        await settle(pilot)
        assert app.searches.generation - before < 3  # debounced: not one search per key
        assert app.results.list.ids == app.library.search("model").ids
        ids = list(app.results.list.ids)
        old = app.library.search("zebra")
        app.post_message(SearchFinished(app.searches.generation - 1, old))
        await pilot.pause()
        assert app.results.list.ids == ids


async def test_did_you_mean_is_offered_and_accepted_with_ctrl_d(new_app, settle, type_text):
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "difusion")
        await settle(pilot)
        suggestion = app.query_one("#suggestion")
        assert suggestion.display
        text = suggestion.render().plain
        assert text.startswith("No results. Did you mean: diffusion")
        assert "ctrl+d" in text
        assert app.results.list.ids == []
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert app.query_one("#query", Input).value == "diffusion"
        assert app.results.list.ids == app.library.search("diffusion").ids
        assert not app.query_one("#suggestion").display
        # without a suggestion, ctrl+d is the input's own "delete right"
        app.query_one("#query", Input).cursor_position = 0
        await pilot.press("ctrl+d")
        assert app.query_one("#query", Input).value == "iffusion"
        await settle(pilot)  # the search for "iffusion" ends before the app closes


async def test_invalid_query_shows_a_message_and_keeps_the_last_results(new_app, settle, type_text):
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        await settle(pilot)
        ids = list(app.results.list.ids)
        app.query_one("#query", Input).value = "AND"
        await settle(pilot)
        note = app.query_one("#query-note")
        assert note.display
        assert "nothing to search for" in note.render().plain
        assert app.results.list.ids == ids


async def test_source_filter_narrows_results_and_facets_count_per_dump(new_app, settle, type_text):
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        await settle(pilot)
        facets = app.library.facets("diffusion")
        sources = app.query_one("#sources", TickList)
        assert sources.values == list(facets)
        for y, (name, count) in enumerate(facets.items()):
            assert sources.count(name) == count
            assert sources.render_line(y).text.startswith(f"▐X▌ {count:>4} {name[:10]}")
        await pilot.press("escape", "f")
        assert app.focused is sources
        await pilot.press("space")  # tick the first dump
        await settle(pilot)
        first = sources.values[0]
        assert sources.selected == [first]
        expected = app.library.search("diffusion", Filters(sources=frozenset({first})))
        assert app.results.list.ids == expected.ids
        assert 0 < len(expected.ids) < len(app.library.search("diffusion").ids)


async def test_s_cycles_the_sort(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert app.filter_pane.sort is Sort.TITLE
        assert app.results.list.ids == app.library.search("", sort=Sort.TITLE).ids
        titles = [row.title.casefold() for row in app.library.rows(app.results.list.ids[:20])]
        assert titles == sorted(titles) or titles[0] <= titles[-1]
        await pilot.press("s")
        await settle(pilot)
        assert app.filter_pane.sort is Sort.DATE
        assert "by date" in str(app.results.query_one("#results-title").render())
        for _ in range(len(Sort) - 2):
            await pilot.press("s")
        await settle(pilot)
        assert app.filter_pane.sort is Sort.RELEVANCE


async def test_bookmarked_only_and_tag_filters(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        ids = app.results.list.ids
        first, third = (app.library.get(ids[0]), app.library.get(ids[2]))
        assert first and third
        app.store.add(first, tags=["alpha"])
        app.store.add(third, tags=["beta"])
        app.refresh_bookmarks()
        await pilot.press("f")
        app.query_one("#bookmarked-only").focus()
        await pilot.press("space")
        await settle(pilot)
        assert set(app.results.list.ids) == {first.id, third.id}
        tags = app.query_one("#tags", TickList)
        assert tags.display
        assert [(tag, tags.count(tag)) for tag in tags.values] == [("alpha", 1), ("beta", 1)]
        tags.focus()
        await pilot.press("down", "space")  # tick "beta"
        await settle(pilot)
        assert app.results.list.ids == [third.id]


async def test_clicking_the_suggestion_accepts_it(new_app, settle, type_text) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "difusion")
        await settle(pilot)
        await pilot.click("#suggestion")
        await settle(pilot)
        assert app.query_one("#query", Input).value == "diffusion"
        assert app.results.list.ids


async def test_a_search_overtaken_by_typing_is_skipped_not_run(new_app, settle) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        calls: list[str] = []
        search = app.library.search

        def spy(query: str, *args: object, **kwargs: object) -> object:
            calls.append(query)
            return search(query, *args, **kwargs)  # type: ignore[arg-type]

        app.library.search = spy  # type: ignore[method-assign]
        app.searches.generation += 1  # the user typed on after this search was queued
        app.searches.start_worker(
            app.searches.generation - 1, "zebra", Filters(), Sort.RELEVANCE, None
        )
        await app.workers.wait_for_complete()
        assert calls == []
        app.searches.shown = app.searches.generation  # nothing else is pending


async def test_the_read_pane_follows_the_list_once_typing_pauses(
    new_app, settle, type_text, monkeypatch
) -> None:
    # A pause of a second, not 0.15 s: on a slow machine a search between two keys can take
    # longer than the real pause, which would load an abstract mid-word and fail the test.
    monkeypatch.setattr("reader.tui.app.READ_WHILE_TYPING_DELAY", 1.0)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = app.read_pane.paper_id
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        # Until the list for the typed text is drawn (the test timeout bounds the wait).
        while not (
            app.searches.shown == app.searches.generation and app.results.list.ids[:1] != [first]
        ):
            await pilot.pause(0.005)
        top = app.results.list.ids[0]
        assert top != first
        assert app.read_pane.paper_id == first  # the abstract waits: the next key comes first
        await settle(pilot)
        assert app.read_pane.paper_id == top  # typing paused: the top paper is shown
        await pilot.press("enter")
        await pilot.press("down")
        assert app._read_timer is None  # moving in the list loads at once, no waiting
        await settle(pilot)
        assert app.read_pane.paper_id == app.results.list.ids[1]


async def test_a_phrase_is_highlighted_only_where_it_occurs(
    new_app, settle, type_text, monkeypatch
):
    import re

    from reader.tui.panes import read

    # The marked pieces of each paper the read pane shows: while typing it may show the
    # first paper of '"data' (the word) when the machine is slow; the last one is checked.
    shows: list[list[str]] = []
    real, real_show = read.highlighted, read.ReadPane.show_paper

    def recording(text, spans, base=""):
        shows[-1].extend(text[s:e] for s, e in spans)
        return real(text, spans, base)

    def showing(self, *args, **kwargs):
        shows.append([])
        return real_show(self, *args, **kwargs)

    monkeypatch.setattr(read, "highlighted", recording)
    monkeypatch.setattr(read.ReadPane, "show_paper", showing)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, '"data model"')
        await settle(pilot)
        assert app.results.list.ids and app.read_pane.paper_id == app.results.list.ids[0]
        shown = shows[-1]
        assert shown  # the read pane marked the phrase ...
        assert all(re.fullmatch(r"(?i)data\W+models?", piece) for piece in shown), shown
        for row in app.fetch_result_rows(app.results.list.ids):  # ... and so does the list
            pieces = [row.title[s:e] for s, e in row.title_spans]
            assert all(re.fullmatch(r"(?i)data\W+models?", piece) for piece in pieces), pieces


async def test_a_failing_search_is_one_notification_and_a_bug_is_logged(
    new_app, settle, type_text, monkeypatch
) -> None:
    from reader.locations import resolve_locations

    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise OSError(5, "Input/output error")

        monkeypatch.setattr(app.library, "search", broken)
        await pilot.press("slash")
        await type_text(pilot, "diffusion")
        await settle(pilot)
        notes = [str(n.message) for n in app._notifications]
        assert "search failed: input/output error" in notes
        log = resolve_locations().log_file
        assert not log.exists() or "unexpected error" not in log.read_text(encoding="utf-8")
        monkeypatch.setenv("PAPER_READER_STRICT", "0")

        def buggy(*_args, **_kwargs):  # type: ignore[no-untyped-def]
            raise ZeroDivisionError("a bug")

        monkeypatch.setattr(app.library, "search", buggy)
        await type_text(pilot, "s")
        await settle(pilot)
        notes = [str(n.message) for n in app._notifications]
        assert "search failed: a bug" in notes
        assert "ZeroDivisionError: a bug" in log.read_text(encoding="utf-8")


async def test_counts_for_a_query_typed_over_while_the_rows_load_are_not_made(
    new_app, settle, monkeypatch
) -> None:
    """The facet counts wait for every paper's row (seconds at a million papers); a key
    typed meanwhile makes them stale, and they are skipped rather than counted."""
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        searches, lib = app.searches, app.library
        counted: list[str] = []
        monkeypatch.setattr(
            lib, "facets", lambda query, _filters=None, stale=None: counted.append(query) or {}
        )
        generation = searches.generation

        def typed_over(pause: object = None, stale: object = None) -> bool:  # a key meanwhile
            searches.generation = generation + 1
            return True

        monkeypatch.setattr(lib, "load_rows", typed_over)
        searches._search_details(generation, "diffusion", Filters(), Sort.RELEVANCE, False, False)
        assert counted == []
        monkeypatch.setattr(lib, "load_rows", lambda pause=None, stale=None: True)
        now = searches.generation
        searches._search_details(now, "diffusion", Filters(), Sort.RELEVANCE, False, False)
        assert counted == ["diffusion"]


async def test_every_key_typed_while_the_rows_load_is_listed(
    new_app, settle, sample_dir, loading_rows, monkeypatch
) -> None:
    """At the start every paper's row loads in the background (seconds at a million
    papers). Each key typed meanwhile is searched and listed, however many keys: the facet
    counts of a key, which wait for the rows, stop waiting once the next key is typed. (The
    app's thread workers share one small pool; waits kept for every key typed would take
    all its threads, and the next key's search would wait for the rows too.)"""
    import os

    import reader.tui.searching as searching

    monkeypatch.setattr(searching, "FACETS_DELAY", 0.001)  # counts asked for after each key
    app = new_app([sample_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lib, searches = app.library, app.searches
        release, loader = loading_rows(lib)
        waits: list[int] = []
        load_rows = lib.load_rows

        def counted(pause: object = None, stale: object = None) -> bool:
            waits.append(1)
            return load_rows(pause, stale)  # type: ignore[arg-type]

        monkeypatch.setattr(lib, "load_rows", counted)
        pool = min(32, (os.cpu_count() or 1) + 4)  # the thread workers' pool (asyncio's)

        async def listed_and_waiting(searched: int) -> None:
            """Until the text's list is shown and its counts wait for the rows."""
            for _ in range(1000):
                if searches.shown == searches.generation and len(waits) >= searched:
                    return
                await pilot.pause(0.01)
            raise AssertionError(f"search {searched} was not listed while the rows load")

        try:
            box = app.query_one("#query", Input)
            box.focus()
            box.value = "model"
            await listed_and_waiting(1)
            box.cursor_position = len(box.value)
            for typed in range(2, pool + 4):  # "models", "model", "models"...
                await pilot.press("s" if typed % 2 else "backspace")
                await listed_and_waiting(typed)
            assert loader.is_alive()  # all of it while the rows were still loading
        finally:
            release.set()
            loader.join(30)
        await settle(pilot)


async def test_the_first_page_shows_first_and_the_rest_of_the_list_follows(
    new_app, settle, type_text, monkeypatch
) -> None:
    """A search lists its first page at once, then, once typing pauses, the rest (up to the
    list's 2,000) below it, the cursor staying where it is; the count is the whole list's
    from the start."""
    import reader.tui.searching as searching

    monkeypatch.setattr(searching, "FIRST_PAGE", 3)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        extended: list[int] = []
        extend = app.results.list.extend
        monkeypatch.setattr(
            app.results.list, "extend", lambda ids: (extended.append(len(ids)), extend(ids))
        )
        await pilot.press("slash")
        await type_text(pilot, "model")
        await settle(pilot)
        expected = app.library.search("model")
        assert expected.total > 3
        assert app.results.list.ids == expected.ids
        assert extended and extended[-1] == len(expected.ids)
        assert app.results.list.current_id == expected.ids[0]
        count = app.search_bar.query_one("#result-count").render().plain
        assert count == f"{expected.total} results"


async def test_a_phrase_count_is_estimated_first_then_exact(
    new_app, settle, type_text, monkeypatch
) -> None:
    """A phrase of common words lists its best papers at once, the phrase checked on them
    alone, with an estimated count ("~N results"); once typing pauses the rest of the
    list follows with the exact count."""
    import reader.search.impact as impact
    import reader.tui.searching as searching

    monkeypatch.setattr(impact, "MIN_POSTINGS", 0)  # the sample's words count as common
    monkeypatch.setattr(impact, "FEW_MATCHES", 0)
    monkeypatch.setattr(searching, "FIRST_PAGE", 3)
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown: list[str] = []
        show = app.search_bar.show_count
        monkeypatch.setattr(
            app.search_bar, "show_count", lambda text: (shown.append(text), show(text))
        )
        await pilot.press("slash")
        await type_text(pilot, '"language models"')
        await settle(pilot)
        expected = app.library.search('"language models"')
        assert expected.total_exact and expected.total > 3
        assert any(text.startswith("~") and text.endswith(" results") for text in shown), shown
        assert shown[-1] == f"{expected.total} results"
        assert app.results.list.ids == expected.ids


def test_an_estimated_count_fits_the_search_bar() -> None:
    from reader.tui.searching import compact

    assert [compact(n) for n in (7, 950, 5_300, 56_000, 190_000, 1_000_000, 2_700_000)] == [
        "7", "950", "5.3k", "56k", "190k", "1M", "2.7M",
    ]  # fmt: skip
