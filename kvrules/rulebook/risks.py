"""The research-security risk types a rule names in ``risks:`` (shipped, cited taxonomy)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class RiskType:
    id: str
    label: str
    label_nl: str
    eu: str
    description: str


@cache
def taxonomy() -> dict[str, Any]:
    """The whole taxonomy file: title, sources with citations, licence and types."""
    text = files("kvrules.rulebook").joinpath("data/risk_types.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def risk_types() -> dict[str, RiskType]:
    """Risk types by id, in the taxonomy's order."""
    return {t["id"]: RiskType(**t) for t in taxonomy()["types"]}


def risk_label(risk_id: str) -> str:
    """The English label of a risk type; an unknown id (e.g. from an old finding) as it is."""
    known = risk_types().get(risk_id)
    return known.label if known else risk_id
