"""User administration for administrators: list users with their vetting, create a user.

Server-rendered GOV.UK forms, no JavaScript needed. The new user's authenticator set-up (the
otpauth:// address and secret) is shown once on the confirmation page and never stored in a
form that could be re-shown.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jigsaw.records.models import Agency

from .models import Profile
from .roles import Role, require_area, vetting_lapses_on
from .services import AccountError, create_user


class DateParts(forms.MultiValueField):
    """The GOV.UK date input: day, month and year in three boxes."""

    widget = forms.MultiWidget

    def __init__(self, **kwargs: object) -> None:
        parts = (forms.IntegerField(min_value=1, max_value=31), forms.IntegerField(min_value=1, max_value=12),
                 forms.IntegerField(min_value=1900, max_value=2100))
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


class NewUserForm(forms.Form):
    username = forms.RegexField(regex=r"^[\w.@+-]{3,150}$",
                                error_messages={"required": "Enter a username",
                                                "invalid": "Use 3 to 150 letters, digits and . @ + - _"})
    password = forms.CharField(strip=False, widget=forms.PasswordInput,
                               error_messages={"required": "Enter a first password for the user"})
    role = forms.ChoiceField(choices=Role.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select a role"})
    agency = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), required=False,
                                    to_field_name="name")
    vetted_on = DateParts()
    trained_on = DateParts()

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        for name in ("vetted_on", "trained_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, "The date must be today or in the past")
        return data


def _rows() -> list[dict]:
    today = timezone.localdate()
    rows = []
    for profile in Profile.objects.select_related("user", "agency").order_by("user__username"):
        lapses = vetting_lapses_on(profile.vetting_checked_on) if profile.vetting_checked_on else None
        rows.append({"profile": profile, "lapses_on": lapses,
                     "lapsed": lapses is None or lapses <= today,
                     "trained": profile.training_completed_on is not None})
    return rows


@never_cache
@require_area("admin")
@require_http_methods(["GET"])
def users(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/users.html", {"rows": _rows()})


@never_cache
@require_area("admin")
@require_http_methods(["GET", "POST"])
def new_user(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            device = create_user(
                data["username"], data["password"], data["role"],
                agency=data["agency"].name if data["agency"] else None,
                vetted_on=data["vetted_on"], trained_on=data["trained_on"],
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            user = get_user_model().objects.get(username=data["username"])
            return render(request, "accounts/user_created.html", {"new_user": user, "device": device})
    return render(request, "accounts/new_user.html", {"form": form, "dates": _dates(form)},
                  status=400 if form.is_bound and form.errors else 200)


def _dates(form: NewUserForm) -> list[dict]:
    """What the GOV.UK date-input template needs for each date field (three boxes each)."""
    dates = []
    for name, legend in (("vetted_on", "Date of enhanced background check"),
                         ("trained_on", "Date safeguarding training was completed")):
        field = form[name]
        values = field.value() if form.is_bound else None
        values = values if isinstance(values, list | tuple) else [None, None, None]
        parts = [{"name": f"{field.html_name}_{i}", "label": label, "width": width, "value": values[i]}
                 for i, (label, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4)))]
        dates.append({"field": field, "legend": legend, "parts": parts})
    return dates
