"""The home page and the health check.

Home is the user's own work, assembled here from the apps that own it (layout only): their open
alerts, the children they work with and the children they opened recently, assembled by
:func:`jigsaw.chronology.mywork.my_work`. What the partnership's systems have sent (counts
only) is the administrator's home: importing and loading is their work, not a practitioner's.
"""

from typing import Any

from django.core.cache import cache
from django.db import connection, router
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jigsaw.accounts.roles import Role, areas_for, role_of
from jigsaw.audit.actor import Actor, db
from jigsaw.chronology.mywork import my_work
from jigsaw.records.cache_keys import state_key
from jigsaw.records.models import (
    Event,
    ImportBatch,
    PersonRecord,
    QuarantinedRow,
    SourceSystem,
    records_per_system,
)

#: Seconds the home page's counts are kept at most; a new import batch replaces them at once.
COUNTS_SECONDS = 3600


def _counts() -> dict[str, Any]:
    """Records per source system, events and open quarantine rows: counted once per import.

    Counting every record and event on each view held the 50-user load test at 33.6 requests/s;
    kept like this it ran at 52 (benchmarks/web_load.py, 100,000 children). They change only when
    an import batch is written, so the shared cache keeps them under a key naming the newest batch.
    """
    using = router.db_for_read(PersonRecord)
    newest = ImportBatch.objects.using(using).aggregate(last=Max("id"), at=Max("finished_at"))
    key = state_key("jigsaw:home:", using, newest)
    counts = cache.get(key)
    if counts is None:
        counts = {"per_system": records_per_system(using), "events": Event.objects.count(),
                  "open_quarantine": QuarantinedRow.objects.filter(status="open").count()}
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


#: Roles whose home is what the partnership's systems have sent (there is no separate data manager role).
IMPORT_ROLES = frozenset({Role.ADMINISTRATOR})


@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's own work; the import dashboard for an administrator."""
    if role_of(request.user) in IMPORT_ROLES:
        return _imports(request)
    context: dict[str, Any] = {"areas": areas_for(request.user),
                               **my_work(request.user, Actor.of(request), db())}
    return render(request, "web/my_work.html", context)


def _imports(request: HttpRequest) -> HttpResponse:
    """Counts only, no personal data: what each source system has sent, and the latest imports."""
    counts = _counts()
    systems = list(SourceSystem.objects.select_related("agency").order_by("code"))
    for system in systems:
        system.records = counts["per_system"].get(system.pk, 0)
    context = {
        "person_records": sum(counts["per_system"].values()),
        "events": counts["events"],
        "open_quarantine": counts["open_quarantine"],
        "systems": systems,
        "recent_imports": ImportBatch.objects.select_related("source_system").order_by("-started_at")[:10],
    }
    return render(request, "web/home.html", context)


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Open without sign-in for a load balancer: says "ok" when the database answers, nothing more."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
