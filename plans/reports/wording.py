"""A service given, as the client reads it on their plan."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from harmplan.compiled_query import CompiledQuery
from plans.models import ReferralOutcome, ServiceGiven, ServiceKind


def for_client(service: ServiceGiven) -> str:
    """ "Your counselor gave you 2 naloxone doses on 1 December." """
    day = date_format(service.given_on, _("j F"))
    n = service.count
    kind = service.kind
    if kind == ServiceKind.NALOXONE:
        text = ngettext(
            "Your counselor gave you %(n)d naloxone dose on %(day)s.",
            "Your counselor gave you %(n)d naloxone doses on %(day)s.",
            n,
        )
    elif kind == ServiceKind.FENTANYL_STRIPS:
        text = ngettext(
            "Your counselor gave you %(n)d fentanyl test strip on %(day)s.",
            "Your counselor gave you %(n)d fentanyl test strips on %(day)s.",
            n,
        )
    elif kind == ServiceKind.XYLAZINE_STRIPS:
        text = ngettext(
            "Your counselor gave you %(n)d xylazine test strip on %(day)s.",
            "Your counselor gave you %(n)d xylazine test strips on %(day)s.",
            n,
        )
    elif kind == ServiceKind.SYRINGES:
        text = ngettext(
            "Your counselor gave you %(n)d syringe on %(day)s.",
            "Your counselor gave you %(n)d syringes on %(day)s.",
            n,
        )
    elif kind == ServiceKind.OTHER_SUPPLIES:
        text = ngettext(
            "Your counselor gave you %(n)d other supply on %(day)s.",
            "Your counselor gave you %(n)d other supplies on %(day)s.",
            n,
        )
    elif kind == ServiceKind.VACCINATION:
        text = _("You had a vaccination with your counselor's help on %(day)s.")
    elif kind == ServiceKind.TEST:
        text = _("You had a test with your counselor's help on %(day)s.")
    else:
        name = service.resource.name if service.resource else _("a service")
        if service.outcome == ReferralOutcome.ATTENDED:
            text = _("Your counselor referred you to %(name)s on %(day)s. You went there.")
        else:
            text = _("Your counselor referred you to %(name)s on %(day)s.")
        return text % {"name": name, "day": day}
    return text % {"n": n, "day": day}


CLIENT_SHOWN = 10


def _client_services_query(ids: list[int]) -> QuerySet[ServiceGiven]:
    (client_id,) = ids
    return (
        ServiceGiven.objects.for_client(client_id)
        .select_related("resource")
        .order_by("-given_on", "-pk")[:CLIENT_SHOWN]
    )


# On every visit to the client's plan page: compiled once (harmplan/compiled_query.py).
_CLIENT_SERVICES = CompiledQuery(_client_services_query)


def services_for_client(client) -> list[ServiceGiven]:
    """The latest services given to `client`, each with `.words` to show them: one query."""
    items = _CLIENT_SERVICES.objects([client.pk])
    for item in items:
        item.words = for_client(item)
    return items
