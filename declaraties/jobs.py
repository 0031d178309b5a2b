"""The nightly signal cause of declaraties: co-financing claims not paid on time (docs/jobs.md)."""

from datetime import date

from django.db.models import CharField, F, IntegerField, Value
from django.db.models.functions import Cast, Concat

from backoffice import roles
from backoffice.models import Instellingen, SignaalSoort
from backoffice.signalering import Oorzaken

from .models import Vordering


def signaal_oorzaken(*, datum: date, instellingen: Instellingen) -> list[Oorzaken]:
    # Past the due date and not (wholly) paid; a disputed claim waits for the dispute's decision.
    te_laat = Vordering.objects.filter(status__in=["verzonden", "deels_betaald"], vervaldatum__lt=datum).annotate(
        sig_deadline=F("vervaldatum"),
        sig_aanbieder_id=Value(None, output_field=IntegerField()),
        sig_gemeente_id=F("gemeente_id"),
        sig_uwv_rol=Value(roles.UWV_FINANCIEEL),
        sig_ref=Concat(F("gemeente__naam"), Value(" over "), Cast("periode", CharField()), output_field=CharField()),
    )
    return [Oorzaken(SignaalSoort.VORDERING_TE_LAAT, "vordering", te_laat)]
