"""Pages for two-step sign-in: set up, enter a code, recovery codes, turn off."""

from __future__ import annotations

import math

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from harmplan.http import AuthenticatedRequest

from ..access import client_ip
from ..reauth import fresh_sign_in_required
from . import services
from .forms import AppCodeForm, RecoveryCodeForm

SESSION_NEW_CODES = "twofactor_new_codes"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _throttled_message(until) -> str:
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    return _("Too many wrong codes. Wait %(seconds)s seconds, then enter the newest code.") % {
        "seconds": seconds
    }


@require_http_methods(["GET", "POST"])
@fresh_sign_in_required
def setup(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if services.is_enrolled(user) and not user.is_verified():
        # Replacing the app needs the second step first, or a stolen password would be enough.
        return redirect(f"{reverse('twofactor:verify')}?next={reverse('twofactor:setup')}")
    device = services.setup_device(user=user)
    form = AppCodeForm(
        request.POST if request.method == "POST" else None,
        label=_("Enter the 6-digit code from your app"),
    )
    if form.is_valid():
        until = services.wait_until(device)
        if until:
            form.add_error("code", _throttled_message(until))
        else:
            codes = services.setup_confirm(
                request=request,
                device=device,
                code=form.cleaned_data["code"],
                ip=client_ip(request),
            )
            if codes is None:
                form.add_error(
                    "code",
                    _(
                        "That code did not work. Check the time on your phone, then enter "
                        "the newest code."
                    ),
                )
            else:
                request.session[SESSION_NEW_CODES] = codes
                return redirect(f"{reverse('twofactor:recovery_codes')}?next={_next_url(request)}")
    return render(
        request,
        "accounts/twofactor/setup.html",
        {
            "form": form,
            "qr_svg": services.qr_code_svg(device, _("QR code for your authenticator app")),
            "key": services.key_for_people(device),
            "next": _next_url(request),
            "required": services.staff_must_use(user),
        },
    )


@require_http_methods(["GET"])
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    codes = request.session.pop(SESSION_NEW_CODES, None)
    if not codes:
        messages.info(request, _("Recovery codes are shown only once. You can make new ones here."))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/twofactor/recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@require_POST
@fresh_sign_in_required
def recovery_codes_new(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("twofactor:verify")
    request.session[SESSION_NEW_CODES] = services.recovery_codes_replace(
        user=request.user, ip=client_ip(request)
    )
    return redirect(f"{reverse('twofactor:recovery_codes')}?next={reverse('accounts:account')}")


def _verify_page(request: AuthenticatedRequest, *, device, form, template: str) -> HttpResponse:
    if form.is_valid():
        until = services.wait_until(device)
        if until:
            form.add_error("code", _throttled_message(until))
        elif services.verify(
            request=request, device=device, code=form.cleaned_data["code"], ip=client_ip(request)
        ):
            return redirect(_next_url(request))
        else:
            form.add_error("code", form.wrong_code_message)
    return render(request, template, {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = services.authenticator_for(request.user)
    if device is None:
        return redirect(f"{reverse('twofactor:setup')}?next={_next_url(request)}")
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    form.wrong_code_message = _(
        "That code did not work. Enter the newest code from your app. Each code works once."
    )
    return _verify_page(
        request, device=device, form=form, template="accounts/twofactor/verify.html"
    )


@require_http_methods(["GET", "POST"])
def recovery(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = services.recovery_device_for(request.user)
    if device is None:
        return redirect(f"{reverse('twofactor:verify')}?next={_next_url(request)}")
    form = RecoveryCodeForm(request.POST if request.method == "POST" else None)
    form.wrong_code_message = _(
        "That recovery code did not work. Check it, or try another one. Each code works once."
    )
    return _verify_page(
        request, device=device, form=form, template="accounts/twofactor/recovery.html"
    )


@require_POST
@fresh_sign_in_required
def turn_off(request: AuthenticatedRequest) -> HttpResponse:
    if services.staff_must_use(request.user):
        messages.error(request, _("Two-step sign-in is required for staff accounts."))
        return redirect("accounts:account")
    if not request.user.is_verified():
        return redirect(f"{reverse('twofactor:verify')}?next={reverse('accounts:account')}")
    services.turn_off(user=request.user, ip=client_ip(request))
    messages.success(request, _("Two-step sign-in is off."))
    return redirect("accounts:account")
