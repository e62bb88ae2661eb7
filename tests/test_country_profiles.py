"""Country profiles: every signal cited, every assignment explained, no licence-bound data."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from kvrules.enrich.countries import (
    DEFAULT_PATH,
    ProfileError,
    country_signals,
    default_profiles,
    explain_signal,
    load_profiles,
    parse_profiles,
    signal_info,
)

ROOT = Path(__file__).resolve().parent.parent


def test_every_signal_has_a_citation_and_rationale() -> None:
    profiles = default_profiles()
    assert profiles.signals
    for signal in profiles.signals.values():
        assert signal.cite and signal.label and signal.rationale, signal.id
        assert signal.kind in ("designation", "assessment")
        assert signal.url is None or signal.url.startswith("https://")


def test_every_country_signal_has_its_own_rationale() -> None:
    profiles = default_profiles()
    for code, assigned in profiles.assigned.items():
        assert assigned, code
        for sid in assigned:
            why = explain_signal(code, sid)
            assert why is not None and why.rationale and why.signal.cite
            assert code in str(why)


def test_us_country_of_concern_matches_the_shipped_fcoc_list() -> None:
    with (ROOT / "kvrules/refdata/data/us_fcoc.csv").open(encoding="utf-8") as fh:
        fcoc = {row["country"] for row in csv.DictReader(fh)}
    assert (
        set(default_profiles().countries_with("us-country-of-concern"))
        == fcoc
        == {
            "CN",
            "RU",
            "KP",
            "IR",
        }
    )


def test_lookup_is_by_iso_code_and_tolerant() -> None:
    assert "us-country-of-concern" in country_signals("cn")
    assert country_signals(" RU ") == country_signals("RU")
    assert country_signals(None) == country_signals("") == country_signals("XX") == []
    assert country_signals("China") == []  # enrichment passes ISO codes, not names
    # home country and typical partners carry no risk signal (country-neutral by default)
    assert country_signals("NL") == country_signals("BE") == []
    assert country_signals("NO") == ["eu001-destination"]  # the YAML 'NO' trap is handled


def test_signal_info_and_unknown_signals() -> None:
    assert "4872" in signal_info("us-country-of-concern").cite
    with pytest.raises(KeyError):
        signal_info("no-such-signal")
    assert explain_signal("NL", "us-country-of-concern") is None


def test_licence_restricted_indices_are_not_shipped() -> None:
    profiles = default_profiles()
    # The academic-freedom signal exists for admins to assign; kvrules ships no countries for it.
    assert profiles.signals["low-academic-freedom"].assigned_by == "admin"
    assert profiles.countries_with("low-academic-freedom") == []
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert not re.search(r"\b(score|rating)s?\s*[:=]\s*\d", text, re.I)


def test_signals_named_in_rulebooks_are_defined() -> None:
    defined = set(default_profiles().signals)
    named = set()
    for book in (ROOT / "rulebooks").glob("*.yaml"):
        named |= set(re.findall(r'country_signals contains "([^"]+)"', book.read_text("utf-8")))
    assert named and named <= defined, sorted(named - defined)


def _base() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["countries"].update({False: d["countries"]["NO"]}), "ISO 3166-1"),
        (lambda d: d["countries"]["CN"]["signals"].update({"made-up": "x"}), "unknown signal"),
        (lambda d: d["countries"]["CN"]["signals"].update({"eu-arms-embargo": ""}), "rationale"),
        (lambda d: d["signals"]["eu-arms-embargo"].pop("cite"), "cite"),
        (lambda d: d["signals"]["eu-arms-embargo"].update({"kind": "opinion"}), "kind"),
        (lambda d: d["countries"].update({"cn": {"name": "x", "signals": {}}}), "ISO|upper"),
    ],
)
def test_malformed_profiles_are_rejected(mutate, message: str) -> None:
    data = _base()
    mutate(data)
    with pytest.raises(ProfileError, match=message):
        parse_profiles(data, "profiles.yaml")


def test_an_institution_can_supply_its_own_profile(tmp_path: Path, monkeypatch) -> None:
    data = _base()
    data["countries"]["TR"] = {
        "name": "Türkiye",
        "signals": {"low-academic-freedom": "Assigned by our committee from V-Dem AFi 2025."},
    }
    path = tmp_path / "profiles.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_profiles(path).signals_for("TR") == ["low-academic-freedom"]
    monkeypatch.setenv("KVRULES_COUNTRY_PROFILES", str(path))
    assert load_profiles().signals_for("TR") == ["low-academic-freedom"]
