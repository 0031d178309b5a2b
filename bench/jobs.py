"""Benchmark the nightly, weekly and monthly jobs on the national-scale database (issue 6, part 2).

    python -m bench.jobs [--database postgres://.../ips_bench_nl] [--datum 2026-11-29] [--herhaal 2]
                         [--taken nightly,weekly,monthly] [--profiel var/profiel]

For each job: ``run_job`` (the code path of the scheduler and the command) on its benchmark day,
with the wall time, the number of SQL statements and the time and statements of every step; then
the same work written by hand as **one** SQL statement (weekly: the payment orders and the lines
they take; monthly: the claims, their lines and the reminders, over all history as before issue 13
and over the new work as the job now does) and the ratio job / hand-made. For the monthly also the
selection over all history against the new-work selection (the same rows?) and the number and
total of the claim lines the job and each statement made. The nightly job has no one-statement
equivalent; every step is compared with hand-made SQL for that step (``bench/jobs_hand.py``), in a
table: service time, hand-made time, rows, ratio. Everything runs in a transaction that is rolled
back, so the benchmark is repeatable on the same data. Run it with ``DJANGO_DEBUG=0`` (templates
cached, as in production).

The benchmark days follow ``bench.national``: nightly on the fill day, weekly on the first Monday
on or after it, monthly on the 1st of the next month. Prints a ``RESULT`` JSON line at the end.
"""

import argparse
import json
import statistics
import time
from datetime import date, timedelta


class _Rollback(Exception):
    pass


def _rolled_back(func):
    """Run ``func`` in a transaction that is rolled back; returns (seconds, queries, value)."""
    from django.db import connection, transaction

    from bench.common import QueryCounter

    out = {}
    try:
        with transaction.atomic():
            counter = QueryCounter()
            start = time.perf_counter()
            with connection.execute_wrapper(counter):
                out["value"] = func()
            out["seconds"] = time.perf_counter() - start
            out["queries"] = counter.count
            raise _Rollback
    except _Rollback:
        pass
    return out["seconds"], out["queries"], out["value"]


def _job(name: str, datum: date, profiel: str | None = None) -> dict:
    """``run_job`` with a timer around every step (wrapping ``steps_for``, not changing it)."""
    from django.db import connection

    from backoffice import schedule
    from bench.common import QueryCounter

    steps: dict[str, dict] = {}
    claims: dict = {}
    original = schedule.steps_for

    def timed_steps(job, d):
        wrapped = []
        for step, func in original(job, d):

            def run(day, step=step, func=func):
                counter = QueryCounter()
                start = time.perf_counter()
                with connection.execute_wrapper(counter):
                    value = func(day)
                steps[step] = {"seconden": round(time.perf_counter() - start, 3), "queries": counter.count}
                return value

            wrapped.append((step, run))
        return wrapped

    def go():
        schedule.steps_for = timed_steps
        try:
            if profiel:
                from pyinstrument import Profiler

                profiler = Profiler()
                profiler.start()
            before = _max_regel()
            run = schedule.run_job(name, datum, bron="bench")
            claims["value"] = _claims_since(before)
            if profiel:
                profiler.stop()
                path = f"{profiel}-{name}.html"
                with open(path, "w") as fh:
                    fh.write(profiler.output_html())
                with open(path.replace(".html", ".txt"), "w") as fh:
                    fh.write(profiler.output_text(show_all=False))
                print(f"      profiel: {path}")
            return run
        finally:
            schedule.steps_for = original

    seconds, queries, run = _rolled_back(go)
    if run.status != "geslaagd":
        print(f"  let op: {name} status {run.status}: {run.fouten}")
    return {
        "seconden": round(seconds, 2),
        "queries": queries,
        "status": run.status,
        "counts": {k: v for k, v in sorted(run.counts.items()) if v},
        "stappen": steps,
        "vorderingsregels": claims["value"],
    }


def _max_regel() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(max(id), 0) FROM declaraties_vorderingregel")
        return cursor.fetchone()[0]


