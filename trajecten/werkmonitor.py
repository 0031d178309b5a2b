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
- A job counts as regular paid work when it is paid at least minimum wage and is not a trial
  placement (seed 002 item 21). The variant ``inclBeschut`` also counts beschut werk at a regular
  employer (a non-trial placement with wage support ``beschut_werk``; seed 000).
- Days to the first job: first regular job's start minus the trajectory's start, in the bins of
  seed 004 Table B2: ``<=30`` (binnen 30 dagen), ``31-60``, ``61-150``, ``151-270``, ``>270``.
- Months worked: the days of regular jobs inside the trajectory up to the peildatum, / 30.4375
  (overlapping jobs count twice). Hours per month: the day-weighted hours per week x 30.4375 / 7.
- Still working at the end: a regular job runs on the peildatum.
"""

import csv
import io
import itertools
import os
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    Q,
    QuerySet,
    StringAgg,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen
from financiering.selectors import user_aanbieder_id, user_gemeente_ids

from .models import PlaatsingContractsoort, StopberichtReden, Traject

DAGEN_PER_MAAND = 30.4375
BINS = ("<=30", "31-60", "61-150", "151-270", ">270")
BIN_KOLOMMEN = ("binnen_30", "tussen_31_en_60", "tussen_61_en_150", "tussen_151_en_270", "meer_dan_270")
REDENEN = [r for r, _ in StopberichtReden.choices]
CONTRACTEN = [c for c, _ in PlaatsingContractsoort.choices]
DIMENSIES = ("kwartaal", "aanbieder", "perceel", "route", "gemeente")
WERKMONITOR_ROLES = (*roles.UWV_ROLES, roles.GEMEENTE, roles.AANBIEDER)

_KWARTAAL = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Kwartaal:
    jaar: int
    nummer: int

    @property
    def code(self) -> str:
        return f"{self.jaar}-Q{self.nummer}"

    @property
    def van(self) -> date:
        return date(self.jaar, 3 * self.nummer - 2, 1)

    @property
    def tot(self) -> date:
        if self.nummer == 4:
            return date(self.jaar, 12, 31)
        return date(self.jaar, 3 * self.nummer + 1, 1) - timedelta(days=1)


def parse_kwartaal(value: str | None) -> Kwartaal:
    """``2026-Q4``; empty means the current quarter. Anything else: 400 ``ongeldig-kwartaal``."""
    if not value:
        today = timezone.localdate()
        return Kwartaal(today.year, (today.month - 1) // 3 + 1)
    match = _KWARTAAL.match(value.strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise BusinessRuleError(
            code="ongeldig-kwartaal",
            message="Geef het kwartaal als JJJJ-Qn, bijvoorbeeld 2026-Q4.",
            status=400,
            field="kwartaal",
        )
    return Kwartaal(int(match.group(1)), int(match.group(2)))


# --- expressions ----------------------------------------------------------------------------------


class _Dagen(Func):
    """``a - b`` in whole days (an integer) for two dates."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _int(condition) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _date(value: date) -> Value:
    return Value(value, output_field=DateField())


# --- scope ----------------------------------------------------------------------------------------


def _scope(user) -> Q:
    """UWV: everything; gemeente: the gemeente route of its gemeenten; provider: its own (also as
    the executing provider). A user with several roles sees the union; other roles: 403."""
    roles.require_role(user, *WERKMONITOR_ROLES)
    if roles.has_role(user, *roles.UWV_ROLES):
        return Q()
    scope = Q(pk__in=[])
    if roles.has_role(user, roles.GEMEENTE):
        scope |= Q(route="gemeente", gemeente_id__in=user_gemeente_ids(user))
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = user_aanbieder_id(user)
        scope |= Q(aanbieder_id=aanbieder_id) | Q(uitvoerder_id=aanbieder_id)
    return scope


# --- per trajectory -------------------------------------------------------------------------------

