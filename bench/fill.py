"""Fill PostgreSQL with N trajectories (default 1,000,000) and everything around them, fast.

    python -m bench.fill [--trajecten 1000000] [--opnieuw] [--datum 2026-11-22]

The database is ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/ips_bench),
created and migrated here, with the reference data (342 gemeenten, the seeded schemes). Then, in
a handful of ``INSERT ... SELECT generate_series`` statements (no row leaves the database, no ORM
row by row): 200 providers with framework contracts, fidelity audits and trajectbegeleiders,
budgets for every gemeente, and per trajectory its participant, application, trajectory, stop
notice or end report, extensions and job placements, in the proportions of domain.md section 11
and seed 004 (about 40% ever in regular paid work, the day bins of Table B2, 1.4 jobs per worker,
74% employment contracts). End dates are spread so the nightly job has work: trajectories ending
within 30 and 90 days, active ones past their end, ended ones without an end report, applications
past their decision deadline, budgets above 90%, begeleiders above 25 trajectories per FTE.

``fill(n=...)`` also works on an already configured database (the smoke test uses the test
database); it refuses to fill a database that already holds trajectories.
"""

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from bench.common import Deferred, insert_select

N_AANBIEDERS = 200
SEED = 0.42
# Start dates are spread uniformly over this many days before today (seven years).
START_SPREIDING_DAGEN = 2557


# --- the small reference objects, through the ORM in bulk --------------------------------------


def _elfproef(n: int) -> str:
    """A valid-looking BSN (passes the eleven-test) from a number."""
    while True:
        digits = [int(d) for d in f"{n:08d}"[-8:]]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10:
            return "".join(map(str, digits)) + str(last)
        n += 1


