"""The documents of applications and trajectories (docs/documenten.md): who may see them (the
resolvers registered in ``apps.py``) and the context of each document, built here so that a
service only adds one call per decision (``backoffice.documenten.document_maken`` underneath).

Privacy (docs/privacy.md, "Documenten"): no document states a BSN, a date of birth or a diagnosis.
On the UWV route the participant is named by initials and surname; on the gemeente route, where
UWV reads the documents too, only by the application number and the toewijzingNummer."""

from decimal import Decimal

from django.utils import timezone

from backoffice.documenten import document_maken
from backoffice.models import Document
from financiering import rules as fin
from financiering.selectors import geldig_mandaat

from . import rules, selectors
from .models import Aanvraag, Besluit, Traject

UWV_NAAM = "UWV"
UWV_REGELS = ["Uitvoeringsinstituut Werknemersverzekeringen"]


def aanvraag_zichtbaar(user, uuid) -> bool:
    return selectors.aanvragen_for(user).filter(uuid=uuid).exists()


def traject_zichtbaar(user, uuid) -> bool:
    return selectors.trajecten_for(user).filter(uuid=uuid).exists()


# --- the parts every document shares ------------------------------------------------------------


def gemeente_orgaan(gemeente) -> str:
    return f"het college van burgemeester en wethouders van {gemeente.naam}"


def afzender(route_of_stap: str, gemeente) -> dict:
    """The letterhead: the gemeente for its own decisions, UWV for UWV's."""
    if route_of_stap == "gemeente":
        return {"naam": f"Gemeente {gemeente.naam}", "regels": [f"Gemeentecode {gemeente.code}"]}
    return {"naam": UWV_NAAM, "regels": UWV_REGELS}


def ontvanger(aanbieder) -> dict:
    regels = [f"KvK {aanbieder.kvk_nummer}"] if getattr(aanbieder, "kvk_nummer", "") else []
    return {"naam": aanbieder.naam, "regels": regels}


def deelnemer_naam(obj) -> str:
    """How a document names the participant: initials and surname on the UWV route; nothing on the
    gemeente route (the numbers identify the case)."""
    if obj.route == "gemeente":
        return ""
    deelnemer = obj.deelnemer
    if deelnemer.geanonimiseerd_op:
        return ""
    return f"{deelnemer.voorletters} {deelnemer.achternaam}".strip()


def kenmerk_aanvraag(aanvraag) -> str:
    return f"IPS-A-{aanvraag.uuid.hex[:8].upper()}"


def kenmerk_traject(traject) -> str:
    return f"IPS-T-{traject.toewijzing_nummer}"


def bezwaar(orgaan: str) -> dict:
    return {"bezwaar_orgaan": orgaan, "bezwaar_uiterlijk": rules.bezwaartermijn_einde(timezone.localdate())}


def _bedragen(aanvraag, traject) -> dict:
    prijs = traject.trajectprijs if traject else aanvraag.bedrag
    aandeel = aanvraag.regeling.cofinanciering_aandeel or Decimal("0")
    return {
        "trajectprijs": prijs,
        "cofinanciering_aandeel": aandeel,
        "cofinanciering_procent": f"{aandeel * 100:.0f}".replace(".", ","),
        "cofinanciering_bedrag": (prijs * aandeel).quantize(Decimal("0.01")),
    }


def _looptijd(aanvraag, traject) -> dict:
    perceel = aanvraag.perceel
    if traject is not None:
        start, eind = traject.startdatum, traject.einddatum_gepland
    else:  # the gemeente's beschikking before the trajectory exists: the start the approval gives
        vandaag = timezone.localdate()
        start = max(vandaag, aanvraag.gewenste_startdatum or vandaag)
        eind = fin.planned_end(start, perceel.basisduur_maanden)
    return {
        "startdatum": start,
        "einddatum_gepland": eind,
        "looptijd_maanden": perceel.basisduur_maanden,
        "max_verlenging": perceel.max_verlenging_maanden,
    }


# --- the decision on an application ---------------------------------------------------------------


def besluit_soort(besluit: Besluit) -> str:
    """beschikking (the gemeente grants), afwijzing (any refusal), uwv_besluit (UWV approves, or
    consents after the gemeente's beschikking)."""
    if besluit.besluit != "akkoord":
        return Document.Soort.AFWIJZING
    return Document.Soort.BESCHIKKING if besluit.stap == "gemeente" else Document.Soort.UWV_BESLUIT


