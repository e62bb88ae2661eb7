"""Real institutions (data/real_orgs.json, from the shared ROR-based org sample) and the
name variants a research information system accumulates for them over the years."""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from kvrules.testing import simulator
from kvrules.testing.simulator import RealOrg, is_latin

SUBUNIT_TEMPLATES = [
    "School of Astronautics, {name}",
    "State Key Laboratory of Advanced Welding and Joining, {name}",
    "{name}, Department of Physics",
    "College of Computer Science, {name}",
    "Institute of Electronic Engineering, {name}",
]


@dataclass
class OrgVariant:
    """One external-organisation record as a RIS would hold it."""

    org: RealOrg
    kind: str  # canonical | acronym | alias | native | subunit | typo | shouting
    name: str
    country: str | None  # lower-case alpha-2, None when the record has no address country
    with_ror: bool = False
    alternative_names: list[str] = field(default_factory=list)
    acronym: str | None = None
    subunit_of_canonical: bool = False


def load_real_orgs() -> tuple[RealOrg, ...]:
    """This package's org sample (data/real_orgs.json)."""
    return simulator.load_real_orgs(__package__)


def _typo(name: str, rng: Random) -> str:
    """Drop or swap one letter inside a longer word, as hand-typed records do."""
    words = name.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 5]
    if not candidates:
        return name + "."
    i = rng.choice(candidates)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.5 else w[:j] + w[j + 1 :]
    return " ".join(words)


def variants_for(org: RealOrg, rng: Random) -> list[OrgVariant]:
    """The canonical record plus one to three messy duplicates."""
    cc = org.country.lower()
    canonical = OrgVariant(
        org,
        "canonical",
        org.name,
        cc if rng.random() < 0.92 else None,
        with_ror=rng.random() < 0.75,
        alternative_names=[a for a in org.aliases if is_latin(a)][:2],
        acronym=org.acronyms[0] if org.acronyms and rng.random() < 0.6 else None,
    )
    pool: list[OrgVariant] = []
    if org.acronyms:
        pool.append(OrgVariant(org, "acronym", org.acronyms[0], cc if rng.random() < 0.5 else None))
    latin_aliases = [a for a in org.aliases if is_latin(a)]
    if latin_aliases:
        pool.append(OrgVariant(org, "alias", rng.choice(latin_aliases), cc))
    native = [n for n in (*org.labels, *org.aliases) if not is_latin(n)]
    if native:
        pool.append(OrgVariant(org, "native", native[0], cc if rng.random() < 0.7 else None))
    template = rng.choice(SUBUNIT_TEMPLATES)
    pool.append(
        OrgVariant(org, "subunit", template.format(name=org.name), cc, subunit_of_canonical=True)
    )
    pool.append(OrgVariant(org, "typo", _typo(org.name, rng), cc if rng.random() < 0.8 else None))
    pool.append(OrgVariant(org, "shouting", org.name.upper(), cc))
    rng.shuffle(pool)
    return [canonical, *pool[: rng.randint(1, 3)]]
