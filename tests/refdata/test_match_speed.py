"""Fuzzy matching scores a whole block in C, then checks the other positions (issue #16 item
3): it must keep exactly the names that checking every name first kept."""

from __future__ import annotations

import random

from rapidfuzz import process
from rapidfuzz.distance import OSA

from kvrules.refdata import Resolver
from kvrules.refdata.models import Entry, ListInfo
from kvrules.refdata.resolver import _shares_ends

REGISTRY = ListInfo(list_id="reg", edition="1", title="A registry", kind="registry")


def _near_names(count: int, seed: int = 16) -> list[str]:
    """Two-word names one or two edits from "Kalamazoo Vistula", many of them tied, some with
    a second word that shares neither end with "Vistula" (the check drops those)."""
    rng = random.Random(seed)
    names = []
    for i in range(count):
        first = "Kalamazoo"
        k = rng.randrange(1, len(first))
        first = first[:k] + rng.choice("aeiouxyz") + first[k + 1 :]
        second = "Vistula" if i % 3 else rng.choice(["Vistola", "Wistulo", "Bistula", "Vistxla"])
        names.append(f"{first} {second}")
    return names


def test_scoring_first_keeps_the_names_checking_first_kept() -> None:
    # the invariant the resolver relies on: rapidfuzz keeps equal distances in block order
    query, names = "kalamazo vistula", [n.lower() for n in _near_names(300)]
    others = [(1, "vis", "ula")]
    checked = {i: n for i, n in enumerate(names) if _shares_ends(n.split(), others)}
    assert len(checked) > 64 and len(checked) < len(names)
    first = process.extract(query, checked, scorer=OSA.distance, score_cutoff=3, limit=64)
    scored = process.extract(query, names, scorer=OSA.distance, score_cutoff=3, limit=None)
    kept = [(n, d, i) for n, d, i in scored if _shares_ends(n.split(), others)][:64]
    assert kept == first


def test_a_typo_among_many_near_namesakes_finds_its_organisation() -> None:
    entries = [
        Entry(entry_id=f"n{i}", name=f"{name} University", country="PL")
        for i, name in enumerate(_near_names(200))
    ]
    entries.append(Entry(entry_id="kv", name="Kalamazoo Vistula University", country="PL"))
    resolver = Resolver(records=[(REGISTRY, e) for e in entries])
    found = resolver.match("Kalamazoo Vistla University", "PL")
    assert found and found[0].entry == "kv" and found[0].method == "fuzzy"


# caches that hold static data, not per-name results: clearing them would time pycountry
# and the source files, not names
_STATIC_CACHES = {"_iso_names", "_code_digest"}


def test_clearing_the_caches_forgets_every_per_name_result() -> None:
    # the benchmarks time names "as new to the process" after clear_caches(): a per-token or
    # per-segment cache it forgot (typo corrections, country readings) made their figures
    # rows that had partly been seen before
    from kvrules.refdata import affiliations, cache, countries, normalise, resolver

    entries = [Entry(entry_id="hit", name="Harbin Institute of Technology", country="CN")]
    found = Resolver(records=[(REGISTRY, e) for e in entries]).match_affiliation(
        "School of Physics, Harbin Institue of Technlogy, Harbin 150001, PR China", "CN"
    )
    assert found and found[0].matches[0].entry == "hit"
    caches = {
        f"{module.__name__}.{name}": value
        for module in (affiliations, cache, countries, normalise, resolver)
        for name, value in vars(module).items()
        if hasattr(value, "cache_clear") and name not in _STATIC_CACHES
    }
    assert {"kvrules.refdata.normalise._typo_of", "kvrules.refdata.countries.as_country"} <= set(
        caches
    )
    assert any(c.cache_info().currsize for c in caches.values())
    affiliations.clear_caches()
    assert {
        name: c.cache_info().currsize for name, c in caches.items() if c.cache_info().currsize
    } == {}
