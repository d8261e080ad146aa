"""`SizedLRU` keeps the most recently used entries within its budget, and always the newest."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.search.lru import SizedLRU

_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, 9), st.integers(0, 40)),
        st.tuples(st.just("get"), st.integers(0, 9), st.just(0)),
    ),
    max_size=60,
)


@given(_OPS, st.integers(0, 100))
def test_matches_a_plain_list_model(ops: list[tuple[str, int, int]], budget: int) -> None:
    cache: SizedLRU[int, str] = SizedLRU(budget)
    model: list[tuple[int, int]] = []  # (key, size), oldest used first
    for op, key, size in ops:
        if op == "put":
            cache.put(key, f"v{key}-{size}", size)
            model = [e for e in model if e[0] != key] + [(key, size)]
            while sum(s for _, s in model) > budget and len(model) > 1:
                model.pop(0)
        else:
            found = cache.get(key)
            held = [e for e in model if e[0] == key]
            assert (found is None) == (not held)
            if held:
                model = [e for e in model if e[0] != key] + held
                assert found == f"v{key}-{held[0][1]}"
        assert [k for k, _ in cache.items()] == [k for k, _ in model]
        assert cache.size == sum(s for _, s in model) and len(cache) == len(model)


def test_a_budget_function_is_read_at_each_put() -> None:
    budget = [10]
    cache: SizedLRU[str, int] = SizedLRU(lambda: budget[0])
    cache.put("a", 1, 6)
    cache.put("b", 2, 4)
    assert "a" in cache and "b" in cache
    budget[0] = 5
    cache.put("c", 3, 1)
    assert [k for k, _ in cache.items()] == ["b", "c"]
