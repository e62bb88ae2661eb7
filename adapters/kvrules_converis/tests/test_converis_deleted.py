"""A project deleted from Converis (a reviewer's Converis round): it stayed an open case after
`scan --full`, and `scan --apply` retried its write-back's 404 ("UnknownRecord ... 404 No
Project with id 900003") at every scan. Converis has no changes feed: a complete read that no
longer sees a record is how its deletion shows."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from converis_helpers import SECRET, cli_config, cli_scan
from kvrules_converis.simulator import start_simulator

from kvrules.cli import cli
from kvrules.store import Store


def test_a_full_read_marks_a_deleted_project_gone_flags_its_case_and_drops_its_tags(
    tmp_path: Path,
) -> None:
    with start_simulator(projects=30, seed=3, password=SECRET, rate_limit=None) as sim:
        config = cli_config(tmp_path, sim, retries=0)
        first = cli_scan(config)  # dry run: the tags stay pending
        assert first["cases_opened"] > 1
        with Store.open(tmp_path / "kvrules.db") as store:
            case = store.cases()[0]
        sim.store.delete(int(case.record_id))
        quiet = cli_scan(config)  # incremental: a deletion leaves no trace to read
        assert quiet["gone_from_source"] == 0
        full = cli_scan(config, "--full")
    assert full["gone_from_source"] == 1 and full["gone_with_case"] == 1
    with Store.open(tmp_path / "kvrules.db") as store:
        after = store.case(case.id)
        assert after is not None and after.status == case.status  # not silently closed
        gone = [e for e in store.audit_entries(f"case:{case.id}") if e.action == "case.source-gone"]
        assert len(gone) == 1 and gone[0].details["record"] == case.record_id
        record = store.audit_entries(f"record:converis/{case.record_id}")
        dropped = [e for e in record if e.action == "writeback.dropped"]
        assert len(dropped) == 1 and dropped[0].details["tags"]
        assert store.writeback_for("converis", case.record_id) is None
        assert case.record_id not in store.observed_records("converis")


def test_a_write_back_to_a_project_that_is_gone_is_set_aside_not_retried(tmp_path: Path) -> None:
    with start_simulator(projects=30, seed=3, password=SECRET, rate_limit=None) as sim:
        config = cli_config(tmp_path, sim, retries=0)
        cli_scan(config)  # dry run
        with Store.open(tmp_path / "kvrules.db") as store:
            case = store.cases()[0]
        sim.store.delete(int(case.record_id))
        applied = cli_scan(config, "--apply")  # incremental: the record is not read, only written
        assert applied["writeback_errors"] == 1
        again = cli_scan(config, "--apply")
    assert again["writeback_errors"] == 0  # set aside at the first 404, not retried
    with Store.open(tmp_path / "kvrules.db") as store:
        row = store.writeback_for("converis", case.record_id)
    assert row is not None and row.status == "dead"
    assert "no such record in the source" in (row.last_error or "")


def test_a_listing_that_ends_short_of_its_total_marks_nothing_gone(tmp_path: Path) -> None:
    """The projects' list answers no records past 25 while nrRecordsAll still says 30 (an
    instance or proxy dropping the later pages): the five never read are not "gone", their
    write-backs stay, the report says the read is incomplete and the scan exits 2."""
    with start_simulator(projects=30, seed=3, password=SECRET, rate_limit=None) as sim:
        config = cli_config(tmp_path, sim, retries=0)
        first = cli_scan(config)
        assert first["records"] == 30 and first["unread"] == []
        with Store.open(tmp_path / "kvrules.db") as store:
            pending = {
                c.record_id for c in store.cases() if store.writeback_for("converis", c.record_id)
            }
        assert pending
        sim.end_listings_at(25)
        result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--full", "--json"])
    assert result.exit_code == 2, result.output
    short = json.loads(result.stdout.strip().splitlines()[-1])
    assert short["gone_from_source"] == 0 and short["gone_not_marked"] == 0
    assert (
        "GET /data/entities/Project: the listing ended at 25 of the 30 records its nrRecordsAll "
        "gives (startRecord 26 answered no records); the others were not read"
    ) in short["unread"]
    with Store.open(tmp_path / "kvrules.db") as store:
        kept = {c.record_id for c in store.cases() if store.writeback_for("converis", c.record_id)}
        assert kept == pending
        assert not [e for e in store.audit_entries() if e.action == "case.source-gone"]


def test_a_page_failing_mid_listing_fails_the_scan_and_marks_nothing_gone(
    tmp_path: Path,
) -> None:
    """A 503 still there after the retries on the projects' second page: the scan of the
    source fails (exit 1, one line), nothing is noted gone, the write-backs stay."""
    with start_simulator(projects=30, seed=3, password=SECRET, rate_limit=None) as sim:
        config = cli_config(tmp_path, sim, retries=0, page_size=10)
        cli_scan(config)
        with Store.open(tmp_path / "kvrules.db") as store:
            pending = {
                c.record_id for c in store.cases() if store.writeback_for("converis", c.record_id)
            }
        sim.faults.script("GET", nth=3, kind="503", times=50, path=r"/data/entities/Project$")
        result = CliRunner().invoke(cli, ["scan", "--config", str(config), "--full", "--json"])
    assert result.exit_code == 1, result.output
    assert "503" in result.output and "Traceback" not in result.output
    with Store.open(tmp_path / "kvrules.db") as store:
        kept = {c.record_id for c in store.cases() if store.writeback_for("converis", c.record_id)}
        assert kept == pending
        assert not [e for e in store.audit_entries() if e.action == "case.source-gone"]
