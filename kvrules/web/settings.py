"""How the web app runs: database, session secret, cookie policy, optional proxy auth and
the screener behind pre-screening."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from kvrules.config import DEFAULT_HOME_COUNTRY
from kvrules.enrich.currency import ExchangeRates
from kvrules.records import RecordLinks
from kvrules.timezone import zone

if TYPE_CHECKING:
    from kvrules.prescreen import Screener
    from kvrules.ruletitles import RuleTitles

SECRET_ENV = "KVRULES_WEB_SECRET"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_secret(db: Path) -> str:
    """The session-signing key: $KVRULES_WEB_SECRET, else a random key kept next to the
    database (mode 0600) so that sessions survive a restart."""
    if env := os.environ.get(SECRET_ENV):
        return env
    path = db.with_name(db.name + ".web-secret")
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key)
    return key


def rulebook_titles(paths: Iterable[str | Path]) -> dict[str, str]:
    """Rulebook id → title, for the rulebook files under ``paths`` ([]: the shipped ones),
    read from each file's header; a file that cannot be read is left out (``kvrules
    validate`` says what is wrong with it)."""
    from kvrules.rulebook.discovery import rulebook_files

    titles: dict[str, str] = {}
    for path in rulebook_files(paths):
        try:
            head = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(head, dict) and head.get("rulebook") and head.get("title"):
            titles[str(head["rulebook"])] = str(head["title"])
    return titles


@dataclass(frozen=True)
class WebSettings:
    db: Path
    secret_key: str = field(repr=False)
    # Secure cookies unless the app is only reachable on loopback (plain http on localhost).
    secure_cookies: bool = False
    # SSO: a trusted reverse proxy puts the authenticated user name in this header. Off (None)
    # unless configured; honoured only from trusted_proxies, and only for known accounts.
    proxy_header: str | None = None
    # None by default, loopback neither: any local process could otherwise name any account.
    trusted_proxies: tuple[str, ...] = ()
    # The proxy may name an account that has a local password too (off: it names SSO accounts
    # only, so a header cannot become an admin whose password it never knew).
    proxy_local_accounts: bool = False
    # Behind a TLS proxy: the addresses (or networks, or "*") whose X-Forwarded-Proto and
    # X-Forwarded-For are believed (uvicorn's forwarded_allow_ips); none by default.
    forwarded_allow_ips: tuple[str, ...] = ()
    home_country: str | None = DEFAULT_HOME_COUNTRY
    rates: ExchangeRates | None = None  # to compare foreign funding in one currency
    foreign_cap: float = 0.25  # a unit's foreign funding share marked in the portfolio
    # the sources' ris_url patterns: the report links each case's record to the RIS
    links: RecordLinks = field(default_factory=dict, compare=False)
    session_max_age: int = 8 * 3600
    # Seconds a page that writes waits for a scan's write lock before answering "busy, try
    # again in a moment" (503); reads never wait (WAL: readers run beside the writer).
    busy_wait: float = 5.0
    # Four-eyes: a decision waits for a second, different committee member's approval.
    four_eyes: bool = False
    # Pre-screening (form and API) with the configuration's rulebooks and lists; None: off.
    screener: Screener | None = field(default=None, compare=False)
    # The configuration's alert routes (target → channels): a pre-screen sent to the committee
    # queues its alerts as a scan's case does.
    routes: Mapping[str, Sequence[str]] = field(default_factory=dict, compare=False)
    # what the screener's configuration leaves unsaid and a pre-screen answer says beside its
    # triage: "home_country is not set: …" (``kvrules.cli.options.home_country_unset``)
    home_country_note: str | None = None
    # rulebook id → its title, to name rulebooks for people (``rulebook_titles``)
    rulebook_titles: Mapping[str, str] = field(default_factory=dict, compare=False)
    # how people here write amounts (config ``decimal_separator``): the pre-screen form reads
    # "250,000" or "250.000" by it; None: such an amount is refused as ambiguous. Not the
    # API's: a client system declares its own (``?decimal_separator=``)
    decimal_separator: str | None = None
    # "rulebook/rule" → the rule's title as the rulebooks say it now: a finding is shown under
    # it, though found under an older one (``kvrules.ruletitles``)
    rule_titles: RuleTitles = field(default_factory=dict, compare=False)
    # the institution's time zone: times are shown in it, "today" (overdue) is taken in it
    time_zone: tzinfo = field(default_factory=zone, compare=False)
    # /healthz: the configured sources, and (a source unread this long is overdue, an alert
    # failing this long is stuck): ``Config.health_limits``
    sources: tuple[str, ...] = ()
    health_limits: tuple[timedelta, timedelta] = (timedelta(minutes=45), timedelta(hours=1))

    @classmethod
    def for_host(cls, db: Path, host: str, **kw) -> WebSettings:
        kw.setdefault("secure_cookies", not is_loopback(host))
        return cls(db=db, secret_key=kw.pop("secret_key", None) or load_secret(db), **kw)
