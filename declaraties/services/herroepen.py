"""Revocations that reach the money, after a well-founded objection (``bezwaren``, Awb 7:11), in
the caller's transaction: the declaration lines of a revoked grant, a revoked line judgement and
a revoked final settlement. Each a row of ``rules.PRESTATIE`` (``herroepen``,
``afwijzen_na_herroeping``) with a history reason naming the objection; the trajectory's own part
is ``trajecten.services.herroepen``.

Lines already paid are never undone here: after a revoked grant their amount is stated as to be
recovered (the recovery runs outside the desk); a paid line's judgement is not revoked (a
correction is a credit line, as always). A line in a payment order that is not paid yet blocks
the revocation until the order is paid (``herroepen-betaalopdracht-open``): the approval of the
order was for the amount that was seen."""

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_update, record
from backoffice.opmaak import euro
from financiering import services as fin_services
from trajecten import services as traject_services
from trajecten.models import Aanvraag, Traject
from trajecten.services import herroepen as traject_herroepen

from ..models import Prestatie
from ..rules import PRESTATIE
from ._common import ZERO
from .eindverslag import vrijval

RETOURCODE_HERROEPEN = "IPS05"


def _betaalopdracht_open_weigering(lines) -> None:
    if lines.filter(betaalopdracht__isnull=False, betaald_op__isnull=True).exists():
        raise BusinessRuleError(
            code="herroepen-betaalopdracht-open",
            message="Een regel van dit besluit staat in een betaalopdracht die nog niet is betaald. "
            "Beslis op het bezwaar nadat de betaling is bevestigd.",
        )


@transaction.atomic
def goedkeuring_herroepen(*, by, aanvraag: Aanvraag, reden: str) -> dict:
    """A revoked grant: every unpaid line of the trajectory (waiting, or accepted and not in a
    payment order) is rejected with return code IPS05 (accepted amounts leave ``gedeclareerd``),
    then the trajectory is revoked (its remaining commitment released) and the application is back
    to ``ingediend`` (``trajecten.services.herroepen.traject_herroepen``)."""
    traject = Traject.objects.select_for_update().get(aanvraag_id=aanvraag.pk)
    lines = Prestatie.objects.filter(traject=traject)
    # lock every line (a lazy select_for_update locks nothing), so that the sums below and the
    # update see the same rows as a judgement or payment order running at the same time
    list(lines.select_for_update().values_list("pk", flat=True))
    _betaalopdracht_open_weigering(lines)
    unpaid = Prestatie.objects.filter(
        traject=traject, betaalopdracht__isnull=True, status__in=PRESTATIE.van("afwijzen_na_herroeping")
    )
    accepted = unpaid.filter(status="toegekend").aggregate(
        d=Coalesce(Sum("toegekend_bedrag", filter=Q(debet_credit="D")), ZERO),
        c=Coalesce(Sum("toegekend_bedrag", filter=Q(debet_credit="C")), ZERO),
    )
    n = bulk_update(
        unpaid,
        reason=reden,
        by=by,
        status="afgewezen",
        toegekend_bedrag=ZERO,
        retourcodes=[RETOURCODE_HERROEPEN],
        beoordeeld_door=by,
        beoordeeld_op=timezone.now(),
        beoordeling_toelichting=f"{RETOURCODE_HERROEPEN}: {reden}",
    )
    netto = accepted["d"] - accepted["c"]
    if netto:
        traject_services.traject_add_amounts(
            field="gedeclareerd", amounts={traject.pk: -netto}, reason=f"Gedeclareerd bijgewerkt: {reden}", by=by
        )
    gevolgen = traject_herroepen.traject_herroepen(by=by, traject=traject, reden=reden)
    if n:
        gevolgen["tekst"].insert(
            1, f"{n} nog niet betaalde declaratieregel(s) zijn afgewezen met retourcode {RETOURCODE_HERROEPEN}."
        )
    gevolgen["regelsAfgewezen"] = n
    return gevolgen


@transaction.atomic
def prestatie_herroepen(*, by, prestatie: Prestatie, reden: str) -> dict:
    """A revoked line judgement: the line goes back to ``in_behandeling`` for a new judgement by a
    UWV beoordelaar (``prestaties_beoordelen``). An accepted line leaves ``gedeclareerd``; a line of
    a settled trajectory is committed again (a waiting line stays committed at settlement). A paid
    line is refused (``herroepen-regel-betaald``); one in an unpaid order waits for the payment."""
    prestatie = (
        Prestatie.objects.select_for_update(of=("self",)).select_related("traject__aanvraag").get(pk=prestatie.pk)
    )
    if prestatie.betaald_op is not None:
        raise BusinessRuleError(
            code="herroepen-regel-betaald",
            message="Deze regel is al betaald; de beoordeling wordt niet herroepen. Een correctie loopt via "
            "een creditregel en een nieuwe debetregel van de aanbieder.",
        )
    _betaalopdracht_open_weigering(Prestatie.objects.filter(pk=prestatie.pk))
    was = prestatie.status
    prestatie.status = PRESTATIE.volgende("herroepen", prestatie.status)
    bedrag = prestatie.toegekend_bedrag
    prestatie.toegekend_bedrag = ZERO
    prestatie.beoordeeld_door = None
    prestatie.beoordeeld_op = None
    prestatie.beoordeling_toelichting = ""
    prestatie.retourcodes = []  # the revoked judgement's codes (IPS01 ...) no longer stand; history keeps them
    record(prestatie, by=by, reason=reden)
    try:
        with transaction.atomic():
            prestatie.save()
    except IntegrityError:  # the provider declared the same product again after the rejection
        raise BusinessRuleError(
            code="herroepen-niet-mogelijk",
            message="De aanbieder heeft dit product na de afwijzing opnieuw gedeclareerd; beoordeel die regel.",
        ) from None
    traject = prestatie.traject
    tekst = [
        f"De beoordeling van declaratieregel {prestatie.product_referentie} ({was}) is herroepen; de regel wacht "
        "op een nieuwe beoordeling."
    ]
    if was == "toegekend" and traject is not None and bedrag:
        traject_services.traject_add_amounts(
            field="gedeclareerd", amounts={traject.pk: -bedrag}, reason=f"Gedeclareerd bijgewerkt: {reden}", by=by
        )
    if was == "afgewezen" and traject is not None and traject.status == "afgesloten" and traject.aanvraag.budget_id:
        fin_services.budget_commit(
            budget_id=traject.aanvraag.budget_id,
            bedrag=prestatie.ingediend_bedrag,
            by=by,
            omschrijving=f"Herroeping beoordeling regel {prestatie.product_referentie}",
            object_uuid=prestatie.uuid,
        )
        tekst.append(f"Op het budget van de gemeente is {euro(prestatie.ingediend_bedrag)} opnieuw gereserveerd.")
    return {"tekst": tekst, "prestatie": prestatie.status}


@transaction.atomic
def vaststelling_herroepen(*, by, traject: Traject, reden: str) -> dict:
    """A revoked final settlement: the trajectory re-opened, and what the settlement released
    committed again, so that a new end report makes a new settlement."""
    traject = Traject.objects.select_for_update().get(pk=traject.pk)
    return traject_herroepen.traject_heropenen(by=by, traject=traject, reden=reden, opnieuw_reserveren=vrijval(traject))


__all__ = ["goedkeuring_herroepen", "prestatie_herroepen", "vaststelling_herroepen"]
