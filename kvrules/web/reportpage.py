"""The portfolio report: a page in the app and a standalone HTML file for the board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kvrules.config import DEFAULT_HOME_COUNTRY
from kvrules.enrich.currency import ExchangeRates
from kvrules.period import BadPeriod, days_before, parse_day, period_moments
from kvrules.private import write_private
from kvrules.records import RecordLinks
from kvrules.store import Store
from kvrules.timezone import today, zone
from kvrules.web import charts
from kvrules.web.auth import error_page, guard, open_store
from kvrules.web.portfolio import DEFAULT_PERIOD_DAYS, RISKS, Portfolio, build
from kvrules.web.scope import unscoped_only
from kvrules.web.templating import css, environment


def not_read(title: str, kind: str, p: Portfolio) -> Markup | None:
    """For a section of a kind of record no scanned source reads (co-publications from a
    Converis-only installation): say so, instead of an empty chart's "no data"."""
    if kind not in p.unread_kinds:
        return None
    which = "this source" if len(p.sources_read) == 1 else "these sources"
    return Markup(
        f'<p class="empty not-read">{escape(title)}: not read from {which} '
        f"({escape('; '.join(p.sources_read))}).</p>"
    )


def chart_context(p: Portfolio) -> dict:
    copub_series = p.copub_top()
    case_years = sorted(p.cases_by_year)
    return {
        "p": p,
        "chart_collab_years": charts.columns(
            f"Projects with a partner abroad or a funder outside {p.funding.domestic_label}, "
            "by start year and risk",
            p.years,
            p.collab_by_year,
            RISKS,
            x_title="start year",
            y_title="projects",
        ),
        "chart_collab_countries": charts.bars(
            "Projects by partner country and risk (top countries; funders apart, below)",
            p.top_countries(),
            RISKS,
            x_title="projects",
            y_title="partner country",
        ),
        "chart_funder_countries": charts.bars(
            f"Projects by country of a funder outside {p.funding.domestic_label}, and risk",
            p.top_funder_countries(),
            RISKS,
            x_title="projects",
            y_title="funder country",
        ),
        "chart_copub_years": (
            not p.copub_years
            and not_read(
                "Co-publications by year and foreign co-author country (top 8)", "output", p
            )
        )
        or charts.columns(
            "Co-publications by year and foreign co-author country (top 8)",
            p.copub_years,
            p.copub_by_year,
            copub_series,
            x_title="publication year",
            y_title="co-publications",
        ),
        "chart_cases_years": charts.columns(
            "Cases opened per year, by severity",
            case_years,
            p.cases_by_year,
            RISKS[:-1],
            x_title="year opened",
            y_title="cases",
        ),
        "chart_open": charts.bars(
            "Open cases by severity",
            [(s, {s: n}) for s, n in p.open_severities()],
            RISKS[:-1],
            x_title="open cases",
            y_title="severity",
        ),
    }


def render_standalone(
    env: Environment,
    store: Store,
    *,
    home_country: str | None,
    title: str,
    foreign_cap: float = 0.25,
    rates: ExchangeRates | None = None,
    since: datetime | None = None,
    links: RecordLinks | None = None,
    time_zone: tzinfo | None = None,
    until: datetime | None = None,
) -> str:

    time_zone = time_zone or zone()
    p = build(
        store,
        home_country=home_country,
        today=today(time_zone),
        foreign_cap=foreign_cap,
        rates=rates,
        since=since,
        links=links,
        until=until,
    )
    template = env.get_template("report_standalone.html")
    return template.render(title=title, css=css(), time_zone=time_zone, **chart_context(p))


def write_report(
    store: Store,
    out: Path,
    *,
    home_country: str | None = DEFAULT_HOME_COUNTRY,
    title: str,
    foreign_cap: float = 0.25,
    rates: ExchangeRates | None = None,
    since: datetime | None = None,
    links: RecordLinks | None = None,
    time_zone: tzinfo | None = None,
    until: datetime | None = None,
) -> Path:

    html = render_standalone(
        environment(),
        store,
        home_country=home_country,
        title=title,
        foreign_cap=foreign_cap,
        rates=rates,
        since=since,
        links=links,
        time_zone=time_zone,
        until=until,
    )
    # case details, people's names: the owner's only, as the store is
    return write_private(out, html)


@dataclass(frozen=True)
class AskedPeriod:
    """The period the page's control asks for (``?since=…&until=…``, whole days in the
    institution's zone) as typed, and as the UTC moments the report compares with."""

    first: str
    last: str
    since: datetime
    until: datetime | None

    @classmethod
    def of(cls, request: Request) -> AskedPeriod:
        tz = request.app.state.settings.time_zone
        first_text = request.query_params.get("since", "")
        last_text = request.query_params.get("until", "")
        last = parse_day(last_text, "until")
        first = parse_day(first_text, "since") or days_before(
            last or today(tz), DEFAULT_PERIOD_DAYS
        )
        since, until = period_moments(first, last, tz)
        assert since is not None  # a first day is always given or defaulted
        return cls(first.isoformat(), last.isoformat() if last else "", since, until)

    def query(self) -> str:
        return urlencode({"since": self.first, "until": self.last})


def _portfolio(request: Request, asked: AskedPeriod) -> Portfolio:
    """The portfolio, read in a thread of Starlette's pool: off the event loop, where seconds
    of reading stopped every other request."""
    with open_store(request) as store:
        settings = request.app.state.settings
        return build(
            store,
            home_country=settings.home_country,
            today=today(settings.time_zone),  # overdue as the institution's calendar has it
            foreign_cap=settings.foreign_cap,
            rates=settings.rates,
            links=settings.links,
            since=asked.since,
            until=asked.until,
        )


def _standalone(request: Request, asked: AskedPeriod) -> str:
    settings = request.app.state.settings
    with open_store(request) as store:
        return render_standalone(
            request.app.state.templates.env,
            store,
            home_country=settings.home_country,
            title="Knowledge-security portfolio report",
            foreign_cap=settings.foreign_cap,
            rates=settings.rates,
            links=settings.links,
            time_zone=settings.time_zone,
            since=asked.since,
            until=asked.until,
        )


@guard("view")
async def portfolio_page(request: Request) -> Response:
    if refused := unscoped_only(request.state.user):  # it counts every unit's cases
        return error_page(request, 403, refused)
    try:
        asked = AskedPeriod.of(request)
    except BadPeriod as exc:
        return error_page(request, 400, f"{exc}.")
    p = await run_in_threadpool(_portfolio, request, asked)  # seconds at thousands of cases
    return request.app.state.templates.TemplateResponse(
        request, "report.html", {**chart_context(p), "asked": asked}
    )


@guard("view")
async def portfolio_download(request: Request) -> Response:
    if refused := unscoped_only(request.state.user):
        return error_page(request, 403, refused)
    try:
        asked = AskedPeriod.of(request)
    except BadPeriod as exc:
        return error_page(request, 400, f"{exc}.")
    html = await run_in_threadpool(_standalone, request, asked)
    return Response(
        html,
        media_type="text/html",
        headers={"content-disposition": 'attachment; filename="kvrules-report.html"'},
    )
