"""The study dataset: every record validates, every key resolves, every verified number is pinned,
and bad records fail with one line naming the file, the record and the field."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
import yaml

from sciatica_course import data, evidence
from sciatica_course.errors import CourseDataError
from sciatica_course.sphinx_ext import VALIDATORS

EXPECTED = Path(__file__).with_name("expected_values.csv")


@pytest.fixture(scope="module")
def ds() -> evidence.Dataset:
    return evidence.load_all()


def numeric_fields(rec: evidence.Record) -> dict[str, float]:
    """Every number a record holds: its value's fields (CIs split into low/high) and its n per arm."""
    out: dict[str, float] = {}
    for name, x in rec.value.model_dump().items():
        if isinstance(x, bool) or name == "kind":
            continue
        if isinstance(x, (int, float)):
            out[name] = x
        elif isinstance(x, (tuple, list)) and x:
            out[f"{name}_low"], out[f"{name}_high"] = x
    for arm, n in (rec.n or {}).items():
        if isinstance(n, int):
            out[f"n.{arm}"] = n
    return out


def read_expected() -> list[dict]:
    with EXPECTED.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_record_validates_and_its_key_resolves(ds):
    keys = data.bib_keys()
    assert len(ds) >= 50
    for rec in ds:
        assert rec.key in keys, rec.uid
        assert rec.locator.url.startswith("http"), rec.uid
        assert rec.verification in {"VERIFIED", "primary-checked", "PARTLY VERIFIED"}
        if rec.plot:
            assert rec.plottable, rec.uid


def test_every_study_file_is_named_after_its_citation_key():
    for path in sorted(data.STUDIES_DIR.glob("*.yaml")):
        keys = {r.key for r in evidence.load_file(path)}
        assert keys == {path.stem}, path.name


def test_pinned_values_match_the_data(ds):
    rows = read_expected()
    assert len(rows) >= 100
    seen = set()
    for row in rows:
        ident = (row["study"], row["record"], row["quantity"])
        assert ident not in seen, f"pinned twice: {ident}"
        seen.add(ident)
        rec = ds.get(row["study"], row["record"])
        assert rec.plottable, f"{ident}: pinned values must be VERIFIED or primary-checked"
        fields = numeric_fields(rec)
        assert row["quantity"] in fields, f"{ident}: the record has no such quantity"
        assert math.isclose(fields[row["quantity"]], float(row["value"]), abs_tol=1e-9), (
            f"{ident}: data says {fields[row['quantity']]}, expected_values.csv says {row['value']}")


def test_every_plottable_number_is_pinned(ds):
    """A new verified number needs its line in expected_values.csv (CONTRIBUTING: adding a study)."""
    pinned = {(r["study"], r["record"], r["quantity"]) for r in read_expected()}
    missing = [(rec.key, rec.id, q) for rec in ds if rec.plottable for q in numeric_fields(rec)
               if (rec.key, rec.id, q) not in pinned]
    assert not missing, f"not pinned in tests/expected_values.csv: {missing[:5]}"


def test_partly_verified_records_are_stored_but_never_plottable(ds):
    partly = [r for r in ds if r.verification == "PARTLY VERIFIED"]
    assert {r.uid for r in partly} >= {"furlan2015/chronic-pain-inactive-short", "ferreira2023/ui-2020",
                                       "moyer2011/cortisol-summary", "nice2016/rec-1-2-7"}
    for rec in partly:
        assert not rec.plot
        with pytest.raises(CourseDataError) as err:
            ds.plotted(rec.key, rec.id)
        assert str(err.value) == (f"{rec.key}.yaml: record {rec.id}: verification: "
                                  "PARTLY VERIFIED values cannot be plotted")


def test_unknown_record_names_file_and_record(ds):
    with pytest.raises(CourseDataError, match=r"^cherkin2011\.yaml: record nope: no such record"):
        ds.get("cherkin2011", "nope")


def test_the_book_build_runs_this_validator():
    assert "sciatica_course.evidence:load_all" in VALIDATORS


