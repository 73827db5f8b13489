"""The plan page's, the desk's and the check-in page's compiled queries (harmplan/compiled_query.py)
answer exactly what the ORM answers, on PostgreSQL, for records with no rows, one and many: plans
with 0, 1 and 20 goals, no review and several, few changes and more than a page shows."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from harmplan.accounts.models import Role
from harmplan.compiled_query import CompiledQuery
from plans.checkins import views as checkin_views
from plans.goals import desk, selectors, services
from plans.models import (
    AccountClosure,
    CheckIn,
    CheckInEntry,
    GoalStrategy,
    Lifecycle,
    PrivacyChoice,
    RecordsPolicy,
    Revision,
    ServiceKind,
    Step,
    TrustedContact,
)
from plans.progress import views as progress_views
from plans.records import closing, privacy
from plans.reports import wording
from tests.factories import make_people, make_user
from tests.plan_factories import add_checkins, add_plans, make_goal
from tests.report_factories import give

TODAY = timezone.localdate()


def fields(obj, depth: int = 2) -> tuple:
    """Everything the ORM put on `obj`: its loaded fields, which fields were left for later,
    and the related objects select_related() made, alike (to `depth`: a step's goal points back
    to the goal)."""
    if depth == 0:
        return type(obj), obj.pk
    deferred = obj.get_deferred_fields()
    values = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in deferred
    }
    related = {
        name: None if rel is None else fields(rel, depth - 1)
        for name, rel in obj._state.fields_cache.items()
    }
    return type(obj), values, sorted(deferred), related


def assert_same_objects(query: CompiledQuery, ids: list[int], **values) -> list:
    found = query.objects(ids, **values)
    expected = list(query._build(list(ids), **values))
    assert [fields(o) for o in found] == [fields(o) for o in expected]
    return found


@pytest.fixture
def shapes(db):
    """Plan B has nothing; plan A has one of each; the other client's plan has many of each."""
    people = make_people()
    add_plans(people)
    many = people.other_plan
    people.many_goals = []
    for n in range(20):
        goal = make_goal(many, steps=n % 2 == 0, statement=f"Goal {n}")
        if n % 3 == 0:
            services.goal_strategy_add(
                goal=goal,
                expected_version=goal.version,
                strategy=people.strategy,
                note=f"note {n}",
                author=people.other_client,
            )
        people.many_goals.append(goal)
    # Completed and cancelled goals are not current, but one has an entry on a day checked in.
    done, cancelled = people.many_goals[1], people.many_goals[2]
    type(done).objects.filter(pk=done.pk).update(lifecycle=Lifecycle.COMPLETED)
    type(done).objects.filter(pk=cancelled.pk).update(lifecycle=Lifecycle.CANCELLED)
    for n, goal in enumerate(people.many_goals[:6]):
        add_checkins(goal, {TODAY - timedelta(days=d): (d + n) % 4 for d in range(0, 12, 1 + n)})
    add_checkins(people.goal_a, {TODAY - timedelta(days=d): d % 3 for d in range(1, 4)})

    services.review_record(
        plan=people.plan_a,
        counselor=people.counselor,
        held_on=TODAY - timedelta(days=3),
        went_well="Went well",
        next_review_on=None,
    )
    for n in range(4):
        services.review_record(
            plan=many,
            counselor=people.other_counselor,
            held_on=TODAY - timedelta(days=10 - n),
            was_hard=f"Hard {n}",
            next_review_on=TODAY + timedelta(days=n),
        )
    # The care team's changes, spread over 40 days: more than the desk shows.
    now = timezone.now()
    for n in range(40):
        revision = Revision.objects.create(
            plan=many,
            author=people.other_counselor,
            author_role="counselor",
            summary=f"Change {n}",
            # Every third kept as a kind and its values, read in the reader's language.
            summary_kind="goal_changed" if n % 3 == 0 else "",
            summary_values={"goal": f"Goal {n}"} if n % 3 == 0 else {},
            changes=[{"field": "why", "label": "Why", "old": f"o{n}", "new": f"n{n}"}],
            content_version=n,
            goal=people.many_goals[n % 20] if n % 2 else None,
        )
        Revision.objects.filter(pk=revision.pk).update(at=now - timedelta(days=n, hours=n))

    give(people.plan_a, people.counselor, ServiceKind.NALOXONE, count=2)
    for n in range(15):
        give(many, people.other_counselor, ServiceKind.FENTANYL_STRIPS, on=TODAY - timedelta(n))

    AccountClosure.objects.create(client=people.client_a, delete_after=now + timedelta(days=30))
    AccountClosure.objects.create(
        client=people.other_client, delete_after=now, cancelled_at=now - timedelta(days=1)
    )
    AccountClosure.objects.create(client=people.other_client, delete_after=now + timedelta(days=9))

    TrustedContact.objects.create(plan=people.plan_a, name="Sam", phone="555-0100")
    for n in range(3):
        TrustedContact.objects.create(plan=many, name=f"P{n}", phone=f"555-010{n}", position=2 - n)

    people.plans = [people.plan_b, people.plan_a, many]
    people.clients = [people.client_b, people.client_a, people.other_client]
    return people


