"""Unique Pupil Number (UPN) checks.

Source: Department for Education, "Unique pupil numbers (UPNs): guidance for schools and local
authorities". A UPN is 13 characters: 1 check letter; 2-4 local authority number; 5-8
establishment number; 9-10 year of allocation; 11-13 serial number, where character 13 may be a
letter in a temporary UPN. Check letter: multiply characters 2-13 by weights 2-13 (digits at
face value, a letter by its index in ``ABCDEFGHJKLMNPQRTUVWXYZ``), sum, take the remainder mod
23 and read the letter at that index of the same 23-letter alphabet.

SSDA903 / CIN "UPN unknown" codes (UN1-UN5) are not UPNs and normalise to ``None``.
"""

from __future__ import annotations

import re
from operator import mul

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"

_LAST_TWELVE = re.compile(rf"[0-9]{{11}}[0-9{ALPHABET}]")
_UPN = re.compile(rf"[{ALPHABET}][0-9]{{11}}[0-9{ALPHABET}]")
_VALUE = {str(d): d for d in range(10)} | {letter: i for i, letter in enumerate(ALPHABET)}
_WEIGHTS = range(2, 13)  # characters 2-12, always digits; character 13 has weight 13
_ASCII_BIAS = 48 * sum(_WEIGHTS)


def upn_check_letter(last_twelve: str) -> str | None:
    """The check letter for UPN characters 2-13, or ``None`` if they are not well-formed."""
    if _LAST_TWELVE.fullmatch(last_twelve) is None:
        return None
    return _letter(last_twelve)


def _letter(body: str) -> str:
    """The check letter for characters 2-13 already known to be well-formed."""
    total = sum(map(mul, body[:11].encode(), _WEIGHTS)) - _ASCII_BIAS
    return ALPHABET[(total + _VALUE[body[11]] * 13) % 23]


def normalise_upn(text: str) -> str | None:
    """Upper-cased UPN with whitespace removed, if it has the UPN shape; else ``None``.

    The check letter is not examined, so a mistyped UPN can still be reported back as sent.
    """
    upn = "".join(text.split()).upper()
    return upn if upn.isascii() and _UPN.fullmatch(upn) else None


def is_valid_upn(text: str) -> bool:
    """True when ``text`` normalises to a UPN whose first letter is the correct check letter."""
    upn = normalise_upn(text)
    return upn is not None and _letter(upn[1:]) == upn[0]
