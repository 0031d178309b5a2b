"""The monthly co-financing claims on gemeenten: made by the job, sent, reminded and paid. Every
change of a claim's status is a row of ``rules.VORDERING`` and writes history naming who (or which
job run) did it."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, Max, Q, Sum, Value, When
from django.utils import timezone

from backoffice import documenten
from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_snapshot, bulk_update, record
from backoffice.models import Instellingen
from backoffice.opmaak import euro
from backoffice.opmaak import maand as maandnaam
from backoffice.rules import weigeren
from financiering.models import Gemeente

from .. import jobs, rules
from ..factuur import factuur, regels_van
from ..models import Ontvangst, Vordering, VorderingRegel
from ..permissions import ontvangst_weigering, verzenden_weigering
from ..rules import VORDERING
from ._common import ZERO, _advisory_lock


@transaction.atomic
def vorderingen_aanmaken(*, datum: date) -> dict[str, int]:
    """The monthly run: for the month before ``datum``, one claim per gemeente with the gemeente's
    share of what UWV paid that month on its co-financed trajectories, one line per paid line.
    Running it twice for a month creates nothing new (unique per gemeente and month; a paid line
    has at most one claim line). History: one row per new claim and per claim that got lines."""
    _advisory_lock("vorderingen")
    # The same selection as the preview on /taken/ (declaraties.jobs).
    periode, _ = jobs.vordering_periode(datum)
    rows = jobs.vorderingrun_regels(datum)
    nieuw = _vorderingen_bijschrijven(datum, periode, rows) if rows else []
    jobs.vorderingrun_afgehandeld(datum, [row[0] for row in rows])
    return {"vorderingen": len(nieuw), "regels": len(rows)}


def _vorderingen_bijschrijven(datum: date, periode: date, rows: list[tuple]) -> list[int]:
    """The claims of the month get ``rows``; returns the new claims' ids."""
    instellingen = Instellingen.get()
    sends = instellingen.vordering_automatisch_verzenden
    gemeenten = {row[1] for row in rows}
    before = set(Vordering.objects.filter(periode=periode).values_list("pk", flat=True))
    # The run lock above keeps another run out, so every gemeente without a claim for the month
    # gets one now; sent at once, each gets the next invoice number, in the order of the CBS code.
    bestaand_voor = set(Vordering.objects.filter(periode=periode).values_list("gemeente_id", flat=True))
    nieuwe = sorted(
        Gemeente.objects.filter(pk__in=gemeenten - bestaand_voor).values_list("pk", "code"), key=lambda g: g[1]
    )
    nummers = (
        dict(zip([pk for pk, _ in nieuwe], factuurnummers_uitgeven(datum, len(nieuwe)), strict=True)) if sends else {}
    )
    Vordering.objects.bulk_create(
        [
            Vordering(
                gemeente_id=g,
                periode=periode,
                bedrag=ZERO,
                status="verzonden" if sends else "concept",
                verzonden_op=datum if sends else None,
                vervaldatum=datum + timedelta(days=instellingen.vordering_betaaltermijn_dagen) if sends else None,
                factuurnummer=nummers.get(g),
                factuurdatum=datum if sends else None,
            )
            for g, _ in nieuwe
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
                bedrag=jobs.vorderingregel_bedrag(aandeel=aandeel, bedrag=bedrag, debet_credit=dc),
            )
            for pk, gemeente_id, regeling_id, aandeel, bedrag, dc in rows
        ],
        ignore_conflicts=True,
    )
    _vorderingen_herbereken(list(claims.values()))
    nieuw = [pk for pk in claims.values() if pk not in before]
    bestaand = [pk for pk in claims.values() if pk in before]
    # Lines added to a claim that was already sent (a second run after a late payment) reopen it.
    Vordering.objects.filter(pk__in=bestaand, status__in=VORDERING.van("regels_bijschrijven")).update(
        status=Case(
            When(ontvangen__gte=F("bedrag"), then=Value("betaald")),
            When(ontvangen__gt=0, then=Value("deels_betaald")),
            default=Value("verzonden"),
        )
    )
    maand = maandnaam(periode)
    bulk_snapshot(
        Vordering,
        ids=nieuw,
        created=True,
        reason=f"vordering over {maand} aangemaakt" + (" en verzonden" if sends else " (concept)"),
    )
    bulk_snapshot(Vordering, ids=bestaand, reason=f"regels over {maand} bijgeschreven (late betaling)")
    if sends:
        factuur_documenten_maken(list(Vordering.objects.filter(pk__in=nieuw).select_related("gemeente")), by=None)
    return nieuw


def factuurnummers_uitgeven(datum: date, aantal: int = 1) -> list[str]:
    """The next ``aantal`` invoice numbers of ``datum``'s calendar year, ``IPS-<jaar>-<000123>``,
    without gaps. An advisory lock held to the end of the transaction serialises every caller,
    and the column is unique, so no number is ever given twice (docs/geldstroom.md)."""
    _advisory_lock("factuurnummer")
    prefix = f"IPS-{datum.year}-"
    laatste = Vordering.objects.filter(factuurnummer__startswith=prefix).aggregate(m=Max("factuurnummer"))["m"]
    start = int(laatste.removeprefix(prefix)) if laatste else 0
    return [f"{prefix}{n:06d}" for n in range(start + 1, start + 1 + aantal)]


