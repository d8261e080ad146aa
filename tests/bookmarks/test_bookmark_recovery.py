"""A file we cannot read is moved aside (bytes kept), never overwritten; backups restore it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reader.bookmarks import BookmarkError, BookmarkStore
from reader.model import Paper

MakePaper = Callable[..., Paper]

BAD_FILES = {
    "garbage": b"\x00\x01\x02 not json at all",
    "truncated": None,  # filled from a real file in the test
    "empty": b"",
    "whitespace": b"  \n",
    "not-utf8": b'{"schema_version": 1, "bookmarks": [], "x": "\xff\xfe"}',
    "top-level-list": b"[]",
    "no-version": b'{"bookmarks": []}',
    "version-is-string": b'{"schema_version": "1", "bookmarks": []}',
    "bookmarks-not-list": b'{"schema_version": 1, "bookmarks": {}}',
    "tags-not-list": json.dumps(
        {
            "schema_version": 1,
            "bookmarks": [
                {
                    "id": "a",
                    "paper": {"id": "a", "title": "t"},
                    "tags": "oops",
                    "note": "",
                    "added": "2026-01-01T00:00:00Z",
                    "updated": "2026-01-01T00:00:00Z",
                }
            ],
        }
    ).encode(),
    "bad-time": json.dumps(
        {
            "schema_version": 1,
            "bookmarks": [
                {
                    "id": "a",
                    "paper": {"id": "a", "title": "t"},
                    "tags": [],
                    "note": "",
                    "added": "yesterday",
                    "updated": "2026-01-01T00:00:00Z",
                }
            ],
        }
    ).encode(),
    "upvotes-not-int": json.dumps(
        {
            "schema_version": 1,
            "bookmarks": [
                {
                    "id": "a",
                    "paper": {"id": "a", "title": "t", "upvotes": "12"},
                    "tags": [],
                    "note": "",
                    "added": "2026-01-01T00:00:00Z",
                    "updated": "2026-01-01T00:00:00Z",
                }
            ],
        }
    ).encode(),
}


def _corrupt_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".corrupt-*"))


def _good_store(path: Path, paper: MakePaper, count: int = 3) -> BookmarkStore:
    store = BookmarkStore(path)
    for n in range(1, count + 1):
        store.add(paper(n), tags=[f"t{n}"])
    return store


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_is_moved_aside_and_backup_restored(
    kind: str, store_path: Path, paper: MakePaper
) -> None:
    _good_store(store_path, paper)
    good = store_path.read_bytes()
    bad = BAD_FILES[kind]
    if bad is None:
        bad = good[: len(good) // 2]
    store_path.write_bytes(bad)

    store = BookmarkStore(store_path)
    # The newest backup holds the state before the last add: bookmarks 1 and 2.
    assert store.ids() == frozenset({"p0001", "p0002"})
    assert not store.read_only
    copies = _corrupt_copies(store_path)
    assert len(copies) == 1
    assert copies[0].read_bytes() == bad, "the unreadable bytes are kept as they were"
    assert copies[0].stat().st_mode & 0o077 == 0
    problem = store.problem
    assert problem is not None
    assert str(copies[0]) in problem and "bookmarks.json.bak1" in problem
    assert "restored" in problem and "\n" not in problem
    # The restored file is a good file on disk, and the store keeps working.
    assert BookmarkStore(store_path).ids() == frozenset({"p0001", "p0002"})
    store.add(paper(9))
    assert BookmarkStore(store_path).ids() == frozenset({"p0001", "p0002", "p0009"})
    assert copies[0].read_bytes() == bad


def test_corrupt_without_backup_starts_empty_and_keeps_the_bytes(
    store_path: Path, paper: MakePaper
) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b'{"schema_version": 1, "bookm')
    store = BookmarkStore(store_path)
    assert store.all() == []
    assert store.problem is not None and "No good backup" in store.problem
    copies = _corrupt_copies(store_path)
    assert [c.read_bytes() for c in copies] == [b'{"schema_version": 1, "bookm']
    assert not store_path.exists()
    store.add(paper(1))
    assert copies[0].read_bytes() == b'{"schema_version": 1, "bookm'


def test_file_corrupted_while_running_is_caught_by_the_next_change(
    store_path: Path, paper: MakePaper
) -> None:
    store = _good_store(store_path, paper, count=2)
    store_path.write_bytes(b"{broken")
    store.add(paper(5))
    copies = _corrupt_copies(store_path)
    assert [c.read_bytes() for c in copies] == [b"{broken"]
    assert store.problem is not None and "restored" in store.problem
    # bak1 held bookmark 1 only (state before the second add); the new add goes on top.
    assert BookmarkStore(store_path).ids() == frozenset({"p0001", "p0005"})


def test_reload_if_changed_recovers_a_corrupted_file(store_path: Path, paper: MakePaper) -> None:
    store = _good_store(store_path, paper, count=2)
    store_path.write_bytes(b"")
    assert store.reload_if_changed() is True
    assert store.ids() == frozenset({"p0001"})
    assert len(_corrupt_copies(store_path)) == 1


def test_two_corruptions_in_the_same_second_keep_both_copies(
    store_path: Path, paper: MakePaper
) -> None:
    _good_store(store_path, paper, count=3)
    store_path.write_bytes(b"first bad")
    BookmarkStore(store_path).all()
    store_path.write_bytes(b"second bad")
    BookmarkStore(store_path).all()
    assert sorted(c.read_bytes() for c in _corrupt_copies(store_path)) == [
        b"first bad",
        b"second bad",
    ]


def test_bad_backups_are_skipped(store_path: Path, paper: MakePaper) -> None:
    _good_store(store_path, paper, count=4)
    backups = [store_path.with_name(f"bookmarks.json.bak{n}") for n in (1, 2, 3)]
    assert all(b.exists() for b in backups)
    backups[0].write_bytes(b"garbage")
    store_path.write_bytes(b"also garbage")
    store = BookmarkStore(store_path)
    assert store.ids() == frozenset({"p0001", "p0002"}), "bak2 is the newest good backup"
    assert store.problem is not None and "bookmarks.json.bak2" in store.problem


def test_keeps_three_backups_of_the_last_good_versions(store_path: Path, paper: MakePaper) -> None:
    _good_store(store_path, paper, count=6)
    ids = [
        {
            b["id"]
            for b in json.loads(store_path.with_name(f"bookmarks.json.bak{n}").read_bytes())[
                "bookmarks"
            ]
        }
        for n in (1, 2, 3)
    ]
    assert [len(i) for i in ids] == [5, 4, 3]
    assert not store_path.with_name("bookmarks.json.bak4").exists()


def test_a_broken_file_never_rotates_over_good_backups(store_path: Path, paper: MakePaper) -> None:
    _good_store(store_path, paper, count=4)
    before = {n: store_path.with_name(f"bookmarks.json.bak{n}").read_bytes() for n in (1, 2, 3)}
    store_path.write_bytes(b"")
    store = BookmarkStore(store_path)
    store.add(paper(7))
    for n in (1, 2, 3):
        raw = store_path.with_name(f"bookmarks.json.bak{n}").read_bytes()
        assert raw.strip(), "no backup is empty"
        json.loads(raw)
    assert before[1] in {
        store_path.with_name(f"bookmarks.json.bak{n}").read_bytes() for n in (1, 2, 3)
    }


def _newer_file(path: Path) -> bytes:
    doc = {
        "schema_version": 2,
        "bookmarks": [
            {
                "id": "a",
                "paper": {"id": "a", "title": "From the future"},
                "tags": ["x"],
                "note": "",
                "added": "2026-01-01T00:00:00Z",
                "updated": "2026-01-01T00:00:00Z",
                "colour": "teal",
            }
        ],
        "collections": [],
    }
    raw = json.dumps(doc).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return raw


def test_newer_schema_opens_read_only(store_path: Path, paper: MakePaper) -> None:
    raw = _newer_file(store_path)
    store = BookmarkStore(store_path)
    assert store.read_only
    assert store.problem is not None and "newer" in store.problem
    assert store.ids() == frozenset({"a"}), "what we understand is still shown"
    for change in (
        lambda: store.add(paper(1)),
        lambda: store.remove("a"),
        lambda: store.toggle(paper(1)),
        lambda: store.tag("a", ["y"]),
        lambda: store.set_note("a", "n"),
        lambda: store.merge([]),
    ):
        with pytest.raises(BookmarkError, match="newer"):
            change()
    assert store_path.read_bytes() == raw
    assert _corrupt_copies(store_path) == []


def test_newer_schema_of_unknown_shape_is_read_only_and_empty(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    raw = b'{"schema_version": 7, "bookmarks": {"by_id": {}}}'
    store_path.write_bytes(raw)
    store = BookmarkStore(store_path)
    assert store.read_only and store.all() == []
    assert store_path.read_bytes() == raw


def test_newer_file_appearing_under_a_running_store_blocks_changes(
    store_path: Path, paper: MakePaper
) -> None:
    store = _good_store(store_path, paper, count=1)
    raw = _newer_file(store_path)
    with pytest.raises(BookmarkError, match="newer"):
        store.add(paper(2))
    assert store.read_only
    assert store_path.read_bytes() == raw


def test_unreadable_file_is_read_only_not_moved(
    store_path: Path, paper: MakePaper, monkeypatch: pytest.MonkeyPatch
) -> None:
    _good_store(store_path, paper, count=1)
    raw = store_path.read_bytes()
    real_open = open

    def deny(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(store_path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    store = BookmarkStore(store_path)
    assert store.read_only and store.problem is not None and "Permission denied" in store.problem
    assert store.reload_if_changed() is False, "polling does not retry an unchanged file"
    with pytest.raises(BookmarkError):
        store.add(paper(2))
    monkeypatch.undo()
    assert store_path.read_bytes() == raw
    assert _corrupt_copies(store_path) == []


def test_corrupt_file_that_cannot_be_moved_is_shown_read_only_from_backup(
    store_path: Path, paper: MakePaper, monkeypatch: pytest.MonkeyPatch
) -> None:
    _good_store(store_path, paper, count=2)
    store_path.write_bytes(b"broken")

    def refuse(*args: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("reader.bookmarks.backups.os.link", refuse)
    monkeypatch.setattr("reader.bookmarks.backups.os.rename", refuse)
    store = BookmarkStore(store_path)
    assert store.read_only
    assert store.ids() == frozenset({"p0001"})
    assert store.reload_if_changed() is False
    assert store.problem is not None and "Read-only file system" in store.problem
    with pytest.raises(BookmarkError):
        store.add(paper(3))
    assert store_path.read_bytes() == b"broken"


def test_without_hard_links_backups_are_copies_and_corrupt_files_renamed(
    store_path: Path, paper: MakePaper, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr("reader.bookmarks.backups.os.link", no_links)
    store = _good_store(store_path, paper, count=3)
    bak1 = store_path.with_name("bookmarks.json.bak1")
    assert {b["id"] for b in json.loads(bak1.read_bytes())["bookmarks"]} == {"p0001", "p0002"}
    assert bak1.stat().st_ino != store_path.stat().st_ino
    store_path.write_bytes(b"{bad")
    assert BookmarkStore(store_path).ids() == frozenset({"p0001", "p0002"})
    assert [c.read_bytes() for c in _corrupt_copies(store_path)] == [b"{bad"]
    assert store.remove("p0001")
