"""An institution's own list is named by the title it was imported with, wherever kvrules
names it (scan footer, evidence, the case page), and a list without a licence says so."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kvrules.cli import cli
from tests.conftest import HEADER, project_exports, rule_yaml

TITLE = "University Two watch list"


def _kvrules(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def _own_list_scanned(tmp_path: Path) -> Path:
    exports = project_exports(
        tmp_path, ["u-3"], partners=[{"name": "Southern Cross Defence Lab", "country": "IR"}]
    )
    (tmp_path / "own.yaml").write_text(
        HEADER
        + rule_yaml(
            "own-list",
            "'any p in project.partners: p.lists contains \"uni2_watch\"'",
            on="project.created",
        )
    )
    (tmp_path / "watch.csv").write_text("entry_id,name,country\nw4,Southern Cross Defence Lab,IR\n")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "database: state.db\nreference_data: ref.db\nrulebooks: [own.yaml]\n"
        f"sources:\n  uni2:\n    adapter: file\n    settings:\n      path: {exports}\n"
    )
    _kvrules(
        "refdata", "import", "csv", str(tmp_path / "watch.csv"), "--config", str(config),
        "--list-id", "uni2_watch", "--edition", "2026", "--title", TITLE,
    )  # fmt: skip
    return config


def test_an_own_list_is_named_by_its_title_and_its_missing_licence_is_said(tmp_path):
    config = _own_list_scanned(tmp_path)
    scanned = _kvrules("scan", "--config", str(config))
    assert f"the list “{TITLE}”, edition 2026" in scanned  # the footer
    assert "“uni2_watch”" not in scanned

    shown = _kvrules("show", "case:1", "--config", str(config))
    assert f"is on the list “{TITLE}”, edition 2026, listed as “Southern Cross" in shown
    assert "licence not recorded" in shown
    assert "uni2_watch" not in shown

    listed = _kvrules("refdata", "lists", "--config", str(config))
    assert "licence not recorded" in listed

    # the case page: the partner's row and the match table behind the evidence
    from kvrules.store import Store
    from tests.web.web_helpers import PASSWORD_HASH, app_for, login

    with Store.open(tmp_path / "state.db") as store:
        store.add_user("adviser", "adviser", PASSWORD_HASH, actor="test")
    client = app_for(tmp_path / "state.db")
    login(client, "adviser")
    page = client.get("/cases/1").text
    assert f'<span title="uni2_watch">{TITLE}</span>' in page
    assert f"<td>{TITLE}</td><td>2026</td>" in page


def test_match_says_an_own_list_without_a_licence_has_none_recorded(tmp_path):
    """`kvrules match` cites a match's edition as a scan's evidence does: an own list imported
    without --licence says "licence not recorded", as `refdata lists` does."""
    config = _own_list_scanned(tmp_path)
    matched = _kvrules("match", "Southern Cross Defence Lab", "--config", str(config))
    assert "uni2_watch@2026" in matched
    assert "; a designation; licence not recorded" in matched, matched

    as_json = CliRunner().invoke(
        cli, ["match", "Southern Cross Defence Lab", "--json", "--config", str(config)]
    )
    assert as_json.exit_code == 0, as_json.output
    (found,) = [m for m in json.loads(as_json.output)["matches"] if m["list"] == "uni2_watch"]
    assert found["title"] == TITLE and found["licence"] is None
    assert found["provenance"] == "a designation; licence not recorded"


def test_only_a_match_carrying_provenance_says_its_licence_is_not_recorded():
    """However a match was dumped (a stored event drops empty values, a model dump keeps them
    as None), one without its edition's provenance (a registry's, or recorded before matches
    carried it) says nothing of a licence; one with it and without a licence says so."""
    from kvrules.model import ListMatch
    from kvrules.plain import match_provenance

    bare = ListMatch(
        list="ror", edition="v2.1", entry="x", name="X", method="exact", score=1.0,
        candidate=False, kind="registry",
    )  # fmt: skip
    own = bare.model_copy(update={"list": "uni2_watch", "kind": "designation", "title": TITLE})
    for dump in (bare.model_dump(), bare.model_dump(exclude_none=True)):
        assert "licence" not in match_provenance(dump)
    for dump in (own.model_dump(), own.model_dump(exclude_none=True)):
        assert match_provenance(dump) == "; a designation; licence not recorded"
