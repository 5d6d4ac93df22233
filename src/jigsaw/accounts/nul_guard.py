"""A NUL character in an address (its path or query) or a form is refused before any view runs.

PostgreSQL cannot store or compare text holding U+0000 (psycopg raises ``DataError``), so a NUL
typed into a free-text reason, or put in an address's filter, would be a server error on one
database and stored on the other. Django's form fields refuse it (``ProhibitNullCharactersValidator``)
but some views read a typed reason straight from the form; this one check covers every view. The
FHIR API parses its own JSON bodies and refuses a NUL there with an OperationOutcome
(``jigsaw.api.fhir``); here its addresses and the token endpoint answer in JSON too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

logger = logging.getLogger("jigsaw.security")

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
SAID = "The form or address held a NUL character, which cannot be stored: remove it and try again."


class RefuseNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _holds_nul(request):
            return self.get_response(request)
        logger.warning("refused a %s request holding a NUL character", request.method)
        if request.path.startswith("/fhir/"):  # a FHIR OperationOutcome, as every API refusal
            issue = {"severity": "error", "code": "invalid", "diagnostics": SAID}
            return JsonResponse({"resourceType": "OperationOutcome", "issue": [issue]}, status=400,
                                content_type="application/fhir+json")
        if request.path.startswith(settings.JIGSAW_TOKEN_AUTH_PREFIXES):  # RFC 6749 section 5.2
            return JsonResponse({"error": "invalid_request", "error_description": SAID}, status=400)
        return render(request, "400.html", {"said": SAID}, status=400)


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    forms = [request.GET]
    if request.method == "POST" and request.content_type in FORMS:  # not JSON: the API checks its own
        with suppress(MultiPartParserError):  # a broken body is the view's to refuse, as before
            forms.append(request.POST)
    return any("\x00" in key or any("\x00" in value for value in values)
               for form in forms for key, values in form.lists())
