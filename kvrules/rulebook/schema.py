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


def amounts_problem(value: dict[Any, Any]) -> str | None:
    """Why ``value`` is not amounts by currency (``{EUR: 1000000, USD: 1100000}``: each key an
    ISO 4217 code in capitals, as funders' currencies are held; each value a positive number)."""
    from kvrules.model import currency_code

    if not value:
        return "amounts by currency: give at least one, e.g. {EUR: 1000000}"
    for code, amount in value.items():
        try:
            known = isinstance(code, str) and currency_code(code) == code
        except ValueError:
            known = False
        if not known:
            return f"amounts by currency: {code!r} is not an ISO 4217 code in capitals (EUR, GBP …)"
        if not _is_number(amount) or amount <= 0:
            return f"amounts by currency: {code}: {amount!r} is not a positive number"
        if problem := number_problem(amount):
            return f"amounts by currency: {code}: {problem}"
    return None


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceSpec(_Spec):
    id: str = Field(pattern=SLUG)
    cite: str = Field(min_length=1, description="full citation a committee member can look up")
    url: str | None = None
    whose: str | None = Field(
        default=None,
        description="whose policy or law it is, said before the citation to an institution "
        "outside the rulebook's jurisdiction (e.g. 'Dutch government guidance, applied here as "
        "good practice')",
    )


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
    alert: str | list[str] | None = Field(
        default=None,
        description="alert target, e.g. committee; or several, [committee, export-control]: "
        "the first is the finding's route (the case list's filter, the pre-screen's triage), "
        "each of the others is alerted too",
    )
    rationale: str = Field(min_length=1)
    cite: str = Field(description="id of an entry in the rulebook's sources")
    legal_basis: str | None = Field(
        default=None,
        description="id of an entry in the rulebook's sources whose cite: is the law that "
        "requires it; needed to read a person attribute (config readable_attributes)",
    )
    enabled: bool = True
    jurisdiction: str | None = Field(
        default=None,
        description="where the rule's legal basis binds (EU or an ISO country code), when "
        "narrower than the rulebook's applies_to: the rule runs only for an institution it "
        "covers, unless apply_outside_jurisdiction names the rulebook",
    )
    when_abroad: Any = Field(
        default=None,
        description="the condition where the rulebook runs outside its jurisdiction "
        "(apply_outside_jurisdiction): the same question asked from the institution's own "
        "jurisdiction (a partner abroad is `foreign`, not outside the EU)",
    )
    rationale_abroad: str | None = Field(
        default=None,
        description="the rationale an institution outside the rulebook's jurisdiction reads, "
        "without the policy names of a jurisdiction that is not its own",
    )
    title_abroad: str | None = Field(
        default=None,
        min_length=1,
        description="the title an institution outside the rulebook's jurisdiction reads, as "
        "its rationale_abroad: the question asked from its own jurisdiction (a partner "
        "abroad, not outside the EU)",
    )

    @field_validator("alert")
    @classmethod
    def _targets(cls, v: str | list[str] | None) -> str | list[str] | None:
        if isinstance(v, list) and (not v or len(set(v)) != len(v) or not all(t for t in v)):
            raise ValueError("alert: name each target once, e.g. [committee, export-control]")
        return v

    def targets(self) -> tuple[str | None, tuple[str, ...]]:
        """The finding's route and the other targets alerted too."""
        if isinstance(self.alert, list):
            return self.alert[0], tuple(self.alert[1:])
        return self.alert, ()


class TestSpec(_Spec):
    name: str = Field(min_length=1)
    given: dict[str, Any] = Field(description="an event; id, source and time may be left out")
    expect: list[str] = Field(description="rule ids expected to fire; [] for none")


class DisableSpec(_Spec):
    rule: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]{0,79}/[a-z0-9][a-z0-9._-]{0,79}$",
        description="RULEBOOK/RULE: the id of a rule of another rulebook (a shipped one) to "
        "turn off, e.g. visits/visitor-from-listed-organisation",
    )
    reason: str = Field(min_length=1, description="why: kept with the rulebooks, shown by checks")


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
        "them; or amounts by ISO 4217 currency, {EUR: 1000000, GBP: 860000}, that a funder's "
        "amount is compared with in its own currency) that conditions use as vars.NAME — "
        "thresholds, country sets …",
    )
    # Both may be empty in a site rulebook that only turns shipped rules off (disable:); the
    # loader asks for a rule, or something to disable, and for a source when there are rules.
    sources: list[SourceSpec] = []
    rules: list[RuleSpec] = []
    tests: list[TestSpec] = []
    disable: list[DisableSpec] = Field(
        default=[],
        description="rules of other rulebooks (the shipped ones) this institution turns off, "
        "each with its reason",
    )

    @field_validator("vars")
    @classmethod
    def _vars(cls, v: dict[str, Any]) -> dict[str, Any]:
        scalar = (str, int, float, bool, date)
        for name, value in v.items():
            if not name.isidentifier():
                raise ValueError(f"variable name {name!r} must be an identifier")
            if isinstance(value, dict):
                if problem := amounts_problem(value):
                    raise ValueError(f"vars.{name}: {problem}")
                continue
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
