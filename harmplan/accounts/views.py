"""Invitations, caseloads, organization management and the client's own access log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from harmplan.forms import search_words
from harmplan.fragments import render_cached
from harmplan.http import AuthenticatedRequest
from plans.models import CheckIn
from plans.timezones import zone_for_user
from strategies import services as strategy_services
from strategies.models import Resource

from . import my_access, reauth, services, throttle
from .access import (
    client_ip,
    clients_visible_to,
    get_client_for_user,
    log_access,
    staff_organization,
)
from .decorators import role_required
from .forms import (
    AcceptInvitationForm,
    AppearanceForm,
    AssignmentForm,
    ClientIdleForm,
    CodeForm,
    ContactForm,
    InvitationForm,
    ResourceForm,
)
from .models import (
    AccessEvent,
    CareAssignment,
    Invitation,
    Role,
    User,
    access_description,
    person_name,
)
from .twofactor import services as twofactor

SESSION_INVITATION = "invitation_id"


def _too_many_tries(limit: throttle.Limit) -> str:
    return _("Too many tries. Wait %(minutes)d minutes, then try again.") % {
        "minutes": limit.minutes
    }


# Invitation pages carry a way into someone's account: no browser or proxy keeps a copy.
@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_code(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        code = services.normalize_code(form.cleaned_data["code"])
        if throttle.hit_all(
            (throttle.INVITATION_ADDRESS, client_ip(request)), (throttle.INVITATION_CODE, code)
        ):
            form.add_error("code", _too_many_tries(throttle.INVITATION_CODE))
            status = 429
        else:
            try:
                invitation = services.invitation_find(code=code)
            except services.InvitationError as error:
                form.add_error("code", str(error))
            else:
                request.session[SESSION_INVITATION] = invitation.pk
                return redirect("accounts:invitation_accept")
    return render(request, "accounts/invitation_code.html", {"form": form}, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET"])
def invitation_link(request: HttpRequest, token: str) -> HttpResponse:
    if throttle.hit(throttle.INVITATION_ADDRESS, client_ip(request)):
        problem = _too_many_tries(throttle.INVITATION_ADDRESS)
        return render(request, "accounts/invitation_problem.html", {"problem": problem}, status=429)
    # Move the secret from the address bar into the session, so it is not left in history.
    try:
        invitation = services.invitation_find(token=token)
    except services.InvitationError as error:
        return render(request, "accounts/invitation_problem.html", {"problem": error}, status=410)
    request.session[SESSION_INVITATION] = invitation.pk
    return redirect("accounts:invitation_accept")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest) -> HttpResponse:
    invitation_id = request.session.get(SESSION_INVITATION)
    found = (
        Invitation.objects.select_related("organization").filter(pk=invitation_id).first()
        if invitation_id
        else None
    )
    try:
        invitation = services.invitation_check(found)
    except services.InvitationError as error:
        if found is None:
            return redirect("accounts:invitation_code")
        return render(request, "accounts/invitation_problem.html", {"problem": error}, status=410)
    if request.user.is_authenticated:
        return render(
            request,
            "accounts/invitation_problem.html",
            {"problem": _("You are signed in already. Sign out first to accept this invitation.")},
            status=409,
        )
    throttled = request.method == "POST" and throttle.hit_all(
        (throttle.USERNAME_ADDRESS, client_ip(request)),
        (throttle.USERNAME_INVITATION, invitation.pk),
    )
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None,
        # Each try tells whether a username is free: past the limit, names are not looked up.
        username_refusal=_too_many_tries(throttle.USERNAME_ADDRESS) if throttled else None,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = services.invitation_accept(
                invitation=invitation,
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                phone=data["phone"],
                preferred_name=data["preferred_name"],
                ip=client_ip(request),
            )
        except services.InvitationError as error:
            return render(
                request, "accounts/invitation_problem.html", {"problem": error}, status=410
            )
        del request.session[SESSION_INVITATION]
        login(request, user, backend="harmplan.accounts.backends.ModelBackend")
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "invitation": invitation},
        status=429 if throttled else 200,
    )


@role_required(Role.COUNSELOR, Role.ORG_ADMIN)
@require_http_methods(["GET", "POST"])
def invitation_new(request: AuthenticatedRequest) -> HttpResponse:
    form = InvitationForm(request.POST if request.method == "POST" else None, inviter=request.user)
    if form.is_valid():
        issued = services.invitation_create(
            invited_by=request.user,
            role=form.cleaned_data.get("role", Role.CLIENT),
            counselor=form.cleaned_data.get("counselor"),
            ip=client_ip(request),
        )
        link = request.build_absolute_uri(reverse("accounts:invitation_link", args=[issued.token]))
        return render(
            request,
            "accounts/invitation_issued.html",
            {
                "issued": issued,
                "link": link,
                "code_url": request.build_absolute_uri(reverse("accounts:invitation_code")),
            },
        )
    return render(request, "accounts/invitation_new.html", {"form": form})


# The plan's agreement state (Plan.agreement) as filters, for the client list.
_AGREED = Q(plan__agreed_content_version=F("plan__content_version"))
_LOOK = Q(plan__agreed_content_version__isnull=False, plan__changed_by_role="counselor") & ~_AGREED
PLAN_STATES = {
    "agreed": (gettext_lazy("Agreed"), _AGREED),
    "look": (gettext_lazy("Waiting for the client to look"), _LOOK),
    "not_agreed": (gettext_lazy("Not agreed yet"), Q(plan__isnull=False) & ~_AGREED & ~_LOOK),
    "none": (gettext_lazy("No plan yet"), Q(plan__isnull=True)),
}


@role_required(Role.COUNSELOR, Role.ORG_ADMIN)
@require_http_methods(["GET"])
def client_list(request: AuthenticatedRequest) -> HttpResponse:
    """Search, filter by counselor and plan state, last check-in and actions; a fixed number of
    queries per page whatever the number of clients."""
    organization = staff_organization(request.user)
    query, query_error = search_words(request.GET.get("q", ""))
    state = request.GET.get("state", "")
    counselors = User.objects.filter(
        membership__organization=organization, membership__role=Role.COUNSELOR
    ).order_by("username")
    counselor_id = request.GET.get("counselor", "")
    clients = (
        clients_visible_to(request.user)
        .select_related("plan")
        .annotate(
            last_checkin_day=Subquery(CheckIn.objects.for_client(OuterRef("pk")).latest_day())
        )
        .prefetch_related(
            Prefetch(
                "care_team",
                queryset=CareAssignment.objects.select_related("counselor").order_by(
                    "counselor__username"
                ),
            )
        )
    )
    if query:
        clients = clients.filter(
            Q(username__icontains=query)
            | Q(preferred_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    if state in PLAN_STATES:
        clients = clients.filter(PLAN_STATES[state][1])
    else:
        state = ""
    if counselor_id == "none":
        clients = clients.filter(care_team__isnull=True)
    elif counselor_id.isdigit() and request.user.is_org_admin:
        clients = clients.filter(care_team__counselor_id=int(counselor_id))
    else:
        counselor_id = ""
    page = Paginator(clients.order_by("username"), 25).get_page(request.GET.get("page"))
    kept = {"q": query, "state": state, "counselor": counselor_id}
    context = {
        "page": page,
        "query": urlencode({k: v for k, v in kept.items() if v}),
        "q": query,
        "query_error": query_error,
        "state": state,
        "states": [(key, label) for key, (label, _q) in PLAN_STATES.items()],
        "counselor_id": counselor_id,
        "counselors": list(counselors) if request.user.is_org_admin else [],
    }
    return render(request, "accounts/client_list.html", context)


@role_required(Role.COUNSELOR, Role.ORG_ADMIN)
@require_http_methods(["GET"])
def client_detail(request: AuthenticatedRequest, client_id) -> HttpResponse:
    client = get_client_for_user(request.user, client_id)
    log_access(request, client, AccessEvent.Action.VIEW, "profile", client.public_id)
    counselors = User.objects.filter(caseload__client=client).order_by("username")
    return render(
        request, "accounts/client_detail.html", {"client": client, "counselors": counselors}
    )


@role_required(Role.CLIENT)
@require_http_methods(["GET"])
def my_access_log(request: AuthenticatedRequest) -> HttpResponse:
    page = my_access.log_page(request.user, request.GET.get("page"))
    # Who can open the records, since when, and who added them: an admin who gives themselves a
    # counselor account shows up here by name.
    roles = {value: str(label) for value, label in Role.choices}  # get_role_display
    care_team = [
        {
            "name": person_name(*row[:4]),
            "since": row[4],
            # Whoever added them, by name and role ("" when they have no role: "staff").
            "added_by": None if row[5] is None else person_name(*row[6:10]),
            "added_by_role": roles.get(row[10], row[10]) if row[10] else "",
        }
        for row in my_access.care_team(request.user)
    ]
    # Break-glass: who opened the records without being on the care team, and why.
    emergencies = [
        {"name": person_name(*row[:4]), "started_at": row[4], "reason": row[5]}
        for row in my_access.emergencies(request.user)
    ]
    zone = zone_for_user(request.user)
    return render(
        request,
        "accounts/my_access_log.html",
        {
            "page": page,
            "rows_html": _access_rows_html(page, zone),
            "care_team": care_team,
            "emergencies": emergencies,
            "zone": zone,
        },
    )


def _access_rows_html(events, zone) -> SafeString:
    """The page's rows, cached as HTML (harmplan/fragments.py) from what each row shows, in the
    client's zone: rendering fifty rows was most of the page, and the log only grows."""
    roles = {value: str(label) for value, label in Role.choices}  # get_role_display
    descriptions: dict[tuple[str, str], str] = {}
    rows = []
    for at, action, object_type, preferred, first, last, username, role in events:
        if (action, object_type) not in descriptions:
            descriptions[action, object_type] = access_description(action, object_type)
        rows.append(
            {
                "at": at,
                "actor": person_name(preferred, first, last, username),
                "role": None if role is None else roles.get(role, role),
                "description": descriptions[action, object_type],
            }
        )
    with timezone.override(zone):
        return render_cached("accounts/_access_rows.html", {"events": rows})


