"""#15 item 5: an external organisation's other identifiers (ROR, Scopus affiliation id …)
reach the case page, beside the partner they belong to."""

from __future__ import annotations

from pathlib import Path

from kvrules.store import Store
from tests.web.web_helpers import app_for, case_id, event, login


def test_partner_identifiers_on_the_case_page(db: Path) -> None:
    ev = event("p-1", "Nanjing University of Aeronautics and Astronautics", "CN", with_match=True)
    partner = ev.project.partners[0]
    partner.identifiers = [
        _ident("ror", "https://ror.org/01scyh794"),
        _ident("scopusaffiliationid", "60010981"),
        _ident("isni", "0000 0000 9558 9911"),
        _ident("javascript", "<script>x</script>"),
    ]
    with Store.open(db) as store:
        store.record_subject(ev)
    client = app_for(db)
    login(client, "viewer")
    page = client.get(f"/cases/{case_id(db)}").text
    row = page.split("Nanjing University of Aeronautics and Astronautics", 1)[1].split("</tr>")[0]
    assert 'ROR <a href="https://ror.org/01scyh794"' in row
    assert "Scopus affiliation <code>60010981</code>" in row
    assert "ISNI <code>0000 0000 9558 9911</code>" in row
    assert "<script>x</script>" not in page and "&lt;script&gt;" in row  # escaped, no link


def _ident(scheme: str, value: str):
    from kvrules.model import Identifier

    return Identifier(scheme=scheme, value=value)
