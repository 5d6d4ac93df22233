"""The fairness report's age bands, computed in bulk, agree with a plain birthday count."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa

from jigsaw.alerts.report import AGE_BANDS, children_of

TODAY = date(2026, 3, 1)


def _expected_band(born: date | None) -> str | None:
    if born is None:
        return None
    years = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
    return next((label for low, high, label in AGE_BANDS if low <= years < high), None)


def test_age_bands_match_a_birthday_count_at_every_boundary():
    births = [None, date(2008, 2, 29), date(2008, 3, 1), date(2008, 3, 2), date(2025, 3, 1), date(2025, 3, 2),
              date(2026, 3, 1), date(2027, 1, 1), date(1990, 6, 30)]
    births += [TODAY - timedelta(days=d) for d in range(0, 19 * 366, 17)]
    table = pa.table({"person_id": pa.array(range(len(births)), pa.int64()),
                      "birth_date": pa.array(births, pa.date32()),
                      "sex": pa.array(["F"] * len(births)), "ethnicity": pa.array(["WBRI"] * len(births))})
    got = children_of(table, TODAY)
    expected = {i: band for i, band in enumerate(map(_expected_band, births)) if band is not None}
    assert {i: c["age_band"] for i, c in got.items()} == expected
    assert got[3]["age_band"] == "16-17" and 1 not in got and 2 not in got  # 18 today (29 Feb: by 1 March)
    assert got[4] == {"ethnicity": "White", "sex": "F", "age_band": "1-4"}
