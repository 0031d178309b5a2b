"""Processing-log entries for reads that never load a ``Deelnemer`` (backoffice/verwerkingslog.py
logs those by itself): the work monitor's per-trajectory rows (toewijzingNummer, dates, employers:
pseudonymised personal data), in the API's export and in the quarterly job. One ``INSERT ...
SELECT`` per call, whatever the number of trajectories."""

from django.db.models import QuerySet

from backoffice import verwerkingslog

from .models import Deelnemer, Traject


def monitor_vastleggen(rows: QuerySet, *, user, kanaal: str, handeling: str, route: str) -> int:
    """Log the participants behind ``rows`` (a values() queryset with ``toewijzing_nummer``)."""
    sql, params = rows.values("toewijzing_nummer").query.sql_with_params()
    return verwerkingslog.vastleggen_sql(
        f"SELECT d.uuid, d.bsn_hash FROM {Traject._meta.db_table} t "
        f"JOIN {Deelnemer._meta.db_table} d ON d.id = t.deelnemer_id "
        f"WHERE t.toewijzing_nummer IN (SELECT r.toewijzing_nummer FROM ({sql}) AS r)",
        params,
        handeling=handeling,
        doel="monitoring",
        kanaal=kanaal,
        route=route,
        user=user,
    )


def nummers_vastleggen(nummers: list[int], *, user, route: str) -> int:
    """Log the participants of these trajectories (one page of the monitor's JSON)."""
    if not nummers:
        return 0
    bron, params = (
        Traject.objects.filter(toewijzing_nummer__in=nummers)
        .values_list("deelnemer__uuid", "deelnemer__bsn_hash")
        .query.sql_with_params()
    )
    return verwerkingslog.vastleggen_sql(
        bron,
        params,
        handeling="raadplegen",
        doel="monitoring",
        kanaal="api",
        route=route,
        user=user,
    )
