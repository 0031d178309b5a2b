"""Everything in declaraties that writes. Every function costs a fixed number of queries, whatever
the number of lines, trajectories or gemeenten: facts are loaded in bulk, judged in Python
(``rules.py``) and written with bulk inserts and set-based updates."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen
from financiering import selectors as fin_selectors
from financiering import services as fin_services
from financiering.models import Aanbieder, Budget, Budgetmutatie, Product
from financiering.rules import money
from trajecten import services as traject_services
from trajecten.models import Eindverslag, Plaatsing, Traject

from . import rules
from .models import Betaalopdracht, Declaratie, Ontvangst, Prestatie, Vordering, VorderingRegel

ZERO = Decimal("0.00")


def _advisory_lock(name: str) -> None:
    """Serialise one kind of money run across processes (PostgreSQL); SQLite has one writer anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


# --- declarations ----------------------------------------------------------------------------


@dataclass
class DeclaratieInvoer:
    declaratie_nummer: str
    begindatum: date
    einddatum: date
    regels: list[rules.Regel]
    bron: str = "api"

    def hash(self) -> str:
        canonical = {
            "nummer": self.declaratie_nummer,
            "periode": [self.begindatum.isoformat(), self.einddatum.isoformat()],
            "regels": [
                [
                    r.product_referentie,
                    r.toewijzing_nummer,
                    r.product_code,
                    r.begindatum.isoformat(),
                    r.einddatum.isoformat(),
                    f"{Decimal(r.geleverd_volume):.2f}",
                    f"{Decimal(r.ingediend_bedrag):.2f}",
                    r.debet_credit,
                    r.vorig_referentie_nummer or "",
                ]
                for r in self.regels
            ],
        }
        return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()


def _traject_facts(aanbieder: Aanbieder, nummers: set[int]) -> dict[int, rules.TrajectInfo]:
    """Everything the judgement needs about the trajectories named, in five queries."""
    trajecten = list(
        Traject.objects.filter(aanbieder=aanbieder, toewijzing_nummer__in=nummers).select_related("perceel")
    )
    ids = [t.pk for t in trajecten]
    perceel_ids = {t.perceel_id for t in trajecten}
    producten: dict[int, dict[str, rules.ProductInfo]] = defaultdict(dict)
    for p in Product.objects.filter(perceel_id__in=perceel_ids):
        producten[p.perceel_id][p.code] = rules.ProductInfo(p.soort, p.aandeel, p.min_uren_per_week)
    # the first regular paid job per trajectory (min hours per lot product are checked below)
    plaatsingen: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for traject_id, start, uren in Plaatsing.objects.filter(
        traject_id__in=ids, minimumloon_of_meer=True, proefplaatsing=False
    ).values_list("traject_id", "startdatum", "uren_per_week"):
        plaatsingen[traject_id].append((start, uren))
    pending = dict(
        Prestatie.objects.filter(traject_id__in=ids, status="in_behandeling", debet_credit="D")
        .values("traject_id")
        .annotate(s=Sum("ingediend_bedrag"))
        .values_list("traject_id", "s")
    )
    declared: dict[int, set] = defaultdict(set)
    for traject_id, code, eenmalig, begin in (
        Prestatie.objects.filter(traject_id__in=ids, debet_credit="D", gecrediteerd=False)
        .exclude(status="afgewezen")
        .values_list("traject_id", "product_code", "eenmalig", "begindatum")
    ):
        declared[traject_id].add((code, None if eenmalig else begin.replace(day=1)))

    facts = {}
    for t in trajecten:
        plaatsing = producten[t.perceel_id].get("plaatsing")
        min_uren = plaatsing.min_uren if plaatsing and plaatsing.min_uren is not None else Decimal("0")
        starts = [start for start, uren in plaatsingen[t.pk] if uren >= min_uren]
        facts[t.toewijzing_nummer] = rules.TrajectInfo(
            id=t.pk,
            start=t.startdatum,
            einde=t.einddatum or t.einddatum_gepland,
            status=t.status,
            trajectprijs=t.trajectprijs,
            maximaal=t.maximaal_bedrag,
            basisduur=t.perceel.basisduur_maanden,
            producten=producten[t.perceel_id],
            gedeclareerd=t.gedeclareerd,
            in_behandeling=pending.get(t.pk) or ZERO,
            eerste_plaatsing=min(starts) if starts else None,
            al_gedeclareerd=declared[t.pk],
        )
    return facts


