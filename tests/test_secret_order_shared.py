"""`config check` says a secret too short where the scan reads it from: one order of
precedence (``credentials.secret_and_source``), not a copy of it in ``checkup`` (reviewer:
``checkup._too_short`` repeated ``read_secret``'s order). Each way a setting may name a secret,
both say the same source."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from kvrules.checkup import _too_short
from kvrules.credentials import SecretTooShort, read_secret


class Settings(BaseModel):
    api_key_env: str | None = None
    api_key_file: Path | None = None


@pytest.mark.parametrize(
    ("env_set", "env_value", "file_value"),
    [
        (True, "abc", "a long enough key"),  # the variable wins over the file
        (True, "", "abc"),  # named but empty: the file
        (False, None, "abc"),  # named but unset: the file
        (None, None, "abc"),  # no variable named: the file
    ],
)
def test_config_check_and_the_scan_name_the_same_source(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env_set: bool | None,
    env_value: str | None,
    file_value: str,
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(file_value + "\n", encoding="utf-8")
    env = None if env_set is None else "KVRULES_TEST_ORDER_KEY"
    if env and env_set:
        monkeypatch.setenv(env, env_value or "")
    elif env:
        monkeypatch.delenv(env, raising=False)
    settings = Settings(api_key_env=env, api_key_file=key_file)
    said = _too_short(settings, "api_key_env", "api_key_file", {})
    with pytest.raises(SecretTooShort) as refused:
        read_secret("API key", env=env, file=key_file, file_setting="api_key_file")
    assert said is not None and str(refused.value) == f"API key: {said}"
