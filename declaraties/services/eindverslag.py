"""The final settlement: the end report closes the trajectory and releases what was not declared."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from financiering import services as fin_services
from trajecten import services as traject_services
from trajecten.models import Eindverslag, Traject

from .. import documenten
from ..models import Prestatie
from ._common import ZERO


def vrijval(traject: Traject) -> Decimal:
    """What the final settlement of ``traject`` releases: the maximum minus what was accepted minus
    the debit lines still waiting (they stay committed until UWV judges them)."""
    pending = Prestatie.objects.filter(traject=traject, status="in_behandeling", debet_credit="D").aggregate(
        s=Coalesce(Sum("ingediend_bedrag"), ZERO)
    )["s"]
    return max(traject.maximaal_bedrag - traject.gedeclareerd - pending, ZERO)


@transaction.atomic
def eindverslag_submit(*, by, traject: Traject, **fields) -> Eindverslag:
    """The end report closes the trajectory (trajecten) and starts the final settlement here:
    actual cost = what was declared and accepted or still waits; the rest of the commitment
    is released to the budget."""
    verslag = traject_services.traject_close(by=by, traject=traject, **fields)
    traject = Traject.objects.select_related("aanvraag").get(pk=verslag.traject_id)
    if traject.aanvraag.budget_id:
        vrijgevallen = vrijval(traject)
        fin_services.budget_release(
            budget_id=traject.aanvraag.budget_id,
            bedrag=vrijgevallen,
            by=by,
            omschrijving=f"Vaststelling traject {traject.toewijzing_nummer}",
            object_uuid=traject.uuid,
        )
        verslag.vrijgevallen_bedrag = vrijgevallen
        verslag.save(update_fields=["vrijgevallen_bedrag"])
    documenten.vaststelling_vastleggen(verslag=verslag, by=by)
    return verslag
