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
    """Static check of every page (the browser tests check the live requests too): no script,
    stylesheet, preload, icon, image, frame or media comes from another host, whatever the order of
    its attributes. Plain links (<a href>) to other sites are fine: they load nothing."""
    from html.parser import HTMLParser

    remote = re.compile(r"^(?:https?:)?//")
    loads_with = {"script": "src", "img": "src", "iframe": "src", "audio": "src", "video": "src",
                  "source": "src", "embed": "src", "object": "data"}
    # <link> relations that make the browser fetch something
    fetching_rels = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "shortcut",
                     "apple-touch-icon", "manifest", "preconnect", "dns-prefetch"}

    class Loads(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            url = a.get(loads_with.get(tag, ""), "") or ""
            if tag == "link" and fetching_rels & set((a.get("rel") or "").lower().split()):
                url = a.get("href", "") or ""
            if remote.match(url):
                self.found.append(f"<{tag}> {url}")

    pages = list(built_book["html"].rglob("*.html"))
    assert len(pages) >= 15
    for page in pages:
        parser = Loads()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not parser.found, f"{page.relative_to(built_book['html'])} loads {parser.found}"


def test_plotly_js_is_shipped_once_in_static(built_book):
    """The basic bundle vendored in static/vendor/, byte for byte; plotly's full bundle is not shipped."""
    from sciatica_course.data import STATIC_DIR
    from sciatica_course.sphinx_ext import PLOTLY_BUNDLE

    shipped = built_book["html"] / "_static" / PLOTLY_BUNDLE
    assert shipped.read_bytes() == (STATIC_DIR / PLOTLY_BUNDLE).read_bytes()
    assert [p.name for p in built_book["html"].rglob("plotly*.js")] == ["plotly-basic.min.js"]


def _pages(html):
    return sorted(p for p in html.rglob("*.html") if not {"_static", "_sources"} & set(p.relative_to(html).parts))


def test_every_page_has_a_description_of_its_own(built_book):
    """Search results and link previews show it (Lighthouse SEO: meta description)."""
    html = built_book["html"]
    seen: dict[str, str] = {}
    for page in _pages(html):
        name = str(page.relative_to(html))
        found = re.findall(r'<meta name="description" content="([^"]*)"', page.read_text(encoding="utf-8"))
        assert len(found) == 1, f"{name}: {len(found)} descriptions"
        assert len(found[0].strip()) >= 20, f"{name}: description {found[0]!r} is too short"
        assert found[0] not in seen, f"{name} has the same description as {seen.get(found[0])}"
        seen[found[0]] = name
    # A chapter is described by its own question (course.CHAPTERS), not by a generic line.
    from sciatica_course.course import CHAPTERS

    for ch in CHAPTERS:
        text = (html / "notebooks" / f"{ch.stem}.html").read_text(encoding="utf-8")
        assert re.search(r'<meta name="description" content="[^"]*' + re.escape(ch.question.replace("'", "&#39;")),
                         text), ch.stem


def test_favicon_is_shipped_and_linked(built_book):
    """Browsers ask for an icon on every page; without one they log a 404 (Lighthouse best practices)."""
    html = built_book["html"]
    for page in _pages(html):
        if page == html / "index.html":
            continue  # the start page only sends the reader on to the home page
        links = re.findall(r'<link rel="icon" href="([^"]+)"', page.read_text(encoding="utf-8"))
        assert len(links) == 1, f"{page.relative_to(html)}: {links}"
        icon = (page.parent / links[0]).resolve()
        assert icon.is_file() and icon.stat().st_size > 100, f"{page.relative_to(html)}: {links[0]} is not shipped"
        assert icon.read_bytes().startswith(b"<svg"), icon


def test_no_page_carries_widget_state(built_book):
    """The book shows quizzes from their HTML form; ipywidgets state (about 120 KB a chapter) is never used."""
    for page in _pages(built_book["html"]):
        assert "widget-state+json" not in page.read_text(encoding="utf-8"), page.name


def test_the_start_page_is_a_valid_redirect_to_the_home_page(built_book):
    text = (built_book["html"] / "index.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>" in text
    assert '<meta http-equiv="refresh" content="0; url=book/index.html">' in text
    assert '<a href="book/index.html">' in text


def test_descriptions_are_whole_sentences_within_160_characters():
    from sciatica_course.sphinx_ext import DESCRIPTION_MAX, _shorten

    long = "First sentence is short. " + "Second one goes on and on " * 8 + "until it ends."
    assert _shorten(long) == "First sentence is short."
    words = "word " * 60
    cut = _shorten(words)
    assert len(cut) <= DESCRIPTION_MAX and cut.endswith("word\u2026")
    assert _shorten("Where does the nerve run?  And\nwhy?") == "Where does the nerve run? And why?"


def test_figures_keep_plotlys_mimetype_and_the_book_shows_their_html_form(built_book):
    """A figure's output carries plotly's own mimetype (JupyterLab draws it) next to text/html; the
    book shows the text/html form, and MyST-NB skips the other without a warning (_config.yml:
    suppress_warnings; test_book_builds_without_warnings checks there is none)."""
    import json

    from sciatica_course.display import PLOTLY_MIME

    executed = built_book["html"].parent / "jupyter_execute" / "notebooks" / "02-what-is-sciatica.ipynb"
    outputs = [o for c in json.loads(executed.read_text(encoding="utf-8"))["cells"] for o in c.get("outputs", [])]
    figures = [o["data"] for o in outputs if 'class="sc-figure"' in "".join(o.get("data", {}).get("text/html", ""))]
    assert figures and all(PLOTLY_MIME in d for d in figures), [sorted(d) for d in figures]
    page = (built_book["html"] / "notebooks" / "02-what-is-sciatica.html").read_text(encoding="utf-8")
    assert page.count('<figure class="sc-figure"') == len(figures)
