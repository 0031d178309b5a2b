"""Trajectories: extension requests and the funder's decision on them, and the money module's
set-based update of the amounts declared and paid."""

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.history import bulk_snapshot, bulk_update_sql
from backoffice.rules import toelichting_vereist, weigeren
from financiering import rules as fin
from financiering import selectors as fin_selectors
from financiering import services as fin_services

from .. import documenten as traject_documenten
from .. import permissions, rules
from ..models import Traject, Verlenging
from ._eigen import _lock_own_traject


@transaction.atomic
def verlenging_request(*, by, traject: Traject, maanden: int, toelichting: str) -> Verlenging:
    traject = _lock_own_traject(by, traject)
    problem = rules.extension_problem(
        status=traject.status,
        today=timezone.localdate(),
        einddatum_gepland=traject.einddatum_gepland,
        verlengd=traject.verlengd_maanden,
        gevraagd=maanden,
        maximum=traject.perceel.max_verlenging_maanden,
    )
    if problem:
        raise BusinessRuleError(code=problem[0], message=problem[1])
    weigeren(permissions.verlenging_aanvragen_weigering(by, traject))  # one request at a time
    bedrag = fin.extension_cost(
        price=traject.trajectprijs,
        periode_share=fin_selectors.periode_share(traject.perceel),
        base_months=traject.perceel.basisduur_maanden,
        months=maanden,
    )
    return Verlenging.objects.create(
        traject=traject, maanden=maanden, toelichting=toelichting, bedrag=bedrag, aangevraagd_door=by
    )


@transaction.atomic
def verlenging_decide(*, by, verlenging: Verlenging, besluit: str, toelichting: str = "") -> Verlenging:
    """Decided by the funder of the route: UWV on the UWV route, the gemeente on its own route."""
    traject = Traject.objects.select_for_update().select_related("perceel", "aanvraag").get(pk=verlenging.traject_id)
    verlenging = Verlenging.objects.select_for_update().get(pk=verlenging.pk)
    weigeren(permissions.verlenging_beslisser_weigering(by, traject))
    toelichting_vereist(toelichting, vereist=besluit == "afgewezen", message="Een afwijzing vraagt een toelichting.")
    weigeren(permissions.vier_ogen_weigering(by, verlenging.aangevraagd_door_id))
    action = "goedkeuren" if besluit == "akkoord" else "afwijzen"
    verlenging.status = rules.VERLENGING.volgende(action, verlenging.status)
    if action == "goedkeuren":
        maximum = traject.perceel.max_verlenging_maanden
        if traject.verlengd_maanden + verlenging.maanden > maximum:
            raise BusinessRuleError(
                code="looptijd-overschreden",
                message=f"Het perceel staat ten hoogste {maximum} maanden verlenging toe.",
            )
        traject.status = rules.TRAJECT.volgende("verlengen", traject.status)
        if traject.aanvraag.budget_id:
            fin_services.budget_commit(
                budget_id=traject.aanvraag.budget_id,
                bedrag=verlenging.bedrag,
                by=by,
                omschrijving=f"Verlenging traject {traject.toewijzing_nummer}",
                object_uuid=verlenging.uuid,
            )
        traject.verlengd_maanden += verlenging.maanden
        traject.verlenging_bedrag += verlenging.bedrag
        traject.einddatum_gepland = fin.planned_end(
            traject.startdatum, traject.perceel.basisduur_maanden, traject.verlengd_maanden
        )
        traject.save()
    verlenging.besluit_door = by
    verlenging.besluit_op = timezone.now()
    verlenging.besluit_toelichting = toelichting.strip()
    verlenging.save()
    traject_documenten.verlenging_vastleggen(verlenging=verlenging, by=by)
    return verlenging


def traject_add_amounts(*, field: str, amounts: dict[int, Decimal], reason: str, by=None) -> int:
    """Add money amounts to many trajectories' ``gedeclareerd`` or ``betaald`` in one statement
    (called by the money module, which sits above this app), and one history row per trajectory
    (``reason``, ``by`` or the job run) in a second: the trajectory's history shows every change
    of its totals, with who and why."""
    if field not in ("gedeclareerd", "betaald"):
        raise ValueError(field)
    amounts = {k: v for k, v in amounts.items() if k is not None and v}
    if not amounts:
        return 0
    if connection.vendor == "postgresql":
        # A join with the amounts as two arrays: linear in the number of trajectories. A CASE with
        # one WHEN per trajectory is evaluated per row, so quadratic: 5,000 trajectories in one
        # declaration cost seconds (docs/performance.md). The history rows come from the UPDATE's
        # RETURNING in the same statement, without reading the trajectories a second time.
        return bulk_update_sql(
            Traject,
            set_from_where=f"SET {field} = t.{field} + x.bedrag "
            "FROM unnest(%s::bigint[], %s::numeric[]) AS x(id, bedrag) WHERE t.id = x.id",
            params=[list(amounts), list(amounts.values())],
            reason=reason,
            by=by,
        )
    delta = Case(*[When(pk=k, then=Value(v)) for k, v in amounts.items()], default=Value(Decimal("0.00")))
    moved = Traject.objects.filter(pk__in=amounts).update(**{field: F(field) + delta})
    bulk_snapshot(Traject, ids=list(amounts), reason=reason, by=by)
    return moved
