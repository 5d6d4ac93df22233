"""Ethnicity codes and their top-level groups.

Source: Department for Education, Children in Need census guide and SSDA903 (children looked
after) guide: the main ethnicity codes used in children's social care returns. The top-level
groups follow the DfE's published breakdowns (White, Mixed, Asian, Black, Chinese, Other) with
refused or not-yet-obtained as Unknown. Used for fairness reports: an alert rule that fires
unevenly across groups is a defect (DESIGN.md "Domain notes").
"""

from __future__ import annotations

ETHNICITY_CODES: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "CHNE": "Chinese",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

ETHNIC_GROUPS: tuple[str, ...] = ("White", "Mixed", "Asian", "Black", "Chinese", "Other", "Unknown")

_BY_INITIAL = {"W": "White", "M": "Mixed", "A": "Asian", "B": "Black", "C": "Chinese", "O": "Other"}
#: REFU and NOBT fall through to Unknown
_GROUP: dict[str, str] = {code: _BY_INITIAL.get(code[0], "Unknown") for code in ETHNICITY_CODES}


def ethnic_group(code: str | None) -> str:
    """The top-level group of a DfE ethnicity code; ``"Unknown"`` for blank or unrecognised codes.

    Unrecognised codes are not guessed from their first letter: a wrong group would distort the
    very fairness figures this exists to produce.
    """
    if not code:
        return "Unknown"
    return _GROUP.get(code.strip().upper(), "Unknown")
