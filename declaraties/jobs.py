"""The nightly steps of declaraties: the signal cause "co-financing claims not paid on time", and
the retention period that runs from the final settlement (docs/jobs.md, docs/privacy.md). And what
the weekly payment run and the monthly claims take: the selections their services use and the
preview of the page /taken/ (one rule, read by both)."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Concat, ExtractYear
from django.utils import timezone

from backoffice import roles
from backoffice.models import Instellingen, SignaalSoort
from backoffice.opmaak import MAANDEN
from backoffice.signalering import Oorzaken
from financiering.models import Aanbieder, Gemeente
from financiering.rules import add_months, money
from trajecten import selectors as traject_selectors
from trajecten import services as traject_services
from trajecten.models import Traject

from . import rules
from .models import Betaalopdracht, Prestatie, Vordering
from .rules import BETAALOPDRACHT, PRESTATIE, VORDERING, vordering_te_laat_q


def _maand_sql(veld: str):
    """``maart 2026`` in the query itself (the signals are made set-based, on SQLite too), as
    ``backoffice.opmaak.maand`` writes it on the pages."""
    naam = Case(
        *(When(**{f"{veld}__month": i}, then=Value(m)) for i, m in enumerate(MAANDEN, start=1)),
        output_field=CharField(),
    )
    return Concat(naam, Value(" "), Cast(ExtractYear(veld), CharField()), output_field=CharField())


def signaal_oorzaken(*, datum: date, instellingen: Instellingen) -> list[Oorzaken]:
    # Past the due date and not (wholly) paid; a disputed claim waits for the dispute's decision.
    # The claims the monthly reminder takes: overdue (rules.vordering_te_laat) and not disputed.
    te_laat = Vordering.objects.filter(vordering_te_laat_q(datum), status__in=VORDERING.van("herinneren")).annotate(
        sig_deadline=F("vervaldatum"),
        sig_aanbieder_id=Value(None, output_field=IntegerField()),
        sig_gemeente_id=F("gemeente_id"),
        sig_uwv_rol=Value(roles.UWV_FINANCIEEL),
        sig_ref=Concat(F("gemeente__naam"), Value(" over "), _maand_sql("periode"), output_field=CharField()),
    )
    return [Oorzaken(SignaalSoort.VORDERING_TE_LAAT, "vordering", te_laat)]


def vastgesteld_voor(moment: datetime) -> QuerySet[Traject]:
    """Trajectories whose final settlement (the vaststelling, done by ``eindverslag_submit`` when
    the end report closes the trajectory) lies before ``moment`` and which have no declaration line
    still waiting for judgement (money still moving: not finally settled)."""
    wachtend = Prestatie.objects.filter(traject=OuterRef("pk"), status__in=PRESTATIE.van("toekennen"))
    return Traject.objects.filter(status="afgesloten", eindverslag__op__lt=moment).filter(~Exists(wachtend))


def bewaartermijn_grens(*, datum: date, jaren: int) -> datetime:
    """The start (Amsterdam time) of the day ``jaren`` years before ``datum``: a settlement before
    that moment is older than the retention period. Settled on 10 March 2026, 7 years: the data is
    kept through 10 March 2033 and anonymised by the run of 11 March 2033."""
    return timezone.make_aware(datetime.combine(add_months(datum, -12 * jaren), time.min))


def bewaartermijn_toepassen(*, datum: date, instellingen: Instellingen | None = None) -> dict[str, int]:
    """The nightly retention step: anonymise the participants whose every trajectory was finally
    settled longer than the retention period ago (``Instellingen.bewaartermijn_jaren``, default 7)
    and who have nothing else running. A fixed number of queries; a second run finds nobody."""
    instellingen = instellingen or Instellingen.get()
    sinds = bewaartermijn_grens(datum=datum, jaren=instellingen.bewaartermijn_jaren)
    deelnemers = traject_selectors.deelnemers_voorbij_bewaartermijn(afgerond=vastgesteld_voor(sinds), sinds=sinds)
    ids = traject_services.deelnemers_anonymise(
        ids=deelnemers.values("pk"), by_job=f"nachtelijke taak {datum:%d-%m-%Y}", datum=datum
    )
    return {"bewaartermijn.deelnemers_geanonimiseerd": len(ids)}


# --- The weekly payment run and the monthly claims: what they take --------------------------------


def netto_bedrag():
    """The net amount of a set of lines: debits minus credits."""
    return Sum(Case(When(debet_credit="C", then=-F("toegekend_bedrag")), default=F("toegekend_bedrag")))


def betaalrun_regels(datum: date) -> QuerySet[Prestatie]:
    """The lines the payment run of ``datum`` takes: accepted, in no order yet, declared by then."""
    return Prestatie.objects.filter(
        status__in=PRESTATIE.van("in_betaalopdracht"),
        betaalopdracht__isnull=True,
        declaratie__ingediend_op__date__lte=datum,
    )


def betaalopdracht_dicht(datum: date):
    """The orders of ``datum`` that take no more lines (approved once, or past the state that
    takes lines): an approval is for the amount that was seen."""
    return Betaalopdracht.objects.filter(datum=datum).exclude(
        status__in=BETAALOPDRACHT.van("regels_bijwerken"), eerste_akkoord_door__isnull=True
    )


def betaalrun_totalen(datum: date) -> list[dict]:
    """Per provider with a positive net amount: ``aanbieder_id``, ``bedrag``, ``n`` (lines). A
    provider whose credits exceed its debits waits for a later run, and so does one whose order of
    that day is already approved (``betaalopdracht_dicht``): the run and its preview leave it out."""
    return list(
        betaalrun_regels(datum)
        .exclude(aanbieder_id__in=betaalopdracht_dicht(datum).values("aanbieder_id"))
        .values("aanbieder_id")
        .annotate(bedrag=netto_bedrag(), n=Count("id"))
        .filter(bedrag__gt=0)
        .order_by("aanbieder_id")
    )


def vordering_periode(datum: date) -> tuple[date, date]:
    """The month the claims run of ``datum`` claims: its first and last day (the month before)."""
    eind = datum.replace(day=1) - timedelta(days=1)
    return rules.month_bounds(eind)[0], eind


def _vorderingrun_nieuw(eind: date) -> QuerySet[Prestatie]:
    """The paid lines up to ``eind`` the claims run has not dealt with yet: the run's new work,
    read through the partial index ``prestatie_te_vorderen`` (never the whole history)."""
    return Prestatie.objects.filter(betaald_op__isnull=False, betaald_op__lte=eind, vordering_verwerkt=False)


def vorderingrun_regels(datum: date) -> list[tuple]:
    """The paid lines the claims run of ``datum`` claims, as ``(pk, gemeente_id, regeling_id,
    aandeel, toegekend_bedrag, debet_credit)``: paid by the end of the month before (a payment
    registered late with an earlier bank date is claimed in the next run), on the gemeente route,
    co-financed, not claimed yet. Only among the lines the run has not dealt with: every line this
    rule selects is one (``Prestatie.vordering_verwerkt``, ``vorderingrun_afgehandeld``)."""
    _, eind = vordering_periode(datum)
    return vorderingrun_rij(_vorderingrun_nieuw(eind))


def vorderingrun_rij(regels: QuerySet[Prestatie]) -> list[tuple]:
    """The claims run's rule on ``regels``, as the rows ``vorderingrun_regels`` gives."""
    return list(
        regels.filter(
            traject__route="gemeente",
            traject__regeling__cofinanciering_aandeel__gt=0,
            vorderingregel__isnull=True,
        )
        .order_by("pk")
        .values_list(
            "pk",
            "traject__gemeente_id",
            "traject__regeling_id",
            "traject__regeling__cofinanciering_aandeel",
            "toegekend_bedrag",
            "debet_credit",
        )
    )


