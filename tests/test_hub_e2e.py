"""A class on a real JupyterHub, following the nbgitpuller link `hub-link` prints (issue 17).

Everything runs on 127.0.0.1 and is started (and stopped, even on failure) by this test:

- a git server (``git daemon``) serving a bare copy of the course at the repository's HEAD commit,
  so the test never depends on uncommitted changes in the working tree (the teacher pushes to it);
- JupyterHub (the ``jupyterhub`` package from requirements.txt) with its ``DummyAuthenticator`` and
  ``SimpleLocalProcessSpawner`` (each learner's home a temporary folder), behind
  ``configurable-http-proxy`` from bench/node_modules (pinned in bench/package.json); the learners'
  servers are ``jupyterhub-singleuser`` from this environment, with ``nbgitpuller`` and the course's
  JupyterLab pieces (``python -m sciatica_course lab-install``, which ``make setup`` ran);
- Debian's chromium driven by Playwright, every host but 127.0.0.1 blocked.

Three learners log in and follow the link. Each gets the course cloned into their own home, the
first chapter open in JupyterLab with MyST rendered (the course extension's author-year citations),
answers the quiz's first question with a different option, and exports their results. Nobody sees
another's answer. The teacher changes the chapter in two cells and pushes; the learners follow the
link again: one who changed nothing gets both changes, one who edited another cell keeps the edit
and gets both, one who edited the very line the teacher changed keeps her own line (nbgitpuller
merges with ``-Xours``) and gets the other change. The teacher runs ``class-report`` on the exports.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest

from browser import PageLog, _free_port, new_page
from test_browser_lab import CITE_ROLE, RAW_MYST, markdown_sources

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHP = ROOT / "bench" / "node_modules" / ".bin" / "configurable-http-proxy"
REPO_NAME = "sciatica-massage-course"
CHAPTER = "notebooks/01-welcome.ipynb"
REL = f"{REPO_NAME}/{CHAPTER}"  # the notebook's path in a learner's JupyterLab (root = home)

# The first quiz question of chapter 1 (sciatica_course/data/questions/01-welcome.yaml keeps a
# single-choice question first); each learner picks a different option, so answers can be told apart.
LEARNERS = {"ana": "group-average", "ben": "will-work", "cleo": "useless"}

# The teacher's change: one line of the "What you need to know first" cell, one of "Check your
# understanding". Ben adds his own line to "Who is this course for?"; Cleo edits the teacher's line.
T1_OLD = "Nothing. This is the first chapter, and it assumes no biology, no medicine and no programming.\n"
T1_NEW = ("Nothing. This is the first chapter, and it assumes no biology, no medicine and no programming. "
          "Read it before Thursday's lesson.\n")
T1_CLEO = ("Nothing. This is the first chapter, and it assumes no biology, no medicine and no programming. "
           "Cleo's note: ask about the glossary.\n")
T2_OLD = "understood and what you might want to read again."
T2_NEW = ("understood and what you might want to read again. At the end, export your results and "
          "upload the file for your teacher.")
BEN_NOTE = "Ben's note: my aunt has this pain."


# ---------------------------------------------------------------------------- processes
def _run(cmd, **kw) -> str:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r.stdout


def _ours(folder: Path) -> list[psutil.Process]:
    """Processes working in, or started with a path in, this test's own temporary ``folder``
    (the proxy runs in the hub's folder, learners' servers and kernels in their homes; git daemon
    names its folder)."""
    found = []
    for p in psutil.process_iter(["pid", "cwd", "cmdline"]):
        if p.pid == os.getpid():
            continue
        cwd, cmd = p.info.get("cwd") or "", " ".join(p.info.get("cmdline") or [])
        if cwd.startswith(str(folder)) or str(folder) in cmd:
            found.append(p)
    return found


def _stop(proc: subprocess.Popen, folder: Path, grace: float = 20) -> None:
    """Stop ``proc`` (started in its own session) and every process it started, by id: the hub's
    proxy and learners' servers run in sessions of their own, so they are collected first, from
    the process tree and, should the hub have died already, from the test's own folder."""
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    family += [p for p in _ours(folder) if p.pid not in {q.pid for q in family} | {proc.pid}]
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # JupyterHub stops its servers and proxy on SIGTERM
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    _gone, alive = psutil.wait_procs(family, timeout=10)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    _gone, still = psutil.wait_procs(alive, timeout=10)
    if still:
        raise RuntimeError(f"processes the test started are still running: {[p.pid for p in still]}")


