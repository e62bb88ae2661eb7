"""What the affiliation-round tests share: a resolver over one real ROR fixture
(tests/refdata/fixtures/README.md says where each comes from), and the ROR ids it answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kvrules.refdata import Resolver, Store
from kvrules.refdata.importers import import_file

FIXTURES = Path(__file__).parent / "fixtures"


def ror_resolver(factory: pytest.TempPathFactory, fixture: str) -> Iterator[Resolver]:
    """A resolver over the ROR records of ``fixtures/<fixture>`` alone, in a store of its own
    (a module fixture yields from it: the store closes when the module ends)."""
    with Store(factory.mktemp("db") / "kv.db") as store:
        import_file(store, "ror", FIXTURES / fixture, edition="t")
        yield Resolver(store)


def top_ror(resolver: Resolver, text: str) -> str | None:
    """The ROR id the resolver answers for ``text``, None when it answers none."""
    best = resolver.resolve(text)
    return best.ror_id if best else None


def found_rors(resolver: Resolver, text: str) -> list[str | None]:
    """Every ROR id among the organisations the resolver matches in ``text``, candidates too."""
    return [m.ror_id for org in resolver.match_affiliation(text) for m in org.matches]
