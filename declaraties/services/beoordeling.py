"""UWV judges the declaration lines that wait for a person: one set-based move per decision
(``rules.PRESTATIE``: toekennen, afwijzen; the debit a credit line cancels: crediteren), each with
a history row per line naming the beoordelaar."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, OuterRef, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_update
from backoffice.rules import toelichting_vereist, weigeren
from backoffice.templatetags.opmaak import aantal
from financiering import services as fin_services
from trajecten import services as traject_services
from trajecten.models import Traject

from .. import rules
from ..jobs import netto_bedrag
from ..models import Declaratie, Prestatie
from ..permissions import beoordelen_weigering
from ..rules import PRESTATIE
from ._common import ZERO

BESLUITEN = ("toegekend", "afgewezen")


def _beoordeling_check(*, by, declaratie: Declaratie, besluiten: list[dict], for_update: bool) -> dict[str, Prestatie]:
    """Every check of an assessment before anything is written, for the API, the web form and any
    other path alike: the role, four eyes, each line once, only this declaration's lines, only
    lines that wait, a known decision and a reason for a rejection. Returns the lines by reference."""
    weigeren(beoordelen_weigering(by, declaratie))
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
            message=(
                f"{'Deze regels horen' if len(unknown) > 1 else 'Deze regel hoort'} niet bij deze declaratie: "
                f"{', '.join(unknown)}."
            ),
            status=400,
            field="besluiten",
        )
    waiting = {*PRESTATIE.van("toekennen"), *PRESTATIE.van("afwijzen")}
    not_waiting = [ref for ref, p in by_ref.items() if p.status not in waiting]
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
        toelichting_vereist(besluit.get("toelichting"), vereist=besluit["besluit"] == "afgewezen")
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
    _vastleggen(
        by=by,
        regels=[(by_ref[b["product_referentie"]], b["besluit"], b.get("toelichting") or "") for b in besluiten],
        nummers=[declaratie.declaratie_nummer],
    )
    declaratie.refresh_from_db()
    return declaratie


def _vastleggen(*, by, regels: list[tuple[Prestatie, str, str]], nummers: list[str]) -> None:
    """Write checked decisions ``(line, besluit, toelichting)`` of one or more declarations: the
    credited debits, one set-based move per decision, the trajectories' ``gedeclareerd``, the budget
    released for a line rejected after the settlement, and each declaration's accepted total. A
    fixed number of statements whatever the number of lines and declarations."""
    amounts: dict[int, Decimal] = defaultdict(Decimal)
    rejected: dict[int, Decimal] = defaultdict(Decimal)
    decided: dict[str, dict[int, str]] = {"toegekend": {}, "afgewezen": {}}  # besluit -> {line id: toelichting}
    credited: list[int] = []
    for line, besluit, toelichting in regels:
        decided[besluit][line.pk] = toelichting
        if besluit == "toegekend":
            if line.debet_credit == "C":
                credited.append(line.vorige_id)
            amounts[line.traject_id] += -line.ingediend_bedrag if line.debet_credit == "C" else line.ingediend_bedrag
        elif line.debet_credit == "D":
            rejected[line.traject_id] += line.ingediend_bedrag
    declaraties = f"declaratie {nummers[0]}" if len(nummers) == 1 else f"declaraties {', '.join(sorted(nummers))}"
    if credited:
        n = bulk_update(
            Prestatie.objects.filter(pk__in=credited, gecrediteerd=False, status__in=PRESTATIE.van("crediteren")),
            reason=f"gecrediteerd ({declaraties})",
            by=by,
            gecrediteerd=True,
        )
        if n != len(set(credited)):
            raise BusinessRuleError(code="ongeldige-status", message=f"8017: {rules.RETOURCODES['8017']}")
    now = timezone.now()
    for besluit, actie, extra in (
        ("toegekend", "toekennen", {"toegekend_bedrag": F("ingediend_bedrag")}),
        ("afgewezen", "afwijzen", {}),
    ):
        lines = decided[besluit]
        if not lines:
            continue
        bulk_update(
            Prestatie.objects.filter(pk__in=lines, status__in=PRESTATIE.van(actie)),
            reason=besluit,
            by=by,
            status=PRESTATIE.volgende(actie, "in_behandeling"),
            beoordeeld_door=by,
            beoordeeld_op=now,
            beoordeling_toelichting=_per_regel(lines),
            **extra,
        )
    traject_services.traject_add_amounts(
        field="gedeclareerd",
        amounts=amounts,
        reason=f"Gedeclareerd bijgewerkt: {declaraties} beoordeeld",
        by=by,
    )
    _release_after_settlement(rejected, by=by)
    totaal = (
        Prestatie.objects.filter(declaratie=OuterRef("pk"), status="toegekend")
        .order_by()
        .values("declaratie")
        .annotate(s=netto_bedrag())
        .values("s")
    )
    Declaratie.objects.filter(pk__in={line.declaratie_id for line, _, _ in regels}).update(
        totaal_toegekend=Coalesce(Subquery(totaal), ZERO)
    )


# --- accepting many waiting lines at once (the work queue's bulk acceptance) ---------------------


@dataclass
class BulkToekenning:
    """What a bulk acceptance would do, or did: the lines accepted, and per refused line why."""

    toegekend: list[Prestatie] = field(default_factory=list)
    geweigerd: list[tuple[str, BusinessRuleError]] = field(default_factory=list)  # (line label, refusal)

    @property
    def totaal(self) -> Decimal:
        return sum((-p.ingediend_bedrag if p.debet_credit == "C" else p.ingediend_bedrag for p in self.toegekend), ZERO)


def _label(line: Prestatie) -> str:
    return f"Regel {line.product_referentie} van declaratie {line.declaratie.declaratie_nummer}"


def _bulk_check(*, by, lines: list[Prestatie], gevraagd: int) -> BulkToekenning:
    """Every rule of the single assessment (``_beoordeling_check``), per line: the role and four
    eyes per declaration (``beoordelen_weigering``), and that the line still waits. A line the user
    may not see (or that does not exist) is reported as unknown."""
    uitkomst = BulkToekenning()
    waiting = set(PRESTATIE.van("toekennen"))
    for line in lines:
        weigering = beoordelen_weigering(by, line.declaratie)
        if weigering is None and line.status not in waiting:
            weigering = BusinessRuleError(
                code="ongeldige-status", message="Deze regel wacht niet (meer) op beoordeling."
            )
        if weigering is None:
            uitkomst.toegekend.append(line)
        else:
            uitkomst.geweigerd.append((_label(line), weigering))
    if len(lines) < gevraagd:
        uitkomst.geweigerd.append(
            (
                aantal(gevraagd - len(lines), "regel,regels"),
                BusinessRuleError(
                    code="onbekende-regel",
                    message="Deze regels bestaan niet of zijn niet voor u."
                    if gevraagd - len(lines) > 1
                    else "Deze regel bestaat niet of is niet voor u.",
                ),
            )
        )
    return uitkomst


def _bulk_lines(*, by, uuids: list, for_update: bool) -> list[Prestatie]:
    from ..selectors import prestaties_for

    uuids = list(dict.fromkeys(uuids))
    qs = prestaties_for(by).filter(uuid__in=uuids).order_by("declaratie_id", "regelnummer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return list(qs)


def prestaties_bulk_toekennen_check(*, by, uuids: list) -> BulkToekenning:
    """What ``prestaties_bulk_toekennen`` would accept and refuse, without writing (the
    confirmation page names the count and the total of the lines that will be accepted)."""
    return _bulk_check(by=by, lines=_bulk_lines(by=by, uuids=uuids, for_update=False), gevraagd=len(set(uuids)))


@transaction.atomic
def prestaties_bulk_toekennen(*, by, uuids: list) -> BulkToekenning:
    """Accept many waiting lines, of any declarations, at once (the work queue of UWV beoordelaar):
    the lines that pass every rule of the single assessment are accepted in one set-based write
    (``_vastleggen``, the same as ``prestaties_beoordelen``); the others are reported per line.
    A fixed number of queries whatever the number of lines."""
    uitkomst = _bulk_check(by=by, lines=_bulk_lines(by=by, uuids=uuids, for_update=True), gevraagd=len(set(uuids)))
    if uitkomst.toegekend:
        _vastleggen(
            by=by,
            regels=[(line, "toegekend", "") for line in uitkomst.toegekend],
            nummers=sorted({line.declaratie.declaratie_nummer for line in uitkomst.toegekend}),
        )
    return uitkomst


def _per_regel(texts: dict[int, str]):
    """Each line's own explanation in one statement; one value when they are all the same (a CASE
    with a branch per line is evaluated per row: quadratic for a large assessment)."""
    if len(set(texts.values())) == 1:
        return Value(next(iter(texts.values())))
    return Case(*[When(pk=pk, then=Value(t)) for pk, t in texts.items()], default=Value(""), output_field=TextField())


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
