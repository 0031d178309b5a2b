"""A BSN never travels in a URL, and never stands unmasked in a log (issue 9, finding 3).

- The API refuses a query parameter named like a BSN with 400 ``bsn-in-url`` before any list
  sees it (``GET /api/v1/deelnemers?bsn=...`` answered the whole unfiltered list); a web page drops
  it, so that no page echoes it (pagination links carried the query string).
- Every configured log handler masks 9-digit runs, also runserver's access log (``django.server``);
  a real runserver and a real gunicorn (with the repo's gunicorn.conf.py), started on loopback and
  hit with a BSN in the query string, write no BSN in their output."""

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from backoffice.crypto import MaskBsnFilter
from tests.factories import valid_bsn

ROOT = Path(__file__).resolve().parents[2]
BSN = valid_bsn(3301)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/deelnemers?bsn={BSN}",
        f"/api/v1/deelnemers?pageSize=10&BSN={BSN}",
        f"/api/v1/aanvragen?deelnemerBsn={BSN}",
        f"/api/v1/trajecten?burgerservicenummer={BSN}",
        f"/api/v1/signalen?bsn={BSN}",
        f"/api/v1/deelnemers/_zoek?bsn={BSN}",
    ],
)
def test_the_api_refuses_a_bsn_in_the_query_string(world, url):
    world.f.DeelnemerFactory(aanbieder=world.noord, gemeente=world.amsterdam, bsn=BSN)
    client = world.client(world.ggz_noord)
    response = client.post(url, {"bsn": BSN}, format="json") if "_zoek" in url else client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "bsn-in-url"
    assert problem["detail"].startswith("Een BSN hoort nooit in een URL")
    assert problem["invalidParams"][0]["code"] == "bsn-in-url"
    assert BSN not in response.content.decode() and BSN[-4:] not in response.content.decode()
    # without a login too: refused before anything else
    assert world.client(None).get(url).status_code == 400


@pytest.mark.django_db
def test_a_list_without_a_bsn_parameter_still_works(world):
    assert world.client(world.ggz_noord).get("/api/v1/deelnemers?pageSize=10").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [f"/trajecten/?status=actief&bsn={BSN}", f"/aanvragen/?bsn={BSN}", f"/deelnemers/zoeken/?bsn={BSN}"]
)
def test_a_web_page_drops_a_bsn_in_the_query_string(world, url):
    client = Client()
    client.force_login(world.ggz_noord)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert BSN not in html
    assert "bsn=" not in html.lower().replace('name="bsn"', "")


# --- the log handlers ---------------------------------------------------------------------------


def _handlers():
    """Every handler on every logger Django configured (pytest's own capture handlers aside)."""
    loggers = [
        logging.getLogger(),
        *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)),
    ]
    seen = {}
    for logger in loggers:
        for handler in logger.handlers:
            if type(handler).__module__.startswith("_pytest") or isinstance(handler, logging.NullHandler):
                continue  # pytest's capture; a NullHandler (urllib3's) writes nothing
            seen[id(handler)] = (logger.name, handler)
    return list(seen.values())


def test_every_configured_handler_masks_a_bsn():
    handlers = _handlers()
    names = {name for name, _ in handlers}
    assert {"root", "django", "django.server"} <= names, names  # the control: the walk finds them
    for name, handler in handlers:
        assert any(isinstance(f, MaskBsnFilter) for f in handler.filters), (name, handler)
        record = logging.LogRecord(
            name, logging.ERROR, __file__, 1, '"GET /api/v1/deelnemers?bsn=%s HTTP/1.1" 400', (BSN,), None
        )
        assert handler.filter(record)
        assert BSN not in record.getMessage() and f"*****{BSN[-4:]}" in record.getMessage(), name


def test_the_filter_masks_a_traceback_and_every_nine_digit_run():
    try:
        raise ValueError(f"kapot bij {BSN}")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "fout %s en 123456789", ("987654321",), sys.exc_info()
        )
    MaskBsnFilter().filter(record)
    text = logging.Formatter().format(record)
    assert BSN not in text and "123456789" not in text and "987654321" not in text
    assert "*****6789" in text and "*****4321" in text
    # ten digits or eight are no BSN and stay as they are
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "1234567890 12345678", None, None)
    MaskBsnFilter().filter(record)
    assert record.getMessage() == "1234567890 12345678"


# --- real servers on loopback -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_and_probe(command: list[str], port: int, tmp_path) -> str:
    """Start the server, wait until it answers (at most 30 s), send requests with a BSN in the
    query string, stop it, and return everything it wrote."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "IPS_VAR_DIR": str(tmp_path / "var"),
        "REDIS_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    out = (tmp_path / "server.log").open("w+b")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline or process.poll() is not None:
                    out.flush()
                    pytest.fail("server did not start:\n" + (tmp_path / "server.log").read_text()[-3000:])
                time.sleep(0.2)
        statuses = []
        for path in (f"/api/v1/deelnemers?bsn={BSN}", f"/inloggen?bsn={BSN}"):
            try:
                statuses.append(urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10).status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
        assert statuses[0] == 400, statuses
        # wait for both access-log lines (masked or not: the assertions after this judge them)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            written = (tmp_path / "server.log").read_text(errors="replace")
            if "/api/v1/deelnemers?" in written and "/inloggen?" in written:
                break
            time.sleep(0.05)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        out.close()
    return (tmp_path / "server.log").read_text(errors="replace")


def test_runserver_access_log_masks_the_bsn(tmp_path):
    port = _free_port()
    log = _serve_and_probe(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"], port, tmp_path
    )
    assert f"/api/v1/deelnemers?bsn=*****{BSN[-4:]}" in log, log[-2000:]  # the control: the line is there
    assert BSN not in log, log[-2000:]


def test_gunicorn_access_and_error_log_mask_the_bsn(tmp_path):
    port = _free_port()
    log = _serve_and_probe(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "backoffice.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
        ],  # fmt: skip
        port,
        tmp_path,
    )
    assert f"/api/v1/deelnemers?bsn=*****{BSN[-4:]}" in log, log[-2000:]
    assert "Booting worker" in log  # the error log went to the same output
    assert BSN not in log, log[-2000:]
