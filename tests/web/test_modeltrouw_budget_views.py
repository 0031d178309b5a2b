"""The auditor's desk, the budget ledger and the FG's werkbak through the Django test client
(issue 12): the forms refuse with the service's codes, the band shown is the rule's, each
organisation sees only what it may (another provider's history and another gemeente's budget are
404), and the pages cost a fixed number of queries."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backoffice import roles
from backoffice.models import BsnRaadpleging, Signaal
from financiering import rules, selectors
from financiering.models import Budgetmutatie, Modeltrouwmeting
from tests.factories import ModeltrouwmetingFactory, budget, ips26, make_user
from tests.trajecten.helpers import approved_traject
from trajecten.models import Aanvraag

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 17)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False) as t:
        yield t


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _scores(form: dict, prefix: str, value, n: int = 26) -> dict:
    form.update({f"{prefix}_{i}": value for i in range(1, n + 1)})
    return form


def _audit_form(world, actie: str, **extra) -> dict:
    form = {"versie": "ips-26", "aanbieder": str(world.noord.uuid), "datum": "2026-06-01", "actie": actie}
    form.update({"auditor_1": "A. de Vries", "auditor_2": "J. Smit"})
    _scores(form, "a1", 4)
    _scores(form, "a2", 3)
    _scores(form, "c", 4)
    form.update(extra)
    return form


def test_the_auditor_previews_the_rules_band_registers_and_corrects_with_history(world):
    ips26()
    auditor = web(world.auditor)
    page = auditor.get("/modeltrouw/nieuw/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="number"') == 3 * 26 and "26. Item 26" in html  # one row per item, its name

    preview = auditor.post("/modeltrouw/nieuw/", _audit_form(world, "berekenen"))
    html = preview.content.decode()
    expected = rules.band_for_total(104, selectors.band_ranges(ips26().pk))
    naam = ips26().banden.get(code=expected).naam
    assert "Uitkomst (nog niet opgeslagen)" in html and "104" in html and naam in html
    assert "geldig tot 1 juni 2028" in html
    assert not Modeltrouwmeting.objects.filter(aanbieder=world.noord, datum=TODAY.replace(day=1)).exists()

    saved = auditor.post("/modeltrouw/nieuw/", _audit_form(world, "opslaan"))
    meting = Modeltrouwmeting.objects.get(aanbieder=world.noord, datum=datetime.date(2026, 6, 1))
    assert saved.status_code == 302 and saved.url == f"/modeltrouw/metingen/{meting.uuid}/"
    assert (meting.totaal, meting.band, meting.auditor_2, meting.scores_auditor_2["1"]) == (104, expected, "J. Smit", 3)

    # correcting: the explanation is required, with the rule's code; then the history says who and what
    form = _audit_form(world, "opslaan", c_1=5)
    form.pop("aanbieder")
    refused = auditor.post(f"/modeltrouw/metingen/{meting.uuid}/corrigeren/", form)
    assert "toelichting-verplicht" in refused.content.decode()
    from backoffice.errors import RoleError
    from financiering import services

    with pytest.raises(RoleError):  # another role is refused for its role, before anything else
        services.modeltrouwmeting_corrigeren(by=world.uwv, meting=meting, toelichting="")
    form["toelichting"] = "Item 1 verkeerd overgenomen"
    assert auditor.post(f"/modeltrouw/metingen/{meting.uuid}/corrigeren/", form).status_code == 302
    meting.refresh_from_db()
    assert meting.totaal == 105
    detail = auditor.get(f"/modeltrouw/metingen/{meting.uuid}/").content.decode()
    assert "gecorrigeerd: Item 1 verkeerd overgenomen" in detail
    assert "consensusscores, item 1</strong>: 4 → 5" in detail and "totaal</strong>: 104 → 105" in detail
    # a changed band reads by its name, not its code
    from backoffice.history import record

    andere = ips26().banden.exclude(code=meting.band).first()
    ips26().banden.filter(pk=andere.pk).update(naam="Andere band")  # the factory names a band by its code
    andere.refresh_from_db()
    oude_naam = ips26().banden.get(code=meting.band).naam
    meting.band = andere.code
    record(meting, by=world.auditor, reason="band herzien")
    meting.save()
    detail = auditor.get(f"/modeltrouw/metingen/{meting.uuid}/").content.decode()
    assert f"band</strong>: {oude_naam} → {andere.naam}" in detail and f"→ {andere.code}<" not in detail


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"c_3": 6}, "score-ongeldig"),
        ({"c_3": "vier"}, "ongeldige-invoer"),
        ({"c_3": ""}, "scores-onvolledig"),
        ({"a1_2": ""}, "scores-onvolledig"),
        ({"auditor_1": ""}, "auditor-ontbreekt"),
        ({"auditor_2": "a. de vries"}, "auditor-ontbreekt"),
        ({"datum": "2026-07-01"}, "datum-in-toekomst"),
    ],
)
def test_the_audit_form_refuses_with_the_apis_codes(world, change, code):
    ips26()
    response = web(world.auditor).post("/modeltrouw/nieuw/", _audit_form(world, "opslaan", **change))
    assert response.status_code == 200
    assert f"(code: {code})" in response.content.decode()
    assert not Modeltrouwmeting.objects.filter(datum=datetime.date(2026, 6, 1)).exists()


def test_who_sees_which_audit_history(world):
    meting = world.metingen[1]  # GGZ Zuid's
    url = f"/modeltrouw/aanbieders/{world.zuid.uuid}/"
    for user in (world.auditor, world.uwv, world.uwv_fin, world.beheer, world.gem_amsterdam, world.ggz_zuid):
        assert web(user).get(url).status_code == 200, user
        assert web(user).get(f"/modeltrouw/metingen/{meting.uuid}/").status_code == 200, user
    assert web(world.ggz_noord).get(url).status_code == 404  # another provider's history
    assert web(world.ggz_noord).get(f"/modeltrouw/metingen/{meting.uuid}/").status_code == 404
    assert web(world.ggz_noord).get("/modeltrouw/").url == f"/modeltrouw/aanbieders/{world.noord.uuid}/"
    for path in ("/modeltrouw/nieuw/", f"/modeltrouw/metingen/{meting.uuid}/corrigeren/"):
        assert web(world.uwv).get(path).status_code == 403
    assert web(world.uwv).get(f"/modeltrouw/aanbieders/{world.zuid.uuid}/implementatieplan/").status_code == 403
    assert web(make_user(roles.PRIVACY_OFFICER)).get(url).status_code == 403


def test_the_implementation_plan_page(world):
    url = f"/modeltrouw/aanbieders/{world.zuid.uuid}/implementatieplan/"
    auditor = web(world.auditor)
    refused = auditor.post(url, {"implementatieplan_goedgekeurd_op": "2026-07-01", "implementatie_start": ""})
    assert "datum-in-toekomst" in refused.content.decode()
    assert (
        auditor.post(
            url, {"implementatieplan_goedgekeurd_op": "2026-05-01", "implementatie_start": "2026-05-15"}
        ).status_code
        == 302
    )
    world.zuid.refresh_from_db()
    assert world.zuid.implementatie_start == datetime.date(2026, 5, 15)
    page = web(world.ggz_zuid).get(f"/modeltrouw/aanbieders/{world.zuid.uuid}/").content.decode()
    assert "1 mei 2026" in page and "15 mei 2026" in page and "Implementatieplan bijwerken" not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_and_werkbak_cost_fixed_queries_and_show_expiry(world):
    ModeltrouwmetingFactory(aanbieder=world.ribw, datum=datetime.date(2024, 7, 1))  # valid until 1 July 2026
    auditor = web(world.auditor)
    auditor.get("/modeltrouw/")  # the session and the settings, once
    before = (_queries(auditor, "/modeltrouw/"), _queries(auditor, f"/modeltrouw/aanbieders/{world.ribw.uuid}/"))
    for i in range(4):  # one audit per provider per date (meting_uniek_per_dag)
        ModeltrouwmetingFactory(aanbieder=world.ribw, datum=datetime.date(2023, 1, 1 + i))
        ModeltrouwmetingFactory()
    after = (_queries(auditor, "/modeltrouw/"), _queries(auditor, f"/modeltrouw/aanbieders/{world.ribw.uuid}/"))
    assert after == before
    page = auditor.get("/modeltrouw/").content.decode()
    assert "verloopt binnenkort" not in page  # RIBW's newest audit (60 days ago) counts
    Modeltrouwmeting.objects.filter(aanbieder=world.ribw, datum__gt=datetime.date(2024, 7, 1)).delete()
    page = auditor.get("/modeltrouw/").content.decode()
    assert "1 juli 2026" in page and "verloopt binnenkort" in page
    Signaal.objects.create(
        soort="modeltrouw_verlopen",
        object_type="aanbieder",
        object_uuid=world.zuid.uuid,
        aanbieder=world.zuid,
        omschrijving="De laatste modeltrouwmeting is ouder dan 24 maanden.",
        gesignaleerd_op=TODAY,
    )
    start = auditor.get("/").content.decode()
    assert "Meting verloopt binnen 90 dagen" in start and f"/modeltrouw/aanbieders/{world.ribw.uuid}/" in start
    assert f"/modeltrouw/aanbieders/{world.zuid.uuid}/" in start  # the expired one, from the nightly signal


def test_budget_ledger_raise_lower_and_scoping(world):
    b = world.budget_amsterdam
    beheer = web(world.beheer)
    assert (
        beheer.post(
            f"/budgetten/{b.uuid}/wijzigen/", {"toegekend": "120.000,00", "omschrijving": "Extra middelen"}
        ).status_code
        == 302
    )
    b.refresh_from_db()
    assert b.toegekend == Decimal("120000.00")
    type(b).objects.filter(pk=b.pk).update(gereserveerd=Decimal("50000.00"), gerealiseerd=Decimal("20000.00"))
    Budgetmutatie.objects.create(
        budget=b, soort="reservering", bedrag=Decimal("50000.00"), omschrijving="Beschikking aanvraag"
    )
    refused = beheer.post(f"/budgetten/{b.uuid}/wijzigen/", {"toegekend": "60000"})
    assert "(code: budget-ontoereikend)" in refused.content.decode() and "€\u00a070.000,00" in refused.content.decode()
    b.refresh_from_db()
    assert b.toegekend == Decimal("120000.00")

    page = web(world.gem_amsterdam).get(f"/budgetten/{b.uuid}/").content.decode()
    assert "Verhoogd" in page and "€\u00a020.000,00" in page and "Extra middelen" in page and "Gereserveerd" in page
    assert "€\u00a050.000,00" in page and "verhogen of verlagen" not in page
    assert web(world.gem_amsterdam).get(f"/budgetten/{b.uuid}/wijzigen/").status_code == 403
    utrecht = budget(world.utrecht, world.gem_regeling)
    assert web(world.gem_amsterdam).get(f"/budgetten/{utrecht.uuid}/").status_code == 404
    assert web(world.uwv).get(f"/budgetten/{utrecht.uuid}/").status_code == 200
    assert web(world.ggz_noord).get(f"/budgetten/{utrecht.uuid}/").status_code == 403

    gemeente = web(world.gem_amsterdam)
    gemeente.get(f"/budgetten/{b.uuid}/")
    before = _queries(gemeente, f"/budgetten/{b.uuid}/")
    for i in range(5):
        Budgetmutatie.objects.create(budget=b, soort="vrijval", bedrag=Decimal("1.00"), omschrijving=f"Stop {i}")
    assert _queries(gemeente, f"/budgetten/{b.uuid}/") == before


def test_the_beheerder_creates_a_budget(world):
    beheer = web(world.beheer)
    form = {"gemeente": world.utrecht.pk, "regeling": world.gem_regeling.pk, "jaar": 2026, "toegekend": "80.000"}
    response = beheer.post("/budgetten/nieuw/", form)
    assert response.status_code == 302
    nieuw = selectors.budgetten_for(world.beheer).get(gemeente=world.utrecht)
    assert nieuw.toegekend == Decimal("80000.00") and nieuw.mutaties.get().door == world.beheer
    again = beheer.post("/budgetten/nieuw/", form).content.decode()
    assert "(code: budget-bestaat)" in again and nieuw.mutaties.count() == 1


def test_the_fg_werkbak_shows_bsn_signals_and_lookups(world):
    fg = make_user(roles.PRIVACY_OFFICER, username="fg")
    Signaal.objects.create(
        soort="bsn_veel_geraadpleegd",
        object_type="gebruiker",
        object_uuid="00000000-0000-0000-0000-000000000001",
        omschrijving="Gebruiker ggz-noord (GGZ Noord) gebruikte binnen een uur meer dan 50 verschillende BSN's.",
        gesignaleerd_op=TODAY,
    )
    BsnRaadpleging.objects.create(user=world.ggz_noord, organisatie="GGZ Noord", kanaal="web", bsn_hash="a" * 64)
    page = web(fg).get("/").content.decode()
    assert "veel verschillende BSN&#x27;s geraadpleegd" in page or "veel verschillende BSN's geraadpleegd" in page
    assert "meer dan 50 verschillende" in page
    assert page.count("/verwerkingen/?gebruiker=ggz-noord") == 2  # the signal and the lookups
    assert "/verwerkingen/?gebruiker=ggz-noord" in page
    log = web(fg).get("/verwerkingen/", {"gebruiker": "ggz-noord"}).content.decode()
    assert "BSN-zoekvragen van ggz-noord" in log and "GGZ Noord" in log and "a" * 64 not in log


def test_the_ledger_links_the_commitment_to_the_application_for_whom_may_open_it(world):
    traject = approved_traject(
        world, provider_user=world.ggz_noord, perceel="demo-gem-epa", gemeente="0363", gemeente_user=world.gem_amsterdam
    )
    aanvraag = Aanvraag.objects.get(traject__uuid=traject["uuid"])
    url = f"/budgetten/{world.budget_amsterdam.uuid}/"
    page = web(world.gem_amsterdam).get(url).content.decode()
    assert "Gereserveerd" in page and f'href="/aanvragen/{aanvraag.uuid}/"' in page
    assert f"/aanvragen/{aanvraag.uuid}/" not in web(world.beheer).get(url).content.decode()  # not the beheerder's case
