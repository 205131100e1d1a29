"""Clinical points that chapters 2 to 4 must keep, each with its citation (issues 10 and 11).

Each check finds the paragraph (or list item) that makes a point and asserts that the same
paragraph cites the source the point was read in, so a later edit cannot keep the claim and drop
its source, or drop the claim without a test noticing.
"""

from __future__ import annotations

import re

import pytest

from test_content import cite_keys, markdown_of, normalise


def paragraphs(stem: str) -> list[str]:
    """The chapter's markdown split into paragraphs and list items."""
    out = []
    for block in re.split(r"\n\s*\n", markdown_of(stem)):
        items = re.split(r"\n(?=\s*[-*] )", block)
        out.extend(items)
    return out


def cited_where(stem: str, pattern: str) -> set[str]:
    """Cite keys of every paragraph whose text matches ``pattern`` (case-insensitive)."""
    hits = [p for p in paragraphs(stem) if re.search(pattern, normalise(p))]
    assert hits, f"{stem}: no paragraph matches {pattern!r}"
    return {k for p in hits for k in cite_keys(p)}


# (chapter, what the point says (regex on normalised text), a key that must be cited with it)
POINTS = [
    ("02-what-is-sciatica", r"stabbing, burning or shooting", "nhswales_sciatica"),
    ("02-what-is-sciatica", r"worse when .*moves, sneezes or coughs", "nhswales_sciatica"),
    ("02-what-is-sciatica", r"worse on sitting.*coughing, sneezing or straining", "vroomen2002"),
    ("02-what-is-sciatica", r"straight-leg-raise test\.\*\* you lie on your back", "suri2010"),
    ("02-what-is-sciatica", r"slump test\.\*\*.*sitting down", "msd_radiculopathy"),
    ("02-what-is-sciatica", r"no single test is good enough on its own", "vanderwindt2010"),
    ("02-what-is-sciatica", r"should not routinely offer imaging", "nice2016"),
    ("02-what-is-sciatica", r"non-surgical for about the first 6 to 8 weeks", "koes2007"),
    ("02-what-is-sciatica", r"surgery becomes an option", "jensen2019"),
    ("02-what-is-sciatica", r"no clear difference has been found", "koes2007"),
    ("02-what-is-sciatica", r"pregnancy does not seem to make a disc herniation more likely", "chan2024"),
    ("03-anatomy", r"ends at about the level of the\s+first and second lumbar vertebrae", "statpearls_cord"),
    ("03-anatomy", r"called the cauda equina", "statpearls_cord"),
    ("03-anatomy", r"leaves the spine\s+just below the vertebra with the same number", "neurosurgicalatlas_lumbar"),
    ("03-anatomy", r"curves out above the disc", "radiopaedia_transiting"),
    ("03-anatomy", r"l4/l5 disc herniation most often affects the l5 root", "radiopaedia_transiting"),
    ("03-anatomy", r"l4/l5 disc herniation most often affects the l5 root", "neurosurgicalatlas_lumbar"),
    ("03-anatomy", r"follow the l5 row of the table", "harrison19"),
    ("03-anatomy", r"l5 root is passing on its way down", "radiopaedia_transiting"),
    ("04-causes", r"walking, climbing stairs or even just standing.*neurogenic claudication", "msd_stenosis"),
    ("04-causes", r"standing still does not ease it, but bending forward or sitting down does", "msd_stenosis"),
    ("04-causes", r"spondylolisthesis`? means that a vertebra", "moley2022"),
    ("04-causes", r"no symptoms at all, or pain when walking or standing", "moley2022"),
    ("04-causes", r"slip is most common between l4 and l5", "vokshoor2021"),
    ("04-causes", r"the root most often affected is l5", "vokshoor2021"),
    ("04-causes", r"l4/l5 disc herniation most often affects the l5 root", "radiopaedia_transiting"),
]


@pytest.mark.parametrize("stem,pattern,key", POINTS, ids=[f"{s}:{k}:{p[:30]}" for s, p, k in POINTS])
def test_clinical_point_is_present_and_cited(stem, pattern, key):
    keys = cited_where(stem, pattern)
    assert key in keys, f"{stem}: the point {pattern!r} must cite {key} (cites {sorted(keys)})"


@pytest.mark.parametrize("stem", ["02-what-is-sciatica", "03-anatomy", "04-causes"])
def test_forty_percent_is_near_the_top_of_the_range_not_the_top(stem):
    """40% is near the top of the published 1.2% to 43% range (evidence sheet 7a), not its top."""
    text = normalise(markdown_of(stem))
    wrong = re.findall(r"(?<!near )the top of (?:a|the|that) (?:wide )?range", text)
    assert not wrong, f"{stem}: says 'the top of' the range; 43% is the top, 40% is near it"


def test_myth_box_says_forty_percent_is_near_the_top():
    text = normalise(markdown_of("02-what-is-sciatica"))
    assert "40% is near the top of that range" in text
