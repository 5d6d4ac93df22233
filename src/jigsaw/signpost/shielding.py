"""Shielding: a child whose whereabouts could endanger them is found only on exact details.

The rules follow ContactPoint's shielding as it worked in practice
(``research/anchors-signposting.md`` section 1.4, and regulation 6(5)-(6) of SI 2007/2182):

* A shielded person is returned only when the searcher already knows them exactly -- the same
  normalised given name, family name and birth date as one of their records, or the same valid
  NHS number and birth date. A near miss returns nothing, so the index can never be used to
  fish for a protected child or to confirm where they are.
* Even then the searcher sees no address, postcode or signposts, only the hub to contact, which
  brokers the contact (the "ContactPoint Management Team" role), and every such search is
  recorded (:class:`~jigsaw.signpost.models.ShieldedSearch`) for that hub to follow up.
* The shield belongs to the child, not to one linkage run: ``batch.link_all`` carries it to
  whichever person a shielded person's records end up in (ContactPoint's national feed created
  *unshielded duplicates* of shielded children, section 1.2; that must not happen here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from jigsaw.identity import normalise_name
from jigsaw.records.models import PersonRecord
from jigsaw.signpost.models import Person, ShieldedSearch


class ShieldError(ValueError):
    """A shield request that cannot be carried out (unknown person, no hub to contact)."""


MESSAGE = "Contact {contact}: this child's details are protected."


@dataclass(frozen=True)
class ExactKey:
    """The details a searcher must already know exactly to find a shielded person."""

    given_name: str | None  # normalised (normalise_name), None when not given
    family_name: str | None
    birth_date: date
    nhs_number: str | None  # a valid number, digits only

    @classmethod
    def of(cls, given: str | None, family: str | None, birth: date, nhs: str | None) -> ExactKey:
        return cls(normalise_name(given) or None, normalise_name(family) or None, birth, nhs or None)

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Exact on names and birth date, or on a valid NHS number and birth date."""
        if record["birth_date"] != self.birth_date:
            return False
        if self.nhs_number and record["nhs_number"] == self.nhs_number:
            return True
        return (self.given_name is not None and self.family_name is not None
                and normalise_name(record["given_name"]) == self.given_name
                and normalise_name(record["family_name"]) == self.family_name)


def shield(person_id: int, contact: str, reason: str, by: str, using: str = "default") -> Person:
    """Shield a person: from now on searches see only ``contact`` (a hub, not a practitioner)."""
    contact, reason = " ".join(contact.split()), " ".join(reason.split())
    if not contact:
        raise ShieldError("say whom a searcher should contact instead (--contact), e.g. the MASH")
    if not reason:
        raise ShieldError("give the reason for shielding (--reason)")
    if len(contact) > 300 or len(reason) > 300:
        raise ShieldError("the contact and the reason must each be at most 300 characters")
    with transaction.atomic(using=using):
        person = _person(person_id, using)
        person.shielded = True
        person.shield_contact = contact
        person.shield_reason = reason
        person.shielded_by = by[:150]
        person.shielded_at = timezone.now()
        person.save(using=using)
    return person


def unshield(person_id: int, by: str, using: str = "default") -> Person:
    """Lift a shield. ``by`` is required so a later audit can say who lifted it."""
    if not by.strip():
        raise ShieldError("say who is lifting the shield")
    with transaction.atomic(using=using):
        person = _person(person_id, using)
        person.shielded = False
        person.shield_contact = person.shield_reason = ""
        person.shielded_by = by[:150]
        person.shielded_at = timezone.now()
        person.save(using=using)
    return person


def _person(person_id: int, using: str) -> Person:
    try:
        return Person.objects.using(using).select_for_update().get(pk=person_id)
    except Person.DoesNotExist:
        raise ShieldError(f"there is no person {person_id}; find the id with `jigsaw search`") from None


def exact_records(key: ExactKey, person_ids: Iterable[int], using: str = "default") -> dict[int, dict]:
    """For each shielded person among ``person_ids``, the record the searcher knows exactly.

    People with no exactly matching record are left out: the caller must then drop them from
    the results altogether. One query, over the records of the shielded people only.
    """
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    found: dict[int, dict] = {}
    rows = (PersonRecord.objects.using(using).filter(link__person_id__in=ids, birth_date=key.birth_date)
            .values("link__person_id", "given_name", "family_name", "birth_date", "nhs_number")
            .order_by("pk"))
    for row in rows:
        person = row["link__person_id"]
        if person not in found and key.matches(row):
            found[person] = row
    return found


def record_search(person_id: int, searched_by: str, reason: str, using: str = "default") -> None:
    """Keep the search for the hub to follow up (who searched, for what stated reason)."""
    ShieldedSearch.objects.using(using).create(person_id=person_id, searched_by=searched_by[:150],
                                               reason=reason[:100])


def message(contact: str) -> str:
    return MESSAGE.format(contact=contact)