def _wait_http(url: str, proc: subprocess.Popen, log: Path, what: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            pytest.fail(f"{what} did not start:\n" + log.read_text(errors="replace")[-4000:])
        time.sleep(0.5)


@pytest.fixture(scope="module")
def git_server(tmp_path_factory):
    """The course at HEAD in a bare repository, served read-write by ``git daemon`` on 127.0.0.1."""
    base = tmp_path_factory.mktemp("git")
    bare = base / REPO_NAME
    _run(["git", "init", "-q", "--bare", "-b", "main", str(bare)])
    _run(["git", "-C", str(bare), "fetch", "-q", "--no-tags", str(ROOT), "HEAD:refs/heads/main"])
    head = _run(["git", "-C", str(bare), "rev-parse", "main"]).strip()
    port = _free_port()
    log = base / "daemon.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["git", "daemon", "--listen=127.0.0.1", f"--port={port}", f"--base-path={base}", "--export-all",
             "--enable=receive-pack", "--reuseaddr", "--informative-errors", str(base)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"git://127.0.0.1:{port}/{REPO_NAME}"
    try:
        deadline = time.time() + 30
        while subprocess.run(["git", "ls-remote", url], capture_output=True, timeout=30).returncode != 0:
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("git daemon did not start:\n" + log.read_text())
            time.sleep(0.3)
        yield {"url": url, "head": head, "bare": bare}
    finally:
        _stop(proc, base, grace=5)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """JupyterHub on 127.0.0.1 with DummyAuthenticator and SimpleLocalProcessSpawner."""
    if not CHP.exists():
        pytest.fail(f"{CHP} is missing: `make test` installs it (npm ci in bench/, pinned in bench/package.json)")
    tmp = tmp_path_factory.mktemp("hub")
    homes = tmp / "homes"
    homes.mkdir()
    port, hub_port, api_port = _free_port(), _free_port(), _free_port()
    args = ["--LabApp.expose_app_in_browser=True",  # the test reads JupyterLab's state
            # as `make lab`: no update check or news (they would reach for another host)
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.getuid() == 0:
        args.append("--allow-root")
    config = tmp / "jupyterhub_config.py"
    config.write_text(f"""
c = get_config()  # noqa
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.ConfigurableHTTPProxy.pid_file = {str(tmp / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{tmp / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(tmp / "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(homes)!r} + "/{{username}}"
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
""")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "SCIATICA_", "IPYTHON")) and k not in {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}}
    env["PATH"] = f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    log = tmp / "hub.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=tmp, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{base}/hub/api/", proc, log, "JupyterHub")
        yield {"url": base, "homes": homes, "log": log, "proc": proc}
    finally:
        _stop(proc, tmp)


# ---------------------------------------------------------------------------- browser steps
def follow_link(page, link: str, user: str, login: bool = True) -> None:
    """What a learner does: open the link, log in, wait for nbgitpuller and JupyterLab."""
    page.goto(link, wait_until="domcontentloaded")
    if login:
        page.locator("#username_input").fill(user)
        page.locator("#password_input").fill("any password")
        page.locator("#login_submit").click()
    # spawn page -> nbgitpuller's status page -> JupyterLab at the chapter
    page.wait_for_url(f"**/user/{user}/lab/tree/{REL}**", timeout=240_000)


def wait_rendered(page, nb_file: Path) -> dict:
    """Wait until the chapter is the current document, its kernel idle, every markdown cell
    rendered by MyST and every citation labelled by the course's extension; return what shows."""
    sources = markdown_sources(nb_file)
    keys = [k.strip() for s in sources for m in CITE_ROLE.finditer(s) for k in m.group(1).split(",")]
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
    page.wait_for_function(
        """([path, n, cites]) => { const w = window.jupyterapp.shell.currentWidget;
               if (!w || !w.context || w.context.path !== path) return false;
               const k = w.sessionContext.session && w.sessionContext.session.kernel;
               return k && k.status === 'idle'
                      && w.node.querySelectorAll('.jp-MarkdownCell .myst').length === n
                      && w.node.querySelectorAll('.sc-lab-cite').length === cites; }""",
        arg=[REL, len(sources), len(keys)], timeout=180_000,
    )
    return page.evaluate(
        """() => { const node = window.jupyterapp.shell.currentWidget.node;
                   return {texts: [...node.querySelectorAll('.jp-MarkdownCell .myst')].map(e => e.textContent),
                           cites: [...node.querySelectorAll('.sc-lab-cite')]
                                    .map(e => [e.dataset.scKey, e.textContent])}; }""")


