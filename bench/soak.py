"""Soak: a million events through the engine with flat memory.

Streams generated collaboration events (every kind, partners on and off the shipped lists,
sensitive areas, funders, co-authors, visits, Chinese/Arabic/Cyrillic names) through one
``kvrules.Evaluator`` holding the shipped rulebooks, with the evaluator's own cross-check
(``verify``) off, exactly as a scan runs it. Nothing is kept between events except counters.

RSS is reported at the start (after the evaluator is built), after a warm-up (caches filled:
RE2 programs, per-rule statics), at intervals and at the end. The goal is growth < 10% from
the warm-up baseline to the end; the exit status is 1 when it is missed.

    python bench/soak.py                 # 1,000,000 events (about 5 minutes on 2 cores)
    python bench/soak.py --events 50000  # shorter
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

from kvrules import CollaborationEvent, Evaluator, load_rulebook

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.10

NAMES = [
    ("Harbin Institute of Technology", "CN", ["us_dod_1286"]),
    ("Beihang University", "CN", ["us_dod_1286"]),
    ("National University of Defense Technology", "CN", ["us_dod_1286"]),
    ("Northwestern Polytechnical University", "CN", []),
    ("哈尔滨工业大学", "CN", []),
    ("Московский физико-технический институт", "RU", []),
    ("جامعة طهران", "IR", []),
    ("Sharif University of Technology", "IR", []),
    ("Delft University of Technology", "NL", []),
    ("Universiteit Utrecht", "NL", []),
    ("Northwestern University", "US", []),
    ("Technische Universität München", "DE", []),
]
SIGNALS = ["us-country-of-concern", "eu-sanctions-regime", "nl-high-risk"]
AREAS = ["eu-dual-use:cat6", "eu-dual-use:cat3", "quantum", "hypersonics", "ai"]
KEYWORDS = ["hypersonics", "quantum computing", "batteries", "CFD", "drones", "AI", "genomics"]


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _org(rng: random.Random) -> dict:
    name, country, lists = rng.choice(NAMES)
    return {
        "name": f"{name} {rng.randrange(1000)}" if rng.random() < 0.3 else name,
        "country": country,
        "lists": lists if rng.random() < 0.8 else [],
        "country_signals": rng.sample(SIGNALS, k=rng.choice([0, 0, 1])),
        "types": rng.choice([[], ["education"], ["military"], ["company"]]),
    }


def make_event(i: int, rng: random.Random) -> CollaborationEvent:
    """One event; ids are unique (as in a real stream), so nothing repeats."""
    kind = rng.choice(
        ["project.created", "partner.added", "funder.added", "output.published", "visit.requested"]
    )
    project = {
        "id": f"p-{i}",
        "title": f"Project {i}",
        "keywords": rng.sample(KEYWORDS, k=rng.randint(0, 3)),
        "sensitive_areas": rng.sample(AREAS, k=rng.choice([0, 0, 1, 2])),
        "partners": [{**_org(rng), "role": "partner"} for _ in range(rng.randint(0, 4))],
        "funders": [
            {**_org(rng), "amount": str(rng.choice([5_000, 80_000, 2_000_000])), "currency": "EUR"}
            for _ in range(rng.randint(0, 2))
        ],
    }
    data: dict = {
        "id": f"soak:{i}",
        "kind": kind,
        "source": {"system": "soak", "record_id": f"p-{i}"},
        "occurred_at": "2026-03-02T09:00:00Z",
    }
    if kind == "partner.added":
        project["partners"].append({**_org(rng), "role": "partner"})
        data["partner"] = project["partners"][-1]
    elif kind == "funder.added":
        project["funders"].append(
            {**_org(rng), "amount": str(rng.choice([5_000, 2_000_000])), "currency": "EUR"}
        )
        data["funder"] = project["funders"][-1]
    elif kind == "project.created":
        pass
    if kind in ("project.created", "partner.added", "funder.added"):
        data["project"] = project
    if kind == "output.published":
        data["output"] = {
            "id": f"o-{i}",
            "title": f"Output {i}",
            "published_on": "2026-03-01",
            "affiliations": [_org(rng) for _ in range(rng.randint(1, 5))],
            "sensitive_areas": rng.sample(AREAS, k=rng.choice([0, 1])),
        }
    elif kind == "visit.requested":
        data["visit"] = {
            "id": f"v-{i}",
            "host_unit": "Aerospace",
            "start": "2026-05-01",
            "keywords": rng.sample(KEYWORDS, k=rng.randint(0, 2)),
            "visitor": {"role": "PhD student", "affiliations": [_org(rng)]},
        }
    return CollaborationEvent.model_validate(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--every", type=int, default=0, help="report interval (default: N/20)")
    parser.add_argument("--warmup", type=int, default=0, help="default: min(20000, N/10)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    every = args.every or max(1, args.events // 20)
    warmup = args.warmup or min(20_000, max(1, args.events // 10))
    rng = random.Random(args.seed)

    books = [load_rulebook(p) for p in sorted((ROOT / "rulebooks").glob("*.yaml"))]
    print(f"rulebooks: {len(books)} ({sum(len(b.rules) for b in books)} rules)", flush=True)
    gc.collect()
    start = rss_mb()
    print(f"RSS start: {start:.1f} MB", flush=True)
    findings = 0
    baseline = None
    began = time.monotonic()
    with Evaluator(books) as evaluator:
        for i in range(1, args.events + 1):
            findings += len(evaluator.evaluate(make_event(i, rng)))
            if i == warmup:
                gc.collect()
                baseline = rss_mb()
                print(f"RSS after warm-up ({i:,} events): {baseline:.1f} MB", flush=True)
            if i % every == 0:
                rate = i / (time.monotonic() - began)
                print(
                    f"{i:>10,} events  {findings:>10,} findings  RSS {rss_mb():7.1f} MB  "
                    f"{rate:,.0f} events/s",
                    flush=True,
                )
        gc.collect()
        end = rss_mb()
    assert baseline is not None
    growth = (end - baseline) / baseline
    print(
        f"RSS end: {end:.1f} MB; growth {growth:+.1%} from warm-up, "
        f"{(end - start) / start:+.1%} from start; {findings:,} findings in "
        f"{args.events:,} events, {time.monotonic() - began:.0f} s"
    )
    met = growth < GOAL
    print(f"goal (growth < {GOAL:.0%} after warm-up): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
