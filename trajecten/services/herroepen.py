"""Revocations after a well-founded objection (``bezwaren``, Awb 7:11): the decision is revoked
with all its effects here, in the caller's transaction, and a new decision is opened. One service
per revocation, each a row of the tables in ``rules.py`` (``AANVRAAG``, ``TRAJECT``,
``VERLENGING``: action ``herroepen``/``heropenen``/``verlenging_herroepen``/``herstarten``), with a
history reason naming the objection ("herroepen na gegrond bezwaar BZ-000042").

Each returns what it changed, for the objection's record, page and document: ``tekst`` (Dutch
sentences) and the amounts as strings."""

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.history import record
from backoffice.models import Instellingen
from backoffice.opmaak import euro
from backoffice.rules import weigeren
from financiering import rules as fin
from financiering import services as fin_services

from .. import rules
from ..models import Aanvraag, Besluit, Eindverslag, Stopbericht, Traject, Verlenging

ZERO = Decimal("0.00")


def _conflict(message: str) -> BusinessRuleError:
    return BusinessRuleError(code="herroepen-niet-mogelijk", message=message)


def _aanvraag_terug(*, by, aanvraag: Aanvraag, reden: str) -> str:
    """The application back to ``ingediend`` for a new decision by the body that decides first on
    its route, with a new decision term; its decisions stay, revoked."""
    aanvraag.status = rules.AANVRAAG.volgende("herroepen", aanvraag.status)
    now = timezone.now()
    Besluit.objects.filter(aanvraag=aanvraag, herroepen_op__isnull=True).update(
        herroepen_op=now, herroepen_reden=reden[:200]
    )
    aanvraag.beslis_deadline = rules.beslis_deadline(aanvraag.route, timezone.localdate(now), Instellingen.get())
    aanvraag.afgehandeld_op = None
    aanvraag.budget = None
    record(aanvraag, by=by, reason=reden)
    try:
        with transaction.atomic():
            aanvraag.save()
    except IntegrityError:  # een_open_aanvraag_per_deelnemer_per_aanbieder
        raise _conflict(
            "Voor deze deelnemer loopt al een nieuwe aanvraag van de aanbieder; de oude aanvraag kan niet "
            "opnieuw in behandeling. Beslis op de nieuwe aanvraag."
        ) from None
    return f"De aanvraag is opnieuw in behandeling; er wordt uiterlijk {aanvraag.beslis_deadline:%d-%m-%Y} opnieuw op beslist."


@transaction.atomic
def afwijzing_herroepen(*, by, aanvraag: Aanvraag, reden: str) -> dict:
    """A refused application: back to ``ingediend``; the body decides again through the normal
    ``aanvraag_decide`` (which commits the budget on approval). Nothing was committed after a
    refusal (a refusal after the beschikking released it), so no money moves."""
    aanvraag = Aanvraag.objects.select_for_update().get(pk=aanvraag.pk)
    if aanvraag.status != "afgewezen":
        raise rules.AANVRAAG.weigering("herroepen", aanvraag.status)
    tekst = ["De afwijzing van de aanvraag is herroepen.", _aanvraag_terug(by=by, aanvraag=aanvraag, reden=reden)]
    return {"tekst": tekst, "aanvraag": aanvraag.status, "beslisDeadline": aanvraag.beslis_deadline.isoformat()}


