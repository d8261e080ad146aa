"""A least-recently-used map within a size budget: the engine's caches of decoded postings,
positions, term scores and impacts, each with its own unit of size."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, ItemsView
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class SizedLRU(Generic[K, V]):
    """Entries within `budget` (the sum of the sizes given when they were put); the oldest
    used go first, and the newest entry stays whatever its size."""

    def __init__(self, budget: int | Callable[[], int]) -> None:
        #: A number, or a function read at each put (a module constant tests may change).
        self._budget = budget
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.size = 0

    def get(self, key: K) -> V | None:
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V, size: int) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old[1]
        self._entries[key] = (value, size)
        self.size += size
        budget = self._budget if isinstance(self._budget, int) else self._budget()
        while self.size > budget and len(self._entries) > 1:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.size -= dropped

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def items(self) -> ItemsView[K, tuple[V, int]]:
        """(key, (value, size)), oldest used first."""
        return self._entries.items()
