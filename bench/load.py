"""Load test on the national-scale database (issue 6, part 2): gunicorn with several workers serves
the bench database; locust, headless in its own process, plays 50 concurrent users reading
``GET /api/v1/trajecten``, ``GET /api/v1/declaraties`` (token) and the werkbak start page ``GET /``
(session). Prints p50, p95, p99 and requests per second per endpoint.

    python -m bench.load [--database postgres://.../ips_bench_nl] [--rollen uwv,aanbieder]
                         [--gebruikers 50] [--duur 60] [--workers 4] [--pagina 50]

Before the load, in this process: the number of queries of one request per endpoint for page
sizes 1, 50 and 500 (it must not depend on the page size), and the time of that one request.
Each role gets one bench user (``bench-load-uwv``: UWV beoordelaar, sees everything;
``bench-load-aanbieder``: a provider's employee; ``bench-load-financieel`` and
``bench-load-gemeente`` for bench.lijsten), logged in once for real (token through
``POST /api/v1/auth/token``, session through ``POST /inloggen``); locust reuses both.
Prints a ``RESULT`` JSON line at the end."""

import argparse
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-load-wachtwoord-niet-geheim"
ENDPOINTS = ("/api/v1/trajecten", "/api/v1/declaraties", "/")
# The bench users per role (``bench-load-<rol>``); bench.lijsten also compares the werkbak of UWV
# financieel and of a gemeente.
ROLLEN = {
    "uwv": "uwv_beoordelaar",
    "aanbieder": "aanbieder_medewerker",
    "financieel": "uwv_financieel",
    "gemeente": "gemeente_medewerker",
}


def _users() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from financiering.models import Aanbieder, Medewerker

    User = get_user_model()
    made = {}
    for rol, group in ROLLEN.items():
        user, _ = User.objects.get_or_create(username=f"bench-load-{rol}")
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=group)])
        if rol == "aanbieder":
            # The provider with the most trajectories: its pages are the heaviest of any provider.
            aanbieder = Aanbieder.objects.order_by("id").first()
            Medewerker.objects.update_or_create(user=user, defaults={"aanbieder": aanbieder})
        if rol == "gemeente":
            medewerker, _ = Medewerker.objects.update_or_create(user=user, defaults={"aanbieder": None})
            medewerker.gemeenten.set([_drukste_gemeente()])
        made[rol] = user
    return made


def _drukste_gemeente() -> int:
    """The gemeente with the most gemeente-route trajectories (the heaviest gemeente pages)."""
    from django.db.models import Count

    from trajecten.models import Traject

    rij = (
        Traject.objects.filter(route="gemeente")
        .values("gemeente_id")
        .annotate(n=Count("id"))
        .order_by("-n", "gemeente_id")
    )
    eerste = rij.first()
    if eerste is None:
        from financiering.models import Gemeente

        return Gemeente.objects.order_by("id").values_list("id", flat=True).first()
    return eerste["gemeente_id"]


def query_counts(user) -> dict:
    """Queries and time of one request per endpoint, for page sizes 1, 50 and 500 (in-process)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    out = {}
    for path in ENDPOINTS:
        for size in (1, 50, 500) if path.startswith("/api") else (None,):
            url = f"{path}?pageSize={size}" if size else path
            client.get(url)  # warm (first-request imports, caches)
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url, HTTP_ACCEPT="application/json" if size else "text/html")
                seconds = time.perf_counter() - start
            assert response.status_code == 200, (url, response.status_code)
            out[url] = {"queries": len(ctx.captured_queries), "ms": round(seconds * 1000)}
            print(
                f"    {url:<36} {len(ctx.captured_queries):3} queries {seconds * 1000:7.0f} ms (1 verzoek)", flush=True
            )
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn luistert niet op poort {port}")


def _login(base: str, username: str) -> tuple[str, str]:
    import requests

    token = requests.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD}, timeout=120)
    token.raise_for_status()
    s = requests.Session()
    page = s.get(f"{base}/inloggen", timeout=120)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = s.post(
        f"{base}/inloggen",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{base}/inloggen"},
        timeout=120,
        allow_redirects=False,
    )
    if done.status_code != 302 or "sessionid" not in s.cookies:
        raise SystemExit(f"inloggen op /inloggen mislukt: HTTP {done.status_code}")
    return token.json()["token"], s.cookies["sessionid"]


def _stats(prefix: Path) -> dict:
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            rows[row["Name"]] = {
                "verzoeken": int(row["Request Count"]),
                "fouten": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "rps": round(float(row["Requests/s"]), 1),
            }
    return rows


def run_load(*, url: str, rol: str, users: int, duur: int, workers: int, pagina: int) -> dict:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "IPS_LOGIN_RATE": "1000/minute",
    }
    from bench.common import start_gunicorn

    gunicorn = start_gunicorn("backoffice.wsgi", port, workers, env, ROOT)
    try:
        _wait(port)
        base = f"http://127.0.0.1:{port}"
        token, session = _login(base, f"bench-load-{rol}")
        prefix = ROOT / "var" / f"bench-load-{rol}"
        prefix.parent.mkdir(exist_ok=True)
        cmd = [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(users // 5, 1)),
            "--run-time",
            f"{duur}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        print(f"  locust: {users} gebruikers, {duur} s, rol {rol}, {workers} gunicorn-workers", flush=True)
        proc = subprocess.run(
            cmd,
            cwd=ROOT,
            env={**env, "BENCH_TOKEN": token, "BENCH_SESSION": session, "BENCH_PAGE_SIZE": str(pagina)},
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode not in (0, 1):  # 1: some requests failed, still report
            sys.stdout.write(proc.stderr[-3000:])
            raise SystemExit(f"locust faalde (exit {proc.returncode})")
        stats = _stats(prefix)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    for name, s in stats.items():
        print(
            f"    {name:<28} {s['verzoeken']:6} verzoeken {s['fouten']:4} fouten  p50 {s['p50_ms']:6.0f} ms  "
            f"p95 {s['p95_ms']:6.0f} ms  p99 {s['p99_ms']:6.0f} ms  {s['rps']:6.1f} req/s",
            flush=True,
        )
    return stats


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/ips_bench_nl")
    parser.add_argument("--rollen", default="uwv,aanbieder")
    parser.add_argument("--gebruikers", type=int, default=50)
    parser.add_argument("--duur", type=int, default=60, help="seconden load per rol")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn-workers")
    parser.add_argument("--pagina", type=int, default=50, help="pageSize van de API-lijsten onder load")
    parser.add_argument("--geen-load", action="store_true", help="alleen de queries per verzoek")
    args = parser.parse_args(argv)

    from bench.common import use_database

    url = use_database(args.database, create=False)
    users = _users()
    result = {"database": url, "gebruikers": args.gebruikers, "duur": args.duur, "workers": args.workers}
    for rol in args.rollen.split(","):
        print(f"== rol {rol}: queries per verzoek", flush=True)
        result[rol] = {"queries": query_counts(users[rol])}
        from django.db import connections

        connections.close_all()
        if not args.geen_load:
            result[rol]["load"] = run_load(
                url=url, rol=rol, users=args.gebruikers, duur=args.duur, workers=args.workers, pagina=args.pagina
            )
    print("RESULT " + json.dumps(result, default=str))


if __name__ == "__main__":
    main()
