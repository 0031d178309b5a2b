"""Reads of financiering for others, scoped to the user where personal or organisational."""

from datetime import date
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from backoffice import roles
from backoffice.gebruiker import gemeente_ids

from . import rules
from .models import (
    Aanbieder,
    Band,
    Budget,
    Gemeente,
    Mandaat,
    Modeltrouwmeting,
    Perceel,
    Raamovereenkomst,
    Regeling,
    Trajectbegeleider,
    Trajectprijs,
)


def user_aanbieder_id(user) -> int | None:
    medewerker = getattr(user, "medewerker", None) if user.is_authenticated else None
    return medewerker.aanbieder_id if medewerker else None


def user_gemeente_ids(user) -> list[int]:
    """Its own gemeenten, and the member gemeenten of the joint bodies it works for (domain.md 6)."""
    return gemeente_ids(user)


def geldig_mandaat(user, gemeente_id: int, dag: date) -> Mandaat | None:
    """The mandate under which ``user`` may take a beschikking for ``gemeente_id`` on ``dag``: one
    of that gemeente's college, or of a joint body that the gemeente is a member of (the
    gemeente's own first, then the latest), or None."""
    return (
        Mandaat.objects.filter(gemandateerden=user, geldig_van__lte=dag)
        .filter(Q(geldig_tot__isnull=True) | Q(geldig_tot__gte=dag))
        .filter(Q(gemeente_id=gemeente_id) | Q(samenwerkingsverband__leden=gemeente_id))
        .select_related("gemeente", "samenwerkingsverband")
        .order_by(F("samenwerkingsverband").asc(nulls_first=True), "-geldig_van", "-id")
        .first()
    )


def regelingen_list() -> QuerySet[Regeling]:
    return Regeling.objects.prefetch_related("percelen__producten", "percelen__prijzen").order_by("code")


def percelen_list() -> QuerySet[Perceel]:
    return Perceel.objects.select_related("regeling").prefetch_related("producten", "prijzen").order_by("code")


def gemeenten_list() -> QuerySet[Gemeente]:
    return Gemeente.objects.order_by("code")


def aanbieders_list() -> QuerySet[Aanbieder]:
    return Aanbieder.objects.order_by("naam", "id")


def budgetten_for(user) -> QuerySet[Budget]:
    qs = Budget.objects.select_related("gemeente", "regeling").order_by("jaar", "regeling__code", "gemeente__naam")
    if roles.has_role(user, *roles.UWV_ROLES, roles.BEHEERDER):
        return qs
    if roles.has_role(user, roles.GEMEENTE):
        return qs.filter(gemeente_id__in=user_gemeente_ids(user))
    return qs.none()


def trajectbegeleiders_for(user) -> QuerySet[Trajectbegeleider]:
    qs = Trajectbegeleider.objects.select_related("aanbieder").order_by("aanbieder__naam", "naam", "id")
    if roles.has_role(user, *roles.UWV_ROLES, roles.BEHEERDER):
        return qs
    if roles.has_role(user, roles.AANBIEDER):
        return qs.filter(aanbieder_id=user_aanbieder_id(user))
    return qs.none()


def raamovereenkomsten_for(user) -> QuerySet[Raamovereenkomst]:
    qs = Raamovereenkomst.objects.select_related("aanbieder", "perceel").order_by(
        "aanbieder__naam", "perceel__code", "id"
    )
    if roles.has_role(user, *roles.UWV_ROLES, roles.BEHEERDER):
        return qs
    if roles.has_role(user, roles.AANBIEDER):
        return qs.filter(aanbieder_id=user_aanbieder_id(user))
    return qs.none()


def modeltrouwmetingen_list() -> QuerySet[Modeltrouwmeting]:
    """Fidelity audits are about organisations, not people: everyone may read them."""
    return Modeltrouwmeting.objects.select_related("aanbieder", "versie").order_by("-datum", "-id")


def trajectprijs_on(perceel: Perceel, day: date) -> Decimal | None:
    rows = Trajectprijs.objects.filter(perceel=perceel).values_list("geldig_van", "geldig_tot", "bedrag")
    return rules.price_on(list(rows), day)


