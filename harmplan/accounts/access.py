"""Who may see whom, and the record of every look.

Views fetch clients only through these helpers, so that anything outside a person's reach is a 404
and every staff read or write lands in the access log.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ipware import get_client_ip

from harmplan.http import AuthenticatedRequest

from .models import (
    AccessEvent,
    CareAssignment,
    EmergencyAccess,
    Membership,
    Organization,
    Role,
    User,
)


def clients_visible_to(user: User) -> QuerySet[User]:
    """Clients whose records `user` may open: a counselor's caseload, an org admin's org."""
    clients = User.objects.filter(membership__role=Role.CLIENT, is_active=True)
    if user.is_counselor:
        return clients.filter(care_team__counselor=user, membership__organization=user.organization)
    if user.is_org_admin:
        return clients.filter(membership__organization=user.organization)
    return clients.none()


def covering(user: User, client_field: str = "pk", now=None) -> Exists:
    """True where `user` holds an unexpired emergency access grant for the client whose id is
    in `client_field`: break-glass counts as access for as long as it lasts (at `now`)."""
    return Exists(
        EmergencyAccess.objects.active(now).filter(
            counselor_id=user.pk, client_id=OuterRef(client_field)
        )
    )


def stand_in(role: str, ids: list[int]) -> User:
    """A person of that role and id (with a second id: in the organization of that id), for
    compiling an access rule's query once (harmplan/compiled_query.py puts the real ids in)."""
    person = User(pk=ids[0])
    person._state.fields_cache["membership"] = Membership(
        user=person, role=role, organization=Organization(pk=ids[1] if len(ids) > 1 else None)
    )
    return person


def clients_reachable_by(user: User) -> QuerySet[User]:
    """The caseload (or an admin's organization), plus clients a counselor is covering for."""
    if not user.is_counselor:
        return clients_visible_to(user)
    assigned = CareAssignment.objects.filter(counselor_id=user.pk, client_id=OuterRef("pk"))
    return User.objects.filter(
        Exists(assigned) | covering(user),
        membership__role=Role.CLIENT,
        membership__organization=user.organization,
        is_active=True,
    )


def get_client_for_user(user: User, public_id) -> User:
    try:
        return clients_reachable_by(user).select_related("membership").get(public_id=public_id)
    except User.DoesNotExist:
        raise Http404 from None


def staff_organization(user: User) -> Organization:
    """The organization of a counselor or org admin; anyone without one may not go on."""
    organization = user.organization
    if organization is None:
        raise PermissionDenied
    return organization


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person, not of our own proxy: the one place that decides it.

    Exactly PROXY_COUNT proxies of ours stand in front of the app, and each appends the address
    it was reached from to X-Forwarded-For. So the client is the entry PROXY_COUNT from the right
    (the last proxy is REMOTE_ADDR, not in the header); anything further left was written by the
    client and is not trusted. With no proxy (0) the header is ignored. Login throttling
    (AXES_CLIENT_IP_CALLABLE) and the access log both call this.
    """
    proxy_count = settings.HARMPLAN["PROXY_COUNT"]
    if proxy_count:
        # ipware counts the proxies listed in the header, i.e. all of ours but the last.
        ip, _routable = get_client_ip(
            request,
            proxy_count=proxy_count - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if ip:
            return ip
    return request.META.get("REMOTE_ADDR") or None


def record_access(
    *,
    actor: User,
    client: User | None,
    action: str,
    object_type: str,
    object_id: object = "",
    ip: str | None = None,
) -> None:
    """Record that someone other than the client touched the client's records.

    Services call this inside their own transaction, so a write and its entry stand or fall
    together, whoever calls the service (a view, a command, the admin). `client` is None for the
    organization's own records (staff invitations and accounts).
    """
    if client is not None and actor.pk == client.pk:
        return
    _write_events(
        actor=actor,
        action=action,
        object_type=object_type,
        ip=ip,
        rows=[(client.pk if client else None, str(object_id))],
    )


def record_reads(
    *, actor: User, clients: Iterable[User], object_type: str, ip: str | None = None
) -> None:
    """One "viewed" entry per client on a page that shows several clients' records (the
    caseload), in one INSERT."""
    _write_events(
        actor=actor,
        action=AccessEvent.Action.VIEW,
        object_type=object_type,
        ip=ip,
        rows=[(client.pk, str(client.public_id)) for client in clients if client.pk != actor.pk],
    )


def _write_events(
    *,
    actor: User,
    action: str,
    object_type: str,
    ip: str | None,
    rows: list[tuple[int | None, str]],
) -> None:
    """Rows of (client id, object id) for one actor, action and kind of object, in one INSERT."""
    if not rows:
        return
    connection = connections[router.db_for_write(AccessEvent)]
    if connection.vendor == "postgresql":
        # What bulk_create below writes, without building a model per row and compiling the
        # INSERT on every staff page: that cost 1.4 ms of CPU for a caseload page of 25.
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT_EVENTS,
                [
                    timezone.now(),
                    actor.pk,
                    str(action),  # a choice's value ("view"), never its name
                    str(object_type),
                    ip,
                    [client_id for client_id, _ in rows],
                    [object_id for _, object_id in rows],
                ],
            )
        return
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(
                actor=actor,
                client_id=client_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                ip_address=ip,
            )
            for client_id, object_id in rows
        ]
    )


_INSERT_EVENTS = f"""
INSERT INTO {AccessEvent._meta.db_table} (at, actor_id, client_id, action, object_type, object_id,
    ip_address)
SELECT %s, %s, events.client_id, %s, %s, events.object_id, %s::inet
FROM unnest(%s::bigint[], %s::text[]) AS events (client_id, object_id)
"""


def log_access(
    request: AuthenticatedRequest,
    client: User,
    action: str,
    object_type: str,
    object_id: object = "",
) -> None:
    """A read (or write) seen by a view: the request's user and address."""
    record_access(
        actor=request.user,
        client=client,
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip=client_ip(request),
    )
