"""A scan reads the source in a process of its own (issue #20, item 3: fetching, JSON decoding
and mapping off the scan's interpreter), and that changes nothing else: the same records in
the same order, the same findings and tags, source errors raised as on a thread, a killed
reader reported without losing a record, no reader outliving its scan, no secret on a command
line."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from kvrules.adapter import FetchedRecord
from kvrules.assembly import build_scanner
from kvrules.config import load_config
from kvrules.errors import KvrulesError
from kvrules.pipeline import ScanReport
from kvrules.reader import ReaderFailed
from kvrules.store import Store
from tests.pipeline.pipeline_helpers import API_KEY, System, start_system

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

PROJECTS = 60
PAGE = 20  # three listing pages, a cursor on the last record of each
REPO = Path(__file__).resolve().parents[2]
PROC = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")


def eventually(condition: Callable[[], bool], *, within: float = 60.0) -> bool:
    """Whether ``condition`` comes true (a liveness bound, not a measurement)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def scan(
    system: System, reader: str, progress: Callable[[FetchedRecord], None] | None = None
) -> ScanReport:
    with Store.open(system.database) as store:
        scanner = build_scanner(load_config(system.config), "pure", store)
        try:
            return scanner.scan(reader=reader, progress=progress)  # type: ignore[arg-type]
        finally:
            scanner.adapter.close()


def outcome(system: System) -> dict[str, Any]:
    """What a scan leaves behind: stored records, findings and planned tags, and whether it
    read any project a second time (the dry-run write-back reuses what was fetched)."""
    with Store.open(system.database) as store:
        subjects = sorted((s, r) for s, r, _k, _b in store.subjects())
        resumes = store.get_cursor("pure") is not None  # its text holds a feed token (a time)
    with closing(sqlite3.connect(system.database)) as conn:
        findings = sorted(conn.execute("SELECT fingerprint FROM findings").fetchall())
        tags = sorted(conn.execute("SELECT record_id, tags FROM writeback_queue").fetchall())
    return {
        "subjects": subjects,
        "findings": findings,
        "tags": tags,
        "resumes": resumes,
        "project_gets": sum(
            1
            for r in system.sim.requests
            if r.method == "GET" and r.path.count("/") == 4 and "/projects/" in r.path
        ),
    }


def comparable(report: ScanReport) -> dict[str, Any]:
    # how long it took and when it ran ("scan of pure at …") differ between two scans
    return {k: v for k, v in report.as_dict().items() if k not in ("seconds", "scan")}


def two_systems(tmp_path: Path) -> tuple[System, System]:
    return (
        start_system(tmp_path / "thread", projects=PROJECTS, page_size=PAGE),
        start_system(tmp_path / "process", projects=PROJECTS, page_size=PAGE),
    )


def test_a_scan_read_in_a_process_equals_one_read_on_a_thread(tmp_path: Path) -> None:
    on_thread, apart = two_systems(tmp_path)
    order: dict[str, list[str]] = {"thread": [], "process": []}
    try:
        thread_report = scan(on_thread, "thread", lambda r: order["thread"].append(r.record_id))
        process_report = scan(apart, "process", lambda r: order["process"].append(r.record_id))
        expected, got = outcome(on_thread), outcome(apart)
    finally:
        on_thread.stop()
        apart.stop()
    assert process_report.records == PROJECTS
    assert comparable(process_report) == comparable(thread_report)
    assert order["process"] == order["thread"]
    assert got == expected
    assert got["project_gets"] == 0  # the child's read reached the write-back (take_notes)
    assert thread_report.tags_planned > 0


def test_a_source_error_in_the_reader_is_raised_as_on_a_thread_after_the_records_before_it(
    tmp_path: Path,
) -> None:
    on_thread, apart = two_systems(tmp_path)
    errors: dict[str, KvrulesError] = {}
    try:
        for reader, system in (("thread", on_thread), ("process", apart)):
            # The second listing page fails for good (every retry answered 500).
            system.sim.faults.script("GET", nth=2, kind="500", times=10, path=r"/projects$")
            with pytest.raises(KvrulesError) as raised:
                scan(system, reader)
            errors[reader] = raised.value
        expected, got = outcome(on_thread), outcome(apart)
    finally:
        on_thread.stop()
        apart.stop()
    assert type(errors["process"]) is type(errors["thread"])
    assert str(errors["process"]) == str(errors["thread"])
    assert len(got["subjects"]) == PAGE  # the first page was processed and committed
    assert got == expected