def periode_share(perceel: Perceel) -> Decimal:
    product = perceel.producten.filter(soort="per_maand").first()
    return product.aandeel if product else Decimal("0")


def has_active_contract(aanbieder: Aanbieder, perceel: Perceel, day: date) -> bool:
    return Raamovereenkomst.objects.filter(
        Q(tot__isnull=True) | Q(tot__gte=day), aanbieder=aanbieder, perceel=perceel, status="actief", van__lte=day
    ).exists()


def modeltrouw_oordeel(aanbieder: Aanbieder, day: date, instellingen) -> rules.Modeltrouw:
    """The provider's fidelity on ``day`` (``rules.modeltrouw_oordeel``): two queries."""
    metingen = aanbieder.modeltrouwmetingen.filter(datum__lte=day, dubbel_van__isnull=True).order_by("-datum", "-id")
    last = metingen.exclude(band="").values("datum", "band").first()
    niet_ingedeeld = metingen.filter(band="").values_list("datum", flat=True).first() if last is None else None
    return rules.modeltrouw_oordeel(
        last_date=last["datum"] if last else None,
        band=last["band"] if last else None,
        today=day,
        valid_months=instellingen.modeltrouw_geldig_maanden,
        niet_ingedeeld_op=niet_ingedeeld,
        plan_goedgekeurd_op=aanbieder.implementatieplan_goedgekeurd_op,
        implementatie_start=aanbieder.implementatie_start,
        aanloop_maanden=instellingen.modeltrouw_aanloop_maanden,
    )


def modeltrouw_ongeldig(datum: date, *, valid_months: int, aanloop_maanden: int) -> QuerySet[Aanbieder]:
    """The queryset twin of ``rules.modeltrouw_oordeel``: the providers whose fidelity is not valid
    on ``datum`` and who are not in a new programme's run-up, with ``laatste_datum`` and
    ``laatste_band`` of their last banded audit. One query; an audit without band never counts."""
    laatste = Modeltrouwmeting.objects.filter(
        aanbieder=OuterRef("pk"), datum__lte=datum, dubbel_van__isnull=True
    ).exclude(band="")
    laatste = laatste.order_by("-datum", "-id")
    aanloop = Q(
        implementatieplan_goedgekeurd_op__lte=datum,
        implementatie_start__lte=datum,
        implementatie_start__gt=rules.add_months(datum, -aanloop_maanden),
    )
    return (
        Aanbieder.objects.annotate(
            laatste_datum=Subquery(laatste.values("datum")[:1]),
            laatste_band=Subquery(laatste.values("band")[:1]),
        )
        .filter(
            (Q(laatste_datum__isnull=True) & ~aanloop)
            | Q(laatste_datum__lt=rules.add_months(datum, -valid_months))
            | Q(laatste_band=rules.GEEN_IPS)
        )
        .order_by("naam", "id")
    )


def band_ranges(versie_id: int) -> list[rules.BandRange]:
    return [
        rules.BandRange(code, low, high)
        for code, low, high in Band.objects.filter(versie_id=versie_id).values_list("code", "ondergrens", "bovengrens")
    ]


def budget_jaren(user) -> list[int]:
    """The years of the budgets the user may see, newest first."""
    return sorted(set(budgetten_for(user).order_by().values_list("jaar", flat=True)), reverse=True)


