"""Structure of the course: layout, TOC, notebook hygiene, pinned requirements."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from sciatica_course.course import CHAPTERS, PAGES
from sciatica_course.course import toc_files as course_toc_files

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# The tag policy (see CONTRIBUTING.md). Anything else, a typo included, fails.
KNOWN_TAGS = {
    "hide-input",
    "remove-input",
    "hide-output",
    "remove-output",
    "remove-cell",
    "raises-exception",
    "nbval-check-output",
}


def toc_files() -> list[str]:
    """Every page of _toc.yml, root first (the course's own reader, sciatica_course.course)."""
    return course_toc_files()


def test_required_layout():
    for name in ["book", "notebooks", "_config.yml", "_toc.yml", "tests", "requirements.txt", "requirements-dev.txt",
                 "pyproject.toml", "Makefile", "README.md", ".ci/run", ".gitignore",
                 "LICENSE", "LICENSE-CONTENT", "CITATION.cff", "book/references.bib"]:
        assert (ROOT / name).exists(), f"missing {name}"
    gitignore = (ROOT / ".gitignore").read_text().split()
    assert ".venv/" in gitignore and "_build/" in gitignore


def test_config_builds_only_toc_files_and_caches_execution():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert cfg["only_build_toc_files"] is True
    assert cfg["execute"]["execute_notebooks"] == "cache"
    assert cfg["execute"]["allow_errors"] is False
    assert cfg["sphinx"]["config"]["nb_ipywidgets_js"] == {}


def test_every_toc_entry_exists():
    for f in toc_files():
        matches = [p for p in (ROOT / Path(f).parent).glob(Path(f).name + ".*") if p.suffix in {".md", ".ipynb"}]
        assert matches, f"_toc.yml lists {f} but no .md/.ipynb file exists"


def test_every_notebook_is_in_the_toc():
    listed = set(toc_files())
    for nb in NOTEBOOKS:
        assert f"notebooks/{nb.stem}" in listed, f"{nb.name} is not in _toc.yml"


def test_chapter_list_matches_notebooks():
    """course.CHAPTERS is the one list of chapters: every notebook is in it and vice versa."""
    # Both directions, nothing filtered out: a chapter without a notebook fails as a notebook
    # without a chapter does (PAGES: notebooks that are not chapters).
    assert [c.stem for c in CHAPTERS] == [nb.stem for nb in NOTEBOOKS if nb.stem not in PAGES]
    for nb in (nb for nb in NOTEBOOKS if nb.stem not in PAGES):
        assert re.fullmatch(r"\d\d-[a-z0-9-]+", nb.stem), f"{nb.name}: name must be NN-words.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs_and_known_tags(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        for tag in cell.metadata.get("tags", []):
            assert tag in KNOWN_TAGS, f"{path.name}: cell {i}: unknown tag {tag!r}"
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: cell {i} has stored outputs (run nbstripout)"
            assert cell.execution_count is None, f"{path.name}: cell {i} has an execution count"
    assert "widgets" not in nb.metadata, f"{path.name}: stored widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_is_thin(path):
    """Notebooks hold narrative and one-line calls into the package, never logic."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        assert len(lines) <= 4, f"{path.name}: cell {i} has {len(lines)} lines of code; move logic into the package"
        assert not any(ln.lstrip().startswith(("def ", "class ", "for ", "while ")) for ln in lines), (
            f"{path.name}: cell {i} defines logic; move it into sciatica_course"
        )


PIN = re.compile(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+")
# Tools a learner's environment must not carry (they belong in requirements-dev.txt).
DEV_ONLY = {"pytest", "nbval", "playwright", "axe-playwright-python", "pre-commit", "coverage",
            "jupyter-book", "sphinx", "jupyterhub", "pypdf", "kaleido"}


def _deps(name: str) -> list[str]:
    lines = [ln.strip() for ln in (ROOT / name).read_text().splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def _name(pin: str) -> str:
    return re.sub(r"[-_.]+", "-", pin.split("==")[0]).lower()


def test_requirements_are_pinned_and_install_the_package():
    """requirements.txt: the learner's environment, pinned, ending with the package; no test or
    book-building tools. requirements-dev.txt: includes it, adds the tools, pinned, no repeats."""
    deps = _deps("requirements.txt")
    assert deps[-1] == "-e .", "the last line must install the course package"
    for ln in deps[:-1]:
        assert PIN.fullmatch(ln), f"requirements.txt: not pinned exactly: {ln}"
    runtime = {_name(ln) for ln in deps[:-1]}
    assert not runtime & DEV_ONLY, f"requirements.txt carries development tools: {runtime & DEV_ONLY}"
    assert {"jupyterlab", "jupyterlab-myst", "ipywidgets", "plotly", "nbgitpuller"} <= runtime
    dev = _deps("requirements-dev.txt")
    assert dev[0] == "-r requirements.txt"
    for ln in dev[1:]:
        assert PIN.fullmatch(ln), f"requirements-dev.txt: not pinned exactly: {ln}"
    assert not runtime & {_name(ln) for ln in dev[1:]}, "a package is pinned in both files"
    jb = [ln for ln in dev if ln.lower().startswith("jupyter-book==")]
    assert jb and int(jb[0].split("==")[1].split(".")[0]) < 2


def test_package_dependencies_are_declared_and_met_by_the_learner_pins():
    """pyproject.toml declares what the package imports at run time, as ranges, and the exact
    pins of requirements.txt satisfy every one of them."""
    import tomllib

    from packaging.requirements import Requirement

    declared = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    assert len(declared) >= 5
    pins = {_name(ln): ln.split("==")[1] for ln in _deps("requirements.txt")[:-1]}
    for req in declared:
        name = _name(req.name)
        assert name in pins, f"{req.name} is declared but not in requirements.txt"
        assert req.specifier.contains(pins[name]), f"{req.name}=={pins[name]} does not meet {req.specifier}"


def test_ci_runs_make_test():
    run = (ROOT / ".ci" / "run").read_text()
    assert "make test" in run