def test_current_goals_queries_match_the_orm(shapes):
    for plan in shapes.plans:
        goals = assert_same_objects(selectors._CURRENT_GOALS, [plan.pk])
        assert len(goals) == {0: 0, 1: 1, 2: 18}[shapes.plans.index(plan)]
    for ids in ([shapes.goal_a.pk], [g.pk for g in shapes.many_goals], [shapes.many_goals[1].pk]):
        assert_same_objects(selectors._STEPS, ids)
        assert_same_objects(selectors._STRATEGY_LINKS, ids)


def orm_current_goals(plan, today):
    """current_goals as it was written with prefetch_related."""
    goals = list(
        plan.goals.current()
        .select_related("focus_area")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("starts_on", "pk")),
            Prefetch(
                "strategy_links",
                queryset=GoalStrategy.objects.select_related("strategy").order_by("added_at"),
            ),
        )
    )
    for goal in goals:
        steps = list(goal.steps.all())
        goal.current_step = next((s for s in reversed(steps) if s.starts_on <= today), None)
        goal.next_step = next((s for s in steps if s.starts_on > today), None)
    return goals


def goal_page_data(goals) -> list:
    return [
        (
            fields(goal)[1],
            goal.plan.pk,
            goal.focus_area.name,
            goal.current_step and fields(goal.current_step),
            goal.next_step and fields(goal.next_step),
            [(fields(step), step.goal is goal) for step in goal.steps.all()],
            [
                (fields(link)[1], link.strategy.title, link.goal is goal)
                for link in goal.strategy_links.all()
            ],
        )
        for goal in goals
    ]


@pytest.mark.parametrize("later", [0, 5, 60])
def test_current_goals_are_what_prefetch_related_gave(shapes, later):
    today = TODAY + timedelta(days=later)
    for plan in shapes.plans:
        expected = goal_page_data(orm_current_goals(plan, today))
        with CaptureQueriesContext(connection) as queries:
            goals = selectors.current_goals(plan, today)
            found = goal_page_data(goals)  # steps, strategies and the plan cost no query
        assert found == expected
        assert len(queries) == (3 if goals else 1)


def assert_same_changes(query: CompiledQuery, plan, **values) -> list:
    """The desk's changes, read as columns (desk._change), say what the ORM's revisions say."""
    found = [desk._change(row) for row in query.rows([plan.pk], **values)]
    revisions = Revision.objects.filter(plan=plan).exclude(summary__in=desk.NOT_CHANGES)
    if "since" in values:
        revisions = revisions.filter(at__gt=values["since"])
    expected = [
        {
            "goal_id": revision.goal_id,
            "author": {"display_name": revision.author.display_name},
            "at": revision.at,
            "text": revision.text,
            "changes": revision.changes,
        }
        for revision in revisions.select_related("author")[: desk.CHANGES_SHOWN]
    ]
    assert found == expected
    return found


