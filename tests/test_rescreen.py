"""Re-screening: a new list edition re-evaluates exactly the stored records it touches."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from kvrules import Evaluator, load_rulebook
from kvrules.enrich import Enricher
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters
from kvrules.refdata.importers import import_file
from kvrules.report import markdown_report
from kvrules.store import Store
from tests.conftest import rule_yaml
from tests.scan_helpers import project_event

CSV_HEAD = "entry_id,name,country\n"


def _event(record: str, partner: str, country: str) -> str:
    return json.dumps(project_event(record, partners=[{"name": partner, "country": country}]))


def _enricher(refdb: Path) -> Enricher:
    return Enricher.from_store(refdb)


def _two_projects(tmp_path: Path, partner_in_russia: str) -> Path:
    """A file export of two projects: P1 with a Russian partner, P2 with a Dutch one."""
    exports = tmp_path / "exports"
    exports.mkdir()
    events = [_event("P1", partner_in_russia, "RU"), _event("P2", "Quiet College of Arts", "NL")]
    (exports / "projects.jsonl").write_text("\n".join(events) + "\n")
    return exports


def _import_watch_list(refdb: Path, lists: Path, *, edition: str) -> None:
    with _refstore(refdb) as ref:
        import_file(
            ref,
            "csv",
            lists,
            list_id="watch",
            edition=edition,
            title="Watch",
            publisher="us",
            source_url="https://example.org",
            licence="public domain",
        )


def _watched_rulebook(write_rulebook):
    """One rule: a project partner on the "watch" list."""
    rule = rule_yaml(
        "watched", "'any p in project.partners: p.lists contains \"watch\"'", on="project.created"
    )
    return load_rulebook(write_rulebook(rule))


def _file_adapter(exports: Path):
    adapter_cls = get_adapters()["file"]
    return adapter_cls(adapter_cls.Config(path=exports))


def test_new_edition_rescreens_only_touched_records(tmp_path, write_rulebook):
    exports = _two_projects(tmp_path, "Acme Institute of Rocketry")
    refdb = tmp_path / "ref.db"
    lists = tmp_path / "fy1.csv"
    lists.write_text(CSV_HEAD + "e1,Some Other Place,CN\n")
    _import_watch_list(refdb, lists, edition="1")
    book = _watched_rulebook(write_rulebook)
    adapter = _file_adapter(exports)
    with Store.open(tmp_path / "state.db") as store, Evaluator([book]) as evaluator:
        first = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        assert (first.events, first.findings, first.rescreened) == (2, 0, 0)

        lists2 = tmp_path / "fy2.csv"
        lists2.write_text(CSV_HEAD + "e1,Some Other Place,CN\ne2,Acme Institute of Rocketry,RU\n")
        _import_watch_list(refdb, lists2, edition="2")
        second = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        assert second.rescreened == 1  # P1's partner is newly listed; P2 is untouched
        [case] = store.cases("open")
        assert case.record_id == "P1"
        [stored] = store.case_findings(case.id)
        assert stored.finding.evidence[0].actual == ["watch"]

        third = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        assert (third.rescreened, third.findings) == (0, 0)  # nothing new: nothing again


def _refstore(path: Path):
    from kvrules.refdata.store import Store as RefStore

    return RefStore(path)


def _funded(record: str, unit: str, funders: list[dict]) -> str:
    return json.dumps(
        {
            "id": f"{record}:v1",
            "kind": "project.created",
            "occurred_at": "2026-01-01T00:00:00Z",
            "source": {"system": "file", "record_id": record},
            "project": {"id": record, "title": record, "units": [unit], "funders": funders},
        }
    )


def test_foreign_funding_share_per_unit_reaches_the_rules(tmp_path, write_rulebook):
    exports = tmp_path / "exports"
    exports.mkdir()
    eur = {"currency": "EUR"}
    (exports / "projects.jsonl").write_text(
        "\n".join(
            [
                _funded("P1", "Physics", [{"name": "NWO", "country": "NL", "amount": 500, **eur}]),
                _funded(
                    "P2", "Physics", [{"name": "Far Fund", "country": "CN", "amount": 500, **eur}]
                ),
                _funded(
                    "P3",
                    "Chemistry",
                    [
                        {"name": "NWO", "country": "NL", "amount": 900, **eur},
                        {"name": "Far Fund", "country": "US", "amount": 100, **eur},
                    ],
                ),
            ]
        )
        + "\n"
    )
    book = load_rulebook(
        write_rulebook(
            rule_yaml("cap", "project.foreign_funding_share > 0.25", on="project.created")
        )
    )
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    with Store.open(tmp_path / "state.db") as store, Evaluator([book]) as evaluator:
        enricher = Enricher(None, [])
        first = Scanner(store, "file", adapter, evaluator, enricher, home_country="NL").scan()
        # Nothing was remembered when the scan began; the shares settle at its end, and the
        # projects of units whose share changed are screened again in the same scan.
        # Physics: 500 of 1000 EUR from abroad (50% > 25%); Chemistry: 100 of 1000 (10%).
        # Only projects with foreign money carry the share: P2 is flagged, not its domestic
        # neighbour P1; P3's 10% is under the cap.
        assert (first.rescreened, first.reevaluated_for_shares, first.findings) == (0, 2, 1)
        assert [c.record_id for c in store.cases("open")] == ["P2"]
        again = Scanner(store, "file", adapter, evaluator, enricher, home_country="NL").scan(
            full=True
        )
        assert (again.rescreened, again.reevaluated_for_shares, again.findings) == (0, 0, 0)


def test_a_record_the_engine_cannot_take_is_quarantined_and_the_scan_goes_on(
    tmp_path, write_rulebook
) -> None:
    """Fault injection: the engine fails on P2 (as it did on numbers it could not read); P1 and
    P3 are still screened, P2 waits in quarantine with the reason, and is not retried forever."""
    from kvrules.engine.durable import EngineError

    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "p.jsonl").write_text(
        "\n".join(_event(r, "Acme Institute of Rocketry", "RU") for r in ("P1", "P2", "P3")) + "\n"
    )
    book = load_rulebook(
        write_rulebook(
            rule_yaml(
                "ru", "'any p in project.partners: p.country == \"RU\"'", on="project.created"
            )
        )
    )

    class Flaky(Evaluator):
        def evaluate(self, event):
            if event.source.record_id == "P2":
                raise EngineError("kvr0@test: durable_rules error: Could not assert fact, 204")
            return super().evaluate(event)

    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    with Store.open(tmp_path / "state.db") as store, Flaky([book]) as evaluator:
        report = Scanner(store, "file", adapter, evaluator, None).scan()
        assert report.quarantined == 1
        assert sorted(c.record_id for c in store.cases("open")) == ["P1", "P3"]
        [held] = store.quarantined("file")
        assert held.record_id == "P2" and held.reason.startswith("evaluation failed: kvr0@test")
        again = Scanner(store, "file", adapter, evaluator, None).scan()
        assert (again.records, again.quarantined) == (0, 0)  # the cursor moved past it


def test_a_full_read_comes_round_every_full_every(tmp_path, write_rulebook) -> None:
    """Incremental reads miss what an API never reports (a link deleted in Converis): a scan
    reads everything again once ``full_every`` has passed since the last full read."""
    from datetime import timedelta

    from tests.store.store_helpers import FakeClock

    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "p.jsonl").write_text(
        "\n".join(_event(r, "Acme Institute of Rocketry", "RU") for r in ("P1", "P2")) + "\n"
    )
    book = load_rulebook(write_rulebook(rule_yaml("a", 'partner.country == "AQ"')))
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    clock = FakeClock()
    with Store.open(tmp_path / "s.db", clock=clock) as store, Evaluator([book]) as ev:

        def scan(**kw):
            report = Scanner(store, "file", adapter, ev, None, full_every=timedelta(days=7)).scan(
                **kw
            )
            return report.full, report.records

        assert scan() == (True, 2)  # the first scan reads everything
        assert scan() == (False, 0)  # then only what changed
        clock.advance(days=6, hours=23)
        assert scan() == (False, 0)
        clock.advance(hours=1)
        assert scan() == (True, 2)  # a week after the last full read
        assert scan() == (False, 0)
        assert scan(full=True) == (True, 2)  # --full, whenever asked
        assert scan(limit=1) == (False, 0)
        clock.advance(days=7)
        assert scan(limit=1)[0] is True  # an interrupted full read does not count as one…
        assert scan() == (True, 2)  # …so the next scan reads everything again


def test_a_negative_amount_never_makes_a_share_above_one(tmp_path, write_rulebook):
    """A correction booked as a negative amount (a repayment, a data-entry slip) is no
    funding: counted, it made Physics 100 of 40 EUR foreign (250%), a share the model refuses,
    so every later re-screening of the stored project failed."""
    exports = tmp_path / "exports"
    exports.mkdir()
    eur = {"currency": "EUR"}
    (exports / "projects.jsonl").write_text(
        "\n".join(
            [
                _funded("P1", "Physics", [{"name": "Far", "country": "CN", "amount": 100, **eur}]),
                _funded("P2", "Physics", [{"name": "NWO", "country": "NL", "amount": -60, **eur}]),
            ]
        )
        + "\n"
    )
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    cap = rule_yaml("cap", "project.foreign_funding_share > 0.25", on="project.created")
    with Store.open(tmp_path / "state.db") as store:
        for rules in ([cap], [cap, rule_yaml("any", 'partner.country == "AQ"')]):
            with Evaluator([load_rulebook(write_rulebook(*rules))]) as evaluator:
                # the second rulebook re-screens every stored record
                # a Dutch institution: NWO is domestic, the CN funder foreign
                scanner = Scanner(
                    store, "file", adapter, evaluator, Enricher(None, []), home_country="NL"
                )
                scanner.scan()
        shares = [body["project"].get("foreign_funding_share") for *_, body in store.subjects()]
        assert shares == [1.0, None]  # P1: 100 of 100 EUR from abroad; P2 has no foreign funder


def test_full_every_survives_a_clock_set_back_and_a_damaged_stamp(tmp_path, write_rulebook):
    """A host clock that ran a year ahead and was corrected left the last full read "in the
    future": full reads stopped for a year. A stamp that does not parse stopped every scan."""
    from datetime import timedelta

    from tests.store.store_helpers import FakeClock

    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "p.jsonl").write_text(_event("P1", "Acme Institute of Rocketry", "RU") + "\n")
    book = load_rulebook(write_rulebook(rule_yaml("a", 'partner.country == "AQ"')))
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    clock = FakeClock()
    with Store.open(tmp_path / "s.db", clock=clock) as store, Evaluator([book]) as ev:

        def full() -> bool:
            scanner = Scanner(store, "file", adapter, ev, None, full_every=timedelta(days=7))
            return scanner.scan().full

        assert full()
        clock.advance(days=365)  # the clock runs a year ahead…
        assert full()
        clock.advance(days=-365)  # …and is put right
        assert full()  # the stamp a year ahead is not believed
        assert not full()
        clock.advance(seconds=-5)  # a small correction is no reason to read everything
        assert not full()
        for damaged in ("garbage", "", "2026-03-02T09:00:00"):  # the last one has no zone
            store.set_cursor("file#full-read-at", damaged)
            assert full() is (damaged != "2026-03-02T09:00:00"), damaged


