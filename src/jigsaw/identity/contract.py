"""What the model's callers share without loading the model: its input columns and thresholds.

:mod:`jigsaw.identity.prepare` needs the columns for every search and every newly imported
record, and the search its bands; defined beside the model (Splink, pandas) they cost a one-shot
``jigsaw search`` a second or more of start-up. :mod:`jigsaw.identity.model` and
:mod:`jigsaw.identity.linkage` re-export them, so older imports still work.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Columns the prepared input table must have (see :mod:`jigsaw.identity.prepare`).
INPUT_COLUMNS = (
    "unique_id", "source_system", "given_name", "given_group", "given_groups", "given_tokens",
    "given_initial", "family_name", "family_tokens", "birth_date", "birth_date_swapped", "birth_year", "sex",
    "nhs_number", "upn", "postcode", "postcode_sector", "postcode_district", "house_number", "street",
    "place", "locality",
)


@dataclass
class Thresholds:
    """Where a pair links by itself and where a person must decide (the review band)."""

    link: float = 0.99
    review: float = 0.5
