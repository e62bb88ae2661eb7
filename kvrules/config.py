"""The kvrules configuration file (YAML): sources, rulebooks, reference data, alerts, write-back.

Secrets never live in this file: adapters and channels take them from environment variables or
files (``api_key_file``, ``password_env`` …), and ``kvrules config check`` refuses keys that
look like inline secrets.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import platformdirs
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from kvrules.credentials import secret_advice
from kvrules.errors import KvrulesError, problem_text
from kvrules.rulebook.discovery import shipped_rulebooks
from kvrules.rulebook.loader import Diagnostic
from kvrules.rulebook.overrides import PlacedOverrides
from kvrules.rulebook.yamlsource import YamlError, load

DEFAULT_PATH = Path("kvrules.yaml")
ENV_CONFIG = "KVRULES_CONFIG"  # the configuration file
ENV_DB = "KVRULES_DB"  # the state database (findings, cases, outbox, audit log)
ENV_REFDATA = "KVRULES_REFDATA"  # the reference-list store
SHIPPED = Path("shipped")  # in `rulebooks:`, the rulebooks that come with kvrules
SECRET_KEYS = re.compile(r"(^|_)(password|secret|token|api_key|apikey|key)$", re.I)
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceConfig(_Section):
    adapter: str = Field(description="adapter name, e.g. pure, converis, file")
    settings: dict[str, Any] = Field(default={}, description="the adapter's own settings")
    scan_budget: str | None = Field(
        default=None,
        description="a scan of this source stops cleanly after this long (e.g. 30m) and the "
        "next one resumes where it stopped; null: no limit",
    )
    ris_url: str | dict[str, str] | None = Field(
        default=None,
        description="address of a record in the RIS, for links in alerts, `kvrules show` and "
        "reports: a pattern with {id} (e.g. https://pure.example.edu/admin/…?id={id}), or one "
        "per kind {project: …, output: …, visit: …}",
    )

    @field_validator("scan_budget")
    @classmethod
    def _budget(cls, v: str | None) -> str | None:
        if v is not None:
            parse_duration(v)
        return v

    @field_validator("ris_url")
    @classmethod
    def _ris_url(cls, v: str | dict[str, str] | None) -> str | dict[str, str] | None:
        from kvrules.records import KINDS, check_pattern

        if isinstance(v, dict):
            if unknown := set(v) - set(KINDS):
                raise ValueError(
                    f"ris_url: unknown kind(s) {', '.join(sorted(unknown))}; use "
                    + ", ".join(KINDS)
                )
            for pattern in v.values():
                check_pattern(pattern)
        elif v is not None:
            check_pattern(v)
        return v


class ChannelConfig(_Section):
    plugin: str = Field(description="alert channel plugin, e.g. email or webhook")
    settings: dict[str, Any] = {}


class AlertsConfig(_Section):
    channels: dict[str, ChannelConfig] = {}
    routes: dict[str, list[str]] = Field(
        default={}, description="rule alert target (e.g. committee) → channel names"
    )
    digest: dict[str, str] = Field(
        default={},
        description="channel → period, e.g. 1d, or 'scan' for one digest per scan (a critical "
        "finding never waits for a digest)",
    )
    max_attempts: int = Field(default=8, ge=1)
    source_down_after: str = Field(
        default="1h",
        description="a source whose scans have failed this long alerts source_down_route once "
        "(and again when it is read again), e.g. 1h, 30m",
    )
    source_down_route: str | None = Field(
        default=None,
        description="the alert target told when a source keeps failing, and when a running "
        "watch does not take a changed configuration or rulebook (default: admin, else "
        "committee, whichever has a route)",
    )

    @field_validator("source_down_after")
    @classmethod
    def _source_down_after(cls, v: str) -> str:
        parse_duration(v)
        return v

    @field_validator("digest")
    @classmethod
    def _digest(cls, v: dict[str, str]) -> dict[str, str]:
        for period in v.values():
            digest_period(period)
        return v

    def digest_periods(self) -> dict[str, timedelta]:
        """Channel → digest period (zero: one digest for whatever each delivery run finds)."""
        return {name: digest_period(p) for name, p in self.digest.items()}


class WritebackConfig(_Section):
    apply: bool = Field(default=False, description="write tags to the source (else dry run)")


_RETENTION = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")


def parse_retention(text: str) -> tuple[int, str]:
    """'90d', '6w', '18m' (months), '2y' → (amount, unit): the rulebooks' ``today - N<unit>``
    units, not ``interval``'s (there ``m`` means minutes; a retention period is never that)."""
    m = _RETENTION.match(str(text))
    if not m:
        raise ValueError(
            f"not a retention period: {text!r} (use e.g. 90d, 6w, 18m for months, 2y; "
            "null keeps forever)"
        )
    return int(m.group(1)), m.group(2)


