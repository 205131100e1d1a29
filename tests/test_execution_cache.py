"""The book's execution cache is emptied when the course package changes (not only the notebook)."""

from __future__ import annotations

from types import SimpleNamespace

from sciatica_course import sphinx_ext


def _app(cache_dir):
    env = SimpleNamespace(mystnb_config=SimpleNamespace(execution_cache_path=str(cache_dir)))
    return SimpleNamespace(env=env)


def test_fresh_cache_is_kept_and_stamped(tmp_path):
    cache = tmp_path / ".jupyter_cache"
    (cache / "executed").mkdir(parents=True)
    app = _app(cache)
    sphinx_ext._drop_stale_execution_cache(app)  # no stamp yet: outputs of unknown origin
    assert app.env.sciatica_stale_outputs and not cache.exists()
    sphinx_ext._stamp_execution_cache(app, None)
    assert (cache / sphinx_ext.FINGERPRINT_FILE).read_text() == sphinx_ext.course_fingerprint()
    (cache / "executed").mkdir()
    app = _app(cache)
    sphinx_ext._drop_stale_execution_cache(app)  # same package: keep the executed notebooks
    assert not app.env.sciatica_stale_outputs and (cache / "executed").is_dir()


def test_changed_package_empties_the_cache_and_rereads_notebooks(tmp_path):
    cache = tmp_path / ".jupyter_cache"
    (cache / "executed").mkdir(parents=True)
    (cache / sphinx_ext.FINGERPRINT_FILE).write_text("an older package")
    app = _app(cache)
    sphinx_ext._drop_stale_execution_cache(app)
    assert app.env.sciatica_stale_outputs and not cache.exists()
    env = SimpleNamespace(
        sciatica_stale_outputs=True,
        found_docs={"book/index", "notebooks/01-welcome", "notebooks/02-what-is-sciatica"},
        doc2path=lambda d: d + (".md" if d.startswith("book/") else ".ipynb"),
    )
    again = sphinx_ext._reread_notebooks_if_stale(None, env, set(), {"notebooks/01-welcome"}, set())
    assert again == ["notebooks/02-what-is-sciatica"]


def test_failed_build_does_not_stamp(tmp_path):
    cache = tmp_path / ".jupyter_cache"
    app = _app(cache)
    app.env.sciatica_fingerprint = "x"
    sphinx_ext._stamp_execution_cache(app, RuntimeError("build failed"))
    assert not (cache / sphinx_ext.FINGERPRINT_FILE).exists()


def test_fingerprint_covers_code_data_and_bibliography():
    from sciatica_course.data import BIB_FILE, PACKAGE_DIR

    before = sphinx_ext.course_fingerprint()
    study = next((PACKAGE_DIR / "data" / "studies").glob("*.yaml"))
    for path in (study, BIB_FILE, PACKAGE_DIR / "figures.py"):
        original = path.read_bytes()
        try:
            path.write_bytes(original + b"\n")
            assert sphinx_ext.course_fingerprint() != before, path
        finally:
            path.write_bytes(original)
    assert sphinx_ext.course_fingerprint() == before


def test_book_build_kernels_never_read_a_personal_progress_file(tmp_path, monkeypatch):
    """The build points SCIATICA_PROGRESS at an empty file of its own, whatever the builder has saved."""
    from sciatica_course.quiz import progress
    from sciatica_course.sphinx_ext import PROGRESS_ENV, isolate_progress

    home = tmp_path / "home"
    (home / ".sciatica-course").mkdir(parents=True)
    (home / ".sciatica-course" / "progress.json").write_text('{"answers": "the builder\'s own"}')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert progress.default_path() == home / ".sciatica-course" / "progress.json"
    path = isolate_progress()
    assert progress.default_path() == path
    assert not path.exists() and home not in path.parents
