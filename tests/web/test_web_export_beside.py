"""An export runs off the event loop: while one is held inside the exporter, a colleague's
sign-in and pages answer (the export at 9,300 cases took 20-50 s and froze the whole app).

A real uvicorn server; the export is held by an event inside ``tables``, never timed."""

from __future__ import annotations

import threading
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from kvrules.web import export, reportpage
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import SECRET, login, served

HANG_GUARD = 60  # seconds: only so that a blocked loop fails the test instead of hanging it


@pytest.mark.parametrize(
    ("path", "module", "work"),
    [
        ("/cases.csv?table=findings", export, "tables"),
        ("/cases.xlsx", export, "tables"),
        ("/report", reportpage, "build"),  # the portfolio: seconds at thousands of cases
    ],
)
def test_a_held_export_does_not_block_sign_in_or_pages(
    db: Path, path: str, module: ModuleType, work: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    released: list[bool] = []  # False: let go by the hang guard, not by the test
    real_work = getattr(module, work)

    def held_work(*args, **kwargs):
        entered.set()
        released.append(release.wait(HANG_GUARD))
        return real_work(*args, **kwargs)

    monkeypatch.setattr(module, work, held_work)
    app = create_app(WebSettings(db=db, secret_key=SECRET))
    with served(app) as (base, _):
        # As a browser opening the export from the case list says (kvrules.web.fetchsite).
        exporter = httpx.Client(
            base_url=base, timeout=HANG_GUARD, headers={"Sec-Fetch-Site": "same-origin"}
        )
        login(exporter, "viewer")
        result: dict[str, httpx.Response] = {}
        thread = threading.Thread(target=lambda: result.update(r=exporter.get(path)))
        thread.start()
        try:
            assert entered.wait(HANG_GUARD), "the export never started"
            colleague = httpx.Client(base_url=base, timeout=HANG_GUARD)
            signed_in = login(colleague, "committee")
            assert signed_in.status_code == 303, signed_in.status_code
            assert colleague.get("/cases").status_code == 200
            assert not release.is_set() and thread.is_alive()  # all while the export is held
        finally:
            release.set()
            thread.join(HANG_GUARD)
        assert released == [True]
        assert result["r"].status_code == 200
        assert result["r"].content
