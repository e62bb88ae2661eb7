"""The web pre-screen reads partners as grant offices paste and upload them (reviewer,
2026-12-07, main 9de3e1d): two columns pasted from Excel (tab separated) made "Beihang
University	CN" one name; a Mac "CSV" (CR line endings) gave a 500; a file's rows were named by
the file's lines ("line 5" for the spreadsheet's row 3); each file problem was said three
times; a "Land" column was dropped without a word; nothing on the pre-screen or the case said
which file and row a partner was read from."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.testclient import TestClient

from kvrules.prescreen import Screener
from kvrules.store import Store
from tests.web.test_web_prescreen import prescreen_id, signed_in, submit
from tests.web.web_helpers import login, token


def _upload(client: TestClient, name: str, data: bytes, **fields: str):
    t = token(client.get("/prescreen").text)
    return client.post(
        "/prescreen",
        data={"csrf_token": t, "topic": "hypersonic propulsion", **fields},
        files={"partners_file": (name, data, "text/csv")},
        follow_redirects=False,
    )


def _stored(db: Path) -> dict:
    with Store.open(db) as store:
        return store.prescreens("grant-officer")[0].proposal


def test_cells_pasted_from_a_spreadsheet_are_name_and_country(db: Path, screener: Screener) -> None:
    client = signed_in(db, screener, "grant-officer")
    fields = {
        "topic": "hypersonic propulsion",
        # the header copied with the rows is skipped
        "partners_text": "Naam\tLand\nBeihang University\tCN\nKU Leuven\tBelgium\n",
        "funders_text": "Example Industrial Group\tCN\t€ 1.234.567,00\tEUR\n",
    }
    prescreen_id(submit(client, fields))
    proposal = _stored(db)
    assert [(p["name"], p["country"]) for p in proposal["partners"]] == [
        ("Beihang University", "CN"),
        ("KU Leuven", "BE"),
    ]
    [funder] = proposal["funders"]
    assert (funder["amount"], funder["currency"]) == ("1234567.00", "EUR")
    many = submit(client, {**fields, "partners_text": "Beihang University\tCN\t\t04ex\tx\n"})
    assert many.status_code == 400
    assert (
        "Partners pasted, line 1: 4 cells; paste the name, country and ror columns only"
        in html.unescape(many.text)
    )


def test_a_mac_file_is_read_and_each_partner_says_its_file_and_row(
    db: Path, screener: Screener
) -> None:
    client = signed_in(db, screener, "grant-officer")
    mac = b"name;Land;Bedrag;Nationaliteit PI\rBeihang University;CN;1;x\rKU Leuven;BE;2;y\r"
    pid = prescreen_id(_upload(client, "mac.csv", mac))
    partners = _stored(db)["partners"]
    assert [p["source"] for p in partners] == ["mac.csv, row 2", "mac.csv, row 3"]
    page = " ".join(html.unescape(client.get(f"/prescreen/{pid}").text).split())
    assert "Beihang University (CN) [mac.csv, row 2]" in page
    assert "Note: mac.csv: column 'Land' read as the country" in page
    assert "Note: mac.csv: column 'Bedrag' not read" in page
    assert "column 'Nationaliteit PI' not used" in page
    # and on the committee's case
    t = token(client.get(f"/prescreen/{pid}").text)
    client.post(f"/prescreen/{pid}/send", data={"csrf_token": t})
    with Store.open(db) as store:
        case_id = store.prescreen(pid).case_id
    assert login(client, "adviser").status_code in (200, 303)
    case = " ".join(html.unescape(client.get(f"/cases/{case_id}").text).split())
    assert "Beihang University (CN) [mac.csv, row 2]" in case


def test_a_bad_row_is_named_by_its_spreadsheet_row_once(db: Path, screener: Screener) -> None:
    client = signed_in(db, screener, "grant-officer")
    sheet = b'name;country;address\n"KU Leuven";BE;"Oude Markt 13\nLeuven"\n;CN;x\n'
    r = _upload(client, "p.csv", sheet)
    assert r.status_code == 400
    page = html.unescape(r.text)
    said = "p.csv, row 3: name: empty"  # the file's line 4
    # in the list of problems and beside the field, as any field's problem; not a third time
    assert page.count(said) == 2, page
    binary = _upload(client, "partners.xlsx", b"PK\x03\x04" + b"\x00" * 64)
    said = html.unescape(binary.text)
    assert "partners.xlsx: a damaged zip file or workbook: save the sheet as 'CSV UTF-8'" in said
    assert "line 1" not in said and "row 1:" not in said


def test_a_workbook_is_read_on_the_form(db: Path, screener: Screener, tmp_path: Path) -> None:
    from tests.refdata.test_batch_workbooks import _workbook

    client = signed_in(db, screener, "grant-officer")
    book = _workbook(tmp_path / "partners.xlsx").read_bytes()
    pid = prescreen_id(_upload(client, "partners.xlsx", book))
    partners = _stored(db)["partners"]
    assert [p["source"] for p in partners] == ["partners.xlsx, row 2", "partners.xlsx, row 4"]
    page = " ".join(html.unescape(client.get(f"/prescreen/{pid}").text).split())
    assert "Beihang University (CN) [partners.xlsx, row 2]" in page
    assert "sheet 'Call 2026' of the workbook read" in page


def test_the_sheet_field_names_the_workbook_sheet_read(
    db: Path, screener: Screener, tmp_path: Path
) -> None:
    """Left from the last session: the form read the sheet open when the workbook was saved,
    and no other; the call's other sheet meant Excel, another tab, saving again."""
    from tests.refdata.test_batch_workbooks import _workbook

    client = signed_in(db, screener, "grant-officer")
    form = client.get("/prescreen").text
    assert 'accept=".xlsx,' in form and 'name="partners_sheet"' in form
    book = _workbook(tmp_path / "partners.xlsx").read_bytes()
    pid = prescreen_id(_upload(client, "partners.xlsx", book, partners_sheet="Call 2025"))
    partners = _stored(db)["partners"]
    assert [(p["name"], p["source"]) for p in partners] == [
        ("Tsinghua University", "partners.xlsx, row 2")
    ]
    page = " ".join(html.unescape(client.get(f"/prescreen/{pid}").text).split())
    assert "sheet 'Call 2025' of the workbook read (the one named)" in page


