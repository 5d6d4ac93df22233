import pytest
from hypothesis import given
from hypothesis import strategies as st

from jigsaw.feeds.details import parse_details, validate_details
from jigsaw.feeds.vocabulary import EVENT_TYPES

SECRET = "Jane Doe told us"  # stands in for personal data that must never be echoed

# --- parse_details ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_blank_is_an_empty_object(text):
    assert parse_details(text) == ({}, None)


def test_object():
    assert parse_details('{"injury_type": "bruise", "x": [1]}') == (
        {"injury_type": "bruise", "x": [1]},
        None,
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[1, 2]", "a list"), ('"text"', "text"), ("3", "a number"), ("true", "true/false"),
     ("null", "null")],
)
def test_not_an_object(text, kind):
    assert parse_details(text) == (None, f"details must be a JSON object, got {kind}")


def test_invalid_json_gives_position_not_content():
    value, problem = parse_details('{"explanation": "' + SECRET + '"')
    assert value is None
    assert problem.startswith("details is not valid JSON: ")
    assert "line 1 column" in problem
    assert "Jane" not in problem


@pytest.mark.parametrize(
    "text", ["{'single': 'quotes'}", '{"a": NaN}', '{"a": Infinity}', "{" * 100_000,
             "[" * 100_000, "1" * 5000, '{"a": 1} extra']
)
def test_invalid_json(text):
    value, problem = parse_details(text)
    assert value is None
    assert problem.startswith("details is not valid JSON: ")
    assert len(problem) < 150


@given(st.text())
def test_parse_details_never_raises(text):
    value, problem = parse_details(text)
    assert (value is None) != (problem is None)
    assert value is None or isinstance(value, dict)


# --- validate_details -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event_type", "details"),
    [
        ("contact", {}),
        ("contact", {"anything": [1, {"kept": True}]}),
        ("injury", {"injury_type": "bruise"}),
        ("injury", {"injury_type": "head_injury", "body_site": "scalp",
                    "explanation": "fell", "mobility": "not_independently_mobile"}),
        ("injury", {"injury_type": "other", "body_site": None, "explanation": None}),
        ("injury", {"injury_type": "burn", "body_site": "x" * 100}),
        ("gp_appointment", {"mobility": "mobile"}),
        ("domestic_abuse_incident", {"children_present": True}),
        ("domestic_abuse_incident", {"children_present": False, "dash_yes_count": 0}),
        ("domestic_abuse_incident", {"children_present": True, "dash_yes_count": 27}),
        ("ed_attendance", {"presenting_complaint": "head injury", "mobility": "mobile"}),
        ("ed_attendance", {}),
        ("not_a_known_type", {"injury_type": 5}),
    ],
)
def test_fine(event_type, details):
    assert validate_details(event_type, details) == []


@pytest.mark.parametrize(
    ("event_type", "details", "expected"),
    [
        ("injury", {}, ["injury details need injury_type"]),
        ("injury", {"injury_type": "scratch"}, ["injury_type must be one of"]),
        ("injury", {"injury_type": ["bruise"]}, ["injury_type must be one of"]),
        ("injury", {"injury_type": "bruise", "body_site": "x" * 101},
         ["body_site must be at most 100 characters (it has 101)"]),
        ("injury", {"injury_type": "bruise", "body_site": 3}, ["body_site must be text"]),
        ("injury", {"injury_type": "bruise", "explanation": {}}, ["explanation must be text"]),
        ("injury", {"injury_type": "bruise", "mobility": "crawling"}, ["mobility must be one of"]),
        ("health_visit", {"mobility": True}, ["mobility must be one of"]),
        ("domestic_abuse_incident", {}, ["domestic_abuse_incident details need children_present"]),
        ("domestic_abuse_incident", {"children_present": "true"},
         ["children_present must be true or false, got text"]),
        ("domestic_abuse_incident", {"children_present": 1},
         ["children_present must be true or false, got a number"]),
        ("domestic_abuse_incident", {"children_present": True, "dash_yes_count": 28},
         ["dash_yes_count must be a whole number from 0 to 27"]),
        ("domestic_abuse_incident", {"children_present": True, "dash_yes_count": -1},
         ["dash_yes_count must be a whole number"]),
        ("domestic_abuse_incident", {"children_present": True, "dash_yes_count": True},
         ["dash_yes_count must be a whole number"]),
        ("domestic_abuse_incident", {"children_present": True, "dash_yes_count": 3.0},
         ["dash_yes_count must be a whole number"]),
        ("domestic_abuse_incident", {"children_present": True, "dash_yes_count": "3"},
         ["dash_yes_count must be a whole number"]),
        ("ed_attendance", {"presenting_complaint": 7}, ["presenting_complaint must be text"]),
        ("domestic_abuse_incident", {"mobility": "x"},
         ["domestic_abuse_incident details need children_present"]),  # not a health event
    ],
)
def test_problems(event_type, details, expected):
    problems = validate_details(event_type, details)
    assert len(problems) == len(expected)
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(start)


def test_several_problems_are_all_reported():
    problems = validate_details("injury", {"body_site": 1, "mobility": "x"})
    assert len(problems) == 3


@pytest.mark.parametrize(
    ("details", "kind"), [([], "a list"), ("{}", "text"), (None, "null"), (4, "a number")]
)
def test_details_must_be_an_object(details, kind):
    assert validate_details("contact", details) == [f"details must be a JSON object, got {kind}"]


def test_problems_never_echo_values():
    details = {"injury_type": SECRET, "body_site": SECRET * 10, "explanation": [SECRET],
               "mobility": SECRET}
    problems = validate_details("injury", details)
    assert len(problems) == 4
    assert not any("Jane" in problem for problem in problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
known_keys = st.sampled_from(
    ["injury_type", "body_site", "explanation", "mobility", "children_present",
     "dash_yes_count", "presenting_complaint"]
)
details_like = st.one_of(
    json_values,
    st.dictionaries(known_keys, json_values, max_size=7),
    st.dictionaries(known_keys, st.sampled_from(["bruise", "mobile", True, 5, 27, 28, None]),
                    max_size=7),
)
event_types = st.one_of(st.sampled_from(sorted(EVENT_TYPES)), st.text(max_size=20))


@given(event_types, details_like)
def test_validate_details_never_raises(event_type, details):
    problems = validate_details(event_type, details)
    assert isinstance(problems, list)
    assert all(isinstance(problem, str) and problem for problem in problems)
