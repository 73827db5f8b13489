"""Counselors' daily "plan reviews due" email: counts and a link, never who the clients are."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import time_machine
from django.urls import reverse

from harmplan.accounts.models import Role
from plans.models import DeliveryStatus, Plan, ReviewDigest
from plans.reminders import digests as reviews
from tests.conftest import wait_for
from tests.factories import assign, make_user
from tests.reminders_support import assert_discreet, read_mail, text_of

TODAY = date(2026, 11, 24)
# 08:00 in New York, the program's time zone in the tests: past the 07:00 digest hour.
MORNING = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)  # 06:00 in New York


def caseload_with_reviews(people):
    people.counselor.email = "sam@example.org"
    people.counselor.preferred_name = "Sam"
    people.counselor.save()
    people.other_counselor.email = "robin@example.org"
    people.other_counselor.save()
    late = make_user("late-review", people.org, Role.CLIENT, preferred_name="Quinn")
    later = make_user("future-review", people.org, Role.CLIENT)
    assign(people.counselor, late)
    assign(people.counselor, later)
    for client, review_on in [
        (people.client_a, TODAY),
        (late, TODAY - timedelta(days=3)),
        (later, TODAY + timedelta(days=10)),
        (people.other_client, TODAY + timedelta(days=1)),
    ]:
        Plan.objects.create(client=client, next_review_on=review_on)
    return late


def test_reviews_due_counts_per_counselor(people):
    caseload_with_reviews(people)
    assert list(reviews.reviews_due(TODAY)) == [
        {"counselor": people.counselor.pk, "due_today": 1, "overdue": 1}
    ]


def test_one_digest_a_day_however_often_beat_runs(people):
    caseload_with_reviews(people)
    assert reviews.review_digests_dispatch(now=NIGHT) == []  # too early in the program's day
    [digest_id] = reviews.review_digests_dispatch(now=MORNING)
    assert reviews.review_digests_dispatch(now=MORNING + timedelta(hours=1)) == []
    digest = ReviewDigest.objects.get()
    assert (digest.pk, digest.counselor, digest.day) == (digest_id, people.counselor, TODAY)
    assert (digest.due_today, digest.overdue) == (1, 1)
    # The next day, the other counselor has a review due too.
    assert len(reviews.review_digests_dispatch(now=MORNING + timedelta(days=1))) == 2


def test_digest_email_sent_by_a_worker_says_only_how_many(people, start_worker):
    late = caseload_with_reviews(people)
    start_worker()
    with time_machine.travel(MORNING, tick=False):
        reviews.review_digests_dispatch()
    wait_for(lambda: ReviewDigest.objects.filter(status=DeliveryStatus.SENT).exists())

    [message] = read_mail(start_worker.mail)
    assert message["To"] == "sam@example.org"
    assert message["Subject"] == "Plan reviews due: 2"
    plain, html = text_of(message)
    assert "1 plan review on your caseload is due today." in plain
    assert "1 plan review on your caseload is past its review date." in plain
    assert reverse("plans:caseload") + "?sort=review" in plain
    raw = message.as_string()
    for detail in ("client-a", "a@example.org", late.username, "Quinn", str(late.public_id)):
        assert detail not in raw
    assert_discreet(plain + html + message["Subject"])
