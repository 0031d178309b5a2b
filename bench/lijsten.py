"""The lists next to their hand-written reference (issue 13, point 1): the service under gunicorn
(``DJANGO_DEBUG=0``) and ``bench/referentie.py`` (psycopg + json, no Django) under gunicorn, both
with the same number of workers on the same database (the service with ``DB_CONN_MAX_AGE=60`` as in
docker-compose.yml; the reference keeps one connection per worker), each list loaded with ``wrk`` at
``--verbindingen`` connections, service and reference interleaved in ``--rondes`` rounds. Prints per
list p50 and requests/s of both and the ratio of the p50s (target: at most 2.5), plus the queries
of one service request at page sizes 1, 50 and 500 (they must be the same).

    python -m bench.lijsten [--database postgres://.../ips_bench_nl] [--duur 10] [--rondes 3]
                            [--verbindingen 16] [--workers 2] [--alleen trajecten,declaraties]

The compared lists are ``VERGELIJKINGEN`` of ``bench/referentie.py`` plus those of
``bench/referentie_werkbak.py`` when that module exists (its ``ROUTES`` join the reference app). An
API path (``/api/...``) is sent with the role's token, any other path with its session cookie; both
come from one real login per role (``bench-load-uwv``, ``bench-load-aanbieder``, as ``bench.load``).
Before the load the first page of both sides is compared field by field (``results``).
Needs ``wrk`` (``bash scripts/wrk.sh`` installs it). Prints a ``RESULT`` JSON line at the end."""

import argparse
import importlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOEL = 2.5  # issue 13: the service's p50 within 2.5x of the hand-written page


def referentie_modules() -> list:
    """bench.referentie and, if it exists, bench.referentie_werkbak."""
    modules = [importlib.import_module("bench.referentie")]
    try:
        modules.append(importlib.import_module("bench.referentie_werkbak"))
    except ModuleNotFoundError as exc:
        if exc.name != "bench.referentie_werkbak":
            raise
    return modules


def routes() -> dict:
    out: dict = {}
    for module in referentie_modules():
        out.update(getattr(module, "ROUTES", {}))
    return out


def vergelijkingen() -> list[tuple[str, str, str]]:
    out: list = []
    for module in referentie_modules():
        out.extend(getattr(module, "VERGELIJKINGEN", []))
    return out


def referentie_app():
    """The gunicorn app of the reference: ``bench.referentie.application`` with every module's
    routes (gunicorn ``'bench.lijsten:referentie_app()'``)."""
    from bench import referentie

    referentie.ROUTES.update(routes())
    return referentie.application


# --- one service request in-process: its queries for page sizes 1, 50, 500 ----------------------


def _met_pagina(pad: str, size: int) -> str:
    if "pageSize=" in pad:
        return re.sub(r"pageSize=\d+", f"pageSize={size}", pad)
    return f"{pad}{'&' if '?' in pad else '?'}pageSize={size}"


def query_counts(user, pad: str) -> dict[int, int]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    out = {}
    for size in (1, 50, 500):
        url = _met_pagina(pad, size)
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} gaf HTTP {response.status_code} in het proces")
        out[size] = len(ctx.captured_queries)
    return out