def retention_cutoff(text: str, now: datetime) -> datetime:
    """The moment ``text`` before ``now``, in calendar months and years (18m from 31 August is
    the last day of February)."""
    from kvrules.rulebook.condition import _relative_date  # the same calendar arithmetic

    n, unit = parse_retention(text)
    day = _relative_date(f"today - {n}{unit}", now.date())
    return datetime.combine(day, now.timetz())


class RetentionConfig(_Section):
    """How long personal data stays in the database (``kvrules purge``); null = forever.

    Open and triaged cases, cases with a pending review date and cases with open mitigation
    items are never purged, whatever their age. Committee decisions, mitigations,
    adjudications and the audit log are never purged.
    """

    subjects_after_close: str | None = Field(
        default="2y",
        description="remembered record content of decided/closed cases, counted from the case's "
        "last activity or the project's/visit's end, whichever is later",
    )
    subjects_without_case: str | None = Field(
        default="2y",
        description="remembered content of records that never had a finding, counted from the "
        "last time a scan read them (a record still in the source stays) or the "
        "project's/visit's end",
    )
    quarantine: str | None = Field(
        default="90d", description="quarantined records, counted from when they were last seen"
    )
    delivered_alerts: str | None = Field(
        default="1y",
        description="bodies of delivered or dead-lettered alerts (row, key and status stay)",
    )
    findings_evidence_after_close: str | None = Field(
        default="5y",
        description="evidence values of decided/closed cases' findings (rule, severity, "
        "fingerprint and dates stay), counted from the case's last activity",
    )
    prescreens: str | None = Field(
        default="1y",
        description="pre-screened proposals and their answers, counted from when they were "
        "made; one sent to the committee is counted from its case's last activity and kept "
        "while the case is",
    )

    @field_validator("*")
    @classmethod
    def _period(cls, v: str | None) -> str | None:
        if v is not None:
            parse_retention(v)
        return v

    def periods(self) -> dict[str, str | None]:
        """Category → period text (None: kept forever), in purge order."""
        return self.model_dump()


# No country is assumed (it was NL until 2026-12): the one default of every home_country
# parameter (pipeline, portfolio, report, web settings), so that none can assume another.
DEFAULT_HOME_COUNTRY: str | None = None


class HealthConfig(_Section):
    """What ``GET /healthz`` calls degraded (docs/operations.md, "Health check")."""

    scan_overdue_after: str | None = Field(
        default=None,
        description="a source no scan has read for this long makes /healthz 'degraded', e.g. "
        "1h (default: 3 × interval, `watch`'s period: two scans missed)",
    )
    alerts_undelivered_after: str = Field(
        default="1h",
        description="an alert whose delivery failed and that is still not delivered after this "
        "long makes /healthz 'degraded' (a mail server or webhook down), e.g. 1h",
    )

    @field_validator("scan_overdue_after", "alerts_undelivered_after")
    @classmethod
    def _duration(cls, v: str | None) -> str | None:
        if v is not None:
            parse_duration(v)
        return v