def test_latest_review_changes_and_contacts_match_the_orm(shapes):
    since_cases = [timezone.now() - timedelta(days=d) for d in (0, 1, 5, 20, 100)] + [
        timezone.now() + timedelta(days=1)
    ]
    for plan in shapes.plans:
        assert_same_objects(selectors._LATEST_REVIEW, [plan.pk])
        assert_same_objects(selectors._TRUSTED_CONTACTS, [plan.pk])
        assert_same_changes(desk._CHANGES, plan)
        for since in since_cases:
            assert_same_objects(selectors._COUNSELOR_CHANGES, [plan.pk], since=since)
            assert_same_changes(desk._CHANGES_SINCE, plan, since=since)
    many = shapes.other_plan
    assert len(assert_same_changes(desk._CHANGES, many)) == desk.CHANGES_SHOWN
    assert len(selectors._COUNSELOR_CHANGES.objects([many.pk], since=since_cases[3])) == 5
    found = assert_same_changes(desk._CHANGES_SINCE, many, since=since_cases[4])
    assert len(found) == desk.CHANGES_SHOWN
    assert found[0]["text"] == "Changed the goal “Goal 0”"
    assert found[0]["changes"] == [{"field": "why", "label": "Why", "old": "o0", "new": "n0"}]
    with translation.override("es"):
        found = assert_same_changes(desk._CHANGES, many)
    assert found[0]["text"] == "Cambió la meta «Goal 0»"


def test_the_pages_helpers_give_what_the_orm_gave(shapes):
    for plan in shapes.plans:
        review = plan.reviews.select_related("counselor").first()
        found = selectors.latest_review(plan)
        assert (found and fields(found)) == (review and fields(review))
        assert found is None or found.plan is plan
        contacts = list(plan.trusted_contacts.all())
        selectors.with_trusted_contacts(plan)
        with CaptureQueriesContext(connection) as queries:
            assert [fields(c) for c in plan.trusted_contacts.all()] == [fields(c) for c in contacts]
        assert not queries


def test_services_given_match_the_orm(shapes):
    for client in shapes.clients:
        found = assert_same_objects(desk._SERVICES, [client.pk])
        assert len(found) <= desk.SERVICES_SHOWN
        found = assert_same_objects(wording._CLIENT_SERVICES, [client.pk])
        assert len(found) <= wording.CLIENT_SHOWN
        assert [s.words for s in wording.services_for_client(client)] == [
            wording.for_client(s) for s in found
        ]


def test_closing_day_matches_the_orm(shapes):
    for client in [*shapes.clients, shapes.counselor]:
        assert closing._CLOSING.rows([client.pk]) == list(closing._CLOSING._build([client.pk]))
        when = closing.closing_dates([client.pk]).get(client.pk)
        day = closing.closing_day(client, shapes.counselor)
        assert day == (when and when.astimezone(closing.timezones.program_zone()).date())
    assert closing.closing_day(shapes.client_b, shapes.counselor) is None
    assert closing.closing_day(shapes.other_client, shapes.counselor) is not None


def test_check_in_page_queries_match_the_orm(shapes):
    pairs = [(plan, plan.client_id) for plan in shapes.plans]
    days = [TODAY - timedelta(days=d) for d in (0, 1, 3, 30)]
    for plan, client_id in pairs:
        for day in days:
            assert_same_objects(checkin_views._GOALS_FOR_DAY, [plan.pk, client_id], day=day)
            assert_same_objects(checkin_views._CHECKIN, [client_id], day=day)
    checkins = list(CheckIn.objects.values_list("pk", flat=True))
    assert len(checkins) > 1
    for ids in ([checkins[0]], [checkins[-1]], [-5]):
        assert_same_objects(checkin_views._ENTRIES, ids)
    # A goal no longer active still shows on a day it has an entry.
    goals = checkin_views._goals_for_day(shapes.other_plan, TODAY)
    assert shapes.many_goals[1].pk in {g.pk for g in goals}


def test_the_days_check_in_and_goals_are_what_prefetch_related_gave(shapes):
    days = [TODAY - timedelta(days=d) for d in (0, 1, 3, 30)]
    for plan in shapes.plans:
        client = plan.client
        for day in days:
            expected = (
                CheckIn.objects.for_client(client)
                .filter(day=day)
                .prefetch_related(
                    Prefetch("entries", queryset=CheckInEntry.objects.select_related("goal"))
                )
                .first()
            )
            goals = list(
                plan.goals.filter(pk__in=[g.pk for g in checkin_views._goals_for_day(plan, day)])
                .select_related("focus_area")
                .prefetch_related("steps")
                .order_by("position", "created_at")
            )
            with CaptureQueriesContext(connection) as queries:
                found = checkin_views._existing_checkin(client, day)
                found_goals = checkin_views._goals_for_day(plan, day)
                entries = found and sorted(
                    (
                        (e.pk, fields(e), e.goal.public_id, e.checkin is found)
                        for e in found.entries.all()
                    ),
                    key=lambda entry: entry[0],
                )
                steps = [[fields(s) for s in g.steps.all()] for g in found_goals]
                plans = {g.plan.pk for g in found_goals}
            assert len(queries) == (2 if found else 1) + (2 if found_goals else 1)
            assert (found and fields(found)) == (expected and fields(expected))
            assert entries == (
                expected
                and sorted(
                    ((e.pk, fields(e), e.goal.public_id, True) for e in expected.entries.all()),
                    key=lambda entry: entry[0],
                )
            )
            assert [fields(g) for g in found_goals] == [fields(g) for g in goals]
            assert steps == [[fields(s) for s in g.steps.all()] for g in goals]
            assert plans <= {plan.pk}


