"""A user's role, agency and vetting, kept beside django.contrib.auth's User.

A one-to-one profile rather than a custom user model: the project started with the stock User,
and swapping AUTH_USER_MODEL after the first migration is not supported by Django.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .roles import Role


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=30, choices=Role.choices)
    agency = models.ForeignKey("records.Agency", null=True, blank=True, on_delete=models.PROTECT)
    vetting_checked_on = models.DateField(
        null=True, blank=True, help_text="Date of the enhanced background (DBS) check."
    )
    training_completed_on = models.DateField(
        null=True, blank=True, help_text="Date safeguarding training was completed."
    )
    # When an administrator gave the user a temporary password, until they choose their own:
    # meanwhile every page sends them to "Change your password" (jigsaw.accounts.middleware),
    # and after JIGSAW_TEMPORARY_PASSWORD_HOURS it no longer signs in (jigsaw.accounts.passwords).
    temporary_password_set_at = models.DateTimeField(null=True, blank=True)
    # Only demo users may have their current one-time code printed by `jigsaw otp-code`.
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def must_change_password(self) -> bool:
        return self.temporary_password_set_at is not None


class AdminRequest(models.Model):
    """A change only a second administrator may make: granting case access, recovering an account.

    One administrator asks (:func:`jigsaw.accounts.second_admin.ask`), another decides; the one
    who asked, and the user it is about, never can. The affected user sees every request about
    them on their own account page, and each step is an ``admin`` entry in the access log.
    """

    GRANT, RESET_AUTHENTICATOR = "grant_case_access", "reset_authenticator"
    TEMPORARY_PASSWORD = "temporary_password"  # noqa: S105 - a kind of request, not a password
    OPERATIONS = [(GRANT, "Give case access"), (RESET_AUTHENTICATOR, "Reset the authenticator"),
                  (TEMPORARY_PASSWORD, "Set a temporary password")]
    PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
    STATUSES = [(PENDING, "Waiting for a second administrator"), (APPROVED, "Approved"),
                (REFUSED, "Refused")]

    operation = models.CharField(max_length=30, choices=OPERATIONS)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="admin_requests")
    role = models.CharField(max_length=30, blank=True)  # the case role to give, for GRANT
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.operation} request {self.pk} for user {self.user_id}"
