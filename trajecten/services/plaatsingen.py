"""Placements, the stop notice and the end report of a trajectory (the provider's own)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.rules import toelichting_vereist, weigeren

from .. import documenten as traject_documenten
from .. import permissions, rules
from ..models import Eindverslag, Plaatsing, Stopbericht, Traject
from ._eigen import _lock_own_traject


def _check_placement(by, traject: Traject, start: date, end: date | None) -> None:
    weigeren(permissions.plaatsing_weigering(by, traject))
    problem = rules.placement_problem(
        start=start,
        end=end,
        traject_start=traject.startdatum,
        traject_end=traject.einddatum or traject.einddatum_gepland,
    )
    if problem:
        raise BusinessRuleError(code="plaatsing-buiten-traject", message=problem, field="startdatum")


def _check_beschut(open_voor_iedereen, loonondersteuning) -> None:
    problem = rules.beschut_werk_open_probleem(
        open_voor_iedereen=open_voor_iedereen, loonondersteuning=loonondersteuning
    )
    if problem:
        raise BusinessRuleError(code="beschut-werk-niet-open", message=problem, status=400, field="open_voor_iedereen")


@transaction.atomic
def plaatsing_create(*, by, traject: Traject, **fields) -> Plaatsing:
    traject = _lock_own_traject(by, traject)
    if fields.get("aandoening_bekend_bij_werkgever") is None:
        raise BusinessRuleError(
            code="openheid-werkgever-ontbreekt",
            message="Geef aan of de deelnemer de werkgever over zijn of haar aandoening heeft verteld.",
            status=400,
            field="aandoening_bekend_bij_werkgever",
        )
    _check_placement(by, traject, fields["startdatum"], fields.get("einddatum"))
    if fields.get("open_voor_iedereen") is None:  # an older client: the documented default
        fields["open_voor_iedereen"] = rules.open_voor_iedereen_standaard(fields.get("loonondersteuning"))
    _check_beschut(fields["open_voor_iedereen"], fields.get("loonondersteuning"))
    return Plaatsing.objects.create(traject=traject, aangemaakt_door=by, **fields)


@transaction.atomic
def plaatsing_update(*, by, plaatsing: Plaatsing, **fields) -> Plaatsing:
    traject = _lock_own_traject(by, plaatsing.traject)
    plaatsing = Plaatsing.objects.select_for_update().get(pk=plaatsing.pk)
    for name, value in fields.items():
        setattr(plaatsing, name, value)
    if plaatsing.proefplaatsing and plaatsing.minimumloon_of_meer:
        raise BusinessRuleError(
            code="proefplaatsing-onbetaald",
            message="Een proefplaatsing is onbetaald: minimumloonOfMeer kan dan niet waar zijn.",
            status=400,
            field="proefplaatsing",
        )
    _check_placement(by, traject, plaatsing.startdatum, plaatsing.einddatum)
    _check_beschut(plaatsing.open_voor_iedereen, plaatsing.loonondersteuning)
    plaatsing.save()
    return plaatsing


@transaction.atomic
def traject_stop(*, by, traject: Traject, einddatum: date, reden: str, toelichting: str = "") -> Stopbericht:
    """A stop notice: the provider ends the trajectory early. On the gemeente route the gemeente
    sees it at once and UWV with it (the notice is passed on by the loket itself)."""
    traject = _lock_own_traject(by, traject)
    weigeren(permissions.traject_stoppen_weigering(by, traject))
    traject.status = rules.TRAJECT.volgende("stoppen", traject.status)
    problem = rules.stop_problem(
        einddatum=einddatum,
        startdatum=traject.startdatum,
        einddatum_gepland=traject.einddatum_gepland,
        today=timezone.localdate(),
    )
    if problem:
        raise BusinessRuleError(code="einddatum-ongeldig", message=problem, field="einddatum")
    toelichting_vereist(
        toelichting, vereist=reden == "anders", message="Bij reden 'anders' is een toelichting verplicht."
    )
    traject.einddatum = einddatum
    traject.save()
    stopbericht = Stopbericht.objects.create(
        traject=traject, einddatum=einddatum, reden=reden, toelichting=toelichting, door=by
    )
    traject_documenten.stopbericht_vastleggen(stopbericht=stopbericht, by=by)
    return stopbericht


@transaction.atomic
def traject_close(
    *, by, traject: Traject, uitkomst: str, toelichting: str = "", uren_besteed: int | None = None
) -> Eindverslag:
    """The end report, after the end. The money module's ``eindverslag_submit`` calls this and then
    does the final settlement (vaststelling), releasing what was committed and not spent."""
    traject = _lock_own_traject(by, traject)
    weigeren(permissions.eindverslag_weigering(by, traject))
    traject.status = rules.TRAJECT.volgende("afsluiten", traject.status)
    if traject.einddatum is None:
        traject.einddatum = traject.einddatum_gepland
    traject.save()
    verslag = Eindverslag.objects.create(
        traject=traject,
        uitkomst=uitkomst,
        toelichting=toelichting,
        uren_besteed=uren_besteed,
        door=by,
    )
    traject_documenten.eindverslag_vastleggen(verslag=verslag, by=by)
    return verslag
