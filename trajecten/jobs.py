"""The nightly steps of trajecten: expiry of trajectories past their end, and the causes of the
signals about trajectories, applications and caseloads. Set-based: a fixed number of queries
whatever the number of trajectories (see docs/jobs.md)."""

from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from backoffice import roles
from backoffice.history import bulk_update
from backoffice.models import Instellingen, SignaalSoort
from backoffice.signalering import Oorzaken
from financiering.models import Trajectbegeleider

from . import rules
from .models import Aanvraag, Eindverslag, Traject
from .selectors import einddatum_verstreken_q, termijn_verlopen_q, wacht_op_besluit_q


def trajecten_expire(*, datum: date) -> dict[str, int]:
    """Active trajectories whose planned end lies before ``datum`` go to ``looptijd_verstreken``
    (domain.md section 7), as the table ``rules.TRAJECT`` allows, in one statement that also writes a
    history row per trajectory. A second run finds nothing: the trajectories are no longer active."""
    moved = bulk_update(
        Traject.objects.filter(einddatum_verstreken_q(datum)),
        reason=f"Looptijd verstreken (nachtelijke taak {datum:%d-%m-%Y})",
        status=rules.TRAJECT.volgende("looptijd_verstrijken", "actief"),
    )
    return {"trajecten_looptijd_verstreken": moved}


def _over_traject(qs: QuerySet[Traject], deadline=None) -> QuerySet[Traject]:
    """Who must act on a trajectory: the provider (contract holder) and the funder of the route
    (the gemeente on the gemeente route, a UWV beoordelaar on the UWV route)."""
    return qs.annotate(
        sig_deadline=deadline if deadline is not None else F("einddatum_gepland"),
        sig_aanbieder_id=F("aanbieder_id"),
        sig_gemeente_id=Case(
            When(route="gemeente", then=F("gemeente_id")), default=Value(None), output_field=IntegerField()
        ),
        sig_uwv_rol=Case(
            When(route="uwv", then=Value(roles.UWV_BEOORDELAAR)), default=Value(""), output_field=CharField()
        ),
        sig_ref=Cast("toewijzing_nummer", CharField()),
    )


def signaal_oorzaken(*, datum: date, instellingen: Instellingen) -> list[Oorzaken]:
    termijn = instellingen.eindverslag_termijn_dagen
    actief = Traject.objects.filter(status="actief")
    einde = Coalesce("einddatum", "einddatum_gepland", output_field=DateField())
    zonder_eindverslag = (
        Traject.objects.filter(status__in=["beeindigd", "looptijd_verstreken"])
        .annotate(einde=einde)
        .filter(einde__lt=datum - timedelta(days=termijn))
        .filter(~Exists(Eindverslag.objects.filter(traject_id=OuterRef("pk"))))
    )
    aanvragen_te_laat = Aanvraag.objects.filter(termijn_verlopen_q(datum)).annotate(
        sig_deadline=F("beslis_deadline"),
        sig_aanbieder_id=Value(None, output_field=IntegerField()),
        # The gemeente decides first on its own route; after its beschikking, and on the UWV
        # route, UWV decides.
        sig_gemeente_id=Case(
            When(wacht_op_besluit_q("gemeente"), then=F("gemeente_id")),
            default=Value(None),
            output_field=IntegerField(),
        ),
        sig_uwv_rol=Case(
            When(wacht_op_besluit_q("gemeente"), then=Value("")),
            default=Value(roles.UWV_BEOORDELAAR),
            output_field=CharField(),
        ),
        sig_ref=Value(""),
    )
    norm = instellingen.caseload_norm_per_fte
    # The norm counts all of a specialist's IPS clients (domain.md 3): the active trajectories on
    # the desk and the clients funded elsewhere that the provider registered. One query.
    caseload = (
        Trajectbegeleider.objects.filter(actief=True)
        .annotate(sig_aantal=Count("traject", filter=Q(traject__status="actief")) + F("clienten_elders"))
        .filter(sig_aantal__gt=F("fte") * norm)
        .annotate(
            sig_deadline=Value(None, output_field=DateField()),
            sig_aanbieder_id=F("aanbieder_id"),
            sig_gemeente_id=Value(None, output_field=IntegerField()),
            sig_uwv_rol=Value(""),
            sig_ref=F("naam"),
        )
    )
    return [
        Oorzaken(
            SignaalSoort.TRAJECT_EINDIGT_90,
            "traject",
            _over_traject(actief.filter(einddatum_gepland__gte=datum, einddatum_gepland__lte=datum + timedelta(90))),
            deadline_bepaalt=True,
        ),
        Oorzaken(
            SignaalSoort.TRAJECT_EINDIGT_30,
            "traject",
            _over_traject(actief.filter(einddatum_gepland__gte=datum, einddatum_gepland__lte=datum + timedelta(30))),
            deadline_bepaalt=True,
        ),
        Oorzaken(
            SignaalSoort.LOOPTIJD_VERSTREKEN,
            "traject",
            _over_traject(Traject.objects.filter(status="looptijd_verstreken")),
            deadline=lambda d: d + timedelta(days=termijn),
        ),
        Oorzaken(
            SignaalSoort.EINDVERSLAG_ONTBREEKT,
            "traject",
            _over_traject(zonder_eindverslag, deadline=F("einde")),
            deadline=lambda d: d + timedelta(days=termijn),
        ),
        Oorzaken(SignaalSoort.BESLUIT_TE_LAAT, "aanvraag", aanvragen_te_laat, deadline_bepaalt=True),
        Oorzaken(SignaalSoort.CASELOAD_TE_HOOG, "trajectbegeleider", caseload, aantal=True),
    ]
