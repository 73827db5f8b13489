"""Writes to plans. Each function is one transaction and records a revision.

Edits carry the version they started from. A save based on an old version raises EditConflict
instead of overwriting the other person's change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Field, Model, QuerySet
from django.utils import timezone, translation

from harmplan.accounts.access import record_access
from harmplan.accounts.models import AccessEvent
from harmplan.compiled_query import CompiledQuery
from plans.models import (
    AuthorRole,
    Goal,
    GoalStrategy,
    Lifecycle,
    Plan,
    Review,
    Revision,
    Step,
    TrustedContact,
)
from plans.models.plan import MAX_TRUSTED_CONTACTS, revision_summary
from strategies.models import Approach, Strategy

from .stepdown import PlannedStep

PLAN_FIELDS = ["what_matters", "strengths", "supports", "safety_plan", "next_review_on"]
GOAL_FIELDS = [
    "statement",
    "why",
    "target_kind",
    "target_direction",
    "target_value",
    "target_unit",
    "target_period",
    "practice",
    "baseline_value",
    "start_on",
    "target_on",
    "lifecycle",
]


# Revisions that record an event rather than a change to the plan's content.
# The stored English of these two, which the desk leaves out of "what changed".
AGREED_SUMMARY = "Agreed with the plan"
REVIEW_SUMMARY = "Recorded a review"


def english_summary(kind: str, values: dict) -> str:
    with translation.override("en"):
        return revision_summary(kind, values)[:200]


class EditConflict(Exception):
    """Someone saved a newer version first. `their_changes` are the revisions since yours."""

    def __init__(self, current: Plan | Goal, their_changes: list[Revision]):
        super().__init__("This was changed by someone else after you opened it.")
        self.current = current
        self.their_changes = their_changes


class StrategyDoesNotFit(ValueError):
    pass


def role_of(author, plan: Plan) -> str:
    return AuthorRole.CLIENT if author.pk == plan.client_id else AuthorRole.COUNSELOR


def display(instance: Model, field: str) -> str:
    """A field's value as a person reads it."""
    value = getattr(instance, field)
    if value in (None, ""):
        return "(empty)"
    if hasattr(instance, f"get_{field}_display"):
        return str(getattr(instance, f"get_{field}_display")())
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return str(value)


def label(instance: Model, field: str) -> str:
    model_field = instance._meta.get_field(field)
    if not isinstance(model_field, Field):
        raise TypeError(f"{field} is a relation from another model, not a field")
    return str(model_field.verbose_name).capitalize()


def _apply(instance: Model, data: dict[str, Any], fields: Iterable[str]) -> list[dict]:
    changes = []
    for field in fields:
        if field not in data or getattr(instance, field) == data[field]:
            continue
        old = display(instance, field)
        setattr(instance, field, data[field])
        changes.append(
            {
                "field": field,
                "label": label(instance, field),
                "old": old,
                "new": display(instance, field),
            }
        )
    return changes


def _record(
    plan: Plan,
    *,
    author,
    summary: str,
    values: dict | None = None,
    changes: list[dict] | None = None,
    goal: Goal | None = None,
    counts_as_content: bool = True,
    plan_version: int | None = None,
) -> Revision:
    """Write the revision and move the plan's content version on (which ends an agreement).
    `summary` is a kind of REVISION_SUMMARIES, `values` its placeholders."""
    role = role_of(author, plan)
    if counts_as_content:
        Plan.objects.filter(pk=plan.pk).update(
            content_version=F("content_version") + 1,
            changed_by_role=role,
            updated_at=timezone.now(),
        )
        plan.refresh_from_db(fields=["content_version", "changed_by_role", "updated_at"])
    return Revision.objects.create(
        plan=plan,
        goal=goal,
        author=author,
        author_role=role,
        summary=english_summary(summary, values or {}),
        summary_kind=summary,
        summary_values=values or {},
        changes=changes or [],
        goal_version=goal.version if goal else None,
        plan_version=plan_version,
        content_version=plan.content_version,
    )