def declaratie_submit(*, by, invoer: DeclaratieInvoer) -> tuple[Declaratie, bool]:
    """Judge and store a declaration; returns (declaration, created). A known declaratieNummer with
    the same content returns the first answer and stores nothing new; with other content: 9333."""
    roles.require_role(by, roles.AANBIEDER)
    aanbieder_id = fin_selectors.user_aanbieder_id(by)
    if aanbieder_id is None:
        raise BusinessRuleError(code="geen-organisatie", message="Uw account hoort niet bij een aanbieder.", status=403)
    content_hash = invoer.hash()
    try:
        with transaction.atomic():
            return _declaratie_store(by=by, aanbieder_id=aanbieder_id, invoer=invoer, content_hash=content_hash)
    except IntegrityError:
        # A concurrent identical submission won the race: answer as for a resubmission.
        existing = Declaratie.objects.filter(
            aanbieder_id=aanbieder_id, declaratie_nummer=invoer.declaratie_nummer
        ).first()
        if existing is None:
            raise
        return _known(existing, content_hash), False


def _known(existing: Declaratie, content_hash: str) -> Declaratie:
    if existing.inhoud_hash != content_hash:
        raise BusinessRuleError(
            code="declaratienummer-niet-uniek",
            message=f"9333: {rules.RETOURCODES['9333']} (declaratieNummer {existing.declaratie_nummer})",
            field="declaratie_nummer",
        )
    return existing