def orm_notes_private(client) -> bool:
    """notes_private as it was written, in two queries."""
    chosen = PrivacyChoice.objects.filter(client=client).values_list("notes_private", flat=True)
    if chosen.first() is not None:
        return chosen.first()
    return privacy.policy_for(client.organization).notes_private_by_default


@pytest.mark.parametrize("choice", ["none", True, False, None])
@pytest.mark.parametrize("policy", ["none", True, False])
def test_notes_private_is_the_choice_else_the_programs_default(db, choice, policy):
    people = make_people()
    loner = make_user("no-org-client", None, Role.CLIENT)
    for client in (people.client_a, loner):
        if choice != "none":
            PrivacyChoice.objects.create(client=client, notes_private=choice)
    if policy != "none":
        RecordsPolicy.objects.create(organization=people.org, notes_private_by_default=policy)
    for client in (people.client_a, people.client_b, loner):
        assert privacy.notes_private(client) is orm_notes_private(client)


def test_care_team_checkins_match_the_orm(shapes):
    for client in shapes.clients:
        found = assert_same_objects(privacy._CARE_TEAM_CHECKINS, [client.pk])
        assert len(found) <= privacy.CARE_TEAM_DAYS
        assert [c.day for c in privacy.care_team_checkins(client)["checkins"]] == [
            c.day for c in found
        ]
    many = privacy._CARE_TEAM_CHECKINS.objects([shapes.other_client.pk])
    assert len(many) == privacy.CARE_TEAM_DAYS


def test_progress_overview_queries_match_the_orm(shapes):
    for plan in shapes.plans:
        goals = assert_same_objects(progress_views._ACTIVE_GOALS, [plan.pk])
        assert [g.pk for g in goals] == [
            g.pk for g in plan.goals.active().order_by("position", "created_at")
        ]
        last = assert_same_objects(progress_views._LAST_CHECKIN, [plan.client_id])
        expected = CheckIn.objects.for_client(plan.client).order_by("-day").first()
        assert [c.pk for c in last] == ([expected.pk] if expected else [])
        steps = progress_views._steps_by_goal(goals)
        assert {pk: [fields(s)[1] for s in found] for pk, found in steps.items()} == {
            g.pk: [fields(s)[1] for s in Step.objects.filter(goal=g).order_by("starts_on", "pk")]
            for g in goals
        }


def test_objects_refuses_what_it_cannot_make(shapes):
    from_manager = CompiledQuery(lambda ids: shapes.plan_a.goals.filter(pk__in=ids))
    with pytest.raises(ValueError):
        from_manager.objects([shapes.goal_a.pk])
    with_prefetch = CompiledQuery(
        lambda ids: Step.objects.filter(pk__in=ids).prefetch_related("goal")
    )
    with pytest.raises(ValueError):
        with_prefetch.objects([1])
    values = CompiledQuery(lambda ids: Step.objects.filter(pk__in=ids).values("pk"))
    with pytest.raises(TypeError):
        values.objects([1])


def test_a_time_that_is_dropped_is_refused(db):
    query = CompiledQuery(
        lambda ids, *, since: Revision.objects.filter(plan_id__in=ids), times=("since",)
    )
    with pytest.raises(ValueError):
        query.objects([1], since=timezone.now())


def test_annotations_come_with_the_objects(shapes):
    from django.db.models import Count

    query = CompiledQuery(
        lambda ids: (
            Step.objects.filter(goal_id__in=ids).annotate(n=Count("goal__steps")).order_by("pk")
        )
    )
    ids = [g.pk for g in shapes.many_goals]
    found = assert_same_objects(query, ids)
    assert [s.n for s in found] == [s.n for s in query._build(ids)]
    assert all(isinstance(s.value, Decimal | None) for s in found)


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'data-seconds-left="\d+"', "", html)


