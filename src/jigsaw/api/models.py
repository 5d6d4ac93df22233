"""``ApiClient``: another agency's system, allowed to ask the signposting index by machine.

The OAuth2 side (client id, hashed secret, tokens) is django-oauth-toolkit's ``Application``;
this model adds what the partnership needs to know about the client: the agency answerable for
its queries (written to the access log with each one) and the scopes it was granted.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from oauth2_provider.settings import oauth2_settings

from jigsaw.records.models import Agency

#: What a client may be granted (OAUTH2_PROVIDER["SCOPES"] describes each).
SCOPES = ("person-info-query",)


class ApiClient(models.Model):
    name = models.CharField(max_length=100, unique=True)
    application = models.OneToOneField(oauth2_settings.APPLICATION_MODEL, on_delete=models.PROTECT,
                                       related_name="jigsaw_client")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_clients")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    # Revoked, never deleted: the access log names the client, so who it was must stay answerable.
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None
