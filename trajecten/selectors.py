"""Every read of personal data goes through here, scoped to the user's organisation(s)."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from backoffice import crypto, roles
from financiering.selectors import user_aanbieder_id, user_gemeente_ids

from . import rules
from .models import Aanvraag, Besluit, Deelnemer, Traject, Verlenging


def aanvragen_for(user) -> QuerySet[Aanvraag]:
    """Provider: its own. Gemeente: the gemeente route for its gemeenten. UWV: the UWV route,
    and gemeente-route applications only once the gemeente has given its beschikking."""
    qs = Aanvraag.objects.select_related(
        "deelnemer", "aanbieder", "uitvoerder", "perceel", "regeling", "gemeente", "trajectbegeleider"
    ).prefetch_related("besluiten__door")
    # A user with several roles (four eyes make that a real case) sees the union of their scopes:
    # a provider who is also a UWV assessor still sees its own gemeente-route applications.
    scope = Q(pk__in=[])
    if roles.has_role(user, *roles.UWV_ROLES):
        gemeente_akkoord = Besluit.objects.filter(aanvraag=OuterRef("pk"), stap="gemeente", besluit="akkoord")
        scope |= (Q(route="uwv") | Exists(gemeente_akkoord)) & ~Q(status="concept")
    if roles.has_role(user, roles.GEMEENTE):
        scope |= Q(route="gemeente", gemeente_id__in=user_gemeente_ids(user)) & ~Q(status="concept")
    if roles.has_role(user, roles.AANBIEDER):
        scope |= Q(aanbieder_id=user_aanbieder_id(user))
    return qs.filter(scope)


def trajecten_for(user) -> QuerySet[Traject]:
    qs = Traject.objects.select_related(
        "aanbieder", "uitvoerder", "perceel", "regeling", "gemeente", "trajectbegeleider"
    ).prefetch_related(
        "plaatsingen",
        # The serializer names who asked and who decided: with the users, one query for the page.
        Prefetch("verlengingen", queryset=Verlenging.objects.select_related("aangevraagd_door", "besluit_door")),
    )
    if roles.has_role(user, *roles.UWV_ROLES):
        return qs
    scope = Q(pk__in=[])  # the union of the user's scopes, as for applications
    if roles.has_role(user, roles.GEMEENTE):
        scope |= Q(route="gemeente", gemeente_id__in=user_gemeente_ids(user))
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = user_aanbieder_id(user)
        scope |= Q(aanbieder_id=aanbieder_id) | Q(uitvoerder_id=aanbieder_id)
    return qs.filter(scope)


def verlengingen_for(user) -> QuerySet[Verlenging]:
    """Extension requests on the trajectories the user may see."""
    return Verlenging.objects.select_related("traject", "traject__perceel", "traject__gemeente").filter(
        traject__in=trajecten_for(user).prefetch_related(None).values("pk")
    )


def deelnemers_for(user) -> QuerySet[Deelnemer]:
    """Provider: the participants it registered. Gemeente and UWV: those in an application they
    may see."""
    qs = Deelnemer.objects.select_related("gemeente", "aanbieder")
    scope = Q(pk__in=[])
    if roles.has_role(user, roles.AANBIEDER):
        scope |= Q(aanbieder_id=user_aanbieder_id(user))
    if roles.has_role(user, *roles.UWV_ROLES, roles.GEMEENTE):
        scope |= Exists(aanvragen_for(user).filter(deelnemer=OuterRef("pk")))
    return qs.filter(scope)


def deelnemers_by_bsn(user, bsn: str) -> QuerySet[Deelnemer]:
    return deelnemers_for(user).filter(bsn_hash=crypto.bsn_hash(bsn))


def _samenloop_traject(bsn_hash, aanvraag_pk):
    return Traject.objects.filter(bsn_hash=bsn_hash, status="actief").exclude(aanvraag_id=aanvraag_pk)


def _samenloop_aanvraag(bsn_hash, aanvraag_pk):
    return Aanvraag.objects.filter(bsn_hash=bsn_hash, status__in=Aanvraag.OPEN, pk__lt=aanvraag_pk)


def with_samenloop(qs: QuerySet[Aanvraag]) -> QuerySet[Aanvraag]:
    """For the funder's lists: whether the same person has another active trajectory, or an earlier
    open application, anywhere (two EXISTS in the one query of the list)."""
    return qs.annotate(
        samenloop_traject=Exists(_samenloop_traject(OuterRef("bsn_hash"), OuterRef("pk"))),
        samenloop_aanvraag=Exists(_samenloop_aanvraag(OuterRef("bsn_hash"), OuterRef("pk"))),
    )


def samenloop(aanvraag: Aanvraag) -> list[str]:
    """The funder's warnings about the same person elsewhere (rules.samenloop_meldingen), now."""
    if hasattr(aanvraag, "samenloop_traject"):
        actief, eerder = aanvraag.samenloop_traject, aanvraag.samenloop_aanvraag
    else:
        actief = _samenloop_traject(aanvraag.bsn_hash, aanvraag.pk).exists()
        eerder = _samenloop_aanvraag(aanvraag.bsn_hash, aanvraag.pk).exists()
    return rules.samenloop_meldingen(actief_traject=actief, eerdere_aanvraag=eerder)


def is_financier(user) -> bool:
    """Gemeente and UWV decide on applications: they see the samenloop, a provider never."""
    return roles.has_role(user, roles.GEMEENTE, *roles.UWV_ROLES)


def pending_budget_claims(*, gemeente_id: int, regeling_id: int) -> Decimal:
    """Expected cost of submitted gemeente-route applications not yet committed to a budget."""
    total = Aanvraag.objects.filter(
        gemeente_id=gemeente_id, regeling_id=regeling_id, route="gemeente", status="ingediend", budget__isnull=True
    ).aggregate(s=Sum("bedrag"))["s"]
    return total or Decimal("0")


def doorlooptijden(user, *, van, tot) -> list[dict]:
    """Lead times of decided applications the user may see, per route: from submission
    (``ingediend_op``) to the final decision (``afgehandeld_op``) on a day in [van, tot], in days
    (Europe/Amsterdam calendar days): number, median and mean. One query; the median is taken in
    Python over the durations of that period (a year of decisions is a few thousand numbers)."""
    from statistics import mean, median

    from django.utils import timezone

    rows = (
        aanvragen_for(user)
        .prefetch_related(None)
        .filter(afgehandeld_op__date__gte=van, afgehandeld_op__date__lte=tot, ingediend_op__isnull=False)
        .order_by()
        .values_list("route", "ingediend_op", "afgehandeld_op")
    )
    per_route: dict[str, list[int]] = {}
    for route, ingediend, afgehandeld in rows:
        dagen = (timezone.localtime(afgehandeld).date() - timezone.localtime(ingediend).date()).days
        per_route.setdefault(route, []).append(dagen)
    return [
        {
            "route": route,
            "aantal": len(dagen),
            "mediaan": median(dagen),
            "gemiddeld": round(mean(dagen), 1),
        }
        for route, dagen in sorted(per_route.items())
    ]
