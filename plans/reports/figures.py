"""The program report's numbers: counts only, never names or free text.

Every figure is one aggregate query over the organization's clients (or one counselor's
caseload), so the report makes the same number of queries for 20 clients or 20,000. The
figures are then suppressed as a whole (suppression.py) before the page or the CSV sees them.

What each figure counts, for a period from `first` to `last` (days in the program's zone):
- people with an active plan: clients with at least one active goal now;
- new plans: plans started in the period; check-ins: check-ins for days in the period;
- goals by approach and by focus area: goals in progress now (not completed or stopped);
- achievement: each active goal's state (plans/progress/stats.py) on the period's last day, or
  today if that is earlier;
- strategies: the ten catalog strategies on the most goals in progress;
- supplies: items given in the period (naloxone in doses); vaccinations and tests: how many;
- referrals made in the period, and of those how many the client attended;
- reviews held in the period; reviews overdue: active plans whose next review date is past.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from harmplan.accounts.models import Organization, Role, User
from harmplan.db_rows import tuples
from plans.models import (
    COUNTED_KINDS,
    CheckIn,
    Goal,
    GoalStrategy,
    Lifecycle,
    Plan,
    ReferralOutcome,
    Review,
    ServiceGiven,
    ServiceKind,
)
from plans.progress.stats import ACHIEVEMENT_LABELS, Achievement, achievement, window_tallies
from plans.timezones import program_today, program_zone
from strategies.models import Approach, FocusArea

from .suppression import Cell, suppress

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TOP_STRATEGIES = 10
ACHIEVEMENT_ORDER = [
    Achievement.IMPROVING,
    Achievement.ACHIEVED,
    Achievement.SUSTAINING,
    Achievement.NO_CHANGE,
    Achievement.WORSENING,
    Achievement.IN_PROGRESS,
]


class GoalTarget(NamedTuple):
    """What `achievement` reads of a goal, without loading thousands of model instances."""

    pk: int
    target_kind: str
    target_direction: str
    target_value: Decimal | None
    target_period: str
    baseline_value: Decimal | None


@dataclass
class Group:
    key: str
    title: StrOrPromise
    cells: list[Cell]
    total: Cell | None = None
    chart: bool = True


@dataclass
class Report:
    first: date
    last: date
    counselor: User | None
    groups: list[Group] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, label, shown value): what the page's tables and the CSV both show."""
        rows = []
        for group in self.groups:
            for cell in group.cells:
                rows.append((str(group.title), str(cell.label), cell.display))
            if group.total:
                rows.append((str(group.title), str(group.total.label), group.total.display))
        return rows


def clients_in_scope(organization: Organization, counselor: User | None) -> QuerySet[User]:
    clients = User.objects.filter(
        membership__organization=organization, membership__role=Role.CLIENT, is_active=True
    )
    if counselor is not None:
        clients = clients.filter(care_team__counselor=counselor)
    return clients


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    zone = program_zone()
    return (
        datetime.combine(first, time.min, zone),
        datetime.combine(last + timedelta(days=1), time.min, zone),
    )


