"""The work monitor's aggregates: one query over the rows' query (a CTE), one ``GROUP BY`` per
dimension (quarter, provider, lot, route, gemeente) glued with ``UNION ALL``."""

from django.db import connections
from django.db.models import QuerySet

from .kwartaal import Kwartaal
from .rows import BIN_KOLOMMEN, BINS, CONTRACTEN, DAGEN_PER_MAAND, DIMENSIES, REDENEN, _round


def _aggregate_sql() -> str:
    bins = ", ".join(
        f"SUM(CASE WHEN {kolom} = '{label}' THEN 1 ELSE 0 END) AS eerste_baan_{col}{achter}"
        for kolom, achter in (("bin", ""), ("bin_breed", "_incl_beschut"))
        for label, col in zip(BINS, BIN_KOLOMMEN, strict=True)
    )
    redenen = ", ".join(
        f"SUM(CASE WHEN beeindigd = 1 AND reden = '{r}' THEN 1 ELSE 0 END) AS reden_{r}" for r in REDENEN
    )
    contracten = ", ".join(f"SUM(contract_{c}) AS banen_{c}" for c in CONTRACTEN)
    return (
        "COUNT(*) AS trajecten, SUM(gestart) AS gestart, SUM(beeindigd) AS beeindigd, "
        f"{redenen}, SUM(ooit) AS ooit_betaald_werk, SUM(ooit_beschut) AS ooit_betaald_werk_incl_beschut, "
        f"SUM(proef) AS proefplaatsing, {bins}, SUM(n_regulier) AS banen, SUM(n_breed) AS banen_incl_beschut, {contracten}, SUM(n_vast) AS vaste_banen, "
        "AVG(CASE WHEN ooit = 1 THEN werk_dagen END) AS gem_werk_dagen, "
        "SUM(CASE WHEN ooit = 1 THEN werk_uren END) AS som_werk_uren, "
        "SUM(CASE WHEN ooit = 1 THEN werk_dagen END) AS som_werk_dagen, "
        "SUM(werkzaam) AS werkzaam_op_peildatum, SUM(werkzaam_breed) AS werkzaam_op_peildatum_incl_beschut, "
        "SUM(CASE WHEN beeindigd = 1 AND ooit = 1 THEN 1 ELSE 0 END) AS beeindigd_met_werk, "
        "SUM(CASE WHEN beeindigd = 1 AND werkzaam = 1 THEN 1 ELSE 0 END) AS nog_werkzaam_bij_einde, "
        "SUM(CASE WHEN beeindigd = 1 AND ooit_beschut = 1 THEN 1 ELSE 0 END) AS beeindigd_met_werk_incl_beschut, "
        "SUM(CASE WHEN beeindigd = 1 AND werkzaam_breed = 1 THEN 1 ELSE 0 END) AS nog_werkzaam_bij_einde_incl_beschut"
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
    with connections[rows_qs.db].cursor() as cursor:  # the rows' database: a replica where it may lag
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
        **{f"eerste_baan_{col}_incl_beschut": num(f"eerste_baan_{col}_incl_beschut") for col in BIN_KOLOMMEN},
        "banen": num("banen"),
        "banen_incl_beschut": num("banen_incl_beschut"),
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
        "werkzaam_op_peildatum_incl_beschut": num("werkzaam_op_peildatum_incl_beschut"),
        "beeindigd_met_werk_incl_beschut": num("beeindigd_met_werk_incl_beschut"),
        "nog_werkzaam_bij_einde_incl_beschut": num("nog_werkzaam_bij_einde_incl_beschut"),
        "nog_werkzaam_bij_einde_incl_beschut_pct": _pct(
            num("nog_werkzaam_bij_einde_incl_beschut"), num("beeindigd_met_werk_incl_beschut")
        ),
    }
    if raw["niveau"] == "aanbieder" and raw["sleutel"] is not None:
        record["sleutel"] = str(raw["sleutel"])
    return record
