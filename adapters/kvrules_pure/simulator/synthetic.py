"""The deterministic synthetic university: units, partners, funders, people, vocabularies.

Small pools (units, external organisations, keyword configurations) are built eagerly; people
are built lazily from their index (see sources.LazySource). Projects and awards live in
projectgen.py. Everything derives from the seed, so a seed always yields the same instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from random import Random
from typing import Any

from kvrules.testing.simulator import RealOrg

from . import vocab
from .config import SimulatorConfig
from .ids import make_uuid, stable_int, version_hash
from .realorgs import OrgVariant, load_real_orgs, variants_for
from .shapes import DAY, cls, day, epoch, ref, stamp, visibility, workflow
from .sources import LazySource, Record

ORG_TYPE = "/dk/atira/pure/organisation/organisationtypes/organisation/"
RESEARCH_AREA_URI = "/dk/atira/pure/keywords/researchareas/"
KS_URI = "/dk/atira/pure/keywords/knowledgesecurity/"
SDG_URI = "/dk/atira/pure/sustainabledevelopmentgoals/"
SDGS = {"sdg_7": "Affordable and Clean Energy", "sdg_3": "Good Health and Well-being",
        "sdg_9": "Industry, Innovation, and Infrastructure", "sdg_13": "Climate Action",
        "sdg_16": "Peace, Justice and Strong Institutions"}  # fmt: skip


@dataclass(frozen=True)
class KeywordConfig:
    pure_id: int
    logical_name: str
    group_type: str
    name: str
    scheme_uuid: str | None
    classifications: tuple[tuple[str, str], ...]  # (uri, term)
    allow_user_defined: bool

    def allowed_uris(self) -> set[str]:
        return {uri for uri, _ in self.classifications}

    def as_json(self, locale: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "pureId": self.pure_id,
            "targetSystemName": "Project",
            "keywordGroupType": self.group_type,
            "name": {locale: self.name},
            "allowUserdefinedKeywords": self.allow_user_defined,
            "limitToLeafSelection": True,
            "logicalName": self.logical_name,
        }
        if self.scheme_uuid:
            out["classificationScheme"] = ref("ClassificationScheme", self.scheme_uuid)
        return out


@dataclass(frozen=True)
class Unit:
    index: int
    uuid: str
    name: str
    kind: str  # university | faculty | department | researchinstitute
    parent: int | None
    topics: tuple[str, ...]


class University:
    """Eager pools and lazy people for one seed."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.cfg = config
        self.seed = config.seed
        self.locale = config.locale
        self.t_end = epoch(config.as_of)
        self.t_start = self.t_end - 6.5 * 365 * DAY
        self.units = self._build_units()
        self.research_units = [u for u in self.units if u.topics]
        self.organizations = [self._organization(u) for u in self.units]
        self.ext_orgs: list[Record] = []
        self.real_ext: list[int] = []  # ext-org pool indexes, by category
        self.academic_ext: list[int] = []
        self.company_ext: list[int] = []
        self.funder_ext: list[int] = []
        # What the generator knows and a RIS record may not say: the true country of every
        # partner record and the real organisation behind each real-name variant.
        self.ext_country: dict[int, str] = {}
        self.real_org_of: dict[int, RealOrg] = {}
        self._build_external_orgs()
        self.keyword_configs = self._build_keyword_configs()
        n = max(config.projects, 1)
        self.person_name = lru_cache(maxsize=65536)(self.person_name)  # type: ignore[method-assign]
        self.persons = LazySource(self.seed, "person", max(60, n // 5), self._person)
        # External person j works at external organisation j % len(ext_orgs).
        per_org = max(2, n // (4 * len(self.ext_orgs)) + 1)
        self.external_persons = LazySource(
            self.seed, "extperson", per_org * len(self.ext_orgs), self._external_person
        )

    # ---- internal units -------------------------------------------------------------
    def _build_units(self) -> list[Unit]:
        units: list[Unit] = []

        def add(name: str, kind: str, parent: int | None, topics: tuple[str, ...] = ()) -> int:
            units.append(
                Unit(
                    len(units), make_uuid(self.seed, "org", len(units)), name, kind, parent, topics
                )
            )
            return len(units) - 1

        root = add(self.cfg.university_name, "university", None)
        for faculty, departments in vocab.UNITS.items():
            f = add(faculty, "faculty", root)
            for dept, topics in departments.items():
                add(dept, "department", f, topics)
        for institute, topics in vocab.INSTITUTES.items():
            add(institute, "researchinstitute", root, topics)
        return units

    def _organization(self, unit: Unit) -> Record:
        rng = Random(stable_int(self.seed, "org", unit.index))
        rec: Record = {
            "pureId": 1000 + unit.index,
            "uuid": unit.uuid,
            "createdBy": "root",
            "createdDate": stamp(self.t_start - 400 * DAY),
            "modifiedBy": "root",
            "modifiedDate": stamp(self.t_start - 300 * DAY + unit.index * 60),
            "version": version_hash(self.seed, unit.uuid, 0),
            "name": {self.locale: unit.name},
            "type": cls(ORG_TYPE + unit.kind, unit.kind.capitalize(), self.locale),
            "lifecycle": {"startDate": "1961-09-01"},
            "visibility": visibility("FREE"),
            "systemName": "Organization",
        }
        if unit.parent is not None:
            rec["parents"] = [ref("Organization", self.units[unit.parent].uuid)]
        if rng.random() < 0.6:
            short = "".join(w[0] for w in unit.name.split() if w[0].isupper())
            rec["nameVariants"] = [
                {
                    "value": {self.locale: short},
                    "type": cls("/dk/atira/pure/organisation/namevariants/shortname", "Short name"),
                }
            ]
        if rng.random() < 0.7:
            rec["addresses"] = [
                {
                    "addressType": cls("/dk/atira/pure/organisation/addresstypes/postal", "Postal"),
                    "city": "Kvarn",
                    "country": cls(vocab.COUNTRY_URI + "nl", "Netherlands"),
                }
            ]
        return rec

    # ---- external organisations -------------------------------------------------------
    def _add_ext(self, rec: Record, bucket: list[int]) -> int:
        idx = len(self.ext_orgs)
        rec["uuid"] = make_uuid(self.seed, "extorg", idx)
        rec["pureId"] = 200000 + idx
        rec.setdefault("createdBy", "root")
        rec["createdDate"] = stamp(self.t_start - 200 * DAY + idx * 97)
        rec["modifiedBy"] = "root"
        rec["modifiedDate"] = stamp(self.t_start - 100 * DAY + idx * 61)
        rec["version"] = version_hash(self.seed, rec["uuid"], 0)
        rec["systemName"] = "ExternalOrganization"
        self.ext_orgs.append(rec)
        bucket.append(idx)
        return idx

    def _ext_base(self, name: str, kind: str, country: str | None, rng: Random) -> Record:
        rec: Record = {
            "name": {self.locale: name},
            "type": cls(vocab.EXT_ORG_TYPE + kind, vocab.EXT_ORG_TYPES[kind], self.locale),
        }
        if country is not None:
            city = rng.choice(vocab.CITIES[country]) if country in vocab.CITIES else None
            address: Record = {
                "country": cls(vocab.COUNTRY_URI + country, vocab.COUNTRIES[country])
            }
            if city and rng.random() < 0.8:
                address["city"] = city
            rec["address"] = address
        if rng.random() < 0.9:
            rec["workflow"] = workflow("approved" if rng.random() < 0.85 else "forApproval")
        if rng.random() < 0.9:
            rec["visibility"] = visibility("FREE")
        return rec

    def _ror_value(self, ror_id: str, rng: Random) -> str:
        style = self.cfg.ror_value_style
        bare = ror_id.rsplit("/", 1)[-1]
        if style == "bare" or (style == "mixed" and rng.random() < 0.5):
            return bare
        return ror_id

    def _real_variant(self, v: OrgVariant, canonical: dict[str, int], rng: Random) -> None:
        rec = self._ext_base(v.name, "academic", v.country, rng)
        if v.with_ror:
            rec["identifiers"] = [
                {
                    "typeDiscriminator": "ClassifiedId",
                    "id": self._ror_value(v.org.ror_id, rng),
                    "type": cls(self.cfg.ror_type_uri, "ROR ID", self.locale),
                }
            ]
        if v.acronym:
            rec["acronym"] = v.acronym
        if v.alternative_names:
            rec["alternativeNames"] = list(v.alternative_names)
        if v.subunit_of_canonical and v.org.ror_id in canonical:
            parent = self.ext_orgs[canonical[v.org.ror_id]]
            rec["parent"] = ref("ExternalOrganization", parent["uuid"])
        idx = self._add_ext(rec, self.real_ext)
        self.real_org_of[idx] = v.org
        self.ext_country[idx] = v.org.country.lower()
        if v.kind == "canonical":
            canonical[v.org.ror_id] = idx
            # A few canonical records absorbed a duplicate: the old uuid answers 301.
            if len(canonical) <= 6:
                rec["previousUuids"] = [make_uuid(self.seed, "extorg-merged", len(canonical))]

    def _build_external_orgs(self) -> None:
        rng = Random(stable_int(self.seed, "extorgs"))
        canonical: dict[str, int] = {}
        for org in load_real_orgs():
            for v in variants_for(org, rng):
                self._real_variant(v, canonical, rng)
        countries = list(vocab.CITIES)
        for i in range(240):
            cc = countries[i % len(countries)]
            name = rng.choice(vocab.PARTNER_PATTERNS).format(city=rng.choice(vocab.CITIES[cc]))
            with_country = cc if rng.random() < 0.9 else None
            idx = self._add_ext(
                self._ext_base(name, "academic", with_country, rng), self.academic_ext
            )
            self.ext_country[idx] = cc
        for i in range(90):
            cc = countries[(i * 7) % len(countries)]
            name = rng.choice(vocab.COMPANY_PATTERNS).format(stem=rng.choice(vocab.COMPANY_STEMS))
            suffix = vocab.COMPANY_SUFFIX.get(cc)
            name = f"{name} {suffix}" if suffix else name
            idx = self._add_ext(self._ext_base(name, "corporate", cc, rng), self.company_ext)
            self.ext_country[idx] = cc
        for f in vocab.FUNDERS:
            rec = self._ext_base(f.name, f.kind, f.country, rng)
            if f.acronym:
                rec["acronym"] = f.acronym
            self._add_ext(rec, self.funder_ext)

    # ---- keyword group configurations ------------------------------------------------
    def _build_keyword_configs(self) -> list[KeywordConfig]:
        areas = tuple((RESEARCH_AREA_URI + t.key, t.label) for t in vocab.TOPICS)
        levels = ("none", "low", "medium", "high")
        risk = tuple((KS_URI + lv, lv.capitalize()) for lv in levels)
        sdgs = tuple((SDG_URI + k, v) for k, v in SDGS.items())
        scheme = lambda name: make_uuid(self.seed, "scheme", stable_int(0, name) % 10_000)  # noqa: E731
        return [
            KeywordConfig(5001, "researchAreas", "ClassificationsKeywordGroup", "Research areas",
                          scheme("areas"), areas, False),
            KeywordConfig(5002, "keywordContainers", "FreeKeywordsKeywordGroup", "Keywords",
                          None, (), True),
            KeywordConfig(5003, "sustainableDevelopmentGoals", "FullKeywordGroup",
                          "Sustainable Development Goals", scheme("sdg"), sdgs, True),
            KeywordConfig(5004, "knowledgeSecurityRisk", "ClassificationsKeywordGroup",
                          "Knowledge security", scheme("ks"), risk, False),
        ]  # fmt: skip

    def keyword_config(self, pure_id: int) -> KeywordConfig | None:
        return next((c for c in self.keyword_configs if c.pure_id == pure_id), None)

    # ---- people -----------------------------------------------------------------------
    def person_unit(self, index: int) -> Unit:
        return self.research_units[index % len(self.research_units)]

    def person_name(self, index: int) -> dict[str, str]:
        h = stable_int(self.seed, "pname", index)
        return {
            "firstName": vocab.FIRST_NAMES[h % len(vocab.FIRST_NAMES)],
            "lastName": vocab.LAST_NAMES[(h >> 16) % len(vocab.LAST_NAMES)],
        }

    def _person(self, index: int) -> Record:
        rng = Random(stable_int(self.seed, "person", index))
        uuid = self.persons.uuid_at(index)
        unit = self.person_unit(index)
        start = day(self.t_start - rng.randrange(0, 3000) * DAY)
        assoc: Record = {
            "typeDiscriminator": "StaffOrganizationAssociation",
            "pureId": 700000 + index,
            "organization": ref("Organization", unit.uuid),
            "period": {"startDate": start},
            "primaryAssociation": True,
        }
        rec: Record = {
            "pureId": 300000 + index,
            "uuid": uuid,
            "createdBy": "root",
            "createdDate": stamp(self.t_start - 300 * DAY),
            "modifiedBy": "root",
            "modifiedDate": stamp(self.t_start - 250 * DAY + index * 13),
            "version": version_hash(self.seed, uuid, 0),
            "name": self.person_name(index),
            "staffOrganizationAssociations": [assoc],
            "visibility": visibility("FREE"),
            "systemName": "Person",
        }
        if rng.random() < 0.45:
            d = [rng.randrange(10_000) for _ in range(3)]
            rec["orcid"] = f"0000-000{rng.randrange(1, 4)}-{d[0]:04d}-{d[1]:04d}"
            rec["orcidAuthenticated"] = rng.random() < 0.5
        if rng.random() < 0.8:
            rec["workflow"] = workflow("approved")
        return rec

    def external_person_org(self, index: int) -> int:
        return index % len(self.ext_orgs)

    def external_person_for(self, org_index: int, rng: Random) -> int:
        per_org = len(self.external_persons) // len(self.ext_orgs)
        return org_index + len(self.ext_orgs) * rng.randrange(per_org)

    def _external_person(self, index: int) -> Record:
        uuid = self.external_persons.uuid_at(index)
        org = self.ext_orgs[self.external_person_org(index)]
        h = stable_int(self.seed, "xname", index)
        rec: Record = {
            "pureId": 400000 + index,
            "uuid": uuid,
            "createdDate": stamp(self.t_start - 90 * DAY),
            "modifiedDate": stamp(self.t_start - 80 * DAY + index * 7),
            "version": version_hash(self.seed, uuid, 0),
            "name": {
                "firstName": vocab.FIRST_NAMES[h % len(vocab.FIRST_NAMES)],
                "lastName": vocab.LAST_NAMES[(h >> 20) % len(vocab.LAST_NAMES)],
            },
            "externalOrganizations": [ref("ExternalOrganization", org["uuid"])],
            "systemName": "ExternalPerson",
        }
        country = (org.get("address") or {}).get("country")
        if country and h % 3:
            rec["country"] = country
        return rec
