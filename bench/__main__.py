"""`make bench` / `python -m bench`: fill the bench databases where needed and run the benchmarks.

    python -m bench [--groot 1000000] [--klein 10000] [--opnieuw]

1. fills ``ips_bench_10k`` with 10,000 and ``ips_bench`` with 1,000,000 trajectories (skipped
   when a database already holds that many; ``--opnieuw`` refills);
2. runs the nightly job on both (wall time and queries: the count must be the same), the naive
   per-trajectory loop on the small one (and its ratio to the set-based job), and the work
   monitor's aggregate on both;
3. prints a summary and writes it to var/bench-results.json.

The databases live beside the development one on the same PostgreSQL server
(``BENCH_SERVER``, default postgres://postgres@127.0.0.1:5432)."""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], env: dict) -> dict | None:
    proc = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    sys.stdout.write("".join(line + "\n" for line in proc.stdout.splitlines() if not line.startswith("RESULT ")))
    if proc.returncode != 0:
        sys.stdout.write(proc.stderr[-4000:])
        raise SystemExit(f"{' '.join(args)} faalde (exit {proc.returncode})")
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    return None


def _count(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM trajecten_traject").fetchone()[0]
    except psycopg.Error:
        return 0


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groot", type=int, default=1_000_000)
    parser.add_argument("--klein", type=int, default=10_000)
    parser.add_argument("--opnieuw", action="store_true")
    args = parser.parse_args(argv)
    server = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    sizes = {"klein": (args.klein, f"{server}/ips_bench_10k"), "groot": (args.groot, f"{server}/ips_bench")}
    results: dict = {"gemaakt": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": f"{os.cpu_count()} cores"}

    for label, (n, url) in sizes.items():
        if args.opnieuw or _count(url) != n:
            print(f"== vullen: {label}, {n:,} trajecten in {url}", flush=True)
            start = time.perf_counter()
            _run(["bench.fill", "--trajecten", str(n), "--opnieuw", "--database", url], env)
            results[f"vullen_{label}_seconden"] = round(time.perf_counter() - start, 1)

    print("== nightly + naieve lus + werkmonitor op de kleine database", flush=True)
    results["klein"] = _run(
        ["bench.nightly", "--database", sizes["klein"][1], "--naief", str(args.klein), "--werkmonitor"], env
    )
    print("== nightly + werkmonitor op de grote database", flush=True)
    results["groot"] = _run(["bench.nightly", "--database", sizes["groot"][1], "--werkmonitor"], env)

    klein, groot = results["klein"], results["groot"]
    print("\n== samenvatting")
    for label, r in (("klein", klein), ("groot", groot)):
        first, second = r["nightly"]["eerste"], r["nightly"]["tweede"]
        print(
            f"  {label:5} {r['trajecten']:>9,} trajecten: nightly {first['seconden']:7.2f} s / {first['queries']} queries; "
            f"tweede run {second['seconden']:6.2f} s / {second['queries']} queries; "
            f"werkmonitor-totalen {r['werkmonitor']['totalen_seconden']:.2f} s / {r['werkmonitor']['totalen_queries']} query"
        )
    same = klein["nightly"]["eerste"]["queries"] == groot["nightly"]["eerste"]["queries"]
    print(f"  aantal queries onafhankelijk van het aantal trajecten: {'ja' if same else 'NEE'}")
    naief = klein["naief"]
    print(
        f"  naieve lus: {naief['seconden']:.2f} s voor {naief['trajecten']:,} trajecten "
        f"({naief['queries']} queries, {naief['seconden_per_traject_ms']} ms per traject, "
        f"{naief['ratio_naief_tegen_nightly']}x de set-based nightly op dezelfde data; "
        f"op 1.000.000 ~{naief['geextrapoleerd_1m_seconden']} s)"
    )
    out = ROOT / "var" / "bench-results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"  resultaten: {out}")


if __name__ == "__main__":
    main()
