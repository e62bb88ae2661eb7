"""Hostile soak: a full `kvrules scan` of the Pure simulator with 1% hostile records mixed in.

The simulator (in this process, on 127.0.0.1) serves N synthetic projects; every 100th is
replaced by a hostile one (simulator/hostile.py: no uuid, a uuid that is an object, list
items that are not objects, refs of the wrong type, impossible dates, a string for a list,
huge titles, huge names, huge arrays, too many refs). `kvrules scan` runs in a child
process (optionally under an address-space limit), then the database is checked:

- nothing lost: every good project was screened (stored as a subject), every hostile one is
  in `kvrules quarantine` with a reason that names the field (and the limit);
- nothing doubled: the scan counted each record once, and no good project is quarantined.

It prints records/s and the child's peak RSS; the exit status is 1 when a check fails.

    python bench/hostile_soak.py                          # 20,000 projects, 1% hostile
    python bench/hostile_soak.py --projects 2000 --huge   # 20 MB titles, 12 MB names
    python bench/hostile_soak.py --projects 10 --every 2 --kinds huge-title,huge-name \
        --huge --rlimit-gib 2                              # issue #14's attack, 2 GiB
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kvrules_pure.simulator import start_simulator
from kvrules_pure.simulator.hostile import KINDS, plant

from kvrules.store import Store

API_KEY = "hostile-soak-key"


KVRULES = [sys.executable, "-c", "from kvrules.cli import main; main()"]


def _limit(gib: float | None) -> Callable[[], None] | None:
    """A preexec_fn that caps the child's address space (as tests/reliability do)."""
    if gib is None:
        return None
    size = int(gib * (1 << 30))
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (size, size))


def run(
    projects: int,
    every: int,
    workdir: Path,
    *,
    huge: bool = False,
    kinds: list[str] | None = None,
    rlimit_gib: float | None = None,
) -> dict:
    db = workdir / "kvrules.db"
    with start_simulator(projects=projects, seed=7, api_key=API_KEY) as sim:
        listing = sim.store.collection("projects").source
        good = {listing.uuid_at(i) for i in range(projects)}
        planted = plant(sim.store, every=every, kinds=kinds, huge=huge)
        good -= {p.uuid for p in planted}
        env = {
            **os.environ,
            "KVRULES_PURE_BASE_URL": sim.base_url,
            "KVRULES_PURE_API_KEY": API_KEY,
            "KVRULES_PURE_CHANGES_FEED": "false",
        }
        started = time.monotonic()
        child = subprocess.run(
            [*KVRULES, "scan", "--db", str(db), "--json"],
            capture_output=True,
            text=True,
            env=env,
            preexec_fn=_limit(rlimit_gib),
            check=False,
        )
        seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    problems: list[str] = []
    # `scan` exits 2 when it quarantined records, which a soak with hostile ones must
    expected = 2 if planted else 0
    if child.returncode != expected or "Traceback" in child.stderr:
        problems.append(f"scan exited {child.returncode}: {child.stderr.strip()[-1500:]}")
        report: dict = {}
    else:
        report = json.loads(child.stdout.strip().splitlines()[-1])
    shown = subprocess.run(
        [*KVRULES, "quarantine", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    held = [json.loads(line) for line in shown.stdout.splitlines() if line.strip()]
    reasons = {h["record"]: h["reason"] for h in held}
    with Store.open(db) as store:
        screened = [record_id for _system, record_id, _kind, _body in store.subjects()]
    for p in planted:
        if not p.explains(reasons.get(p.record_id)):
            problems.append(f"{p.kind} {p.record_id}: {reasons.get(p.record_id)!r}"[:300])
    lost = good - set(screened)
    if lost:
        problems.append(f"{len(lost)} good project(s) not screened, e.g. {sorted(lost)[:3]}")
    if len(screened) != len(set(screened)) or len(held) != len(reasons):
        problems.append("a record was stored or quarantined twice")
    if report and report.get("records") != projects:
        problems.append(f"the scan counted {report.get('records')} records, not {projects}")
    wrongly = set(reasons) & good
    if wrongly:
        problems.append(f"{len(wrongly)} good project(s) quarantined, e.g. {sorted(wrongly)[:3]}")
    return {
        "projects": projects,
        "hostile": len(planted),
        "huge": huge,
        "rlimit_gib": rlimit_gib,
        "screened": len(screened),
        "quarantined": len(held),
        "seconds": round(seconds, 1),
        "records_per_second": round(projects / seconds, 1),
        "peak_rss_mib": round(peak_mib, 1),
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--every", type=int, default=100, help="one hostile record in EVERY")
    parser.add_argument("--huge", action="store_true", help="20 MB titles, 12 MB names")
    parser.add_argument("--kinds", help=f"comma-separated, of: {', '.join(KINDS)} (default all)")
    parser.add_argument("--rlimit-gib", type=float, help="address-space limit of the scan")
    parser.add_argument("--json", action="store_true", help="one JSON result line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kvrules-hostile-") as tmp:
        kinds = args.kinds.split(",") if args.kinds else None
        result = run(
            args.projects,
            args.every,
            Path(tmp),
            huge=args.huge,
            kinds=kinds,
            rlimit_gib=args.rlimit_gib,
        )
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['projects']:,} projects ({result['hostile']} hostile) in "
            f"{result['seconds']} s: {result['records_per_second']} records/s, "
            f"peak RSS of the scan {result['peak_rss_mib']} MiB; "
            f"screened {result['screened']:,}, quarantined {result['quarantined']}"
        )
        for problem in result["problems"]:
            print(f"FAIL {problem}")
    return 1 if result["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