def _claims_since(before: int) -> list:
    """The claim lines made after ``before``: their number and total (the same claims?)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), COALESCE(sum(bedrag), 0)::text FROM declaraties_vorderingregel WHERE id > %s", [before]
        )
        return list(cursor.fetchone())


def selectie_over_de_historie(datum: date) -> list[tuple]:
    """The claims run's selection as it was before issue 13: the same rule over every paid line
    ever, by bank date (``declaraties.jobs.vorderingrun_regels`` reads only the new work)."""
    from declaraties.jobs import vordering_periode, vorderingrun_rij
    from declaraties.models import Prestatie

    _, eind = vordering_periode(datum)
    return vorderingrun_rij(Prestatie.objects.filter(betaald_op__lte=eind))


def _selecties(datum: date, herhaal: int) -> dict:
    """The monthly run's selection, over all history (before) and over the new work (now)."""
    from declaraties.jobs import vorderingrun_regels

    out = {}
    for label, func in (("hele historie", selectie_over_de_historie), ("nieuw werk", vorderingrun_regels)):
        times = []
        for _ in range(herhaal):
            start = time.perf_counter()
            rows = func(datum)
            times.append(time.perf_counter() - start)
        out[label] = {"seconden": round(min(times), 3), "rijen": len(rows), "regels": rows}
    same = out["hele historie"].pop("regels") == out["nieuw werk"].pop("regels")
    for label, r in out.items():
        print(f"      selectie ({label}): {r['seconden']:.3f} s, {r['rijen']} regels")
    print(f"      dezelfde regels: {'ja' if same else 'NEE'}")
    return {**out, "dezelfde": same}


# --- the same work as one hand-made statement ----------------------------------------------------

WEEKLY_SQL = """
WITH vrij AS (
    SELECT p.id, p.aanbieder_id,
           CASE WHEN p.debet_credit = 'C' THEN -p.toegekend_bedrag ELSE p.toegekend_bedrag END AS bedrag
    FROM declaraties_prestatie p JOIN declaraties_declaratie d ON d.id = p.declaratie_id
    WHERE p.status = 'toegekend' AND p.betaalopdracht_id IS NULL
      AND (d.ingediend_op AT TIME ZONE 'Europe/Amsterdam')::date <= %(datum)s
), totaal AS (
    SELECT aanbieder_id, sum(bedrag) AS bedrag, count(*) AS n FROM vrij GROUP BY aanbieder_id HAVING sum(bedrag) > 0
), opdracht AS (
    INSERT INTO declaraties_betaalopdracht
        (uuid, aanbieder_id, datum, bedrag, aantal_regels, iban, status, akkoorden_nodig, aangemaakt_op)
    SELECT gen_random_uuid(), t.aanbieder_id, %(datum)s, t.bedrag, t.n, a.iban, 'te_accorderen',
           CASE WHEN t.bedrag > %(drempel)s THEN 2 ELSE 1 END, now()
    FROM totaal t JOIN financiering_aanbieder a ON a.id = t.aanbieder_id
    RETURNING id, aanbieder_id
)
UPDATE declaraties_prestatie p SET betaalopdracht_id = o.id
FROM vrij v JOIN opdracht o ON o.aanbieder_id = v.aanbieder_id
WHERE p.id = v.id
"""

MONTHLY_SQL = """
WITH betaald AS (
    SELECT p.id, t.gemeente_id, t.regeling_id, g.cofinanciering_aandeel AS aandeel,
           round(p.toegekend_bedrag * g.cofinanciering_aandeel, 2)
               * CASE WHEN p.debet_credit = 'C' THEN -1 ELSE 1 END AS bedrag
    FROM declaraties_prestatie p
    JOIN trajecten_traject t ON t.id = p.traject_id
    JOIN financiering_regeling g ON g.id = t.regeling_id
    WHERE p.betaald_op <= %(eind)s AND t.route = 'gemeente' AND g.cofinanciering_aandeel > 0
      AND NOT EXISTS (SELECT 1 FROM declaraties_vorderingregel r WHERE r.prestatie_id = p.id)
), vordering AS (
    INSERT INTO declaraties_vordering
        (uuid, gemeente_id, periode, bedrag, ontvangen, status, verzonden_op, vervaldatum,
         factuurnummer, factuurdatum, aantal_herinneringen, aangemaakt_op)
    SELECT gen_random_uuid(), b.gemeente_id, %(periode)s, sum(b.bedrag), 0, 'verzonden', %(datum)s,
           %(datum)s::date + %(termijn)s,
           'IPS-' || to_char(%(datum)s::date, 'YYYY') || '-' || lpad((
               (SELECT count(*) FROM declaraties_vordering v
                WHERE v.factuurnummer LIKE 'IPS-' || to_char(%(datum)s::date, 'YYYY') || '-%%')
               + row_number() OVER (ORDER BY min(gm.code)))::text, 6, '0'),
           %(datum)s, 0, now()
    FROM betaald b JOIN financiering_gemeente gm ON gm.id = b.gemeente_id GROUP BY b.gemeente_id
    RETURNING id, gemeente_id
), regels AS (
    INSERT INTO declaraties_vorderingregel
        (uuid, vordering_id, prestatie_id, regeling_id, aandeel, bedrag, bezwaar, bezwaar_toelichting,
         bezwaar_besluit_toelichting)
    SELECT gen_random_uuid(), v.id, b.id, b.regeling_id, b.aandeel, b.bedrag, 'geen', '', ''
    FROM betaald b JOIN vordering v ON v.gemeente_id = b.gemeente_id
)
UPDATE declaraties_vordering SET herinnerd_op = %(datum)s, aantal_herinneringen = aantal_herinneringen + 1
WHERE vervaldatum < %(datum)s AND status IN ('verzonden', 'deels_betaald')
  AND (herinnerd_op IS NULL OR herinnerd_op <= %(datum)s::date - 30)
"""

