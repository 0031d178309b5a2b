"""Which werkbak sections each role gets, most urgent first (the wiring: this module may name every
app; it reads only through the apps' scoped selectors). Two queries per section: a count and the
first rows."""

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone

from declaraties import selectors as decl
from trajecten import selectors as traj

from . import roles, selectors
from .werkbak import sectie, signalen, url


def _aanvraag(a, today, user) -> dict:
    naam = traj.persoon_for(user, a)["naam"] or "Afgeschermd"
    return {
        "label": f"{naam} · {a.perceel.code} · {a.aanbieder.naam}",
        "url": url("web-aanvraag", uuid=a.uuid),
        "deadline": a.beslis_deadline,
        "verlopen": bool(a.beslis_deadline and a.beslis_deadline < today),
        "toelichting": a.get_status_display(),
    }


def _verlenging(v, today) -> dict:
    return {
        "label": f"Toewijzing {v.traject.toewijzing_nummer} · {v.maanden} maanden",
        "url": url("web-verlenging-beoordeling", uuid=v.traject.uuid, verlenging_uuid=v.uuid),
        "deadline": None,
        "toelichting": f"aangevraagd {timezone.localtime(v.aangevraagd_op):%d-%m-%Y}",
    }


def _traject(t, today, toelichting="") -> dict:
    return {
        "label": f"Toewijzing {t.toewijzing_nummer} · {t.perceel.code}",
        "url": url("web-traject", uuid=t.uuid),
        "deadline": t.einddatum_gepland,
        "verlopen": t.einddatum_gepland < today,
        "toelichting": toelichting,
    }


def _op_deadline(qs):
    return qs.prefetch_related(None).order_by(F("beslis_deadline").asc(nulls_last=True), "ingediend_op", "id")


def uwv_beoordelaar(user) -> list[dict]:
    today = timezone.localdate()
    open_aanvragen = traj.aanvragen_for(user).filter(
        Q(route="uwv", status="ingediend") | Q(route="gemeente", status="gemeente_akkoord")
    )
    verlengingen = traj.verlengingen_for(user).filter(status="aangevraagd", traject__route="uwv")
    regels = decl.prestaties_for(user).filter(status="in_behandeling").order_by("begindatum", "id")
    return [
        sectie(
            "Aanvragen om te beslissen",
            _op_deadline(open_aanvragen),
            lambda a: _aanvraag(a, today, user),
            link=url("web-aanvragen"),
            leeg="Er wachten geen aanvragen op een besluit.",
        ),
        sectie(
            "Verlengingen om te beslissen",
            verlengingen.order_by("aangevraagd_op", "id"),
            lambda v: _verlenging(v, today),
            leeg="Er wachten geen verzoeken om verlenging.",
        ),
        sectie(
            "Declaratieregels in behandeling",
            regels,
            lambda p: {
                "label": f"{p.aanbieder.naam} · {p.product_code} · {p.begindatum:%d-%m-%Y}",
                "url": url("web-declaratie", uuid=p.declaratie.uuid),
                "deadline": None,
                "toelichting": "",
            },
            link=url("web-prestaties-werkvoorraad"),
            leeg="Er wachten geen declaratieregels.",
        ),
    ]


def gemeente(user) -> list[dict]:
    today = timezone.localdate()
    aanvragen = traj.aanvragen_for(user).filter(route="gemeente", status="ingediend")
    verlengingen = traj.verlengingen_for(user).filter(status="aangevraagd", traject__route="gemeente")
    vorderingen = (
        decl.vorderingen_for(user)
        .exclude(status__in=("betaald", "concept"))
        .order_by(F("vervaldatum").asc(nulls_last=True), "periode", "id")
    )
    return [
        sectie(
            "Aanvragen om te beslissen",
            _op_deadline(aanvragen),
            lambda a: _aanvraag(a, today, user),
            link=url("web-aanvragen"),
            leeg="Er wachten geen aanvragen op uw beschikking.",
        ),
        sectie(
            "Verlengingen om te beslissen",
            verlengingen.order_by("aangevraagd_op", "id"),
            lambda v: _verlenging(v, today),
            leeg="Er wachten geen verzoeken om verlenging.",
        ),
        sectie(
            "Vorderingen om te betalen",
            vorderingen,
            lambda v: {
                "label": f"{v.gemeente.naam} · {v.periode:%m-%Y}",
                "url": url("web-vordering", uuid=v.uuid),
                "deadline": v.vervaldatum,
                "verlopen": bool(v.vervaldatum and v.vervaldatum < today),
                "toelichting": v.get_status_display(),
            },
            link=url("web-vorderingen"),
            leeg="Er staan geen vorderingen open.",
        ),
    ]


