"""A half-typed query says what is unfinished instead of silently searching something else."""

from __future__ import annotations

from reader.search import Library


def test_unclosed_parenthesis_and_quote_are_noted(sample_library: Library) -> None:
    paren = sample_library.search("title:(")
    assert paren.note and "unclosed parenthesis" in paren.note
    assert paren.suggestion is None  # no "did you mean: time:(" for a field name
    quote = sample_library.search('"diffusion mod')
    assert quote.note and "unclosed quote" in quote.note
    stray = sample_library.search("diffusion)")
    assert stray.note and "without its (" in stray.note


def test_balanced_queries_have_no_note(sample_library: Library) -> None:
    for text in [
        "title:(diffusion OR model)",
        '"diffusion models"',
        "neural (network OR model)",
        '"model (" neural',
    ]:
        assert sample_library.search(text).note is None, text
