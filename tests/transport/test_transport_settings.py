"""kvrules.http.TransportSettings: one set of transport settings, the same in every adapter."""

from __future__ import annotations

import pytest
from kvrules_converis.config import ConverisConfig
from kvrules_pure.config import PureConfig
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from kvrules import http
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
