"""``kvrules serve``, ``kvrules users`` and ``kvrules report``: the committee's views."""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from kvrules.actors import cli_actor
from kvrules.cli.options import (
    CONFIG_OPTION,
    DB_OPTION,
    change_state,
    config_from,
    home_country_unset,
    open_existing,
    say_home_country_unset,
    settings_from,
    state_db,
)
from kvrules.store.users import ROLES

PASSWORD_ENV = "KVRULES_PASSWORD"


RATES_OPTION = click.option(
    "--exchange-rates",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML exchange rates: foreign funding is then compared in one currency "
    "(default: the config's `exchange_rates`)",
)
HOME_OPTION = click.option(
    "--home-country",
    help="the institution's country, for 'foreign' in reports (default: the config's "
    "`home_country`)",
)


@dataclass
class PortfolioSettings:
    """What the portfolio views read from the configuration, each overridable by a flag."""

    db: Path
    home_country: str | None
    foreign_cap: float
    rates: Any
    links: dict[str, Any]  # the sources' ris_url patterns: cases link to the RIS
    time_zone: Any  # the institution's zone (tzinfo): times shown, "today" counted in it


def portfolio_settings(
    config_path: Path | None,
    db: Path | None,
    *,
    home_country: str | None = None,
    foreign_cap: float | None = None,
    exchange_rates: Path | None = None,
) -> PortfolioSettings:
    """The same home country, cap and rates as the scan uses, unless a flag says otherwise."""
    from kvrules.enrich.currency import load_rates
    from kvrules.model import country_code
    from kvrules.settings import foreign_share_cap, record_links

    config = config_from(config_path, db)
    rates_path = exchange_rates or config.exchange_rates
    try:
        rates = load_rates(rates_path) if rates_path else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--exchange-rates") from None
    try:
        home = country_code(home_country) if home_country else config.home_country
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--home-country") from None
    cap = foreign_cap if foreign_cap is not None else foreign_share_cap(config)
    from kvrules.timezone import zone

    return PortfolioSettings(
        config.database, home, cap, rates, record_links(config), zone(config.time_zone)
    )


@click.command()
@CONFIG_OPTION
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="interface to listen on")
@click.option(
    "--port", default=8000, show_default=True, type=int, help="port to listen on (on --host)"
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="mark cookies Secure (default: yes unless listening on loopback only)",
)
@click.option(
    "--proxy-header",
    envvar="KVRULES_WEB_PROXY_HEADER",
    help="SSO: trust this header (e.g. X-Remote-User) from --trusted-proxy for the user name",
)
@click.option(
    "--trusted-proxy",
    multiple=True,
    help="address of the reverse proxy allowed to set --proxy-header (required with it; "
    "loopback too must be named)",
)
@click.option(
    "--proxy-for-local-accounts",
    is_flag=True,
    help="let --proxy-header name accounts that have a local password too (default: SSO "
    "accounts only)",
)
@click.option(
    "--forwarded-allow-ips",
    envvar="KVRULES_WEB_FORWARDED_ALLOW_IPS",
    metavar="ADDRESSES",
    help="behind a TLS proxy: the proxy's addresses (comma-separated; networks or * too) "
    "whose X-Forwarded-Proto and X-Forwarded-For are believed: the session cookie is then "
    "Secure on https requests (default: none, the headers are ignored)",
)
@HOME_OPTION
@RATES_OPTION
def serve(
    config_path: Path | None,
    db: Path | None,
    host: str,
    port: int,
    secure_cookies: bool | None,
    proxy_header: str | None,
    trusted_proxy: tuple[str, ...],
    proxy_for_local_accounts: bool,
    forwarded_allow_ips: str | None,
    home_country: str | None,
    exchange_rates: Path | None,
) -> None:
    """Run the committee's web app (cases, decisions, portfolio report)."""
    import uvicorn

    if proxy_header and not trusted_proxy:
        raise click.UsageError(
            "--proxy-header needs --trusted-proxy ADDRESS, the reverse proxy's address (say "
            "127.0.0.1 when it runs here): any other process could name any account"
        )

    from kvrules.prescreen import Screener
    from kvrules.ruletitles import LiveRuleTitles
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings, rulebook_titles

    site = portfolio_settings(
        config_path, db, home_country=home_country, exchange_rates=exchange_rates
    )
    db = site.db
    resolved = settings_from(config_path, db)
    say_home_country_unset(resolved)  # once at start-up, as scan and check say it
    config = resolved.config
    with open_existing(db) as store:
        if not store.users():
            click.echo("warning: no accounts yet; add one with `kvrules users add`", err=True)
    kw: dict = {
        "home_country": site.home_country,
        "trusted_proxies": trusted_proxy,
        "rates": site.rates,
        "foreign_cap": site.foreign_cap,  # as the scan's funding-dependency rulebook
        "links": site.links,
        # pre-screening (form and API) with the same rulebooks and lists as a scan
        "screener": Screener.from_config(config),
        "four_eyes": config.four_eyes,
        "decimal_separator": config.decimal_separator,  # how the form reads amounts
        "time_zone": site.time_zone,
        "routes": config.alerts.routes,  # a sent pre-screen alerts as a scan's case does
        "rulebook_titles": rulebook_titles(config.rulebooks),
        # findings shown under their rules' titles now, not those they were found under
        # and as the rulebook files say them now: read again when they change
        "rule_titles": LiveRuleTitles(config),
        # the same notice beside each pre-screen's triage (page and API)
        "home_country_note": home_country_unset(resolved),
        # what /healthz calls degraded: a source unread, an alert stuck (docs/operations.md)
        "sources": tuple(config.sources),
        "health_limits": config.health_limits(),
    }
    if secure_cookies is not None:
        kw["secure_cookies"] = secure_cookies
    if proxy_header:
        kw["proxy_header"] = proxy_header
        kw["proxy_local_accounts"] = proxy_for_local_accounts
    if forwarded_allow_ips:
        kw["forwarded_allow_ips"] = tuple(
            a.strip() for a in forwarded_allow_ips.split(",") if a.strip()
        )
    settings = WebSettings.for_host(db, host, **kw)
    listening = _listen(host, port)  # before saying where: a busy port is one line, not a log
    click.echo(f"kvrules web: http://{host}:{port}/ (database {db})")
    server = uvicorn.Server(server_config(create_app(settings)))
    server.run(sockets=[listening])


