"""Full dry-run `kvrules scan` of a Pure simulator vs a bare `requests` loop, same endpoints.

    python bench/scan.py                          # 50,000 projects
    python bench/scan.py --projects 5000,20000    # three lines per size

The simulator runs as a separate process, and so does the scan: the real command
(`kvrules scan --json`, shipped rulebooks, shipped reference lists, a fresh state file, dry
run), which reads everything, screens, evaluates, stores findings and cases, queues alerts
and plans the tags. The baseline is bench/pure_sync.py's bare paging loop over the same
endpoints, run in this process just before, against the same simulator. Prints, one line each:
both wall times and their ratio (goal <= 1.25 at 50k); the peak RSS of the scan process, of
its reader process (`--reader`: auto, as the command, reads a full scan in a process of its
own) and the two summed (goal <= 300 MB at 100k, flat in the number of projects; the peaks
may fall at different moments, so the sum is an upper bound); the CPU time per project of
the scan process, its reader, the bare loop's client and the simulator (during the scan /
during the bare loop).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml
from pure_sync import API_KEY, bare_loop, free_port, start_simulator

KVRULES = [str(Path(sys.executable).with_name("kvrules"))]


def write_config(workdir: Path, base: str, page_size: int) -> Path:
    key = workdir / "pure-api-key"
    key.write_text(API_KEY + "\n", encoding="utf-8")
    config = {
        # a Dutch institution, as the shipped rulebooks and the demo: foreign-funding shares
        # and jurisdictions are computed as a real deployment's (unset, nothing is foreign)
        "home_country": "NL",
        "database": str(workdir / "kvrules.db"),
        "reference_data": str(workdir / "refdata.db"),  # seeded with the shipped lists
        "sources": {
            "pure": {
                "adapter": "pure",
                "settings": {"base_url": base, "api_key_file": str(key), "page_size": page_size},
            }
        },
        "writeback": {"apply": False},
    }
    path = workdir / "kvrules.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss(pid: int) -> float:
    """The peak resident size (MB) of a running process so far (Linux /proc)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(ln for ln in status.splitlines() if ln.startswith("VmHWM:")).split()[1]) / 1024


class Children(threading.Thread):
    """Samples the CPU time and peak RSS of a process's children (its reader) until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.stop = pid, threading.Event()
        self.cpu: dict[int, float] = {}
        self.peak: dict[int, float] = {}  # MB

    def run(self) -> None:
        # Each read on its own: a thread or child that ended between two reads skips only
        # itself (skipping the whole sample on any of them missed a reader's late peak).
        while not self.stop.wait(0.2):
            with contextlib.suppress(OSError, StopIteration, ValueError):
                self.peak[self.pid] = peak_rss(self.pid)
            for child in self.children():
                with contextlib.suppress(OSError, StopIteration, ValueError):
                    self.cpu[child] = cpu_seconds(child)
                    self.peak[child] = peak_rss(child)

    def children(self) -> list[int]:
        """The process's children now (each thread lists those it started)."""
        try:
            tasks = list(Path(f"/proc/{self.pid}/task").iterdir())
        except OSError:
            return []
        pids = []
        for task in tasks:
            with contextlib.suppress(OSError, ValueError):
                pids += [int(c) for c in (task / "children").read_text().split()]
        return pids

    def reader(self) -> tuple[float, float]:
        """CPU seconds and peak RSS of the busiest child (the reader process), or zeros."""
        if not self.cpu:
            return 0.0, 0.0
        pid = max(self.cpu, key=self.cpu.__getitem__)
        return self.cpu[pid], self.peak.get(pid, 0.0)

    def own_peak(self) -> float:
        """The scan process's own peak RSS (rusage would give the larger of it and its reader)."""
        return self.peak.get(self.pid, 0.0)