def aanbieder(user) -> list[dict]:
    today = timezone.localdate()
    trajecten = traj.trajecten_for(user).prefetch_related(None)
    eindigt = trajecten.filter(
        status="actief", einddatum_gepland__gte=today, einddatum_gepland__lte=today + timedelta(days=90)
    ).order_by("einddatum_gepland", "id")
    zonder_verslag = trajecten.filter(status__in=("looptijd_verstreken", "beeindigd"), eindverslag__isnull=True)
    zonder_verslag = zonder_verslag.order_by("einddatum_gepland", "id")
    afgewezen = (
        decl.prestaties_for(user)
        .filter(status="afgewezen", beoordeeld_op__gte=timezone.now() - timedelta(days=60))
        .order_by("-beoordeeld_op", "-id")
    )
    return [
        sectie(
            "Trajecten die binnen 90 dagen eindigen",
            eindigt,
            lambda t: _traject(t, today, "verlenging aanvragen of eindverslag voorbereiden"),
            link=url("web-trajecten") + "?eindigt_voor=" + (today + timedelta(days=90)).isoformat(),
            leeg="Geen trajecten die binnenkort eindigen.",
        ),
        sectie(
            "Eindverslag ontbreekt",
            zonder_verslag,
            lambda t: _traject(t, today, "stuur het eindverslag"),
            leeg="Er ontbreken geen eindverslagen.",
        ),
        sectie(
            "Afgewezen declaratieregels (laatste 60 dagen)",
            afgewezen,
            lambda p: {
                "label": f"{p.product_referentie} · {p.product_code} · {p.begindatum:%d-%m-%Y}",
                "url": url("web-declaratie", uuid=p.declaratie.uuid),
                "deadline": None,
                "toelichting": f"afgewezen {timezone.localtime(p.beoordeeld_op):%d-%m-%Y}" if p.beoordeeld_op else "",
            },
            link=url("web-declaraties"),
            leeg="Geen afgewezen regels.",
        ),
        signalen(user, ("caseload_te_hoog", "modeltrouw_verlopen", "traject_eindigt_30"), "Open signalen"),
    ]


def uwv_financieel(user) -> list[dict]:
    today = timezone.localdate()
    opdrachten = decl.betaalopdrachten_for(user).filter(status="te_accorderen").order_by("datum", "id")
    achterstallig = (
        decl.vorderingen_for(user)
        .exclude(status__in=("betaald", "concept"))
        .filter(vervaldatum__lt=today)
        .order_by("vervaldatum", "id")
    )
    return [
        sectie(
            "Betaalopdrachten te accorderen",
            opdrachten,
            lambda o: {
                "label": f"{o.aanbieder.naam} · {o.datum:%d-%m-%Y}",
                "url": url("web-betaalopdracht", uuid=o.uuid),
                "deadline": None,
                "toelichting": "eerste akkoord gegeven" if o.eerste_akkoord_door_id else "",
            },
            link=url("web-betaalopdrachten"),
            leeg="Geen betaalopdrachten om te accorderen.",
        ),
        sectie(
            "Vorderingen over de vervaldatum",
            achterstallig,
            lambda v: {
                "label": f"{v.gemeente.naam} · {v.periode:%m-%Y}",
                "url": url("web-vordering", uuid=v.uuid),
                "deadline": v.vervaldatum,
                "verlopen": True,
                "toelichting": v.get_status_display(),
            },
            link=url("web-vorderingen"),
            leeg="Geen vorderingen over de vervaldatum.",
        ),
    ]


def auditor(user) -> list[dict]:
    return [
        sectie(
            "Aanbieders met een verlopen modeltrouwmeting",
            selectors.modeltrouw_signalen_for(user),
            lambda s: {
                "label": s.aanbieder.naam if s.aanbieder_id else s.omschrijving,
                "url": "",
                "deadline": s.deadline,
                "toelichting": s.omschrijving,
            },
            leeg="Geen aanbieder heeft een verlopen of onvoldoende meting.",
        ),
    ]


def beheerder(user) -> list[dict]:
    runs = selectors.taakruns_list()
    mislukt = runs.filter(status__in=("mislukt", "afgebroken"))
    row = lambda r: {  # noqa: E731
        "label": str(r),
        "url": "",
        "deadline": None,
        "verlopen": r.status in ("mislukt", "afgebroken"),
        "toelichting": f"gestart {timezone.localtime(r.gestart):%d-%m-%Y %H:%M}",
    }
    return [
        sectie("Mislukte taakruns", mislukt, row, leeg="Geen mislukte taakruns."),
        sectie("Laatste taakruns", runs, row, leeg="Er heeft nog geen taak gedraaid."),
    ]


PER_ROL: list = [
    (roles.UWV_BEOORDELAAR, uwv_beoordelaar),
    (roles.UWV_FINANCIEEL, uwv_financieel),
    (roles.GEMEENTE, gemeente),
    (roles.AANBIEDER, aanbieder),
    (roles.AUDITOR, auditor),
    (roles.BEHEERDER, beheerder),
]
