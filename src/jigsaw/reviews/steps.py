"""The review page's form posts: one small handler per step, each calling one service.

A handler returns nothing on success; a refusal is a :class:`ReviewError` the page shows as a
GOV.UK error, never a server error. Dates come from the GOV.UK date
input (three boxes, ``web/_date_parts.html``) or, from a script, one ISO 8601 field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.http import QueryDict

from jigsaw.feeds import date_from_parts

from . import actions, evidence, services, signoff
from .models import CaseReview
from .workflow import ReviewError


def day(form: QueryDict, name: str = "on", required: bool = True) -> dt.date | None:
    """A date from the GOV.UK three boxes (``name-day``, ``-month``, ``-year``) or one ISO field."""
    label = name.replace("_", " ")
    if any(f"{name}-{part}" in form for part in ("day", "month", "year")):
        found, problem = date_from_parts(
            form.get(f"{name}-day", ""), form.get(f"{name}-month", ""), form.get(f"{name}-year", "")
        )
        if problem:
            raise ReviewError(f"{label}: {problem[0].lower()}{problem[1:]}")
        if found is None and required:
            raise ReviewError(f"enter the date ({label})")
        return found
    text = form.get(name, "").strip()
    if not text:
        if required:
            raise ReviewError(f"enter the date ({label})")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ReviewError(f"enter a real date for {label}") from None


def number(form: QueryDict, name: str) -> int:
    try:
        return int(form.get(name, ""))
    except ValueError:
        raise ReviewError(f"choose the {name.replace('_', ' ')}") from None


def _text(form: QueryDict, name: str) -> str:
    return form.get(name, "").strip()


Handler = Callable[[CaseReview, QueryDict, str, str], object]

HANDLERS: dict[str, Handler] = {
    "notify": lambda r, f, by, u: services.notify(r.pk, day(f), by, using=u),
    "notice": lambda r, f, by, u: services.record_notice(
        r.pk, _text(f, "recipient"), day(f, _text(f, "recipient") or "on"), by, using=u
    ),
    "rapid_review": lambda r, f, by, u: evidence.rapid_review(
        r.pk,
        day(f),
        by,
        period_from=day(f, "period_from", False),
        period_to=day(f, "period_to", False),
        household=f.get("household", "1") == "1",
        using=u,
    ),
    "decide": lambda r, f, by, u: services.decide(
        r.pk,
        _text(f, "decision"),
        _text(f, "reasons"),
        by,
        on=day(f),
        panel_view=_text(f, "panel_view"),
        using=u,
    ),
    "local_review": lambda r, f, by, u: services.set_local_review(
        r.pk, by, terms_of_reference=_text(f, "terms_of_reference"), reviewer=_text(f, "reviewer"), using=u
    ),
    "final_report": lambda r, f, by, u: services.final_report(r.pk, day(f), by, using=u),
    "sign_off": lambda r, f, by, u: signoff.sign_off(r.pk, by, day(f), using=u),
    "send": lambda r, f, by, u: services.send(r.pk, day(f), by, using=u),
    "publish": lambda r, f, by, u: services.publish(r.pk, day(f), by, url=_text(f, "url"), using=u),
    "withhold": lambda r, f, by, u: services.withhold(
        r.pk, _text(f, "reason"), by, on=day(f, "withheld_on"), using=u
    ),
    "request_contribution": lambda r, f, by, u: evidence.request_contribution(
        r.pk, _text(f, "agency"), day(f, "requested_on"), due_on=day(f, "due_on", False), using=u
    ),
    "receive_contribution": lambda r, f, by, u: evidence.receive_contribution(
        r.pk, _text(f, "agency"), day(f, "received_on"), _text(f, "summary"), using=u
    ),
    "recommend": lambda r, f, by, u: actions.add_recommendation(r.pk, _text(f, "text"), using=u),
    "add_action": lambda r, f, by, u: actions.add_action(
        r.pk,
        number(f, "recommendation"),
        _text(f, "description"),
        _text(f, "agency"),
        _text(f, "owner"),
        day(f, "due_on"),
        using=u,
    ),
    "update_action": lambda r, f, by, u: _update_action(r, f, by, u),
    "themes": lambda r, f, by, u: services.code_themes(r.pk, f.getlist("theme"), by, using=u),
}


def _update_action(review: CaseReview, form: QueryDict, by: str, using: str) -> object:
    action_id = number(form, "action")
    if (
        not actions.PlanAction.objects.using(using)
        .filter(pk=action_id, recommendation__review=review)
        .exists()
    ):
        raise ReviewError(f"review {review.pk} has no action {action_id}")
    return actions.update_action(
        action_id, _text(form, "status"), by, evidence=_text(form, "evidence"), using=using
    )
