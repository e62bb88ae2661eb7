"""Does a field path exist in a Pure OpenAPI document? (any discriminator variant)

Specs: ``../shared/specs`` — the Pure API 5.35 spec (tu-dublin-csu/pure-client @ a993c2f5)
and experts.umn.edu's published document of 2023-08-02 (UMNLibraries/pureapi @ fdd0df42,
MIT); their README cites both.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

# shared/ sits beside the checkout (also in CI); /work/shared where the checkout lives elsewhere.
SPECS = next(
    (
        folder
        for folder in (
            Path(__file__).resolve().parents[3].parent / "shared" / "specs",
            Path("/work/shared/specs"),
        )
        if folder.is_dir()
    ),
    Path(__file__).resolve().parents[3].parent / "shared" / "specs",
)
SPEC_535 = "pure-api-5.35.0-openapi.json"
SPEC_UMN = "openapi-experts.umn.edu-2023-08-02.json"


@cache
def schemas(spec: str) -> dict[str, Any]:
    return json.loads((SPECS / spec).read_text("utf-8"))["components"]["schemas"]


def _name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _resolve(spec: str, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """A schema and, for a reference or discriminator, every concrete variant."""
    if "$ref" in schema:
        return _resolve(spec, schemas(spec)[_name(schema["$ref"])])
    out = [schema]
    for part in schema.get("allOf", []) + schema.get("oneOf", []) + schema.get("anyOf", []):
        out += _resolve(spec, part)
    for ref in (schema.get("discriminator") or {}).get("mapping", {}).values():
        variant = schemas(spec)[_name(ref)]
        if variant is not schema:
            out += [variant] + [
                s for p in variant.get("allOf", []) if "$ref" not in p for s in _resolve(spec, p)
            ]
    return out


def exists(spec: str, root: str, path: str) -> bool:
    """``path`` like ``collaborators[].externalOrganization.uuid`` under schema ``root``."""
    steps = [s for s in path.replace("[]", ".[]").split(".") if s]
    frontier = _resolve(spec, schemas(spec)[root])
    for step in steps:
        nxt: list[dict[str, Any]] = []
        for schema in frontier:
            if step == "[]":
                if "items" in schema:
                    nxt += _resolve(spec, schema["items"])
            elif step in schema.get("properties", {}):
                nxt += _resolve(spec, schema["properties"][step])
            elif isinstance(schema.get("additionalProperties"), dict):  # localized maps
                nxt += _resolve(spec, schema["additionalProperties"])
        if not nxt:
            return False
        frontier = nxt
    return True
