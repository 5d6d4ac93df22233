"""Redaction engine: consistent pseudonyms for case review narratives (plain Python, no Django).

A review report is published anonymised: every person, school, practice, address, identifier
and exact date replaced, consistently ("Kayden", "Kayden Morris" and "Mr Morris" all become one
label), with a report of every replacement for the reviewer's sign-off. See docs/redaction.md.

Typical use, by the command line or by the reviews app with the review's own people::

    redactor = Redactor([KnownEntity("person", "Kayden Morris", "child"), ...])
    result = redactor.redact(text)          # result.text, result.report
    redact_file(Path("in.docx"), Path("out.docx"), redactor)
"""

from .dates import POLICIES, DatePolicy
from .documents import detect_format, redact_file
from .engine import Redaction, Redactor, Replacement, redact_text
from .known import CATEGORIES, ROLES, KnownEntity, RedactionError, parse_known_csv, read_known_csv

__all__ = [
    "CATEGORIES",
    "POLICIES",
    "ROLES",
    "DatePolicy",
    "KnownEntity",
    "Redaction",
    "RedactionError",
    "Redactor",
    "Replacement",
    "detect_format",
    "parse_known_csv",
    "read_known_csv",
    "redact_file",
    "redact_text",
]
