"""Assemble a Store from a data directory or from the synthetic university."""

from __future__ import annotations

import json
from array import array
from bisect import bisect_right
from datetime import datetime
from pathlib import Path

from .applications import ApplicationFactory
from .changes import ChangeJournal, Segment, change_item
from .config import SimulatorConfig
from .ids import version_hash
from .outputs import OutputFactory
from .projectgen import ProjectFactory
from .shapes import DAY
from .sources import Record, StaticSource
from .store import Collection, Store
from .synthetic import KeywordConfig, University

# URL collection name -> systemName; also the sub-folder names of --data DIR.
COLLECTIONS = {
    "projects": "Project",
    "external-organizations": "ExternalOrganization",
    "organizations": "Organization",
    "persons": "Person",
    "external-persons": "ExternalPerson",
    "awards": "Award",
    "award-clusters": "AwardCluster",
    "research-outputs": "ResearchOutput",
    "activities": "Activity",
    "applications": "Application",
    "application-clusters": "ApplicationCluster",
}
HIDDEN_RUN = 350  # confidential changes: at least 2 consecutive zero-count pages


def build_store(config: SimulatorConfig, data_dir: str | Path | None = None) -> Store:
    if data_dir is not None:
        return _from_directory(config, Path(data_dir))
    return _synthetic(config)


def _synthetic(config: SimulatorConfig) -> Store:
    uni = University(config)
    pf = ProjectFactory(uni, config.projects)
    of = OutputFactory(pf)  # research outputs and activities hang off projects
    af = ApplicationFactory(pf)  # the funding applications before the awards
    sources = {
        "projects": pf.projects,
        "awards": pf.awards,
        "award-clusters": pf.clusters,
        "organizations": StaticSource(uni.organizations),
        "external-organizations": StaticSource(uni.ext_orgs),
        "persons": uni.persons,
        "external-persons": uni.external_persons,
        "research-outputs": of.outputs,
        "activities": of.activities,
        "applications": af.applications,
        "application-clusters": af.clusters,
    }
    collections = {n: Collection(n, COLLECTIONS[n], s) for n, s in sources.items()}
    journal = ChangeJournal(_synthetic_segments(uni, pf), config.seed, config.changes_noise)
    return Store(
        collections,
        journal,
        uni.keyword_configs,
        config.locale,
        config.conflict_status,
        planted=pf.planted,
    )


def _synthetic_segments(uni: University, pf: ProjectFactory) -> list[Segment]:
    t0 = uni.t_start

    def simple(system: str, source_uuid, created: bool = True):  # type: ignore[no-untyped-def]
        return lambda k: [change_item(system, source_uuid(k), "CREATE" if created else "UPDATE", 0)]

    n_persons = len(uni.persons)
    n = pf.count
    slot_start = array("l", (i + pf.award_start[i] for i in range(n + 1)))

    def project_slot(k: int) -> list[dict]:
        i = bisect_right(slot_start, k) - 1
        off = k - slot_start[i]
        if off == 0:
            change = "CREATE" if pf.has_previous(i) is False and i % 5 else "UPDATE"
            return [change_item("Project", pf.projects.uuid_at(i), change, i % 4)]
        return [change_item("Award", pf.awards.uuid_at(pf.award_start[i] + off - 1), "UPDATE", 1)]

    def project_time(k: int) -> float:
        i = bisect_right(slot_start, k) - 1
        return pf.modified_ts(i) + 60 * (k - slot_start[i])

    return [
        Segment(
            len(uni.organizations),
            simple("Organization", lambda k: uni.organizations[k]["uuid"]),
            lambda k: t0 - 400 * DAY + 60 * k,
        ),
        Segment(
            len(uni.ext_orgs),
            simple("ExternalOrganization", lambda k: uni.ext_orgs[k]["uuid"]),
            lambda k: t0 - 300 * DAY + 60 * k,
        ),
        Segment(
            n_persons,
            simple("Person", uni.persons.uuid_at, created=False),
            lambda k: t0 - 200 * DAY + k * (100 * DAY / n_persons),
        ),
        Segment(HIDDEN_RUN, lambda k: [], lambda k: t0 - DAY + k),
        Segment(slot_start[-1], project_slot, project_time),
    ]


def _timestamp(rec: Record) -> float:
    text = rec.get("modifiedDate") or rec.get("createdDate")
    try:
        return datetime.fromisoformat(text).timestamp() if text else 0.0
    except ValueError:
        return 0.0


def _from_directory(config: SimulatorConfig, root: Path) -> Store:
    if not root.is_dir():
        raise FileNotFoundError(f"--data {root} is not a directory")
    collections: dict[str, Collection] = {}
    everything: list[tuple[float, str, str, int]] = []
    for name, system in COLLECTIONS.items():
        records: list[Record] = []
        folder = root / name
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            rec = json.loads(path.read_text("utf-8"))
            if not isinstance(rec, dict):
                raise ValueError(f"{path}: expected a JSON object")
            rec.setdefault("uuid", path.stem)
            if rec["uuid"] != path.stem:
                raise ValueError(f"{path}: file name must be the record uuid {rec['uuid']}")
            rec.setdefault("systemName", system)
            rec.setdefault("version", version_hash(path.stem, path.stat().st_size))
            records.append(rec)
        records.sort(key=lambda r: (r.get("pureId") is None, r.get("pureId") or 0, r["uuid"]))
        collections[name] = Collection(name, system, StaticSource(records))
        everything.extend((_timestamp(r), system, r["uuid"], 0) for r in records)
    everything.sort()
    journal = ChangeJournal(
        [
            Segment(
                len(everything),
                lambda k: [change_item(everything[k][1], everything[k][2], "UPDATE", 0)],
                lambda k: everything[k][0],
            )
        ],
        config.seed,
        config.changes_noise,
    )
    clusters = collections["award-clusters"].source
    by_project: dict[str, list[Record]] = {}
    for rec in clusters.records() if isinstance(clusters, StaticSource) else []:
        project = (rec.get("project") or {}).get("uuid")
        if project:
            by_project.setdefault(project, []).append(rec)
    keyword_configs = _keyword_configs(config, root)
    return Store(
        collections,
        journal,
        keyword_configs,
        config.locale,
        config.conflict_status,
        clusters_by_project=lambda uuid: by_project.get(uuid, []),
    )


def _keyword_configs(config: SimulatorConfig, root: Path) -> list[KeywordConfig]:
    """DIR/keyword-group-configurations.json, else the synthetic university's vocabulary.

    File shape: [{"pureId", "logicalName", "keywordGroupType", "name", "classifications":
    [{"uri", "term"}], "allowUserdefinedKeywords"}].
    """
    path = root / "keyword-group-configurations.json"
    if not path.is_file():
        return University(SimulatorConfig(seed=config.seed, projects=1)).keyword_configs
    return [
        KeywordConfig(
            int(c["pureId"]),
            c["logicalName"],
            c.get("keywordGroupType", "ClassificationsKeywordGroup"),
            c.get("name", c["logicalName"]),
            c.get("classificationSchemeUuid"),
            tuple((k["uri"], k.get("term", "")) for k in c.get("classifications", [])),
            bool(c.get("allowUserdefinedKeywords", False)),
        )
        for c in json.loads(path.read_text("utf-8"))
    ]
