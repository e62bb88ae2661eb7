"""Shared by run.py and peer.py: the labelled strings, the registry store and the scoring."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kvrules.refdata import Resolver, Store
from kvrules.refdata.importers import import_file
from kvrules.refdata.models import ror_id
from kvrules.refdata.normalise import SELECT_AFFILIATES, name_key
from kvrules.refdata.shipped import load_shipped

SET_NAME = "20230628_Crossref_publisher_asserted_affiliation_string_ROR_IDs"
SCREENING_KINDS = ("designation", "assessment")


@dataclass(frozen=True, slots=True)
class Answer:
    """One matcher's answer for one string: its top ROR id, whether it would act on it, and
    whether it flags the string as naming an institution on a shipped list."""

    ror_id: str | None
    confident: bool
    listed: bool = False
    # the listed institution is named outright: by its own name or alias, or as the organisation
    # a unit's name ends with ("Third Affiliated Hospital of Sun Yat-sen University"), not
    # through a ROR parent, an acronym or a corrected spelling (None: the matcher does not say)
    listed_by_name: bool | None = None


Matcher = Callable[[str], Answer]


def load_split(data: Path, split: str) -> list[tuple[str, str]]:
    """(affiliation string, gold ROR id) rows of one split of the Crossref set."""
    path = data / f"{SET_NAME}_{split}.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [(row["affiliation"], ror_id(row["ror_id"])) for row in csv.DictReader(fh)]


def build_store(ror_dump: Path) -> Store:
    """The shipped lists plus the real ROR records as the registry (replacing the demo sample)."""
    store = Store(":memory:")
    load_shipped(store)
    store.delete_edition("ror", "sample-v2.9")
    import_file(store, "ror", ror_dump, edition="real-records", retrieved_at="2026-12-06T00:00:00Z")
    return store


def listed_ror_ids(store: Store, resolver: Resolver, train: list[tuple[str, str]]) -> set[str]:
    """ROR ids of the institutions on the lists kvrules ships (designations and assessments):
    the entry's own ROR id, else the one the crosswalk links it to (exact name in the same
    country), else, for an institution whose ROR record the registry snapshot lacks, the gold id
    most train strings carry that are, or end with, exactly its name (the test split never
    labels)."""
    gold_by_key: dict[str, Counter[str]] = {}
    for text, gold in train:
        # the whole string, or its last comma segment: "School of …, Shandong University"
        for key in {name_key(text), name_key(text.rsplit(",", 1)[-1])}:
            gold_by_key.setdefault(key, Counter())[gold] += 1
    listed = set()
    for info, entry in store.iter_latest():
        if info.kind not in SCREENING_KINDS or entry.entity_type == "country":
            continue
        if entry.attributes.get("scope") == SELECT_AFFILIATES:
            continue  # listed for some affiliates only: its own ROR id is not a listed one
        own = entry.ror_id or next(
            (
                m.ror_id
                for m in resolver.match(entry.name, entry.country)
                if (m.list, m.entry) == (info.list_id, entry.entry_id) and m.via is None
            ),
            None,
        )
        if own is None:
            votes = gold_by_key.get(name_key(entry.name))
            own = votes.most_common(1)[0][0] if votes else None
        if own:
            listed.add(own)
    return listed


def units_of_listed(store: Store, listed: set[str]) -> set[str]:
    """ROR ids of the registry's units of listed institutions: records whose chain of ROR
    ``parent`` relationships reaches a listed ROR id (a hospital or institute of a listed
    university, when ROR records it so). The second, lenient view of "listed" is the string
    naming a listed institution or one of these."""
    parent = {
        e.ror_id: e.parent_ror_id
        for i, e in store.iter_latest()
        if i.kind == "registry" and e.ror_id and e.parent_ror_id
    }
    units = set()
    for rid in parent:
        seen, up = {rid}, parent.get(rid)
        while up and up not in seen:
            if up in listed:
                units.add(rid)
                break
            seen.add(up)
            up = parent.get(up)
    return units - listed


@dataclass(slots=True)
class Score:
    strings: int = 0
    in_registry: int = 0
    top_right: int = 0
    confident: int = 0
    confident_right: int = 0
    confident_outside: int = 0  # confident answers on strings whose organisation is not in it
    listed_tp: int = 0
    listed_fp: int = 0
    listed_fn: int = 0
    # "false" positives whose string names the flagged institution outright (Answer): a
    # multi-organisation string whose gold is the other organisation, or a hospital or unit the
    # list does not name beside the listed one; a person would mostly call these right
    listed_fp_named: int | None = None
    # the lenient view: the truth is "a listed institution or a unit of one" (ROR parents)
    units_tp: int = 0
    units_fp: int = 0
    units_fn: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self, name: str) -> str:
        n = max(self.in_registry, 1)
        precision = self.confident_right / max(self.confident, 1)
        lp = self.listed_tp / max(self.listed_tp + self.listed_fp, 1)
        lr = self.listed_tp / max(self.listed_tp + self.listed_fn, 1)
        fp_named = self.listed_fp_named
        named = "" if fp_named is None else f" ({fp_named} name it outright)"
        return (
            f"{name:<10} top-1 accuracy {self.top_right / n:.3f}  "
            f"confident precision {precision:.3f} recall {self.confident_right / n:.3f}  "
            f"confident on absent orgs {self.confident_outside}/{self.strings - self.in_registry}  "
            f"listed precision {lp:.3f} recall {lr:.3f} "
            f"(tp {self.listed_tp}, fp {self.listed_fp}{named}, fn {self.listed_fn})"
        )

    def lenient_line(self, name: str) -> str:
        """The second view of "listed": truth is a listed institution or a unit of one."""
        tp, fp, fn = self.units_tp, self.units_fp, self.units_fn
        return (
            f"{name:<10} listed or a unit of a listed institution (ROR parents): "
            f"precision {tp / max(tp + fp, 1):.3f} recall {tp / max(tp + fn, 1):.3f} "
            f"(tp {tp}, fp {fp}, fn {fn})"
        )


def evaluate(
    matcher: Matcher,
    rows: Iterable[tuple[str, str]],
    registry: set[str],
    listed: set[str],
    units: frozenset[str] = frozenset(),
) -> Score:
    """``units``: ROR ids of units of listed institutions, for the lenient view."""
    score = Score()
    for text, gold in rows:
        answer = matcher(text)
        score.strings += 1
        is_listed = gold in listed
        score.listed_tp += is_listed and answer.listed
        score.listed_fp += answer.listed and not is_listed
        if answer.listed_by_name is not None:
            named = answer.listed_by_name and not is_listed
            score.listed_fp_named = (score.listed_fp_named or 0) + named
        score.listed_fn += is_listed and not answer.listed
        in_a_listed = is_listed or gold in units
        score.units_tp += in_a_listed and answer.listed
        score.units_fp += answer.listed and not in_a_listed
        score.units_fn += in_a_listed and not answer.listed
        if answer.listed != is_listed:
            kind = "LISTED-FP" if answer.listed else "LISTED-FN"
            score.errors.append(f"{kind} {text!r}: got {answer.ror_id} want {gold}")
        if gold not in registry:
            score.confident_outside += answer.confident
            continue
        score.in_registry += 1
        right = answer.ror_id == gold
        score.top_right += right
        score.confident += answer.confident
        score.confident_right += answer.confident and right
        if (answer.confident and not right) or not answer.confident:
            score.errors.append(
                f"{'WRONG' if answer.confident else 'miss '} {text!r}: got {answer.ror_id} "
                f"want {gold}"
            )
    return score
