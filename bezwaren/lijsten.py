"""The objections list's definition for ``backoffice.lijsten``: columns, sort, filter, search."""

from django.db.models import Q

from backoffice.lijsten import DATUM_RICHTING, TEKST_RICHTING, Kolom, Lijst, Zoeken, dag
from trajecten.lijsten import bsn_hash_zoeker, naam_zoeker
from trajecten.lijsten import bsn_zoeken as _bsn_zoeken

# an objection reaches its participant through its application, or through its trajectory
_CASES = ("aanvraag__", "traject__", "verlenging__traject__", "prestatie__traject__")


def _naam(user, term: str) -> Q:
    q = Q(pk__in=[])
    for case in _CASES:
        q |= naam_zoeker(case)(user, term)
    return q


def _bsn_hash(user, bsn_hash: str) -> Q:
    q = Q(pk__in=[])
    for case in _CASES:
        q |= bsn_hash_zoeker(case)(user, bsn_hash)
    return q


def _beslist_door(b, u) -> str:
    return "UWV" if b.beslisorgaan == "uwv" else f"Gemeente {b.gemeente.naam}"


def _tegen(b, u) -> str:
    return b.besluit_omschrijving


BEZWAREN = Lijst(
    naam="bezwaren",
    titel="Bezwaren",
    url_name="web-bezwaren",
    kolommen=(
        Kolom("nummer", "Bezwaar", "id", lambda b, u: b.nummer),
        Kolom("tegen", "Tegen", None, _tegen),
        Kolom("aanbieder", "Aanbieder", "aanbieder__naam", lambda b, u: b.aanbieder.naam, **TEKST_RICHTING),
        Kolom("beslist_door", "Beslist door", None, _beslist_door),
        Kolom("traject", "Traject", None, lambda b, u: getattr(b, "toewijzing", None)),
        Kolom("ingediend", "Ingediend", "ingediend_op", lambda b, u: dag(b.ingediend_op), **DATUM_RICHTING),
        Kolom(
            "beslistermijn",
            "Beslissen vóór",
            "beslistermijn",
            lambda b, u: b.beslistermijn if b.open else None,
            oplopend="eerst verlopend",
            aflopend="laatst verlopend",
        ),  # fmt: skip
        Kolom("status", "Status", "status", lambda b, u: b.get_status_display()),
    ),
    sortering="beslistermijn",
    filters=("status",),
    standaard={"status": "open"},
    volgorde=("_dicht", "beslistermijn", "-ingediend_op", "-id"),  # open first, the earliest term on top
    zoeken=Zoeken(
        naam=_naam,
        bsn=_bsn_zoeken,
        bsn_hash=_bsn_hash,
        toewijzing="traject__toewijzing_nummer",
        declaratie="prestatie__declaratie__declaratie_nummer",
    ),
)
