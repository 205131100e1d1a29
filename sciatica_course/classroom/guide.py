"""Teacher guide: generate the teacher-edition pages and the teacher edition's config and TOC.

``python -m sciatica_course teacher-guide`` writes, for every chapter, ``book/teacher/chapters/<stem>.md``
(learning objectives read from the notebook, the lesson plan with timings, discussion prompts,
misconceptions with citations and the activity from ``data/teacher/<stem>.yaml``, and the answer
key generated from the question bank), plus ``_build/teacher/_config.yml`` and ``_toc.yml``: the
book's own config and TOC with the teacher part added. The student edition (``make book``) never
lists these pages, so none of them reaches its HTML, search index or downloads.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from .. import safety
from ..course import CHAPTERS, Chapter
from ..data import CONFIG_FILE, TEACHER_EDITION_DIR, TEACHER_PAGES_DIR, TOC_FILE
from . import sources

PAGES_DIR = TEACHER_PAGES_DIR
EDITION_DIR = TEACHER_EDITION_DIR
TEACHER_PAGES = ["book/teacher/index", "book/teacher/hub", "book/teacher/lms"]  # hand-written pages of the teacher part
EDITION_MARK = "sc-teacher-edition"  # class on every teacher page: the student-edition test looks for it


def _mmss(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def md_escape_table(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def answer_key_markdown(stem: str, heading: str = "##") -> str:
    """The answer key of a chapter, generated from its bank (never typed twice)."""
    entries = sources.key_entries(stem)
    out = [f"{heading} Answer key", "",
           f"Generated from the question bank `sciatica_course/data/questions/{stem}.yaml`.", ""]
    for n, e in enumerate(entries, 1):
        out.append(f"**{n}. {e.text}** <small>(`{e.id}`)</small>")
        out.append("")
        correct = set(e.answer)
        for value, label in e.options:
            mark = "**correct**" if value in correct or label in correct else "wrong"
            out.append(f"- {label} ({mark})")
        if not e.options:
            out.append(f"- Answer: {(' → ' if e.kind == 'ordering' else '; ').join(e.answer)}")
        out.append("")
        if e.explanation:
            out.append(f"*Why:* {e.explanation}")
            out.append("")
        if e.cites and "{cite" not in e.explanation:
            out.append(f"*Source:* {{cite:p}}`{','.join(e.cites)}`")
            out.append("")
    return "\n".join(out)


def figure_summary(name: str, stem: str) -> str:
    try:
        fig = sources.figure(name)
    except Exception as exc:  # a figure that cannot be drawn still gets its name in the guide
        return f"- `figures.{name}()` (could not be loaded: {exc})"
    title = fig.fig.layout.title.text or name
    where = sources.figure_chapter(name)
    origin = "" if where in (None, stem) else f" (shown in {{doc}}`/notebooks/{where}`)"
    return f"- **{title}**{origin}. {fig.caption}"


def chapter_page(ch: Chapter, number: int) -> str:
    notes = sources.teacher_notes(ch.stem)
    objectives = sources.objectives(ch.stem)
    figs = [notes.activity_figure] if notes.activity_figure else sources.figure_calls(ch.stem)
    lines = [
        f"# Teacher guide {number}: {ch.title}",
        "",
        f':::{{admonition}} Teacher edition\n:class: {EDITION_MARK}\nThis page and its answer key are only in the '
        "teacher edition. Chapter: {doc}`" + f"/notebooks/{ch.stem}`. "
        f"Self-study time about {ch.minutes} minutes; this lesson takes {notes.minutes} minutes.\n:::",
        "",
        f"**The question the chapter answers:** {ch.question}",
        "",
        "## Learning objectives",
        "",
        "Read from the chapter notebook. In this chapter learners will:",
        "",
        *[f"- {o}" for o in objectives],
        "",
        f"## Lesson plan ({notes.minutes} minutes)",
        "",
        "| Time | Minutes | Step | What to do |",
        "|---|---|---|---|",
    ]
    t = 0
    for s in notes.plan:
        lines.append(f"| {_mmss(t)}-{_mmss(t + s.minutes)} | {s.minutes} "
                     f"| {md_escape_table(s.step)} | {md_escape_table(s.do)} |")
        t += s.minutes
    lines += ["", "## Discussion prompts", ""]
    lines += [f"{i}. {p}" for i, p in enumerate(notes.prompts, 1)]
    lines += ["", "## Common misconceptions", ""]
    for m in notes.misconceptions:
        origin = " *(spread by the article this course started from)*" if m.from_article else ""
        lines += [f"- **Myth:** {m.myth}{origin}", "", f"  **What the evidence says:** {m.correction}", ""]
    lines += [f"## Activity: {notes.activity_title}", ""]
    if figs:
        lines += ["Figure for this activity (open the chapter to use it interactively):", ""]
        lines += [figure_summary(name, ch.stem) for name in figs]
        lines.append("")
    lines += [f"{i}. {s}" for i, s in enumerate(notes.activity_steps, 1)]
    lines += ["", "## Safety for this lesson", "",
              "Every lesson can raise questions about a learner's own pain. The course's one red-flag box, "
              "rendered from `sciatica_course/data/safety/red_flags.yaml` like every chapter's box, is below. "
              "If a learner describes a red flag, act at the level it shows.", "",
              safety.red_flags().md]
    lines += ["", answer_key_markdown(ch.stem), ""]
    return "\n".join(lines)


def write_pages(pages_dir: Path = PAGES_DIR) -> list[Path]:
    pages_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i, ch in enumerate(CHAPTERS, 1):
        path = pages_dir / f"{ch.stem}.md"
        text = chapter_page(ch, i)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def teacher_config(config_file: Path = CONFIG_FILE) -> dict:
    """The book's ``_config.yml`` with the teacher edition's few differences."""
    cfg = copy.deepcopy(yaml.safe_load(config_file.read_text(encoding="utf-8")))
    cfg["title"] = f"{cfg.get('title', 'Course')} (teacher edition)"
    html = cfg.setdefault("html", {})
    html["extra_footer"] = (html.get("extra_footer") or "") + (
        "<p><strong>Teacher edition</strong>: contains answer keys. Publish the student edition "
        "(<code>make book</code>) for learners.</p>")
    return cfg


def teacher_toc(toc_file: Path = TOC_FILE, pages_dir: Path = PAGES_DIR) -> dict:
    """The book's ``_toc.yml`` plus a "Teacher guide" part (the only place teacher pages are listed)."""
    toc = copy.deepcopy(yaml.safe_load(toc_file.read_text(encoding="utf-8")))
    rel = pages_dir.relative_to(toc_file.parent).as_posix()
    part = {
        "caption": "Teacher guide",
        "chapters": [{"file": TEACHER_PAGES[0],
                      "sections": [{"file": f"{rel}/{ch.stem}"} for ch in CHAPTERS]},
                     {"file": TEACHER_PAGES[1]}, {"file": TEACHER_PAGES[2]}],
    }
    toc.setdefault("parts", []).insert(0, part)
    return toc


