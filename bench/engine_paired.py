"""kvrules end to end, an earlier git revision against the working tree, paired in one process.

bench/engine.py times kvrules against the bare C core; a change to kvrules' own path is worth
keeping only if it pays, and a child process's CPU rate moves by ±15-30% between runs on the
shared machine. So the earlier ``kvrules`` package of a git revision is imported beside the
current one as ``kvrules_old`` (its own modules, rulebook and engine), and both run the same
bench events (bench/engine.py's workload) taking turns a slice at a time, each side first every
other slice (the first to touch a slice's events reads them from memory, the second from cache),
each keeping its best time per slice. The bare C core with kvrules' writer (bench/engine.py's
stricter floor) is timed in the same rounds, so each side's ratio is printed beside the paired
one.

``--check`` instead compares, untimed, every finding of every event as both make it (each field,
each evidence's path, test, value and its type, subject and both sentences): one at a time, in
batches of ``--batch`` and validated into models. It stops at the first difference.

    python bench/engine_paired.py REV [--events 5000] [--rules 60] [--slice 500] [--repeat 4]
    python bench/engine_paired.py REV --check --events 50000 --rules 60,200
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import engine as bench  # bench/engine.py: the workload and the floor

HERE = Path(__file__).resolve().parent
CLOCK = time.process_time


def old_package(rev: str) -> ModuleType:
    """The ``kvrules`` package of git revision ``rev``, importable as ``kvrules_old``."""
    where = Path(tempfile.mkdtemp(prefix="engine-paired-"))
    archive = subprocess.run(
        ["git", "archive", rev, "kvrules"], cwd=HERE.parent, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    (where / "kvrules").rename(where / "kvrules_old")
    own = re.compile(r"\bkvrules(?=[. ])")  # "from kvrules.x", "import kvrules"
    for source in (where / "kvrules_old").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        source.write_text(own.sub("kvrules_old", text), encoding="utf-8")
    sys.path.insert(0, str(where))
    return importlib.import_module("kvrules_old")


class Side:
    """One kvrules (current or earlier): its evaluator on the bench's rulebook, its validators."""

    def __init__(self, package: str, rulebook_text: str) -> None:
        kvrules = importlib.import_module(package)
        loader = importlib.import_module(f"{package}.rulebook.loader")
        model = importlib.import_module(f"{package}.model")
        self.evaluator = kvrules.Evaluator([loader.load_text(rulebook_text, "bench.yaml")])
        self.plain = model.validate_plain_event
        self.models = kvrules.CollaborationEvent.model_validate

    def one(self, events: list[dict]) -> tuple[float, int]:
        evaluate, validate = self.evaluator.evaluate, self.plain
        start = CLOCK()
        found = sum(len(evaluate(validate(e))) for e in events)
        return CLOCK() - start, found

    def batches(self, events: list[dict], size: int) -> tuple[float, int]:
        evaluate_each, validate = self.evaluator.evaluate_each, self.plain
        start = CLOCK()
        found = 0
        for first in range(0, len(events), size):
            found += sum(
                map(len, evaluate_each([validate(e) for e in events[first : first + size]]))
            )
        return CLOCK() - start, found


def said(finding: object) -> tuple:
    """Everything a finding says, as plain data (the two sides' classes differ by module)."""
    fields = []
    for field in dataclasses.fields(finding):
        value = getattr(finding, field.name)
        if field.name == "evidence":
            value = [
                (
                    e.path,
                    e.test,
                    repr(e.actual),
                    type(e.actual).__name__,
                    e.subject,
                    str(e),
                    e.plain,
                )
                for e in value
            ]
        elif dataclasses.is_dataclass(value):
            value = dataclasses.astuple(value)
        fields.append((field.name, repr(value), type(value).__name__))
    return tuple(fields)