def test_a_registry_edition_that_changes_a_list_match_rescreens_the_record(
    tmp_path, write_rulebook
):
    """Reviewer's defect 6: after a ROR import the import said the next scan re-screens the
    stored records, and it re-screened none; yet the registry links names to list entries.
    Here the partner is named by an alias only the registry knows, for a listed entry."""
    import zipfile

    exports = _two_projects(tmp_path, "Gadget Academy of Examples")
    refdb = tmp_path / "ref.db"
    ror_id = "https://ror.org/0abcde123"
    lists = tmp_path / "watch.csv"
    lists.write_text(f"entry_id,name,country,ror_id\ne1,Example Gadget Institute,RU,{ror_id}\n")
    record = {
        "id": ror_id,
        "status": "active",
        "names": [
            {"value": "Example Gadget Institute", "types": ["ror_display", "label"]},
            {"value": "Gadget Academy of Examples", "types": ["alias"]},
        ],
        "locations": [{"geonames_details": {"country_code": "RU", "name": "Moscow"}}],
    }
    dump = tmp_path / "v9.9-2026-01-01-ror-data.zip"
    with zipfile.ZipFile(dump, "w") as zf:
        zf.writestr("v9.9-2026-01-01-ror-data_schema_v2.json", json.dumps([record]))
    _import_watch_list(refdb, lists, edition="1")
    book = _watched_rulebook(write_rulebook)
    adapter = _file_adapter(exports)
    with Store.open(tmp_path / "state.db") as store, Evaluator([book]) as evaluator:
        first = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        assert (first.events, first.findings) == (2, 0)  # the alias is nobody's yet

        with _refstore(refdb) as ref:
            import_file(ref, "ror", dump)
        second = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        assert second.rescreened == 1  # P1's partner now reaches the listed entry; not P2
        [case] = store.cases("open")
        assert case.record_id == "P1"