def _declaratie_store(*, by, aanbieder_id: int, invoer: DeclaratieInvoer, content_hash: str) -> tuple[Declaratie, bool]:
    # One declaration of a provider at a time: references and once-only products cannot race.
    aanbieder = Aanbieder.objects.select_for_update().get(pk=aanbieder_id)
    existing = Declaratie.objects.filter(aanbieder=aanbieder, declaratie_nummer=invoer.declaratie_nummer).first()
    if existing is not None:
        return _known(existing, content_hash), False

    today = timezone.localdate()
    automatisch = Instellingen.get().declaratie_automatisch_toekennen
    regels = invoer.regels
    trajecten = _traject_facts(aanbieder, {r.toewijzing_nummer for r in regels})
    refs = {r.product_referentie for r in regels}
    used = set(
        Prestatie.objects.filter(aanbieder=aanbieder, product_referentie__in=refs)
        .exclude(status="afgewezen")
        .values_list("product_referentie", flat=True)
    )
    vorige = {
        p.product_referentie: rules.VorigeInfo(
            id=p.pk,
            toewijzing_nummer=p.toewijzing_nummer,
            product_code=p.product_code,
            begindatum=p.begindatum,
            bedrag=p.ingediend_bedrag,
            status=p.status,
            debet_credit=p.debet_credit,
            gecrediteerd=p.gecrediteerd,
        )
        for p in Prestatie.objects.filter(
            aanbieder=aanbieder,
            product_referentie__in={r.vorig_referentie_nummer for r in regels if r.vorig_referentie_nummer},
        ).exclude(status="afgewezen")
    }
    rules.judge(
        regels=regels,
        maand_begin=invoer.begindatum,
        maand_eind=invoer.einddatum,
        today=today,
        trajecten=trajecten,
        gebruikte_referenties=used,
        vorige=vorige,
        automatisch=automatisch,
    )

    ok_status = "toegekend" if automatisch else "in_behandeling"
    now = timezone.now()
    declaratie = Declaratie.objects.create(
        aanbieder=aanbieder,
        declaratie_nummer=invoer.declaratie_nummer,
        periode_begin=invoer.begindatum,
        periode_eind=invoer.einddatum,
        inhoud_hash=content_hash,
        bron=invoer.bron,
        ingediend_door=by,
        totaal_ingediend=sum((r.signed for r in regels), ZERO),
        totaal_toegekend=sum((r.signed for r in regels if not r.retourcodes and automatisch), ZERO),
    )
    # Credits first free the slot of the debit they cancel, so a corrected debit in the same
    # declaration passes the database's once-only constraints too.
    credited_ids = [r.vorige_id for r in regels if r.debet_credit == "C" and not r.retourcodes and automatisch]
    if credited_ids:
        Prestatie.objects.filter(pk__in=credited_ids).update(gecrediteerd=True)
    Prestatie.objects.bulk_create(
        Prestatie(
            declaratie=declaratie,
            aanbieder=aanbieder,
            regelnummer=index,
            product_referentie=r.product_referentie,
            toewijzing_nummer=r.toewijzing_nummer,
            traject_id=r.traject_id,
            product_code=r.product_code,
            eenmalig=r.eenmalig,
            begindatum=r.begindatum,
            einddatum=r.einddatum,
            geleverd_volume=r.geleverd_volume,
            ingediend_bedrag=r.ingediend_bedrag,
            debet_credit=r.debet_credit,
            vorig_referentie_nummer=r.vorig_referentie_nummer or "",
            vorige_id=r.vorige_id,
            status="afgewezen" if r.retourcodes else ok_status,
            retourcodes=r.retourcodes,
            toegekend_bedrag=r.ingediend_bedrag if not r.retourcodes and automatisch else ZERO,
            beoordeeld_op=now if not r.retourcodes and automatisch else None,
        )
        for index, r in enumerate(regels, start=1)
    )
    if automatisch:
        amounts: dict[int, Decimal] = defaultdict(Decimal)
        for r in regels:
            if not r.retourcodes:
                amounts[r.traject_id] += r.signed
        traject_services.traject_add_amounts(field="gedeclareerd", amounts=amounts)
    return declaratie, True


BESLUITEN = ("toegekend", "afgewezen")


def _beoordeling_check(*, by, declaratie: Declaratie, besluiten: list[dict], for_update: bool) -> dict[str, Prestatie]:
    """Every check of an assessment before anything is written, for the API, the web form and any
    other path alike: the role, four eyes, each line once, only this declaration's lines, only
    lines that wait, a known decision and a reason for a rejection. Returns the lines by reference."""
    roles.require_role(by, roles.UWV_BEOORDELAAR)
    if by.pk == declaratie.ingediend_door_id:
        raise BusinessRuleError(code="vier-ogen", message="Wie declareerde, beoordeelt niet (vier ogen).", status=403)
    if not besluiten:
        raise BusinessRuleError(
            code="ongeldige-invoer",
            message="Kies bij ten minste één regel toekennen of afwijzen.",
            status=400,
            field="besluiten",
        )
    refs = [str(b.get("product_referentie", "")) for b in besluiten]
    dubbel = rules.dubbele_referenties(refs)
    if dubbel:
        raise BusinessRuleError(
            code="dubbele-regel",
            message=f"Elke regel wordt één keer beoordeeld; meer dan één besluit voor: {', '.join(dubbel)}.",
            status=400,
            field="besluiten",
        )
    lines = Prestatie.objects.filter(declaratie=declaratie, product_referentie__in=refs)
    by_ref = {p.product_referentie: p for p in (lines.select_for_update() if for_update else lines)}
    unknown = [ref for ref in refs if ref not in by_ref]
    if unknown:
        raise BusinessRuleError(
            code="onbekende-regel",
            message=f"Deze regel(s) horen niet bij deze declaratie: {', '.join(unknown)}.",
            status=400,
            field="besluiten",
        )
    not_waiting = [ref for ref, p in by_ref.items() if p.status != "in_behandeling"]
    if not_waiting:
        raise BusinessRuleError(
            code="ongeldige-status",
            message=f"Deze regels wachten niet op beoordeling: {', '.join(sorted(not_waiting))}.",
        )
    for besluit in besluiten:
        if besluit.get("besluit") not in BESLUITEN:
            raise BusinessRuleError(
                code="ongeldige-invoer",
                message="Een besluit is 'toegekend' of 'afgewezen'.",
                status=400,
                field="besluit",
            )
        if besluit["besluit"] == "afgewezen" and not (besluit.get("toelichting") or "").strip():
            raise BusinessRuleError(
                code="toelichting-verplicht",
                message="Een afwijzing vraagt een toelichting.",
                status=400,
                field="toelichting",
            )
    return by_ref


