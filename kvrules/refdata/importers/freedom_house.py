"""Freedom House "Freedom in the World" all-data CSV (the Index sheet exported as CSV).

Admin import only: FH terms for redistribution are unclear. Uses the columns
``Country/Territory``, ``C/T`` (c or t), ``Edition`` (year), ``Status`` (F, PF, NF),
``PR rating``, ``CL rating`` and ``Total``; one edition is imported per call (``--edition``,
default: the latest in the file). Title rows above the header are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kvrules.refdata.countries import to_country
from kvrules.refdata.importers.base import Parsed, RowError, add_entry, read_csv, slug

# FH spellings that ISO 3166 lookup does not resolve; territories map only where unambiguous.
FH_NAMES: dict[str, str | None] = {
    "congo (brazzaville)": "CG",
    "congo (kinshasa)": "CD",
    "north korea": "KP",
    "south korea": "KR",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "vietnam": "VN",
    "the gambia": "GM",
    "gambia": "GM",
    "turkey": "TR",
    "micronesia": "FM",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "cote d'ivoire": "CI",
    "taiwan": "TW",
    "brunei": "BN",
    "cabo verde": "CV",
    "eswatini": "SZ",
    "kosovo": None,  # no ISO 3166-1 code
    "gaza strip": "PS",
    "west bank": "PS",
    "western sahara": "EH",
    "hong kong": "HK",
    "puerto rico": "PR",
}
DEFAULTS = {
    "list_id": "fh_fiw",
    "kind": "assessment",
    "title": "Freedom House, Freedom in the World",
    "publisher": "Freedom House",
    "source_url": "https://freedomhouse.org/report/freedom-world",
    "licence": "Freedom House terms; imported by the institution, not redistributed",
}
REQUIRED = {"Country/Territory", "C/T", "Edition", "Status", "PR rating", "CL rating", "Total"}


def _iso(name: str, kind: str) -> str | None:
    if name.lower() in FH_NAMES:
        return FH_NAMES[name.lower()]
    return None if kind == "t" else to_country(name)


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    rows = list(read_csv(path, REQUIRED, header_hint="Country/Territory"))
    editions = sorted({r["Edition"] for _, r in rows if r["Edition"]})
    edition = str(opts.get("edition") or (editions[-1] if editions else ""))
    parsed = Parsed(info={**DEFAULTS, "edition": edition})
    for line, row in rows:
        if row["Edition"] != edition:
            parsed.skip("rows of other editions")
            continue
        name, kind = row["Country/Territory"], row["C/T"].lower()
        if row["Status"] not in {"F", "PF", "NF"}:
            parsed.errors.append(RowError(line, f"Status must be F, PF or NF: {row['Status']!r}"))
            continue
        try:
            total, pr, cl = int(row["Total"]), int(row["PR rating"]), int(row["CL rating"])
            iso = _iso(name, kind)
        except ValueError as exc:
            parsed.errors.append(RowError(line, str(exc)))
            continue
        add_entry(
            parsed,
            line,
            entry_id=iso if kind == "c" and iso else slug(name),
            name=name,
            country=iso,
            entity_type="country",
            attributes={
                "status": row["Status"],
                "total": total,
                "pr": pr,
                "cl": cl,
                "territory": kind == "t",
            },
        )
    return parsed
