"""A gemeente disputes a line of its claim; UWV decides the dispute. The line's objection follows
``rules.BEZWAAR``, the claim's status ``rules.VORDERING``; the claim's history names both."""

from django.db import transaction
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.history import record
from backoffice.rules import toelichting_vereist, weigeren

from .. import rules
from ..models import Vordering, VorderingRegel
from ..permissions import bezwaar_beoordelen_weigering, bezwaar_indienen_weigering
from ..rules import BEZWAAR, VORDERING
from .vorderingen import _status_after_money, _vorderingen_herbereken


def _regel(pk: int, **filters) -> VorderingRegel:
    return VorderingRegel.objects.select_for_update(of=("self",)).select_related("prestatie").get(pk=pk, **filters)


@transaction.atomic
def bezwaar_indienen(*, by, vordering: Vordering, regel: VorderingRegel, toelichting: str) -> VorderingRegel:
    """A gemeente disputes one line of its own claim, with a reason."""
    vordering = Vordering.objects.select_for_update().get(pk=vordering.pk)
    weigeren(bezwaar_indienen_weigering(by, vordering))
    regel = _regel(regel.pk, vordering=vordering)
    weigeren(bezwaar_indienen_weigering(by, vordering, regel))
    toelichting_vereist(toelichting, message="Een bezwaar vraagt een toelichting.")
    regel.bezwaar = BEZWAAR.volgende("indienen", regel.bezwaar)
    regel.bezwaar_toelichting, regel.bezwaar_door, regel.bezwaar_op = toelichting.strip(), by, timezone.now()
    regel.save()
    vordering.status = VORDERING.volgende("betwisten", vordering.status)
    record(vordering, by=by, reason=f"bezwaar ingediend tegen regel {regel.prestatie.product_referentie}")
    vordering.save()
    return regel


@transaction.atomic
def bezwaar_beoordelen(*, by, regel: VorderingRegel, besluit: str, toelichting: str) -> VorderingRegel:
    """UWV resolves a dispute: ``toegewezen`` removes the line from the claim, ``afgewezen`` keeps it."""
    vordering = Vordering.objects.select_for_update().get(pk=regel.vordering_id)
    regel = _regel(regel.pk)
    weigeren(bezwaar_beoordelen_weigering(by, regel))
    actie = rules.BEZWAAR_BESLUITEN.get(besluit)
    if actie is None:
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Besluit is 'toegewezen' of 'afgewezen'.", status=400, field="besluit"
        )
    toelichting_vereist(toelichting, message="Een besluit op een bezwaar vraagt een toelichting.")
    regel.bezwaar = BEZWAAR.volgende(actie, regel.bezwaar)
    regel.bezwaar_besluit_door, regel.bezwaar_besluit_op, regel.bezwaar_besluit_toelichting = (
        by,
        timezone.now(),
        toelichting.strip(),
    )
    regel.save()
    _vorderingen_herbereken([vordering.pk])
    vordering.refresh_from_db()
    if vordering.ontvangen > vordering.bedrag:
        raise BusinessRuleError(
            code="bedrag-te-hoog",
            message="Er is al meer ontvangen dan er na dit besluit gevorderd wordt; verreken eerst.",
        )
    vordering.status = VORDERING.volgende("bezwaar_besluiten", vordering.status, naar=_status_after_money(vordering))
    gevolg = "regel vervalt" if besluit == "toegewezen" else "regel blijft"
    record(vordering, by=by, reason=f"bezwaar {besluit} (regel {regel.prestatie.product_referentie}): {gevolg}")
    vordering.save()
    return regel
