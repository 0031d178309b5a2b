"""The work monitor's rows: one query, a LEFT JOIN of the trajectories on their placements grouped
by trajectory, with conditional aggregates (first job, jobs, days worked, contract types, ...),
scoped to what the user may see. The definitions: see the package's docstring."""

from datetime import date

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
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from backoffice import roles
from financiering.selectors import user_aanbieder_id, user_gemeente_ids

from .. import rules
from ..models import PlaatsingContractsoort, StopberichtReden, Traject
from .kwartaal import Kwartaal

DAGEN_PER_MAAND = 30.4375
# Days from the trajectory's start to the first job (domain.md 10, seed 004 Table B2): 0-30 is
# "binnen 30 dagen" (a job on the start day is day 0), then 31-60, 61-150, 151-270 and > 270.
BINS = ("0-30", "31-60", "61-150", "151-270", ">270")
BIN_GRENZEN = (30, 60, 150, 270)  # the last day of each bin but the last
BIN_KOLOMMEN = ("binnen_30", "tussen_31_en_60", "tussen_61_en_150", "tussen_151_en_270", "meer_dan_270")
REDENEN = [r for r, _ in StopberichtReden.choices]
CONTRACTEN = [c for c, _ in PlaatsingContractsoort.choices]
DIMENSIES = ("kwartaal", "aanbieder", "perceel", "route", "gemeente")
WERKMONITOR_ROLES = (*roles.UWV_ROLES, roles.GEMEENTE, roles.AANBIEDER)


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
    "dagen_tot_eerste_baan_incl_beschut",
    "periode_tot_eerste_baan_incl_beschut",
    "aantal_banen",
    "aantal_banen_incl_beschut",
    "maanden_gewerkt",
    "uren_per_maand",
    "contractsoorten",
    "werkgevers",
    "vaste_banen",
    "nog_werkzaam_bij_einde",
    "nog_werkzaam_bij_einde_incl_beschut",
)


def _bin(dagen: str) -> Case:
    """The day bin (``BINS``) of a number of days, None without a job."""
    return Case(
        When(**{f"{dagen}__isnull": True}, then=Value(None)),
        *(
            When(**{f"{dagen}__lte": grens}, then=Value(label))
            for grens, label in zip(BIN_GRENZEN, BINS[:-1], strict=True)
        ),
        default=Value(BINS[-1]),
    )


def _rows(kwartaal: Kwartaal, scope: Q, today: date) -> QuerySet:
    einde = Coalesce(F("einddatum"), F("einddatum_gepland"))
    peil = Least(einde, _date(min(kwartaal.tot, today)))
    # Placements that count: started on or before the peildatum.
    geteld = Q(plaatsingen__startdatum__lte=peil)
    # The two definitions of domain.md 7 (trajecten.rules): regular paid work, and the wider one
    # that also counts beschut werk at a regular employer (seed 000).
    regulier = geteld & rules.regulier_betaald_werk_q("plaatsingen__")
    breed = geteld & rules.betaald_werk_incl_beschut_q("plaatsingen__")
    loopt = Q(plaatsingen__einddatum__isnull=True) | Q(plaatsingen__einddatum__gte=peil)
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
            n_breed=Count("plaatsingen", filter=breed),
            n_proef=Count("plaatsingen", filter=geteld & Q(plaatsingen__proefplaatsing=True)),
            n_vast=Count("plaatsingen", filter=regulier & Q(plaatsingen__vast=True)),
            n_werkzaam=Count("plaatsingen", filter=regulier & loopt),
            n_werkzaam_breed=Count("plaatsingen", filter=breed & loopt),
            eerste_baan=Min("plaatsingen__startdatum", filter=regulier),
            eerste_baan_breed=Min("plaatsingen__startdatum", filter=breed),
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
            dagen_eerste_breed=_Dagen(F("eerste_baan_breed"), F("startdatum")),
            ooit=_int(Q(n_regulier__gt=0)),
            ooit_beschut=_int(Q(n_breed__gt=0)),
            proef=_int(Q(n_proef__gt=0)),
            werkzaam=_int(Q(n_werkzaam__gt=0)),
            werkzaam_breed=_int(Q(n_werkzaam_breed__gt=0)),
        )
        .annotate(bin=_bin("dagen_eerste"), bin_breed=_bin("dagen_eerste_breed"))
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
            "dagen_eerste_breed",
            "bin_breed",
            "n_regulier",
            "n_breed",
            "werk_dagen",
            "werk_uren",
            "n_vast",
            "werkzaam",
            "werkzaam_breed",
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
        "dagen_tot_eerste_baan_incl_beschut": raw["dagen_eerste_breed"],
        "periode_tot_eerste_baan_incl_beschut": raw["bin_breed"],
        "aantal_banen": raw["n_regulier"],
        "aantal_banen_incl_beschut": raw["n_breed"],
        "maanden_gewerkt": _round(dagen / DAGEN_PER_MAAND) if raw["n_regulier"] else 0.0,
        "uren_per_maand": _round(raw["werk_uren"] * DAGEN_PER_MAAND / 7 / dagen) if dagen else None,
        "contractsoorten": ",".join(s for s in CONTRACTEN if raw[f"contract_{s}"]),
        "werkgevers": raw["werkgevers"] or "",
        "vaste_banen": raw["n_vast"],
        "nog_werkzaam_bij_einde": bool(raw["werkzaam"]),
        "nog_werkzaam_bij_einde_incl_beschut": bool(raw["werkzaam_breed"]),
    }


def werkmonitor_rows(user, kwartaal: Kwartaal) -> QuerySet:
    """All per-trajectory rows in the user's scope (a values() queryset), before the small-cell
    rules: what the totals are computed over. What a user receives per row: ``werkmonitor_uitvoer``."""
    return _rows(kwartaal, _scope(user), timezone.localdate())


def _alle_trajecten(kwartaal: Kwartaal) -> QuerySet:
    return _rows(kwartaal, Q(), timezone.localdate())
