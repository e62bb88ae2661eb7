"""Real institutions (data/real_orgs.json, a subset of the shared ROR-based org sample) and the
name variants a research information system accumulates for them."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from kvrules.testing import simulator
from kvrules.testing.simulator import RealOrg, is_latin


@dataclass(frozen=True)
class Variant:
    """One Organisation record as a RIS would hold it for a real institution."""

    org: RealOrg
    kind: str  # canonical | acronym | alias | native | subunit | typo | shouting
    name: str
    country: str | None
    ror: str | None
    acronym: str | None
    aliases: tuple[str, ...]


def load_real_orgs() -> tuple[RealOrg, ...]:
    """This package's org sample (data/real_orgs.json)."""
    return simulator.load_real_orgs(__package__)


def _typo(name: str, rng: Random) -> str:
    words = name.split(" ")
    long = [i for i, w in enumerate(words) if len(w) > 5]
    if not long:
        return name + "."
    i = rng.choice(long)
    j = rng.randrange(1, len(words[i]) - 2)
    words[i] = words[i][:j] + words[i][j + 1 :]
    return " ".join(words)


def variants(org: RealOrg, rng: Random) -> list[Variant]:
    """The canonical record plus one to three messy duplicates."""
    latin_aliases = tuple(a for a in org.aliases if is_latin(a))
    canonical = Variant(
        org,
        "canonical",
        org.name,
        org.country if rng.random() < 0.92 else None,
        org.ror_id if rng.random() < 0.75 else None,
        org.acronyms[0] if org.acronyms and rng.random() < 0.6 else None,
        latin_aliases[:2],
    )
    pool = [
        Variant(org, "subunit", f"School of Astronautics, {org.name}", org.country, None, None, ()),
        Variant(org, "typo", _typo(org.name, rng), org.country, None, None, ()),
        Variant(org, "shouting", org.name.upper(), org.country, None, None, ()),
    ]
    if org.acronyms:
        cc = org.country if rng.random() < 0.5 else None
        pool.append(Variant(org, "acronym", org.acronyms[0], cc, None, None, ()))
    if latin_aliases:
        pool.append(Variant(org, "alias", rng.choice(latin_aliases), org.country, None, None, ()))
    native = [n for n in (*org.labels, *org.aliases) if not is_latin(n)]
    if native:
        pool.append(Variant(org, "native", native[0], org.country, None, None, ()))
    rng.shuffle(pool)
    return [canonical, *pool[: rng.randint(1, 3)]]