KOLOMMEN = (
    "toewijzing_nummer",
    "kwartaal",
    "aanbieder",
    "perceel",
    "regeling",
    "route",
    "gemeente",
    "status",
    "startdatum",
    "einddatum_gepland",
    "einddatum",
    "peildatum",
    "gestart",
    "beeindigd",
    "reden",
    "ooit_betaald_werk",
    "ooit_betaald_werk_incl_beschut",
    "proefplaatsing",
    "eerste_baan_startdatum",
    "dagen_tot_eerste_baan",
    "periode_tot_eerste_baan",
    "aantal_banen",
    "maanden_gewerkt",
    "uren_per_maand",
    "contractsoorten",
    "werkgevers",
    "vaste_banen",
    "nog_werkzaam_bij_einde",
)


def _rows(kwartaal: Kwartaal, scope: Q, today: date) -> QuerySet:
    einde = Coalesce(F("einddatum"), F("einddatum_gepland"))
    peil = Least(einde, _date(min(kwartaal.tot, today)))
    # Placements that count: started on or before the peildatum.
    geteld = Q(plaatsingen__startdatum__lte=peil)
    regulier = geteld & Q(plaatsingen__minimumloon_of_meer=True, plaatsingen__proefplaatsing=False)
    beschut = geteld & Q(plaatsingen__proefplaatsing=False, plaatsingen__loonondersteuning__icontains="beschut_werk")
    werkdagen = Greatest(
        Value(0),
        _Dagen(
            Least(Coalesce(F("plaatsingen__einddatum"), peil), peil),
            Greatest(F("plaatsingen__startdatum"), F("startdatum")),
        )
        + 1,
        output_field=IntegerField(),
    )
    contract_counts = {
        f"contract_{soort}": Count("plaatsingen", filter=regulier & Q(plaatsingen__contractsoort=soort))
        for soort in CONTRACTEN
    }
    qs = (
        Traject.objects.filter(scope)
        .filter(startdatum__lte=min(kwartaal.tot, today))
        .alias(einde=einde)
        .filter(einde__gte=kwartaal.van)
    )
    return (
        qs.annotate(
            aanbieder_uuid=F("aanbieder__uuid"),
            aanbieder_naam=F("aanbieder__naam"),
            perceel_code=F("perceel__code"),
            regeling_code=F("regeling__code"),
            gemeente_code=F("gemeente__code"),
            gemeente_naam=F("gemeente__naam"),
            einde_effectief=einde,
            peildatum=peil,
            gestart=_int(Q(startdatum__gte=kwartaal.van)),
            beeindigd=_int(Q(einde__lte=min(kwartaal.tot, today))),
            reden=F("stopbericht__reden"),
            n_regulier=Count("plaatsingen", filter=regulier),
            n_beschut=Count("plaatsingen", filter=beschut),
            n_proef=Count("plaatsingen", filter=geteld & Q(plaatsingen__proefplaatsing=True)),
            n_vast=Count("plaatsingen", filter=regulier & Q(plaatsingen__vast=True)),
            n_werkzaam=Count(
                "plaatsingen",
                filter=regulier & (Q(plaatsingen__einddatum__isnull=True) | Q(plaatsingen__einddatum__gte=peil)),
            ),
            eerste_baan=Min("plaatsingen__startdatum", filter=regulier),
            werkgevers=StringAgg("plaatsingen__werkgever", Value("; "), filter=regulier),
            werk_dagen=Sum(werkdagen, filter=regulier),
            werk_uren=Sum(
                ExpressionWrapper(F("plaatsingen__uren_per_week") * werkdagen, output_field=FloatField()),
                filter=regulier,
            ),
            **contract_counts,
        )
        .annotate(
            dagen_eerste=_Dagen(F("eerste_baan"), F("startdatum")),
            ooit=_int(Q(n_regulier__gt=0)),
            ooit_beschut=_int(Q(n_regulier__gt=0) | Q(n_beschut__gt=0)),
            proef=_int(Q(n_proef__gt=0)),
            werkzaam=_int(Q(n_werkzaam__gt=0)),
        )
        .annotate(
            bin=Case(
                When(dagen_eerste__isnull=True, then=Value(None)),
                When(dagen_eerste__lte=30, then=Value(BINS[0])),
                When(dagen_eerste__lte=60, then=Value(BINS[1])),
                When(dagen_eerste__lte=150, then=Value(BINS[2])),
                When(dagen_eerste__lte=270, then=Value(BINS[3])),
                default=Value(BINS[4]),
            )
        )
        .values(
            "id",
            "toewijzing_nummer",
            "aanbieder_id",
            "aanbieder_uuid",
            "aanbieder_naam",
            "perceel_code",
            "regeling_code",
            "route",
            "gemeente_code",
            "gemeente_naam",
            "status",
            "startdatum",
            "einddatum_gepland",
            "einddatum",
            "peildatum",
            "gestart",
            "beeindigd",
            "reden",
            "ooit",
            "ooit_beschut",
            "proef",
            "eerste_baan",
            "dagen_eerste",
            "bin",
            "n_regulier",
            "werk_dagen",
            "werk_uren",
            "n_vast",
            "werkzaam",
            "werkgevers",
            *contract_counts,
        )
        .order_by("toewijzing_nummer")
    )


