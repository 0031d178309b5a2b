"""Which decision an objection is about: the facts of the one decision on an application, an
extension, a declaration line or a trajectory's final settlement, read from the owning apps
(who it concerns, which body took it, when, by whom, whether it is final).

A decision is identified by ``ref``: a revoked and retaken decision on the same object is a new
decision with a new ref, against which a new objection may be filed."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.utils import timezone

from declaraties.models import Prestatie
from trajecten.models import Aanvraag, Eindverslag, Traject, Verlenging

from .models import Beslisorgaan, BesluitSoort

MODELLEN = {
    BesluitSoort.AANVRAAG: Aanvraag,
    BesluitSoort.VERLENGING: Verlenging,
    BesluitSoort.PRESTATIE: Prestatie,
    BesluitSoort.VASTSTELLING: Traject,
}


@dataclass(frozen=True)
class Besluitfeiten:
    soort: str
    object: object
    object_uuid: UUID
    aanbieder_id: int
    gemeente_id: int | None
    traject: Traject | None
    beslisorgaan: str  # Beslisorgaan
    definitief: bool  # a final decision exists (goedgekeurd/afgewezen, toegekend/afgewezen, afgesloten)
    ref: str = ""
    datum: date | None = None
    genomen_door_id: int | None = None
    uitkomst: str = ""  # the decision's outcome in the owning app's words ("goedgekeurd", "afgewezen", ...)
    omschrijving: str = ""  # Dutch, for documents and history: "het besluit op aanvraag ..."


def object_zoeken(soort: str, uuid) -> object | None:
    """The decided object by uuid, unscoped (the permission functions answer 404 for another
    organisation's object, as for one that does not exist)."""
    model = MODELLEN.get(soort)
    if model is None:
        return None
    return model.objects.filter(uuid=uuid).first()


def _dag(moment) -> date | None:
    return timezone.localdate(moment) if moment else None


def _orgaan(route: str) -> str:
    return Beslisorgaan.GEMEENTE if route == "gemeente" else Beslisorgaan.UWV


def beslissend_besluit(aanvraag: Aanvraag):
    """The ``Besluit`` that made the application's final state: for a refusal the step that
    refused; for an approval the grant (on the gemeente route the gemeente's beschikking, on the
    UWV route UWV's approval). Revoked decisions (``herroepen_op``) do not count."""
    besluiten = [b for b in aanvraag.besluiten.all() if getattr(b, "herroepen_op", None) is None]
    if aanvraag.status == "afgewezen":
        afwijzingen = [b for b in besluiten if b.besluit == "afgewezen"]
        return afwijzingen[-1] if afwijzingen else None
    if aanvraag.status == "goedgekeurd":
        stap = "gemeente" if aanvraag.route == "gemeente" else "uwv"
        akkoord = [b for b in besluiten if b.besluit == "akkoord" and b.stap == stap]
        return akkoord[-1] if akkoord else None
    return None


def feiten(soort: str, obj) -> Besluitfeiten:
    if soort == BesluitSoort.AANVRAAG:
        return _aanvraag(obj)
    if soort == BesluitSoort.VERLENGING:
        return _verlenging(obj)
    if soort == BesluitSoort.PRESTATIE:
        return _prestatie(obj)
    if soort == BesluitSoort.VASTSTELLING:
        return _vaststelling(obj)
    raise ValueError(soort)


def _aanvraag(aanvraag: Aanvraag) -> Besluitfeiten:
    besluit = beslissend_besluit(aanvraag)
    traject = Traject.objects.filter(aanvraag=aanvraag).first() if aanvraag.status == "goedgekeurd" else None
    basis = {
        "soort": BesluitSoort.AANVRAAG,
        "object": aanvraag,
        "object_uuid": aanvraag.uuid,
        "aanbieder_id": aanvraag.aanbieder_id,
        "gemeente_id": aanvraag.gemeente_id,
        "traject": traject,
    }
    if besluit is None:
        return Besluitfeiten(**basis, beslisorgaan=_orgaan(aanvraag.route), definitief=False)
    return Besluitfeiten(
        **basis,
        beslisorgaan=Beslisorgaan.GEMEENTE if besluit.stap == "gemeente" else Beslisorgaan.UWV,
        definitief=True,
        ref=f"aanvraag-besluit:{besluit.pk}",
        datum=_dag(besluit.op),
        genomen_door_id=besluit.door_id,
        uitkomst=aanvraag.status,
        omschrijving=f"het besluit van {_dag(besluit.op):%d-%m-%Y} op de aanvraag ({aanvraag.get_status_display().lower()})",
    )


def _verlenging(verlenging: Verlenging) -> Besluitfeiten:
    traject = verlenging.traject
    definitief = verlenging.status in ("goedgekeurd", "afgewezen") and verlenging.besluit_op is not None
    return Besluitfeiten(
        soort=BesluitSoort.VERLENGING,
        object=verlenging,
        object_uuid=verlenging.uuid,
        aanbieder_id=traject.aanbieder_id,
        gemeente_id=traject.gemeente_id,
        traject=traject,
        beslisorgaan=_orgaan(traject.route),
        definitief=definitief,
        ref=f"verlenging:{verlenging.pk}:{verlenging.besluit_op.isoformat()}" if definitief else "",
        datum=_dag(verlenging.besluit_op),
        genomen_door_id=verlenging.besluit_door_id,
        uitkomst=verlenging.status,
        omschrijving=(
            f"het besluit van {_dag(verlenging.besluit_op):%d-%m-%Y} op de verlenging van traject "
            f"{traject.toewijzing_nummer} met {verlenging.maanden} maanden ({verlenging.get_status_display().lower()})"
            if definitief
            else ""
        ),
    )


def _prestatie(prestatie: Prestatie) -> Besluitfeiten:
    traject = prestatie.traject
    moment = prestatie.beoordeeld_op or prestatie.declaratie.ingediend_op
    definitief = prestatie.status in ("toegekend", "afgewezen") and prestatie.debet_credit == "D" and moment is not None
    return Besluitfeiten(
        soort=BesluitSoort.PRESTATIE,
        object=prestatie,
        object_uuid=prestatie.uuid,
        aanbieder_id=prestatie.aanbieder_id,
        gemeente_id=traject.gemeente_id if traject else None,
        traject=traject,
        beslisorgaan=Beslisorgaan.UWV,  # UWV judges every declaration line, on both routes
        definitief=definitief,
        ref=f"prestatie:{prestatie.pk}:{moment.isoformat()}" if definitief else "",
        datum=_dag(moment),
        genomen_door_id=prestatie.beoordeeld_door_id,
        uitkomst=prestatie.status,
        omschrijving=(
            f"de beoordeling van {_dag(moment):%d-%m-%Y} van declaratieregel {prestatie.product_referentie} "
            f"({prestatie.get_status_display().lower()})"
            if definitief
            else ""
        ),
    )


def _vaststelling(traject: Traject) -> Besluitfeiten:
    verslag = Eindverslag.objects.filter(traject=traject).first()
    definitief = traject.status == "afgesloten" and verslag is not None
    return Besluitfeiten(
        soort=BesluitSoort.VASTSTELLING,
        object=traject,
        object_uuid=traject.uuid,
        aanbieder_id=traject.aanbieder_id,
        gemeente_id=traject.gemeente_id,
        traject=traject,
        beslisorgaan=_orgaan(traject.route),
        definitief=definitief,
        ref=f"vaststelling:{verslag.pk}" if definitief else "",
        datum=_dag(verslag.op) if verslag else None,
        # The settlement follows the provider's end report without a person of the body deciding.
        genomen_door_id=None,
        uitkomst="vastgesteld" if definitief else "",
        omschrijving=(
            f"de vaststelling van {_dag(verslag.op):%d-%m-%Y} van traject {traject.toewijzing_nummer}"
            if definitief
            else ""
        ),
    )
