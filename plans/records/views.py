"""Pages for the client's records: download, print, share with consent, privacy, closing.

Views call one service and render. The shared-link page is the one page open without signing
in: its key travels in the query string (`?key=`), which the request logs never record
(gunicorn's format logs the path only, and Django's request log keeps warnings only).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harmplan.accounts.access import client_ip, staff_organization
from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role
from harmplan.http import AuthenticatedRequest
from plans import timezones
from plans.access import get_plan_for_user
from plans.models import Plan
from plans.timezones import local_date, zone_for_user

from . import closing, privacy, services, sharing
from .forms import CloseAccountForm, ConsentForm, PolicyForm, PrivacyForm


def _download(download: services.Download) -> HttpResponse:
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return response


@role_required(Role.CLIENT)
@require_GET
def records_home(request: AuthenticatedRequest) -> HttpResponse:
    client = request.user
    return render(
        request,
        "plans/records/home.html",
        {
            "zone": zone_for_user(client),
            "plan": Plan.objects.filter(client=client).first(),
            "closure": closing.pending_closure(client),
            "notes_private": privacy.notes_private(client),
            "active_consents": sharing.consents_for(client).active().count(),
        },
    )


@role_required(Role.CLIENT)
@require_GET
def records_export(request: AuthenticatedRequest) -> HttpResponse:
    return _download(services.records_export(client=request.user))


@role_required(Role.CLIENT, Role.COUNSELOR)
@require_GET
def plan_pdf(request: AuthenticatedRequest, plan_id) -> HttpResponse:
    plan = get_plan_for_user(request.user, plan_id)
    return _download(services.plan_pdf(plan=plan, actor=request.user, ip=client_ip(request)))


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def privacy_choice(request: AuthenticatedRequest) -> HttpResponse:
    client = request.user
    current = privacy.notes_private(client)
    form = PrivacyForm(
        request.POST if request.method == "POST" else None,
        initial={"notes_private": "yes" if current else "no"},
    )
    if form.is_valid():
        privacy.privacy_save(client=client, notes_private=form.cleaned_data["notes_private"])
        messages.success(request, _("Saved. Your care team sees what you chose from now on."))
        return redirect("plans:records")
    return render(request, "plans/records/privacy.html", {"form": form})


# Sharing -----------------------------------------------------------------------------------------


@role_required(Role.CLIENT)
@require_GET
def sharing_page(request: AuthenticatedRequest) -> HttpResponse:
    client = request.user
    accounting = Paginator(sharing.accounting_for(client), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/records/sharing.html",
        {
            "zone": zone_for_user(client),
            "consents": sharing.consents_for(client),
            "page": accounting,
        },
    )


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def consent_new(request: AuthenticatedRequest) -> HttpResponse:
    client = request.user
    zone = zone_for_user(client)
    today = local_date(zone)
    form = ConsentForm(request.POST if request.method == "POST" else None, today=today)
    closure = closing.pending_closure(client)
    if form.is_valid() and not closure:
        data = {k: v for k, v in form.cleaned_data.items() if k != "agree"}
        try:
            created = sharing.consent_create(client=client, **data)
        except sharing.RecordsError as error:
            form.add_error(None, str(error))
        else:
            link = None
            if created.token:
                link = request.build_absolute_uri(
                    reverse("plans:shared_view") + f"?key={created.token}"
                )
            return render(
                request,
                "plans/records/consent_created.html",
                {"consent": created.consent, "link": link, "zone": zone},
            )
    return render(
        request,
        "plans/records/consent_new.html",
        {
            "form": form,
            "organization": client.organization,
            "client": client,
            "today": today,
            "closure": closure,
        },
    )


@role_required(Role.CLIENT)
@require_GET
def consent_detail(request: AuthenticatedRequest, consent_id) -> HttpResponse:
    consent = sharing.get_consent_for_client(request.user, consent_id)
    return render(
        request,
        "plans/records/consent_detail.html",
        {
            "consent": consent,
            "disclosures": consent.disclosures.all()[:100],
            "zone": zone_for_user(request.user),
        },
    )


@role_required(Role.CLIENT)
@require_POST
def consent_pdf(request: AuthenticatedRequest, consent_id) -> HttpResponse:
    consent = sharing.get_consent_for_client(request.user, consent_id)
    try:
        return _download(sharing.consent_pdf(consent=consent))
    except sharing.RecordsError as error:
        messages.error(request, str(error))
        return redirect("plans:consent_detail", consent.public_id)


@role_required(Role.CLIENT)
@require_POST
def consent_revoke(request: AuthenticatedRequest, consent_id) -> HttpResponse:
    consent = sharing.get_consent_for_client(request.user, consent_id)
    if sharing.consent_revoke(consent=consent):
        messages.success(
            request,
            _("Sharing with %(recipient)s has stopped.") % {"recipient": consent.recipient},
        )
    return redirect("plans:sharing")


@login_not_required
@never_cache
@require_GET
def shared_view(request: HttpRequest) -> HttpResponse:
    try:
        consent = sharing.shared_open(token=request.GET.get("key", ""))
    except sharing.LinkGone:
        response = render(request, "plans/records/shared_gone.html", status=404)
    else:
        context = sharing.disclosure_context(consent, now=timezone.now())
        response = render(request, "plans/records/shared.html", context)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@role_required(Role.ORG_ADMIN)
@require_http_methods(["GET", "POST"])
def program_records(request: AuthenticatedRequest) -> HttpResponse:
    organization = staff_organization(request.user)
    policy = privacy.policy_for(organization)
    form = PolicyForm(request.POST if request.method == "POST" else None, instance=policy)
    if form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("plans:program_records")
    records = sharing.program_disclosures(
        organization=organization, actor=request.user, ip=client_ip(request)
    )
    return render(
        request,
        "plans/records/program.html",
        {"form": form, "zone": timezones.program_zone(), **records},
    )


# Closing the account -----------------------------------------------------------------------------


@role_required(Role.CLIENT)
@require_http_methods(["GET", "POST"])
def account_close(request: AuthenticatedRequest) -> HttpResponse:
    client = request.user
    closure = closing.pending_closure(client)
    form = CloseAccountForm(
        request.POST if request.method == "POST" and not closure else None,
        user=client,
        request=request,
    )
    if form.is_valid():
        closure = closing.closing_request(client=client)
        messages.success(request, _("Your account will be closed. You can still change your mind."))
        return redirect("plans:account_close")
    return render(
        request,
        "plans/records/close.html",
        {
            "form": form,
            "closure": closure,
            "zone": zone_for_user(client),
            "deleted": closing.DELETED,
            "kept": closing.KEPT,
            "grace_days": privacy.policy_for(client.organization).closing_grace_days,
        },
    )


@role_required(Role.CLIENT)
@require_POST
def account_close_cancel(request: AuthenticatedRequest) -> HttpResponse:
    if closing.closing_cancel(client=request.user):
        messages.success(
            request,
            _(
                "Your account stays open. Nothing was deleted. Links you shared stay stopped: "
                "you can share again if you want to."
            ),
        )
    return redirect("plans:records")