def _log(
    plan: Plan, author, what: str, object_id: object, *, created: bool = False, ip: str | None
) -> None:
    """The access-log entry for a write by anyone but the client (the same transaction)."""
    record_access(
        actor=author,
        client=plan.client,
        action=AccessEvent.Action.CREATE if created else AccessEvent.Action.UPDATE,
        object_type=what,
        object_id=object_id,
        ip=ip,
    )


def _lock_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().get(pk=plan.pk)


def _lock_goal(goal: Goal, expected_version: int | None) -> Goal:
    locked = Goal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
    if expected_version is not None and locked.version != expected_version:
        raise EditConflict(
            locked,
            list(
                locked.revisions.filter(goal_version__gt=expected_version)
                .select_related("author")
                .order_by("at", "pk")
            ),
        )
    return locked


# Plans -------------------------------------------------------------------------------------------


def _plan_query(client_ids: list[int]) -> QuerySet[Plan]:
    return Plan.objects.filter(client_id__in=client_ids)


# Every client page opens the plan, and building this query cost more than running it.
_PLAN = CompiledQuery(_plan_query)


def plan_for_client(client) -> Plan:
    """The client's plan, started the first time it is needed."""
    found = _PLAN.objects([client.pk])
    if found:
        return found[0]
    plan, _ = Plan.objects.get_or_create(client=client)
    return plan


@transaction.atomic
def plan_update(
    *, plan: Plan, expected_version: int, data: dict[str, Any], author, ip: str | None = None
) -> Plan:
    locked = _lock_plan(plan)
    if locked.version != expected_version:
        raise EditConflict(
            locked,
            list(
                locked.revisions.filter(plan_version__gt=expected_version)
                .select_related("author")
                .order_by("at", "pk")
            ),
        )
    changes = _apply(locked, data, PLAN_FIELDS)
    if not changes:
        return locked
    locked.version += 1
    locked.save(update_fields=[*PLAN_FIELDS, "version", "updated_at"])
    _log(locked, author, "plan", locked.public_id, ip=ip)
    _record(
        locked,
        author=author,
        summary="plan_changed",
        changes=changes,
        plan_version=locked.version,
    )
    return locked


@transaction.atomic
def plan_agree(*, plan: Plan, client, content_version: int) -> Plan:
    """The client agrees with the version of the plan they were shown."""
    locked = _lock_plan(plan)
    if client.pk != locked.client_id:
        raise PermissionError("Only the client can agree to their plan.")
    if locked.agreed_content_version == content_version == locked.content_version:
        # Agreed to this version already (a second tap, a resent form): nothing new to record.
        return locked
    if locked.content_version != content_version:
        raise EditConflict(
            locked,
            list(
                locked.revisions.filter(content_version__gt=content_version)
                .select_related("author")
                .order_by("at", "pk")
            ),
        )
    locked.agreed_content_version = locked.content_version
    locked.agreed_at = timezone.now()
    locked.save(update_fields=["agreed_content_version", "agreed_at"])
    _record(locked, author=client, summary="agreed", counts_as_content=False)
    return locked


class EmptyReview(ValueError):
    pass


def review_has_content(went_well: str, was_hard: str, changes_agreed: str) -> bool:
    """A review says at least one thing to the client; a date alone is not a review."""
    return any(part.strip() for part in (went_well, was_hard, changes_agreed))


@transaction.atomic
def review_record(
    *,
    plan: Plan,
    counselor,
    held_on: date,
    went_well: str = "",
    was_hard: str = "",
    changes_agreed: str = "",
    next_review_on: date | None,
    ip: str | None = None,
) -> Review:
    if not review_has_content(went_well, was_hard, changes_agreed):
        raise EmptyReview("A review needs what went well, what was hard or the changes agreed.")
    locked = _lock_plan(plan)
    review = Review.objects.create(
        plan=locked,
        counselor=counselor,
        held_on=held_on,
        went_well=went_well.strip(),
        was_hard=was_hard.strip(),
        changes_agreed=changes_agreed.strip(),
        next_review_on=next_review_on,
    )
    _log(locked, counselor, "review", review.pk, created=True, ip=ip)
    changes = _apply(locked, {"next_review_on": next_review_on}, ["next_review_on"])
    if changes:
        locked.version += 1
        locked.save(update_fields=["next_review_on", "version", "updated_at"])
    # A review is not a change to what the client agreed to.
    _record(
        locked,
        author=counselor,
        summary="review",
        changes=changes,
        counts_as_content=False,
        plan_version=locked.version if changes else None,
    )
    return review