def write_edition(edition_dir: Path = EDITION_DIR, pages_dir: Path = PAGES_DIR) -> tuple[Path, Path]:
    edition_dir.mkdir(parents=True, exist_ok=True)
    cfg, toc = edition_dir / "_config.yml", edition_dir / "_toc.yml"
    header = "# Generated by `python -m sciatica_course teacher-guide` from _config.yml/_toc.yml: do not edit.\n"
    cfg.write_text(header + yaml.safe_dump(teacher_config(), sort_keys=False, allow_unicode=True), encoding="utf-8")
    toc.write_text(header + yaml.safe_dump(teacher_toc(pages_dir=pages_dir), sort_keys=False, allow_unicode=True),
                   encoding="utf-8")
    return cfg, toc


def add_arguments(parser) -> None:
    parser.add_argument("--pages", type=Path, default=PAGES_DIR, help="where to write the chapter pages")
    parser.add_argument("--edition", type=Path, default=EDITION_DIR,
                        help="where to write the teacher edition's _config.yml and _toc.yml")


def run(args) -> int:
    pages = write_pages(args.pages.resolve())
    cfg, toc = write_edition(args.edition.resolve(), args.pages.resolve())
    print(f"wrote {len(pages)} teacher guide pages to {args.pages}")
    print(f"wrote {cfg} and {toc}")
    return 0
