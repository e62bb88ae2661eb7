"""Screenshots of the main screens for the README, taken from a `kvrules demo` state.

    kvrules demo                                  # ./kvrules-demo/kvrules.db and refdata.db
    python docs/screenshots/make.py               # from the repository root
    python docs/screenshots/make.py --demo DIR    # another demo folder

Works on a copy of the demo database (the demo's own file is left as it is): adds two
accounts, triages and assigns a few cases and proposes a four-eyes decision so the screens
show case work, serves the web app on a free 127.0.0.1 port and photographs the cases list,
a case page, the portfolio report and a pre-screen in headless Chromium. The PNGs are
reduced to a small palette so each stays well under 150 KB. Not run by the tests.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the checkout: kvrules and the tests' server helper

from kvrules.config import Config  # noqa: E402
from kvrules.prescreen import Screener  # noqa: E402
from kvrules.store import Store  # noqa: E402
from kvrules.store.casesearch import CaseQuery  # noqa: E402
from kvrules.web.app import create_app  # noqa: E402
from kvrules.web.security import hash_password  # noqa: E402
from kvrules.web.settings import WebSettings  # noqa: E402
from tests.web.web_helpers import served  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1280, 860
LIMIT = 150_000  # bytes per PNG


def _copy_database(source: Path, target: Path) -> None:
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


def _case_work(db: Path, password: str) -> int:
    """Accounts and a little committee work, so the screens show what people do with cases.
    Returns the case the case-page screenshot shows (a partner on a list, pending approval)."""
    hashed = hash_password(password)
    with Store.open(db) as store:
        store.add_user("marit.committee", "committee", hashed, actor="screenshots")
        store.add_user("anna.adviser", "adviser", None, actor="screenshots")
        ids, _ = store.search_cases(CaseQuery())
        store.triage_cases(ids[:3], "red", actor="marit.committee")
        store.triage_cases(ids[3:6], "amber", actor="anna.adviser")
        store.assign_cases(ids[:6], "anna.adviser", actor="marit.committee")
        listed, _ = store.search_cases(CaseQuery(rulebook="us-dod-1286"))
        shown = (listed or ids)[0]
        store.propose_decision(
            shown,
            "reject",
            "The partner is on the DoD 1286 list and the project is in a sensitive area; "
            "no mitigation fits.",
            actor="jan.committee",
        )
    return shown


def _small(path: Path) -> int:
    """Reduce a screenshot to a 64-colour palette (text and flat colours survive)."""
    from PIL import Image

    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)
    return path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", type=Path, default=Path("kvrules-demo"))
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args()
    demo_db, refdata = args.demo / "kvrules.db", args.demo / "refdata.db"
    if not demo_db.exists():
        print(f"{demo_db}: not found; run `kvrules demo` first (or pass --demo DIR)")
        return 1
    from playwright.sync_api import sync_playwright

    password = secrets.token_urlsafe(18)
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "kvrules.db"
        _copy_database(demo_db, db)
        shutil.copy(refdata, Path(scratch) / "refdata.db")
        case = _case_work(db, password)
        screener = Screener.from_config(
            Config(database=db, reference_data=Path(scratch) / "refdata.db")
        )
        settings = WebSettings(
            db=db, secret_key=secrets.token_urlsafe(32), screener=screener, four_eyes=True
        )
        with served(create_app(settings)) as (url, _), sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
            )
            page = browser.new_page(base_url=url, viewport={"width": WIDTH, "height": HEIGHT})
            page.goto("/login")
            page.get_by_label("User name").fill("marit.committee")
            page.get_by_label("Password").fill(password)
            page.get_by_label("Password").press("Enter")
            page.wait_for_url("**/cases")
            shots = {  # name: (path, height: the top of a long page)
                "cases.png": ("/cases?severity=medium", HEIGHT),
                "case.png": (f"/cases/{case}", 2000),
                "report.png": ("/report", 1600),
            }
            for name, (path, height) in shots.items():
                page.goto(path)
                clip = {"x": 0, "y": 0, "width": WIDTH, "height": height}
                page.screenshot(path=str(args.out / name), full_page=True, clip=clip)
            page.goto("/prescreen")
            page.get_by_label("Title (optional)").fill("Hypersonics consortium")
            page.get_by_label("Research topic").fill("hypersonic propulsion")
            page.locator("#partner0-name").fill("Beihang University")
            page.locator("#partner0-country").fill("China")
            page.locator("#partner1-name").fill("KU Leuven")
            page.locator("#partner1-country").fill("BE")
            page.get_by_role("button", name="Screen").click()
            page.wait_for_url("**/prescreen/*")
            page.screenshot(path=str(args.out / "prescreen.png"))
            browser.close()
        screener.close()
    too_big = []
    for name in ("cases.png", "case.png", "report.png", "prescreen.png"):
        size = _small(args.out / name)
        print(f"{args.out / name}: {size // 1000} KB")
        if size > LIMIT:
            too_big.append(name)
    if too_big:
        print(f"over {LIMIT // 1000} KB: {', '.join(too_big)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
