"""Creating, listing and revoking machine clients (the services behind ``jigsaw api-client``).

A client secret is shown once, at creation, and stored only as a hash (django-oauth-toolkit
hashes it with Django's password hasher), like a user's password. Revoking keeps the client row
(the access log names it) and removes its OAuth2 application's tokens at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, get_application_model

from jigsaw.api.models import SCOPES, ApiClient
from jigsaw.records.models import Agency, agencies_by_name, agency_key

MAX_NAME = 100


class ClientError(ValueError):
    """A client request that cannot be carried out; the message says what to change."""


@dataclass(frozen=True)
class NewClient:
    name: str
    agency: str
    client_id: str
    client_secret: str  # plaintext: shown once, never stored
    token_url: str
    scopes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "agency": self.agency, "client_id": self.client_id,
                "client_secret": self.client_secret, "token_url": self.token_url, "scopes": self.scopes}


def token_url() -> str:
    """The absolute token URL a client posts its credentials to."""
    return settings.JIGSAW_API_BASE_URL + reverse("api:token")


def _agency(name: str, using: str) -> Agency:
    found = agencies_by_name(using).get(agency_key(name))
    if found is None:
        names = sorted(Agency.objects.using(using).filter(is_active=True).values_list("name", flat=True))
        there = "; ".join(names) if names else "none yet"
        raise ClientError(f"no agency called {name.strip()[:100]!r} (there are: {there}): check the "
                          "spelling, or add it (an administrator's Agencies page, or the source.json "
                          "of a feed that names it)")
    agency = Agency.objects.using(using).get(pk=found)
    if not agency.is_active:
        raise ClientError(f"the agency {agency.name!r} is deactivated: no new clients can be made for it")
    return agency


def create(name: str, agency: str, by: str, scopes: list[str] | None = None,
           using: str = "default") -> NewClient:
    """A new confidential client for ``agency``'s system, granted ``scopes`` (all by default)."""
    name = " ".join(name.split())
    if not name:
        raise ClientError("give the client a name (the system it is for)")
    if len(name) > MAX_NAME:
        raise ClientError(f"the client name is longer than {MAX_NAME} characters")
    granted = sorted(set(scopes or SCOPES))
    unknown = [s for s in granted if s not in SCOPES]
    if unknown:
        raise ClientError(f"unknown scope {unknown[0][:40]!r}: use {', '.join(SCOPES)}")
    owner = _agency(agency, using)
    secret = generate_client_secret()
    application_model = get_application_model()
    with transaction.atomic(using=using):
        if ApiClient.objects.using(using).filter(name__iexact=name).exists():
            raise ClientError(f"there is already a client called {name!r}: choose another name")
        application = application_model(
            name=name, client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret, hash_client_secret=True, skip_authorization=True)
        application.save(using=using)
        ApiClient.objects.using(using).create(name=name, application=application, agency=owner,
                                              scopes=granted, created_by=by[:150])
    return NewClient(name, owner.name, application.client_id, secret, token_url(), granted)


def listing(using: str = "default") -> list[dict[str, Any]]:
    """Every client, active or revoked (never its secret)."""
    rows = ApiClient.objects.using(using).select_related("agency", "application").order_by("name")
    return [{"name": c.name, "agency": c.agency.name, "client_id": c.application.client_id,
             "scopes": list(c.scopes), "created_at": c.created_at.isoformat(), "created_by": c.created_by,
             "active": c.active, "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None}
            for c in rows]


def revoke(name_or_client_id: str, by: str, using: str = "default") -> ApiClient:
    """Stop a client: its tokens are deleted now and no new token is issued to it."""
    key = name_or_client_id.strip()
    with transaction.atomic(using=using):
        client = (ApiClient.objects.using(using).select_for_update().select_related("application")
                  .filter(name__iexact=key).first()
                  or ApiClient.objects.using(using).select_for_update().select_related("application")
                  .filter(application__client_id=key).first())
        if client is None:
            raise ClientError(f"no client called {key[:100]!r}; see `jigsaw api-client list`")
        if not client.active:
            raise ClientError(f"the client {client.name!r} is already revoked")
        client.revoked_at = timezone.now()
        client.revoked_by = by[:150]
        client.save(using=using)
        # a fresh secret nobody is told: the old one stops working at the token endpoint too
        client.application.client_secret = generate_client_secret()
        client.application.save(using=using)
        AccessToken.objects.using(using).filter(application=client.application).delete()
    return client
