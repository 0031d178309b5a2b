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


# --- the beheerder's desk in the browser (issue 12, w2): lots, prices, payment plans, accounts -----
# The web pages (financiering/views_beheer.py) write through these; each checks the role itself and
# records who changed what (django-simple-history, backoffice.history.record).


def _beheerder(by) -> None:
    weigeren(permissions.regeling_beheren_weigering(by))


@transaction.atomic
def trajectprijs_opslaan(
    *,
    by,
    perceel: Perceel,
    bedrag: Decimal,
    geldig_van: date,
    geldig_tot: date | None = None,
    prijs: Trajectprijs | None = None,
) -> Trajectprijs:
    """Add a price to a lot, or change one (``prijs``), with its validity. The lot's prices may
    not overlap (``prijsperiode-overlapt``); a trajectory keeps the price it was approved with."""
    _beheerder(by)
    perceel = Perceel.objects.select_for_update().get(pk=perceel.pk)  # two beheerders at once: one after the other
    if bedrag is None or bedrag <= 0:
        raise BusinessRuleError(
            code="bedrag-ongeldig", message="Een trajectprijs is hoger dan € 0,00.", status=400, field="bedrag"
        )
    if prijs is not None and prijs.perceel_id != perceel.pk:
        raise BusinessRuleError(code="niet-gevonden", message="Deze prijs hoort niet bij dit perceel.", status=404)
    andere = [
        (p.geldig_van, p.geldig_tot, p.bedrag) for p in perceel.prijzen.all() if prijs is None or p.pk != prijs.pk
    ]
    probleem = rules.prijsperiode_probleem(geldig_van=geldig_van, geldig_tot=geldig_tot, andere=andere)
    if probleem:
        code = "periode-ongeldig" if geldig_tot is not None and geldig_tot < geldig_van else "prijsperiode-overlapt"
        raise BusinessRuleError(
            code=code, message=probleem, status=400, field="geldig_tot" if code == "periode-ongeldig" else "geldig_van"
        )
    nieuw = prijs is None
    prijs = prijs or Trajectprijs(perceel=perceel)
    prijs.bedrag, prijs.geldig_van, prijs.geldig_tot = rules.money(bedrag), geldig_van, geldig_tot
    tot = f" tot en met {geldig_tot:%d-%m-%Y}" if geldig_tot else ""
    record(prijs, by=by, reason=f"prijs {'vastgesteld' if nieuw else 'gewijzigd'}: vanaf {geldig_van:%d-%m-%Y}{tot}")
    prijs.save()
    return prijs


@transaction.atomic
def perceel_aanmaken(
    *, by, regeling: Regeling, data: dict, trajectprijs: Decimal | None = None, prijs_geldig_van: date | None = None
) -> Perceel:
    """A new lot of a scheme with the default payment plan (domain.md 8) and, when given, its first
    price; without a price the scheme's page says that it is still missing."""
    _beheerder(by)
    _check_aanbiedertypen(regeling, data.get("toegestane_aanbiedertypen", []))
    if Perceel.objects.filter(code=data["code"]).exists():
        raise BusinessRuleError(
            code="code-bestaat", message=f"Er is al een perceel met code '{data['code']}'.", status=409, field="code"
        )
    perceel = Perceel(regeling=regeling, code=data["code"], **{f: data[f] for f in PERCEEL_FIELDS if f in data})
    perceel.full_clean()
    record(perceel, by=by, reason="perceel aangemaakt")
    perceel.save()
    betaalplan_wijzigen(by=by, perceel=perceel, producten=None)
    if trajectprijs:
        trajectprijs_opslaan(
            by=by,
            perceel=perceel,
            bedrag=trajectprijs,
            geldig_van=prijs_geldig_van or regeling.aanvraag_vanaf or timezone.localdate(),
        )
    return perceel


@transaction.atomic
def perceel_wijzigen(*, by, perceel: Perceel, data: dict) -> Perceel:
    """Change a lot's name, target group, duration, extension and allowed provider types (its code
    and scheme stay)."""
    _beheerder(by)
    perceel = Perceel.objects.select_for_update().select_related("regeling").get(pk=perceel.pk)
    if "toegestane_aanbiedertypen" in data:
        if not data["toegestane_aanbiedertypen"]:
            raise BusinessRuleError(
                code="aanbiedertype-ontbreekt",
                message="Kies minstens één aanbiedertype dat dit perceel mag aanbieden.",
                status=400,
                field="toegestane_aanbiedertypen",
            )
        _check_aanbiedertypen(perceel.regeling, data["toegestane_aanbiedertypen"])
    gewijzigd = [f for f in PERCEEL_FIELDS if f in data and getattr(perceel, f) != data[f]]
    for f in gewijzigd:
        setattr(perceel, f, data[f])
    if gewijzigd:
        perceel.full_clean()
        record(perceel, by=by, reason="perceel gewijzigd")
        perceel.save()
    return perceel


