"""The home page (what the system holds, in counts only) and the health check."""

from django.db import connection
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.records.models import Event, ImportBatch, PersonRecord, QuarantinedRow, SourceSystem


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Counts only, no personal data: every signed-in role may see it."""
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


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Open without sign-in for a load balancer: says "ok" when the database answers, nothing more."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
