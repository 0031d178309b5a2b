"""The weekly payment orders: made by the job, approved (four eyes above the threshold) and
confirmed as paid by UWV financieel."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, Count, F, Value, When
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen
from financiering.models import Aanbieder, Budget, Budgetmutatie
from trajecten import services as traject_services

from ..models import Betaalopdracht, Prestatie
from ._common import ZERO, _advisory_lock, _net_amount


@transaction.atomic
def betaalopdrachten_aanmaken(*, datum: date) -> dict[str, int]:
    """The weekly run: accepted, unpaid lines grouped per provider into one payment order. Set-based
    and idempotent: a line is taken by exactly one order (the UPDATE only takes free lines), and a
    second run for the same day finds no free lines. A provider whose credits exceed its debits
    waits for the next run."""
    _advisory_lock("betaalopdrachten")
    free = Prestatie.objects.filter(
        status="toegekend", betaalopdracht__isnull=True, declaratie__ingediend_op__date__lte=datum
    )
    totals = list(free.values("aanbieder_id").annotate(bedrag=_net_amount(), n=Count("id")).filter(bedrag__gt=0))
    if not totals:
        return {"betaalopdrachten": 0, "regels": 0}
    drempel = Instellingen.get().vier_ogen_drempel
    ibans = dict(Aanbieder.objects.filter(pk__in=[t["aanbieder_id"] for t in totals]).values_list("pk", "iban"))
    before = Betaalopdracht.objects.filter(datum=datum).count()
    Betaalopdracht.objects.bulk_create(
        [
            Betaalopdracht(
                aanbieder_id=t["aanbieder_id"],
                datum=datum,
                bedrag=t["bedrag"],
                aantal_regels=t["n"],
                iban=ibans[t["aanbieder_id"]],
                akkoorden_nodig=2 if t["bedrag"] > drempel else 1,
            )
            for t in totals
        ],
        ignore_conflicts=True,
    )
    # Only orders nobody approved yet take lines: an approval is for the amount that was seen.
    orders = dict(
        Betaalopdracht.objects.filter(
            datum=datum, aanbieder_id__in=ibans, status="te_accorderen", eerste_akkoord_door__isnull=True
        ).values_list("aanbieder_id", "pk")
    )
    taken = free.filter(aanbieder_id__in=orders).update(
        betaalopdracht_id=Case(*[When(aanbieder_id=a, then=Value(o)) for a, o in orders.items()])
    )
    # Totals from what was really taken, for all orders in one statement.
    rows = list(
        Prestatie.objects.filter(betaalopdracht_id__in=orders.values())
        .values("betaalopdracht_id")
        .annotate(bedrag=_net_amount(), n=Count("id"))
    )
    Betaalopdracht.objects.filter(pk__in=[r["betaalopdracht_id"] for r in rows]).update(
        bedrag=Case(*[When(pk=r["betaalopdracht_id"], then=Value(r["bedrag"])) for r in rows]),
        aantal_regels=Case(*[When(pk=r["betaalopdracht_id"], then=Value(r["n"])) for r in rows]),
        akkoorden_nodig=Case(
            *[When(pk=r["betaalopdracht_id"], then=Value(2 if r["bedrag"] > drempel else 1)) for r in rows]
        ),
    )
    return {"betaalopdrachten": Betaalopdracht.objects.filter(datum=datum).count() - before, "regels": taken}


@transaction.atomic
def betaalopdracht_accorderen(*, by, opdracht: Betaalopdracht) -> Betaalopdracht:
    """Approve an order; above the threshold a second, different UWV financieel must approve too."""
    roles.require_role(by, roles.UWV_FINANCIEEL)
    opdracht = Betaalopdracht.objects.select_for_update().get(pk=opdracht.pk)
    if opdracht.status != "te_accorderen":
        raise BusinessRuleError(code="ongeldige-status", message="Deze betaalopdracht is al geaccordeerd.")
    now = timezone.now()
    if opdracht.eerste_akkoord_door_id is None:
        opdracht.eerste_akkoord_door, opdracht.eerste_akkoord_op = by, now
    elif opdracht.eerste_akkoord_door_id == by.pk:
        raise BusinessRuleError(
            code="vier-ogen",
            message=f"Boven EUR {Instellingen.get().vier_ogen_drempel:.2f} moet een tweede medewerker akkoord geven.",
            status=403,
        )
    else:
        opdracht.tweede_akkoord_door, opdracht.tweede_akkoord_op = by, now
    akkoorden = 1 + (opdracht.tweede_akkoord_door_id is not None)
    if akkoorden >= opdracht.akkoorden_nodig:
        opdracht.status = "geaccordeerd"
    opdracht.save()
    return opdracht


@transaction.atomic
def betaalopdracht_bevestigen(*, by, opdracht: Betaalopdracht, datum: date) -> Betaalopdracht:
    """The bank executed the order: its lines become paid, budgets move from committed to
    realised, trajectories' paid totals grow. A second confirmation answers 409."""
    roles.require_role(by, roles.UWV_FINANCIEEL)
    opdracht = Betaalopdracht.objects.select_for_update().get(pk=opdracht.pk)
    if opdracht.status == "betaald":
        raise BusinessRuleError(code="al-bevestigd", message="Deze betaalopdracht is al als betaald bevestigd.")
    if opdracht.status != "geaccordeerd":
        raise BusinessRuleError(code="ongeldige-status", message="Een betaalopdracht wordt eerst geaccordeerd.")
    if datum > timezone.localdate() or datum < opdracht.datum:
        raise BusinessRuleError(
            code="datum-ongeldig",
            message=f"De uitvoeringsdatum ligt tussen de opdrachtdatum ({opdracht.datum:%Y-%m-%d}) en vandaag.",
            status=400,
            field="datum",
        )
    lines = Prestatie.objects.filter(betaalopdracht=opdracht, betaald_op__isnull=True)
    lines.update(betaald_op=datum)
    paid = Prestatie.objects.filter(betaalopdracht=opdracht)
    per_traject = dict(paid.values("traject_id").annotate(s=_net_amount()).values_list("traject_id", "s"))
    traject_services.traject_add_amounts(field="betaald", amounts=per_traject)
    per_budget = dict(
        paid.filter(traject__aanvraag__budget__isnull=False)
        .values("traject__aanvraag__budget_id")
        .annotate(s=_net_amount())
        .values_list("traject__aanvraag__budget_id", "s")
    )
    budget_realise(amounts=per_budget, by=by, omschrijving=f"Betaalopdracht {opdracht.uuid}", object_uuid=opdracht.uuid)
    opdracht.status, opdracht.uitgevoerd_op, opdracht.bevestigd_door = "betaald", datum, by
    opdracht.save()
    return opdracht


def budget_realise(*, amounts: dict[int, Decimal], by, omschrijving: str, object_uuid) -> None:
    """Move paid amounts from committed to realised, for many budgets in one statement."""
    amounts = {k: v for k, v in amounts.items() if v}
    if not amounts:
        return
    delta = Case(*[When(pk=k, then=Value(v)) for k, v in amounts.items()], default=Value(ZERO))
    Budget.objects.filter(pk__in=amounts).update(
        gereserveerd=F("gereserveerd") - delta, gerealiseerd=F("gerealiseerd") + delta
    )
    Budgetmutatie.objects.bulk_create(
        Budgetmutatie(
            budget_id=k, soort="realisatie", bedrag=v, omschrijving=omschrijving, object_uuid=object_uuid, door=by
        )
        for k, v in amounts.items()
    )