# ------------------------------------------------------------------------------ bad records
GOOD = {
    "study": {
        "key": "cherkin2011",
        "short_cite": "Cherkin et al. 2011, Ann Intern Med",
        "design": "randomised controlled trial",
        "population": "adults with chronic low back pain",
        "n": {"massage": 10, "usual_care": 11},
        "outcome": "function",
        "scale": "RDQ points",
        "direction": "lower is better",
        "timepoint": "10 weeks",
        "verification": "VERIFIED",
        "plot": True,
        "locator": {"where": "abstract", "url": "https://example.org/abstract"},
    },
    "records": [{"id": "r1", "value": {"kind": "difference", "measure": "mean difference",
                                       "estimate": -2.9, "ci": [-4.0, -1.8]}}],
}


def write(tmp_path: Path, doc, name: str = "bad.yaml") -> Path:
    (tmp_path / name).write_text(yaml.safe_dump(doc, sort_keys=False) if not isinstance(doc, str) else doc)
    return tmp_path


def mutate(study=None, record=None, drop_study=(), drop_record=()):
    import copy

    doc = copy.deepcopy(GOOD)
    doc["study"].update(study or {})
    doc["records"][0].update(record or {})
    for k in drop_study:
        doc["study"].pop(k)
    for k in drop_record:
        doc["records"][0].pop(k)
    return doc


def test_good_record_loads(tmp_path):
    ds = evidence.load_all(write(tmp_path, GOOD))
    rec = ds.plotted("cherkin2011", "r1")
    assert rec.value.estimate == -2.9 and rec.n == {"massage": 10, "usual_care": 11}


BAD = [
    ("ci without its estimate",
     mutate(record={"value": {"kind": "difference", "measure": "SMD", "estimate": -1.0, "ci": [-4.0, -1.8]}}),
     "bad.yaml: record r1: value.ci: 95% CI -4.0 to -1.8 does not contain the estimate -1.0"),
    ("ci the wrong way round",
     mutate(record={"value": {"kind": "difference", "measure": "SMD", "estimate": -2.9, "ci": [-1.8, -4.0]}}),
     "bad.yaml: record r1: value.ci: runs from -1.8 to -4.0: the lower limit must come first"),
    ("n of zero", mutate(study={"n": {"massage": 0, "usual_care": 11}}),
     "bad.yaml: record r1: n.massage: must be a positive number of people (or 'not reported'), got 0"),
    ("unknown citation key", mutate(study={"key": "nobody2099"}),
     "bad.yaml: record r1: key: 'nobody2099' is not in book/references.bib"),
    ("missing locator", mutate(drop_study=("locator",)), "bad.yaml: record r1: locator: is missing"),
    ("locator without url", mutate(study={"locator": {"where": "abstract"}}),
     "bad.yaml: record r1: locator.url: is missing"),
    ("partly verified and plotted", mutate(study={"verification": "PARTLY VERIFIED"}),
     "bad.yaml: record r1: verification: PARTLY VERIFIED values cannot be plotted "
     "(plot: true needs VERIFIED or primary-checked)"),
    ("not verified at all", mutate(study={"verification": "NOT VERIFIED", "plot": False}),
     "bad.yaml: record r1: verification: NOT VERIFIED values are never used: leave them out of the data"),
    ("misspelt field", mutate(record={"direction": None, "dirction": "lower is better"}),
     "bad.yaml: record r1: dirction: is not a known field"),
    ("numeric value without direction", mutate(drop_study=("direction",)),
     "bad.yaml: record r1: direction: is missing (a difference value needs its direction)"),
    ("unknown direction", mutate(study={"direction": "smaller"}),
     "bad.yaml: record r1: direction: input should be 'lower is better', 'higher is better' or 'not applicable'"),
    ("percentage above 100", mutate(record={"value": {"kind": "percent", "value": 116}}),
     "bad.yaml: record r1: value.value: a percentage must lie between 0 and 100, got 116.0"),
    ("negative SD", mutate(record={"value": {"kind": "mean_sd", "mean": 9.8, "sd": -5.1}}),
     "bad.yaml: record r1: value.sd: a standard deviation cannot be negative, got -5.1"),
    ("unknown value kind", mutate(record={"value": {"kind": "odds", "value": 2}}),
     "bad.yaml: record r1: value: input tag 'odds' found using 'kind' does not match any of the expected tags: "
     "'mean_sd', 'difference', 'percent', 'percent_change', 'range', 'number', 'statement', 'recommendation', "
     "'root_signs'"),
    ("estimate that is not a number",
     mutate(record={"value": {"kind": "difference", "measure": "SMD", "estimate": "big", "ci": [-4.0, -1.8]}}),
     "bad.yaml: record r1: value.estimate: input should be a valid number, unable to parse string as a number"),
    ("duplicate id", {**GOOD, "records": GOOD["records"] * 2}, "bad.yaml: record r1: id: is used twice in this file"),
    ("no records", {"study": GOOD["study"], "records": []},
     "bad.yaml: records: must be a non-empty list of records"),
    ("broken YAML", "study: {key: [\n",
     "bad.yaml: line 2: is not valid YAML (expected the node content, but found '<stream end>')"),
]


