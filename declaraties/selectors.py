"""Everything in declaraties that reads for others, scoped to the user's organisation(s).

Provider: its own declarations and lines. UWV (beoordelaar and financieel): all of them, because
UWV assesses and pays every declaration. Anyone else: nothing (the views answer 403 before this)."""

from django.db.models import Count, Q, QuerySet

from backoffice import roles
from financiering.selectors import user_aanbieder_id

from .models import Declaratie, Prestatie

# The status of a declaration follows from its lines (docs/declaraties.md).
DECLARATIE_STATUSSEN = ("toegekend", "deels_toegekend", "afgewezen", "in_behandeling")


def _scope(user, field: str = "aanbieder_id") -> Q:
    """The union of the user's scopes: a provider who is also a UWV assessor sees both."""
    if roles.has_role(user, *roles.UWV_ROLES):
        return Q()
    scope = Q(pk__in=[])
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = user_aanbieder_id(user)
        if aanbieder_id is not None:
            scope |= Q(**{field: aanbieder_id})
    return scope


def with_line_counts(qs: QuerySet[Declaratie]) -> QuerySet[Declaratie]:
    """Annotate how many lines are accepted, rejected and waiting: one aggregate, any size."""
    return qs.annotate(
        aantal_prestaties=Count("prestaties"),
        aantal_toegekend=Count("prestaties", filter=Q(prestaties__status="toegekend")),
        aantal_afgewezen=Count("prestaties", filter=Q(prestaties__status="afgewezen")),
        aantal_in_behandeling=Count("prestaties", filter=Q(prestaties__status="in_behandeling")),
    )


def declaraties_for(user) -> QuerySet[Declaratie]:
    return Declaratie.objects.select_related("aanbieder", "ingediend_door").filter(_scope(user))


def filter_status(qs: QuerySet[Declaratie], status: str) -> QuerySet[Declaratie]:
    """Filter an annotated queryset (``with_line_counts``) on the declaration's derived status."""
    if status == "in_behandeling":
        return qs.filter(aantal_in_behandeling__gt=0)
    if status == "toegekend":
        return qs.filter(aantal_in_behandeling=0, aantal_afgewezen=0)
    if status == "afgewezen":
        return qs.filter(aantal_in_behandeling=0, aantal_toegekend=0)
    if status == "deels_toegekend":
        return qs.filter(aantal_in_behandeling=0, aantal_toegekend__gt=0, aantal_afgewezen__gt=0)
    return qs.none()


def declaratie_status(*, toegekend: int, afgewezen: int, in_behandeling: int) -> str:
    if in_behandeling:
        return "in_behandeling"
    if not afgewezen:
        return "toegekend"
    if not toegekend:
        return "afgewezen"
    return "deels_toegekend"


def prestaties_for(user) -> QuerySet[Prestatie]:
    return Prestatie.objects.select_related("declaratie", "aanbieder").filter(_scope(user))
