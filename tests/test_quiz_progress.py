"""Progress file (JupyterLab) and the results export (JSON and CSV)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from sciatica_course.quiz import review
from sciatica_course.quiz.progress import CSV_HEADER, ProgressStore, csv_answer, default_path, results_csv
from sciatica_course.quiz.schema import load_bank


@pytest.fixture
def path(tmp_path, monkeypatch):
    p = tmp_path / "progress.json"
    monkeypatch.setenv("SCIATICA_PROGRESS", str(p))
    return p


def test_default_path_honours_the_environment(path):
    assert default_path() == path
    assert ProgressStore().path == path


@pytest.mark.slow  # a second interpreter in a subprocess
def test_record_and_read_back_in_a_new_process(path):
    s = ProgressStore(path)
    s.record("03-anatomy", "aaaaaaaaaaaa", "roots-01", "l4-s3", True, 2)
    s.record("04-causes", "bbbbbbbbbbbb", "cause-02", 90.0, True, 1)
    # A new interpreter (a kernel restart) sees the same records.
    code = (
        "from sciatica_course.quiz.progress import ProgressStore;"
        "s=ProgressStore();import json;"
        "print(json.dumps([s.chapter('03-anatomy','aaaaaaaaaaaa'), s.chapter('04-causes','bbbbbbbbbbbb')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [
        {"roots-01": {"answer": "l4-s3", "correct": True, "attempts": 2,
                      "first": {"answer": "l4-s3", "correct": True}}},
        {"cause-02": {"answer": 90.0, "correct": True, "attempts": 1, "first": {"answer": 90.0, "correct": True}}},
    ]


def test_two_stores_do_not_erase_each_others_chapters(path):
    a, b = ProgressStore(path), ProgressStore(path)
    a.record("03-anatomy", "v1", "q1", "x", False, 1)
    b.record("04-causes", "v2", "c1", "y", True, 1)  # b was created before a wrote
    a.record("03-anatomy", "v1", "q2", "z", True, 1)
    doc = json.loads(path.read_text())
    assert set(doc["chapters"]) == {"03-anatomy", "04-causes"}
    assert set(doc["chapters"]["03-anatomy"]["answers"]) == {"q1", "q2"}


def test_changed_bank_starts_that_chapter_afresh_and_says_so(path):
    s = ProgressStore(path)
    s.record("03-anatomy", "old", "q1", "x", True, 1)
    assert s.chapter("03-anatomy", "new") == {}
    assert "have changed" in s.notices[-1]
    assert s.chapter("03-anatomy", "old") != {}  # kept until answered again


def test_reset_forgets_one_chapter_only(path):
    s = ProgressStore(path)
    s.record("03-anatomy", "v", "q1", "x", True, 1)
    s.record("04-causes", "w", "c1", "y", True, 1)
    s.reset("03-anatomy")
    assert s.chapter("03-anatomy") == {} and s.chapter("04-causes") != {}


@pytest.mark.parametrize(
    "content,reason",
    [
        ("{not json", "is not a readable progress file"),
        ('{"format": "sciatica-course-progress", "version": 1, "chapters": ', "is not a readable progress file"),
        (b"\xff\xfe\x00garbage", "is not a readable progress file"),
        ('{"nbformat": 4, "cells": []}', "is not a sciatica-course progress file"),
        ('[1, 2, 3]', "is not a sciatica-course progress file"),
        ('{"format": "sciatica-course-progress", "version": 99, "chapters": {}}',
         "has progress format version 99, not 1"),
    ],
)
def test_corrupt_or_foreign_file_is_reported_and_set_aside(path, content, reason):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    original = path.read_bytes()
    s = ProgressStore(path)
    assert s.chapter("03-anatomy") == {}  # no exception
    assert len(s.notices) == 1 and reason in s.notices[0] and ".corrupt-" in s.notices[0]
    aside = list(path.parent.glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == original  # nothing lost
    assert not path.exists()
    # The quiz carries on: the next answer starts a fresh, valid file.
    s.record("03-anatomy", "v", "q1", "x", True, 1)
    assert json.loads(path.read_text())["format"] == "sciatica-course-progress"


def test_one_damaged_chapter_is_dropped_and_the_others_kept(path):
    doc = {
        "format": "sciatica-course-progress", "version": 1, "learner": "Ana",
        "chapters": {
            "03-anatomy": {"bank": "v", "answers": {"q1": {"answer": "x", "correct": "yes", "attempts": 1}}},
            "04-causes": {"bank": "w", "answers": {"c1": {"answer": "B", "correct": True, "attempts": 2}}},
            "05-how-massage-might-help": "garbage",
        },
    }
    path.write_text(json.dumps(doc))
    s = ProgressStore(path)
    assert s.chapter("04-causes", "w") == {"c1": {"answer": "B", "correct": True, "attempts": 2}}
    assert s.chapter("03-anatomy") == {}
    assert "03-anatomy, 05-how-massage-might-help" in s.notices[0] and "other chapters kept" in s.notices[0]
    # The whole original was copied aside before anything was dropped.
    aside = list(path.parent.glob("progress.json.corrupt-*"))
    assert aside and json.loads(aside[0].read_text()) == doc
    # The next save writes the good chapters back, still without the bad ones.
    s.record("06-evidence", "z", "e1", "a", False, 1)
    kept = json.loads(path.read_text())["chapters"]
    assert set(kept) == {"04-causes", "06-evidence"}


def test_a_damaged_chapter_is_set_aside_once_not_at_every_read(path):
    """Opening a quiz reads the file more than once; the damage is copied aside and reported once."""
    doc = {
        "format": "sciatica-course-progress", "version": 1, "learner": "Ana",
        "chapters": {
            "04-causes": {"bank": "w", "answers": {"c1": {"answer": "B", "correct": True, "attempts": 2}}},
            "05-how-massage-might-help": "garbage",
        },
    }
    path.write_text(json.dumps(doc))
    s = ProgressStore(path)
    for _ in range(3):
        assert s.chapter("04-causes", "w") == {"c1": {"answer": "B", "correct": True, "attempts": 2}}
    assert len(list(path.parent.glob("progress.json.corrupt-*"))) == 1
    assert len(s.notices) == 1
    assert ProgressStore(path).chapter("04-causes", "w")  # a new session finds the cleaned file
    assert set(json.loads(path.read_text())["chapters"]) == {"04-causes"}


def test_set_aside_names_do_not_collide(path):
    for _ in range(3):
        path.write_text("garbage")
        ProgressStore(path).read()
    assert len(list(path.parent.glob("progress.json.corrupt-*"))) == 3


def test_export_json_format(path):
    s = ProgressStore(path)
    bank = load_bank("03-anatomy")
    s.learner = "Ana"
    s.record("03-anatomy", bank.version, "roots-01", "l4-s3", True, 1)
    s.record("03-anatomy", bank.version, "variant-01", 15.0, False, 3)
    s.record("03-anatomy", bank.version, "reflex-01", {"L4": "Knee reflex (quadriceps)"}, False, 1)
    out = s.write_json(path.parent / "ana.json")
    res = json.loads(out.read_text())
    assert set(res) == {"format", "version", "learner", "exported", "banks", "chapters"}
    assert (res["format"], res["version"], res["learner"]) == ("sciatica-course-results", 1, "Ana")
    datetime.fromisoformat(res["exported"])  # ISO 8601
    assert res["banks"] == {"03-anatomy": bank.version}
    ch = res["chapters"]["03-anatomy"]
    assert (ch["score"], ch["total"]) == (1, len(bank.questions))
    # A wrong answer carries its card in the review deck (box 1, due the next day).
    tomorrow = (review.today() + timedelta(days=1)).isoformat()
    assert ch["answers"]["variant-01"] == {"answer": 15.0, "correct": False, "attempts": 3,
                                           "review": {"box": 1, "due": tomorrow},
                                           "first": {"answer": 15.0, "correct": False}}
    assert set(ch["answers"]["roots-01"]) == {"answer", "correct", "attempts", "first"}


def test_export_learner_override_and_anonymous(path):
    s = ProgressStore(path)
    s.record("04-causes", "v", "c1", "a", True, 1)
    assert s.export_results()["learner"] == "anonymous"
    assert s.export_results(" Ben ")["learner"] == "Ben"
    assert s.export_results(totals={"04-causes": 6})["chapters"]["04-causes"]["total"] == 6


def test_export_csv_columns_and_values(path):
    s = ProgressStore(path)
    s.record("03-anatomy", "v", "roots-01", "l4-s3", True, 1)
    s.record("03-anatomy", "v", "path-01", ["roots", "foramen"], False, 2)
    s.record("03-anatomy", "v", "size-01", True, True, 1)
    s.record("03-anatomy", "v", "odd-01", "1", False, 1, "high")
    text = s.write_csv(path.parent / "x.csv", learner="Dana, B.").read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_HEADER == ["learner", "chapter", "question_id", "answer", "correct", "attempts", "confidence",
                                     "first_answer", "first_correct"]
    by_q = {r[2]: r for r in rows[1:]}
    assert by_q["roots-01"] == ["Dana, B.", "03-anatomy", "roots-01", "l4-s3", "true", "1", "", "l4-s3", "true"]
    assert by_q["path-01"][3:] == ['["roots", "foramen"]', "false", "2", "", '["roots", "foramen"]', "false"]
    assert by_q["odd-01"][6] == "high"
    assert by_q["size-01"][3] == "true"
    assert json.loads(by_q["odd-01"][3]) == "1"  # text that looks like JSON stays text


def test_csv_answer_round_trip():
    for value in ["l5", "1", "true", 16.9, True, ["a", "b"], {"L4": "knee"}, 'say "hi"']:
        cell = csv_answer(value)
        try:
            back = json.loads(cell)
        except ValueError:
            back = cell
        assert back == value, (value, cell)


def test_class_report_reads_the_quiz_export(path, tmp_path):
    """The classroom report accepts exactly what the quiz writes (JSON and CSV)."""
    from sciatica_course.classroom import report

    s = ProgressStore(path)
    bank = load_bank("03-anatomy")
    s.record("03-anatomy", bank.version, "roots-01", "l4-s3", True, 1)
    s.record("03-anatomy", bank.version, "root-02", "l4", False, 2)
    j = s.write_json(tmp_path / "ana.json", learner="Ana")
    c = s.write_csv(tmp_path / "ben.csv", learner="Ben")
    rep = report.build_report([j, c], report.current_banks())
    assert [p for p in rep.problems if "CSV export has no bank versions" not in p.problem] == []
    by_learner = {s.learner: s for s in rep.learners}
    assert (by_learner["Ana"].score, by_learner["Ana"].total) == (1, len(bank.questions))
    assert (by_learner["Ben"].score, by_learner["Ben"].total) == (1, len(bank.questions))
    stats = {(q.chapter, q.qid): q for q in rep.questions}
    assert (stats[("03-anatomy", "roots-01")].answered, stats[("03-anatomy", "roots-01")].correct) == (2, 2)
    assert (stats[("03-anatomy", "root-02")].answered, stats[("03-anatomy", "root-02")].correct) == (2, 0)


# ----------------------------------------------------------------------------- the first checked answer


def test_first_answer_is_kept_through_later_checks_and_in_the_export(path, tmp_path):
    """Wrong, then right twice: the record keeps the first, wrong answer; JSON and CSV carry it."""
    s = ProgressStore(path)
    bank = load_bank("03-anatomy")
    s.record("03-anatomy", bank.version, "roots-01", "l1-l3", False, 1, "high")
    s.record("03-anatomy", bank.version, "roots-01", "l4-s3", True, 2)
    s.record("03-anatomy", bank.version, "roots-01", "l4-s3", True, 3, "medium")
    s.record("03-anatomy", bank.version, "variant-01", 16.9, True, 1)
    saved = ProgressStore(path).chapter("03-anatomy", bank.version)
    assert saved["roots-01"]["first"] == {"answer": "l1-l3", "correct": False}
    assert (saved["roots-01"]["answer"], saved["roots-01"]["attempts"]) == ("l4-s3", 3)
    assert saved["variant-01"]["first"] == {"answer": 16.9, "correct": True}
    res = json.loads(s.write_json(tmp_path / "ana.json", learner="Ana").read_text())
    assert res["chapters"]["03-anatomy"]["answers"]["roots-01"]["first"] == {"answer": "l1-l3", "correct": False}
    rows = {r["question_id"]: r for r in csv.DictReader(io.StringIO(results_csv(res)))}
    assert (rows["roots-01"]["answer"], rows["roots-01"]["first_answer"], rows["roots-01"]["first_correct"]) == (
        "l4-s3", "l1-l3", "false")
    # A matching answer (a mapping) as the first answer: a JSON cell that reads back.
    s.record("03-anatomy", bank.version, "reflex-01", {"L4": "Ankle reflex (calf muscles)"}, False, 1)
    rows = list(csv.DictReader(io.StringIO(results_csv(s.export_results()))))
    first = next(r for r in rows if r["question_id"] == "reflex-01")["first_answer"]
    assert json.loads(first) == {"L4": "Ankle reflex (calf muscles)"}


def test_reset_forgets_the_first_answer_with_the_chapter(path):
    s = ProgressStore(path)
    s.record("04-causes", "v", "c1", "a", False, 1)
    s.reset("04-causes")
    s.record("04-causes", "v", "c1", "b", True, 1)
    assert s.chapter("04-causes")["c1"]["first"] == {"answer": "b", "correct": True}


def old_doc(answers: dict) -> dict:
    return {"format": "sciatica-course-progress", "version": 1, "learner": "Ana",
            "chapters": {"04-causes": {"bank": "w", "answers": answers}}}


def test_old_records_without_the_first_answer_still_load(path):
    """Written before the field existed: they read without a notice; the first answer is unknown,
    except for an answer checked once (it was the first) once it is checked again."""
    answers = {"c1": {"answer": "B", "correct": True, "attempts": 3},
               "c2": {"answer": "A", "correct": False, "attempts": 1}}
    path.write_text(json.dumps(old_doc(answers)))
    s = ProgressStore(path)
    assert s.chapter("04-causes", "w") == answers and s.notices == []
    assert not list(path.parent.glob("progress.json.corrupt-*"))
    s.record("04-causes", "w", "c1", "B", True, 4)
    s.record("04-causes", "w", "c2", "B", True, 2)
    saved = s.chapter("04-causes", "w")
    assert "first" not in saved["c1"]  # three checks before: the first is not known, never guessed
    assert saved["c2"]["first"] == {"answer": "A", "correct": False}  # its one check was the first
    rows = list(csv.reader(io.StringIO(results_csv(s.export_results()))))
    assert rows[1][-2:] == ["", ""] and rows[2][-2:] == ["A", "false"]


@pytest.mark.parametrize("damaged", [
    "l1-l3", {"answer": "A"}, {"answer": "A", "correct": "no"}, {"answer": "A", "correct": False, "extra": 1}, [],
])
def test_a_damaged_first_answer_is_set_aside_and_the_answer_kept(path, damaged):
    answers = {"c1": {"answer": "B", "correct": True, "attempts": 2, "first": damaged},
               "c2": {"answer": "A", "correct": False, "attempts": 1, "first": {"answer": "A", "correct": False}}}
    doc = old_doc(answers)
    path.write_text(json.dumps(doc))
    s = ProgressStore(path)
    saved = s.chapter("04-causes", "w")
    # Only the damaged field is dropped: the answer, its score and the other answers are kept.
    assert saved == {"c1": {"answer": "B", "correct": True, "attempts": 2}, "c2": answers["c2"]}
    assert len(s.notices) == 1 and "first answer" in s.notices[0] and "04-causes: c1" in s.notices[0]
    aside = list(path.parent.glob("progress.json.corrupt-*"))
    assert len(aside) == 1 and json.loads(aside[0].read_text()) == doc  # the whole file, copied first
    assert ProgressStore(path).chapter("04-causes", "w") == saved  # cleaned once, not at every read
    assert len(list(path.parent.glob("progress.json.corrupt-*"))) == 1
    s.record("04-causes", "w", "c1", "B", True, 3)
    assert "first" not in s.chapter("04-causes", "w")["c1"]  # unknown from now on, never made up
