"""The werkbak sections of declaraties: declaration lines to judge or rejected, payment orders to
approve, claims to pay or past their due date. Registered per role in ``declaraties/apps.py``
(``backoffice.registry``); read only through the scoped selectors. At most two queries per section:
the first rows and, when they fill it, a count."""

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from backoffice.opmaak import maand
from backoffice.werkbak import sectie, sinds_dagen, url
from financiering.templatetags.producten import product_naam

from . import rules
from . import selectors as decl
from .models import VorderingRegel


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
    return sectie(
        "Declaratieregels in behandeling",
        lambda: decl.prestaties_for(user).filter(status="in_behandeling").order_by("begindatum", "id"),
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
    return sectie(
        "Betaalopdrachten te accorderen",
        lambda: decl.betaalopdrachten_for(user).filter(status="te_accorderen").order_by("datum", "id"),
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
    return sectie(
        "Vorderingen over de vervaldatum",
        lambda: decl.vorderingen_for(user).filter(rules.vordering_te_laat_q(today)).order_by("vervaldatum", "id"),
        lambda v: _vordering(v, verlopen=True),
        link=url("web-vorderingen"),
        leeg="Geen vorderingen over de vervaldatum.",
    )


def bezwaren_te_beoordelen(user) -> dict:
    """Claim lines a gemeente disputed, awaiting UWV's judgement: oldest dispute first."""
    return sectie(
        "Bezwaren van gemeenten op vorderingsregels",
        lambda: (
            VorderingRegel.objects.filter(vordering__in=decl.vorderingen_for(user), bezwaar="ingediend")
            .select_related("vordering__gemeente", "prestatie")
            .order_by("bezwaar_op", "id")
        ),
        lambda r: {
            "label": f"{r.vordering.gemeente.naam} · {maand(r.vordering.periode)} · regel {r.prestatie.product_referentie}",
            "url": url("web-vordering", uuid=r.vordering.uuid),
            "deadline": None,
            "toelichting": (
                f"bezwaar ingediend {timezone.localtime(r.bezwaar_op):%d-%m-%Y}, beoordelen"
                if r.bezwaar_op
                else "beoordelen"
            ),
        },
        link=url("web-vorderingen"),
        leeg="Geen bezwaren om te beoordelen.",
    )


# --- gemeente -------------------------------------------------------------------------------------


def vorderingen_te_betalen(user) -> dict:
    today = timezone.localdate()
    return sectie(
        "Vorderingen om te betalen",
        lambda: _open_vorderingen(user).order_by(F("vervaldatum").asc(nulls_last=True), "periode", "id"),
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


def _afwijzing(p) -> str:
    op = f"afgewezen {timezone.localtime(p.afgewezen_op):%d-%m-%Y}"
    codes = [f"{c} {rules.RETOURCODES.get(c, '')}".strip() for c in p.retourcodes or () if c != "8001"]
    return f"{op}: {'; '.join(codes)}" if codes else f"{op} door UWV"


def afgewezen_regels(user) -> dict:
    """Every rejected line: by hand (judged by UWV) and automatically at submission (with return
    codes such as 8848, 9346, 0233, no judgement date: the declaration's date counts)."""
    return sectie(
        "Afgewezen declaratieregels (laatste 60 dagen)",
        lambda: (
            decl.prestaties_for(user)
            .filter(status="afgewezen")
            .annotate(afgewezen_op=Coalesce("beoordeeld_op", "declaratie__ingediend_op"))
            .filter(afgewezen_op__gte=sinds_dagen(60))
            .order_by("-afgewezen_op", "-id")
        ),
        lambda p: {
            "label": f"{p.product_referentie} · {product_naam(p.product_code)} · {p.begindatum:%d-%m-%Y}",
            "url": url("web-declaratie", uuid=p.declaratie.uuid),
            "deadline": None,
            "toelichting": _afwijzing(p),
        },
        link=url("web-declaraties"),
        leeg="Geen afgewezen regels.",
    )
