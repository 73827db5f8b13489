"""Strategy catalog rules: validation, publishing, versions, and the queries pages rely on."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from strategies import services
from strategies.models import (
    DEFAULT_FOCUS_AREAS,
    Approach,
    Category,
    FocusArea,
    Resource,
    Source,
    Strategy,
)
from tests.catalog_factories import make_strategy

pytestmark = pytest.mark.django_db


def test_default_focus_areas_exist_and_curators_can_add_more():
    assert list(FocusArea.objects.values_list("slug", flat=True)) == [
        slug for slug, _ in DEFAULT_FOCUS_AREAS
    ]
    FocusArea.objects.create(slug="kratom", name="Kratom")
    assert FocusArea.objects.ensure_defaults() == []
    assert FocusArea.objects.count() == len(DEFAULT_FOCUS_AREAS) + 1


def test_publish_rules_name_every_missing_piece():
    problems = services.publish_problems(summary="  ", approaches=[], source_urls=[])
    assert problems == {
        "summary": "A summary is needed to publish.",
        "approaches": "At least one approach is needed to publish.",
        "sources": (
            "At least one source with a web address that starts with https:// is needed to publish."
        ),
    }
    # A plain http source does not count.
    assert "sources" in services.publish_problems(
        summary="Text", approaches=["safer-use"], source_urls=["http://www.cdc.gov/"]
    )
    assert (
        services.publish_problems(
            summary="Text", approaches=["safer-use"], source_urls=["https://www.cdc.gov/"]
        )
        == {}
    )


def test_source_address_must_be_https():
    strategy = make_strategy(status=Strategy.Status.DRAFT)
    source = Source(strategy=strategy, title="Page", publisher="CDC", url="http://www.cdc.gov/")
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert error.value.message_dict["url"] == ["Enter a full web address that starts with https://"]
    source.url = "https://www.cdc.gov/"
    source.full_clean()


def test_summary_is_at_most_280_characters():
    strategy = make_strategy(status=Strategy.Status.DRAFT)
    strategy.summary = "x" * 281
    with pytest.raises(ValidationError) as error:
        strategy.full_clean()
    assert "summary" in error.value.message_dict
    strategy.summary = "x" * 280
    strategy.full_clean()


def test_publishing_refuses_an_incomplete_strategy_and_says_why():
    incomplete = make_strategy(
        "incomplete", status=Strategy.Status.DRAFT, summary="", approaches=(), sources=()
    )
    complete = make_strategy("complete", status=Strategy.Status.DRAFT)

    result = services.strategies_publish(strategies=[incomplete, complete])

    assert result.published == [complete]
    assert result.refused == {
        incomplete: [services.NEEDS_SUMMARY, services.NEEDS_APPROACH, services.NEEDS_SOURCE]
    }
    incomplete.refresh_from_db()
    complete.refresh_from_db()
    assert incomplete.status == Strategy.Status.DRAFT
    assert incomplete.version == 0
    assert complete.status == Strategy.Status.PUBLISHED
    assert complete.version == 1


def test_every_change_to_a_published_strategy_is_kept_as_a_version():
    strategy = make_strategy(status=Strategy.Status.DRAFT)
    # Drafts have no history: nobody has seen them.
    strategy.summary = "A better summary."
    strategy.save()
    assert services.strategy_version_record(strategy=strategy) is None
    assert strategy.version == 0

    services.strategies_publish(strategies=[strategy])
    assert strategy.version == 1
    first = strategy.versions.get()
    assert first.snapshot["summary"] == "A better summary."
    assert first.snapshot["status"] == "published"

    # Saving without a change keeps no new version.
    assert services.strategy_version_record(strategy=strategy) is None

    strategy.summary = "Changed again."
    strategy.save()
    second = services.strategy_version_record(strategy=strategy)
    assert (second.number, strategy.version) == (2, 2)
    assert second.snapshot["summary"] == "Changed again."

    # A changed source is a change too.
    strategy.sources.update(title="Renamed page")
    strategy._prefetched_objects_cache = {}
    assert services.strategy_version_record(strategy=strategy).number == 3

    # Retiring is kept; edits while retired are not; publishing again is.
    services.strategies_retire(strategies=[strategy])
    assert strategy.version == 4
    assert strategy.versions.get(number=4).snapshot["status"] == "retired"
    strategy.title = "Edited while retired"
    strategy.save()
    assert services.strategy_version_record(strategy=strategy) is None
    services.strategies_publish(strategies=[strategy])
    assert strategy.version == 5
    assert list(strategy.versions.values_list("number", flat=True)) == [5, 4, 3, 2, 1]


def test_retired_strategies_are_marked_no_longer_recommended():
    strategy = make_strategy()
    assert strategy.is_recommended and strategy.status_note == ""
    services.strategies_retire(strategies=[strategy])
    strategy.refresh_from_db()
    assert not strategy.is_recommended
    assert strategy.status_note == "No longer recommended"
    assert strategy.goals_using() == 0  # goals are counted once the plans app links them


def test_approaches_are_a_list_of_choices():
    strategy = make_strategy(approaches=["safer-use", "abstinence"])
    strategy.refresh_from_db()
    assert strategy.approaches == [Approach.ABSTINENCE, Approach.SAFER_USE]
    assert strategy.get_approaches_display() == ["Abstinence", "Safer use"]
    with pytest.raises(ValueError):
        strategy.approaches = ["not-an-approach"]


def test_queryset_filters():
    diary = make_strategy(
        "drinking-diary",
        title="Keep a drinking diary",
        summary="Write down each drink.",
        approaches=["managed-use", "abstinence"],
        category=Category.MANAGED_USE,
        focus_areas=["alcohol"],
    )
    naloxone = make_strategy("carry-naloxone", title="Carry naloxone")
    draft = make_strategy("draft", status=Strategy.Status.DRAFT)
    retired = make_strategy("retired", status=Strategy.Status.RETIRED)

    assert set(Strategy.objects.published()) == {diary, naloxone}
    assert set(Strategy.objects.visible()) == {diary, naloxone, retired}
    assert draft not in Strategy.objects.visible()
    assert list(Strategy.objects.fitting("managed-use")) == [diary]
    assert list(Strategy.objects.fitting(Approach.SAFER_USE).published()) == [naloxone]
    assert list(Strategy.objects.in_focus_area("alcohol")) == [diary]
    # Every word must match somewhere, in any case; steps count too.
    assert list(Strategy.objects.search("DRINK each")) == [diary]
    assert list(Strategy.objects.search("pharmacy naloxone").published()) == [naloxone]
    assert list(Strategy.objects.search("diary naloxone")) == []


def test_where_to_get_it_uses_the_kind_of_service():
    assert make_strategy("naloxone-kit").resource_kinds == [Resource.Kind.NALOXONE]
    assert make_strategy("moud").resource_kinds == [Resource.Kind.MOUD_CLINIC]
    assert make_strategy("drinking-diary", category=Category.MANAGED_USE).resource_kinds == []
    # A strategy a curator adds goes by its category.
    added = make_strategy("new-wound-kit", category=Category.INFECTION_WOUND_CARE)
    assert added.resource_kinds == [Resource.Kind.SYRINGE_SERVICES]


def test_goal_counts_are_annotated_without_joins():
    make_strategy("one")
    make_strategy("two", focus_areas=["alcohol", "opioids"])
    counts = dict(
        Strategy.objects.filter(focus_areas__slug__in=["alcohol", "opioids"])
        .distinct()
        .with_goal_counts()
        .values_list("slug", "goal_count")
    )
    assert counts == {"one": 0, "two": 0}
