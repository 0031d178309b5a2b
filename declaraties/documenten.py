"""The documents of claims and payment orders (docs/documenten.md): who may see them (the
resolvers registered in ``apps.py``) and the context of each document."""

from django.db.models import Case, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from backoffice import roles
from backoffice.documenten import document_maken
from backoffice.models import Document
from financiering.selectors import user_aanbieder_id
from trajecten import documenten as td
from trajecten.models import Traject

from . import selectors
from .models import ZERO, Betaalopdracht, Prestatie


def vordering_zichtbaar(user, uuid) -> bool:
    return selectors.vorderingen_for(user).filter(uuid=uuid).exists()


def betaalopdracht_zichtbaar(user, uuid) -> bool:
    """UWV (as ``betaalopdrachten_for``) and the provider the order pays: the payment
    specification is the provider's document."""
    if selectors.betaalopdrachten_for(user).filter(uuid=uuid).exists():
        return True
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = user_aanbieder_id(user)
        return aanbieder_id is not None and Betaalopdracht.objects.filter(uuid=uuid, aanbieder_id=aanbieder_id).exists()
    return False


# --- the final settlement --------------------------------------------------------------------------


def _bedragen_traject(traject) -> dict:
    """What the final settlement states, from the declaration lines (net: credits subtract)."""
    lines = Prestatie.objects.filter(traject=traject)
    signed = Case(When(debet_credit="C", then=-F("ingediend_bedrag")), default=F("ingediend_bedrag"))
    totals = lines.aggregate(
        gedeclareerd=Coalesce(Sum(signed), ZERO),
        afgewezen=Coalesce(Sum("ingediend_bedrag", filter=Q(status="afgewezen", debet_credit="D")), ZERO),
        in_behandeling=Coalesce(Sum("ingediend_bedrag", filter=Q(status="in_behandeling", debet_credit="D")), ZERO),
    )
    toegekend = traject.gedeclareerd
    vastgesteld = toegekend + totals["in_behandeling"]
    return {
        **totals,
        "toegekend": toegekend,
        "vastgesteld": vastgesteld,
        "betaald": traject.betaald,
        "nog_te_betalen": max(toegekend - traject.betaald, ZERO),
        "niet_besteed": max(traject.maximaal_bedrag - vastgesteld, ZERO),
    }


def vaststelling_vastleggen(*, verslag, by=None) -> Document:
    """The final settlement (vaststellingsbeschikking) of a trajectory, made with the end report:
    the maximum, what was declared, approved, refused and still waits, the amount settled and the
    amount released to the gemeente's budget; by the funder of the route, with the objection clause."""
    traject = Traject.objects.select_related(
        "aanvraag__budget__regeling", "regeling", "perceel", "gemeente", "aanbieder", "uitvoerder", "deelnemer"
    ).get(pk=verslag.traject_id)
    stap = "gemeente" if traject.route == "gemeente" else "uwv"
    orgaan = td.gemeente_orgaan(traject.gemeente) if stap == "gemeente" else td.UWV_NAAM
    context = {
        "traject": traject,
        "aanvraag": traject.aanvraag,
        "verslag": verslag,
        "kenmerk": td.kenmerk_traject(traject),
        "deelnemer_naam": td.deelnemer_naam(traject),
        "maximaal_bedrag": traject.maximaal_bedrag,
        "vrijgevallen": verslag.vrijgevallen_bedrag,
        "budget": traject.aanvraag.budget,
        "afzender": td.afzender(stap, traject.gemeente),
        "ontvanger": td.ontvanger(traject.aanbieder),
        "orgaan_naam": orgaan,
        "ondertekening": f"Namens {orgaan}: vastgesteld bij het beëindigingsverslag van "
        f"{timezone.localtime(verslag.op):%d-%m-%Y}"
        if verslag.op
        else f"Namens {orgaan}",
        **_bedragen_traject(traject),
        **td.bezwaar(orgaan),
    }
    return document_maken(
        soort=Document.Soort.VASTSTELLINGSBESCHIKKING,
        object=traject,
        template="declaraties/documenten/vaststellingsbeschikking.html",
        context=context,
        titel="Vaststellingsbeschikking IPS-traject",
        by=by,
        sleutel=str(verslag.uuid),
        deelnemer_uuid=traject.deelnemer.uuid,
    )


# --- the payment specification ---------------------------------------------------------------------


def iban_gemaskeerd(iban: str) -> str:
    """``NL91ABNA0417164300`` -> ``NL** **** **** **43 00``: enough for the provider to recognise."""
    schoon = (iban or "").replace(" ", "")
    if len(schoon) < 8:
        return "****"
    return f"{schoon[:2]}** **** **** **{schoon[-4:-2]} {schoon[-2:]}"


def betaalspecificatie_vastleggen(*, opdracht, by=None) -> Document:
    """The payment specification of a payment order for the provider, when the bank's execution
    is confirmed: which lines were paid (declaratieNummer, productReferentie, toewijzingNummer,
    period, amount), the totals and the masked IBAN. No personal data: the numbers only."""
    regels = list(
        Prestatie.objects.filter(betaalopdracht=opdracht)
        .select_related("declaratie")
        .order_by("toewijzing_nummer", "begindatum", "id")
    )
    debet = sum((r.toegekend_bedrag for r in regels if r.debet_credit == "D"), ZERO)
    credit = sum((r.toegekend_bedrag for r in regels if r.debet_credit == "C"), ZERO)
    context = {
        "opdracht": opdracht,
        "regels": regels,
        "totaal_debet": debet,
        "totaal_credit": credit,
        "totaal": debet - credit,
        "iban": iban_gemaskeerd(opdracht.iban),
        "afzender": {"naam": td.UWV_NAAM, "regels": td.UWV_REGELS},
        "ontvanger": td.ontvanger(opdracht.aanbieder),
        "kenmerk": f"IPS-B-{opdracht.uuid.hex[:8].upper()}",
        "orgaan_naam": td.UWV_NAAM,
        "ondertekening": "UWV, betalingen IPS-trajecten",
    }
    return document_maken(
        soort=Document.Soort.BETAALSPECIFICATIE,
        object=opdracht,
        template="declaraties/documenten/betaalspecificatie.html",
        context=context,
        titel=f"Betaalspecificatie {opdracht.aanbieder.naam} {opdracht.uitgevoerd_op or opdracht.datum:%d-%m-%Y}",
        by=by,
    )