_TITELS = {
    Document.Soort.BESCHIKKING: "Beschikking: toekenning IPS-traject",
    Document.Soort.AFWIJZING: "Afwijzing aanvraag IPS-traject",
    Document.Soort.UWV_BESLUIT: "Besluit UWV: goedkeuring IPS-traject",
}


def besluit_vastleggen(*, besluit: Besluit, by=None, aanvraag: Aanvraag | None = None) -> Document:
    """The document of a decision on an application, made once (one per Besluit), in the
    decision's transaction. The soort follows from the Besluit (``besluit_soort``). The deciding
    service passes the application it holds; a join of all eight relations at once cost PostgreSQL
    more to plan than the few single-row reads of what the document uses."""
    if aanvraag is None or aanvraag.pk != besluit.aanvraag_id:
        aanvraag = Aanvraag.objects.select_related("regeling", "perceel", "gemeente").get(pk=besluit.aanvraag_id)
    traject = Traject.objects.filter(aanvraag=aanvraag).first()
    soort = besluit_soort(besluit)
    if soort == Document.Soort.UWV_BESLUIT and aanvraag.route == "gemeente":
        titel = "Besluit UWV: akkoord op de beschikking"
    else:
        titel = _TITELS[soort]
    orgaan = besluit.orgaan_naam
    context = {
        "aanvraag": aanvraag,
        "traject": traject,
        "besluit": besluit,
        "door": besluit.door,
        "afzender": afzender(besluit.stap, aanvraag.gemeente),
        "ontvanger": ontvanger(aanvraag.aanbieder),
        "kenmerk": kenmerk_aanvraag(aanvraag),
        "orgaan_naam": orgaan,
        "deelnemer_naam": deelnemer_naam(aanvraag),
        "budget": aanvraag.budget,
        "budget_vrijgegeven": besluit.stap == "uwv" and besluit.besluit != "akkoord" and aanvraag.budget_id,
        "uwv_akkoord_volgt": besluit.stap == "gemeente" and traject is None,
        **_bedragen(aanvraag, traject),
        **_looptijd(aanvraag, traject),
        **bezwaar(orgaan),
    }
    return document_maken(
        soort=soort,
        object=aanvraag,
        template=f"trajecten/documenten/{soort}.html",
        context=context,
        titel=titel,
        by=by,
        sleutel=str(besluit.uuid),
        deelnemer_uuid=aanvraag.deelnemer.uuid,
    )


# --- trajectories: extension, stop notice, end report ---------------------------------------------


def _traject(traject_or_pk) -> Traject:
    pk = getattr(traject_or_pk, "pk", traject_or_pk)
    return Traject.objects.select_related(
        "aanvraag__regeling", "perceel", "regeling", "gemeente", "aanbieder", "uitvoerder", "deelnemer"
    ).get(pk=pk)


def _traject_context(traject: Traject) -> dict:
    return {
        "traject": traject,
        "aanvraag": traject.aanvraag,
        "kenmerk": kenmerk_traject(traject),
        "deelnemer_naam": deelnemer_naam(traject),
        "maximaal_bedrag": traject.maximaal_bedrag,
        # the provider's free text may name the person: not in a document UWV reads on the gemeente route
        "vrije_tekst_tonen": traject.route != "gemeente",
    }


def _verlenging_ondertekening(verlenging, traject, stap: str, orgaan: str) -> str:
    """The signing line of a gemeente's extension decision names the mandate it rests on, as the
    beschikking does (``Besluit.ondertekening``); "" lets the template sign with body and name."""
    door = verlenging.besluit_door
    if stap != "gemeente" or door is None or verlenging.besluit_op is None:
        return ""
    mandaat = geldig_mandaat(door, traject.gemeente_id, timezone.localdate(verlenging.besluit_op))
    if mandaat is None:
        return ""
    aan = f" aan {mandaat.samenwerkingsverband.naam}" if mandaat.samenwerkingsverband_id else ""
    naam = door.get_full_name() or door.get_username()
    return f"Namens {orgaan}, krachtens mandaat{aan} ({mandaat.verwijzing}): {naam}"


