"""Hostile input, each in a child process with a 2 GiB address-space limit and a generous
timeout (a hang fails the test; nothing asserts on timing): huge strings, deep JSON, invalid
UTF-8, RTL and CJK names, regex-DoS patterns, YAML bombs and very large YAML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.reliability.rel_helpers import (
    DIAGNOSTIC,
    HEADER,
    rule,
    run_bounded,
    run_python_bounded,
)

pytestmark = pytest.mark.heavy  # started first: see tests/conftest.py

TEN_MB = 10 * 1024 * 1024


def event(i: int, name: str, country: str = "CN", **extra: object) -> dict:
    partner = {"name": name, "country": country}
    return {
        "id": f"e{i}",
        "kind": "partner.added",
        "source": {"system": "pure", "record_id": f"p{i}"},
        "occurred_at": "2026-03-03T10:00:00Z",
        "project": {"id": f"p{i}", "title": "t", "partners": [partner]},
        "partner": partner,
        **extra,
    }


def write_jsonl(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


def findings_by_event(stdout: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for line in stdout.splitlines():
        f = json.loads(line)
        out.setdefault(f["event_id"], set()).add(f["rule_id"])
    return out


# -- kvrules evaluate --------------------------------------------------------------------------


def test_ten_megabyte_names_are_skipped_with_the_limit_and_bounded_memory(tmp_path: Path) -> None:
    """A record over a per-record limit is reported with the field path (or line) and the
    limit, not half-evaluated; the sane records beside it are evaluated (2 GiB child)."""
    huge = "Harbin Institute of Technology " + "x" * TEN_MB
    long_name = "Harbin Institute of Technology " + "x" * 3_000  # under the line size limit
    records = write_jsonl(
        tmp_path / "huge.jsonl",
        [
            json.dumps(event(1, huge)).encode(),
            json.dumps(event(2, "Harbin Institute of Technology")).encode(),
            json.dumps(event(3, long_name)).encode(),
        ],
    )
    result = run_bounded("evaluate", "--json", str(records))
    assert result.returncode == 2, result.stderr[-2000:]  # 2: a bad line was skipped
    assert f"{records}:1: line: size" in result.stderr and "(max_record_chars)" in result.stderr
    assert f"{records}:3: partner.name: name of length 3,031" in result.stderr
    assert "(max_name_chars)" in result.stderr and "Traceback" not in result.stderr
    found = findings_by_event(result.stdout)
    assert set(found) == {"e2"} and "partner-on-1286" in found["e2"]


def test_deeply_nested_json_record_is_skipped_with_a_message(tmp_path: Path) -> None:
    deep = json.dumps(event(1, "a")).encode()[:-1] + b', "x": ' + b"[" * 200_000
    deep += b"]" * 200_000 + b"}"
    records = write_jsonl(
        tmp_path / "deep.jsonl",
        [deep, json.dumps(event(2, "Harbin Institute of Technology")).encode()],
    )
    result = run_bounded("evaluate", "--json", str(records))
    assert result.returncode == 2, result.stderr[-2000:]  # 2: a bad line was skipped
    assert f"{records}:1:" in result.stderr and "recursion limit" in result.stderr
    assert "Traceback" not in result.stderr
    assert "partner-on-1286" in findings_by_event(result.stdout)["e2"]


def test_invalid_utf8_lines_are_skipped_with_their_line_number(tmp_path: Path) -> None:
    good = json.dumps(event(3, "Harbin Institute of Technology")).encode()
    records = write_jsonl(
        tmp_path / "bad.jsonl",
        [
            json.dumps(event(1, "a")).encode().replace(b'"a"', b'"\xff\xfe\xc3("', 1),
            b"\xff\xff\xff",
            b"\xef\xbb\xbf" + good.replace(b'"e3"', b'"e4"'),  # a BOM
            b"\x00" * 10,
            good,
        ],
    )
    result = run_bounded("evaluate", "--json", str(records))
    assert result.returncode == 2, result.stderr[-2000:]
    for line in (1, 2, 4):
        assert f"{records}:{line}:" in result.stderr
    assert "Traceback" not in result.stderr
    assert "partner-on-1286" in findings_by_event(result.stdout)["e3"]


RTL_CJK = {
    "cjk": ("哈尔滨工业大学", "CN", True),
    "cjk-beihang": ("北京航空航天大学", "CN", True),
    "latin": ("Harbin Institute of Technology", "CN", True),
    "arabic": ("جامعة طهران", "IR", False),
    "persian": ("دانشگاه صنعتی شریف", "IR", False),
    "hebrew": ("אוניברסיטת תל אביב", "IL", False),
    "rtl-override": ("\u202eygolonhceT fo etutitsnI nibraH\u202c", "CN", False),
    "zero-width": ("Harbin\u200b Institute of Technology", "CN", None),
}


def test_rtl_and_cjk_names_through_enrichment_and_evaluation(tmp_path: Path) -> None:
    names = list(RTL_CJK.items())
    records = tmp_path / "names.jsonl"
    records.write_text(
        "".join(
            json.dumps(event(i, name, country), ensure_ascii=False) + "\n"
            for i, (_, (name, country, _)) in enumerate(names)
        ),
        encoding="utf-8",
    )
    result = run_bounded("evaluate", "--json", str(records))
    assert result.returncode == 0, result.stderr[-2000:]
    found = findings_by_event(result.stdout)
    for i, (label, (_, _, listed)) in enumerate(names):
        if listed is None:
            continue
        assert ("partner-on-1286" in found.get(f"e{i}", set())) is listed, label


def test_rtl_and_cjk_names_through_matching() -> None:
    runner = CliRunner()
    for label, (name, country, listed) in RTL_CJK.items():
        result = runner.invoke(cli, ["match", name, "--country", country, "--json"])
        assert result.exit_code == 0, (label, result.output)
        matches = json.loads(result.stdout)["matches"]
        if listed is not None:
            hit = any(m["list"] == "us_dod_1286" and not m["candidate"] for m in matches)
            assert hit is listed, label


def test_matching_a_ten_megabyte_name_is_bounded() -> None:
    code = (
        "import sys; from kvrules.cli import cli; "
        "cli(['match', 'Harbin Institute of Technology ' + 'x' * 10_485_760, "
        "'--country', 'CN', '--json'])"
    )
    result = run_python_bounded(code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["matches"] == [] or "Traceback" not in result.stderr


# -- rulebooks ---------------------------------------------------------------------------------

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _validate(tmp_path: Path, text: str | bytes, name: str = "rb.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    result = run_bounded("validate", str(path))
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return path, result


def _diagnostics(result) -> list[str]:
    lines = result.stderr.splitlines()
    assert lines and all(DIAGNOSTIC.match(line) for line in lines), result.stderr[-2000:]
    return lines


def test_billion_laughs_is_rejected(tmp_path: Path) -> None:
    path, result = _validate(tmp_path, HEADER + rule('partner.country == "CN"') + BILLION_LAUGHS)
    assert result.returncode == 1
    (line,) = _diagnostics(result)
    assert line.startswith(f"{path}:") and "anchors and aliases" in line


def test_quadratic_blowup_with_one_alias_is_rejected(tmp_path: Path) -> None:
    big = "x" * 100_000
    text = f"a: &a {big}\nb: [{', '.join(['*a'] * 5_000)}]\n"
    _path, result = _validate(tmp_path, text)
    assert result.returncode == 1
    assert "anchors and aliases" in result.stderr


def test_very_large_yaml_is_rejected_early(tmp_path: Path) -> None:
    body = "description: " + "x" * (50 * 1024 * 1024) + "\n"
    path, result = _validate(tmp_path, HEADER.replace("sources:", body + "sources:"))
    assert result.returncode == 1
    assert _diagnostics(result) == [f"{path}:1:1: file larger than 2000000 bytes"]


def test_large_rulebook_under_the_limit_loads(tmp_path: Path) -> None:
    """~1.9 MB: a long description and 400 rules; validated within the memory bound."""
    rules = "".join(
        rule(json.dumps(f'partner.name matches "(a+)+b{i}" or partner.country == "CN"'), f"r{i}")
        for i in range(400)
    )
    header = HEADER.replace("sources:", "description: " + "d" * 1_800_000 + "\nsources:")
    _path, result = _validate(tmp_path, header + rules)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "400 rule(s)" in result.stdout


def test_deeply_nested_rulebook_is_rejected(tmp_path: Path) -> None:
    _path, result = _validate(tmp_path, "[" * 500_000 + "]" * 500_000)
    assert result.returncode == 1
    assert "nested more than" in _diagnostics(result)[0]


REDOS = ["(a+)+b", "(a|a)*c", "(a*)*b", "(.*a){20}", "(a|aa)+$x", "([a-z]+)*[0-9]"]


def test_regex_dos_patterns_run_in_linear_time(tmp_path: Path) -> None:
    """Catastrophic-backtracking patterns are either rejected or run on RE2 (linear time)."""
    rules = ""
    for i, pattern in enumerate(REDOS):
        rules += rule(json.dumps(f"partner.name matches {json.dumps(pattern)}"), f"redos{i}")
    book = tmp_path / "redos.yaml"
    book.write_text(HEADER + rules, encoding="utf-8")
    result = run_bounded("validate", str(book))
    # '$' is refused (anchors are implicit), the others load.
    assert result.returncode == 1 and "redos.yaml:" in result.stderr and "'$'" in result.stderr
    rules = "".join(
        rule(json.dumps(f"partner.name matches {json.dumps(p)}"), f"redos{i}")
        for i, p in enumerate(REDOS)
        if "$" not in p
    )
    book.write_text(HEADER + rules, encoding="utf-8")
    records = write_jsonl(
        tmp_path / "evil.jsonl",
        [
            # Names stay under max_name_chars (2,000): a backtracking engine already needs
            # about 2**1999 steps on these, RE2 a few thousand.
            json.dumps(event(1, "a" * 1_999)).encode(),
            json.dumps(event(2, "a" * 1_999 + "b")).encode(),
            json.dumps(event(3, "abc" * 666 + "!")).encode(),
        ],
    )
    result = run_bounded("evaluate", "--no-enrich", "--json", "--rulebook", str(book), str(records))
    assert result.returncode == 0, result.stderr[-2000:]
    found = findings_by_event(result.stdout)
    assert found["e2"] >= {"redos0", "redos2"} and "redos0" not in found.get("e1", set())
