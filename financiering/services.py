"""Everything in financiering that writes: schemes, budgets and fidelity audits."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_update

from . import rules, selectors
from .models import (
    ZERO,
    Aanbieder,
    Budget,
    Budgetmutatie,
    Gemeente,
    Modeltrouwmeting,
    Perceel,
    Product,
    Regeling,
    Schaalversie,
    Trajectprijs,
)

REGELING_FIELDS = (
    "naam",
    "raamovereenkomst_vereist",
    "aanvraag_vanaf",
    "aanvraag_tot",
    "quotum_uwv",
    "quotum_gemeente",
    "max_per_gemeente",
    "cofinanciering_aandeel",
    "uwv_akkoord_na_beschikking",
)
PERCEEL_FIELDS = ("naam", "doelgroep", "basisduur_maanden", "max_verlenging_maanden", "toegestane_aanbiedertypen")


def _apply_routes(regeling: Regeling, routes: list[str] | None) -> None:
    if routes is not None:
        regeling.route_uwv = "uwv" in routes
        regeling.route_gemeente = "gemeente" in routes


def perceel_set_payment_plan(*, perceel: Perceel, producten: list[dict] | None) -> None:
    """Replace the lot's payment plan; ``None`` gives the default plan (domain.md section 8)."""
    if producten is None:
        producten = [
            {"code": c, "naam": n, "soort": s, "aandeel": a, "min_uren_per_week": u}
            for c, n, s, a, u in rules.DEFAULT_PAYMENT_PLAN
        ]
    problem = rules.payment_plan_problem([Decimal(p["aandeel"]) for p in producten])
    if problem:
        raise BusinessRuleError(code="betaalplan-ongeldig", message=problem, status=400, field="percelen")
    perceel.producten.all().delete()
    Product.objects.bulk_create(
        Product(
            perceel=perceel,
            code=p["code"],
            naam=p.get("naam") or p["code"],
            soort=p["soort"],
            aandeel=p["aandeel"],
            min_uren_per_week=p.get("min_uren_per_week"),
        )
        for p in producten
    )


def perceel_set_price(*, perceel: Perceel, bedrag: Decimal, geldig_van: date) -> Trajectprijs:
    """A new price from ``geldig_van``; the previous one ends the day before. Existing
    trajectories keep the price they were approved with."""
    previous = perceel.prijzen.filter(geldig_van__lt=geldig_van, geldig_tot__isnull=True).first()
    if previous:
        previous.geldig_tot = date.fromordinal(geldig_van.toordinal() - 1)
        previous.save(update_fields=["geldig_tot"])
    prijs, _ = Trajectprijs.objects.update_or_create(
        perceel=perceel, geldig_van=geldig_van, defaults={"bedrag": bedrag}
    )
    return prijs


@transaction.atomic
def regeling_create(*, by, data: dict) -> Regeling:
    roles.require_role(by, roles.BEHEERDER)
    if Regeling.objects.filter(code=data["code"]).exists():
        raise BusinessRuleError(
            code="code-bestaat", message=f"Er is al een regeling met code '{data['code']}'.", status=409, field="code"
        )
    regeling = Regeling(code=data["code"], **{f: data[f] for f in REGELING_FIELDS if f in data})
    _apply_routes(regeling, data.get("routes"))
    regeling.full_clean()
    regeling.save()
    for perceel_data in data.get("percelen", []):
        perceel_create(by=by, regeling=regeling, data=perceel_data)
    return regeling


def perceel_create(*, by, regeling: Regeling, data: dict) -> Perceel:
    roles.require_role(by, roles.BEHEERDER)
    if Perceel.objects.filter(code=data["code"]).exists():
        raise BusinessRuleError(
            code="code-bestaat", message=f"Er is al een perceel met code '{data['code']}'.", field="percelen"
        )
    perceel = Perceel.objects.create(
        regeling=regeling, code=data["code"], **{f: data[f] for f in PERCEEL_FIELDS if f in data}
    )
    perceel_set_payment_plan(perceel=perceel, producten=data.get("producten"))
    perceel_set_price(
        perceel=perceel,
        bedrag=data.get("trajectprijs") or rules.DEFAULT_TRAJECTPRIJS,
        geldig_van=regeling.aanvraag_vanaf or timezone.localdate(),
    )
    return perceel


