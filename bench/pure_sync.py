"""Full Pure scan through the adapter vs a bare `requests` loop over the same endpoints.

    python bench/pure_sync.py            # 50,000 projects
    python bench/pure_sync.py --quick    # 2,000 projects

The simulator runs as a separate process (in-process it would share our GIL). Both sides page
/projects and fetch the same award clusters, awards, external organisations (each once, plus
its parent) and the institution's own units; the adapter also maps everything to canonical
events.
Prints one line: wall time of each, the ratio (goal <= 1.5) and the peak RSS of this client
process (goal <= 400 MB). The bare loop runs first (it holds almost nothing), so the peak is the
adapter's; freed memory is given back every 1,000 records, as a scan does (kvrules.memory).
Small runs warm the simulator's record caches once, so neither side is favoured.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
API_KEY = "bench-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_simulator(projects: int, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "adapters") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    cmd = [sys.executable, "-m", "kvrules_pure.simulator", "--projects", str(projects),
           "--port", str(port), "--api-key", API_KEY]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/ws/api/projects?size=1"
    for _ in range(300):
        try:
            if requests.get(url, headers={"api-key": API_KEY}, timeout=1).ok:
                return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("simulator did not start")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def bare_loop(base: str, page_size: int) -> int:
    """The baseline: one session, sequential, no mapping, no retries."""
    s = requests.Session()
    s.headers.update({"api-key": API_KEY, "Accept": "application/json"})
    orgs: dict[str, Any] = {}
    units: dict[str, Any] = {}

    def unit(uuid: str) -> None:
        if uuid not in units:
            units[uuid] = s.get(f"{base}/organizations/{uuid}").json()

    def org(uuid: str) -> None:
        if uuid not in orgs:
            orgs[uuid] = rec = s.get(f"{base}/external-organizations/{uuid}").json()
            if parent := (rec.get("parent") or {}).get("uuid"):
                org(parent)

    offset, n = 0, 0
    while True:
        page = s.get(f"{base}/projects", params={"size": page_size, "offset": offset}).json()
        for p in page["items"]:
            n += 1
            refs = [c["externalOrganization"]["uuid"] for c in p.get("collaborators", [])]
            refs += [o["uuid"] for o in p.get("externalOrganizations", [])]
            refs += [
                o["uuid"]
                for x in p.get("participants", [])
                for o in x.get("externalOrganizations", [])
            ]
            if p.get("awardClusters"):
                clusters = s.get(f"{base}/projects/{p['uuid']}/award-clusters").json()
                for c in clusters["items"]:
                    for a in c["containedAwards"]:
                        award = s.get(f"{base}/awards/{a['uuid']}").json()
                        refs += [o["uuid"] for o in award.get("externalOrganizations", [])]
                        for f in award["fundings"]:
                            refs.append(f["funder"]["uuid"])
                            refs += [
                                x["collaborator"]["uuid"] for x in f.get("fundingCollaborators", [])
                            ]
            for uuid in refs:
                org(uuid)
            own = [p.get("managingOrganization") or {}, *p.get("organizations", [])]
            own += p.get("coManagingOrganizations", [])
            for ref in own:
                if ref.get("uuid"):
                    unit(ref["uuid"])
        offset += page_size
        if offset >= page["count"]:
            return n


def adapter_scan(base: str, page_size: int) -> tuple[int, int, int]:
    from kvrules_pure import PureAdapter

    from kvrules.memory import give_back_free_memory

    records = events = errors = 0
    with PureAdapter({"base_url": base, "api_key": API_KEY, "page_size": page_size}) as adapter:
        for r in adapter.fetch(None):
            if r.events or r.error:
                records += 1
            events += len(r.events)
            errors += r.error is not None
            if records % 1000 == 0:  # as a scan does once a page is committed
                give_back_free_memory()
    return records, events, errors


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--projects", type=int, default=50_000)
    p.add_argument("--quick", action="store_true", help="2,000 projects")
    p.add_argument("--page-size", type=int, default=1000)
    args = p.parse_args()
    n = 2000 if args.quick else args.projects
    port = free_port()
    base = f"http://127.0.0.1:{port}/ws/api"
    proc = start_simulator(n, port)
    try:
        if n <= 4000:  # the simulator's record caches hold everything: warm them for both
            bare_loop(base, args.page_size)
        rss0 = rss_mb()
        t0 = time.perf_counter()
        bare = bare_loop(base, args.page_size)
        t_bare = time.perf_counter() - t0
        t0 = time.perf_counter()
        records, events, errors = adapter_scan(base, args.page_size)
        t_adapter = time.perf_counter() - t0
        peak = rss_mb()  # the bare loop holds only the organisations: this is the adapter's peak
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert records == bare == n, (records, bare, n)
    print(  # one line, as the README's table has it
        f"{n:>8} projects  adapter {t_adapter:8.2f} s  bare loop {t_bare:8.2f} s  "
        f"ratio {t_adapter / t_bare:5.2f} (goal <= 1.5)  peak RSS {peak:6.1f} MB (goal <= 400; "
        f"{rss0:.1f} MB before)  ({events} events, {errors} quarantined)",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
