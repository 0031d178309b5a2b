"""Issue 6, part 4: PostgreSQL or Redis goes away during a request. The answer is a clean
problem+json 503 with a Dutch message and a stable code (never a 500 traceback), nothing is half
written, and the next request after the service returns works again.

The real servers stay up (others use them): the web app under test reaches them through a TCP
proxy (tests/reliability/proxy.py) that the test cuts and restores. The app runs in a real WSGI
server, so Django's own request cycle (dropping a broken connection after the request) is tested,
not the test client's shortcut."""

import psycopg
import pytest
import requests
from django.db import connection
from django.db.backends.signals import connection_created
from knox.models import AuthToken

from tests.conftest import World
from tests.trajecten.aanvraag_helpers import body, deelnemer

from .proxy import Proxy
from .servers import ThreadServer

pytestmark = [pytest.mark.django_db(transaction=True)]


def assert_503(response, code: str):
    assert response.status_code == 503, (response.status_code, response.text[:500])
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == code
    assert problem["status"] == 503
    assert problem["title"] == "Tijdelijk niet beschikbaar"
    assert "opnieuw" in problem["detail"]  # Dutch, tells the user what to do
    assert "Traceback" not in response.text
    assert response.headers.get("Retry-After")


@pytest.fixture
def world(transactional_db):
    if connection.vendor != "postgresql":
        pytest.fail("Deze test vraagt PostgreSQL en Redis (DATABASE_URL, REDIS_URL).")
    return World()


@pytest.fixture
def db_proxy(world):
    """The web app's database connections go through a proxy; this test's own connection (made
    before the switch) and the checks below go straight to PostgreSQL."""
    settings_dict = connection.settings_dict
    direct = {k: settings_dict[k] for k in ("HOST", "PORT")}
    proxy = Proxy(direct["HOST"] or "127.0.0.1", int(direct["PORT"] or 5432))
    connection.ensure_connection()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", str(proxy.port)
    try:
        yield proxy
    finally:
        proxy.cut()
        settings_dict.update(direct)


def direct_count(table: str) -> int:
    """Straight to PostgreSQL, past the proxy and past every Django connection."""
    s = connection.settings_dict
    with psycopg.connect(
        host="127.0.0.1",
        port=5432,
        dbname=s["NAME"],
        user=s.get("USER") or "postgres",
        password=s.get("PASSWORD") or None,
    ) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names


def test_database_away_during_a_write_then_back(world, db_proxy):
    _, token = AuthToken.objects.create(user=world.ggz_noord)
    person = deelnemer(world)
    server = ThreadServer()
    headers = {"Authorization": f"Token {token}"}
    url = f"{server.url}/api/v1/aanvragen"
    state = {"armed": False, "cut": 0}

    def cut_after_first_insert(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if state["armed"] and sql.lstrip().upper().startswith("INSERT"):
            state["armed"] = False
            state["cut"] += 1
            db_proxy.cut()  # PostgreSQL goes away in the middle of the transaction
        return result

    def install(sender, connection, **kwargs):
        connection.execute_wrappers.append(cut_after_first_insert)

    connection_created.connect(install)
    try:
        before = {
            t: direct_count(t) for t in ("trajecten_aanvraag", "trajecten_besluit", "trajecten_historicalaanvraag")
        }

        # 1. the database is gone before the request: a read
        db_proxy.cut()
        assert_503(requests.get(url, headers=headers, timeout=30), "database-onbereikbaar")

        # 2. it goes away halfway through a write: nothing of the application is stored
        db_proxy.restore()
        state["armed"] = True
        response = requests.post(url, json=body(person), headers=headers, timeout=30)
        assert state["cut"] == 1, "de verbinding werd niet halverwege verbroken"
        assert_503(response, "database-onbereikbaar")
        assert {t: direct_count(t) for t in before} == before

        # 3. it is back: the same request succeeds, once
        db_proxy.restore()
        response = requests.post(url, json=body(person), headers=headers, timeout=30)
        assert response.status_code == 201, response.text[:500]
        assert direct_count("trajecten_aanvraag") == before["trajecten_aanvraag"] + 1
        assert requests.get(url, headers=headers, timeout=30).json()["count"] == 1
    finally:
        connection_created.disconnect(install)
        server.stop()


def test_redis_away_during_a_login_then_back(world, settings):
    """Redis holds the login throttle (and the Celery queue): without it a login cannot be counted,
    so it is refused with a 503, not let through and not a 500."""
    world.ggz_noord.set_password("geheim-wachtwoord-1")
    world.ggz_noord.save()
    redis_url = settings.CACHES["default"]["LOCATION"]
    host_port = redis_url.split("//", 1)[1].split("/", 1)
    host, port = host_port[0].split(":")
    proxy = Proxy(host, int(port))
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{proxy.port}/{host_port[1]}"}
    }
    server = ThreadServer()
    url = f"{server.url}/api/v1/auth/token"
    login = {"username": "ggz-noord", "password": "geheim-wachtwoord-1"}
    try:
        first = requests.post(url, json=login, timeout=30)  # through the proxy
        assert first.status_code == 200
        token = first.json()["token"]
        proxy.cut()
        assert_503(requests.post(url, json=login, timeout=30), "cache-onbereikbaar")
        # a request that needs only the database still works without Redis
        response = requests.get(
            f"{server.url}/api/v1/aanvragen", headers={"Authorization": f"Token {token}"}, timeout=30
        )
        assert response.status_code == 200
        proxy.restore()
        assert requests.post(url, json=login, timeout=30).status_code == 200
    finally:
        server.stop()
        proxy.cut()