class Config(_Section):
    # The settings the file itself wrote (for `kvrules config show`), not the defaults.
    _written: frozenset[str] = PrivateAttr(default=frozenset())
    database: Path = Field(default=Path("kvrules.db"), description="the SQLite state file")
    reference_data: Path = Field(
        default_factory=lambda: default_reference_store(),
        description="reference-list store, seeded with the shipped lists on first use "
        f"(--refdata and ${ENV_REFDATA} override it; default: the user data folder)",
    )
    rulebooks: list[Path] = Field(
        default=[],
        description="files or folders; `shipped` for the rulebooks that come with kvrules "
        "(e.g. [shipped, site/]); [] = shipped",
    )
    rulebook_vars: dict[str, dict[str, Any]] = Field(
        default={}, description="per rulebook id, values replacing its vars (thresholds, caps)"
    )
    apply_outside_jurisdiction: list[str] = Field(
        default=[],
        description="ids of rulebooks to apply although their jurisdiction does not cover "
        "home_country (e.g. eu-dual-use for a university outside the EU that wants its checks)",
    )
    readable_attributes: list[str] = Field(
        default=[],
        description="free-form attribute paths rules may read, e.g. "
        "visit.visitor.attributes.sanctions_designation, and free text that may say who a "
        "person is (visit.purpose); only where a law requires it, and "
        "each rule reading one must name a legal_basis: a source of its rulebook citing the law "
        "(findings show <version>+attributes.<digest>)",
    )
    sources: dict[str, SourceConfig] = {}
    alerts: AlertsConfig = AlertsConfig()
    writeback: WritebackConfig = WritebackConfig()
    retention: RetentionConfig = RetentionConfig()
    interval: str = Field(default="15m", description="`kvrules watch` period")
    health: HealthConfig = HealthConfig()
    refdata_update_every: str | None = Field(
        default=None,
        description="`kvrules watch` downloads the current editions of the reference lists "
        "from their publishers this often (kvrules refdata update), e.g. 1d; null: never",
    )
    refdata_update_lists: list[str] = Field(
        default=[],
        description="the catalogue's lists `watch` updates ([]: every list but the ROR dump, "
        "which is large and changes monthly)",
    )
    ended_projects_quiet_after: str | None = Field(
        default="1y",
        description="a project that ended longer ago than this (its end date; 90d, 18m, 2y) is "
        "screened and its findings listed in the scan's report, but opens no case and sends no "
        "alert unless a restricted-party list names a partner or it has a case already; its "
        "content's retention counts from its end; null: screened as a running one",
    )
    full_scan_every: str | None = Field(
        default="7d",
        description="a scan reads everything again this often, catching what incremental "
        "reads miss (links deleted in Converis); null: only with --full",
    )
    home_country: str | None = Field(
        default=DEFAULT_HOME_COUNTRY,
        description="the institution's country (ISO alpha-2): which funding is foreign, which "
        "rulebooks apply (their jurisdiction) and the wording; unset: every rulebook runs, no "
        "funder is called foreign, no funding share is computed (config check asks for it)",
    )
    time_zone: str | None = Field(
        default=None,
        description="the institution's time zone (an IANA name, e.g. Europe/Amsterdam): the web "
        "app and the reports show times in it and count 'today' (overdue mitigations) in it; "
        "unset: the server's zone",
    )
    four_eyes: bool = Field(
        default=False,
        description="a committee decision takes effect only when a second, different committee "
        "member approves it in the web app (until then: pending second approval)",
    )
    area_taxonomies: list[Path] = Field(
        default=[],
        description="the institution's own sensitive-area taxonomy files or folders (its crown "
        "jewels, an enacted national list); one with a shipped taxonomy's id replaces it",
    )
    exchange_rates: Path | None = Field(
        default=None,
        description="YAML file of exchange rates, to compare funding across currencies "
        "(kvrules.enrich.currency); without it only amounts in the home currency count",
    )
    decimal_separator: Literal[",", "."] | None = Field(  # kvrules.amounts' DecimalSeparator
        default=None,
        description="how people here write amounts in a pre-screen (the web form and `kvrules "
        "check`): ',' reads 250.000 as 250000 (Dutch, German), '.' reads 250,000 as 250000 "
        "(English); unset: an amount such as 250.000 or 1,500 is refused as ambiguous. "
        "`check --decimal-separator` overrides it; the API reads its client's "
        "?decimal_separator= (another system's convention); amounts with both separators "
        "(1.234.567,00) or none read the same either way",
    )

    @field_validator("home_country", mode="before")
    @classmethod
    def _home_not_a_yaml_boolean(cls, v: Any) -> Any:
        # YAML 1.1 reads a bare NO (Norway) as false, and yes/on as true: "Input should be a
        # valid string" would not say why.
        if v is False:
            raise ValueError('NO is read as false by YAML: write "NO" (in quotes) for Norway')
        if v is True:
            raise ValueError(
                "a bare yes/on/true is read as true by YAML: write the ISO code in quotes"
            )
        return v

    @field_validator("decimal_separator", mode="before")
    @classmethod
    def _decimal_separator(cls, v: Any) -> Any:
        # said as the CLI option says its values, not pydantic's "Input should be ..."
        if v is not None and v not in (",", "."):
            raise ValueError(
                f'{v!r} is not a decimal separator: write "," (250.000 is 250000) or "." '
                "(250,000 is 250000), in quotes"
            )
        return v

    @field_validator("home_country")
    @classmethod
    def _home(cls, v: str | None) -> str | None:
        from kvrules.model import country_code

        return None if v is None else country_code(v)

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, v: str | None) -> str | None:
        from kvrules.timezone import zone

        if v is not None:
            zone(v)  # UnknownTimeZone (a ValueError): one line naming the setting
        return v

    @field_validator("readable_attributes")
    @classmethod
    def _attributes(cls, v: list[str]) -> list[str]:
        from kvrules.fields import attribute_path_problem

        for path in v:
            if problem := attribute_path_problem(path):
                raise ValueError(problem)
        return v

    @field_validator("ended_projects_quiet_after")
    @classmethod
    def _quiet_after(cls, v: str | None) -> str | None:
        if v is not None:
            parse_retention(v)
        return v

    @field_validator("interval", "full_scan_every", "refdata_update_every")
    @classmethod
    def _duration(cls, v: str | None) -> str | None:
        if v is not None:
            parse_duration(v)
        return v

    def health_limits(self) -> tuple[timedelta, timedelta]:
        """(a source unread this long is overdue, an alert failing this long is stuck)."""
        overdue = self.health.scan_overdue_after
        return (
            parse_duration(overdue) if overdue else 3 * parse_duration(self.interval),
            parse_duration(self.health.alerts_undelivered_after),
        )

    @property
    def written(self) -> frozenset[str]:
        """The settings the config file wrote (empty for a configuration built in code)."""
        return self._written


