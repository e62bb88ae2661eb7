"""Advisers' verdicts the tests share: an organisation is not a US DoD 1286 list entry."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store


def set_1286_entry_aside(
    store: Store,
    entry: str,
    org_name: str,
    reason: str,
    *,
    country: str = "CN",
    actor: str = "adviser",
    case_id: int | None = None,
) -> None:
    """Record that ``org_name`` is not the DoD 1286 list's ``entry`` (on case ``case_id``)."""
    store.adjudicate_match(
        list_id="us_dod_1286",
        entry=entry,
        org_name=org_name,
        country=country,
        verdict="not-same",
        reason=reason,
        actor=actor,
        case_id=case_id,
    )


def set_beihang_aside(db: Path, actor: str = "adviser") -> str:
    """Record in the state database ``db`` that Beihang University (CN) is not the DoD 1286
    entry 'beihang-university'; the date of the verdict (ISO)."""
    with Store.open(db) as store:
        reason = "a namesake, per the adviser's check"
        set_1286_entry_aside(store, "beihang-university", "Beihang University", reason, actor=actor)
        return store.adjudications()[0].at.date().isoformat()
