"""ReadingStore against a plain model: any sequence of marks and undos (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.bookmarks.reading import ReadingStore, State

IDS = [f"p{n}" for n in range(6)]
_mark = st.tuples(st.just("mark"), st.lists(st.sampled_from(IDS), min_size=1, max_size=4),
                  st.sampled_from(list(State)))  # fmt: skip
_undo = st.tuples(st.just("undo"), st.just([]), st.just(State.UNREAD))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_mark, _undo), max_size=25))
def test_marks_and_undos_match_a_model(ops: list[tuple[str, list[str], State]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = ReadingStore(Path(folder) / "r.sqlite")
        model: dict[str, State] = {}
        history: list[tuple[int, dict[str, State]]] = []  # (step, states before it)
        for op, ids, state in ops:
            if op == "mark":
                before = dict(model)
                step = store.mark(ids, state)
                changed = {i for i in ids if model.get(i, State.UNREAD) is not state}
                assert step.changed == len(changed)
                for i in ids:
                    model[i] = state
                if step.step is not None:
                    history.append((step.step, before))
            elif history:
                step_id, before = history.pop()
                store.undo(step_id)
                model = before
        again = ReadingStore(Path(folder) / "r.sqlite")
        for pid in IDS:
            assert again.state(pid) is model.get(pid, State.UNREAD), pid
        assert again.seen_ids() == {i for i, s in model.items() if s is not State.UNREAD}
        store.close()
        again.close()
