"""Fill PostgreSQL at national scale (issue 6, part 1): 342 gemeenten, 200 providers, 100,000
active and 400,000 ended trajectories, and about 10,000,000 declaration lines around them.

    python -m bench.national [--opnieuw] [--database postgres://.../ips_bench_nl] [--trajecten 500000]

The trajectories come from ``bench.fill`` (the same plan, with start dates spread over ten
years instead of seven, so that one in five is still active). The money is then written in a
handful of ``INSERT ... SELECT`` statements (no row through Python, indexes and keys built once
afterwards), consistent with the trajectories and with what the jobs expect on the benchmark day:

- every provider declares each calendar month once (one ``Declaratie`` per provider per month),
  submitted on day 1 + (provider % 28) of the next month; a month whose declaration day lies
  after today is not declared yet;
- lines (``Prestatie``): ``start`` in the month the trajectory started, ``periode`` for every
  calendar month it ran (volume = days, amount pro rata), ``plaatsing`` in the month of its first
  placement in regular paid work of at least 12 hours; about 2% rejected (return code 9346), the
  lines of the last 30 days partly still with the UWV beoordelaar;
- accepted lines are paid weekly: a payment order (``Betaalopdracht``) per provider per Monday
  after submission, executed two days later. Lines whose Monday is the coming weekly run (the first
  Monday on or after today) are accepted but not in an order yet: the **weekly job's work**;
- co-financing: for every paid line of a gemeente-route trajectory (scheme with a share) one
  ``VorderingRegel`` in the gemeente's ``Vordering`` of the month it was paid, for payments
  before this month. This month's payments are not claimed yet: the **monthly job's work** on the
  1st of next month. Claims older than two months are mostly paid, 15% overdue (the 43-of-75 problem);
- ``Traject.gedeclareerd`` and ``betaald`` are the sums of its lines.

Not modelled: credit lines and resubmissions of rejected lines, the history rows of lines, and
budget realisation (budgets keep the fill's committed amounts).
"""

import argparse
import time
from datetime import date, timedelta

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ips_bench_nl"
N_TRAJECTEN = 500_000
SPREIDING_DAGEN = 3650  # ten years of starts: ~20% still active


def weekly_date(today: date) -> date:
    """The weekly run the data leaves work for: the first Monday on or after today."""
    return today + timedelta(days=(7 - today.weekday()) % 7)


def monthly_date(today: date) -> date:
    """The monthly run that claims this month's payments: the 1st of next month."""
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


REGELS_SQL = """
CREATE UNLOGGED TABLE bench_regel AS
WITH t AS (
    SELECT t.id AS traject_id, t.aanbieder_id, t.toewijzing_nummer, t.route, t.gemeente_id, t.regeling_id,
           t.trajectprijs, t.startdatum, p.basisduur_maanden AS duur, g.cofinanciering_aandeel AS aandeel,
           LEAST(COALESCE(t.einddatum, t.einddatum_gepland), %(today)s::date) AS einde
    FROM trajecten_traject t JOIN financiering_perceel p ON p.id = t.perceel_id
    JOIN financiering_regeling g ON g.id = t.regeling_id
), lines AS (
    SELECT t.*, 'periode' AS code, false AS eenmalig, date_trunc('month', m)::date AS maand,
           GREATEST(t.startdatum, m::date) AS van,
           LEAST(t.einde, (m + interval '1 month')::date - 1) AS tot
    FROM t CROSS JOIN LATERAL generate_series(date_trunc('month', t.startdatum), t.einde, interval '1 month') m
    UNION ALL
    SELECT t.*, 'start', true, date_trunc('month', t.startdatum)::date, t.startdatum, t.startdatum FROM t
    UNION ALL
    SELECT t.*, 'plaatsing', true, date_trunc('month', w.eerste)::date, w.eerste, w.eerste
    FROM t JOIN (
        SELECT traject_id, min(startdatum) AS eerste FROM trajecten_plaatsing
        WHERE minimumloon_of_meer AND NOT proefplaatsing AND open_voor_iedereen AND uren_per_week >= 12 GROUP BY traject_id
    ) w ON w.traject_id = t.traject_id
)
SELECT l.*,
       (l.maand + interval '1 month')::date + (l.aanbieder_id %% 28)::int AS ingediend,
       CASE l.code
           WHEN 'periode' THEN (l.tot - l.van + 1)
           ELSE 1 END::numeric AS volume,
       CASE l.code
           WHEN 'start' THEN round(l.trajectprijs * 0.40, 2)
           WHEN 'plaatsing' THEN round(l.trajectprijs * 0.20, 2)
           ELSE round(l.trajectprijs * 0.40 / l.duur * (l.tot - l.van + 1)
                      / extract(day FROM (l.maand + interval '1 month' - interval '1 day')), 2)
       END AS bedrag,
       random() AS r
FROM lines l
WHERE (l.maand + interval '1 month')::date + (l.aanbieder_id %% 28)::int <= %(today)s::date
"""


