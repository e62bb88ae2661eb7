"""A case about a visit shows the visit (the visitor's role, institutions, host unit, dates),
the institutions not screened on their country, and the lists screened: on the case page and
in `kvrules show`. The page used to say the record was not held, though the store held it."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from kvrules.web.security import hash_password
from tests.web.web_helpers import PASSWORD, app_for, login

# The reviewer's export (/tmp/rev-honesty/f2/export.jsonl), with dates: a visitor from an
# institution no list or registry identifies, and one on the DoD 1286 list.
VISIT = {
    "id": "v-1:v1",
    "kind": "visit.requested",
    "source": {"system": "file", "record_id": "v-1"},
    "occurred_at": "2026-03-02T09:00:00Z",
    "visit": {
        "id": "v-1",
        "host_unit": "Department of Aerospace Engineering",
        "start": "2026-04-01",
        "end": "2026-06-30",
        "purpose": "hypersonic propulsion experiments",
        "keywords": ["hypersonic propulsion"],
        "visitor": {
            "role": "visiting researcher",
            "affiliations": [
                {"name": "Tehran Institute of Photonics", "country": "IR"},
                {"name": "Harbin Institute of Technology", "country": "CN"},
            ],
        },
    },
}


def _scanned(tmp_path: Path) -> Path:
    (tmp_path / "export.jsonl").write_text(json.dumps(VISIT) + "\n", encoding="utf-8")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'db.sqlite'}\nreference_data: {tmp_path / 'refdata.db'}\n"
        f"home_country: NL\nsources:\n  file:\n    adapter: file\n    settings:\n"
        f"      path: {tmp_path / 'export.jsonl'}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return config


def test_the_case_page_of_a_visit_shows_the_visit_and_what_was_not_screened(
    tmp_path: Path,
) -> None:
    config = _scanned(tmp_path)
    db = tmp_path / "db.sqlite"
    with Store.open(db) as store:
        store.add_user("viewer", "viewer", hash_password(PASSWORD), actor="test")
        case = store.case_for("file", "v-1")
    assert case is not None
    client = app_for(db)
    login(client, "viewer")
    page = unescape(" ".join(client.get(f"/cases/{case.id}").text.split()))
    assert "content is not held here" not in page
    for shown in (
        "<dt>Visitor</dt><dd>visiting researcher</dd>",
        "<dt>Visitor's institutions</dt><dd>Tehran Institute of Photonics; Harbin Institute "
        "of Technology (CN)</dd>",
        "<dt>Host unit</dt><dd>Department of Aerospace Engineering</dd>",
        "<dt>Dates</dt><dd>2026-04-01 – 2026-06-30</dd>",
        "Tehran Institute of Photonics: not identified as an organisation in the lists or the "
        "organisation registry, so its country (IR) alone was not screened",
        'id="lists-screened">Organisations screened against the US DoD Section 1286 list, '
        "edition FY25 (a partial copy",
    ):
        assert shown in page, shown

    shown = CliRunner().invoke(
        cli, ["show", f"case:{case.id}", "--config", str(config)], env={"COLUMNS": "400"}
    )
    assert shown.exit_code == 0, shown.output
    for line in (
        "visitor: visiting researcher",
        "visitor's institutions: Tehran Institute of Photonics; Harbin Institute of "
        "Technology (CN)",
        "dates: 2026-04-01 – 2026-06-30",
        "not screened on a country: Tehran Institute of Photonics: not identified",
        "Organisations screened against the US DoD Section 1286 list, edition FY25",
    ):
        assert line in shown.output, line
    data = json.loads(
        CliRunner()
        .invoke(cli, ["show", f"case:{case.id}", "--config", str(config), "--json"])
        .output
    )
    assert data["visit"]["Visitor"] == "visiting researcher"
    assert data["screened_against"] == ["us_dod_1286@FY25 (partial)"]
    assert data["not_screened_on_country"][0].startswith("Tehran Institute of Photonics:")
