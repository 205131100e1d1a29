"""The course's JupyterLab pieces (sciatica_course/lab): data, reference page, installer, kernel
notice filter, and an environment with no incompatible JupyterLab extension (issue 12).

The browser side (citations and chapter links rendered in JupyterLab) is in test_browser_lab.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from sciatica_course import bibliography
from sciatica_course.course import CHAPTERS
from sciatica_course.lab import lab_data, references_page
from sciatica_course.lab.install import install

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_lab_data_comes_from_the_bibliography_and_the_chapter_list():
    data = lab_data()
    entries = bibliography.entries()
    assert set(data["citations"]) == set(entries) and len(entries) >= 90
    assert data["citations"]["cherkin2011"]["label"] == "Cherkin et al., 2011"
    for key, e in entries.items():
        assert data["citations"][key] == {"label": e.label, "full": e.full, "url": e.url}
    assert list(data["chapters"]) == [c.stem for c in CHAPTERS]
    assert data["chapters"]["03-anatomy"] == "Chapter 3: Anatomy of the sciatic nerve"
    json.dumps(data)  # served as JSON


def test_one_citation_style_et_al_never_and_others():
    """A BibTeX author list ending in "others" reads "et al." in labels and in the full reference,
    as it does in the book (the same two styles are registered for sphinxcontrib-bibtex)."""
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    truncated = re.findall(r"@\w+\{(\w+),[^@]*?author\s*=\s*\{[^@]*?\band others\}", bib)
    assert "day1987" in truncated and "konstantinou2018" in truncated
    for key in truncated:
        e = bibliography.entries()[key]
        assert "others" not in e.label and "others" not in e.full, (key, e.label, e.full)
        assert "et al." in e.label and "et al." in e.full, (key, e.label, e.full)
    assert bibliography.label("day1987") == "Day et al., 1987"
    assert bibliography.label("kaada1989") == "Kaada and Torsteinbø, 1989"


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.loads = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and "id" in a:
            self.ids.append(a["id"])
        if tag in {"script", "img", "link", "iframe"}:
            self.loads.append((tag, a))


def test_references_page_lists_every_entry_and_loads_nothing():
    page = _Collect()
    page.feed(references_page())
    assert sorted(page.ids) == sorted(bibliography.entries())
    assert page.loads == [], page.loads  # self-contained: no script, stylesheet or image


def test_install_links_every_piece_and_keeps_other_lab_settings(tmp_path):
    settings = tmp_path / "share/jupyter/lab/settings/overrides.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}))
    for _ in range(2):  # running it again replaces its own links
        done = install(tmp_path)
    ext = tmp_path / "share/jupyter/labextensions/sciatica-course-lab"
    assert ext.is_symlink() and (ext / "package.json").is_file() and (ext / "static/remoteEntry.js").is_file()
    pkg = json.loads((ext / "package.json").read_text())
    assert pkg["jupyterlab"]["_build"] == {"load": "static/remoteEntry.js", "extension": "./extension"}
    server = json.loads((tmp_path / "etc/jupyter/jupyter_server_config.d/sciatica_course.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {"sciatica_course.lab": True}
    assert (tmp_path / "etc/ipython/ipython_kernel_config.py").is_file()
    merged = json.loads(settings.read_text())
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert merged["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert settings in done


def test_install_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "share/jupyter/labextensions/sciatica-course-lab").mkdir(parents=True)
    with pytest.raises(SystemExit, match="not made by this command"):
        install(tmp_path)


@pytest.mark.slow  # runs Node (installed for `make test`, not `make check`)
def test_remote_entry_is_a_container_jupyterlab_can_load():
    """The extension is one plain script: it must define window._JUPYTERLAB[name] with init()
    and get('./extension') returning the plugin list, as JupyterLab's bootstrap expects."""
    js = (ROOT / "sciatica_course/lab/labextension/static/remoteEntry.js").read_text()
    # Node has no `window`: the shim gives the script the global it writes to.
    shim = "globalThis.window = globalThis;\n"
    proc = subprocess.run(
        ["node", "-e", shim + js + """
;(async () => {
  const c = window._JUPYTERLAB['sciatica-course-lab'];
  await c.init({});
  const mod = (await c.get('./extension'))();
  const p = mod.default[0];
  console.log(JSON.stringify({esm: mod.__esModule, id: p.id, auto: p.autoStart, act: typeof p.activate}));
  await c.get('./nothing').then(() => console.log('BAD'), () => console.log('rejected'));
})();"""],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.strip().splitlines()
    assert json.loads(first) == {"esm": True, "id": "sciatica-course-lab:plugin", "auto": True, "act": "function"}
    assert second == "rejected"


@pytest.mark.slow  # executes a notebook with nbconvert
def test_kernels_drop_only_the_local_tcp_notice(tmp_path):
    """The kernel configuration the course installs drops ipykernel's "running over TCP without
    encryption" notice and nothing else: a real warning from the kernel is still printed."""
    config = ROOT / "sciatica_course/lab/ipython/ipython_kernel_config.py"
    prefix_config = Path(sys.prefix) / "etc/ipython/ipython_kernel_config.py"
    assert prefix_config.resolve() == config.resolve(), "run `make setup` (python -m sciatica_course lab-install)"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import logging\nlogging.getLogger('IPKernelApp').warning('a real kernel warning')")]
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", str(path), "--output", "out"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "a real kernel warning" in proc.stderr
    assert "without encryption" not in proc.stderr, proc.stderr


@pytest.mark.slow  # runs `jupyter labextension list`
def test_environment_has_no_incompatible_jupyterlab_extension():
    """`jupyter labextension list` marks none as incompatible, and the course's is enabled.
    (jupyterlab-mathjax3, pulled in by jupyterlab_rise, was incompatible with JupyterLab 4.6.)"""
    proc = subprocess.run([str(BIN / "jupyter"), "labextension", "list"], capture_output=True, text=True, timeout=120)
    out = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    assert "incompatible" not in out and " X" not in out, out
    assert re.search(r"sciatica-course-lab v\S+ enabled OK", out), out
    assert re.search(r"jupyterlab-myst v\S+ enabled OK", out), out
    requirements = (ROOT / "requirements.txt").read_text()
    assert "jupyterlab_rise" not in requirements and "jupyterlab-mathjax3" not in requirements
