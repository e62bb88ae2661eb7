"""Evidence names every list the organisation is on, not only the first the rule tested.

A reviewer's Canadian site: a visitor from Northwestern Polytechnical University, on the
Canadian Named Research Organizations list and on the US DoD Section 1286 list, was said to be
"on the US DoD Section 1286 list" only (`--technical`: `contains "us_dod_1286"` with the value
`['ca_nro', 'us_dod_1286']`): a rule reading several lists (`contains any
vars.designation_lists`) is explained by the first that held, and the site's own country's list
went unsaid. Every surface (check, show, the web case page, mail) says evidence through
``kvrules.plain``; check is run here end to end, the others' two forms (with the stored record,
and without it as mail has it) below."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.findings import Evidence
from kvrules.plain import said

NPU = "Northwestern Polytechnical University (CN)"
ON_BOTH = ["ca_nro", "us_dod_1286"]


def test_check_names_the_other_list_the_visitors_institution_is_on(tmp_path: Path) -> None:
    # a hand-made one-row file in the NRO's columns, made for this test (not the NRO list)
    nro = tmp_path / "nro.csv"
    nro.write_text("Name,Country,Known alias(es)\n" + NPU.replace(" (CN)", ",China,\n"), "utf-8")
    runner = CliRunner()
    imported = runner.invoke(cli, ["refdata", "import", "nro", str(nro), "--edition", "2025-06"])
    assert imported.exit_code == 0, imported.output
    visit = ["--visitor-institution", NPU, "--host-unit", "Physics", "--topic", "quantum"]
    result = runner.invoke(cli, ["check", *visit])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())  # rich wraps lines at the terminal's width
    assert f"affiliation {NPU} is on the US DoD Section 1286 list, edition FY25" in text
    assert "; it is also on the Canadian Named Research Organizations list, edition 2025-06" in text


def test_with_the_record_the_other_list_has_its_edition_and_without_it_its_name() -> None:
    evidence = [Evidence("visit.visitor.affiliations[0].lists", 'contains "us_dod_1286"',
                         ON_BOTH, NPU)]  # fmt: skip
    match = {"list": "ca_nro", "edition": "2025-06", "name": "Northwestern Polytechnical "
             "University", "score": 1.0, "method": "exact"}  # fmt: skip
    record = {"visit": {"visitor": {"affiliations": [
        {"name": "Northwestern Polytechnical University", "country": "CN", "lists": ON_BOTH,
         "screening": [match]}]}}}  # fmt: skip
    [shown] = said(evidence, record)  # show and the web case page: the stored record
    assert shown.endswith("; it is also on the Canadian Named Research Organizations list, "
                          "edition 2025-06")  # fmt: skip
    [mailed] = said(evidence, None)  # mail without the record
    assert mailed == (
        f"affiliation {NPU} is on the US DoD Section 1286 list; it is also on the Canadian "
        "Named Research Organizations list"
    )


def test_one_list_says_nothing_more_and_candidates_are_said_as_possible() -> None:
    [one] = said([Evidence("project.partners[0].lists", 'contains "ca_nro"', ["ca_nro"], NPU)],
                 None)  # fmt: skip
    assert one == f"partner {NPU} is on the Canadian Named Research Organizations list"
    [maybe] = said([Evidence("project.partners[0].candidate_lists", 'contains "ca_nro"',
                             ["ca_nro", "mylist"], NPU)], None)  # fmt: skip
    assert maybe.endswith("(a possible match to confirm); it may also be on the list “mylist”")