def _round(value, places: int = 1):
    return None if value is None else round(float(value), places)


def trajectory_row(raw: dict, kwartaal: Kwartaal) -> dict:
    """One database row as the monitor's per-trajectory record (snake_case; the API camelizes)."""
    dagen = raw["werk_dagen"] or 0
    return {
        "toewijzing_nummer": raw["toewijzing_nummer"],
        "kwartaal": kwartaal.code,
        "aanbieder": raw["aanbieder_naam"],
        "perceel": raw["perceel_code"],
        "regeling": raw["regeling_code"],
        "route": raw["route"],
        "gemeente": raw["gemeente_code"],
        "status": raw["status"],
        "startdatum": raw["startdatum"],
        "einddatum_gepland": raw["einddatum_gepland"],
        "einddatum": raw["einddatum"],
        "peildatum": raw["peildatum"],
        "gestart": bool(raw["gestart"]),
        "beeindigd": bool(raw["beeindigd"]),
        "reden": raw["reden"],
        "ooit_betaald_werk": bool(raw["ooit"]),
        "ooit_betaald_werk_incl_beschut": bool(raw["ooit_beschut"]),
        "proefplaatsing": bool(raw["proef"]),
        "eerste_baan_startdatum": raw["eerste_baan"],
        "dagen_tot_eerste_baan": raw["dagen_eerste"],
        "periode_tot_eerste_baan": raw["bin"],
        "aantal_banen": raw["n_regulier"],
        "maanden_gewerkt": _round(dagen / DAGEN_PER_MAAND) if raw["n_regulier"] else 0.0,
        "uren_per_maand": _round(raw["werk_uren"] * DAGEN_PER_MAAND / 7 / dagen) if dagen else None,
        "contractsoorten": ",".join(s for s in CONTRACTEN if raw[f"contract_{s}"]),
        "werkgevers": raw["werkgevers"] or "",
        "vaste_banen": raw["n_vast"],
        "nog_werkzaam_bij_einde": bool(raw["werkzaam"]),
    }


def werkmonitor_rows(user, kwartaal: Kwartaal) -> QuerySet:
    """All per-trajectory rows in the user's scope (a values() queryset), before the small-cell
    rules: what the totals are computed over. What a user receives per row: ``werkmonitor_uitvoer``."""
    return _rows(kwartaal, _scope(user), timezone.localdate())


# --- small cells (docs/privacy.md, "Kleine aantallen") ---------------------------------------------

