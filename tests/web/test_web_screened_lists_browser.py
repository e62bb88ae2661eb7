"""In headless Chromium: a partner on no list says where it was not found, in the words
``check`` and ``scan`` use ("not found in … edition FY25 (a partial copy …)"), and the
portfolio report (and report.md) name the lists and editions screened."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from tests.conftest import HEADER, project_exports, rule_yaml
from tests.web.web_helpers import CHROMIUM, PASSWORD, PASSWORD_HASH, SECRET, served

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser test needs Debian chromium at /usr/bin/chromium"
)
TITLE = "University Two watch list"
PARTIAL = "a partial copy: only some of its entries are held here"


@pytest.fixture
def scanned(tmp_path: Path) -> Path:
    """A scan of one project with a partner on the own list and one on no list (TUM)."""
    partners = [
        {"name": "Southern Cross Defence Lab", "country": "IR"},
        {"name": "Technical University of Munich", "country": "DE"},
    ]
    exports = project_exports(tmp_path, ["u-3"], partners=partners)
    rule = "'any p in project.partners: p.lists contains \"uni2_watch\"'"
    (tmp_path / "own.yaml").write_text(HEADER + rule_yaml("own-list", rule, on="project.created"))
    (tmp_path / "watch.csv").write_text("entry_id,name,country\nw4,Southern Cross Defence Lab,IR\n")
    config = tmp_path / "kvrules.yaml"
    config.write_text(
        "database: state.db\nreference_data: ref.db\nrulebooks: [own.yaml]\n"
        f"sources:\n  uni2:\n    adapter: file\n    settings:\n      path: {exports}\n"
    )
    for args in (
        ["refdata", "import", "csv", str(tmp_path / "watch.csv"), "--list-id", "uni2_watch",
         "--edition", "2026", "--title", TITLE],
        ["scan"],
    ):  # fmt: skip
        result = CliRunner().invoke(cli, [*args, "--config", str(config)])
        assert result.exit_code == 0, result.output

    with Store.open(tmp_path / "state.db") as store:
        store.add_user("committee", "committee", PASSWORD_HASH, actor="test")
    return tmp_path / "state.db"


@pytest.fixture
def page(scanned: Path, browser_context) -> Iterator:
    from kvrules.web.app import create_app
    from kvrules.web.settings import WebSettings

    with served(create_app(WebSettings(db=scanned, secret_key=SECRET))) as (url, _):
        yield browser_context(base_url=url).new_page()


def _sign_in(page, path: str) -> None:
    page.goto(path)  # → sign-in page, then back here
    page.get_by_label("User name").fill("committee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def test_a_partner_on_no_list_says_where_it_was_not_found(page, scanned: Path) -> None:
    _sign_in(page, "/cases/1")
    row = page.get_by_role("row").filter(has_text="Technical University of Munich")
    lists_cell = row.get_by_role("cell").nth(3).inner_text()
    assert lists_cell.startswith(f"not found in the list “{TITLE}”, edition 2026")
    assert f"US DoD Section 1286 list, edition FY25 ({PARTIAL})" in lists_cell
    listed = page.get_by_role("row").filter(has_text="Southern Cross Defence Lab").first
    assert TITLE in listed.get_by_role("cell").nth(3).inner_text()
    said = page.get_by_text("Organisations screened against").inner_text()
    assert "not on a list means not found in these editions, not that a partner is safe" in said


def test_the_portfolio_report_names_the_lists_and_editions_screened(page, scanned: Path) -> None:
    _sign_in(page, "/report")
    said = page.get_by_text("Organisations screened against").inner_text()
    assert f"the list “{TITLE}”, edition 2026" in said
    assert f"US DoD Section 1286 list, edition FY25 ({PARTIAL})" in said

    from kvrules.report import markdown_report

    with Store.open(scanned) as store:
        report = " ".join(markdown_report(store).split())
    assert f"Organisations screened against the list “{TITLE}”, edition 2026" in report
    assert f"({PARTIAL})" in report
