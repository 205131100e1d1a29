"""Browser test helpers: serve a folder on 127.0.0.1 and drive Debian's chromium with Playwright.

Every request that would leave 127.0.0.1 is aborted and recorded, and console errors and page
errors are collected, so a test can assert that a page is self-contained and clean.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import http.server
import io
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


@dataclass
class ServerStats:
    """Bytes the server wrote (status line, headers and body), per request path."""

    requests: list[tuple[str, int, int]] = field(default_factory=list)  # (path, status, bytes)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def total(self) -> int:
        with self.lock:
            return sum(b for _, _, b in self.requests)

    def mark(self) -> int:
        """A position to measure from: ``stats.since(mark)`` is what was sent after it."""
        with self.lock:
            return len(self.requests)

    def since(self, mark: int) -> list[tuple[str, int, int]]:
        with self.lock:
            return list(self.requests[mark:])


class _CountingWriter:
    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def write(self, data):
        self.count += len(data)
        return self.raw.write(data)

    def __getattr__(self, name):
        return getattr(self.raw, name)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files as a typical static host serves them.

    - gzip-compressed text when the client accepts it;
    - ``Last-Modified`` on every file and ``304 Not Modified`` for a matching ``If-Modified-Since``;
    - pages (``.html``) revalidated on every visit (``Cache-Control: no-cache``), other files
      cached for an hour (``max-age=3600``; Sphinx versions most of them with ``?v=``).
    """

    gzip_enabled = True

    def log_message(self, *args):  # keep test output quiet
        pass

    def setup(self):
        super().setup()
        self.wfile = _CountingWriter(self.wfile)

    def handle_one_request(self):
        self.wfile.count = 0
        self._status = 0
        super().handle_one_request()
        stats = getattr(self.server, "stats", None)
        if stats is not None and self._status:
            with stats.lock:
                stats.requests.append((self.path, self._status, self.wfile.count))

    def send_response(self, code, message=None):
        self._status = code
        super().send_response(code, message)

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the standard redirect to the folder's URL
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()  # 404
        mtime = int(path.stat().st_mtime)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                if int(email.utils.parsedate_to_datetime(since).timestamp()) >= mtime:
                    self.send_response(304)
                    self._cache_headers(path, mtime)
                    self.end_headers()
                    return None
            except (TypeError, ValueError, IndexError, OverflowError):
                pass
        body = path.read_bytes()
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        compressed = self.gzip_enabled and accepts and path.suffix in COMPRESSIBLE
        if compressed:
            body = gzip.compress(body, compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if compressed:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self._cache_headers(path, mtime)
        self.end_headers()
        return io.BytesIO(body)

    def _cache_headers(self, path: Path, mtime: int) -> None:
        self.send_header("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        self.send_header("Cache-Control", "no-cache" if path.suffix == ".html" else "max-age=3600")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServedURL(str):
    """The base URL of a served folder (a plain ``str``), with the server's byte counts."""

    stats: ServerStats


@contextmanager
def serve(directory: Path, gzip_enabled: bool = True):
    """Serve ``directory`` on http://127.0.0.1:<port>/ in a thread; yields the base URL.

    The URL is a ``str`` with a ``.stats`` attribute (``ServerStats``: bytes sent per request).
    """
    handler = functools.partial(_Handler, directory=str(directory))
    _Handler.gzip_enabled = gzip_enabled
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    server.stats = ServerStats()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = ServedURL(f"http://127.0.0.1:{server.server_address[1]}/")
        url.stats = server.stats
        yield url
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
