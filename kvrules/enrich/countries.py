"""Country profiles: the country-level signals that apply to an organisation's country.

Signals are weighted indicators, not blocks (Nationale Leidraad Kennisveiligheid 2022, §5.2):
rulebooks combine them with research content and the actual partner. The profile is
configuration with a written rationale per country and a citation per signal, in
``data/country_profiles.yaml``; an institution can point ``KVRULES_COUNTRY_PROFILES`` at its own
copy. Signals describe an organisation's country (partner, funder, affiliation), never a person's
nationality.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kvrules.errors import KvrulesError
from kvrules.jurisdiction import DUTCH_WORDING_ABROAD, EU_EXPORT_SIGNALS, covers, dutch_wording
from kvrules.model import is_country_code

DEFAULT_PATH = Path(__file__).parent / "data" / "country_profiles.yaml"
ENV_VAR = "KVRULES_COUNTRY_PROFILES"

SIGNAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
# designation: a legal act; assessment: e.g. a threat assessment; commitment: a political
# commitment, no legal act (the EU's 1989 declaration on arms sales to China)
KINDS = ("designation", "assessment", "commitment")
DIRECTIONS = ("raises", "lowers")


class ProfileError(KvrulesError, ValueError):
    """The country-profile file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Signal:
    """A country signal with its citation (what a finding's explanation shows)."""

    id: str
    label: str
    kind: str  # designation (a legal act) | assessment (e.g. a threat assessment)
    direction: str  # raises | lowers the risk weight
    cite: str
    url: str | None
    rationale: str
    assigned_by: str = "kvrules"  # "admin": no shipped countries, the institution assigns it


@dataclass(frozen=True)
class CountrySignal:
    """Why one signal applies to one country: the per-country rationale plus the signal."""

    country: str
    country_name: str
    signal: Signal
    rationale: str
    # what this country's entry is where it differs from the signal's kind ("commitment": the
    # China arms embargo is the European Council's 1989 declaration, not a Council decision)
    country_kind: str = ""

    @property
    def kind(self) -> str:
        return self.country_kind or self.signal.kind

    def __str__(self) -> str:
        return (
            f"{self.country_name} ({self.country}): {self.signal.label}. {self.rationale} "
            f"[{self.signal.cite}]"
        )


@dataclass(frozen=True)
class CountryProfiles:
    version: str
    signals: dict[str, Signal]
    names: dict[str, str]  # ISO alpha-2 -> country name
    assigned: dict[str, dict[str, str]]  # ISO alpha-2 -> {signal id: rationale}
    path: str = "<profiles>"
    reviewed: str = ""  # the date the file's facts were last checked
    # ISO alpha-2 -> {signal id: kind} where a country's entry is of another kind than its
    # signal's (written {basis: TEXT, kind: KIND} in the file)
    kinds: dict[str, dict[str, str]] = field(default_factory=dict)

    def named(self) -> str:
        """The profiles with their edition: "the kvrules country profiles, version 2026.1,
        reviewed 2026-08-22" (what a country signal's evidence names as its source)."""
        name = (
            "the kvrules country profiles"
            if self.path == str(DEFAULT_PATH)
            else (f"the country profiles {Path(self.path).name}")
        )
        edition = f", version {self.version}" if self.version else ""
        reviewed = f", reviewed {self.reviewed}" if self.reviewed else ""
        return f"{name}{edition}{reviewed}"

    def in_words(self, home_country: str | None = None) -> str:
        """What countries are checked against, with its edition: "the kvrules country profiles,
        version 2026.1, reviewed 2026-08-22 (US foreign country of concern (designation);
        …)": every signal some country carries, and whether a law or an assessment."""
        used = [s for s in self.signals.values() if self.countries_with(s.id)]
        if home_country and not covers("EU", home_country):
            used = [s for s in used if s.id not in EU_EXPORT_SIGNALS]
        kinds = "; ".join(f"{_label(s, home_country)} ({self._kinds_of(s)})" for s in used)
        return self.named() + (f" ({kinds})" if kinds else "")

    def _kinds_of(self, signal: Signal) -> str:
        """ "designation; for China a political commitment": the signal's kind and any
        country's own."""
        said = {"commitment": "political commitment"}
        own = [
            f"for {self.names[c]} a {said.get(k[signal.id], k[signal.id])}"
            for c, k in sorted(self.kinds.items())
            if signal.id in k and k[signal.id] != signal.kind
        ]
        return "; ".join([signal.kind, *own])

    def technically(self, country: str | None, signal_id: str) -> str | None:
        """A country's signal as the technical detail shows it: the file and its version, the
        country and signal ids, the kind, the citation and its address."""
        why = self.explain(country, signal_id)
        if why is None:
            return None
        edition = f" version {self.version}" if self.version else ""
        reviewed = f" (reviewed {self.reviewed})" if self.reviewed else ""
        url = f" <{why.signal.url}>" if why.signal.url else ""
        return (
            f"country profiles {Path(self.path).name}{edition}{reviewed}: {why.country} "
            f"{signal_id}, {why.kind}, assigned by {why.signal.assigned_by}; cite: "
            f"{why.signal.cite}{url}"
        )

    def signals_for(self, country: str | None) -> list[str]:
        code = _code(country)
        return list(self.assigned.get(code, {})) if code else []

    def explain(self, country: str | None, signal_id: str) -> CountrySignal | None:
        code = _code(country)
        rationale = self.assigned.get(code or "", {}).get(signal_id)
        if code is None or rationale is None:
            return None
        kind = self.kinds.get(code, {}).get(signal_id, "")
        return CountrySignal(code, self.names[code], self.signals[signal_id], rationale, kind)

    def countries_with(self, signal_id: str) -> list[str]:
        return sorted(c for c, sigs in self.assigned.items() if signal_id in sigs)


