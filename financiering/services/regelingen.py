"""Schemes, lots, payment plans and prices (financiering.Regeling, Perceel, Product, Trajectprijs)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from backoffice import registry, roles
from backoffice.errors import BusinessRuleError

from .. import rules
from ..models import (
    Perceel,
    Product,
    Regeling,
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


def cofinanciering_gewijzigd(regeling: Regeling, *, was) -> None:
    """A share that goes from 0 to more: the apps that claim it hear so (``registry``)."""
    if not was and regeling.cofinanciering_aandeel:
        registry.cofinanciering_gezet(regeling.pk)


def _check_regeling(regeling: Regeling) -> None:
    """The scheme's own rules in words (the database constraints behind them), for creating and
    changing alike: at least one route, and an application window that does not end before it starts."""
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


@transaction.atomic
def regeling_create(*, by, data: dict) -> Regeling:
    roles.require_role(by, roles.BEHEERDER)
    if Regeling.objects.filter(code=data["code"]).exists():
        raise BusinessRuleError(
            code="code-bestaat", message=f"Er is al een regeling met code '{data['code']}'.", status=409, field="code"
        )
    regeling = Regeling(code=data["code"], **{f: data[f] for f in REGELING_FIELDS if f in data})
    _apply_routes(regeling, data.get("routes"))
    _check_regeling(regeling)
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
    """A lot from the API (``POST``/``PATCH /regelingen``): the same transition as the beheerder's
    page (``beheer.perceel_aanmaken``: the role, the provider types, a unique code, the history with
    who), then the payment plan given (else the default) and its first price (else the default price)."""
    from .beheer import betaalplan_wijzigen, perceel_aanmaken

    perceel = perceel_aanmaken(
        by=by,
        regeling=regeling,
        data=data,
        trajectprijs=data.get("trajectprijs") or rules.DEFAULT_TRAJECTPRIJS,
        prijs_geldig_van=regeling.aanvraag_vanaf or timezone.localdate(),
    )
    if data.get("producten") is not None:
        betaalplan_wijzigen(by=by, perceel=perceel, producten=data["producten"])
    return perceel


@transaction.atomic
def regeling_update(*, by, regeling: Regeling, data: dict) -> Regeling:
    from .beheer import betaalplan_wijzigen, perceel_wijzigen

    roles.require_role(by, roles.BEHEERDER)
    regeling = Regeling.objects.select_for_update().get(pk=regeling.pk)
    aandeel = regeling.cofinanciering_aandeel
    for f in REGELING_FIELDS:
        if f in data:
            setattr(regeling, f, data[f])
    _apply_routes(regeling, data.get("routes"))
    _check_regeling(regeling)
    regeling.save()
    cofinanciering_gewijzigd(regeling, was=aandeel)
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
        # the page's transitions: the same checks, and the history naming who changed it
        perceel = perceel_wijzigen(by=by, perceel=perceel, data=perceel_data)
        if "producten" in perceel_data:
            betaalplan_wijzigen(by=by, perceel=perceel, producten=perceel_data["producten"])
        if perceel_data.get("trajectprijs"):
            perceel_set_price(perceel=perceel, bedrag=perceel_data["trajectprijs"], geldig_van=timezone.localdate())
    for perceel in regeling.percelen.all():  # also when the scheme now asks framework contracts
        _check_aanbiedertypen(regeling, perceel.toegestane_aanbiedertypen)
    return regeling