@role_required(Role.ORG_ADMIN)
@require_http_methods(["GET"])
def org_overview(request: AuthenticatedRequest) -> HttpResponse:
    organization = staff_organization(request.user)
    counselors = (
        User.objects.filter(membership__organization=organization, membership__role=Role.COUNSELOR)
        .annotate(caseload_size=Count("caseload"))
        .order_by("username")
    )
    assignments = (
        CareAssignment.objects.filter(organization=organization)
        .select_related("counselor", "client")
        .order_by("counselor__username", "client__username")
    )
    form = AssignmentForm(organization=organization)
    return render(
        request,
        "accounts/org_overview.html",
        {
            "organization": organization,
            "counselors": counselors,
            "assignments": assignments,
            "form": form,
            "idle_form": ClientIdleForm(
                initial={"client_idle_minutes": organization.client_idle_minutes}
            ),
        },
    )


@role_required(Role.ORG_ADMIN)
@require_http_methods(["GET", "POST"])
def org_appearance(request: AuthenticatedRequest) -> HttpResponse:
    organization = staff_organization(request.user)
    form = AppearanceForm(request.POST if request.method == "POST" else None, instance=organization)
    if form.is_valid():
        services.organization_appearance_save(organization=organization, **form.cleaned_data)
        messages.success(request, _("Saved. Your clients see the new name and icon from now on."))
        return redirect("accounts:org_overview")
    status = 400 if form.is_bound else 200
    return render(request, "accounts/org_appearance.html", {"form": form}, status=status)


