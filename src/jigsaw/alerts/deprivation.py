"""Deprivation groups from the postcode: England's index of multiple deprivation, by lookup file.

The English Indices of Deprivation (Ministry of Housing, Communities and Local Government) rank
every lower-layer super output area (LSOA) and publish its IMD decile (1 = the most deprived 10%
of areas in England). ONS's National Statistics Postcode Lookup places every postcode in an LSOA.
Joined, they give a decile per postcode. Both are published under the Open Government Licence,
but the postcode lookup covers every UK postcode (about 2.7 million rows, hundreds of megabytes),
too large to ship; a partnership extracts its own area's postcodes (tens of thousands of rows) as
a CSV with the columns ``postcode`` and ``imd_decile`` and passes it to the fairness report.
Nothing is shipped or guessed: a postcode not in the file is "Not known". (The synthetic
partnership's postcodes use areas no real postcode uses, so for synthetic data every child is
"Not known" and the deprivation table tests nothing; the report says so rather than invent figures.)
"""

from __future__ import annotations

import csv
from pathlib import Path

#: deciles grouped in fifths, the way deprivation is usually reported
QUINTILES = {1: "1-2 (most deprived)", 2: "1-2 (most deprived)", 3: "3-4", 4: "3-4", 5: "5-6", 6: "5-6",
             7: "7-8", 8: "7-8", 9: "9-10 (least deprived)", 10: "9-10 (least deprived)"}


class DeprivationLookupError(ValueError):
    """The lookup file cannot be read as postcode → IMD decile."""


def _key(postcode: str) -> str:
    return "".join(postcode.upper().split())


def read_lookup(path: Path) -> dict[str, str]:
    """Postcode (spaces removed, upper case) → deprivation group, from a ``postcode,imd_decile`` CSV."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or not {"postcode", "imd_decile"} <= set(reader.fieldnames):
                raise DeprivationLookupError(f"{path.name}: needs the columns postcode and imd_decile")
            out = {}
            for line, row in enumerate(reader, start=2):
                decile = (row["imd_decile"] or "").strip()
                if not decile.isdigit() or int(decile) not in QUINTILES:
                    raise DeprivationLookupError(f"{path.name} line {line}: imd_decile must be 1 to 10")
                out[_key(row["postcode"] or "")] = QUINTILES[int(decile)]
            return out
    except (OSError, UnicodeDecodeError) as exc:
        raise DeprivationLookupError(f"{path.name}: cannot be read ({exc.__class__.__name__})") from exc
