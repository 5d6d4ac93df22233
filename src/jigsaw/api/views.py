"""The FHIR endpoints. Bearer tokens, not sessions: CSRF-exempt, and every error an OperationOutcome.

No browser cookie is trusted on these paths (the client is who its token says), so CSRF, which
protects cookie-authenticated forms, does not apply; the pages keep it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import router
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from jigsaw.api import auth
from jigsaw.api.capability import statement
from jigsaw.api.fhir import FHIR_JSON, BadRequest, outcome, parse_query
from jigsaw.api.openapi import document
from jigsaw.api.query import Caller, person_info
from jigsaw.api.reasons import ReasonRefused
from jigsaw.signpost.models import Person
from jigsaw.signpost.search import SearchRefused

logger = logging.getLogger(__name__)
SCOPE = "person-info-query"
ACCEPTED_TYPES = ("application/fhir+json", "application/json")


def fhir(data: dict[str, Any], status: int = 200, **headers: str) -> JsonResponse:
    response = JsonResponse(data, status=status, content_type=FHIR_JSON)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _error(status: int, message: str, code: str, **headers: str) -> JsonResponse:
    return fhir(outcome(message, code), status, **headers)


def _methods(*allowed: str) -> Callable:
    """405 as an OperationOutcome (Django's own 405 is an empty HTML response)."""
    def wrap(view: Callable) -> Callable:
        def inner(request: HttpRequest) -> HttpResponse:
            if request.method not in allowed:
                return _error(405, f"use {' or '.join(allowed)}", "not-supported", Allow=", ".join(allowed))
            return view(request)
        inner.__doc__, inner.__name__ = view.__doc__, view.__name__
        return inner
    return wrap


@never_cache
@csrf_exempt
@_methods("GET", "HEAD")
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: public, as FHIR servers' metadata is (it holds no personal data)."""
    return fhir(statement())


@never_cache
@csrf_exempt
@_methods("GET", "HEAD")
def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(document())


@never_cache
@csrf_exempt
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /fhir/: a FHIR client reads an OperationOutcome, not an HTML page."""
    return _error(404, "no such FHIR endpoint: this server offers metadata and "
                  "Patient/$person-info-query (see metadata)", "not-found")


@never_cache
@csrf_exempt
@_methods("POST")
def person_info_query(request: HttpRequest) -> HttpResponse:
    """``POST Patient/$person-info-query``: authorise, throttle, parse, answer, log."""
    using = router.db_for_write(Person)
    try:
        return _answer(request, using)
    except auth.Unauthorised as exc:
        return _error(401, str(exc), "login",
                      WWW_Authenticate=f'Bearer realm="jigsaw", error="{exc.error}"')
    except auth.Forbidden as exc:
        return _error(403, str(exc), "forbidden",
                      WWW_Authenticate=f'Bearer realm="jigsaw", error="insufficient_scope", scope="{SCOPE}"')
    except auth.Throttled as exc:
        return _error(429, str(exc), "throttled", Retry_After=str(exc.retry_after))
    except RequestDataTooBig:
        return _error(413, "the body is too large for a query", "too-long")
    except LengthRequired:
        return _error(411, "send the body with a Content-Length header", "structure")
    except BadRequest as exc:
        return fhir(outcome(str(exc), exc.code, expression=exc.expression), 400)
    except (ReasonRefused, SearchRefused) as exc:
        return _error(400, str(exc), "required" if "required" in str(exc) or "add the" in str(exc)
                      else "invalid")
    except Exception:  # an answer is owed even for a fault: FHIR's, not an HTML error page
        logger.exception("person-info-query failed")
        return _error(500, "the server could not answer this query; it has been logged", "exception")


class LengthRequired(Exception):
    """A chunked body from a server that cannot say where it ends: 411."""


def _body(request: HttpRequest) -> bytes:
    """The request's body, a chunked one too (``Transfer-Encoding: chunked``, no Content-Length).

    Django reads only Content-Length bytes, so a chunked body arrived empty and was refused as
    "not JSON". gunicorn de-chunks the input and marks it ``wsgi.input_terminated``, the WSGI
    servers' convention that reading to its end is safe; it is read up to the upload limit. A
    server that does not mark it cannot be read safely: the client is asked for a length.
    """
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if request.META.get("CONTENT_LENGTH") or not chunked:
        return request.body
    if not request.META.get("wsgi.input_terminated"):
        raise LengthRequired
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        data = request.META["wsgi.input"].read(limit + 1)
    except Exception:  # the server's own parse errors (gunicorn's InvalidChunkSize, ...)
        raise BadRequest("the chunked body is malformed: send it again, or with a Content-Length",
                         "structure") from None
    if len(data) > limit:
        raise RequestDataTooBig
    return data


def _answer(request: HttpRequest, using: str) -> HttpResponse:
    # the media type first, from the header alone: the token check must never parse a body it
    # was not meant to (a multipart body with a bad boundary would fail inside it)
    kind = request.META.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if kind and kind not in ACCEPTED_TYPES:
        return _error(415, "send the Parameters as application/fhir+json", "not-supported")
    granted = auth.authorise(request, SCOPE, using)
    auth.throttle(granted.client_id)
    if not kind:
        return _error(415, "send the Parameters as application/fhir+json", "not-supported")
    query = parse_query(_body(request))
    caller = Caller(granted.name, granted.client_id, granted.agency,
                    request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_USER_AGENT", ""))
    return fhir(person_info(query, caller, using))
