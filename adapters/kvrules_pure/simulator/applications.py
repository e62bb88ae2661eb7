"""Lazy synthetic funding applications and their application clusters (Pure API 5.35).

Application j < ``awarded`` is the one behind funded project ``project_of_cluster(j)``: the
same unit, partners and funders, the amounts applied for, and the spec's links onward: its
awards (``awards``, and ``Award.applications`` back) and its application cluster, whose
``project`` is the project that followed. The applications after those are still pending or
were rejected: proposals for some of the unfunded projects' topics, with no links.

``award`` (below) is what Pure does when the grant office records a pending application as
awarded: an award, an award cluster and a project appear, linked to it (tests of the hand-over
of a case from application to project use it).
"""

from __future__ import annotations

import copy
import time
from random import Random
from typing import TYPE_CHECKING

from . import vocab
from .ids import make_uuid, stable_int, version_hash
from .shapes import DAY, cls, day, ref, stamp, workflow
from .sources import LazySource, Record

if TYPE_CHECKING:
    from .projectgen import ProjectCore, ProjectFactory

APPLICATION_TYPE = "/dk/atira/pure/application/applicationtypes/application/"
APPLICANT_ROLE = "/dk/atira/pure/application/roles/application/"
STATUS_URI = "/dk/atira/pure/application/status/"
COLLAB_TYPE = "/dk/atira/pure/application/collaboratortypes/application/"
INTERNAL_FUNDING_COLLABORATOR = "ApplicationInternalFinancialFundingCollaboratorAssociation"
KIND = "application"  # the uuid family of applications (Award.applications refers to them)
PENDING_EVERY = 3  # one unfunded project in this many has a pending or rejected application


def application_uuid(seed: int, index: int) -> str:
    return make_uuid(seed, KIND, index)


