"""Writing the access log (:func:`record`) and proving it intact (:func:`verify`).

Every read of personal data goes through :func:`record` *before* the data is shown: no entry,
no access. The entry joins the caller's transaction if there is one (an action and its record
commit or roll back together), else it commits at once.

Chaining must be serialised, or two writers would both read entry *n* and both write *n + 1*:

* PostgreSQL: a transaction-scoped advisory lock (``pg_advisory_xact_lock``) taken before
  reading the head, held to commit. It works on an empty table, where ``SELECT … FOR UPDATE``
  on the last row would lock nothing.
* SQLite: the connection opens every transaction ``IMMEDIATE`` (``jigsaw.settings``), which
  takes the database write lock at ``BEGIN``; writers queue on ``timeout``.

The unique constraints on ``sequence`` and ``entry_hash`` are the backstop: if serialisation
ever failed, the second writer gets an error instead of forking the chain.

Application logs get the sequence number and the action only, never who was looked at or why
(DESIGN: "Application logs never hold personal data").
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from jigsaw.audit import chain
from jigsaw.audit.models import AccessEntry, Action

logger = logging.getLogger(__name__)

#: Advisory-lock key for the chain head on PostgreSQL (a fixed 64-bit number derived from a name).
LOCK_KEY = int.from_bytes(hashlib.sha256(b"jigsaw.audit.chain").digest()[:8], "big", signed=True)

#: Keys ``detail`` may never have: identity belongs in the person record, not the log.
FORBIDDEN_KEYS = frozenset({
    "name", "given_name", "family_name", "other_names", "birth_date", "dob", "nhs_number", "nhs",
    "upn", "address", "postcode", "phone", "email", "summary", "explanation", "narrative",
})
MAX_DETAIL_BYTES = 2048
MAX_DETAIL_TEXT = 200
#: Integers within a double's exact range, so every JSON reader agrees on the hashed value.
MAX_DETAIL_INT = 2**53


#: The chain's head: the newest entry's sequence and hash.
_HEAD = (f"SELECT sequence, entry_hash FROM {AccessEntry._meta.db_table} "  # noqa: S608 (the table's name)
         "ORDER BY sequence DESC LIMIT 1")


class AuditError(ValueError):
    """An entry that cannot be written as asked; names the field, never its value."""


#: The role the ``jigsaw`` command records until accounts and roles reach the command line.
CLI_ROLE = "cli"


def cli_user_agent() -> str:
    """What the ``jigsaw`` command records as its user agent (there is no browser)."""
    try:
        return f"jigsaw-cli/{version('jigsaw')}"
    except PackageNotFoundError:
        return "jigsaw-cli"


def record(actor: str, role: str, agency: str, action: str, person_id: int | None = None,
           reason: str = "", detail: Mapping[str, Any] | None = None, remote_addr: str = "",
           user_agent: str = "", using: str = "default", reason_text: str = "") -> AccessEntry:
    """Append one entry and return it; raises :class:`AuditError` if it cannot be written.

    ``reason`` is the lawful-reason code (``s47`` …), ``reason_text`` the user's own words.
    ``detail`` is small, structured, and never case content: see :func:`clean_detail`.
    """
    return record_many([{"actor": actor, "role": role, "agency": agency, "action": action,
                         "person_id": person_id, "reason": reason, "detail": detail,
                         "remote_addr": remote_addr, "user_agent": user_agent,
                         "reason_text": reason_text}], using=using)[0]


def record_many(entries: Sequence[Mapping[str, Any]], using: str = "default",
                head_key: str | None = None) -> list[AccessEntry]:
    """Append several entries (each the keyword arguments of :func:`record`) in order, under one
    lock and one read of the chain head, in one statement: a page that names twenty children
    writes twenty entries without twenty round trips. All are checked before any is written;
    if one is refused, the transaction rolls back and nothing is written.

    ``head_key``: every later entry whose detail has this key gets the first entry's sequence
    there (a search's entry per person points at the search's own entry), so a head and its
    followers need no second write to learn the head's number.
    """
    cleaned = [_cleaned(e) for e in entries]
    if not cleaned:
        return []
    with transaction.atomic(using=using):
        connection = connections[using]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            cursor.execute(_HEAD)  # SQL, not a queryset: every page that names someone asks it
            head = cursor.fetchone()
        sequence, previous = (head[0] + 1, head[1]) if head else (1, chain.GENESIS)
        if head_key:
            for values in cleaned[1:]:
                if head_key in values["detail"]:
                    values["detail"][head_key] = sequence
        now, made = timezone.now(), []
        for values in cleaned:
            entry = AccessEntry(sequence=sequence, at=now, previous_hash=previous, **values)
            entry.entry_hash = entry.compute_hash()
            made.append(entry)
            sequence, previous = sequence + 1, entry.entry_hash
        AccessEntry.objects.using(using).append_chained(made)
    logger.debug("access log entries %d-%d written", made[0].sequence, made[-1].sequence)
    return made


def _cleaned(e: Mapping[str, Any]) -> dict[str, Any]:
    return _clean(e["actor"], e.get("role", ""), e.get("agency", ""), e["action"], e.get("person_id"),
                  e.get("reason", ""), e.get("reason_text", ""), e.get("detail"), e.get("remote_addr", ""),
                  e.get("user_agent", ""))


def record_cli(actor: str, action: str, **kwargs: Any) -> AccessEntry:
    """:func:`record` for the ``jigsaw`` command: role ``cli``, no agency or address (until accounts)."""
    kwargs.setdefault("role", CLI_ROLE)
    kwargs.setdefault("agency", "")
    kwargs.setdefault("user_agent", cli_user_agent())
    return record(actor, action=action, **kwargs)


def record_search(actor: str, role: str, agency: str, reason: str, query: Mapping[str, Any],
                  person_ids: Sequence[int], shielded: Collection[int] = (), *,
                  remote_addr: str = "", user_agent: str = "", using: str = "default") -> list[AccessEntry]:
    """One ``search`` entry for the search, then one per person it showed, all in one transaction
    and one statement (each person's entry names the search entry's sequence number).

    The search entry keeps which fields were used, how many people came back and a keyed digest
    of the values (:func:`query_digest`), not the values: an immutable log cannot honour a
    permanent deletion, so it holds no names or birth dates. Each shown person gets an entry of
    their own, so "who looked at this child" is a plain filter on ``person_id``.
    """
    used = sorted(k for k, v in query.items() if v not in (None, ""))
    common = {"actor": actor, "role": role, "agency": agency, "reason": reason, "remote_addr": remote_addr,
              "user_agent": user_agent}
    search = {"action": Action.SEARCH, **common,
              "detail": {"fields": used, "results": len(person_ids), "query_digest": query_digest(query)}}
    return record_many([search, *[
        {"action": Action.SEARCH, "person_id": person, **common,
         "detail": {"search": 0, "rank": rank, "shielded": person in shielded}}
        for rank, person in enumerate(person_ids, 1)]], using=using, head_key="search")


def query_digest(query: Mapping[str, Any]) -> str:
    """HMAC-SHA256 of the normalised, non-empty query values, keyed by the audit key.

    An auditor who already holds a child's details can ask "who searched for exactly this?"
    (:func:`jigsaw.audit.queries.who_searched_for`) without the log storing them. It is a
    pseudonym, not anonymity: whoever holds the key can test guesses, so the key
    (``JIGSAW_AUDIT_KEY``) is as secret as the database.
    """
    values = {k: " ".join(str(v).split()).casefold() for k, v in query.items() if v not in (None, "")}
    key = audit_key()
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    """The key of the chain and of search digests (``JIGSAW_AUDIT_KEY``; never stored in the database)."""
    return settings.JIGSAW_AUDIT_KEY.encode("utf-8")


def _text(value: str | None, field: str, limit: int, required: bool = False) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise AuditError(f"audit entry needs a {field}")
    if len(text) > limit:
        raise AuditError(f"audit entry {field} is longer than {limit} characters")
    return text


def _clean(actor, role, agency, action, person_id, reason, reason_text, detail, remote_addr,
           user_agent) -> dict[str, Any]:
    if action not in Action.values:
        raise AuditError(f"unknown audit action: use one of {', '.join(Action.values)}")
    if person_id is not None and (isinstance(person_id, bool) or not isinstance(person_id, int)):
        raise AuditError("audit person_id must be an integer person id")
    return {
        "actor": _text(actor, "actor", 150, required=True), "role": _text(role, "role", 50),
        "agency": _text(agency, "agency", 100), "action": str(action), "person_id": person_id,
        "reason_code": _text(reason, "reason code", 50),
        "reason_text": _text(reason_text, "reason text", 500),
        "detail": clean_detail(detail), "remote_addr": _address(remote_addr),
        "user_agent": " ".join((user_agent or "").split())[:200],
    }


def _address(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise AuditError("audit remote address is not an IP address") from None


def clean_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """``detail`` checked: small JSON of text, integers, booleans and lists, with no identity keys.

    Floats are refused because databases round-trip them differently (the hash must survive
    PostgreSQL's ``jsonb``); identity keys are refused so a careless caller cannot put a name or
    birth date into an entry that can never be deleted.
    """
    if detail is None:
        return {}
    if not isinstance(detail, Mapping):
        raise AuditError("audit detail must be a mapping")
    cleaned = _detail_value(detail, "detail")
    if len(json.dumps(cleaned, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) > MAX_DETAIL_BYTES:
        raise AuditError(f"audit detail is larger than {MAX_DETAIL_BYTES} bytes")
    return cleaned


def _detail_value(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_DETAIL_INT:
            raise AuditError(f"audit {where} holds an integer too large to hash portably")
        return value
    if isinstance(value, str):
        if len(value) > MAX_DETAIL_TEXT:
            raise AuditError(f"audit {where} holds text longer than {MAX_DETAIL_TEXT} characters")
        if "\x00" in value:
            raise AuditError(f"audit {where} holds a NUL character, which PostgreSQL cannot store")
        return value
    if isinstance(value, list | tuple):
        return [_detail_value(v, where) for v in value]
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditError(f"audit {where} keys must be text")
            if key.lower() in FORBIDDEN_KEYS:
                raise AuditError(f"audit {where} may not hold {key!r}: the log holds no identity")
            out[key] = _detail_value(item, f"{where}.{key}")
        return out
    raise AuditError(f"audit {where} holds a {type(value).__name__}: use text, integers, booleans")


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify`; ``head_*`` is the last good entry (to note down as an anchor)."""

    ok: bool
    checked: int
    first_broken_sequence: int | None = None
    problem: str = ""
    head_sequence: int = 0
    head_hash: str = chain.GENESIS

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


FIELDS = ("id", *chain.HASHED_FIELDS, "entry_hash")


def _rows(using: str, chunk: int) -> Iterator[dict[str, Any]]:
    """Every entry in sequence order, streamed (a server-side cursor on PostgreSQL)."""
    for values in (AccessEntry.objects.using(using).order_by("sequence").values_list(*FIELDS)
                   .iterator(chunk_size=chunk)):
        yield dict(zip(FIELDS, values, strict=True))


def verify(using: str = "default", anchors: Mapping[int, str] | None = None,
           chunk: int = 5000) -> VerifyResult:
    """Walk the chain from entry 1; stop at the first entry that is missing, altered or out of place.

    Memory stays flat whatever the length. What the chain alone cannot show is the *newest*
    entries being removed (the rest still verifies); ``anchors`` — ``{sequence: entry_hash}``
    noted down from earlier runs, kept outside this database — closes that gap.
    """
    anchors = dict(anchors or {})
    key = audit_key()
    checked, last_seq, last_hash = 0, 0, chain.GENESIS

    def broken(sequence: int, problem: str) -> VerifyResult:
        return VerifyResult(False, checked, sequence, problem, last_seq, last_hash)

    for row in _rows(using, chunk):
        seq = row["sequence"]
        if seq != last_seq + 1:
            missing = f"{last_seq + 1}" if seq == last_seq + 2 else f"{last_seq + 1}-{seq - 1}"
            return broken(last_seq + 1, f"entry {missing} is missing (deleted): the log goes from "
                                        f"{last_seq or 'its start'} to {seq}")
        if chain.entry_hash(row, key) != row["entry_hash"]:
            return broken(seq, f"entry {seq} was altered: its fields no longer match its hash")
        if row["previous_hash"] != last_hash:
            return broken(seq, f"entry {seq} does not follow entry {last_seq}: its previous hash differs "
                               "(an entry was replaced, inserted or re-chained)")
        if seq in anchors and anchors.pop(seq) != row["entry_hash"]:
            return broken(seq, f"entry {seq} differs from its anchor: the log was rewritten from here")
        checked, last_seq, last_hash = checked + 1, seq, row["entry_hash"]
    if anchors:
        first = min(anchors)
        return broken(first, f"entry {first} is missing (deleted): an anchor names it but the log ends "
                             f"at {last_seq}")
    return VerifyResult(True, checked, None, "", last_seq, last_hash)
