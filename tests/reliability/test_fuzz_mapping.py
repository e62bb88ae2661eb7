"""Fuzzing the Pure record mapping with records generated from the Pure API 5.35 OpenAPI
schemas (required-only "smallest" records, every optional field, strange unicode and sizes):
mapping returns events or a quarantine reason — never another exception."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kvrules_pure import mapping
from kvrules_pure.config import PureConfig
from kvrules_pure.mapping import MappingError, Related
from pydantic import ValidationError

# Located like adapters/kvrules_pure/tests/conftest.py: shared/ beside the checkout, or /work.
SPEC_CANDIDATES = [
    Path(__file__).resolve().parents[3] / "shared" / "specs" / "pure-api-5.35.0-openapi.json",
    Path("/work/shared/specs/pure-api-5.35.0-openapi.json"),
]
QUARANTINE = (MappingError, ValidationError, ValueError, TypeError, KeyError)  # as scan.py
CFG = PureConfig(base_url="http://127.0.0.1:1/ws/api", api_key="k", activities=True)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
MAX_DEPTH = 5


@cache
def schemas() -> dict[str, Any]:
    for path in SPEC_CANDIDATES:
        if path.is_file():
            return json.loads(path.read_text("utf-8"))["components"]["schemas"]
    pytest.fail(f"Pure API spec not found in {[str(p) for p in SPEC_CANDIDATES]}")


strange_text = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", " ", "哈尔滨工业大学", "جامعة طهران", "\u202eabc", "\x00", "é" * 3000]),
)


def _merged(node: dict) -> dict:
    """Flatten allOf and $ref into one object schema (properties and required)."""
    if "$ref" in node:
        return _merged(schemas()[node["$ref"].rsplit("/", 1)[-1]])
    out: dict = {k: v for k, v in node.items() if k != "allOf"}
    for part in node.get("allOf", []):
        sub = _merged(part)
        out.setdefault("properties", {}).update(sub.get("properties", {}))
        out["required"] = [*out.get("required", []), *sub.get("required", [])]
        out.setdefault("type", sub.get("type"))
    return out


def strategy(node: dict, depth: int, minimal: bool) -> st.SearchStrategy:
    node = _merged(node)
    base = _base(node, depth, minimal)
    return st.one_of(st.none(), base) if node.get("nullable") and not minimal else base


def _base(node: dict, depth: int, minimal: bool) -> st.SearchStrategy:
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type") or ("object" if "properties" in node else None)
    fmt = node.get("format")
    if kind == "string":
        if fmt == "uuid":
            return st.uuids().map(str) | st.sampled_from(["", "not-a-uuid"])
        if fmt == "date":
            return st.dates().map(str) | st.sampled_from(["2024-02-30", "0000-00-00"])
        if fmt == "date-time":
            return st.datetimes().map(lambda d: d.isoformat() + "Z") | st.just("yesterday")
        if "uri" in (node.get("description") or "").lower() or fmt == "uri":
            return st.sampled_from(["/dk/atira/pure/x/cn", "/x/", "", "/a/b/zz"]) | strange_text
        return strange_text
    if kind == "integer":
        return st.integers(min_value=-(2**63), max_value=2**63)
    if kind == "number":
        return st.floats(allow_nan=True, allow_infinity=True) | st.integers()
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        if depth >= MAX_DEPTH:
            return st.just([])
        item = strategy(node.get("items", {}), depth + 1, minimal)
        return st.lists(item, max_size=0 if minimal else 3)
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        required = set(node.get("required", []))
        if depth >= MAX_DEPTH:
            props = {k: v for k, v in props.items() if k in required}
        fixed = {k: strategy(v, depth + 1, minimal) for k, v in props.items() if k in required}
        optional = (
            {}
            if minimal
            else {k: strategy(v, depth + 1, minimal) for k, v in props.items() if k not in required}
        )
        return st.fixed_dictionaries(fixed, optional=optional)
    return st.one_of(st.none(), st.integers(), strange_text)  # untyped: anything


def record(name: str, minimal: bool = False) -> st.SearchStrategy:
    return strategy({"$ref": f"#/components/schemas/{name}"}, 0, minimal)


@st.composite
def related(draw, rec: dict) -> Related:
    """The referenced organisations: generated, missing, or a fetch error."""
    orgs: dict[str, Any] = {}
    try:
        refs = mapping.org_uuids(rec)
    except MappingError:  # a wrong type: the scan's pre-check quarantines it before fetching
        refs = set()
    for uuid in sorted(refs):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            orgs[uuid] = RuntimeError("503 from Pure")
        elif choice >= 2:
            orgs[uuid] = {**draw(record("ExternalOrganization", minimal=choice == 2)), "uuid": uuid}
    awards = draw(st.lists(record("Award", minimal=True), max_size=2))
    return Related(awards=awards, orgs=orgs)


def map_record(family: str, rec: dict, rel: Related) -> str:
    """What scan.py does with one record: events, or a quarantine reason."""
    try:
        if family == "Project":
            events = mapping.project_events(rec, rel, CFG, "project.created")
        elif family == "ResearchOutput":
            events = mapping.output_events(rec, rel, CFG)
        elif mapping.is_visit(rec, CFG):
            events = mapping.visit_events(rec, rel, CFG)
        else:
            return "skipped"
    except QUARANTINE as e:
        assert str(e) or isinstance(e, KeyError), f"empty quarantine reason: {e!r}"
        return "quarantined"
    for event in events:
        event.model_dump_json()  # every event serialises (what the store and alerts do)
    return "events"


FAMILIES = ["Project", "ResearchOutput", "Activity"]


def _property(family: str, minimal: bool, config: settings):
    @config
    @given(st.data())
    def run(data: st.DataObject) -> None:
        rec = data.draw(record(family, minimal))
        if data.draw(st.booleans()):
            rec["uuid"] = data.draw(st.uuids().map(str))  # the adapter quarantines uuid-less
        if data.draw(st.booleans()):  # a title in a configured locale, so more records map
            rec["title"] = {data.draw(st.sampled_from(["en_GB", "nl_NL"])): data.draw(strange_text)}
        if family == "Activity" and data.draw(st.booleans()):
            rec["typeDiscriminator"] = "HostVisitor"
        map_record(family, rec, data.draw(related(rec)))

    return run


@pytest.mark.parametrize("minimal", [True, False], ids=["smallest", "full"])
@pytest.mark.parametrize("family", FAMILIES)
def test_fuzz_mapping(family: str, minimal: bool) -> None:
    _property(family, minimal, FAST)()


@pytest.mark.slow
@pytest.mark.parametrize("minimal", [True, False], ids=["smallest", "full"])
@pytest.mark.parametrize("family", FAMILIES)
def test_fuzz_mapping_long(family: str, minimal: bool) -> None:
    _property(family, minimal, SLOW)()


def test_deeply_nested_unknown_field_does_not_crash() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = {"a": deep}
    rec = {"uuid": "u1", "title": {"en_GB": "T"}, "extra": deep, "keywordGroups": [deep]}
    assert map_record("Project", rec, Related()) in ("events", "quarantined")


def test_compound_date_with_a_huge_year_is_not_a_crash() -> None:
    """Found by the long fuzz run: date(2**63, 1, 1) raised OverflowError out of the mapping."""
    for impossible in ({"year": 2**63}, {"year": 2024, "month": 2**70}):
        with pytest.raises(MappingError, match=r"^period\.startDate: not a date"):
            mapping.parse_day(impossible, "period.startDate")