def budget_verloop(user, jaar: int) -> list[dict]:
    """The budgets the user may see for ``jaar``, summed, at the end of every month of that year,
    from the ledger (``Budgetmutatie``): allocated, committed, realised and free. Two queries.

    Mutations before the year count in January; what the ledger does not hold (an allocation
    made outside ``budget_create``) is taken from the budgets themselves as an opening balance."""
    from django.db.models import Sum
    from django.db.models.functions import ExtractMonth, ExtractYear

    from .models import Budgetmutatie

    budgets = budgetten_for(user).filter(jaar=jaar)
    rows = (
        Budgetmutatie.objects.filter(budget__in=budgets.values("pk"), op__year__lte=jaar)
        .annotate(j=ExtractYear("op"), m=ExtractMonth("op"))
        .values("j", "m", "soort")
        .annotate(s=Sum("bedrag"))
        .order_by()
    )
    zero = Decimal("0.00")
    per_maand = {
        m: {"toekenning": zero, "reservering": zero, "vrijval": zero, "realisatie": zero} for m in range(1, 13)
    }
    for row in rows:
        maand = 1 if row["j"] < jaar else row["m"]
        per_maand[maand][row["soort"]] += row["s"] or zero
    in_ledger = sum((m["toekenning"] for m in per_maand.values()), zero)
    allocated = budgets.order_by().aggregate(s=Sum("toegekend"))["s"] or zero
    per_maand[1]["toekenning"] += allocated - in_ledger  # the opening balance the ledger lacks
    verloop, toegekend, gereserveerd, gerealiseerd = [], zero, zero, zero
    for maand in range(1, 13):
        delta = per_maand[maand]
        toegekend += delta["toekenning"]
        gereserveerd += delta["reservering"] - delta["vrijval"] - delta["realisatie"]
        gerealiseerd += delta["realisatie"]
        verloop.append(
            {
                "maand": date(jaar, maand, 1),
                "toegekend": toegekend,
                "gereserveerd": gereserveerd,
                "gerealiseerd": gerealiseerd,
                "vrij": toegekend - gereserveerd - gerealiseerd,
            }
        )
    return verloop


# --- the auditor's desk and the budget ledger (web pages, issue 12) -----------------------------

MODELTROUW_INZIEN = (*roles.UWV_ROLES, roles.AUDITOR, roles.BEHEERDER, roles.GEMEENTE, roles.AANBIEDER)


def modeltrouw_aanbieders_for(user) -> QuerySet[Aanbieder]:
    """The providers whose audit history the user may open: every provider for the auditor, UWV,
    the beheerder and a gemeente (fidelity decides their applications); a provider its own; others
    none. Annotated with its last audit (``laatste_datum``, ``laatste_totaal``, ``laatste_band``)
    and its last banded one (``ingedeeld_datum``, ``ingedeeld_band``): one query."""
    # a duplicate from before the constraint (``dubbel_van``) never counts
    metingen = Modeltrouwmeting.objects.filter(aanbieder=OuterRef("pk"), dubbel_van__isnull=True).order_by(
        "-datum", "-id"
    )
    ingedeeld = metingen.exclude(band="")
    qs = Aanbieder.objects.annotate(
        laatste_datum=Subquery(metingen.values("datum")[:1]),
        laatste_totaal=Subquery(metingen.values("totaal")[:1]),
        laatste_band=Subquery(metingen.values("band")[:1]),
        laatste_versie=Subquery(metingen.values("versie_id")[:1]),
        ingedeeld_datum=Subquery(ingedeeld.values("datum")[:1]),
        ingedeeld_band=Subquery(ingedeeld.values("band")[:1]),
    ).order_by("naam", "id")
    if roles.has_role(user, *roles.UWV_ROLES, roles.AUDITOR, roles.BEHEERDER, roles.GEMEENTE):
        return qs
    if roles.has_role(user, roles.AANBIEDER):
        return qs.filter(pk=user_aanbieder_id(user))
    return qs.none()


def modeltrouwmetingen_for(user) -> QuerySet[Modeltrouwmeting]:
    """The audits of the providers ``modeltrouw_aanbieders_for`` gives the user."""
    qs = Modeltrouwmeting.objects.select_related("aanbieder", "versie", "geregistreerd_door").order_by("-datum", "-id")
    if roles.has_role(user, *roles.UWV_ROLES, roles.AUDITOR, roles.BEHEERDER, roles.GEMEENTE):
        return qs
    if roles.has_role(user, roles.AANBIEDER):
        return qs.filter(aanbieder_id=user_aanbieder_id(user))
    return qs.none()


def band_namen() -> dict[tuple[int, str], str]:
    """(scale version id, band code) -> the band's Dutch name, for every version: one query."""
    return {(v, c): n for v, c, n in Band.objects.values_list("versie_id", "code", "naam")}


def budgetmutaties(budget: Budget):
    """The ledger of one budget, oldest first, with who made each line: one query."""
    from .models import Budgetmutatie

    return Budgetmutatie.objects.filter(budget=budget).select_related("door").order_by("op", "id")
