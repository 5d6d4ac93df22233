"""Convening a multi-agency meeting for a child, and recording its attendance, decisions and actions."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.accounts.roles import require_child_access

from . import access
from .checks import PracticeError
from .meetings import ACTION_ROWS, KINDS, convene, invitable, record_outcome
from .models import Meeting
from .pages import agencies, date_value, error_context, form_page, form_values, opened_or_question


@never_cache
@require_child_access
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, person_id: int) -> HttpResponse:
    opened, page, using = opened_or_question(request, person_id)
    if opened is None:
        return page
    context = {
        "person_id": person_id,
        "reason": opened.reason,
        "kinds": KINDS.items(),
        "posts": list(enumerate(invitable(person_id, using))),
        "agencies": agencies(using),
        "form": {},
        "invited": [],
    }
    return form_page(
        request, opened, using, "practice/meeting_new.html", context,
        lambda data: convene(opened, {**data.dict(), "held_on": date_value(data, "held_on")},
                             data.getlist("invite"), using),
        lambda meeting: f"/children/{person_id}/practice/meetings/{meeting.pk}/?reason={opened.reason.code}",
        "practice:meeting-new")


@never_cache
@require_child_access
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, person_id: int, meeting_id: int) -> HttpResponse:
    opened, page, using = opened_or_question(request, person_id)
    if opened is None:
        return page
    meeting = Meeting.objects.using(using).filter(pk=meeting_id, person_id=person_id).first()
    if meeting is None:
        raise Http404("no such meeting about this child")
    invitations = list(meeting.invitations.using(using).select_related("agency"))
    if opened.scope.limited and opened.scope.agency_name not in (
        {meeting.recorded_by_agency} | {i.agency.name for i in invitations}
    ):
        raise Http404("no such meeting about this child")
    status, extra = 200, {}
    if request.method == "POST":
        data = request.POST
        actions = {
            n: {
                "action": data.get(f"action-{n}", ""),
                "owner": data.get(f"owner-{n}", ""),
                "owner_agency": data.get(f"owner_agency-{n}", ""),
            }
            for n in range(ACTION_ROWS)
        }
        try:
            values = data.copy()
            for n in range(ACTION_ROWS):
                if (data.get(f"action-{n}") or "").strip():
                    values[f"due_on-{n}"] = date_value(data, f"due_on-{n}")
            record_outcome(opened, meeting, values, using)
            return redirect(request.path + f"?reason={opened.reason.code}")
        except PracticeError as problem:
            extra = {
                **error_context(problem),
                "form": form_values(data),
                "attended": data.getlist("attended"),
                "action_rows": actions,
            }
            status = 400
    else:
        access.log(opened, using, view="practice:meeting", record=meeting.pk)
    return render(
        request,
        "practice/meeting.html",
        {
            "person_id": person_id,
            "reason": opened.reason,
            "meeting": meeting,
            "kind_label": KINDS[meeting.kind],
            "invitations": invitations,
            "actions": list(meeting.actions.using(using).select_related("owner_agency")),
            "agencies": agencies(using),
            "rows": range(ACTION_ROWS),
            "form": {},
            "attended": [],
            **extra,
        },
        status=status,
    )