def factuur_document_maken(vordering: Vordering, *, by):
    """The invoice PDF, made once when the claim is sent and kept unchanged (backoffice.documenten):
    UWV as seller, the gemeente as buyer, the lines by toewijzingNummer, no personal data."""
    return factuur_documenten_maken([vordering], by=by)[0]


def factuur_documenten_maken(vorderingen: list[Vordering], *, by) -> list:
    """``factuur_document_maken`` for many claims (the monthly run's): their lines in one query,
    the documents in one ``INSERT``."""
    per_vordering = regels_van(vorderingen)
    items = []
    for vordering in vorderingen:
        f = factuur(vordering, per_vordering[vordering.pk])
        items.append(
            {
                "object": vordering,
                "context": {
                    "factuur": f,
                    "vordering": vordering,
                    "kenmerk": f.nummer,
                    "datum": f.datum,  # the letter's date is the invoice date, also when the job runs late
                    "afzender": {
                        "naam": f.verkoper["naam"],
                        "regels": [
                            f.verkoper["straat"],
                            f"{f.verkoper['postcode']} {f.verkoper['plaats']}",
                            f.verkoper["email"],
                        ],
                    },
                    "ontvanger": {
                        "naam": f.koper["naam"],
                        "regels": [
                            "t.a.v. de crediteurenadministratie",
                            f.koper["straat"],
                            f"{f.koper['postcode']} {f.koper['plaats']}",
                        ],
                    },
                },
                "titel": f"Factuur {f.nummer}: cofinanciering {maandnaam(vordering.periode)}, "
                f"gemeente {vordering.gemeente.naam}",
            }
        )
    return documenten.documenten_maken(items, soort="factuur", template="declaraties/documenten/factuur.html", by=by)


def _vorderingen_herbereken(ids: list[int]) -> None:
    """A claim's amount is the sum of its lines, less lines whose dispute was upheld. (The caller
    writes the claim's history.)"""
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
    overdue = Vordering.objects.filter(
        rules.vordering_te_laat_q(datum),
        Q(herinnerd_op__isnull=True) | Q(herinnerd_op__lte=datum - timedelta(days=30)),
        status__in=VORDERING.van("herinneren"),
    )
    n = bulk_update(
        overdue,
        reason=f"herinnering verstuurd op {datum:%d-%m-%Y}",
        herinnerd_op=datum,
        aantal_herinneringen=F("aantal_herinneringen") + 1,
    )
    return {"herinneringen": n}


def _status_after_money(vordering: Vordering) -> str:
    return rules.vordering_status_na_geld(
        ontvangen=vordering.ontvangen,
        bedrag=vordering.bedrag,
        open_bezwaar=vordering.regels.filter(bezwaar="ingediend").exists(),
    )


@transaction.atomic
def vordering_verzenden(*, by, vordering: Vordering) -> Vordering:
    vordering = Vordering.objects.select_for_update().get(pk=vordering.pk)
    weigeren(verzenden_weigering(by, vordering))
    today = timezone.localdate()
    vordering.status = VORDERING.volgende("verzenden", vordering.status)
    vordering.verzonden_op = today
    vordering.vervaldatum = today + timedelta(days=Instellingen.get().vordering_betaaltermijn_dagen)
    vordering.factuurnummer = factuurnummers_uitgeven(today)[0]
    vordering.factuurdatum = today
    record(vordering, by=by, reason=f"vordering verzonden, te betalen vóór {vordering.vervaldatum:%d-%m-%Y}")
    vordering.save()
    factuur_document_maken(vordering, by=by)
    return vordering


@transaction.atomic
def ontvangst_registreren(*, by, vordering: Vordering, bedrag: Decimal, datum: date) -> Ontvangst:
    """UWV registers money received; partial payments too. More than is outstanding is refused."""
    vordering = Vordering.objects.select_for_update().get(pk=vordering.pk)
    weigeren(ontvangst_weigering(by, vordering))
    fout = rules.ontvangst_datum_fout(datum=datum, verzonden_op=vordering.verzonden_op, vandaag=timezone.localdate())
    if fout:
        raise BusinessRuleError(code=fout[0], message=fout[1], status=400, field="datum")
    if bedrag > vordering.openstaand:
        raise BusinessRuleError(
            code="bedrag-te-hoog",
            message=f"Er staat nog {euro(vordering.openstaand)} open; {euro(bedrag)} is meer dan dat.",
            field="bedrag",
        )
    ontvangst = Ontvangst.objects.create(vordering=vordering, bedrag=bedrag, datum=datum, door=by)
    vordering.ontvangen += bedrag
    vordering.status = VORDERING.volgende(
        "ontvangst_registreren", vordering.status, naar=_status_after_money(vordering)
    )
    record(vordering, by=by, reason=f"ontvangst van {euro(bedrag)} op {datum:%d-%m-%Y} geregistreerd")
    vordering.save()
    return ontvangst
