"""``kvrules config check``: everything a scan will touch, checked before it runs.

A check yields ``Finding(level, where, message)`` lines: ``error`` stops a scan, ``warning``
is worth reading, ``ok`` says what was checked (with ``--connect``: which host answered what).
Nothing here prints; the command line does.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, SecretStr

from kvrules.credentials import (
    SecretMissing,
    file_missing,
    names_a_file,
    secret_and_source,
    secret_settings,
    too_short,
)
from kvrules.errors import KvrulesError
from kvrules.http import HttpError
from kvrules.settings import Resolved, source_settings

if TYPE_CHECKING:
    from kvrules.config import Config, SourceConfig
    from kvrules.enrich.currency import ExchangeRates
    from kvrules.refdata.models import ListInfo
    from kvrules.rulebook.ir import Rulebook

Level = Literal["ok", "warning", "error"]

__all__ = ["Check", "check", "unread_key_files"]


@dataclass(frozen=True)
class Check:
    level: Level
    where: str  # the setting, e.g. "sources.pure" or "alerts.routes"
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


def check(resolved: Resolved, *, connect: bool = False) -> list[Check]:
    """Every check, in the order a scan meets the things it checks."""
    from kvrules.assembly import transport_warnings

    return [
        *_home_country(resolved.config),
        *_sources(resolved, connect),
        *(Check("warning", *w.split(": ", 1)) for w in transport_warnings(resolved.config)),
        *_rulebooks_and_routes(resolved),
        *_channels(resolved, connect),
        *_data_files(resolved),
        *_stores(resolved),
    ]


def _home_country(config: Config) -> Iterator[Check]:
    if config.home_country is None:
        yield Check(
            "warning",
            "home_country",
            "not set: set it to your institution's country (e.g. `home_country: CA`); it "
            "decides which funding is foreign, which rulebooks apply (their jurisdiction) and "
            "the wording; until then every rulebook runs, no funder is called foreign and no "
            "funding share is computed",
        )
    else:
        yield Check("ok", "home_country", config.home_country)


def _sources(resolved: Resolved, connect: bool) -> Iterator[Check]:
    from kvrules.assembly import AssemblyError, build_adapter

    config = resolved.config
    if not config.sources:
        yield Check(
            "error",
            "sources",
            "no source configured: add one under `sources:` or set KVRULES_PURE_BASE_URL "
            "or KVRULES_CONVERIS_BASE_URL",
        )
    for name, src in config.sources.items():
        where = f"sources.{name}"
        try:
            adapter = build_adapter(src.adapter, src.settings)
        except AssemblyError as e:
            yield Check("error", where, str(e))
            continue
        try:
            _, origin = source_settings(type(adapter.config), src.settings)
            yield from _settings_files(where, adapter.config)
            yield from _secret_sources(where, adapter.config, origin)
            yield from _private_secret_files(where, adapter.config)
            if refused := adapter.read_only():
                yield Check("warning", where, refused)
            if connect:
                yield _probe(where, adapter.probe)
        finally:
            adapter.close()
        yield from _ris_url(config, name, src)


def _ris_url(config: Config, name: str, src: SourceConfig) -> Iterator[Check]:
    where = f"sources.{name}.ris_url"
    if src.ris_url is None:
        return
    # one sentence: "… link every record to URL" or "… link project records to URL and
    # output records to URL"
    patterns = src.ris_url if isinstance(src.ris_url, dict) else {"every": src.ris_url}
    links = [
        f"{'every record' if kind == 'every' else kind + ' records'} to {pattern}"
        for kind, pattern in patterns.items()
    ]
    shown = ", ".join(links[:-1]) + (" and " if len(links) > 1 else "") + links[-1]
    yield Check("ok", where, f"alerts, `kvrules show` and reports link {shown}")
    # Cases know the adapter a record came from, not the source: two sources of one adapter
    # need the same pattern, or a record could link to the other system.
    clash = [
        other
        for other, o in config.sources.items()
        if other != name and o.adapter == src.adapter and o.ris_url not in (None, src.ris_url)
    ]
    if clash:
        yield Check(
            "warning",
            where,
            f"source(s) {', '.join(clash)} also use adapter {src.adapter} with another "
            "ris_url: records are linked with one of them; give them the same pattern",
        )


def _secret_pairs(settings: BaseModel) -> list[tuple[str, str]]:
    """``(X, X_file)`` or ``(X_env, X_file)``: a secret given directly (an adapter's
    ``api_key``) or by the variable a setting names (a channel's ``password_env``), else as a
    file holding it — the order ``kvrules.read_secret`` reads them in."""
    fields = type(settings).model_fields
    return [
        (key, key_file)
        for key_file in fields
        if key_file.endswith("_file")
        for key in (key_file.removesuffix("_file"), key_file.removesuffix("file") + "env")
        if key in fields
    ]


def _given(settings: BaseModel, key: str) -> bool:
    """Whether ``key`` gives the secret, as ``read_secret`` decides: a non-empty value, or a
    variable that is set to one; otherwise the paired file is read."""
    value = getattr(settings, key)
    if key.endswith("_env"):
        return isinstance(value, str) and bool(os.environ.get(value))
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return bool(value)


def unread_key_files(settings: BaseModel) -> set[str]:
    """``X_file`` settings a scan never reads because ``X`` (or the variable ``X_env`` names)
    gives the secret (``kvrules.read_secret``, which the adapters and channels read through).
    Which source gave each setting is settled before, by the one precedence flags >
    environment > file.
    """
    return {
        key_file
        for key, key_file in _secret_pairs(settings)
        if _given(settings, key) and getattr(settings, key_file) is not None
    }


def _shown(setting: str, path: object) -> str:
    """A secret's file setting's value as a line may show it: a file that is there; else the
    value may be the key itself, and only the setting is named
    (``kvrules.credentials.file_missing``)."""
    if not isinstance(path, Path) or names_a_file(path):
        return str(path)
    return f"the file given for {setting} (naming no file; not shown)"


def _unread(key_file: str, path: object) -> str:
    """Says " (api_key_file PATH is not read)" beside a secret given otherwise; the path only
    when it names a file (else it may be the key itself: ``_shown``)."""
    if path is None:
        return ""
    if isinstance(path, Path) and not names_a_file(path):
        return f" ({key_file} is not read; it names no file)"
    return f" ({key_file} {path} is not read)"


def _secret_sources(where: str, settings: BaseModel, origin: dict[str, str]) -> Iterator[Check]:
    """Where each secret a scan uses comes from: the setting and its source, never the value."""
    for key, key_file in _secret_pairs(settings):
        path = getattr(settings, key_file)
        if short := _too_short(settings, key, key_file, origin):  # a scan refuses it
            yield Check("error", f"{where}.{key}", short)
        elif _given(settings, key):
            unread = _unread(key_file, path)
            yield Check("ok", f"{where}.{key}", f"from {_origin(origin, key)}{unread}")
        elif isinstance(path, Path) and os.access(path, os.R_OK):  # else _settings_files says
            yield Check(
                "ok", f"{where}.{key_file}", f"read from {path} ({_origin(origin, key_file)})"
            )


def _private_secret_files(where: str, settings: BaseModel) -> Iterator[Check]:
    """A warning for each secret's file that is read (``api_key_file``, ``password_file`` …,
    and any setting declared with ``secret_file_setting`` whatever its name) and that its
    group or every user can read too."""
    paired = {key_file: key for key, key_file in _secret_pairs(settings)}
    declared = [k for k, kind in secret_settings(type(settings)).items() if kind == "file"]
    for key_file in [*paired, *(k for k in declared if k not in paired)]:
        path = getattr(settings, key_file)
        given = key_file in paired and _given(settings, paired[key_file])
        if given or not isinstance(path, Path) or not path.is_file():
            continue
        if others := _readable_by_others(path):
            yield Check(
                "warning",
                f"{where}.{key_file}",
                f"{path} holds a secret and {others} can read it; make it readable by its "
                f"owner only: chmod 600 {path}",
            )


def _readable_by_others(path: Path) -> str | None:
    """Who besides the owner may read ``path`` (a secret's file), in words; None: nobody."""
    mode = path.stat().st_mode
    who = [
        name
        for bit, name in ((stat.S_IRGRP, "its group"), (stat.S_IROTH, "every user"))
        if mode & bit
    ]
    return " and ".join(who) or None


def _too_short(settings: BaseModel, key: str, key_file: str, origin: dict[str, str]) -> str | None:
    """Why the secret a scan would read for ``key`` is refused as too short
    (``kvrules.credentials.too_short``), or None (long enough, or not readable: said
    elsewhere). Read in the scan's own order (``secret_and_source``)."""
    value = getattr(settings, key)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    env = value if key.endswith("_env") and isinstance(value, str) else None
    path = getattr(settings, key_file)
    try:
        found = secret_and_source(
            key,
            env=env,
            value=None if env or not isinstance(value, str) else value or None,
            file=path if isinstance(path, Path) else None,
            file_setting=key_file,
            value_from=f"{key} ({_origin(origin, key)})",
        )
    except SecretMissing:
        return None  # _settings_files says why
    return too_short(*found) if found is not None and found[1] else None


def _origin(origin: dict[str, str], key: str) -> str:
    where = origin.get(key, "default")
    return "the config file" if where == "file" else where


def _settings_files(where: str, settings: BaseModel) -> Iterator[Check]:
    """Files a setting names exist and can be read; variables a ``*_env`` setting names are
    set (their values are never shown). A key file a scan does not read is not checked."""
    unread = unread_key_files(settings)
    # A variable not set here is no error where a file takes its place (kvrules.read_secret)
    fallback = {
        key: getattr(settings, key_file)
        for key, key_file in _secret_pairs(settings)
        if getattr(settings, key_file) is not None
    }
    secret_files = {key_file for _, key_file in _secret_pairs(settings)} | {
        k for k, kind in secret_settings(type(settings)).items() if kind == "file"
    }
    for key, value in settings:
        if key in unread:
            continue
        if isinstance(value, Path) and key != "tags_file":
            if key in secret_files and not names_a_file(value):  # never the value
                yield Check("error", f"{where}.{key}", file_missing(key, value))
            elif not value.exists():
                yield Check("error", f"{where}.{key}", f"{value} does not exist")
            elif not os.access(value, os.R_OK):
                yield Check("error", f"{where}.{key}", f"{value} is not readable by this user")
        elif key.endswith("_env") and isinstance(value, str) and not os.environ.get(value):
            if key in fallback:
                file_key = key.removesuffix("env") + "file"
                yield Check(
                    "ok",
                    f"{where}.{file_key}",
                    f"read from {_shown(file_key, fallback[key])} (environment variable "
                    f"{value} is not set here)",
                )
            else:
                yield Check(
                    "error", f"{where}.{key}", f"environment variable {value} is not set here"
                )


OUTAGE = (
    "its alerts wait in the outbox and are retried until it answers, never dead-lettered "
    "for an outage (`kvrules alerts` lists them)"
)


def _probe(where: str, probe: Any) -> Check:
    try:
        answer = probe()
    except SecretMissing as e:  # nothing was sent: the secret to send could not be read
        return Check("error", where, f"not tried: {e}")
    except HttpError as e:
        # It answered: a refused credential is fixed where it came from, not in the network.
        said = {401: "refused", 403: "refused", None: "not reachable"}.get(e.status, "failed")
        return Check("error", where, f"{said}: {e}")
    except KvrulesError as e:
        if getattr(e, "transient", False):  # an alert channel that is down for now
            return Check("error", where, f"not reachable: {e}; {OUTAGE}")
        return Check("error", where, f"not reachable: {e}")
    except (TimeoutError, OSError) as e:
        return Check("error", where, f"not reachable: {type(e).__name__}: {e}")
    except Exception as e:  # a plugin's probe may raise anything; say which plugin failed
        return Check("error", where, f"probe failed: {type(e).__name__}: {e}")
    return Check("ok", where, answer or "reachable")


def _shipped(book: Rulebook) -> bool:
    from kvrules.rulebook.discovery import shipped_rulebooks

    return Path(book.path).resolve().is_relative_to(shipped_rulebooks().resolve())


def _rulebooks_and_routes(resolved: Resolved) -> Iterator[Check]:
    from kvrules.engine import load_rulebooks
    from kvrules.rulebook.condition import suggest
    from kvrules.rulebook.disabling import disabled_in_words

    config = resolved.config
    books, problems = load_rulebooks(
        config.rulebooks, config.rulebook_vars, tuple(config.readable_attributes)
    )
    for problem in problems:
        yield Check("error", "rulebooks", str(problem))
    yield from _allow_list(books, config)
    if problems:
        return
    rules = sum(len(b.rules) for b in books)
    yield Check("ok", "rulebooks", f"{len(books)} rulebook(s), {rules} rule(s)")
    for line in disabled_in_words(books):
        yield Check("ok", "rulebooks", line)
    if config.rulebooks and not any(_shipped(book) for book in books):
        yield Check(
            "warning",
            "rulebooks",
            "no shipped rulebook is active: rulebooks: names only your own; add `shipped` "
            "to it (e.g. `rulebooks: [shipped, site/]`) to run the shipped ones beside them "
            "(docs/rulebook-language.md)",
        )
    yield from _unknown_references(books, config)
    books = yield from _applied(books, config)
    yield from _lists_not_imported(books, config)
    targets: dict[str, list[str]] = {}
    # targets only findings for information alert (STRAC's attestation, `grant-office`): an
    # unrouted one is a warning, so a site upgrading is not stopped by a route it may not want
    severities: dict[str, set[str]] = {}
    for book in books:
        for rule in book.rules:
            for target in (rule.alert, *rule.also_alert) if rule.alert else ():
                targets.setdefault(target, []).append(f"{book.id}/{rule.id}")
                severities.setdefault(target, set()).add(rule.severity)
    informative = {target for target, said in severities.items() if said == {"info"}}
    routes = config.alerts.routes
    if not config.alerts.channels:
        unsent = f" ({', '.join(sorted(targets))} alerts go nowhere)" if targets else ""
        yield Check(
            "warning",
            "alerts",
            "no alert channel: findings are stored and shown (kvrules findings, the web app) "
            f"but nobody is alerted{unsent}",
        )
        return
    for target, rule_ids in sorted(targets.items()):
        if target not in routes:
            example = ", ".join(rule_ids[:3]) + (" …" if len(rule_ids) > 3 else "")
            yield Check(
                "warning" if target in informative else "error",
                "alerts.routes",
                f"{len(rule_ids)} rule(s) alert '{target}' ({example}) but no route sends "
                f"'{target}' anywhere"
                # a misspelt target ('comittee') is most often meant for a routed one
                + suggest(target, sorted(set(routes) | set(targets) - {target}))
                + f": add `{target}: [CHANNEL]` under alerts.routes (or "
                f"`{target}: []` to keep such findings without alerting)",
            )
        elif not routes[target]:
            yield Check("warning", "alerts.routes", f"'{target}' alerts go to no channel")


def _applied(books: list[Rulebook], config: Config) -> Generator[Check, None, list[Rulebook]]:
    """Say which rulebooks do not run for this institution (their jurisdiction does not cover
    its home country) and return those that do, whose alert targets need routes."""
    from kvrules.jurisdiction import applicable, covers

    loaded = {book.id for book in books} | {
        f"{book.id}/{rule.id}" for book in books for rule in book.rules if rule.jurisdiction
    }
    for unknown in sorted(set(config.apply_outside_jurisdiction) - loaded):
        yield Check(
            "warning",
            "apply_outside_jurisdiction",
            f"names rulebook '{unknown}', which is not loaded; correct the id or remove it",
        )
    applied, left_out = applicable(books, config.home_country, config.apply_outside_jurisdiction)
    for line in left_out:
        yield Check("ok", "rulebooks", str(line))
    home = config.home_country
    for book in applied:
        if (
            home
            and book.id in config.apply_outside_jurisdiction
            and not covers(book.jurisdiction, home)
        ):
            yield Check(
                "ok",
                "rulebooks",
                f"{book.id}: applied outside its jurisdiction {book.jurisdiction} "
                f"(apply_outside_jurisdiction): `foreign` means outside "
                f"{home.upper()}; its lists and citations are {book.jurisdiction}'s, so check "
                "your own law (its description says how they relate)",
            )
    return applied


def _allow_list(books: list[Rulebook], config: Config) -> Iterator[Check]:
    """The administrator's sign-off on reading a person's attributes, with the other one: each
    allowed path, the rules that read it and the law each cites (its ``legal_basis``)."""
    readers: dict[str, list[str]] = {}
    for book in books:
        for rule in book.rules:
            for path in rule.attributes:
                readers.setdefault(path, []).append(
                    f"{book.id}/{rule.id} under the legal basis {rule.legal_basis}"
                )
    if not config.readable_attributes:
        yield Check("ok", "readable_attributes", "none: no rule reads a person's attribute")
    for path in config.readable_attributes:
        if path in readers:
            yield Check(
                "ok", "readable_attributes", f"{path} allowed, read by {'; '.join(readers[path])}"
            )
        else:
            yield Check(
                "warning",
                "readable_attributes",
                f"{path} allowed, but no rule that loads reads it: remove it from the "
                "allow-list unless a rule is on its way",
            )


def _unknown_references(books: list[Rulebook], config: Config) -> Iterator[Check]:
    """A rule testing for a list or research area nothing defines can never find it: a typo,
    or a list not imported. Said at the test's file:line:col, with the closest known id."""
    from kvrules.rulebook.condition import suggest
    from kvrules.rulebook.overrides import place_of_value

    known = {"list": _list_ids(config.reference_data), "area": _area_ids(config)}
    said: set[tuple[str, str]] = set()
    for book in books:
        for rule in book.rules:
            for ref in rule.references:
                ids = known[ref.kind]
                if ids is None or ref.value in ids:
                    continue  # what could not be read is reported by its own check
                hint = suggest(ref.value, sorted(ids))
                given = place_of_value(config.rulebook_vars, book.id, ref.value)
                if given is not None:  # the configuration's value: said once, where it is set
                    if (book.id, ref.value) not in said:
                        said.add((book.id, ref.value))
                        name, path, line, col = given
                        yield Check(
                            "warning",
                            "rulebooks",
                            f"{path}:{line}:{col}: rulebook_vars.{book.id}.{name} adds "
                            f"{ref.kind} '{ref.value}', which "
                            + (
                                "no list in the reference store has"
                                if ref.kind == "list"
                                else "no taxonomy defines"
                            )
                            + f"{hint}; correct the id, or import it",
                        )
                    continue
                where = f"{book.path}:{ref.pos.line}:{ref.pos.col}: rule '{rule.id}'"
                if ref.kind == "list":
                    message = (
                        f"reads list '{ref.value}', which no list in the reference store has"
                        f"{hint}; import it (kvrules refdata import) or correct the id"
                    )
                else:
                    message = (
                        f"reads research area '{ref.value}', which no taxonomy defines{hint}; "
                        "add it to a taxonomy under area_taxonomies or correct the id"
                    )
                yield Check("warning", "rulebooks", f"{where} {message}")


def _list_ids(path: Path) -> set[str] | None:
    """The list ids a rule may test for: the store's (the shipped lists' before it is started,
    as it will be seeded), and those kvrules downloads (`refdata update`) or names (the ASPI
    tracker), which a rulebook may read before they are imported. None: the store is unreadable."""
    from kvrules.plain import LISTS
    from kvrules.refdata.update import load_catalogue

    imported = _imported_list_ids(path)
    return None if imported is None else set(load_catalogue()) | set(LISTS) | imported


def _imported_list_ids(path: Path) -> set[str] | None:
    """The lists with an edition in the reference store (the shipped lists before it is
    started, as it will be seeded). None: the store is unreadable (_reference_store says why)."""
    from kvrules.refdata.shipped import manifest, open_reference_store

    if str(path) != ":memory:" and not path.exists():  # never started here (_reference_store)
        return {item["list_id"] for item in manifest()}
    try:
        with open_reference_store(path) as store:
            return {i.list_id for i in store.latest_editions()}
    except (KvrulesError, OSError, sqlite3.DatabaseError):
        return None


def _lists_not_imported(books: list[Rulebook], config: Config) -> Iterator[Check]:
    """Lists the rules read that kvrules can import but the store has none of: those rules
    screen against nothing until then (a warning: the scan runs, with the other lists)."""
    from kvrules.refdata.unimported import lists_not_imported, not_imported_in_words

    imported = _imported_list_ids(config.reference_data)
    if imported is not None and (missing := lists_not_imported(books, imported)):
        yield Check("warning", "reference_data", not_imported_in_words(missing))


def _area_ids(config: Config) -> set[str] | None:
    """The research areas of the shipped taxonomies and the institution's own."""
    from kvrules.enrich.areas import AreaDataError, Classifier

    try:
        return set(Classifier.from_paths(config.area_taxonomies).area_ids)
    except AreaDataError:  # _data_files reports it
        return None


def _channels(resolved: Resolved, connect: bool) -> Iterator[Check]:
    from kvrules.assembly import AssemblyError, build_channels

    try:
        channels = build_channels(resolved.config)
    except (AssemblyError, ValueError) as e:
        yield Check("error", "alerts", str(e))
        return
    for name, channel in channels.items():
        where = f"alerts.channels.{name}"
        yield from _settings_files(where, channel.config)
        yield from _private_secret_files(where, channel.config)
        for key, key_file in _secret_pairs(channel.config):  # refused when sending
            if short := _too_short(channel.config, key, key_file, {}):
                yield Check("error", f"{where}.{key}", short)
        if connect:
            yield _probe(where, channel.probe)


def _data_files(resolved: Resolved) -> Iterator[Check]:
    from kvrules.assembly import AssemblyError, build_rates
    from kvrules.enrich.areas import AreaDataError, Classifier

    config = resolved.config
    try:
        rates = build_rates(config)
    except AssemblyError as e:
        yield Check("error", "exchange_rates", str(e))
    else:
        yield from _unrated_currencies(config, rates)
    try:
        Classifier.from_paths(config.area_taxonomies)
    except AreaDataError as e:
        yield Check("error", "area_taxonomies", str(e))


def _unrated_currencies(config: Config, rates: ExchangeRates | None) -> Iterator[Check]:
    """Currencies of remembered funders that no share can count, for want of a rate."""
    from kvrules.enrich.funding import FundingShares
    from kvrules.store import Store

    if not config.database.is_file():  # nothing screened yet: nothing to say
        return
    try:
        with Store.open(config.database, read_only=True) as store:  # a check changes nothing
            shares = FundingShares.from_subjects(store.subjects(), config.home_country, rates)
    except KvrulesError:
        return  # _stores says what is wrong with the database
    if said := shares.not_compared():
        yield Check("warning", "exchange_rates", said)


def _stores(resolved: Resolved) -> Iterator[Check]:
    config = resolved.config
    created = resolved.origin.get("database", "default") == "default"
    folder = config.database.parent
    if not folder.is_dir():
        yield _missing_folder("database", folder, created, "the first scan")
    elif not os.access(folder, os.W_OK):
        yield Check("error", "database", f"folder {folder} is not writable by this user")
    else:
        yield _database(config.database)
    created = resolved.origin.get("reference_data", "default") == "default"
    yield from _reference_store(
        config.reference_data, _chosen_by(resolved, "reference_data"), created
    )


def _database(path: Path) -> Check:
    """A state database that is there has the schema this release reads: the upgrade
    procedure (README "Upgrading") runs `config check` after `db upgrade`, and an older file
    is refused by every command that only reads until it is upgraded."""
    from kvrules.store import Store

    if not path.is_file():  # started by the first scan
        return Check("ok", "database", str(path))
    try:
        current, latest = Store.schema_of(path)
    except KvrulesError as e:
        return Check("error", "database", str(e))
    if current == 0:
        return Check("error", "database", f"{path} is not a kvrules database (it has no schema)")
    if current < latest:  # a warning: a scan would upgrade it (keeping a copy), not stop
        return Check(
            "warning",
            "database",
            f"{path}: schema {current}, this release needs {latest}: run `kvrules db upgrade "
            f"--db {path}` (it keeps a copy of the previous file)",
        )
    if current > latest:
        return Check(
            "error",
            "database",
            f"{path}: schema {current} is newer than this release reads ({latest}): upgrade "
            "kvrules",
        )
    return Check("ok", "database", str(path))


def _missing_folder(key: str, folder: Path, created: bool, by: str) -> Check:
    """A store's folder that is not there. Only a default place is started on first use
    (``settings.require_folders`` refuses a named one, so a typo starts no empty store): for
    it, what matters is whether kvrules may create the folder, i.e. the nearest folder that
    does exist is writable."""
    if not created:
        return Check("error", key, f"folder {folder} does not exist")
    existing = next(p for p in folder.parents if p.exists())  # "/" at worst
    if not existing.is_dir():
        return Check("error", key, f"folder {folder} cannot be created: {existing} is not a folder")
    if not os.access(existing, os.W_OK):
        return Check(
            "error",
            key,
            f"folder {folder} does not exist and cannot be created: "
            f"{existing} is not writable by this user",
        )
    return Check("ok", key, f"folder {folder} does not exist yet; {by} creates it")


def _chosen_by(resolved: Resolved, key: str) -> str:
    """Why a store is the one used: the flag, the environment (and the config file's value it
    overrides), the config file or the default (``kvrules.settings.resolve``)."""
    origin = resolved.origin.get(key, "default")
    if origin.startswith(("flag ", "env ")):
        how, name = origin.split(" ", 1)
        said = f"from {name}" if how == "flag" else f"from ${name}"
        if (replaced := resolved.overridden.get(key)) is not None:
            said += f", which overrides {key}: {replaced} in the config file"
        return said
    if origin.startswith("file "):
        return f"from {key} in the config file {origin[5:]}"
    return "the default: your user data folder (no --refdata, $KVRULES_REFDATA or config setting)"


def _registry_sample(registries: list[ListInfo]) -> Iterator[Check]:
    """A warning while the organisation registry is only what kvrules ships (a demo sample):
    nearly every person's affiliation is then unidentified, so set apart, not screened on a
    country (``kvrules.enrich.organisations.set_apart_unidentified``)."""
    from kvrules.refdata.shipped import manifest

    shipped = {(m["list_id"], m["edition"]) for m in manifest()}
    if all((i.list_id, i.edition) in shipped for i in registries):
        held = ", ".join(f"{i.list_id}@{i.edition}" for i in registries) or "none"
        yield Check(
            "warning",
            "reference_data",
            f"the organisation registry is only the shipped sample ({held}): the institutions "
            "of visitors, participants, applicants and co-authors will mostly be set apart, "
            "not screened on a country, until `kvrules refdata update ror` imports the full "
            "registry",
        )


def _reference_store(path: Path, chosen_by: str, created: bool = False) -> Iterator[Check]:
    """``created``: the store is at its default place, whose folder is made on first use."""
    from kvrules.refdata.shipped import open_reference_store

    # Checked, never started here: opening a missing store would create it (and its folder).
    if str(path) != ":memory:" and not path.exists():
        by = "the first scan or `kvrules refdata import`"
        start = f"{path} ({chosen_by}) does not exist yet: {by} starts it with the shipped lists"
        if path.parent.is_dir():
            yield Check("warning", "reference_data", start)
        elif (folder := _missing_folder("reference_data", path.parent, created, by)).level == "ok":
            yield Check("warning", "reference_data", f"{start}, creating its folder")
        else:
            yield folder
        return
    try:
        with open_reference_store(path) as store:
            latest = store.latest_editions()
        editions = [i for i in latest if i.kind != "registry"]
        registries = [i for i in latest if i.kind == "registry"]
    except (KvrulesError, OSError) as e:
        yield Check("error", "reference_data", f"{path}: {e}")
        return
    except Exception as e:  # sqlite3.DatabaseError: not a database file
        yield Check("error", "reference_data", f"{path}: {type(e).__name__}: {e}")
        return
    names = ", ".join(f"{i.list_id}@{i.edition}" for i in editions) or "no lists"
    yield Check("ok", "reference_data", f"{path} ({chosen_by}): {names}")
    yield from _registry_sample(registries)
    for info in editions:
        if info.partial:
            yield Check(
                "warning",
                "reference_data",
                f"{info.list_id}@{info.edition} is a partial edition: import the complete "
                "list (kvrules refdata import …) before relying on 'not listed'",
            )
