"""The one MyST reader (sciatica_course.pages): what it finds in a page, tricky cases included.

The reader is MyST-Parser's own markdown-it parser with the book's extensions, so these tests pin
the answers the course relies on (slides, handouts, readability, content tests), not markdown-it.
"""

from __future__ import annotations

import json

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from sciatica_course import pages
from sciatica_course.course import CHAPTERS
from sciatica_course.data import CONFIG_FILE, notebook_path
from sciatica_course.errors import CourseDataError

NESTED = """# Title

````{admonition} Outer
:class: tip
Before {cite}`outer2001`.

```{warning}
Inner {term}`pain <Sciatica>`.
```

```python
x = "{cite}`notacite2000`"
```
After.
````

Last.
"""


def test_the_parser_uses_the_books_extensions():
    configured = yaml.safe_load(CONFIG_FILE.read_text())["parse"]["myst_enable_extensions"]
    assert pages.myst_extensions() == tuple(configured)
    # colon_fence is on in the book, so ::: opens a directive here too
    assert "colon_fence" in configured and [d.name for d in pages.directives(":::{note}\nHi\n:::\n")] == ["note"]


def test_nested_fences_four_backticks_around_three():
    [outer] = pages.directives(NESTED)
    assert (outer.name, outer.argument, outer.marker) == ("admonition", "Outer", "````")
    assert outer.options == {"class": "tip"}
    assert (outer.start, outer.end) == (2, 15)  # lines of the opening fence and after the closing one
    assert outer.body.startswith("Before") and outer.body.rstrip().endswith("After.")
    assert outer.body_line == 4  # the option line is not body
    [inner] = outer.nested  # the ```python block is code, not a directive
    assert (inner.name, inner.body, inner.start, inner.end) == ("warning", "Inner {term}`pain <Sciatica>`.", 6, 9)
    with_code = pages.directives(outer.body, code=True, offset=outer.body_line)
    assert [(d.name, d.argument) for d in with_code] == [("warning", ""), (None, "python")]
    assert [list(pages.walk([outer]))[k].name for k in range(2)] == ["admonition", "warning"]
    # roles in the outer body and the nested directive are found; the string inside code is not a role
    assert [(r.name, r.content) for r in pages.roles(NESTED)] == [("cite", "outer2001"), ("term", "pain <Sciatica>")]
    assert pages.cite_keys(NESTED) == ["outer2001"]
    assert pages.prose(NESTED).splitlines() == ["Outer.", "Before.", "Inner pain.", "After.", "Last."]


def test_colon_fence_dropdown_with_class_option():
    text = ":::{admonition} What should she do?\n:class: dropdown note\n:name: q-1\nGo **now**.\n:::\n"
    d = pages.sole_directive(text)
    assert d is not None and d.name == "admonition" and d.marker == ":::"
    assert d.options == {"class": "dropdown note", "name": "q-1"} and d.classes == ["dropdown", "note"]
    assert d.dropdown and d.body == "Go **now**."
    assert pages.directives("```{dropdown} Q\nA\n```\n")[0].dropdown
    assert not pages.directives(":::{admonition} Q\n:class: tip\nA\n:::\n")[0].dropdown
    # a cell that is a dropdown and something else is not a sole directive
    assert pages.sole_directive("Intro.\n\n" + text) is None


def test_yaml_option_block():
    [d] = pages.directives("```{figure} img.png\n---\nname: fig-a\nwidth: 50%\n---\nThe caption.\n```\n")
    assert d.options == {"name": "fig-a", "width": "50%"} and d.body == "The caption." and d.body_line == 5


def test_cite_with_several_keys_and_term_with_a_target():
    text = "Pain {cite:p}`koes2007, day1987,poutoglidou2020` and {term}`the root <Nerve root>` and {term}`Sciatica`."
    cite, explicit, plain = pages.roles(text)
    assert cite.name == "cite:p" and cite.is_citation and cite.keys == ["koes2007", "day1987", "poutoglidou2020"]
    assert (explicit.text, explicit.target) == ("the root", "Nerve root")
    assert (plain.text, plain.target) == ("Sciatica", "Sciatica")
    assert [r.name for r in pages.roles(text, "cite")] == ["cite:p"] and len(pages.roles(text, "term")) == 2
    assert pages.prose(text) == "Pain and the root and Sciatica."
    # a role in a code span is not a role
    assert pages.roles("Write ``{cite}`key` `` to cite.") == []


def test_labels_headings_and_sections():
    text = ("(sec-a)=\n## First\n\nOne.\n\n```bash\n## not a heading\n```\n\n### Deeper\n\nTwo.\n\n"
            "(fig-x)=\n## Second\nThree.\n")
    assert [(x.name, x.line) for x in pages.labels(text)] == [("sec-a", 0), ("fig-x", 13)]
    assert [(h.level, h.text) for h in pages.headings(text)] == [(2, "First"), (3, "Deeper"), (2, "Second")]
    secs = pages.sections(text)
    assert list(secs) == ["First", "Second"]
    assert "## not a heading" in secs["First"] and "### Deeper" in secs["First"] and secs["Second"] == "Three.\n"
    assert pages.only_labels("(fig-x)=\n") and not pages.only_labels("(fig-x)=\nText.")
    assert pages.last_block("A figure.\n\n(fig-x)=\n").type == "myst_target"
    assert pages.last_block("(fig-x)=\n\nA figure.").type == "paragraph_close"
    assert pages.opens_with_heading("## A\ntext", range(1, 4)) and not pages.opens_with_heading("#### A", range(1, 4))
    [(none, before), (first, _), (deeper, _), (second, _)] = pages.split_at_headings(text)
    assert none is None and before == "(sec-a)=\n" and [first.level, deeper.level, second.level] == [2, 3, 2]