def run_all(page) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def answer_first_question(page, option_text: str) -> str:
    """Choose ``option_text`` in the quiz's first question, press Check, return the feedback."""
    radio = page.locator(".jp-NotebookPanel .widget-radio-box label", has_text=option_text).locator("input").first
    radio.wait_for(state="attached", timeout=180_000)
    box = radio.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    score = page.locator(".jp-NotebookPanel .widget-html-content", has_text="answered)").first
    before = score.inner_text()
    radio.scroll_into_view_if_needed()
    radio.check()
    box.get_by_role("button", name="Check").click()
    feedback = box.locator(".widget-html-content", has_text="Explanation:")
    feedback.wait_for(timeout=60_000)
    return before, feedback.inner_text()


def export_results(page, name: str) -> str:
    field = page.get_by_label("Your name or learner ID:")
    field.scroll_into_view_if_needed()
    field.fill(name)
    page.locator(".jp-NotebookPanel button.jupyter-button", has_text="Export results (JSON)").click()
    status = page.locator(".jp-NotebookPanel .widget-html-content", has_text="hand it to your teacher")
    status.wait_for(timeout=60_000)
    return status.inner_text()


def edit_line(page, cell_text: str, old: str, new: str) -> None:
    """A learner's edit: change ``old`` into ``new`` in the markdown cell holding ``cell_text``,
    through JupyterLab's notebook model, and save with JupyterLab's Save command."""
    done = page.evaluate(
        """([cellText, old, neu]) => { const nb = window.jupyterapp.shell.currentWidget.content;
               const cell = nb.widgets.find(c => c.model.type === 'markdown'
                                                 && c.model.sharedModel.getSource().includes(cellText));
               if (!cell) return false;
               const src = cell.model.sharedModel.getSource();
               if (!src.includes(old)) return false;
               cell.model.sharedModel.setSource(src.replace(old, neu));
               return true; }""", [cell_text, old, new])
    assert done, f"no markdown cell with {cell_text!r} and {old!r}"
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)


def _cell_with(nb: dict, text: str) -> str:
    hits = ["".join(c["source"]) for c in nb["cells"] if text in "".join(c["source"])]
    assert len(hits) == 1, (text, len(hits))
    return hits[0]


def _progress(home: Path) -> dict:
    path = home / ".sciatica-course" / "progress.json"
    return json.loads(path.read_text()) if path.is_file() else {}


