"""Who is acting, as the access log must record them; and the database a page reads (``db``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from jigsaw.records.database import db

from .log import record, record_many

__all__ = ["Actor", "db"]

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
        return cls.of_account(request.user, request.META.get("REMOTE_ADDR", ""),
                              request.META.get("HTTP_USER_AGENT", ""))

    @classmethod
    def of_account(cls, user: Any, remote_addr: str, user_agent: str) -> Actor:
        """An account acting from a page (its address) or a terminal (no address, the cli agent)."""
        profile = getattr(user, "profile", None)
        agency = profile.agency.name if profile is not None and profile.agency_id else ""
        return cls(user.get_username(), profile.role if profile else "", agency,
                   user.get_full_name().strip() or user.get_username(), remote_addr, user_agent)

    def log(self, action: str, *, using: str, person_id: int | None = None, reason: str = "",
            reason_text: str = "", detail: dict[str, Any] | None = None) -> None:
        """One access-log entry for this actor (raises, so no entry means no page)."""
        record(self.username, self.role, self.agency, action, person_id=person_id, reason=reason,
               reason_text=reason_text[:500], detail=detail, remote_addr=self.remote_addr,
               user_agent=self.user_agent, using=using)

    def log_many(self, action: str, people: list[tuple[int | None, dict[str, Any]]], *, using: str,
                 reason: str = "") -> None:
        """One entry per (person, detail), written together (:func:`jigsaw.audit.log.record_many`)."""
        self.log_each([(action, person, detail) for person, detail in people], using=using, reason=reason)

    def log_each(self, entries: list[tuple[str, int | None, dict[str, Any]]], *, using: str,
                 reason: str = "") -> None:
        """One entry per (action, person, detail), in order, written together: a page that names
        people for several reasons (an alert, a child opened) writes its log in one transaction."""
        record_many([{"actor": self.username, "role": self.role, "agency": self.agency, "action": action,
                      "person_id": person, "reason": reason, "detail": detail,
                      "remote_addr": self.remote_addr, "user_agent": self.user_agent}
                     for action, person, detail in entries], using=using)

    def audit_kwargs(self) -> dict[str, str]:
        return {"role": self.role, "agency": self.agency, "remote_addr": self.remote_addr,
                "user_agent": self.user_agent}