def test_objectives_from_the_admonition_only():
    text = ("# T\n\nIn this chapter you will not find this.\n\n"
            "````{admonition} In this chapter you will\n:class: tip\n- name the *roots*;\n  and their\n  levels,\n"
            "- explain {term}`sciatica <Sciatica>`, and\n- decide.\n\n```{note}\n- not an objective\n```\n````\n")
    assert pages.objectives(text) == ["name the *roots*; and their levels", "explain {term}`sciatica <Sciatica>`",
                                      "decide"]
    assert pages.objectives("Nothing here.") == []


def test_prose_leaves_out_what_is_not_read():
    text = ("# Heading\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n$$x^2$$\n\nThe area is $x^2$ metres {numref}`fig-a`.\n\n"
            "```{bibliography}\n:all:\n```\n\n```{note}\n:class: tip\nA note.\n```\n\n<div>html</div>\n\n"
            "See snake_case and [a link](https://example.org) ![a picture](x.png).\n")
    assert pages.prose(text).splitlines() == [
        "The area is metres.", "A note.", "See snake_case and a link a picture."]


def test_rewrite_replaces_each_construct_in_place():
    text = ("(fig-a)=\nSee {ref}`the figure <fig-a>` and ``{cite}`x` `` and {cite}`a,b`.\n\n"
            ":::{note}\nIn {term}`t`.\n:::\nEnd\n")
    seen: list[str] = []

    def directive(d: pages.Directive) -> str:
        seen.append(d.name)
        return "> " + pages.rewrite(d.body, role=lambda r: r.text.upper())

    out = pages.rewrite(text, role=lambda r: f"[{'+'.join(r.keys)}]" if r.is_citation else r.text,
                        directive=directive, label=lambda _label: "")
    assert out == "See the figure and ``{cite}`x` `` and [a+b].\n\n> In T.\nEnd\n"
    assert seen == ["note"]
    # no callbacks: the text comes back as written; ``literal`` sees only the text between constructs
    assert pages.rewrite(text) == text
    escaped = pages.rewrite("a < {term}`b` & c", role=lambda r: "<B>", literal=lambda s: s.replace("<", "&lt;"))
    assert escaped == "a &lt; <B> & c"
    # a role whose content wraps onto the next (indented) line
    assert pages.rewrite("- one {term}`long\n  name` two\n", role=lambda r: "X") == "- one X two\n"


def test_render_inline_reads_one_line_without_block_syntax():
    html = pages.render_inline("1. **Strong** *em* <b> & {cite}`k`", role=lambda r: "(K & co)",
                               esc=lambda s: s.replace("&", "&amp;").replace("<", "&lt;"))
    assert html == "1. <strong>Strong</strong> <em>em</em> &lt;b> &amp; (K &amp; co)"


def test_blocks_of_a_text():
    text = ("Para one\ncontinues.\n\n- item\n  wrapped\n  - nested\n\n| a |\n|---|\n| 1 |\n\n"
            "> quoted\n> more\n\n```\ncode\n```\n")
    assert pages.blocks(text) == [("para", ["Para one continues."]), ("list", ["item wrapped", "nested"]),
                                  ("table", ["| a |", "|---|", "| 1 |"]), ("quote", ["quoted more"]),
                                  ("code", ["```", "code", "```"])]


def test_read_a_notebook_cells_and_tags(tmp_path):
    path = tmp_path / "99-x.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# X\n\nText."),
                                       new_code_cell("figures.a()", metadata={"tags": ["hide-input"]}),
                                       new_markdown_cell("More.")]), path)
    page = pages.read(path)
    assert [(c.index, c.kind, c.tags) for c in page.cells] == [(0, "markdown", []), (1, "code", ["hide-input"]),
                                                             (2, "markdown", [])]
    assert page.markdown == "# X\n\nText.\n\nMore." and page.prose() == "Text.\nMore."
    assert [c.source for c in page.code_cells] == ["figures.a()"]
    md = tmp_path / "page.md"
    md.write_text("# Page\n\nWords {cite}`k`.\n")
    assert pages.read(md).prose() == "Words."


def test_a_bad_notebook_is_one_line_naming_the_file_and_cell(tmp_path):
    bad = tmp_path / "98-bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(CourseDataError, match=r"^98-bad\.ipynb: is not a readable notebook \(\w+\)$"):
        pages.read(bad)
    odd = tmp_path / "97-odd.ipynb"
    nb = json.loads(nbformat.writes(new_notebook(cells=[new_markdown_cell("ok"), new_markdown_cell("x")])))
    nb["cells"][1]["source"] = 5
    odd.write_text(json.dumps(nb))
    with pytest.raises(CourseDataError, match=r"^97-odd\.ipynb: cell 1: source: is not text$"):
        pages.read(odd)


def test_every_chapter_reads_and_its_label_cells_are_labels():
    """Every chapter parses; a cell the slides skip as a bare label is one the book sees as targets only."""
    for chapter in CHAPTERS:
        path = notebook_path(chapter.stem)
        page = pages.read(path)
        assert pages.objectives(page.markdown), path.name
        for cell in page.markdown_cells:
            if cell.source.strip().startswith("(") and cell.source.strip().endswith(")="):
                assert pages.only_labels(cell.source), (path.name, cell.index)
