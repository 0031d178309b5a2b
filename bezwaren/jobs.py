"""The nightly signals of objections (``backoffice.signalering``; set-based, idempotent):

- ``bezwaar_te_laat``: an open objection whose decision term passed (Awb 7:10);
- ``bezwaar_termijn_nadert``: an open objection whose decision term ends within
  ``Instellingen.bezwaar_signaal_dagen`` days.

Both for the deciding body (UWV beoordelaar, or the gemeente); the term is part of the cause
(an extension of the term resolves the signal and, if still due, raises a new one)."""

from datetime import date, timedelta

from django.db.models import Case, CharField, F, IntegerField, Value, When
from django.db.models.functions import Cast, Concat, LPad

from backoffice import roles
from backoffice.models import Instellingen, SignaalSoort
from backoffice.signalering import Oorzaken

from . import rules
from .models import Beslisorgaan, Bezwaarschrift


def _voor_orgaan(qs):
    return qs.annotate(
        sig_deadline=F("beslistermijn"),
        sig_aanbieder_id=Value(None, output_field=IntegerField()),
        sig_gemeente_id=Case(
            When(beslisorgaan=Beslisorgaan.GEMEENTE, then=F("gemeente_id")),
            default=Value(None),
            output_field=IntegerField(),
        ),
        sig_uwv_rol=Case(
            When(beslisorgaan=Beslisorgaan.UWV, then=Value(roles.UWV_BEOORDELAAR)),
            default=Value(""),
            output_field=CharField(),
        ),
        # BZ-000042 (rules.nummer), never a participant's data
        sig_ref=Concat(Value("BZ-"), LPad(Cast("id", CharField()), 6, Value("0")), output_field=CharField()),
    )


def signaal_oorzaken(*, datum: date, instellingen: Instellingen) -> list[Oorzaken]:
    open_ = Bezwaarschrift.objects.filter(status__in=rules.OPEN)
    te_laat = open_.filter(beslistermijn__lt=datum)
    nadert = open_.filter(
        beslistermijn__gte=datum, beslistermijn__lte=datum + timedelta(days=instellingen.bezwaar_signaal_dagen)
    )
    return [
        Oorzaken(SignaalSoort.BEZWAAR_TE_LAAT, "bezwaar", _voor_orgaan(te_laat), deadline_bepaalt=True),
        Oorzaken(SignaalSoort.BEZWAAR_TERMIJN_NADERT, "bezwaar", _voor_orgaan(nadert), deadline_bepaalt=True),
    ]
