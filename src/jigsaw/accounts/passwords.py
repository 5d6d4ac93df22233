"""Temporary passwords an administrator issues, and the user's own change of password.

A user who has forgotten their password gets a temporary one from an administrator (in person or
by a channel the partnership trusts). It lets them sign in, and then every page sends them to
choose their own (``Profile.must_change_password``, enforced by the middleware). Unused, it
stops working after ``JIGSAW_TEMPORARY_PASSWORD_HOURS`` (72 by default: long enough to reach
someone over a weekend; a partnership's own policy may differ, hence the setting). Setting any
password changes Django's session hash, so every other session of that user ends on its next
request.

The temporary password is machine-generated: 16 characters from 31 that cannot be confused on
screen or paper (no 0/o, 1/l/i), about 79 bits. It is shown once and never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import Profile

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS = 4
GROUP_LENGTH = 4


def temporary_password() -> str:
    """Like ``k7mq-2xhv-p9ta-r4dn``: grouped so it can be read out and typed without error."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))


def set_temporary_password(user_id: int, *, using: str) -> str:
    """Give the user a new random password they must replace at their next sign-in; return it."""
    user = get_user_model()._default_manager.db_manager(using).get(pk=user_id)
    password = temporary_password()
    with transaction.atomic(using=using):
        user.set_password(password)
        user.save(using=using, update_fields=["password"])
        Profile.objects.using(using).filter(user=user).update(temporary_password_set_at=timezone.now())
    return password


def password_chosen(user_id: int, *, using: str) -> None:
    """The user has set a password of their own: pages stop sending them to change it."""
    Profile.objects.using(using).filter(user_id=user_id).update(temporary_password_set_at=None)


def temporary_password_expired(profile: Profile | None, now: dt.datetime | None = None) -> bool:
    """Whether the user's password is a temporary one given longer ago than the setting allows."""
    if profile is None or profile.temporary_password_set_at is None:
        return False
    hours = dt.timedelta(hours=settings.JIGSAW_TEMPORARY_PASSWORD_HOURS)
    return (now or timezone.now()) - profile.temporary_password_set_at > hours