@PROC
def test_a_killed_reader_is_reported_and_the_next_scan_loses_nothing(tmp_path: Path) -> None:
    reference, killed = two_systems(tmp_path)
    seen: list[str] = []

    def kill_the_reader_on_page_two(record: FetchedRecord) -> None:
        seen.append(record.record_id)
        if len(seen) == PAGE + 5:
            for pid in readers(os.getpid()):
                os.kill(pid, signal.SIGKILL)

    # The third listing page answers late: the reader is still reading when it is killed
    # (without it, the reader may have sent every record before the scan reaches the kill).
    killed.sim.faults.slow_seconds = 30
    killed.sim.faults.script("GET", nth=3, kind="slow", path=r"/projects$")
    try:
        scan(reference, "thread")
        with pytest.raises(ReaderFailed, match="killed by SIGKILL") as failed:
            scan(killed, "process", kill_the_reader_on_page_two)
        # what was kept is the scan's line to say, once (it was said twice in one line)
        assert "kept" not in str(failed.value)
        assert PAGE + 5 <= len(seen) <= 2 * PAGE  # what the child sent before dying, no more
        assert not readers(os.getpid())  # stopped and reaped
        with Store.open(killed.database) as store:
            assert sum(1 for _ in store.subjects()) >= PAGE  # page one's cursor was stored
        scan(killed, "process")  # resumes from the stored cursor
        expected, got = outcome(reference), outcome(killed)
    finally:
        reference.stop()
        killed.stop()
    assert got["subjects"] == expected["subjects"]
    assert got["findings"] == expected["findings"]
    assert got["tags"] == expected["tags"]


def readers(pid: int) -> list[int]:
    """The reader processes a process has started (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:  # a thread may end between the listing and the read
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            with contextlib.suppress(OSError):
                if b"kvrules.reader" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
    return found


@PROC
def test_the_reader_carries_no_secret_on_its_command_line_and_dies_with_the_scan(
    tmp_path: Path,
) -> None:
    system = start_system(tmp_path / "run", projects=PROJECTS, page_size=PAGE)
    system.sim.faults.slow_seconds = 0.3
    system.sim.faults.script("GET", nth=1, kind="slow", times=10_000, path=r"/awards/")
    command = [sys.executable, "-c", "from kvrules.cli import main; main()"]
    scan_process = subprocess.Popen(
        [*command, "scan", "--config", str(system.config), "--json", "--reader", "process"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started: list[int] = []
    try:

        def reader_reading() -> bool:
            started[:] = readers(scan_process.pid)
            return bool(started) and any("/projects" in r.path for r in system.sim.requests)

        assert eventually(reader_reading)
        (reader,) = started
        command_line = Path(f"/proc/{reader}/cmdline").read_bytes()
        assert API_KEY.encode() not in command_line
        assert str(system.config).encode() not in command_line
        scan_process.kill()
        scan_process.wait(timeout=30)
        assert eventually(lambda: not Path(f"/proc/{reader}").exists() or _zombie(reader))
    finally:
        if scan_process.poll() is None:
            scan_process.kill()
        system.stop()


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_asking_for_a_reader_process_of_an_adapter_without_one_is_one_line(
    tmp_path: Path,
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "projects.jsonl").write_text("")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "database: kvrules.db\n"
        f"sources:\n  files:\n    adapter: file\n    settings:\n      path: {exports}\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-c", "from kvrules.cli import main; main()"]
    done = subprocess.run(
        [*command, "scan", "--config", str(config), "--reader", "process"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "cannot be read in a process of its own; use --reader thread or auto" in done.stderr
    auto = subprocess.run(
        [*command, "scan", "--config", str(config), "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert auto.returncode == 0, auto.stderr  # auto reads it on a thread


@PROC
def test_an_adapter_that_cannot_be_handed_to_a_reader_process_is_refused_in_one_line(
    tmp_path: Path,
) -> None:
    from kvrules import Evaluator
    from kvrules.adapter import Adapter
    from kvrules.pipeline import Scanner
    from kvrules.reader import ReaderUnavailable

    class Local(Adapter):  # defined in a function: no child can import it
        name = "local"
        fetch_apart = True

        def fetch(self, cursor: str | None = None):  # type: ignore[no-untyped-def]
            yield FetchedRecord(record_id="r1", cursor="c1")

        def write_tags(self, record_id, tags, *, dry_run=True, written=None):  # type: ignore[no-untyped-def]
            raise NotImplementedError

    with Evaluator([]) as evaluator, Store.open(tmp_path / "state.db") as store:
        scanner = Scanner(store, "local", Local(None), evaluator, None)  # type: ignore[arg-type]
        with pytest.raises(ReaderUnavailable, match="cannot be handed to a reader process"):
            scanner.scan(reader="process")
        assert not readers(os.getpid())
        assert scanner.scan(reader="thread").records == 0  # read on a thread instead