def _organisations(today: date, n: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from backoffice import crypto, roles
    from financiering.models import (
        Aanbieder,
        Band,
        Budget,
        Gemeente,
        Modeltrouwmeting,
        Perceel,
        Raamovereenkomst,
        Schaalversie,
        Trajectbegeleider,
    )

    rng = random.Random(42)
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_active": False})
    user.groups.add(Group.objects.get(name=roles.UWV_BEOORDELAAR))

    aanbieders = Aanbieder.objects.bulk_create(
        [
            Aanbieder(
                naam=f"Bench {'RIBW' if i % 5 == 0 else 'GGZ'} {i:03d}",
                type="ribw" if i % 5 == 0 else "ggz",
                kvk_nummer=f"9{i:07d}",
                agb_code=f"8{i:07d}",
                iban="NL91ABNA0417164300",
            )
            for i in range(N_AANBIEDERS)
        ]
    )
    percelen = list(Perceel.objects.select_related("regeling").order_by("id"))
    Raamovereenkomst.objects.bulk_create(
        [
            Raamovereenkomst(aanbieder=a, perceel=p, van=date(2019, 1, 1))
            for a in aanbieders
            for p in percelen
            if p.regeling.raamovereenkomst_vereist and a.type in (p.toegestane_aanbiedertypen or [a.type])
        ]
    )
    # Fidelity: most audited in the last 20 months, some too old, some banded "geen IPS".
    versie = Schaalversie.objects.filter(banden__isnull=False).order_by("id").first()  # IPS-25 has no bands
    banden = list(Band.objects.filter(versie=versie).order_by("ondergrens"))
    metingen = []
    for i, a in enumerate(aanbieders):
        band = banden[0] if i % 20 == 0 else banden[-1]
        oud = i % 10 == 1
        datum = today - timedelta(days=(800 + i) if oud else (30 + 3 * i))
        metingen.append(
            Modeltrouwmeting(aanbieder=a, datum=datum, versie=versie, scores={}, totaal=band.ondergrens, band=band.code)
        )
    Modeltrouwmeting.objects.bulk_create(metingen)
    # About 12 active trajectories per begeleider; 3% work 0.2 FTE and go over 25 per FTE.
    per_aanbieder = max(2, n // (40 * N_AANBIEDERS))
    Trajectbegeleider.objects.bulk_create(
        [
            Trajectbegeleider(
                aanbieder=a,
                naam=f"Begeleider {a.pk}-{k}",
                fte=Decimal("0.20") if rng.random() < 0.03 else Decimal("0.80"),
            )
            for a in aanbieders
            for k in range(per_aanbieder)
        ]
    )
    tb = list(
        Trajectbegeleider.objects.filter(aanbieder__in=aanbieders)
        .order_by("aanbieder_id", "id")
        .values_list("id", flat=True)
    )
    # Budgets for every gemeente and every scheme on the gemeente route, this year and last year.
    gemeenten = list(Gemeente.objects.order_by("code").values_list("id", flat=True))
    gem_regelingen = {p.regeling for p in percelen if p.regeling.route_gemeente}
    budgets = []
    for regeling in gem_regelingen:
        for jaar in (today.year - 1, today.year):
            for gid in gemeenten:
                toegekend = Decimal(rng.choice([100_000, 250_000, 500_000]))
                share = Decimal(str(round(rng.choice([0.2, 0.5, 0.7, 0.85, 0.92, 0.97]), 2)))
                budgets.append(
                    Budget(
                        gemeente_id=gid,
                        regeling=regeling,
                        jaar=jaar,
                        toegekend=toegekend,
                        gereserveerd=(toegekend * share).quantize(Decimal("0.01")),
                    )
                )
    Budget.objects.bulk_create(budgets, ignore_conflicts=True)
    # Lots and the routes their scheme allows.
    opties = []
    for p in percelen:
        for route, allowed in (("uwv", p.regeling.route_uwv), ("gemeente", p.regeling.route_gemeente)):
            if allowed:
                prijs = p.prijzen.order_by("-geldig_van").values_list("bedrag", flat=True).first() or Decimal("8000.00")
                opties.append(
                    (p.id, p.regeling_id, route, p.doelgroep, p.basisduur_maanden, p.max_verlenging_maanden, prijs)
                )
    tokens = [crypto.encrypt(_elfproef(10_000_000 + 7 * k)) for k in range(500)]
    return {
        "user": user.pk,
        "aanbieders": [a.pk for a in aanbieders],
        "tb": tb,
        "tb_per": per_aanbieder,
        "gemeenten": gemeenten,
        "opties": opties,
        "tokens": tokens,
    }


# --- the plan: one row per trajectory with every random choice, computed in SQL ----------------

PLAN_SQL = """
CREATE UNLOGGED TABLE bench_plan AS
WITH a AS (
    SELECT i, random() r_opt, random() r_aanb, random() r_tb, random() r_gem, random() r_start, random() r_stat,
           random() r_end, random() r_work, random() r_bin, random() r_off, random() r_jobs, random() r_reden,
           random() r_ext, random() r_proef, random() r_misc
    FROM generate_series(1, %(n)s) i
), b AS (
    SELECT a.*, 1 + floor(r_opt * %(nopt)s)::int AS opt, 1 + floor(r_aanb * %(naanb)s)::int AS ak,
           (%(today)s::date - floor(r_start * %(spreiding)s)::int) AS startdatum
    FROM a
), c AS (
    SELECT b.*,
           (%(perceel)s::int[])[opt] AS perceel_id, (%(regeling)s::int[])[opt] AS regeling_id,
           (%(route)s::text[])[opt] AS route, (%(doelgroep)s::text[])[opt] AS doelgroep,
           (%(duur)s::int[])[opt] AS duur, (%(prijs)s::numeric[])[opt] AS prijs,
           CASE WHEN (%(maxverl)s::int[])[opt] > 0 AND r_ext < 0.08 THEN 6 ELSE 0 END AS verlengd,
           (%(aanbieders)s::int[])[ak] AS aanbieder_id,
           (%(tb)s::int[])[(ak - 1) * %(tb_per)s + 1 + floor(r_tb * %(tb_per)s)::int] AS tb_id,
           (%(gemeenten)s::int[])[1 + floor(r_gem * %(ngem)s)::int] AS gemeente_id
    FROM b
), d AS (
    SELECT c.*, ((startdatum + make_interval(months => duur + verlengd))::date - 1) AS gepland FROM c
), e AS (
    SELECT d.*,
           CASE
               WHEN gepland >= %(today)s::date AND r_stat < 0.12 THEN 'beeindigd'
               WHEN gepland >= %(today)s::date THEN 'actief'
               WHEN gepland >= %(today)s::date - 45 AND r_stat < 0.5 THEN 'actief'
               WHEN r_stat < 0.25 THEN 'afgesloten_stop'
               WHEN r_stat < 0.30 THEN 'beeindigd'
               WHEN r_stat < 0.88 THEN 'afgesloten'
               ELSE 'looptijd_verstreken'
           END AS soort
    FROM d
), f AS (
    SELECT e.*,
           CASE WHEN soort IN ('beeindigd', 'afgesloten_stop')
                THEN startdatum + floor(r_end * (LEAST(gepland, %(today)s::date) - startdatum))::int
                WHEN soort = 'afgesloten' THEN gepland END AS einddatum,
           CASE
               WHEN r_bin < 0.132 THEN floor(r_off * 31)::int
               WHEN r_bin < 0.185 THEN 31 + floor(r_off * 30)::int
               WHEN r_bin < 0.396 THEN 61 + floor(r_off * 90)::int
               WHEN r_bin < 0.554 THEN 151 + floor(r_off * 120)::int
               ELSE 271 + floor(r_off * GREATEST(duur * 30 - 271, 30))::int
           END AS offset_dagen
    FROM e
)
SELECT f.*,
       CASE soort WHEN 'afgesloten_stop' THEN 'afgesloten' ELSE soort END AS status,
       soort IN ('beeindigd', 'afgesloten_stop') AS gestopt,
       soort IN ('afgesloten', 'afgesloten_stop') AS verslag,
       LEAST(COALESCE(einddatum, gepland), %(today)s::date) AS grens,
       CASE WHEN r_reden < 0.30 THEN 'werk_duurzaam' WHEN r_reden < 0.75 THEN 'uitval'
            WHEN r_reden < 0.85 THEN 'verhuisd' WHEN r_reden < 0.87 THEN 'overleden' ELSE 'anders' END AS reden,
       CASE WHEN r_jobs < 0.7 THEN 1 WHEN r_jobs < 0.9 THEN 2 ELSE 3 END AS banen,
       r_work < %(p_werk)s AND startdatum + offset_dagen <= LEAST(COALESCE(einddatum, gepland), %(today)s::date) AS werkt
FROM f
"""


def fill(*, n: int, today: date | None = None, verbose: bool = True, spreiding: int = START_SPREIDING_DAGEN) -> dict:
    """Fill the configured database with ``n`` trajectories, started over the last ``spreiding``
    days. Returns counts and timings."""
    from django.db import connection, transaction

    from trajecten.models import (
        Aanvraag,
        Deelnemer,
        Eindverslag,
        Plaatsing,
        Stopbericht,
        Traject,
        Verlenging,
    )

    today = today or date.today()
    timings: dict[str, float] = {}

    def step(label):
        from bench.common import timed

        return timed(label, timings) if verbose else _null()

    if Traject.objects.exists():
        raise RuntimeError("Deze database bevat al trajecten; gebruik --opnieuw voor een lege bench-database.")

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute("SELECT setseed(%s)", [SEED])
        with step("organisaties, budgetten, begeleiders"):
            org = _organisations(today, n)
        opties = org["opties"]
        params = {
            "n": n,
            "today": today,
            "spreiding": spreiding,
            "nopt": len(opties),
            "naanb": len(org["aanbieders"]),
            "perceel": [o[0] for o in opties],
            "regeling": [o[1] for o in opties],
            "route": [o[2] for o in opties],
            "doelgroep": [o[3] for o in opties],
            "duur": [o[4] for o in opties],
            "maxverl": [o[5] for o in opties],
            "prijs": [o[6] for o in opties],
            "aanbieders": org["aanbieders"],
            "tb": org["tb"],
            "tb_per": org["tb_per"],
            "gemeenten": org["gemeenten"],
            "ngem": len(org["gemeenten"]),
            "p_werk": 0.50,
        }
        user = org["user"]
        with connection.cursor() as cursor, step("plan (een rij per traject)"):
            cursor.execute("DROP TABLE IF EXISTS bench_plan")
            cursor.execute(PLAN_SQL, params)
            cursor.execute("CREATE UNIQUE INDEX ON bench_plan (i)")
        counts = {}
        deferred = Deferred([Deelnemer, Aanvraag, Traject, Verlenging, Stopbericht, Eindverslag, Plaatsing])
        with step("indexen en sleutels tijdelijk weg"):
            deferred.__enter__()
        with step("deelnemers"):
            counts["deelnemers"] = insert_select(
                Deelnemer,
                {
                    "id": "i",
                    "uuid": "gen_random_uuid()",
                    "aanbieder_id": "aanbieder_id",
                    "bsn_versleuteld": (f"(%s::text[])[1 + i % {len(org['tokens'])}]", [org["tokens"]]),
                    "bsn_hash": "md5('bsn' || i) || md5('hash' || i)",
                    "voorletters": "'B.'",
                    "achternaam": "'Bench-' || i",
                    "geboortedatum": "date '1960-01-01' + ((i % 14000) * 7919 % 14000)",
                    "gemeente_id": "gemeente_id",
                    "uitkering": "CASE WHEN route = 'gemeente' THEN 'participatiewet' ELSE (ARRAY['wga_80_100','wga_35_80','ziektewet','wajong_oud','ww'])[1 + i % 5] END",
                    "doelgroep": "doelgroep",
                    "werkervaring_jaren": "(i * 31 % 25)",
                },
                "FROM bench_plan",
            )
        with step("aanvragen (goedgekeurd)"):
            counts["aanvragen"] = insert_select(
                Aanvraag,
                {
                    "id": "i",
                    "uuid": "gen_random_uuid()",
                    "deelnemer_id": "i",
                    "bsn_hash": "md5('bsn' || i) || md5('hash' || i)",
                    "aanbieder_id": "aanbieder_id",
                    "regeling_id": "regeling_id",
                    "perceel_id": "perceel_id",
                    "route": "route",
                    "gemeente_id": "gemeente_id",
                    "regiebehandelaar": "'Dr. Bench'",
                    "trajectbegeleider_id": "tb_id",
                    "in_behandeling_sggz": "true",
                    "wens_betaald_werk": "true",
                    "geen_of_klein_dienstverband": "true",
                    "toestemming_op": "startdatum - 21",
                    "toestemming_geregistreerd_door_id": str(user),
                    "toestemming_geregistreerd_op": "(startdatum - 20)::timestamptz",
                    "behandelduur_maanden": "CASE WHEN doelgroep = 'cmd' THEN 12 END",
                    "bedrag": "prijs",
                    "status": "'goedgekeurd'",
                    "waarschuwingen": "'[]'::jsonb",
                    "ingediend_door_id": str(user),
                    "ingediend_op": "(startdatum - 20)::timestamptz",
                    "beslis_deadline": "startdatum + 10",
                    "afgehandeld_op": "(startdatum - 1)::timestamptz",
                },
                "FROM bench_plan",
            )
        with step("trajecten"):
            counts["trajecten"] = insert_select(
                Traject,
                {
                    "id": "i",
                    "uuid": "gen_random_uuid()",
                    "toewijzing_nummer": "i",
                    "aanvraag_id": "i",
                    "deelnemer_id": "i",
                    "bsn_hash": "md5('bsn' || i) || md5('hash' || i)",
                    "aanbieder_id": "aanbieder_id",
                    "regeling_id": "regeling_id",
                    "perceel_id": "perceel_id",
                    "route": "route",
                    "gemeente_id": "gemeente_id",
                    "trajectbegeleider_id": "tb_id",
                    "startdatum": "startdatum",
                    "einddatum_gepland": "gepland",
                    "verlengd_maanden": "verlengd",
                    "trajectprijs": "prijs",
                    "verlenging_bedrag": "CASE WHEN verlengd > 0 THEN 2000.00 ELSE 0 END",
                    "status": "status",
                    "einddatum": "einddatum",
                    "goedgekeurd_door_id": str(user),
                    "aangemaakt_op": "startdatum::timestamptz",
                },
                "FROM bench_plan",
            )
        with step("verlengingen, stopberichten, eindverslagen"):
            counts["verlengingen"] = insert_select(
                Verlenging,
                {
                    "uuid": "gen_random_uuid()",
                    "traject_id": "i",
                    "maanden": "verlengd",
                    "toelichting": "'Bench'",
                    "bedrag": "2000.00",
                    "status": "'goedgekeurd'",
                    "aangevraagd_door_id": str(user),
                    "aangevraagd_op": "(gepland - 200)::timestamptz",
                    "besluit_door_id": str(user),
                    "besluit_op": "(gepland - 190)::timestamptz",
                },
                "FROM bench_plan WHERE verlengd > 0",
            )
            counts["stopberichten"] = insert_select(
                Stopbericht,
                {
                    "uuid": "gen_random_uuid()",
                    "traject_id": "i",
                    "einddatum": "einddatum",
                    "reden": "reden",
                    "toelichting": "'Bench'",
                    "door_id": str(user),
                    "op": "einddatum::timestamptz",
                },
                "FROM bench_plan WHERE gestopt",
            )
            counts["eindverslagen"] = insert_select(
                Eindverslag,
                {
                    "uuid": "gen_random_uuid()",
                    "traject_id": "i",
                    "uitkomst": "CASE WHEN werkt THEN 'werk' ELSE 'geen_werk' END",
                    "toelichting": "''",
                    "uren_besteed": "100 + i % 300",
                    "door_id": str(user),
                    "op": "(einddatum + 20)::timestamptz",
                },
                "FROM bench_plan WHERE verslag",
            )
        with step("plaatsingen"):
            job_start = "(p.startdatum + p.offset_dagen + (k - 1) * 150)"
            counts["plaatsingen"] = insert_select(
                Plaatsing,
                {
                    "uuid": "gen_random_uuid()",
                    "traject_id": "p.i",
                    "werkgever": "'Werkgever ' || (p.i * 13 + k) % 50000",
                    "startdatum": job_start,
                    "einddatum": f"CASE WHEN k < p.banen THEN {job_start} + 120 WHEN random() < 0.75 THEN NULL "
                    f"ELSE {job_start} + 30 + floor(random() * 300)::int END",
                    "uren_per_week": "(8 + floor(random() * 33))::numeric",
                    "contractsoort": "CASE WHEN r < 0.735 THEN 'arbeidsovereenkomst' WHEN r < 0.95 THEN 'uitzend' "
                    "WHEN r < 0.97 THEN 'zelfstandig' ELSE 'anders' END",
                    "vast": "random() < 0.07",
                    "minimumloon_of_meer": "true",
                    "aandoening_bekend_bij_werkgever": "p.i % 3 = 0",
                    "proefplaatsing": "false",
                    "open_voor_iedereen": "true",
                    "loonondersteuning": "CASE WHEN r > 0.9 THEN '[\"loonkostensubsidie\"]'::jsonb ELSE '[]'::jsonb END",
                    "sector": "(ARRAY['N','Q','G','I','C','H','M'])[1 + (p.i + k) % 7]",
                    "aangemaakt_door_id": str(user),
                },
                "FROM bench_plan p CROSS JOIN LATERAL generate_series(1, p.banen) k CROSS JOIN LATERAL "
                "(SELECT random() + k * 0 AS r) rr "
                f"WHERE p.werkt AND {job_start} <= p.grens",
            )
            # Trial placements (unpaid) and beschut werk for some who found no regular job.
            counts["plaatsingen"] += insert_select(
                Plaatsing,
                {
                    "uuid": "gen_random_uuid()",
                    "traject_id": "i",
                    "werkgever": "'Proefwerkgever ' || i % 5000",
                    "startdatum": "startdatum + 20",
                    "einddatum": "startdatum + 80",
                    "uren_per_week": "16",
                    "contractsoort": "'anders'",
                    "vast": "false",
                    "minimumloon_of_meer": "r_proef >= 0.08",
                    "aandoening_bekend_bij_werkgever": "i % 3 = 0",
                    "proefplaatsing": "r_proef < 0.08",
                    "open_voor_iedereen": "r_proef < 0.08",  # beschut werk is not open to anyone
                    "loonondersteuning": "CASE WHEN r_proef >= 0.08 THEN '[\"beschut_werk\"]'::jsonb ELSE '[]'::jsonb END",
                    "sector": "'Q'",
                    "aangemaakt_door_id": str(user),
                },
                "FROM bench_plan WHERE (r_proef < 0.08 OR (r_proef < 0.11 AND NOT werkt)) AND startdatum + 20 <= grens",
            )
            # The beschut werk rows above are paid: below minimum wage they would not count as
            # regular work; mark them so (the loonondersteuning carries the beschut werk).
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {Plaatsing._meta.db_table} SET minimumloon_of_meer = false "
                    "WHERE werkgever LIKE 'Proefwerkgever %' AND NOT proefplaatsing"
                )
        with step("open aanvragen over hun beslistermijn"):
            counts["open_aanvragen"] = insert_select(
                Aanvraag,
                {
                    "id": ("%s + i", [n]),
                    "uuid": "gen_random_uuid()",
                    "deelnemer_id": "i",
                    "bsn_hash": "md5('bsn' || i) || md5('hash' || i)",
                    "aanbieder_id": "aanbieder_id",
                    "regeling_id": "regeling_id",
                    "perceel_id": "perceel_id",
                    "route": "route",
                    "gemeente_id": "gemeente_id",
                    "regiebehandelaar": "'Dr. Bench'",
                    "in_behandeling_sggz": "true",
                    "wens_betaald_werk": "true",
                    "geen_of_klein_dienstverband": "true",
                    "toestemming_op": ("%s::date - 41 + i % 35", [today]),
                    "toestemming_geregistreerd_door_id": str(user),
                    "toestemming_geregistreerd_op": ("(%s::date - 40 + i % 35)::timestamptz", [today]),
                    "behandelduur_maanden": "CASE WHEN doelgroep = 'cmd' THEN 12 END",
                    "bedrag": "prijs",
                    "status": "'ingediend'",
                    "waarschuwingen": "'[]'::jsonb",
                    "ingediend_door_id": str(user),
                    "ingediend_op": ("(%s::date - 40 + i % 35)::timestamptz", [today]),
                    "beslis_deadline": ("%s::date - 12 + i % 35", [today]),
                },
                "FROM bench_plan WHERE status <> 'actief' AND i % 500 = 0",
            )
        with step("indexen en sleutels terug (bouwen, valideren)"):
            deferred.__exit__(None, None, None)
        with connection.cursor() as cursor, step("sequences, opruimen"):
            from django.core.management.color import no_style

            from trajecten.models import Toewijzingsnummer

            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Deelnemer, Aanvraag, Traject, Plaatsing, Stopbericht, Eindverslag, Verlenging]
            ):
                cursor.execute(sql)
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [Toewijzingsnummer._meta.db_table, n])
            cursor.execute("DROP TABLE bench_plan")
    with connection.cursor() as cursor, step("ANALYZE"):
        cursor.execute("ANALYZE")
    counts["timings"] = timings
    return counts


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def summary() -> dict:
    """Proportions to check against domain.md section 11 (plausibility, not a test)."""
    from django.db import connection

    sql = """
    SELECT count(*) AS trajecten,
           count(*) FILTER (WHERE t.status = 'actief') AS actief,
           count(*) FILTER (WHERE t.status = 'actief' AND t.einddatum_gepland < %(d)s) AS actief_voorbij_einde,
           count(*) FILTER (WHERE t.status = 'actief' AND t.einddatum_gepland BETWEEN %(d)s AND %(d)s::date + 30) AS eindigt_30,
           count(*) FILTER (WHERE t.status = 'actief' AND t.einddatum_gepland BETWEEN %(d)s AND %(d)s::date + 90) AS eindigt_90,
           count(*) FILTER (WHERE t.status = 'looptijd_verstreken') AS looptijd_verstreken,
           count(*) FILTER (WHERE t.status = 'beeindigd') AS beeindigd,
           count(*) FILTER (WHERE t.status = 'afgesloten') AS afgesloten,
           count(*) FILTER (WHERE w.traject_id IS NOT NULL) AS ooit_betaald_werk,
           count(*) FILTER (WHERE w.traject_id IS NOT NULL AND t.startdatum < %(d)s::date - 730) AS ooit_werk_na_2_jaar,
           count(*) FILTER (WHERE t.startdatum < %(d)s::date - 730) AS gestart_voor_2_jaar
    FROM trajecten_traject t
    LEFT JOIN (SELECT DISTINCT traject_id FROM trajecten_plaatsing
               WHERE minimumloon_of_meer AND NOT proefplaatsing AND open_voor_iedereen) w ON w.traject_id = t.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, {"d": date.today()})
        names = [c[0] for c in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
        cursor.execute("SELECT count(*) FROM trajecten_plaatsing")
        row["plaatsingen"] = cursor.fetchone()[0]
    row["ooit_betaald_werk_pct"] = round(100 * row["ooit_betaald_werk"] / max(row["trajecten"], 1), 1)
    row["ooit_werk_na_2_jaar_pct"] = round(100 * row["ooit_werk_na_2_jaar"] / max(row["gestart_voor_2_jaar"], 1), 1)
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trajecten", type=int, default=1_000_000)
    parser.add_argument("--opnieuw", action="store_true", help="de bench-database eerst weggooien")
    parser.add_argument("--database", help="postgres-URL (standaard BENCH_DATABASE_URL of ips_bench)")
    args = parser.parse_args(argv)

    from bench.common import prepare_database

    started = time.perf_counter()
    prepare_database(args.database, drop=args.opnieuw)
    counts = fill(n=args.trajecten)
    counts.pop("timings")
    print("aantallen:", counts)
    print("verhoudingen:", summary())
    print(f"totaal {time.perf_counter() - started:.1f} s voor {args.trajecten:,} trajecten")


if __name__ == "__main__":
    main()