class ApplicationFactory:
    def __init__(self, pf: ProjectFactory) -> None:
        self.pf = pf
        self.seed = pf.seed
        self.awarded = pf.cluster_start[-1]  # one application per funded project
        unfunded = [i for i in range(pf.count) if pf.n_awards(i) == 0]
        self.pending = unfunded[::PENDING_EVERY]
        count = self.awarded + len(self.pending)
        self.applications = LazySource(self.seed, KIND, count, self._application)
        self.clusters = LazySource(self.seed, "applicationcluster", self.awarded, self._cluster)
        self.basic = pf.cfg.project_type == "BasicProject"

    def project_of(self, j: int) -> int:
        return self.pf.project_of_cluster(j) if j < self.awarded else self.pending[j - self.awarded]

    # ---- records ----------------------------------------------------------------------
    def _funding(self, c: ProjectCore, funder_index: int, rng: Random, pure_id: int) -> Record:
        u = self.pf.uni
        funder = vocab.FUNDERS[funder_index]
        eur = round(rng.lognormvariate(12.4, 0.9), -2)
        native = eur / vocab.EUR_PER[funder.currency]
        funding: Record = {
            "typeDiscriminator": "ApplicationFinancialFundingAssociation",
            "pureId": pure_id,
            "funder": ref("ExternalOrganization", u.ext_orgs[u.funder_ext[funder_index]]["uuid"]),
            "fundingProjectScheme": rng.choice(funder.schemes),
            "appliedAmount": {"value": f"{eur:.2f}", "currency": self.pf.cfg.system_currency},
            "appliedAmountInAppliedCurrency": {
                "currency": funder.currency,
                "value": f"{native:.2f}",
            },
        }
        if rng.random() < 0.1:  # one of the institution's own units co-funds (the spec allows it)
            funding["fundingCollaborators"] = [
                {
                    "typeDiscriminator": INTERNAL_FUNDING_COLLABORATOR,
                    "collaborator": ref("Organization", c.unit.uuid),
                }
            ]
        return funding

    def _application(self, j: int) -> Record:
        pf, u = self.pf, self.pf.uni
        i = self.project_of(j)
        c = pf.core(i)
        loc = u.locale
        rng = Random(stable_int(self.seed, KIND, j))
        uuid = self.applications.uuid_at(j)
        unit_ref = ref("Organization", c.unit.uuid)
        submitted_ts = c.created_ts - rng.randint(60, 200) * DAY
        funders = c.funders or (rng.randrange(len(vocab.FUNDERS)),)
        rec: Record = {
            "typeDiscriminator": "BasicApplication" if self.basic else "AwardManagementApplication",
            "systemName": "Application",
            "pureId": 700000 + j,
            "uuid": uuid,
            "createdBy": "root",
            "createdDate": stamp(submitted_ts - 30 * DAY),
            "modifiedBy": "root",
            "modifiedDate": stamp(submitted_ts + (40 * DAY if j < self.awarded else DAY)),
            "version": version_hash(self.seed, uuid, 0),
            "title": {loc: c.title},
            "type": cls(APPLICATION_TYPE + "research", "Research", loc),
            "managingOrganization": unit_ref,
            "organizations": [unit_ref],
            "applicationDate": day(submitted_ts),
            "expectedPeriod": {"startDate": c.start, "endDate": c.end},
            "applicants": [
                {
                    "typeDiscriminator": "InternalApplicantAssociation",
                    "pureId": 710000 + j,
                    "name": u.person_name(c.pi),
                    "role": cls(APPLICANT_ROLE + "pi", "Principal Investigator", loc),
                    "person": ref("Person", u.persons.uuid_at(c.pi)),
                    "organizations": [unit_ref],
                }
            ],
            "fundings": [
                self._funding(c, f, rng, 720000 + j * 4 + k) for k, f in enumerate(funders)
            ],
            "workflow": workflow("approved" if j < self.awarded else rng.choice(
                ("approved", "forApproval")
            )),
        }  # fmt: skip
        if c.partners:
            rec["collaborators"] = [
                {
                    "typeDiscriminator": "ExternalCollaboratorAssociation",
                    "pureId": 730000 + j * 8 + n,
                    "type": cls(COLLAB_TYPE + "academic", "Academic", loc),
                    "leadCollaborator": n == 0,
                    "externalOrganization": ref("ExternalOrganization", u.ext_orgs[p]["uuid"]),
                }
                for n, p in enumerate(c.partners)
            ]
        groups = pf._keyword_groups(c, Random(stable_int(self.seed, "application-keywords", j)))
        if groups:
            rec["keywordGroups"] = groups
        status = "submitted"
        if j < self.awarded:
            status = "awarded"
            rec["awards"] = [
                ref("Award", pf.awards.uuid_at(a))
                for a in range(pf.award_start[i], pf.award_start[i + 1])
            ]
            rec["cluster"] = ref("ApplicationCluster", self.clusters.uuid_at(j))
        elif rng.random() < 0.4:
            status = "rejected"
        set_status(rec, status, submitted_ts + 40 * DAY)
        return rec

    def _cluster(self, j: int) -> Record:
        i = self.project_of(j)
        c = self.pf.core(i)
        uuid = self.clusters.uuid_at(j)
        return {
            "pureId": 740000 + j,
            "uuid": uuid,
            "createdDate": stamp(c.created_ts - 20 * DAY),
            "modifiedDate": stamp(c.modified_ts + 30),
            "version": version_hash(self.seed, uuid, 0),
            "title": c.title,
            "containedApplications": [ref("Application", self.applications.uuid_at(j))],
            "project": ref("Project", c.uuid),
            "status": "AWARDED",
            "systemName": "ApplicationCluster",
        }


