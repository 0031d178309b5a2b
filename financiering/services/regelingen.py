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


def perceel_set_price(*, perceel: Perceel, bedrag: Decimal, geldig_van: date, by=None) -> Trajectprijs:
    """The price from ``geldig_van`` without an end (the API's ``trajectprijs``, the reference data):
    a price that already begins that day gets the new amount, else a new price follows the open one
    (``prijs_vastleggen``: the one rule of the page and the API)."""
    zelfde_dag = perceel.prijzen.filter(geldig_van=geldig_van).first()
    return prijs_vastleggen(
        by=by, perceel=perceel, bedrag=bedrag, geldig_van=geldig_van,
        geldig_tot=zelfde_dag.geldig_tot if zelfde_dag else None, prijs=zelfde_dag,
    )  # fmt: skip


@transaction.atomic
def prijs_vastleggen(
    *,
    by,
    perceel: Perceel,
    bedrag: Decimal,
    geldig_van: date,
    geldig_tot: date | None = None,
    prijs: Trajectprijs | None = None,
) -> Trajectprijs:
    """Add a price to a lot, or change one (``prijs``), with its validity: the one service behind the
    beheerder's page (``trajectprijs_opslaan``) and the API (``perceel_set_price``). A new price
    without an end succeeds the lot's open-ended price, which then ends the day before
    (``rules.opgevolgde_prijs``); any other overlap is refused (``prijsperiode-overlapt``), on each
    day at most one price applies. A trajectory keeps the price it was approved with. Each write is
    in the history with who (``by``; none: the reference data)."""
    from backoffice.history import record

    perceel = Perceel.objects.select_for_update().get(pk=perceel.pk)  # two beheerders at once: one after the other
    if bedrag is None or bedrag <= 0:
        raise BusinessRuleError(
            code="bedrag-ongeldig", message="Een trajectprijs is hoger dan € 0,00.", status=400, field="bedrag"
        )
    if prijs is not None and prijs.perceel_id != perceel.pk:
        raise BusinessRuleError(code="niet-gevonden", message="Deze prijs hoort niet bij dit perceel.", status=404)
    anderen = [p for p in perceel.prijzen.all() if prijs is None or p.pk != prijs.pk]
    andere = [(p.geldig_van, p.geldig_tot, p.bedrag) for p in anderen]
    opgevolgd = None
    if prijs is None:
        i = rules.opgevolgde_prijs(geldig_van=geldig_van, geldig_tot=geldig_tot, andere=andere)
        if i is not None:
            opgevolgd = anderen[i]
            andere[i] = (opgevolgd.geldig_van, date.fromordinal(geldig_van.toordinal() - 1), opgevolgd.bedrag)
    probleem = rules.prijsperiode_probleem(geldig_van=geldig_van, geldig_tot=geldig_tot, andere=andere)
    if probleem:
        code = "periode-ongeldig" if geldig_tot is not None and geldig_tot < geldig_van else "prijsperiode-overlapt"
        raise BusinessRuleError(
            code=code, message=probleem, status=400, field="geldig_tot" if code == "periode-ongeldig" else "geldig_van"
        )
    if opgevolgd is not None:
        opgevolgd.geldig_tot = date.fromordinal(geldig_van.toordinal() - 1)
        record(opgevolgd, by=by, reason=f"prijs afgesloten: opgevolgd vanaf {geldig_van:%d-%m-%Y}")
        opgevolgd.save(update_fields=["geldig_tot"])
    nieuw = prijs is None
    prijs = prijs or Trajectprijs(perceel=perceel)
    prijs.bedrag, prijs.geldig_van, prijs.geldig_tot = rules.money(bedrag), geldig_van, geldig_tot
    tot = f" tot en met {geldig_tot:%d-%m-%Y}" if geldig_tot else ""
    record(prijs, by=by, reason=f"prijs {'vastgesteld' if nieuw else 'gewijzigd'}: vanaf {geldig_van:%d-%m-%Y}{tot}")
    prijs.save()
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
            perceel_set_price(
                by=by, perceel=perceel, bedrag=perceel_data["trajectprijs"], geldig_van=timezone.localdate()
            )
    for perceel in regeling.percelen.all():  # also when the scheme now asks framework contracts
        _check_aanbiedertypen(regeling, perceel.toegestane_aanbiedertypen)
    return regeling
