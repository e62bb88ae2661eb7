"""The realistic portfolio: how often a Dutch research university's projects involve partners
from countries of concern, listed institutions, sensitive research areas and foreign funders.

The rates and their sources are written down in docs/simulator-realism.md; keep the two in
step. Every draw is a function of the project's own random stream, so a seed still yields the
same university. The generator also records which projects it made risky on purpose (the
ground truth ``kvrules demo`` checks its recall against).
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from . import vocab
from .synthetic import University

# Share of projects with a partner in China: the Rathenau Instituut's figure for 2019 Dutch
# publications with a Chinese co-author (6.8%), read as an upper bound for projects.
CHINA_PARTNER = 0.068
# Russia, Iran, Belarus: Dutch institutions froze institutional ties with Russia and Belarus
# in 2022, and Iran is under EU sanctions: a handful of projects (assumption, see the docs).
OTHER_CONCERN_PARTNER = 0.004
# Of those partners, the share that is a listed institution (US DoD 1286 list and the like)
# rather than an unlisted one (assumption, see the docs).
LISTED_AMONG_CONCERN = 0.2
# Share of projects whose topic is in a sensitive area (assumption, see the docs).
SENSITIVE_TOPIC = 0.15
# Share of ordinary partners (no signals) in the EU: consortia of the EU framework programme,
# the largest source of a Dutch university's foreign funding, are mostly European
# (assumption, see the docs).
EU_PARTNER = 0.7
EU = frozenset({"nl", "de", "be", "fr", "se", "it", "es", "pl", "fi", "dk", "at", "pt", "cz"})
CONCERN_COUNTRIES = ("cn", "ru", "ir", "by")
CONCERN_GROUPS = frozenset(
    {"cn_seven_sons", "cn_other_defence_linked", "ru_listed", "ir_listed_or_country_of_concern"}
)
# Funders, in vocab.FUNDERS order: NWO and the EU carry most of a Dutch university's project
# funding; 9.4% of Dutch research funding comes from abroad, mostly the EU framework programme
# (Rathenau Instituut, Balans van de wetenschap 2020, fig. 2.9). Chinese funders are rare.
FUNDER_WEIGHTS = (
    800,  # NWO
    40,  # ERC
    50,  # European Commission
    10,  # DFG
    5,  # EPSRC
    5,  # NSF
    2,  # ONR Global
    2,  # AFOSR
    1,  # NSFC
    3,  # JSPS
    5,  # SNSF
    0,  # Russian Science Foundation: ties frozen since 2022
    2,  # NRF Korea
    1,  # Huawei
    5,  # Wellcome
    5,  # Novo Nordisk Foundation
)
CONCERN_FUNDERS = frozenset(
    i for i, f in enumerate(vocab.FUNDERS) if f.country in CONCERN_COUNTRIES
)


@dataclass(frozen=True)
class Pools:
    """External organisations by the role the realistic portfolio draws them for."""

    ordinary_eu: tuple[int, ...]  # unlisted partners in the EU
    ordinary_other: tuple[int, ...]  # unlisted partners elsewhere, outside countries of concern
    unlisted_concern: dict[str, tuple[int, ...]]  # country -> unlisted academic partners
    listed_concern: dict[str, tuple[int, ...]]  # country -> listed real institutions (variants)

    @classmethod
    def of(cls, uni: University) -> Pools:
        concern = set(CONCERN_COUNTRIES)
        ordinary = [
            i
            for i in (*uni.academic_ext, *uni.company_ext)
            if uni.ext_country.get(i) not in concern
        ]
        ordinary += [
            i
            for i in uni.real_ext
            if uni.real_org_of[i].group not in CONCERN_GROUPS and uni.ext_country[i] not in concern
        ]
        unlisted: dict[str, list[int]] = {}
        for i in uni.academic_ext:
            if (cc := uni.ext_country.get(i)) in concern:
                unlisted.setdefault(cc, []).append(i)
        listed: dict[str, list[int]] = {}
        for i in uni.real_ext:
            if uni.real_org_of[i].group in CONCERN_GROUPS:
                listed.setdefault(uni.ext_country[i], []).append(i)
        return cls(
            tuple(i for i in ordinary if uni.ext_country.get(i) in EU),
            tuple(i for i in ordinary if uni.ext_country.get(i) not in EU),
            {k: tuple(v) for k, v in unlisted.items()},
            {k: tuple(v) for k, v in listed.items()},
        )


@dataclass(frozen=True)
class Draw:
    partners: tuple[int, ...]
    funders: tuple[int, ...]
    sensitive: bool  # the topic the generator chose is in a sensitive area
    planted: str | None  # why the generator made this project risky, if it did


def draw(rng: Random, pools: Pools, n_awards: int, sensitive: bool) -> Draw:
    """Partners and funders for one project at the realistic rates."""
    n_partners = rng.choices((0, 1, 2, 3, 4), (30, 35, 20, 10, 5))[0]
    partners = [
        rng.choice(pools.ordinary_eu if rng.random() < EU_PARTNER else pools.ordinary_other)
        for _ in range(n_partners)
    ]
    r = rng.random()
    concern = (
        "cn"
        if r < CHINA_PARTNER
        else rng.choice(CONCERN_COUNTRIES[1:])
        if r < CHINA_PARTNER + OTHER_CONCERN_PARTNER
        else None
    )
    listed = False
    if concern is not None:
        listed = rng.random() < LISTED_AMONG_CONCERN and concern in pools.listed_concern
        pool = pools.listed_concern if listed else pools.unlisted_concern
        partners.append(rng.choice(pool.get(concern) or pools.unlisted_concern["cn"]))
    funders = tuple(
        rng.choices(range(len(FUNDER_WEIGHTS)), FUNDER_WEIGHTS)[0] for _ in range(n_awards)
    )
    # "route: why": the route that should hear of it (the Leidraad's red and a state funder
    # from a country of concern reach the committee; one factor alone, the adviser).
    planted = None
    concern_funders = [vocab.FUNDERS[f] for f in funders if f in CONCERN_FUNDERS]
    if listed and sensitive:
        planted = "committee: listed partner in a country of concern, sensitive area"
    elif any(f.kind == "government" for f in concern_funders):
        planted = "committee: state funder in a country of concern"
    elif concern_funders:
        planted = "adviser: company funder in a country of concern"
    return Draw(tuple(dict.fromkeys(partners)), funders, sensitive, planted)


def topics(
    rng: Random, topic: vocab.Topic, topic2: vocab.Topic | None
) -> tuple[vocab.Topic, vocab.Topic | None]:
    """The unit's topics, with sensitive areas at the realistic share of projects."""
    sensitive = rng.random() < SENSITIVE_TOPIC
    if topic.sensitive != sensitive:
        topic = rng.choice([t for t in vocab.TOPICS if t.sensitive == sensitive])
    if topic2 is not None and topic2.sensitive and not sensitive:
        topic2 = None
    return topic, topic2