def award(application: Record, seed: int, now: float | None = None) -> dict[str, Record]:
    """The records Pure holds once ``application`` is awarded: the award (its fundings are the
    ones applied for, ``applications`` links back), the award cluster, the project (same
    title, units, partners and keywords) and the application cluster, plus the application
    now linking them. Keyed by collection; uuids derive from the application's."""
    now = time.time() if now is None else now
    a = copy.deepcopy(application)
    uuid = a["uuid"]
    ids = {k: make_uuid(seed, f"awarded-{k}", stable_int(seed, uuid) & 0xFFFFFF) for k in (
        "award", "award-cluster", "project", "application-cluster"
    )}  # fmt: skip
    fundings = []
    for f in a.get("fundings") or []:
        funding = {
            "typeDiscriminator": "AwardFinancialFundingAssociation",
            "funder": f.get("funder"),
            "fundingProjectScheme": f.get("fundingProjectScheme"),
            "awardedAmount": f.get("appliedAmount"),
            "awardedAmountInAwardedCurrency": f.get("appliedAmountInAppliedCurrency"),
        }
        fundings.append({k: v for k, v in funding.items() if v is not None})
    stamped = {"createdDate": stamp(now), "modifiedDate": stamp(now), "createdBy": "grants"}
    award_rec: Record = {
        "typeDiscriminator": "AwardManagementAward",
        "systemName": "Award",
        "uuid": ids["award"],
        "version": version_hash(seed, ids["award"], 0),
        **stamped,
        "title": a["title"],
        "type": cls("/dk/atira/pure/award/awardtypes/award/research", "Research"),
        "awardDate": day(now),
        "managingOrganization": a["managingOrganization"],
        "organizations": a["organizations"],
        "fundings": fundings,
        "applications": [ref("Application", uuid)],
        "cluster": ref("AwardCluster", ids["award-cluster"]),
    }
    project: Record = {
        "typeDiscriminator": "AwardManagementProject",
        "systemName": "Project",
        "uuid": ids["project"],
        "version": version_hash(seed, ids["project"], 0),
        **stamped,
        "title": a["title"],
        "type": cls("/dk/atira/pure/upmproject/upmprojecttypes/upmproject/research", None),
        "managingOrganization": a["managingOrganization"],
        "organizations": a["organizations"],
        "period": a.get("expectedPeriod"),
        "collaborators": a.get("collaborators") or [],
        "keywordGroups": a.get("keywordGroups") or [],
        "awardClusters": [ref("AwardCluster", ids["award-cluster"])],
        "applicationClusters": [ref("ApplicationCluster", ids["application-cluster"])],
        "workflow": workflow("approved"),
    }
    award_cluster: Record = {
        "uuid": ids["award-cluster"],
        "version": version_hash(seed, ids["award-cluster"], 0),
        "title": text_of(a["title"]),
        "containedAwards": [ref("Award", ids["award"])],
        "project": ref("Project", ids["project"]),
        "systemName": "AwardCluster",
    }
    application_cluster: Record = {
        "uuid": ids["application-cluster"],
        "version": version_hash(seed, ids["application-cluster"], 0),
        "title": text_of(a["title"]),
        "containedApplications": [ref("Application", uuid)],
        "project": ref("Project", ids["project"]),
        "status": "AWARDED",
        "dateOfStatusChange": day(now),
        "systemName": "ApplicationCluster",
    }
    a["awards"] = [ref("Award", ids["award"])]
    a["cluster"] = ref("ApplicationCluster", ids["application-cluster"])
    set_status(a, "awarded", now)
    return {
        "awards": award_rec,
        "award-clusters": award_cluster,
        "projects": project,
        "application-clusters": application_cluster,
        "applications": a,
    }


def set_status(rec: Record, status: str, ts: float) -> None:
    """Where the application stands: BasicApplication keeps a status history,
    AwardManagementApplication a date per step."""
    if rec.get("typeDiscriminator") == "BasicApplication":
        history = [dict(s, current=False) for s in rec.get("applicationStatuses") or []]
        step = {"date": day(ts), "status": cls(STATUS_URI + status, status.capitalize())}
        rec["applicationStatuses"] = [*history, {**step, "current": True}]
        return
    rec.setdefault("submissionDate", rec.get("applicationDate") or day(ts))
    if key := {"awarded": "awardDate", "rejected": "rejectedDate"}.get(status):
        rec[key] = day(ts)


def text_of(title: object) -> str:
    if isinstance(title, dict):
        return next((v for v in title.values() if isinstance(v, str)), "")
    return str(title or "")