def prestaties_beoordeling_check(*, by, declaratie: Declaratie, besluiten: list[dict]) -> None:
    """The checks of ``prestaties_beoordelen`` without writing: the web form's confirmation step
    names only an assessment that will pass."""
    _beoordeling_check(by=by, declaratie=declaratie, besluiten=besluiten, for_update=False)


@transaction.atomic
def prestaties_beoordelen(*, by, declaratie: Declaratie, besluiten: list[dict]) -> Declaratie:
    """A UWV beoordelaar decides lines that wait for a person (status in_behandeling):
    ``besluiten`` = [{"product_referentie", "besluit": toegekend|afgewezen, "toelichting"}]."""
    by_ref = _beoordeling_check(by=by, declaratie=declaratie, besluiten=besluiten, for_update=True)
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    rejected: dict[int, Decimal] = defaultdict(Decimal)
    now = timezone.now()
    for besluit in besluiten:
        line = by_ref[besluit["product_referentie"]]
        if besluit["besluit"] == "toegekend":
            if line.debet_credit == "C":
                credited = Prestatie.objects.filter(pk=line.vorige_id, gecrediteerd=False, status="toegekend").update(
                    gecrediteerd=True
                )
                if not credited:
                    raise BusinessRuleError(code="ongeldige-status", message=f"8017: {rules.RETOURCODES['8017']}")
            line.status, line.toegekend_bedrag = "toegekend", line.ingediend_bedrag
            amounts[line.traject_id] += -line.ingediend_bedrag if line.debet_credit == "C" else line.ingediend_bedrag
        else:
            line.status = "afgewezen"
            if line.debet_credit == "D":
                rejected[line.traject_id] += line.ingediend_bedrag
        line.beoordeeld_door, line.beoordeeld_op = by, now
        line.beoordeling_toelichting = besluit.get("toelichting", "")
        line.save()
    traject_services.traject_add_amounts(field="gedeclareerd", amounts=amounts)
    _release_after_settlement(rejected, by=by)
    totaal = Prestatie.objects.filter(declaratie=declaratie, status="toegekend").aggregate(
        s=Coalesce(Sum(Case(When(debet_credit="C", then=-F("toegekend_bedrag")), default=F("toegekend_bedrag"))), ZERO)
    )["s"]
    Declaratie.objects.filter(pk=declaratie.pk).update(totaal_toegekend=totaal)
    declaratie.refresh_from_db()
    return declaratie


def _release_after_settlement(rejected: dict[int, Decimal], *, by) -> None:
    """A waiting line rejected after the final settlement kept its amount committed (the
    settlement left it in); release it now."""
    settled = Traject.objects.filter(pk__in=rejected, status="afgesloten", aanvraag__budget__isnull=False).values_list(
        "pk", "uuid", "aanvraag__budget_id"
    )
    for traject_id, traject_uuid, budget_id in settled:
        fin_services.budget_release(
            budget_id=budget_id,
            bedrag=rejected[traject_id],
            by=by,
            omschrijving="Afgewezen na vaststelling",
            object_uuid=traject_uuid,
        )


# --- payment orders ----------------------------------------------------------------------------