def server_config(app: Any) -> Any:
    """uvicorn's settings for the app: forwarded headers only through kvrules' own middleware
    (``--forwarded-allow-ips``), no ``server: uvicorn`` header telling a scanner what runs
    here and which version's advisories to try, and an access log without query strings
    (``kvrules.web.accesslog``)."""
    import uvicorn

    from kvrules.web.accesslog import drop_queries_from_access_log

    config = uvicorn.Config(app, log_level="info", proxy_headers=False, server_header=False)
    drop_queries_from_access_log()  # after uvicorn configured its loggers: names stay out
    return config


def _listen(host: str, port: int) -> socket.socket:
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        listening = socket.socket(family, socket.SOCK_STREAM)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
    except OSError as e:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {e.strerror or e}; choose another --port, or stop "
            "the program that uses it"
        ) from None
    return listening


@click.group()
def users() -> None:
    """Web app accounts."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        if not (password := sys.stdin.readline().rstrip("\r\n")):
            raise click.ClickException("--password-stdin: standard input held no password")
        return password
    if env := os.environ.get(PASSWORD_ENV):
        return env
    if not sys.stdin.isatty():  # getpass would fall back to echoing, or fail at end of input
        raise click.ClickException(
            f"no terminal to ask for the password on: pass it with --password-stdin or in "
            f"{PASSWORD_ENV}, or add an --sso account"
        )
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="what the user may do: a viewer reads, an adviser also triages and adjudicates, "
    "the committee also decides, an admin triages and manages users but does not decide "
    "(an admin on the committee decides from a committee account); a grant officer pre-screens "
    "and sends a proposal to the committee",
)
@state_db
@click.option(
    "--sso", is_flag=True, help="no local password: signs in through the reverse proxy only"
)
@click.option("--password-stdin", is_flag=True, help="read the password from the first stdin line")
@click.option(
    "--units",
    help="limit the account to the cases of these units, comma-separated, as the RIS names "
    "them ('Faculty of Physics,Institute for Quantum Technology'); not given, a new account "
    "sees every unit and an existing one keeps its limit",
)
@click.option("--all-units", is_flag=True, help="lift the account's unit limit")
def users_add(
    name: str,
    role: str,
    db: Path,
    sso: bool,
    password_stdin: bool,
    units: str | None,
    all_units: bool,
) -> None:
    """Add an account (or change its role or password, which ends its sessions; a disabled
    account stays disabled). The password is the first line of standard input with
    --password-stdin, else $KVRULES_PASSWORD, else asked for twice on the terminal; it is
    never echoed, logged or stored, only its argon2 hash."""
    from kvrules.store import Store
    from kvrules.store.users import KEEP
    from kvrules.web.security import hash_password

    if units is not None and all_units:
        raise click.UsageError("give --units or --all-units, not both")
    scope = [u for u in units.split(",")] if units is not None else None if all_units else KEEP
    password_hash = None
    if not sso:
        try:
            password_hash = hash_password(_read_password(password_stdin))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    with Store.open(db, create=True) as store:  # the first account may start it
        try:
            new = store.add_user(name, role, password_hash, actor=cli_actor(), units=scope)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        account = store.user(name)
    assert account is not None
    still = (
        f"; still disabled: `kvrules users enable {name}` lets it sign in"
        if account.disabled
        else ""
    )
    limit = f", units: {', '.join(account.units)}" if account.units is not None else ""
    click.echo(f"{'added' if new else 'updated'} {name} ({role}{limit}){still}")


@users.command("list")
@state_db
def users_list(db: Path) -> None:
    """Accounts and their roles."""
    with open_existing(db, read_only=True) as store:
        for u in store.users():
            login = "local" if u.password_hash else "sso"
            limit = ["units: " + ", ".join(u.units)] if u.units is not None else []
            click.echo(
                "\t".join([u.name, u.role, login, *limit, *(["disabled"] if u.disabled else [])])
            )


@users.command("disable")
@click.argument("name")
@state_db
def users_disable(name: str, db: Path) -> None:
    """Disable an account (its sessions stop working at once)."""
    change_state(
        db,
        lambda store: store.disable_user(name, actor=cli_actor()),
        f"no enabled account {name!r}",
        f"disabled {name}",
    )


@users.command("enable")
@click.argument("name")
@state_db
def users_enable(name: str, db: Path) -> None:
    """Enable a disabled account again (its old sessions stay ended)."""
    change_state(
        db,
        lambda store: store.enable_user(name, actor=cli_actor()),
        f"no disabled account {name!r}",
        f"enabled {name}",
    )


# `kvrules report --out r.md`: the file's name says the format people expect to read
MARKDOWN_SUFFIXES = (".md", ".markdown")


@click.command()
@CONFIG_OPTION
@DB_OPTION
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="the file to write: HTML (the portfolio report), or Markdown when it is named .md",
)
@HOME_OPTION
@click.option(
    "--title",
    default="Knowledge-security portfolio report",
    show_default=True,
    help="the report's heading",
)
@click.option(
    "--foreign-cap",
    type=click.FloatRange(0, 1),
    help="share of a unit's funding from abroad that is marked for attention (default: the "
    "cap the funding-dependency rulebook screens with, from the config's rulebook_vars)",
)
@RATES_OPTION
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="first day of the period whose critical cases, decisions and closures are listed, "
    "in the configured time_zone (default: 90 days before --until)",
)
@click.option(
    "--all-cases",
    is_flag=True,
    help="Markdown report: list every open case (default: the 50 most severe)",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="last day of that period, included, in the configured time_zone (default: today)",
)
def report(
    config_path: Path | None,
    db: Path | None,
    out: Path,
    home_country: str | None,
    title: str,
    foreign_cap: float | None,
    exchange_rates: Path | None,
    since: datetime | None,
    until: datetime | None,
    all_cases: bool,
) -> None:
    """Write the portfolio report (charts inline, works offline) for the board; to a file
    named .md, the open cases and their findings in Markdown instead (no charts)."""
    from kvrules.period import period_moments
    from kvrules.web.reportpage import write_report

    if out.suffix.lower() in MARKDOWN_SUFFIXES:
        # A .md file given HTML was unreadable as Markdown: the format follows the name.
        from kvrules.report import MARKDOWN_CASES, write_markdown_report
        from kvrules.ruletitles import config_rule_titles
        from kvrules.settings import record_links
        from kvrules.timezone import zone

        config = config_from(config_path, db)
        with open_existing(config.database, read_only=True) as store:  # a report only reads
            write_markdown_report(
                store,
                out,
                title=title,
                links=record_links(config),
                time_zone=zone(config.time_zone),
                limit=None if all_cases else MARKDOWN_CASES,
                home_country=home_country or config.home_country,
                rule_titles=config_rule_titles(config),
            )
        click.echo(
            f"report: {out} (Markdown: the open cases and their findings; the portfolio "
            "report with charts is written to a file named .html)"
        )
        return
    site = portfolio_settings(
        config_path,
        db,
        home_country=home_country,
        foreign_cap=foreign_cap,
        exchange_rates=exchange_rates,
    )
    # whole days in the institution's zone, as the report shows its dates
    first, last = period_moments(
        since.date() if since else None, until.date() if until else None, site.time_zone
    )
    with open_existing(site.db, read_only=True) as store:
        write_report(
            store,
            out,
            home_country=site.home_country,
            title=title,
            foreign_cap=site.foreign_cap,
            rates=site.rates,
            since=first,
            until=last,
            links=site.links,
            time_zone=site.time_zone,
        )
    click.echo(f"report: {out} (HTML: the portfolio report, charts inline)")
