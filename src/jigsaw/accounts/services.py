"""Creating users with a role, vetting and a TOTP device; demo users; a demo user's current code.

Used by the command line and the administration page, so both make accounts the same way.
Every function takes ``using`` so tests can run it against SQLite and PostgreSQL alike; left
out, the database router decides (the default database in a normal deployment).
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, router, transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jigsaw.records.models import Agency

from .models import Profile
from .roles import ROLE_AREAS, Role

# Documented in the demo's output and docs/security.md; demo users exist only in a demo database.
DEMO_PASSWORD = "jigsaw-demo-only"  # noqa: S105 - a published demo credential, by design
DEMO_PREFIX = "demo-"


class AccountError(Exception):
    """A request the caller can fix (unknown role or agency, taken username, weak password).

    ``field`` names the form field the message belongs to, so a page can put it beside it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class NewDevice:
    """What a new user needs once to set up an authenticator app; never shown again."""

    otpauth_uri: str
    secret: str


def _agency(name: str | None, using: str | None) -> Agency | None:
    if not name:
        return None
    try:
        agency = Agency.objects.using(using).get(name=name)
    except Agency.DoesNotExist:
        raise AccountError(f"no agency called {name!r}", field="agency") from None
    if not agency.is_active:
        raise AccountError(f"the agency {name!r} is deactivated: its staff cannot have accounts",
                           field="agency")
    return agency


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    agency: str | None = None,
    vetted_on: dt.date | None = None,
    trained_on: dt.date | None = None,
    is_demo: bool = False,
    enrolled: bool | None = None,
    using: str | None = None,
) -> NewDevice:
    """Create a user, their profile and a TOTP device; return the device's set-up.

    The device is unconfirmed: the user enrols it at their first sign-in
    (:mod:`jigsaw.accounts.enrolment`), so no administrator ever holds its secret. A demo user's
    is confirmed (``jigsaw otp-code`` gives its codes); ``enrolled`` overrides either way, for
    test and benchmark accounts that stand for users who have enrolled already.
    """
    using = using or router.db_for_write(Profile)
    if role not in ROLE_AREAS:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(Role.values)}", field="role")
    users = get_user_model()._default_manager.db_manager(using)
    if users.filter(username=username).exists():
        raise AccountError(f"a user called {username!r} already exists", field="username")
    today = timezone.localdate()
    for label, day in (("vetting", vetted_on), ("training", trained_on)):
        if day is not None and day > today:
            raise AccountError(f"the {label} date {day} is in the future",
                               field="vetted_on" if label == "vetting" else "trained_on")
    candidate = get_user_model()(username=username)
    if not is_demo:
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            raise AccountError(" ".join(exc.messages), field="password") from None
    try:
        with transaction.atomic(using=using):
            user = users.create_user(username=username, password=password)
            Profile.objects.using(using).create(
                user=user, role=role, agency=_agency(agency, using), vetting_checked_on=vetted_on,
                training_completed_on=trained_on, is_demo=is_demo,
            )
            device = TOTPDevice.objects.using(using).create(
                user=user, name="authenticator", confirmed=is_demo if enrolled is None else enrolled)
    except IntegrityError:  # the same username, made a moment ago by someone else
        raise AccountError(f"a user called {username!r} already exists", field="username") from None
    return describe(device)


def describe(device: TOTPDevice) -> NewDevice:
    return NewDevice(otpauth_uri=device.config_url, secret=base64.b32encode(device.bin_key).decode())


def reset_authenticator(user_id: int, using: str | None = None) -> tuple[NewDevice, int]:
    """Replace every device of the user with one new, unconfirmed one, which the user enrols at
    their next sign-in; return its set-up and how many went.

    Removing the old devices is what makes a lost or copied authenticator useless at once: a
    session verified with one is no longer verified (django-otp finds no device) on its next
    request, and its codes match nothing.
    """
    using = using or router.db_for_write(Profile)
    user = get_user_model()._default_manager.db_manager(using).get(pk=user_id)
    with transaction.atomic(using=using):
        old = TOTPDevice.objects.using(using).filter(user=user)
        removed = old.count()
        old.delete()
        device = TOTPDevice.objects.using(using).create(user=user, name="authenticator", confirmed=False)
    return describe(device), removed


