"""The class report survives hostile files: each is left out with a message naming it, the other
learners are still reported, and time, memory and output stay bounded.

Every hostile file is made here, under tmp_path (nothing big is committed). Bounds are gross on
purpose (performance targets live in benchmarks): the point is "no 2.7 GB, no 492 MB report".
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sciatica_course.classroom import report as rp

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "results"
GOOD = ["ana.json", "ben.json", "dana.csv"]
MB = 1_000_000


def banks():
    return {
        "03-anatomy": rp.BankInfo("aaaaaaaaaaaa", {"q1": "Question one", "q2": "Question two", "q3": "Question three"}),
        "04-causes": rp.BankInfo("bbbbbbbbbbbb", {"c1": "Cause one", "c2": "Cause two"}),
    }


def export(learner="Zed", exported="2026-11-21T10:00:00Z", answers=None, stem="04-causes", version="bbbbbbbbbbbb"):
    answers = answers if answers is not None else {"c1": {"answer": "B", "correct": True, "attempts": 1}}
    return {"format": rp.FORMAT, "version": 1, "learner": learner, "exported": exported, "banks": {stem: version},
            "chapters": {stem: {"score": sum(a["correct"] for a in answers.values()), "total": 2, "answers": answers}}}


def write_junk_csv(path: Path, size: int, header=True) -> Path:
    """A CSV with the right header and junk rows (every row wrong in a different way), ``size`` bytes."""
    rows = ["x,y", "Ana,03-anatomy,q1,B,maybe,1", "Ana,99-nope,q1,B,true,1", "Ana,03-anatomy,zz,B,true,1",
            '"unterminated,,,,,', "a,b,c,d,e,f,g,h", ",,,,,"]
    chunk = ("\n".join(rows) + "\n").encode()
    with path.open("wb") as fh:
        if header:
            fh.write(b"learner,chapter,question_id,answer,correct,attempts\n")
        n = 0
        while n < size:
            fh.write(chunk)
            n += len(chunk)
    return path


def good_learners(report) -> dict[str, tuple[int, int]]:
    return {s.learner: (s.score, s.total) for s in report.learners}


GOOD_RESULT = {"Ana": (3, 5), "Ben": (3, 5), "Dana": (2, 3)}


def _problems_of(report, name):
    return [p for p in report.problems if Path(p.file).name == name]


# --------------------------------------------------------------------------------------------
# One hostile file at a time, beside good ones


def hostile_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, words its first problem must contain)."""
    files = {}
    deep = tmp / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    files["deep"] = (deep, "nested more than")
    deep2 = tmp / "deep-inside.json"
    doc = json.dumps(export(learner="Deep"))
    deep2.write_text(doc.replace('"answer": "B"', '"answer": ' + "[" * 50_000 + "]" * 50_000))
    files["deep inside an export"] = (deep2, "nested more than")
    big_json = tmp / "big.json"
    big_json.write_text(json.dumps(export(learner="x" * (rp.MAX_FILE_BYTES + 10))))
    files["JSON over the size cap"] = (big_json, "over the 5.0 MB limit")
    many = tmp / "many-answers.json"
    many.write_text(json.dumps(export(learner="Many", answers={f"c{i}": {"answer": "B", "correct": True, "attempts": 1}
                                                               for i in range(rp.MAX_ANSWERS_PER_LEARNER + 1)})))
    files["too many answers for one learner"] = (many, f"over the limit of {rp.MAX_ANSWERS_PER_LEARNER}")
    files["CSV over the size cap"] = (write_junk_csv(tmp / "huge.csv", 50 * MB), "is 50.0 MB, over the 5.0 MB limit")
    binary = tmp / "binary.json"
    binary.write_bytes(bytes(range(256)) * 1000)
    files["binary JSON"] = (binary, "not a text file")
    binary_csv = tmp / "binary.csv"
    binary_csv.write_bytes(b"learner,chapter,question_id,answer,correct,attempts\n" + bytes(range(256)) * 1000)
    files["binary CSV"] = (binary_csv, "not UTF-8")
    nul = tmp / "nul.csv"
    nul.write_bytes(b"learner,chapter,question_id,answer,correct,attempts\nAna,03-anatomy,q1,\0,true,1\n")
    files["NUL in a CSV"] = (nul, "no bank versions")  # read (Python's csv accepts NUL), no crash
    field = tmp / "field.csv"
    field.write_text("learner,chapter,question_id,answer,correct,attempts\nAna,03-anatomy,q1,"
                     + "B" * 200_000 + ",true,1\n")
    files["a field over csv's limit"] = (field, "not valid CSV")
    cut = tmp / "cut.json"
    cut.write_text('{"format": "sciatica-course-results", "learner": "Cut')
    files["cut-off JSON"] = (cut, "Unterminated string starting at line 1, column 50); file left out.")
    device = tmp / "zero.json"
    device.symlink_to("/dev/zero")
    files["a device"] = (device, "is not a regular file")
    return files


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return hostile_files(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("kind", ["deep", "deep inside an export", "JSON over the size cap",
                                  "too many answers for one learner", "CSV over the size cap", "binary JSON",
                                  "binary CSV", "NUL in a CSV", "a field over csv's limit", "cut-off JSON", "a device"])
def test_a_hostile_file_is_named_and_the_others_still_counted(hostile, kind):
    path, words = hostile[kind]
    r = rp.build_report([FIXTURES / n for n in GOOD] + [path], banks())
    assert good_learners(r) == GOOD_RESULT
    mine = _problems_of(r, path.name)
    assert mine, f"{kind}: no problem names {path.name}"
    assert words in str(mine[0]), f"{kind}: {mine[0]}"
    assert all(len(str(p)) < 400 and str(p).rstrip().endswith((".", ")")) for p in r.problems)


def test_problems_listed_per_file_are_capped_then_counted(tmp_path):
    junk = write_junk_csv(tmp_path / "junk.csv", 2 * MB)
    r = rp.build_report([FIXTURES / n for n in GOOD] + [junk], banks())
    assert good_learners(r) == GOOD_RESULT  # junk.csv's rows are all bad: nobody added
    mine = _problems_of(r, "junk.csv")
    assert len(mine) == rp.MAX_PROBLEMS_PER_FILE + 1  # the listed ones, then how many more
    more = mine[-1]
    assert "more problems in this file are not listed (only the first 20 are)." in more.problem
    assert int(more.problem.split()[0]) > 50_000
    kinds = " ".join(p.problem for p in mine)
    for words in ["is not true/false", "is not a chapter of the course", "is not in the current bank", "columns"]:
        assert words in kinds


def test_a_folder_is_read_for_its_json_and_csv_files(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for n in GOOD:
        (folder / n).write_bytes((FIXTURES / n).read_bytes())
    (folder / "notes.txt").write_text("not an export")
    (folder / "sub").mkdir()
    (folder / "sub" / "eve.json").write_text("{}")
    r = rp.build_report([folder], banks())
    assert good_learners(r) == GOOD_RESULT
    assert sorted(Path(f).name for f in r.files) == sorted(GOOD)
    assert not any("no such file" in p.problem for p in r.problems)
    empty = tmp_path / "empty"
    empty.mkdir()
    r = rp.build_report([empty], banks())
    assert [str(p) for p in r.problems] == [f"{empty}: is a folder with no .json or .csv files."]


def test_blank_names_get_labels_by_file_and_are_not_merged(tmp_path):
    answers = [{"c1": {"answer": "B", "correct": True, "attempts": 1}},
               {"c1": {"answer": "A", "correct": False, "attempts": 1}},
               {"c2": {"answer": "B", "correct": True, "attempts": 2}}]
    paths = []
    for i, (name, a) in enumerate(zip(["anonymous", "", " Anonymous "], answers), 1):
        p = tmp_path / f"learner{i}.json"
        p.write_text(json.dumps(export(learner=name, answers=a, exported=f"2026-11-21T10:0{i}:00Z")))
        paths.append(p)
    # a blank name in a CSV too
    (tmp_path / "class.csv").write_text("learner,chapter,question_id,answer,correct,attempts\n,04-causes,c1,B,true,1\n")
    # the same anonymous file handed in twice is one learner
    (tmp_path / "learner1-again.json").write_bytes(paths[0].read_bytes())
    r = rp.build_report(paths + [tmp_path / "class.csv", tmp_path / "learner1-again.json"], banks())
    assert [s.learner for s in r.learners] == ["anonymous (class.csv)", "anonymous (learner1.json)",
                                               "anonymous (learner2.json)", "anonymous (learner3.json)"]
    c1 = next(q for q in r.questions if q.qid == "c1")
    assert (c1.answered, c1.correct) == (3, 2)
    again = _problems_of(r, "learner1-again.json")
    assert len(again) == 1 and "the same export as" in again[0].problem


def test_same_name_same_moment_different_answers_are_two_learners(tmp_path):
    a, b = tmp_path / "sam-a.json", tmp_path / "sam-b.json"
    a.write_text(json.dumps(export(learner="Sam")))
    b.write_text(json.dumps(export(learner="Sam", answers={"c2": {"answer": "B", "correct": True, "attempts": 1}})))
    r = rp.build_report([a, b], banks())
    assert [s.learner for s in r.learners] == ["Sam (sam-a.json)", "Sam (sam-b.json)"]
    # a later export of the same name is the same learner: the most recent is kept
    b.write_text(json.dumps(export(learner="sam", exported="2026-11-22T10:00:00Z")))
    r = rp.build_report([a, b], banks())
    assert [(s.learner, Path(s.file).name) for s in r.learners] == [("sam", "sam-b.json")]


def test_long_values_are_shortened_in_whole_messages(tmp_path):
    p = tmp_path / "long.json"
    doc = export(learner="L" * 10_000)
    doc["chapters"]["04-causes"]["score"] = "s" * 10_000
    doc["chapters"]["x" * 5000] = {"score": 0, "total": 0, "answers": {}}
    p.write_text(json.dumps(doc))
    r = rp.build_report([p], banks())
    msgs = [str(p) for p in r.problems]
    assert msgs and all(len(m) < 400 for m in msgs), msgs
    assert any("(10000 characters) is not a whole number; chapter left out." in m for m in msgs)
    assert any("(5000 characters): no such chapter bank" in m for m in msgs)


# --------------------------------------------------------------------------------------------
# The command line, end to end, in a subprocess: time, peak memory and output size


MEASURE = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    t = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "sciatica_course", "class-report", *sys.argv[1:]],
                       capture_output=True, text=True)
    print(json.dumps({"rc": p.returncode, "seconds": time.monotonic() - t, "out": p.stdout, "err": p.stderr,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
""")


def run_measured(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", MEASURE, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def course_export(tmp_path_factory):
    """A good export against the course's real banks (the command line reads those)."""
    current = rp.current_banks()
    stem, info = sorted(current.items())[0]
    qid = next(iter(info.questions))
    d = tmp_path_factory.mktemp("course")
    path = d / "zoe.json"
    path.write_text(json.dumps(export(learner="Zoe", stem=stem, version=info.version,
                                      answers={qid: {"answer": "x", "correct": True, "attempts": 1}})))
    return path


@pytest.mark.slow  # the command in a subprocess, measured
def test_cli_on_every_hostile_file_at_once_stays_small(hostile, course_export, tmp_path):
    out = tmp_path / "report"
    junk = write_junk_csv(tmp_path / "junk.csv", 4 * MB)
    files = [str(p) for p, _ in hostile.values()] + [str(junk), str(course_export)]
    m = run_measured([*files, "--out", str(out)])
    assert m["rc"] == 0, m["err"][-2000:]
    assert "Traceback" not in m["out"] + m["err"]
    with (out / "learners.csv").open() as fh:
        assert [r["learner"] for r in csv.DictReader(fh)] == ["Zoe"]
    for p, _ in hostile.values():
        assert f"warning: {p}" in m["out"], f"{p.name} is not named on the terminal"
    assert len(m["out"].splitlines()) < 400  # not millions of warning lines
    sizes = {f.name: f.stat().st_size for f in out.iterdir()}
    assert all(n < 2 * MB for n in sizes.values()), sizes  # the report stays small (plotly bundle 1.2 MB)
    assert m["maxrss_kb"] < 500_000, m["maxrss_kb"]  # peak memory (the report's process) under 500 MB
    print(f"\nall hostile files at once: {m['seconds']:.1f} s, peak {m['maxrss_kb'] / 1000:.0f} MB, "
          f"report files {sum(sizes.values()) / MB:.1f} MB")


@pytest.mark.slow  # the command in a subprocess, twice, measured
def test_memory_stays_flat_as_a_csv_grows(tmp_path, course_export):
    peaks = {}
    for size_mb in (1, 4):
        junk = write_junk_csv(tmp_path / f"junk-{size_mb}.csv", size_mb * MB)
        m = run_measured([str(junk), str(course_export), "--out", str(tmp_path / f"out-{size_mb}")])
        assert m["rc"] == 0 and "Traceback" not in m["err"]
        peaks[size_mb] = m["maxrss_kb"] / 1000
        print(f"\njunk CSV {size_mb} MB: {m['seconds']:.1f} s, peak {peaks[size_mb]:.0f} MB")
    assert peaks[4] < 500
    assert peaks[4] - peaks[1] < 40, peaks  # four times the rows, about the same memory
