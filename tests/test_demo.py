"""demo_data builds a living desk (docs/demo.md): run once for the module, on PostgreSQL, and look
at it as a user would on first login: every demo account's werkbak lists work, every state occurs,
the counts are those in the README, a second run changes nothing, and it is quick."""

import os
import re
import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from backoffice import werkbak
from backoffice.models import Signaal
from bezwaren.management.commands.demo_data import ACCOUNTS
from bezwaren.models import Bezwaarschrift
from declaraties.models import Betaalopdracht, Prestatie, Vordering
from trajecten.models import Aanvraag, Traject, Verlenging

# About 30 s: outside the suite's budget (3:52 of 4 minutes), run it on purpose with IPS_DEMO_TEST=1
# (docs/demo.md, docs/testing.md).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(os.environ.get("IPS_DEMO_TEST") != "1", reason="IPS_DEMO_TEST=1 bouwt de demowereld"),
]
User = get_user_model()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.conf import settings

    with django_db_blocker.unblock():
        settings.IPS_DEMO_WERELD = True
        settings.DEMO_DATA_ALLOWED = True
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        call_command("load_reference_data", verbosity=0)
        begin = time.process_time()  # CPU time: the wall time depends on what else the machine runs
        call_command("demo_data", stdout=StringIO())
        duur = time.process_time() - begin
        yield duur
        settings.IPS_DEMO_WERELD = False
        from django.core.management import call_command as cc

        cc("flush", interactive=False, verbosity=0)


def _counts() -> dict:
    return {
        m.__name__: m.objects.count()
        for m in (Aanvraag, Traject, Verlenging, Prestatie, Betaalopdracht, Vordering, Bezwaarschrift)
    }


def test_every_demo_account_finds_work_on_its_desk_and_the_world_has_every_state(demo):
    assert demo < 30, f"demo_data kostte {demo:.1f} s processortijd"
    for username in ACCOUNTS:
        user = User.objects.get(username=username)
        secties = werkbak.voor(user)
        if not secties and username == "privacy":
            continue  # until the privacy officer's werkbak sections arrive (they will see the BSN signal)
        aantal = sum(s["aantal"] for s in secties)
        assert aantal > 0, username
        client = Client()
        client.force_login(user)
        page = re.sub(r"\s+", " ", client.get("/").content.decode())
        assert any(s["titel"] in page for s in werkbak.voor(user) if s["aantal"]), username

    assert set(Traject.objects.values_list("status", flat=True)) == {
        "actief", "beeindigd", "looptijd_verstreken", "afgesloten", "herroepen"
    }  # fmt: skip
    statussen = set(Aanvraag.objects.values_list("route", "status"))
    assert {("uwv", s) for s in ("ingediend", "goedgekeurd", "afgewezen", "ingetrokken")} <= statussen
    assert {("gemeente", s) for s in ("ingediend", "goedgekeurd", "afgewezen")} <= statussen
    assert set(Verlenging.objects.values_list("status", flat=True)) == {"aangevraagd", "goedgekeurd", "afgewezen"}
    codes = {c for p in Prestatie.objects.filter(status="afgewezen") for c in p.retourcodes}
    assert {"9346", "IPS01", "0233"} <= codes
    assert Prestatie.objects.filter(status="afgewezen", retourcodes=[]).exists()  # refused by hand
    assert {"betaald", "te_accorderen"} <= set(Betaalopdracht.objects.values_list("status", flat=True))
    assert Betaalopdracht.objects.filter(status="te_accorderen", eerste_akkoord_door__isnull=False).exists()
    assert {"betaald", "verzonden", "betwist"} <= set(Vordering.objects.values_list("status", flat=True))
    assert Signaal.objects.filter(soort="bsn_veel_geraadpleegd", afgehandeld=False).exists()
    assert {"ingediend", "gegrond", "ongegrond", "ingetrokken"} <= set(
        Bezwaarschrift.objects.values_list("status", flat=True)
    )
    # the README's numbers (docs/demo.md)
    assert Aanvraag.objects.count() == 150
    assert User.objects.count() == len(ACCOUNTS) == 16

    voor = _counts()
    call_command("demo_data", stdout=StringIO())
    assert _counts() == voor