def test_a_sheet_that_is_not_there_is_said_at_its_box_naming_the_sheets(
    db: Path, screener: Screener, tmp_path: Path
) -> None:
    from tests.refdata.test_batch_workbooks import _workbook

    client = signed_in(db, screener, "grant-officer")
    book = _workbook(tmp_path / "partners.xlsx").read_bytes()
    r = _upload(client, "partners.xlsx", book, partners_sheet="Call 2027", title="Kept")
    assert r.status_code == 400, r.status_code
    page = html.unescape(r.text)
    said = (
        "partners.xlsx: no sheet 'Call 2027' in the workbook; its sheets: 'Call 2025', 'Call 2026'"
    )
    assert page.count(said) == 2, page  # in the list of problems and beside the sheet's box
    assert 'href="#p-partners-sheet"' in r.text  # the list links to the box
    assert 'id="err-partners_sheet"' in r.text  # said beside it
    assert 'value="Call 2027"' in r.text and 'value="Kept"' in r.text  # nothing typed lost
    with Store.open(db) as store:
        assert store.prescreens("grant-officer") == []  # nothing screened


def test_a_sheet_named_without_a_file_is_refused_not_screened_without_partners(
    db: Path, screener: Screener
) -> None:
    """Reviewer: after "no sheet …" the form is shown again and the browser has dropped the
    file; the sheet corrected and the form sent again, it was screened with no partners (a
    pre-screen that looks like no hit). Refused, as `kvrules match --sheet` without --file."""
    client = signed_in(db, screener, "grant-officer")
    r = _upload(client, "", b"", partners_sheet="Call 2025", title="Kept")  # nothing chosen
    assert r.status_code == 400, r.status_code
    page = html.unescape(r.text)
    assert "a sheet (Call 2025) is named but no partners file is chosen: choose the file again" in (
        page
    )
    assert 'value="Call 2025"' in r.text and 'value="Kept"' in r.text  # nothing typed lost
    with Store.open(db) as store:
        assert store.prescreens("grant-officer") == []  # nothing screened