# ---------------------------------------------------------------------------- the class
def test_a_class_follows_the_hub_link_twice_and_the_teacher_collects_results(hub, git_server, chromium, tmp_path):
    started = time.time()
    not_found: list[str] = []  # every 404 response the learners' pages got
    out = _run([sys.executable, "-m", "sciatica_course", "hub-link", "--hub", hub["url"], "--repo", git_server["url"]],
               cwd=ROOT)
    link = out.splitlines()[0].removeprefix("nbgitpuller: ")
    assert link.startswith(f"{hub['url']}/hub/user-redirect/git-pull?"), out

    seen: dict[str, dict] = {}
    log = PageLog()
    first_bank = _first_question_options()
    # ---- first visit: each learner in turn (one at a time, as the machine has 2 cores)
    for user, option in LEARNERS.items():
        home = hub["homes"] / user
        page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
        page.on("response", lambda r: r.status == 404 and not_found.append(urllib.parse.unquote(r.url)))
        try:
            follow_link(page, link, user)
            clone = home / REPO_NAME
            assert (clone / ".git").is_dir(), f"{user}: the course was not cloned into {home}"
            assert _run(["git", "-C", str(clone), "rev-parse", "HEAD"]).strip() == git_server["head"]
            shown = wait_rendered(page, clone / CHAPTER)
            for i, text in enumerate(shown["texts"]):
                raw = RAW_MYST.search(text)
                assert not raw, (f"{user}: markdown cell {i} shows MyST raw: "
                                 f"{text[max(0, raw.start() - 40):raw.end() + 40]}")
            assert shown["cites"] and all("(" in t or "et al." in t or t[:1].isupper() for _, t in shown["cites"])
            koes = [t for k, t in shown["cites"] if k == "koes2007"]
            assert koes and "Koes et al., 2007" in koes[0], shown["cites"]
            run_all(page)
            before, feedback = answer_first_question(page, first_bank[option])
            # Nobody else's answer shows up: the score starts at none answered for every learner.
            assert "(0 answered)" in before, f"{user} saw answers before answering: {before!r}"
            assert ("Correct." in feedback) == (option == "group-average"), feedback
            status = export_results(page, user.capitalize())
            seen[user] = {"before": before, "feedback": feedback.split("\n")[0], "export": status.split(".")[0],
                          "cites": len(shown["cites"]), "koes": koes[0]}
            if user == "ben":
                edit_line(page, "## Who is this course for?", "A motivated\n", f"A motivated\n{BEN_NOTE}\n")
            if user == "cleo":
                edit_line(page, "## What you need to know first", T1_OLD, T1_CLEO)
        finally:
            page.context.close()
        # Each learner's answer is in their own home's progress file, and only theirs.
        prog = _progress(home)
        assert prog["chapters"]["01-welcome"]["answers"]["use-04"]["answer"] == option, (user, prog)
    for user, option in LEARNERS.items():
        for other in LEARNERS:
            if other != user:
                theirs = _progress(hub["homes"] / other)["chapters"]["01-welcome"]["answers"]["use-04"]["answer"]
                assert theirs == LEARNERS[other] != option
    assert not (ROOT / ".sciatica-course").exists()

    # ---- the teacher changes the chapter and pushes
    teacher = tmp_path / "teacher"
    _run(["git", "clone", "-q", git_server["url"], str(teacher)])
    nb_path = teacher / CHAPTER
    text = nb_path.read_text(encoding="utf-8")
    # the notebook's JSON holds each source line as a string: change the two lines in place
    for old, new in ((T1_OLD, T1_NEW), (T2_OLD, T2_NEW)):
        old_json, new_json = json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False)
        assert text.count(old_json[:-1]) == 1, old
        text = text.replace(old_json[:-1], new_json[:-1])
    json.loads(text)
    nb_path.write_text(text, encoding="utf-8")
    git_id = ["-c", "user.name=Teacher", "-c", "user.email=teacher@school.invalid"]
    _run(["git", "-C", str(teacher), *git_id, "commit", "-q", "-am", "Chapter 1: a note for Thursday's class"])
    _run(["git", "-C", str(teacher), "push", "-q", "origin", "main"])
    new_head = _run(["git", "-C", str(teacher), "rev-parse", "HEAD"]).strip()

    # ---- second visit: the same link again
    expect = {"ana": (T1_NEW, True, False), "ben": (T1_NEW, True, True), "cleo": (T1_CLEO, True, False)}
    for user, (line1, has_t2, has_ben) in expect.items():
        clone = hub["homes"] / user / REPO_NAME
        page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
        page.on("response", lambda r: r.status == 404 and not_found.append(urllib.parse.unquote(r.url)))
        try:
            follow_link(page, link, user)
            shown = wait_rendered(page, clone / CHAPTER)
            if user == "cleo":
                # Cleo wants the teacher's version: she deletes the chapter in JupyterLab and
                # follows the link again; nbgitpuller restores a deleted file from the latest commit.
                nb_mine = json.loads((clone / CHAPTER).read_text())
                # (the tab closed first, as a learner does: deleting an open notebook leaves
                # JupyterLab asking the server for a file that is gone). jupyterlab-myst marks the
                # cells' trust on load, which leaves the notebook "modified": without marking it
                # clean, closing asks whether to save and the tab stays open while the file goes.
                page.evaluate("""async (p) => { const app = window.jupyterapp;
                                    const w = app.shell.currentWidget;
                                    w.context.model.dirty = false;
                                    const gone = new Promise(r => w.disposed.connect(() => r()));
                                    w.close();
                                    await gone;
                                    await app.serviceManager.contents.delete(p); }""", REL)
                assert not (clone / CHAPTER).exists()
                follow_link(page, link, user, login=False)
                restored = wait_rendered(page, clone / CHAPTER)
                restored_text = " ".join(" ".join(t.split()) for t in restored["texts"]).replace("\u2019", "'")
                assert " ".join(T1_NEW.split()) in restored_text and " ".join(T1_CLEO.split()) not in restored_text
                seen[user]["after_delete"] = "teacher's line" if T1_NEW in _cell_with(
                    json.loads((clone / CHAPTER).read_text()), "## What you need to know first") else "?"
        finally:
            page.context.close()
        if user == "cleo":
            nb = nb_mine  # what her second visit gave her, checked below
        else:
            nb = json.loads((clone / CHAPTER).read_text())
        # the quiz answers are not in the course folder: a pull leaves them as they were
        assert _progress(hub["homes"] / user)["chapters"]["01-welcome"]["answers"]["use-04"]["answer"] == LEARNERS[user]
        cell1 = _cell_with(nb, "## What you need to know first")
        assert line1 in cell1, f"{user}: {cell1!r}"
        other = T1_CLEO if line1 == T1_NEW else T1_NEW
        assert other not in cell1, f"{user}: {cell1!r}"
        assert (T2_NEW in _cell_with(nb, "## Check your understanding")) == has_t2
        assert (BEN_NOTE in _cell_with(nb, "## Who is this course for?")) == has_ben
        # ... and JupyterLab shows the merged chapter
        page_text = " ".join(" ".join(t.split()) for t in shown["texts"]).replace("\u2019", "'")  # MyST curls quotes
        assert " ".join(line1.split()) in page_text and (" ".join(T2_NEW.split()) in page_text) == has_t2
        assert (BEN_NOTE in page_text) == has_ben
        # nbgitpuller merged the teacher's commit into the learner's history (nothing lost)
        log_lines = _run(["git", "-C", str(clone), "log", "--format=%H %an %s"]).splitlines()
        assert any(line.startswith(new_head) for line in log_lines), log_lines
        conflict_marks = [m for m in ("<<<<<<<", ">>>>>>>") if m in json.dumps(nb)]
        assert not conflict_marks, f"{user}: conflict markers left in the chapter"
        seen[user]["second"] = {"line1": "teacher's" if line1 == T1_NEW else "her own", "t2": has_t2,
                                "ben_note": has_ben, "commits": [line.split(" ", 1)[1] for line in log_lines]}

    # ---- the teacher collects the exports and makes the class report
    collected = tmp_path / "results"
    collected.mkdir()
    for user in LEARNERS:
        export = hub["homes"] / user / "sciatica-course-results" / f"sciatica-results-{user.capitalize()}.json"
        assert export.is_file(), f"{user}'s export is missing"
        shutil.copy(export, collected / f"{user}.json")
    report = tmp_path / "class-report"
    _run([sys.executable, "-m", "sciatica_course", "class-report", str(collected), "--out", str(report)], cwd=ROOT)
    with (report / "learners.csv").open(newline="") as f:
        learners = {r["learner"]: r for r in csv.DictReader(f)}
    assert sorted(learners) == ["Ana", "Ben", "Cleo"], learners
    assert [learners[n]["score"] for n in ("Ana", "Ben", "Cleo")] == ["1", "0", "0"], learners
    with (report / "questions.csv").open(newline="") as f:
        q = next(r for r in csv.DictReader(f) if (r["chapter"], r["question_id"]) == ("01-welcome", "use-04"))
    assert (q["answered"], q["correct"], q["right_first_check"]) == ("3", "1", "1"), q
    with (report / "wrong_answers.csv").open(newline="") as f:
        wrong = {r["answer"]: r["times_chosen"] for r in csv.DictReader(f) if r["question_id"] == "use-04"}
    options = _first_question_options()
    assert sorted(wrong.values()) == ["1", "1"] and all(
        any(options[o][:30] in label for label in wrong) for o in ("will-work", "useless")), wrong
    seen["report"] = {"learners": {n: r["score"] for n, r in learners.items()},
                      "use-04": {k: q[k] for k in ("answered", "correct")}, "wrong": wrong}
    assert (report / "class-report.html").is_file()

    assert not log.blocked, f"the hub or JupyterLab requested other hosts: {log.blocked}"
    # JupyterLab reports a 404 as an uncaught "Invalid response" when it still asks about the
    # chapter Cleo deleted (seen in 2 of 5 clean-clone runs, never locally): allowed only when every
    # 404 of the whole class was about that chapter; anything else fails with its addresses.
    lab_404 = "Invalid response: 404 Not Found"
    others = [e for e in log.page_errors if e != lab_404]
    assert not others, others
    if lab_404 in log.page_errors or not_found:
        assert not_found and all(CHAPTER in u for u in not_found), f"404 responses: {not_found}"
    elapsed = time.time() - started
    summary = {"seconds": round(elapsed), "learners": seen}
    (tmp_path / "summary.json").write_text(json.dumps(summary, indent=1))
    print("\nhub e2e:", json.dumps(summary, indent=1))


def _first_question_options() -> dict[str, str]:
    """Option id -> its text, for the first question of chapter 1 (from the bank, not typed here)."""
    from sciatica_course.quiz.schema import load_bank  # noqa: PLC0415

    q = load_bank("01-welcome").questions[0]
    assert q.id == "use-04", q.id
    return {o.id: o.text for o in q.options}
