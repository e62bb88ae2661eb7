"""The DoD 1286 list straight from its PDF: every layout variant reads to the same rows, and a
PDF that does not add up is refused with its page, importing nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.refdata import Resolver, Store
from kvrules.refdata.importers import ImportValidationError, import_file
from kvrules.refdata.importers.dod1286_pdf import PdfLayoutError, read_rows
from tests.refdata.dod1286_pdf import UNICODE, Row, build, native, programmes, sample_rows

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
    # what the DoD's own file may do instead
    "header on the first page only": {"repeat_header": False},
    "header once, ruled": {"repeat_header": False, "ruled": True},
    "captions in capitals, roman numerals": {
        "captions": ("TABLE I – FOREIGN INSTITUTIONS", "TABLE II. Foreign Talent Programs")
    },
    "country top-aligned": {"country_align": "top"},
    "country top-aligned, packed": {"country_align": "top", "pad": 0.0},
    "bullets: Courier New o": {"bullet": "o", "bullet_font": "courier"},
    "bullets: dingbat font without ToUnicode (l)": {"bullet": "l", "bullet_font": "zapfdingbats"},
    "bullets: Symbol font, set higher": {"bullet": "\xb7", "bullet_font": "symbol"},
    "bullets: Wingdings arrow without ToUnicode (Ø)": {"bullet": "Ø"},
    "bullets: Symbol in the private use area": {"bullet": "\uf0b7", "unicode": True},
    "bullet list broken across pages": {"split_after": 4, "split_bullets": 1},
    "bullet list broken across pages, ruled": {"split_after": 4, "split_bullets": 1, "ruled": True},
    "banners and 'Page N of M'": {"banner": "UNCLASSIFIED", "footer": "Page {page} of {pages}"},
    "banner beside the page number": {"banner": "UNCLASSIFIED", "footer": "Page {page}"},
    "running head above the repeated header": {"running_head": "DoD Section 1286 List, FY25"},
    "baseline jitter": {"jitter": 2.5},
    "baseline jitter, packed": {"jitter": 2.5, "pad": 0.0},
    "portrait": {"portrait": True, "page_height": 792.0},
    "rules drawn per cell": {"ruled": "cells"},
    "rules drawn per cell, packed": {"ruled": "cells", "pad": 0.0},
    "rules only framing the table": {"ruled": "frame"},
    "column titles centred": {"header_align": "centre"},
    "column titles centred, portrait": {
        "header_align": "centre",
        "portrait": True,
        "page_height": 792.0,
    },
}


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=list(LAYOUTS))
def test_every_layout_reads_to_the_same_rows(tmp_path: Path, layout: dict) -> None:
    layout = dict(layout)
    if layout.pop("unicode", False) and not UNICODE:
        pytest.skip("needs DejaVu Sans to print the glyph")
    # packed programmes without rules between them run together: see below
    packed = layout.get("pad") == 0.0 and layout.get("ruled") in (None, "frame")
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
    # 43 rows are fewer than a real list holds: --complete says this (synthetic) one is whole
    for source, db in ((pdf, tmp_path / "a.db"), (csv_path, tmp_path / "b.db")):
        result = runner.invoke(cli, ["refdata", "import", "dod1286", str(source), "--refdata", str(db),
                                     "--edition", "FY25", "--expect", "40", "--complete"])  # fmt: skip
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


# -- what the DoD's file may print differently -----------------------------------------------

LONG_COUNTRIES = [  # (as printed: one line, or wrapped) → the ISO code the import stores
    (["People's Republic of China"], "CN"),
    (["People’s Republic of China"], "CN"),
    (["Russian Federation"], "RU"),
    (["Iran (Islamic Republic of)"], "IR"),
    (["People's Republic", "of China"], "CN"),
    (["Russian", "Federation"], "RU"),
    (["Iran (Islamic", "Republic of)"], "IR"),
    (["Korea, Democratic", "People's Republic of"], "KP"),  # "Korea," alone would read as KR
    (["Korea (North)"], "KP"),
]


@pytest.mark.parametrize("pad", [5.0, 0.0], ids=["padded", "packed"])
def test_long_and_wrapped_country_names(tmp_path: Path, store: Store, pad: float) -> None:
    rows = sample_rows(12)
    for i, (printed, _) in enumerate(LONG_COUNTRIES):
        rows.append(Row([f"Synthetic Country Test Institute {i}"], country_lines=printed))
    pdf = build(tmp_path / "fy25.pdf", rows, pad=pad)
    read = read_rows(pdf, expect=len(rows))
    assert [r["English Name"] for r in read[12:]] == [
        f"Synthetic Country Test Institute {i}" for i in range(len(LONG_COUNTRIES))
    ]
    assert read[15]["Foreign Country of Concern"] == "Iran (Islamic Republic of)"  # as printed
    import_file(store, "dod1286", pdf, edition="FY25", expect=len(rows))
    stored = {e.name: e.country for e in store.entries("us_dod_1286")}
    assert [stored[f"Synthetic Country Test Institute {i}"] for i in range(9)] == [
        code for _, code in LONG_COUNTRIES
    ]


def test_a_country_cell_that_names_no_country_is_refused(tmp_path: Path) -> None:
    rows = sample_rows(12)
    rows[9] = Row(["Synthetic Atlantis Institute"], "Atlantis")
    with pytest.raises(PdfLayoutError, match="page 1: 'Atlantis' in the Foreign Country of"):
        read_rows(build(tmp_path / "fy25.pdf", rows))


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header repeated", "header once"])
def test_a_second_table_without_its_caption_is_refused(tmp_path: Path, repeat_header: bool) -> None:
    # every programme has a country here, so nothing else would tell them from institutions
    talent = [Row(["Thousand Talents Plan"]), Row(["Project 5-100"], "Russia")]
    pdf = build(
        tmp_path / "fy25.pdf",
        sample_rows(40),
        talent,
        captions=("Table 1: Foreign Institutions of Higher Education", None),
        repeat_header=repeat_header,
    )
    with pytest.raises(PdfLayoutError, match="page 3: the column header appears again below rows"):
        read_rows(pdf)


def test_a_pdf_with_only_a_table_2_is_refused(tmp_path: Path) -> None:
    pdf = build(tmp_path / "t2.pdf", programmes(), captions=("Table 2: Programs", None))
    with pytest.raises(PdfLayoutError, match="no rows of Table 1"):
        read_rows(pdf)


def test_a_footer_it_does_not_know_is_refused_not_read_into_a_row(tmp_path: Path) -> None:
    pdf = build(tmp_path / "fy25.pdf", sample_rows(40), footer="Distribution A: public release")
    with pytest.raises(
        PdfLayoutError, match="page 1: 'Distribution A: public release' stands apart from the row"
    ):
        read_rows(pdf)


@pytest.mark.parametrize(
    "layout",
    [{"bullet": ""}, {"bullet": "+"}],
    ids=["bullet drawn as a picture", "a bullet glyph it does not know"],
)
def test_affiliates_without_a_known_bullet_are_refused_not_read_into_the_name(
    tmp_path: Path, layout: dict
) -> None:
    pdf = build(tmp_path / "fy25.pdf", sample_rows(12), **layout)
    with pytest.raises(
        PdfLayoutError,
        match=r"page 1: indented line '.*School of Astronautics' under 'Harbin Institute of "
        r"Technology' starts with no bullet",
    ):
        read_rows(pdf)


def test_a_running_head_on_pages_without_the_header_is_refused(tmp_path: Path) -> None:
    # with the header repeated it is skipped (see LAYOUTS); without, it looks like a row's text
    pdf = build(
        tmp_path / "fy25.pdf",
        sample_rows(40),
        running_head="DoD Section 1286 List, FY25",
        repeat_header=False,
    )
    with pytest.raises(PdfLayoutError, match="page 2: indented line 'DoD Section 1286'"):
        read_rows(pdf)


def test_an_affiliate_list_longer_than_a_page(tmp_path: Path) -> None:
    # a page holding nothing but bullets (some wrapped) has no name line to find the margin on
    rows = sample_rows(12)
    units = [f"Synthetic Affiliate Institute {k}" for k in range(1, 121)]
    bullets = [[u, "of Science"] if k % 7 == 0 else [u] for k, u in enumerate(units)]
    rows[4] = Row(["Academy of Military Medical Sciences, and", "affiliates"], bullets=bullets)
    for layout in ({}, {"ruled": True}, {"repeat_header": False}):
        pdf = build(tmp_path / "long.pdf", rows, **layout)
        read = read_rows(pdf, expect=12)
        assert read[4]["English Name"] == "Academy of Military Medical Sciences"
        assert read[4]["Affiliates"] == "; ".join(" ".join(b) for b in bullets)
        assert [r["English Name"] for r in read[5:7]] == [
            "Kim Il Sung University",
            "Sharif University of Technology",
        ]


@pytest.mark.skipif(not UNICODE, reason="needs DejaVu Sans to print the test glyphs")
@pytest.mark.parametrize("spacing", [0.0, 3.0], ids=["set solid", "characters set apart"])
def test_cjk_native_names_and_curly_apostrophes(
    tmp_path: Path, store: Store, spacing: float
) -> None:
    rows = sample_rows(12)
    rows[0] = Row(["Harbin Institute of Technology"], native=["哈尔滨工业大学"])
    rows[3] = Row(
        ["Nanjing University of Aeronautics and", "Astronautics"], native=["南京航空", "航天大学"]
    )
    # Korean is written with spaces between words, and wraps at them: those are kept
    rows[5] = Row(["Kim Il Sung University"], native=["김일성 종합", "대학"], country="North Korea")
    rows[7] = Row(["Xi’an Jiatong University"], native=["西安交通大学"])
    pdf = build(tmp_path / "fy25.pdf", rows, native_spacing=spacing)
    read = read_rows(pdf, expect=12)
    assert [(r["English Name"], r["Native Name"]) for r in read if r["Native Name"]][:5] == [
        ("Harbin Institute of Technology", "哈尔滨工业大学"),
        ("Moscow Institute of Physics and Technology", "Московский физико-технический институт"),
        ("Nanjing University of Aeronautics and Astronautics", "南京航空航天大学"),
        ("Kim Il Sung University", "김일성 종합 대학"),
        ("Xi’an Jiatong University", "西安交通大学"),  # as printed
    ]
    import_file(store, "dod1286", pdf, edition="FY25", expect=12)
    resolver = Resolver(store)
    for query in ("Xi'an Jiatong University", "西安交通大学"):
        best = resolver.best(query, "CN")
        assert best is not None and best.name == "Xi’an Jiatong University", query


@pytest.mark.parametrize(
    ("text", "bullet"),
    [
        ("• Institute", True),
        ("\uf0b7 Institute", True),  # Symbol, mapped to the private use area
        ("\uf0a7Institute", True),
        ("(cid:127) Institute", True),  # a glyph with no Unicode mapping at all
        ("o Institute of Physics", True),  # Courier New "o"
        ("§ Institute", True),  # Wingdings ▪ without a ToUnicode map
        ("– Institute", True),
        ("o", True),  # the glyph alone on its line, its text on the next
        ("a laboratory of the institute", False),  # a bullet's wrapped line
        ("l'Institut Polytechnique", False),
        ("-based Institute", False),
        ("Oxford Institute", False),
    ],
)
def test_bullets_as_text_extraction_returns_them(text: str, bullet: bool) -> None:
    from kvrules.refdata.importers.dod1286_pdf import Line

    assert Line(1, 0, 10, 46, text).bullet is bullet


@pytest.mark.parametrize("content", [b"<html>Access Denied</html>", b"%PDF-1.4\n1 0 obj"])
def test_a_file_that_is_no_readable_pdf_is_refused_with_a_message(
    tmp_path: Path, store: Store, content: bytes
) -> None:
    # e.g. the error page a web site returns instead of the list, or a download cut short
    from click.testing import CliRunner

    from kvrules.cli import cli

    bad = tmp_path / "FY25-Section-1286-List.pdf"
    bad.write_bytes(content)
    with pytest.raises(ImportValidationError, match="page 1: not a PDF kvrules can read"):
        import_file(store, "dod1286", bad, edition="FY25")
    done = CliRunner().invoke(cli, ["refdata", "transcribe", "dod1286", str(bad)])
    assert done.exit_code == 1 and "not a PDF kvrules can read" in done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)


def test_placeholders_in_empty_cells_are_no_names_and_no_countries(
    tmp_path: Path, store: Store
) -> None:
    # "N/A" as a native name would match every partner a record names "N/A"
    rows = sample_rows(12)
    rows[6] = Row(["Sharif University of Technology"], "Iran", native=["N/A"])
    rows[9] = Row(["Beijing Institute of Aero-", "nautical Materials"], native=["-"])
    talent = [Row(["Thousand Talents Plan"], "N/A"), Row(["Project 5-100"], "Russia")]
    pdf = build(tmp_path / "fy25.pdf", rows, talent)
    read = read_rows(pdf, expect=12)
    assert [r["Native Name"] for r in read if r["Native Name"]] == [
        native("Московский физико-технический институт"),
        native("Сколковский институт"),
    ]
    assert [(r["English Name"], r["Foreign Country of Concern"]) for r in read[12:]] == [
        ("Thousand Talents Plan", ""),
        ("Project 5-100", "Russia"),
    ]
    rows[6] = Row(["Sharif University of Technology"], "N/A")
    with pytest.raises(
        PdfLayoutError, match="row 'Sharif University of Technology' has no country"
    ):
        read_rows(build(tmp_path / "fy25.pdf", rows))


@pytest.mark.parametrize("layout", [{}, {"country_align": "top"}], ids=["centred", "top"])
def test_a_row_without_its_country_is_refused_in_an_unruled_table_too(
    tmp_path: Path, layout: dict
) -> None:
    # without rules the rows are anchored on the countries: the row without one would be read
    # as part of its neighbour ("Kim Il Sung University Sharif University of Technology")
    rows = sample_rows(12)
    rows[6] = Row(["Sharif University of Technology"], country=None)
    with pytest.raises(
        PdfLayoutError, match="page 1: Table 1 row 'Sharif University of Technology' has no country"
    ):
        read_rows(build(tmp_path / "gap.pdf", rows, **layout))
    # one-line rows packed without space look like a wrapped name: the announced count guards
    rows = sample_rows(12)
    rows[7] = Row(["Xi'an Jiatong University"], country=None)
    with pytest.raises(PdfLayoutError, match="read 11 institutions in Table 1, expected 12"):
        read_rows(build(tmp_path / "gap.pdf", rows, pad=0.0), expect=12)


@pytest.mark.parametrize(
    "layout", [{}, {"country_align": "top"}, {"pad": 0.0}], ids=["centred", "top", "packed"]
)
def test_rows_of_mixed_heights_are_anchored_on_the_right_country(
    tmp_path: Path, layout: dict
) -> None:
    # rows as tall as a wrapped country, then names wrapped onto three lines: a centred country
    # sits in the middle of its row, not of its name ("… Number 13 Synthetic Polytechnic" and
    # "Institute Number 14" were read before)
    rows = sample_rows(40)
    for i in range(10, 18):
        rows[i] = Row([f"Synthetic Korean Institute {i}"], country_lines=["North", "Korea"])
    read = read_rows(build(tmp_path / "mixed.pdf", rows, **layout), expect=40)
    names = [r["English Name"] for r in read]
    assert names[10:18] == [f"Synthetic Korean Institute {i}" for i in range(10, 18)]
    assert names[18:] == [f"Synthetic Polytechnic Institute Number {i}" for i in range(9, 31)]
    assert {r["Foreign Country of Concern"] for r in read[10:18]} == {"North Korea"}


def test_a_running_head_above_table_2_at_the_top_of_a_page(tmp_path: Path) -> None:
    # 30 rows fill the pages so that Table 2 starts a page: running head, caption, header
    pdf = build(tmp_path / "fy25.pdf", sample_rows(30), programmes(), running_head="DoD FY25")
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        assert doc.pages[-1].extract_text().splitlines()[:2] == [
            "DoD FY25",
            "Table 2: Foreign Talent Recruitment Programs",
        ]
    rows = read_rows(pdf, expect=30)
    assert [r["English Name"] for r in rows[28:]] == [
        "Synthetic Polytechnic Institute Number 19",
        "Synthetic Polytechnic Institute Number 20",
        "Thousand Talents Plan",
        "Changjiang Scholars Program",
        "Project 5-100",
    ]


def test_the_affiliates_suffix_is_not_part_of_the_name(tmp_path: Path) -> None:
    rows = sample_rows(12)
    rows[6] = Row(["Sharif University of Technology and its", "affiliates:"], "Iran")
    rows[7] = Row(["Xi'an Jiatong University, and select affiliates"])
    read = read_rows(build(tmp_path / "fy25.pdf", rows), expect=12)
    assert [r["English Name"] for r in read[6:8]] == [
        "Sharif University of Technology",
        "Xi'an Jiatong University",
    ]
