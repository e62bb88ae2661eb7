"""A full `kvrules scan` (kvrules.pipeline.Scanner through the CLI) against the simulator with
5% mixed injected faults equals a clean scan: same findings (fingerprints), every alert once
at a real SMTP server and webhook receiver (same idempotency keys), same tags on the simulator.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from kvrules_pure.simulator import Faults
from kvrules_pure.writeback import current_uris

from kvrules.store import Store
from tests.reliability.rel_system import Rig, running_system

KINDS = ("429", "500", "502", "503", "slow", "reset", "truncate")
RISK_GROUP = "knowledgeSecurityRisk"
KEY = "rel-faults-api-key"
SETTINGS = {"retries": 8, "backoff": 0.01, "read_timeout": 1.0}


def outcome(rig: Rig) -> dict:
    with Store.open(rig.database) as store:
        fingerprints = sorted(
            f.finding.fingerprint for c in store.cases() for f in store.case_findings(c.id)
        )
        outbox = sorted((a.channel, a.key) for a in store.alerts())
        assert store.verify_audit() == []
    projects = rig.sim.store.collection("projects")
    tags = {}
    for i in range(len(projects)):
        uuid = projects.source.uuid_at(i)
        rec = rig.sim.store.get("projects", uuid)
        tags[uuid] = sorted(current_uris(rec, RISK_GROUP)) if rec else []
    mail = Counter(str(m.message["X-Kvrules-Idempotency-Key"]) for m in rig.mail.mails)
    hooks = Counter(rig.hooks.keys)
    return {
        "fingerprints": fingerprints,
        "outbox": outbox,
        "mail": mail,
        "hooks": hooks,
        "tags": tags,
    }


def _run(tmp_path: Path, projects: int, faults: Faults | None) -> tuple[dict, int]:
    with running_system(
        tmp_path, api_key=KEY, projects=projects, faults=faults, pure_settings=SETTINGS
    ) as rig:
        if faults is not None:
            faults.rate, faults.kinds = 0.05, KINDS
        first = rig.summary("--apply")
        # A write-back or delivery that a fault interrupted is finished by the next scan.
        rig.summary("--apply")
        rig.summary("--apply")
        injected = len(faults.injected) if faults else 0
        if faults:
            faults.clear()
        assert first["records"] == projects
        return outcome(rig), injected


def _check(tmp_path: Path, projects: int) -> None:
    clean, _ = _run(tmp_path / "clean", projects, None)
    faults = Faults(seed=5, retry_after=0, slow_seconds=1.5)
    faulty, injected = _run(tmp_path / "faulty", projects, faults)
    assert injected >= 3
    assert clean["fingerprints"] and faulty["fingerprints"] == clean["fingerprints"]
    assert faulty["outbox"] == clean["outbox"]
    for channel in ("mail", "hooks"):
        assert set(faulty[channel]) == set(clean[channel])
        assert all(n == 1 for n in faulty[channel].values()), faulty[channel]  # exactly once
    assert faulty["tags"] == clean["tags"]


def test_five_percent_faults_end_to_end_equal_a_clean_scan(tmp_path: Path) -> None:
    _check(tmp_path, projects=60)


@pytest.mark.slow
def test_five_percent_faults_end_to_end_large(tmp_path: Path) -> None:
    _check(tmp_path, projects=400)