@transaction.atomic
def traject_herroepen(*, by, traject: Traject, reden: str) -> dict:
    """An approved application's trajectory after its grant is revoked: the trajectory becomes
    ``herroepen``, what is still committed for it (maximum minus what was paid) is released from
    the gemeente's budget, an open extension request is refused, and the application goes back to
    ``ingediend`` for a new decision. What was already paid is stated as to be recovered
    (``terug_te_vorderen``; the recovery itself runs outside the desk). The money module rejects
    the unpaid declaration lines first (``declaraties.services.herroepen``)."""
    traject = Traject.objects.select_for_update().select_related("aanvraag").get(pk=traject.pk)
    aanvraag = Aanvraag.objects.select_for_update().get(pk=traject.aanvraag_id)
    vorige = traject.status
    traject.status = rules.TRAJECT.volgende("herroepen", traject.status)
    vrijval = ZERO
    if aanvraag.budget_id:
        vrijval = rules.vrijval_bij_herroepen(traject.maximaal_bedrag, traject.betaald)
        if vrijval > 0:
            fin_services.budget_release(
                budget_id=aanvraag.budget_id,
                bedrag=vrijval,
                by=by,
                omschrijving=f"Herroeping traject {traject.toewijzing_nummer} ({reden})"[:200],
                object_uuid=traject.uuid,
            )
    for verlenging in Verlenging.objects.select_for_update().filter(traject=traject, status="aangevraagd"):
        verlenging.status = rules.VERLENGING.volgende("afwijzen", verlenging.status)
        verlenging.besluit_door = by
        verlenging.besluit_op = timezone.now()
        verlenging.besluit_toelichting = f"Vervallen: het traject is {reden}."
        record(verlenging, by=by, reason=reden)
        verlenging.save()
    if traject.einddatum is None or traject.einddatum > timezone.localdate():
        traject.einddatum = max(timezone.localdate(), traject.startdatum)
    record(traject, by=by, reason=reden)
    traject.save()
    tekst = [f"Het traject {traject.toewijzing_nummer} is herroepen (was: {vorige})."]
    if vrijval > 0:
        tekst.append(f"De reservering van {euro(vrijval)} op het budget van de gemeente is vrijgevallen.")
    if traject.betaald > 0:
        tekst.append(f"Al betaald en terug te vorderen: {euro(traject.betaald)}.")
    tekst.append(_aanvraag_terug(by=by, aanvraag=aanvraag, reden=reden))
    return {
        "tekst": tekst,
        "traject": traject.status,
        "aanvraag": aanvraag.status,
        "vrijgevallen": str(vrijval),
        "terug_te_vorderen": str(traject.betaald),
        "beslisDeadline": aanvraag.beslis_deadline.isoformat(),
    }


def traject_herstarten(*, by, traject: Traject, startdatum: date, aanvraag: Aanvraag) -> Traject:
    """A new approval of an application whose earlier approval was revoked: the revoked trajectory
    (one per application, the same toewijzingNummer) starts again under the new decision, with
    the new start, its base term and the application's price; the revoked decision's extensions
    and stop notice belong to the old decision and no longer count."""
    traject.status = rules.TRAJECT.volgende("herstarten", traject.status)
    traject.startdatum = startdatum
    traject.einddatum_gepland = fin.planned_end(startdatum, aanvraag.perceel.basisduur_maanden)
    traject.einddatum = None
    traject.verlengd_maanden = 0
    traject.verlenging_bedrag = ZERO
    traject.trajectprijs = aanvraag.bedrag
    traject.trajectbegeleider_id = aanvraag.trajectbegeleider_id
    traject.goedgekeurd_door = by
    Stopbericht.objects.filter(traject=traject).delete()
    record(traject, by=by, reason="opnieuw gestart na een nieuw besluit op de aanvraag")
    traject.save()
    return traject


