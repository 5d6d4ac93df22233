"""Neutralising spreadsheet formulas in CSV exports.

Source: OWASP, "CSV Injection": a cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage
return may be run as a formula by spreadsheet software, so exports prefix it with a single quote.

Stored data stays exactly as the source sent it (DESIGN.md: text that looks like a formula is
data); only CSV exports call :func:`neutralise_formula`, so nothing is lost or altered on import.
"""

from __future__ import annotations

_TRIGGERS = frozenset("=+-@\t\r")


def neutralise_formula(value: str) -> str:
    """``value`` prefixed with ``'`` if a spreadsheet could read it as a formula; else unchanged."""
    if value and value[0] in _TRIGGERS:
        return "'" + value
    return value
