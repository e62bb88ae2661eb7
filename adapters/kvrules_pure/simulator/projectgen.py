"""Lazy synthetic projects, award clusters and awards.

Project i is a pure function of (seed, i): `core(i)` draws the decisions (unit, topic,
partners, funders, dates) and the builders turn them into Pure JSON. Awards and clusters
re-derive their project's core, so all three stay consistent without storing anything.
The only per-project state is one byte of funding layout (how many awards project i has).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from random import Random

from . import realism, vocab
from .applications import application_uuid
from .ids import make_uuid, stable_int, version_hash
from .shapes import DAY, cls, day, ref, stamp, visibility, workflow
from .sources import LazySource, Record
from .synthetic import KS_URI, RESEARCH_AREA_URI, SDG_URI, SDGS, Unit, University

# Share of awards with one of the institution's own units among the funding collaborators.
INTERNAL_SHARE = 0.1
PROJECT_TYPE = "/dk/atira/pure/upmproject/upmprojecttypes/upmproject/"
ROLE = "/dk/atira/pure/upmproject/roles/upmproject/"
COLLAB_TYPE = "/dk/atira/pure/upmproject/collaboratortypes/upmproject/"
AWARD_TYPE = "/dk/atira/pure/award/awardtypes/award/"
GRANT_ID_TYPE = "/dk/atira/pure/upmproject/classifiedidentifiertypes/grantagreementnumber"
DESCRIPTION_TYPE = "/dk/atira/pure/upmproject/descriptiontypes/upmproject/projectabstract"
TITLE_FORMS = ["{P}", "Towards {p}", "{P} ({A})", "{A}: {P}", "Next-generation {p}", "{P}"]


@dataclass(frozen=True, slots=True)
class ProjectCore:
    index: int
    uuid: str
    unit: Unit
    topic: vocab.Topic
    topic2: vocab.Topic | None
    title: str
    acronym: str | None
    created_ts: float
    modified_ts: float
    start: str
    end: str | None
    pi: int
    cois: tuple[int, ...]
    partners: tuple[int, ...]  # indexes into University.ext_orgs
    funders: tuple[int, ...]  # indexes into vocab.FUNDERS, one per award
    seed_bits: int
    planted: str | None = None  # why the realistic portfolio made this project risky, if it did


class ProjectFactory:
    def __init__(self, uni: University, count: int) -> None:
        self.uni = uni
        self.cfg = uni.cfg
        self.seed = uni.seed
        self.count = count
        raw = Random(stable_int(self.seed, "funding")).randbytes(count)
        # ~30% unfunded, ~55% one award, ~15% two awards (one cluster per funded project).
        layout = [0 if b < 77 else 1 if b < 218 else 2 for b in raw]
        self.award_start = array("l", accumulate(layout, initial=0))
        self.cluster_start = array("l", accumulate((1 if n else 0 for n in layout), initial=0))
        self.projects = LazySource(
            self.seed,
            "project",
            count,
            self._project,
            moved_kind="project-merged",
            has_previous=self.has_previous,
        )
        self.awards = LazySource(self.seed, "award", self.award_start[-1], self._award)
        self.clusters = LazySource(self.seed, "awardcluster", self.cluster_start[-1], self._cluster)
        self.core = lru_cache(maxsize=8192)(self._core)
        self.realistic = self.cfg.portfolio == "realistic"
        self.pools = realism.Pools.of(uni) if self.realistic else None
        self.units_by_topic: dict[str, list[Unit]] = {}
        for unit in uni.research_units:
            for key in unit.topics:
                self.units_by_topic.setdefault(key, []).append(unit)

    # ---- layout -----------------------------------------------------------------------
    def n_awards(self, i: int) -> int:
        return self.award_start[i + 1] - self.award_start[i]

    def has_previous(self, i: int) -> bool:
        return i % 211 == 17

    def project_of_award(self, a: int) -> int:
        return bisect_right(self.award_start, a) - 1

    def project_of_cluster(self, c: int) -> int:
        return bisect_right(self.cluster_start, c) - 1

    def modified_ts(self, i: int) -> float:
        u = self.uni
        return u.t_start + (u.t_end - u.t_start) * (i + 0.5) / max(self.count, 1)

    # ---- decisions --------------------------------------------------------------------
    def _core(self, i: int) -> ProjectCore:
        u = self.uni
        rng = Random(stable_int(self.seed, "project", i))
        unit = rng.choice(u.research_units)
        if rng.random() < 0.8:
            topic = vocab.TOPIC_BY_KEY[rng.choice(unit.topics)]
        else:
            topic = rng.choice(vocab.TOPICS)
        topic2 = rng.choice(vocab.TOPICS) if rng.random() < 0.3 else None
        if self.realistic:
            topic, topic2 = realism.topics(rng, topic, topic2)
        unit = self._unit_for(i, unit, topic)
        phrase = rng.choice(topic.phrases)
        words = [w for w in phrase.replace("-", " ").split() if len(w) > 3]
        acronym = "".join(w[0] for w in words[:6]).upper() if rng.random() < 0.55 else None
        form = rng.choice(TITLE_FORMS if acronym else TITLE_FORMS[:2])
        title = form.format(P=phrase[0].upper() + phrase[1:], p=phrase, A=acronym)
        modified = self.modified_ts(i)
        created = modified - rng.uniform(1, 500) * DAY
        start_ts = created + rng.randint(-60, 200) * DAY
        end = day(start_ts + rng.randint(1, 5) * 365 * DAY) if rng.random() < 0.96 else None
        per_unit = max(1, len(u.persons) // len(u.research_units))
        unit_pos = u.research_units.index(unit)
        pick = lambda pos: pos + len(u.research_units) * rng.randrange(per_unit)  # noqa: E731
        pi = pick(unit_pos)
        cois = tuple(pick(rng.randrange(len(u.research_units))) for _ in range(rng.randint(0, 3)))
        if self.realistic:
            drawn = realism.draw(rng, self.pools, self.n_awards(i), topic.sensitive)
            partners, funders, planted = drawn.partners, drawn.funders, drawn.planted
        else:
            (partners, funders), planted = self._stress_partners_and_funders(rng, i, topic), None
        if planted and end is not None:
            # A planted risk is a running collaboration: one that ended long before the
            # portfolio's date opens no case (ended_projects_quiet_after), and the demo's recall
            # measures what the committee is told. Not drawn from rng: the stream stays as it was.
            end = max(end, day(u.t_end + (3 + i % 3) * 365 * DAY))
        return ProjectCore(
            i, self.projects.uuid_at(i), unit, topic, topic2, title, acronym, created, modified,
            day(start_ts), end, pi, cois, partners, funders, rng.getrandbits(32), planted,
        )  # fmt: skip

    def _unit_for(self, i: int, drawn: Unit, topic: vocab.Topic) -> Unit:
        """A unit whose field covers the topic (no fusion reactors from Education): the one
        drawn if it does, else one that does, from a stream of its own so that every other
        draw, and with it the calibrated rates, stays as it was."""
        fitting = self.units_by_topic.get(topic.key)
        if not fitting or drawn in fitting:
            return drawn
        return Random(stable_int(self.seed, "project-unit", i)).choice(fitting)

    def _stress_partners_and_funders(
        self, rng: Random, i: int, topic: vocab.Topic
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The high-risk portfolio: real (mostly listed) partners on a third of sensitive
        projects' partner slots, foreign funders on about half the awards."""
        u = self.uni
        n_partners = rng.choices((0, 1, 2, 3, 4, 6), (25, 30, 20, 12, 8, 5))[0]
        real_share = 0.35 if topic.sensitive else 0.15
        partners: list[int] = []
        for _ in range(n_partners):
            r = rng.random()
            pool = (
                u.real_ext
                if r < real_share
                else u.company_ext
                if r < real_share + 0.2
                else u.academic_ext
            )
            p = rng.choice(pool)
            if p not in partners:
                partners.append(p)
        funders = tuple(
            rng.choices(
                range(len(vocab.FUNDERS)), (25, 12, 15, 8, 6, 6, 2, 2, 5, 3, 3, 2, 2, 2, 4, 3)
            )[0]
            for _ in range(self.n_awards(i))
        )
        return tuple(partners), funders

    def planted(self) -> dict[str, str]:
        """Project uuid -> why the generator made it risky (the realistic portfolio's ground
        truth; empty for the stress portfolio, where risk is everywhere by design)."""
        if not self.realistic:
            return {}
        return {c.uuid: c.planted for i in range(self.count) if (c := self.core(i)).planted}

    # ---- project ----------------------------------------------------------------------
    def _participant(self, person: int, role: str, term: str, pure_id: int) -> Record:
        u = self.uni
        return {
            "typeDiscriminator": "InternalParticipantAssociation",
            "pureId": pure_id,
            "name": u.person_name(person),
            "role": cls(ROLE + role, term, u.locale),
            "person": ref("Person", u.persons.uuid_at(person)),
            "organizations": [ref("Organization", u.person_unit(person).uuid)],
        }

    def _keyword_groups(self, c: ProjectCore, rng: Random) -> list[Record]:
        loc = self.uni.locale
        groups: list[Record] = []
        if rng.random() < 0.85:
            topics = [c.topic] + ([c.topic2] if c.topic2 and c.topic2 != c.topic else [])
            groups.append(
                {
                    "typeDiscriminator": "ClassificationsKeywordGroup",
                    "pureId": 900000 + c.index * 4,
                    "logicalName": "researchAreas",
                    "name": {loc: "Research areas"},
                    "classifications": [
                        cls(RESEARCH_AREA_URI + t.key, t.label, loc) for t in topics
                    ],
                }
            )
        if rng.random() < 0.7:
            words = rng.sample(c.topic.keywords, min(len(c.topic.keywords), rng.randint(1, 4)))
            if rng.random() < 0.3:  # researchers type keywords however they like
                words = [w.title() for w in words]
            groups.append(
                {
                    "typeDiscriminator": "FreeKeywordsKeywordGroup",
                    "pureId": 900001 + c.index * 4,
                    "logicalName": "keywordContainers",
                    "keywords": [{"locale": loc, "freeKeywords": words}],
                }
            )
        if rng.random() < 0.2:
            sdg = rng.choice(list(SDGS))
            groups.append(
                {
                    "typeDiscriminator": "FullKeywordGroup",
                    "pureId": 900002 + c.index * 4,
                    "logicalName": "sustainableDevelopmentGoals",
                    "keywordContainers": [
                        {
                            "structuredKeyword": cls(SDG_URI + sdg, SDGS[sdg], loc),
                            "freeKeywords": [],
                        }
                    ],
                }
            )
        if rng.random() < 0.02:  # a few were screened before
            level = rng.choice(("low", "medium", "high"))
            groups.append(
                {
                    "typeDiscriminator": "ClassificationsKeywordGroup",
                    "pureId": 900003 + c.index * 4,
                    "logicalName": "knowledgeSecurityRisk",
                    "classifications": [cls(KS_URI + level, level.capitalize(), loc)],
                }
            )
        return groups

    def _partner_places(
        self, c: ProjectCore, rng: Random, rec: Record, participants: list[Record]
    ) -> None:
        """Partners land in collaborators[], externalOrganizations[] and/or participants[]."""
        u = self.uni
        collaborators: list[Record] = []
        ext_refs: list[Record] = []
        for n, p in enumerate(c.partners):
            org = u.ext_orgs[p]
            org_ref = ref("ExternalOrganization", org["uuid"])
            r = rng.random()
            places = (
                "ce"
                if r < 0.45
                else "c"
                if r < 0.65
                else "e"
                if r < 0.8
                else "p"
                if r < 0.9
                else "cp"
            )
            if "c" in places:
                kind = "industry" if p in u.company_ext else "academic"
                collaborators.append(
                    {
                        "typeDiscriminator": "ExternalCollaboratorAssociation",
                        "pureId": 800000 + c.index * 8 + n,
                        "type": cls(COLLAB_TYPE + kind, kind.capitalize(), u.locale),
                        "leadCollaborator": n == 0 and rng.random() < 0.3,
                        "externalOrganization": org_ref,
                    }
                )
            if "e" in places:
                ext_refs.append(org_ref)
            if "p" in places:
                xp = u.external_person_for(p, rng)
                participants.append(
                    {
                        "typeDiscriminator": "ExternalParticipantAssociation",
                        "pureId": 850000 + c.index * 8 + n,
                        "name": u.external_persons.at(xp)["name"],
                        "role": cls(ROLE + "partner", "Partner", u.locale),
                        "externalPerson": ref("ExternalPerson", u.external_persons.uuid_at(xp)),
                        "externalOrganizations": [org_ref],
                    }
                )
        if collaborators:
            rec["collaborators"] = collaborators
        if ext_refs or rng.random() < 0.1:  # an empty list is a real shape too
            rec["externalOrganizations"] = ext_refs

    def _project(self, i: int) -> Record:
        c = self.core(i)
        u = self.uni
        loc = u.locale
        rng = Random(c.seed_bits)
        unit_ref = ref("Organization", c.unit.uuid)
        rec: Record = {
            "typeDiscriminator": self.cfg.project_type,
            "systemName": "Project",
            "pureId": 100000 + i,
            "uuid": c.uuid,
            "createdBy": "root",
            "createdDate": stamp(c.created_ts),
            "modifiedBy": rng.choice(("root", "pure-sync", "jdoe")),
            "modifiedDate": stamp(c.modified_ts),
            "version": version_hash(self.seed, c.uuid, 0),
            "title": {loc: c.title},
            "type": cls(
                PROJECT_TYPE + rng.choice(("research", "research", "contractresearch")), None
            ),
            "managingOrganization": unit_ref,
            "organizations": [unit_ref],
            "portalUrl": f"https://research.kvarn.example/en/projects/{c.uuid}",
        }
        if c.acronym:
            rec["acronym"] = c.acronym
        elif rng.random() < 0.3:
            rec["acronym"] = None
        if self.has_previous(i):
            rec["previousUuids"] = [make_uuid(self.seed, "project-merged", i)]
        if rng.random() < 0.95:
            rec["period"] = {"startDate": c.start, "endDate": c.end}
        participants = [self._participant(c.pi, "pi", "Principal Investigator", 600000 + i * 8)]
        for n, p in enumerate(c.cois):
            participants.append(self._participant(p, "coi", "Co-Investigator", 600001 + i * 8 + n))
            unit = ref("Organization", u.person_unit(p).uuid)
            if unit not in rec["organizations"]:
                rec["organizations"].append(unit)
        # Its own stream, so adding it left every other generated value as it was.
        co = Random(stable_int(self.seed, "comanaging", i))
        if co.random() < 0.12:
            rec["coManagingOrganizations"] = [ref("Organization", co.choice(u.research_units).uuid)]
        self._partner_places(c, rng, rec, participants)
        rec["participants"] = participants
        if rng.random() < 0.8:
            partners = len(c.partners)
            text = f"This project studies {c.title.lower()} with {partners} external partner(s)."
            rec["descriptions"] = [
                {"value": {loc: text}, "type": cls(DESCRIPTION_TYPE, "Abstract")}
            ]
        groups = self._keyword_groups(c, rng)
        if groups:
            rec["keywordGroups"] = groups
        if self.n_awards(i):
            cluster = self.clusters.uuid_at(self.cluster_start[i])
            rec["awardClusters"] = [ref("AwardCluster", cluster)]
            rec["identifiers"] = [
                {
                    "typeDiscriminator": "ClassifiedId",
                    "id": self.grant_number(i, 0),
                    "type": cls(GRANT_ID_TYPE, "Grant agreement number"),
                }
            ]
        if rng.random() < 0.97:
            rec["visibility"] = visibility(
                rng.choices(("FREE", "CAMPUS", "BACKEND"), (85, 8, 7))[0]
            )
        if rng.random() < 0.95:
            step = rng.choices(("approved", "forApproval", "entryInProgress"), (90, 6, 4))[0]
            rec["workflow"] = workflow(step)
        if rng.random() < 0.02:
            rec["curtailed"] = {"date": c.start, "reason": "Funding withdrawn"}
        return rec

    def grant_number(self, i: int, k: int) -> str:
        c = self.core(i)
        f = vocab.FUNDERS[c.funders[k]] if c.funders else None
        prefix = (f.acronym or "GR") if f else "GR"
        return f"{prefix}-{c.start[:4]}-{stable_int(self.seed, 'grant', i, k) % 1_000_000:06d}"

    # ---- awards and clusters ----------------------------------------------------------
    def _award(self, a: int) -> Record:
        i = self.project_of_award(a)
        k = a - self.award_start[i]
        c = self.core(i)
        u = self.uni
        loc = u.locale
        rng = Random(stable_int(self.seed, "award", a))
        funder = vocab.FUNDERS[c.funders[k]]
        funder_ref = ref("ExternalOrganization", u.ext_orgs[u.funder_ext[c.funders[k]]]["uuid"])
        eur = round(rng.lognormvariate(12.4, 0.9), -2)
        system = {"value": f"{eur:.2f}", "currency": self.cfg.system_currency}
        native = eur / vocab.EUR_PER[funder.currency]
        unit_ref = ref("Organization", c.unit.uuid)
        uuid = self.awards.uuid_at(a)
        funding: Record
        if rng.random() < 0.95:
            funding = {
                "typeDiscriminator": "AwardFinancialFundingAssociation",
                "pureId": 950000 + a,
                "funder": funder_ref,
                "fundingProjectScheme": rng.choice(funder.schemes),
                "awardedAmount": system,
                "awardedAmountInAwardedCurrency": {
                    "currency": funder.currency,
                    "value": f"{native:.2f}",
                },
            }
            if c.partners and rng.random() < 0.15:
                partner = u.ext_orgs[c.partners[0]]
                part = {"value": f"{eur * 0.2:.2f}", "currency": self.cfg.system_currency}
                funding["fundingCollaborators"] = [
                    {
                        "typeDiscriminator": "AwardExternalFinancialFundingCollaboratorAssociation",
                        "collaborator": ref("ExternalOrganization", partner["uuid"]),
                        "institutionalPart": part,
                    }
                ]
        else:
            funding = {
                "typeDiscriminator": "AwardNonFinancialFundingAssociation",
                "pureId": 950000 + a,
                "funder": funder_ref,
                "description": "Beam time and equipment access",
                "estimatedValue": system,
            }
        # An own unit as funding collaborator (the spec's AwardInternal*FundingCollaborator
        # Association): the project's unit, or another one co-funding it (then one of the
        # project's units too). Its own stream, so the rest of the data stays as it was.
        co = Random(stable_int(self.seed, "internal-collaborator", a))
        if co.random() < INTERNAL_SHARE:
            kind = funding["typeDiscriminator"].removeprefix("Award").removesuffix("Association")
            other = co.choice(u.research_units)
            funding.setdefault("fundingCollaborators", []).append(
                {
                    "typeDiscriminator": f"AwardInternal{kind.removesuffix('Funding')}"
                    "FundingCollaboratorAssociation",
                    "collaborator": unit_ref
                    if co.random() < 0.5
                    else ref("Organization", other.uuid),
                }
            )
        pi = c.pi
        rec: Record = {
            "typeDiscriminator": self.cfg.award_type,
            "systemName": "Award",
            "pureId": 500000 + a,
            "uuid": uuid,
            "createdBy": "root",
            "createdDate": stamp(c.created_ts - 20 * DAY),
            "modifiedBy": "root",
            "modifiedDate": stamp(c.modified_ts + 60),
            "version": version_hash(self.seed, uuid, 0),
            "title": {loc: c.title if k == 0 else f"{c.title} (supplement)"},
            "type": cls(AWARD_TYPE + "research", "Research", loc),
            "awardDate": day(c.created_ts - 30 * DAY),
            "managingOrganization": unit_ref,
            "organizations": [unit_ref],
            "fundings": [funding],
            "awardHolders": [
                {
                    "typeDiscriminator": "InternalAwardHolderAssociation",
                    "pureId": 960000 + a,
                    "name": u.person_name(pi),
                    "role": cls(
                        "/dk/atira/pure/award/roles/award/pi", "Principal Investigator", loc
                    ),
                    "person": ref("Person", u.persons.uuid_at(pi)),
                    "organizations": [unit_ref],
                }
            ],
            "identifiers": [
                {
                    "typeDiscriminator": "ClassifiedId",
                    "id": self.grant_number(i, k),
                    "type": cls(GRANT_ID_TYPE, "Grant agreement number"),
                }
            ],
            "totalAwardedAmount": system,
            "cluster": ref("AwardCluster", self.clusters.uuid_at(self.cluster_start[i])),
            # The funding application it came from (simulator/applications.py: one per cluster).
            "applications": [
                ref("Application", application_uuid(self.seed, self.cluster_start[i]))
            ],
            "visibility": visibility("FREE"),
        }
        if c.end and rng.random() < 0.9:
            rec["actualPeriod"] = {"startDate": c.start, "endDate": c.end}
        if c.partners and rng.random() < 0.5:
            rec["externalOrganizations"] = [
                ref("ExternalOrganization", u.ext_orgs[p]["uuid"]) for p in c.partners
            ]
        return rec

    def _cluster(self, cl: int) -> Record:
        i = self.project_of_cluster(cl)
        c = self.core(i)
        uuid = self.clusters.uuid_at(cl)
        return {
            "pureId": 550000 + cl,
            "uuid": uuid,
            "createdDate": stamp(c.created_ts - 20 * DAY),
            "modifiedDate": stamp(c.modified_ts + 30),
            "version": version_hash(self.seed, uuid, 0),
            "title": c.title,
            "containedAwards": [
                ref("Award", self.awards.uuid_at(a))
                for a in range(self.award_start[i], self.award_start[i + 1])
            ],
            "project": ref("Project", c.uuid),
            "systemName": "AwardCluster",
        }
