"""The study dataset: one schema-validated loader over ``data/studies/*.yaml``.

Every number the course plots lives in exactly one record here, with its citation key, design,
population, n per arm, outcome, scale and direction, time point, value, certainty, verification
status and a locator (where it was read). Figures ask this module for values; they never hold
numbers of their own.

A file looks like::

    study:            # defaults shared by every record of the file (a record may override them)
      key: cherkin2011
      design: randomised controlled trial
      ...
    records:
      - id: rdq-relaxation-10wk
        outcome: Roland Disability Questionnaire
        value: {kind: difference, measure: adjusted mean difference, estimate: -2.9, ci: [-4.0, -1.8]}
        ...

Rules (each broken rule is a CourseDataError ``<file>: record <id>: <field>: <problem>``):

- the citation key must be in ``book/references.bib``;
- every record needs a locator (where the value was read: abstract, table, page, URL);
- n values are positive whole numbers, or the words ``not reported``;
- a 95% CI (or a range) must contain its estimate and run from low to high;
- verification is ``VERIFIED``, ``primary-checked`` or ``PARTLY VERIFIED``; NOT VERIFIED values
  are not stored at all, and only VERIFIED / primary-checked records may have ``plot: true``;
- numeric records name their outcome, scale, direction and time point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import data
from .errors import CourseDataError

PLOTTABLE = ("VERIFIED", "primary-checked")
Verification = Literal["VERIFIED", "primary-checked", "PARTLY VERIFIED"]
Direction = Literal["lower is better", "higher is better", "not applicable"]
NOT_REPORTED = "not reported"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Locator(_Strict):
    """Where the value was read."""

    where: str = Field(min_length=3)  # e.g. "abstract", "Summary of findings table 2"
    url: str = Field(min_length=8)
    note: str | None = None


class MeanSD(_Strict):
    kind: Literal["mean_sd"]
    mean: float
    sd: float | None = None  # None: the source gives no SD


class Difference(_Strict):
    kind: Literal["difference"]
    measure: Literal["adjusted mean difference", "mean difference", "SMD"]
    estimate: float
    ci: tuple[float, float]  # 95% confidence interval


class Percent(_Strict):
    kind: Literal["percent"]
    value: float
    ci: tuple[float, float] | None = None
    derived: str | None = None  # arithmetic the course did (never a reported number)


class PercentChange(_Strict):
    kind: Literal["percent_change"]
    value: float  # signed: -31 means a 31% decrease


class Range(_Strict):
    kind: Literal["range"]
    low: float
    high: float
    unit: str


class Number(_Strict):
    kind: Literal["number"]
    value: float
    unit: str


class Statement(_Strict):
    kind: Literal["statement"]
    text: str = Field(min_length=10)


class Recommendation(_Strict):
    kind: Literal["recommendation"]
    guideline: str
    scope: str  # which patients the recommendation covers
    stance: Literal["recommended", "may be offered", "consider, with conditions", "not named", "do not use"]
    says: str = Field(min_length=10)  # the course's own words
    conditions: str
    strength: str  # grade / certainty as the guideline states it


class RootSigns(_Strict):
    kind: Literal["root_signs"]
    root: Literal["L4", "L5", "S1"]
    reflex: str
    sensory: str
    motor: str


Value = Annotated[
    Union[MeanSD, Difference, Percent, PercentChange, Range, Number, Statement, Recommendation, RootSigns],
    Field(discriminator="kind"),
]
NUMERIC_KINDS = {"mean_sd", "difference", "percent", "percent_change", "range", "number"}


class Record(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    key: str
    short_cite: str = Field(min_length=5)  # plain-text citation, e.g. "Cherkin et al. 2011, Ann Intern Med"
    design: str
    population: str
    n: dict[str, int | Literal["not reported"]] | None = None
    intervention: str | None = None
    comparator: str | None = None
    arm: str | None = None  # which arm a per-arm value belongs to
    outcome: str | None = None
    scale: str | None = None
    direction: Direction | None = None
    timepoint: str | None = None
    value: Value
    certainty: str | None = None
    verification: Verification
    plot: bool = False
    locator: Locator
    note: str | None = None

    @property
    def uid(self) -> str:
        return f"{self.key}/{self.id}"

    @property
    def plottable(self) -> bool:
        return self.verification in PLOTTABLE


def _field_path(loc: tuple) -> str:
    parts = [str(p) for p in loc if not (isinstance(p, str) and p in _KIND_TAGS)]
    return ".".join(parts) or "record"


_KIND_TAGS = {"mean_sd", "difference", "percent", "percent_change", "range", "number", "statement",
              "recommendation", "root_signs"}


def _problem(err: dict) -> str:
    if err["type"] == "missing":
        return "is missing"
    if err["type"] == "extra_forbidden":
        return "is not a known field"
    return err["msg"][0].lower() + err["msg"][1:]


def _check(rec: Record, fail) -> None:
    """Consistency rules a schema alone cannot state."""
    if rec.key not in data.bib_keys():
        fail("key", f"'{rec.key}' is not in book/references.bib")
    for arm, n in (rec.n or {}).items():
        if isinstance(n, int) and n <= 0:
            fail(f"n.{arm}", f"must be a positive number of people (or '{NOT_REPORTED}'), got {n}")
    v = rec.value
    if v.kind in NUMERIC_KINDS:
        for name in ("outcome", "scale", "direction", "timepoint"):
            if getattr(rec, name) is None:
                fail(name, f"is missing (a {v.kind} value needs its {name})")
    numbers = [x for x in v.model_dump().values() if isinstance(x, float)]
    numbers += [x for x in (getattr(v, "ci", None) or ())]
    if any(not math.isfinite(x) for x in numbers):
        fail("value", "contains a number that is not finite")
    ci = getattr(v, "ci", None)
    if ci is not None:
        lo, hi = ci
        est = v.estimate if v.kind == "difference" else v.value
        if lo > hi:
            fail("value.ci", f"runs from {lo} to {hi}: the lower limit must come first")
        if not lo <= est <= hi:
            fail("value.ci", f"95% CI {lo} to {hi} does not contain the estimate {est}")
    if v.kind == "range" and v.low > v.high:
        fail("value", f"range runs from {v.low} to {v.high}: low must not exceed high")
    if v.kind == "mean_sd" and v.sd is not None and v.sd < 0:
        fail("value.sd", f"a standard deviation cannot be negative, got {v.sd}")
    if v.kind == "percent" and not 0 <= v.value <= 100:
        fail("value.value", f"a percentage must lie between 0 and 100, got {v.value}")
    if rec.plot and not rec.plottable:
        fail("verification",
             f"{rec.verification} values cannot be plotted (plot: true needs VERIFIED or primary-checked)")


def load_file(path: Path) -> list[Record]:
    """Validate one study file and return its records."""
    raw = data.read_yaml(path)
    name = path.name
    if not isinstance(raw, dict) or not isinstance(raw.get("records"), list) or not raw["records"]:
        raise CourseDataError(name, None, "records", "must be a non-empty list of records")
    extra = set(raw) - {"study", "records"}
    if extra:
        raise CourseDataError(name, None, sorted(extra)[0],
                              "is not a known top-level section (use study: and records:)")
    defaults = raw.get("study") or {}
    if not isinstance(defaults, dict):
        raise CourseDataError(name, None, "study", "must be a mapping of shared fields")
    out: list[Record] = []
    seen: set[str] = set()
    for i, item in enumerate(raw["records"], start=1):
        if not isinstance(item, dict):
            raise CourseDataError(name, f"record #{i}", None, "must be a mapping")
        rid = str(item.get("id") or f"#{i}")
        item_name = f"record {rid}"

        def fail(field_name: str, problem: str, _n=item_name) -> None:
            raise CourseDataError(name, _n, field_name, problem)

        if rid in seen:
            fail("id", "is used twice in this file")
        seen.add(rid)
        merged = {**defaults, **item}
        if "locator" in item and "locator" in defaults and isinstance(item["locator"], dict):
            merged["locator"] = {**defaults["locator"], **item["locator"]}
        if str(merged.get("verification", "")).upper() == "NOT VERIFIED":
            fail("verification", "NOT VERIFIED values are never used: leave them out of the data")
        try:
            rec, err = Record.model_validate(merged), None
        except ValidationError as exc:
            # A misspelt field shows up both as unknown and as missing: report the misspelling.
            errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
            rec, err = None, errors[0]
        if err is not None:
            fail(_field_path(err["loc"]), _problem(err))
        _check(rec, fail)
        out.append(rec)
    return out


@dataclass(frozen=True)
class Dataset:
    records: dict[str, Record]  # by uid "<key>/<id>"

    def get(self, key: str, rid: str) -> Record:
        try:
            return self.records[f"{key}/{rid}"]
        except KeyError:
            raise CourseDataError(f"{key}.yaml", f"record {rid}", None, "no such record in the study data") from None

    def plotted(self, key: str, rid: str) -> Record:
        """A record a figure is about to plot: it must be VERIFIED or primary-checked."""
        rec = self.get(key, rid)
        if not rec.plottable:
            raise CourseDataError(f"{key}.yaml", f"record {rid}", "verification",
                                  f"{rec.verification} values cannot be plotted")
        return rec

    def by_key(self, key: str) -> list[Record]:
        return [r for r in self.records.values() if r.key == key]

    def __iter__(self):
        return iter(self.records.values())

    def __len__(self):
        return len(self.records)


@lru_cache(maxsize=8)
def _load(directory: Path, stamp: tuple) -> Dataset:
    records: dict[str, Record] = {}
    for path in sorted(directory.glob("*.yaml")):
        for rec in load_file(path):
            if rec.uid in records:
                raise CourseDataError(path.name, f"record {rec.id}", "id",
                                      f"'{rec.uid}' is defined in another file too")
            records[rec.uid] = rec
    if not records:
        raise CourseDataError(directory.name, None, None, "holds no study records")
    return Dataset(records)


def load_all(directory: Path | None = None) -> Dataset:
    """Load and validate every study file (cached until a file or the bibliography changes)."""
    directory = Path(directory or data.STUDIES_DIR)
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.yaml")))
    stamp += (data.BIB_FILE.stat().st_mtime_ns,)
    return _load(directory, stamp)
