"""The rows adapters keep beside their cursor (kvrules.AdapterState) in a real state database:
stored with the cursor, read back through a connection of their own, and what a read wrote
seen before it is stored."""

from __future__ import annotations

import pickle
from pathlib import Path

from kvrules import AdapterState
from kvrules.store import Store


def test_rows_are_stored_with_the_cursor_and_read_back_by_key_and_prefix(tmp_path: Path) -> None:
    with Store.open(tmp_path / "k.db") as store:
        with store.transaction():
            store.keep_adapter_state(
                "pure", [("uses", "ab%_1", ""), ("uses", "ab%_2", ""), ("uses", "abc", "")]
            )
            store.keep_adapter_state("other", [("uses", "ab%_9", "")])
            store.set_cursor("pure", "c-1")
        with store.transaction():
            store.keep_adapter_state("pure", [("uses", "ab%_2", None), ("versions", "k", "v")])
        # Pickled as where to read (a reader process opens its own connection).
        stored = pickle.loads(pickle.dumps(store.adapter_state("pure")))
        try:
            state = AdapterState(stored)
            assert state.prefixed("uses", "ab%_") == {"ab%_1": ""}  # no LIKE: % and _ are text
            assert state.get("versions", "k") == "v" and state.get("versions", "x") is None
        finally:
            stored.close()


def test_a_read_sees_what_it_wrote_before_it_is_stored_unless_told_it_looks_nothing_up(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "k.db") as store:
        with store.transaction():
            store.keep_adapter_state("pure", [("uses", "a1", ""), ("uses", "a2", "")])
        stored = store.adapter_state("pure")
        try:
            state = AdapterState(stored)
            state.put("uses", "a3", "")
            state.put("uses", "a1", None)
            assert set(state.prefixed("uses", "a")) == {"a2", "a3"}
            assert state.take() == [("uses", "a3", ""), ("uses", "a1", None)]
            assert state.take() == []
            state.begin()  # a new read: what the last one wrote is in the database, or lost
            assert set(state.prefixed("uses", "a")) == {"a1", "a2"}
            state.remember_written = False  # a first full read: rows go out, nothing is held
            state.put("uses", "a4", "")
            assert state.get("uses", "a4") is None and len(state.take()) == 1
        finally:
            stored.close()


def test_without_a_database_the_rows_stay_in_memory_across_reads() -> None:
    state = AdapterState()
    state.remember_written = False
    state.put("records", "p-1", "")
    state.take()
    state.begin()
    assert state.get("records", "p-1") == ""
