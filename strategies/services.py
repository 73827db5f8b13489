"""Writes to the strategy catalog. Each function is one transaction and keeps the version history.

A published strategy gets a new StrategyVersion whenever what it says changes, so a goal that uses
it can tell that it changed since the goal was written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from harmplan.accounts.models import User

from .models import (
    FocusArea,
    Resource,
    Source,
    Strategy,
    StrategyVersion,
    https_url_validator,
)

# One message per publish rule. The admin shows them as they are; an import puts the place in the
# file in front of them.
NEEDS_SUMMARY = "A summary is needed to publish."
NEEDS_APPROACH = "At least one approach is needed to publish."
NEEDS_SOURCE = (
    "At least one source with a web address that starts with https:// is needed to publish."
)


def is_https_url(url: str) -> bool:
    try:
        https_url_validator(url)
    except ValidationError:
        return False
    return True


def publish_problems(
    *, summary: str, approaches: Iterable[str], source_urls: Iterable[str] | None
) -> dict[str, str]:
    """What stops a strategy from being published, by field. Empty when it may be published.

    `source_urls=None` leaves the sources rule out (the admin checks it with the sources).
    """
    problems: dict[str, str] = {}
    if not (summary or "").strip():
        problems["summary"] = NEEDS_SUMMARY
    if not list(approaches):
        problems["approaches"] = NEEDS_APPROACH
    if source_urls is not None and not any(is_https_url(url) for url in source_urls):
        problems["sources"] = NEEDS_SOURCE
    return problems


def strategy_publish_problems(strategy: Strategy) -> dict[str, str]:
    return publish_problems(
        summary=strategy.summary,
        approaches=strategy.approaches,
        source_urls=[source.url for source in strategy.sources.all()],
    )


def strategy_entry(strategy: Strategy) -> dict:
    """The strategy in the catalog file format, with its status. Also the version snapshot."""
    return {
        "slug": strategy.slug,
        "title": strategy.title,
        "summary": strategy.summary,
        "how_to": strategy.steps,
        "category": strategy.category,
        "focus_areas": sorted(area.slug for area in strategy.focus_areas.all()),
        "approaches": strategy.approaches,
        "target_kind": strategy.target_kind,
        "sources": [
            {"title": source.title, "publisher": source.publisher, "url": source.url}
            for source in strategy.sources.all()
        ],
        "last_reviewed": strategy.last_reviewed.isoformat() if strategy.last_reviewed else None,
        "status": strategy.status,
        **_spanish_entry(strategy),
    }


def _spanish_entry(strategy: Strategy) -> dict:
    # Left out when nothing is written in Spanish, so entries (and their hashes) from before
    # the catalog had Spanish stay the same.
    spanish = {
        "title": strategy.title_es,
        "summary": strategy.summary_es,
        "how_to": strategy.steps_es,
    }
    spanish = {key: text for key, text in spanish.items() if text}
    return {"es": spanish} if spanish else {}


@transaction.atomic
def strategy_version_record(*, strategy: Strategy, by: User | None = None):
    """Keep a version if a published strategy changed (or a published one was retired).

    Returns the new StrategyVersion, or None when there was nothing to keep.
    """
    # Lock the row so that two saves at once cannot take the same version number.
    Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
    latest = strategy.versions.order_by("-number").first()
    was_published = (
        latest is not None and latest.snapshot.get("status") == Strategy.Status.PUBLISHED
    )
    if strategy.status != Strategy.Status.PUBLISHED and not was_published:
        return None
    snapshot = strategy_entry(strategy)
    if latest is not None and latest.snapshot == snapshot:
        return None
    number = (latest.number if latest else 0) + 1
    version = StrategyVersion.objects.create(
        strategy=strategy, number=number, snapshot=snapshot, created_by=by
    )
    Strategy.objects.filter(pk=strategy.pk).update(version=number)
    strategy.version = number
    return version


@transaction.atomic
def strategy_write(
    *,
    strategy: Strategy,
    entry: dict,
    focus_areas: dict[str, FocusArea],
    by: User | None = None,
) -> Strategy:
    """Make `strategy` say what a checked catalog file entry says, sources and all."""
    strategy.slug = entry["slug"]
    strategy.title = entry["title"]
    strategy.summary = entry["summary"]
    strategy.how_to = "\n".join(entry["how_to"])
    spanish = entry.get("es", {})
    strategy.title_es = spanish.get("title", "")
    strategy.summary_es = spanish.get("summary", "")
    strategy.how_to_es = "\n".join(spanish.get("how_to", []))
    strategy.category = entry["category"]
    strategy.approaches = entry["approaches"]
    strategy.target_kind = entry["target_kind"]
    strategy.status = entry["status"]
    strategy.last_reviewed = entry["last_reviewed"]
    strategy.updated_by = by
    strategy.save()
    strategy.focus_areas.set([focus_areas[slug] for slug in entry["focus_areas"]])
    strategy.sources.all().delete()
    Source.objects.bulk_create(
        Source(strategy=strategy, position=position, **source)
        for position, source in enumerate(entry["sources"])
    )
    # Drop any prefetched relations so the snapshot reads what was just written.
    # Django's own cache attribute, which the stubs do not declare.
    strategy._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    strategy_version_record(strategy=strategy, by=by)
    return strategy


@dataclass
class PublishResult:
    published: list[Strategy] = field(default_factory=list)
    already_published: list[Strategy] = field(default_factory=list)
    refused: dict[Strategy, list[str]] = field(default_factory=dict)


@transaction.atomic
def strategies_publish(*, strategies: Iterable[Strategy], by: User | None = None) -> PublishResult:
    """Publish each strategy that meets the publish rules; say why for the others."""
    result = PublishResult()
    for strategy in strategies:
        if strategy.status == Strategy.Status.PUBLISHED:
            result.already_published.append(strategy)
            continue
        problems = strategy_publish_problems(strategy)
        if problems:
            result.refused[strategy] = list(problems.values())
            continue
        strategy.status = Strategy.Status.PUBLISHED
        strategy.updated_by = by
        strategy.save(update_fields=["status", "updated_by", "updated_at"])
        strategy_version_record(strategy=strategy, by=by)
        result.published.append(strategy)
    return result


@transaction.atomic
def strategies_retire(*, strategies: Iterable[Strategy], by: User | None = None) -> list[Strategy]:
    """Retire strategies. Goals that use them keep them and show "no longer recommended"."""
    retired = []
    for strategy in strategies:
        if strategy.status == Strategy.Status.RETIRED:
            continue
        strategy.status = Strategy.Status.RETIRED
        strategy.updated_by = by
        strategy.save(update_fields=["status", "updated_by", "updated_at"])
        strategy_version_record(strategy=strategy, by=by)
        retired.append(strategy)
    return retired


# Local resources: each organization's own, edited by its org admins only -------------------------

RESOURCE_FIELDS = ["name", "kind", "phone", "address", "hours", "url", "notes"]


@transaction.atomic
def resource_save(*, editor: User, data: dict, resource: Resource | None = None) -> Resource:
    """Add or change one of the editor's organization's resources (shown on its help page)."""
    organization = editor.organization
    if not editor.is_org_admin or organization is None:
        raise PermissionError("Only organization admins edit their local resources.")
    if resource is None:
        resource = Resource(organization=organization)
    elif resource.organization_id != organization.pk:
        raise PermissionError("That resource belongs to another organization.")
    for name in RESOURCE_FIELDS:
        if name in data:
            setattr(resource, name, data[name])
    resource.save()
    return resource


@transaction.atomic
def resource_remove(*, editor: User, resource: Resource) -> None:
    organization = editor.organization
    if (
        not editor.is_org_admin
        or organization is None
        or resource.organization_id != organization.pk
    ):
        raise PermissionError("That resource belongs to another organization.")
    resource.delete()
