"""The monthly co-financing claims on gemeenten: made by the job, sent, reminded and paid."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen
from financiering.rules import money

from .. import rules
from ..models import Ontvangst, Prestatie, Vordering, VorderingRegel
from ._common import ZERO, _advisory_lock


@transaction.atomic
def vorderingen_aanmaken(*, datum: date) -> dict[str, int]:
    """The monthly run: for the month before ``datum``, one claim per gemeente with the gemeente's
    share of what UWV paid that month on its co-financed trajectories, one line per paid line.
    Running it twice for a month creates nothing new (unique per gemeente and month; a paid line
    has at most one claim line)."""
    _advisory_lock("vorderingen")
    periode_eind = datum.replace(day=1) - timedelta(days=1)
    periode, _ = rules.month_bounds(periode_eind)
    # Up to the end of the month, not only within it: a payment registered late with an earlier
    # bank date is claimed in the next run instead of falling through.
    paid = Prestatie.objects.filter(
        betaald_op__lte=periode_eind,
        traject__route="gemeente",
        traject__regeling__cofinanciering_aandeel__gt=0,
        vorderingregel__isnull=True,
    )
    rows = list(
        paid.values_list(
            "pk",
            "traject__gemeente_id",
            "traject__regeling_id",
            "traject__regeling__cofinanciering_aandeel",
            "toegekend_bedrag",
            "debet_credit",
        )
    )
    if not rows:
        return {"vorderingen": 0, "regels": 0}
    instellingen = Instellingen.get()
    sends = instellingen.vordering_automatisch_verzenden
    gemeenten = {row[1] for row in rows}
    before = Vordering.objects.filter(periode=periode).count()
    Vordering.objects.bulk_create(
        [
            Vordering(
                gemeente_id=g,
                periode=periode,
                bedrag=ZERO,
                status="verzonden" if sends else "concept",
                verzonden_op=datum if sends else None,
                vervaldatum=datum + timedelta(days=instellingen.vordering_betaaltermijn_dagen) if sends else None,
            )
            for g in gemeenten
        ],
        ignore_conflicts=True,
    )
    claims = dict(Vordering.objects.filter(periode=periode, gemeente_id__in=gemeenten).values_list("gemeente_id", "pk"))
    VorderingRegel.objects.bulk_create(
        [
            VorderingRegel(
                vordering_id=claims[gemeente_id],
                prestatie_id=pk,
                regeling_id=regeling_id,
                aandeel=aandeel,
                bedrag=money(bedrag * aandeel) * (-1 if dc == "C" else 1),
            )
            for pk, gemeente_id, regeling_id, aandeel, bedrag, dc in rows
        ],
        ignore_conflicts=True,
    )
    _vorderingen_herbereken(list(claims.values()))
    # Lines added to a claim that was already sent (a second run after a late payment) reopen it.
    Vordering.objects.filter(pk__in=claims.values()).exclude(status__in=["concept", "betwist"]).update(
        status=Case(
            When(ontvangen__gte=F("bedrag"), then=Value("betaald")),
            When(ontvangen__gt=0, then=Value("deels_betaald")),
            default=Value("verzonden"),
        )
    )
    return {"vorderingen": Vordering.objects.filter(periode=periode).count() - before, "regels": len(rows)}


def _vorderingen_herbereken(ids: list[int]) -> None:
    """A claim's amount is the sum of its lines, less lines whose dispute was upheld."""
    sums = dict(
        VorderingRegel.objects.filter(vordering_id__in=ids)
        .exclude(bezwaar="toegewezen")
        .values("vordering_id")
        .annotate(s=Sum("bedrag"))
        .values_list("vordering_id", "s")
    )
    Vordering.objects.filter(pk__in=ids).update(
        bedrag=Case(*[When(pk=k, then=Value(v)) for k, v in sums.items()], default=Value(ZERO))
    )


@transaction.atomic
def vorderingen_herinneren(*, datum: date) -> dict[str, int]:
    """Overdue claims (past the due date, not paid, not disputed) get a reminder, at most one per
    30 days; set-based, idempotent for a day."""
    overdue = Vordering.objects.filter(vervaldatum__lt=datum, status__in=["verzonden", "deels_betaald"]).filter(
        Q(herinnerd_op__isnull=True) | Q(herinnerd_op__lte=datum - timedelta(days=30))
    )
    n = overdue.update(herinnerd_op=datum, aantal_herinneringen=F("aantal_herinneringen") + 1)
    return {"herinneringen": n}


def _status_after_money(vordering: Vordering) -> str:
    if vordering.regels.filter(bezwaar="ingediend").exists():
        return "betwist"
    if vordering.ontvangen >= vordering.bedrag:
        return "betaald"
    if vordering.ontvangen > 0:
        return "deels_betaald"
    return "verzonden"


@transaction.atomic
def vordering_verzenden(*, by, vordering: Vordering) -> Vordering:
    roles.require_role(by, roles.UWV_FINANCIEEL)
    vordering = Vordering.objects.select_for_update().get(pk=vordering.pk)
    if vordering.status != "concept":
        raise BusinessRuleError(code="ongeldige-status", message="Deze vordering is al verzonden.")
    today = timezone.localdate()
    vordering.status, vordering.verzonden_op = "verzonden", today
    vordering.vervaldatum = today + timedelta(days=Instellingen.get().vordering_betaaltermijn_dagen)
    vordering.save()
    return vordering


@transaction.atomic
def ontvangst_registreren(*, by, vordering: Vordering, bedrag: Decimal, datum: date) -> Ontvangst:
    """UWV registers money received; partial payments too. More than is outstanding is refused."""
    roles.require_role(by, roles.UWV_FINANCIEEL)
    vordering = Vordering.objects.select_for_update().get(pk=vordering.pk)
    if vordering.status == "concept":
        raise BusinessRuleError(code="ongeldige-status", message="Een vordering wordt eerst verzonden.")
    fout = rules.ontvangst_datum_fout(datum=datum, verzonden_op=vordering.verzonden_op, vandaag=timezone.localdate())
    if fout:
        raise BusinessRuleError(code=fout[0], message=fout[1], status=400, field="datum")
    if bedrag > vordering.openstaand:
        raise BusinessRuleError(
            code="bedrag-te-hoog",
            message=f"Er staat nog EUR {vordering.openstaand:.2f} open; EUR {bedrag:.2f} is meer dan dat.",
            field="bedrag",
        )
    ontvangst = Ontvangst.objects.create(vordering=vordering, bedrag=bedrag, datum=datum, door=by)
    vordering.ontvangen += bedrag
    vordering.status = _status_after_money(vordering)
    vordering.save()
    return ontvangst
