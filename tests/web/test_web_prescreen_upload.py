"""A partners-file upload cannot freeze the web app. Penetration test, 2026-12-07: any signed-in
user's 25 MB upload was read whole and parsed to its last row before the 500-row cap, twice per
request, on the event loop (400 after 29 s, server RSS 127 → 877 MB, a /login waited 9.8 s).
A file over ``MAX_FILE_BYTES`` is refused unread, reading stops at row ``MAX_ROWS + 1``, and
the file is read once per request, in a worker thread."""

from __future__ import annotations

import html
import io
from pathlib import Path

from starlette.datastructures import FormData, UploadFile

from kvrules.prescreen import Screener
from kvrules.web.prescreen import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    PARTNERS_FILE,
    proposal_document,
    read_partners_file,
)
from tests.web.test_web_prescreen import signed_in
from tests.web.web_helpers import token


class CountedBytes(io.BytesIO):
    """A real in-memory file that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def _csv(rows: int) -> bytes:
    return ("name,country\n" + "".join(f"Example Institute {i},BE\n" for i in range(rows))).encode()


def _form(data: bytes, size: int | None) -> tuple[FormData, CountedBytes]:
    file = CountedBytes(data)
    upload = UploadFile(file, size=size, filename="partners.csv")
    return FormData([(PARTNERS_FILE, upload)]), file


def test_an_over_size_upload_is_refused_without_reading_it_all():
    big = _csv(200_000)  # about 5.5 MB, of short rows
    assert len(big) > 2 * MAX_FILE_BYTES
    # the size as the form parser counted it while spooling the upload: nothing read
    form, file = _form(big, size=len(big))
    said = read_partners_file(form)
    assert said.problems == [said.refused] and "larger than 2 MB" in str(said.refused)
    assert file.bytes_read == 0
    # no size given: read only one byte past the cap
    form, file = _form(big, size=None)
    assert read_partners_file(form).refused is not None
    assert file.bytes_read == MAX_FILE_BYTES + 1 < len(big)


def test_a_file_of_more_rows_than_one_pre_screen_reads_stops_at_the_row_past_it():
    form, _ = _form(_csv(5_000), size=None)
    said = read_partners_file(form)
    assert len(said.rows) == MAX_ROWS  # rows 1-500 read, row 501 stopped it
    assert said.problems == [
        f"partners.csv: more than {MAX_ROWS} rows; one pre-screen reads at most {MAX_ROWS} "
        "(none was left out: nothing was screened)"
    ]
    # a file of MAX_ROWS rows is read whole, every row a partner
    form, _ = _form(_csv(MAX_ROWS), size=None)
    assert read_partners_file(form).problems == []
    assert len(proposal_document(form)["partners"]) == MAX_ROWS


def test_the_page_says_so_beside_the_field(db: Path, screener: Screener):
    client = signed_in(db, screener, "grant-officer")
    t = token(client.get("/prescreen").text)
    r = client.post(
        "/prescreen",
        data={"csrf_token": t, "topic": "x"},
        files={PARTNERS_FILE: ("big.csv", _csv(100_000), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 400
    page = html.unescape(r.text)
    beside = page.split('id="err-partners_file">', 1)[1].split("</span>", 1)[0]
    assert beside.startswith("big.csv: larger than 2 MB, the most one pre-screen reads")
    assert "\n" not in beside
