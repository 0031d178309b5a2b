"""Issue 6, part 3: more than one of each process.

Workers: two real Celery workers on one queue share the jobs; jobs queued several times (as beat
after a restart, or an operator by hand) are done once: the advisory lock keeps two runs of a job
apart and every step is idempotent, so the result equals one clean run.

Web: a web process keeps nothing of its own. Sessions and tokens are in PostgreSQL, the login
throttle in Redis; so a login at one process works at another, a logout at one ends the session
at the other, and failed logins count across processes. Each web process here is an operating
system process of its own."""

import datetime as dt
import re
import uuid

import pytest
import redis
import requests
from django.db import connection

from backoffice.models import Taakrun
from backoffice.tasks import run_job_task

from .servers import ProcessServer
from .snapshots import clean_run, snapshot
from .workers import Worker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True)]
D = dt.date

COPIES = 4  # each job queued four times


def _succeeded(workers) -> list[int]:
    return [len(re.findall(r"Task backoffice\.run_job\[[^]]+\] succeeded", w.log(1_000_000))) for w in workers]


def test_two_workers_share_the_jobs_and_do_nothing_twice(data, tmp_path, settings):
    jobs = [("weekly", D(2026, 3, 2)), ("nightly", D(2030, 1, 2))]
    clean, _ = clean_run(jobs, tmp_path / "clean", settings)
    queue = f"ips-test-{uuid.uuid4().hex[:8]}"
    workers = [Worker(queue, tmp_path, name=f"w{i}", loglevel="info") for i in (1, 2)]
    try:
        wait_for(lambda: all(" ready." in w.log(100_000) for w in workers), timeout=60, what="workers", workers=workers)
        for job, datum in jobs:
            for _ in range(COPIES):
                run_job_task.apply_async(args=(job, datum.isoformat()), queue=queue)
        wait_for(
            lambda: Taakrun.objects.exclude(status="bezig").count() == COPIES * len(jobs),
            timeout=60,
            what="alle runs klaar",
            workers=workers,
        )
        # a worker logs "succeeded" just after the run's record is committed: wait for the line too
        wait_for(
            lambda: sum(_succeeded(workers)) == COPIES * len(jobs), timeout=30, what="taken gemeld", workers=workers
        )
        done = _succeeded(workers)
    finally:
        for worker in workers:
            worker.stop()

    assert sum(done) == COPIES * len(jobs)
    assert all(n > 0 for n in done), f"één worker deed alles: {done}"
    runs = list(Taakrun.objects.all())
    assert {r.status for r in runs} <= {"geslaagd", "overgeslagen"}, [(r.status, r.fouten) for r in runs]
    # the work itself was done once: the same rows as one clean run of each job ...
    assert snapshot() == clean
    # ... and the counts of all runs of a job add up to those of one run
    for job, _ in jobs:
        totals: dict[str, int] = {}
        for run in runs:
            if run.taak == job:
                for key, value in run.counts.items():
                    totals[key] = totals.get(key, 0) + value
        assert any(totals.values()), job
        one = next(r for r in runs if r.taak == job and r.status == "geslaagd" and any(r.counts.values()))
        assert totals == one.counts, job


@pytest.fixture
def web_processes(transactional_db):
    """Two web processes on the test database and Redis, with a login rate of 3 a minute."""
    if connection.vendor != "postgresql":
        pytest.fail("Deze test vraagt PostgreSQL en Redis (DATABASE_URL, REDIS_URL).")
    db = connection.settings_dict
    env = {
        "DATABASE_URL": f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}",
        "DB_CONN_MAX_AGE": "0",
        "IPS_LOGIN_RATE": "3/minute",
    }
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{db['PASSWORD']}@", 1)
    client = redis.Redis.from_url(django_redis_url())
    throttle_keys = ["*throttle_login_*", "*ips:web-login:*"]

    def clear():
        for pattern in throttle_keys:
            for key in client.scan_iter(match=f":1:{pattern.lstrip('*')}"):
                client.delete(key)

    clear()
    servers = [ProcessServer(env), ProcessServer(env)]
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()
        clear()


def django_redis_url() -> str:
    from django.conf import settings

    return settings.CACHES["default"]["LOCATION"]


def web_login(session: requests.Session, base: str, username: str, password: str) -> requests.Response:
    page = session.get(f"{base}/inloggen", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session.post(
        f"{base}/inloggen",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/inloggen"},
        allow_redirects=False,
        timeout=30,
    )


def test_web_processes_share_no_state(world, web_processes, settings):
    a, b = (server.url for server in web_processes)
    from django.conf import global_settings

    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # what the web processes use
    world.ggz_noord.set_password("geheim-wachtwoord-1")
    world.ggz_noord.save()

    # a token from process A works at process B
    response = requests.post(
        f"{a}/api/v1/auth/token", json={"username": "ggz-noord", "password": "geheim-wachtwoord-1"}, timeout=30
    )
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Token {response.json()['token']}"}
    assert requests.get(f"{b}/api/v1/aanvragen", headers=headers, timeout=30).status_code == 200

    # a session started at A is valid at B (for the pages and the API); a logout at B ends it at A
    browser = requests.Session()
    assert web_login(browser, a, "ggz-noord", "geheim-wachtwoord-1").status_code == 302
    assert browser.get(f"{b}/", allow_redirects=False, timeout=30).status_code == 200
    assert browser.get(f"{b}/api/v1/aanvragen", timeout=30).status_code == 200
    csrf = browser.cookies.get("csrftoken")
    logout = browser.post(
        f"{b}/uitloggen", headers={"X-CSRFToken": csrf, "Referer": f"{b}/"}, allow_redirects=False, timeout=30
    )
    assert logout.status_code == 302, logout.status_code
    assert browser.get(f"{a}/", allow_redirects=False, timeout=30).status_code == 302  # back to /inloggen

    # failed logins count across processes: 3 a minute in total, not 3 per process
    wrong = {"username": "ggz-noord", "password": "fout"}
    statuses = [
        requests.post(f"{server}/api/v1/auth/token", json=wrong, timeout=30).status_code for server in (a, b, a, b)
    ]
    # the successful token login above was the first of the minute
    assert statuses == [400, 400, 429, 429], statuses
