"""The BSN never in plain text: not in the database, not in a log record, not in a URL, not in an
answer or an export (docs/security.md).

One flow carries several BSNs through every path that touches one: registration through the API
and through the web form (also refused: a duplicate and a BSN that fails the eleven-test), both
searches, the gemeente's and UWV's decisions, a placement, a declaration, a paid payment order, a
claim on the gemeente, the nightly and monthly jobs with their e-mail digest, every export (CSV,
XLSX, SEPA) and the admin's participant pages. Meanwhile a middleware records every request and
answer and a handler on the root logger records every log record (at DEBUG). Afterwards:

- every text, varchar, json(b) and integer column of every table in the database is searched for
  each BSN (the integer columns for the number itself);
- every log record (message, arguments and traceback), every e-mail, every URL requested, every
  redirect and every link in a page, every answer and every export (XLSX unzipped) is searched;
- the cache (Redis) keys and values of this test are searched.
"""

import contextlib
import datetime
import io
import logging
import re
import zipfile

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from stdnum.nl import bsn as stdnum_bsn

from backoffice import crypto
from declaraties.models import Vordering
from financiering.models import Regeling
from tests.declaraties.geld_helpers import claim, declare, moment, pay, start_line
from trajecten.models import Deelnemer

pytestmark = pytest.mark.django_db
D = datetime.date
RECORDED: list[dict] = []


class Recorder:
    """Test-only middleware: keeps every request's URL and every answer's headers and body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming:
            body = b"".join(response.streaming_content)
            response.streaming_content = [body]
        else:
            body = response.content
        RECORDED.append(
            {
                "url": request.get_full_path(),
                "location": response.get("Location", ""),
                "type": response.get("Content-Type", ""),
                "body": body,
                "status": response.status_code,
            }
        )
        return response


class Keep(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text} {record.args!r}")


@pytest.fixture
def recorded(settings):
    RECORDED.clear()
    settings.MIDDLEWARE = ["tests.security.test_bsn_lekken.Recorder", *settings.MIDDLEWARE]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield RECORDED
    RECORDED.clear()


@pytest.fixture
def logs():
    handler = Keep()
    root = logging.getLogger()
    old_level = root.level
    root.handlers.insert(0, handler)  # before the console handler, whose MaskBsnFilter rewrites the record
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def _texts(entry: dict) -> list[str]:
    """The answer as text; an XLSX (a zip of XML) unzipped."""
    body = entry["body"]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return [body.decode("utf-8", "replace")]


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _scan_database(bsns: list[str], *, numbers: bool = True) -> tuple[list[str], int]:
    """The columns (table.column) holding any of ``bsns``: text, varchar, json(b) by substring, the
    integer columns by the number itself. One query per table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN "
            "('text', 'character varying', 'character', 'json', 'jsonb', 'integer', 'bigint', 'numeric')"
        )
        per_table: dict[str, list[tuple[str, str]]] = {}
        columns = cursor.fetchall()
        for table, column, data_type in columns:
            per_table.setdefault(table, []).append((column, data_type))
        patterns = [f"%{b}%" for b in bsns]
        as_numbers = [int(b) for b in bsns if b.isdigit()] if numbers else []
        found = []
        for table, cols in per_table.items():
            checks, params = [], []
            for column, data_type in cols:
                if data_type in ("integer", "bigint", "numeric"):
                    usable = [n for n in as_numbers if data_type != "integer" or n <= 2**31 - 1]
                    if usable:
                        checks.append(f'"{column}" = ANY(%s)')
                        params.append(usable)
                else:
                    checks.append(f'"{column}"::text LIKE ANY(%s)')
                    params.append(patterns)
            if not checks:
                continue
            select = ", ".join(f"bool_or({check})" for check in checks)
            cursor.execute(f'SELECT {select} FROM "{table}"', params)
            hits = cursor.fetchone()
            found += [f"{table}.{cols_}" for cols_, hit in zip(_names(cols, as_numbers), hits, strict=True) if hit]
    return found, len(columns)


