"""Who may see whom, and the record of every look.

Views fetch clients only through these helpers, so that anything outside a person's reach is a 404
and every staff read or write lands in the access log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from harmplan.http import AuthenticatedRequest

from .models import AccessEvent, Organization, Role, User


def clients_visible_to(user: User) -> QuerySet[User]:
    """Clients whose records `user` may open: a counselor's caseload, an org admin's org."""
    clients = User.objects.filter(membership__role=Role.CLIENT, is_active=True)
    if user.is_counselor:
        return clients.filter(care_team__counselor=user, membership__organization=user.organization)
    if user.is_org_admin:
        return clients.filter(membership__organization=user.organization)
    return clients.none()


def get_client_for_user(user: User, public_id) -> User:
    try:
        return clients_visible_to(user).select_related("membership").get(public_id=public_id)
    except User.DoesNotExist:
        raise Http404 from None


def staff_organization(user: User) -> Organization:
    """The organization of a counselor or org admin; anyone without one may not go on."""
    organization = user.organization
    if organization is None:
        raise PermissionDenied
    return organization


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy, axes already resolved the client address with the configured proxy count.
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


def record_access(
    *,
    actor: User,
    client: User,
    action: str,
    object_type: str,
    object_id: object = "",
    ip: str | None = None,
) -> AccessEvent | None:
    """Record that someone other than the client touched the client's records.

    Services call this inside their own transaction, so a write and its entry stand or fall
    together, whoever calls the service (a view, a command, the admin).
    """
    if actor.pk == client.pk:
        return None
    return AccessEvent.objects.create(
        actor=actor,
        client=client,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip_address=ip,
    )


def log_access(
    request: AuthenticatedRequest,
    client: User,
    action: str,
    object_type: str,
    object_id: object = "",
) -> AccessEvent | None:
    """A read (or write) seen by a view: the request's user and address."""
    return record_access(
        actor=request.user,
        client=client,
        action=action,
        object_type=object_type,
        object_id=object_id,
        ip=client_ip(request),
    )