# The same, bounded by new work as the job is since issue 13: only the paid lines the run has not
# dealt with (the partial index prestatie_te_vorderen), and those it dealt with marked.
MONTHLY_NIEUW_SQL = MONTHLY_SQL.replace(
    "WHERE p.betaald_op <= %(eind)s AND", "WHERE p.betaald_op <= %(eind)s AND NOT p.vordering_verwerkt AND"
).replace(
    "\n), vordering AS (",
    """
), verwerkt AS (
    UPDATE declaraties_prestatie p SET vordering_verwerkt = true
    FROM trajecten_traject t JOIN financiering_regeling g ON g.id = t.regeling_id
    WHERE t.id = p.traject_id AND p.betaald_op <= %(eind)s AND NOT p.vordering_verwerkt
      AND (t.route <> 'gemeente' OR g.cofinanciering_aandeel = 0 OR p.id IN (SELECT id FROM betaald)
           OR EXISTS (SELECT 1 FROM declaraties_vorderingregel r WHERE r.prestatie_id = p.id))
), vordering AS (""",
    1,
)

# The nightly job's heaviest steps, each as one statement (the signal steps also close signals
# whose cause is gone; the hand-made version only finds and inserts the new ones, the larger part).
EINDVERSLAG_SQL = """
INSERT INTO backoffice_signaal
    (uuid, soort, object_type, object_uuid, omschrijving, aanbieder_id, gemeente_id, uwv_rol, deadline,
     gesignaleerd_op, aangemaakt_op, afgehandeld)
SELECT gen_random_uuid(), 'eindverslag_ontbreekt', 'traject', t.uuid, t.toewijzing_nummer::text, t.aanbieder_id,
       CASE WHEN t.route = 'gemeente' THEN t.gemeente_id END,
       CASE WHEN t.route = 'uwv' THEN 'uwv_beoordelaar' ELSE '' END,
       COALESCE(t.einddatum, t.einddatum_gepland) + 30, %(datum)s, now(), false
FROM trajecten_traject t
WHERE t.status IN ('beeindigd', 'looptijd_verstreken')
  AND COALESCE(t.einddatum, t.einddatum_gepland) < %(datum)s::date - 30
  AND NOT EXISTS (SELECT 1 FROM trajecten_eindverslag e WHERE e.traject_id = t.id)
  AND NOT EXISTS (SELECT 1 FROM backoffice_signaal s WHERE s.soort = 'eindverslag_ontbreekt'
                  AND s.object_uuid = t.uuid AND NOT s.afgehandeld)
"""


def _hand(sql: str, params: dict) -> tuple[float, int, list]:
    """One hand-made statement, rolled back: seconds, rows, and the claim lines it made."""
    from django.db import connection

    def go():
        before = _max_regel()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.rowcount
        return rows, _claims_since(before)

    seconds, _queries, (rows, claims) = _rolled_back(go)
    return seconds, rows, claims


def _nightly_hand(datum: date, herhaal: int, stappen: dict) -> dict:
    """Every nightly step against its hand-made SQL (bench.jobs_hand), fastest of ``herhaal``."""
    from bench import jobs_hand

    best: dict[str, dict] = {}
    for _ in range(herhaal):
        _s, _q, out = _rolled_back(lambda: jobs_hand.run(datum, EINDVERSLAG_SQL))
        for step, r in out.items():
            if step not in best or r["seconden"] < best[step]["seconden"]:
                best[step] = r
    print(f"      {'stap':<40} {'dienst (s)':>10} {'hand (s)':>9} {'rijen':>8} {'verh.':>6}")
    result = {}
    for step, s in stappen.items():
        h = best.get(step)
        ratio = s["seconden"] / max(h["seconden"], 1e-3) if h else None
        result[step] = {"dienst": s["seconden"], "hand": h and h["seconden"], "rijen": h and h["rijen"]}
        result[step]["verhouding"] = ratio and round(ratio, 2)
        print(
            f"      {step:<40} {s['seconden']:10.3f} "
            + (f"{h['seconden']:9.3f} {h['rijen']:8} {ratio:5.2f}x" if h else f"{'-':>9}")
        )
    return result


