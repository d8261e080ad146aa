"""The one month-name table: every reader that meets a month name reads it through it."""

from __future__ import annotations

import re

import pytest

from reader.ingest.months import MONTH_NAMES, month_number

FULL = "January February March April May June July August September October November December"


@pytest.mark.parametrize(("number", "name"), list(enumerate(FULL.split(), 1)))
def test_full_and_short_names_in_any_case(number: int, name: str) -> None:
    for form in (name, name[:3], name.upper(), name[:3].lower()):
        assert month_number(form) == number, form
        assert re.fullmatch(f"(?:{MONTH_NAMES})", form, re.IGNORECASE), form


def test_sept_and_non_months() -> None:
    assert month_number("Sept") == 9
    assert re.fullmatch(f"(?:{MONTH_NAMES})", "Sept")
    assert [month_number(word) for word in ("", "Ma", "Foo", "Juni", "Mär")] == [
        None,
        None,
        None,
        6,
        None,
    ]
