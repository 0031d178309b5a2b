"""Everything in financiering that writes: schemes, budgets and fidelity audits."""

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_update, record
from backoffice.opmaak import euro
from backoffice.rules import weigeren

from . import permissions, rules, selectors
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
    Trajectbegeleider,
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


def _check_aanbiedertypen(regeling: Regeling, typen: list[str]) -> None:
    problem = rules.aanbiedertypen_problem(list(typen), raamovereenkomst_vereist=regeling.raamovereenkomst_vereist)
    if problem:
        raise BusinessRuleError(
            code="aanbiedertype-niet-toegestaan", message=problem, status=400, field="toegestane_aanbiedertypen"
        )


def perceel_create(*, by, regeling: Regeling, data: dict) -> Perceel:
    roles.require_role(by, roles.BEHEERDER)
    _check_aanbiedertypen(regeling, data.get("toegestane_aanbiedertypen", []))
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
    for perceel in regeling.percelen.all():  # also when the scheme now asks framework contracts
        _check_aanbiedertypen(regeling, perceel.toegestane_aanbiedertypen)
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
                f"({euro(budget.gereserveerd + budget.gerealiseerd)}).",
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


def _check_scores(versie: Schaalversie, numbers: set[int], scores: dict, field: str, wie: str) -> dict[int, int]:
    """Every item of the version scored once, with a whole number 1..5 (400 with the field)."""
    given = {int(k): v for k, v in scores.items()}
    if set(given) != numbers:
        missing = sorted(numbers - set(given))
        extra = sorted(set(given) - numbers)
        raise BusinessRuleError(
            code="scores-onvolledig",
            message=f"{wie}: de schaal {versie.naam} heeft items 1..{len(numbers)}; ontbrekend: {missing or 'geen'}, "
            f"onbekend: {extra or 'geen'}.",
            status=400,
            field=field,
        )
    wrong = sorted(n for n, v in given.items() if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5)
    if wrong:
        raise BusinessRuleError(
            code="score-ongeldig",
            message=f"{wie}: scores zijn gehele getallen van 1 tot en met 5; fout bij item(s) {wrong}.",
            status=400,
            field=field,
        )
    return dict(sorted(given.items()))


@transaction.atomic
def modeltrouwmeting_register(
    *,
    by,
    aanbieder: Aanbieder,
    datum: date,
    versie: Schaalversie,
    scores: dict[str, int] | None = None,
    consensus_scores: dict[str, int] | None = None,
    auditor_1: str = "",
    auditor_2: str = "",
    scores_auditor_1: dict[str, int] | None = None,
    scores_auditor_2: dict[str, int] | None = None,
) -> Modeltrouwmeting:
    """Register a fidelity audit (domain.md 3): two auditors score separately and agree a consensus;
    the consensus item scores give the total and the band. ``scores`` is the consensus as older
    clients send it. A scale version without bands stores the audit without band: it is not banded
    and never counts as a valid audit (``rules.modeltrouw_oordeel``)."""
    roles.require_role(by, roles.AUDITOR)
    if datum > timezone.localdate():
        raise BusinessRuleError(
            code="datum-in-toekomst", message="Een meting kan niet in de toekomst liggen.", status=400, field="datum"
        )
    if consensus_scores is not None and scores is not None and consensus_scores != scores:
        raise BusinessRuleError(
            code="ongeldige-invoer",
            message="Geef de consensusscores één keer: 'consensusScores' (of, zoals vroeger, 'scores').",
            status=400,
            field="consensus_scores",
        )
    consensus = consensus_scores if consensus_scores is not None else scores
    if consensus is None:
        raise BusinessRuleError(
            code="scores-onvolledig",
            message="De consensusscores (per item 1 tot en met 5) zijn verplicht.",
            status=400,
            field="consensus_scores",
        )
    numbers = set(versie.items.values_list("nummer", flat=True))
    per_auditor = {}
    for n, (naam, eigen) in enumerate(((auditor_1, scores_auditor_1), (auditor_2, scores_auditor_2)), start=1):
        naam = (naam or "").strip()
        if eigen is not None and not naam:
            raise BusinessRuleError(
                code="auditor-ontbreekt",
                message=f"Scores van auditor {n} vragen ook de naam van auditor {n}.",
                status=400,
                field=f"auditor_{n}",
            )
        per_auditor[n] = (
            naam,
            None if eigen is None else _check_scores(versie, numbers, eigen, f"scores_auditor_{n}", f"Auditor {n}"),
        )
    if per_auditor[1][0] and per_auditor[1][0].casefold() == per_auditor[2][0].casefold():
        raise BusinessRuleError(
            code="auditor-ontbreekt",
            message="Twee verschillende auditoren scoren de meting: auditor 1 en auditor 2 zijn dezelfde.",
            status=400,
            field="auditor_2",
        )
    given = _check_scores(versie, numbers, consensus, "consensus_scores" if consensus_scores else "scores", "Consensus")
    totaal = sum(given.values())
    ranges = selectors.band_ranges(versie.pk)
    band = rules.band_for_total(totaal, ranges) if ranges else ""
    if band is None:
        raise BusinessRuleError(code="band-onbekend", message=f"Geen band voor totaal {totaal} in {versie.naam}.")
    return Modeltrouwmeting.objects.create(
        aanbieder=aanbieder,
        datum=datum,
        versie=versie,
        auditor_1=per_auditor[1][0],
        auditor_2=per_auditor[2][0],
        scores_auditor_1=_json(per_auditor[1][1]),
        scores_auditor_2=_json(per_auditor[2][1]),
        scores=_json(given),
        totaal=totaal,
        band=band,
        geregistreerd_door=by,
    )


