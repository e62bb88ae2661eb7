"""Lazy research outputs (journal articles with partner co-authors) and activities (visits).

Output j is written in project 2j; activity j is a visit hosted for project 10j. Both reuse
the project's core, so co-authors and visitors come from the project's partners.
"""

from __future__ import annotations

from random import Random

from .ids import make_uuid, stable_int, version_hash
from .projectgen import ProjectFactory
from .shapes import DAY, cls, ref, stamp, visibility, workflow
from .sources import LazySource, Record

RO_TYPE = "/dk/atira/pure/researchoutput/researchoutputtypes/contributiontojournal/article"
RO_CATEGORY = "/dk/atira/pure/researchoutput/category/academic"
ACTIVITY_TYPE = "/dk/atira/pure/activity/activitytypes/hostvisitor/research"


class OutputFactory:
    def __init__(self, pf: ProjectFactory) -> None:
        self.pf = pf
        self.uni = pf.uni
        self.seed = pf.seed
        self.outputs = LazySource(self.seed, "output", pf.count // 2, self._output)
        self.activities = LazySource(self.seed, "activity", pf.count // 10, self._activity)

    def _output(self, j: int) -> Record:
        c = self.pf.core(2 * j)
        u = self.uni
        loc = u.locale
        rng = Random(stable_int(self.seed, "output", j))
        uuid = self.outputs.uuid_at(j)
        unit_ref = ref("Organization", c.unit.uuid)
        contributors: list[Record] = [
            {
                "typeDiscriminator": "InternalContributorAssociation",
                "pureId": 1_100_000 + j * 4,
                "name": u.person_name(c.pi),
                "role": cls("/dk/atira/pure/researchoutput/roles/contributiontojournal/author"),
                "person": ref("Person", u.persons.uuid_at(c.pi)),
                "organizations": [unit_ref],
            }
        ]
        for n, p in enumerate(c.partners[:2]):
            xp = u.external_person_for(p, rng)
            org = ref("ExternalOrganization", u.ext_orgs[p]["uuid"])
            contributors.append(
                {
                    "typeDiscriminator": "ExternalContributorAssociation",
                    "pureId": 1_100_001 + j * 4 + n,
                    "name": u.external_persons.at(xp)["name"],
                    "role": cls("/dk/atira/pure/researchoutput/roles/contributiontojournal/author"),
                    "externalPerson": ref("ExternalPerson", u.external_persons.uuid_at(xp)),
                    "externalOrganizations": [org],
                }
            )
        year = int(c.start[:4]) + 1
        rec: Record = {
            "typeDiscriminator": "ContributionToJournal",
            "systemName": "ResearchOutput",
            "pureId": 1_000_000 + j,
            "uuid": uuid,
            "createdDate": stamp(c.modified_ts + 10 * DAY),
            "modifiedDate": stamp(c.modified_ts + 11 * DAY),
            "version": version_hash(self.seed, uuid, 0),
            "title": {"value": f"Results on {c.title[0].lower()}{c.title[1:]}"},
            "type": cls(RO_TYPE, "Article", loc),
            "category": cls(RO_CATEGORY, "Research", loc),
            "language": cls("/dk/atira/pure/core/languages/en_GB", "English", loc),
            "publicationStatuses": [
                {
                    "current": True,
                    "publicationStatus": cls(
                        "/dk/atira/pure/researchoutput/status/published", "Published", loc
                    ),
                    "publicationDate": {"year": year, "month": rng.randint(1, 12)},
                }
            ],
            "contributors": contributors,
            "managingOrganization": unit_ref,
            "organizations": [unit_ref],
            "journalAssociation": {
                "journal": ref("Journal", make_uuid(self.seed, "journal", j % 97))
            },
            "projects": [{"project": ref("Project", c.uuid)}],
            "visibility": visibility("FREE"),
            "workflow": workflow("approved"),
            # Pure's portal shows research outputs under /publications (real records'
            # portalUrl, e.g. data/real/pure-umn-524/research_output/*.json), not /projects
            "portalUrl": f"https://research.kvarn.example/en/publications/{uuid}",
        }
        if len(contributors) > 1:
            rec["externalOrganizations"] = [
                ref("ExternalOrganization", u.ext_orgs[p]["uuid"]) for p in c.partners[:2]
            ]
        return rec

    def _activity(self, j: int) -> Record:
        i = 10 * j
        c = self.pf.core(i)
        u = self.uni
        rng = Random(stable_int(self.seed, "activity", j))
        uuid = self.activities.uuid_at(j)
        unit_ref = ref("Organization", c.unit.uuid)
        start = int(c.start[:4])
        rec: Record = {
            "typeDiscriminator": "HostVisitor",
            "systemName": "Activity",
            "pureId": 1_200_000 + j,
            "uuid": uuid,
            "createdDate": stamp(c.modified_ts + 5 * DAY),
            "modifiedDate": stamp(c.modified_ts + 6 * DAY),
            "version": version_hash(self.seed, uuid, 0),
            "type": cls(ACTIVITY_TYPE, "Hosting a visitor", u.locale),
            "period": {
                "startDate": {"year": start, "month": rng.randint(1, 12)},
                "endDate": {"year": start + 1},
            },
            "managingOrganization": unit_ref,
            "organizations": [unit_ref],
            "persons": [
                {
                    "typeDiscriminator": "InternalActivityPersonAssociation",
                    "name": u.person_name(c.pi),
                    "role": cls("/dk/atira/pure/activity/roles/hostvisitor/host", "Host", u.locale),
                    "person": ref("Person", u.persons.uuid_at(c.pi)),
                    "organizations": [unit_ref],
                }
            ],
            "projects": [{"project": ref("Project", c.uuid)}],
            "visibility": visibility("BACKEND"),
        }
        if c.partners:
            p = c.partners[0]
            xp = u.external_person_for(p, rng)
            visitor: Record = {
                "externalPerson": ref("ExternalPerson", u.external_persons.uuid_at(xp)),
                "externalOrganizations": [ref("ExternalOrganization", u.ext_orgs[p]["uuid"])],
            }
            country = (u.ext_orgs[p].get("address") or {}).get("country")
            if country:
                visitor["country"] = country
            rec["visitors"] = [visitor]
        return rec
