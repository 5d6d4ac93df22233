"""The hash chain, in plain Python (no Django): one canonical serialisation, one digest.

Why a separate module: the writer (:func:`jigsaw.audit.log.record`) and the checker
(:func:`jigsaw.audit.log.verify`) must serialise an entry byte-for-byte alike, and a test or an
outside auditor's script can recompute a hash from an exported row without starting Django.

The digest is keyed (HMAC-SHA256 with ``JIGSAW_AUDIT_KEY``, a secret held outside the
database): whoever can write to the database but does not hold the key cannot forge a chain
that verifies, however they delete and re-insert rows. Whoever holds the key is caught by an
anchor kept outside the database (``jigsaw audit anchor``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

#: ``previous_hash`` of entry 1: the chain starts from a fixed, published value.
GENESIS = "0" * 64
#: Bumped if the serialisation ever changes, so old and new entries stay verifiable.
VERSION = "jigsaw-audit-v2"  # v2: keyed (HMAC-SHA256); v1 was a plain SHA-256

#: Every stored field the hash covers, in a fixed order (``entry_hash`` itself excepted).
HASHED_FIELDS = (
    "sequence", "at", "actor", "role", "agency", "action", "person_id", "reason_code", "reason_text",
    "detail", "remote_addr", "user_agent", "previous_hash",
)


def timestamp(at: datetime) -> str:
    """``at`` as UTC ISO 8601 with microseconds: the same text whichever database returned it."""
    if at.tzinfo is None:
        raise ValueError("audit timestamps must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(fields: Mapping[str, Any]) -> bytes:
    """The bytes hashed for one entry: sorted-key compact JSON of :data:`HASHED_FIELDS`.

    JSON (not string concatenation) so no field's text can imitate a separator and make two
    different entries serialise alike.
    """
    data = {name: fields[name] for name in HASHED_FIELDS}
    data["at"] = timestamp(data["at"]) if isinstance(data["at"], datetime) else data["at"]
    data["v"] = VERSION
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(fields: Mapping[str, Any], key: bytes) -> str:
    """HMAC-SHA256 (hex) of :func:`canonical` under ``key``; ``fields`` includes ``previous_hash``,
    which makes the chain."""
    if not key:
        raise ValueError("the access log's chain needs its key (JIGSAW_AUDIT_KEY)")
    return hmac.new(key, canonical(fields), hashlib.sha256).hexdigest()
