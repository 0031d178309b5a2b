"""Shortcuts for the money tests (payment orders, claims, budgets): declare lines directly through
the service (the declarations API has its own tests), run the weekly and monthly money runs, and
compute budgets and claims from the raw tables to compare with what the loket says."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum

from declaraties import rules, services
from declaraties.models import Betaalopdracht, Prestatie, VorderingRegel
from financiering.models import Budget, Budgetmutatie
from financiering.rules import money

AMS = ZoneInfo("Europe/Amsterdam")
ZERO = Decimal("0.00")


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=AMS)


def regel(traject: dict, ref: str, code: str, begin, eind, bedrag, volume="1", dc="D", vorig="") -> rules.Regel:
    return rules.Regel(
        product_referentie=ref,
        toewijzing_nummer=traject["toewijzingNummer"],
        product_code=code,
        begindatum=begin,
        einddatum=eind,
        geleverd_volume=Decimal(volume),
        ingediend_bedrag=Decimal(bedrag),
        debet_credit=dc,
        vorig_referentie_nummer=vorig,
    )


def declare(user, nummer: str, regels: list[rules.Regel]):
    """Submit a declaration for the month of the first line; every line must be accepted."""
    begin, eind = rules.month_bounds(regels[0].begindatum)
    declaratie, _ = services.declaratie_submit(
        by=user,
        invoer=services.DeclaratieInvoer(declaratie_nummer=nummer, begindatum=begin, einddatum=eind, regels=regels),
    )
    statuses = list(declaratie.prestaties.values_list("product_referentie", "status", "retourcodes"))
    assert all(s == "toegekend" for _, s, _ in statuses), statuses
    return declaratie


def pay(world, clock, day: datetime.date) -> Betaalopdracht:
    """The weekly run on ``day`` makes one payment order; UWV financieel approves it and the bank
    confirms it the same day: its lines are paid."""
    clock.move_to(moment(day))
    services.betaalopdrachten_aanmaken(datum=day)
    opdracht = Betaalopdracht.objects.get(status="te_accorderen")
    services.betaalopdracht_accorderen(by=world.uwv_fin, opdracht=opdracht)
    services.betaalopdracht_bevestigen(by=world.uwv_fin, opdracht=opdracht, datum=day)
    return opdracht


def claim(clock, day: datetime.date) -> dict:
    """The monthly claims run on ``day`` (the 1st), over the month before."""
    clock.move_to(moment(day))
    return services.vorderingen_aanmaken(datum=day)


def start_line(traject: dict, ref: str, day: datetime.date) -> rules.Regel:
    """The start product of a trajectory of 8000: 40%, once."""
    return regel(traject, ref, "start", day, day, "3200.00")


def periode_amount(begin: datetime.date, eind: datetime.date, prijs="8000.00", maanden=36) -> Decimal:
    days_in_month = (begin.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - begin.replace(day=1)
    return money(Decimal(prijs) * Decimal("0.40") / maanden * ((eind - begin).days + 1) / days_in_month.days)


def ledger(budget: Budget) -> dict[str, Decimal]:
    """Sums of the budget's ledger per kind, straight from the table."""
    sums = dict(
        Budgetmutatie.objects.filter(budget=budget).values("soort").annotate(s=Sum("bedrag")).values_list("soort", "s")
    )
    return {k: sums.get(k) or ZERO for k in ("toekenning", "reservering", "vrijval", "realisatie")}


def assert_budget_matches_raw_tables(budget: Budget) -> None:
    """Budget = its ledger = the paid lines: committed = reserved - released - realised; realised =
    the net paid amount of every line on a trajectory of this budget."""
    budget.refresh_from_db()
    sums = ledger(budget)
    assert budget.gerealiseerd == sums["realisatie"]
    assert budget.gereserveerd == sums["reservering"] - sums["vrijval"] - sums["realisatie"]
    paid = Prestatie.objects.filter(traject__aanvraag__budget=budget, betaald_op__isnull=False)
    net = (paid.filter(debet_credit="D").aggregate(s=Sum("toegekend_bedrag"))["s"] or ZERO) - (
        paid.filter(debet_credit="C").aggregate(s=Sum("toegekend_bedrag"))["s"] or ZERO
    )
    assert budget.gerealiseerd == net
    assert budget.vrij == budget.toegekend - budget.gereserveerd - budget.gerealiseerd >= 0


def claim_from_raw_tables(vordering) -> Decimal:
    """The gemeente's share of the lines in the claim, computed per line from the paid lines."""
    total = ZERO
    for r in (
        VorderingRegel.objects.filter(vordering=vordering).exclude(bezwaar="toegewezen").select_related("prestatie")
    ):
        share = money(r.prestatie.toegekend_bedrag * r.aandeel)
        total += -share if r.prestatie.debet_credit == "C" else share
    return total
