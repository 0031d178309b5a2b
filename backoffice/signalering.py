"""The signal engine: raise one signal per cause and resolve it when the cause is gone, set-based.

Each app describes its causes as a queryset (``Oorzaken``) on its own model; this module only
compares that queryset with the open signals, so it names no other app. Per kind of signal it
costs at most three queries, whatever the number of rows:

1. resolve: ``UPDATE signaal SET afgehandeld WHERE open AND NOT EXISTS (cause for this object)``;
2. find new causes: ``SELECT ... FROM <model> WHERE <cause> AND NOT EXISTS (open signal)``;
3. raise them: one ``INSERT`` (on PostgreSQL ``INSERT ... SELECT FROM unnest(<one array per
   column>) ON CONFLICT DO NOTHING``, elsewhere ``bulk_create(ignore_conflicts=True)``; the partial
   unique constraint "one open signal per kind and object" makes a racing or repeated run a no-op).

The cause queryset carries these annotations (all rows are models with a ``uuid`` field):
``sig_deadline`` (date or null), ``sig_aanbieder_id``, ``sig_gemeente_id`` (who must act, or
null), ``sig_uwv_rol`` (the UWV role that must act, or ''), ``sig_ref`` (a short reference for
the description: a toewijzingNummer, a name of an organisation; never a participant's name or
BSN) and optionally ``sig_aantal`` (a number for the description).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from . import roles
from .models import Signaal, SignaalSoort

# Dutch descriptions; {ref}, {deadline} (dd-mm-jjjj) and {aantal} are filled in.
OMSCHRIJVINGEN = {
    SignaalSoort.TRAJECT_EINDIGT_90: "Traject {ref} eindigt binnen 90 dagen (geplande einddatum {deadline}).",
    SignaalSoort.TRAJECT_EINDIGT_30: "Traject {ref} eindigt binnen 30 dagen (geplande einddatum {deadline}).",
    SignaalSoort.LOOPTIJD_VERSTREKEN: (
        "De looptijd van traject {ref} is verstreken; de financiering is gestopt. "
        "Stuur het eindverslag uiterlijk {deadline} of vraag (waar het perceel dat toestaat) verlenging aan."
    ),
    SignaalSoort.EINDVERSLAG_ONTBREEKT: "Het eindverslag van traject {ref} ontbreekt (verwacht uiterlijk {deadline}).",
    SignaalSoort.BESLUIT_TE_LAAT: "Het besluit op aanvraag {ref} is te laat (beslistermijn verstreken op {deadline}).",
    SignaalSoort.MODELTROUW_VERLOPEN: (
        "De modeltrouwmeting van {ref} is verlopen, ontbreekt of viel in de band 'geen IPS' (geldig tot {deadline})."
    ),
    SignaalSoort.CASELOAD_TE_HOOG: (
        "Trajectbegeleider {ref} heeft {aantal} actieve trajecten; dat is meer dan de caseloadnorm per fte toestaat."
    ),
    SignaalSoort.BUDGET_BIJNA_OP: "Het budget {ref} is voor meer dan {aantal}% gereserveerd of besteed.",
    SignaalSoort.VORDERING_TE_LAAT: "De vordering {ref} is niet op tijd betaald (vervaldatum {deadline}).",
    SignaalSoort.BEZWAAR_TE_LAAT: "Op bezwaar {ref} is niet op tijd beslist (beslistermijn verstreken op {deadline}).",
    SignaalSoort.BEZWAAR_TERMIJN_NADERT: "Op bezwaar {ref} moet uiterlijk {deadline} zijn beslist.",
}

# Which UWV roles may open the object a signal is about, per object type (the selectors of the
# apps decide who may open what; this table follows them): a co-financing claim only UWV
# financieel (``declaraties.selectors.vorderingen_for``). Every other object type: both UWV roles.
# A signal is listed and mailed only to those who may open its object (issue 9, finding 5).
UWV_INZAGE: dict[str, tuple[str, ...]] = {
    "vordering": (roles.UWV_FINANCIEEL,),
    # the beheerders' signals about users and role grants: no UWV role opens them
    "gebruiker": (),
    "roltoekenning": (),
}


def uwv_mag_openen(rol: str, object_type: str) -> bool:
    """May a user with this UWV role open the object of a signal of this object type?"""
    return rol in UWV_INZAGE.get(object_type, roles.UWV_ROLES)


_FIELDS = ("uuid", "sig_deadline", "sig_aanbieder_id", "sig_gemeente_id", "sig_uwv_rol", "sig_ref")


@dataclass(frozen=True)
class Oorzaken:
    """The current causes of one kind of signal, as a queryset on the model the signal is about."""

    soort: str
    object_type: str
    queryset: QuerySet
    # True: the deadline is part of the cause (a trajectory's end date that moves, a new decision
    # term): an open signal with another deadline is resolved and a new one raised.
    deadline_bepaalt: bool = False
    aantal: bool = False  # the queryset carries ``sig_aantal``
    # Turns ``sig_deadline`` into the signal's deadline (for example: end date + 30 days), in
    # Python, so that no date arithmetic depends on the database. Not with ``deadline_bepaalt``.
    deadline: Callable[[date | None], date | None] | None = None


def _describe(soort: str, row: dict) -> str:
    deadline = row["sig_deadline"]
    text = OMSCHRIJVINGEN[soort].format(
        ref=row["sig_ref"] if row["sig_ref"] not in (None, "") else str(row["uuid"])[:8],
        deadline=deadline.strftime("%d-%m-%Y") if deadline else "-",
        aantal=row.get("sig_aantal", ""),
    )
    return text[:300]


def signalen_bijwerken(oorzaken: Oorzaken, *, datum: date) -> dict[str, int]:
    """Resolve the open signals of one kind whose cause is gone, then raise the new ones."""
    now = timezone.now()
    soort = oorzaken.soort
    assert not (oorzaken.deadline_bepaalt and oorzaken.deadline), "a deciding deadline is compared as stored"
    open_signalen = Signaal.objects.filter(soort=soort, afgehandeld=False)

    same_cause = oorzaken.queryset.filter(uuid=OuterRef("object_uuid"))
    if oorzaken.deadline_bepaalt:
        same_cause = same_cause.filter(sig_deadline=OuterRef("deadline"))
    afgehandeld = open_signalen.filter(~Exists(same_cause)).update(
        afgehandeld=True, afgehandeld_op=now, afgehandeld_datum=datum
    )

    already = open_signalen.filter(object_uuid=OuterRef("uuid"))
    fields = (*_FIELDS, "sig_aantal") if oorzaken.aantal else _FIELDS
    rows = list(oorzaken.queryset.filter(~Exists(already)).values(*fields))
    if oorzaken.deadline is not None:
        for row in rows:
            row["sig_deadline"] = oorzaken.deadline(row["sig_deadline"])
    if rows:
        _raise(oorzaken, rows, datum=datum, now=now)
    return {"nieuw": len(rows), "afgehandeld": afgehandeld}


def _raise(oorzaken: Oorzaken, rows: list[dict], *, datum: date, now) -> None:
    """One INSERT for all new signals. On PostgreSQL the values go as one array per column
    (``INSERT ... SELECT FROM unnest(...)``): no model instance per row, which on a first run
    with 130,000 new signals was two thirds of the nightly job (docs/performance.md). Elsewhere
    (the SQLite default for development) ``bulk_create``. Both ignore a conflict with the partial
    unique constraint "one open signal per kind and object", so a racing run is a no-op."""
    soort = oorzaken.soort
    if connection.vendor != "postgresql":
        Signaal.objects.bulk_create(
            [
                Signaal(
                    soort=soort,
                    object_type=oorzaken.object_type,
                    object_uuid=row["uuid"],
                    omschrijving=_describe(soort, row),
                    aanbieder_id=row["sig_aanbieder_id"],
                    gemeente_id=row["sig_gemeente_id"],
                    uwv_rol=row["sig_uwv_rol"] or "",
                    deadline=row["sig_deadline"],
                    gesignaleerd_op=datum,
                )
                for row in rows
            ],
            ignore_conflicts=True,
        )
        return
    columns = (
        [row["uuid"] for row in rows],
        [_describe(soort, row) for row in rows],
        [row["sig_aanbieder_id"] for row in rows],
        [row["sig_gemeente_id"] for row in rows],
        [row["sig_uwv_rol"] or "" for row in rows],
        [row["sig_deadline"] for row in rows],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Signaal._meta.db_table} (uuid, soort, object_type, object_uuid, omschrijving, "
            "aanbieder_id, gemeente_id, uwv_rol, deadline, gesignaleerd_op, aangemaakt_op, afgehandeld) "
            "SELECT gen_random_uuid(), %s, %s, u, o, a, g, r, d, %s, %s, false "
            "FROM unnest(%s::uuid[], %s::text[], %s::bigint[], %s::bigint[], %s::text[], %s::date[]) "
            "AS x(u, o, a, g, r, d) ON CONFLICT DO NOTHING",
            [soort, oorzaken.object_type, datum, now, *columns],
        )
