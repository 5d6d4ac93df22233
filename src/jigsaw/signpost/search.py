"""A practitioner's search: "is this child known, and who else is working with them?"

The search is the real-time half of linkage (DESIGN: one identity model): the query is
normalised exactly like a stored record (:func:`~jigsaw.identity.record.prepare_row`), scored
against its candidates with the same trained model as the batch run, and the scored records are
grouped into the resolved people they belong to.

What it refuses, and why (``research/anchors-signposting.md``):

* no lawful reason, no search: ContactPoint users "had to state a reason for accessing a
  record" (section 1.3), CP-IS checks a legitimate relationship (section 6);
* too little to go on: a family name alone or a birth date alone would list many children, which
  is fishing, not finding; least data means the searcher brings enough to identify one child;
* a mistyped NHS number: it would silently find nobody (or the wrong child), so the searcher is
  asked to check it or leave it out;
* a confident wrong match is worse than none: candidates below the review threshold of the batch
  linker (0.5) are never shown, and only those above its link threshold (0.99) are "high".

Shielded people follow :mod:`jigsaw.signpost.shielding`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from jigsaw.feeds import is_valid_nhs_number, normalise_nhs_number, normalise_postcode, postcode_parts
from jigsaw.identity import FastScorer, Thresholds, name_tokens, prepare_row, waterfall, weights_from_row
from jigsaw.signpost import gate, records, shielding
from jigsaw.signpost.matching import candidates, scorer
from jigsaw.signpost.plain import plain_evidence
from jigsaw.signpost.signposts import Signpost, signposts_for_people


@dataclass(frozen=True)
class Reason:
    """A lawful reason for searching, with the law that gives it."""

    code: str
    label: str
    legal_basis: str


#: The reasons a search may be made for. Data, not code: a partnership that needs another sets
#: ``JIGSAW_SEARCH_REASONS`` in its Django settings (a list of dicts with these three keys).
REASONS: tuple[Reason, ...] = (
    Reason("s47", "Child protection enquiry",
           "Children Act 1989 s47: the local authority's duty to make enquiries where a child is "
           "suspected to be suffering, or likely to suffer, significant harm"),
    Reason("s17", "Child in need assessment",
           "Children Act 1989 s17 and Schedule 2: assessing and providing services for a child in need"),
    Reason("s11", "Safeguarding in the exercise of functions",
           "Children Act 2004 s11: named bodies must discharge their functions having regard to the "
           "need to safeguard and promote the welfare of children"),
    Reason("health", "Direct health care",
           "Common law duty of confidentiality (implied consent for direct care) with UK GDPR "
           "Art 6(1)(e) and Art 9(2)(h); DPA 2018 Sch 1 para 18 where a child is at risk"),
    Reason("school", "School safeguarding",
           "Education Act 2002 s175 (maintained schools and LAs) and s157 (independent schools and "
           "academies), with Keeping Children Safe in Education"),
    Reason("police_protection", "Police protection",
           "Children Act 1989 s46: removal or accommodation of a child in police protection"),
)

#: Confidence bands, at the batch linker's own thresholds so a search and a link agree.
HIGH = Thresholds().link
POSSIBLE = Thresholds().review
MAX_NAME = 100

NO_MATCH = ("No match: nobody in the index matches these details closely enough. Check the spelling "
            "and the birth date, or add a postcode or an NHS number.")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class SearchRefused(ValueError):
    """A search that is not made, with what the searcher should change or add."""


@dataclass(frozen=True)
class SearchQuery:
    """What the searcher knows. Only ``birth_date`` and enough of a name or NHS number are needed."""

    given_name: str | None = None
    family_name: str | None = None
    birth_date: str | date | None = None
    postcode: str | None = None
    nhs_number: str | None = None


@dataclass
class Match:
    """One person the query may be: how sure, why, who they are (least data), who is involved."""

    person_id: int
    confidence: str  # "high" or "possible"
    match_probability: float | None  # None for a shielded person (see shielding)
    evidence: list[dict[str, Any]]
    details: dict[str, str | None]
    signposts: list[Signpost] = field(default_factory=list)
    shielded: bool = False
    message: str = ""
    #: the evidence in words (:mod:`jigsaw.signpost.plain`): what makes it likely, what does not
    why: list[str] = field(default_factory=list)
    why_not: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["signposts"] = [s.as_dict() for s in self.signposts]
        return data


@dataclass
class SearchResult:
    query: dict[str, str | None]
    reason: Reason
    results: list[Match]
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "reason": asdict(self.reason),
                "results": [m.as_dict() for m in self.results], "message": self.message}


def reasons() -> tuple[Reason, ...]:
    """The configured reasons (``JIGSAW_SEARCH_REASONS`` in settings), else :data:`REASONS`."""
    configured = getattr(settings, "JIGSAW_SEARCH_REASONS", None)
    return tuple(Reason(**r) for r in configured) if configured else REASONS


def reason_named(code: str | None) -> Reason | None:
    """The configured reason with this code, or None: there is no default, and no reason is kept
    from an earlier page (every read names its own; ``signpost.gate``)."""
    code = (code or "").strip()
    return next((r for r in reasons() if r.code == code), None) if code else None


def reason_for(code: str | None) -> Reason:
    known = reasons()
    for reason in known:
        if reason.code == (code or "").strip():
            return reason
    codes = ", ".join(r.code for r in known)
    if not (code or "").strip():
        raise SearchRefused(f"give the lawful reason for this search: --reason one of {codes}")
    raise SearchRefused(f"unknown reason {code.strip()[:30]!r}: use one of {codes}")


# Refusals name the field, never its value: a message may reach a log (as import warnings do).


def _name(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_NAME:
        raise SearchRefused(f"the {what} is longer than {MAX_NAME} characters: shorten it")
    if not name_tokens(value):
        raise SearchRefused(f"the {what} has no letters: correct it, or search without it")
    return " ".join(value.split())


def _birth_date(value: str | date | None) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise SearchRefused("add the birth date (YYYY-MM-DD): it is needed to tell children apart")
    if isinstance(value, date):
        born = value
    else:
        text = value.strip()
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            born = date.fromisoformat(text)
        except ValueError:
            raise SearchRefused("the birth date is not a date: write it as YYYY-MM-DD") from None
    if born > timezone.localdate():
        raise SearchRefused("the birth date is in the future: check it")
    if born.year < 1900:
        raise SearchRefused("the birth date is before 1900: check it")
    return born


def _nhs(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not is_valid_nhs_number(value):
        raise SearchRefused("the NHS number fails its check digit: check it, or search without it")
    return normalise_nhs_number(value)


def _postcode(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    canonical = normalise_postcode(value)
    if canonical is None:
        raise SearchRefused("the postcode is not a UK postcode: check it, or search without it")
    return canonical


def validate(query: SearchQuery) -> dict[str, Any]:
    """The query normalised for searching, or :class:`SearchRefused` saying what to change."""
    given = _name(query.given_name, "given name")
    family = _name(query.family_name, "family name")
    nhs = _nhs(query.nhs_number)
    postcode = _postcode(query.postcode)
    if not nhs and not (given and family):
        if given or family:
            missing = "family name" if given else "given name"
            raise SearchRefused(f"add the {missing} (or a valid NHS number): one name matches too "
                                "many children")
        raise SearchRefused("add the child's given and family names (or a valid NHS number) and "
                            "birth date")
    born = _birth_date(query.birth_date)
    return {"given_name": given, "family_name": family, "birth_date": born, "postcode": postcode,
            "nhs_number": nhs}


def search(query: SearchQuery, searched_by: str, reason: str, using: str = "default",
           limit: int = 10) -> SearchResult:
    """People the query may be, most likely first, with confidence, evidence and signposts."""
    why = reason_for(reason)
    if not searched_by.strip():
        raise SearchRefused("say who is searching")
    clean = validate(query)
    echo = {**clean, "birth_date": clean["birth_date"].isoformat()}
    model = scorer(using)  # one look at the model row per search
    scored, raw, links = _score(prepare_row(clean, unique_id=0), using, model)
    best = _best_per_person(scored, links, using)
    matches = _matches(best, scored, raw, clean, using, model)
    matches.sort(key=lambda m: (-(m[0]), m[1].person_id))
    results = [m for _p, m in matches[:limit]]
    for m in results:
        if m.shielded:
            shielding.record_search(m.person_id, searched_by, why.code, using)
            echo["postcode"] = None  # an answer about a protected child carries no address at all
    signposts = signposts_for_people([m.person_id for m in results if not m.shielded], using)
    for m in results:
        if not m.shielded:
            m.signposts = signposts.get(m.person_id, [])
    return SearchResult(echo, why, results, "" if results else NO_MATCH)


def _score(key: dict[str, Any], using: str, model: FastScorer
           ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, tuple[int, bool, str]]]:
    """The query scored against its candidates (plain Python: a one-shot ``jigsaw search`` loads no
    Arrow), with the candidates' raw rows and their links.

    The candidates are the batch linker's blocking rules (:func:`~jigsaw.signpost.matching.
    candidate_ids`) plus two the search needs and a stored record does not: family name with
    day and month of the birth date swapped, so a misspelt given name *and* a swapped birth date
    (two common keying errors) still find the child; and the exact birth date with either name
    within two edits, so a typo in both
    names does too ("Jesica Tompson" for Jessica Thompson). All of them are one query
    (:func:`~jigsaw.signpost.matching.candidates`), and the records with the people they are
    linked to a second (:func:`~jigsaw.signpost.records.load_linked`).
    """
    swapped = ({"family_name": key["family_name"], "birth_date": key["birth_date_swapped"]},)
    ids = candidates(key, using, extra_rules=swapped, near_names=True)
    raw, links = records.load_linked(ids, using)
    return model.score_rows(key, [prepare_row(r) for r in raw]), raw, links


def _best_per_person(scored: list[dict[str, Any]], links: dict[int, tuple[int, bool, str]],
                     using: str) -> dict[int, tuple[int, float, bool, str]]:
    """person id -> (row of its best-scoring record, probability, shielded, shield contact)."""
    if not scored:
        return {}
    record_ids = [r["unique_id_r"] for r in scored]
    probs = [r["match_probability"] for r in scored]
    best: dict[int, tuple[int, float, bool, str]] = {}
    for row, (record_id, prob) in enumerate(zip(record_ids, probs, strict=True)):
        if record_id not in links:  # imported since the last link run: not yet anyone
            continue
        person, shielded, contact = links[record_id]
        if person not in best or prob > best[person][1]:
            best[person] = (row, prob, shielded, contact)
    # a pending candidate duplicate of a shielded child is treated as that child (signpost.gate)
    for person in gate.protected(best, using):
        row, prob, _shielded, contact = best[person]
        best[person] = (row, prob, True, contact or gate.hub_contact(person, using))
    return best


def _matches(best: dict[int, tuple[int, float, bool, str]], scored: list[dict[str, Any]],
             raw: list[dict[str, Any]], clean: dict[str, Any], using: str,
             scorer: FastScorer) -> list[tuple[float, Match]]:
    """The people to show, each with the probability it is ranked by.

    A shielded person is shown if and only if the query matches one of its records exactly on
    visible details, whatever the score: the score also weighs the postcode, and letting it
    decide (or rank, or band) would let a searcher confirm a protected child's address by trying
    postcodes. Such a result is ranked and banded as certain, and carries no evidence.
    """
    shielded_ids = [p for p, v in best.items() if v[2]]
    exact = shielding.exact_records(
        shielding.ExactKey.of(clean["given_name"], clean["family_name"], clean["birth_date"],
                              clean["nhs_number"]), shielded_ids, using) if shielded_ids else {}
    ids = [r["unique_id_r"] for r in scored]
    shown = {p: v for p, v in best.items() if not v[2] and v[1] >= POSSIBLE}
    details = _details({ids[v[0]] for v in shown.values()}, raw)
    model = scorer.model
    fields = [c["output_column_name"] for c in model["comparisons"]]
    out: list[tuple[float, Match]] = []
    for person, rec in exact.items():
        out.append((1.0, Match(person, "high", None, [], {
            "given_name": rec["given_name"], "family_name": rec["family_name"],
            "birth_date": rec["birth_date"].isoformat()}, shielded=True,
            message=shielding.message(best[person][3]))))
    for person, (row, prob, _shielded, _contact) in shown.items():
        values = {name: value for name, value in scored[row].items() if name.startswith(("gamma_", "mw_"))}
        steps = [s.as_dict() for s in waterfall(model, *weights_from_row(values, fields))]
        band = "high" if prob >= HIGH else "possible"
        words = plain_evidence(steps)
        out.append((prob, Match(person, band, round(prob, 4), steps, details.get(ids[row], {}),
                                why=words["for"], why_not=words["against"])))
    return out


def _details(record_ids: set[int], raw: list[dict[str, Any]]) -> dict[int, dict[str, str | None]]:
    """Who each best-matching record says the person is: names, birth date, postcode district
    (from the rows already read for scoring)."""
    out: dict[int, dict[str, str | None]] = {}
    for row in raw:
        if row["unique_id"] not in record_ids:
            continue
        canonical = normalise_postcode(row["postcode"] or "")
        district = postcode_parts(canonical)[1] if canonical else None
        out[row["unique_id"]] = {"given_name": row["given_name"], "family_name": row["family_name"],
                                 "birth_date": row["birth_date"], "postcode_district": district}
    return out