@transaction.atomic
def betaalplan_wijzigen(*, by, perceel: Perceel, producten: list[dict] | None) -> list[Product]:
    """Replace a lot's payment plan (``None``: the default plan), the shares adding up to 1
    (``betaalplan-ongeldig``); the new products get a history row each (made by ``by``)."""
    from backoffice.history import bulk_snapshot

    _beheerder(by)
    codes = [p["code"] for p in producten or []]
    if len(codes) != len(set(codes)):
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Elke productcode mag maar één keer voorkomen.", status=400
        )
    perceel_set_payment_plan(perceel=perceel, producten=producten)
    nieuw = list(perceel.producten.all())
    bulk_snapshot(Product, ids=[p.pk for p in nieuw], reason="betaalplan vastgesteld", by=by, created=True)
    return nieuw


@transaction.atomic
def gebruiker_aanmaken(
    *,
    by,
    username: str,
    wachtwoord: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    aanbieder: Aanbieder | None = None,
    gemeenten: list[Gemeente] | tuple = (),
):
    """A new account, with its organisation (``Medewerker``: one provider or one or more gemeenten)
    and no role: a role is requested afterwards and approved by a second beheerder (four eyes)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from .models import Medewerker

    roles.require_role(by, roles.BEHEERDER)
    user_model = get_user_model()
    username = (username or "").strip()
    if not username:
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Een gebruikersnaam is verplicht.", status=400, field="username"
        )
    if user_model.objects.filter(username__iexact=username).exists():
        raise BusinessRuleError(
            code="gebruikersnaam-bestaat",
            message=f"Er is al een account met de gebruikersnaam '{username}'.",
            status=409,
            field="username",
        )
    if aanbieder is not None and gemeenten:
        raise BusinessRuleError(
            code="organisatie-ongeldig",
            message="Een account hoort bij één aanbieder of bij een of meer gemeenten, niet bij allebei.",
            status=400,
            field="aanbieder",
        )
    user = user_model(username=username, first_name=first_name, last_name=last_name, email=email)
    try:
        validate_password(wachtwoord, user)
    except ValidationError as exc:
        raise BusinessRuleError(
            code="wachtwoord-ongeldig", message=" ".join(exc.messages), status=400, field="wachtwoord"
        ) from exc
    user.set_password(wachtwoord)
    user.save()
    if aanbieder is not None or gemeenten:
        medewerker = Medewerker.objects.create(user=user, aanbieder=aanbieder)
        if gemeenten:
            medewerker.gemeenten.add(*gemeenten)
    return user


@transaction.atomic
def medewerker_koppelen(*, by, gebruiker, aanbieder: Aanbieder | None = None, gemeenten=()):
    """Link an existing account to its organisation: one provider, or one or more gemeenten, or
    none. An account with the role of aanbieder or gemeente keeps an organisation of that kind
    (``rol-zonder-organisatie``): revoke the role first."""
    from backoffice.rules import check_organisatie

    from .models import Medewerker

    roles.require_role(by, roles.BEHEERDER)
    if aanbieder is not None and gemeenten:
        raise BusinessRuleError(
            code="organisatie-ongeldig",
            message="Een account hoort bij één aanbieder of bij een of meer gemeenten, niet bij allebei.",
            status=400,
            field="aanbieder",
        )
    rollen = set(gebruiker.groups.values_list("name", flat=True))
    if roles.AANBIEDER in rollen:
        check_organisatie(rol=roles.AANBIEDER, heeft_organisatie=aanbieder is not None)
    if roles.GEMEENTE in rollen:
        check_organisatie(rol=roles.GEMEENTE, heeft_organisatie=bool(gemeenten))
    medewerker = Medewerker.objects.select_for_update().filter(user=gebruiker).first()
    if medewerker is None:
        if aanbieder is None and not gemeenten:
            return None
        medewerker = Medewerker.objects.create(user=gebruiker, aanbieder=aanbieder)
    else:
        medewerker.aanbieder = aanbieder
        medewerker.save(update_fields=["aanbieder"])
    medewerker.gemeenten.set(list(gemeenten))
    return medewerker
