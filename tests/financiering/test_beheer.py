"""The beheerder's pages for schemes, lots, prices and payment plans (issue 12, financiering/views_beheer.py):
Dutch validation with the rule's code, history rows with who changed what, what a scheme still lacks,
and that only the beheerder opens them."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from backoffice import roles
from backoffice.models import User
from financiering import rules
from financiering.models import Medewerker, Perceel, Regeling, Trajectprijs

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False) as t:
        yield t


@pytest.fixture
def beheer(world):
    client = Client()
    client.force_login(world.beheer)
    return client


def test_price_periods_may_not_overlap_rule():
    assert rules.prijsperiode_probleem(geldig_van=D(2026, 1, 1), geldig_tot=None, andere=[]) is None
    andere = [(D(2025, 1, 1), D(2025, 12, 31), Decimal("8000"))]
    assert rules.prijsperiode_probleem(geldig_van=D(2026, 1, 1), geldig_tot=None, andere=andere) is None
    zin = rules.prijsperiode_probleem(geldig_van=D(2025, 12, 31), geldig_tot=None, andere=andere)
    assert "€ 8.000,00" in zin and "31-12-2025" in zin
    assert "vóór de begindatum" in rules.prijsperiode_probleem(
        geldig_van=D(2026, 2, 1), geldig_tot=D(2026, 1, 1), andere=[]
    )


def test_only_the_beheerder_opens_the_pages(world):
    urls = [
        reverse("web-beheer-regelingen"),
        reverse("web-beheer-regeling", kwargs={"code": "uwv-ips"}),
        reverse("web-beheer-perceel", kwargs={"code": "uwv-ips-epa"}),
        reverse("web-beheer-gebruiker-nieuw"),
    ]
    for user in (world.uwv, world.uwv_fin, world.gem_amsterdam, world.ggz_noord, world.auditor):
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, (user.username, url)
            assert "Uw rol geeft geen toegang tot deze pagina" in response.content.decode()
        response = client.post(reverse("web-beheer-perceel-prijs", kwargs={"code": "uwv-ips-epa"}), {"bedrag": "1"})
        assert response.status_code == 403
    assert not Trajectprijs.objects.filter(bedrag=1).exists()


def test_a_scheme_with_a_lot_without_price_says_what_is_missing_and_the_price_fixes_it(world, beheer):
    response = beheer.post(
        reverse("web-beheer-regeling-nieuw"),
        {
            "code": "ips-2027",
            "naam": "IPS 2027",
            "routes": ["gemeente"],
            "aanvraag_vanaf": "01-01-2027",
            "cofinanciering_procent": "25",
        },
    )
    assert response.status_code == 302
    regeling = Regeling.objects.get(code="ips-2027")
    assert regeling.route_gemeente and not regeling.route_uwv and regeling.cofinanciering_aandeel == Decimal("0.25")
    page = beheer.get(reverse("web-beheer-regeling", kwargs={"code": "ips-2027"})).content.decode()
    assert "Nog niet volledig ingericht" in page and "De regeling heeft nog geen perceel." in page

    response = beheer.post(
        reverse("web-beheer-perceel-nieuw", kwargs={"code": "ips-2027"}),
        {
            "code": "ips-2027-epa",
            "naam": "IPS 2027 EPA",
            "doelgroep": "epa",
            "basisduur_maanden": "24",
            "max_verlenging_maanden": "6",
            "toegestane_aanbiedertypen": ["ggz", "reintegratie"],
        },
    )
    assert response.status_code == 302
    perceel = Perceel.objects.get(code="ips-2027-epa")
    assert perceel.toegestane_aanbiedertypen == ["ggz", "reintegratie"] and perceel.producten.count() == 3
    page = beheer.get(reverse("web-beheer-regeling", kwargs={"code": "ips-2027"})).content.decode()
    assert "er is geen trajectprijs die geldt op 01-01-2027" in page  # the scheme opens then
    assert "op de eerste aanvraagdag, 1 januari 2027" in page
    # the werkbak lists it too, with a link to the scheme
    start = beheer.get("/").content.decode()
    assert "Regelingen die nog niet volledig zijn ingericht" in start and "/beheer/regelingen/ips-2027/" in start

    url = reverse("web-beheer-perceel-prijs", kwargs={"code": "ips-2027-epa"})
    response = beheer.post(url, {"bedrag": "9.500,00", "geldig_van": "2027-01-01", "geldig_tot": ""})
    assert response.status_code == 302
    prijs = Trajectprijs.objects.get(perceel=perceel)
    assert prijs.bedrag == Decimal("9500.00") and prijs.geldig_tot is None
    page = beheer.get(reverse("web-beheer-regeling", kwargs={"code": "ips-2027"})).content.decode()
    assert "Volledig ingericht" in page and "geen</strong>" in page  # no price today, one from the opening
    # history: who (full name or username) and the price set
    perceel_page = beheer.get(reverse("web-beheer-perceel", kwargs={"code": "ips-2027-epa"})).content.decode()
    assert (
        "prijs vastgesteld: vanaf 01-01-2027" in perceel_page
        and "€\u00a09.500,00" in perceel_page
        and "door beheer" in perceel_page
    )


def test_one_price_rule_for_the_page_and_the_api(world, beheer):
    """A new open-ended price succeeds the open one (which ends the day before), on the page as in
    the API; any other overlap is refused with prijsperiode-overlapt on both paths."""
    url = reverse("web-beheer-perceel-prijs", kwargs={"code": "uwv-ips-epa"})  # 8000 from 2019 without end
    response = beheer.post(url, {"bedrag": "9000", "geldig_van": "2027-01-01"})
    assert response.status_code == 302
    prijzen = Trajectprijs.objects.filter(perceel=world.epa).order_by("geldig_van")
    assert [(p.bedrag, p.geldig_tot) for p in prijzen] == [
        (Decimal("8000.00"), D(2026, 12, 31)),
        (Decimal("9000.00"), None),
    ]
    page = beheer.get(reverse("web-beheer-perceel", kwargs={"code": "uwv-ips-epa"})).content.decode()
    assert "opgevolgd vanaf 01-01-2027" in page and "geldig tot: leeg → 31-12-2026" in page

    # a price with an end inside another one, or starting before the newest: refused on the page...
    response = beheer.post(url, {"bedrag": "9000", "geldig_van": "2026-06-01", "geldig_tot": "2026-08-31"})
    assert response.status_code == 400 and "(code: prijsperiode-overlapt)" in response.content.decode()
    assert "overlapt met de prijs van € 8.000,00" in response.content.decode()
    response = beheer.post(url, {"bedrag": "9000", "geldig_van": "2027-02-01", "geldig_tot": "2027-01-01"})
    assert "(code: periode-ongeldig)" in response.content.decode()
    # ...and in the API: today's price (2 March 2026) would overlap the 2027 price
    api = world.client(world.beheer).patch(
        f"/api/v1/regelingen/{world.uwv_regeling.uuid}",
        {"percelen": [{"code": "uwv-ips-epa", "trajectprijs": "8500.00"}]},
        format="json",
    )
    assert api.status_code == 400 and api.json()["code"] == "prijsperiode-overlapt", api.json()
    assert prijzen.count() == 2

    # on a lot with one open price the API succeeds it the same way, and names the beheerder
    api = world.client(world.beheer).patch(
        f"/api/v1/regelingen/{world.uwv_regeling.uuid}",
        {"percelen": [{"code": "uwv-ips-cmd", "trajectprijs": "8500.00"}]},
        format="json",
    )
    assert api.status_code == 200
    cmd = Trajectprijs.objects.filter(perceel=world.cmd).order_by("geldig_van")
    assert [(p.bedrag, p.geldig_tot) for p in cmd] == [(Decimal("8000.00"), D(2026, 3, 1)), (Decimal("8500.00"), None)]
    assert cmd[0].history.first().history_user == world.beheer

    # a changed amount reads as money
    nieuw = prijzen.get(geldig_van=D(2027, 1, 1))
    beheer.post(url, {"prijs": nieuw.pk, "bedrag": "9.500,00", "geldig_van": "2027-01-01"})
    page = beheer.get(reverse("web-beheer-perceel", kwargs={"code": "uwv-ips-epa"})).content.decode()
    assert "€ 9.000,00 → € 9.500,00" in page.replace("\xa0", " ")


def test_lot_checkboxes_and_the_inkoopkader_rule(world, beheer):
    url = reverse("web-beheer-perceel-wijzigen", kwargs={"code": "uwv-ips-epa"})
    form = beheer.get(url).content.decode()
    assert 'type="checkbox" name="toegestane_aanbiedertypen" value="ggz"' in form and "checked" in form
    data = {"naam": "EPA", "doelgroep": "epa", "basisduur_maanden": "36", "max_verlenging_maanden": "0"}
    response = beheer.post(url, {**data, "toegestane_aanbiedertypen": ["ggz", "reintegratie"]})
    assert response.status_code == 400
    assert "(code: aanbiedertype-niet-toegestaan)" in response.content.decode()
    response = beheer.post(url, {**data})
    assert "Kies minstens één aanbiedertype." in response.content.decode()
    assert beheer.post(url, {**data, "toegestane_aanbiedertypen": ["ggz"]}).status_code == 302
    world.epa.refresh_from_db()
    assert world.epa.toegestane_aanbiedertypen == ["ggz"] and world.epa.naam == "EPA"
    page = beheer.get(reverse("web-beheer-regeling", kwargs={"code": "uwv-ips"})).content.decode()
    assert "Perceel EPA: perceel gewijzigd" in page and "→ EPA" in page
    # the provider types in words, not their codes
    assert "Specialistische ggz-instelling, RIBW (beschermd/begeleid wonen) → Specialistische ggz-instelling" in page


def test_payment_plan_must_add_up_to_100_percent(world, beheer):
    url = reverse("web-beheer-perceel-betaalplan", kwargs={"code": "uwv-ips-epa"})
    assert 'value="40.00"' in beheer.get(url).content.decode()
    base = {"product-TOTAL_FORMS": "2", "product-INITIAL_FORMS": "0"}
    rows = {
        "product-0-code": "start",
        "product-0-naam": "Start",
        "product-0-soort": "eenmalig",
        "product-0-aandeel_procent": "50",
        "product-1-code": "plaatsing",
        "product-1-naam": "Plaatsing",
        "product-1-soort": "na_plaatsing",
        "product-1-aandeel_procent": "40",
    }
    response = beheer.post(url, {**base, **rows})
    assert response.status_code == 400 and "(code: betaalplan-ongeldig)" in response.content.decode()
    assert beheer.post(url, {**base, **rows, "product-1-aandeel_procent": "50"}).status_code == 302
    assert sorted(world.epa.producten.values_list("aandeel", flat=True)) == [Decimal("0.5"), Decimal("0.5")]


def test_a_new_account_with_its_organisation(world, beheer):
    url = reverse("web-beheer-gebruiker-nieuw")
    data = {
        "username": "nieuwe-collega",
        "first_name": "Nieuwe",
        "last_name": "Collega",
        "organisatie": "aanbieder",
        "aanbieder": world.noord.pk,
        "wachtwoord": "een-lang-geheim-2026",
    }
    response = beheer.post(url, {**data, "organisatie": "gemeente"})
    assert response.status_code == 400 and "Kies minstens één gemeente." in response.content.decode()
    response = beheer.post(url, {**data, "username": "ggz-noord"})
    assert "(code: gebruikersnaam-bestaat)" in response.content.decode()
    response = beheer.post(url, {**data, "wachtwoord": "kort"})
    assert "(code: wachtwoord-ongeldig)" in response.content.decode()
    response = beheer.post(url, data)
    assert response.status_code == 302 and response.url == "/beheer/gebruikers/nieuwe-collega/"
    user = User.objects.get(username="nieuwe-collega")
    assert Medewerker.objects.get(user=user).aanbieder == world.noord and not user.groups.exists()
    assert user.check_password("een-lang-geheim-2026")
    assert not roles.has_role(user, roles.AANBIEDER)


def test_the_scheme_list_costs_a_fixed_number_of_queries(world, beheer, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = beheer.get(reverse("web-beheer-regelingen"))
    assert response.status_code == 200 and "Inkoopkader IPS" in response.content.decode()


def test_an_existing_account_gets_its_organisation_so_a_provider_role_can_be_approved(world, beheer):
    from tests.factories import make_user

    user = make_user(roles.AUDITOR, username="losse-collega")
    url = reverse("web-beheer-gebruiker-organisatie", kwargs={"username": "losse-collega"})
    assert 'value="geen"' in beheer.get(url).content.decode()
    response = beheer.post(url, {"organisatie": "aanbieder", "aanbieder": world.zuid.pk})
    assert response.status_code == 302
    assert Medewerker.objects.get(user=user).aanbieder == world.zuid
    # a provider's employee keeps a provider while he has the role
    response = beheer.post(
        reverse("web-beheer-gebruiker-organisatie", kwargs={"username": "ggz-noord"}), {"organisatie": "geen"}
    )
    assert response.status_code == 400 and "(code: rol-zonder-organisatie)" in response.content.decode()
    assert Medewerker.objects.get(user=world.ggz_noord).aanbieder == world.noord
    other = Client()
    other.force_login(world.uwv)
    assert other.get(url).status_code == 403


def test_a_new_scheme_whose_window_ends_before_it_starts_is_refused_by_the_service(world, beheer):
    """The rule lives in the service (creating and changing alike), so the page shows its code and
    the API and the service refuse it in words, not with a database error."""
    from backoffice.errors import BusinessRuleError
    from financiering import services

    data = {"code": "ips-x", "naam": "IPS X", "routes": ["gemeente"], "cofinanciering_procent": "25"}
    response = beheer.post(
        reverse("web-beheer-regeling-nieuw"), {**data, "aanvraag_vanaf": "01-06-2027", "aanvraag_tot": "01-01-2027"}
    )
    assert response.status_code == 400 and "(code: periode-ongeldig)" in response.content.decode()
    with pytest.raises(BusinessRuleError) as exc:
        services.regeling_create(
            by=world.beheer,
            data={"code": "ips-x", "naam": "IPS X", "routes": [], "aanvraag_vanaf": D(2027, 1, 1)},
        )
    assert exc.value.code == "route-ontbreekt"
    assert not Regeling.objects.filter(code="ips-x").exists()


def test_an_account_belongs_to_a_provider_or_gemeenten_not_both_on_every_path(world):
    from backoffice.errors import BusinessRuleError
    from financiering import services

    with pytest.raises(BusinessRuleError) as nieuw:
        services.gebruiker_aanmaken(
            by=world.beheer, username="dubbel", wachtwoord="een-Lang-wachtwoord-42", aanbieder=world.noord,
            gemeenten=[world.amsterdam],
        )  # fmt: skip
    with pytest.raises(BusinessRuleError) as koppelen:
        services.medewerker_koppelen(by=world.beheer, gebruiker=world.auditor, aanbieder=world.noord,
                                     gemeenten=[world.amsterdam])  # fmt: skip
    assert nieuw.value.code == koppelen.value.code == "organisatie-ongeldig"
    assert not User.objects.filter(username="dubbel").exists()
