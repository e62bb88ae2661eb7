"""Which settings are secrets is declared by their plugin, not guessed from their names.

Last session: the name heuristic (``holds_a_secret``, the ``SECRET_KEYS`` pattern) decided which
settings were secrets. The e-mail and webhook plugins declared nothing, and the webhook's
``url`` — a Slack or Teams URL holds its token in its path — was printed in full by `kvrules
config show` and its ``--json``. A setting declared secret is now one whatever its name; the
name is only a safety net for a third party's plugin that declares none."""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from kvrules import Alert, AlertChannel, hookimpl, masked_setting, secret_file_setting
from kvrules.cli import cli
from kvrules.credentials import secret_settings
from kvrules.plugins import get_adapters, get_alert_channels, get_plugin_manager
from kvrules.settings import resolve
from kvrules.watch_config import named_files

SLACK = "https://hooks.slack.com/services/T0001/B0001/not-a-real-token-4f2a"


def test_every_secret_bearing_setting_of_kvrules_own_plugins_is_declared() -> None:
    adapters, channels = get_adapters(), get_alert_channels()
    declared = {
        name: secret_settings(plugins[name].Config)
        for plugins, name in [
            (adapters, "pure"),
            (adapters, "converis"),
            (adapters, "file"),
            (channels, "email"),
            (channels, "webhook"),
        ]
    }
    assert declared == {
        "pure": {"api_key": "value", "api_key_file": "file"},
        "converis": {"password": "value", "password_file": "file"},
        "file": {},  # no secret: its tags_file is kvrules' own output
        "email": {"password_file": "file"},  # password_env names a variable, holds none
        "webhook": {"url": "value", "secret_file": "file"},  # url_env, secret_env: names
    }


def _site(tmp_path: Path, channel: str) -> Path:
    (tmp_path / "exports").mkdir()
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        f"database: {tmp_path / 'state.db'}\nreference_data: {tmp_path / 'ref.db'}\n"
        f"sources: {{f: {{adapter: file, settings: {{path: {tmp_path / 'exports'}}}}}}}\n"
        f"alerts:\n  channels:\n{channel}  routes: {{committee: [chat]}}\n",
        encoding="utf-8",
    )
    return config


def test_an_inline_webhook_url_never_leaves_config_show(tmp_path: Path) -> None:
    config = _site(
        tmp_path,
        f"    chat: {{plugin: webhook, settings: {{url: '{SLACK}', style: slack}}}}\n",
    )
    for as_json in ([], ["--json"]):
        res = CliRunner().invoke(cli, ["config", "show", "--config", str(config), *as_json])
        assert res.exit_code == 0, res.output
        assert "not-a-real-token" not in res.output and "hooks.slack.com" not in res.output
    shown = json.loads(res.output)["alerts"]["value"]["channels"]["chat"]["settings"]
    assert shown["url"] == "********" and shown["style"] == "slack"  # the rest as given


class OddlyNamed(BaseModel):
    """A third party's channel whose secrets are named like nothing the heuristic knows."""

    address: str | None = masked_setting("where to post (its path carries a token)")
    credentials_path: Path | None = secret_file_setting("file holding the signing key")
    style_file: Path | None = None  # a template, no secret: never watched


class OddlyNamedChannel(AlertChannel):
    name = "oddly-named"
    Config = OddlyNamed

    def send(self, alert: Alert) -> None:  # never called here
        raise NotImplementedError


@pytest.fixture
def oddly_named() -> Iterator[None]:
    plugin = types.SimpleNamespace(
        register_alert_channels=hookimpl(lambda register: register(OddlyNamedChannel))
    )
    manager = get_plugin_manager()
    manager.register(plugin, name="test-oddly-named")
    try:
        yield
    finally:
        manager.unregister(plugin)


def test_a_declared_secret_is_one_whatever_its_name(tmp_path: Path, oddly_named: None) -> None:
    key, style = tmp_path / "signing.key", tmp_path / "style.txt"
    key.write_text("k", encoding="utf-8")
    key.chmod(0o644)
    style.write_text("s", encoding="utf-8")
    config = _site(
        tmp_path,
        f"    chat: {{plugin: oddly-named, settings: {{address: '{SLACK}', "
        f"credentials_path: {key}, style_file: {style}}}}}\n",
    )
    res = CliRunner().invoke(cli, ["config", "show", "--config", str(config), "--json"])
    assert res.exit_code == 0, res.output
    assert "not-a-real-token" not in res.output  # masked by its declaration, not its name
    # watched, as a rotated key is often a replaced file; the template is not
    assert named_files(resolve(config_path=config)) == [config, key]
    checked = CliRunner().invoke(cli, ["config", "check", "--config", str(config)])
    assert f"alerts.channels.chat.credentials_path: {key} holds a secret" in checked.output