def _json(scores: dict[int, int] | None) -> dict[str, int] | None:
    return None if scores is None else {str(k): v for k, v in scores.items()}


def trajectbegeleider_clienten_elders(*, by, begeleider: Trajectbegeleider, aantal: int) -> Trajectbegeleider:
    """The provider registers how many IPS clients an employment specialist has that are funded
    elsewhere (domain.md 3): the caseload signal counts them with the trajectories on the desk."""
    weigeren(permissions.trajectbegeleider_wijzigen_weigering(by, begeleider))
    if isinstance(aantal, bool) or not isinstance(aantal, int) or not 0 <= aantal <= 32767:
        raise BusinessRuleError(
            code="ongeldige-invoer",
            message="Het aantal cliënten elders is een geheel getal van 0 of meer.",
            status=400,
            field="clienten_elders",
        )
    begeleider.clienten_elders = aantal
    record(begeleider, by=by, reason="cliënten elders bijgewerkt door de aanbieder")
    begeleider.save(update_fields=["clienten_elders"])
    return begeleider


@transaction.atomic
def implementatieplan_registreren(
    *, by, aanbieder: Aanbieder, goedgekeurd_op: date | None, implementatie_start: date | None
) -> Aanbieder:
    """Phrenos records that it tested and approved a provider's implementation plan, and when the
    implementation started (domain.md 3): the run-up of ``rules.modeltrouw_oordeel``. ``None``
    clears a date (a plan withdrawn)."""
    weigeren(permissions.implementatieplan_weigering(by))
    if goedgekeurd_op is not None and goedgekeurd_op > timezone.localdate():
        raise BusinessRuleError(
            code="datum-in-toekomst",
            message="De goedkeuring van het implementatieplan kan niet in de toekomst liggen.",
            status=400,
            field="implementatieplan_goedgekeurd_op",
        )
    aanbieder = Aanbieder.objects.select_for_update().get(pk=aanbieder.pk)
    aanbieder.implementatieplan_goedgekeurd_op = goedgekeurd_op
    aanbieder.implementatie_start = implementatie_start
    record(aanbieder, by=by, reason="implementatieplan geregistreerd door Phrenos")
    aanbieder.save(update_fields=["implementatieplan_goedgekeurd_op", "implementatie_start"])
    return aanbieder
