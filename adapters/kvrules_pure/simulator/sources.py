"""Record sources behind a collection: a static dict (from --data) or lazy generation."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol

from .ids import make_uuid, parse_index

Record = dict[str, Any]


class RecordSource(Protocol):
    """Read-only, ordered records. Returned dicts may be shared: callers must not mutate them."""

    def __len__(self) -> int: ...
    def uuid_at(self, index: int) -> str: ...
    def get(self, uuid: str) -> Record | None: ...
    def resolve_moved(self, uuid: str) -> str | None: ...


class StaticSource:
    """Records held in memory, ordered as given; previousUuids become 301 redirects."""

    def __init__(self, records: list[Record]) -> None:
        self._order = [r["uuid"] for r in records]
        self._by_uuid = {r["uuid"]: r for r in records}
        self._moved = {old: r["uuid"] for r in records for old in r.get("previousUuids") or []}

    def __len__(self) -> int:
        return len(self._order)

    def uuid_at(self, index: int) -> str:
        return self._order[index]

    def get(self, uuid: str) -> Record | None:
        return self._by_uuid.get(uuid)

    def resolve_moved(self, uuid: str) -> str | None:
        return self._moved.get(uuid)

    def records(self) -> list[Record]:
        return [self._by_uuid[u] for u in self._order]


class LazySource:
    """Record i is built on demand by make(i); its uuid encodes i (see ids.py).

    `moved_kind` names a second uuid family: record i may list make_uuid(seed, moved_kind, i)
    in previousUuids (has_previous(i)), and a GET on that old uuid redirects to record i.
    """

    def __init__(
        self,
        seed: int,
        kind: str,
        count: int,
        make: Callable[[int], Record],
        *,
        moved_kind: str | None = None,
        has_previous: Callable[[int], bool] | None = None,
        cache_size: int = 4096,
    ) -> None:
        self.seed = seed
        self.kind = kind
        self.count = count
        self._make = lru_cache(maxsize=cache_size)(make)
        # People and clusters are referenced from many projects: hashing their uuids is hot.
        self.uuid_at = lru_cache(maxsize=65536)(self.uuid_at)  # type: ignore[method-assign]
        self._moved_kind = moved_kind
        self._has_previous = has_previous

    def __len__(self) -> int:
        return self.count

    def uuid_at(self, index: int) -> str:
        return make_uuid(self.seed, self.kind, index)

    def index_of(self, uuid: str) -> int | None:
        index = parse_index(self.seed, self.kind, uuid)
        return index if index is not None and index < self.count else None

    def get(self, uuid: str) -> Record | None:
        index = self.index_of(uuid)
        return None if index is None else self._make(index)

    def at(self, index: int) -> Record:
        return self._make(index)

    def resolve_moved(self, uuid: str) -> str | None:
        if self._moved_kind is None or self._has_previous is None:
            return None
        index = parse_index(self.seed, self._moved_kind, uuid)
        if index is None or index >= self.count or not self._has_previous(index):
            return None
        return self.uuid_at(index)
