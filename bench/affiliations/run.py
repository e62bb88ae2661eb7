"""Affiliation-string benchmark on real data: ``python bench/affiliations/run.py --data DIR``.

Resolves the real affiliation strings of the Crossref publisher-asserted set (see README.md for
where to get it) against the real ROR records as the registry plus the lists kvrules ships, and
prints, for kvrules and for the peer (ROR's documented affiliation matching, peer.py) in one run:
top-1 ROR-id accuracy, precision/recall of confident answers, and "is this a listed institution"
precision/recall. Tune on ``--split train`` only; report ``--split test``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402
    SCREENING_KINDS,
    Answer,
    build_store,
    evaluate,
    listed_ror_ids,
    load_split,
    units_of_listed,
)
from peer import RorStyleMatcher  # noqa: E402

from kvrules.refdata import Resolver  # noqa: E402
from kvrules.refdata.resolver import the_organisation  # noqa: E402

# how a listed match names the institution itself (resolver methods): its name, an alias, an
# abbreviation of it, its words in another order, or the organisation a unit's name ends with
NAMED_OUTRIGHT = frozenset({"exact", "alias", "abbreviation", "word order", "subunit"})
SHARED_ROR = HERE.parents[2] / "shared" / "data" / "real" / "ror-records_v2.0-v2.9_latest.json.gz"


def kvrules_matcher(resolver: Resolver):
    def match(text: str) -> Answer:
        found = resolver.match_affiliation(text)
        top = next((m for org in found for m in org.matches if m.ror_id), None)
        # acted on as *the* organisation only when the string names one (Resolver.resolve);
        # a joint unit's organisations are each screened for "listed" below
        one = the_organisation(found, resolver.threshold)
        top = one or top
        confident = one is not None
        flagged = [
            m
            for org in found
            for m in org.matches
            if m.kind in SCREENING_KINDS and not m.candidate and m.score >= resolver.threshold
        ]
        by_name = any(m.method in NAMED_OUTRIGHT for m in flagged)
        return Answer(top.ror_id if top else None, confident, bool(flagged), by_name)

    return match


def peer_matcher(peer: RorStyleMatcher, listed: set[str]):
    def match(text: str) -> Answer:
        rid, _, chosen = peer(text)
        return Answer(rid, chosen, chosen and rid in listed)

    return match


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="folder with the set's CSVs")
    parser.add_argument(
        "--ror",
        type=Path,
        default=SHARED_ROR,
        help="the registry: a ROR schema v2 dump (default: the shared v2.0-v2.9 snapshot; "
        "registry.py builds a larger one)",
    )
    parser.add_argument("--split", choices=["train", "test"], default="train")
    parser.add_argument("--errors", type=int, default=0, help="print N kvrules errors")
    parser.add_argument("--no-peer", action="store_true", help="skip the peer (faster)")
    args = parser.parse_args()

    rows = load_split(args.data, args.split)
    t0 = time.perf_counter()
    store = build_store(args.ror)
    resolver = Resolver(store)
    registry = {e.ror_id for i, e in store.iter_latest() if i.kind == "registry" and e.ror_id}
    listed = listed_ror_ids(store, resolver, load_split(args.data, "train"))
    units = frozenset(units_of_listed(store, listed))
    print(
        f"{args.split}: {len(rows)} strings; registry {args.ror}: {len(registry)} ROR records "
        f"(index built in {time.perf_counter() - t0:.1f}s); "
        f"{sum(g in registry for _, g in rows)} strings name an organisation in it, "
        f"{sum(g in listed for _, g in rows)} a listed institution ({len(listed)} listed ROR ids), "
        f"{sum(g in units for _, g in rows)} a unit of one ({len(units)} units in the registry)"
    )
    start = time.perf_counter()
    score = evaluate(kvrules_matcher(resolver), rows, registry, listed, units)
    took = time.perf_counter() - start
    print(score.line("kvrules") + f"  [{len(rows) / took:,.0f} strings/s]")
    if not args.no_peer:
        start = time.perf_counter()
        peer = peer_matcher(RorStyleMatcher(store), listed)
        peer_score = evaluate(peer, rows, registry, listed, units)
        took = time.perf_counter() - start
        print(peer_score.line("ROR-style") + f"  [{len(rows) / took:,.0f} strings/s]")
    print(score.lenient_line("kvrules"))
    if not args.no_peer:
        print(peer_score.lenient_line("ROR-style"))
    for line in score.errors[: args.errors]:
        print(line)


if __name__ == "__main__":
    main()