@role_required(Role.ORG_ADMIN)
@require_POST
def org_client_idle(request: AuthenticatedRequest) -> HttpResponse:
    form = ClientIdleForm(request.POST)
    if not form.is_valid():
        form.heading_field = "client_idle_minutes"  # alone on its page, the question is the h1
        return render(request, "accounts/org_client_idle.html", {"form": form}, status=400)
    services.organization_client_idle_save(
        admin=request.user, minutes=form.cleaned_data["client_idle_minutes"]
    )
    messages.success(request, _("Saved. Clients who sign in from now on get the new time."))
    return redirect("accounts:org_overview")


@role_required(Role.ORG_ADMIN)
@require_POST
def assignment_new(request: AuthenticatedRequest) -> HttpResponse:
    organization = staff_organization(request.user)
    form = AssignmentForm(request.POST, organization=organization)
    if not form.is_valid():
        return render(request, "accounts/assignment_new.html", {"form": form}, status=400)
    services.assignment_create(
        organization=organization,
        counselor=form.cleaned_data["counselor"],
        client=form.cleaned_data["client"],
        by=request.user,
        ip=client_ip(request),
    )
    messages.success(request, _("Caseload updated."))
    back = request.POST.get("next", "")
    if back.startswith(reverse("accounts:client_list")) and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return redirect(back)
    return redirect("accounts:org_overview")