def test_the_pages_are_what_the_orms_querysets_make_of_them(shapes, client, monkeypatch):
    """The plan page, the desk, the check-in, progress, goal and strategy pages, for plans with
    0, 1 and 20 goals: the same HTML with the compiled queries as with the ORM running their
    querysets."""
    from tests.signin import sign_in

    pages = []
    for plan in shapes.plans:
        counselor = shapes.counselor if plan.client_id != shapes.other_client.pk else None
        pages.append(
            (
                plan.client,
                [
                    plan.get_absolute_url(),
                    "/checkin/",
                    "/checkin/?day=" + str(TODAY - timedelta(days=3)),
                    "/progress/",
                    *[g.get_absolute_url() + "progress/" for g in plan.goals.all()[:2]],
                    *[g.get_absolute_url() for g in plan.goals.all()[:2]],
                    *[g.get_absolute_url() + "?suggestions=all" for g in plan.goals.all()[:1]],
                    shapes.strategy.get_absolute_url(),
                ],
            )
        )
        if counselor and plan == shapes.plan_a:
            pages.append((counselor, [plan.get_absolute_url()]))
    pages.append((shapes.other_counselor, [shapes.other_plan.get_absolute_url()]))

    def rendered() -> list[str]:
        found = []
        for person, urls in pages:
            sign_in(client, person)
            found += [_page(client, url) for url in urls]
            client.logout()
        return found

    compiled = rendered()

    def orm_objects(self, ids, using="default", **values):
        return list(self._build(list(ids), **values).using(using))

    monkeypatch.setattr(CompiledQuery, "objects", orm_objects)
    monkeypatch.setattr(CompiledQuery, "rows", orm_objects)
    assert rendered() == compiled


def test_a_clients_plan_is_the_one_the_orm_finds_and_is_started_once(db):
    from plans.models import Plan

    people = make_people()
    plan = services.plan_for_client(people.client_a)  # started on first use
    assert Plan.objects.filter(client=people.client_a).count() == 1
    again = services.plan_for_client(people.client_a)
    assert fields(again) == fields(Plan.objects.get(client=people.client_a))
    assert again.pk == plan.pk and Plan.objects.count() == 1
    other = services.plan_for_client(people.client_b)
    assert other.pk != plan.pk and other.client_id == people.client_b.pk


def test_the_strategy_pages_queries_match_the_orm(shapes):
    """A strategy page's focus areas, sources and the client's goals (with whether each has the
    strategy): for strategies with none, one and several of each, and clients with no goals, one
    and twenty (some with the strategy, two no longer current)."""
    from plans.goals import strategy_page
    from strategies import views as strategy_views
    from tests.catalog_factories import make_strategy

    bare = make_strategy("bare", focus_areas=(), sources=())
    wide = make_strategy(
        "wide",
        focus_areas=("alcohol", "opioids", "stimulants"),
        sources=(("A", "CDC", "https://www.cdc.gov/a/"), ("B", "NIDA", "https://nida.nih.gov/")),
    )
    for strategy in (shapes.strategy, bare, wide):
        areas = assert_same_objects(strategy_views.FOCUS_AREAS, [strategy.pk])
        assert [a.pk for a in areas] == [a.pk for a in strategy.focus_areas.all()]
        sources = assert_same_objects(strategy_views.SOURCES, [strategy.pk])
        assert [s.pk for s in sources] == [s.pk for s in strategy.sources.all()]
        for client in shapes.clients:
            goals = assert_same_objects(strategy_page.CLIENT_GOALS, [client.pk, strategy.pk])
            assert [(g.pk, g.has_it) for g in goals] == [
                (g.pk, g.strategy_links.filter(strategy=strategy).exists())
                for g in GoalStrategy._meta.get_field("goal")
                .related_model.objects.current()
                .filter(plan__client=client)
            ]
    assert len(wide.focus_areas.all()) == 3 and len(wide.sources.all()) == 2
    with_it = strategy_page.CLIENT_GOALS.objects([shapes.other_client.pk, shapes.strategy.pk])
    assert sum(g.has_it for g in with_it) > 1 and len(with_it) == 18


