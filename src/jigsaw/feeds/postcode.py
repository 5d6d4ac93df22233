"""UK postcode format normalisation.

Source: Office for National Statistics, Postcode Products, "format of the postcode" (as in
BS 7666): an outward code of form A9, A99, AA9, AA99, A9A or AA9A, a space, and an inward code
9AA whose two unit letters never include C, I, K, M, O or V; plus the special GIR 0AA.

This is a format check, not an existence check (no postcode directory is consulted), and the
finer per-position letter restrictions of the outward code are deliberately not enforced: a
plausible but unknown postcode is still useful for matching and for showing a practitioner.
"""

from __future__ import annotations

import re

from jigsaw.feeds.errors import FieldError

_OUTWARD = r"(?:[A-Z]{1,2}[0-9]{1,2}|[A-Z]{1,2}[0-9][A-Z])"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
#: compact (no space) upper-case form
_COMPACT = re.compile(rf"{_OUTWARD}{_INWARD}|GIR0AA")
#: canonical "OUTWARD INWARD" form; group 1 is the area letters
_CANONICAL = re.compile(rf"(?:([A-Z]{{1,2}})[0-9][0-9A-Z]?|(GIR)) {_INWARD}")


def normalise_postcode(text: str) -> str | None:
    """Canonical ``"OUTWARD INWARD"`` upper case with one space, or ``None`` if not a postcode.

    Case and whitespace anywhere are ignored (``"sw1a1aa"`` -> ``"SW1A 1AA"``) because feeds
    type postcodes every way; the canonical form lets two sources' addresses be compared.
    """
    compact = "".join(text.split())  # any whitespace, including spreadsheet no-break spaces
    if not compact.isascii():  # checked before upper(), which turns e.g. "ﬀ" into "FF"
        return None
    compact = compact.upper()
    if _COMPACT.fullmatch(compact) is None:
        return None
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_parts(canonical: str) -> tuple[str, str, str, str]:
    """(area, district, sector, unit) of a canonical postcode.

    ``"SW1A 1AA"`` -> ``("SW", "SW1A", "SW1A 1", "SW1A 1AA")``; ``"GIR 0AA"`` has area and
    district ``"GIR"``. Coarser parts let reports and matching work at the level that is safe.
    Raises :class:`FieldError` for anything :func:`normalise_postcode` would not produce.
    """
    match = _CANONICAL.fullmatch(canonical)
    if match is None or _COMPACT.fullmatch(canonical.replace(" ", "")) is None:
        raise FieldError("postcode is not in canonical form (expected e.g. 'SW1A 1AA')")
    outward = canonical[:-4]
    return (match.group(1) or match.group(2), outward, canonical[:-2], canonical)
