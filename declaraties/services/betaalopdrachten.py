"""The weekly payment orders: made by the job, approved (four eyes above the threshold) and
confirmed as paid by UWV financieel. Every change of an order or its lines is a row of the tables
``rules.BETAALOPDRACHT`` and ``rules.PRESTATIE``, with history naming who (or which job run) did it."""

from datetime import date

from django.db import transaction
from django.db.models import Case, Count, Value, When
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_snapshot, bulk_update, record
from backoffice.models import Instellingen
from backoffice.rules import weigeren
from financiering import services as fin_services
from financiering.models import Aanbieder
from trajecten import services as traject_services

from .. import documenten, jobs
from ..models import Betaalopdracht, Prestatie
from ..permissions import accorderen_weigering, akkoord_actie, bevestigen_weigering
from ..rules import BETAALOPDRACHT, PRESTATIE, bevestiging_datum_fout
from ._common import _advisory_lock, _net_amount


@transaction.atomic
def betaalopdrachten_aanmaken(*, datum: date) -> dict[str, int]:
    """The weekly run: accepted, unpaid lines grouped per provider into one payment order. Set-based
    and idempotent: a line is taken by exactly one order (the UPDATE only takes free lines), and a
    second run for the same day finds no free lines. A provider whose credits exceed its debits
    waits for the next run. History: each new order ("aangemaakt"), each order that took more
    lines, and each line taken, in one statement per kind of move."""
    _advisory_lock("betaalopdrachten")
    free = jobs.betaalrun_regels(datum)  # the same selection as the preview on /taken/
    totals = jobs.betaalrun_totalen(datum)
    if not totals:
        return {"betaalopdrachten": 0, "regels": 0}
    drempel = Instellingen.get().vier_ogen_drempel
    ibans = dict(Aanbieder.objects.filter(pk__in=[t["aanbieder_id"] for t in totals]).values_list("pk", "iban"))
    before = set(Betaalopdracht.objects.filter(datum=datum).values_list("pk", flat=True))
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
    # Only orders nobody approved yet take lines (``jobs.betaalrun_totalen`` left the others out).
    orders = dict(
        Betaalopdracht.objects.filter(datum=datum, aanbieder_id__in=ibans)
        .exclude(pk__in=jobs.betaalopdracht_dicht(datum).values("pk"))
        .values_list("aanbieder_id", "pk")
    )
    taken = bulk_update(
        free.filter(aanbieder_id__in=orders),
        reason=f"opgenomen in de betaalopdracht van {datum:%d-%m-%Y}",
        betaalopdracht_id=Case(*[When(aanbieder_id=a, then=Value(o)) for a, o in orders.items()]),
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
    nieuw = [pk for pk in orders.values() if pk not in before]
    bulk_snapshot(
        Betaalopdracht, ids=nieuw, created=True, reason=f"aangemaakt door de wekelijkse run ({datum:%d-%m-%Y})"
    )
    bulk_snapshot(
        Betaalopdracht,
        ids=[pk for pk in orders.values() if pk in before],
        reason=f"regels bijgeschreven door de wekelijkse run ({datum:%d-%m-%Y})",
    )
    return {"betaalopdrachten": len(nieuw), "regels": taken}


@transaction.atomic
def betaalopdracht_accorderen(*, by, opdracht: Betaalopdracht) -> Betaalopdracht:
    """Approve an order; above the threshold a second, different UWV financieel must approve too."""
    opdracht = Betaalopdracht.objects.select_for_update().get(pk=opdracht.pk)
    weigeren(accorderen_weigering(by, opdracht))
    actie = akkoord_actie(opdracht)
    now = timezone.now()
    if opdracht.eerste_akkoord_door_id is None:
        opdracht.eerste_akkoord_door, opdracht.eerste_akkoord_op = by, now
        wat = "eerste akkoord (een tweede akkoord is nodig)" if actie == "eerste_akkoord" else "geaccordeerd"
    else:
        opdracht.tweede_akkoord_door, opdracht.tweede_akkoord_op = by, now
        wat = "tweede akkoord: geaccordeerd"
    opdracht.status = BETAALOPDRACHT.volgende(actie, opdracht.status)
    record(opdracht, by=by, reason=wat)
    opdracht.save()
    return opdracht


@transaction.atomic
def betaalopdracht_bevestigen(*, by, opdracht: Betaalopdracht, datum: date) -> Betaalopdracht:
    """The bank executed the order: its lines become paid, budgets move from committed to
    realised (financiering's ledger), trajectories' paid totals grow. A second confirmation
    answers 409."""
    opdracht = Betaalopdracht.objects.select_for_update().get(pk=opdracht.pk)
    weigeren(bevestigen_weigering(by, opdracht))
    fout = bevestiging_datum_fout(datum=datum, opdrachtdatum=opdracht.datum, vandaag=timezone.localdate())
    if fout:
        raise BusinessRuleError(code=fout[0], message=fout[1], status=400, field="datum")
    lines = Prestatie.objects.filter(
        betaalopdracht=opdracht, betaald_op__isnull=True, status__in=PRESTATIE.van("betalen")
    )
    # paid: new work for the monthly claims run (Prestatie.vordering_verwerkt)
    bulk_update(lines, reason=f"betaald op {datum:%d-%m-%Y}", by=by, betaald_op=datum, vordering_verwerkt=False)
    paid = Prestatie.objects.filter(betaalopdracht=opdracht)
    per_traject = dict(paid.values("traject_id").annotate(s=_net_amount()).values_list("traject_id", "s"))
    traject_services.traject_add_amounts(
        field="betaald", amounts=per_traject, reason=f"Betaald bijgewerkt: betaald op {datum:%d-%m-%Y}", by=by
    )
    per_budget = dict(
        paid.filter(traject__aanvraag__budget__isnull=False)
        .values("traject__aanvraag__budget_id")
        .annotate(s=_net_amount())
        .values_list("traject__aanvraag__budget_id", "s")
    )
    fin_services.budget_realiseren(
        amounts=per_budget, by=by, omschrijving=f"Betaalopdracht {opdracht.uuid}", object_uuid=opdracht.uuid
    )
    opdracht.status = BETAALOPDRACHT.volgende("bevestigen", opdracht.status)
    opdracht.uitgevoerd_op, opdracht.bevestigd_door = datum, by
    record(opdracht, by=by, reason=f"betaling bevestigd op {datum:%d-%m-%Y}")
    opdracht.save()
    documenten.betaalspecificatie_vastleggen(opdracht=opdracht, by=by)
    return opdracht
