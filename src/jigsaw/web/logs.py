"""What an unhandled error leaves in the application log: its kind, the path, where it was raised.

Django's ``django.request`` logger reports a 500 with its traceback, whose exception text can quote
the data (a database's "Key (name)=(...) already exists"), and the house rule is that application
logs hold no personal data. Without the logger an operator never learns of a 500 at all; with this
filter they learn the exception's class and the innermost Jigsaw frame, never its message.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

#: Jigsaw's own source files: a frame elsewhere (Django, a library) does not say where in Jigsaw
PACKAGE = Path(__file__).resolve().parent.parent


class ErrorWithoutDetail(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc_type, exc, tb = record.exc_info or (None, None, None)
        if exc is not None:
            frames = [f for f in traceback.extract_tb(tb)
                      if Path(f.filename).resolve().is_relative_to(PACKAGE)]
            where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
            record.msg = f"{record.getMessage()} ({exc_type.__name__}{where})"
            record.args = ()
            record.exc_info = record.exc_text = None
        return True
