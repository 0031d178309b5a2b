"""Budgets per gemeente and their ledger (Budget, Budgetmutatie): set, commit, release, realise."""

from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.db.models import Case, F, Value, When

from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_update, record
from backoffice.opmaak import euro
from backoffice.rules import weigeren

from .. import permissions
from ..models import (
    ZERO,
    Budget,
    Budgetmutatie,
    Gemeente,
    Regeling,
)


@transaction.atomic
def budget_create(
    *,
    by,
    gemeente: Gemeente,
    regeling: Regeling,
    jaar: int,
    toegekend: Decimal,
    omschrijving: str = "",
    alleen_nieuw: bool = False,
) -> Budget:
    """Allocate (or change the allocation of) a gemeente's budget (UWV financieel or the
    beheerder). Lowering it below what is already committed and realised is refused. The ledger
    gets the difference as a ``toekenning`` line, with ``omschrijving`` (the reason) if given.
    ``alleen_nieuw`` (the "new budget" page): an existing budget is refused (``budget-bestaat``)
    instead of changed, checked under the same row lock."""
    weigeren(permissions.budget_toekennen_weigering(by))
    if toegekend is None or toegekend < 0:
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Het toegekende bedrag is 0 of meer.", status=400, field="toegekend"
        )
    budget = Budget.objects.select_for_update().filter(gemeente=gemeente, regeling=regeling, jaar=jaar).first()
    if budget is not None and alleen_nieuw:
        raise BusinessRuleError(
            code="budget-bestaat",
            message=f"{gemeente.naam} heeft al een budget voor {regeling.naam} in {jaar}; verhoog of verlaag dat "
            "budget op zijn eigen pagina.",
            field="jaar",
        )
    if budget is None:
        budget = Budget(gemeente=gemeente, regeling=regeling, jaar=jaar, toegekend=toegekend)
        record(budget, by=by, reason=f"budget vastgesteld op {euro(toegekend)}")
        budget.save()
        delta = toegekend
    else:
        vast = budget.gereserveerd + budget.gerealiseerd
        if toegekend < vast:
            raise BusinessRuleError(
                code="budget-ontoereikend",
                message=f"Het budget kan niet lager worden dan wat al gereserveerd en gerealiseerd is "
                f"({euro(vast)}: {euro(budget.gereserveerd)} gereserveerd en {euro(budget.gerealiseerd)} betaald).",
                field="toegekend",
            )
        delta = toegekend - budget.toegekend
        record(budget, by=by, reason=f"toegekend van {euro(budget.toegekend)} naar {euro(toegekend)}")
        budget.toegekend = toegekend
        budget.save()
    standaard = "Toekenning" if delta >= 0 else "Verlaging"
    Budgetmutatie.objects.create(
        budget=budget,
        soort="toekenning",
        bedrag=delta,
        omschrijving=(omschrijving or "").strip()[:200] or standaard,
        door=by,
    )
    return budget


def budget_commit(*, budget_id: int, bedrag: Decimal, by, omschrijving: str, object_uuid: UUID) -> Budget:
    """Commit expected cost (the obligo). The row lock makes check and commitment one step, so
    two approvals racing for the last euros cannot both pass; the check constraint backs it up."""
    budget = Budget.objects.select_for_update().select_related("gemeente").get(pk=budget_id)
    if budget.vrij < bedrag:
        raise BusinessRuleError(
            code="budget-ontoereikend",
            message=f"Het vrije budget van {budget.gemeente.naam} voor {budget.jaar} ({euro(budget.vrij)}) is lager "
            f"dan het bedrag dat gereserveerd moet worden ({euro(bedrag)}).",
        )
    budget.gereserveerd += bedrag
    budget.save(update_fields=["gereserveerd"])
    Budgetmutatie.objects.create(
        budget=budget, soort="reservering", bedrag=bedrag, omschrijving=omschrijving, object_uuid=object_uuid, door=by
    )
    return budget


def budget_release(*, budget_id: int, bedrag: Decimal, by, omschrijving: str, object_uuid: UUID) -> Budget:
    """Release committed money (rejection after the beschikking, stop, final settlement)."""
    budget = Budget.objects.select_for_update().get(pk=budget_id)
    bedrag = min(bedrag, budget.gereserveerd)
    if bedrag > 0:
        budget.gereserveerd -= bedrag
        budget.save(update_fields=["gereserveerd"])
        Budgetmutatie.objects.create(
            budget=budget, soort="vrijval", bedrag=bedrag, omschrijving=omschrijving, object_uuid=object_uuid, door=by
        )
    return budget


def budget_realiseren(*, amounts: dict[int, Decimal], by, omschrijving: str, object_uuid: UUID) -> None:
    """Paid money moves from committed to realised, for many budgets in one statement (the money
    module calls this when the bank confirms a payment order): one ledger line and one history row
    per budget."""
    amounts = {k: v for k, v in amounts.items() if v}
    if not amounts:
        return
    delta = Case(*[When(pk=k, then=Value(v)) for k, v in amounts.items()], default=Value(ZERO))
    bulk_update(
        Budget.objects.filter(pk__in=amounts),
        reason=f"gerealiseerd: {omschrijving}",
        by=by,
        gereserveerd=F("gereserveerd") - delta,
        gerealiseerd=F("gerealiseerd") + delta,
    )
    Budgetmutatie.objects.bulk_create(
        Budgetmutatie(
            budget_id=k, soort="realisatie", bedrag=v, omschrijving=omschrijving, object_uuid=object_uuid, door=by
        )
        for k, v in amounts.items()
    )
