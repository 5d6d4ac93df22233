"""django-oauth-toolkit's scopes backend: a client gets only the scopes recorded for it."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import SettingsScopes


class ClientScopes(SettingsScopes):
    """A revoked or unknown client is offered no scope at all, so its token request fails."""

    def get_available_scopes(self, application: Any = None, request: Any = None, *args: Any,
                             **kwargs: Any) -> list[str]:
        return _granted(application)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any,
                           **kwargs: Any) -> list[str]:
        return _granted(application)


def _granted(application: Any) -> list[str]:
    from jigsaw.api.models import ApiClient

    if application is None:
        return []
    client = (ApiClient.objects.using(application._state.db or "default")
              .filter(application_id=application.pk, revoked_at__isnull=True).first())
    return list(client.scopes) if client else []
