"""What every case-work page shares: which database, who is acting, and writing the access log.

The engines (search, chronology, alerts, review) take ``using`` explicitly; the pages ask the
database router for it, so a deployment reads the default database and the tests can route a
whole request to SQLite or PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import router
from django.http import HttpRequest

from jigsaw.audit.log import record
from jigsaw.signpost.models import Person
from jigsaw.signpost.search import Reason, reasons

#: Session key holding the lawful reason the user last gave (a search's reason carries to the child).
REASON_KEY = "jigsaw_reason"


def db() -> str:
    """The database alias the pages read and write (the router's choice)."""
    return router.db_for_write(Person)


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the access log must record them: from their Profile, never typed in."""

    username: str
    role: str
    agency: str
    name: str  # full name if recorded, else the username: alerts are routed by name
    remote_addr: str
    user_agent: str

    @classmethod
    def of(cls, request: HttpRequest) -> Actor:
        user = request.user
        profile = getattr(user, "profile", None)
        agency = profile.agency.name if profile is not None and profile.agency_id else ""
        return cls(user.get_username(), profile.role if profile else "", agency,
                   user.get_full_name().strip() or user.get_username(),
                   request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_USER_AGENT", ""))

    def log(self, action: str, *, using: str, person_id: int | None = None, reason: str = "",
            reason_text: str = "", detail: dict[str, Any] | None = None) -> None:
        """One access-log entry for this actor (raises, so no entry means no page)."""
        record(self.username, self.role, self.agency, action, person_id=person_id, reason=reason,
               reason_text=reason_text[:500], detail=detail, remote_addr=self.remote_addr,
               user_agent=self.user_agent, using=using)

    def audit_kwargs(self) -> dict[str, str]:
        return {"role": self.role, "agency": self.agency, "remote_addr": self.remote_addr,
                "user_agent": self.user_agent}


def reason_choices() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in reasons()]


def reason_named(code: str | None) -> Reason | None:
    return next((r for r in reasons() if r.code == (code or "")), None)


def parse_date_parts(day: str, month: str, year: str) -> tuple[dt.date | None, str]:
    """A GOV.UK date input's three boxes as a date, or (None, the message to show)."""
    parts = [p.strip() for p in (day, month, year)]
    if not any(parts):
        return None, ""
    if not all(parts):
        return None, "Enter a day, month and year"
    try:
        return dt.date(int(parts[2]), int(parts[1]), int(parts[0])), ""
    except ValueError:
        return None, "Enter a real date"
