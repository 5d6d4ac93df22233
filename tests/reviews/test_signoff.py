"""The redaction report: checked on the way in, decided item by item, applied to the text."""

import pytest

from jigsaw.reviews.models import RedactionItem
from jigsaw.reviews.signoff import apply_decisions, parse_report
from jigsaw.reviews.workflow import ReviewError

ITEM = {"start": 0, "end": 3, "category": "person", "replacement": "Child A", "reason": "known person"}


def test_a_design_format_report_is_read():
    items = parse_report(
        '[{"start": 0, "end": 3, "category": "person", "replacement": "Child A", "reason": "k"}]'
    )
    assert items == [
        {
            "start": 0,
            "end": 3,
            "category": "person",
            "replacement": "Child A",
            "reason": "k",
            "to_check": False,
        }
    ]
    assert parse_report({"replacements": [ITEM]})[0]["replacement"] == "Child A"


def test_an_item_only_listed_to_check_has_no_replacement_and_is_flagged():
    listed = parse_report(
        [{"start": 4, "end": 9, "category": "unknown", "replacement": None, "reason": "leftover"}]
    )
    assert listed[0]["replacement"] == "" and listed[0]["to_check"] is True


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("not json", "not JSON"),
        ('{"a": 1}', "JSON list"),
        ([{**ITEM, "text": "Amy"}], "carries the original text"),
        ([{k: v for k, v in ITEM.items() if k != "reason"}], "has no reason"),
        ([{**ITEM, "start": 5, "end": 2}], "bad offsets"),
        ([ITEM, {**ITEM, "start": 2, "end": 6}], "overlaps"),
        ([{**ITEM, "start": 0, "end": 2**70}], "bad offsets"),  # no column holds it (a probe's 500)
        ([{**ITEM, "replacement": "Chi\x00ld"}], "NUL character"),  # PostgreSQL cannot store it
        ([{**ITEM, "reason": "a\x00b"}], "NUL character"),
    ],
)
def test_a_bad_report_is_refused(raw, message):
    with pytest.raises(ReviewError, match=message):
        parse_report(raw)


def _item(start, end, final, decision=RedactionItem.APPROVED):
    return RedactionItem(
        index=1,
        start=start,
        end=end,
        category="person",
        replacement=final,
        reason="r",
        decision=decision,
        final=final,
    )


def test_decisions_are_applied_to_the_original_text():
    text = "Amy saw Dr Jones on Monday."
    items = [_item(0, 3, "Child A"), _item(8, 16, "GP 1")]
    assert apply_decisions(text, items) == "Child A saw GP 1 on Monday."
    kept = _item(20, 26, "")  # a listed word a person decided to keep
    assert apply_decisions(text, [*items, kept]) == "Child A saw GP 1 on Monday."
    with pytest.raises(ReviewError, match="undecided"):
        apply_decisions(text, [_item(0, 3, "", RedactionItem.PENDING)])