def current_code(username: str, using: str | None = None) -> str:
    """The code a demo user's authenticator would show now. Refused for any real user."""
    using = using or router.db_for_read(Profile)
    profile = (
        Profile.objects.using(using).select_related("user").filter(user__username=username).first()
    )
    if profile is None:
        raise AccountError(f"no user called {username!r}")
    if not profile.is_demo:
        raise AccountError(f"{username!r} is not a demo user; read the code from their authenticator app")
    device = TOTPDevice.objects.using(using).filter(user=profile.user, confirmed=True).first()
    if device is None:
        raise AccountError(f"{username!r} has no authenticator device")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def demo_agency_for(role: str, using: str | None) -> str | None:
    """A plausible agency for each demo role: case roles sit in an agency, the others do not."""
    if role not in {Role.PRACTITIONER, Role.HUB_OFFICER, Role.SOCIAL_WORKER, Role.SAFEGUARDING_LEAD}:
        return None
    wanted = "health" if role == Role.PRACTITIONER else "social_care"
    agencies = Agency.objects.using(using).filter(is_active=True).order_by("name")
    agency = agencies.filter(agency_type=wanted).first() or agencies.first()
    return agency.name if agency else None


def create_demo_users(using: str | None = None) -> list[str]:
    """One vetted, trained demo user per role (``demo-<role>``), and a second administrator.

    Giving case access and recovering an account need two administrators (docs/security.md), so
    the demo has ``demo-administrator-2`` to approve what ``demo-administrator`` asks.

    Re-running resets their password, role and dates in place (never deletes: other records,
    such as the access log, may refer to them) and keeps their authenticator device.
    """
    users = get_user_model()._default_manager.db_manager(using)
    checked = timezone.localdate() - dt.timedelta(days=30)
    names = []
    wanted = [(DEMO_PREFIX + role.replace("_", "-"), role) for role in Role.values]
    wanted.append((DEMO_PREFIX + "administrator-2", Role.ADMINISTRATOR))
    for username, role in wanted:
        agency = demo_agency_for(role, using)
        existing = users.filter(username=username).first()
        if existing is None:
            create_user(username, DEMO_PASSWORD, role, agency=agency, vetted_on=checked,
                        trained_on=checked, is_demo=True, using=using)
        else:
            profile = Profile.objects.using(using).filter(user=existing, is_demo=True).first()
            if profile is None:
                raise AccountError(f"{username!r} exists and is not a demo user; not touching it")
            existing.set_password(DEMO_PASSWORD)
            existing.is_active = True
            existing.save(using=using)
            profile.role, profile.agency = role, _agency(agency, using)
            profile.vetting_checked_on = profile.training_completed_on = checked
            profile.save(using=using)
            if not TOTPDevice.objects.using(using).filter(user=existing, confirmed=True).exists():
                TOTPDevice.objects.using(using).create(user=existing, name="authenticator", confirmed=True)
        _name_after_a_practitioner(username, role, agency, using)
        names.append(username)
    return names


#: Demo roles named after a practitioner the synthetic feeds name on open involvements (agency role).
DEMO_PRACTITIONER_ROLES = {Role.SOCIAL_WORKER: "social worker", Role.PRACTITIONER: ""}


def _name_after_a_practitioner(username: str, role: str, agency: str | None, using: str | None) -> None:
    """Give a demo case account the name of the practitioner with most open involvements at its
    agency, so the demo's alerts (routed by agency and full name) and "children I work with" are theirs."""
    from django.db.models import Count

    from jigsaw.records.models import Involvement

    if role not in DEMO_PRACTITIONER_ROLES or not agency:
        return
    busiest = (Involvement.objects.using(using)
               .filter(agency__iexact=agency, ended_on__isnull=True,
                       role__icontains=DEMO_PRACTITIONER_ROLES[role])
               .exclude(practitioner="").values("practitioner").annotate(n=Count("id"))
               .order_by("-n", "practitioner").first())
    if busiest is None:
        return
    first, _, last = busiest["practitioner"].strip().partition(" ")
    get_user_model()._default_manager.db_manager(using).filter(username=username).update(
        first_name=first[:150], last_name=last[:150])
