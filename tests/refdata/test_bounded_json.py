"""A string in an imported JSON file is capped as it is read (security review 2026-12-07, item
10: a ROR zip holding one 1 GiB string ran 300 s with no output, then imported nothing)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import ijson
import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.refdata.importers.bounded import MAX_STRING_BYTES, BoundedJSON, TooLong
from tests.web.test_web_prescreen_upload import CountedBytes


def _records(value: str) -> bytes:
    return json.dumps([{"id": "https://ror.org/0abc", "names": [{"value": value}]}]).encode()


@pytest.mark.parametrize("body", ["A" * 20_000_000, 'ab\\"cd"' * 3_000_000, '"' * 10_000_000])
def test_a_long_string_stops_the_read_soon_after_the_cap(body: str) -> None:
    raw = CountedBytes(_records(body))
    with pytest.raises(TooLong, match=f"a string of more than {MAX_STRING_BYTES:,} bytes"):
        list(ijson.items(BoundedJSON(raw), "item"))
    assert raw.bytes_read < 2 * MAX_STRING_BYTES + 200_000  # not the 20 MB (escapes: 2 bytes)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_escapes_split_across_reads_are_read_as_they_are(size: int) -> None:
    """Escaped quotes and backslashes, cut anywhere by small reads: no false alarm, the same
    records; and a long string of them is still caught."""
    doc = _records('a\\"b\\\\"c' * 50 + "\\" * 7 + '"')
    small = BoundedJSON(io.BytesIO(doc), max_bytes=600)
    chunks = iter(lambda: small.read(size), b"")
    assert b"".join(chunks) == doc
    assert list(ijson.items(BoundedJSON(io.BytesIO(doc), max_bytes=600), "item")) == json.loads(doc)
    with pytest.raises(TooLong):
        too_long = BoundedJSON(io.BytesIO(doc), max_bytes=100)
        while too_long.read(size):
            pass


def test_importing_it_is_one_line_and_nothing_imported(tmp_path: Path) -> None:
    dump = tmp_path / "ror-records_v2.9.json.gz"
    dump.write_bytes(gzip.compress(_records("A" * 3_000_000)))
    store = tmp_path / "refdata.sqlite"
    result = CliRunner().invoke(
        cli, ["refdata", "import", "ror", str(dump), "--refdata", str(store)]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "nothing imported" in result.output
    assert f"a string of more than {MAX_STRING_BYTES:,} bytes" in result.output
