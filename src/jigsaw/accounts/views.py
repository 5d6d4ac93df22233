"""Sign-in in two steps (password, then a time-based one-time code), sign-out, and changing
one's own password.

After the password the session is signed in but not *verified*; the middleware lets such a
session reach only the code step. Failed passwords and failed codes both count towards the
django-axes lockout, so knowing a password does not buy unlimited guesses at the code; they are
reset only when the code is accepted, and the session id changes then too (so an id learned
before the code step is worth nothing after it).
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as reset_failures
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, logout, update_session_auth_hash, user_login_failed
from django.contrib.auth import login as auth_login
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from jigsaw.records.database import db

from . import enrolment, events, passwords
from .lockout import lockout_key
from .roles import is_verified

EXPIRED_REASON = "temporary_password_expired"
EXPIRED = "Your temporary password has expired. Ask your administrator for a new one"


class SignInForm(forms.Form):
    username = forms.CharField(max_length=150, error_messages={"required": "Enter your username"})
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput, error_messages={"required": "Enter your password"}
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{6}\s*$",
        error_messages={"required": "Enter the 6-digit code from your authenticator app",
                        "invalid": "The code must be 6 digits, like 123456"},
    )


def _asked_for(request: HttpRequest) -> str:
    """The page the user was on their way to (``next``), if it is on this site; else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _next(request: HttpRequest) -> str:
    """Where to go after signing in: the page asked for, else home."""
    return _asked_for(request) or reverse("home")


