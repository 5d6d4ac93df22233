"""Every URL x every role: who may and who may not, and nothing without a verified sign-in.

URLs are enumerated from Django's resolver, so a new URL is covered the moment it exists: it
must be given a row in EXPECTED (the test says so) before the suite passes again.
"""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jigsaw.accounts.roles import Role
from tests.accounts.support import password_only_client
from tests.conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)

ROLES = tuple(Role.values)
ALL = dict.fromkeys(ROLES, 200)
OPEN = {"accounts:sign-in", "accounts:code", "accounts:sign-out", "health"}
# The machine API authenticates by bearer token, not sign-in (tests/api check its refusals).
TOKEN_AUTH = {"api:token", "api:metadata", "api:openapi", "api:person-info-query", "api:fhir-not-found"}


def only(*allowed: str) -> dict[str, int]:
    return {role: 200 if role in allowed else 403 for role in ROLES}


# the roles with the ``aggregates`` area: the partnership's figures, never a child
FIGURES = (Role.ANALYST, Role.SAFEGUARDING_LEAD, Role.BOARD_MEMBER)

# URL name -> status of a GET for a verified user of each role (302: sent elsewhere, 405: POST only).
EXPECTED: dict[str, dict[str, int]] = {
    "home": ALL,  # counts only, no personal data
    "health": ALL,
    "accounts:sign-in": dict.fromkeys(ROLES, 302),  # already signed in -> onwards
    "accounts:code": dict.fromkeys(ROLES, 302),
    "accounts:sign-out": dict.fromkeys(ROLES, 405),  # POST only
    "accounts:password": dict.fromkeys(ROLES, 200),  # every user changes their own
    "accounts:users": only(Role.ADMINISTRATOR),
    "accounts:new-user": only(Role.ADMINISTRATOR),
    "accounts:requests": only(Role.ADMINISTRATOR),
    # the sample user and agency do not exist: 404 for an administrator, 403 before that for the rest
    "accounts:user": {**only(), Role.ADMINISTRATOR: 404},
    "accounts:reset-authenticator": {**only(), Role.ADMINISTRATOR: 405},  # POST only
    "accounts:temporary-password": {**only(), Role.ADMINISTRATOR: 405},  # POST only
    "accounts:agencies": only(Role.ADMINISTRATOR),
    "accounts:new-agency": only(Role.ADMINISTRATOR),
    "accounts:agency": {**only(), Role.ADMINISTRATOR: 404},
    "signpost:search": only(Role.PRACTITIONER, Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD),
    # the sample person and alert do not exist: 404 for the roles allowed in, 403 before that for the rest
    "chronology:child": {**only(), **dict.fromkeys(
        (Role.PRACTITIONER, Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD), 404)},
    "chronology:chronology-export": {**only(), **dict.fromkeys(
        (Role.PRACTITIONER, Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD), 404)},
    # POST only: GET is refused (405) once past the case-access check
    "chronology:child-override": {**only(), **dict.fromkeys(
        (Role.PRACTITIONER, Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD), 405)},
    "alerts:alerts": only(Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD),
    "alerts:alert": {**only(), **dict.fromkeys(
        (Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD), 404)},
    "signpost:link-review": only(Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD),
    "audit:audit": only(Role.AUDITOR),
    "audit:audit-csv": only(Role.AUDITOR),
    "audit:unusual": only(Role.AUDITOR),
    "insight:aggregates": only(*FIGURES),  # figures, never a child
    "insight:aggregates-csv": only(*FIGURES),
    "insight:picture": only(*FIGURES),
    "insight:picture-csv": only(*FIGURES),
    "insight:quality": only(*FIGURES),
    "insight:quality-csv": only(*FIGURES),
    "insight:board-report": only(*FIGURES),
    "insight:board-report-pdf": only(*FIGURES),
    # the sample indicator does not exist: 404 for the roles allowed in, 403 before that for the rest
    "insight:chart": {**only(), **dict.fromkeys(FIGURES, 404)},
    # drawing an audit sample shows no child; its files and grading name one, and supervision is a
    # manager's record: both need the aggregates and the (vetted) review areas, a safeguarding lead
    "insight:audits": only(*FIGURES),
    "insight:audit-programme": {**only(), Role.SAFEGUARDING_LEAD: 404},
    "insight:audit-file": {**only(), Role.SAFEGUARDING_LEAD: 404},
    "insight:supervision-new": only(Role.SAFEGUARDING_LEAD),
    "reviews:list": only(Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD),
    "reviews:new": only(Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD),
    # the sample review does not exist: 404 for the roles allowed in, 403 before that for the rest
    "reviews:review": {**only(), **dict.fromkeys((Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD), 404)},
    "reviews:redaction": {**only(), **dict.fromkeys((Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD), 404)},
    "reviews:pack": {**only(), **dict.fromkeys((Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD), 404)},
    # figures across reviews, never a child: the review roles and the analyst
    "reviews:board": only(Role.SOCIAL_WORKER, *FIGURES),
    "reviews:themes": only(Role.SOCIAL_WORKER, *FIGURES),
    # a child's practice records open like the child's page: 404 for the sample person to the case
    # roles, 403 before that for the rest; the figures are counts, never a child
    **{f"practice:{name}": {**only(), **dict.fromkeys(
        (Role.PRACTITIONER, Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD), 404)}
       for name in ("overview", "sharing", "voice", "disagreement-new", "disagreement", "meeting-new",
                    "meeting")},
    "practice:figures": only(*FIGURES),
    # a session is no credential here: the same answer for every role as for nobody
    "api:token": dict.fromkeys(ROLES, 405),  # POST only
    "api:metadata": ALL,  # the CapabilityStatement, no personal data
    "api:openapi": ALL,
    "api:person-info-query": dict.fromkeys(ROLES, 405),  # POST only, and then a bearer token
    "api:fhir-not-found": dict.fromkeys(ROLES, 404),  # any other /fhir/ address: an OperationOutcome
}

