"""The templates and the stylesheet, shared by the web app and the offline portfolio report."""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from kvrules.history import (
    decision_in_words,
    sentence,
    subject_in_words,
    technical,
    verdict_in_words,
)
from kvrules.plain import (
    area_label,
    areas_not_screened_in_words,
    edition_in_words,
    list_label,
    list_title,
    matched_by,
    money,
    resemblance,
    signal_label,
    signal_marked,
    signal_source,
)
from kvrules.refdata.normalise import name_key
from kvrules.timezone import local_date, local_time, zone, zone_label
from kvrules.web.bidi import (
    isolated,
    isolated_authors,
    isolated_in,
    isolated_names,
    isolated_partners,
    proposal_names,
)
from kvrules.web.casedata import identifier_views, read_as_person_in_words, set_apart_in_words
from kvrules.web.caseform import field_id
from kvrules.web.security import can


def environment() -> Environment:
    # Autoescape everything, whatever the template's extension.
    env = Environment(
        loader=PackageLoader("kvrules.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals["can"] = can
    env.filters["http_url"] = http_url
    env.filters["name_key"] = name_key
    # a name or title from outside in a <bdi>, each name of a list in its own (kvrules.web.bidi)
    env.filters["isolated"] = isolated
    env.filters["isolated_names"] = isolated_names
    env.filters["isolated_partners"] = isolated_partners
    env.filters["isolated_authors"] = isolated_authors
    env.filters["isolated_in"] = isolated_in  # a sentence around names: those names isolated
    env.filters["proposal_names"] = proposal_names
    env.filters["sentence"] = sentence  # an audit entry in words; history.Words as argument
    env.filters["subject_words"] = subject_in_words  # "user:adam" → the account adam
    env.filters["decision"] = decision_in_words  # "approve-with-mitigations" → approve with …
    env.filters["verdict"] = verdict_in_words  # "not-same" → not the same organisation
    env.filters["technical"] = technical  # what that sentence leaves out (the rule id)
    env.filters["identifiers"] = identifier_views
    env.filters["set_apart"] = set_apart_in_words  # why an organisation shows no country
    env.filters["read_as_person"] = read_as_person_in_words  # kept its country, and why
    env.filters["field_id"] = field_id  # a form field's name → the id its error links to
    # ["Polish"] → technology fields not screened in Polish (…), as `check` says it
    env.filters["areas_not_screened"] = areas_not_screened_in_words
    env.filters["area"] = area_label  # "eu-critical-tech:energy" → EU critical technology 'energy'
    env.filters["list_name"] = list_label  # "us_dod_1286" → US DoD Section 1286 list
    env.filters["list_title"] = list_title  # an organisation's own-list title, from its matches
    env.filters["matched_by"] = matched_by  # "alias" → another of its names
    env.filters["resemblance"] = resemblance  # a similar name: what it was compared with
    env.filters["edition"] = edition_in_words  # "us_dod_1286@FY25" → the US DoD …, edition FY25
    env.filters["signal"] = signal_label  # "eu-arms-embargo" → under an EU arms embargo
    env.filters["signal_marked"] = signal_marked  # … "(an assessment, not a designation)"
    env.filters["signal_source"] = signal_source  # the profiles' edition and the citation
    env.filters["money"] = site_money  # 250000, "EUR" → €250,000 (€250.000 with ",")
    env.filters["when"] = when  # a stored UTC moment → "2026-12-06 23:03 PST", the zone's
    env.filters["day"] = day  # its date in the institution's zone
    env.filters["zone_label"] = zone_label_at  # a moment → the zone it is shown in, by name
    return env


def _zone(context: Context):
    # the web app puts the configured zone in every page's context; elsewhere the server's
    return context.get("time_zone") or zone()


@pass_context
def site_money(context: Context, amount, currency) -> str:
    # the web app puts the site's decimal separator in every page's context
    return money(amount, currency, context.get("decimal_separator"))


@pass_context
def when(context: Context, value) -> str:
    return local_time(value, _zone(context))


@pass_context
def day(context: Context, value) -> str:
    return local_date(value, _zone(context))


@pass_context
def zone_label_at(context: Context, value) -> str:
    return zone_label(_zone(context), value)


def http_url(url: str | None) -> str | None:
    """Only http(s) links from rulebook citations (no javascript: or data: URLs)."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def css() -> str:
    return files("kvrules.web").joinpath("static/app.css").read_text(encoding="utf-8")
