"""The changes feed is probed once at the start of a full read; the read goes on without it.
A review answered that probe 429 with ``Retry-After: 86400``: `fetch --limit 1` waited
2 x 120 s (max_retry_after) in silence, then retried. The probe is now asked once, without
retries or a Retry-After wait, and one line says it was not probed."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner
from kvrules_pure.simulator import start_simulator
from pure_helpers import SECRET, adapter_for, scan

from kvrules.cli.fetch import fetch


def test_a_429_on_the_feed_probe_is_not_waited_for_and_is_said_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    with start_simulator(projects=3, seed=2, api_key=SECRET) as sim:
        sim.faults.retry_after = 86400
        sim.faults.script("GET", kind="429", times=10, path=r"/changes/")
        args = ["--source", "pure", "--set", f"base_url={sim.base_url}", "--limit", "1"]
        # max_retry_after small: on a client that retried the probe, the test would not hang
        args += ["--set", "max_retry_after=0.05", "--set", "retries=2"]
        with caplog.at_level(logging.WARNING, logger="kvrules_pure"):  # stderr, in use
            result = CliRunner().invoke(fetch, args)
        probes = [r for r in sim.requests if "/changes/" in r.path]
    assert result.exit_code == 0, result.output
    assert [r.status for r in probes] == [429]  # once: no retry
    said = [r.getMessage() for r in caplog.records if "changes feed" in r.getMessage()]
    [line] = said
    assert line.startswith("the changes feed was not probed (GET /524/changes/"), line
    assert line.endswith(
        ": 429 Rate limit exceeded (Retry-After: 86400)): not waited for; this read goes on "
        "and incremental scans diff full passes until a full read finds the feed"
    ), line


def test_a_retry_after_beyond_the_cap_is_cut_short_and_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Elsewhere (the listing) a 429 is retried, its wait capped at max_retry_after: one line
    says the wait the server asked for and the one taken, instead of a silent pause."""
    with start_simulator(projects=2, seed=2, api_key=SECRET) as sim:
        sim.faults.retry_after = 86400
        sim.faults.script("GET", kind="429", times=1, path=r"/ws/api/projects$")
        adapter = adapter_for(sim, max_retry_after=0.05, retries=2, changes_feed=False)
        try:
            with caplog.at_level(logging.WARNING, logger="kvrules.http"):
                read = scan(adapter)
        finally:
            adapter.close()
    assert len(read) == 2
    said = [r.getMessage() for r in caplog.records if "Retry-After" in r.getMessage()]
    assert said == [
        "the server asked to wait before a retry (Retry-After: 86400); waiting 0.05 s "
        "(max_retry_after) instead"
    ]
