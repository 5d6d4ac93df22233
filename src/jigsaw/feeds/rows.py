"""Turn one feed row's text into its canonical stored form, or say why it cannot load.

Each parser follows the design contract's row outcomes: :class:`RowRejected` for a row that
cannot be loaded safely (it is quarantined), warnings for problems that still let it load — an
NHS number failing its check digit is set aside and reported, because a child must not vanish
from the index over a typo. Messages name the field, never its content (it may be personal).

Values come out as the text the database stores, identical on SQLite and PostgreSQL: ISO dates,
UTC times as ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (Django's form; its PostgreSQL sessions run in
UTC), booleans as ``"1"``/``"0"``, ``details`` as compact sorted JSON, ``None`` for unknown dates.
Producing text once here keeps the importer at tens of thousands of rows a second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from . import choices, details, nhs, postcode, upn
from .dates import parse_date, parse_event_time
from .errors import FieldError
from .ethnicity import ETHNICITY_CODES
from .kinds import KEY_SEPARATOR
from .vocabulary import EVENT_TYPES
from .vocabulary import RELATIONSHIPS as RELATIONSHIP_NAMES

#: the earliest birth date taken as possible (older is a data-entry error)
EARLIEST_BIRTH = date(1900, 1, 1)
#: how far ahead of the clock an event time may be (clock skew between systems)
FUTURE_SLACK = timedelta(days=1)


class RowRejected(Exception):
    """The row cannot be loaded safely; the message is the quarantine reason."""


@dataclass(frozen=True, slots=True)
class ParsedRow:
    key: str
    values: tuple[str | None, ...]  # stored text, aligned to STORED_COLUMNS[kind]
    warnings: tuple[tuple[str, str], ...]


STORED_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("given_name", "family_name", "other_names", "birth_date", "sex", "nhs_number",
               "nhs_number_invalid", "upn", "upn_invalid", "address", "postcode",
               "postcode_invalid", "phone", "is_child", "ethnicity", "recorded_at", "disability"),
    "events": ("event_id", "person_source_id", "event_type", "occurred_at", "occurred_precision",
               "recorded_at", "practitioner", "practitioner_role", "practitioner_contact",
               "summary", "kind", "significance", "details"),
    "relationships": ("person_source_id", "related_source_id", "relationship"),
    "involvements": ("person_source_id", "agency", "role", "started_on", "team", "practitioner",
                     "contact", "ended_on", "lead_professional", "early_help_assessment"),
}


def _required(value: str, field: str) -> str:
    if not value:
        raise RowRejected(f"{field} is blank")
    return value


# Feeds repeat dates and postcodes heavily (a household shares a postcode; a day has many
# events), so the pure parsers are memoised; errors are not cached and are re-raised each time.
_cached_date = lru_cache(maxsize=1 << 16)(parse_date)
_cached_postcode = lru_cache(maxsize=1 << 16)(postcode.normalise_postcode)


def _date(value: str, field: str) -> date:
    try:
        return _cached_date(value)
    except FieldError as exc:
        raise RowRejected(f"{field}: {exc.message}") from None


def utc_text(moment: datetime) -> str:
    """The stored form of an aware datetime: UTC, no offset, space-separated."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


@lru_cache(maxsize=1 << 16)
def _time(value: str) -> tuple[datetime, str, str]:
    """(moment, stored text, precision); the date-only form needs no conversion."""
    moment, precision = parse_event_time(value)
    if precision == "day" and len(value) == 10:
        return moment, value + " 00:00:00", precision
    return moment, utc_text(moment), precision


def _optional_time(value: str, field: str, warnings: list) -> str | None:
    if not value:
        return None
    try:
        return _time(value)[1]
    except FieldError as exc:
        warnings.append((field, f"{exc.message}; the value was not used"))
        return None


def _bool_text(value: bool | None) -> str | None:
    return None if value is None else ("1" if value else "0")


