"""The synthetic partnership: output contract, determinism, truth, noise rates and realism."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from jigsaw.feeds.nhs import is_valid_nhs_number
from jigsaw.feeds.postcode import normalise_postcode
from jigsaw.feeds.upn import is_valid_upn
from jigsaw.feeds.vocabulary import EVENT_TYPES, INJURY_TYPES, MOBILITY, RELATIONSHIPS
from jigsaw.synth import SynthConfig, SynthSummary, write_partnership
from jigsaw.synth.chunk import generate
from jigsaw.synth.patterns import PATTERN_NAMES, PATTERNS
from jigsaw.synth.plan import make_plan
from jigsaw.synth.writer import run
from tests.synth import oracle

AS_OF = date(2026, 6, 30)
CHILDREN = 3000
SMALL_CHUNK = 1000  # three chunks, so chunk boundaries are exercised
PEOPLE = ["source_system", "source_id", "given_name", "family_name", "birth_date", "other_names",
          "sex", "nhs_number", "upn", "address", "postcode", "phone", "is_child", "ethnicity"]
EVENTS = ["source_system", "event_id", "person_source_id", "event_type", "occurred_at",
          "recorded_at", "practitioner", "practitioner_role", "practitioner_contact", "summary",
          "kind", "significance", "details"]
RELS = ["source_system", "person_source_id", "related_source_id", "relationship"]
INVS = ["source_system", "person_source_id", "agency", "role", "started_on", "team", "practitioner",
        "contact", "ended_on", "lead_professional", "early_help_assessment"]
HEADERS = {"people": PEOPLE, "events": EVENTS, "relationships": RELS, "involvements": INVS}
ETHNICITY = {"WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
             "APKN", "ABAN", "AOTH", "CHNE", "BCRB", "BAFR", "BOTH", "OOTH", "REFU", "NOBT"}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert all(None not in r for r in rows), f"{path}: a row has more fields than the header"
    return rows


class Feeds:
    """An output folder read back with the csv module."""

    def __init__(self, root: Path, summary: SynthSummary) -> None:
        self.root, self.summary = root, summary
        self.sources = sorted(p.name for p in root.iterdir() if (p / "source.json").is_file())
        self.data = {(s, k): read(root / s / f"{k}.csv") for s in self.sources for k in HEADERS}
        self.truth = read(root / "truth" / "people.csv")
        self.patterns = read(root / "truth" / "patterns.csv")

    def rows(self, kind: str) -> list[dict[str, str]]:
        return [r for s in self.sources for r in self.data[(s, kind)]]


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> Feeds:
    out = tmp_path_factory.mktemp("synth")
    calls: list[tuple[int, int]] = []
    summary = run(out, CHILDREN, 7, SynthConfig(), AS_OF, progress=lambda d, t: calls.append((d, t)),
                  workers=1, chunk_children=SMALL_CHUNK)
    assert calls == [(1000, 3000), (2000, 3000), (3000, 3000)]
    return Feeds(out, summary)


def test_same_seed_gives_byte_identical_output_whatever_the_workers(feeds, tmp_path):
    run(tmp_path / "b", CHILDREN, 7, SynthConfig(), AS_OF, workers=2, chunk_children=SMALL_CHUNK)
    mine = sorted(p.relative_to(feeds.root) for p in feeds.root.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert mine == theirs
    for rel in mine:
        assert (feeds.root / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_another_seed_gives_other_people(feeds, tmp_path):
    run(tmp_path, CHILDREN, 8, SynthConfig(), AS_OF, workers=1, chunk_children=SMALL_CHUNK)
    other = read(tmp_path / "gp01" / "people.csv")[:100]
    assert [r["given_name"] for r in other] != [r["given_name"] for r in feeds.data[("gp01", "people")][:100]]


def test_every_contract_file_and_column(feeds):
    assert "truth" not in feeds.sources
    assert set(feeds.summary.source_systems) == set(feeds.sources)
    for s in feeds.sources:
        meta = json.loads((feeds.root / s / "source.json").read_text(encoding="utf-8"))
        assert set(meta) == {"source_system", "name", "agency", "agency_type",
                             "safeguarding_phone", "safeguarding_email"}
        assert meta["source_system"] == s
        assert meta["safeguarding_phone"].startswith("01632 960")  # Ofcom's drama range
        assert meta["safeguarding_email"].endswith(".example")
        assert meta["agency_type"] in {"social_care", "health", "police", "education", "other"}
        for kind, header in HEADERS.items():
            with (feeds.root / s / f"{kind}.csv").open(encoding="utf-8") as f:
                assert next(csv.reader(f)) == header
    with (feeds.root / "truth" / "patterns.csv").open(encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["true_person_id", "pattern", "first_event", "last_event"]
    assert set(feeds.truth[0]) == {"source_system", "source_id", "true_person_id", "ethnicity"}
    assert {t["ethnicity"] for t in feeds.truth} <= ETHNICITY - {"REFU", "NOBT"}  # the true code
    types = {json.loads((feeds.root / s / "source.json").read_text())["agency_type"] for s in feeds.sources}
    assert types == {"social_care", "health", "police", "education", "other"}
    assert not list(feeds.root.rglob("*.partial"))


def test_social_workers_lead_and_some_health_visitors_hold_early_help(feeds):
    rows = [r for s in feeds.sources for r in read(feeds.root / s / "involvements.csv")]
    social = [r for r in rows if r["role"] == "allocated social worker"]
    assert social and all(r["lead_professional"] == "true" for r in social)
    early = [r for r in rows if r["early_help_assessment"] == "true"]
    assert early and all(r["role"] == "health visitor" and r["lead_professional"] == "true" for r in early)
    assert {r["lead_professional"] for r in rows} == {"true", ""}


def test_summary_counts_match_the_files(feeds):
    s = feeds.summary
    assert s.children == CHILDREN
    assert s.person_records == len(feeds.rows("people")) == len(feeds.truth)
    assert s.events == len(feeds.rows("events"))
    assert s.relationships == len(feeds.rows("relationships"))
    assert s.involvements == len(feeds.rows("involvements"))
    assert s.patterns == len(feeds.patterns)
    assert s.people == len({r["true_person_id"] for r in feeds.truth})


def test_truth_covers_every_person_record_exactly_once(feeds):
    keys = [(r["source_system"], r["source_id"]) for r in feeds.truth]
    assert len(keys) == len(set(keys))
    assert set(keys) == {(r["source_system"], r["source_id"]) for r in feeds.rows("people")}
    child_ids = {t["true_person_id"] for t in feeds.truth
                 if t["source_system"].startswith("gp")} & {
        t["true_person_id"] for t, r in zip(feeds.truth, _people_in_truth_order(feeds), strict=True)
        if r["is_child"] == "true"}
    assert len(child_ids) == CHILDREN  # every child is registered with one GP practice


def _people_in_truth_order(feeds: Feeds) -> list[dict[str, str]]:
    by_key = {(r["source_system"], r["source_id"]): r for r in feeds.rows("people")}
    return [by_key[(t["source_system"], t["source_id"])] for t in feeds.truth]


def test_ids_are_unique_and_every_reference_resolves_in_its_own_source(feeds):
    for s in feeds.sources:
        people = feeds.data[(s, "people")]
        ids = {r["source_id"] for r in people}
        assert len(ids) == len(people)
        events = feeds.data[(s, "events")]
        assert len({e["event_id"] for e in events}) == len(events)
        assert all(r["source_system"] == s for k in HEADERS for r in feeds.data[(s, k)])
        assert all(e["person_source_id"] in ids for e in events)
        for r in feeds.data[(s, "relationships")]:
            assert r["person_source_id"] in ids and r["related_source_id"] in ids
            assert r["person_source_id"] != r["related_source_id"]
        assert all(r["person_source_id"] in ids for r in feeds.data[(s, "involvements")])


def test_no_date_after_as_of_and_dates_in_order(feeds):
    end = AS_OF.isoformat()
    iso = re.compile(r"\d{4}-\d{2}-\d{2}")
    for r in feeds.rows("people"):
        assert iso.fullmatch(r["birth_date"]) and r["birth_date"] <= end
        date.fromisoformat(r["birth_date"])
    for e in feeds.rows("events"):
        assert e["occurred_at"] <= e["recorded_at"] <= end
    for r in feeds.rows("involvements"):
        assert r["started_on"] <= end
        assert not r["ended_on"] or r["started_on"] <= r["ended_on"] <= end


def test_vocabulary_and_details(feeds):
    for e in feeds.rows("events"):
        assert e["event_type"] in EVENT_TYPES
        assert e["kind"] in {"fact", "judgement"} and e["significance"] in {"low", "medium", "high"}
        assert e["practitioner"] and e["practitioner_role"] and e["summary"]
        assert e["practitioner_contact"].endswith(".example") or e["practitioner_contact"].startswith(
            ("07700 900", "01632 960"))
        details = json.loads(e["details"]) if e["details"] else {}
        assert isinstance(details, dict)
        if "mobility" in details:
            assert details["mobility"] in MOBILITY
        if e["event_type"] == "injury":
            assert details["injury_type"] in INJURY_TYPES
        if e["event_type"] == "domestic_abuse_incident":
            assert isinstance(details["children_present"], bool)
            assert 0 <= details.get("dash_yes_count", 0) <= 27
        if e["event_type"] == "ed_attendance":
            assert details["presenting_complaint"]
    assert {r["relationship"] for r in feeds.rows("relationships")} <= RELATIONSHIPS
    assert {r["relationship"] for r in feeds.data[("csc", "relationships")]} >= {
        "mother", "father", "sibling", "partner_of_parent"}


def test_identifiers_are_well_formed(feeds):
    invalid = 0
    for r in feeds.rows("people"):
        if r["nhs_number"]:
            assert re.fullmatch(r"[89]\d{9}", r["nhs_number"]) or r["nhs_number"].isdigit()
            invalid += not is_valid_nhs_number(r["nhs_number"])
        if r["upn"]:
            assert is_valid_upn(r["upn"]), r["upn"]
        if r["postcode"]:
            assert normalise_postcode(r["postcode"]) == r["postcode"]
        assert r["sex"] in {"M", "F"} and r["is_child"] in {"true", "false"}
        assert not r["ethnicity"] or r["ethnicity"] in ETHNICITY
    with_nhs = sum(bool(r["nhs_number"]) for r in feeds.rows("people"))
    assert 0 < invalid < with_nhs * SynthConfig().nhs_invalid_rate * 3
    assert all(r["upn"] for r in feeds.rows("people") if r["source_system"].startswith("school"))


def test_every_pattern_is_injected_with_events_of_the_expected_types(feeds):
    events = {f"{e['source_system']}:{e['event_id']}": e for e in feeds.rows("events")}
    owner = {(t["source_system"], t["source_id"]): t["true_person_id"] for t in feeds.truth}
    assert {p["pattern"] for p in feeds.patterns} == set(PATTERN_NAMES)
    for p in feeds.patterns:
        spec = PATTERNS[p["pattern"]]
        first, last = events[p["first_event"]], events[p["last_event"]]
        assert first["event_type"] in spec.first_types and last["event_type"] in spec.last_types
        assert first["occurred_at"] <= last["occurred_at"]
        assert owner[(first["source_system"], first["person_source_id"])] == p["true_person_id"]
        if p["pattern"] != "injury_pattern":  # its later injuries may be a sibling's
            assert owner[(last["source_system"], last["person_source_id"])] == p["true_person_id"]
    kids = sum(r["is_child"] == "true" for r in _people_in_truth_order(feeds)
               if r["source_system"].startswith("gp"))
    share = len({p["true_person_id"] for p in feeds.patterns}) / kids
    assert 0.01 < share < 0.08  # "a few per cent of children"


def test_background_events_never_form_a_pattern_on_their_own():
    plan = make_plan(20_000, 11, AS_OF, SynthConfig())
    ctx = generate(plan, 0)
    found, injected = oracle.find(ctx), oracle.injected(ctx)
    for name in PATTERN_NAMES:
        assert found[name] == injected[name], name
    assert len(found["no_access_household"]) == len(injected["no_access_repeat"])


def test_name_mix_and_realism(feeds):
    people = feeds.rows("people")
    codes = Counter(r["ethnicity"] for r in people if r["ethnicity"])
    assert codes.most_common(1)[0][0] == "WBRI"
    assert len({c for c in codes if c not in {"REFU", "NOBT"}}) >= 12
    assert any(c.startswith("M") for c in codes)
    names = [r["given_name"] + " " + r["family_name"] for r in people]
    assert any("'" in n for n in names) and any("-" in n for n in names)
    assert any(re.search(r"[^\x00-\x7f]", n) for n in names)
    by_person: dict[str, set[str]] = defaultdict(set)
    for t, r in zip(feeds.truth, _people_in_truth_order(feeds), strict=True):
        by_person[t["true_person_id"]].add(r["address"])
    assert sum(len(a) > 1 for a in by_person.values()) > 0  # moves leave old addresses behind
    assert all(r["phone"].startswith("07700 900") for r in people if r["phone"])


def _noise_pair(tmp_path: Path, **rates: float) -> list[tuple[dict[str, str], dict[str, str]]]:
    zero = SynthConfig(**{f: 0.0 for f in (
        "given_typo_rate", "family_typo_rate", "nickname_rate", "surname_change_rate",
        "accent_strip_rate", "dob_swap_rate", "dob_digit_rate", "nhs_wrong_rate",
        "nhs_invalid_rate", "stale_address_rate", "postcode_error_rate", "postcode_missing_rate")})
    run(tmp_path / "clean", 2000, 5, zero, AS_OF, workers=1)
    run(tmp_path / "noisy", 2000, 5, replace(zero, **rates), AS_OF, workers=1)
    out = []
    for folder in sorted((tmp_path / "clean").iterdir()):
        if folder.name != "truth":
            clean = read(folder / "people.csv")
            noisy = read(tmp_path / "noisy" / folder.name / "people.csv")
            out += list(zip(clean, noisy, strict=True))
    return out


def test_noise_rates_are_roughly_as_configured(tmp_path):
    pairs = _noise_pair(tmp_path, dob_swap_rate=0.1, given_typo_rate=0.05, postcode_missing_rate=0.2)
    eligible = [(a, b) for a, b in pairs
                if int(a["birth_date"][8:]) <= 12 and a["birth_date"][8:] != a["birth_date"][5:7]]
    swapped = [b for a, b in eligible if b["birth_date"] != a["birth_date"]]
    assert all(b["birth_date"][5:7] == a["birth_date"][8:] for a, b in eligible
               if b["birth_date"] != a["birth_date"])
    assert abs(len(swapped) / len(eligible) - 0.1) < 0.03
    typo = sum(a["given_name"] != b["given_name"] for a, b in pairs) / len(pairs)
    assert abs(typo - 0.05) < 0.015
    missing = sum(not b["postcode"] for _, b in pairs) / len(pairs)
    assert abs(missing - 0.2) < 0.03
    assert all(a["family_name"] == b["family_name"] and a["nhs_number"] == b["nhs_number"]
               for a, b in pairs)


def test_writes_over_previous_output_but_not_other_files(tmp_path):
    (tmp_path / "gp99").mkdir()
    (tmp_path / "gp99" / "source.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("keep me")
    write_partnership(tmp_path, 50, seed=2)
    assert not (tmp_path / "gp99").exists()
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("bad", [{"children": 0}, {"seed": -1}])
def test_rejects_bad_arguments(tmp_path, bad):
    with pytest.raises(ValueError):
        write_partnership(tmp_path, **({"children": 10} | bad))


def test_config_rates_must_be_probabilities():
    with pytest.raises(ValueError, match="nickname_rate"):
        SynthConfig(nickname_rate=1.5)
    assert SynthConfig().pattern_rate("injury_pattern") > 0


def test_returns_and_incidents_carry_the_follow_up_times_the_picture_reads(feeds):
    """Return home interviews (72 hours) and Operation Encompass notices (next school day) as details."""
    events = feeds.rows("events")
    returns = [r for r in events if r["event_type"] == "missing_return"]
    incidents = [r for r in events if r["event_type"] == "domestic_abuse_incident"]
    assert returns and incidents
    interviewed = [json.loads(r["details"])["return_interview_at"] for r in returns if r["details"]]
    assert 0 < len(interviewed) <= len(returns)
    for r in returns:
        if r["details"]:
            at = dt.datetime.fromisoformat(json.loads(r["details"])["return_interview_at"])
            assert at > dt.datetime.fromisoformat(r["occurred_at"])
    for r in incidents:
        told = dt.datetime.fromisoformat(json.loads(r["details"])["encompass_notified_at"])
        assert told.date() > dt.date.fromisoformat(r["occurred_at"]) and told.weekday() < 5