def _net_amount():
    return Sum(Case(When(debet_credit="C", then=-F("toegekend_bedrag")), default=F("toegekend_bedrag")))


@transaction.atomic
def betaalopdrachten_aanmaken(*, datum: date) -> dict[str, int]:
    """The weekly run: accepted, unpaid lines grouped per provider into one payment order. Set-based
    and idempotent: a line is taken by exactly one order (the UPDATE only takes free lines), and a
    second run for the same day finds no free lines. A provider whose credits exceed its debits
    waits for the next run."""
    _advisory_lock("betaalopdrachten")
    free = Prestatie.objects.filter(
        status="toegekend", betaalopdracht__isnull=True, declaratie__ingediend_op__date__lte=datum
    )
    totals = list(free.values("aanbieder_id").annotate(bedrag=_net_amount(), n=Count("id")).filter(bedrag__gt=0))
    if not totals:
        return {"betaalopdrachten": 0, "regels": 0}
    drempel = Instellingen.get().vier_ogen_drempel
    ibans = dict(Aanbieder.objects.filter(pk__in=[t["aanbieder_id"] for t in totals]).values_list("pk", "iban"))
    before = Betaalopdracht.objects.filter(datum=datum).count()
    Betaalopdracht.objects.bulk_create(
        [
            Betaalopdracht(
                aanbieder_id=t["aanbieder_id"],
                datum=datum,
                bedrag=t["bedrag"],
                aantal_regels=t["n"],
                iban=ibans[t["aanbieder_id"]],
                akkoorden_nodig=2 if t["bedrag"] > drempel else 1,
            )
            for t in totals
        ],
        ignore_conflicts=True,
    )
    # Only orders nobody approved yet take lines: an approval is for the amount that was seen.
    orders = dict(
        Betaalopdracht.objects.filter(
            datum=datum, aanbieder_id__in=ibans, status="te_accorderen", eerste_akkoord_door__isnull=True
        ).values_list("aanbieder_id", "pk")
    )
    taken = free.filter(aanbieder_id__in=orders).update(
        betaalopdracht_id=Case(*[When(aanbieder_id=a, then=Value(o)) for a, o in orders.items()])
    )
    # Totals from what was really taken, for all orders in one statement.
    rows = list(
        Prestatie.objects.filter(betaalopdracht_id__in=orders.values())
        .values("betaalopdracht_id")
        .annotate(bedrag=_net_amount(), n=Count("id"))
    )
    Betaalopdracht.objects.filter(pk__in=[r["betaalopdracht_id"] for r in rows]).update(
        bedrag=Case(*[When(pk=r["betaalopdracht_id"], then=Value(r["bedrag"])) for r in rows]),
        aantal_regels=Case(*[When(pk=r["betaalopdracht_id"], then=Value(r["n"])) for r in rows]),
        akkoorden_nodig=Case(
            *[When(pk=r["betaalopdracht_id"], then=Value(2 if r["bedrag"] > drempel else 1)) for r in rows]
        ),
    )
    return {"betaalopdrachten": Betaalopdracht.objects.filter(datum=datum).count() - before, "regels": taken}


@transaction.atomic
def betaalopdracht_accorderen(*, by, opdracht: Betaalopdracht) -> Betaalopdracht:
    """Approve an order; above the threshold a second, different UWV financieel must approve too."""
    roles.require_role(by, roles.UWV_FINANCIEEL)
    opdracht = Betaalopdracht.objects.select_for_update().get(pk=opdracht.pk)
    if opdracht.status != "te_accorderen":
        raise BusinessRuleError(code="ongeldige-status", message="Deze betaalopdracht is al geaccordeerd.")
    now = timezone.now()
    if opdracht.eerste_akkoord_door_id is None:
        opdracht.eerste_akkoord_door, opdracht.eerste_akkoord_op = by, now
    elif opdracht.eerste_akkoord_door_id == by.pk:
        raise BusinessRuleError(
            code="vier-ogen",
            message=f"Boven EUR {Instellingen.get().vier_ogen_drempel:.2f} moet een tweede medewerker akkoord geven.",
            status=403,
        )
    else:
        opdracht.tweede_akkoord_door, opdracht.tweede_akkoord_op = by, now
    akkoorden = 1 + (opdracht.tweede_akkoord_door_id is not None)
    if akkoorden >= opdracht.akkoorden_nodig:
        opdracht.status = "geaccordeerd"
    opdracht.save()
    return opdracht


