"""Everything in declaraties that reads for others, scoped to the user's organisation(s).

Provider: its own declarations and lines. UWV (beoordelaar and financieel): all of them, because
UWV assesses and pays every declaration. Anyone else: nothing (the views answer 403 before this)."""

import json
from datetime import date

from django.db import connection
from django.db.models import BooleanField, Case, Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from backoffice import roles
from financiering.selectors import user_aanbieder_id, user_gemeente_ids
from trajecten import selectors as traject_selectors

from . import rules
from .jobs import netto_bedrag
from .models import ZERO, Betaalopdracht, Declaratie, Prestatie, Vordering, VorderingRegel

# The status of a declaration follows from its lines (docs/declaraties.md).
DECLARATIE_STATUSSEN = ("toegekend", "deels_toegekend", "afgewezen", "in_behandeling")


def _scope(user, field: str = "aanbieder_id") -> Q:
    """The union of the user's scopes: a provider who is also a UWV assessor sees both."""
    if roles.has_role(user, *roles.UWV_ROLES):
        return Q()
    scope = Q(pk__in=[])
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = user_aanbieder_id(user)
        if aanbieder_id is not None:
            scope |= Q(**{field: aanbieder_id})
    return scope


def _line_count(**filters) -> Coalesce:
    lines = (
        Prestatie.objects.filter(declaratie_id=OuterRef("pk"), **filters)
        .order_by()
        .values("declaratie_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(lines), 0)


def with_line_counts(qs: QuerySet[Declaratie]) -> QuerySet[Declaratie]:
    """Annotate how many lines are accepted, rejected and waiting, as correlated subqueries (one
    query for any page size). Not as a join with GROUP BY: that aggregates every line of every
    declaration before the page is cut, 10 million lines at national scale (docs/performance.md);
    a subquery is evaluated for the rows of the page only, and ``count()`` leaves it out."""
    return qs.annotate(
        aantal_prestaties=_line_count(),
        aantal_toegekend=_line_count(status="toegekend"),
        aantal_afgewezen=_line_count(status="afgewezen"),
        aantal_in_behandeling=_line_count(status="in_behandeling"),
    )


def declaraties_for(user) -> QuerySet[Declaratie]:
    return Declaratie.objects.select_related("aanbieder", "ingediend_door").filter(_scope(user))


def filter_status(qs: QuerySet[Declaratie], status: str) -> QuerySet[Declaratie]:
    """Filter an annotated queryset (``with_line_counts``) on the declaration's derived status."""
    if status == "in_behandeling":
        return qs.filter(aantal_in_behandeling__gt=0)
    if status == "toegekend":
        return qs.filter(aantal_in_behandeling=0, aantal_afgewezen=0)
    if status == "afgewezen":
        return qs.filter(aantal_in_behandeling=0, aantal_toegekend=0)
    if status == "deels_toegekend":
        return qs.filter(aantal_in_behandeling=0, aantal_toegekend__gt=0, aantal_afgewezen__gt=0)
    return qs.none()


def declaratie_status(*, toegekend: int, afgewezen: int, in_behandeling: int) -> str:
    if in_behandeling:
        return "in_behandeling"
    if not afgewezen:
        return "toegekend"
    if not toegekend:
        return "afgewezen"
    return "deels_toegekend"


def declaratie_regels(declaratie: Declaratie) -> QuerySet[Prestatie]:
    """The lines of one declaration (already read through ``declaraties_for``), in file order."""
    return Prestatie.objects.filter(declaratie_id=declaratie.pk).order_by("regelnummer")


# The lines of one declaration as the API answers them (``api.declaraties.PrestatieSerializer``:
# camelCase, money as text with two decimals, timestamps in UTC with a Z), built by PostgreSQL as
# one JSON array: 10,000 lines through serializer instances and the camelCase renderer took seconds
# (issue 13). tests/declaraties/test_antwoord.py checks it says what the serializer says.
_REGELS_JSON = """
SELECT coalesce(json_agg(json_build_object(
    'uuid', p.uuid, 'regelnummer', p.regelnummer, 'productReferentie', p.product_referentie,
    'toewijzingNummer', p.toewijzing_nummer, 'productCode', p.product_code,
    'productPeriode', json_build_object('begindatum', p.begindatum, 'einddatum', p.einddatum),
    'geleverdVolume', p.geleverd_volume::text, 'ingediendBedrag', p.ingediend_bedrag::text,
    'debetCredit', p.debet_credit, 'vorigReferentieNummer', p.vorig_referentie_nummer, 'status', p.status,
    'retourcodes', (
        SELECT coalesce(json_agg(json_build_object('code', c.code, 'omschrijving', coalesce(%s::jsonb ->> c.code, ''))
                                 ORDER BY c.n), '[]')
        FROM jsonb_array_elements_text(p.retourcodes) WITH ORDINALITY AS c(code, n)
    ),
    'toegekendBedrag', p.toegekend_bedrag::text,
    'beoordeeldOp', to_char(p.beoordeeld_op AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'beoordelingToelichting', p.beoordeling_toelichting, 'betaaldOp', p.betaald_op
) ORDER BY p.regelnummer), '[]')::text
FROM declaraties_prestatie p WHERE p.declaratie_id = %s
"""


def declaratie_regels_json(declaratie: Declaratie) -> str | None:
    """``declaratie_regels`` as the API's JSON array (text), in one query; None off PostgreSQL
    (the serializer answers there)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_REGELS_JSON, [json.dumps(rules.RETOURCODES), declaratie.pk])
        return cursor.fetchone()[0]


def prestaties_for(user) -> QuerySet[Prestatie]:
    return Prestatie.objects.select_related("declaratie", "aanbieder").filter(_scope(user))


# --- payment orders and co-financing claims (betalingen, vorderingen) --------------------------


def betaalopdrachten_for(user) -> QuerySet[Betaalopdracht]:
    """Payment orders are UWV's business: both UWV roles read them, nobody else."""
    qs = Betaalopdracht.objects.select_related(
        "aanbieder", "eerste_akkoord_door", "tweede_akkoord_door", "bevestigd_door"
    ).order_by("-datum", "aanbieder__naam", "id")
    if roles.has_role(user, *roles.UWV_ROLES):
        return qs
    return qs.none()


def betaalopdracht_regels(opdracht: Betaalopdracht) -> QuerySet[Prestatie]:
    """The lines of one order, in a stable order; nothing personal is selected."""
    return (
        Prestatie.objects.filter(betaalopdracht=opdracht)
        .select_related("traject__gemeente", "traject__perceel")
        .order_by("toewijzing_nummer", "begindatum", "id")
    )


def traject_uuids(user, traject_ids) -> dict:
    """The trajectories among ``traject_ids`` this user may open (``trajecten.selectors``
    scopes them: UWV every one, a gemeente its own route), as id -> uuid: one query for a page of
    lines, so a line links to its trajectory only where the link would not answer 404."""
    ids = {i for i in traject_ids if i is not None}
    if not ids:
        return {}
    return dict(
        traject_selectors.trajecten_for(user)
        .select_related(None)
        .prefetch_related(None)
        .filter(pk__in=ids)
        .values_list("pk", "uuid")
    )


def betaalopdracht_samenvatting(opdracht: Betaalopdracht) -> dict:
    """The lines of one order at a glance: debit and credit totals, and per product code."""
    lines = Prestatie.objects.filter(betaalopdracht=opdracht)
    totals = lines.aggregate(
        aantal=Count("id"),
        debet=Coalesce(Sum("toegekend_bedrag", filter=Q(debet_credit="D")), ZERO),
        credit=Coalesce(Sum("toegekend_bedrag", filter=Q(debet_credit="C")), ZERO),
        trajecten=Count("traject_id", distinct=True),
    )
    per_product = list(
        lines.values("product_code")
        .annotate(aantal=Count("id"), bedrag=Coalesce(netto_bedrag(), ZERO))
        .order_by("product_code")
    )
    return {**totals, "per_product": per_product}


def vorderingen_for(user) -> QuerySet[Vordering]:
    """UWV financieel sees every claim; a gemeente its own; anyone else nothing."""
    qs = Vordering.objects.select_related("gemeente").order_by("-periode", "gemeente__code", "id")
    if roles.has_role(user, roles.UWV_FINANCIEEL):
        return qs
    if roles.has_role(user, roles.GEMEENTE):
        return qs.filter(gemeente_id__in=user_gemeente_ids(user))
    return qs.none()


def with_te_laat(qs: QuerySet[Vordering], *, today: date | None = None) -> QuerySet[Vordering]:
    """Annotate ``te_laat`` (a bool, never null): overdue by ``rules.vordering_te_laat_q``, the one
    definition, for the claims list (its filter and flag), the claim's page and the API's ``teLaat``."""
    today = today or timezone.localdate()
    return qs.annotate(
        te_laat=Case(
            When(rules.vordering_te_laat_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


def vordering_regels(vordering: Vordering | list[Vordering]) -> QuerySet[VorderingRegel]:
    """The lines of a claim (or of several, claim by claim), by toewijzingNummer and period."""
    filters = {"vordering__in": vordering} if isinstance(vordering, list) else {"vordering": vordering}
    return (
        VorderingRegel.objects.filter(**filters)
        .select_related("prestatie", "regeling")
        .order_by("vordering_id", "prestatie__toewijzing_nummer", "prestatie__begindatum", "id")
    )


def vorderingen_overzicht_for(user, *, today: date | None = None) -> list[dict]:
    """Per gemeente at a glance (the 43-of-75 problem): claims, claimed, received, outstanding,
    what is overdue (past the due date, not paid, money open), and per trajectory: how many
    co-financed trajectories UWV paid for and how many of those the gemeente has not reimbursed in
    full yet (``trajecten_niet_vergoed``, the figure that must go to zero). A gemeente sees its own
    row; a gemeente with paid trajectories but no claim yet has a row too. Two queries."""
    overdue = rules.vordering_te_laat_q(today or timezone.localdate())
    open_ = F("bedrag") - F("ontvangen")
    claims = {
        r["gemeente__code"]: r
        for r in vorderingen_for(user)
        .order_by()
        .values("gemeente__code", "gemeente__naam")
        .annotate(
            aantal=Count("id"),
            aantal_betaald=Count("id", filter=Q(status="betaald")),
            aantal_te_laat=Count("id", filter=overdue),
            aantal_betwist=Count("id", filter=Q(status="betwist")),
            gevorderd=Coalesce(Sum("bedrag"), ZERO),
            ontvangen_totaal=Coalesce(Sum("ontvangen"), ZERO),
            openstaand=Coalesce(Sum(open_), ZERO),
            te_laat=Coalesce(Sum(open_, filter=overdue), ZERO),
            oudste_vervaldatum=Min("vervaldatum", filter=overdue),
        )
    }
    trajecten = {r["traject__gemeente__code"]: r for r in _vergoeding_per_gemeente(user)}
    leeg = dict.fromkeys(("aantal", "aantal_betaald", "aantal_te_laat", "aantal_betwist"), 0)
    leeg |= dict.fromkeys(("gevorderd", "ontvangen_totaal", "openstaand", "te_laat"), ZERO)
    rows = []
    for code in sorted(claims.keys() | trajecten.keys()):
        t = trajecten.get(code, {})
        row = claims.get(code) or {
            **leeg,
            "gemeente__code": code,
            "gemeente__naam": t["traject__gemeente__naam"],
            "oudste_vervaldatum": None,
        }
        row["trajecten"] = t.get("trajecten", 0)
        row["trajecten_niet_vergoed"] = t.get("niet_vergoed", 0)
        rows.append(row)
    return rows


def _vergoeding_per_gemeente(user) -> QuerySet:
    """Co-financed trajectories with a paid line, per gemeente, and how many of them still have a
    paid line the gemeente has not reimbursed: not claimed yet, or in a claim not paid in full
    (a line struck off after a dispute no longer counts). Scoped like the claims."""
    if roles.has_role(user, roles.UWV_FINANCIEEL):
        scope = Q()
    elif roles.has_role(user, roles.GEMEENTE):
        scope = Q(traject__gemeente_id__in=user_gemeente_ids(user))
    else:
        return Prestatie.objects.none().values("traject__gemeente__code")
    open_line = Q(vorderingregel__isnull=True) | (
        ~Q(vorderingregel__vordering__status="betaald") & ~Q(vorderingregel__bezwaar="toegewezen")
    )
    return (
        Prestatie.objects.filter(
            scope,
            betaald_op__isnull=False,
            traject__route="gemeente",
            traject__regeling__cofinanciering_aandeel__gt=0,
        )
        .order_by()
        .values("traject__gemeente__code", "traject__gemeente__naam")
        .annotate(
            trajecten=Count("traject_id", distinct=True),
            niet_vergoed=Count("traject_id", distinct=True, filter=open_line),
        )
    )


def vorderingen_per_maand(user, *, jaar: int, today: date | None = None) -> list[dict]:
    """The claims the user may see for the months of ``jaar``, per month: claimed, received,
    outstanding and overdue. One query."""
    overdue = rules.vordering_te_laat_q(today or timezone.localdate())
    open_ = F("bedrag") - F("ontvangen")
    return list(
        vorderingen_for(user)
        .filter(periode__year=jaar)
        .order_by()
        .values("periode")
        .annotate(
            aantal=Count("id"),
            gevorderd=Coalesce(Sum("bedrag"), ZERO),
            ontvangen_totaal=Coalesce(Sum("ontvangen"), ZERO),
            openstaand=Coalesce(Sum(open_), ZERO),
            te_laat=Coalesce(Sum(open_, filter=overdue), ZERO),
        )
        .order_by("periode")
    )