def verlenging_vastleggen(*, verlenging, by=None) -> Document:
    """The decision on an extension request (approved or refused: months, new end date, reasons),
    by the funder of the route, with the objection clause."""
    traject = _traject(verlenging.traject_id)
    stap = "gemeente" if traject.route == "gemeente" else "uwv"
    orgaan = gemeente_orgaan(traject.gemeente) if stap == "gemeente" else UWV_NAAM
    goedgekeurd = verlenging.status == "goedgekeurd"
    titel = "Besluit op verlenging: " + ("goedgekeurd" if goedgekeurd else "afgewezen")
    context = {
        **_traject_context(traject),
        "verlenging": verlenging,
        "goedgekeurd": goedgekeurd,
        "door": verlenging.besluit_door,
        "orgaan_naam": orgaan,
        "ondertekening": _verlenging_ondertekening(verlenging, traject, stap, orgaan),
        "afzender": afzender(stap, traject.gemeente),
        "ontvanger": ontvanger(traject.aanbieder),
        **bezwaar(orgaan),
    }
    return document_maken(
        soort=Document.Soort.VERLENGING_BESLUIT,
        object=traject,
        template="trajecten/documenten/verlenging_besluit.html",
        context=context,
        titel=titel,
        by=by,
        # one document per decision: after a revocation (bezwaren) the new decision gets its own; at
        # most 63 characters ("goedgekeurd"), within ``Document.sleutel`` (64)
        sleutel=f"{verlenging.uuid}:{verlenging.status}:{verlenging.besluit_op:%Y%m%d%H%M%S}",
        deelnemer_uuid=traject.deelnemer.uuid,
    )


def stopbericht_vastleggen(*, stopbericht, by=None) -> list[Document]:
    """The stop notice: part 1 from the provider to the funder (the gemeente on its route, UWV on
    the UWV route); on the gemeente route also part 2, the gemeente passing it on to UWV (the
    loket sends it at once, domain.md 4)."""
    traject = _traject(stopbericht.traject_id)
    gemeente_route = traject.route == "gemeente"
    basis = {**_traject_context(traject), "stopbericht": stopbericht, "door": stopbericht.door}
    aan_funder = (
        {"naam": f"Gemeente {traject.gemeente.naam}", "regels": []}
        if gemeente_route
        else {"naam": UWV_NAAM, "regels": UWV_REGELS}
    )
    gemaakt = [
        document_maken(
            soort=Document.Soort.STOPBERICHT_DEEL1,
            object=traject,
            template="trajecten/documenten/stopbericht_deel1.html",
            context={
                **basis,
                "afzender": {"naam": traject.aanbieder.naam, "regels": []},
                "ontvanger": aan_funder,
                "orgaan_naam": traject.aanbieder.naam,
            },
            titel="Stopbericht deel 1: voortijdige beëindiging IPS-traject",
            by=by,
            sleutel=str(stopbericht.uuid),
            deelnemer_uuid=traject.deelnemer.uuid,
        )
    ]
    if gemeente_route:
        gemaakt.append(
            document_maken(
                soort=Document.Soort.STOPBERICHT_DEEL2,
                object=traject,
                template="trajecten/documenten/stopbericht_deel2.html",
                context={
                    **basis,
                    # part 2 is the gemeente's: not signed with the name of the provider's user
                    "door": None,
                    "afzender": afzender("gemeente", traject.gemeente),
                    "ontvanger": {"naam": UWV_NAAM, "regels": UWV_REGELS},
                    "orgaan_naam": gemeente_orgaan(traject.gemeente),
                },
                titel="Stopbericht deel 2: de gemeente meldt de beëindiging aan UWV",
                by=by,
                sleutel=str(stopbericht.uuid),
                deelnemer_uuid=traject.deelnemer.uuid,
            )
        )
    return gemaakt


def eindverslag_vastleggen(*, verslag, by=None) -> Document:
    """The end report (beëindigingsverslag) from the provider to the funder of the route."""
    traject = _traject(verslag.traject_id)
    aan_funder = (
        {"naam": f"Gemeente {traject.gemeente.naam}", "regels": []}
        if traject.route == "gemeente"
        else {"naam": UWV_NAAM, "regels": UWV_REGELS}
    )
    context = {
        **_traject_context(traject),
        "verslag": verslag,
        "door": verslag.door,
        "afzender": {"naam": traject.aanbieder.naam, "regels": []},
        "ontvanger": aan_funder,
        "orgaan_naam": traject.aanbieder.naam,
        "plaatsingen": list(traject.plaatsingen.order_by("startdatum", "id")),
    }
    return document_maken(
        soort=Document.Soort.EINDVERSLAG,
        object=traject,
        template="trajecten/documenten/eindverslag.html",
        context=context,
        titel="Beëindigingsverslag IPS-traject",
        by=by,
        sleutel=str(verslag.uuid),
        deelnemer_uuid=traject.deelnemer.uuid,
    )
