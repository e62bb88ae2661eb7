"""The flat CSV format: mapping to canonical projects, and quarantine with file:line + reason."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from file_adapter_helpers import HEADER, row, sample_rows, write_csv
from kvrules_file import FileAdapter, FileConfig

from kvrules import FetchedRecord
from kvrules.cli.fetch import fetch
from kvrules.testing import content


def records(path: Path, **options: object) -> dict[str, FetchedRecord]:
    adapter = FileAdapter(FileConfig(path=path, **options))
    return {r.record_id: r for r in content(adapter.fetch())}


def test_rows_of_a_project_make_one_project_event(tmp_path: Path) -> None:
    found = records(write_csv(tmp_path / "x.csv", sample_rows(2)))
    assert list(found) == ["p-1", "p-2"]
    (event,) = found["p-2"].events
    project = event.project
    assert event.kind == "project.created" and event.source.system == "file"
    assert project is not None and project.keywords == ["quantum", "sensing"]
    (partner,) = project.partners
    assert (partner.name, partner.country, partner.role) == ("Beihang University", "CN", "partner")
    assert partner.ror_id == "00wk2mp56"
    (funder,) = project.funders
    assert (funder.country, funder.amount, funder.currency) == ("US", Decimal(180000), "USD")


def test_semicolon_csv_with_bom_from_excel(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", sample_rows(2), delimiter=";")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert records(path)["p-2"].events[0].project.partners[0].country == "CN"  # type: ignore[union-attr]


def test_repeated_partner_rows_are_one_partner_and_lists_classifications(tmp_path: Path) -> None:
    rows = [
        row("p", title="T", classifications="eu-dual-use:3A001; ccl:9A012", units="EEMCS"),
        row("p", partner_name="ACME", partner_types="company;military", funder_name="NWO"),
        row("p", partner_name="ACME", partner_types="company;military", funder_name="ERC"),
    ]
    project = records(write_csv(tmp_path / "x.csv", rows))["p"].events[0].project
    assert project is not None
    assert [p.types for p in project.partners] == [["company", "military"]]
    assert [f.name for f in project.funders] == ["NWO", "ERC"]
    assert [(c.scheme, c.code) for c in project.classifications] == [
        ("eu-dual-use", "3A001"),
        ("ccl", "9A012"),
    ]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            row("p-9", title="T", partner_name="X", partner_country="Narnia"),
            "partner_country: not an ISO 3166-1 country",
        ),
        (
            row("p-9", title="T", funder_name="F", currency="EURO"),
            "currency: not an ISO 4217 currency",
        ),
        (
            row("p-9", title="T", funder_name="F", amount="1.000,50"),
            "amount: not a plain decimal number",
        ),
        (
            row("p-9", title="T", partner_country="CN"),
            "partner_name is empty",
        ),
        (
            row("p-9", title="T", start="01/02/2026"),
            "start: not ISO 8601",
        ),
        (
            row("p-9", title="T", classifications="3A001"),
            "classifications: expected scheme:code",
        ),
        (
            row("p-9", keywords="x"),
            "project 'p-9' has no title on any row",
        ),
        (
            row("p-1", title="Another title"),
            "title 'Another title' differs from line 2",
        ),
    ],
)
def test_bad_row_quarantines_its_project_with_file_line_and_reason(
    tmp_path: Path, bad: dict[str, str], reason: str
) -> None:
    path = write_csv(tmp_path / "x.csv", [*sample_rows(2), bad])
    found = records(path)
    quarantined = found[bad["project_id"]]
    assert quarantined.error is not None and not quarantined.events
    assert f"{path}:6: {reason}" in quarantined.error  # header + 4 sample rows
    assert found["p-2"].events, "the other projects are still mapped"


def test_unknown_column_quarantines_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("project_id,title,partner_contry\np-1,T,CN\n")
    (only,) = records(path).values()
    assert only.record_id == "x.csv:1"
    # the id says where, once; the header cell itself is never quoted (it may be a secret)
    assert only.error == "unknown column(s) at position(s) 3 (did you mean partner_country?) of 3"


def test_short_row_and_empty_project_id(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(",".join(HEADER) + "\np-1,T\n,T2" + "," * (len(HEADER) - 2) + "\n")
    found = records(path)
    assert found["x.csv:2"].error == f"2 cells, the header has {len(HEADER)}"
    assert found["x.csv:3"].error == "project_id is empty"


def test_quoted_multiline_field_keeps_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        'project_id,title,partner_name,partner_country\np-1,"Two\nlines",,\np-2,T,X,Narnia\n'
    )
    assert records(path)["p-2"].error.startswith(f"{path}:4: partner_country")  # type: ignore[union-attr]


def test_kvrules_fetch_previews_a_folder_and_reports_quarantine(tmp_path: Path) -> None:
    write_csv(tmp_path / "x.csv", [*sample_rows(2), row("p-9", keywords="k")])
    result = CliRunner().invoke(fetch, ["--source", "file", "--path", str(tmp_path)])
    assert result.exit_code == 2
    assert "project.created   p-2  Project 2  partners=1 funders=1" in result.stdout
    assert "quarantined p-9: " in result.stderr
    assert "3 record(s), 1 quarantined" in result.stderr
