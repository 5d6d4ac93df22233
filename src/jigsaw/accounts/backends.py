"""The sign-in backend: Django's own, reading the account's profile and agency with the account.

Every page asks who is signed in and then their role and agency (``roles.role_of``, ``Actor``):
three queries a request with :class:`django.contrib.auth.backends.ModelBackend`, one here.
Passwords, active accounts and the session's hash are checked exactly as Django checks them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AccountBackend(ModelBackend):
    """:class:`ModelBackend` whose signed-in user comes with ``profile`` and ``profile.agency``."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("profile__agency").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
