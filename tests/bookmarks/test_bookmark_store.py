"""BookmarkStore behaviour: the API the app and the CLI use, file format, permissions, failures."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.bookmarks import Bookmark, BookmarkError, BookmarkStore, clean_note
from reader.bookmarks import atomic as atomic_module
from reader.bookmarks.lock import BookmarkLock
from reader.bookmarks.model import clean_field
from reader.model import Paper

MakePaper = Callable[..., Paper]
REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _clock(*stamps: str):  # type: ignore[no-untyped-def]
    """A clock that returns the given times in turn (then repeats the last)."""
    times = list(stamps)

    def now() -> str:
        return times.pop(0) if len(times) > 1 else times[0]

    return now


def test_missing_file_is_an_empty_store(store: BookmarkStore, store_path: Path) -> None:
    assert store.all() == []
    assert store.problem is None
    assert not store.read_only
    assert not store_path.exists()
    assert not store_path.parent.exists(), "reading must not create anything"


def test_add_then_read_back_from_a_fresh_store(
    store: BookmarkStore, store_path: Path, paper: MakePaper
) -> None:
    bookmark = store.add(paper(1), tags=["ml", "to read"], note="first\nsecond")
    assert bookmark.paper_id == "p0001"
    assert bookmark.paper.title == "Paper number 1"
    assert bookmark.tags == ["ml", "to read"]
    assert bookmark.note == "first\nsecond"
    assert bookmark.added == bookmark.updated
    assert len(bookmark.added) == 20 and bookmark.added.endswith("Z")

    again = BookmarkStore(store_path)
    assert again.all() == [bookmark]
    doc = json.loads(store_path.read_text("utf-8"))
    assert doc["schema_version"] == 1
    assert doc["bookmarks"][0]["paper"]["arxiv_id"] == "2401.00001"
    text = store_path.read_text("utf-8")
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_snapshot_survives_the_paper_changing(store: BookmarkStore, paper: MakePaper) -> None:
    original = paper(1)
    store.add(original)
    original.title = "Edited later"
    original.sources.clear()
    kept = store.get("p0001")
    assert kept is not None and kept.paper.title == "Paper number 1"
    assert kept.paper.source_names == ["daily.txt"]


def test_add_existing_adds_tags_sets_note_and_refreshes_snapshot(
    store_path: Path, paper: MakePaper
) -> None:
    store = BookmarkStore(store_path, clock=_clock("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"))
    store.add(paper(1), tags=["a"], note="keep me")
    bookmark = store.add(paper(1, title="New title"), tags=["b", "a"])
    assert bookmark.tags == ["a", "b"]
    assert bookmark.note == "keep me", "note=None keeps the note"
    assert bookmark.paper.title == "New title"
    assert bookmark.added == "2026-01-01T00:00:00Z"
    assert bookmark.updated == "2026-01-02T00:00:00Z"
    assert store.add(paper(1, title="New title"), note="").note == ""


def test_unchanged_add_does_not_touch_updated_or_the_file(
    store: BookmarkStore, store_path: Path, paper: MakePaper
) -> None:
    first = store.add(paper(1), tags=["x"])
    before = os.stat(store_path)
    again = store.add(paper(1), tags=["x"])
    assert again == first
    after = os.stat(store_path)
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_all_is_newest_first_and_ties_keep_insertion_order(
    store_path: Path, paper: MakePaper
) -> None:
    store = BookmarkStore(
        store_path,
        clock=_clock("2026-01-03T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
    )
    store.add(paper(1))
    store.add(paper(2))
    store.add(paper(3))
    assert [b.paper_id for b in store.all()] == ["p0001", "p0003", "p0002"]
    assert [b.paper_id for b in BookmarkStore(store_path).all()] == ["p0001", "p0003", "p0002"]


def test_remove_and_toggle(store: BookmarkStore, paper: MakePaper) -> None:
    assert store.toggle(paper(1)) is True
    assert store.ids() == frozenset({"p0001"})
    assert store.toggle(paper(1)) is False
    assert store.ids() == frozenset()
    store.add(paper(2))
    assert store.remove("p0002") is True
    assert store.remove("p0002") is False
    assert store.all() == []


def test_tags_are_normalised(store: BookmarkStore, paper: MakePaper) -> None:
    raw_tags = ["  ML ", "ml", "deep\t  learning", "", "   ", "ML", "a\x1b[31mb"]
    bookmark = store.add(paper(1), tags=raw_tags)
    assert bookmark.tags == ["ML", "ml", "deep learning", "ab"]
    assert store.set_tags("p0001", ["z", " z ", "y"]).tags == ["z", "y"]
    assert store.tag("p0001", ["x", "z"]).tags == ["z", "y", "x"]
    assert store.untag("p0001", [" z", "nope"]).tags == ["y", "x"]
    assert store.tag_counts() == {"x": 1, "y": 1}
    assert store.ids_with_tag("y") == frozenset({"p0001"})
    assert store.ids_with_tag("missing") == frozenset()


def test_tag_counts_across_bookmarks(store: BookmarkStore, paper: MakePaper) -> None:
    store.add(paper(1), tags=["b", "a"])
    store.add(paper(2), tags=["a"])
    store.add(paper(3))
    assert store.tag_counts() == {"a": 2, "b": 1}
    assert store.ids_with_tag("a") == frozenset({"p0001", "p0002"})


def test_note_keeps_newlines_strips_controls(store: BookmarkStore, paper: MakePaper) -> None:
    store.add(paper(1))
    raw = "  line one\r\nline\ttwo\x07\x1b]0;title\x07\rthree\u202e  \n"
    bookmark = store.set_note("p0001", raw)
    assert bookmark.note == "line one\nline two\nthree"


def test_edits_of_a_missing_bookmark_raise(store: BookmarkStore) -> None:
    for call in (
        lambda: store.tag("nope", ["x"]),
        lambda: store.untag("nope", ["x"]),
        lambda: store.set_tags("nope", ["x"]),
        lambda: store.set_note("nope", "x"),
    ):
        with pytest.raises(BookmarkError, match="nope"):
            call()


def test_find_by_id_or_arxiv_id(store: BookmarkStore, paper: MakePaper) -> None:
    store.add(paper(7))
    assert store.find("p0007") is not None
    for key in ("2401.00007", "arXiv:2401.00007", "2401.00007v3", "ARXIV:2401.00007V2"):
        found = store.find(key)
        assert found is not None and found.paper_id == "p0007", key
    assert store.find("2401.00008") is None
    assert store.find("") is None


def test_markup_and_control_text_is_kept_as_plain_data(
    store: BookmarkStore, store_path: Path, paper: MakePaper
) -> None:
    title = "[bold red]Metallicity [Fe/H][/] <b>&amp;</b> {x} $y$ \\emph{z} %s"
    dirty = paper(1, title=title + "\x1b[2J\x9b31m\u202e", abstract="a [link](x)\x00 b")
    bookmark = store.add(dirty, tags=["[b]", "a,b"], note="[i]not markup[/i] \x1b]8;;http://x\x07")
    assert bookmark.paper.title == title
    assert bookmark.paper.abstract == "a [link](x) b"
    assert bookmark.tags == ["[b]", "a,b"]
    assert bookmark.note == "[i]not markup[/i]"
    reread = BookmarkStore(store_path).get("p0001")
    assert reread == bookmark


def test_hand_edited_controls_are_cleaned_on_load(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    entry = {
        "id": "x1",
        "paper": {"id": "x1", "title": "T\x1b[31mitle"},
        "tags": ["t\x07ag"],
        "note": "n\x1b[0mote",
        "added": "2026-01-01T00:00:00+00:00",
        "updated": "2026-01-01T01:00:00+01:00",
    }
    store_path.write_text(json.dumps({"schema_version": 1, "bookmarks": [entry]}), "utf-8")
    bookmark = BookmarkStore(store_path).get("x1")
    assert bookmark is not None
    assert (bookmark.paper.title, bookmark.tags, bookmark.note) == ("Title", ["tag"], "note")
    assert bookmark.added == "2026-01-01T00:00:00Z"
    assert bookmark.updated == "2026-01-01T00:00:00Z"


def test_reload_if_changed_sees_other_instances(store_path: Path, paper: MakePaper) -> None:
    app = BookmarkStore(store_path)
    other = BookmarkStore(store_path)
    assert app.all() == []
    assert app.reload_if_changed() is False
    other.add(paper(1))
    assert app.ids() == frozenset(), "reads are served from memory"
    assert app.reload_if_changed() is True
    assert app.ids() == frozenset({"p0001"})
    assert app.reload_if_changed() is False
    other.remove("p0001")
    assert app.reload_if_changed() is True
    assert app.ids() == frozenset()
    other.add(paper(2))
    assert app.reload_if_changed() is True
    store_path.unlink()
    assert app.reload_if_changed() is True
    assert app.ids() == frozenset()
    assert app.reload_if_changed() is False


def test_changes_are_applied_to_what_is_on_disk(store_path: Path, paper: MakePaper) -> None:
    first = BookmarkStore(store_path)
    second = BookmarkStore(store_path)
    first.add(paper(1), tags=["a"])
    second.all()  # loaded before first's next change: stale memory
    first.add(paper(2))
    second.tag("p0001", ["b"])  # re-reads under the lock: keeps p0002
    assert second.ids() == frozenset({"p0001", "p0002"})
    final = BookmarkStore(store_path)
    assert final.ids() == frozenset({"p0001", "p0002"})
    got = final.get("p0001")
    assert got is not None and got.tags == ["a", "b"]


def test_merge_union_newer_updated_wins(store_path: Path, paper: MakePaper) -> None:
    store = BookmarkStore(store_path, clock=_clock("2026-01-05T00:00:00Z"))
    store.add(paper(1), tags=["mine"])
    store.add(paper(2), note="local newer")
    incoming = [
        Bookmark("p0001", paper(1), ["theirs"], "", "2026-01-01T00:00:00Z", "2026-01-09T00:00:00Z"),
        Bookmark("p0002", paper(2), ["old"], "x", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
        Bookmark("p0003", paper(3), ["new"], "", "2026-01-03T00:00:00Z", "2026-01-03T00:00:00Z"),
    ]
    added, updated = store.merge(incoming)
    assert (added, updated) == (["p0003"], ["p0001"])
    one = store.get("p0001")
    assert one is not None and one.tags == ["theirs"]
    assert one.added == "2026-01-01T00:00:00Z", "the earlier `added` is kept"
    two = store.get("p0002")
    assert two is not None and two.note == "local newer"
    assert store.merge(incoming) == ([], [])


def test_permissions_under_umask_000(tmp_path: Path, paper: MakePaper) -> None:
    code = (
        "import os, sys\n"
        "os.umask(0)\n"
        "from pathlib import Path\n"
        "from reader.bookmarks import BookmarkStore\n"
        "from reader.model import Paper\n"
        "s = BookmarkStore(Path(sys.argv[1]))\n"
        "for n in range(3):\n"
        "    s.add(Paper(id=f'p{n}', title=f't{n}'))\n"
    )
    path = tmp_path / "fresh" / "bookmarks.json"
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, cwd=REPO, env=ENV)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for item in path.parent.iterdir():
        assert stat.S_IMODE(item.stat().st_mode) == 0o600, item.name
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == [
        "bookmarks.json",
        "bookmarks.json.bak1",
        "bookmarks.json.bak2",
        "bookmarks.json.lock",
    ]


def test_loose_existing_folder_is_tightened(store_path: Path, paper: MakePaper) -> None:
    store_path.parent.mkdir(parents=True, mode=0o755)
    os.chmod(store_path.parent, 0o755)
    BookmarkStore(store_path).add(paper(1))
    assert stat.S_IMODE(store_path.parent.stat().st_mode) == 0o700


def test_write_failure_raises_and_keeps_the_old_file(
    store_path: Path, paper: MakePaper, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = BookmarkStore(store_path)
    store.add(paper(1))
    before = store_path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_module.os, "fsync", full)
    with pytest.raises(BookmarkError) as info:
        store.add(paper(2))
    message = str(info.value)
    assert "No space left on device" in message and "\n" not in message
    monkeypatch.undo()
    assert store_path.read_bytes() == before
    assert store.ids() == frozenset({"p0001"}), "memory is not changed by a failed write"
    leftovers = [p.name for p in store_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    store.add(paper(2))
    assert BookmarkStore(store_path).ids() == frozenset({"p0001", "p0002"})


def test_unwritable_folder_raises_bookmark_error(tmp_path: Path, paper: MakePaper) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = BookmarkStore(blocker / "bookmarks.json")
    with pytest.raises(BookmarkError):
        store.add(paper(1))
    assert blocker.read_text() == "not a folder"


def test_lock_timeout_gives_a_clear_error(store_path: Path, paper: MakePaper) -> None:
    store_path.parent.mkdir(parents=True)
    store = BookmarkStore(store_path, lock_timeout=0.2)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from reader.locking import CrossProcessLock\n"
        "with CrossProcessLock(Path(sys.argv[1]), timeout=5):\n"
        "    print('locked', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(store.lock_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=ENV,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(BookmarkError, match="locked by another paper-reader"):
            store.add(paper(1))
    finally:
        holder.kill()
        holder.wait()
    store.add(paper(1))  # the kernel released the dead holder's lock
    assert store.ids() == frozenset({"p0001"})


def test_lock_is_exclusive_between_threads(tmp_path: Path) -> None:
    import threading

    lock_a = BookmarkLock(tmp_path / "x.lock", timeout=5)
    lock_b = BookmarkLock(tmp_path / "x.lock", timeout=0.1)
    with lock_a:
        result: list[str] = []

        def try_b() -> None:
            try:
                with lock_b:
                    result.append("got it")
            except BookmarkError:
                result.append("timed out")

        worker = threading.Thread(target=try_b)
        worker.start()
        worker.join()
    assert result == ["timed out"]
    with lock_b:
        pass


SAMPLE_TEXT = st.lists(
    st.one_of(st.characters(), st.sampled_from(list(" \n\r\t\u0301e\u00a0\u202e\x1b[\ud800"))),
    max_size=24,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(SAMPLE_TEXT)
def test_text_cleaning_matches_ingestion_and_is_idempotent(text: str) -> None:
    from reader.ingest.text import clean_field as ingest_clean_field
    from reader.ingest.text import strip_controls

    field = clean_field(text)
    assert field == ingest_clean_field(text.replace("\ud800", "\ufffd"))
    assert clean_field(field) == field
    note = clean_note(text)
    assert clean_note(note) == note
    assert note == strip_controls(note).strip()
    field.encode("utf-8")
    note.encode("utf-8")


def test_snapshot_format_is_paper_to_dict(paper: MakePaper) -> None:
    from reader.bookmarks.codec import paper_to_data
    from reader.bookmarks.model import paper_from_data

    full = paper(3, upvotes=12, comments=3, summary="One line.", github="https://g/x")
    assert paper_to_data(full) == full.to_dict()
    assert paper_from_data(full.to_dict()) == full
