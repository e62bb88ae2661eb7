"""Client-side pacing: the simulator never sees more than 10 requests in a second."""

from __future__ import annotations

from converis_helpers import SECRET, adapter_for, max_per_second, scan
from kvrules_converis.ratelimit import TokenBucket
from kvrules_converis.simulator import start_simulator


def test_a_scan_stays_under_ten_requests_per_second() -> None:
    # The simulator enforces 10/s with 429s; the adapter runs with its default pacing.
    with start_simulator(projects=150, seed=2, password=SECRET) as sim:
        with adapter_for(sim, rate_limit=8.0, burst=1, max_workers=4) as adapter:
            records = scan(adapter)
        log = sim.requests
    assert len(records) == 150
    assert 20 <= len(log) <= 40  # the bulk reads keep a scan to a few dozen requests
    assert [r.status for r in log if r.status != 200] == []  # no 429 at all
    assert max_per_second([r.at for r in log]) <= 10


def test_token_bucket_paces_with_a_fake_clock() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        now[0] += s

    bucket = TokenBucket(rate=8, capacity=1, clock=lambda: now[0], sleep=sleep)
    stamps = []
    for _ in range(17):
        bucket.acquire()
        stamps.append(now[0])
    assert stamps[0] == 0.0 and abs(stamps[-1] - 2.0) < 1e-9  # 8 per second after the first
    assert max(sum(1 for t in stamps if s <= t < s + 1) for s in stamps) <= 9