# Per row for UWV and gemeenten (and the quarterly file): what could single a person out is left out.
QUASI_IDENTIFIERS = (
    "toewijzing_nummer",
    "aanbieder",
    "startdatum",
    "einddatum_gepland",
    "einddatum",
    "peildatum",
    "eerste_baan_startdatum",
    "dagen_tot_eerste_baan",
    "werkgevers",
)
KOLOMMEN_ANONIEM = tuple(c for c in KOLOMMEN if c not in QUASI_IDENTIFIERS)
KLEIN, AANVULLEND = "klein", "aanvullend"
_GEEN_TELLING = {"niveau", "sleutel", "naam", "kwartaal", "onderdrukt"}


def drempel_nu() -> int:
    return Instellingen.get().kleine_aantallen_drempel


def per_rij_volledig(user) -> bool:
    """Only a provider (and nobody else in the same account) gets its own trajectories per row
    with toewijzingNummer, dates and employers: it holds them anyway."""
    return roles.has_role(user, roles.AANBIEDER) and not roles.has_role(user, *roles.UWV_ROLES, roles.GEMEENTE)


def opmerkingen(drempel: int, *, anoniem: bool) -> list[str]:
    """The Dutch notes that go with every export and page of the monitor."""
    notes = [
        f"Groepen met minder dan {drempel} trajecten worden niet getoond (privacy): in plaats van het aantal "
        f"staat er '< {drempel}'.",
        "Is in een indeling één groep te klein, dan is ook de kleinste andere groep niet getoond ('*'), "
        "zodat het totaal min de andere groepen het verborgen aantal niet verraadt.",
    ]
    if anoniem:
        notes.append(
            "Per traject zonder toewijzingsnummer, aanbieder, data en werkgevers; trajecten uit een combinatie "
            f"van perceel en gemeente met minder dan {drempel} trajecten staan er niet per traject in."
        )
    return notes


def onderdruk(totalen: dict, drempel: int) -> dict:
    """Suppress, in place, every group of 1..drempel-1 trajectories (``onderdrukt: "klein"``) and,
    where exactly one group of a dimension is small, also the smallest other group (``"aanvullend"``):
    their figures become None. A group of 0 trajectories reveals no one and stays."""
    for records in totalen.values():
        for record in records:
            record["onderdrukt"] = KLEIN if 0 < (record["trajecten"] or 0) < drempel else None
        klein = [r for r in records if r["onderdrukt"]]
        rest = [r for r in records if not r["onderdrukt"] and r["trajecten"]]
        if len(klein) == 1 and rest:
            min(rest, key=lambda r: r["trajecten"])["onderdrukt"] = AANVULLEND
        for record in records:
            if record["onderdrukt"]:
                record.update({k: None for k in record if k not in _GEEN_TELLING})
    return totalen


def weergave(record: dict, drempel: int) -> dict:
    """A suppressed group as a spreadsheet or page shows it: '< 5' or '*' instead of the number."""
    if not record.get("onderdrukt"):
        return record
    return {**record, "trajecten": f"< {drempel}" if record["onderdrukt"] == KLEIN else "*"}


def _zonder_kleine_cellen(rows_qs: QuerySet, drempel: int) -> QuerySet:
    """Only the rows whose combination of perceel and gemeente holds at least ``drempel``
    trajectories (a window count over the same rows: one query)."""
    cel = Window(Count("id"), partition_by=[F("perceel_id"), F("gemeente_id")])
    return rows_qs.annotate(cel=cel).filter(cel__gte=drempel)


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


# --- aggregates -----------------------------------------------------------------------------------