@transaction.atomic
def verlenging_herroepen(*, by, verlenging: Verlenging, reden: str) -> dict:
    """A refused extension: back to ``aangevraagd`` for a new decision. An approved extension: the
    planned end moves back, the extra commitment is released, and the request is back to
    ``aangevraagd`` (``verlenging_decide`` decides again). A settled trajectory is first re-opened
    by an objection against its settlement."""
    traject = Traject.objects.select_for_update().select_related("perceel", "aanvraag").get(pk=verlenging.traject_id)
    verlenging = Verlenging.objects.select_for_update().get(pk=verlenging.pk)
    was = verlenging.status
    verlenging.status = rules.VERLENGING.volgende("herroepen", verlenging.status)
    tekst = []
    vrijval = ZERO
    if was == "goedgekeurd":
        traject.status = rules.TRAJECT.volgende("verlenging_herroepen", traject.status)
        traject.verlengd_maanden -= verlenging.maanden
        traject.verlenging_bedrag -= verlenging.bedrag
        traject.einddatum_gepland = fin.planned_end(
            traject.startdatum, traject.perceel.basisduur_maanden, traject.verlengd_maanden
        )
        if traject.aanvraag.budget_id and verlenging.bedrag > 0:
            vrijval = verlenging.bedrag
            fin_services.budget_release(
                budget_id=traject.aanvraag.budget_id,
                bedrag=vrijval,
                by=by,
                omschrijving=f"Herroeping verlenging traject {traject.toewijzing_nummer}",
                object_uuid=verlenging.uuid,
            )
        record(traject, by=by, reason=reden)
        traject.save()
        tekst.append(
            f"De verlenging met {verlenging.maanden} maanden is herroepen: de geplande einddatum van traject "
            f"{traject.toewijzing_nummer} is weer {traject.einddatum_gepland:%d-%m-%Y}."
        )
        if vrijval:
            tekst.append(f"De extra reservering van {euro(vrijval)} is vrijgevallen.")
    else:
        tekst.append("De afwijzing van de verlenging is herroepen.")
    verlenging.besluit_door = None
    verlenging.besluit_op = None
    verlenging.besluit_toelichting = ""
    record(verlenging, by=by, reason=reden)
    try:
        with transaction.atomic():
            verlenging.save()
    except IntegrityError:  # een_open_verlenging
        raise _conflict("Voor dit traject loopt al een ander verzoek tot verlenging; beslis daar eerst op.") from None
    tekst.append("Het verzoek tot verlenging is opnieuw in behandeling.")
    return {"tekst": tekst, "verlenging": verlenging.status, "traject": traject.status, "vrijgevallen": str(vrijval)}


@transaction.atomic
def traject_heropenen(*, by, traject: Traject, reden: str, opnieuw_reserveren: Decimal) -> dict:
    """A revoked final settlement: the trajectory goes back from ``afgesloten`` to the state it was
    closed from (``beeindigd`` after a stop notice, else ``looptijd_verstreken``), what the
    settlement released is committed again (``opnieuw_reserveren``, computed by the money module;
    refused with ``budget-ontoereikend`` when the budget no longer has room), and the end report is
    removed (its content stays in the objection's record) so that a new one makes a new settlement."""
    traject = Traject.objects.select_for_update().select_related("aanvraag").get(pk=traject.pk)
    heeft_stop = Stopbericht.objects.filter(traject=traject).exists()
    traject.status = rules.TRAJECT.volgende(
        "heropenen", traject.status, naar="beeindigd" if heeft_stop else "looptijd_verstreken"
    )
    if not heeft_stop:
        traject.einddatum = None
    verslag = Eindverslag.objects.filter(traject=traject).first()
    weigeren(None if verslag else _conflict("Dit traject heeft geen vaststelling om te herroepen."))
    if traject.aanvraag.budget_id and opnieuw_reserveren > 0:
        fin_services.budget_commit(
            budget_id=traject.aanvraag.budget_id,
            bedrag=opnieuw_reserveren,
            by=by,
            omschrijving=f"Herroeping vaststelling traject {traject.toewijzing_nummer}",
            object_uuid=traject.uuid,
        )
    eindverslag = {
        "uitkomst": verslag.uitkomst,
        "toelichting": verslag.toelichting,
        "urenBesteed": verslag.uren_besteed,
        "vrijgevallenBedrag": str(verslag.vrijgevallen_bedrag),
        "op": verslag.op.isoformat(),
        "door": verslag.door_id,
    }
    verslag.delete()
    record(traject, by=by, reason=reden)
    traject.save()
    tekst = [
        f"De vaststelling van traject {traject.toewijzing_nummer} is herroepen; het traject is weer "
        f"'{traject.get_status_display().lower()}' en wacht op een nieuw eindverslag voor een nieuwe vaststelling."
    ]
    if traject.aanvraag.budget_id and opnieuw_reserveren > 0:
        tekst.append(f"Op het budget van de gemeente is {euro(opnieuw_reserveren)} opnieuw gereserveerd.")
    return {
        "tekst": tekst,
        "traject": traject.status,
        "opnieuwGereserveerd": str(opnieuw_reserveren),
        "eindverslag": eindverslag,
    }