@transaction.atomic
def regeling_update(*, by, regeling: Regeling, data: dict) -> Regeling:
    roles.require_role(by, roles.BEHEERDER)
    regeling = Regeling.objects.select_for_update().get(pk=regeling.pk)
    for f in REGELING_FIELDS:
        if f in data:
            setattr(regeling, f, data[f])
    _apply_routes(regeling, data.get("routes"))
    if not (regeling.route_uwv or regeling.route_gemeente):
        raise BusinessRuleError(
            code="route-ontbreekt", message="Een regeling heeft minstens één route.", status=400, field="routes"
        )
    if regeling.aanvraag_vanaf and regeling.aanvraag_tot and regeling.aanvraag_tot < regeling.aanvraag_vanaf:
        raise BusinessRuleError(
            code="periode-ongeldig",
            message="De laatste aanvraagdatum ligt vóór de eerste.",
            status=400,
            field="aanvraag_tot",
        )
    regeling.save()
    existing = {p.code: p for p in regeling.percelen.all()}
    for perceel_data in data.get("percelen", []):
        perceel = existing.get(perceel_data["code"])
        if perceel is None:
            missing = [
                f
                for f in ("naam", "doelgroep", "basisduur_maanden", "toegestane_aanbiedertypen")
                if f not in perceel_data
            ]
            if missing:
                raise BusinessRuleError(
                    code="ongeldige-invoer",
                    message=f"Een nieuw perceel ({perceel_data['code']}) vraagt ook: {', '.join(missing)}.",
                    status=400,
                    field="percelen",
                )
            perceel_create(by=by, regeling=regeling, data=perceel_data)
            continue
        for f in PERCEEL_FIELDS:
            if f in perceel_data:
                setattr(perceel, f, perceel_data[f])
        perceel.save()
        if "producten" in perceel_data:
            perceel_set_payment_plan(perceel=perceel, producten=perceel_data["producten"])
        if perceel_data.get("trajectprijs"):
            perceel_set_price(perceel=perceel, bedrag=perceel_data["trajectprijs"], geldig_van=timezone.localdate())
    return regeling


@transaction.atomic
def budget_create(*, by, gemeente: Gemeente, regeling: Regeling, jaar: int, toegekend: Decimal) -> Budget:
    """Allocate (or change the allocation of) a gemeente's budget. Lowering it below what is
    already committed and realised is refused."""
    roles.require_role(by, roles.UWV_FINANCIEEL)
    budget = Budget.objects.select_for_update().filter(gemeente=gemeente, regeling=regeling, jaar=jaar).first()
    if budget is None:
        budget = Budget.objects.create(gemeente=gemeente, regeling=regeling, jaar=jaar, toegekend=toegekend)
        delta = toegekend
    else:
        if toegekend < budget.gereserveerd + budget.gerealiseerd:
            raise BusinessRuleError(
                code="budget-ontoereikend",
                message=f"Het budget kan niet lager worden dan wat al gereserveerd en gerealiseerd is "
                f"(EUR {budget.gereserveerd + budget.gerealiseerd:.2f}).",
                field="toegekend",
            )
        delta = toegekend - budget.toegekend
        budget.toegekend = toegekend
        budget.save()
    Budgetmutatie.objects.create(budget=budget, soort="toekenning", bedrag=delta, omschrijving="Toekenning", door=by)
    return budget


def budget_commit(*, budget_id: int, bedrag: Decimal, by, omschrijving: str, object_uuid: UUID) -> Budget:
    """Commit expected cost (the obligo). The row lock makes check and commitment one step, so
    two approvals racing for the last euros cannot both pass; the check constraint backs it up."""
    budget = Budget.objects.select_for_update().select_related("gemeente").get(pk=budget_id)
    if budget.vrij < bedrag:
        raise BusinessRuleError(
            code="budget-ontoereikend",
            message=f"Het vrije budget van {budget.gemeente.naam} voor {budget.jaar} (EUR {budget.vrij:.2f}) is lager "
            f"dan het bedrag dat gereserveerd moet worden (EUR {bedrag:.2f}).",
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


@transaction.atomic
def modeltrouwmeting_register(
    *, by, aanbieder: Aanbieder, datum: date, versie: Schaalversie, scores: dict[str, int]
) -> Modeltrouwmeting:
    """Register a fidelity audit; the total and the band are computed from the item scores."""
    roles.require_role(by, roles.AUDITOR)
    if datum > timezone.localdate():
        raise BusinessRuleError(
            code="datum-in-toekomst", message="Een meting kan niet in de toekomst liggen.", status=400, field="datum"
        )
    numbers = set(versie.items.values_list("nummer", flat=True))
    given = {int(k): v for k, v in scores.items()}
    if set(given) != numbers:
        missing = sorted(numbers - set(given))
        extra = sorted(set(given) - numbers)
        raise BusinessRuleError(
            code="scores-onvolledig",
            message=f"De schaal {versie.naam} heeft items 1..{len(numbers)}; ontbrekend: {missing or 'geen'}, "
            f"onbekend: {extra or 'geen'}.",
            status=400,
            field="scores",
        )
    wrong = sorted(n for n, v in given.items() if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5)
    if wrong:
        raise BusinessRuleError(
            code="score-ongeldig",
            message=f"Scores zijn gehele getallen van 1 tot en met 5; fout bij item(s) {wrong}.",
            status=400,
            field="scores",
        )
    totaal = sum(given.values())
    band = rules.band_for_total(totaal, selectors.band_ranges(versie.pk))
    if band is None:
        raise BusinessRuleError(code="band-onbekend", message=f"Geen band voor totaal {totaal} in {versie.naam}.")
    return Modeltrouwmeting.objects.create(
        aanbieder=aanbieder,
        datum=datum,
        versie=versie,
        scores={str(k): v for k, v in sorted(given.items())},
        totaal=totaal,
        band=band,
        geregistreerd_door=by,
    )
