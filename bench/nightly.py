"""Benchmark the nightly job (and the work monitor) on a filled bench database.

    python -m bench.nightly [--database URL] [--datum 2026-11-22] [--naief 10000] [--werkmonitor]

- ``run_job nightly`` (backoffice.schedule.run_job, the same code path as the scheduler and the
  command) twice: the first run does a night's work on fresh data (expiry, every signal, digests),
  the second shows it is idempotent. Wall time and the number of SQL statements of each. Both runs
  happen in one transaction that is rolled back, so the benchmark can be repeated on the same data.
- ``--naief N``: the same trajectory work written naively, one trajectory at a time with the ORM
  (load it, move it when past its end, look for and raise its signals, look for its end report),
  over the first N trajectories; also rolled back. Reports the time per trajectory and the ratio.
- ``--werkmonitor``: the work monitor's aggregate query and its per-trajectory count for the
  current quarter over all trajectories (UWV's view), with the number of queries.

Prints a JSON line at the end (prefixed ``RESULT``) for ``python -m bench``.
"""

import argparse
import json
import time
from datetime import date, timedelta


class _Rollback(Exception):
    pass


def _counted(func):
    from django.db import connection

    from bench.common import QueryCounter

    counter = QueryCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        value = func()
    return time.perf_counter() - start, counter.count, value


def bench_nightly(datum: date) -> dict:
    from django.db import transaction

    from backoffice.schedule import run_job

    result = {}
    try:
        with transaction.atomic():
            for label in ("eerste", "tweede"):
                seconds, queries, run = _counted(lambda: run_job("nightly", datum, bron="bench"))
                if run.status != "geslaagd":
                    print(f"  let op: run {label} status {run.status}: {run.fouten}")
                counts = {k: v for k, v in sorted(run.counts.items()) if v}
                result[label] = {
                    "seconden": round(seconds, 2),
                    "queries": queries,
                    "status": run.status,
                    "counts": counts,
                }
                print(f"  nightly ({label} run): {seconds:7.2f} s, {queries} queries, status {run.status}", flush=True)
                for key, value in counts.items():
                    print(f"      {key}: {value}")
            raise _Rollback
    except _Rollback:
        pass
    return result


def naive_nightly(datum: date, n: int) -> dict:
    """What a naive implementation does: one trajectory at a time, a few queries each."""
    from django.db import transaction

    from backoffice.models import Signaal
    from trajecten.models import Eindverslag, Traject

    def loop():
        ids = list(Traject.objects.order_by("id").values_list("id", flat=True)[:n])
        for pk in ids:
            traject = Traject.objects.get(pk=pk)
            if traject.status == "actief" and traject.einddatum_gepland < datum:
                traject.status = "looptijd_verstreken"
                traject.save()  # with its history row, as the set-based job writes one
            if traject.status == "actief":
                for soort, days in (("traject_eindigt_90", 90), ("traject_eindigt_30", 30)):
                    if traject.einddatum_gepland <= datum + timedelta(days=days):
                        _naive_signal(Signaal, soort, traject, datum)
            elif traject.status in ("beeindigd", "looptijd_verstreken"):
                if traject.status == "looptijd_verstreken":
                    _naive_signal(Signaal, "looptijd_verstreken", traject, datum)
                einde = traject.einddatum or traject.einddatum_gepland
                if einde < datum - timedelta(days=30) and not Eindverslag.objects.filter(traject=traject).exists():
                    _naive_signal(Signaal, "eindverslag_ontbreekt", traject, datum)
        return len(ids)

    result = {}
    try:
        with transaction.atomic():
            seconds, queries, count = _counted(loop)
            result = {"trajecten": count, "seconden": round(seconds, 2), "queries": queries}
            raise _Rollback
    except _Rollback:
        pass
    print(f"  naieve lus over {result['trajecten']} trajecten: {result['seconden']:.2f} s, {result['queries']} queries")
    return result