@transaction.atomic
def betaalopdracht_bevestigen(*, by, opdracht: Betaalopdracht, datum: date) -> Betaalopdracht:
    """The bank executed the order: its lines become paid, budgets move from committed to
    realised, trajectories' paid totals grow. A second confirmation answers 409."""
    roles.require_role(by, roles.UWV_FINANCIEEL)
    opdracht = Betaalopdracht.objects.select_for_update().get(pk=opdracht.pk)
    if opdracht.status == "betaald":
        raise BusinessRuleError(code="al-bevestigd", message="Deze betaalopdracht is al als betaald bevestigd.")
    if opdracht.status != "geaccordeerd":
        raise BusinessRuleError(code="ongeldige-status", message="Een betaalopdracht wordt eerst geaccordeerd.")
    if datum > timezone.localdate() or datum < opdracht.datum:
        raise BusinessRuleError(
            code="datum-ongeldig",
            message=f"De uitvoeringsdatum ligt tussen de opdrachtdatum ({opdracht.datum:%Y-%m-%d}) en vandaag.",
            status=400,
            field="datum",
        )
    lines = Prestatie.objects.filter(betaalopdracht=opdracht, betaald_op__isnull=True)
    lines.update(betaald_op=datum)
    paid = Prestatie.objects.filter(betaalopdracht=opdracht)
    per_traject = dict(paid.values("traject_id").annotate(s=_net_amount()).values_list("traject_id", "s"))
    traject_services.traject_add_amounts(field="betaald", amounts=per_traject)
    per_budget = dict(
        paid.filter(traject__aanvraag__budget__isnull=False)
        .values("traject__aanvraag__budget_id")
        .annotate(s=_net_amount())
        .values_list("traject__aanvraag__budget_id", "s")
    )
    budget_realise(amounts=per_budget, by=by, omschrijving=f"Betaalopdracht {opdracht.uuid}", object_uuid=opdracht.uuid)
    opdracht.status, opdracht.uitgevoerd_op, opdracht.bevestigd_door = "betaald", datum, by
    opdracht.save()
    return opdracht


def budget_realise(*, amounts: dict[int, Decimal], by, omschrijving: str, object_uuid) -> None:
    """Move paid amounts from committed to realised, for many budgets in one statement."""
    amounts = {k: v for k, v in amounts.items() if v}
    if not amounts:
        return
    delta = Case(*[When(pk=k, then=Value(v)) for k, v in amounts.items()], default=Value(ZERO))
    Budget.objects.filter(pk__in=amounts).update(
        gereserveerd=F("gereserveerd") - delta, gerealiseerd=F("gerealiseerd") + delta
    )
    Budgetmutatie.objects.bulk_create(
        Budgetmutatie(
            budget_id=k, soort="realisatie", bedrag=v, omschrijving=omschrijving, object_uuid=object_uuid, door=by
        )
        for k, v in amounts.items()
    )


# --- final settlement --------------------------------------------------------------------------


