"""What each change to the bookmarks does: a function from the entries read from disk (paper
id -> bookmark) to its result, editing the entries in place.

`BookmarkStore._mutate` applies a change under the cross-process lock to what is on disk and
writes the file if the entries differ. The functions here build a change: they check and
clean their input first, so bad input is refused before the lock is taken, and they never
touch the file themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from reader.bookmarks.codec import bookmark_from_data, bookmark_to_data
from reader.bookmarks.model import Bookmark, BookmarkError, clean_note, clean_paper, normalise_tags
from reader.model import Paper

T = TypeVar("T")
Entries = dict[str, Bookmark]
#: A change: applied to the entries on disk, edits them in place and returns its result.
Change = Callable[[Entries], T]
Clock = Callable[[], str]


def snapshot(paper: Paper) -> Paper:
    """The copy of `paper` a bookmark keeps; refused without an id."""
    snap = clean_paper(paper)
    if not snap.id:
        raise BookmarkError("cannot bookmark a paper without an id")
    return snap


def touch(old: Bookmark, new: Bookmark, clock: Clock) -> Bookmark:
    """`new` with a fresh `updated` if it differs from `old` in anything but `updated`."""
    if replace(new, updated=old.updated) == old:
        return old
    return replace(new, updated=max(clock(), old.updated))


def add(paper: Paper, tags: Iterable[str], note: str | None, clock: Clock) -> Change[Bookmark]:
    """Bookmark `paper`; if already bookmarked, add `tags`, set `note` (if given), refresh."""
    snap = snapshot(paper)
    new_tags = normalise_tags(tags)
    new_note = None if note is None else clean_note(note)

    def change(entries: Entries) -> Bookmark:
        old = entries.get(snap.id)
        if old is None:
            now = clock()
            bookmark = Bookmark(snap.id, snap, new_tags, new_note or "", now, now)
        else:
            bookmark = touch(
                old,
                replace(
                    old,
                    paper=snap,
                    tags=normalise_tags([*old.tags, *new_tags]),
                    note=old.note if new_note is None else new_note,
                ),
                clock,
            )
        entries[snap.id] = bookmark
        return bookmark

    return change


def remove(paper_id: str) -> Change[bool]:
    """Remove the bookmark; False if there was none."""
    return lambda entries: entries.pop(paper_id, None) is not None


def toggle(paper: Paper, clock: Clock) -> Change[bool]:
    """Bookmark `paper` or remove its bookmark; True if it is now bookmarked."""
    snap = snapshot(paper)

    def change(entries: Entries) -> bool:
        if entries.pop(snap.id, None) is not None:
            return False
        now = clock()
        entries[snap.id] = Bookmark(snap.id, snap, [], "", now, now)
        return True

    return change


def edit(paper_id: str, revise: Callable[[Bookmark], Bookmark], clock: Clock) -> Change[Bookmark]:
    """Replace the bookmark with `revise` of it (refreshed if that changes it); refused when
    there is none."""

    def change(entries: Entries) -> Bookmark:
        old = entries.get(paper_id)
        if old is None:
            raise BookmarkError(f"no bookmark for paper {paper_id!r}")
        entries[paper_id] = touch(old, revise(old), clock)
        return entries[paper_id]

    return change


def set_tags(paper_id: str, tags: Iterable[str], clock: Clock) -> Change[Bookmark]:
    new = normalise_tags(tags)
    return edit(paper_id, lambda b: replace(b, tags=new), clock)


def tag(paper_id: str, tags: Iterable[str], clock: Clock) -> Change[Bookmark]:
    new = normalise_tags(tags)
    return edit(paper_id, lambda b: replace(b, tags=normalise_tags([*b.tags, *new])), clock)


def untag(paper_id: str, tags: Iterable[str], clock: Clock) -> Change[Bookmark]:
    gone = set(normalise_tags(tags))
    return edit(paper_id, lambda b: replace(b, tags=[t for t in b.tags if t not in gone]), clock)


def set_note(paper_id: str, note: str, clock: Clock) -> Change[Bookmark]:
    new = clean_note(note)
    return edit(paper_id, lambda b: replace(b, note=new), clock)


def merge(bookmarks: Iterable[Bookmark]) -> Change[tuple[list[str], list[str]]]:
    """Union by id; for an id in both, the newer `updated` wins. Returns (added, updated)."""
    incoming: list[Bookmark] = []
    for item in bookmarks:
        try:
            incoming.append(bookmark_from_data(bookmark_to_data(item)))
        except ValueError as exc:
            raise BookmarkError(f"invalid bookmark: {exc}") from None

    def change(entries: Entries) -> tuple[list[str], list[str]]:
        added: list[str] = []
        updated: list[str] = []
        for item in incoming:
            old = entries.get(item.paper_id)
            if old is None:
                entries[item.paper_id] = item
                if item.paper_id not in added:
                    added.append(item.paper_id)
            elif item.updated > old.updated:
                new = replace(item, added=min(item.added, old.added))
                if new != old:
                    entries[item.paper_id] = new
                    if item.paper_id not in added and item.paper_id not in updated:
                        updated.append(item.paper_id)
        return added, updated

    return change
