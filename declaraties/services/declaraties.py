"""A provider submits a declaration: judged line by line (``rules.judge``) and stored in a fixed
number of queries, with one history row per line (created) and per debit a credit cancels."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_insert, bulk_update
from backoffice.models import Instellingen
from financiering import selectors as fin_selectors
from financiering.models import Aanbieder, Product
from trajecten import rules as traject_rules
from trajecten import services as traject_services
from trajecten.models import Plaatsing, Traject

from .. import rules
from ..models import Declaratie, Prestatie
from ..rules import PRESTATIE
from ._common import ZERO


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
        Traject.objects.filter(aanbieder=aanbieder, toewijzing_nummer__in=nummers)
        .order_by()
        .values_list(
            "pk",
            "toewijzing_nummer",
            "perceel_id",
            "startdatum",
            "einddatum",
            "einddatum_gepland",
            "status",
            "trajectprijs",
            "verlenging_bedrag",
            "perceel__basisduur_maanden",
            "gedeclareerd",
            named=True,
        )
    )
    ids = [t.pk for t in trajecten]
    perceel_ids = {t.perceel_id for t in trajecten}
    producten: dict[int, dict[str, rules.ProductInfo]] = defaultdict(dict)
    for p in Product.objects.filter(perceel_id__in=perceel_ids):
        producten[p.perceel_id][p.code] = rules.ProductInfo(p.soort, p.aandeel, p.min_uren_per_week)
    # the first regular paid job per trajectory (trajecten.rules; min hours per lot product are checked below)
    plaatsingen: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for traject_id, start, uren in (
        Plaatsing.objects.filter(traject_rules.regulier_betaald_werk_q(), traject_id__in=ids)
        .order_by()
        .values_list("traject_id", "startdatum", "uren_per_week")
    ):
        plaatsingen[traject_id].append((start, uren))
    pending = dict(
        Prestatie.objects.filter(traject_id__in=ids, status="in_behandeling", debet_credit="D")
        .order_by()  # without Meta.ordering: no join with the declarations, no sort
        .values("traject_id")
        .annotate(s=Sum("ingediend_bedrag"))
        .values_list("traject_id", "s")
    )
    declared: dict[int, set] = defaultdict(set)
    for traject_id, code, eenmalig, begin in (
        Prestatie.objects.filter(traject_id__in=ids, debet_credit="D", gecrediteerd=False)
        .exclude(status="afgewezen")
        .order_by()
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
            maximaal=t.trajectprijs + t.verlenging_bedrag,  # Traject.maximaal_bedrag
            basisduur=t.perceel__basisduur_maanden,
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
        .order_by()
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
        )
        .exclude(status="afgewezen")
        .order_by()
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
        bulk_update(
            Prestatie.objects.filter(pk__in=credited_ids, status__in=PRESTATIE.van("crediteren")),
            reason=f"gecrediteerd (declaratie {invoer.declaratie_nummer})",
            by=by,
            gecrediteerd=True,
        )
    toegekend = [not r.retourcodes and automatisch for r in regels]
    bulk_insert(
        Prestatie,
        {
            "regelnummer": list(range(1, len(regels) + 1)),
            "product_referentie": [r.product_referentie for r in regels],
            "toewijzing_nummer": [r.toewijzing_nummer for r in regels],
            "traject": [r.traject_id for r in regels],
            "product_code": [r.product_code for r in regels],
            "eenmalig": [r.eenmalig for r in regels],
            "begindatum": [r.begindatum for r in regels],
            "einddatum": [r.einddatum for r in regels],
            "geleverd_volume": [r.geleverd_volume for r in regels],
            "ingediend_bedrag": [r.ingediend_bedrag for r in regels],
            "debet_credit": [r.debet_credit for r in regels],
            "vorig_referentie_nummer": [r.vorig_referentie_nummer or "" for r in regels],
            "vorige": [r.vorige_id for r in regels],
            "status": ["afgewezen" if r.retourcodes else ok_status for r in regels],
            "retourcodes": [r.retourcodes for r in regels],
            "toegekend_bedrag": [r.ingediend_bedrag if ja else ZERO for r, ja in zip(regels, toegekend, strict=True)],
            "beoordeeld_op": [now if ja else None for ja in toegekend],
        },
        declaratie=declaratie,
        aanbieder=aanbieder,
        reason=f"ingediend (declaratie {invoer.declaratie_nummer}"
        + (", automatisch beoordeeld)" if automatisch else ")"),
        by=by,
    )
    if automatisch:
        amounts: dict[int, Decimal] = defaultdict(Decimal)
        for r in regels:
            if not r.retourcodes:
                amounts[r.traject_id] += r.signed
        traject_services.traject_add_amounts(
            field="gedeclareerd",
            amounts=amounts,
            reason=f"Gedeclareerd bijgewerkt: declaratie {invoer.declaratie_nummer} automatisch beoordeeld",
            by=by,
        )
    return declaratie, True
