"""Many learners: nbgitpuller and Binder links, and requirements.txt alone runs every notebook."""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

from sciatica_course.classroom import hub
from sciatica_course.course import CHAPTERS

ROOT = Path(__file__).resolve().parents[1]


def _config_repo():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    return cfg["repository"]["url"], cfg["repository"].get("branch", "main")


def test_nbgitpuller_link_opens_the_first_chapter_inside_the_cloned_folder():
    url, branch = _config_repo()
    link = hub.nbgitpuller_link("https://hub.school.example/", url, branch)
    u = urlparse(link)
    assert (u.scheme, u.netloc, u.path) == ("https", "hub.school.example", "/hub/user-redirect/git-pull")
    q = parse_qs(u.query)
    folder = url.rstrip("/").split("/")[-1]
    assert q == {"repo": [url], "branch": [branch], "urlpath": [f"lab/tree/{folder}/notebooks/01-welcome.ipynb"]}


def test_binder_link_builds_the_repository_and_opens_a_chapter():
    url, branch = _config_repo()
    link = hub.binder_link(url, branch, "notebooks/05-how-massage-might-help.ipynb")
    u = urlparse(link)
    owner_repo = urlparse(url).path.strip("/")
    assert (u.netloc, u.path) == ("mybinder.org", f"/v2/gh/{owner_repo}/{branch}")
    assert parse_qs(u.query) == {"urlpath": ["lab/tree/notebooks/05-how-massage-might-help.ipynb"]}
    with pytest.raises(ValueError):
        hub.binder_link("https://gitlab.example/x/y")


def test_hub_page_and_readme_document_both_launches():
    page = (ROOT / "book" / "teacher" / "hub.md").read_text()
    readme = (ROOT / "README.md").read_text()
    url, branch = _config_repo()
    # The page shows the links' shape and names the command that prints them from _config.yml.
    assert "mybinder.org/v2/gh/" in page and "/hub/user-redirect/git-pull?repo=" in page
    assert "hub-link" in page and "_config.yml" in page
    assert hub.binder_link(url, branch).startswith("https://mybinder.org/v2/gh/")
    for text in (readme,):
        assert "nbgitpuller" in text and "Binder" in text and "hub-link" in text


@pytest.mark.slow
def test_requirements_alone_run_every_notebook(tmp_path):
    """What repo2docker/Binder/a hub image does: a fresh venv from requirements.txt (no Makefile),
    then every chapter executed with that environment's own kernel."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    clean_env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    clean_env["PATH"] = f"{env_dir / 'bin'}:{clean_env.get('PATH', '')}"
    pip = subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", "requirements.txt"],
                         cwd=ROOT, capture_output=True, text=True, env=clean_env, timeout=1800)
    assert pip.returncode == 0, pip.stdout[-2000:] + pip.stderr[-3000:]
    # repo2docker then runs the repository's postBuild: the course's JupyterLab pieces go into
    # the new environment (not into the one running this test).
    post = subprocess.run(["bash", "postBuild"], cwd=ROOT, capture_output=True, text=True, env=clean_env, timeout=120)
    assert post.returncode == 0, post.stdout + post.stderr
    assert (env_dir / "share/jupyter/labextensions/sciatica-course-lab/package.json").is_file()
    assert (env_dir / "etc/jupyter/jupyter_server_config.d/sciatica_course.json").is_file()
    out = tmp_path / "executed"
    failures = []
    for ch in CHAPTERS:
        nb = ROOT / "notebooks" / f"{ch.stem}.ipynb"
        run = subprocess.run(
            [str(env_dir / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
             "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=python3",
             "--output-dir", str(out), str(nb)],
            cwd=nb.parent, capture_output=True, text=True, env={**clean_env, "HOME": str(tmp_path)}, timeout=900)
        if run.returncode != 0:
            failures.append(f"{ch.stem}: {run.stderr[-1500:]}")
        elif "without encryption" in run.stderr:  # postBuild's kernel config is in force
            failures.append(f"{ch.stem}: the kernel printed the local-TCP notice")
    assert not failures, "\n\n".join(failures)
    # the kernel really was the fresh environment's: its python imports the course from the checkout
    probe = subprocess.run([str(py), "-c",
                            "import sys, sciatica_course; print(sys.prefix); print(sciatica_course.__file__)"],
                           capture_output=True, text=True, env=clean_env)
    assert str(env_dir) in probe.stdout and str(ROOT) in probe.stdout
    assert sorted(p.name for p in out.glob("*.ipynb")) == sorted(f"{c.stem}.ipynb" for c in CHAPTERS)


def test_repository_address_is_written_once():
    """_config.yml holds the repository address; CITATION.cff (a format that cannot refer to it)
    must agree with it, and no other text file in the repository spells it out."""
    import re
    from pathlib import Path

    import yaml

    from sciatica_course.classroom.hub import repository

    root = Path(__file__).resolve().parents[1]
    url, _ = repository()
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["repository-code"].rstrip("/") == url
    owner_repo = re.sub(r"^https://github.com/", "", url)
    spelled = [p.relative_to(root).as_posix()
               for p in [root / "README.md", root / "CONTRIBUTING.md", *root.glob("book/**/*.md"),
                         *root.glob("sciatica_course/**/*.py"), *root.glob("notebooks/*.ipynb")]
               if owner_repo in p.read_text(encoding="utf-8")]
    assert spelled == [], f"these files spell out the repository address instead of deriving it: {spelled}"


def _hub_link(capsys, *argv):
    from sciatica_course.__main__ import main

    code = main(["hub-link", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_hub_link_repo_option_points_nbgitpuller_at_another_git_server(capsys):
    """--repo/--branch: a school's own git server (the end-to-end hub test uses this with git://)."""
    code, out, err = _hub_link(capsys, "--hub", "http://127.0.0.1:8000", "--repo",
                               "git://127.0.0.1:9418/sciatica-massage-course", "--branch", "spring")
    assert code == 0, err
    link = out.splitlines()[0].removeprefix("nbgitpuller: ")
    q = parse_qs(urlparse(link).query)
    assert q == {"repo": ["git://127.0.0.1:9418/sciatica-massage-course"], "branch": ["spring"],
                 "urlpath": ["lab/tree/sciatica-massage-course/notebooks/01-welcome.ipynb"]}
    assert "mybinder.org" not in out  # Binder cannot build from a school's git server
    # Without --repo: the address in _config.yml, and its Binder link.
    code, out, _ = _hub_link(capsys, "--hub", "https://hub.school.example")
    url, branch = _config_repo()
    assert code == 0 and hub.nbgitpuller_link("https://hub.school.example", url, branch) in out
    assert hub.binder_link(url, branch) in out


def test_hub_link_opens_the_folder_nbgitpuller_makes_for_a_dot_git_address():
    """nbgitpuller 1.3 names the clone after the address's last part, '.git' included
    (nbgitpuller/handlers.py: repo.rstrip('/').split('/')[-1]); the link must open a file there."""
    link = hub.nbgitpuller_link("https://hub.example", "https://git.school.example/staff/course.git/")
    assert parse_qs(urlparse(link).query)["urlpath"] == ["lab/tree/course.git/notebooks/01-welcome.ipynb"]


@pytest.mark.parametrize("bad", ["nope", "https://", "/srv/git/course"])
def test_hub_link_rejects_a_repo_that_is_not_a_git_address(capsys, bad):
    code, out, err = _hub_link(capsys, "--repo", bad)
    assert code == 2 and not out
    assert err.startswith("error: --repo") and "Traceback" not in err and len(err.strip().splitlines()) == 1