def default_reference_store() -> Path:
    """Where the reference lists live when neither a flag, ``$KVRULES_REFDATA`` nor the config
    file says: one store per user (``~/.local/share/kvrules/refdata.db`` on Linux), so that
    `refdata import` in one folder and `scan` in another screen with the same lists."""
    if env := os.environ.get(ENV_REFDATA):
        return Path(env)
    return platformdirs.user_data_path("kvrules") / "refdata.db"


def parse_duration(text: str) -> timedelta:
    """'15m', '1h', '30s', '1d' → timedelta."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 15m, 1h, 1d)")
    n, unit = int(m.group(1)), m.group(2)
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[unit]: n})


def digest_period(text: str) -> timedelta:
    """A digest period: a duration, or 'scan' (zero: fold what each delivery run finds)."""
    return timedelta(0) if text.strip() == "scan" else parse_duration(text)


class ConfigError(KvrulesError):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(map(str, diagnostics)))
        self.diagnostics = diagnostics


def _inline_secrets(data: Any, path: tuple = ()) -> list[tuple]:
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*path, key)
            if SECRET_KEYS.search(str(key)) and isinstance(value, str) and value:
                found.append(here)
            found += _inline_secrets(value, here)
    return found


def _settings_class(data: Any, where: tuple) -> type[BaseModel] | None:
    """The settings class of the adapter or alert channel whose settings hold ``where``
    (``sources.NAME.settings.KEY``, ``alerts.channels.NAME.settings.KEY``), when installed."""
    from kvrules.plugins import get_adapters, get_alert_channels

    match where:
        case ("sources", name, "settings", _):
            kind, plugins = "adapter", get_adapters
            parent = data.get("sources", {}).get(name)
        case ("alerts", "channels", name, "settings", _):
            kind, plugins = "plugin", get_alert_channels
            parent = data.get("alerts", {}).get("channels", {}).get(name)
        case _:
            return None
    plugin = parent.get(kind) if isinstance(parent, dict) else None
    found = plugins().get(plugin) if isinstance(plugin, str) else None
    return getattr(found, "Config", None)


def load_config(path: Path) -> Config:
    """Read and check a config file; raise ConfigError with file:line:col diagnostics."""
    name = str(path)
    try:
        src = load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigError([Diagnostic(name, 1, 1, f"cannot read: {e.strerror}")]) from None
    except UnicodeDecodeError as e:
        raise ConfigError(
            [Diagnostic(name, 1, 1, f"not UTF-8 text (byte {e.start}): is this the config file?")]
        ) from None
    except YamlError as e:
        raise ConfigError([Diagnostic(name, e.line, e.col, e.message)]) from None
    problems = [
        Diagnostic(
            name,
            *src.at(where),
            f"'{where[-1]}' looks like an inline secret: keep it out of this file: "
            + secret_advice(_settings_class(src.data, where), str(where[-1])),
        )
        for where in _inline_secrets(src.data or {})
    ]
    try:
        config = Config.model_validate(src.data or {})
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            key = err["type"] == "extra_forbidden"
            msg = f"unknown setting '{loc[-1]}'" if key else problem_text(err)
            problems.append(
                Diagnostic(name, *src.at(loc, key=key), f"{'.'.join(map(str, loc))}: {msg}")
            )
        config = None
    if problems:
        raise ConfigError(problems)
    base = path.parent
    assert config is not None
    config._written = frozenset(config.model_fields_set)  # before paths are made absolute
    config.database = base / config.database
    # rulebook_vars' mistakes are said at this file's line:col (kvrules.rulebook.overrides)
    config.rulebook_vars = PlacedOverrides(config.rulebook_vars, name, src)
    # `shipped` stands for the rulebooks that come with kvrules, beside the institution's own
    config.rulebooks = [shipped_rulebooks() if p == SHIPPED else base / p for p in config.rulebooks]
    if "reference_data" in config.model_fields_set:
        config.reference_data = base / config.reference_data
    # The institution's own files sit beside the config too (a scheduled scan runs elsewhere).
    config.area_taxonomies = [base / p for p in config.area_taxonomies]
    if config.area_taxonomies:  # their names, for what reads stored findings (show, report)
        from kvrules.enrich.areas import name_own_taxonomies

        name_own_taxonomies(config.area_taxonomies)
    if config.exchange_rates:
        config.exchange_rates = base / config.exchange_rates
    return config


# TEMPLATE's sources, each written once: `kvrules init --source converis` (or `file`) puts
# CONVERIS_SOURCE (FILE_SOURCE) in place of PURE_SOURCE + CONVERIS_COMMENTED (``template``).
PURE_SOURCE = """\
  pure:
    adapter: pure
    # scan_budget: 2h                             # stop cleanly after this; the next scan resumes
    settings:
      base_url: https://pure.example.edu/ws/api
      api_key_file: /etc/kvrules/pure-api-key     # readable only by kvrules' user; or set
                                                  #   KVRULES_PURE_API_KEY instead
      # request_deadline: 300                     # seconds per request, body included
      # research_outputs: true                    # co-publications → output.published
      # activities: true                          # hosted visitors → visit.requested
      # applications: true                        # funding applications → application.*
    # The record in Pure, linked from alerts, `kvrules show` and reports ({id}: its UUID):
    ris_url: https://pure.example.edu/admin/editor/dk/atira/pure/api/shared/model/project/editor/projecteditor.xhtml?id={id}
    # That pattern opens the project editor. With research_outputs (or activities, or
    # applications) on, give one per kind instead; a research output without one links its
    # own portalUrl:
    # ris_url:
    #   project: https://pure.example.edu/admin/editor/dk/atira/pure/api/shared/model/project/editor/projecteditor.xhtml?id={id}
    #   output: https://pure.example.edu/en/publications/{id}
