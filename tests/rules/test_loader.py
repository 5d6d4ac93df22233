"""Loading the catalogue: the shipped rules, and one test per kind of error (file, line, nothing
loaded)."""

from pathlib import Path

import pytest

from jigsaw.rules import CATALOGUE_DIR, RuleFileError, load_catalogue

GOOD = """id = "R90"
version = 1
title = "Test rule"
explanation = "{min_count} or more referrals."
severity = "low"
mode = "advisory"
enabled = true
route = "hub"
scope = "person"

[source]
citation = "A test."
url = "https://example.org/rule"

[parameters]
min_count = 2

[match]
event_types = ["referral"]
count_at_least = "{min_count}"
within_days = 365
"""


def folder(tmp_path: Path, text: str, name: str = "R91_bad.toml", with_good: bool = True) -> Path:
    if with_good:
        (tmp_path / "R90_good.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def error(tmp_path: Path, text: str, **kw) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_catalogue(folder(tmp_path, text), **kw)
    return info.value


def test_shipped_catalogue_loads_and_cites_every_rule():
    cat = load_catalogue()
    assert [r.id for r in cat] == ["R01", "R03", "R04a", "R04b", "R04c", "R05", "R07a", "R07b", "R08",
                                   "R11", "R13"]
    for r in cat:
        assert r.source.url.startswith("http") and r.source.citation and r.path.parent == CATALOGUE_DIR
        assert "{" not in r.explain()
    assert {r.id for r in cat if r.mode == "required"} == {"R01", "R04a", "R04c", "R05", "R07a", "R08"}


def test_good_file_loads(tmp_path):
    [rule] = [r for r in load_catalogue(folder(tmp_path, GOOD.replace("R90", "R91"))) if r.id == "R91"]
    assert rule.match.count_at_least == 2 and rule.explain() == "2 or more referrals."


def test_syntax_error_carries_the_line(tmp_path):
    e = error(tmp_path, GOOD.replace('title = "Test rule"', 'title = "Test rule'))
    assert (e.file, e.line) == ("R91_bad.toml", 3) and "syntax" in e.message


def test_unknown_event_type(tmp_path):
    text = GOOD.replace('"R90"', '"R91"').replace('event_types = ["referral"]',
                                                  'event_types = [\n  "referral",\n  "refferal",\n]')
    e = error(tmp_path, text)
    assert (e.file, e.line) == ("R91_bad.toml", 21) and "unknown event type 'refferal'" in e.message


def test_unknown_key(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"').replace("within_days = 365", "within_dayz = 365"))
    assert (e.file, e.line) == ("R91_bad.toml", 21) and "unknown key 'within_dayz'" in e.message


def test_unknown_top_level_key(tmp_path):
    text = GOOD.replace('"R90"', '"R91"').replace('mode = "advisory"', 'mode = "advisory"\ncolour = 1')
    e = error(tmp_path, text)
    assert (e.file, e.line) == ("R91_bad.toml", 7)


def test_wrong_type(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"').replace("version = 1", 'version = "one"'))
    assert (e.file, e.line) == ("R91_bad.toml", 2) and "version must be an integer" in e.message


def test_wrong_type_through_a_parameter(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"').replace("min_count = 2", 'min_count = "two"'))
    assert (e.file, e.line) == ("R91_bad.toml", 20) and "parameter 'min_count'" in e.message


def test_bad_closed_value(tmp_path):
    text = GOOD.replace('"R90"', '"R91"') + 'details = { mobility = { equals = "crawling" } }\n'
    e = error(tmp_path, text)
    assert (e.file, e.line) == ("R91_bad.toml", 22) and "unknown mobility" in e.message


def test_missing_field(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"').replace('route = "hub"\n', ""))
    assert (e.file, e.line) == ("R91_bad.toml", 1) and "missing field 'route'" in e.message


def test_missing_source_url(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"').replace('url = "https://example.org/rule"\n', ""))
    assert (e.file, e.line) == ("R91_bad.toml", 11) and "url" in e.message


def test_unknown_parameter_reference(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"').replace('"{min_count}"', '"{max_count}"'))
    assert (e.file, e.line) == ("R91_bad.toml", 20) and "unknown parameter 'max_count'" in e.message


def test_placeholder_in_explanation_must_be_a_parameter(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"').replace("{min_count} or more", "{count} or more"))
    assert (e.file, e.line) == ("R91_bad.toml", 4)


def test_duplicate_id(tmp_path):
    e = error(tmp_path, GOOD)
    assert (e.file, e.line) == ("R91_bad.toml", 1) and "duplicate rule id 'R90'" in e.message


def test_within_days_needs_a_count(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"').replace('count_at_least = "{min_count}"\n', ""))
    assert (e.file, e.line) == ("R91_bad.toml", 20) and "needs count_at_least" in e.message


def test_subjects_need_household_scope(tmp_path):
    text = GOOD.replace('"R90"', '"R91"').replace('count_at_least = "{min_count}"\nwithin_days = 365\n', "")
    e = error(tmp_path, text + "\n[match.subjects]\nage_under_days = 365\n")
    assert (e.file, e.line) == ("R91_bad.toml", 21) and "household" in e.message


def test_override_unknown_parameter(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"'), overrides={"R91": {"max_count": 3}})
    assert (e.file, e.line) == ("R91_bad.toml", 15) and "unknown parameter 'max_count'" in e.message


def test_override_wrong_type(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"'), overrides={"R91": {"min_count": "3"}})
    assert (e.file, e.line) == ("R91_bad.toml", 16) and "type of its default" in e.message


def test_override_of_an_unknown_rule(tmp_path):
    e = error(tmp_path, GOOD.replace('"R90"', '"R91"'), overrides={"R99": {"min_count": 3}})
    assert e.file == "overrides" and "R99" in e.message


def test_override_applies_and_can_disable(tmp_path):
    cat = load_catalogue(folder(tmp_path, GOOD.replace('"R90"', '"R91"')),
                         overrides={"R91": {"min_count": 4}, "R90": {"enabled": False}})
    assert cat.get("R91").match.count_at_least == 4 and cat.get("R91").explain().startswith("4 ")
    assert [r.id for r in cat.enabled()] == ["R91"]


def test_one_bad_file_loads_nothing(tmp_path):
    # the good file sorts first: it must not be returned on its own
    with pytest.raises(RuleFileError):
        load_catalogue(folder(tmp_path, "id = 3\n"))


def test_not_a_folder(tmp_path):
    with pytest.raises(RuleFileError):
        load_catalogue(tmp_path / "nope")


def test_engine_never_imports_django():
    import subprocess
    import sys

    code = "import sys, jigsaw.rules, jigsaw.rules.synth_population; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
