"""``jigsaw import``: feed files to stored records, losing nothing (see run.py)."""

from .run import FileResult, ImportBusyError, ImportReport, import_file, import_paths

__all__ = ["FileResult", "ImportBusyError", "ImportReport", "import_file", "import_paths"]
