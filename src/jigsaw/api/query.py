"""``Patient/$person-info-query``: is this child known here, and whom should the asker contact?

The answer is the practitioners' search (:func:`jigsaw.signpost.search.search`), reduced to what
the draft MAIS data-exchange standard returns: ``match`` and, when true, one contact
Organization. The identity model, the refusals (too little to go on, a bad NHS number) and the
shielding rules are the search's own, so a machine can learn nothing a practitioner could not:

* ``match`` is true only for a person at the search's "high" confidence (the batch linker's link
  threshold); a "possible" candidate is not a match, because a confident wrong answer sends
  another agency to the wrong family;
* a shielded child is found only on exact details (as in the search), and the contact is then
  the hub the shield names, never the agencies involved;
* two or more people at high confidence mean the details do not tell one child apart: the
  contact is the partnership's hub, which can resolve it by hand;
* the contact never carries case detail: an agency's name and telecom, no practitioner, no
  event, no address of the child.

Every answered query is written to the access log as a ``search`` entry (the client, its
agency, the reason code and URI, which fields were given, a keyed digest of the values, the
answer), with one entry per person the answer disclosed, as a practitioner's search is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from jigsaw.api.fhir import PersonQuery, answer, organization
from jigsaw.api.protection import State, current_states, extension
from jigsaw.api.reasons import canonical, reason_of
from jigsaw.audit.log import query_digest, record_many
from jigsaw.audit.models import Action
from jigsaw.records import sql
from jigsaw.records.models import Agency, agencies_by_name, agency_key
from jigsaw.signpost.models import Person
from jigsaw.signpost.search import Match, SearchQuery, search
from jigsaw.signpost.signposts import Signpost

ROLE = "api_client"


@dataclass(frozen=True)
class Caller:
    """The machine client asking, as the access log records it."""

    name: str
    client_id: str
    agency: str
    remote_addr: str = ""
    user_agent: str = ""

    @property
    def actor(self) -> str:
        return f"api:{self.name}"


def person_info(query: PersonQuery, caller: Caller, using: str = "default") -> dict[str, Any]:
    """The response Parameters for ``query``; raises ReasonRefused or SearchRefused (both 400)."""
    why = reason_of(query.reason_uri)
    result = search(SearchQuery(given_name=query.given_name, family_name=query.family_name,
                                birth_date=query.birth_date, postcode=query.postcode,
                                nhs_number=query.nhs_number),
                    searched_by=caller.actor, reason=why.code, using=using)
    high = [m for m in result.results if m.confidence == "high"]
    # the CP-IS flag: only for one child told apart from every other (two at high confidence
    # are the hub's to resolve, and neither child's state is said)
    states = current_states(high[0].person_id, using) if len(high) == 1 else []
    contact = _contact(high, using, states) if high else None
    _log(caller, why.code, query, result.query, high, using, states, contact)
    return answer(bool(high), contact, extension(states))


def hub() -> dict[str, Any]:
    return organization(settings.JIGSAW_HUB_NAME, settings.JIGSAW_HUB_PHONE, settings.JIGSAW_HUB_EMAIL)


_EMAIL = re.compile(r"(?<![\w/.])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b(?![@/])")
#: a UK number as written: an optional +44, an area code (in brackets or not), then the rest in
#: one or two groups (ASCII digits only)
_PHONE = re.compile(
    r"(?<![0-9])(?:\+[0-9]{1,3}[ -]?)?\(?0?[0-9]{2,5}\)?[ -]?[0-9]{3,4}[ -]?[0-9]{3,4}(?![0-9])")
#: words that only introduce a number or an address ("Northvale MASH, tel 01632 960999")
_LEAD_INS = re.compile(
    r"(?:[\s,;:.\-\u2013\u2014]|\b(?:on|or|and|tel|telephone|phone|call|email|e-mail)\b)+$", re.IGNORECASE)


def shield_organization(contact: str) -> dict[str, Any]:
    """Whom to call about a shielded child, from the text its shield gave (``jigsaw shield
    --contact``, "the MASH and its number"): the number and the address found in the text become
    the Organization's telecom and the rest its name; the hub's settings fill what it lacks."""
    text = " ".join(contact.split())
    email = next(iter(_EMAIL.findall(text)), "")
    text = _EMAIL.sub(" ", text)
    phone = next(iter(_PHONE.findall(text)), "").strip()
    if phone:
        text = text.replace(phone, " ")
    name = _LEAD_INS.sub("", " ".join(text.split())).strip()
    if not phone and not email:
        phone, email = settings.JIGSAW_HUB_PHONE, settings.JIGSAW_HUB_EMAIL
    return organization(name or settings.JIGSAW_HUB_NAME, phone, email)


def _contact(high: list[Match], using: str, states: Sequence[State] = ()) -> dict[str, Any]:
    if len(high) > 1:
        return hub()
    [match] = high
    if match.shielded:
        named = (Person.objects.using(using).filter(pk=match.person_id)
                 .values_list("shield_contact", flat=True))
        return shield_organization(next(iter(named), ""))
    if not match.signposts and not states:
        return hub()
    return _agency_contact(match.signposts, using, states)


def _agency_contact(posts: list[Signpost], using: str, states: Sequence[State] = ()) -> dict[str, Any]:
    """The agency to contact: current involvements first; for a child on a plan or looked after,
    the allocated social worker's agency (CP-IS names the responsible local authority), or, when
    no social worker is allocated here (a child known from a DfE return, say), the agency whose
    records hold the plan or the care; then the child's lead professional's (the one who
    coordinates the support, Working Together 2023); then social care before others.

    Its own safeguarding contact when the partnership has recorded one (Agency
    ``safeguarding_phone``/``email``), else the contact the involvement gave.
    """
    agencies = _agencies({p.agency for p in posts}, using)

    def kind(post: Signpost) -> str:
        agency = agencies.get(agency_key(post.agency))
        return agency.agency_type if agency else ""

    def allocated(post: Signpost) -> bool:
        return bool(states) and "social worker" in post.role.casefold()

    if states and not any(p.current and allocated(p) for p in posts):
        responsible = _recording_agency(states, using)
        if responsible is not None:
            return organization(responsible.name, responsible.safeguarding_phone,
                                responsible.safeguarding_email)
    if not posts:
        return hub()
    post = min(posts, key=lambda p: (not p.current, not allocated(p), not p.lead_professional,
                                     kind(p) != "social_care"))  # min is stable
    agency = agencies.get(agency_key(post.agency))
    if agency is not None and (agency.safeguarding_phone or agency.safeguarding_email):
        return organization(agency.name, agency.safeguarding_phone, agency.safeguarding_email)
    contact = " ".join(post.contact.split())
    email = contact if "@" in contact else ""
    return organization(agency.name if agency else post.agency, "" if email else contact, email)


def _recording_agency(states: Sequence[State], using: str) -> Agency | None:
    """The agency of the source system that recorded the most recent of these states."""
    latest = max(states, key=lambda state: state.since)
    if latest.recorded_by is None:
        return None
    return (Agency.objects.using(using).filter(sourcesystem__id=latest.recorded_by)
            .only(*_AGENCY_FIELDS[1:]).first())


_AGENCY_FIELDS = ("id", "name", "agency_type", "safeguarding_phone", "safeguarding_email")
_AGENCIES = (f"SELECT {', '.join(_AGENCY_FIELDS)} FROM records_agency WHERE name IN ({{ids}})")  # noqa: S608


def _agencies(names: set[str], using: str) -> dict[str, Agency]:
    """``agency_key`` of a name -> Agency for the names signposts use: one query, by current name first;
    a name not found that way (a feed still using a former name) is looked up among all agencies."""
    if not names:
        return {}
    rows = sql.read(_AGENCIES, names, using)  # written out: the queryset cost more to compile
    found = {agency_key(row[1]): Agency.from_db(using, _AGENCY_FIELDS, row) for row in rows}
    if all(agency_key(n) in found for n in names):
        return found
    fields = ("name", "former_names", "agency_type", "safeguarding_phone", "safeguarding_email")
    every = list(Agency.objects.using(using).only(*fields))
    by_id = {a.pk: a for a in every}
    return {name: by_id[pk] for name, pk in agencies_by_name(using).items() if pk in by_id} | found


def _log(caller: Caller, code: str, query: PersonQuery, echo: dict[str, Any], high: list[Match],
         using: str, states: list[State] | None = None, contact: dict[str, Any] | None = None) -> None:
    common = {"role": ROLE, "agency": caller.agency, "reason": code, "remote_addr": caller.remote_addr,
              "user_agent": caller.user_agent, "using": using}
    systems = [s[:200] for s in query.identifier_systems[:5]]
    _entries(caller, query, echo, high, common, systems, [s.name for s in states or []],
             (contact or {}).get("name"))  # one atomic write


def _entries(caller: Caller, query: PersonQuery, echo: dict[str, Any], high: list[Match],
             common: dict[str, Any], systems: list[str], states: list[str],
             contact: str | None) -> None:
    """The query's entry and one per person disclosed, pointing at it: one write to the log.
    The entry names the organisation given as the contact, so whom a client was sent to call
    can be traced (an agency's name, never a practitioner's)."""
    using = common.pop("using")
    reason = canonical(query.reason_uri or "")  # the URI compared: a valid one padded past the log's limit
    head = {"actor": caller.actor, "action": Action.SEARCH, "reason_text": reason, "detail": {
        "client_id": caller.client_id, "fields": sorted(k for k, v in echo.items() if v not in (None, "")),
        "identifier_systems": systems, "match": bool(high), "states_disclosed": states,
        "results": len(high), "query_digest": query_digest(echo), "contact_given": contact}, **common}
    people = [{"actor": caller.actor, "action": Action.SEARCH, "person_id": m.person_id,
               "detail": {"search": 0, "rank": rank, "shielded": m.shielded}, **common}
              for rank, m in enumerate(high, 1)]
    record_many([head, *people], using=using, head_key="search")
