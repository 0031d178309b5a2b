"""The werkbak sections of declaraties: declaration lines to judge or rejected, payment orders to
approve, claims to pay or past their due date. Registered per role in ``declaraties/apps.py``
(``backoffice.registry``); read only through the scoped selectors. Two queries per section: a count
and the first rows."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from backoffice.opmaak import maand
from backoffice.werkbak import sectie, url
from financiering.templatetags.producten import product_naam

from . import rules
from . import selectors as decl


def _vordering(v, *, verlopen: bool) -> dict:
    return {
        "label": f"{v.gemeente.naam} · {maand(v.periode)}",
        "url": url("web-vordering", uuid=v.uuid),
        "deadline": v.vervaldatum,
        "verlopen": verlopen,
        "toelichting": v.get_status_display(),
    }


def _open_vorderingen(user):
    return decl.vorderingen_for(user).exclude(status__in=("betaald", "concept"))


# --- UWV beoordelaar ------------------------------------------------------------------------------


def regels_in_behandeling(user) -> dict:
    regels = decl.prestaties_for(user).filter(status="in_behandeling").order_by("begindatum", "id")
    return sectie(
        "Declaratieregels in behandeling",
        regels,
        lambda p: {
            "label": f"{p.aanbieder.naam} · {product_naam(p.product_code)} · {p.begindatum:%d-%m-%Y}",
            "url": url("web-declaratie", uuid=p.declaratie.uuid),
            "deadline": None,
            "toelichting": "",
        },
        link=url("web-prestaties-werkvoorraad"),
        leeg="Er wachten geen declaratieregels.",
    )


# --- UWV financieel -------------------------------------------------------------------------------


def betaalopdrachten_te_accorderen(user) -> dict:
    opdrachten = decl.betaalopdrachten_for(user).filter(status="te_accorderen").order_by("datum", "id")
    return sectie(
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
    )


def vorderingen_over_vervaldatum(user) -> dict:
    today = timezone.localdate()
    achterstallig = decl.vorderingen_for(user).filter(rules.vordering_te_laat_q(today)).order_by("vervaldatum", "id")
    return sectie(
        "Vorderingen over de vervaldatum",
        achterstallig,
        lambda v: _vordering(v, verlopen=True),
        link=url("web-vorderingen"),
        leeg="Geen vorderingen over de vervaldatum.",
    )


# --- gemeente -------------------------------------------------------------------------------------


def vorderingen_te_betalen(user) -> dict:
    today = timezone.localdate()
    vorderingen = _open_vorderingen(user).order_by(F("vervaldatum").asc(nulls_last=True), "periode", "id")
    return sectie(
        "Vorderingen om te betalen",
        vorderingen,
        lambda v: _vordering(
            v,
            verlopen=rules.vordering_te_laat(
                status=v.status, vervaldatum=v.vervaldatum, bedrag=v.bedrag, ontvangen=v.ontvangen, today=today
            ),
        ),
        link=url("web-vorderingen"),
        leeg="Er staan geen vorderingen open.",
    )


# --- aanbieder ------------------------------------------------------------------------------------


def afgewezen_regels(user) -> dict:
    afgewezen = (
        decl.prestaties_for(user)
        .filter(status="afgewezen", beoordeeld_op__gte=timezone.now() - timedelta(days=60))
        .order_by("-beoordeeld_op", "-id")
    )
    return sectie(
        "Afgewezen declaratieregels (laatste 60 dagen)",
        afgewezen,
        lambda p: {
            "label": f"{p.product_referentie} · {product_naam(p.product_code)} · {p.begindatum:%d-%m-%Y}",
            "url": url("web-declaratie", uuid=p.declaratie.uuid),
            "deadline": None,
            "toelichting": f"afgewezen {timezone.localtime(p.beoordeeld_op):%d-%m-%Y}" if p.beoordeeld_op else "",
        },
        link=url("web-declaraties"),
        leeg="Geen afgewezen regels.",
    )
