"""Builders for strategy catalog test data."""

from __future__ import annotations

from strategies import services
from strategies.models import Approach, Category, FocusArea, Source, Strategy, TargetKind


def make_strategy(
    slug: str = "carry-naloxone",
    *,
    status: str = Strategy.Status.PUBLISHED,
    title: str | None = None,
    summary: str = "Naloxone can bring back breathing during an opioid overdose.",
    approaches=(Approach.SAFER_USE,),
    category: str = Category.OVERDOSE_PREVENTION,
    focus_areas=("opioids",),
    sources=(("Lifesaving Naloxone", "CDC", "https://www.cdc.gov/stop-overdose/"),),
    how_to: str = "Get a kit from a pharmacy.\nKeep it where others can find it.",
    by=None,
) -> Strategy:
    """A strategy written the way the admin writes one: fields, relations, then its version."""
    strategy = Strategy(
        slug=slug,
        title=title or slug.replace("-", " ").capitalize(),
        summary=summary,
        how_to=how_to,
        category=category,
        target_kind=TargetKind.PRACTICE,
        status=status,
        updated_by=by,
    )
    strategy.approaches = approaches
    strategy.save()
    FocusArea.objects.ensure_defaults()
    strategy.focus_areas.set(FocusArea.objects.filter(slug__in=focus_areas))
    for position, (title_, publisher, url) in enumerate(sources):
        Source.objects.create(
            strategy=strategy, title=title_, publisher=publisher, url=url, position=position
        )
    services.strategy_version_record(strategy=strategy, by=by)
    return strategy
