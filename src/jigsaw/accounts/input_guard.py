"""Input no database can hold is refused before any view runs: a NUL character, an overlong number.

PostgreSQL cannot store or compare text holding U+0000 (psycopg raises ``DataError``), and no
integer column holds a number of 19 digits or more (nor does Python's ``int`` read one of over
4,300 digits). Such input in a free-text reason, an address's filter or a form's choice was a
server error on one database and stored, or a different error, on the other. Django's form fields
refuse a NUL, but some views read a typed reason or a chosen id straight from the request; these
checks cover every view:

* the address (path and query) and a submitted form: a NUL anywhere, or a value made only of
  digits longer than :data:`MAX_DIGITS`, is a 400 (a GOV.UK page; an OperationOutcome under
  ``/fhir/``; OAuth's ``invalid_request`` at ``/oauth/``);
* a cookie holding a NUL is dropped before the session is looked up, as an unknown session
  cookie is (the request goes on signed out);
* HTTP Basic credentials holding a NUL (the token endpoint's client authentication) are a 400.

The FHIR API parses its own JSON bodies and refuses a NUL there (``jigsaw.api.fhir``).
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from contextlib import suppress
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

logger = logging.getLogger("jigsaw.security")

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
#: the longest number a form or an address may give: a 64-bit integer column holds 18 digits
MAX_DIGITS = 18
SAID = ("The form or address held a NUL character or a number longer than any Jigsaw stores: "
        "correct it and try again.")


class DropNulCookies:
    """Before the session middleware: a cookie with a NUL is dropped, as a forged one is ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = [name for name, value in request.COOKIES.items() if "\x00" in name or "\x00" in value]
        if bad:
            logger.warning("ignored %d cookie(s) holding a NUL character", len(bad))
            for name in bad:
                del request.COOKIES[name]
        return self.get_response(request)


class RefuseUnstorableInput:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _unstorable(request):
            return self.get_response(request)
        logger.warning("refused a %s request holding a NUL character or an overlong number", request.method)
        if request.path.startswith("/fhir/"):  # a FHIR OperationOutcome, as every API refusal
            issue = {"severity": "error", "code": "invalid", "diagnostics": SAID}
            return JsonResponse({"resourceType": "OperationOutcome", "issue": [issue]}, status=400,
                                content_type="application/fhir+json")
        if request.path.startswith(settings.JIGSAW_TOKEN_AUTH_PREFIXES):  # RFC 6749 section 5.2
            return JsonResponse({"error": "invalid_request", "error_description": SAID}, status=400)
        return render(request, "400.html", {"said": SAID}, status=400)


def _bad(text: str) -> bool:
    return "\x00" in text or (len(text) > MAX_DIGITS and text.isascii() and text.isdigit())


def _unstorable(request: HttpRequest) -> bool:
    if "\x00" in request.path or _basic_credentials_hold_nul(request):
        return True
    forms = [request.GET]
    if request.method == "POST" and request.content_type in FORMS:  # not JSON: the API checks its own
        with suppress(MultiPartParserError):  # a broken body is the view's to refuse, as before
            forms.append(request.POST)
    return any("\x00" in key or any(_bad(value) for value in values)
               for form in forms for key, values in form.lists())


def _basic_credentials_hold_nul(request: HttpRequest) -> bool:
    """True for ``Authorization: Basic`` credentials with a NUL, raw or percent-encoded (the
    form RFC 6749 section 2.3.1 has clients use, which the OAuth library decodes)."""
    scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=False)
    except (binascii.Error, ValueError):
        return False
    return b"\x00" in unquote_to_bytes(decoded)