def _aggregate_sql() -> str:
    bins = ", ".join(
        f"SUM(CASE WHEN bin = '{label}' THEN 1 ELSE 0 END) AS eerste_baan_{col}"
        for label, col in zip(BINS, BIN_KOLOMMEN, strict=True)
    )
    redenen = ", ".join(
        f"SUM(CASE WHEN beeindigd = 1 AND reden = '{r}' THEN 1 ELSE 0 END) AS reden_{r}" for r in REDENEN
    )
    contracten = ", ".join(f"SUM(contract_{c}) AS banen_{c}" for c in CONTRACTEN)
    return (
        "COUNT(*) AS trajecten, SUM(gestart) AS gestart, SUM(beeindigd) AS beeindigd, "
        f"{redenen}, SUM(ooit) AS ooit_betaald_werk, SUM(ooit_beschut) AS ooit_betaald_werk_incl_beschut, "
        f"SUM(proef) AS proefplaatsing, {bins}, SUM(n_regulier) AS banen, {contracten}, SUM(n_vast) AS vaste_banen, "
        "AVG(CASE WHEN ooit = 1 THEN werk_dagen END) AS gem_werk_dagen, "
        "SUM(CASE WHEN ooit = 1 THEN werk_uren END) AS som_werk_uren, "
        "SUM(CASE WHEN ooit = 1 THEN werk_dagen END) AS som_werk_dagen, "
        "SUM(werkzaam) AS werkzaam_op_peildatum, "
        "SUM(CASE WHEN beeindigd = 1 AND ooit = 1 THEN 1 ELSE 0 END) AS beeindigd_met_werk, "
        "SUM(CASE WHEN beeindigd = 1 AND werkzaam = 1 THEN 1 ELSE 0 END) AS nog_werkzaam_bij_einde"
    )


_GROEPEN = {
    "kwartaal": ("NULL", "NULL", ""),
    "aanbieder": ("CAST(aanbieder_id AS VARCHAR(20))", "MIN(aanbieder_naam)", "aanbieder_id"),
    "perceel": ("perceel_code", "perceel_code", "perceel_code"),
    "route": ("route", "route", "route"),
    "gemeente": ("gemeente_code", "MIN(gemeente_naam)", "gemeente_code"),
}


def _pct(part, whole) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _totals(rows_qs: QuerySet, kwartaal: Kwartaal) -> dict:
    inner, params = rows_qs.order_by().query.sql_with_params()
    aggs = _aggregate_sql()
    selects = []
    for niveau, (sleutel, naam, group) in _GROEPEN.items():
        group_by = f" GROUP BY {group}" if group else ""
        selects.append(f"SELECT '{niveau}' AS niveau, {sleutel} AS sleutel, {naam} AS naam, {aggs} FROM t{group_by}")
    sql = f"WITH t AS ({inner}) " + " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        result = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    # The quarter row exists even without trajectories (the aggregate over nothing).
    totals: dict = {niveau: [] for niveau in DIMENSIES}
    for raw in result:
        totals[raw["niveau"]].append(_group_record(raw, kwartaal))
    for niveau in DIMENSIES:
        totals[niveau].sort(key=lambda g: (str(g["naam"] or ""), str(g["sleutel"] or "")))
    return totals