@transaction.atomic
def eindverslag_submit(*, by, traject: Traject, **fields) -> Eindverslag:
    """The end report closes the trajectory (trajecten) and starts the final settlement here:
    actual cost = what was declared and accepted or still waits; the rest of the commitment
    is released to the budget."""
    verslag = traject_services.traject_close(by=by, traject=traject, **fields)
    traject = Traject.objects.select_related("aanvraag").get(pk=verslag.traject_id)
    if traject.aanvraag.budget_id:
        pending = Prestatie.objects.filter(traject=traject, status="in_behandeling", debet_credit="D").aggregate(
            s=Coalesce(Sum("ingediend_bedrag"), ZERO)
        )["s"]
        vrijval = max(traject.maximaal_bedrag - traject.gedeclareerd - pending, ZERO)
        fin_services.budget_release(
            budget_id=traject.aanvraag.budget_id,
            bedrag=vrijval,
            by=by,
            omschrijving=f"Vaststelling traject {traject.toewijzing_nummer}",
            object_uuid=traject.uuid,
        )
        verslag.vrijgevallen_bedrag = vrijval
        verslag.save(update_fields=["vrijgevallen_bedrag"])
    return verslag


# --- co-financing claims -----------------------------------------------------------------------


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


@transaction.atomic
def bezwaar_indienen(*, by, vordering: Vordering, regel: VorderingRegel, toelichting: str) -> VorderingRegel:
    """A gemeente disputes one line of its own claim, with a reason."""
    roles.require_role(by, roles.GEMEENTE)
    vordering = Vordering.objects.select_for_update().get(pk=vordering.pk)
    if vordering.gemeente_id not in fin_selectors.user_gemeente_ids(by):
        raise BusinessRuleError(
            code="niet-gevonden", message="Deze vordering bestaat niet of is niet van u.", status=404
        )
    if vordering.status in ("concept", "betaald"):
        raise BusinessRuleError(
            code="ongeldige-status", message=f"Een vordering met status '{vordering.status}' kan niet worden betwist."
        )
    regel = VorderingRegel.objects.select_for_update().get(pk=regel.pk, vordering=vordering)
    if regel.bezwaar != "geen":
        raise BusinessRuleError(code="ongeldige-status", message="Tegen deze regel loopt of liep al een bezwaar.")
    if not toelichting.strip():
        raise BusinessRuleError(
            code="toelichting-verplicht", message="Een bezwaar vraagt een toelichting.", status=400, field="toelichting"
        )
    regel.bezwaar, regel.bezwaar_toelichting, regel.bezwaar_door, regel.bezwaar_op = (
        "ingediend",
        toelichting.strip(),
        by,
        timezone.now(),
    )
    regel.save()
    vordering.status = "betwist"
    vordering.save()
    return regel


@transaction.atomic
def bezwaar_beoordelen(*, by, regel: VorderingRegel, besluit: str, toelichting: str) -> VorderingRegel:
    """UWV resolves a dispute: ``toegewezen`` removes the line from the claim, ``afgewezen`` keeps it."""
    roles.require_role(by, roles.UWV_FINANCIEEL)
    vordering = Vordering.objects.select_for_update().get(pk=regel.vordering_id)
    regel = VorderingRegel.objects.select_for_update().get(pk=regel.pk)
    if regel.bezwaar != "ingediend":
        raise BusinessRuleError(code="ongeldige-status", message="Op deze regel wacht geen bezwaar op een besluit.")
    if besluit not in ("toegewezen", "afgewezen"):
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Besluit is 'toegewezen' of 'afgewezen'.", status=400, field="besluit"
        )
    if not toelichting.strip():
        raise BusinessRuleError(
            code="toelichting-verplicht",
            message="Een besluit op een bezwaar vraagt een toelichting.",
            status=400,
            field="toelichting",
        )
    regel.bezwaar = besluit
    regel.bezwaar_besluit_door, regel.bezwaar_besluit_op, regel.bezwaar_besluit_toelichting = (
        by,
        timezone.now(),
        toelichting.strip(),
    )
    regel.save()
    _vorderingen_herbereken([vordering.pk])
    vordering.refresh_from_db()
    if vordering.ontvangen > vordering.bedrag:
        raise BusinessRuleError(
            code="bedrag-te-hoog",
            message="Er is al meer ontvangen dan er na dit besluit gevorderd wordt; verreken eerst.",
        )
    vordering.status = _status_after_money(vordering)
    vordering.save()
    return regel
