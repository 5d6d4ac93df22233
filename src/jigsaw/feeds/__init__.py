"""Feeds engine: the canonical record types, the event vocabulary, validators and readers (no Django).

Other packages import these names from ``jigsaw.feeds`` itself; the modules behind them are
loaded on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from jigsaw.lazy import lazy_api

#: Each public name and the module that defines it (loaded on first use).
_WHERE = {
    "EVENT_TYPES": "vocabulary",
    "FeedFile": "readers",
    "FeedFileError": "readers",
    "FeedKind": "kinds",
    "FieldError": "errors",
    "INJURY_TYPES": "vocabulary",
    "KEY_SEPARATOR": "kinds",
    "KINDS": "kinds",
    "LONDON": "dates",
    "MOBILITY": "vocabulary",
    "UNSCHEDULED_CARE": "vocabulary",
    "URGENT_CARE_SETTINGS": "vocabulary",
    "PARSERS": "rows",
    "ReturnPart": "returns",
    "RowRejected": "rows",
    "STORED_COLUMNS": "rows",
    "csww": "returns",  # the CSWW workforce return reader (a module: csww.read, csww.CSWWError)
    "date_from_parts": "dates",
    "age_in_words": "dates",
    "discover": "readers",
    "event_label": "vocabulary",
    "ethnic_group": "ethnicity",
    "is_return": "returns",
    "is_known": "vocabulary",
    "is_valid_nhs_number": "nhs",
    "kind_of": "kinds",
    "neutralise_formula": "text",
    "next_working_day": "calendar",
    "normalise_nhs_number": "nhs",
    "normalise_postcode": "postcode",
    "open_feed": "readers",
    "parse_date": "dates",
    "parts_count": "returns",
    "postcode_parts": "postcode",
    "read_fields_up_to": "readers",
    "restore_formula": "text",
    "return_parts": "returns",
}

__all__ = [
    "EVENT_TYPES",
    "INJURY_TYPES",
    "KEY_SEPARATOR",
    "KINDS",
    "LONDON",
    "MOBILITY",
    "PARSERS",
    "STORED_COLUMNS",
    "UNSCHEDULED_CARE",
    "URGENT_CARE_SETTINGS",
    "FeedFile",
    "FeedFileError",
    "FeedKind",
    "FieldError",
    "ReturnPart",
    "RowRejected",
    "age_in_words",
    "csww",
    "date_from_parts",
    "discover",
    "ethnic_group",
    "event_label",
    "is_known",
    "is_return",
    "is_valid_nhs_number",
    "kind_of",
    "neutralise_formula",
    "next_working_day",
    "normalise_nhs_number",
    "normalise_postcode",
    "open_feed",
    "parse_date",
    "parts_count",
    "postcode_parts",
    "read_fields_up_to",
    "restore_formula",
    "return_parts",
]

if TYPE_CHECKING:
    from .calendar import next_working_day
    from .dates import LONDON, age_in_words, date_from_parts, parse_date
    from .errors import FieldError
    from .ethnicity import ethnic_group
    from .kinds import KEY_SEPARATOR, KINDS, FeedKind, kind_of
    from .nhs import is_valid_nhs_number, normalise_nhs_number
    from .postcode import normalise_postcode, postcode_parts
    from .readers import FeedFile, FeedFileError, discover, open_feed, read_fields_up_to
    from .returns import ReturnPart, csww, is_return, parts_count, return_parts
    from .rows import PARSERS, STORED_COLUMNS, RowRejected
    from .text import neutralise_formula, restore_formula
    from .vocabulary import (
        EVENT_TYPES,
        INJURY_TYPES,
        MOBILITY,
        UNSCHEDULED_CARE,
        URGENT_CARE_SETTINGS,
        event_label,
        is_known,
    )


__getattr__, __dir__ = lazy_api(__name__, _WHERE)
