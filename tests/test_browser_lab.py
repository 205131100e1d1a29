"""`make lab` gives a learner a working course: JupyterLab in a real browser (issue 6).

The test runs the Makefile's own `lab` target (so it checks the command a learner types), adding
through LAB_OPTS only what a test needs: its own token and port, no browser window, and
JupyterLab's settings, workspaces, runtime files, IPython profile and quiz progress in a temporary
folder, with autosave off, so nothing is left behind (the test checks the notebook is unchanged).
In Chromium (every host but 127.0.0.1 blocked) it opens a chapter with a quiz and a figure, runs
all cells, answers a quiz question through the widget and reads its feedback, sees the plotly
figure drawn, and finds no error output.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from browser import PageLog, _free_port, new_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
STAMP = ".venv/.installed"  # `make -o` keeps `make lab` from re-running the set-up here


def chapter_with_quiz_and_figure() -> Path:
    from test_structure import toc_files

    for f in toc_files():
        nb = ROOT / f"{f}.ipynb"
        if not nb.is_file():
            continue
        src = "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code")
        if "quiz(" in src and "figures." in src:
            return nb
    pytest.fail("no chapter in the TOC has both a quiz and a figure")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    settings = tmp / "settings"
    # Autosave off: running the cells must not write outputs into the course notebooks.
    docmanager = settings / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    # Every cell rendered (no windowing), so a test can find any output, not only those on screen.
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    # Checkpoints JupyterLab makes when it opens a notebook go here, not beside the notebook.
    (tmp / "checkpoints" / "notebooks").mkdir(parents=True)
    token, port = secrets.token_hex(16), _free_port()
    opts = " ".join([
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        f"--FileCheckpoints.root_dir={tmp / 'checkpoints'}",
        "--LabApp.expose_app_in_browser=True",
        # No news or update flags here: `make lab` itself must keep the news popup away.
    ])
    # A fresh make (not a sub-make of `make test`: no inherited flags or jobserver).
    parent = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}}
    env = {
        **parent,
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "IPYTHONDIR": str(tmp / "ipython"),
        "SCIATICA_PROGRESS": str(tmp / "progress.json"),
    }
    log = (tmp / "lab.log").open("w")
    proc = subprocess.Popen(["make", "-s", "-o", STAMP, "lab", f"LAB_OPTS={opts}"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}api/status?token={token}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("`make lab` did not start JupyterLab:\n" + (tmp / "lab.log").read_text()[-3000:])
            time.sleep(0.5)
        yield {"base": base, "token": token, "log": tmp / "lab.log", "tmp": tmp}
    finally:
        # Stop the server (and its kernels) started above: its own process group, by id.
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        log.close()


def open_and_run_all(page, lab, rel: str) -> None:
    """Open notebook ``rel`` in JupyterLab and run every cell with Lab's own command, once this
    notebook's panel is the current one and its kernel is idle."""
    page.goto(f"{lab['base']}lab/tree/{rel}?token={lab['token']}", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
    page.wait_for_function(
        """(path) => { const w = window.jupyterapp.shell.currentWidget;
                   const k = w && w.context && w.context.path === path && w.sessionContext.session
                             && w.sessionContext.session.kernel;
                   return k && k.status === 'idle'; }""",
        arg=rel, timeout=90_000,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def test_make_lab_runs_a_chapter_with_quiz_and_figure(lab, chromium):
    nb = chapter_with_quiz_and_figure()
    rel = nb.relative_to(ROOT).as_posix()
    before = nb.read_bytes()
    checkpoints = nb.parent / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()

    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    try:
        open_and_run_all(page, lab, rel)
        # Done when every code cell has an execution count and the kernel is idle again.
        page.wait_for_function(
            """() => { const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')];
                       const w = window.jupyterapp.shell.currentWidget;
                       return prompts.length && prompts.every(p => /\\[\\d+\\]/.test(p.textContent))
                              && w.sessionContext.session.kernel.status === 'idle'; }""",
            timeout=180_000,
        )

        # No error output anywhere (tracebacks and stderr).
        # JupyterLab renders tracebacks and stderr as application/vnd.jupyter.stderr.
        errors = page.locator('.jp-NotebookPanel [data-mime-type="application/vnd.jupyter.stderr"]')
        assert errors.count() == 0, errors.first.inner_text()[:2000]

        # The plotly figure is drawn by JupyterLab's plotly renderer.
        plot = page.locator(".jp-NotebookPanel .js-plotly-plot").first
        plot.scroll_into_view_if_needed()
        page.wait_for_selector(".jp-NotebookPanel .js-plotly-plot svg.main-svg", timeout=60_000)

        # The quiz is a live widget: choose an answer, press Check, read the feedback.
        radio = page.locator(".jp-NotebookPanel .widget-radio-box input[type=radio]").first
        radio.scroll_into_view_if_needed()
        radio.check()
        box = radio.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
        box.get_by_role("button", name="Check").click()
        feedback = box.locator(".widget-html-content", has_text="Explanation:")
        feedback.wait_for(timeout=30_000)
        text = feedback.inner_text()
        assert "Correct." in text or "Not quite." in text, text
        score = page.locator(".jp-NotebookPanel .widget-html-content, .jp-NotebookPanel .widget-label",
                             has_text="1 answered")
        assert score.count() >= 1, "the quiz score did not count the answer"
        # `make lab` turns off JupyterLab's news popup (it asks on every start otherwise).
        assert page.get_by_text("official Jupyter news").count() == 0, "the Jupyter news popup appeared"
    finally:
        page.context.close()
    assert not log.blocked, f"JupyterLab requested other hosts: {log.blocked}"
    assert not log.page_errors, log.page_errors
    # The course is left as it was: the notebook unchanged and no checkpoint folder created.
    assert nb.read_bytes() == before, f"{rel} was modified by the test run"
    assert checkpoints.exists() == had_checkpoints, f"{checkpoints} was created"
    # The quiz answer was saved to the progress file the test chose (not the learner's home).
    assert (lab["tmp"] / "progress.json").is_file()


def test_safety_boxes_render_in_jupyterlab_from_the_data(lab, chromium):
    """JupyterLab shows the safety boxes' HTML form (not raw MyST), with every flag from the data."""
    from sciatica_course import safety

    nb = ROOT / "notebooks" / "10-for-massage-students.ipynb"
    rel = nb.relative_to(ROOT).as_posix()
    before = nb.read_bytes()
    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    try:
        open_and_run_all(page, lab, rel)
        page.wait_for_selector(".jp-NotebookPanel .sc-safety-screening", state="attached", timeout=120_000)
        screening = page.locator(".jp-NotebookPanel .sc-safety-screening").first
        screening.scroll_into_view_if_needed()
        text = " ".join((screening.text_content() or "").split())
        for f in safety.load().flags:
            assert " ".join(f.ask.split()) in text, f.id
        assert ":::{admonition}" not in (page.locator(".jp-NotebookPanel").first.text_content() or "")
        assert page.locator(".jp-NotebookPanel .sc-safety-precautions").count() >= 1
    finally:
        page.context.close()
    assert not log.blocked, f"JupyterLab requested other hosts: {log.blocked}"
    assert nb.read_bytes() == before, f"{rel} was modified by the test run"


# --- MyST in JupyterLab (issue 12) -------------------------------------------------------------
# jupyterlab-myst renders the markdown cells; the course's own extension (sciatica_course/lab)
# gives citations their author-year labels and chapter links their titles, from the book's sources.

RAW_MYST = re.compile(r"\{(?:cite|term|doc|ref|numref)(?::\w+)?\}`|```\{|:::\{|\([\w-]+\)=")
CITE_ROLE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
DOC_ROLE = re.compile(r"\{doc\}`[^`]+`")


def chapter_notebooks() -> list[Path]:
    """Every notebook of the book: the chapters and the pages (review-deck)."""
    from test_structure import toc_files

    return [ROOT / f"{f}.ipynb" for f in toc_files() if (ROOT / f"{f}.ipynb").is_file()]


def markdown_sources(nb: Path) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "markdown"]


def open_rendered(page, lab, rel: str, n_markdown: int, n_cites: int) -> None:
    """Open ``rel`` and wait until every markdown cell is rendered by MyST and every citation
    has been given its label by the course extension."""
    page.goto(f"{lab['base']}lab/tree/{rel}?token={lab['token']}&reset", wait_until="domcontentloaded")
    page.wait_for_function(
        """([path, n, cites]) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
               if (!w || !w.context || w.context.path !== path) return false;
               const md = w.node.querySelectorAll('.jp-MarkdownCell .myst');
               return md.length === n && w.node.querySelectorAll('.sc-lab-cite').length === cites
                      && !w.node.querySelector('span[title="Citation Not Found"]')
                      && !w.node.querySelector('.jp-MarkdownCell a[href*="/files/"]'); }""",
        arg=[rel, n_markdown, n_cites], timeout=90_000,
    )


def test_every_chapter_shows_myst_rendered_in_jupyterlab(lab, chromium):
    """No chapter shows MyST syntax in JupyterLab: admonitions are boxes, dropdown answers stay
    closed, citations read as the book's author-year labels (full reference on hover and focus),
    chapter links carry the chapter's title, and no link points nowhere."""
    from sciatica_course import bibliography
    from sciatica_course.course import CHAPTERS, PAGES

    labels = {k: e.label for k, e in bibliography.entries().items()}
    stems = {c.stem for c in CHAPTERS}
    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    checked = []
    try:
        for nb in chapter_notebooks():
            rel = nb.relative_to(ROOT).as_posix()
            sources = markdown_sources(nb)
            keys = [k.strip() for s in sources for m in CITE_ROLE.finditer(s) for k in m.group(1).split(",")]
            docs = sum(len(DOC_ROLE.findall(s)) for s in sources)
            open_rendered(page, lab, rel, len(sources), len(keys))
            panel = page.evaluate_handle("() => window.jupyterapp.shell.currentWidget.node")
            info = panel.evaluate(
                """(node) => {
                    const md = [...node.querySelectorAll('.jp-MarkdownCell .myst')];
                    return {
                      texts: md.map(e => e.textContent),
                      openDetails: node.querySelectorAll('.jp-MarkdownCell details[open]').length,
                      visibleAnswers: [...node.querySelectorAll('.jp-MarkdownCell details .details-body')]
                                        .filter(b => b.checkVisibility()).length,
                      dropdowns: node.querySelectorAll('.jp-MarkdownCell details').length,
                      asides: node.querySelectorAll('.jp-MarkdownCell aside').length,
                      cites: [...node.querySelectorAll('.sc-lab-cite')].map(e => [e.dataset.scKey, e.textContent,
                               e.getAttribute('title') || '', e.tabIndex, e.getAttribute('role')]),
                      docLinks: [...node.querySelectorAll('.jp-MarkdownCell a[data-sc-path]')]
                                  .map(a => [a.textContent, a.getAttribute('href')]),
                      deadLinks: [...node.querySelectorAll(
                                    '.jp-MarkdownCell a[href="#"], .jp-MarkdownCell a[href*="/files/"]')]
                                   .map(a => a.textContent),
                      codeBlocks: node.querySelectorAll('.jp-MarkdownCell .myst pre').length,
                    }; }"""
            )
            for i, text in enumerate(info["texts"]):
                raw = RAW_MYST.search(text)
                assert not raw, (f"{rel} markdown cell {i}: MyST syntax shown raw: "
                                 f"...{text[max(0, raw.start() - 60):raw.end() + 40]}...")
            n_dropdowns = sum(s.count(":::{dropdown}") + s.count("```{dropdown}") + s.count(":class: dropdown")
                              for s in sources)
            assert info["dropdowns"] == n_dropdowns, (f"{rel}: {info['dropdowns']} dropdowns rendered, "
                                                      f"{n_dropdowns} in the source")
            assert info["openDetails"] == 0 and info["visibleAnswers"] == 0, (
                f"{rel}: a dropdown answer is open before the learner asks")
            if nb.stem not in PAGES:  # a chapter opens with its objectives box (a page, e.g. review-deck, has none)
                assert info["asides"] >= 1, f"{rel}: the objectives box is not rendered as a box"
            assert info["codeBlocks"] == 0, f"{rel}: a markdown cell shows a code block (an unrendered directive?)"
            # Every citation key in the source is a labelled, focusable citation, in source order.
            assert [c[0] for c in info["cites"]] == keys, (
                f"{rel}: citations rendered {[c[0] for c in info['cites']]} != source {keys}")
            for key, text, title, tabindex, role in info["cites"]:
                assert labels[key] in text, f"{rel}: citation {key} reads {text!r}, not {labels[key]!r}"
                assert title == bibliography.full(key) and tabindex == 0 and role == "link", (
                    rel, key, title, tabindex, role)
            assert len(info["docLinks"]) == docs, (
                f"{rel}: {len(info['docLinks'])} chapter/page links, {docs} {{doc}} roles")
            for text, href in info["docLinks"]:
                assert text not in stems and not text.startswith("../"), f"{rel}: link shows a file name: {text!r}"
                assert "/files/" not in href, f"{rel}: link {text!r} points at a download: {href}"
            assert not info["deadLinks"], f"{rel}: links that go nowhere: {info['deadLinks']}"
            checked.append(rel)
    finally:
        page.context.close()
    assert len(checked) == len(chapter_notebooks()) >= 10
    assert not log.blocked, f"JupyterLab requested other hosts: {log.blocked}"
    assert not log.page_errors, log.page_errors


def test_citations_and_chapter_links_work_in_jupyterlab(lab, chromium):
    """A citation opens the reference list at its entry (by keyboard too); a chapter link opens
    that chapter's notebook in JupyterLab; the glossary link opens the glossary page."""
    from sciatica_course import bibliography

    nb = ROOT / "notebooks" / "09-review.ipynb"
    rel = nb.relative_to(ROOT).as_posix()
    sources = markdown_sources(nb)
    keys = [k.strip() for s in sources for m in CITE_ROLE.finditer(s) for k in m.group(1).split(",")]
    log = PageLog()
    page = new_page(chromium, log, viewport={"width": 1280, "height": 900})
    try:
        open_rendered(page, lab, rel, len(sources), len(keys))
        cite = page.locator(".jp-NotebookPanel .sc-lab-cite").first
        key = cite.get_attribute("data-sc-key")
        cite.scroll_into_view_if_needed()
        cite.focus()
        with page.context.expect_page() as popup_info:
            page.keyboard.press("Enter")
        refs = popup_info.value
        refs.wait_for_load_state()
        assert refs.url.endswith(f"/sciatica-course/references#{key}"), refs.url
        entry = refs.locator(f"li[id='{key}']")
        assert " ".join(bibliography.full(key).split()) in " ".join(entry.inner_text().split())
        assert refs.locator("li").count() == len(bibliography.entries())
        refs.close()

        link = page.locator(".jp-NotebookPanel a[data-sc-kind='chapter']").first
        target = link.get_attribute("data-sc-path")
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_function("(p) => window.jupyterapp.shell.currentWidget.context.path === p", arg=target,
                               timeout=30_000)
    finally:
        page.context.close()
    assert not log.blocked, f"JupyterLab requested other hosts: {log.blocked}"
    assert not log.page_errors, log.page_errors