def _code(country: str | None) -> str | None:
    # Enrichment hands us Organisation.country, already ISO alpha-2; tolerate case and spaces.
    if not country or not isinstance(country, str):
        return None
    code = country.strip().upper()
    return code if len(code) == 2 else None


def _text(value: Any, where: str, field: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(f"{where}: '{field}' must be non-empty text")
    return " ".join(value.split())


def parse_profiles(data: Any, path: str = "<profiles>") -> CountryProfiles:
    """Validate the YAML structure; every problem names the file and the entry."""
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: expected a mapping with 'signals' and 'countries'")
    raw_signals, raw_countries = data.get("signals"), data.get("countries")
    if not isinstance(raw_signals, dict) or not isinstance(raw_countries, dict):
        raise ProfileError(f"{path}: 'signals' and 'countries' must both be mappings")
    signals: dict[str, Signal] = {}
    for sid, spec in raw_signals.items():
        where = f"{path}: signal {sid!r}"
        if not isinstance(sid, str) or not SIGNAL_ID.match(sid):
            raise ProfileError(f"{where}: ids are lower-case words joined by '-'")
        if not isinstance(spec, dict):
            raise ProfileError(f"{where}: expected a mapping")
        kind, direction = spec.get("kind"), spec.get("direction", "raises")
        if kind not in KINDS:
            raise ProfileError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if direction not in DIRECTIONS:
            raise ProfileError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}")
        signals[sid] = Signal(
            id=sid,
            label=_text(spec.get("label"), where, "label") or "",
            kind=kind,
            direction=direction,
            cite=_text(spec.get("cite"), where, "cite") or "",
            url=_text(spec.get("url"), where, "url", required=False),
            rationale=_text(spec.get("rationale"), where, "rationale") or "",
            assigned_by=spec.get("assigned_by", "kvrules"),
        )
    names: dict[str, str] = {}
    assigned: dict[str, dict[str, str]] = {}
    kinds: dict[str, dict[str, str]] = {}
    for code, spec in raw_countries.items():
        where = f"{path}: country {code!r}"
        # YAML 1.1 reads a bare NO as false: insist on real ISO alpha-2 text keys.
        if not isinstance(code, str) or not is_country_code(code):
            raise ProfileError(f"{where}: not an ISO 3166-1 alpha-2 code (quote codes like 'NO')")
        if code != code.upper():
            raise ProfileError(f"{where}: write country codes in upper case")
        if not isinstance(spec, dict) or not isinstance(spec.get("signals"), dict):
            raise ProfileError(f"{where}: expected name and a 'signals' mapping")
        names[code] = _text(spec.get("name"), where, "name") or code
        assigned[code] = {}
        for sid, rationale in spec["signals"].items():
            if sid not in signals:
                raise ProfileError(f"{where}: unknown signal {sid!r}; define it under signals:")
            said = f"{where} signal {sid!r}"
            if isinstance(rationale, dict):  # {basis: TEXT, kind: KIND}: a kind of its own
                kind = rationale.get("kind")
                if set(rationale) - {"basis", "kind"} or kind not in KINDS:
                    raise ProfileError(
                        f"{said}: write the basis as text, or as {{basis: TEXT, kind: KIND}} "
                        f"with a kind of {', '.join(KINDS)}"
                    )
                kinds.setdefault(code, {})[sid] = kind
                rationale = rationale.get("basis")
            assigned[code][sid] = _text(rationale, said, "rationale") or ""
    return CountryProfiles(
        str(data.get("version", "")),
        signals,
        names,
        assigned,
        path,
        str(data.get("reviewed") or ""),
        kinds,
    )


def load_profiles(path: str | Path | None = None) -> CountryProfiles:
    """Load a profile file (default: $KVRULES_COUNTRY_PROFILES, else the shipped one)."""
    chosen = Path(path or os.environ.get(ENV_VAR) or DEFAULT_PATH)
    with chosen.open(encoding="utf-8") as fh:
        return parse_profiles(yaml.safe_load(fh), str(chosen))


@lru_cache(maxsize=1)
def default_profiles() -> CountryProfiles:
    return load_profiles()


def profiles_in_words(home_country: str | None = None) -> str:
    """The country profiles in use, named with their version and review date (a Dutch signal
    in neutral words for an institution elsewhere)."""
    return default_profiles().in_words(home_country)


def _label(signal: Signal, home_country: str | None) -> str:
    if dutch_wording(home_country):
        return signal.label
    return DUTCH_WORDING_ABROAD.get(signal.id, signal.label)


def country_signals(country: str | None) -> list[str]:
    """Signal ids for an ISO alpha-2 country code (``[]`` for unknown or missing countries)."""
    return default_profiles().signals_for(country)


def signal_info(signal_id: str) -> Signal:
    """The citation, rationale and kind of a signal (for explanations); KeyError if unknown."""
    return default_profiles().signals[signal_id]


def explain_signal(country: str | None, signal_id: str) -> CountrySignal | None:
    """Why ``signal_id`` applies to ``country`` (per-country rationale + citation), or None."""
    return default_profiles().explain(country, signal_id)
