""" "<acronym> University" reads a list's own acronyms too, not only the registry's: the 1286
FY25 list (shipped, public domain) gives "HSE" as the short name of Moscow's Higher School of
Economics in its Notes, and "HSE University" (the name it uses itself) was not found. A list
gives no organisation type, so its hit is confident only where the country given is the
entry's; else a candidate to confirm."""

from __future__ import annotations

from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.refdata import Resolver

HSE = "moscows-higher-school-of-economics"


def _hits(resolver: Resolver, country: str | None) -> list[tuple[str, str, bool]]:
    return [(m.entry, m.method, m.candidate) for m in resolver.match("HSE University", country)]


def test_acronym_university_finds_a_listed_acronym(shipped_resolver: Resolver) -> None:
    assert _hits(shipped_resolver, "RU") == [(HSE, "acronym", False)]
    assert _hits(shipped_resolver, None) == [(HSE, "acronym", True)]  # no country: to confirm
    assert _hits(shipped_resolver, "CN") == []  # another country's entry is not it


def test_match_says_it() -> None:
    said = CliRunner().invoke(cli, ["match", "HSE University", "--country", "RU"])
    assert said.exit_code == 0, said.output
    assert f"us_dod_1286@FY25 {HSE}" in said.stdout and "candidate" not in said.stdout
