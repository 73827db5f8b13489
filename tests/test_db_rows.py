"""Rows read straight from the cursor match what Django's own values_list() gives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Count, Max

from harmplan.db_rows import tuples
from plans.goals import services
from plans.models import Goal
from tests.plan_factories import make_goal

pytestmark = pytest.mark.django_db


def test_tuples_keep_the_field_order_and_the_types(people):
    plan = services.plan_for_client(people.client_a)
    make_goal(plan, target_value=Decimal("3.5"))
    make_goal(plan, target_value=Decimal("2"))
    query = (
        Goal.objects.values("plan_id")
        .annotate(goals=Count("pk"), highest=Max("target_value"))
        .values_list("highest", "plan_id", "goals")
        .order_by()
    )
    rows = tuples(query)
    assert rows == list(query)
    assert rows == [(Decimal("3.5"), plan.pk, 2)]
    assert isinstance(rows[0][0], Decimal)
