"""Every internal link and anchor of the built book resolves, offline (issue 15).

Each page's links to other pages of the book, to its own sections and to the files it loads
(scripts, stylesheets, images, icons) must point at a file of the build, and a link with
``#anchor`` at an element with that id in the target page. Links to other sites are not followed
here (no network): `make linkcheck` checks them on a machine that has one.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.slow


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append((tag, a["href"]))
        elif tag in {"script", "img", "iframe", "source"} and a.get("src"):
            self.links.append((tag, a["src"]))
        elif tag == "link" and a.get("href"):
            self.links.append((tag, a["href"]))


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_internal_link_and_anchor_resolves(built_book):
    html: Path = built_book["html"]
    # The theme copies two Jinja macro files into _static/ (webpack-macros.html): templates, not pages.
    pages = {p: _parse(p) for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts}
    assert len(pages) >= 15
    broken, checked = [], 0
    for page, parsed in pages.items():
        for tag, url in parsed.links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:", "data:")):
                continue  # another site, or not a file: not followed offline
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
            else:
                target = page.resolve()
            checked += 1
            where = f"{page.relative_to(html)}: <{tag}> {url}"
            if not target.is_file():
                broken.append(f"{where}: no such file")
                continue
            frag = unquote(parts.fragment)
            if frag and tag == "a" and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if frag not in ids:
                    broken.append(f"{where}: no element with id {frag!r}")
    assert checked > 500, checked
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:40])
