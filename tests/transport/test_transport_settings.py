"""kvrules.http.TransportSettings: one set of transport settings, the same in every adapter."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_converis.config import ConverisConfig
from kvrules_pure.config import PureConfig
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from kvrules import http
from kvrules.cli import cli
from kvrules.testing.hostile import Giant, HostileServer

TRANSPORT = list(http.TransportSettings.model_fields)


class ExampleConfig(BaseSettings, http.TransportSettings):
    model_config = SettingsConfigDict(env_prefix="EXAMPLE_RIS_", extra="forbid")

    base_url: str = Field(description="Example RIS API root")
    retries: int = Field(default=1, ge=0)
    page_size: int = 10


@pytest.mark.parametrize("config_class", [PureConfig, ConverisConfig, ExampleConfig])
def test_adapters_offer_the_transport_settings_first_and_under_the_same_names(
    config_class: type[BaseSettings],
) -> None:
    assert list(config_class.model_fields)[: len(TRANSPORT)] == TRANSPORT


def test_a_redefined_field_keeps_its_place_and_its_check() -> None:
    assert ExampleConfig.model_fields["base_url"].description == "Example RIS API root"
    assert ExampleConfig(base_url="https://ris.example.org/").base_url == (
        "https://ris.example.org"
    )
    with pytest.raises(ValidationError, match="unencrypted"):
        ExampleConfig(base_url="http://ris.example.org")
    allowed = ExampleConfig(base_url="http://ris.example.org", allow_insecure_http=True)
    assert allowed.base_url == "http://ris.example.org"


def test_the_environment_sets_a_transport_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXAMPLE_RIS_MAX_RESPONSE_BYTES", "4096")
    config = ExampleConfig(base_url="https://ris.example.org")
    assert config.send_limits()["max_body"] == 4096


def test_send_limits_and_retry_reach_the_request() -> None:
    with HostileServer() as ris:
        ris.script("/big", Giant(64 * 1024))
        config = ExampleConfig(base_url=ris.url(""), max_response_bytes=4096, retries=0)
        session = http.make_session(config.retry({"GET"}), pool_maxsize=1, verify=config.verify())
        with pytest.raises(http.HttpError, match="4096"):
            http.send(session, "GET", ris.url("/big"), path="/big", **config.send_limits())
        assert session.adapters["http://"].max_retries.total == 0


PASSWORD = "UsErInFoPw-555"


@pytest.mark.parametrize(
    "url",
    [
        f"http://svc:{PASSWORD}@127.0.0.1:28765/ws/api",
        f"https://svc:{PASSWORD}@pure.example.edu/ws/api",
        "https://svc@pure.example.edu/ws/api",
        f"https://svc:p@ss{PASSWORD}@pure.example.edu/ws/api",
    ],
)
def test_no_base_url_holds_a_user_name_or_password(url: str) -> None:
    with pytest.raises(http.InsecureUrl, match="must not hold a user name or password"):
        http.check_url(url)
    for config_class in (PureConfig, ExampleConfig):
        with pytest.raises(ValidationError) as err:
            config_class(base_url=url, api_key="k")
        assert PASSWORD not in _messages(err)
    assert PASSWORD not in http.masked_url(url) and PASSWORD not in http.shown_url(url)


def _messages(err: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(e["msg"] for e in err.value.errors())


def test_masked_url_masks_only_the_password() -> None:
    assert http.masked_url(f"see http://svc:{PASSWORD}@127.0.0.1:1/ws/api, then") == (
        "see http://svc:********@127.0.0.1:1/ws/api, then"
    )
    assert http.masked_url("https://h.example/x?to=a@b") == "https://h.example/x?to=a@b"
    assert http.shown_url(f"https://svc:{PASSWORD}@h.example/x?token=1#f") == "https://h.example/x"


@pytest.mark.parametrize("command", [["config", "show"], ["config", "show", "--json"],
                                     ["fetch", "--source", "pure", "--limit", "1"]])  # fmt: skip
def test_a_password_in_the_base_url_is_refused_and_never_shown(
    command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Reviewer's defect: `config show` printed KVRULES_PURE_BASE_URL's password."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KVRULES_CONFIG", raising=False)
    monkeypatch.setenv("KVRULES_PURE_BASE_URL", f"http://svc:{PASSWORD}@127.0.0.1:28765/ws/api")
    monkeypatch.setenv("KVRULES_PURE_API_KEY", "k")
    result = CliRunner().invoke(cli, command)
    assert PASSWORD not in result.output and "Traceback" not in result.output
    if command[0] == "fetch":
        assert result.exit_code == 1 and result.output.count("\n") == 1
        assert "base_url: must not hold a user name or password" in result.output
    else:
        assert result.exit_code == 0 and "svc:********@127.0.0.1:28765" in result.output