# --- the servers and wrk -------------------------------------------------------------------------


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def _klaar(base: str, seconds: float = 300) -> None:
    """Wait until a worker answers (gunicorn listens before its workers have imported Django)."""
    import requests

    deadline = time.time() + seconds
    while True:
        try:
            requests.get(f"{base}/api/v1/trajecten", timeout=60)
            return
        except requests.RequestException:
            if time.time() > deadline:
                raise SystemExit(f"{base} antwoordt niet binnen {seconds:.0f} s") from None
            time.sleep(1)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, headers: dict, *, duur: int, verbindingen: int) -> dict:
    cmd = ["wrk", "-t2", f"-c{verbindingen}", f"-d{duur}s", "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    fout = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if not p50 or not rps:
        raise SystemExit(f"wrk gaf geen uitslag voor {url}:\n{out}")
    klaar = re.search(r"^\s*(\d+) requests in", out, re.M)
    if klaar and int(klaar.group(1)) == 0:  # nothing answered within the run: the p50 is above it
        return {"p50_ms": None, "rps": 0.0, "fouten": 0, "geen_antwoord_binnen_s": duur}
    return {"p50_ms": _ms(p50.group(1)), "rps": float(rps.group(1)), "fouten": int(fout.group(1)) if fout else 0}


def _headers(pad: str, login: tuple[str, str]) -> dict:
    token, session = login
    if pad.startswith("/api/"):
        return {"Authorization": f"Token {token}", "Accept": "application/json"}
    return {"Cookie": f"sessionid={session}", "Accept": "text/html"}


def velden_gelijk(service_base: str, ref_base: str, pad: str, headers: dict) -> str:
    """Do both sides answer the same first page? 'ja', or what differs."""
    import requests

    a = requests.get(service_base + pad, headers=headers, timeout=60)
    b = requests.get(ref_base + pad, headers=headers, timeout=60)
    if a.status_code != 200 or b.status_code != 200:
        return f"HTTP {a.status_code} / {b.status_code}"
    if not pad.startswith("/api/"):
        for module in referentie_modules():  # a module that can compare its HTML pages says so
            if hasattr(module, "html_gelijk") and pad in getattr(module, "ROUTES", {}):
                return module.html_gelijk(a.text, b.text)
        return "ja (HTML, niet veld voor veld)"
    ra, rb = a.json()["results"], b.json()["results"]
    if ra == rb:
        return "ja"
    if len(ra) != len(rb):
        return f"nee: {len(ra)} tegen {len(rb)} rijen"
    for x, y in zip(ra, rb, strict=True):
        for key in sorted(set(x) | set(y)):
            if x.get(key) != y.get(key):
                return f"nee: veld {key}: {x.get(key)!r} tegen {y.get(key)!r}"
    return "nee"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/ips_bench_nl")
    parser.add_argument("--duur", type=int, default=10, help="seconden wrk per lijst, per kant, per ronde")
    parser.add_argument("--rondes", type=int, default=3)
    parser.add_argument("--verbindingen", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn-workers, aan beide kanten")
    parser.add_argument(
        "--conn-max-age", default="60", help="DB_CONN_MAX_AGE van de service (docker-compose.yml: 60; 0: per verzoek)"
    )
    parser.add_argument("--alleen", default="", help="komma-gescheiden delen van lijstnamen")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        raise SystemExit("wrk ontbreekt: installeer het met `bash scripts/wrk.sh` (apt-get install wrk)")

    from bench.common import start_gunicorn, use_database
    from bench.load import _free_port, _login, _users, _wait

    url = use_database(args.database, create=False)
    from django.conf import settings
    from django.db import connections

    lijsten = [v for v in vergelijkingen() if not args.alleen or any(d in v[0] for d in args.alleen.split(","))]
    users = _users()
    print(f"== queries per verzoek (pageSize 1/50/500), {url}", flush=True)
    queries = {}
    for naam, rol, pad in lijsten:
        queries[naam] = query_counts(users[rol], pad) if "pageSize" in pad else {}
        print(f"    {naam:<32} {queries[naam]}", flush=True)
    connections.close_all()

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "IPS_LOGIN_RATE": "1000/minute",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DB_CONN_MAX_AGE": args.conn_max_age,
    }
    sport, rport = _free_port(), _free_port()
    service = start_gunicorn("backoffice.wsgi", sport, args.workers, env, ROOT)
    referentie = start_gunicorn("bench.lijsten:referentie_app()", rport, args.workers, env, ROOT)
    uitslag: dict = {naam: {"service": [], "referentie": []} for naam, _, _ in lijsten}
    try:
        _wait(sport)
        _wait(rport)
        sbase, rbase = f"http://127.0.0.1:{sport}", f"http://127.0.0.1:{rport}"
        _klaar(sbase)
        _klaar(rbase)
        logins = {rol: _login(sbase, f"bench-load-{rol}") for rol in {r for _, r, _ in lijsten}}
        for naam, rol, pad in lijsten:
            gelijk = velden_gelijk(sbase, rbase, pad, _headers(pad, logins[rol]))
            uitslag[naam]["velden_gelijk"] = gelijk
            print(f"    {naam:<32} zelfde velden: {gelijk}", flush=True)
        for ronde in range(args.rondes):
            print(
                f"== ronde {ronde + 1}/{args.rondes}: wrk {args.verbindingen} verbindingen, {args.duur} s", flush=True
            )
            for naam, rol, pad in lijsten:
                kanten = [("service", sbase), ("referentie", rbase)]
                for kant, base in kanten if ronde % 2 == 0 else kanten[::-1]:
                    meting = wrk(base + pad, _headers(pad, logins[rol]), duur=args.duur, verbindingen=args.verbindingen)
                    uitslag[naam][kant].append(meting)
                    p50 = f"{meting['p50_ms']:8.1f} ms" if meting["p50_ms"] is not None else f"> {args.duur} s"
                    print(
                        f"    {naam:<32} {kant:<10} p50 {p50:>11} {meting['rps']:7.1f} req/s"
                        + (f"  {meting['fouten']} fouten" if meting["fouten"] else ""),
                        flush=True,
                    )
    finally:
        _stop(service)
        _stop(referentie)

    print(f"== samenvatting (mediaan over de rondes), uptime: {os.getloadavg()}", flush=True)
    print(f"    {'lijst':<32} {'service':>20} {'referentie':>20} {'p50-factor':>10}  queries 1/50/500")
    for naam, _, _ in lijsten:
        rij = uitslag[naam]
        for kant in ("service", "referentie"):
            metingen = rij[kant]
            # no answer within the run counts as the run's length (a lower bound)
            rij[f"{kant}_p50_ms"] = _mediaan([m["p50_ms"] or args.duur * 1000.0 for m in metingen])
            rij[f"{kant}_rps"] = _mediaan([m["rps"] for m in metingen])
        rij["factor"] = round(rij["service_p50_ms"] / rij["referentie_p50_ms"], 2) if rij["referentie_p50_ms"] else None
        rij["queries"] = queries[naam]
        teken = "ok" if rij["factor"] is not None and rij["factor"] <= DOEL else "BOVEN DOEL"
        print(
            f"    {naam:<32} {rij['service_p50_ms']:7.1f} ms {rij['service_rps']:6.1f}/s "
            f"{rij['referentie_p50_ms']:7.1f} ms {rij['referentie_rps']:6.1f}/s {rij['factor']:>9}x {teken:<10} "
            f"{'/'.join(str(v) for v in queries[naam].values())}",
            flush=True,
        )
    resultaat = {"database": url, "verbindingen": args.verbindingen, "workers": args.workers, "lijsten": uitslag}
    resultaat["load"] = os.getloadavg()
    print("RESULT " + json.dumps(resultaat, default=str))


def _mediaan(values: list[float]) -> float:
    from statistics import median

    return round(median(values), 1) if values else 0.0


if __name__ == "__main__":
    main()