@role_required(Role.ORG_ADMIN)
@require_POST
def assignment_remove(request: AuthenticatedRequest, assignment_id: int) -> HttpResponse:
    assignment = get_object_or_404(
        CareAssignment, pk=assignment_id, organization=request.user.organization
    )
    services.assignment_remove(assignment=assignment, by=request.user, ip=client_ip(request))
    messages.success(request, _("Caseload updated."))
    return redirect("accounts:org_overview")


# The organization's local resources (help page) -------------------------------------------------


def _get_resource_for_admin(user: User, resource_id: int) -> Resource:
    return get_object_or_404(Resource, pk=resource_id, organization=user.organization)


@role_required(Role.ORG_ADMIN)
@require_http_methods(["GET"])
def resource_list(request: AuthenticatedRequest) -> HttpResponse:
    resources = Resource.objects.for_help_page(staff_organization(request.user))
    return render(request, "accounts/resource_list.html", {"resources": resources})


@role_required(Role.ORG_ADMIN)
@require_http_methods(["GET", "POST"])
def resource_edit(request: AuthenticatedRequest, resource_id: int | None = None) -> HttpResponse:
    resource = _get_resource_for_admin(request.user, resource_id) if resource_id else None
    form = ResourceForm(request.POST if request.method == "POST" else None, instance=resource)
    if form.is_valid():
        strategy_services.resource_save(
            editor=request.user, data=form.cleaned_data, resource=resource
        )
        messages.success(request, _("Saved. It is on your help page now."))
        return redirect("accounts:resource_list")
    return render(request, "accounts/resource_edit.html", {"form": form, "resource": resource})


@require_GET
def account(request: AuthenticatedRequest) -> HttpResponse:
    """Your account: password, two-step sign-in, and signing out on every device."""
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "enrolled": twofactor.is_enrolled(user),
            "required": twofactor.staff_must_use(user),
            "codes_left": twofactor.recovery_codes_left(user),
        },
    )


@role_required(Role.ORG_ADMIN)
@require_POST
def resource_remove(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    resource = _get_resource_for_admin(request.user, resource_id)
    strategy_services.resource_remove(editor=request.user, resource=resource)
    messages.success(request, _("Removed from your help page."))
    return redirect("accounts:resource_list")


# Contact details and confirming a new email address ---------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_edit(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        user=user,
        needs_password=not reauth.signed_in_recently(request),
    )
    if form.is_valid():
        change = services.contact_change(
            user=user, email=form.cleaned_data["email"], phone=form.cleaned_data["phone"]
        )
        if change and change.new_email:
            messages.success(
                request,
                _(
                    "We sent a link to %(email)s. Open it to start using that address. Until "
                    "then, everything keeps going to your old address."
                )
                % {"email": change.new_email},
            )
        else:
            messages.success(request, _("Your contact details are saved."))
        return redirect("accounts:contact")
    pending = user.email_changes.filter(confirmed_at__isnull=True).order_by("-created_at").first()
    return render(request, "accounts/contact.html", {"form": form, "pending": pending})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only asks: mail scanners open links, and must not confirm anything.
    if throttle.hit(throttle.EMAIL_CONFIRM_ADDRESS, client_ip(request)):
        problem = _too_many_tries(throttle.EMAIL_CONFIRM_ADDRESS)
        return render(request, "accounts/email_confirm.html", {"problem": problem}, status=429)
    try:
        if request.method == "POST":
            services.email_change_confirm(token=token)
            return render(request, "accounts/email_confirm.html", {"confirmed": True})
        change = services.email_change_find(token)
    except services.EmailChangeError as error:
        return render(request, "accounts/email_confirm.html", {"problem": error}, status=410)
    return render(request, "accounts/email_confirm.html", {"change": change, "token": token})


@role_required(Role.ORG_ADMIN)
@require_POST
def twofactor_reset(request: AuthenticatedRequest, user_id) -> HttpResponse:
    person = get_object_or_404(
        User,
        public_id=user_id,
        membership__organization=request.user.organization,
        membership__role__in=[Role.COUNSELOR, Role.ORG_ADMIN],
    )
    if person == request.user:
        messages.error(request, _("You cannot reset your own two-step sign-in here."))
        return redirect("accounts:org_overview")
    twofactor.reset_for(admin=request.user, person=person, ip=client_ip(request))
    messages.success(
        request,
        _("Two-step sign-in is reset for %(name)s. They set it up again when they next sign in.")
        % {"name": person.display_name},
    )
    return redirect("accounts:org_overview")
