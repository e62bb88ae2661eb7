"""What the Chinese name-variant rules (normalise.native_variants) do to real ROR names.

    python bench/matching/native_variants.py [--ror DUMP]

Reads every record of the ROR dump (default: the shared real dump, ror-community/ror-records
@ d93fc667, CC0) and, for each name in Han script, the forms the rules make of it. Counts:
forms dropped as the ending of another organisation's name (as the resolver drops them); the
records that gain a form; forms whose exact-match key is another record's own name (a
wrong match the rules would create: the resolver never adds such a key); forms two records
make (the resolver then says "ambiguous"); and forms that are already a name of the same record.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import defaultdict
from pathlib import Path

from kvrules.refdata.normalise import HAN, analyse, han_endings, native_variants

SHARED_ROR = (
    Path(__file__).resolve().parents[3] / "shared/data/real/ror-records_v2.0-v2.9_latest.json.gz"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ror", type=Path, default=SHARED_ROR)
    parser.add_argument("--list", action="store_true", help="print every form made")
    args = parser.parse_args()
    with gzip.open(args.ror, "rt", encoding="utf-8") as stream:
        records = json.load(stream)
    own: dict[str, set[str]] = defaultdict(set)  # a real name's key → the records named so
    for record in records:
        for name in record["names"]:
            if "acronym" not in name["types"]:
                own[analyse(name["value"]).key].add(record["id"])
    endings: dict[str, set[str]] = defaultdict(set)  # as the resolver drops generic forms
    for record in records:
        for name in record["names"]:
            for ending in han_endings(name["value"]):
                endings[ending].add(record["id"])
    made: dict[str, set[str]] = defaultdict(set)  # a variant's key → the records it comes from
    examples: dict[str, tuple[str, str]] = {}
    generic: list[tuple[str, str]] = []
    for record in records:
        for name in record["names"]:
            for variant in native_variants(name["value"]):
                if endings.get(variant, set()) - {record["id"]}:
                    generic.append((name["value"], variant))
                    continue
                key = analyse(variant).key
                made[key].add(record["id"])
                examples.setdefault(key, (name["value"], variant))
    gaining = {r for ids in made.values() for r in ids}
    wrong = {k: ids for k, ids in made.items() if own.get(k, set()) - ids}
    shared = {k: ids for k, ids in made.items() if len(ids) > 1}
    already = {k for k, ids in made.items() if own.get(k, set()) & ids}
    han = sum(any(HAN.search(n["value"]) for n in r["names"]) for r in records)
    print(f"{len(records):,} ROR records, {han:,} with a name in Han script")
    print(f"{len(generic)} forms dropped: the ending of another organisation's name")
    for name, variant in generic:
        print(f"    {name} → {variant}")
    print(f"{len(gaining):,} records gain {len(made):,} variant keys")
    print(f"{len(wrong)} variant keys are another record's own name (would be wrong matches)")
    for key, ids in sorted(wrong.items()):
        print("   ", examples[key], "→ also named so:", sorted(own[key] - ids))
    print(f"{len(shared)} variant keys made by two records or more (said ambiguous)")
    for key, ids in sorted(shared.items()):
        print("   ", examples[key], sorted(ids))
    print(f"{len(already)} variant keys are already a name of their own record")
    if args.list:
        for name, variant in sorted(examples.values()):
            print(f"    {name} → {variant}")


if __name__ == "__main__":
    main()
