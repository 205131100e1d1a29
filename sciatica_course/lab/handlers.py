"""The two read-only pages the course's JupyterLab extension asks for (see ``__init__``)."""

from __future__ import annotations

import json

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web

from . import DATA_URL, REFERENCES_URL, lab_data, references_page


class LabDataHandler(JupyterHandler):
    @web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(json.dumps(lab_data()))


class ReferencesHandler(JupyterHandler):
    @web.authenticated
    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(references_page())


def handlers(base_url: str) -> list:
    return [
        (url_path_join(base_url, DATA_URL), LabDataHandler),
        (url_path_join(base_url, REFERENCES_URL), ReferencesHandler),
    ]
