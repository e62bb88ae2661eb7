from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli.refdata import match, refdata
from kvrules.refdata.shipped import open_reference_store

FIXTURES = Path(__file__).parent / "fixtures"


def test_match_json_on_fresh_db(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    open_reference_store(db).close()  # started (as by an import or a scan) with the shipped lists
    res = CliRunner().invoke(
        match, ["Harbin Inst. of Tech.", "--country", "CN", "--json", "--refdata", str(db)]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["query"] == "Harbin Inst. of Tech."
    top = out["matches"][0]
    assert {"list", "entry", "name", "ror_id", "method", "score"} <= top.keys()
    assert (top["list"], top["ror_id"], top["method"]) == (
        "us_dod_1286",
        "01yqg2h08",
        "abbreviation",
    )


def test_match_env_db_and_no_match(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KVRULES_REFDATA", str(tmp_path / "env.db"))
    open_reference_store(tmp_path / "env.db").close()  # match never starts a store it is named
    res = CliRunner().invoke(match, ["Qwzx Institute", "--json"])
    searched = ["ror@sample-v2.9 (partial)", "us_dod_1286@FY25 (partial)"]
    assert json.loads(res.output) == {
        "query": "Qwzx Institute",
        "matches": [],
        "searched": searched,
    }
    # a bare acronym two universities share: both, as candidates to confirm (issue #16 item 4)
    hust = json.loads(CliRunner().invoke(match, ["HUST", "--json"]).output)["matches"]
    assert {m["name"] for m in hust} == {
        "Huazhong University of Science and Technology",
        "Harbin University of Science and Technology",
    }
    assert all(m["candidate"] and m["method"] == "acronym" for m in hust)
    assert (tmp_path / "env.db").exists()
    text = CliRunner().invoke(match, ["Northwestern University", "--country", "US"]).output
    said = " ".join(text.split())
    assert said.startswith("'Northwestern University' was not found in the list “ROR records")
    assert "the US DoD Section 1286 list, edition FY25 (a partial copy" in said
    assert "us_dod_1286" not in said and "@" not in said  # ids: --json
    assert said.endswith("not found there is not the same as safe (the list ids: --json)")
    searched = json.loads(
        CliRunner().invoke(match, ["Northwestern University", "--country", "US", "--json"]).output
    )["searched"]
    assert searched == ["ror@sample-v2.9 (partial)", "us_dod_1286@FY25 (partial)"]


def test_import_lists_history(tmp_path: Path) -> None:
    db, run = str(tmp_path / "kv.db"), CliRunner()
    for ed in ("fy24", "fy25"):
        res = run.invoke(
            refdata,
            [
                "import",
                "dod1286",
                str(FIXTURES / f"dod1286_{ed}.csv"),
                "--edition",
                ed.upper(),
                "--complete",  # 3-row fixtures that stand for the whole list
                "--refdata",
                db,
            ],
        )
        assert res.exit_code == 0, res.output
    res = run.invoke(refdata, ["lists", "--json", "--refdata", db])
    rows = [r for r in json.loads(res.output) if r["list_id"] == "us_dod_1286"]
    # The store was seeded with the shipped partial FY25 edition; the complete FY25 import
    # superseded it without --replace.
    assert [(r["edition"], r["entries"], r["partial"]) for r in rows] == [
        ("FY24", 3, False),
        ("FY25", 3, False),
    ]
    assert rows[0]["licence"].startswith("US government") and len(rows[0]["sha256"]) == 64
    res = run.invoke(
        refdata, ["history", "--name", "Example Dropped University", "--json", "--refdata", db]
    )
    assert [(r["edition"], r["listed"]) for r in json.loads(res.output)] == [
        ("FY24", True),
        ("FY25", False),
    ]


def test_import_reports_bad_lines(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        refdata,
        [
            "import",
            "dod1286",
            str(FIXTURES / "dod1286_bad.csv"),
            "--edition",
            "FY25",
            "--refdata",
            str(tmp_path / "kv.db"),
        ],
    )
    assert res.exit_code != 0
    assert "line 3" in res.output and "nothing imported" in res.output


def test_an_option_of_another_format_is_refused_not_ignored(tmp_path: Path) -> None:
    # --expect promises "any other count is refused": ignoring it for another format would
    # import an unchecked list; a filter ignored would import more than was asked for
    db, run = str(tmp_path / "kv.db"), CliRunner()
    before = run.invoke(refdata, ["lists", "--json", "--refdata", db]).output
    nested = str(FIXTURES / "opensanctions_nested.json")
    res = run.invoke(
        refdata,
        [
            "import",
            "opensanctions",
            nested,
            "--edition",
            "FY25",
            "--expect",
            "130",
            "--refdata",
            db,
        ],
    )
    assert res.exit_code == 2 and "--expect is for dod1286 files only" in res.output
    csv = str(FIXTURES / "dod1286_fy25.csv")
    res = run.invoke(
        refdata,
        ["import", "dod1286", csv, "--edition", "FY25", "--listed-in", "2025", "--refdata", db],
    )
    assert res.exit_code == 2 and "--listed-in is for opensanctions files only" in res.output
    lists = run.invoke(refdata, ["lists", "--json", "--refdata", db])
    assert json.loads(lists.output) == json.loads(before)  # the seeded lists, nothing more


def test_an_import_builds_the_lists_index_so_the_next_command_need_not(tmp_path: Path) -> None:
    """Reviewer's defect 5: an import retired the kept index and the next `match`, `check` or
    scan silently spent tens of seconds rebuilding it. The import builds it when it ends (and
    says so); a command that still has to build it says so on stderr, in one line."""
    import os
    import subprocess
    import sys

    db = tmp_path / "kv.db"
    index = tmp_path / "kv.db.index"
    kvrules = [sys.executable, "-m", "kvrules"]
    env = {**os.environ, "KVRULES_REFDATA": str(db)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([*kvrules, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        return done

    # A fresh store (seeded: match never starts one it is named) is indexed by the first
    # command that matches: announced.
    open_reference_store(db).close()
    first = run("match", "Harbin Institute of Technology", "--country", "CN")
    assert first.stderr.startswith("building the lists' index once ("), first.stderr
    assert len(first.stderr.splitlines()) == 1

    lists = tmp_path / "g.csv"
    lists.write_text("entry_id,name,country\ne1,Example Rocketry Institute,RU\n")
    imported = run("refdata", "import", "csv", str(lists), "--list-id", "mylist", "--edition", "1")
    assert "built the lists' index in " in imported.stderr
    assert index.is_file()

    after = run("match", "Example Rocketry Institute", "--country", "RU", "--json")
    assert after.stderr == ""  # the kept index was current: nothing built, nothing said
    assert json.loads(after.stdout)["matches"][0]["list"] == "mylist"


def test_match_says_designation_or_assessment_source_and_licence_as_evidence_does(
    tmp_path: Path,
) -> None:
    """What a scan's evidence says of a list hit (``plain.match_provenance``), `match` says of
    the entry that matched: whether the list is a designation or an assessment, where the
    edition comes from and its licence — in words, and in --json."""
    db = tmp_path / "ref.db"
    with open_reference_store(db) as store:
        listed = store.latest("us_dod_1286")
    assert listed is not None and listed.licence and listed.publisher
    words = (
        f"a designation; source: {listed.publisher}, {listed.source_url}; licence: {listed.licence}"
    )
    asked = ["Harbin Institute of Technology", "--country", "CN", "--refdata", str(db)]
    text = CliRunner().invoke(match, asked)
    assert text.exit_code == 0, text.output
    said = " ".join(text.output.split())
    assert "us_dod_1286@FY25 harbin-institute-of-technology" in said
    assert words in said
    top = json.loads(CliRunner().invoke(match, [*asked, "--json"]).output)["matches"][0]
    assert (top["kind"], top["licence"], top["publisher"], top["source_url"]) == (
        "designation",
        listed.licence,
        listed.publisher,
        listed.source_url,
    )
    assert top["provenance"] == words


def test_an_imported_edition_that_does_not_screen_is_said_so(tmp_path: Path) -> None:
    """An older edition imported after a newer one is kept for history; the import says that
    the newer one stays current (not "the next scan screens with it"), as `refdata lists`
    marks it."""
    db, run = str(tmp_path / "kv.db"), CliRunner()
    for edition, published in (("FY25", "2025-06-01"), ("FY24", "2024-06-01")):
        csv = str(FIXTURES / f"dod1286_{edition.lower()}.csv")
        args = ["import", "dod1286", csv, "--edition", edition, "--published", published]
        args.append("--complete")  # 3-row fixtures that stand for the whole list
        res = run.invoke(refdata, [*args, "--refdata", db])
        assert res.exit_code == 0, res.output
    assert "the next scan screens with it" not in res.stdout
    assert (
        "us_dod_1286 edition FY24 is kept for history but does not screen (superseded): edition "
        "FY25 stays current (it is the newer one by the list's publication order;"
    ) in res.stderr
    rows = json.loads(run.invoke(refdata, ["lists", "--json", "--refdata", db]).output)
    current = [r["edition"] for r in rows if r["list_id"] == "us_dod_1286" and r["current"]]
    assert current == ["FY25"]