@pytest.mark.parametrize("doc,message", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_record_fails_with_one_line_naming_file_record_and_field(tmp_path, doc, message):
    with pytest.raises(CourseDataError) as err:
        evidence.load_all(write(tmp_path, doc))
    assert str(err.value) == message
    # No chained traceback: the message alone tells the author what to fix.
    assert err.value.__cause__ is None and (err.value.__context__ is None or err.value.__suppress_context__)


def test_an_id_defined_in_two_files_fails(tmp_path):
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(CourseDataError,
                       match=r"^b\.yaml: record r1: id: 'cherkin2011/r1' is defined in another file too$"):
        evidence.load_all(tmp_path)


def test_the_loader_notices_an_edited_file(tmp_path):
    write(tmp_path, GOOD)
    assert evidence.load_all(tmp_path).get("cherkin2011", "r1").value.estimate == -2.9
    bad = mutate(study={"n": {"massage": 0}})
    import os
    import time

    write(tmp_path, bad)
    later = time.time() + 5
    os.utime(tmp_path / "bad.yaml", (later, later))
    with pytest.raises(CourseDataError, match="n.massage"):
        evidence.load_all(tmp_path)


# The evidence sheet records no DOI, PMID or address of the publication for this one; it is cited
# as the sheet gives it (journal, volume, pages) rather than with an identifier from memory.
# (bernstein2017's DOI, 10.1136/bmj.i6748, was read on the BMJ article page itself.)
NO_IDENTIFIER_IN_EVIDENCE_SHEET = {"ferreira2023"}


def test_every_cited_study_can_be_found_from_its_bib_entry(ds):
    import pybtex.database

    bib = pybtex.database.parse_file(str(data.BIB_FILE))
    for key in sorted({r.key for r in ds} - NO_IDENTIFIER_IN_EVIDENCE_SHEET):
        fields = bib.entries[key].fields
        found = "doi" in fields or "url" in fields or "PMID" in fields.get("note", "")
        assert found, f"{key}: references.bib gives no DOI, PMID or URL"
    for key in NO_IDENTIFIER_IN_EVIDENCE_SHEET:  # if one is added later, drop it from the list above
        assert not {"doi", "url"} & set(bib.entries[key].fields), key


def test_every_evidence_sheet_reference_resolves_inside_the_repository():
    """Study files, code and tests cite "evidence sheet section N": the sheet is in the repository
    (docs/evidence-sheet.md) and has each section cited, so no reference points outside it."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    sheet = (root / "docs" / "evidence-sheet.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^#{2,3} (\d+[a-z]?)\.", sheet, re.MULTILINE))
    assert {"1", "9", "11a", "14a", "14b", "15"} <= sections
    cited = []
    files = [*root.glob("sciatica_course/**/*.py"), *root.glob("sciatica_course/data/**/*.yaml"),
             *root.glob("tests/*.py"), *root.glob("book/**/*.md"), root / "CONTRIBUTING.md"]
    ref = re.compile(r"evidence sheet(?:'s)?(?: sections?)? ((?:\d+[a-d]?)(?:(?:, | and )\d+[a-d]?)*)", re.IGNORECASE)
    for f in files:
        for m in ref.finditer(f.read_text(encoding="utf-8")):
            for sec in re.split(r", | and ", m.group(1)):
                cited.append((f.relative_to(root).as_posix(), sec))
                whole = sec.rstrip("abcd")
                assert sec in sections or whole in sections, (
                    f"{f.name} cites evidence sheet section {sec}, not in docs/evidence-sheet.md")
    assert len(cited) >= 30
    assert "../shared" not in (root / "CONTRIBUTING.md").read_text(encoding="utf-8")
