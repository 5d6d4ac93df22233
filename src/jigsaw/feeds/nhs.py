"""NHS number checks.

Source: NHS Data Dictionary, "NHS Number" — 10 digits, the tenth a modulus 11 check digit:
weights 10..2 on the first nine digits, check = 11 - (sum mod 11); 11 becomes 0 and 10 means the
number is invalid. A passing check digit says the number is well-formed, not that it was issued.

The importer keeps a failing NHS number aside (a warning, not a rejection) so a child never
vanishes from the index over a typo; see DESIGN.md "Canonical feed format".
"""

from __future__ import annotations

from operator import mul

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
#: the ASCII codes of the digits carry 48 each; subtract 48 x (sum of the weights) once
_ASCII_BIAS = 48 * sum(_WEIGHTS)


def normalise_nhs_number(text: str) -> str | None:
    """The bare 10-digit string, with spaces and hyphens removed (``943 476 5919`` style).

    ``None`` unless exactly 10 ASCII digits remain. The check digit is not examined, so a
    mistyped number can still be shown back to the person who sent it.
    """
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) == 10 and digits.isascii() and digits.isdigit():
        return digits
    return None


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine ASCII digits, or ``None`` when no digit can make them valid.

    ``None`` also for input that is not exactly nine ASCII digits.
    """
    if len(first_nine) != 9 or not (first_nine.isascii() and first_nine.isdigit()):
        return None
    total = sum(map(mul, first_nine.encode(), _WEIGHTS)) - _ASCII_BIAS
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(text: str) -> bool:
    """True when ``text`` normalises to 10 digits with a correct check digit.

    Also rejects numbers made of one repeated digit (``0000000000``, ``1111111111``, ...). That is
    not a Data Dictionary rule: all ten pass the modulus 11 check, but none is issued and they
    are common "unknown" placeholders, so NHS analysts' validation routines reject them too.
    Matching on a placeholder would join unrelated children.
    """
    digits = normalise_nhs_number(text)
    if digits is None or digits == digits[0] * 10:
        return False
    return nhs_check_digit(digits[:9]) == ord(digits[9]) - 48
