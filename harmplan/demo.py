"""Demo data for trying HarmPlan. Every function is idempotent: running it twice changes nothing."""

from __future__ import annotations

from base64 import b32decode

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from harmplan.accounts.models import CareAssignment, Membership, Organization, Role, User
from strategies.catalog_files import SEED_FILE, Report, catalog_load, read_catalog
from strategies.models import Resource

DEMO_PASSWORD = "try-harmplan-2026"
# The demo staff's authenticator key (base32, as typed into an app). Demo only: seed_demo is
# refused in production. `manage.py demo_code` prints the code it makes right now.
DEMO_TOTP_KEY = "HARMPLANDEMOTWOFACTORKEYTRYITOUT"

PEOPLE = [
    # username, organization, role, preferred name
    ("demo-admin", "Demo Program", Role.ORG_ADMIN, "Dana"),
    ("demo-counselor", "Demo Program", Role.COUNSELOR, "Sam"),
    ("demo-client", "Demo Program", Role.CLIENT, "Alex"),
    ("demo-client2", "Demo Program", Role.CLIENT, "Jordan"),
    ("demo-counselor-other", "Other Program", Role.COUNSELOR, "Robin"),
    ("demo-client-other", "Other Program", Role.CLIENT, "Casey"),
]
CASELOADS = [
    ("demo-counselor", "demo-client"),
    ("demo-counselor", "demo-client2"),
    ("demo-counselor-other", "demo-client-other"),
]
RESOURCES = [
    # The numbers below are real US national lines; the local services are examples.
    {
        "name": "988 Suicide & Crisis Lifeline",
        "kind": Resource.Kind.CRISIS_LINE,
        "phone": "988",
        "hours": "24 hours, every day",
        "url": "https://988lifeline.org/",
        "notes": "Call or text 988 for support in a crisis, including with substance use.",
    },
    {
        "name": "SAMHSA National Helpline",
        "kind": Resource.Kind.CRISIS_LINE,
        "phone": "1-800-662-4357",
        "hours": "24 hours, every day",
        "url": "https://www.samhsa.gov/find-help/helplines/national-helpline",
        "notes": "Free, confidential referrals to local services, in English and Spanish.",
    },
    {
        "name": "Demo Program drop-in (naloxone and supplies)",
        "kind": Resource.Kind.NALOXONE,
        "address": "100 Example Street",
        "hours": "Monday to Friday, 10:00 to 18:00",
        "notes": "Free naloxone kits, test strips and safer-use supplies. No questions asked.",
    },
    {
        "name": "Demo syringe services van",
        "kind": Resource.Kind.SYRINGE_SERVICES,
        "address": "Outside the public library, Tuesdays and Thursdays",
        "hours": "15:00 to 19:00",
    },
]
CURATORS_GROUP = "Catalog curators"


def ensure_curators_group() -> Group:
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    # The catalog only: local resources belong to each organization's admins.
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="strategies").exclude(
            content_type__model="resource"
        )
    )
    return group


def seed_catalog() -> Report:
    """Load the seed strategy catalog (as `manage.py load_catalog` does); curators' edits stay."""
    return catalog_load(catalog=read_catalog(SEED_FILE))


@transaction.atomic
def seed_people() -> dict[str, User]:
    organizations = {
        name: Organization.objects.get_or_create(name=name)[0]
        for name in {org for _, org, _, _ in PEOPLE}
    }
    users = {}
    organization_of = {}
    for username, org_name, role, preferred_name in PEOPLE:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"preferred_name": preferred_name}
        )
        user.set_password(DEMO_PASSWORD)
        user.is_staff = username == "demo-admin"
        user.save()
        Membership.objects.update_or_create(
            user=user, defaults={"organization": organizations[org_name], "role": role}
        )
        users[username] = user
        organization_of[username] = organizations[org_name]
    users["demo-admin"].groups.add(ensure_curators_group())
    for user in users.values():
        if user.is_program_staff:
            enroll_demo_authenticator(user)
    for counselor, client in CASELOADS:
        CareAssignment.objects.get_or_create(
            counselor=users[counselor],
            client=users[client],
            defaults={"organization": organization_of[client]},
        )
    demo = organizations["Demo Program"]
    for resource in RESOURCES:
        Resource.objects.update_or_create(
            organization=demo, name=resource["name"], defaults=resource
        )
    seed_catalog()
    return users


def demo_totp_key_hex() -> str:
    return b32decode(DEMO_TOTP_KEY).hex()


def enroll_demo_authenticator(user: User) -> TOTPDevice:
    """Give a demo staff member the demo key, so that two-step sign-in can be tried at once."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        name="Demo authenticator",
        defaults={"key": demo_totp_key_hex(), "confirmed": True},
    )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return device


def demo_code() -> str:
    """The 6-digit code an app with the demo key shows now."""
    return f"{TOTP(b32decode(DEMO_TOTP_KEY)).token():06d}"
