"""The rulebook file format, as pydantic models (published with ``kvrules schema --rulebook``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kvrules.rulebook.condition import MAX_NUMBER, MIN_FRACTION
from kvrules.rulebook.ir import Severity

SLUG = r"^[a-z0-9][a-z0-9._-]{0,79}$"


def number_problem(value: Any) -> str | None:
    """Why a variable's number(s) cannot be compared exactly by durable_rules, if they cannot."""
    numbers = [x for x in (value if isinstance(value, list) else [value]) if _is_number(x)]
    for x in numbers:
        if x and not MIN_FRACTION <= abs(x) <= MAX_NUMBER:
            return f"{x} is out of range: use 0 or a size from {MIN_FRACTION} to {MAX_NUMBER:,}"
    return None


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceSpec(_Spec):
    id: str = Field(pattern=SLUG)
    cite: str = Field(min_length=1, description="full citation a committee member can look up")
    url: str | None = None


class RuleSpec(_Spec):
    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    on: str | list[str] = Field(description="event kind(s) the rule applies to")
    when: Any = Field(description="condition: text, a list (all of), or all/any/not mapping")
    severity: Severity
    tags: list[str] = []
    risks: list[str] = Field(
        default=[],
        description="research-security risk types the rule screens for: "
        "knowledge-transfer, interference, ethics",
    )
    alert: str | None = Field(default=None, description="alert target, e.g. committee")
    rationale: str = Field(min_length=1)
    cite: str = Field(description="id of an entry in the rulebook's sources")
    legal_basis: str | None = Field(
        default=None,
        description="id of an entry in the rulebook's sources whose cite: is the law that "
        "requires it; needed to read a person attribute (config readable_attributes)",
    )
    enabled: bool = True


class TestSpec(_Spec):
    name: str = Field(min_length=1)
    given: dict[str, Any] = Field(description="an event; id, source and time may be left out")
    expect: list[str] = Field(description="rule ids expected to fire; [] for none")


class RulebookSpec(_Spec):
    rulebook: str = Field(pattern=SLUG, description="rulebook id")
    version: str
    title: str = Field(min_length=1)
    jurisdiction: str = Field(
        description="where the policy comes from: EU, or an ISO country code (NL, CA, US …)"
    )
    applies_to: Literal["jurisdiction", "everywhere"] = Field(
        default="jurisdiction",
        description="jurisdiction: it runs only for an institution whose home_country the "
        "jurisdiction covers (kvrules.jurisdiction); everywhere: for any institution",
    )
    description: str | None = None
    vars: dict[str, Any] = Field(
        default={},
        description="named values (text, number, date, true/false, or a list of "
        "them) that conditions use as vars.NAME — thresholds, country sets …",
    )
    sources: list[SourceSpec] = Field(min_length=1)
    rules: list[RuleSpec] = Field(min_length=1)
    tests: list[TestSpec] = []

    @field_validator("vars")
    @classmethod
    def _vars(cls, v: dict[str, Any]) -> dict[str, Any]:
        scalar = (str, int, float, bool, date)
        for name, value in v.items():
            if not name.isidentifier():
                raise ValueError(f"variable name {name!r} must be an identifier")
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(x, scalar) for x in items):
                raise ValueError(f"vars.{name}: a value or a list of values (no mappings)")
            problem = number_problem(value)
            if problem:
                raise ValueError(f"vars.{name}: {problem}")
        return v

    @field_validator("version", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int | float) else v
