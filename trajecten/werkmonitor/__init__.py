"""The work monitor (domain.md section 10; seed 004, Tables B1/B2): per trajectory and aggregated
per provider, lot, route, gemeente and quarter. Everything is computed in the database, in a fixed
number of queries whatever the number of trajectories:

- per trajectory: one query, a LEFT JOIN of the trajectories on their placements grouped by
  trajectory, with conditional aggregates (first job, jobs, days worked, contract types, ...);
- the aggregates: one query over that same query (a CTE), one ``GROUP BY`` per dimension glued
  with ``UNION ALL``.

No BSN, no name, no date of birth: a trajectory is identified by its toewijzingNummer, and only
for the provider (its own trajectories). UWV and gemeenten get the rows without toewijzingNummer,
provider, dates and employers, and without the rows of small cells; every aggregate of fewer than
``Instellingen.kleine_aantallen_drempel`` (default 5) trajectories is suppressed, with secondary
suppression where one small group could be computed back (docs/privacy.md, "Kleine aantallen").

Definitions (see docs/decisions.md):

- A trajectory belongs to a quarter when it was active in it: it started on or before the last day
  of the quarter and its end (``einddatum``, else the planned end) is on or after the first day.
- The *peildatum* of a trajectory is the earliest of its end, the last day of the quarter and
  today: outcomes count what happened up to that day, so a quarter's figures do not change when
  later placements are registered.
- Both definitions of domain.md 7, side by side (the rule is ``trajecten.rules``): a job counts as
  regular paid work when it is paid (not a trial placement), at least minimum wage and open to
  anyone (seed 002 item 21). The wider measure, columns ending in ``incl_beschut``
  (``inclBeschut``), also counts beschut werk at a regular employer (a non-trial placement with
  wage support ``beschut_werk``; seed 000): ever in work, jobs, days and bin to the first job, still
  working.
- Days to the first job: first job's start minus the trajectory's start, in the bins of seed 004
  Table B2: ``0-30`` (binnen 30 dagen; a job on the start day is day 0), ``31-60``, ``61-150``,
  ``151-270``, ``>270``.
- Months worked: the days of regular jobs inside the trajectory up to the peildatum, / 30.4375
  (overlapping jobs count twice). Hours per month: the day-weighted hours per week x 30.4375 / 7.
- Still working at the end: a regular job runs on the peildatum.

The layers, one module each: ``kwartaal`` (the period), ``rows`` (the per-trajectory query and the
scope), ``totalen`` (the aggregates), ``onderdrukking`` (small cells), ``uitvoer`` (what one user
receives), ``bestanden`` (CSV and XLSX) and ``taak`` (the quarterly export and its job step). The
names below are the package's public face (the API view, the dashboards, the tests, the bench).
"""

from .bestanden import _group_columns, bestandsnaam, iter_csv, write_xlsx, xlsx_sheets
from .kwartaal import Kwartaal, parse_kwartaal, vorig_kwartaal
from .onderdrukking import (
    AANVULLEND,
    KLEIN,
    KOLOMMEN_ANONIEM,
    QUASI_IDENTIFIERS,
    drempel_nu,
    onderdruk,
    opmerkingen,
    per_rij_volledig,
    weergave,
)
from .rows import (
    BIN_KOLOMMEN,
    BINS,
    CONTRACTEN,
    DAGEN_PER_MAAND,
    DIMENSIES,
    KOLOMMEN,
    REDENEN,
    WERKMONITOR_ROLES,
    _alle_trajecten,
    _rows,
    trajectory_row,
    werkmonitor_rows,
)
from .taak import export_dir, werkmonitor_export, werkmonitor_stap
from .totalen import _totals
from .uitvoer import Uitvoer, werkmonitor_totals, werkmonitor_uitvoer

__all__ = [
    "AANVULLEND",
    "BINS",
    "BIN_KOLOMMEN",
    "CONTRACTEN",
    "DAGEN_PER_MAAND",
    "DIMENSIES",
    "KLEIN",
    "KOLOMMEN",
    "KOLOMMEN_ANONIEM",
    "QUASI_IDENTIFIERS",
    "REDENEN",
    "WERKMONITOR_ROLES",
    "Kwartaal",
    "Uitvoer",
    "_alle_trajecten",
    "_group_columns",
    "_rows",
    "_totals",
    "bestandsnaam",
    "drempel_nu",
    "export_dir",
    "iter_csv",
    "onderdruk",
    "opmerkingen",
    "parse_kwartaal",
    "per_rij_volledig",
    "trajectory_row",
    "vorig_kwartaal",
    "weergave",
    "werkmonitor_export",
    "werkmonitor_rows",
    "werkmonitor_stap",
    "werkmonitor_totals",
    "werkmonitor_uitvoer",
    "write_xlsx",
    "xlsx_sheets",
]
