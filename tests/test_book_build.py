"""The book builds with warnings as errors, and every TOC entry becomes a page."""

from __future__ import annotations

import re

from test_structure import toc_files


def test_book_builds_without_warnings(built_book):
    assert built_book["returncode"] == 0, built_book["log"][-4000:]
    # Sphinx's own warnings and errors. Lines in Python's default logging shape from the kernel's
    # runtime (e.g. "ERROR:tornado.general:Uncaught exception in ZMQStream callback", seen once as a
    # kernel shut down under load) are not book warnings: a failing cell fails the build itself
    # (allow_errors: false), which the return code above checks.
    runtime = re.compile(r"^(?:ERROR|WARNING):(?:tornado|asyncio|traitlets|zmq)[\w.]*:")
    warnings = [
        ln
        for ln in built_book["log"].splitlines()
        if re.search(r"\bWARNING:|\bERROR:|CRITICAL:", ln) and not runtime.match(ln)
    ]
    assert not warnings, "\n".join(warnings[:20])


def test_every_toc_entry_produced_a_page(built_book):
    html = built_book["html"]
    for f in toc_files():
        assert (html / f"{f}.html").is_file(), f"no page for {f}"
    assert (html / "index.html").is_file()


def test_no_page_loads_from_a_cdn(built_book):
    """Static check of every page; the browser tests check the live requests too."""
    for page in built_book["html"].rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"(https?:)?//[^\"]+\"[^>]*>", text):
            # Plain links to other sites are fine; loaded resources are not.
            pass
        loaded = re.findall(r"<script[^>]+src=\"((?:https?:)?//[^\"]+)\"", text)
        loaded += re.findall(r"<link[^>]+rel=\"(?:stylesheet|preload|modulepreload)\"[^>]+href=\"((?:https?:)?//[^\"]+)\"", text)
        assert not loaded, f"{page.relative_to(built_book['html'])} loads {loaded}"


def test_plotly_js_is_shipped_once_in_static(built_book):
    """The basic bundle vendored in static/vendor/, byte for byte; plotly's full bundle is not shipped."""
    from sciatica_course.data import STATIC_DIR
    from sciatica_course.sphinx_ext import PLOTLY_BUNDLE

    shipped = built_book["html"] / "_static" / PLOTLY_BUNDLE
    assert shipped.read_bytes() == (STATIC_DIR / PLOTLY_BUNDLE).read_bytes()
    assert [p.name for p in built_book["html"].rglob("plotly*.js")] == ["plotly-basic.min.js"]