_AFGEHANDELD_SQL = """
UPDATE declaraties_prestatie p SET vordering_verwerkt = true
  FROM trajecten_traject t JOIN financiering_regeling r ON r.id = t.regeling_id
 WHERE p.traject_id = t.id
   AND p.betaald_op IS NOT NULL AND NOT p.vordering_verwerkt AND p.betaald_op <= %(eind)s
   AND (p.id = ANY(%(geclaimd)s) OR t.route <> 'gemeente' OR r.cofinanciering_aandeel = 0)
"""


def vorderingrun_afgehandeld(datum: date, geclaimd: list[int]) -> int:
    """After the claims run of ``datum``: the lines it claimed (``geclaimd``), and its lines up to
    the end of the month before that are not on the gemeente route (nothing to claim, ever) or of a
    scheme without a share, leave the index (a share set later brings them back:
    ``vorderingrun_heropenen``). One ``UPDATE`` over the partial index ``prestatie_te_vorderen``
    (the month's lines only), the claimed ids as one array; not by a join with every claim line
    ever. A line paid during the run and not claimed by it stays in the index (not in ``geclaimd``)."""
    _, eind = vordering_periode(datum)
    with connection.cursor() as cursor:
        cursor.execute(_AFGEHANDELD_SQL, {"eind": eind, "geclaimd": list(geclaimd)})
        return cursor.rowcount


