"""A country signal's evidence names its source, as `kvrules check` does: whether a law or an
assessment, and the edition of the country profiles that says it; the technical detail gives
the profile file, version and citation. Everywhere people read it: the case page (and its
technical detail, and the "Country signals" cell, which marks an assessment), show, show
--technical, the e-mail, report.md, the xlsx export; scan --json says what countries were
checked against beside the lists screened."""

from __future__ import annotations

import io
from html import unescape
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from kvrules import Alert
from kvrules.cli import cli
from kvrules.enrich.countries import default_profiles
from kvrules.report import markdown_report
from kvrules.store import Store
from tests.scan_helpers import file_export_config, json_report, scanned
from tests.web.web_helpers import PASSWORD_HASH, app_for, login

PROJECT = {
    "id": "p-1:v1",
    "kind": "project.created",
    "source": {"system": "file", "record_id": "p-1"},
    "occurred_at": "2026-03-01T09:00:00Z",
    "project": {
        "id": "p-1",
        "title": "Battery chemistry",
        "partners": [{"name": "Harbin Institute of Technology", "country": "CN"}],
    },
}
SIGNAL = "its country is a US foreign country of concern (China: Listed in 10 U.S.C. 4872(d)(2))"


def _profiles() -> str:
    profiles = default_profiles()
    return f"the kvrules country profiles, version {profiles.version}, reviewed {profiles.reviewed}"


def _scanned(tmp_path: Path) -> tuple[Path, dict]:
    config = file_export_config(tmp_path, PROJECT, home="NL")
    return config, json_report(scanned(config, "--json"))


def test_country_evidence_names_its_source_wherever_it_is_read(tmp_path: Path) -> None:
    config, report = _scanned(tmp_path)
    said = f"{SIGNAL}; a designation; source: {_profiles()}"
    technical = f"country profiles country_profiles.yaml version {default_profiles().version}"

    # scan --json: the countries checked, beside the lists searched for organisations
    assert report["screened_against"] == ["us_dod_1286@FY25 (partial)"]
    assert report["countries_checked"] == ["us_fcoc@2022-08-09"]
    assert report["country_profiles"].startswith(_profiles())

    def show(*flags: str) -> str:
        args = ["show", "case:1", "--config", str(config), *flags]
        return " ".join(CliRunner().invoke(cli, args, env={"COLUMNS": "400"}).output.split())

    assert said in show()
    assert f"{technical} (reviewed {default_profiles().reviewed}): CN us-country-of-concern, " in (
        show("--technical")
    )

    db = tmp_path / "kvrules.db"
    with Store.open(db) as store:
        store.add_user("adviser", "adviser", PASSWORD_HASH, actor="test")
        assert said in " ".join(markdown_report(store).split())
    client = app_for(db)
    login(client, "adviser")
    page = unescape(" ".join(client.get("/cases/1").text.split()))
    assert said in page
    assert f"<br>{technical}" in page  # the technical detail, one click away
    # the partner's "Country signals" cell marks the assessment as one, and names its source
    assert (
        "named by the Dutch government as a state-actor threat (an assessment, not a "
        "designation)</span>"
    ) in page
    assert f'title="nl-state-actor-threat: {_profiles()}; cite: ' in page

    book = load_workbook(io.BytesIO(client.get("/cases.xlsx").content))
    header, *rows = list(book["findings"].iter_rows(values_only=True))
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    assert any(said in (c["evidence"] or "") for c in cells)
    assert any(technical in (c["evidence (technical)"] or "") for c in cells)

    # the e-mail says it as the case does (each finding as an alert, named when sent)
    from kvrules_email.render import render

    with Store.open(db) as store:
        subject = store.subject("file", "p-1")
        alerts = [
            Alert.for_finding(s.finding, key=f"k{s.id}", case_id=1, created_at=s.first_seen)
            for s in store.case_findings(1)
        ]
    named = [
        a.model_copy(update={"items": [i.named(subject, None) for i in a.items]}) for a in alerts
    ]
    text = " ".join(" ".join(render(a, None)[0].split()) for a in named)
    assert said in text
    assert technical in text.partition("Technical detail")[2]  # its technical section too
