"""Code and data for the interactive course on sciatica and massage therapy.

Modules:
- ``data``: the only module that knows file paths (question banks, studies, bibliography).
- ``errors``: the one error type whose message names the file, the item and the field.
- ``display``: output bundles that render in JupyterLab *and* in the static book.
- ``quiz``: question banks, grading, widgets for JupyterLab and static HTML for the book.
- ``evidence`` and ``figures``: the study dataset and one plotly function per figure.
"""

__version__ = "0.1.0"