def vorderingrun_heropenen(regeling_id: int) -> int:
    """A scheme's share went from 0 to more: its paid, unclaimed gemeente-route lines are the
    claims run's work again (the rule claims them in the next run, whenever they were paid)."""
    return Prestatie.objects.filter(
        traject__regeling_id=regeling_id,
        traject__route="gemeente",
        betaald_op__isnull=False,
        vordering_verwerkt=True,
        vorderingregel__isnull=True,
    ).update(vordering_verwerkt=False)


def vorderingregel_bedrag(*, aandeel: Decimal, bedrag: Decimal, debet_credit: str) -> Decimal:
    """The gemeente's share of one paid line (negative for a credit)."""
    return money(bedrag * aandeel) * (-1 if debet_credit == "C" else 1)


def betaalrun_voorbeeld(datum: date) -> dict:
    """What the weekly payment run would do for ``datum`` now: one order per provider."""
    totalen = betaalrun_totalen(datum)
    namen = dict(Aanbieder.objects.filter(pk__in=[t["aanbieder_id"] for t in totalen]).values_list("pk", "naam"))
    rijen = sorted(
        ({"naam": namen[t["aanbieder_id"]], "regels": t["n"], "bedrag": t["bedrag"]} for t in totalen),
        key=lambda r: r["naam"],
    )
    return {
        "aantal": len(rijen),
        "regels": sum(r["regels"] for r in rijen),
        "bedrag": sum((r["bedrag"] for r in rijen), Decimal("0.00")),
        "rijen": rijen,
    }


def vorderingrun_voorbeeld(datum: date) -> dict:
    """What the monthly claims run would do for ``datum`` now: per gemeente its lines and share;
    ``nieuw`` is whether the gemeente gets a new claim (else the lines go onto its existing one)."""
    start, _ = vordering_periode(datum)
    per_gemeente: dict[int, dict] = defaultdict(lambda: {"regels": 0, "bedrag": Decimal("0.00")})
    for _pk, gemeente_id, _regeling, aandeel, bedrag, dc in vorderingrun_regels(datum):
        rij = per_gemeente[gemeente_id]
        rij["regels"] += 1
        rij["bedrag"] += vorderingregel_bedrag(aandeel=aandeel, bedrag=bedrag, debet_credit=dc)
    bestaand = set(
        Vordering.objects.filter(periode=start, gemeente_id__in=per_gemeente).values_list("gemeente_id", flat=True)
    )
    namen = dict(Gemeente.objects.filter(pk__in=per_gemeente).values_list("pk", "naam"))
    rijen = sorted(
        ({"naam": namen[g], "nieuw": g not in bestaand, **rij} for g, rij in per_gemeente.items()),
        key=lambda r: r["naam"],
    )
    return {
        "periode": start,
        "aantal": sum(1 for r in rijen if r["nieuw"]),
        "regels": sum(r["regels"] for r in rijen),
        "bedrag": sum((r["bedrag"] for r in rijen), Decimal("0.00")),
        "rijen": rijen,
    }
