"""``kvrules init``, ``config check`` and ``config show``: a configuration, and what it means."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import SecretStr

from kvrules.cli.options import CONFIG_OPTION, DB_OPTION, JSON_OPTION, REFDATA_OPTION
from kvrules.config import DEFAULT_PATH, SOURCES, write_template
from kvrules.settings import Resolved, resolve, source_settings
from kvrules.terminal import terminal_lines, terminal_text

MASK = "********"


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_PATH)
@click.option(
    "--home-country",
    help="your institution's country (ISO code or name, e.g. CA): which funding is foreign, "
    "which rulebooks apply and the wording (asked for at a terminal; else left to set)",
)
@click.option(
    "--source",
    "source",
    type=click.Choice(list(SOURCES)),
    default="pure",
    show_default=True,
    help="the research information system to read: Elsevier Pure, Clarivate Converis "
    "(projects only), or file: CSV or JSON-lines exports of any RIS in a folder; the Pure "
    "template names Converis as a commented example",
)
def init(path: Path, home_country: str | None, source: str) -> None:
    """Write a commented configuration template to PATH (default: ./kvrules.yaml).

    Each setting is commented with what it does; the sources and alert channels are
    examples to edit. An existing file at PATH is never overwritten: the command stops
    with an error and leaves it as it is (remove it, or give another PATH). Then run
    `kvrules config check --config PATH`."""
    from kvrules.model import country_code

    if home_country is None and sys.stdin.isatty():
        home_country = (
            click.prompt(
                "Your institution's country (ISO code, e.g. CA; empty: set home_country later)",
                default="",
                show_default=False,
            ).strip()
            or None
        )
    try:
        home = country_code(home_country) if home_country else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--home-country") from None
    try:
        write_template(path, home, source)
    except FileExistsError:
        raise click.ClickException(f"{path} exists; not overwriting it") from None
    click.echo(f"wrote {path}; edit it, then run `kvrules config check --config {path}`")
    if home is None:
        click.echo(f"home_country is not set: set it in {path} (config check reminds you)")


@click.group("config")
def config_group() -> None:
    """Configuration: check it, show it."""


def _resolved(path: Path | None, config_path: Path | None, db, refdata) -> Resolved:
    return resolve(path or config_path, database=db, reference_data=refdata)


@config_group.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@CONFIG_OPTION
@DB_OPTION
@REFDATA_OPTION
@click.option(
    "--connect",
    is_flag=True,
    help="also reach every source, SMTP server and webhook, and say which host answered what",
)
@click.option("--quiet", is_flag=True, help="print only warnings and errors")
def config_check(
    path: Path | None,
    config_path: Path | None,
    db: Path | None,
    refdata: Path | None,
    connect: bool,
    quiet: bool,
) -> None:
    """Check everything a scan will touch: settings, files, rulebooks, routes, stores.

    Exit status 1 if anything would stop a scan; warnings alone exit 0."""
    from kvrules.checkup import check

    resolved = _resolved(path, config_path, db, refdata)
    if resolved.path is None:
        raise click.UsageError(
            f"no configuration file: give one (--config), set $KVRULES_CONFIG, or write "
            f"./{DEFAULT_PATH} with `kvrules init`"
        )
    checks = check(resolved, connect=connect)
    for item in checks:
        if item.level == "ok" and quiet:
            continue
        # a check may quote the file (a setting's name, a value): shown, never run; a check of
        # several lines (what --connect found) keeps them
        click.echo(terminal_lines(f"{resolved.path}: {item}"), err=item.level != "ok")
    errors = sum(c.level == "error" for c in checks)
    warnings = sum(c.level == "warning" for c in checks)
    config = resolved.config
    summary = (
        f"{len(config.sources)} source(s), {len(config.alerts.channels)} alert channel(s), "
        f"database {config.database}"
    )
    if errors:
        click.echo(f"{errors} error(s), {warnings} warning(s): a scan would fail", err=True)
        sys.exit(1)
    click.echo(f"ok: {summary}" + (f" ({warnings} warning(s))" if warnings else ""))


@config_group.command("show")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), required=False)
@CONFIG_OPTION
@DB_OPTION
@REFDATA_OPTION
@JSON_OPTION
def config_show(
    path: Path | None,
    config_path: Path | None,
    db: Path | None,
    refdata: Path | None,
    as_json: bool,
) -> None:
    """Show the configuration every command runs with, and where each value comes from
    (flag > environment > config file > default). Secrets are masked."""
    resolved = _resolved(path, config_path, db, refdata)
    doc = effective(resolved)
    if as_json:
        click.echo(json.dumps(doc, indent=2, default=str))
        return
    for key, entry in doc.items():
        if key == "sources":
            for name, src in entry.items():
                click.echo(terminal_text(f"sources.{name}: adapter {src['adapter']}"))
                for setting, (value, origin) in src["settings"].items():
                    click.echo(terminal_text(f"  {setting} = {_text(value)}  [{origin}]"))
        elif key == "rulebooks" and not entry["value"]:  # none named: the shipped ones run
            from kvrules.rulebook.discovery import shipped_rulebooks

            shipped = f"the shipped rulebooks ({shipped_rulebooks()})"
            click.echo(f"{key} = {shipped}  [{entry['origin']}]")
        else:
            click.echo(terminal_text(f"{key} = {_text(entry['value'])}  [{entry['origin']}]"))


def effective(resolved: Resolved) -> dict[str, Any]:
    """The resolved settings with their origins; secrets masked, adapters' settings as the
    adapter will see them (its defaults included)."""
    from kvrules.checkup import unread_key_files
    from kvrules.credentials import may_be_the_key, secret_settings
    from kvrules.plugins import get_adapters

    config = resolved.config
    doc: dict[str, Any] = {"config": {"value": resolved.origin["config"], "origin": "—"}}
    for key in type(config).model_fields:
        if key == "sources":
            continue
        # what a plugin declares secret is masked first, whatever its name; then the names
        given = _declared_masked(config.alerts) if key == "alerts" else getattr(config, key)
        value = _masked(given)
        doc[key] = {"value": value, "origin": resolved.origin.get(key, "default")}
    adapters = get_adapters()
    sources: dict[str, Any] = {}
    for name, src in config.sources.items():
        cls = adapters.get(src.adapter)
        settings_class = getattr(cls, "Config", None)
        secret = {k for k, kind in secret_settings(settings_class).items() if kind == "value"}
        # a secret's file setting holding no path may hold the key itself: never shown
        key_files = {k for k, kind in secret_settings(settings_class).items() if kind == "file"}
        shown: dict[str, tuple[Any, str]] = {}
        if settings_class is None:
            shown = {k: (_masked(v, k), "file") for k, v in src.settings.items()}
        else:
            merged, origin = source_settings(settings_class, src.settings)
            unread: set[str] = set()
            instance = None
            try:  # the values as the adapter parses them ('70' from the environment is 70)
                instance = settings_class.model_validate(merged)
                parsed = instance.model_dump()
                unread = unread_key_files(instance)
            except ValueError:
                parsed = merged  # config check says what is wrong; show what was given
            for key_file in unread:  # both given: say which one a scan uses
                key = key_file.removesuffix("_file")
                origin[key_file] += f"; not read: {key} from {origin.get(key, key)} wins"
            for field_name, info in settings_class.model_fields.items():
                if field_name in merged:
                    value = parsed.get(field_name, merged[field_name])
                    value = MASK if field_name in secret and value else value
                    if field_name in key_files and value and may_be_the_key(value):
                        value = MASK
                    shown[field_name] = (_masked(value, field_name), origin[field_name])
                elif not info.is_required():
                    default = info.get_default(call_default_factory=True)
                    value = getattr(instance, field_name, default)
                    # A setting the adapter derives from others (Converis' cud_url from
                    # base_url): the address it will use, not the null it started from.
                    derived = default is None and value is not None
                    shown[field_name] = (
                        _masked(value if derived else default, field_name),
                        "derived" if derived else "default",
                    )
                else:
                    shown[field_name] = ("(not set: required)", "—")
        sources[name] = {"adapter": src.adapter, "settings": shown}
    doc["sources"] = sources
    return doc


def _declared_masked(alerts: Any) -> dict[str, Any]:
    """The alerts section with each channel's settings its plugin declares secret masked."""
    from kvrules.credentials import secret_settings
    from kvrules.plugins import get_alert_channels

    dumped: dict[str, Any] = alerts.model_dump(mode="json")
    plugins = get_alert_channels()
    for name, channel in alerts.channels.items():
        declared = secret_settings(getattr(plugins.get(channel.plugin), "Config", None))
        shown = dumped["channels"][name]["settings"]
        for key, kind in declared.items():
            if kind == "value" and shown.get(key):
                shown[key] = MASK
    return dumped


def _masked(value: Any, key: str = "") -> Any:
    """Secrets never leave: SecretStr values and settings named like secrets are masked (the
    name a safety net for a third party's plugin: kvrules' own declare theirs, which
    ``effective`` masks whatever their names)."""
    from kvrules.config import SECRET_KEYS

    if hasattr(value, "model_dump"):
        return _masked(value.model_dump(mode="json"))
    # A mapping is never masked whole by its name: a channel named "export_key" is a channel
    # (its settings are masked one by one), and the page showing it expects one.
    if isinstance(value, dict):
        return {k: _masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):  # a list named like a secret: each of its values
        return [_masked(v, key) for v in value]
    if isinstance(value, SecretStr) or (key and SECRET_KEYS.search(key) and value):
        return MASK
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str) and "@" in value:  # a refused base URL is still shown as given
        from kvrules.http import masked_url

        return masked_url(value, MASK)
    return value


def _text(value: Any) -> str:
    return (
        json.dumps(value, default=str, ensure_ascii=False) if not isinstance(value, str) else value
    )