def build_report(
    *, organization: Organization, first: date, last: date, counselor: User | None = None
) -> Report:
    clients = clients_in_scope(organization, counselor).values("pk")
    start, end = _bounds(first, last)
    as_of = min(last, program_today())
    report = Report(first=first, last=last, counselor=counselor)

    current_goals = Goal.objects.current().filter(plan__client__in=clients)
    active_goal = Goal.objects.filter(plan=OuterRef("pk"), lifecycle=Lifecycle.ACTIVE)
    plans = Plan.objects.filter(client__in=clients).aggregate(
        active=Count("pk", filter=Q(Exists(active_goal))),
        new=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        overdue=Count("pk", filter=Q(Exists(active_goal), next_review_on__lt=as_of)),
    )
    checkins = CheckIn.objects.filter(client__in=clients, day__gte=first, day__lte=last).count()
    reviews = Review.objects.filter(
        plan__client__in=clients, held_on__gte=first, held_on__lte=last
    ).count()
    report.groups.append(
        Group(
            "people",
            _("People and plans"),
            [
                Cell(_("People with an active plan"), plans["active"]),
                Cell(_("New plans"), plans["new"]),
                Cell(_("Check-ins made"), checkins),
                Cell(_("Reviews held"), reviews),
                Cell(_("Reviews overdue"), plans["overdue"]),
            ],
            chart=False,
        )
    )

    # One pass over the goals in progress gives approach, focus area and what achievement reads.
    by_approach: dict[str, int] = {}
    by_focus: dict[int, int] = {}
    targets = []
    rows = tuples(
        current_goals.values_list(
            "approach",
            "focus_area_id",
            "lifecycle",
            "pk",
            "target_kind",
            "target_direction",
            "target_value",
            "target_period",
            "baseline_value",
        ).order_by()
    )
    for approach, focus_id, lifecycle, *target in rows:
        by_approach[approach] = by_approach.get(approach, 0) + 1
        by_focus[focus_id] = by_focus.get(focus_id, 0) + 1
        if lifecycle == Lifecycle.ACTIVE:
            targets.append(GoalTarget(*target))
    goals_total = sum(by_approach.values())
    report.groups.append(
        Group(
            "approach",
            _("Goals by approach"),
            [Cell(label, by_approach.get(value, 0)) for value, label in Approach.choices],
            Cell(_("All goals in progress"), goals_total),
        )
    )
    report.groups.append(
        Group(
            "focus",
            _("Goals by focus area"),
            [Cell(area.name, by_focus.get(area.pk, 0)) for area in FocusArea.objects.all()],
            Cell(_("All goals in progress"), goals_total),
        )
    )

    active = current_goals.filter(lifecycle=Lifecycle.ACTIVE)
    tallies = window_tallies(active.values("pk"), as_of)
    states = dict.fromkeys(ACHIEVEMENT_ORDER, 0)
    for goal in targets:
        states[achievement(goal, tallies.get(goal.pk))] += 1
    report.groups.append(
        Group(
            "achievement",
            _("Active goals by how they are going"),
            [Cell(ACHIEVEMENT_LABELS[state], states[state]) for state in ACHIEVEMENT_ORDER],
            Cell(_("All active goals"), len(targets)),
        )
    )

    strategies = (
        GoalStrategy.objects.filter(goal__in=current_goals)
        .values_list("strategy__title")
        .annotate(n=Count("pk"))  # a strategy is on a goal once
        .order_by("-n", "strategy__title")[:TOP_STRATEGIES]
    )
    report.groups.append(
        Group(
            "strategies",
            _("Strategies on the most goals"),
            [Cell(title, n) for title, n in strategies],
        )
    )

    given = ServiceGiven.objects.filter(client__in=clients, given_on__gte=first, given_on__lte=last)
    totals = given.aggregate(
        **{
            f"items_{kind}": Sum("count", filter=Q(kind=kind), default=0)
            for kind in ServiceKind.values
        },
        referrals=Count("pk", filter=Q(kind=ServiceKind.REFERRAL)),
        attended=Count("pk", filter=Q(kind=ServiceKind.REFERRAL, outcome=ReferralOutcome.ATTENDED)),
    )
    supplies = [
        Cell(label, totals[f"items_{value}"])
        for value, label in ServiceKind.choices
        if value in COUNTED_KINDS
    ]
    supplies += [
        Cell(_("Vaccinations"), totals[f"items_{ServiceKind.VACCINATION}"]),
        Cell(_("Tests"), totals[f"items_{ServiceKind.TEST}"]),
    ]
    report.groups.append(Group("supplies", _("Supplies and services given"), supplies))
    report.groups.append(
        Group(
            "referrals",
            _("Referrals"),
            [
                Cell(_("Attended"), totals["attended"]),
                Cell(_("Not yet"), totals["referrals"] - totals["attended"]),
            ],
            Cell(_("Referrals made"), totals["referrals"]),
        )
    )

    for group in report.groups:
        suppress(group.cells, group.total)
    return report
