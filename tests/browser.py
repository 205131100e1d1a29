"""Browser test helpers: serve a folder on 127.0.0.1 and drive Debian's chromium with Playwright.

Every request that would leave 127.0.0.1 is aborted and recorded, and console errors and page
errors are collected, so a test can assert that a page is self-contained and clean.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import shutil
import socket
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".ttf", ".woff", ".xml"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the client accepts it (as a real static host does)."""

    gzip_enabled = True

    def log_message(self, *args):  # keep test output quiet
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.gzip_enabled and accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        import io

        return io.BytesIO(body)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(directory: Path, gzip_enabled: bool = True):
    """Serve ``directory`` on http://127.0.0.1:<port>/ in a thread; yields the base URL."""
    handler = functools.partial(_Handler, directory=str(directory))
    _Handler.gzip_enabled = gzip_enabled
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class PageLog:
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def clean(self) -> bool:
        return not (self.blocked or self.console_errors or self.page_errors)

    def report(self) -> str:
        return f"blocked={self.blocked} console={self.console_errors} pageerrors={self.page_errors}"


def _local(url: str) -> bool:
    u = urlparse(url)
    return u.scheme in {"data", "blob", "about", "file"} or u.hostname in {"127.0.0.1"}


@contextmanager
def browser():
    """A headless Debian chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def new_page(b, log: PageLog, **context_kwargs):
    """A page in a fresh context that blocks every host but 127.0.0.1 and records problems."""
    context = b.new_context(**context_kwargs)

    def guard(route):
        if _local(route.request.url):
            route.continue_()
        else:
            log.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda m: log.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))
    return page
