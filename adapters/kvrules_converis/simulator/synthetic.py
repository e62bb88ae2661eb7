"""Deterministic synthetic Converis data (per seed): units, partners, funders, people, projects.

Planted on purpose: real institutions with name variants, funders with amounts in several
currencies (some missing), sensitive-area keywords, optional fields left out, a few records
an adapter cannot map (no title, a partner without a name), and batches of projects sharing
one `updatedOn` second (imports do that), to exercise the incremental overlap window.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

from . import vocab
from .config import SimulatorConfig
from .model import build_model
from .realorgs import load_real_orgs, variants
from .store import Store, stamp

Json = dict[str, Any]


def _s(name: str, value: str, lang: str | None = None) -> Json:
    data: Json = {"attributeName": name, "attributeType": "STRING"}
    if lang:
        data["language"] = lang
    data["value"] = value
    return data


def _typed(name: str, kind: str, value: str) -> Json:
    return {"attributeName": name, "attributeType": kind, "value": value}


def _cgv(name: str, group: str, value: str, label: str | None = None) -> Json:
    return {
        "attributeName": name,
        "attributeType": "CGV",
        "value": value,
        "choiceGroupData": {
            "choiceGroupName": group,
            "choiceGroupValue": value,
            "choiceGroupValueLabels": [{"language": "en_GB", "value": label or value}],
        },
    }


class Builder:
    def __init__(self, cfg: SimulatorConfig) -> None:
        self.cfg = cfg
        self.rng = Random(cfg.seed)
        self.store = Store(build_model(cfg), cfg.username)
        self.as_of = datetime.fromisoformat(cfg.as_of.replace("Z", "+00:00"))
        self.ids = iter(range(100001, 10**9))

    def times(self) -> tuple[str, str]:
        created = self.as_of - timedelta(seconds=self.rng.randint(3600, 6 * 365 * 86400))
        span = int((self.as_of - created).total_seconds())
        updated = created + timedelta(seconds=self.rng.randint(0, span))
        return stamp(created), stamp(updated)

    def entity(self, entity: str, attributes: list[Json], short: str, status: int = 3) -> Json:
        created, updated = self.times()
        return self.store.add_entity(
            {
                "id": next(self.ids),
                "entityName": entity,
                "status": status,
                "statusLabels": [{"language": "en_GB", "value": vocab.STATUS[status]}],
                "public": self.rng.random() < 0.8,
                "intern": True,
                "createdBy": "import",
                "createdOn": created,
                "updatedBy": self.rng.choice(["import", "editor", "configadmin"]),
                "updatedOn": updated,
                "shortDescription": [{"language": "en_GB", "value": short}],
                "attributes": attributes,
            }
        )

    def link(self, link: str, left: Json, right: Json, seq: int, attrs: list[Json]) -> None:
        if self.store.model.links[link].left != left["entityName"]:
            left, right = right, left  # a link type defined the other way round
        created = max(left["createdOn"], right["createdOn"])
        self.store.add_link(
            {
                "id": next(self.ids),
                "linkName": link,
                "left": left["id"],
                "right": right["id"],
                "leftSeq": seq,
                "rightSeq": 1,
                "createdBy": "import",
                "createdOn": created,
                "updatedBy": "import",
                "updatedOn": max(created, left["updatedOn"]),
                "attributes": attrs,
            }
        )

    def organisation(
        self,
        name: str | None,
        kind: str,
        country: str | None,
        ror: str | None = None,
        acronym: str | None = None,
        aliases: tuple[str, ...] = (),
        name_de: str | None = None,
    ) -> Json:
        attrs: list[Json] = []
        if name is not None:
            attrs.append(_s("cfName", name, "en_GB"))
        if name_de:
            attrs.append(_s("cfName", name_de, "de_DE"))
        if acronym:
            attrs.append(_s("acronym", acronym))
        if aliases:
            attrs.append(_s("alternativeName", "; ".join(aliases)))
        if country:
            attrs.append(_cgv("country", "Country", country, vocab.COUNTRIES.get(country, country)))
        if ror:
            attrs.append(_s("rorId", ror))
        attrs.append(_cgv("orgType", "Organisation type", kind))
        return self.entity(self.cfg.organisation, attrs, name or "(no name)")

    # ---- the pools ----------------------------------------------------------------------
    def build(self) -> Store:
        cfg, rng = self.cfg, self.rng
        units = [
            self.organisation(u, "internal", "DE", name_de=None if rng.random() < 0.5 else u)
            for u in vocab.UNITS
        ]
        partners: list[Json] = []
        for org in load_real_orgs():
            for v in variants(org, rng):
                partners.append(
                    self.organisation(v.name, "university", v.country, v.ror, v.acronym, v.aliases)
                )
        n_synthetic = max(20, cfg.projects // 15)
        for _ in range(n_synthetic):
            cc = rng.choice(list(vocab.CITIES))
            template, kind = rng.choice(vocab.PARTNER_TEMPLATES)
            name = template.format(city=rng.choice(vocab.CITIES[cc]))
            partners.append(self.organisation(name, kind, cc if rng.random() < 0.9 else None))
        # A partner record someone saved without a name: projects using it are unmappable.
        nameless = self.organisation(None, "company", "CN")
        funders = [
            (f, self.organisation(f.name, "funder", f.country, f.ror, f.acronym))
            for f in vocab.FUNDERS
        ]
        cards = []
        for _ in range(max(10, cfg.projects // 20)):
            person = self.entity(
                cfg.person,
                [
                    _s("cfFirstNames", rng.choice(vocab.FIRST)),
                    _s("cfFamilyNames", rng.choice(vocab.FAMILY)),
                ],
                "person",
            )
            card = self.entity(cfg.card, [_s("position", "Professor")], "card")
            self.link("PERS_has_CARD", person, card, 1, [])
            self.link("CARD_has_ORGA", card, rng.choice(units), 1, [])
            cards.append(card)
        previous: list[Json] = []
        for n in range(cfg.projects):
            project = self.project(n, previous)
            previous.append(project)
            for seq, unit in enumerate(rng.sample(units, rng.choice([1, 1, 2])), 1):
                self.link(cfg.unit_link, project, unit, seq, [])
            k = rng.choice([0, 0, 1, 1, 2, 3, 4])
            chosen = rng.sample(partners, k)
            if n % 97 == 41:
                chosen.append(nameless)
            for seq, org in enumerate(chosen, 1):
                attrs = [] if rng.random() < 0.2 else [
                    _cgv("role", "Partner role", rng.choice(vocab.ROLES))
                ]  # fmt: skip
                self.link(cfg.partner_link, project, org, seq, attrs)
            for seq, (spec, org) in enumerate(rng.sample(funders, rng.choice([0, 1, 1, 2])), 1):
                self.link(cfg.funder_link, project, org, seq, self.funding(spec))
            for seq, card in enumerate(rng.sample(cards, rng.choice([1, 2])), 1):
                self.link(cfg.leader_link, project, card, seq, [])
        if cfg.shapes:
            from .shapes import plant

            plant(self, units[0])
        return self.store

    def funding(self, spec: vocab.FunderSpec) -> list[Json]:
        rng = self.rng
        attrs: list[Json] = []
        if rng.random() < 0.85:
            attrs.append(_typed("amount", "NUMBER", f"{rng.randrange(20, 3000) * 1000}.00"))
            if rng.random() < 0.9:
                attrs.append(_cgv("currency", "Currency", spec.currency))
        if programme := rng.choice(vocab.PROGRAMMES):
            attrs.append(_s("programme", programme))
        return attrs

    def project(self, n: int, previous: list[Json]) -> Json:
        rng = self.rng
        topic = rng.choice(vocab.TOPICS)
        title = rng.choice(vocab.TITLE_TEMPLATES).format(
            topic=topic.name, Topic=topic.name.capitalize()
        )
        attrs: list[Json] = []
        if n % 113 != 57:  # about 1% without a title: unmappable
            attrs.append(_s("cfTitle", title, "en_GB"))
            if rng.random() < 0.4:
                attrs.append(_s("cfTitle", f"{title} (Verbundprojekt)", "de_DE"))
        start = (self.as_of - timedelta(days=rng.randint(30, 6 * 365))).date()
        attrs.append(_typed("cfStartDate", "DATE", start.isoformat()))
        if rng.random() < 0.7:
            end = start + timedelta(days=rng.randint(365, 5 * 365))
            attrs.append(_typed("virtualEndDate", "DATE", end.isoformat()))
        if rng.random() < 0.6:
            attrs.append({**_s("description", f"We study {topic.name}.", "en_GB"),
                          "attributeType": "TEXT"})  # fmt: skip
        attrs.append(_cgv("project type", "Project type", rng.choice(vocab.PROJECT_TYPES)))
        if rng.random() < 0.8:
            words = rng.sample(topic.keywords, rng.randint(1, len(topic.keywords)))
            attrs.append(_s("cfKeywords", "; ".join(words), "en_GB"))
        rec = self.entity(self.cfg.project, attrs, title, status=rng.choice([2, 3, 3]))
        if previous and rng.random() < 0.15:  # same-second batch with an earlier project
            twin = rng.choice(previous)
            rec["updatedOn"] = twin["updatedOn"]
            rec["createdOn"] = min(rec["createdOn"], twin["updatedOn"])
        return rec


def build_store(cfg: SimulatorConfig, data_dir: str | Path | None = None) -> Store:
    """Synthetic data for cfg.seed, or the records in data_dir (see Store.dump)."""
    if data_dir is None:
        return Builder(cfg).build()
    store = Store(build_model(cfg), cfg.username)
    store.load(data_dir)
    return store
