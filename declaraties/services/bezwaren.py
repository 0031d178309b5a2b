"""A gemeente disputes a line of its claim; UWV decides the dispute."""

from django.db import transaction
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from financiering import selectors as fin_selectors

from ..models import Vordering, VorderingRegel
from .vorderingen import _status_after_money, _vorderingen_herbereken


@transaction.atomic
def bezwaar_indienen(*, by, vordering: Vordering, regel: VorderingRegel, toelichting: str) -> VorderingRegel:
    """A gemeente disputes one line of its own claim, with a reason."""
    roles.require_role(by, roles.GEMEENTE)
    vordering = Vordering.objects.select_for_update().get(pk=vordering.pk)
    if vordering.gemeente_id not in fin_selectors.user_gemeente_ids(by):
        raise BusinessRuleError(
            code="niet-gevonden", message="Deze vordering bestaat niet of is niet van u.", status=404
        )
    if vordering.status in ("concept", "betaald"):
        raise BusinessRuleError(
            code="ongeldige-status", message=f"Een vordering met status '{vordering.status}' kan niet worden betwist."
        )
    regel = VorderingRegel.objects.select_for_update().get(pk=regel.pk, vordering=vordering)
    if regel.bezwaar != "geen":
        raise BusinessRuleError(code="ongeldige-status", message="Tegen deze regel loopt of liep al een bezwaar.")
    if not toelichting.strip():
        raise BusinessRuleError(
            code="toelichting-verplicht", message="Een bezwaar vraagt een toelichting.", status=400, field="toelichting"
        )
    regel.bezwaar, regel.bezwaar_toelichting, regel.bezwaar_door, regel.bezwaar_op = (
        "ingediend",
        toelichting.strip(),
        by,
        timezone.now(),
    )
    regel.save()
    vordering.status = "betwist"
    vordering.save()
    return regel


@transaction.atomic
def bezwaar_beoordelen(*, by, regel: VorderingRegel, besluit: str, toelichting: str) -> VorderingRegel:
    """UWV resolves a dispute: ``toegewezen`` removes the line from the claim, ``afgewezen`` keeps it."""
    roles.require_role(by, roles.UWV_FINANCIEEL)
    vordering = Vordering.objects.select_for_update().get(pk=regel.vordering_id)
    regel = VorderingRegel.objects.select_for_update().get(pk=regel.pk)
    if regel.bezwaar != "ingediend":
        raise BusinessRuleError(code="ongeldige-status", message="Op deze regel wacht geen bezwaar op een besluit.")
    if besluit not in ("toegewezen", "afgewezen"):
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Besluit is 'toegewezen' of 'afgewezen'.", status=400, field="besluit"
        )
    if not toelichting.strip():
        raise BusinessRuleError(
            code="toelichting-verplicht",
            message="Een besluit op een bezwaar vraagt een toelichting.",
            status=400,
            field="toelichting",
        )
    regel.bezwaar = besluit
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
    vordering.status = _status_after_money(vordering)
    vordering.save()
    return regel
