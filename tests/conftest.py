"""Shared fixtures: the repository layout and a built book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Parallel work can build into its own folder: SCIATICA_BOOK_OUT=/tmp/x makes /tmp/x/_build/html.
BOOK_OUT = Path(os.environ.get("SCIATICA_BOOK_OUT", ROOT))
BUILD_HTML = BOOK_OUT / "_build" / "html"


def pytest_collection_modifyitems(items):
    """A test that needs the built book (directly or through another fixture) is slow: it stays in
    `make test` and out of `make check`, without each test having to say so."""
    for item in items:
        if "built_book" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_book() -> dict:
    """Build the book once per session with warnings as errors (executed with the cache).

    SCIATICA_BOOK_PREBUILT=1 uses the book already in SCIATICA_BOOK_OUT as it is (for iterating
    on browser tests); the build test then has nothing to check and is skipped.
    """
    if os.environ.get("SCIATICA_BOOK_PREBUILT") == "1":
        if not (BUILD_HTML / "index.html").is_file():
            pytest.fail(f"SCIATICA_BOOK_PREBUILT=1 but there is no book in {BUILD_HTML}")
        return {"returncode": 0, "log": "", "html": BUILD_HTML, "prebuilt": True}
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(BOOK_OUT), "-W", "-n", "--keep-going"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    log = proc.stdout + proc.stderr
    return {"returncode": proc.returncode, "log": log, "html": BUILD_HTML}


@pytest.fixture(scope="session")
def book_server(built_book):
    """The built book served on 127.0.0.1 (gzip on), for browser tests."""
    from browser import serve

    assert built_book["returncode"] == 0, built_book["log"][-3000:]
    with serve(built_book["html"]) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    from browser import browser

    with browser() as b:
        yield b
