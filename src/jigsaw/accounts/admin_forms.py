"""The administrators' forms: a new user, a user's details, an agency.

Each message is worded as the GOV.UK Design System asks (say what to do, not what went wrong)
because the pages show it in the error summary and beside the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from jigsaw.records.models import SAFEGUARDING_PHONE, Agency, tidy_agency_name

from . import agency_admin
from .roles import Role
from .services import AccountError

ACTIVE_CHOICES = (("yes", "Active"), ("no", "Deactivated"))
DATE_LEGENDS = {"vetted_on": "Date of enhanced background check",
                "trained_on": "Date safeguarding training was completed"}


class DateParts(forms.MultiValueField):
    """The GOV.UK date input: day, month and year in three boxes."""

    widget = forms.MultiWidget

    def __init__(self, **kwargs: object) -> None:
        messages = {**dict.fromkeys(("invalid", "min_value", "max_value"), "Enter a real date"),
                    "incomplete": "Enter a day, month and year"}
        parts = tuple(forms.IntegerField(min_value=low, max_value=high, error_messages=messages)
                      for low, high in ((1, 31), (1, 12), (1900, 2100)))
        super().__init__(parts, require_all_fields=False, required=False,
                         widget=forms.MultiWidget([forms.NumberInput()] * 3), **kwargs)

    def compress(self, data_list: list) -> dt.date | None:
        if not data_list or all(v in (None, "") for v in data_list):
            return None
        if any(v in (None, "") for v in data_list):
            raise forms.ValidationError("Enter a day, month and year")
        day, month, year = data_list
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise forms.ValidationError("Enter a real date") from None


def _active_flag(value: str) -> bool:
    return value == "yes"


def _active_agencies(using: str, keep: int | None = None) -> QuerySet[Agency]:
    return Agency.objects.using(using).filter(Q(is_active=True) | Q(pk=keep)).order_by("name")


class _ProfileForm(forms.Form):
    """What the new-user and user pages share: role, agency and the vetting and training dates.

    The agency list offers active agencies, plus ``current_agency`` (deactivated, the account's
    own) so it can be kept; vetting and training dates cannot be in the future.
    """

    role = forms.ChoiceField(choices=Role.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select a role", "invalid_choice": "Select a role"})
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, error_messages={
        "invalid_choice": "Select an active agency from the list"})
    vetted_on = DateParts()
    trained_on = DateParts()

    def __init__(self, *args: Any, using: str, current_agency: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _active_agencies(using, keep=current_agency)

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        for name in ("vetted_on", "trained_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, "The date must be today or in the past")
        return data


class NewUserForm(_ProfileForm):
    username = forms.RegexField(regex=r"^[\w.@+-]{3,150}$",
                                error_messages={"required": "Enter a username",
                                                "invalid": "Use 3 to 150 letters, digits and . @ + - _"})
    password = forms.CharField(strip=False, widget=forms.PasswordInput, max_length=128,
                               error_messages={"required": "Enter a first password for the user",
                                               "max_length": "Use a password of 128 characters or fewer"})
    field_order = ("username", "password", "role", "agency", "vetted_on", "trained_on")


class UserForm(_ProfileForm):
    first_name = forms.CharField(required=False, max_length=150, error_messages={
        "max_length": "First name must be 150 characters or fewer"})
    last_name = forms.CharField(required=False, max_length=150, error_messages={
        "max_length": "Last name must be 150 characters or fewer"})
    active = forms.TypedChoiceField(choices=ACTIVE_CHOICES, coerce=_active_flag, widget=forms.RadioSelect,
                                    error_messages={"required": "Select whether the account is active",
                                                    "invalid_choice": "Select whether the account is active"})
    field_order = ("first_name", "last_name", "role", "agency", "vetted_on", "trained_on", "active")


class AgencyForm(forms.Form):
    # the length is checked with the name's spacing tidied, in clean_name
    name = forms.CharField(error_messages={"required": "Enter the agency's name"})
    agency_type = forms.ChoiceField(choices=Agency.TYPES, widget=forms.RadioSelect, error_messages={
        "required": "Select the type of agency", "invalid_choice": "Select the type of agency"})
    safeguarding_team = forms.CharField(required=False, max_length=200, error_messages={
        "max_length": "The team's name must be 200 characters or fewer"})
    safeguarding_phone = forms.RegexField(required=False, regex=rf"^{SAFEGUARDING_PHONE.pattern}$",
                                          error_messages={
        "invalid": "Enter a telephone number, like 0113 496 0000 or +44 113 496 0000"})
    safeguarding_email = forms.EmailField(required=False, max_length=254, error_messages={
        "invalid": "Enter an email address in the correct format, like duty.team@example.gov.uk",
        "max_length": "The email address must be 254 characters or fewer"})
    active = forms.TypedChoiceField(choices=ACTIVE_CHOICES, coerce=_active_flag, widget=forms.RadioSelect,
                                    error_messages={"required": "Select whether the agency is active",
                                                    "invalid_choice": "Select whether the agency is active"})

    def __init__(self, *args: Any, using: str, agency_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.using, self.agency_id = using, agency_id
        if agency_id is None:
            del self.fields["active"]  # a new agency starts active

    def clean_name(self) -> str:
        name = tidy_agency_name(self.cleaned_data["name"])
        problem = agency_admin.name_problem(name, self.using, self.agency_id)
        if problem:
            raise forms.ValidationError(problem)
        return name

    def edit(self) -> agency_admin.AgencyEdit:
        data = self.cleaned_data
        return agency_admin.AgencyEdit(
            name=data["name"], agency_type=data["agency_type"], safeguarding_team=data["safeguarding_team"],
            safeguarding_phone=" ".join(data["safeguarding_phone"].split()),
            safeguarding_email=data["safeguarding_email"], active=data.get("active", True))


def add_account_error(form: forms.Form, error: AccountError) -> None:
    """The service's refusal beside the field it names, or at the top of the form."""
    form.add_error(error.field if error.field in form.fields else None, str(error))


def date_inputs(form: forms.Form) -> list[dict]:
    """What the GOV.UK date-input template needs for each date field (three boxes each)."""
    dates = []
    for name, legend in DATE_LEGENDS.items():
        field = form[name]
        values = field.value()
        if isinstance(values, dt.date):
            values = [values.day, values.month, values.year]
        values = values if isinstance(values, list | tuple) else [None, None, None]
        parts = [{"name": f"{field.html_name}_{i}", "label": label, "width": width, "value": values[i]}
                 for i, (label, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4)))]
        dates.append({"field": field, "legend": legend, "parts": parts})
    return dates
