"""demo_data builds a living desk (docs/demo.md): built once for the module at a frozen clock, in a
transaction rolled back afterwards, and looked at as a user would on first login: every demo
account's werkbak lists work, every state occurs, the new desks (auditor, budgets, beheer, the
payment run) have their cases, a second run changes nothing, and it is quick. Asserted from the
data and a few werkbak pages through the Django test client, not page by page."""

import html
import re
import time
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from backoffice import schedule, werkbak
from backoffice.models import Instellingen, RolToekenning, Signaal
from bezwaren.demo import bureaus
from bezwaren.management.commands.demo_data import ACCOUNTS
from bezwaren.models import Bezwaarschrift
from declaraties import jobs as decl_jobs
from declaraties.models import Betaalopdracht, Declaratie, Prestatie, Vordering
from financiering import rules as fin_rules
from financiering.models import Aanbieder, Budget, Modeltrouwmeting, Regeling
from trajecten.models import Aanvraag, Traject, Verlenging

pytestmark = pytest.mark.django_db
User = get_user_model()
MOMENT = datetime(2026, 12, 2, 11, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # a Wednesday


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The world, once: in a transaction that is rolled back at the end of the module (each test's
    own transaction is a savepoint inside it). Returns demo_data's CPU seconds."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(MOMENT, tick=False),
        override_settings(
            IPS_DEMO_WERELD=True,
            DEMO_DATA_ALLOWED=True,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            begin = time.process_time()  # CPU: the wall time depends on what else the machine runs
            call_command("demo_data", stdout=StringIO())
            yield time.process_time() - begin
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _page(user, path: str = "/") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, (user.username, path, response.status_code)
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def _counts() -> dict:
    return {
        m.__name__: m.objects.count()
        for m in (Aanvraag, Traject, Verlenging, Prestatie, Betaalopdracht, Vordering, Bezwaarschrift, Aanbieder)
    }


# A fixed pure-Python loop takes about this much CPU on the development machine when it runs at its
# usual speed; on a virtual machine that is slower at the moment (noisy neighbours) the bound of
# 30 s scales with it, so the test measures the demo, not the host (docs/testing.md).
IJKLUS_NORMAAL = 0.6


def _ijkfactor() -> float:
    begin = time.process_time()
    sum(i * i for i in range(10**7))
    return max(1.0, (time.process_time() - begin) / IJKLUS_NORMAAL)


def test_every_state_of_the_case_flow_occurs(demo):
    factor = _ijkfactor()
    assert demo < 30 * factor, f"demo_data kostte {demo:.1f} s processortijd (machine {factor:.1f}x trager dan gewoon)"
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
    # declarations: RIBW Oost's on the web form, the others by the API
    assert set(Declaratie.objects.filter(aanbieder__naam="RIBW Oost (demo)").values_list("bron", flat=True)) == {"web"}
    assert Declaratie.objects.filter(bron="api").exists()
    # the README's numbers (docs/demo.md)
    assert Aanvraag.objects.count() == 150
    assert User.objects.count() == len(ACCOUNTS) == 16
    # the settings the demo changes, changed by the beheerder through the settings page's service
    assert Instellingen.get().history.filter(history_user__username="beheer").count() >= 2


def test_the_new_desks_have_their_cases(demo):
    today = timezone.localdate()
    maanden = 24
    # Auditor: GGZ West expired, signalled by a nightly run in the history (not only today's)
    west = Aanbieder.objects.get(kvk_nummer=bureaus.VERLOPEN.kvk_nummer)
    signaal = Signaal.objects.get(soort="modeltrouw_verlopen", aanbieder=west, afgehandeld=False)
    assert signaal.gesignaleerd_op < today
    assert signaal.deadline < today
    # GGZ Midden expires within 90 days; its audit was corrected with an explanation (history)
    midden = Modeltrouwmeting.objects.get(aanbieder__kvk_nummer=bureaus.VERLOOPT.kvk_nummer)
    assert today < fin_rules.add_months(midden.datum, maanden) <= today + timedelta(days=90)
    assert (midden.totaal, midden.band) == (107, "goed")
    assert midden.scores_auditor_1 and midden.scores_auditor_2 and midden.scores_auditor_2 != midden.scores
    eerste, correctie = midden.history.order_by("history_date", "history_id")
    assert (eerste.totaal, eerste.band) == (98, "redelijk")
    assert correctie.history_change_reason.startswith("gecorrigeerd: ") and correctie.history_user.username == "auditor"
    # Werkplaats Delta: starting, plan approved, no audit, in its run-up: no signal
    delta = Aanbieder.objects.get(kvk_nummer=bureaus.STARTER.kvk_nummer)
    assert delta.implementatieplan_goedgekeurd_op < delta.implementatie_start <= today
    assert not delta.modeltrouwmetingen.exists()
    assert not Signaal.objects.filter(aanbieder=delta).exists()

    # Budgets: a raise with its reason, a redistribution, and the ledger of what the world caused
    den_haag = Budget.objects.get(gemeente__code="0518", regeling__code="gemeente-ips-2023", jaar=2025)
    assert den_haag.toegekend == Decimal("300000.00")
    regels = list(den_haag.mutaties.values_list("soort", "omschrijving"))
    assert ("toekenning", "Extra middelen uit de voorjaarsnota 2025") in regels
    assert {"toekenning", "reservering", "realisatie"} <= {s for s, _ in regels} and len(regels) > 10
    assert Budget.objects.get(gemeente__code="0363", regeling__code="gemeente-ips-2023", jaar=2025).toegekend == (
        Decimal("225000.00")
    )

    # Beheer: a role asked by beheer, waiting for beheer-2; next year's scheme without a price
    aanvraag = RolToekenning.objects.get(status="aangevraagd")
    assert (aanvraag.aangevraagd_door.username, aanvraag.gebruiker.username) == ("beheer", "uwv-2")
    nieuw = Regeling.objects.get(code=f"demo-gemeente-{today.year + 1}")
    assert fin_rules.regeling_inrichting_ontbreekt(nieuw, op=nieuw.aanvraag_vanaf)
    assert not any(p.regeling_id == nieuw.pk for p in _aangeboden())

    # UWV financieel: no payment run this week yet, and the preview has accepted, unpaid lines
    assert schedule.run_in_periode("weekly", today) is None
    voorbeeld = decl_jobs.betaalrun_voorbeeld(today)
    assert voorbeeld["regels"] > 0 and voorbeeld["bedrag"] > 0


def _aangeboden():
    from trajecten.views_aanbieder import _aangeboden_percelen

    return list(_aangeboden_percelen())


def test_every_demo_account_finds_work_on_its_desk(demo):
    for username in ACCOUNTS:
        secties = werkbak.voor(User.objects.get(username=username))
        assert sum(s["aantal"] for s in secties) > 0, username
    # a few desks as the user sees them
    users = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS)}
    auditor = _page(users["auditor"])
    assert "GGZ West (demo)" in auditor and "Meting verloopt binnen 90 dagen" in auditor
    assert "GGZ Midden (demo)" in auditor
    beheer_2 = _page(users["beheer-2"])
    assert "Rolaanvragen die op een tweede beheerder wachten" in beheer_2 and "aangevraagd door beheer" in beheer_2
    assert "in voorbereiding" in beheer_2
    privacy = _page(users["privacy"])
    assert "Signalen: veel verschillende BSN's geraadpleegd" in privacy and "ggz-zuid" in privacy
    financieel = _page(users["uwv-financieel"])
    assert "Betaalrun: bekijk en start" in financieel
    voorbeeld = _page(users["uwv-financieel"], reverse("web-taak-voorbeeld", kwargs={"taak": "weekly"}))
    assert "GGZ Noord (demo)" in voorbeeld
    den_haag = Budget.objects.get(gemeente__code="0518", regeling__code="gemeente-ips-2023", jaar=2025)
    budget = _page(users["gemeente-den-haag"], reverse("web-budget", kwargs={"uuid": den_haag.uuid}))
    assert "Grootboek" in budget and "€ 300.000,00" in budget and "Betaalopdracht" in budget
    meting = Modeltrouwmeting.objects.get(aanbieder=_midden())
    historie = _page(users["auditor"], reverse("web-modeltrouwmeting", kwargs={"uuid": meting.uuid}))
    assert "Scores van auditor 2 stonden als consensus ingevoerd" in historie and "redelijk" in historie.lower()


def _midden():
    return Aanbieder.objects.get(kvk_nummer=bureaus.VERLOOPT.kvk_nummer)


def test_a_second_run_changes_nothing(demo):
    voor = _counts()
    with override_settings(IPS_DEMO_WERELD=True, DEMO_DATA_ALLOWED=True):
        call_command("demo_data", stdout=StringIO())
    assert _counts() == voor
