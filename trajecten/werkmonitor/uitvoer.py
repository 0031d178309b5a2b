"""What one user receives of one quarter: the rows in scope, their columns, the suppressed totals
and the notes (``werkmonitor_uitvoer``), and the suppressed totals alone (``werkmonitor_totals``)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from .kwartaal import Kwartaal
from .onderdrukking import (
    KOLOMMEN_ANONIEM,
    _zonder_kleine_cellen,
    drempel_nu,
    onderdruk,
    opmerkingen,
    per_rij_volledig,
    weergave,
)
from .rows import DIMENSIES, KOLOMMEN, trajectory_row, werkmonitor_rows
from .totalen import _totals


@dataclass
class Uitvoer:
    """What one user receives of one quarter: the rows (a queryset), their columns, the suppressed
    totals and the notes."""

    kwartaal: Kwartaal
    rijen: QuerySet
    kolommen: tuple[str, ...]
    totalen: dict
    drempel: int
    opmerkingen: list[str]
    aantal: int = 0  # trajectories in the quarter and scope, before any suppression (for the job's counts)

    def records(self, chunk_size: int = 2000):
        return (self.record(raw) for raw in self.rijen.iterator(chunk_size=chunk_size))

    def record(self, raw: dict) -> dict:
        row = trajectory_row(raw, self.kwartaal)
        return {k: row[k] for k in self.kolommen}

    def groepen(self) -> list[dict]:
        return [weergave(r, self.drempel) for niveau in DIMENSIES for r in self.totalen[niveau]]


def _uitvoer(rows_qs: QuerySet, kwartaal: Kwartaal, *, volledig: bool) -> Uitvoer:
    drempel = drempel_nu()
    totalen = _totals(rows_qs, kwartaal)
    aantal = sum(r["trajecten"] for r in totalen["kwartaal"])
    onderdruk(totalen, drempel)
    return Uitvoer(
        aantal=aantal,
        kwartaal=kwartaal,
        rijen=rows_qs if volledig else _zonder_kleine_cellen(rows_qs, drempel),
        kolommen=KOLOMMEN if volledig else KOLOMMEN_ANONIEM,
        totalen=totalen,
        drempel=drempel,
        opmerkingen=opmerkingen(drempel, anoniem=not volledig),
    )


def werkmonitor_uitvoer(user, kwartaal: Kwartaal) -> Uitvoer:
    return _uitvoer(werkmonitor_rows(user, kwartaal), kwartaal, volledig=per_rij_volledig(user))


def werkmonitor_totals(user, kwartaal: Kwartaal, drempel: int | None = None) -> dict:
    """The aggregates per quarter, provider, lot, route and gemeente over what the user may see,
    small groups suppressed (``onderdruk``)."""
    drempel = drempel_nu() if drempel is None else drempel
    return onderdruk(_totals(werkmonitor_rows(user, kwartaal), kwartaal), drempel)