def _names(cols, as_numbers) -> list[str]:
    return [
        column
        for column, data_type in cols
        if data_type not in ("integer", "bigint", "numeric")
        or [n for n in as_numbers if data_type != "integer" or n <= 2**31 - 1]
    ]


@pytest.fixture(autouse=True)
def clock():
    """Before the world is built: its fidelity audits are dated today."""
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def test_the_bsn_is_nowhere_in_plain_text(clock, world, recorded, logs, request):
    # pass the eleven-test; far from the factories' numbers
    bsn_api, bsn_web, bsn_open = "987654305", "987654317", "987654329"
    assert all(stdnum_bsn.is_valid(b) for b in (bsn_api, bsn_web, bsn_open))
    bsn_wrong = bsn_api[:-1] + str((int(bsn_api[-1]) + 1) % 10)  # one digit off: fails the eleven-test
    bsns = [bsn_api, bsn_web, bsn_open]
    with contextlib.nullcontext():
        noord = world.client(world.ggz_noord)
        # registration through the API, a duplicate, an invalid one
        person = noord.post(
            "/api/v1/deelnemers",
            {
                "bsn": bsn_api,
                "voorletters": "A.",
                "achternaam": "Bakker",
                "geboortedatum": "1985-03-01",
                "gemeente": "0363",
                "uitkering": "participatiewet",
                "doelgroep": "epa",
            },
            format="json",
        )
        assert person.status_code == 201, person.json()
        assert person.json()["bsnGemaskeerd"] == "*****" + bsn_api[-4:]
        again = noord.post("/api/v1/deelnemers", {**person.json(), "bsn": bsn_api, "gemeente": "0363"}, format="json")
        assert again.status_code in (400, 409)
        wrong = noord.post("/api/v1/deelnemers", {"bsn": bsn_wrong}, format="json")
        assert wrong.status_code == 400
        filed = noord.post(
            "/api/v1/aanvragen",
            {
                "deelnemer": person.json()["uuid"],
                "perceel": "demo-gem-epa",
                "regiebehandelaar": "Dr. P. Jansen",
                "inBehandelingSggz": True,
                "toestemmingOp": str(timezone.localdate()),
                "wensBetaaldWerk": True,
                "geenOfKleinDienstverband": True,
            },
            format="json",
        ).json()
        # an application nobody decides: late by April, a signal, and the nightly digest mails it
        late = noord.post(
            "/api/v1/deelnemers",
            {
                "bsn": bsn_open,
                "voorletters": "C.",
                "achternaam": "Smit",
                "geboortedatum": "1980-01-01",
                "gemeente": "0363",
                "uitkering": "participatiewet",
                "doelgroep": "epa",
            },
            format="json",
        ).json()
        assert (
            noord.post(
                "/api/v1/aanvragen",
                {
                    "deelnemer": late["uuid"],
                    "perceel": "demo-gem-epa",
                    "regiebehandelaar": "Dr. P. Jansen",
                    "inBehandelingSggz": True,
                    "toestemmingOp": str(timezone.localdate()),
                    "wensBetaaldWerk": True,
                    "geenOfKleinDienstverband": True,
                },
                format="json",
            ).status_code
            == 201
        )
        # registration through the page: refused with an invalid BSN, then accepted
        web = _web(world.ggz_noord)
        form = {
            "voorletters": "B.",
            "achternaam": "Visser",
            "geboortedatum": "1990-05-05",
            "gemeente": str(world.amsterdam.pk),
            "uitkering": "participatiewet",
            "doelgroep": "epa",
            "hoofddiagnosegroep": "onbekend",
            "opleiding": "onbekend",
            "geslacht": "onbekend",
            "burgerlijke_staat": "onbekend",
            "perceel": str(world.gem_epa.pk),
            "regiebehandelaar": "Dr. P. Jansen",
            "in_behandeling_sggz": "ja",
            "wens_betaald_werk": "ja",
            "geen_of_klein_dienstverband": "ja",
            "toestemming_op": str(timezone.localdate()),
        }
        refused = web.post("/aanvragen/nieuw/", {**form, "bsn": bsn_wrong})
        assert refused.status_code == 200 and 'aria-invalid="true"' in refused.content.decode()
        duplicate = web.post("/aanvragen/nieuw/", {**form, "bsn": bsn_api})
        assert duplicate.status_code == 200
        accepted = web.post("/aanvragen/nieuw/", {**form, "bsn": bsn_web})
        assert accepted.status_code == 302, re.sub(
            r"<[^>]+>", " ", accepted.content.decode().split("foutmelding", 1)[-1]
        )[:400]
        web.get(accepted["Location"])
        # both searches, by three roles
        assert (
            world.client(world.gem_amsterdam)
            .post("/api/v1/deelnemers/_zoek", {"bsn": bsn_api}, format="json")
            .json()["count"]
            == 1
        )
        assert _web(world.gem_amsterdam).post("/deelnemers/zoeken/", {"bsn": bsn_web}).status_code == 200
        assert _web(world.ggz_noord).post("/deelnemers/zoeken/", {"bsn": bsn_wrong}).status_code == 200
        # decisions: the gemeente's beschikking (the grant), and UWV on the one that is left for it
        for index, uuid in enumerate((filed["uuid"], accepted["Location"].rstrip("/").rsplit("/", 1)[1])):
            if index == 1:
                Regeling.objects.filter(code="demo-gem").update(uwv_akkoord_na_beschikking=True)
            response = world.client(world.gem_amsterdam).post(
                f"/api/v1/aanvragen/{uuid}/beoordelingen",
                {"besluit": "akkoord", "cofinancieringBevestigd": True},
                format="json",
            )
            assert response.status_code == 201
            if response.json()["traject"] is None:
                assert (
                    world.client(world.uwv)
                    .post(f"/api/v1/aanvragen/{uuid}/beoordelingen", {"besluit": "akkoord"}, format="json")
                    .status_code
                    == 201
                )
        trajecten = noord.get("/api/v1/trajecten").json()["results"]
        assert len(trajecten) == 2
        for traject in trajecten:
            web.get(f"/trajecten/{traject['uuid']}/")
            _web(world.uwv).get(f"/api/v1/deelnemers/{traject['deelnemer']}")
            _web(world.gem_amsterdam).get(f"/deelnemers/{traject['deelnemer']}/")
        # money: declared, paid, claimed; the jobs and their digest
        clock.move_to(moment(D(2026, 3, 10)))
        declare(world.ggz_noord, "D-2026-03", [start_line(t, f"R-{i}", D(2026, 3, 2)) for i, t in enumerate(trajecten)])
        opdracht = pay(world, clock, D(2026, 3, 16))
        claim(clock, D(2026, 4, 1))
        vordering = Vordering.objects.get()
        for user in (world.ggz_noord, world.gem_amsterdam):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        clock.move_to(moment(D(2026, 6, 1)))
        call_command("run_job", "nightly", "--date", "2026-06-01", stdout=io.StringIO())
        # every export
        fin, gem = _web(world.uwv_fin), _web(world.gem_amsterdam)
        for client, url in (
            (fin, f"/betaalopdrachten/{opdracht.uuid}/regels.csv"),
            (fin, f"/betaalopdrachten/{opdracht.uuid}/regels.xlsx"),
            (fin, f"/betaalopdrachten/{opdracht.uuid}/sepa.xml"),
            (fin, f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa"),
            (fin, f"/api/v1/betaalopdrachten/{opdracht.uuid}/regels?formaat=csv"),
            (gem, f"/vorderingen/{vordering.uuid}/regels.csv"),
            (gem, f"/vorderingen/{vordering.uuid}/regels.xlsx"),
            (gem, f"/api/v1/vorderingen/{vordering.uuid}/regels?formaat=xlsx"),
            (fin, "/vorderingen/overzicht.csv"),
            (fin, "/vorderingen/overzicht.xlsx"),
            (fin, "/dashboard/budget.csv"),
            (fin, "/api/v1/werkmonitor?kwartaal=2026-Q1&formaat=csv"),
            (fin, "/api/v1/werkmonitor?kwartaal=2026-Q1&formaat=xlsx"),
            (_web(world.ggz_noord), "/api/v1/werkmonitor?kwartaal=2026-Q1"),
            (_web(world.uwv), "/api/v1/prestaties"),
            (_web(world.uwv), "/api/v1/declaraties"),
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        # the admin's participant pages
        superuser = world.f.UserFactory(username="root", is_staff=True, is_superuser=True)
        admin = _web(superuser)
        for deelnemer in Deelnemer.objects.all():
            admin.get(f"/admin/trajecten/deelnemer/{deelnemer.pk}/change/")
            admin.get(f"/admin/trajecten/deelnemer/{deelnemer.pk}/history/")
        admin.get("/admin/trajecten/deelnemer/")
        admin.get("/admin/backoffice/bsnraadpleging/")

    assert sorted(crypto.decrypt(d.bsn_versleuteld) for d in Deelnemer.objects.all()) == sorted(bsns)
    everything = [*bsns, bsn_wrong]

    # the database (the control: the scan does find the hash where it belongs)
    found, n_columns = _scan_database(everything)
    assert not found, f"BSN in de database: {found}"
    assert "trajecten_deelnemer.bsn_hash" in _scan_database([crypto.bsn_hash(bsn_api)], numbers=False)[0]
    # the logs (the control: a record with a BSN is captured, and masked by the configured filter)
    logging.getLogger("ips.controle").warning("controle %s", bsn_api)
    assert sum(bsn_api in line for line in logs.lines) == 1, "the log capture is broken"
    control = logs.lines.pop()
    record = logging.LogRecord("ips.controle", logging.WARNING, __file__, 0, "controle %s", (bsn_api,), None)
    crypto.MaskBsnFilter().filter(record)
    assert bsn_api not in record.getMessage() and bsn_api in control
    assert not [line for line in logs.lines if any(b in line for b in everything)], "BSN in een logregel"
    # e-mail (the nightly digest about the late decision)
    assert mail.outbox, "the nightly job sent no digest: the e-mail scan would scan nothing"
    for message in mail.outbox:
        parts = [message.subject, message.body, *(str(c) for c, _ in getattr(message, "alternatives", []))]
        assert not any(b in part for b in everything for part in parts)
    # URLs, redirects and links; answers and exports
    urls = 0
    for entry in recorded:
        links = (
            re.findall(r'(?:href|src|action)="([^"]*)"', entry["body"].decode("utf-8", "replace"))
            if "html" in entry["type"]
            else []
        )
        for url in (entry["url"], entry["location"], *links):
            urls += 1
            assert not any(b in url for b in everything), f"BSN in een URL: {url}"
        for text in _texts(entry):
            assert not any(b in text for b in bsns), f"BSN in het antwoord op {entry['url']}"
    # the cache
    from django.conf import settings
    from django.core.cache import cache

    client = cache._cache.get_client(write=False)
    for key in client.scan_iter(match=f"{settings.CACHES['default'].get('KEY_PREFIX', '')}*"):
        value = client.get(key) or b""
        assert not any(b.encode() in key or b.encode() in value for b in everything), key

    figures = {
        "kolommen": n_columns,
        "logregels": len(logs.lines),
        "antwoorden": len(recorded),
        "urls": urls,
        "mails": len(mail.outbox),
    }
    request.node.user_properties.append(("bsn-scan", figures))
    print(f"\nBSN-scan: {figures}")
