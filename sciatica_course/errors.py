"""One error type for bad course data: its message names the file, the item and the field."""

from __future__ import annotations


class CourseDataError(ValueError):
    """Raised when a data file (question bank, study record, progress file) is malformed.

    ``str(err)`` reads like ``03-anatomy.yaml: question roots-01: answer: 'L6' is not one of the
    options`` so that authors can fix the file without reading a traceback.
    """

    def __init__(self, file: str, item: str | None, field: str | None, problem: str):
        self.file, self.item, self.field, self.problem = file, item, field, problem
        parts = [file]
        if item:
            parts.append(item)
        if field:
            parts.append(field)
        super().__init__(": ".join(parts) + ": " + problem)