def _naive_signal(Signaal, soort: str, traject, datum: date) -> None:
    if Signaal.objects.filter(soort=soort, object_uuid=traject.uuid, afgehandeld=False).exists():
        return
    Signaal.objects.create(
        soort=soort,
        object_type="traject",
        object_uuid=traject.uuid,
        omschrijving=f"Traject {traject.toewijzing_nummer}",
        aanbieder_id=traject.aanbieder_id,
        gemeente_id=traject.gemeente_id if traject.route == "gemeente" else None,
        uwv_rol="uwv_beoordelaar" if traject.route == "uwv" else "",
        deadline=traject.einddatum_gepland,
        gesignaleerd_op=datum,
    )


def bench_werkmonitor(datum: date) -> dict:
    from django.db.models import Q

    from trajecten import werkmonitor as wm

    kwartaal = wm.Kwartaal(datum.year, (datum.month - 1) // 3 + 1)
    rows = wm._rows(kwartaal, Q(), datum)  # UWV's view (everything), as on ``datum``
    seconds, queries, totals = _counted(lambda: wm._totals(rows, kwartaal))
    page_seconds, page_queries, page = _counted(lambda: list(rows[:500]))
    total = totals["kwartaal"][0]
    result = {
        "kwartaal": kwartaal.code,
        "totalen_seconden": round(seconds, 2),
        "totalen_queries": queries,
        "trajecten_in_kwartaal": total["trajecten"],
        "ooit_betaald_werk_pct": total["ooit_betaald_werk_pct"],
        "beeindigd": total["beeindigd"],
        "nog_werkzaam_bij_einde_pct": total["nog_werkzaam_bij_einde_pct"],
        "eerste_baan_bins": [total[f"eerste_baan_{c}"] for c in wm.BIN_KOLOMMEN],
        "pagina_500_seconden": round(page_seconds, 2),
        "pagina_500_queries": page_queries,
        "groepen": {n: len(totals[n]) for n in wm.DIMENSIES},
    }
    print(
        f"  werkmonitor {kwartaal.code}: totalen {seconds:.2f} s in {queries} query, "
        f"{total['trajecten']} trajecten, ooit betaald werk {total['ooit_betaald_werk_pct']}%; "
        f"pagina van 500: {page_seconds:.2f} s",
        flush=True,
    )
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="postgres-URL (standaard BENCH_DATABASE_URL of ips_bench)")
    parser.add_argument("--datum", help="de dag van de run (standaard vandaag)")
    parser.add_argument("--naief", type=int, default=0, help="ook de naieve lus over N trajecten")
    parser.add_argument("--werkmonitor", action="store_true")
    parser.add_argument("--geen-nightly", action="store_true")
    args = parser.parse_args(argv)

    from bench.common import use_database

    url = use_database(args.database, create=False)
    from trajecten.models import Traject

    datum = date.fromisoformat(args.datum) if args.datum else date.today()
    n = Traject.objects.count()
    print(f"bench-database {url}: {n:,} trajecten, datum {datum}", flush=True)
    result = {"database": url, "trajecten": n, "datum": datum.isoformat()}
    if not args.geen_nightly:
        result["nightly"] = bench_nightly(datum)
    if args.naief:
        result["naief"] = naive_nightly(datum, args.naief)
        if "nightly" in result:
            per = result["naief"]["seconden"] / max(result["naief"]["trajecten"], 1)
            result["naief"]["seconden_per_traject_ms"] = round(per * 1000, 3)
            result["naief"]["geextrapoleerd_1m_seconden"] = round(per * 1_000_000)
            ratio = result["naief"]["seconden"] / max(result["nightly"]["eerste"]["seconden"], 1e-6)
            result["naief"]["ratio_naief_tegen_nightly"] = round(ratio, 1)
            print(f"  verhouding naief / set-based nightly op dezelfde data: {ratio:.1f}x")
    if args.werkmonitor:
        result["werkmonitor"] = bench_werkmonitor(datum)
    print("RESULT " + json.dumps(result, default=str))


if __name__ == "__main__":
    main()
