"""The theme trim's pure helpers (the browser tests check the built pages)."""

from __future__ import annotations

import re
from pathlib import Path

from sciatica_course import theme_trim as tt

# The shape of fontawesome.js: brands, then regular, then solid icon tables.
FAKE_FA = (
    'var p={github:[496,512,[],"f09b","M1 1z"]};d("fab",p);'
    'var p={"file":[384,512,[128459],"f15b","M2 2z"]};d("far",p);'
    'var p={bars:[448,512,["navicon"],"f0c9","M3 3z"],"file":[384,512,[128459],"f15b","M4 4z"],'
    '"circle-half-stroke":[512,512,[],"f042",["M5 5z","M6 6z"]]};d("fas",p)'
)


def test_urls_are_rebased_for_the_bundle_folder():
    css = 'a{background:url(file.png)} b{src:url("../vendor/f.woff2")} c{x:url(data:image/svg+xml,%3Csvg)}'
    out = tt._rebase_urls(css, "_static/basic.css")
    assert 'url("../file.png")' in out
    out = tt._rebase_urls(css, "_static/styles/pydata-sphinx-theme.css")
    assert 'url("file.png")' in out and 'url("../vendor/f.woff2")' in out
    assert "url(data:image/svg+xml,%3Csvg)" in out


def test_icon_css_draws_each_named_icon_with_its_own_width():
    css = tt.icon_css(FAKE_FA, {"bars", "navicon", "github", "circle-half-stroke", "no-such-icon"})
    assert ".fa-bars::before{--sc-icon:" in css and "M3 3z" in css
    assert ".fa-navicon::before{--sc-icon:" in css  # aliases too
    assert "width:0.875em" in css  # 448/512
    assert "M6 6z" in css  # duotone: the second path
    assert "no-such-icon" not in css


def test_icon_css_prefers_solid_icons_like_the_theme():
    css = tt.icon_css(FAKE_FA, {"file"})
    assert "M4 4z" in css and "M2 2z" not in css


def test_theme_icon_names_include_the_header_buttons():
    names = tt.theme_icon_names()
    assert {"bars", "magnifying-glass", "download", "github", "list"} <= names
    assert not names & {"solid", "brands", "lg"}


def test_font_awesome_font_faces_are_removed():
    css = '@font-face{font-family:"Font Awesome 6 Free";src:url(x)} @font-face{font-family:Other;src:url(y)}'
    out = tt._FA_FACE.sub("", css)
    assert "Font Awesome" not in out and "Other" in out


def test_bundle_styles_the_code_toggle_span_labels_as_mystnb_styled_its_p_labels(tmp_path):
    """MyST-NB's own rules (summary>p.collapsed ...) reach the <span> labels theme_trim writes."""
    import myst_nb

    from sciatica_course.theme_trim import TOGGLE_CSS, _bundle_text

    css = Path(myst_nb.__file__).parent / "static" / "mystnb.css"
    (tmp_path / "mystnb.css").write_text(css.read_text(encoding="utf-8"), encoding="utf-8")
    text = _bundle_text(tmp_path, ("mystnb.css",))
    assert "details.hide[open]>summary>.collapsed" in text.replace(" ", "")
    assert "details.hide:not([open])>summary>.expanded" in text.replace(" ", "")
    assert not re.search(r"summary\s*>\s*p\.", text)
    assert text.endswith(TOGGLE_CSS)