def details_json(details: dict) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parse_person(v: list[str], now: datetime, names_required: bool = True) -> ParsedRow:
    """People: identity fields, with identifiers that fail their checks set aside and reported.

    ``names_required=False`` for a child known only from a DfE return, which carries no names.
    """
    (_ss, source_id, given, family, birth, other, sex, nhs_raw, upn_raw, address, pc_raw,
     phone, is_child_raw, ethnicity, recorded, disability_raw) = v
    _required(source_id, "source_id")
    if names_required and not given and not family:
        raise RowRejected("given_name and family_name are both blank")
    warnings: list[tuple[str, str]] = []
    birth_date = None
    if birth:
        born = _date(birth, "birth_date")
        if born > now.date():
            raise RowRejected("birth_date is in the future")
        if born < EARLIEST_BIRTH:
            raise RowRejected(f"birth_date is before {EARLIEST_BIRTH.year}, which is not possible")
        birth_date = birth  # parse_date accepts only the canonical YYYY-MM-DD form
    sex_code = ""
    if sex:
        sex_code = choices.parse_sex(sex) or ""
        if not sex_code:
            warnings.append(("sex", "sex is not M, F or U; recorded as unknown"))
    nhs_number = nhs_invalid = ""
    if nhs_raw:
        if nhs.is_valid_nhs_number(nhs_raw):
            nhs_number = nhs.normalise_nhs_number(nhs_raw) or ""
        else:
            nhs_invalid = nhs_raw[:40]
            warnings.append(("nhs_number", "nhs_number fails the NHS check digit; set aside and "
                                           "not used for matching"))
    upn_code = upn_invalid = ""
    if upn_raw:
        if upn.is_valid_upn(upn_raw):
            upn_code = upn.normalise_upn(upn_raw) or ""
        else:
            upn_invalid = upn_raw[:40]
            warnings.append(("upn", "upn fails the UPN check letter; set aside"))
    pc = pc_invalid = ""
    if pc_raw:
        pc = _cached_postcode(pc_raw) or ""
        if not pc:
            pc_invalid = pc_raw[:40]
            warnings.append(("postcode", "postcode is not a valid UK postcode; set aside"))
    is_child = None
    if is_child_raw:
        is_child = choices.parse_bool(is_child_raw)
        if is_child is None:
            warnings.append(("is_child", "is_child is not true or false; recorded as unknown"))
    eth = ethnicity.upper()
    if eth and eth not in ETHNICITY_CODES:
        warnings.append(("ethnicity", "ethnicity is not a DfE ethnicity code; recorded as unknown"))
        eth = ""
    recorded_at = _optional_time(recorded, "recorded_at", warnings)
    disability = None
    if disability_raw:  # the CIN census's "disability" item: true when the child has one
        disability = choices.parse_bool(disability_raw)
        if disability is None:
            warnings.append(("disability", "disability is not true or false; recorded as unknown"))
    values = (given, family, other, birth_date, sex_code, nhs_number, nhs_invalid, upn_code,
              upn_invalid, address, pc, pc_invalid, phone, _bool_text(is_child), eth, recorded_at,
              _bool_text(disability))
    return ParsedRow(source_id, values, tuple(warnings))


def _event_checks(event_id: str, person_id: str, event_type: str, occurred: str, now: datetime,
                  type_required: bool = True) -> tuple[str, str]:
    """What every events row must pass: ids, a known type, a real time no later than now.

    Returns the time as stored and its precision.
    """
    _required(event_id, "event_id")
    _required(person_id, "person_source_id")
    if type_required:
        _required(event_type, "event_type")
    if event_type not in EVENT_TYPES:
        raise RowRejected("event_type is not in the event vocabulary")
    _required(occurred, "occurred_at")
    try:
        occurred_at, occurred_text, precision = _time(occurred)
    except FieldError as exc:
        raise RowRejected(f"occurred_at: {exc.message}") from None
    if occurred_at > now + FUTURE_SLACK:
        raise RowRejected("occurred_at is in the future")
    return occurred_text, precision


def parse_event(v: list[str], now: datetime) -> ParsedRow:
    """Events: a known type, a real time no later than now, and well-formed ``details``."""
    (_ss, event_id, person_id, event_type, occurred, recorded, practitioner, role, contact,
     summary, kind, significance, details_text) = v
    occurred_text, precision = _event_checks(event_id, person_id, event_type, occurred, now)
    parsed_details, problem = details.parse_details(details_text)
    if problem:
        raise RowRejected(problem)
    problems = details.validate_details(event_type, parsed_details)
    if problems:
        raise RowRejected("details: " + "; ".join(problems))
    warnings: list[tuple[str, str]] = []
    kind = kind.lower()
    if kind and kind not in choices.KIND:
        warnings.append(("kind", "kind is not fact or judgement; left unspecified"))
        kind = ""
    significance = significance.lower()
    if significance and significance not in choices.SIGNIFICANCE:
        warnings.append(("significance", "significance is not low, medium or high; left unset"))
        significance = ""
    recorded_at = _optional_time(recorded, "recorded_at", warnings)
    values = (event_id, person_id, event_type, occurred_text, precision, recorded_at,
              practitioner, role, contact, summary, kind, significance,
              details_json(parsed_details) if parsed_details else "{}")
    return ParsedRow(event_id, values, tuple(warnings))


