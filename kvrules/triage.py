"""The Leidraad triage as findings (the shipped nl-leidraad rulebook's triage-red and
triage-amber): red is "amber, and all three factors for one partner", and the engine cannot
afford "amber and not red", so both fire where red does.

A pre-screen shows one colour and sends the case those findings; the re-screen of that case
must find the same (reviewer, upgrading from 2c1c373: a pre-screen case already Red got a
"new" Amber finding and an adviser e-mail on its first re-screen). One rule for both here."""

from __future__ import annotations

from collections.abc import Iterable

from kvrules.findings import Finding

TRIAGE_RULES = {"red": "triage-red", "amber": "triage-amber"}
# A finding so tagged (the shipped restricted-parties rulebook: an organisation on a sanctions
# or restricted-party list) is a legal question, not a factor to weigh: it makes a pre-screen
# red whatever the Leidraad's colour, since dealings with the organisation may be prohibited
# or need a licence until the legal / export-control office has answered.
RESTRICTED_PARTY = "ks:restricted-party"


def one_colour(findings: Iterable[Finding]) -> list[Finding]:
    """Without the Leidraad's amber where its red fired for the same event."""
    findings = list(findings)
    red = {f.event_id for f in findings if f.rule_id == TRIAGE_RULES["red"]}
    return [f for f in findings if not (f.rule_id == TRIAGE_RULES["amber"] and f.event_id in red)]