# An id no test makes: with 1, /users/1/ would be the fixture's first user on SQLite (sequences roll back).
SAMPLE = {"int": 2**31 - 1, "str": "x", "slug": "x", "uuid": uuid.UUID(int=1), "path": "x"}


def _walk(patterns, namespace: str = "") -> list[tuple[str, dict]]:
    """(URL name with namespace, sample kwargs) for every named pattern the resolver knows."""
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            found += _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            assert p.name, f"unnamed URL pattern {p.pattern}: give it a name so access can be tested"
            converters = getattr(p.pattern, "converters", {})
            kwargs = {k: SAMPLE.get(type(c).__name__.removesuffix("Converter").lower(), "x")
                      for k, c in converters.items()}
            found.append((namespace + p.name, kwargs))
    return found


URLS = _walk(get_resolver().url_patterns)


def test_every_url_has_an_expected_row():
    missing = sorted({name for name, _ in URLS} - set(EXPECTED))
    assert not missing, f"add these URL names to EXPECTED in {__file__}: {missing}"


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_every_role_gets_what_the_table_says(name, kwargs, role_clients):
    url = reverse(name, kwargs=kwargs)
    got = {role: client.get(url).status_code for role, client in role_clients.items()}
    assert got == EXPECTED[name]


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_no_url_is_reachable_without_sign_in(name, kwargs, client, web_db):
    url = reverse(name, kwargs=kwargs)
    for method in (client.get, client.post):
        response = method(url)
        if name in OPEN or name in TOKEN_AUTH:
            continue
        assert response.status_code == 302, (name, method.__name__)
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_open_urls_are_only_the_sign_in_steps_and_the_health_check(client, web_db):
    assert client.get(reverse("accounts:sign-in")).status_code == 200
    assert client.get(reverse("accounts:code"))["Location"] == reverse("accounts:sign-in")
    assert client.get(reverse("health")).content == b"ok"
    assert client.get(reverse("accounts:sign-out")).status_code == 405


def test_an_unknown_address_also_asks_for_sign_in(client, web_db):
    response = client.get("/no/such/page/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_a_password_only_session_is_refused(name, kwargs, make_user):
    """Signed in with a password but no one-time code: only the code step is reachable."""
    client = password_only_client(make_user(Role.ADMINISTRATOR))
    response = client.get(reverse(name, kwargs=kwargs))
    if name in OPEN or name in TOKEN_AUTH:
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:code"))


def test_static_files_need_no_sign_in(client, web_db):
    response = client.get("/static/govuk/govuk-frontend.min.css")
    assert response.status_code == 200
