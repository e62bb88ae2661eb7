"""The web paste box reads a country in brackets holding brackets of its own, as `check
--partner` does (reviewer, 2026-12-07: "Korea Optics Lab (Korea (Democratic People's Republic
of))" was screened with no country; tests/test_prescreen_bracketed_country.py)."""

from __future__ import annotations

from pathlib import Path

from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit


def test_a_pasted_partner_with_an_iso_form_country_is_screened_on_it(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    pasted = "Korea Optics Lab (Korea (Democratic People's Republic of))\n"
    pid = prescreen_id(submit(client, {"topic": "laser optics", "partners_text": pasted}))
    with Store.open(db) as store:
        kept = store.prescreen(pid)
    assert kept is not None
    assert kept.proposal["partners"] == [{"name": "Korea Optics Lab", "country": "KP"}]
    assert not kept.result["in_words"]["not_checked"]
    assert "no country given" not in kept.result["triage"]["reason"]
