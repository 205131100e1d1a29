"""Install the course's JupyterLab pieces into the Python environment (``make setup`` runs it).

``python -m sciatica_course lab-install [--prefix DIR]`` puts four small things under the
environment's prefix (``sys.prefix`` by default), each a link to, or a copy of, a file in this
package, so editing the package needs no reinstall:

- ``share/jupyter/labextensions/sciatica-course-lab``: the JupyterLab extension (citations and
  chapter links as in the book);
- ``etc/jupyter/jupyter_server_config.d/sciatica_course.json``: enables the server extension that
  serves its data;
- ``etc/ipython/ipython_kernel_config.py``: drops ipykernel's local-TCP notice, nothing else;
- ``share/jupyter/lab/settings/overrides.json``: JupyterLab's news question turned off (it asks at
  every start otherwise).

``pip install -e .`` alone does not install data files, so a JupyterHub image built from
``requirements.txt`` runs this command too (see the teacher guide's hub page).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..data import LAB_DIR

HERE = LAB_DIR  # this package's folder: the pieces linked into the environment

# Lab settings the course ships for the whole environment (JupyterLab's "overrides.json").
LAB_OVERRIDES = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}


def targets(prefix: Path) -> dict[Path, Path]:
    """Where each piece goes under ``prefix`` -> the package file or folder it links to."""
    return {
        prefix / "share/jupyter/labextensions/sciatica-course-lab": HERE / "labextension",
        prefix / "etc/jupyter/jupyter_server_config.d/sciatica_course.json":
            HERE / "jupyter-config/sciatica_course.json",
        prefix / "etc/ipython/ipython_kernel_config.py": HERE / "ipython/ipython_kernel_config.py",
    }


def install(prefix: Path) -> list[Path]:
    """Link every piece into ``prefix`` (replacing what was there) and write the Lab overrides."""
    done = []
    for dest, src in targets(prefix).items():
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_symlink() or dest.is_file():
            dest.unlink()
        elif dest.is_dir():
            raise SystemExit(f"error: {dest} is a folder not made by this command; remove it and run again")
        os.symlink(src, dest, target_is_directory=src.is_dir())
        done.append(dest)
    overrides = prefix / "share/jupyter/lab/settings/overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    current = {}
    if overrides.is_file():
        try:
            current = json.loads(overrides.read_text(encoding="utf-8"))
        except ValueError:
            current = {}
    for plugin, values in LAB_OVERRIDES.items():
        current.setdefault(plugin, {}).update(values)
    overrides.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    done.append(overrides)
    return done


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--prefix", type=Path, default=Path(sys.prefix),
                   help="environment to install into (default: this Python's, %(default)s)")


def run(args: argparse.Namespace) -> int:
    try:
        for path in install(args.prefix):
            print(f"installed {path}")
    except OSError as exc:
        print(f"error: cannot install into {args.prefix}: {exc.strerror} ({exc.filename})", file=sys.stderr)
        return 2
    return 0
