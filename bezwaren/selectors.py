"""Everything that reads objections for others, scoped to the user's organisation: the provider
sees the objections it filed, the deciding body those it must decide (UWV: both UWV roles; a
gemeente: those against its own decisions, for its gemeenten). Anyone else sees none."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from backoffice import roles
from financiering.selectors import user_aanbieder_id, user_gemeente_ids

from .models import Beslisorgaan, Bezwaarschrift


def _scope(user) -> Q | None:
    q = None

    def of(extra: Q) -> Q:
        return extra if q is None else q | extra

    if roles.has_role(user, roles.AANBIEDER) and user_aanbieder_id(user) is not None:
        q = of(Q(aanbieder_id=user_aanbieder_id(user)))
    if roles.has_role(user, *roles.UWV_ROLES):
        q = of(Q(beslisorgaan=Beslisorgaan.UWV))
    if roles.has_role(user, roles.GEMEENTE):
        q = of(Q(beslisorgaan=Beslisorgaan.GEMEENTE, gemeente_id__in=user_gemeente_ids(user)))
    return q


def bezwaren_voor(user) -> QuerySet[Bezwaarschrift]:
    """The objections ``user`` may see, newest first."""
    scope = _scope(user)
    if scope is None:
        return Bezwaarschrift.objects.none()
    return Bezwaarschrift.objects.filter(scope).select_related(
        "aanbieder", "gemeente", "indiener", "beslist_door", "traject"
    )


def bezwaar_get(user, uuid) -> Bezwaarschrift:
    """One objection by uuid, or 404 (also for another organisation's: the same answer)."""
    return get_object_or_404(bezwaren_voor(user), uuid=uuid)


def bezwaren_tegen(user, object_uuid) -> QuerySet[Bezwaarschrift]:
    """The objections ``user`` may see against the decision(s) on one object (an application, an
    extension, a declaration line or a trajectory), for that object's page."""
    return bezwaren_voor(user).filter(object_uuid=object_uuid)
