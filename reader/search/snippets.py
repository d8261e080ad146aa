"""Short fragments of an abstract around the matched words, for result lists."""

from __future__ import annotations

from collections.abc import Sequence


def fragment(
    text: str, spans: Sequence[tuple[int, int]], width: int = 220
) -> tuple[str, list[tuple[int, int]]]:
    """A window of about `width` characters holding the densest run of matches.

    Returns the fragment (with `…` where it was cut) and the match spans shifted into it.
    """
    if len(text) <= width:
        return text, list(spans)
    if not spans:
        cut = text.rfind(" ", 0, width)
        return text[: cut if cut > width // 2 else width] + "…", []
    best_start, best_count = spans[0][0], 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best_count:
            best_start, best_count = start, count
    start = max(0, best_start - width // 4)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > best_start else end
    shifted = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    return prefix + text[start:end] + suffix, [
        (s + len(prefix), e + len(prefix)) for s, e in shifted
    ]
