"""Fidelity audits (Modeltrouwmeting), the implementation plan and caseload elsewhere."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from backoffice import opmaak, roles
from backoffice.errors import BusinessRuleError
from backoffice.history import record
from backoffice.rules import weigeren

from .. import permissions, rules, selectors
from ..models import (
    Aanbieder,
    Modeltrouwmeting,
    Schaalversie,
    Trajectbegeleider,
)


def _items(numbers: list[int]) -> str:
    """'item 1', 'items 1 en 3', 'items 1, 2 en 5': item numbers as a sentence says them."""
    woorden = [str(n) for n in numbers]
    if len(woorden) == 1:
        return f"item {woorden[0]}"
    return f"items {', '.join(woorden[:-1])} en {woorden[-1]}"


def _al_gemeten(aanbieder: Aanbieder | None, datum: date, meting: Modeltrouwmeting | None = None) -> None:
    """One audit of a provider per date (409 ``meting-bestaat-al``): a second registration of the
    same audit is refused; correcting that audit (``meting``) is not."""
    if aanbieder is None:
        return
    andere = Modeltrouwmeting.objects.filter(aanbieder=aanbieder, datum=datum, dubbel_van__isnull=True)
    if meting is not None:
        andere = andere.exclude(pk=meting.pk)
    if andere.exists():
        raise BusinessRuleError(
            code="meting-bestaat-al",
            message=f"Er is al een modeltrouwmeting van {aanbieder.naam} op {opmaak.datum(datum)}. "
            "Corrigeer die meting in plaats van een tweede te registreren.",
            status=409,
            field="datum",
        )


def _check_scores(versie: Schaalversie, numbers: set[int], scores: dict, field: str, wie: str) -> dict[int, int]:
    """Every item of the version scored once, with a whole number 1..5 (400 with the field)."""
    given = {int(k): v for k, v in scores.items()}
    if set(given) != numbers:
        missing = sorted(numbers - set(given))
        extra = sorted(set(given) - numbers)
        raise BusinessRuleError(
            code="scores-onvolledig",
            message=f"{wie}: de schaal {versie.naam} heeft items 1 tot en met {len(numbers)}; "
            f"ontbrekend: {_items(missing) if missing else 'geen'}, onbekend: {_items(extra) if extra else 'geen'}.",
            status=400,
            field=field,
        )
    wrong = sorted(n for n, v in given.items() if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5)
    if wrong:
        raise BusinessRuleError(
            code="score-ongeldig",
            message=f"{wie}: scores zijn gehele getallen van 1 tot en met 5; fout bij {_items(wrong)}.",
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
    and never counts as a valid audit (``rules.modeltrouw_oordeel``). The checks are
    ``modeltrouwmeting_waarden`` (the web page shows the band with them before saving)."""
    aanbieder = Aanbieder.objects.select_for_update().get(pk=aanbieder.pk)  # two registrations at once: one
    waarden = modeltrouwmeting_waarden(
        by=by,
        aanbieder=aanbieder,
        datum=datum,
        versie=versie,
        scores=scores,
        consensus_scores=consensus_scores,
        auditor_1=auditor_1,
        auditor_2=auditor_2,
        scores_auditor_1=scores_auditor_1,
        scores_auditor_2=scores_auditor_2,
    )
    try:
        with transaction.atomic():  # a savepoint: two registrations at once meet the constraint
            return Modeltrouwmeting.objects.create(aanbieder=aanbieder, geregistreerd_door=by, **waarden)
    except IntegrityError as exc:
        if "meting_uniek_per_dag" not in str(exc):
            raise
        _al_gemeten(aanbieder, waarden["datum"])  # the same refusal in words: meting-bestaat-al
        raise


def modeltrouwmeting_waarden(
    *,
    by,
    datum: date,
    aanbieder: Aanbieder | None = None,
    meting: Modeltrouwmeting | None = None,
    versie: Schaalversie,
    scores: dict[str, int] | None = None,
    consensus_scores: dict[str, int] | None = None,
    auditor_1: str = "",
    auditor_2: str = "",
    scores_auditor_1: dict[str, int] | None = None,
    scores_auditor_2: dict[str, int] | None = None,
) -> dict:
    """Check an audit's input (the role, the date, both auditors, every score set) and compute its
    total and band, without writing: the fields of a ``Modeltrouwmeting``. Registering and
    correcting an audit both go through here. With ``aanbieder``: refused when that provider already
    has an audit on ``datum`` other than ``meting`` (the one being corrected)."""
    roles.require_role(by, roles.AUDITOR)
    if datum > timezone.localdate():
        raise BusinessRuleError(
            code="datum-in-toekomst", message="Een meting kan niet in de toekomst liggen.", status=400, field="datum"
        )
    _al_gemeten(aanbieder, datum, meting)
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
    return {
        "datum": datum,
        "versie": versie,
        "auditor_1": per_auditor[1][0],
        "auditor_2": per_auditor[2][0],
        "scores_auditor_1": _json(per_auditor[1][1]),
        "scores_auditor_2": _json(per_auditor[2][1]),
        "scores": _json(given),
        "totaal": totaal,
        "band": band,
    }


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


@transaction.atomic
def modeltrouwmeting_corrigeren(*, by, meting: Modeltrouwmeting, toelichting: str, **waarden) -> Modeltrouwmeting:
    """Correct a registered fidelity audit (a typing error, a score the auditors revised): the same
    checks as registering (``modeltrouwmeting_waarden``), and a required explanation, kept in the
    audit's history with who corrected it. The provider stays the same."""
    roles.require_role(by, roles.AUDITOR)  # the role first: another role learns nothing about the audit
    toelichting = (toelichting or "").strip()
    if not toelichting:
        raise BusinessRuleError(
            code="toelichting-verplicht",
            message="Leg uit waarom de meting gecorrigeerd wordt; de toelichting komt in de historie.",
            status=400,
            field="toelichting",
        )
    meting = Modeltrouwmeting.objects.select_for_update().get(pk=meting.pk)
    nieuw = modeltrouwmeting_waarden(by=by, aanbieder=meting.aanbieder, meting=meting, **waarden)
    if all(getattr(meting, k) == v for k, v in nieuw.items()):
        raise BusinessRuleError(
            code="ongeldige-invoer",
            message="Er is niets gewijzigd: de correctie is gelijk aan de meting.",
            status=400,
            field=None,
        )
    for k, v in nieuw.items():
        setattr(meting, k, v)
    record(meting, by=by, reason=f"gecorrigeerd: {toelichting}"[:100])
    meting.save()
    return meting