def _group_record(raw: dict, kwartaal: Kwartaal) -> dict:
    n = raw["trajecten"] or 0
    num = lambda key: int(raw[key] or 0)  # noqa: E731
    ooit = num("ooit_betaald_werk")
    record = {
        "niveau": raw["niveau"],
        "sleutel": raw["sleutel"] if raw["niveau"] != "kwartaal" else kwartaal.code,
        "naam": raw["naam"] if raw["niveau"] != "kwartaal" else kwartaal.code,
        "kwartaal": kwartaal.code,
        "trajecten": n,
        "gestart": num("gestart"),
        "beeindigd": num("beeindigd"),
        **{f"reden_{r}": num(f"reden_{r}") for r in REDENEN},
        "ooit_betaald_werk": ooit,
        "ooit_betaald_werk_pct": _pct(ooit, n),
        "ooit_betaald_werk_incl_beschut": num("ooit_betaald_werk_incl_beschut"),
        "ooit_betaald_werk_incl_beschut_pct": _pct(num("ooit_betaald_werk_incl_beschut"), n),
        "proefplaatsing": num("proefplaatsing"),
        **{f"eerste_baan_{col}": num(f"eerste_baan_{col}") for col in BIN_KOLOMMEN},
        "banen": num("banen"),
        **{f"banen_{c}": num(f"banen_{c}") for c in CONTRACTEN},
        "vaste_banen": num("vaste_banen"),
        "gem_banen_per_werkende": _round(num("banen") / ooit, 2) if ooit else None,
        "gem_maanden_gewerkt": _round(float(raw["gem_werk_dagen"]) / DAGEN_PER_MAAND) if ooit else None,
        "gem_uren_per_maand": (
            _round(float(raw["som_werk_uren"]) * DAGEN_PER_MAAND / 7 / float(raw["som_werk_dagen"]))
            if raw["som_werk_dagen"]
            else None
        ),
        "werkzaam_op_peildatum": num("werkzaam_op_peildatum"),
        "beeindigd_met_werk": num("beeindigd_met_werk"),
        "nog_werkzaam_bij_einde": num("nog_werkzaam_bij_einde"),
        "nog_werkzaam_bij_einde_pct": _pct(num("nog_werkzaam_bij_einde"), num("beeindigd_met_werk")),
    }
    if raw["niveau"] == "aanbieder" and raw["sleutel"] is not None:
        record["sleutel"] = str(raw["sleutel"])
    return record


def werkmonitor_totals(user, kwartaal: Kwartaal, drempel: int | None = None) -> dict:
    """The aggregates per quarter, provider, lot, route and gemeente over what the user may see,
    small groups suppressed (``onderdruk``)."""
    drempel = drempel_nu() if drempel is None else drempel
    return onderdruk(_totals(werkmonitor_rows(user, kwartaal), kwartaal), drempel)


# --- files ----------------------------------------------------------------------------------------

