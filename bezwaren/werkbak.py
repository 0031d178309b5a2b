"""The werkbak sections of the objections, for the deciding body (UWV beoordelaar for UWV's
decisions, the gemeente medewerker for its gemeente's): the open objections to decide, the
nearest decision term first, and those past their decision term. At most two queries per section
(``backoffice.werkbak.sectie``)."""

from django.db.models import F
from django.utils import timezone

from backoffice import registry, roles
from backoffice.werkbak import sectie, url

from . import rules, selectors, weergave


def _rij(b, today) -> dict:
    besluit = weergave.besluit_van(b)
    return {
        "label": f"{b.nummer} · {besluit['titel']}",
        "url": url("web-bezwaar", uuid=b.uuid),
        "deadline": b.beslistermijn,
        "verlopen": weergave.beslistermijn_verlopen(b, today),
        "toelichting": f"{b.aanbieder.naam}, ingediend {timezone.localtime(b.ingediend_op):%d-%m-%Y}",
    }


def _open(user, orgaan: str):
    return (
        selectors.bezwaren_voor(user)
        .filter(status__in=rules.OPEN, beslisorgaan=orgaan)
        .select_related(None)
        .select_related("aanbieder", *weergave.BESLUIT_VELDEN)
        .order_by(F("beslistermijn").asc(), "ingediend_op", "id")
    )


def _te_beslissen(user, orgaan: str) -> dict:
    today = timezone.localdate()
    return sectie(
        "Bezwaren om te beslissen",
        lambda: _open(user, orgaan),
        lambda b: _rij(b, today),
        link=url("web-bezwaren"),
        leeg="Er wachten geen bezwaren op uw besluit.",
        tel_eerst=True,  # the rows join the contested decision of every kind
    )


def _te_laat(user, orgaan: str) -> dict:
    today = timezone.localdate()
    return sectie(
        "Bezwaren over de beslistermijn",
        lambda: _open(user, orgaan).filter(beslistermijn__lt=today),
        lambda b: _rij(b, today),
        link=url("web-bezwaren"),
        leeg="Geen bezwaar is over zijn beslistermijn.",
        tel_eerst=True,
    )


def uwv_te_beslissen(user) -> dict:
    return _te_beslissen(user, "uwv")


def uwv_te_laat(user) -> dict:
    return _te_laat(user, "uwv")


def gemeente_te_beslissen(user) -> dict:
    return _te_beslissen(user, "gemeente")


def gemeente_te_laat(user) -> dict:
    return _te_laat(user, "gemeente")


def register() -> None:
    """After the other apps' sections of these roles (trajecten 10-20, declaraties 30)."""
    registry.register_werkbak_sectie(roles.UWV_BEOORDELAAR, uwv_te_laat, order=40)
    registry.register_werkbak_sectie(roles.UWV_BEOORDELAAR, uwv_te_beslissen, order=41)
    registry.register_werkbak_sectie(roles.GEMEENTE, gemeente_te_laat, order=40)
    registry.register_werkbak_sectie(roles.GEMEENTE, gemeente_te_beslissen, order=41)