def parse_built_event(v: list[str], now: datetime) -> ParsedRow:
    """An events row a DfE return reader built (``feeds.returns``), checked as parse_event checks.

    The reader wrote ``details`` with :func:`details_json` (a flat object of codes and words,
    no typed extras) and ``kind`` as fact, so re-reading them would only cost time: a return
    has tens of thousands of rows a second to keep up with. Every check that can fail for such
    a row is the same as parse_event's.
    """
    (_ss, event_id, person_id, event_type, occurred, _recorded, practitioner, role, contact,
     summary, kind, significance, details_text) = v
    occurred_text, precision = _event_checks(event_id, person_id, event_type, occurred, now,
                                             type_required=False)
    values = (event_id, person_id, event_type, occurred_text, precision, None, practitioner, role,
              contact, summary, kind, significance, details_text or "{}")
    return ParsedRow(event_id, values, ())


def parse_relationship(v: list[str], now: datetime) -> ParsedRow:
    """Relationships: two different people of this source and a relationship we know."""
    _ss, person_id, related_id, relationship = v
    _required(person_id, "person_source_id")
    _required(related_id, "related_source_id")
    relationship = relationship.lower()
    if relationship not in RELATIONSHIP_NAMES:
        raise RowRejected(
            "relationship is not one of " + ", ".join(sorted(RELATIONSHIP_NAMES))
        )
    if person_id == related_id:
        raise RowRejected("a person cannot be related to themselves")
    key = KEY_SEPARATOR.join((person_id, related_id, relationship))
    return ParsedRow(key, (person_id, related_id, relationship), ())


def parse_involvement(v: list[str], now: datetime) -> ParsedRow:
    """Involvements: who works with the person, from when (and until when).

    ``lead_professional`` (this practitioner is the child's lead professional, Working Together
    2023's "lead practitioner") and ``early_help_assessment`` (an early help assessment, the
    former CAF, is open with this involvement) are optional booleans; a value that is not true or
    false loads as unknown with a warning (a signpost must not vanish over a typo, nor claim a
    lead professional on a guess), as ``disability`` does for people.
    """
    _ss, person_id, agency, role, started, team, practitioner, contact, ended, lead_raw, help_raw = v
    _required(person_id, "person_source_id")
    _required(agency, "agency")
    _required(role, "role")
    started_on = _date(_required(started, "started_on"), "started_on")
    if started_on > now.date():
        raise RowRejected("started_on is in the future")
    ended_on = _date(ended, "ended_on") if ended else None
    if ended_on and ended_on < started_on:
        raise RowRejected("ended_on is before started_on")
    warnings: list[tuple[str, str]] = []
    lead = _flag(lead_raw, "lead_professional", warnings)
    early_help = _flag(help_raw, "early_help_assessment", warnings)
    key = KEY_SEPARATOR.join((person_id, agency, role, started_on.isoformat()))
    values = (person_id, agency, role, started, team, practitioner, contact, ended or None,
              _bool_text(lead), _bool_text(early_help))
    return ParsedRow(key, values, tuple(warnings))


def _flag(raw: str, field: str, warnings: list[tuple[str, str]]) -> bool | None:
    """An optional true/false column: None when blank or (with a warning) anything else."""
    if not raw:
        return None
    value = choices.parse_bool(raw)
    if value is None:
        warnings.append((field, f"{field} is not true or false; recorded as unknown"))
    return value


def parse_unnamed_person(v: list[str], now: datetime) -> ParsedRow:
    """A person from a DfE return: identifiers without names."""
    return parse_person(v, now, names_required=False)


PARSERS: dict[str, Callable[[list[str], datetime], ParsedRow]] = {
    "people": parse_person,
    "events": parse_event,
    "relationships": parse_relationship,
    "involvements": parse_involvement,
}