_GEVAARLIJK = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Against formula injection (OWASP): a text cell that a spreadsheet would read as a formula
    gets a leading apostrophe. Numbers, dates and booleans stay what they are."""
    if isinstance(value, str) and value.startswith(_GEVAARLIJK):
        return "'" + value
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _cell(value):
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return ""
    return neutralise(value)


def _group_columns() -> list[str]:
    columns = ["niveau", "sleutel", "naam", "kwartaal", "onderdrukt", "trajecten", "gestart", "beeindigd"]
    columns += [f"reden_{r}" for r in REDENEN]
    columns += [
        "ooit_betaald_werk",
        "ooit_betaald_werk_pct",
        "ooit_betaald_werk_incl_beschut",
        "ooit_betaald_werk_incl_beschut_pct",
        "proefplaatsing",
    ]
    columns += [f"eerste_baan_{col}" for col in BIN_KOLOMMEN]
    columns += [
        "banen",
        *[f"banen_{c}" for c in CONTRACTEN],
        "vaste_banen",
        "gem_banen_per_werkende",
        "gem_maanden_gewerkt",
        "gem_uren_per_maand",
        "werkzaam_op_peildatum",
        "beeindigd_met_werk",
        "nog_werkzaam_bij_einde",
        "nog_werkzaam_bij_einde_pct",
    ]
    return columns


def iter_csv(records, columns, notes=()) -> "iter[str]":
    """CSV lines (with a header in camelCase, as in the JSON), semicolon-free: comma, UTF-8. The
    notes follow as rows of their own: ``opmerking`` in the first column, the text in the second."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_camel(c) for c in columns])
    yield buffer.getvalue()
    rows = ([_cell(record[c]) for c in columns] for record in records)
    for row in itertools.chain(rows, (["opmerking", note] for note in notes)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def write_xlsx(target, uitvoer: "Uitvoer") -> None:
    """Two sheets, Trajecten and Totalen, written in write-only mode (constant memory); the notes
    under each table."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Trajecten")
    sheet.append([_camel(c) for c in uitvoer.kolommen])
    for record in uitvoer.records():
        sheet.append([_xlsx_cell(record[c]) for c in uitvoer.kolommen])
    sheet.append([])
    for note in uitvoer.opmerkingen:
        sheet.append(["opmerking", note])
    sheet = workbook.create_sheet("Totalen")
    columns = _group_columns()
    sheet.append([_camel(c) for c in columns])
    for record in uitvoer.groepen():
        sheet.append([_xlsx_cell(record[c]) for c in columns])
    sheet.append([])
    for note in uitvoer.opmerkingen:
        sheet.append(["opmerking", note])
    workbook.save(target)


def _xlsx_cell(value):
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return neutralise(value)


def bestandsnaam(kwartaal: Kwartaal, deel: str, extensie: str) -> str:
    return f"werkmonitor-{kwartaal.code}-{deel}.{extensie}" if deel else f"werkmonitor-{kwartaal.code}.{extensie}"


# --- the quarterly export (the jobs engineer wires it into the quarterly job) ---------------------


def _alle_trajecten(kwartaal: Kwartaal) -> QuerySet:
    return _rows(kwartaal, Q(), timezone.localdate())


def export_dir() -> Path:
    """``settings.IPS_EXPORT_DIR``, else the environment's ``IPS_EXPORT_DIR``, else var/exports."""
    configured = getattr(settings, "IPS_EXPORT_DIR", None) or os.environ.get("IPS_EXPORT_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "exports"


def vorig_kwartaal(datum: date) -> str:
    """The last complete quarter before ``datum`` (what the quarterly job exports): 2026-Q3 on
    any day of 2026-Q4."""
    nummer = (datum.month - 1) // 3 + 1
    return f"{datum.year - 1}-Q4" if nummer == 1 else f"{datum.year}-Q{nummer - 1}"


def werkmonitor_export(*, kwartaal: str) -> dict:
    """Write the quarter's monitor for all trajectories to ``settings.IPS_EXPORT_DIR``, anonymised
    as UWV receives it (rows without quasi-identifiers and small cells, small groups suppressed):
    ``werkmonitor-<kwartaal>-trajecten.csv``, ``...-totalen.csv`` and ``werkmonitor-<kwartaal>.xlsx``.
    Idempotent: a rerun replaces the files (written aside, then renamed). Returns counts (ints
    only, so they fit a Taakrun's counts); the files are named by ``bestandsnaam``."""
    q = parse_kwartaal(kwartaal)
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    uitvoer = _uitvoer(_alle_trajecten(q), q, volledig=False)
    group_rows = uitvoer.groepen()

    written = []
    n_rijen = 0

    def _replace(name: str, write) -> None:
        final = directory / name
        tmp = directory / f".{name}.{uuid.uuid4().hex}.tmp"
        try:
            write(tmp)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                tmp.unlink()
        written.append(str(final))

    def counted():
        nonlocal n_rijen
        for record in uitvoer.records(chunk_size=5000):
            n_rijen += 1
            yield record

    def write_trajecten_csv(path):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.writelines(iter_csv(counted(), uitvoer.kolommen, uitvoer.opmerkingen))

    def write_totalen_csv(path):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.writelines(iter_csv(group_rows, _group_columns(), uitvoer.opmerkingen))

    _replace(bestandsnaam(q, "trajecten", "csv"), write_trajecten_csv)
    _replace(bestandsnaam(q, "totalen", "csv"), write_totalen_csv)
    _replace(bestandsnaam(q, "", "xlsx"), lambda path: write_xlsx(path, uitvoer))
    return {
        "werkmonitor.trajecten": uitvoer.aantal,
        "werkmonitor.rijen": n_rijen,
        "werkmonitor.rijen_weggelaten": uitvoer.aantal - n_rijen,
        "werkmonitor.groepen": len(group_rows),
        "werkmonitor.groepen_onderdrukt": sum(1 for r in group_rows if r["onderdrukt"]),
        "werkmonitor.bestanden": len(written),
    }
