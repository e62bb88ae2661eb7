"""Rulebooks are read by libyaml when PyYAML has it (ten times faster than the pure-Python
parser, which took most of the time of loading rulebooks at each scan, check and evaluate). The
two must agree: the same data, the same positions of every value (file:line:col in every
diagnostic), the same errors worded the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kvrules.rulebook import yamlsource
from kvrules.rulebook.yamlsource import Located, YamlError

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(
    p
    for folder in ("rulebooks", "examples", "tests", "kvrules", "adapters", "plugins")
    for p in (ROOT / folder).rglob("*")
    if p.suffix in (".yaml", ".yml") and p.is_file()
)
EDGES = {
    "bom": "\ufeffrulebook: a\nversion: 2026.10\n",
    "crlf": 'rules:\r\n  - id: a\r\n    when: partner.country == "CN"\r\n',
    "unicode": "title: Zürich – 北京 – 𝔘𝔫𝔦\nname: 'It''s'\n",
    "blocks": "a: |\n  one\n    two\nb: >-\n  folded\n  text\n\nc: |2\n    indented\n",
    "flow": "a: {b: [1, 2.5, 'x', \"y\"], c: null}\nd: [true, no, on, 0x1F, 1e3]\n",
    "quoted": "a: \"line one\n  line two \\u00e9\"\nb: 'single\n  folded'\n",
    "dates": "published: 2024-02-29\nat: 2024-02-29T10:00:00Z\nversion: 2026.10\n",
    "tabs": "a:\tvalue\nb: 'tab\tinside'\n",
    "comments": "# head\na: 1 # trailing\n# between\nb:\n  - 2 # item\n",
    "empty": "",
    "scalar": "just text\n",
    "keys": "? complex\n: value\n",
    "anchor": "a: &x 1\nb: *x\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "deep": "a: " + "[" * 70 + "]" * 70 + "\n",
    "bad indent": "a:\n  b: 1\n c: 2\n",
    "unclosed": 'a: "never closed\n',
    "nul": "a: b\x00c\n",
    "control": "a: \x1b[31m\n",
    "bad date": "d: 2024-02-30\n",
    "tab indent": "a:\n\tb: 1\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "mapping key": "[a, b]: 1\n",
    "big int": "n: 1" + "0" * 400 + "\n",
    "nel": "a: one\x85two\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "tag": "a: !!str 12\nb: !!python/object:os.system x\n",
    "tab in block": "a: |\n  x\ty\n",
    "colons": "url: http://example.org/a:b\nt: 'a: b'\nu: a:b\n",
    "colon chain": "a: b: c\n",
    "nested lists": "- - a\n  - b\n- c\n",
    "empty values": "a:\nb: ~\nc: ''\n",
    "trailing spaces": "a: 1   \nb:   two words  \n",
    "plain multiline": "a: one\n  two\n  three\nb: x\n",
    "flow multiline": "a: [1,\n  2,\n  3]\n",
    "special floats": "a: .inf\nb: -.Inf\nc: .nan\nd: 1_000\ne: 0o17\nf: 012\n",
    "booleans": "a: yes\nb: No\nc: ON\nd: off\ne: y\n",
    "doc end": "a: 1\n...\n",
    "indicator start": "a: @x\n",
    "percent": "a: 50%\nb: '%x'\n",
    "long key": "? " + "k" * 1100 + "\n: v\n",
    "unicode escape": 'a: "\\x41\\u00e9\\U0001F600\\N"\n',
    "line separators": "a: one\u2028two\nb: x\u2029y\n",
    "only comment": "# nothing\n",
    "document start": "--- \na: 1\n",
    "bom after start": "a: 1\n\ufeffb: 2\n",
}


def outcome(text: str, parse) -> Located | tuple[str, int, int]:  # type: ignore[no-untyped-def]
    try:
        return parse(text)
    except YamlError as e:
        return (e.message, e.line, e.col)


def the_pure_python_parser(text: str) -> Located:
    return yamlsource.parse(text, yaml.SafeLoader)


@pytest.mark.skipif(yamlsource._FAST_LOADER is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize(
    "text",
    [*(p.read_text(encoding="utf-8") for p in FILES), *EDGES.values()],
    ids=[*(str(p.relative_to(ROOT)) for p in FILES), *EDGES],
)
def test_libyaml_reads_a_rulebook_as_the_pure_python_parser_does(text: str) -> None:
    assert outcome(text, yamlsource.load) == outcome(text, the_pure_python_parser)


def test_the_repository_has_yaml_to_compare() -> None:
    assert len(FILES) >= 10  # the shipped rulebooks, examples and test rulebooks
