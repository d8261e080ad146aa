"""The sample a phrase's total is estimated from (`spread`): documents of the candidates
only, each once, in docnum order, about the size asked for, in runs of neighbouring
candidates spread over all of them."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from reader.search.impact_sample import spread

flags = st.lists(st.integers(0, 1), min_size=1, max_size=400).map(bytes)


@given(flags, st.integers(1, 40), st.integers(1, 8))
def test_a_sample_is_of_candidates_each_once_in_order(data: bytes, step: int, run: int) -> None:
    ones = data.count(1)
    picked = spread(data, ones, step, run)
    assert all(data[d] == 1 for d in picked)
    assert picked == sorted(set(picked))
    if ones:
        assert picked[0] == data.find(1)  # the runs start at the first candidate
        # About every step-th candidate: at least one run, at most every candidate.
        assert min(run, ones) <= len(picked) <= ones


def test_runs_of_neighbours_are_spread_over_every_candidate() -> None:
    data = bytes(1 if d % 3 == 0 else 0 for d in range(30_000))
    ones = data.count(1)
    picked = spread(data, ones, ones // 256, 8)
    assert 200 <= len(picked) <= 300
    runs = [picked[i : i + 8] for i in range(0, len(picked), 8)]
    assert all(b - a == 3 for run in runs for a, b in pairwise(run))  # neighbours
    assert picked[-1] > 29_000 - 3 * 30_000 // len(runs)  # the last run near the end


def test_a_run_of_one_is_every_step_th_candidate() -> None:
    data = bytes(1 if d % 2 else 0 for d in range(1000))
    assert spread(data, 500, 50, 1) == list(range(1, 1000, 100))
