"""One record normalised in plain Python: what :func:`~jigsaw.identity.prepare.prepare` does to a
table, for the few records a search scores.

A one-shot ``jigsaw search`` normalises one query and a few hundred candidates; doing that with
Arrow means loading PyArrow and NumPy (a fifth of the command's CPU time) for no gain. The value
rules (placeholder given names, postcodes, addresses, swapped dates) live here once and
:mod:`~jigsaw.identity.prepare` applies the same functions column-wise; tests/identity check that
both give the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from jigsaw.feeds import normalise_postcode, postcode_parts
from jigsaw.identity.address import address_lines
from jigsaw.identity.contract import INPUT_COLUMNS
from jigsaw.identity.names import (
    canonical_given,
    given_name_groups,
    initial,
    name_tokens,
    normalise_name,
    surname_tokens,
)

#: Raw columns a caller supplies (any other columns are ignored).
RAW_COLUMNS = ("unique_id", "source_system", "given_name", "family_name", "other_names",
               "birth_date", "sex", "nhs_number", "upn", "postcode", "address")

#: Given names that stand in for a name not yet known (maternity and ED records of newborns):
#: treated as missing, so "Baby Smith" neither matches nor contradicts a named child.
PLACEHOLDER_GIVEN_NAMES = frozenset({"baby", "unborn", "infant", "unknown", "unnamed"})

_NO_POSTCODE: dict[str, str | None] = {"unit": None, "sector": None, "district": None}
_NO_ADDRESS: dict[str, str | None] = {"house": None, "street": None, "place": None, "locality": None,
                                       "code": None}


def swapped(iso: str) -> str | None:
    """The date with day and month exchanged, where that is a different valid date."""
    year, month, day = iso[:4], iso[5:7], iso[8:10]
    if day == month or int(day) > 12:
        return None
    return f"{year}-{day}-{month}"


def postcode(raw: str) -> dict[str, str | None]:
    """Unit, sector and district of a UK postcode (all ``None`` when it is not one)."""
    canonical = normalise_postcode(raw)
    if canonical is None:
        return dict(_NO_POSTCODE)
    _, district, sector, unit = postcode_parts(canonical)
    return {"unit": unit, "sector": sector, "district": district}


def address_postcode(raw: str) -> dict[str, str | None]:
    """A postcode read from an address: UK with its parts, else a foreign code kept as text."""
    parts = postcode(raw)
    return parts if parts["unit"] else {"unit": raw.lower(), "sector": None, "district": None}


def address(text: str) -> dict[str, str | None]:
    house, street, place, locality, code = address_lines(text)
    # street, place and locality are compared without spaces: typists split and join words
    # ("Cope Place" / "Copeplace", "Dalrymple S treet"), and the words are already expanded
    street, place, locality = street.replace(" ", ""), place.replace(" ", ""), locality.replace(" ", "")
    return {"house": house or None, "street": street or None, "place": place or None,
            "locality": locality or None, "code": code or None}


def given(text: str) -> str:
    """The given name with a placeholder ("Baby") taken as unknown."""
    tokens = name_tokens(text)
    return "" if not tokens or tokens[0] in PLACEHOLDER_GIVEN_NAMES else text


def given_first(text: str) -> str | None:
    tokens = name_tokens(given(text))
    return tokens[0] if tokens else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _blank_to_null(value: Any) -> str | None:
    """Arrow's ``utf8_trim_whitespace`` strips the same characters as ``str.strip``."""
    text = None if value is None else str(value).strip()
    return text or None


def prepare_row(record: Mapping[str, Any], unique_id: int | None = None) -> dict[str, Any]:
    """The model's input columns for one record of :data:`RAW_COLUMNS` (absent ones unknown),
    exactly as :func:`~jigsaw.identity.prepare.prepare` gives them for that record's row.

    ``unique_id`` replaces the record's own (a search query has none).
    """
    g, f = _text(record.get("given_name")), _text(record.get("family_name"))
    birth = record.get("birth_date")
    birth = _blank_to_null(birth.isoformat() if isinstance(birth, date) else birth)
    place = _blank_to_null(record.get("address"))
    where = address(place) if place is not None else _NO_ADDRESS
    code = _blank_to_null(record.get("postcode"))
    stated = postcode(code) if code is not None else _NO_POSTCODE
    read = address_postcode(where["code"]) if where["code"] is not None else _NO_POSTCODE
    post = stated if stated["unit"] is not None else read
    sex = _blank_to_null(record.get("sex"))
    uid = record.get("unique_id") if unique_id is None else unique_id
    columns = {
        "unique_id": None if uid is None else int(uid),
        "source_system": _text(record.get("source_system")),
        "given_name": None if g is None else (given_first(g) or None),
        "given_group": None if g is None else (canonical_given(given(g)) or None),
        "given_groups": None if g is None else (sorted(given_name_groups(given(g))) or None),
        "given_tokens": None if g is None else (list(name_tokens(given(g))) or None),
        "given_initial": None if g is None else (initial(given(g)) or None),
        "family_name": None if f is None else (normalise_name(f, drop_titles=False) or None),
        "family_tokens": None if f is None else (list(surname_tokens(f)) or None),
        "birth_date": birth,
        "birth_date_swapped": None if birth is None else swapped(birth),
        "birth_year": None if birth is None else int(birth[:4]),
        "sex": sex if sex in ("M", "F") else None,
        "nhs_number": _blank_to_null(record.get("nhs_number")),
        "upn": _blank_to_null(record.get("upn")),
        "postcode": post["unit"],
        "postcode_sector": post["sector"],
        "postcode_district": post["district"],
        "house_number": where["house"],
        "street": where["street"],
        "place": where["place"],
        "locality": where["locality"],
    }
    return {name: columns[name] for name in INPUT_COLUMNS}
