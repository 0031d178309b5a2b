"""The nightly signal causes of financiering: fidelity audits and budgets (see docs/jobs.md)."""

from datetime import date

from django.db.models import CharField, DateField, Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat

from backoffice import roles
from backoffice.models import Instellingen, SignaalSoort
from backoffice.signalering import Oorzaken

from . import rules, selectors
from .models import Budget, Raamovereenkomst, Trajectbegeleider


def signaal_oorzaken(*, datum: date, instellingen: Instellingen) -> list[Oorzaken]:
    maanden = instellingen.modeltrouw_geldig_maanden
    contract = Raamovereenkomst.objects.filter(
        Q(tot__isnull=True) | Q(tot__gte=datum), aanbieder=OuterRef("pk"), status="actief", van__lte=datum
    )
    begeleiders = Trajectbegeleider.objects.filter(aanbieder=OuterRef("pk"), actief=True)
    # Providers that deliver IPS (a framework contract or employment specialists) whose fidelity is
    # not valid by the one rule (rules.modeltrouw_oordeel): the last banded audit too old or "geen
    # IPS", or none at all outside a new programme's run-up.
    modeltrouw = (
        selectors.modeltrouw_ongeldig(
            datum, valid_months=maanden, aanloop_maanden=instellingen.modeltrouw_aanloop_maanden
        )
        .filter(Exists(contract) | Exists(begeleiders))
        .annotate(
            sig_deadline=F("laatste_datum"),
            sig_aanbieder_id=F("pk"),
            sig_gemeente_id=Value(None, output_field=IntegerField()),
            sig_uwv_rol=Value(roles.UWV_BEOORDELAAR),
            sig_ref=F("naam"),
        )
    )
    procent = instellingen.budget_signaal_procent
    budget = (
        Budget.objects.filter(jaar__gte=datum.year, toegekend__gt=0)
        .filter(Q(gereserveerd__gt=0) | Q(gerealiseerd__gt=0))
        .alias(gebruikt=(F("gereserveerd") + F("gerealiseerd")) * 100)
        .filter(gebruikt__gt=F("toegekend") * procent)
        .annotate(
            sig_deadline=Value(None, output_field=DateField()),
            sig_aanbieder_id=Value(None, output_field=IntegerField()),
            sig_gemeente_id=F("gemeente_id"),
            sig_uwv_rol=Value(roles.UWV_FINANCIEEL),
            sig_ref=Concat(
                F("gemeente__naam"),
                Value(" / "),
                F("regeling__code"),
                Value(" / "),
                Cast("jaar", CharField()),
                output_field=CharField(),
            ),
            sig_aantal=Value(procent),
        )
    )
    return [
        Oorzaken(
            SignaalSoort.MODELTROUW_VERLOPEN,
            "aanbieder",
            modeltrouw,
            deadline=lambda d: rules.add_months(d, maanden) if d else datum,
        ),
        Oorzaken(SignaalSoort.BUDGET_BIJNA_OP, "budget", budget, aantal=True),
    ]