"""
CONVERIS_SOURCE = """\
  converis:
    adapter: converis
    settings:
      base_url: https://converis.example.edu/converis-apis/ws/v2
      username: kvrules                           # the API application name
      password_file: /etc/kvrules/converis-token  # readable only by kvrules' user; or set
                                                  #   KVRULES_CONVERIS_PASSWORD instead
      # cud_url: derived from base_url (…/converis/ws/v2/dataobject); `config show` prints it
      # amount_decimal_separator: ","             # amounts held as TEXT in de_DE form
                                                  #   (1.250.000,50); "." for 1,250,000.50.
                                                  #   NUMBER attributes are read in machine
                                                  #   form whatever it says; unset: an amount
                                                  #   like 750.000 is quarantined as ambiguous
      # country_numeric_ids: true                 # country values are ISO 3166 numeric codes
      # languages: [en_GB, de_DE]                 # preferred languages of titles and labels
"""
FILE_SOURCE = """\
  exports:
    adapter: file                                 # CSV or JSON-lines exports of your RIS
    settings:
      path: /srv/kvrules/exports/                 # an export file, or a folder of them (not
                                                  #   recursive); a relative path is read from
                                                  #   the folder kvrules runs in
      # tags_file: /srv/kvrules/exports/kvrules-tags.csv  # risk tags for the RIS to import;
                                                  #   default: kvrules-tags.csv beside them
      # delimiter: ";"                            # default: told from the CSV header
    # The columns of a CSV export: docs/writing-an-adapter.md, "The CSV format"