def fill_national(*, n: int, today: date, verbose: bool = True) -> dict:
    """Trajectories (bench.fill) and then the declarations, payments and claims around them."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from bench.common import Deferred, insert_select, timed
    from bench.fill import _null, fill
    from declaraties.models import Betaalopdracht, Declaratie, Prestatie, Vordering, VorderingRegel

    timings: dict[str, float] = {}

    def step(label):
        return timed(label, timings) if verbose else _null()

    counts = fill(n=n, today=today, verbose=verbose, spreiding=SPREIDING_DAGEN)
    timings.update(counts.pop("timings"))
    week = weekly_date(today)
    eerste_van_maand = today.replace(day=1)
    # Paid: accepted and its Monday before the coming weekly run. Claimed: paid on a gemeente-route
    # trajectory with a co-financing share, before this month.
    paid = f"(status = 'toegekend' AND betaaldag < date '{week.isoformat()}')"
    claim = (
        f"CASE WHEN {paid} AND route = 'gemeente' AND aandeel > 0 AND betaaldag + 2 < date "
        f"'{eerste_van_maand.isoformat()}' THEN date_trunc('month', betaaldag + 2)::date END"
    )
    params = {"today": today, "week": week, "maand": eerste_van_maand}
    with transaction.atomic(), connection.cursor() as cursor:
        if True:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SELECT setseed(0.43)")
            user = get_user_model().objects.get(username="bench").pk
            with step("plan declaratieregels"):
                cursor.execute("DROP TABLE IF EXISTS bench_regel")
                cursor.execute(REGELS_SQL, params)
                # Order of the lines: per provider and month (one declaration), then trajectory.
                # The payment Monday is the first Monday after submission; a payment order is one
                # provider's accepted lines of one Monday.
                cursor.execute(
                    "CREATE UNLOGGED TABLE bench_regel2 AS SELECT x.*, "
                    "row_number() OVER (ORDER BY aanbieder_id, maand, traject_id, code) AS id, "
                    "row_number() OVER (PARTITION BY aanbieder_id, maand ORDER BY traject_id, code) AS regelnummer, "
                    "dense_rank() OVER (ORDER BY aanbieder_id, maand) AS declaratie_id, "
                    "dense_rank() OVER (ORDER BY betaaldag, aanbieder_id) AS opdracht_rang "
                    "FROM (SELECT r.*, ingediend + 8 - extract(isodow FROM ingediend)::int AS betaaldag, "
                    "CASE WHEN r < 0.02 THEN 'afgewezen' WHEN ingediend > %(today)s::date - 30 AND r < 0.05 "
                    "THEN 'in_behandeling' ELSE 'toegekend' END AS status FROM bench_regel r) x",
                    params,
                )
                cursor.execute("DROP TABLE bench_regel")
                cursor.execute("ALTER TABLE bench_regel2 RENAME TO bench_regel")
        deferred = Deferred([Prestatie, VorderingRegel])
        with step("indexen en sleutels tijdelijk weg"):
            deferred.__enter__()
        with step("declaraties"):
            counts["declaraties"] = insert_select(
                Declaratie,
                {
                    "id": "declaratie_id",
                    "uuid": "gen_random_uuid()",
                    "aanbieder_id": "aanbieder_id",
                    "declaratie_nummer": "'B' || to_char(maand, 'YYYYMM')",
                    "periode_begin": "maand",
                    "periode_eind": "(maand + interval '1 month')::date - 1",
                    "inhoud_hash": "md5('decl' || declaratie_id)",
                    "bron": "'api'",
                    "totaal_ingediend": "s",
                    "totaal_toegekend": "sa",
                    "ingediend_door_id": str(user),
                    "ingediend_op": "ingediend + time '10:00'",
                },
                "FROM (SELECT declaratie_id, aanbieder_id, maand, min(ingediend) AS ingediend, sum(bedrag) AS s, "
                "COALESCE(sum(bedrag) FILTER (WHERE status = 'toegekend'), 0) AS sa "
                "FROM bench_regel GROUP BY declaratie_id, aanbieder_id, maand) d",
            )
        with step("betaalopdrachten"):
            counts["betaalopdrachten"] = insert_select(
                Betaalopdracht,
                {
                    "id": "opdracht_rang",
                    "uuid": "gen_random_uuid()",
                    "aanbieder_id": "aanbieder_id",
                    "datum": "betaaldag",
                    "bedrag": "s",
                    "aantal_regels": "n",
                    "iban": "'NL91ABNA0417164300'",
                    "status": "'betaald'",
                    "akkoorden_nodig": "CASE WHEN s > 50000 THEN 2 ELSE 1 END",
                    "eerste_akkoord_door_id": str(user),
                    "eerste_akkoord_op": "betaaldag + time '09:00'",
                    "bevestigd_door_id": str(user),
                    "uitgevoerd_op": "betaaldag + 2",
                },
                "FROM (SELECT opdracht_rang, aanbieder_id, betaaldag, sum(bedrag) AS s, count(*) AS n "
                f"FROM bench_regel WHERE {paid} GROUP BY opdracht_rang, aanbieder_id, betaaldag) b",
            )
        with step("prestaties (declaratieregels)"):
            counts["prestaties"] = insert_select(
                Prestatie,
                {
                    "id": "id",
                    "uuid": "gen_random_uuid()",
                    "declaratie_id": "declaratie_id",
                    "aanbieder_id": "aanbieder_id",
                    "regelnummer": "regelnummer",
                    "product_referentie": "'R' || id",
                    "toewijzing_nummer": "toewijzing_nummer",
                    "traject_id": "traject_id",
                    "product_code": "code",
                    "eenmalig": "eenmalig",
                    "begindatum": "van",
                    "einddatum": "tot",
                    "geleverd_volume": "volume",
                    "ingediend_bedrag": "bedrag",
                    "debet_credit": "'D'",
                    "status": "status",
                    "retourcodes": "CASE WHEN status = 'afgewezen' THEN '[\"9346\"]'::jsonb ELSE '[]'::jsonb END",
                    "toegekend_bedrag": "CASE WHEN status = 'toegekend' THEN bedrag ELSE 0 END",
                    "beoordeeld_op": "CASE WHEN status <> 'in_behandeling' THEN ingediend + time '10:00' END",
                    "betaalopdracht_id": f"CASE WHEN {paid} THEN opdracht_rang END",
                    "betaald_op": f"CASE WHEN {paid} THEN betaaldag + 2 END",
                    # the monthly run's new work: paid on the gemeente route and not claimed (issue 13)
                    "vordering_verwerkt": f"CASE WHEN {paid} AND route = 'gemeente' AND aandeel > 0 AND ({claim}) IS NULL "
                    "THEN false ELSE true END",
                },
                "FROM bench_regel",
            )
        with step("vorderingen en vorderingsregels"):
            counts["vorderingen"] = insert_select(
                Vordering,
                {
                    "id": "row_number() OVER (ORDER BY claimmaand, gemeente_id)",
                    "uuid": "gen_random_uuid()",
                    "gemeente_id": "gemeente_id",
                    "periode": "claimmaand",
                    "bedrag": "s",
                    "ontvangen": (
                        "CASE WHEN claimmaand < %s AND random() >= 0.15 THEN s ELSE 0 END",
                        [today - timedelta(days=90)],
                    ),
                    "status": "'verzonden'",
                    "verzonden_op": "(claimmaand + interval '1 month')::date",
                    "vervaldatum": "(claimmaand + interval '1 month')::date + 30",
                    # sent, so an invoice: numbered per year of the day sent (declaraties/services/vorderingen.py)
                    "factuurdatum": "(claimmaand + interval '1 month')::date",
                    "factuurnummer": "'IPS-' || to_char(claimmaand + interval '1 month', 'YYYY') || '-' || lpad(("
                    "row_number() OVER (PARTITION BY to_char(claimmaand + interval '1 month', 'YYYY') "
                    "ORDER BY claimmaand, gemeente_id))::text, 6, '0')",
                },
                f"FROM (SELECT gemeente_id, {claim} AS claimmaand, sum(round(bedrag * aandeel, 2)) AS s "
                f"FROM bench_regel WHERE {claim} IS NOT NULL GROUP BY 1, 2) v",
            )
            cursor.execute(
                f"UPDATE {Vordering._meta.db_table} SET status = 'betaald' WHERE ontvangen > 0 AND ontvangen >= bedrag"
            )
            counts["vorderingsregels"] = insert_select(
                VorderingRegel,
                {
                    "uuid": "gen_random_uuid()",
                    "vordering_id": "v.id",
                    "prestatie_id": "r.id",
                    "regeling_id": "r.regeling_id",
                    "aandeel": "r.aandeel",
                    "bedrag": "round(r.bedrag * r.aandeel, 2)",
                    "bezwaar": "'geen'",
                },
                f"FROM (SELECT *, {claim} AS claimmaand FROM bench_regel) r JOIN {Vordering._meta.db_table} v "
                "ON v.gemeente_id = r.gemeente_id AND v.periode = r.claimmaand",
            )
        with step("trajecten: gedeclareerd en betaald"):
            cursor.execute(
                "UPDATE trajecten_traject t SET gedeclareerd = s.g, betaald = s.b FROM ("
                "SELECT traject_id, sum(bedrag) FILTER (WHERE status = 'toegekend') AS g, "
                f"COALESCE(sum(bedrag) FILTER (WHERE {paid}), 0) AS b "
                "FROM bench_regel GROUP BY traject_id) s WHERE s.traject_id = t.id AND s.g IS NOT NULL"
            )
        with step("indexen en sleutels terug (bouwen, valideren)"):
            deferred.__exit__(None, None, None)
        with step("sequences, opruimen"):
            from django.core.management.color import no_style

            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Declaratie, Prestatie, Betaalopdracht, Vordering, VorderingRegel]
            ):
                cursor.execute(sql)
            cursor.execute(
                "SELECT count(*) FILTER (WHERE status = 'toegekend' AND betaaldag = %s), "
                f"count(*) FILTER (WHERE {paid} AND route = 'gemeente' AND aandeel > 0 AND betaaldag + 2 >= %s) "
                "FROM bench_regel",
                [week, eerste_van_maand],
            )
            counts["werk_weekly_regels"], counts["werk_monthly_regels_ca"] = cursor.fetchone()
            cursor.execute("DROP TABLE bench_regel")
    # VACUUM as well: it sets the visibility map, without which every count(*) of a list page
    # reads the whole table instead of an index (autovacuum would get there later on its own).
    # (Inside a transaction, as in the test, only ANALYZE.)
    with connection.cursor() as cursor, step("VACUUM ANALYZE"):
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    counts["timings"] = timings
    return counts


def national_summary() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM financiering_gemeente), (SELECT count(*) FROM financiering_aanbieder), "
            "(SELECT count(*) FROM trajecten_traject WHERE status = 'actief'), "
            "(SELECT count(*) FROM trajecten_traject WHERE status <> 'actief'), "
            "(SELECT count(*) FROM declaraties_prestatie), (SELECT count(*) FROM declaraties_declaratie), "
            "(SELECT count(*) FROM declaraties_betaalopdracht), (SELECT count(*) FROM declaraties_vordering), "
            "(SELECT count(*) FROM declaraties_vorderingregel), "
            "(SELECT pg_size_pretty(pg_database_size(current_database())))"
        )
        names = "gemeenten aanbieders trajecten_actief trajecten_niet_actief prestaties declaraties "
        names += "betaalopdrachten vorderingen vorderingsregels database"
        return dict(zip(names.split(), cursor.fetchone(), strict=True))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trajecten", type=int, default=N_TRAJECTEN)
    parser.add_argument("--opnieuw", action="store_true", help="de bench-database eerst weggooien")
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--datum", help="de dag van de vulling (standaard vandaag)")
    args = parser.parse_args(argv)

    from bench.common import prepare_database

    started = time.perf_counter()
    prepare_database(args.database, drop=args.opnieuw)
    today = date.fromisoformat(args.datum) if args.datum else date.today()
    counts = fill_national(n=args.trajecten, today=today)
    counts.pop("timings")
    print("aantallen:", counts)
    print("landelijk:", national_summary())
    print(f"totaal {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
