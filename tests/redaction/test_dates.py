"""Dates generalised by policy (month and year by default, or the child's age)."""

from __future__ import annotations

from datetime import date

import pytest

from jigsaw.redaction import DatePolicy, KnownEntity, Redactor


def _redact(text: str, policy: DatePolicy | None = None) -> str:
    return Redactor([KnownEntity("place", "Nowhere")], policy, use_model=False).redact(text).text


@pytest.mark.parametrize(("text", "expected"), [
    ("Seen on 12 October 2021.", "Seen in October 2021."),
    ("On Tuesday 4 January 2022 she fell.", "In January 2022 she fell."),
    ("Born 03/05/2019, seen 7.3.22 and 2022-03-07.", "Born May 2019, seen March 2022 and March 2022."),
    ("Seen on the 14th of January 2022.", "Seen in January 2022."),
    ("Seen October 12, 2021.", "Seen October 2021."),
    ("In October 2021 and spring 2021.", "In October 2021 and spring 2021."),
    ("On 31/02/2021 nothing.", "On 31/02/2021 nothing."),
])
def test_month_year_policy(text, expected):
    assert _redact(text) == expected


def test_year_policy():
    assert _redact("Seen on 12 October 2021.", DatePolicy("year")) == "Seen in 2021."


def test_age_policy_uses_the_birth_date():
    policy = DatePolicy("age", birth_date=date(2019, 2, 3))
    assert _redact("On 12 October 2021 she fell; in May 2019 too.", policy) == (
        "When Child A was 2 years 8 months old she fell; when Child A was 3 months old too.")
    assert _redact("Seen on 1 January 2019.", policy) == "Seen before Child A was born."


def test_age_policy_needs_a_birth_date_and_unknown_policies_are_refused():
    with pytest.raises(ValueError, match="birth date"):
        DatePolicy("age")
    with pytest.raises(ValueError, match="expected one of"):
        DatePolicy("week")
