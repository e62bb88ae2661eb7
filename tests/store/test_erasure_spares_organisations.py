"""Erasing a person spares organisations named after them (review of the privacy change,
item 3): erasing "Li Ning" turned the partner "Li Ning (China) Sports Goods Co., Ltd." of
another record into "(erased person …)", and the digest remembered for it hid the company on
every later scan; a partner "Zhang Wei, Li Ning" was erased whole."""

from __future__ import annotations

import json

import pytest

from kvrules.model import CollaborationEvent
from kvrules.store import Store
from kvrules.store.namematch import find_name
from tests.web.web_helpers import event

COMPANY = "Li Ning (China) Sports Goods Co., Ltd."


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Li Ning, Inc. supplies kit", []),
        (COMPANY, []),
        ("Zhang Wei, Li Ning", [(11, 18)]),
        ("Li Ning (PI)", [(0, 7)]),
        ("Li Ning, PhD", [(0, 7)]),
    ],
)
def test_a_comma_or_bracket_does_not_end_an_organisations_name(text: str, found: list) -> None:
    assert find_name(text, "Li Ning", whole_value=True) == found
    assert find_name(text, "Li Ning") == found


def _record(record_id: str, partner: str, lead: str) -> CollaborationEvent:
    body = event(record_id, partner, "CN", with_match=True).model_dump(mode="json")
    body["project"]["participants"] = [{"role": "pi", "display_name": lead}]
    return CollaborationEvent.model_validate(body)


def _partners(store: Store, record_id: str) -> list[str]:
    row = store._db.conn.execute(
        "SELECT body FROM record_subjects WHERE record_id = ?", (record_id,)
    ).fetchone()
    return [p["name"] for p in json.loads(row[0])["project"]["partners"]]


def test_erasing_a_person_keeps_the_company_named_after_them(store: Store) -> None:
    store.record_subject(_record("p-1", "Beihang University", "Li Ning"))
    store.record_subject(_record("p-2", COMPANY, "Anna Kim"))
    store.record_subject(_record("p-3", "Zhang Wei, Li Ning", "Anna Kim"))
    store.record_subject(_record("p-4", "Dr. Li Ning", "Anna Kim"))
    done = store.erase_person("Li Ning", actor="dpo", apply=True)
    assert _partners(store, "p-2") == [COMPANY]
    assert _partners(store, "p-3") == [f"Zhang Wei, {done.pseudonym}"]
    assert _partners(store, "p-4") == [done.pseudonym]
    for rid, partner in (("p-2", COMPANY), ("p-4", "Dr. Li Ning")):
        store.record_subject(_record(rid, partner, "Anna Kim"))  # the next scan
    assert _partners(store, "p-2") == [COMPANY]
    assert _partners(store, "p-4") == [done.pseudonym]  # the person, with a title: kept out
    digests = store._db.conn.execute("SELECT COUNT(*) FROM erased_people").fetchone()[0]
    assert digests == 1  # the name's own; none for a partner's value