"""
CONVERIS_COMMENTED = """\
  # A Clarivate Converis instance: `kvrules init --source converis` writes this block instead
  # of Pure's. Converis gives projects only (partners, funders, units, members' organisations):
  # no co-publications, visits or applications are read from it.
  # converis:
  #   adapter: converis
  #   settings:
  #     base_url: https://converis.example.edu/converis-apis/ws/v2
  #     username: kvrules                          # the API application name
  #     password_file: /etc/kvrules/converis-token # or set KVRULES_CONVERIS_PASSWORD
  #     amount_decimal_separator: ","              # TEXT amounts in de_DE form; not NUMBERs
"""

# The commented configuration, around its sources.
_TEMPLATE_HEAD = """\
# kvrules configuration. Check it with `kvrules config check`.
# Secrets never go in this file: an adapter's come from its environment variable
# (KVRULES_PURE_API_KEY) or a file (api_key_file); a channel's from the variable or file it
# names (password_env, password_file). `kvrules config check` says which for each setting.

# The SQLite file holding findings, cases, the alert outbox and the audit log.
database: kvrules.db

# The reference-list store every command screens with (kvrules refdata import/lists …);
# $KVRULES_REFDATA (or --refdata) overrides it; default: your user data folder. Seeded with
# the shipped lists. `kvrules config check` says which store it uses and why.
# reference_data: kvrules-refdata.db

# Rulebook files or folders; leave empty for the shipped rulebooks. Your own beside the
# shipped ones: [shipped, site/] (a rule of a shipped one is turned off in your own rulebook,
# under disable:, with its reason: docs/rulebook-language.md).
rulebooks: []
# The institution's own thresholds, replacing a rulebook's `vars` (findings then show the
# rulebook version as <version>+local.<digest>).
rulebook_vars:
  funding-dependency:
    foreign_share_cap: 0.25
# Rules read catalogue fields only. Only where a law requires it, allow a free-form attribute
# here; each rule reading it names its legal_basis: a source of its rulebook citing that law
# (docs/rulebook-language.md). `kvrules config check` lists them.
# readable_attributes: [visit.visitor.attributes.sanctions_designation]

sources:
"""
_TEMPLATE_TAIL = """\

alerts:
  channels:
    security-mail:
      plugin: email
      settings:
        host: smtp.example.edu
        port: 587                    # STARTTLS; port 465: `security: tls`; a loopback relay
        sender: kvrules@example.edu  #   without TLS: `security: none`
        to: [research-security@example.edu]
        routes:                      # recipients per alert target (else `to`)
          adviser: [ks-advisers@example.edu]
          export-control: [export-control@example.edu]
          grant-office: [grants@example.edu]
        username: kvrules
        password_env: KVRULES_SMTP_PASSWORD
        case_base_url: https://kvrules.example.edu
    committee-digest:                # the same server, for the committee: one digest per
      plugin: email                  #   scan (`digest` below), not a message per case
      settings:
        host: smtp.example.edu
        port: 587
        sender: kvrules@example.edu
        to: [research-security@example.edu]
        username: kvrules
        password_env: KVRULES_SMTP_PASSWORD
        case_base_url: https://kvrules.example.edu
  routes:                            # every `alert:` target of the rulebooks needs a route
    committee: [committee-digest]    # the research-security committee
    adviser: [security-mail]         # knowledge-security advisers (21 shipped rules)
    export-control: [security-mail]  # the export-control officer (6 shipped rules)
    grant-office: [security-mail]    # the grant office: STRAC attestations (1 shipped rule)
  digest:                            # channel → `scan` (one message per scan) or a period
    committee-digest: scan           #   such as 1d; critical cases never wait
  # source_down_after: 1h            # a source failing this long alerts (once, and when back)
  # source_down_route: committee     #   this target; default admin, else committee

