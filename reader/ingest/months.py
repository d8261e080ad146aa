"""English month names as the dumps write them: full, abbreviated, `Sept`, any case."""

from __future__ import annotations

#: The names as a regular-expression alternation (longest first where one is a prefix).
MONTH_NAMES = (
    "January|Jan|February|Feb|March|Mar|April|Apr|May|June|Jun|July|Jul|August|Aug"
    "|September|Sept|Sep|October|Oct|November|Nov|December|Dec"
)
_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def month_number(name: str) -> int | None:
    """1-12 for a month name or its abbreviation (its first three letters decide), else None."""
    return _NUMBERS.get(name[:3].casefold())
