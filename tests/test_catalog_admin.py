"""Curating the catalog in the Django admin: as a catalog curator, and refused for everyone else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from harmplan.demo import ensure_curators_group
from plans.goals.services import goal_strategy_add
from strategies.models import FocusArea, Strategy
from tests.catalog_factories import make_strategy
from tests.factories import make_user
from tests.plan_factories import add_plans, make_goal
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:strategies_strategy_changelist")
ADD = reverse("admin:strategies_strategy_add")


@pytest.fixture
def curator(people):
    user = make_user("catalog-curator", is_staff=True)
    user.groups.add(ensure_curators_group())
    return user


def change_url(strategy: Strategy) -> str:
    return reverse("admin:strategies_strategy_change", args=[strategy.pk])


def preview_url(strategy: Strategy) -> str:
    return reverse("admin:strategies_strategy_preview", args=[strategy.pk])


def form_data(strategy: Strategy | None = None, sources=(), **fields) -> dict:
    """POST data for the strategy change form, with its two inline formsets."""
    data = {
        "title": "Carry naloxone",
        "slug": "carry-naloxone",
        "status": "published",
        "summary": "Naloxone can bring back breathing during an opioid overdose.",
        "how_to": "Get a kit.\nKeep it with you.",
        "category": "overdose-prevention",
        "focus_areas": [str(FocusArea.objects.get(slug="opioids").pk)],
        "approaches": ["safer-use"],
        "target_kind": "practice",
        "last_reviewed": "2026-11-01",
    }
    existing = list(strategy.sources.all()) if strategy else []
    versions = strategy.versions.count() if strategy else 0
    if strategy:
        data.update(
            title=strategy.title,
            slug=strategy.slug,
            status=strategy.status,
            summary=strategy.summary,
            how_to=strategy.how_to,
            category=strategy.category,
            focus_areas=[str(area.pk) for area in strategy.focus_areas.all()],
            approaches=strategy.approaches,
            target_kind=strategy.target_kind,
        )
    data.update(fields)
    data.update(
        {
            "sources-TOTAL_FORMS": str(len(existing) + len(sources)),
            "sources-INITIAL_FORMS": str(len(existing)),
            "sources-MIN_NUM_FORMS": "0",
            "sources-MAX_NUM_FORMS": "1000",
            "versions-TOTAL_FORMS": str(versions),
            "versions-INITIAL_FORMS": str(versions),
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "0",
        }
    )
    for index, source in enumerate(existing):
        data.update(
            {
                f"sources-{index}-id": str(source.pk),
                f"sources-{index}-strategy": str(strategy.pk),
                f"sources-{index}-title": source.title,
                f"sources-{index}-publisher": source.publisher,
                f"sources-{index}-url": source.url,
                f"sources-{index}-position": str(source.position),
            }
        )
    for offset, (title, publisher, url) in enumerate(sources):
        index = len(existing) + offset
        data.update(
            {
                f"sources-{index}-title": title,
                f"sources-{index}-publisher": publisher,
                f"sources-{index}-url": url,
                f"sources-{index}-position": str(index),
            }
        )
    return data


CDC = ("Lifesaving Naloxone", "CDC", "https://www.cdc.gov/stop-overdose/caring/naloxone.html")


def test_curator_adds_a_published_strategy_and_it_gets_version_one(client, curator):
    sign_in(client, curator)
    response = client.post(ADD, form_data(sources=[CDC]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    strategy = Strategy.objects.get(slug="carry-naloxone")
    assert strategy.status == Strategy.Status.PUBLISHED
    assert strategy.approaches == ["safer-use"]
    assert strategy.steps == ["Get a kit.", "Keep it with you."]
    assert strategy.updated_by == curator
    assert strategy.version == 1
    assert strategy.versions.get().created_by == curator


def test_publishing_without_summary_approach_or_source_shows_clear_errors(client, curator):
    sign_in(client, curator)
    response = client.post(ADD, form_data(summary="", approaches=[]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "A summary is needed to publish." in content
    assert "At least one approach is needed to publish." in content
    assert (
        "At least one source with a web address that starts with https:// is needed to publish."
        in content
    )
    assert not Strategy.objects.exists()

    # The same strategy saved as a draft is fine.
    response = client.post(ADD, form_data(summary="", approaches=[], status="draft"))
    assert response.status_code == 302
    assert Strategy.objects.get().version == 0


def test_a_source_must_use_https(client, curator):
    sign_in(client, curator)
    response = client.post(
        ADD, form_data(sources=[("Naloxone", "CDC", "http://www.cdc.gov/naloxone")])
    )
    assert response.status_code == 200
    assert "Enter a full web address that starts with https://" in response.content.decode()
    assert not Strategy.objects.exists()


def test_editing_a_published_strategy_keeps_a_version_and_shows_history(client, curator):
    strategy = make_strategy()
    sign_in(client, curator)
    response = client.post(
        change_url(strategy), form_data(strategy, summary="Naloxone reverses opioid overdoses.")
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.version == 2
    assert strategy.updated_by == curator

    # Saving again without a change keeps no new version.
    client.post(change_url(strategy), form_data(strategy))
    strategy.refresh_from_db()
    assert strategy.version == 2

    page = client.get(change_url(strategy)).content.decode()
    assert "Version history" in page
    assert "First published version" in page
    assert "summary" in page
    assert "Preview as clients see it" in page


def test_bulk_publish_publishes_what_it_can_and_says_why_not(client, curator):
    ready = make_strategy("ready", status=Strategy.Status.DRAFT)
    not_ready = make_strategy(
        "not-ready", title="Not ready", status=Strategy.Status.DRAFT, summary="", sources=()
    )
    sign_in(client, curator)
    response = client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [ready.pk, not_ready.pk]},
    )
    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert "Published 1 strategy." in messages
    assert (
        "“Not ready” was not published. A summary is needed to publish. At least one source "
        "with a web address that starts with https:// is needed to publish."
    ) in messages
    ready.refresh_from_db()
    not_ready.refresh_from_db()
    assert (ready.status, ready.version) == ("published", 1)
    assert (not_ready.status, not_ready.version) == ("draft", 0)


def test_bulk_retire_keeps_history(client, curator):
    strategies = [make_strategy("one"), make_strategy("two")]
    sign_in(client, curator)
    response = client.post(
        CHANGELIST,
        {"action": "retire_selected", "_selected_action": [s.pk for s in strategies]},
        follow=True,
    )
    assert "Retired 2 strategies. Goals that use them keep them" in response.content.decode()
    for strategy in strategies:
        strategy.refresh_from_db()
        assert strategy.status == Strategy.Status.RETIRED
        assert strategy.version == 2


def test_changelist_filters_search_and_goal_counts(client, curator):
    make_strategy("carry-naloxone", title="Carry naloxone")
    make_strategy(
        "drinking-diary",
        title="Keep a drinking diary",
        approaches=["managed-use"],
        category="managed-use",
        focus_areas=["alcohol"],
        status=Strategy.Status.DRAFT,
    )
    sign_in(client, curator)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    content = page.content.decode()
    assert "goals using it" in content.lower()
    for filter_title in ("By status", "By category", "By focus areas", "By approach"):
        assert filter_title in content

    def titles(query):
        response = client.get(CHANGELIST, query)
        return [strategy.title for strategy in response.context["cl"].result_list]

    assert titles({"approach": "managed-use"}) == ["Keep a drinking diary"]
    assert titles({"status__exact": "published"}) == ["Carry naloxone"]
    assert titles({"focus_areas__id__exact": FocusArea.objects.get(slug="alcohol").pk}) == [
        "Keep a drinking diary"
    ]
    assert titles({"category__exact": "overdose-prevention"}) == ["Carry naloxone"]
    assert titles({"q": "diary"}) == ["Keep a drinking diary"]


def test_preview_shows_a_draft_exactly_as_clients_will_see_it(client, curator, people):
    draft = make_strategy("carry-naloxone", title="Carry naloxone", status="draft")
    sign_in(client, curator)
    preview = client.get(preview_url(draft))
    assert preview.status_code == 200
    assert [t.name for t in preview.templates][0] == "strategies/strategy_detail.html"
    content = preview.content.decode()
    assert "Preview." in content
    assert "Carry naloxone" in content
    assert "Get a kit from a pharmacy." in content

    # Clients cannot open the draft itself.
    sign_in(client, people.client_a)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_curator_can_add_a_focus_area(client, curator):
    sign_in(client, curator)
    response = client.post(
        reverse("admin:strategies_focusarea_add"),
        {"name": "Kratom", "slug": "kratom", "position": "90"},
    )
    assert response.status_code == 302
    assert FocusArea.objects.filter(slug="kratom").exists()


def test_staff_who_are_not_curators_are_refused(client, people):
    strategy = make_strategy(status=Strategy.Status.DRAFT)
    plain_staff = make_user("plain-staff", is_staff=True)
    sign_in(client, plain_staff)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(ADD).status_code == 403
    assert client.get(preview_url(strategy)).status_code == 403
    response = client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [strategy.pk]}
    )
    assert response.status_code == 403
    strategy.refresh_from_db()
    assert strategy.status == Strategy.Status.DRAFT


def test_view_only_staff_can_look_but_not_publish_or_retire(client, people):
    strategy = make_strategy(status=Strategy.Status.DRAFT)
    viewer = make_user("catalog-viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_strategy"))
    sign_in(client, viewer)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "publish_selected" not in page.content.decode()
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [strategy.pk]})
    client.post(CHANGELIST, {"action": "retire_selected", "_selected_action": [strategy.pk]})
    strategy.refresh_from_db()
    assert strategy.status == Strategy.Status.DRAFT
    assert client.get(preview_url(strategy)).status_code == 200


def test_people_without_staff_access_never_reach_the_catalog_admin(client, people):
    strategy = make_strategy()
    for person in (people.client_a, people.counselor, people.org_admin):
        sign_in(client, person)
        for url in (CHANGELIST, preview_url(strategy)):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))


def test_goal_counts_come_from_the_plans_that_use_a_strategy(client, curator, people):
    add_plans(people)  # one goal of client A uses people.strategy
    plan_b_goal = make_goal(people.plan_b)
    goal_strategy_add(
        goal=plan_b_goal,
        expected_version=plan_b_goal.version,
        strategy=people.strategy,
        note="",
        author=people.client_b,
    )
    unused = make_strategy("unused")
    sign_in(client, curator)
    response = client.get(CHANGELIST)
    counts = {s.slug: s.goals_using() for s in response.context["cl"].result_list}
    assert counts == {"drink-water": 2, "unused": 0}
    assert unused.goals_using() == 0
    assert people.strategy.goals_using() == 2

    # Retiring a strategy that goals use keeps the goals and their links.
    client.post(CHANGELIST, {"action": "retire_selected", "_selected_action": [people.strategy.pk]})
    people.strategy.refresh_from_db()
    assert people.strategy.status_note == "No longer recommended"
    assert people.goal_a.strategy_links.get().strategy == people.strategy
