"""A counselor's caseload: assigned clients with plan state, next review and last activity."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import Count, F, OrderBy, OuterRef, Q, QuerySet, Subquery, Window
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
    staff_organization,
    stand_in,
)
from harmplan.accounts.decorators import role_required
from harmplan.accounts.models import Role, User
from harmplan.compiled_query import CompiledQuery, PagedRows, counted
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
PAGE_SIZE = 25


def _caseload_queryset(counselor: User, sort: str) -> QuerySet[User]:
    """The counselor's clients (clients_visible_to: who they may see), with what each row
    shows, in the order asked for."""
    last_checkin = CheckIn.objects.for_client(OuterRef("pk")).latest_day()
    clients = (
        clients_visible_to(counselor)
        .select_related("plan")
        .annotate(last_checkin_day=Subquery(last_checkin))
    )
    return records_closing.with_closing_date(clients).order_by(*SORTS[sort][1])


# A page of the caseload, for each order and first row (as many as there are pages): building
# and compiling this query (the scope, two subqueries, the plan) cost more than running it.
_PAGES: dict[tuple[str, int], CompiledQuery] = {}


def _page_query(sort: str, start: int) -> CompiledQuery:
    compiled = _PAGES.get((sort, start))
    if compiled is None:
        compiled = _PAGES[(sort, start)] = CompiledQuery(
            lambda ids: _caseload_queryset(stand_in(Role.COUNSELOR, ids), sort)[
                start : start + PAGE_SIZE
            ]
        )
    return compiled


def _count_query(ids: list[int]) -> QuerySet:
    """How many clients clients_visible_to holds, as Paginator's count() would count them."""
    scope = clients_visible_to(stand_in(Role.COUNSELOR, ids)).order_by()
    return scope.annotate(n=Window(Count("pk"))).values("n")[:1]


_COUNT = CompiledQuery(_count_query)


def _compiled_rows(counselor: User, sort: str) -> PagedRows:
    """What Paginator reads of a caseload with no search: its count and pages, from queries
    compiled once (the last page is shorter: the same query, cut where Paginator cuts it)."""
    ids = [counselor.pk, staff_organization(counselor).pk]
    return PagedRows(
        lambda: counted(_COUNT.rows(ids)),
        lambda start, stop: _page_query(sort, start).objects(ids)[: stop - start],
        PAGE_SIZE,
    )


@role_required(Role.COUNSELOR)
@require_GET
def caseload(request: AuthenticatedRequest) -> HttpResponse:
    query, query_error = search_words(request.GET.get("q", ""))
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    if query:
        clients = _caseload_queryset(request.user, sort).filter(
            Q(username__icontains=query) | Q(preferred_name__icontains=query)
        )
        page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        rows = _compiled_rows(request.user, sort)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
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
