"""Foreign funding share per unit, against the configured cap."""

from __future__ import annotations

from decimal import Decimal

from kvrules.rulebook.cases import event_from_given
from kvrules.store import Store
from kvrules.web.portfolio import build


def test_foreign_share_per_unit_is_marked_above_the_cap(tmp_path):
    def project(pid, unit, funders):
        return event_from_given(
            {
                "kind": "project.created",
                "project": {"id": pid, "units": [unit], "funders": funders},
            },
            pid,
        )

    with Store.open(tmp_path / "s.db") as store:
        store.record_subject(
            project(
                "P1",
                "Physics",
                [
                    {"name": "NWO", "country": "NL", "amount": 600, "currency": "EUR"},
                    {"name": "Foreign Fund", "country": "CN", "amount": 400, "currency": "EUR"},
                ],
            )
        )
        store.record_subject(
            project(
                "P2",
                "Chemistry",
                [
                    {"name": "NWO", "country": "NL", "amount": 900, "currency": "EUR"},
                    {"name": "Foreign Fund", "country": "US", "amount": 100, "currency": "EUR"},
                ],
            )
        )
        rows = {r[0]: r for r in build(store, home_country="NL", foreign_cap=0.25).funding_rows()}
    assert rows["Physics"][2:] == (Decimal(400), 1, 0.4, True)
    assert rows["Chemistry"][2:] == (Decimal(100), 1, 0.1, False)
