"""The sample a phrase's estimated total comes from (`reader.search.impact.ImpactRanker.first`):
the share of a ranking's candidates whose phrases hold, from runs of neighbouring candidates
spread over all of them."""

from __future__ import annotations

from itertools import compress

from reader.search.impact_plan import Score


def matching_share(score: Score, within: bytes, count: int, sample: int, run: int = 1) -> float:
    """The share of the `count` documents of `within` (a byte per docnum, as `threshold`
    reads it) that `score` matches, from an evenly spread sample of about `sample` of them
    (a ranking's checks are of its best documents, whose phrases are likelier there), in
    runs of `run` neighbouring documents (`spread`)."""
    if count <= sample:
        picked = list(compress(range(len(within)), within))
    else:
        picked = spread(within, count, count // sample, run)
    if not picked:
        return 0.0
    return sum(score(d) is not None for d in picked) / len(picked)


def spread(data: bytes, ones: int, step: int, run: int = 1) -> list[int]:
    """About every `step`-th of the `ones` documents of `data` (a byte per docnum), in runs
    of `run` neighbours: found by jumping an even stride through the docnums up to the last
    document and taking the next `run` matches from each point. Neighbours lie in the same
    blocks of their terms' postings, so checking a run costs about one block decoded per
    term instead of one per document."""
    stride = max(1, (data.rfind(1) + 1) * step * run // max(1, ones))
    picked: list[int] = []
    find = data.find
    point = find(1)
    while point >= 0:
        at = point
        for _ in range(run):
            picked.append(at)
            at = find(1, at + 1)
            if at < 0:
                break
        point = find(1, max(point + stride, picked[-1] + 1))
    return picked


__all__ = ["matching_share", "spread"]
