"""A small subset of the Converis query language for POST .../query bodies.

    [Updated on] >= "2025-01-01T00:00:00Z" AND cfTitle = "Some title"

Conditions joined by AND; names bare or in [brackets]; values quoted or bare. Enough for
tests and for trying a CQL watermark filter; anything else is a 400, as on a real instance.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

Json = dict[str, Any]
BASIC = {"updated on": "updatedOn", "created on": "createdOn", "id": "id", "status": "status"}
OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, ">=": operator.ge,
    "<=": operator.le, ">": operator.gt, "<": operator.lt,
}  # fmt: skip
COND = re.compile(
    r"\s*(?:\[(?P<bracket>[^\]]+)\]|(?P<bare>[A-Za-z_][\w ]*?))\s*(?P<op>!=|>=|<=|=|>|<)\s*"
    r'(?:"(?P<quoted>[^"]*)"|(?P<word>[^\s"]+))\s*$'
)


class QueryError(ValueError):
    pass


def parse(text: str) -> Callable[[Json], bool]:
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith("--")]
    body = " ".join(lines).strip()
    if not body:
        raise QueryError("empty query")
    tests = []
    for part in re.split(r"\s+AND\s+", body, flags=re.IGNORECASE):
        m = COND.match(part)
        if m is None:
            raise QueryError(f"cannot parse condition {part.strip()!r}")
        name = (m["bracket"] or m["bare"]).strip()
        value = m["quoted"] if m["quoted"] is not None else m["word"]
        tests.append((name, OPS[m["op"]], value))

    def match(rec: Json) -> bool:
        for name, op, value in tests:
            field = BASIC.get(name.lower())
            if field is not None:
                got = rec.get(field)
                if field in ("id", "status"):
                    try:
                        value_cmp: Any = int(value)
                    except ValueError:
                        return False
                else:
                    value_cmp = value
                if got is None or not op(got, value_cmp):
                    return False
                continue
            values = [
                a.get("value") for a in rec.get("attributes", []) if a["attributeName"] == name
            ]
            if not any(v is not None and op(str(v), value) for v in values):
                return False
        return True

    return match