def kvrules_scan(config: Path, workdir: Path, reader: str) -> tuple[float, float, float, dict]:
    """Wall time, CPU time, peak RSS (MB) and the JSON report of one `kvrules scan` process;
    CPU time and peak RSS of its reader process, if any, are added as report["reader_*"]."""
    cmd = [*KVRULES, "scan", "--config", str(config), "--json", "--reader", reader]
    out_path, err_path = workdir / "scan.out", workdir / "scan.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        children = Children(proc.pid)
        children.start()
        # This child's rusage, the reader it waited for included (CPU summed, RSS the larger).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        children.stop.set()
        children.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = err_path.read_text(errors="replace").strip()[-500:]
        raise SystemExit(f"kvrules scan failed: {tail}")
    report = json.loads(out_path.read_text().strip().splitlines()[-1])
    report["reader_cpu"], report["reader_peak"] = children.reader()
    cpu = usage.ru_utime + usage.ru_stime
    peak = children.own_peak() if report["reader_peak"] else usage.ru_maxrss / 1024  # KiB
    return seconds, cpu, peak, report


def prepare(workdir: Path, config: Path) -> None:
    """Seed the reference store before timing (first use imports the shipped lists)."""
    subprocess.run(
        [*KVRULES, "refdata", "lists", "--config", str(config)],
        check=False,
        capture_output=True,
    )


def run(projects: int, page_size: int, reader: str) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}/ws/api"
    sim = start_simulator(projects, port)
    try:
        with tempfile.TemporaryDirectory(prefix="kvrules-bench-scan-") as tmp:
            config = write_config(Path(tmp), base, page_size)
            prepare(Path(tmp), config)
            if projects <= 4000:  # the simulator's record caches hold everything: warm them
                bare_loop(base, page_size)
            t0, c0, s0 = time.perf_counter(), time.process_time(), cpu_seconds(sim.pid)
            bare = bare_loop(base, page_size)
            t_bare, c_bare = time.perf_counter() - t0, time.process_time() - c0
            s1 = cpu_seconds(sim.pid)
            t_scan, c_scan, peak, report = kvrules_scan(config, Path(tmp), reader)
            s2 = cpu_seconds(sim.pid)
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    assert report["records"] == bare == projects, (report["records"], bare, projects)

    def per_project(seconds: float) -> str:
        return f"{1000 * seconds / projects:.2f}"

    reader_cpu, reader_peak = report["reader_cpu"], report["reader_peak"]
    apart = f" + reader process {reader_peak:.1f} MB" if reader_peak else " (no reader process)"
    print(
        f"{projects:>8} projects  scan {t_scan:8.2f} s  bare loop {t_bare:8.2f} s  "
        f"ratio {t_scan / t_bare:5.2f} (goal <= 1.25)",
        f"{projects:>8} projects  peak RSS: scan process {peak:.1f} MB{apart} = "
        f"{peak + reader_peak:.1f} MB together (goal <= 300 MB at 100k, flat)",
        # CPU per project says where the time goes, and suffers less from other jobs than
        # wall time: the scan process (startup included; the reader's share apart), the bare
        # loop's client, the simulator (during the scan / during the bare loop).
        f"{projects:>8} projects  CPU ms/project: scan {per_project(c_scan - reader_cpu)}"
        f" + reader process {per_project(reader_cpu)}, bare loop {per_project(c_bare)}, "
        f"simulator {per_project(s2 - s1)} / {per_project(s1 - s0)}  "
        f"({report['events']} events, {report['findings']} findings, "
        f"{report['tags_planned']} tags planned)",
        sep="\n",
        flush=True,
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--projects", default="50000", help="comma-separated sizes")
    p.add_argument("--page-size", type=int, default=1000)
    p.add_argument("--reader", choices=["auto", "process", "thread"], default="auto",
                   help="kvrules scan --reader (default: auto, as the command's)")  # fmt: skip
    args = p.parse_args()
    for n in (int(x) for x in args.projects.split(",")):
        run(n, args.page_size, args.reader)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
