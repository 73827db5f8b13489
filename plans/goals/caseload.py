"""A counselor's caseload: assigned clients with plan state, next review and last activity."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import F, OrderBy, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from harmplan.accounts.access import (
    client_ip,
    clients_visible_to,
    get_client_for_user,
    record_reads,
)
from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role
from harmplan.forms import search_words
from harmplan.fragments import render_cached
from harmplan.http import AuthenticatedRequest
from plans import timezones
from plans.models import CheckIn
from plans.records import closing as records_closing

from . import services

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SORTS: dict[str, tuple[StrOrPromise, list[OrderBy | str]]] = {
    "name": (_("Name"), [F("preferred_name").asc(), F("username").asc()]),
    "review": (_("Next review"), [F("plan__next_review_on").asc(nulls_last=True), "username"]),
    "activity": (_("Last activity"), [F("plan__updated_at").desc(nulls_last=True), "username"]),
}

QUIET_DAYS = 14


@role_required(Role.COUNSELOR)
@require_GET
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    query, query_error = search_words(request.GET.get("q", ""))
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    last_checkin = CheckIn.objects.for_client(OuterRef("pk")).latest_day()
    clients = (
        clients_visible_to(request.user)
        .select_related("plan")
        .annotate(last_checkin_day=Subquery(last_checkin))
    )
    clients = records_closing.with_closing_date(clients)
    if query:
        clients = clients.filter(Q(username__icontains=query) | Q(preferred_name__icontains=query))
    clients = clients.order_by(*SORTS[sort][1])
    page = Paginator(clients, 25).get_page(request.GET.get("page"))
    # Each row shows a client's last check-in and agreement state: a read of their records.
    record_reads(
        actor=request.user,
        clients=page.object_list,
        object_type="plan summary",
        ip=client_ip(request),
    )
    context = {
        "page": page,
        "query": query,
        "query_error": query_error,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _) in SORTS.items()],
        "querystring": f"q={query}&sort={sort}" if query else f"sort={sort}",
        # Last check-in on or before this day: the neutral "no check-in for 14 days" marker.
        "quiet_since": timezones.program_today() - timedelta(days=QUIET_DAYS),
        "program_zone": timezones.program_zone(),
    }
    context["rows_html"] = _rows_html(page, context["quiet_since"], context["program_zone"])
    template = "plans/goals/caseload.html#results" if request.htmx else "plans/goals/caseload.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _rows_html(clients, quiet_since, program_zone) -> SafeString:
    """The page's rows, cached as HTML (harmplan/fragments.py) from what each row shows."""
    rows = []
    for client in clients:
        plan = getattr(client, "plan", None)
        rows.append(
            {
                "client": {
                    "public_id": client.public_id,
                    "display_name": client.display_name,
                    "preferred_name": client.preferred_name,
                    "username": client.username,
                    "closing_after": client.closing_after,
                    "last_checkin_day": client.last_checkin_day,
                },
                "plan": plan
                and {
                    "agreement": plan.agreement,
                    "next_review_on": plan.next_review_on,
                    "updated_at": plan.updated_at,
                },
            }
        )
    context = {"rows": rows, "quiet_since": quiet_since, "program_zone": str(program_zone)}
    return render_cached("plans/goals/_caseload_rows.html", context)


@role_required(Role.COUNSELOR)
@require_GET
def client_plan(request: AuthenticatedRequest, client_id) -> HttpResponse:
    """Open (and on first use, start) the plan of a client on this counselor's caseload."""
    client = get_client_for_user(request.user, client_id)
    return redirect(services.plan_for_client(client))
