"""The Python samples of docs/*.md as written: each compiles and imports only kvrules' public
API, and the HostileServer tests of writing-an-adapter.md run against a real HTTP adapter
built from the same guide (it called ``MyAdapter({"base_url": …})`` with a dict, which no
adapter takes: kvrules builds ``MyAdapter(MyAdapter.Config(**settings))``)."""

from __future__ import annotations

import ast
import re
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = {"kvrules", "kvrules.errors", "kvrules.http", "kvrules.testing"}  # kvrules/__init__.py
GUIDE = ROOT / "docs" / "writing-an-adapter.md"


def python_blocks(doc: Path) -> list[str]:
    text = doc.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.M | re.S)


SAMPLES = [
    pytest.param(block, id=f"{doc.name}-{n}")
    for doc in sorted((ROOT / "docs").glob("*.md"))
    for n, block in enumerate(python_blocks(doc), start=1)
]


@pytest.mark.parametrize("block", SAMPLES)
def test_a_sample_compiles_and_imports_only_the_public_api(block: str) -> None:
    tree = ast.parse(block)  # a SyntaxError names the line
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        internal = [n for n in names if n.split(".")[0] == "kvrules" and n not in PUBLIC]
        assert not internal, f"imports {internal} (not public):\n{block}"


# A real HTTP adapter, written from the guide's transport section (its MyConfig sample)
MY_ADAPTER = """
from collections.abc import Iterator
from pathlib import Path

from kvrules import Adapter, FetchedRecord, TagWrite
from kvrules import secret_file_setting, secret_setting, setting_secret
from kvrules.http import HttpError, TransportSettings, make_session, send
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

KEY = "docs-sample-key"
MyError = HttpError


class MyConfig(BaseSettings, TransportSettings):
    model_config = SettingsConfigDict(env_prefix="KVRULES_MYRIS_", extra="forbid")
    api_key: SecretStr | None = secret_setting("the API key")
    api_key_file: Path | None = secret_file_setting("file holding the API key")


class MyAdapter(Adapter):
    name = "myris"
    Config = MyConfig

    def __init__(self, config: MyConfig) -> None:
        super().__init__(config)
        self.config = config
        self.session = make_session(
            config.retry({"GET"}),
            pool_maxsize=1,
            verify=config.verify(),
            headers={"X-Api-Key": setting_secret(config, "api_key", "MyRIS API key")},
        )

    def fetch(self, cursor: str | None = None) -> Iterator[FetchedRecord]:
        path = "/items"
        url = self.config.base_url + path
        resp = send(self.session, "GET", url, path=path, **self.config.send_limits())
        if resp.status_code != 200:
            raise HttpError("GET", path, resp.status_code, resp.text[:200])
        yield FetchedRecord(record_id=":end", cursor=str(len(resp.json()["items"])))

    def write_tags(self, record_id, tags, *, dry_run=True, written=None) -> TagWrite:
        raise LookupError(record_id)
"""


def test_the_hostile_server_samples_run_as_written(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "my_adapter.py").write_text(textwrap.dedent(MY_ADAPTER))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("KVRULES_MYRIS_API_KEY", raising=False)
    [sample] = [b for b in python_blocks(GUIDE) if "HostileServer()" in b]
    names: dict[str, object] = {}
    try:
        exec(compile(sample, f"{GUIDE}:HostileServer sample", "exec"), names)
        tests = [f for name, f in names.items() if name.startswith("test_")]
        assert len(tests) == 2
        for test in tests:
            test()  # type: ignore[operator]
    finally:
        sys.modules.pop("my_adapter", None)