writeback:
  apply: false                       # dry run: tags are computed and audited, not written

interval: 15m                        # kvrules watch
# health:                            # what GET /healthz calls degraded (docs/operations.md)
#   scan_overdue_after: 45m          #   no scan read a source this long (default 3 × interval)
#   alerts_undelivered_after: 1h     #   an alert failed and is still undelivered this long
# refdata_update_every: 1d            # watch downloads the official lists' current editions
# refdata_update_lists: [us_dod_1286, us_csl, ca_nro, uk_sanctions]
full_scan_every: 7d                  # read everything weekly: incremental reads miss deletions
ended_projects_quiet_after: 1y       # a project that ended longer ago is screened and listed in
#                                      the scan's report, but opens no case and sends no alert
#                                      (a restricted-party hit still does); null: as running ones
# home_country: XX                    # your institution's country (ISO code): which funding is
#                                      foreign, which rulebooks apply (their jurisdiction:
#                                      EU export control only in the EU) and the wording
# apply_outside_jurisdiction: [eu-dual-use] # a rulebook whose jurisdiction does not cover
#                                      home_country runs only if named here (config check)
# area_taxonomies: [crown-jewels.yaml] # your own sensitive areas, beside the shipped ones
# exchange_rates: exchange-rates.yaml # compare funding across currencies (currency, as_of,
#                                      source, rates: {USD: 1.08, …}; README, "Exchange rates");
#                                      else only amounts in the home currency count
# four_eyes: true                   # web app: a decision applies once a second, different
#                                      committee member approves it
# time_zone: Europe/Amsterdam       # the zone times are shown and "today" is counted in;
#                                      unset: the server's
# decimal_separator: ","            # how amounts are written in a pre-screen (web form,
#                                      check): "," reads 250.000 as 250000, "." reads 250,000
#                                      as 250000; unset: both refused as ambiguous

# How long personal data stays in the database: `kvrules purge` shows what is due, `kvrules
# purge --apply` removes it (audited) and compacts the file. d, w, m (months), y; null = keep
# forever. Open cases, pending reviews and open mitigations are never purged.
retention:
  subjects_after_close: 2y           # record content of decided/closed cases
  subjects_without_case: 2y          # record content of records without findings
  quarantine: 90d                    # records that could not be mapped
  delivered_alerts: 1y               # sent alert bodies (keys stay for deduplication)
  findings_evidence_after_close: 5y  # evidence values (rule, severity, dates stay)
  prescreens: 1y                     # pre-screened proposals (sent ones go with their case)
"""
TEMPLATE = _TEMPLATE_HEAD + PURE_SOURCE + CONVERIS_COMMENTED + _TEMPLATE_TAIL


UNSET_HOME_COUNTRY = "# home_country: XX                    #"
SOURCES = ("pure", "converis", "file")


def template(home_country: str | None = None, source: str = "pure") -> str:
    """The commented configuration ``kvrules init`` writes; without a home country its line
    is left commented out (as in ``TEMPLATE``), and `config check` asks for it. ``source``
    "converis" or "file": that source instead of Pure's (Pure's is then left out)."""
    if source == "pure":
        text = TEMPLATE
    elif source == "converis":
        text = _TEMPLATE_HEAD + CONVERIS_SOURCE + _TEMPLATE_TAIL
    elif source == "file":
        text = _TEMPLATE_HEAD + FILE_SOURCE + _TEMPLATE_TAIL
    else:
        raise ValueError(f"kvrules init writes a {', '.join(SOURCES)} source, not {source!r}")
    if home_country is None:
        return text
    # quoted: YAML reads a bare NO (Norway) as false
    setting = f'home_country: "{home_country}"'.ljust(len(UNSET_HOME_COUNTRY) - 1) + "#"
    return text.replace(UNSET_HOME_COUNTRY, setting, 1)


def write_template(path: Path, home_country: str | None = None, source: str = "pure") -> None:
    if path.exists():
        raise FileExistsError(path)
    text = template(home_country, source)
    yaml.safe_load(text)  # the template must stay valid YAML
    path.write_text(text, encoding="utf-8")
