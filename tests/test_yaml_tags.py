"""Every tag outside YAML's core schema is refused where it is written, file:line:col.

Security review: `!!python/object/apply:os.system [...]` on a list in a rulebook or the
configuration was read as a plain list (the loader builds mappings and lists from the nodes'
shape, never their tag), while `!custom` on a value was refused. Both parsers (libyaml and the
pure-Python one) say it alike; a shipped rulebook with the tag added is refused by `validate`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kvrules.cli import cli
from kvrules.rulebook import yamlsource
from kvrules.rulebook.yamlsource import YamlError

ROOT = Path(__file__).resolve().parent.parent
PARSERS = [yaml.SafeLoader, *([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])]


@pytest.mark.parametrize("loader", PARSERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    ("text", "line", "col", "shown"),
    [
        ("a: !!python/object/apply:os.system [echo]\n", 1, 4, "!!python/object/apply:os.system"),
        ("a:\n  - !!python/tuple [1, 2]\n", 2, 5, "!!python/tuple"),
        ("a: !!python/name:os.system {}\n", 1, 4, "!!python/name:os.system"),
        ("a: !!set {x: null}\n", 1, 4, "!!set"),
        ("a: !custom x\n", 1, 4, "!custom"),
        ("!!python/object/new:dict\nb: 1\n", 1, 1, "!!python/object/new:dict"),
    ],
)
def test_a_tag_outside_the_core_schema_is_refused_where_it_is(loader, text, line, col, shown):
    with pytest.raises(YamlError) as refused:
        yamlsource.parse(text, loader)
    assert (refused.value.line, refused.value.col) == (line, col)
    assert refused.value.message.startswith(f"the tag {shown} is not allowed: only YAML's core")


def test_the_core_schemas_own_tags_are_read() -> None:
    assert yamlsource.load(
        "a: !!str 5\nb: !!int '7'\nc: !!seq [1]\nd: !!map {e: !!null ''}\n"
    ).data == {
        "a": "5",
        "b": 7,
        "c": [1],
        "d": {"e": None},
    }


def test_validate_refuses_a_rulebook_with_a_python_tag(runner, tmp_path: Path) -> None:
    text = (ROOT / "rulebooks" / "ca-strac.yaml").read_text(encoding="utf-8")
    tagged = text.replace(
        "applies_to: everywhere\n",
        "applies_to: everywhere\nkeywords: !!python/object/apply:os.system [echo pwned]\n",
        1,
    )
    assert tagged != text
    line = tagged.splitlines().index("keywords: !!python/object/apply:os.system [echo pwned]") + 1
    path = tmp_path / "ca-strac.yaml"
    path.write_text(tagged, encoding="utf-8")
    done = runner.invoke(cli, ["validate", str(path)])
    assert done.exit_code == 1
    assert f"{path}:{line}:11: the tag !!python/object/apply:os.system is not allowed" in (
        done.output
    )


def test_config_check_refuses_a_configuration_with_a_python_tag(runner, tmp_path: Path) -> None:
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text('home_country: "NL"\nrulebooks: !!python/object/apply:os.getcwd []\n')
    done = runner.invoke(cli, ["config", "check", "--config", str(cfg)])
    assert done.exit_code != 0
    assert f"{cfg}:2:12: the tag !!python/object/apply:os.getcwd is not allowed" in done.output