def check(sides: dict[str, Side], events: list[dict], size: int) -> int:
    """The findings of both sides, compared event by event in each mode; their count."""
    compared = 0
    for mode in ("one", "batches", "models"):
        made = {}
        for name, side in sides.items():
            ev = side.evaluator
            if mode == "one":
                made[name] = [ev.evaluate(side.plain(e)) for e in events]
            elif mode == "models":
                made[name] = [ev.evaluate(side.models(e)) for e in events]
            else:
                made[name] = [
                    found
                    for first in range(0, len(events), size)
                    for found in ev.evaluate_each(
                        [side.plain(e) for e in events[first : first + size]]
                    )
                ]
        for i, (old, new) in enumerate(zip(made["old"], made["new"], strict=True)):
            if list(map(said, old)) != list(map(said, new)):
                raise SystemExit(f"{mode}: event {events[i]['id']} differs:\n{old}\n{new}")
            compared += len(new)
        print(f"{mode}: {sum(map(len, made['new'])):,} findings, the same from both")
    return compared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the earlier git revision of kvrules")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rules", default="60", help="rule count, or several: 60,200")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--slice", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--check", action="store_true", help="compare the findings, untimed")
    args = parser.parse_args()
    old_package(args.rev)
    # bench/engine.py silences the loader's lint for its generated rules; the same for the old
    logging.getLogger("kvrules_old.rulebook.loader").setLevel(logging.ERROR)
    import random

    for rule_count in (int(n) for n in args.rules.split(",")):
        rng = random.Random(args.seed)
        text = bench.rulebook_text(bench.make_rules(rule_count, rng))
        events = bench.make_events(args.events, rng)
        sides = {"old": Side("kvrules_old", text), "new": Side("kvrules", text)}
        if args.check:
            found = check(sides, events, args.batch)
            print(f"{rule_count} rules, {len(events):,} events: {found:,} findings compared")
            continue
        measure(sides, events, args)


def measure(sides: dict[str, Side], events: list[dict], args: argparse.Namespace) -> None:
    new = sides["new"].evaluator
    views = [new.project(sides["new"].models(e)) for e in events]
    runs = {
        "floor": lambda part: bench.run_core(new.engine, views[part], bench._plain_json),
        "old one": lambda part: sides["old"].one(events[part]),
        "new one": lambda part: sides["new"].one(events[part]),
        "old batches": lambda part: sides["old"].batches(events[part], args.batch),
        "new batches": lambda part: sides["new"].batches(events[part], args.batch),
    }
    gc.collect()
    gc.freeze()  # the resident inputs are not re-walked by every collection
    parts = [slice(i, i + args.slice) for i in range(0, len(events), args.slice)]
    best = {name: [float("inf")] * len(parts) for name in runs}
    for round_ in range(args.repeat):
        for i, part in enumerate(parts):
            # The two sides read the same events: whoever runs second finds them in cache. So
            # each goes first every other slice, and the floor (which reads the views) first
            # or last, in turn.
            first, second = ("old", "new") if (round_ + i) % 2 else ("new", "old")
            order = [f"{first} one", f"{second} one", f"{second} batches", f"{first} batches"]
            order = ["floor", *order] if (round_ * len(parts) + i) % 4 < 2 else [*order, "floor"]
            for name in order:
                seconds, _ = runs[name](part)
                best[name][i] = min(best[name][i], seconds)
    gc.unfreeze()
    n = len(events)
    us = {name: sum(times) / n * 1e6 for name, times in best.items()}
    print(
        f"paired: {n:,} events, {len(new.program.rules)} rules, best of {args.repeat} per slice "
        f"of {args.slice}, CPU time, load {os.getloadavg()[0]:.1f}; floor (C core, kvrules' "
        f"writer) {us['floor']:.2f} µs per event"
    )
    for mode in ("one", "batches"):
        old, now = us[f"old {mode}"], us[f"new {mode}"]
        print(
            f"{mode}: {old:.2f} -> {now:.2f} µs per event ({now / old:.3f}); ratio of the floor "
            f"{us['floor'] / old:.3f} -> {us['floor'] / now:.3f}"
        )


if __name__ == "__main__":
    main()