def test_the_goal_pages_strategies_and_steps_match_the_orm(shapes):
    """A goal's strategies (with each strategy) and steps: for goals with none and some."""
    from plans.goals import goal_views

    goals = [shapes.goal_a, *shapes.many_goals[:4], *shapes.plan_b.goals.all()]
    for goal in goals:
        links = assert_same_objects(goal_views.LINKS, [goal.pk])
        assert [(link.pk, link.strategy.pk) for link in links] == [
            (link.pk, link.strategy.pk) for link in goal.strategy_links.select_related("strategy")
        ]
        steps = assert_same_objects(goal_views.STEPS, [goal.pk])
        assert [s.pk for s in steps] == [s.pk for s in goal.steps.all()]
    for query in (goal_views.STEPS, goal_views.LINKS):
        counts = {len(query.objects([g.pk])) for g in goals}
        assert 0 in counts and max(counts) > 0


@pytest.mark.django_db
def test_the_caseloads_compiled_pages_answer_what_the_orm_answers():
    """A caseload page with no search is one query compiled once (plans/goals/caseload.py),
    built by the ORM on clients_visible_to. It holds exactly the rows of the ORM's query, with
    the same plan, last check-in and closing date: for a counselor with no client, one, and
    more than a page; never another counselor's clients, an inactive client or a client of
    another organization (even one assigned to this counselor)."""
    from harmplan.accounts.access import clients_visible_to
    from harmplan.accounts.models import Organization
    from plans.goals import caseload
    from tests.factories import assign

    people = make_people()
    org, other_org = people.org, people.other_org
    now = timezone.now()
    nobody = make_user("no-clients", org, Role.COUNSELOR)
    one = make_user("one-client", org, Role.COUNSELOR)
    many = make_user("many-clients", org, Role.COUNSELOR)
    assign(one, make_user("only", org, Role.CLIENT))
    for n in range(27):
        client = make_user(f"c{n:02d}", org, Role.CLIENT, preferred_name=f"Name {n % 5}")
        assign(many, client)
        if n % 3:
            plan = services.plan_for_client(client)
            plan.next_review_on = TODAY + timedelta(days=n % 4) if n % 2 else None
            plan.save(update_fields=["next_review_on"])
        if n % 4 == 0:
            for day in range(n % 3 + 1):
                CheckIn.objects.create(client=client, day=TODAY - timedelta(days=day * 7 + n))
        if n == 5:
            AccountClosure.objects.create(client=client, delete_after=now + timedelta(days=30))
    inactive = make_user("inactive", org, Role.CLIENT, is_active=False)
    assign(many, inactive)
    elsewhere = make_user("elsewhere", other_org, Role.CLIENT)
    assign(many, elsewhere)  # another organization's client: never on this caseload
    theirs = make_user("theirs", org, Role.CLIENT)
    assign(people.counselor, theirs)
    assign(one, make_user("third-org", Organization.objects.create(name="Third"), Role.CLIENT))

    seen = set()
    for counselor, expected in [(nobody, 0), (one, 1), (many, 27)]:
        counselor = type(counselor).objects.get(pk=counselor.pk)
        assert clients_visible_to(counselor).count() == expected
        for sort in caseload.SORTS:
            queryset = caseload._caseload_queryset(counselor, sort)
            rows = caseload._compiled_rows(counselor, sort)
            assert rows.count() == len(rows) == queryset.count() == expected
            compiled_pages = Paginator(rows, caseload.PAGE_SIZE)
            orm_pages = Paginator(queryset, caseload.PAGE_SIZE)
            assert compiled_pages.num_pages == orm_pages.num_pages
            for number in compiled_pages.page_range:  # the last one shorter
                compiled = list(compiled_pages.page(number).object_list)
                orm = list(orm_pages.page(number).object_list)
                assert [fields(c) for c in compiled] == [fields(c) for c in orm]
                assert [(c.last_checkin_day, c.closing_after) for c in compiled] == [
                    (c.last_checkin_day, c.closing_after) for c in orm
                ]
                seen.update(c.username for c in compiled)
    assert not seen & {"inactive", "elsewhere", "theirs", "third-org", "client-a"}
    assert "only" in seen and "c26" in seen
    assert any(c.closing_after for c in rows[0:25])  # the annotations were really there
    assert len(rows[25:27]) == 2  # the last page, cut as Paginator cuts it
    with pytest.raises(TypeError):
        rows[0]
