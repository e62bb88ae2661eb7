"""Fixtures: a running Pure simulator and a validator for the Pure API 5.35 OpenAPI schemas."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from kvrules_pure.simulator import SimulatorHandle, start_simulator

# The spec lives in the project's shared/ folder, beside the checkout (also in CI).
SPEC_CANDIDATES = [
    Path(__file__).resolve().parents[4] / "shared" / "specs" / "pure-api-5.35.0-openapi.json",
    Path("/work/shared/specs/pure-api-5.35.0-openapi.json"),
]


@pytest.fixture(scope="session")
def pure_simulator() -> Iterator[SimulatorHandle]:
    """One simulator per session (3000 synthetic projects, seed 1) on a free 127.0.0.1 port.

    Yields the handle: .base_url, .api_key, .headers, .faults, .store, .requests.
    Faults are cleared after each test by `clean_faults`.
    """
    sim = start_simulator(projects=3000, seed=1, api_key="test-key", portfolio="stress")
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture(autouse=True)
def clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "pure_simulator" in request.fixturenames:
        request.getfixturevalue("pure_simulator").faults.clear()


# ---- OpenAPI 3.0 -> JSON Schema 2020-12 -------------------------------------------------


def _spec_path() -> Path:
    for path in SPEC_CANDIDATES:
        if path.is_file():
            return path
    pytest.fail(f"Pure API spec not found in {[str(p) for p in SPEC_CANDIDATES]}")


def _convert(node: Any, bases: set[str]) -> Any:
    """nullable -> null in type; refs -> $defs; allOf refs to a polymorphic base -> its __base."""
    if isinstance(node, list):
        return [_convert(n, bases) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v, bases) for k, v in node.items() if k not in ("discriminator", "example")}
    if "$ref" in out:
        out["$ref"] = "#/$defs/" + out["$ref"].rsplit("/", 1)[-1]
    if "allOf" in out:
        for part in out["allOf"]:
            name = part.get("$ref", "").rsplit("/", 1)[-1]
            if name in bases:
                part["$ref"] = f"#/$defs/{name}__base"
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


@cache
def _defs() -> dict[str, Any]:
    spec = json.loads(_spec_path().read_text("utf-8"))
    schemas: dict[str, Any] = spec["components"]["schemas"]
    bases = {n for n, s in schemas.items() if (s.get("discriminator") or {}).get("mapping")}
    defs = {name: _convert(s, bases) for name, s in schemas.items()}
    # Strict: unknown property names fail (catches "externalOrganisations" and friends).
    for name, s in defs.items():
        is_object = "properties" in s or "allOf" in s
        if is_object and "additionalProperties" not in s and name not in bases:
            s["unevaluatedProperties"] = False
    for name in bases:
        disc = schemas[name]["discriminator"]
        prop, mapping = disc["propertyName"], disc["mapping"]
        defs[name + "__base"] = copy.deepcopy(defs[name])
        defs[name + "__base"].pop("unevaluatedProperties", None)
        branches: list[dict[str, Any]] = []
        for key, target in mapping.items():
            sub = target.rsplit("/", 1)[-1]
            # A subtype used directly must still carry its own discriminator value.
            defs[sub].setdefault("allOf", []).append({"properties": {prop: {"const": key}}})
            branches.append(
                {
                    "if": {"properties": {prop: {"const": key}}, "required": [prop]},
                    "then": {"$ref": f"#/$defs/{sub}"},
                }
            )
        defs[name] = {
            "allOf": [
                {"$ref": f"#/$defs/{name}__base"},
                {"properties": {prop: {"enum": list(mapping)}}},
                *branches,
            ]
        }
    return defs


@cache
def _validator(schema_name: str) -> jsonschema.protocols.Validator:
    defs = _defs()
    if schema_name not in defs:
        raise KeyError(schema_name)
    schema = {"$defs": defs, "$ref": f"#/$defs/{schema_name}"}
    cls = jsonschema.Draft202012Validator
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate_schema(instance: Any, schema_name: str) -> None:
    """Raise jsonschema.ValidationError (best match) unless instance fits the spec schema."""
    error = jsonschema.exceptions.best_match(_validator(schema_name).iter_errors(instance))
    if error is not None:
        raise error


@pytest.fixture(scope="session")
def spec_validate() -> Callable[[Any, str], None]:
    return validate_schema