def _acme_listed_until_2027(
    tmp_path: Path, listed_in_2027: str = "e9,Some Other Place,CN\n"
) -> Path:
    """A reference store holding the watch list's edition 2026 (Acme, RU); edition 2027
    (``listed_in_2027``) is written beside it as ``2027.csv`` for a test to import later."""
    refdb = tmp_path / "ref.db"
    (tmp_path / "2026.csv").write_text(CSV_HEAD + "e2,Acme Institute of Rocketry,RU\n")
    (tmp_path / "2027.csv").write_text(CSV_HEAD + listed_in_2027)
    _import_watch_list(refdb, tmp_path / "2026.csv", edition="2026")
    return refdb


def test_a_finding_keeps_the_edition_and_entry_it_was_found_in(tmp_path, write_rulebook):
    """README: "a finding cites the edition that matched". A later edition without the entry
    does not rewrite the finding's evidence: the case says both, and the committee decides."""
    from click.testing import CliRunner

    from kvrules.cli import cli

    exports = _two_projects(tmp_path, "Acme Institute of Rocketry")
    refdb, state = _acme_listed_until_2027(tmp_path), tmp_path / "state.db"
    book = _watched_rulebook(write_rulebook)
    adapter = _file_adapter(exports)
    with Store.open(state) as store, Evaluator([book]) as evaluator:
        Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        _import_watch_list(refdb, tmp_path / "2027.csv", edition="2027")
        later = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        assert later.rescreened == 1
        [case] = store.cases()
        [stored] = store.case_findings(case.id)
        # what the finding rests on, kept as it was found
        [entry] = stored.listed
        assert (entry["list"], entry["edition"], entry["entry"]) == ("watch", "2026", "e2")
        assert (entry["name"], entry["licence"]) == ("Acme Institute of Rocketry", "public domain")
        assert stored.lapsed and stored.lapsed["editions"] == ["watch@2027"]
        # the case and the record's tag agree: the finding stands until the committee decides
        assert (case.severity.value, case.status) == ("medium", "open")
        [wish] = [w for w in store.writebacks() if w.record_id == "P1"][-1:]
        assert "ks:medium" in wish.tags, wish.tags

    shown = CliRunner().invoke(cli, ["show", f"case:{case.id}", "--db", str(state)])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "is on the list “" in text  # named by its title (or id)
    assert "”, edition 2026, listed as “Acme Institute of Rocketry”; a designation" in text
    assert "not in edition 2027 of the list “" in text
    assert "; found in edition 2026, listed as “Acme Institute of Rocketry”" in text
    assert "the committee decides" in text
    assert "edition 2027, listed as" not in text

    # the case page says the same: the match as found, and what the later edition says
    from tests.web.web_helpers import PASSWORD_HASH, app_for, login

    with Store.open(state) as store:
        store.add_user("adviser", "adviser", PASSWORD_HASH, actor="test")
    client = app_for(state)
    login(client, "adviser")
    card = client.get(f"/cases/{case.id}").text.split('<article class="card finding"', 1)[1]
    assert "Since it was found:</strong> partner Acme Institute of Rocketry (RU) is not in " in card
    table = card.split("List matches behind this evidence", 1)[1].split("</table>", 1)[0]
    assert "<td>2026</td>" in table and "2027" not in table

    # what the later edition says is no evidence: every output says it apart
    lapse = "is not in edition 2027 of the list “Watch”"
    listed = CliRunner().invoke(cli, ["findings", "--db", str(state), "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = [json.loads(line) for line in listed.output.splitlines()]
    assert not any(lapse in e for e in row["evidence"]), row["evidence"]
    assert [lapse in s for s in row["since_found"]] == [True]
    export = client.get("/cases.csv?table=findings").content.decode("utf-8-sig")  # Excel's BOM
    [exported] = csv.DictReader(io.StringIO(export))
    assert lapse not in exported["evidence"] and lapse in exported["since it was found"]
    with Store.open(state) as store:
        report = markdown_report(store)
    assert not [line for line in report.splitlines() if "evidence:" in line and lapse in line]
    assert [line for line in report.splitlines() if "since it was found:" in line and lapse in line]


def _as_before_findings_kept_entries(state: Path) -> None:
    """The state database as a kvrules before migration 10 left it: findings keep no entries."""
    import sqlite3

    with sqlite3.connect(state) as conn:
        conn.execute("DELETE FROM schema_version WHERE version >= 10")
        conn.execute("ALTER TABLE findings DROP COLUMN listed")
        conn.execute("ALTER TABLE findings DROP COLUMN lapsed")
        conn.execute("ALTER TABLE writeback_queue DROP COLUMN planned_tags")  # migration 12
        conn.execute("DROP TABLE erased_people")  # migration 14
        conn.execute("DROP TABLE privacy_key")
        conn.execute("ALTER TABLE users DROP COLUMN units")  # migration 15
        conn.execute("ALTER TABLE alert_outbox DROP COLUMN unreachable_since")  # migration 16
        conn.execute("ALTER TABLE findings DROP COLUMN changes")  # migration 17
        conn.execute("ALTER TABLE cases DROP COLUMN findings_changed_at")  # migration 19
    conn.close()  # `with` commits only: an upgrade refuses while a connection has it open


def test_a_finding_made_before_the_upgrade_keeps_its_entry_and_its_tag(tmp_path, write_rulebook):
    """README: a finding whose entry a later edition drops stands until the committee decides,
    also in a database whose findings were made before findings kept their entries."""
    exports = _two_projects(tmp_path, "Acme Institute of Rocketry")
    refdb, state = _acme_listed_until_2027(tmp_path), tmp_path / "state.db"
    book = _watched_rulebook(write_rulebook)
    adapter = _file_adapter(exports)
    with Evaluator([book]) as evaluator:
        with Store.open(state) as store:
            Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        _as_before_findings_kept_entries(state)
        _import_watch_list(refdb, tmp_path / "2027.csv", edition="2027")
        with Store.open(state) as store:  # the upgrade
            later = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
            assert later.rescreened == 1
            [case] = store.cases()
            [stored] = store.case_findings(case.id)
            [entry] = stored.listed or [None]
            assert (entry["edition"], entry["entry"]) == ("2026", "e2")
            assert stored.lapsed and stored.lapsed["editions"] == ["watch@2027"]
            [wish] = [w for w in store.writebacks() if w.record_id == "P1"][-1:]
            assert "ks:medium" in wish.tags, wish.tags


def test_a_partner_that_left_the_record_is_no_lapse_of_the_list(tmp_path, write_rulebook):
    """Edition 2027 still lists Acme; Acme has left P1 since. The case must not say that
    Acme is not in edition 2027, nor log a lapse of the list; it says Acme left the record,
    and the finding (and the tag) stands until the committee decides."""
    exports = _two_projects(tmp_path, "Acme Institute of Rocketry")
    state = tmp_path / "state.db"
    refdb = _acme_listed_until_2027(
        tmp_path, "e2,Acme Institute of Rocketry,RU\ne9,Some Other Place,CN\n"
    )
    book = _watched_rulebook(write_rulebook)
    adapter = _file_adapter(exports)
    with Store.open(state) as store, Evaluator([book]) as evaluator:
        Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        # Acme leaves P1: a partner on no list takes its place
        (exports / "projects.jsonl").write_text(_event("P1", "Quiet Two College", "NL") + "\n")
        Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        _import_watch_list(refdb, tmp_path / "2027.csv", edition="2027")
        scanner = Scanner(store, "file", adapter, evaluator, _enricher(refdb))
        assert scanner.rescreen(everything=True) >= 1
        [case] = store.cases()
        [stored] = store.case_findings(case.id)
        assert stored.lapsed is not None and stored.lapsed["editions"] == [], stored.lapsed
        [left] = stored.lapsed["left"]
        assert left["who"] == "partner Acme Institute of Rocketry (RU)"
        [said] = stored.lapse_in_words()
        assert "left the record" in said and "2027" not in said, said
        assert store.lapsed_findings("file", "P1") == [stored.finding]
        actions = [e.action for e in store.audit_entries()]
        assert "finding.lapsed" not in actions and actions.count("finding.left-record") == 1


def test_a_scan_reports_what_it_set_apart_and_only_of_its_own_records(
    tmp_path, write_rulebook, capsys
):
    """README: "the scan's report names them" — in --json and watch's line too; a re-screen
    of another source's records at the start of a scan names none of theirs."""
    from kvrules.cli.scan import print_report, watch_summary

    person = json.loads(_event("P1", "Self-employed", "CN"))
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "projects.jsonl").write_text(json.dumps(person) + "\n")
    other = json.loads(_event("Q1", "Quiet College of Arts", "NL"))
    other["source"]["system"] = "other"
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "projects.jsonl").write_text(json.dumps(other) + "\n")
    refdb = _acme_listed_until_2027(tmp_path)
    book = _watched_rulebook(write_rulebook)
    with Store.open(tmp_path / "state.db") as store, Evaluator([book]) as evaluator:
        enricher = _enricher(refdb)  # one enricher for both sources, as `kvrules scan` has
        first = _file_adapter(tmp_path / "first")
        report = Scanner(store, "file", first, evaluator, enricher).scan()
        assert report.unidentified == {"Self-employed": "CN"}
        _import_watch_list(refdb, tmp_path / "2027.csv", edition="2027")
        second = _file_adapter(tmp_path / "second")
        later = Scanner(store, "other", second, evaluator, _enricher(refdb)).scan(full=True)
        assert later.unidentified == {}  # P1 re-screened with the new edition is not its own
    print_report(report, as_json=True)
    said = json.loads(capsys.readouterr().out)
    assert said["unidentified"] == [{"name": "Self-employed", "country": "CN"}]
    assert watch_summary(report).endswith(", 1 name not identified as an organisation")


