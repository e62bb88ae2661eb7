"""The DoD 1286 list straight from its PDF: every layout variant reads to the same rows, and a
PDF that does not add up is refused with its page, importing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.refdata import Resolver, Store
from kvrules.refdata.importers import ImportValidationError, import_file
from kvrules.refdata.importers.dod1286_pdf import PdfLayoutError, read_rows
from tests.refdata.dod1286_pdf import Row, build, native, programmes, sample_rows

FIRST_TEN = [
    ("Harbin Institute of Technology", "", "China", "", "School of Astronautics"),
    ("Moscow Institute of Physics and Technology", native("Московский физико-технический институт"),
     "Russia", "", ""),
    ("Chinese Academy of Sciences", "", "China", "",
     "Institute of Computing Technology; "
     "Shenyang Institute of Automation, including its Robotics Laboratory"),
    ("Nanjing University of Aeronautics and Astronautics", "", "China", "", ""),
    ("Academy of Military Medical Sciences", "", "China", "Fourth Military Medical University",
     "Institute of Military Cognition and Brain Sciences; Institute of Basic Medicine"),
    ("Kim Il Sung University", "", "North Korea", "", ""),
    ("Sharif University of Technology", "", "Iran", "", ""),
    ("Xi'an Jiatong University", "", "China", "", ""),  # the list's own spelling, kept
    ("Skolkovo Institute of Science and Technology", native("Сколковский институт"), "Russia", "",
     ""),
    ("Beijing Institute of Aeronautical Materials", "", "China", "", ""),  # "Aero-" "nautical"
]  # fmt: skip
FIELDS = ("English Name", "Native Name", "Foreign Country of Concern", "Aliases", "Affiliates")

LAYOUTS = {
    "padded rows": {},
    "ruled rows": {"ruled": True},
    "packed rows": {"pad": 0.0},  # wrapped names are told apart by the country cells
    "row broken across pages": {"split_after": 2},
    "ruled and broken": {"ruled": True, "split_after": 4},
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=list(LAYOUTS))
def test_every_layout_reads_to_the_same_rows(tmp_path: Path, layout: dict) -> None:
    packed = layout.get("pad") == 0.0  # packed programmes without rules run together: see below
    pdf = build(tmp_path / "fy25.pdf", sample_rows(40), [] if packed else programmes(), **layout)
    rows = read_rows(pdf, expect=40)
    institutions = [r for r in rows if r["Table"] == "1"]
    assert [tuple(r[f] for f in FIELDS) for r in institutions[:10]] == FIRST_TEN
    synthetic = [r["English Name"] for r in institutions[10:]]
    assert synthetic == [f"Synthetic Polytechnic Institute Number {i}" for i in range(1, 31)]
    assert {r["Foreign Country of Concern"] for r in institutions[10:]} == {
        "China",
        "Russia",
        "Iran",
    }
    assert [r["English Name"] for r in rows if r["Table"] == "2"] == (
        [] if packed else ["Thousand Talents Plan", "Changjiang Scholars Program", "Project 5-100"]
    )


def test_programmes_that_run_together_are_refused_not_merged(tmp_path: Path) -> None:
    pdf = build(tmp_path / "packed.pdf", sample_rows(12), programmes(), pad=0.0)
    with pytest.raises(PdfLayoutError, match=r"Table 2 row 'Thousand Talents Plan .*' has 3"):
        read_rows(pdf)


def test_a_count_other_than_announced_is_refused_with_the_page(tmp_path: Path) -> None:
    pdf = build(tmp_path / "fy25.pdf", sample_rows(40))
    with pytest.raises(
        PdfLayoutError, match=r"page 3: read 40 institutions in Table 1, expected 41"
    ):
        read_rows(pdf, expect=41)


def test_a_row_without_its_country_is_refused(tmp_path: Path) -> None:
    rows = sample_rows(12)
    rows[6] = Row(["Sharif University of Technology"], country=None)
    pdf = build(tmp_path / "gap.pdf", rows, ruled=True)
    with pytest.raises(
        PdfLayoutError, match="page 1: Table 1 row 'Sharif University of Technology' has no country"
    ):
        read_rows(pdf)


def test_a_pdf_that_is_not_the_list(tmp_path: Path) -> None:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.text(20, 20, "Minutes of the research committee")
    doc.output(str(tmp_path / "other.pdf"))
    with pytest.raises(PdfLayoutError, match="no table with an 'English Name' header"):
        read_rows(tmp_path / "other.pdf")


def test_import_checks_the_count_then_stores_a_matchable_edition(
    tmp_path: Path, store: Store
) -> None:
    pdf = build(tmp_path / "FY25-Section-1286-List.pdf", sample_rows(40), programmes())
    with pytest.raises(ImportValidationError, match="page 3: read 40 institutions") as bad:
        import_file(store, "dod1286", pdf, edition="FY25", expect=130)
    assert str(bad.value).count("page 3") == 1 and store.lists() == []
    report = import_file(store, "dod1286", pdf, edition="FY25", expect=40)
    assert (report.entries, report.info.list_id, report.info.edition) == (43, "us_dod_1286", "FY25")
    resolver = Resolver(store)
    best = resolver.best("Nanjing Univ. of Aeronautics & Astronautics", "CN")
    assert best is not None and (best.list, best.edition, best.name) == (
        "us_dod_1286",
        "FY25",
        "Nanjing University of Aeronautics and Astronautics",
    )
    via_unit = resolver.best("Institute of Basic Medicine", "CN")
    assert via_unit is not None and via_unit.name == "Academy of Military Medical Sciences"


def test_transcribe_then_import_the_csv_equals_importing_the_pdf(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kvrules.cli import cli

    pdf = build(tmp_path / "fy25.pdf", sample_rows(40), programmes(), ruled=True)
    csv_path, runner = tmp_path / "fy25.csv", CliRunner()
    done = runner.invoke(cli, ["refdata", "transcribe", "dod1286", str(pdf), "--out", str(csv_path),
                               "--expect", "40"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "read 40 institutions and 3 programmes from fy25.pdf" in done.stderr
    assert csv_path.read_text(encoding="utf-8").startswith(
        "Table,English Name,Native Name,Foreign Country of Concern,Aliases,Affiliates,ROR ID"
    )
    entries = {}
    for source, db in ((pdf, tmp_path / "a.db"), (csv_path, tmp_path / "b.db")):
        result = runner.invoke(cli, ["refdata", "import", "dod1286", str(source), "--db", str(db),
                                     "--edition", "FY25", "--expect", "40"])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "imported 43 entries into us_dod_1286 edition FY25" in result.output
        with Store(db) as store:
            entries[source.suffix] = [e.model_dump() for e in store.entries("us_dod_1286")]
    assert entries[".pdf"] == entries[".csv"]
    wrong = runner.invoke(cli, ["refdata", "transcribe", "dod1286", str(pdf), "--expect", "130"])
    assert wrong.exit_code != 0
    assert "read 40 institutions in Table 1, expected 130" in wrong.output


def test_the_csv_template_is_count_checked_too(store: Store) -> None:
    from tests.refdata.conftest import FIXTURES

    with pytest.raises(
        ImportValidationError, match=r"line 1: \d+ institutions in Table 1, expected 999"
    ):
        import_file(store, "dod1286", FIXTURES / "dod1286_fy25.csv", edition="FY25", expect=999)
