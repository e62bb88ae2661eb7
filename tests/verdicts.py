"""An adviser's verdict the pre-screen tests share: Beihang University is not the 1286 entry."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store


def set_beihang_aside(db: Path, actor: str = "adviser") -> str:
    """Record in the state database ``db`` that Beihang University (CN) is not the DoD 1286
    entry 'beihang-university'; the date of the verdict (ISO)."""
    with Store.open(db) as store:
        store.adjudicate_match(
            list_id="us_dod_1286",
            entry="beihang-university",
            org_name="Beihang University",
            country="CN",
            verdict="not-same",
            reason="a namesake, per the adviser's check",
            actor=actor,
        )
        return store.adjudications()[0].at.date().isoformat()