def test_a_visitors_institution_a_later_edition_identifies_is_screened_on_its_country(
    tmp_path, write_rulebook
):
    """A visitor's institution nothing identified is not screened on its country, but the
    country the source gave is kept (never read by rules): when a later edition lists the
    institution, the re-screen decides again, with that country."""
    institute = "Qingdao Institute of Fine Optics"
    visit = {
        "id": "V1:v1",
        "kind": "visit.requested",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "file", "record_id": "V1"},
        "visit": {"id": "V1", "visitor": {"affiliations": [{"name": institute, "country": "CN"}]}},
    }
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "visits.jsonl").write_text(json.dumps(visit) + "\n")
    refdb = _acme_listed_until_2027(tmp_path, f"e3,{institute},CN\n")
    outside = rule_yaml(
        "visitor-outside-eu",
        """'any a in visit.visitor.affiliations: a.country exists and a.country not in ["NL"]'""",
        on="visit.requested",
    )
    book = load_rulebook(write_rulebook(outside))
    adapter = _file_adapter(exports)
    with Store.open(tmp_path / "state.db") as store, Evaluator([book]) as evaluator:
        first = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        assert first.unidentified == {institute: "CN"} and store.cases() == []
        [kept] = store.subject("file", "V1")["visit"]["visitor"]["affiliations"]
        assert kept.get("country") is None  # not screened, nor shown, on the visitor's country
        _import_watch_list(refdb, tmp_path / "2027.csv", edition="2027")
        later = Scanner(store, "file", adapter, evaluator, _enricher(refdb)).scan()
        assert later.rescreened == 1
        [case] = store.cases()
        [stored] = store.case_findings(case.id)
        assert stored.finding.rule_id == "visitor-outside-eu"
        [kept] = store.subject("file", "V1")["visit"]["visitor"]["affiliations"]
        assert kept["country"] == "CN" and "watch" in kept["lists"]
