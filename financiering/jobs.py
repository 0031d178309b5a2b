"""The nightly signal causes of financiering: fidelity audits and budgets (see docs/jobs.md)."""

from datetime import date

from django.db.models import CharField, DateField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Concat

from backoffice import roles
from backoffice.models import Instellingen, SignaalSoort
from backoffice.signalering import Oorzaken

from . import rules
from .models import GEEN_IPS, Aanbieder, Budget, Modeltrouwmeting, Raamovereenkomst, Trajectbegeleider


def signaal_oorzaken(*, datum: date, instellingen: Instellingen) -> list[Oorzaken]:
    maanden = instellingen.modeltrouw_geldig_maanden
    grens = rules.add_months(datum, -maanden)
    laatste = Modeltrouwmeting.objects.filter(aanbieder=OuterRef("pk"), datum__lte=datum).order_by("-datum", "-id")
    contract = Raamovereenkomst.objects.filter(
        Q(tot__isnull=True) | Q(tot__gte=datum), aanbieder=OuterRef("pk"), status="actief", van__lte=datum
    )
    begeleiders = Trajectbegeleider.objects.filter(aanbieder=OuterRef("pk"), actief=True)
    # Providers that deliver IPS (a framework contract or employment specialists) and whose last
    # audit is too old, banded "geen IPS", or missing.
    modeltrouw = (
        Aanbieder.objects.filter(Exists(contract) | Exists(begeleiders))
        .annotate(
            laatste_datum=Subquery(laatste.values("datum")[:1]),
            laatste_band=Subquery(laatste.values("band")[:1]),
        )
        .filter(Q(laatste_datum__isnull=True) | Q(laatste_datum__lt=grens) | Q(laatste_band=GEEN_IPS))
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
