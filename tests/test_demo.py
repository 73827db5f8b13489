from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from harmplan import demo
from harmplan.accounts.models import CareAssignment, Membership, Organization, Role, User


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    counts = [m.objects.count() for m in (User, Organization, Membership, CareAssignment)]
    call_command("seed_demo", verbosity=0)
    assert [m.objects.count() for m in (User, Organization, Membership, CareAssignment)] == counts

    counselor = User.objects.get(username="demo-counselor")
    assert sorted(a.client.username for a in counselor.caseload.all()) == [
        "demo-client",
        "demo-client2",
    ]
    assert User.objects.get(username="demo-admin").role == Role.ORG_ADMIN
    assert User.objects.get(username="demo-client-other").organization.name == "Other Program"
    alex = User.objects.get(username="demo-client").plan
    assert alex.goals.count() == 2
    assert alex.agreement == "agreed"
    assert alex.goals.get(statement="Drink less on weeknights").steps.count() >= 4
    assert alex.goals.get(statement="Never use alone").strategy_links.count() == 3
    assert User.objects.get(username="demo-client2").plan.goals.count() == 2
    request = RequestFactory().post("/account/login/")
    assert authenticate(request, username="demo-client", password=demo.DEMO_PASSWORD)


def test_demo_staff_sign_in_with_the_printed_key(db, client, capsys):
    from base64 import b32decode

    from django.urls import reverse
    from django_otp.oath import TOTP

    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert demo.DEMO_TOTP_KEY in printed
    call_command("demo_code")
    code = capsys.readouterr().out.strip()
    assert code == f"{TOTP(b32decode(demo.DEMO_TOTP_KEY)).token():06d}"

    client.post(reverse("login"), {"username": "demo-counselor", "password": demo.DEMO_PASSWORD})
    assert client.get(reverse("plans:caseload"))["Location"].startswith(reverse("twofactor:verify"))
    assert client.post(reverse("twofactor:verify"), {"code": code}).status_code == 302
    assert client.get(reverse("plans:caseload")).status_code == 200
    # Clients have no second step unless they turn it on.
    assert not User.objects.get(username="demo-client").totpdevice_set.exists()
