"""JupyterLab shows the course as the book does (issue 12).

jupyterlab-myst renders the notebooks' MyST (admonitions, dropdowns, labels) in JupyterLab, but it
has no bibliography and no view of the other pages: a ``{cite}`` shows its bare key with a warning
icon, and a ``{doc}`` link shows the target's file name and points to a download. This package
closes that gap from the same sources the book uses, so nothing is written twice:

- a Jupyter server extension (this module) serves ``/sciatica-course/lab-data.json`` (each
  citation's label and full reference from :mod:`sciatica_course.bibliography`, each chapter's
  title from :data:`sciatica_course.course.CHAPTERS`) and ``/sciatica-course/references``, the
  reference list as one self-contained page;
- a JupyterLab extension (``labextension/``, plain JavaScript, no build step) rewrites the
  rendered citations and chapter links with that data: "(Cherkin et al., 2011)" with the full
  reference on hover, focus and click, and chapter links that open the chapter's notebook.

Both are installed into the environment by ``pip install -e .`` (``pyproject.toml``
``data-files``), so `make lab`, a plain ``jupyter lab`` and a JupyterHub image all get them.
"""

from __future__ import annotations

from html import escape

from ..bibliography import entries
from ..course import CHAPTERS

DATA_URL = "sciatica-course/lab-data.json"
REFERENCES_URL = "sciatica-course/references"


def lab_data() -> dict:
    """What the JupyterLab extension needs, from the course's single sources."""
    return {
        "citations": {k: {"label": e.label, "full": e.full, "url": e.url} for k, e in entries().items()},
        "chapters": {c.stem: f"Chapter {i}: {c.title}" for i, c in enumerate(CHAPTERS, 1)},
        "pages": {"references": "References", "glossary": "Glossary"},
        "referencesUrl": REFERENCES_URL,
    }


def references_page() -> str:
    """The reference list as one self-contained HTML page (no other file, no other host)."""
    items = "\n".join(
        f'<li id="{escape(k)}"><span class="label">{escape(e.label)}</span> {escape(e.full)}'
        + (f' <a href="{escape(e.url)}" rel="noopener">{escape(e.url)}</a>' if e.url else "")
        + "</li>"
        for k, e in sorted(entries().items(), key=lambda kv: kv[1].full.lower())
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>References: Sciatica and massage therapy</title>
<style>
body {{ font: 1rem/1.5 system-ui, sans-serif; max-width: 48rem; margin: 1rem auto; padding: 0 1rem; color: #1a1a1a; }}
li {{ margin: 0 0 0.75rem; overflow-wrap: anywhere; }}
li:target {{ background: #fff3c4; outline: 2px solid #8a6d00; }}
.label {{ font-weight: 600; display: block; }}
a {{ color: #0b57a4; }}
</style></head>
<body><main>
<h1>References</h1>
<p>The sources cited in the course, the same list as the book's references page.</p>
<ol>
{items}
</ol>
</main></body></html>
"""


def _jupyter_server_extension_points():
    return [{"module": "sciatica_course.lab"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from .handlers import handlers

    base = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", handlers(base))
