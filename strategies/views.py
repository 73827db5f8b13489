"""Browsing the strategy catalog: the filtered list and one strategy's page."""

from __future__ import annotations

from collections import namedtuple
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from harmplan.accounts.models import User
from harmplan.compiled_query import CompiledQuery, PagedRows, counted
from harmplan.fragments import render_cached
from harmplan.http import AuthenticatedRequest

from .forms import CatalogFilterForm
from .models import (
    APPROACH_FIELDS,
    LISTING_COLUMNS,
    Category,
    FocusArea,
    Resource,
    Source,
    Strategy,
    focus_area_names,
    in_language,
)

PAGE_SIZE = 20


def cards_html(rows) -> SafeString:
    """The strategy cards, cached as HTML (harmplan/fragments.py): the catalog is the same for
    everyone, and rendering twenty cards was most of the page. Only what a card shows goes in,
    read from the rows of `Strategy.objects.for_listing()`."""
    rows = list(rows)
    areas = focus_area_names([row.pk for row in rows])
    categories = {value: str(label) for value, label in Category.choices}  # get_..._display
    approaches = {approach: str(approach.label) for approach in APPROACH_FIELDS}
    cards = [
        {
            "url": Strategy.url_for(row.slug),
            "title": in_language(row.title, row.title_es),
            "summary": in_language(row.summary, row.summary_es),
            "category": categories.get(row.category, row.category),
            "approaches": [
                label
                for approach, label in approaches.items()
                if getattr(row, APPROACH_FIELDS[approach])
            ],
            "areas": areas.get(row.pk, []),
        }
        for row in rows
    ]
    return render_cached("strategies/_cards.html", {"cards": cards})


def catalog_reader_required(view):
    """Anyone with a role in an organization, and staff, may browse the catalog."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.role or request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _published_count_query(ids: list[int]) -> QuerySet:
    published = Strategy.objects.published().order_by()
    return published.annotate(n=Window(Count("pk"))).values("n")[:1]


# The whole catalog, unfiltered, is how most people open it: its count and first page are built
# and compiled once (harmplan/compiled_query.py), as building them cost more than answering them.
_PUBLISHED_COUNT = CompiledQuery(_published_count_query)
# One for each language: the cards are in the order of the titles the reader sees.
_FIRST_PAGE = {
    code: CompiledQuery(
        lambda ids, code=code: Strategy.objects.published().for_listing(code)[:PAGE_SIZE]
    )
    for code, _name in settings.LANGUAGES
}
_Row = namedtuple("_Row", LISTING_COLUMNS)  # type: ignore[misc]  # as values_list(named=True)


def _published_page(start: int, stop: int) -> list:
    if start == 0:  # the only page may be the first: cut where Paginator cuts it
        first_page = _FIRST_PAGE[get_language() if get_language() in _FIRST_PAGE else "en"]
        return [_Row(*row) for row in first_page.tuples([])][:stop]
    return list(Strategy.objects.published().for_listing()[start:stop])


def _published_count() -> int:
    return counted(_PUBLISHED_COUNT.rows([]))


def _filter_form(params: QueryDict) -> CatalogFilterForm:
    form = CatalogFilterForm(params)
    if form.is_valid():
        return form
    # A value that no longer exists (an old shared link): drop it rather than show an error.
    valid = params.copy()
    for name in form.errors:
        valid.pop(name, None)
    form = CatalogFilterForm(valid)
    form.is_valid()
    return form


def _query_without_page(form: CatalogFilterForm) -> str:
    query = QueryDict(mutable=True)
    for name in form.fields:
        value = form.data.get(name, "").strip()
        if value:
            query[name] = value
    return query.urlencode()


@catalog_reader_required
@require_GET
@vary_on_headers("HX-Request")
def catalog(request: AuthenticatedRequest) -> HttpResponse:
    form = _filter_form(request.GET)
    strategies = (
        form.filter(Strategy.objects.published()).for_listing()
        if form.is_filtered
        else PagedRows(_published_count, _published_page, PAGE_SIZE)
    )
    page = Paginator(strategies, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    context = {
        "form": form,
        "page": page,
        "cards_html": cards_html(page),
        "query": _query_without_page(form),
    }
    template = "strategies/catalog.html"
    # A history restore (back button with nothing cached) needs the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
        context["partial"] = True
    return render(request, template, context)


def resources_near(strategy: Strategy, user: User) -> list[Resource]:
    organization = user.organization
    if organization is None or not strategy.resource_kinds:
        return []
    return list(
        Resource.objects.for_organization(organization).filter(kind__in=strategy.resource_kinds)
    )


# A strategy's focus areas and sources, as strategy.focus_areas.all() and strategy.sources.all()
# find them, built and compiled once (harmplan/compiled_query.py): building each cost more CPU
# than PostgreSQL takes to answer it.
FOCUS_AREAS = CompiledQuery(lambda ids: FocusArea.objects.filter(strategies=ids[0]))
SOURCES = CompiledQuery(lambda ids: Source.objects.filter(strategy_id=ids[0]))


def strategy_page_context(strategy: Strategy, user: User) -> dict:
    """What a strategy page shows. The admin preview uses the same, so it matches exactly.

    The catalog knows nothing of plans: apps that add to the page (adding the strategy to one of
    your goals) are named in settings.STRATEGY_PAGE_PARTS. Each is called with the strategy and
    the viewer and returns a template and its context, or None to add nothing.
    """
    page_parts: list[str] = []
    context = {
        "strategy": strategy,
        "focus_areas": FOCUS_AREAS.objects([strategy.pk]),
        "sources": SOURCES.objects([strategy.pk]),
        "resources": resources_near(strategy, user),
        "page_parts": page_parts,
    }
    for path in settings.STRATEGY_PAGE_PARTS:
        part = import_string(path)(strategy, user)
        if part is not None:
            template, part_context = part
            context.update(part_context)
            page_parts.append(template)
    return context


@catalog_reader_required
@require_GET
def strategy_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    strategy = get_object_or_404(Strategy.objects.visible(), slug=slug)
    return render(
        request, "strategies/strategy_detail.html", strategy_page_context(strategy, request.user)
    )
