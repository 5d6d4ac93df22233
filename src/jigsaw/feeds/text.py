"""Neutralising spreadsheet formulas in CSV exports.

Source: OWASP, "CSV Injection": a cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage
return may be run as a formula by spreadsheet software, so exports prefix it with a single quote.

Stored data stays exactly as the source sent it (DESIGN.md: text that looks like a formula is
data); only CSV exports call :func:`neutralise_formula`, so nothing is lost or altered on import.
A CSV that Jigsaw writes and reads back (a review's KNOWN.csv) undoes it with
:func:`restore_formula`.
"""

from __future__ import annotations

_TRIGGERS = frozenset("=+-@\t\r")


def _quoted(value: str) -> bool:
    """True when ``value``, past any leading quotes, begins a formula: a formula needs a quote,
    and a text already quoted so needs one more to be told from it when read back."""
    return value.lstrip("'")[:1] in _TRIGGERS


def neutralise_formula(value: str) -> str:
    """``value`` prefixed with ``'`` if a spreadsheet could read it as a formula; else unchanged."""
    return "'" + value if _quoted(value) else value


def restore_formula(value: str) -> str:
    """What :func:`neutralise_formula` was given: the quote it added, and only that, removed."""
    return value[1:] if value[:1] == "'" and _quoted(value[1:]) else value
