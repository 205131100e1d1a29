"""The book ships plotly's basic bundle (static/vendor/): it must be the same plotly.js version as the
one inside the pinned plotly Python package, and every course figure must use only its trace types."""

from __future__ import annotations

import re
from pathlib import Path

import plotly
import pytest

from sciatica_course import figures
from sciatica_course.data import STATIC_DIR
from sciatica_course.sphinx_ext import PLOTLY_BUNDLE

BUNDLE = STATIC_DIR / PLOTLY_BUNDLE
FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
BASIC_TRACE_TYPES = {"scatter", "bar", "pie"}  # plotly.js lib/index-basic.js


def header_version(path: Path, pattern: str) -> str:
    head = path.read_text(encoding="utf-8", errors="replace")[:400]
    m = re.search(pattern, head)
    assert m, f"{path.name}: no plotly.js version in its licence header: {head[:120]!r}"
    return m.group(1)


def test_vendored_bundle_is_the_basic_build_of_the_pinned_plotly_js():
    basic = header_version(BUNDLE, r"\* plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)\b")
    full = header_version(FULL, r"\* plotly\.js v(\d+\.\d+\.\d+)\b")
    assert basic == full, (f"{BUNDLE} is plotly.js {basic}, the plotly package ships plotly.js {full}: "
                           "update the vendored bundle (see its README.md)")
    assert "Licensed under the MIT license" in BUNDLE.read_text(encoding="utf-8")[:400]


def test_the_page_script_loads_the_vendored_bundle():
    js = (STATIC_DIR / "sciatica-figures.js").read_text(encoding="utf-8")
    assert f'base + "{PLOTLY_BUNDLE}"' in js
    assert "plotly.min.js" not in js


@pytest.mark.parametrize("make", figures.ALL_FIGURES, ids=lambda f: f.__name__)
def test_every_figure_uses_only_trace_types_the_basic_bundle_has(make):
    fig = make().fig
    types = {t.type for t in fig.data}
    for frame in fig.frames or ():
        types |= {t.type for t in frame.data}
    assert types and types <= BASIC_TRACE_TYPES, f"{make.__name__} uses {sorted(types - BASIC_TRACE_TYPES)}"
