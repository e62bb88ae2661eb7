"""kvrules match --file … --format csv: a row that could not be read keeps its text, as the
JSON lines output does (``raw``), so the person fixing the file sees what the line held."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from kvrules.cli import cli


def csv_rows(stdin: bytes) -> list[dict[str, str]]:
    result = CliRunner().invoke(cli, ["match", "--file", "-", "--format", "csv"], input=stdin)
    assert result.exit_code == 2, result.output  # done, with a row that could not be matched
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_a_bad_csv_rows_text_is_written_beside_its_error() -> None:
    bad, good = csv_rows(b'name,owner\n"Tsinghua University\nPeking University,HR\n')
    assert bad["error"].startswith("a quoted cell opened on this line is never closed")
    assert bad["raw"] == '"Tsinghua University'
    assert good["name"] == "Peking University" and good["owner"] == "HR"
    assert good["raw"] == "" and good["match_list"]  # a row that was read has no raw text


def test_a_bad_rows_text_that_a_spreadsheet_would_run_is_made_inert() -> None:
    [bad] = csv_rows(b'{"name": "Peking University"}\n=HYPERLINK("http://example.org")\n')[1:]
    assert bad["error"].startswith("not JSON")
    assert bad["raw"] == '\'=HYPERLINK("http://example.org")'
