"""A partner that leaves the record: the case says so beside its findings, and the tag written
back to the RIS does not drop below the open case's severity until the committee decides (the
policy for a list entry a later edition drops, ``Store.lapsed_findings``). The reviewer's
scenario (/tmp/rev-honesty/f1): Harbin (CN) replaced by Delft, scanned with --apply."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store


def _version(title: str, partner: str, country: str, day: str) -> str:
    return json.dumps(
        {
            "id": f"p-1:{day}",
            "kind": "project.updated",
            "source": {"system": "file", "record_id": "p-1"},
            "occurred_at": f"{day}T09:00:00Z",
            "project": {
                "id": "p-1",
                "title": title,
                "partners": [{"name": partner, "country": country}],
            },
        }
    )


def _scan(config: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", "--apply", "--config", str(config)])
    assert result.exit_code == 0, result.output


def _configured(tmp_path: Path) -> tuple[Path, Path]:
    """(the file source's export, the configuration reading it), home NL."""
    export = tmp_path / "export.jsonl"
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'db.sqlite'}\nreference_data: {tmp_path / 'refdata.db'}\n"
        f"home_country: NL\nsources:\n  file:\n    adapter: file\n    settings:\n"
        f"      path: {export}\n",
        encoding="utf-8",
    )
    return export, config


def _tags(tmp_path: Path) -> list[str]:
    with (tmp_path / "kvrules-tags.csv").open(encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    return row["tags"].split(";")


def test_a_partner_that_left_is_said_and_the_tag_holds_until_the_committee_decides(
    tmp_path: Path,
) -> None:
    export, config = _configured(tmp_path)
    export.write_text(
        _version("Battery chemistry", "Harbin Institute of Technology", "CN", "2026-03-01")
    )
    _scan(config)
    assert "ks:high" in _tags(tmp_path)

    export.write_text(
        _version("Battery chemistry", "Delft University of Technology", "NL", "2026-03-05")
    )
    _scan(config)
    assert "ks:high" in _tags(tmp_path) and "ks:none" not in _tags(tmp_path)
    shown = CliRunner().invoke(cli, ["show", "case:1", "--config", str(config), "--json"])
    data = json.loads(shown.output)
    assert (data["severity"], data["status"]) == ("high", "open")
    left = "partner Harbin Institute of Technology (CN) left the record on 5 March 2026"
    assert all(any(left in s for s in f["since_found"]) for f in data["findings"]), data
    history = [h["in_words"] for h in data["history"]]
    assert any("Harbin Institute of Technology (CN) left the record" in h for h in history)

    with Store.open(tmp_path / "db.sqlite") as store:
        assert store.lapsed_findings("file", "p-1")  # what holds the tag
        store.decide(1, "approve", "Harbin has left the consortium", actor="committee")
        assert store.lapsed_findings("file", "p-1") == []  # decided: it holds no longer


def test_a_partner_whose_country_changed_has_not_left() -> None:
    """Named as before with another country (corrected, or set apart as unidentified), the
    organisation is still in the record: only a name the record no longer holds has left."""
    from kvrules.findings import Evidence
    from kvrules.plain import organisations_left

    evidence = [
        Evidence(
            "project.partners[0].lists",
            'contains "us_dod_1286"',
            ["us_dod_1286"],
            "Harbin Institute of Technology (CN)",
        )
    ]
    same = {"project": {"partners": [{"name": "Harbin Institute of Technology"}]}}
    other = {"project": {"partners": [{"name": "Delft University of Technology", "country": "NL"}]}}
    assert organisations_left(evidence, same) == []
    assert organisations_left(evidence, other) == ["partner Harbin Institute of Technology (CN)"]
    assert organisations_left(evidence, None) == []  # not remembered: nothing is said


def test_a_partner_leaving_is_said_once_in_the_history_naming_every_finding_it_touches(
    tmp_path: Path,
) -> None:
    """Review: Harbin leaving a record its three findings rest on wrote "noted that partner
    Harbin … left the record, which a finding of the case rests on" three times, word for
    word, on the case page: one event, one line, counting the findings; coming back, too."""
    export, config = _configured(tmp_path)

    def history_after(partner: str, country: str, day: str) -> tuple[list[str], int]:
        export.write_text(_version("Battery chemistry", partner, country, day))
        _scan(config)
        shown = CliRunner().invoke(cli, ["show", "case:1", "--config", str(config), "--json"])
        data = json.loads(shown.output)
        return [h["in_words"] for h in data["history"]], len(data["findings"])

    history_after("Harbin Institute of Technology", "CN", "2026-03-01")
    history, findings = history_after("Delft University of Technology", "NL", "2026-03-05")
    assert findings >= 2  # the red, the list and the amber findings all rest on Harbin
    left = [h for h in history if "Harbin Institute of Technology (CN) left the record" in h]
    assert left == [
        "noted that partner Harbin Institute of Technology (CN) left the record, which "
        f"{findings} findings of the case rest on; they stand until the committee decides"
    ]
    history, _ = history_after("Harbin Institute of Technology", "CN", "2026-03-09")
    assert sum("is in the record again" in h for h in history) == 1
