"""Small builders for test data. Plain functions: the models are simple enough."""

from __future__ import annotations

from types import SimpleNamespace

from harmplan.accounts.models import CareAssignment, Membership, Organization, Role, User

PASSWORD = "a-long-test-password-41"


def make_user(
    username: str, organization: Organization | None = None, role: str | None = None, **fields
) -> User:
    user = User(username=username, **fields)
    user.set_password(PASSWORD)
    user.save()
    if organization and role:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


def assign(counselor: User, client: User) -> CareAssignment:
    return CareAssignment.objects.create(
        organization=client.organization, counselor=counselor, client=client
    )


def make_people() -> SimpleNamespace:
    """Everyone the authorization rules talk about, in two organizations."""
    org = Organization.objects.create(name="Riverside Program")
    other_org = Organization.objects.create(name="Hillside Program")
    people = SimpleNamespace(
        org=org,
        other_org=other_org,
        client_a=make_user("client-a", org, Role.CLIENT, email="a@example.org"),
        client_b=make_user("client-b", org, Role.CLIENT),
        counselor=make_user("counselor", org, Role.COUNSELOR),
        org_admin=make_user("org-admin", org, Role.ORG_ADMIN),
        other_counselor=make_user("other-counselor", other_org, Role.COUNSELOR),
        other_client=make_user("other-client", other_org, Role.CLIENT),
        other_admin=make_user("other-admin", other_org, Role.ORG_ADMIN),
        staff=make_user("curator", is_staff=True, is_superuser=True),
    )
    # The counselor has client A only; client B has no counselor yet.
    people.assignment = assign(people.counselor, people.client_a)
    people.other_assignment = assign(people.other_counselor, people.other_client)
    return people
