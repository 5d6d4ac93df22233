"""The home page: what the system holds, in counts only (no personal data)."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jigsaw.records.models import Event, ImportBatch, PersonRecord, QuarantinedRow, SourceSystem


def home(request: HttpRequest) -> HttpResponse:
    systems = (
        SourceSystem.objects.select_related("agency")
        .annotate(records=Count("personrecord", distinct=True))
        .order_by("code")
    )
    context = {
        "person_records": PersonRecord.objects.count(),
        "events": Event.objects.count(),
        "open_quarantine": QuarantinedRow.objects.filter(status="open").count(),
        "systems": systems,
        "recent_imports": ImportBatch.objects.order_by("-started_at")[:10],
    }
    return render(request, "web/home.html", context)
