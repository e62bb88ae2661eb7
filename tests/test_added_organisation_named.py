"""A finding on the one partner (funder) of a ``partner.added`` (``funder.added``) event keeps
naming that organisation after later events of the record.

Reviewer, 2026-12-07 (a committee's week on main): such evidence (``partner.lists``) named no
list element, and the store words it, and checks it for lapse, against the record as last
read. After a second ``partner.added``, the sanctions finding on the first partner read
"partner <the second one> is on the US Consolidated Screening List …, listed as “<the first
one>”", with a false "no longer listed" note; after an unrelated ``partner.added``, a funder
finding lost the funder's name and currency ("the funder gives 750,000"). The evaluator now
names the added organisation in that evidence, as it names a list element, and the store
finds it by that name in the record's lists.

Real parts: a file export read by the file adapter, CLI scans with the shipped rulebooks and
reference lists (Beihang University and Harbin Institute of Technology are on the shipped DoD
Section 1286 list), the SQLite store, ``kvrules show --json``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from tests.scan_helpers import file_export_config, scanned

DELFT = {"name": "TU Delft", "country": "NL"}
BEIHANG = {"name": "Beihang University", "country": "CN"}
HARBIN = {"name": "Harbin Institute of Technology", "country": "CN"}
HUAWEI = {"name": "Huawei Technologies", "country": "CN", "amount": "750000", "currency": "EUR"}
ETH = {"name": "ETH Zurich", "country": "CH"}


def _event(n: int, kind: str, partners: list[dict], funders: list[dict], **added: dict) -> dict:
    """Version ``n`` of project P1 as a ``kind`` event (``added``: its partner or funder)."""
    return {
        "id": f"P1:e{n}",
        "kind": kind,
        "occurred_at": f"2026-12-0{n}T09:00:00Z",
        "source": {"system": "file", "record_id": "P1"},
        "project": {
            "id": "P1",
            "title": "Radar signal processing for small drones",
            "partners": partners,
            "funders": funders,
        },
        **added,
    }


def _scan_after(tmp_path: Path, *events: dict) -> Path:
    """The export holds ``events``; a scan reads what is new in it."""
    config = file_export_config(tmp_path, *events, home="NL", reference_data=False)
    scanned(config)
    return config


def _shown(config: Path) -> list[dict]:
    result = CliRunner().invoke(cli, ["show", "case:1", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["findings"]


def test_a_list_finding_on_an_added_partner_keeps_naming_it_after_another_is_added(
    tmp_path: Path,
) -> None:
    events = [
        _event(1, "project.created", [DELFT], []),
        _event(2, "partner.added", [DELFT, BEIHANG], [], partner=BEIHANG),
    ]
    config = _scan_after(tmp_path, *events)
    [before] = [f for f in _shown(config) if f["rule_id"] == "partner-on-1286"]
    assert "Beihang University (CN) is on" in " ".join(before["evidence_in_words"])
    events.append(_event(3, "partner.added", [DELFT, BEIHANG, HARBIN], [], partner=HARBIN))
    _scan_after(tmp_path, *events)
    on_1286 = {
        f["event_id"]: f["evidence_in_words"]
        for f in _shown(config)
        if f["rule_id"] == "partner-on-1286"
    }
    beihang, harbin = " ".join(on_1286["P1:e2"]), " ".join(on_1286["P1:e3"])
    assert "Beihang University (CN) is on" in beihang and "Harbin" not in beihang
    assert "Harbin Institute of Technology (CN) is on" in harbin and "Beihang" not in harbin
    with Store.open(tmp_path / "kvrules.db") as store:
        # nothing lapsed: Beihang is still on the list and in the record
        assert [s.lapsed for s in store.case_findings(1)] == [None] * len(store.case_findings(1))


def test_a_funder_finding_keeps_the_funders_name_and_currency_after_a_partner_is_added(
    tmp_path: Path,
) -> None:
    events = [
        _event(1, "project.created", [DELFT], []),
        _event(2, "funder.added", [DELFT], [HUAWEI], funder=HUAWEI),
    ]
    config = _scan_after(tmp_path, *events)
    said_before = sorted(s for f in _shown(config) for s in f["evidence_in_words"])
    assert any("funder Huawei Technologies (CN) gives €750,000" in s for s in said_before)
    events.append(_event(3, "partner.added", [DELFT, ETH], [HUAWEI], partner=ETH))
    _scan_after(tmp_path, *events)
    said_after = sorted(
        s for f in _shown(config) if f["event_id"] == "P1:e2" for s in f["evidence_in_words"]
    )
    assert said_after == said_before


def test_a_partner_added_by_an_event_that_leaves_is_noted_on_its_own_finding(
    tmp_path: Path,
) -> None:
    """Reviewer, 2026-12-07 (r2): Beihang, added by ``partner.added``, left with the next
    ``project.updated``; the four findings naming it through the partner list said so, the
    Section 1286 finding on Beihang itself (``partner.lists``) said nothing."""
    events = [
        _event(1, "project.created", [DELFT], []),
        _event(2, "partner.added", [DELFT, BEIHANG], [], partner=BEIHANG),
    ]
    config = _scan_after(tmp_path, *events)
    events.append(_event(3, "project.updated", [DELFT], []))
    _scan_after(tmp_path, *events)
    [on_1286] = [f for f in _shown(config) if f["rule_id"] == "partner-on-1286"]
    with Store.open(tmp_path / "kvrules.db") as store:
        [stored] = [s for s in store.case_findings(1) if s.finding.rule_id == "partner-on-1286"]
    assert stored.lapsed is not None
    assert [left["who"] for left in stored.lapsed["left"]] == ["partner Beihang University (CN)"]
    assert stored.lapsed["editions"] == []  # it left; no list dropped it
    assert "Beihang University (CN) is on" in " ".join(on_1286["evidence_in_words"])