def _locked(request: HttpRequest) -> bool:
    return bool(getattr(request, "axes_locked_out", False))


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if is_verified(request.user):
        return HttpResponseRedirect(_next(request))
    form = SignInForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        profile = getattr(user, "profile", None) if user is not None else None
        expired = passwords.temporary_password_expired(profile)
        if user is not None and (profile is None or (profile.agency_id and not profile.agency.is_active)
                                 or expired):
            # an account without a role (e.g. made by hand), or of a deactivated agency, cannot sign
            # in; nor can an administrator's temporary password left unused too long
            user = None
            user_login_failed.send(__name__, credentials={"username": username}, request=request)
        if user is None:
            reason = "locked_out" if _locked(request) else EXPIRED_REASON if expired else "password"
            events.sign_in_failed.send(__name__, request=request, username=username, reason=reason)
            error = EXPIRED if reason == EXPIRED_REASON else "Enter a correct username and password"
        else:
            auth_login(request, user)
            query = urlencode({"next": _next(request)})
            return redirect(f"{reverse('accounts:code')}?{query}")
    return render(request, "accounts/sign_in.html",
                  {"form": form, "error": error, "next": _next(request)}, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:sign-in")
    if is_verified(request.user):
        return HttpResponseRedirect(_next(request))
    pending = enrolment.pending_device(request.user, db())
    if pending is not None:  # first sign-in, or after a reset: the user enrols their own app
        return _enrol(request, pending)
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user = request.user
        username = user.get_username()
        credentials = {"username": username}
        device = None if AxesProxyHandler.is_locked(request, credentials) else match_token(
            user, form.cleaned_data["code"].strip()
        )
        if device is None:
            user_login_failed.send(__name__, credentials=credentials, request=request)
            locked = _locked(request) or AxesProxyHandler.is_locked(request, credentials)
            events.sign_in_failed.send(__name__, request=request, username=username, user=user,
                                       reason="locked_out" if locked else "code")
            if locked:
                logout(request)
                request.axes_locked_out = True  # the axes middleware shows the lockout page
            error = "The code is not correct or has expired; enter the code shown now"
        else:
            request.session.cycle_key()  # a new session id for the verified session
            otp_login(request, device)
            reset_failures(username=lockout_key(username))
            events.signed_in.send(__name__, request=request, username=username, user=user)
            return HttpResponseRedirect(_next(request))
    return render(request, "accounts/code.html",
                  {"form": form, "error": error, "next": _next(request)}, status=400 if error else 200)


def _enrol(request: HttpRequest, device) -> HttpResponse:
    """Show the new authenticator's QR code and secret; a valid code from it confirms it.

    A wrong code counts towards the lockout like a wrong code at the normal step.
    """
    form = CodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user = request.user
        username = user.get_username()
        credentials = {"username": username}
        locked = AxesProxyHandler.is_locked(request, credentials)
        if not locked and enrolment.enrol(device, form.cleaned_data["code"]):
            request.session.cycle_key()
            otp_login(request, device)
            reset_failures(username=lockout_key(username))
            events.signed_in.send(__name__, request=request, username=username, user=user, enrolled=True)
            return HttpResponseRedirect(_next(request))
        user_login_failed.send(__name__, credentials=credentials, request=request)
        locked = _locked(request) or AxesProxyHandler.is_locked(request, credentials)
        events.sign_in_failed.send(__name__, request=request, username=username, user=user,
                                   reason="locked_out" if locked else "enrolment_code")
        if locked:
            logout(request)
            request.axes_locked_out = True
        error = "The code is not correct or has expired; enter the code your app shows now"
    return render(request, "accounts/enrol.html", {
        "form": form, "error": error, "next": _next(request), "qr_svg": enrolment.qr_svg(device),
        "secret": enrolment.secret_text(device)}, status=400 if error or form.errors else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """POST only, so a link or image elsewhere cannot sign someone out."""
    user = request.user if request.user.is_authenticated else None
    username = user.get_username() if user else ""
    logout(request)
    if user is not None:
        events.signed_out.send(__name__, request=request, username=username, user=user)
    return render(request, "accounts/signed_out.html")


class ChangePasswordForm(PasswordChangeForm):
    """Django's form (current password checked, the password validators applied), in GOV.UK words."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not correct; enter it again",
        "password_mismatch": "The new passwords do not match; enter the same password twice",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, message in (("old_password", "Enter your current password"),
                              ("new_password1", "Enter a new password"),
                              ("new_password2", "Enter the new password again")):
            self.fields[name].error_messages["required"] = message

    def clean(self) -> dict:
        cleaned = super().clean()
        new, old = cleaned.get("new_password1"), cleaned.get("old_password")
        if new and old and new == old:  # above all a temporary password: it has been passed on
            self.add_error("new_password1", "Your new password must be different from your current one")
        return cleaned


def _wrong_current_password(request: HttpRequest) -> None:
    """Count a wrong current password as a failed sign-in; at the limit, sign out and lock.

    Otherwise a stolen, still-open session could guess at the password without limit.
    """
    user = request.user
    credentials = {"username": user.get_username()}
    user_login_failed.send(__name__, credentials=credentials, request=request)
    locked = _locked(request) or AxesProxyHandler.is_locked(request, credentials)
    events.sign_in_failed.send(__name__, request=request, username=credentials["username"], user=user,
                               reason="locked_out" if locked else "current_password")
    if locked:
        logout(request)
        request.axes_locked_out = True  # the axes middleware shows the lockout page


@never_cache
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Any signed-in user: the current password, then a new one twice. Other sessions end."""
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            using = db()
            with transaction.atomic(using=using):
                user = form.save()
                passwords.password_chosen(user.pk, using=using)
                events.announce(events.password_changed, request=request, using=using)
            update_session_auth_hash(request, user)  # this session stays signed in; the others end
            if _asked_for(request):  # sent here on the way to a page: carry on to it
                return HttpResponseRedirect(_asked_for(request))
            messages.success(request, "Your password has been changed")
            return redirect("accounts:password")
        if form.has_error("old_password", "password_incorrect"):
            _wrong_current_password(request)
    profile = getattr(request.user, "profile", None)
    from .second_admin import about  # administrators' requests about this account, shown to its user

    return render(request, "accounts/password.html", {
        "form": form, "next": _asked_for(request), "required": bool(profile and profile.must_change_password),
        "requests": about(request.user.pk, db()),
    }, status=400 if form.is_bound and form.errors else 200)