def plan_mark_seen(*, plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(client_last_seen_at=timezone.now())


# Goals -------------------------------------------------------------------------------------------


def strategy_fits(strategy: Strategy, goal_approach: str) -> bool:
    return goal_approach in strategy.approaches


def check_strategy_fits(strategy: Strategy, approach: str) -> None:
    if strategy.status != Strategy.Status.PUBLISHED:
        raise StrategyDoesNotFit(
            f"“{strategy.title}” is no longer recommended, so it cannot be added."
        )
    if not strategy_fits(strategy, approach):
        raise StrategyDoesNotFit(
            f"“{strategy.title}” is not one of the strategies for a "
            f"{Approach(approach).label.lower()} goal. Choose one from the list for this goal."
        )


@transaction.atomic
def goal_create(
    *,
    plan: Plan,
    author,
    data: dict[str, Any],
    strategies: Iterable[Strategy] = (),
    steps: Iterable[PlannedStep] = (),
    ip: str | None = None,
) -> Goal:
    locked = _lock_plan(plan)
    role = role_of(author, locked)
    fields = {k: v for k, v in data.items() if k in GOAL_FIELDS or k in ("focus_area", "approach")}
    goal = Goal(plan=locked, proposed_by=role, position=locked.goals.count(), **fields)
    if "lifecycle" not in fields:
        # A counselor suggests; the client's own goals start straight away.
        goal.lifecycle = Lifecycle.ACTIVE if role == AuthorRole.CLIENT else Lifecycle.PROPOSED
    goal.full_clean(exclude=["plan"])
    goal.save()
    for strategy in strategies:
        check_strategy_fits(strategy, goal.approach)
        GoalStrategy.objects.create(goal=goal, strategy=strategy, strategy_version=strategy.version)
    Step.objects.bulk_create(Step(goal=goal, starts_on=s.starts_on, value=s.value) for s in steps)
    _log(locked, author, "goal", goal.public_id, created=True, ip=ip)
    _record(
        locked, author=author, goal=goal, summary="goal_added", values={"goal": goal.statement[:80]}
    )
    return goal


@transaction.atomic
def goal_update(
    *, goal: Goal, expected_version: int, data: dict[str, Any], author, ip: str | None = None
) -> Goal:
    locked = _lock_goal(goal, expected_version)
    changes = _apply(locked, data, GOAL_FIELDS)
    if not changes:
        return locked
    locked.full_clean(exclude=["plan"])
    locked.version += 1
    locked.save()
    _log(locked.plan, author, "goal", locked.public_id, ip=ip)
    _record(
        locked.plan,
        author=author,
        goal=locked,
        changes=changes,
        summary="goal_changed",
        values={"goal": locked.statement[:80]},
    )
    return locked


def _touch_goal(
    goal: Goal,
    *,
    author,
    summary: str,
    what: str,
    ip: str | None,
    values: dict | None = None,
    created: bool = False,
    changes: list[dict] | None = None,
) -> None:
    """A change to something inside the goal: the goal's version moves on, logged and recorded."""
    goal.version += 1
    goal.save(update_fields=["version", "updated_at"])
    _log(goal.plan, author, what, goal.public_id, created=created, ip=ip)
    _record(goal.plan, author=author, goal=goal, summary=summary, values=values, changes=changes)


@transaction.atomic
def goal_steps_replace(
    *, goal: Goal, expected_version: int, steps: list[PlannedStep], author, ip: str | None = None
) -> Goal:
    """Replace the goal's steps with a new plan from the step-down planner."""
    locked = _lock_goal(goal, expected_version)
    locked.steps.all().delete()
    Step.objects.bulk_create(Step(goal=locked, starts_on=s.starts_on, value=s.value) for s in steps)
    _touch_goal(
        locked,
        author=author,
        summary="steps_planned",
        values={"count": len(steps), "goal": locked.statement[:60]},
        what="goal steps",
        ip=ip,
    )
    return locked


@transaction.atomic
def step_save(
    *,
    goal: Goal,
    expected_version: int,
    author,
    step: Step | None,
    data: dict[str, Any],
    ip: str | None = None,
) -> Step:
    locked = _lock_goal(goal, expected_version)
    created = step is None
    if step is None:
        step = Step(goal=locked, **data)
        summary = "step_added"
        changes = []
    else:
        changes = _apply(step, data, ["starts_on", "value", "note"])
        summary = "step_changed"
    step.full_clean(exclude=["goal"])
    step.save()
    _touch_goal(
        locked,
        author=author,
        summary=summary,
        values={"goal": locked.statement[:60]},
        changes=changes,
        what="goal step",
        created=created,
        ip=ip,
    )
    return step


@transaction.atomic
def step_delete(
    *, goal: Goal, expected_version: int, author, step: Step, ip: str | None = None
) -> None:
    locked = _lock_goal(goal, expected_version)
    step.delete()
    _touch_goal(
        locked,
        author=author,
        summary="step_removed",
        values={"goal": locked.statement[:60]},
        what="goal step",
        ip=ip,
    )


@transaction.atomic
def goal_strategy_add(
    *,
    goal: Goal,
    expected_version: int,
    strategy: Strategy,
    note: str,
    author,
    ip: str | None = None,
) -> GoalStrategy:
    locked = _lock_goal(goal, expected_version)
    check_strategy_fits(strategy, locked.approach)
    link, _ = GoalStrategy.objects.update_or_create(
        goal=locked,
        strategy=strategy,
        defaults={"note": note, "strategy_version": strategy.version},
    )
    _touch_goal(
        locked,
        author=author,
        summary="strategy_added",
        values={"strategy": strategy.title},
        what="goal strategy",
        ip=ip,
    )
    return link


@transaction.atomic
def goal_strategy_note(
    *,
    goal: Goal,
    expected_version: int,
    link: GoalStrategy,
    note: str,
    author,
    ip: str | None = None,
) -> GoalStrategy:
    locked = _lock_goal(goal, expected_version)
    changes = _apply(link, {"note": note}, ["note"])
    link.save(update_fields=["note"])
    _touch_goal(
        locked,
        author=author,
        changes=changes,
        summary="strategy_note_changed",
        values={"strategy": link.strategy.title},
        what="goal strategy",
        ip=ip,
    )
    return link


@transaction.atomic
def goal_strategy_remove(
    *, goal: Goal, expected_version: int, link: GoalStrategy, author, ip: str | None = None
) -> None:
    locked = _lock_goal(goal, expected_version)
    title = link.strategy.title
    link.delete()
    _touch_goal(
        locked,
        author=author,
        summary="strategy_removed",
        values={"strategy": title},
        what="goal strategy",
        ip=ip,
    )


# The client's own settings for their plan: not part of its content, so no new version, revision
# or agreement. Only the client changes them (the views are for clients only), so there is no
# staff access to log.


@transaction.atomic
def trusted_contacts_save(*, plan: Plan, contacts: list[tuple[str, str]]) -> list[TrustedContact]:
    """Replace the client's trusted contacts with `contacts` (name, phone), in that order."""
    if len(contacts) > MAX_TRUSTED_CONTACTS:
        raise ValueError(f"At most {MAX_TRUSTED_CONTACTS} trusted contacts")
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one save at a time
    TrustedContact.objects.filter(plan=plan).delete()
    return TrustedContact.objects.bulk_create(
        TrustedContact(plan=plan, name=name, phone=phone, position=position)
        for position, (name, phone) in enumerate(contacts)
    )


@transaction.atomic
def plan_privacy_save(*, plan: Plan, show_focus_areas: bool) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(show_focus_areas=show_focus_areas)
    plan.show_focus_areas = show_focus_areas
    return plan
