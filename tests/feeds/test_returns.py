"""The DfE return readers: recognition, mapping to the vocabulary, codes, hostile input."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest

from jigsaw.feeds.readers import FeedFileError
from jigsaw.feeds.returns import codes, recognise, return_parts
from jigsaw.feeds.vocabulary import EVENT_TYPES
from tests.feeds.returns_corpus import BILLION_LAUGHS, EXTERNAL_ENTITY, write_returns


def rows_of(path: Path, known: frozenset[str] = frozenset()) -> dict[str, list]:
    return {part.what: list(part.rows()) for part in return_parts(path, "csc", known)}


@pytest.fixture
def returns(tmp_path) -> dict[str, Path]:
    return {p.stem: p for p in write_returns(tmp_path / "r")}


def test_files_are_recognised_by_content_not_name(returns, tmp_path):
    renamed = tmp_path / "export_1.csv"
    renamed.write_bytes(returns["episodes"].read_bytes())
    assert recognise(renamed) == "903_episodes"
    assert recognise(returns["header"]) == "903_header"
    assert recognise(returns["missing"]) == "903_missing"
    assert recognise(returns["cin_census"]) == "cin"
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    assert recognise(other) is None


def test_cin_child_becomes_an_unnamed_person_unless_the_source_sent_it(returns):
    people = rows_of(returns["cin_census"])["CIN census: children"]
    assert [r.values[1] for r in people] == ["OWN-1", "LA-2"]
    la2 = people[1].values
    assert la2[2:4] == ["", ""] and la2[4] == "2016-02-01" and la2[6] == "M"
    assert la2[8] == "W990000019001" and la2[13] == "WBRI"
    known = rows_of(returns["cin_census"], frozenset({"OWN-1"}))["CIN census: children"]
    # the source's own child is read but carries nothing to load (counted unchanged)
    assert [r.values[1] if r.values else None for r in known] == [None, "LA-2"]
    assert known[0].problem is None and "OWN-1" in known[0].raw


def test_cin_dates_map_to_the_vocabulary_with_codes_in_words(returns):
    events = rows_of(returns["cin_census"])["CIN census: episodes of need"]
    by_type = {r.values[3]: r for r in events if r.values and r.values[2] == "OWN-1"}
    assert set(by_type) == {"referral", "assessment_start", "assessment_end", "section47_start",
                            "cp_conference", "cp_plan_start", "cp_plan_end", "case_closed"}
    assert any(r.values and r.values[3] == "cin_plan_start" for r in events)
    assert all(t in EVENT_TYPES for t in by_type)
    assert "source: 2A school" in by_type["referral"].values[9]
    assert "primary need: N1 abuse or neglect" in by_type["referral"].values[9]
    assert "category of abuse: NEG neglect" in by_type["cp_plan_start"].values[9]
    closure = json.loads(by_type["case_closed"].values[12])
    assert closure["closure_reason"] == "RC7" and "no longer in need" in closure["closure_reason_text"]
    lines = [r.line for r in events]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)


def test_unknown_code_is_a_warning_and_the_row_stays(returns):
    events = rows_of(returns["cin_census"])["CIN census: episodes of need"]
    plan_end = next(r for r in events if r.values and r.values[3] == "cp_plan_end")
    assert plan_end.warnings and plan_end.warnings[0][0] == "LatestCategoryOfAbuse"
    assert "ZZZ (unknown code)" in plan_end.values[9]
    referral = next(r for r in events if r.values and r.values[2] == "LA-2"
                    and r.values[3] == "referral")
    assert referral.warnings[0][0] == "ReferralSource"
    assert json.loads(referral.values[12])["disabilities"] == ["MOB"]


def test_a_bad_date_is_a_problem_row_not_a_lost_row(returns):
    events = rows_of(returns["cin_census"])["CIN census: episodes of need"]
    [bad] = [r for r in events if r.problem]
    assert "CINPlanEndDate is not a date" in bad.problem and "2024-13-01" in bad.raw


def test_903_episodes_start_change_and_leave_care(returns):
    parts = rows_of(returns["episodes"])
    starts = parts["SSDA903 episodes: starts"]
    assert [r.values[3] if r.values else None for r in starts] == [
        "looked_after_start", "placement_change", "care_status_change", None]
    assert starts[0].values[4] == "2024-06-01"
    assert "legal status: C1 interim care order" in starts[0].values[9]
    assert starts[2].warnings[0][0] == "LS"
    assert "DECOM is not a dd/mm/yyyy date" in starts[3].problem
    [ended] = parts["SSDA903 episodes: leaving care"]  # X1 and open episodes are not endings
    assert ended.values[3] == "looked_after_end" and ended.values[4] == "2025-01-15"
    assert "E4A returned home" in ended.values[9]


def test_903_missing_and_header(returns):
    parts = rows_of(returns["missing"])
    assert [r.values[3] for r in parts["SSDA903 missing: episodes"]] == ["missing_episode"] * 2
    [back] = parts["SSDA903 missing: returns"]
    assert back.values[3] == "missing_return" and back.values[4] == "2024-09-04"
    [header] = rows_of(returns["header"], frozenset({"LA-2"})).values()
    # LA-2 is the source's own child: read, nothing to load
    assert [r.values[1] if r.values else None for r in header] == [None, "LA-3"]
    assert header[1].values[8] == ""  # UN2 says why the UPN is unknown; it is not a UPN


def test_malformed_xml_is_refused_in_one_line(tmp_path):
    path = tmp_path / "cin.xml"
    path.write_text("<Message><Header><CollectionDetails><Collection>CIN</Collection>"
                    "</CollectionDetails></Header><Children><Child></Children></Message>")
    with pytest.raises(FeedFileError) as caught:
        for part in return_parts(path, "csc", frozenset()):
            list(part.rows())
    assert "not well-formed XML" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("<Other><Collection>CIN</Collection></Other>", "root is <Other>"),
    ("<Message><Header><CollectionDetails><Collection>SWF</Collection></CollectionDetails>"
     "</Header><Children><Child/></Children></Message>", "collection is SWF"),
])
def test_xml_that_is_not_a_cin_census_is_refused(tmp_path, text, expected):
    path = tmp_path / "x.xml"
    path.write_text(text)
    with pytest.raises(FeedFileError, match=expected):
        list(return_parts(path, "csc", frozenset())[0].rows())


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY,
                                  "\ufeff<?xml version='1.0'?>\n<!-- a comment -->\n" + BILLION_LAUGHS
                                  .split("?>", 1)[-1]])
def test_hostile_xml_is_refused_as_declaring_a_dtd_without_expanding_anything(tmp_path, text):
    path = tmp_path / "cin.xml"
    path.write_text(text, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for part in return_parts(path, "csc", frozenset()):
        with pytest.raises(FeedFileError, match=r"declares a DTD, which a CIN census never has"):
            list(part.rows())
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000  # the expanded entity would be ~1.9 GB


def test_code_lists_decode_case_insensitively():
    assert codes.words(codes.PLACEMENT_TYPE, "u4").startswith("foster placement")
    assert codes.words(codes.EPISODE_END_REASON, "X1").startswith("episode ceased")
    assert codes.words(codes.REFERRAL_SOURCE, "nope") is None
