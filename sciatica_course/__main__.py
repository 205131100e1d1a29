"""Command line: ``python -m sciatica_course <command> ...``.

Each command lives in its own module with ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import CourseDataError

# command name -> module (relative to this package) providing add_arguments() and run()
COMMANDS: dict[str, str] = {"readability": "readability", "class-report": "classroom.report",
                             "teacher-guide": "classroom.guide", "hub-link": "classroom.hub",
                             "slides": "classroom.slides", "handouts": "classroom.handouts",
                             "export-questions": "quiz.lms", "lab-install": "lab.install"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sciatica_course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"{__package__}.{module_name}")
        p = sub.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        module.add_arguments(p)
        p.set_defaults(_module=module)
    args = parser.parse_args(argv)
    try:
        return args._module.run(args)
    except CourseDataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
