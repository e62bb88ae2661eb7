"""The web tests drive the app through Starlette's TestClient, on the HTTP client Starlette
now builds it on (httpx2): with only httpx installed, every run warned "Using `httpx` with
`starlette.testclient` is deprecated; install `httpx2` instead", a warning everyone learns
to skip, and the path Starlette will drop."""

from __future__ import annotations

import subprocess
import sys


def test_starlettes_test_client_loads_without_a_deprecation_warning() -> None:
    # a fresh interpreter: the warning comes once, when the module is first imported
    code = (
        "import warnings\n"
        "from starlette.exceptions import StarletteDeprecationWarning\n"
        "warnings.simplefilter('error', StarletteDeprecationWarning)\n"
        "import starlette.testclient\n"
    )
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr  # the test extra installs httpx2 (pyproject.toml)