def bench_jobs(today: date, taken: list[str], herhaal: int, profiel: str | None) -> dict:
    from backoffice.models import Instellingen
    from bench.national import monthly_date, weekly_date

    instellingen = Instellingen.get()
    days = {"nightly": today, "weekly": weekly_date(today), "monthly": monthly_date(today)}
    monthly_end = days["monthly"].replace(day=1) - timedelta(days=1)
    hand = {
        "weekly": [("alles", WEEKLY_SQL, {"datum": days["weekly"], "drempel": instellingen.vier_ogen_drempel})],
        "monthly": [
            (
                "alles",
                MONTHLY_SQL,
                {
                    "datum": days["monthly"],
                    "eind": monthly_end,
                    "periode": monthly_end.replace(day=1),
                    "termijn": instellingen.vordering_betaaltermijn_dagen,
                },
            )
        ],
    }
    hand["monthly"].append(("alles, nieuw werk", MONTHLY_NIEUW_SQL, hand["monthly"][0][2]))
    results = {}
    for name in taken:
        datum = days[name]
        runs = []
        for i in range(herhaal):
            r = _job(name, datum, profiel if i == 0 else None)
            runs.append(r)
            print(
                f"  {name} {datum} run {i + 1}: {r['seconden']:7.2f} s, {r['queries']} queries, {r['status']}",
                flush=True,
            )
        best = min(runs, key=lambda r: r["seconden"])
        # per step the fastest of the runs
        stappen = {
            step: min((r["stappen"][step] for r in runs), key=lambda s: s["seconden"]) for step in best["stappen"]
        }
        for step, s in stappen.items():
            if s["seconden"] >= 0.05:
                print(f"      {step:<44} {s['seconden']:7.2f} s {s['queries']:4} queries")
        if best["vorderingsregels"][0]:
            print(f"      vorderingsregels gemaakt: {best['vorderingsregels'][0]}, samen {best['vorderingsregels'][1]}")
        for key, value in best["counts"].items():
            print(f"      {key}: {value}")
        result = {
            "datum": datum.isoformat(),
            "seconden": [r["seconden"] for r in runs],
            "mediaan_seconden": round(statistics.median(r["seconden"] for r in runs), 2),
            "queries": best["queries"],
            "counts": best["counts"],
            "stappen": stappen,
            "vorderingsregels": best["vorderingsregels"],
            "handgemaakt": {},
        }
        if name == "nightly":
            result["per_stap"] = _nightly_hand(datum, herhaal, stappen)
        if name == "monthly":
            result["selectie"] = _selecties(datum, herhaal)
        for label, sql, params in hand.get(name, []):
            times = []
            for _ in range(herhaal):
                seconds, rows, claims = _hand(sql, params)
                times.append(seconds)
            hand_s = min(times)
            job_s = min(r["seconden"] for r in runs) if label.startswith("alles") else stappen[label]["seconden"]
            ratio = job_s / max(hand_s, 1e-6)
            result["handgemaakt"][label] = {
                "seconden": [round(t, 2) for t in times],
                "rijen": rows,
                "taak_seconden": job_s,
                "verhouding": round(ratio, 2),
                "vorderingsregels": claims,
            }
            same = "" if not claims[0] else f"; vorderingsregels {claims[0]}, samen {claims[1]}"
            print(
                f"      handgemaakt ({label}): {hand_s:.2f} s, {rows} rijen{same}; taak {job_s:.2f} s: "
                f"verhouding {ratio:.2f}x",
                flush=True,
            )
        results[name] = result
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/ips_bench_nl")
    parser.add_argument("--datum", help="de dag van de vulling (standaard vandaag)")
    parser.add_argument("--taken", default="nightly,weekly,monthly")
    parser.add_argument("--herhaal", type=int, default=2, help="elke meting zo vaak (de snelste telt)")
    parser.add_argument("--profiel", help="pyinstrument-HTML per taak naar <pad>-<taak>.html (eerste run)")
    args = parser.parse_args(argv)

    from bench.common import use_database

    url = use_database(args.database, create=False)
    from django.db import connection

    today = date.fromisoformat(args.datum) if args.datum else date.today()
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM trajecten_traject), (SELECT count(*) FROM declaraties_prestatie)")
        trajecten, regels = cursor.fetchone()
    print(f"bench-database {url}: {trajecten:,} trajecten, {regels:,} declaratieregels, dag {today}", flush=True)
    result = {"database": url, "trajecten": trajecten, "declaratieregels": regels, "datum": today.isoformat()}
    result["taken"] = bench_jobs(today, args.taken.split(","), args.herhaal, args.profiel)
    print("RESULT " + json.dumps(result, default=str))


if __name__ == "__main__":
    main()
