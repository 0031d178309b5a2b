"""The beheerder's pages for the settings and for accounts and roles under four eyes (issue 12,
backoffice/views_beheer.py): every refusal in Dutch with its code, the history, and only the
beheerder opens them."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from knox.models import AuthToken

from backoffice import roles
from backoffice.models import Instellingen, RolToekenning, User
from tests.factories import client_as as _client
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def twee(world):
    return world.beheer, make_user(roles.BEHEERDER, username="beheer-2")


def _instellingen_data(**changes) -> dict:
    from backoffice.forms_beheer import InstellingenForm

    form = InstellingenForm(instance=Instellingen.get())
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_settings_page_groups_every_setting_and_records_who_changed_what(world):
    client = _client(world.beheer)
    page = client.get(reverse("web-beheer-instellingen")).content.decode()
    assert "Declaraties, betalingen en vorderingen" in page and "Privacy en beveiliging" in page
    assert "Declaratieregels die alle controles doorstaan automatisch toekennen" in page
    assert "Uit: elke regel wacht op een UWV-beoordelaar." in page
    assert Instellingen.get().declaratie_automatisch_toekennen
    for field in Instellingen._meta.concrete_fields:  # every setting is on the page, also a new one
        assert field.name == "id" or f'name="{field.name}"' in page, field.name

    data = _instellingen_data(vier_ogen_drempel="50.000,00")
    data.pop("declaratie_automatisch_toekennen", None)  # the switch off
    response = client.post(reverse("web-beheer-instellingen"), data)
    assert response.status_code == 302
    instellingen = Instellingen.get()
    assert not instellingen.declaratie_automatisch_toekennen and str(instellingen.vier_ogen_drempel) == "50000.00"
    page = client.get(reverse("web-beheer-instellingen")).content.decode()
    assert "declaratieregels die alle controles doorstaan automatisch toekennen: ja → nee" in page
    assert "door beheer" in page

    response = client.post(reverse("web-beheer-instellingen"), _instellingen_data(aow_leeftijd="16"))
    assert response.status_code == 400 and "(code: instellingen-ongeldig)" in response.content.decode()
    response = client.post(reverse("web-beheer-instellingen"), _instellingen_data(bewaartermijn_jaren="99"))
    assert response.status_code == 400
    response = client.post(reverse("web-beheer-instellingen"), _instellingen_data(uwv_iban="NL00ABNA0123456789"))
    assert response.status_code == 400 and "Dit is geen geldig IBAN" in response.content.decode()
    assert Instellingen.get().aow_leeftijd == 67 and Instellingen.get().bewaartermijn_jaren == 7


def test_other_roles_get_403(world):
    for user in (world.uwv, world.uwv_fin, world.gem_amsterdam, world.ggz_noord, world.auditor):
        client = _client(user)
        for url in (reverse("web-beheer-instellingen"), reverse("web-beheer-gebruikers"), "/beheer/gebruikers/uwv/"):
            assert client.get(url).status_code == 403, (user.username, url)
        assert client.post("/beheer/gebruikers/uwv/rol-aanvragen/", {"rol": "beheerder"}).status_code == 403
        assert client.post("/beheer/gebruikers/uwv/deactiveren/", {"bevestigd": "on"}).status_code == 403
    assert not RolToekenning.objects.exists() and User.objects.get(username="uwv").is_active


def test_four_eyes_on_the_pages(world, twee):
    a, b = twee
    nieuw = make_user(roles.AUDITOR, username="collega")
    nieuw.groups.clear()
    page_a, page_b = _client(a), _client(b)
    url = reverse("web-beheer-gebruiker", kwargs={"username": "collega"})

    # not for oneself
    response = page_a.post(reverse("web-beheer-rol-aanvragen", kwargs={"username": "beheer"}), {"rol": "auditor"})
    assert response.status_code == 403 and "U kunt uzelf geen rol geven" in response.content.decode()
    assert "(code: rol-eigen-account)" in response.content.decode()

    response = page_a.post(
        reverse("web-beheer-rol-aanvragen", kwargs={"username": "collega"}),
        {"rol": "uwv_financieel", "toelichting": "Nieuw team"},
    )
    assert response.status_code == 302
    toekenning = RolToekenning.objects.get(gebruiker=nieuw)
    page = page_a.get(url).content.decode()
    # the requester is not offered the decision (the service stays the guard, below); the other is
    assert "Wacht op een tweede beheerder." in page and 'value="goedkeuren"' not in page
    assert 'value="goedkeuren"' in page_b.get(url).content.decode()
    assert "door u aangevraagd: een andere beheerder beslist" in page_a.get("/").content.decode()
    assert "Rolaanvragen die op een tweede beheerder wachten" in page_b.get("/").content.decode()

    besluit = reverse("web-beheer-rol-besluit", kwargs={"username": "collega"})
    response = page_a.post(besluit, {"toekenning": toekenning.uuid, "actie": "goedkeuren"})
    assert response.status_code == 403
    assert "een tweede beheerder moet goedkeuren (vier ogen). (code: vier-ogen)" in response.content.decode()
    assert not nieuw.groups.filter(name="uwv_financieel").exists()

    response = page_a.post(
        reverse("web-beheer-rol-aanvragen", kwargs={"username": "collega"}), {"rol": "uwv_financieel"}
    )
    assert "(code: rol-al-aangevraagd)" in response.content.decode()

    assert page_b.post(besluit, {"toekenning": toekenning.uuid, "actie": "goedkeuren"}).status_code == 302
    assert nieuw.groups.filter(name="uwv_financieel").exists()
    page = page_b.get(url).content.decode()
    assert (
        "UWV financieel" in page
        and "Rol UWV financieel goedgekeurd (tweede beheerder)" in page
        and "beslist door: leeg → beheer-2" in page
    )

    # revoke: one beheerder is enough
    assert page_a.post(besluit, {"toekenning": toekenning.uuid, "actie": "intrekken"}).status_code == 302
    assert not nieuw.groups.filter(name="uwv_financieel").exists()

    # a role held without a grant (demo data, before four eyes) can be revoked too
    assert nieuw.groups.count() == 0
    response = page_a.post(besluit, {"rol": "auditor", "actie": "intrekken"})
    assert "(code: rol-niet-toegekend)" in response.content.decode()
    response = page_a.post(
        reverse("web-beheer-rol-besluit", kwargs={"username": "uwv"}), {"rol": "uwv_beoordelaar", "actie": "intrekken"}
    )
    assert response.status_code == 302 and not world.uwv.groups.exists()


def test_rejecting_needs_the_second_beheerder_and_the_list_shows_organisations(
    world, twee, django_assert_max_num_queries
):
    a, b = twee
    toekenning = RolToekenning.objects.create(gebruiker=world.auditor, rol="privacy_officer", aangevraagd_door=a)
    besluit = reverse("web-beheer-rol-besluit", kwargs={"username": "auditor"})
    assert (
        "(code: vier-ogen)"
        in _client(a).post(besluit, {"toekenning": toekenning.uuid, "actie": "afwijzen"}).content.decode()
    )
    assert _client(b).post(besluit, {"toekenning": toekenning.uuid, "actie": "afwijzen"}).status_code == 302
    toekenning.refresh_from_db()
    assert toekenning.status == "afgewezen"

    client = _client(a)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("web-beheer-gebruikers")).content.decode()
    assert "GGZ Noord" in page and "Gemeente Amsterdam" in page and "Aanbieder medewerker" in page


def test_deactivating_revokes_tokens_and_a_lockout_is_lifted(world, twee, settings):
    a, _ = twee
    client = _client(a)
    AuthToken.objects.create(world.ggz_noord)
    url = reverse("web-beheer-deactiveren", kwargs={"username": "ggz-noord"})
    response = client.post(url, {})
    assert response.status_code == 400 and "(code: bevestiging-ontbreekt)" in response.content.decode()
    response = client.post(reverse("web-beheer-deactiveren", kwargs={"username": "beheer"}), {"bevestigd": "on"})
    assert response.status_code == 403 and "(code: gebruiker-eigen-account)" in response.content.decode()
    assert client.post(url, {"bevestigd": "on"}).status_code == 302
    world.ggz_noord.refresh_from_db()
    assert not world.ggz_noord.is_active and not AuthToken.objects.filter(user=world.ggz_noord).exists()
    assert (
        "gedeactiveerd"
        in client.get(reverse("web-beheer-gebruiker", kwargs={"username": "ggz-noord"})).content.decode()
    )

    blokkade = reverse("web-beheer-blokkade", kwargs={"username": "uwv"})
    assert "(code: geen-blokkade)" in client.post(blokkade).content.decode()
    AccessAttempt.objects.create(
        username="uwv", ip_address="10.0.0.1", user_agent="x", failures_since_start=settings.AXES_FAILURE_LIMIT
    )
    assert "geblokkeerd" in client.get(reverse("web-beheer-gebruikers")).content.decode()
    assert client.post(blokkade).status_code == 302
    assert not AccessAttempt.objects.filter(username="uwv").exists()


def test_the_account_list_searches_sorts_remembers_and_exports(world):
    """The list machinery on /beheer/gebruikers/: a name search (a POST, kept over the pages), a
    sort by header, a remembered filter and the export of the list as shown."""
    for i in range(30):
        User.objects.filter(pk=make_user(roles.AUDITOR, username=f"van-den-berg-{i:02d}").pk).update(last_name="B&B")
    client = _client(world.beheer)
    assert client.post("/beheer/gebruikers/", {"zoekterm": "B&B"}).status_code == 302
    page = client.get("/beheer/gebruikers/?pagina=2").content.decode()
    assert "30 gebruikers" in page and "van-den-berg-25" in page and "ggz-noord" not in page
    # sort by username, the other way round; the whole search result exported in that order
    page = client.get("/beheer/gebruikers/?sorteer=-gebruikersnaam").content.decode()
    assert page.index("van-den-berg-29") < page.index("van-den-berg-28")
    csv = client.get("/beheer/gebruikers/?export=csv").content.decode("utf-8-sig").splitlines()
    assert csv[0] == "Gebruiker;Gebruikersnaam;Organisatie;Rollen;Status;Laatst ingelogd"
    assert len(csv) == 31 and csv[1].split(";")[1:5] == ["van-den-berg-29", "Phrenos", "Auditor (Phrenos)", "actief"]
    # a filter is remembered until "Filters wissen"
    client.post("/beheer/gebruikers/", {"zoeken_wissen": "1"})
    User.objects.filter(username="ggz-noord").update(is_active=False)
    client.get("/beheer/gebruikers/?actief=nee")
    page = client.get("/beheer/gebruikers/").content.decode()
    assert "1 gebruiker<" in page and "ggz-noord" in page and "Filters wissen" in page
    client.get("/beheer/gebruikers/?wissen=1")
    assert "van-den-berg-01" in client.get("/beheer/gebruikers/").content.decode()


def test_account_history_and_reactivation_without_roles(world, twee, settings):
    """Making, deactivating, opening again and unlocking an account each leave a history row with
    the beheerder's full name and the field, old and new; an account comes back without its roles
    (a role needs a second beheerder again)."""
    a, b = twee
    User.objects.filter(pk=a.pk).update(first_name="Anna", last_name="Admin")
    client = _client(User.objects.get(pk=a.pk))
    data = {"username": "collega", "first_name": "Nieuwe", "last_name": "Collega", "organisatie": "aanbieder",
            "aanbieder": world.noord.pk, "wachtwoord": "een-lang-geheim-2026"}  # fmt: skip
    assert client.post(reverse("web-beheer-gebruiker-nieuw"), data).status_code == 302
    collega = User.objects.get(username="collega")
    from django.contrib.auth.models import Group

    collega.groups.add(Group.objects.get_or_create(name=roles.AANBIEDER)[0])
    url = reverse("web-beheer-gebruiker", kwargs={"username": "collega"})
    assert client.post(f"{url}deactiveren/", {"bevestigd": "on"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Account weer activeren" in page and "Aanbieder medewerker worden ingetrokken" not in page
    refused = client.post(f"{url}heractiveren/", {})
    assert refused.status_code == 400 and "(code: bevestiging-ontbreekt)" in refused.content.decode()
    response = client.post(f"{url}heractiveren/", {"bevestigd": "on"}, follow=True)
    text = response.content.decode()
    assert "is weer actief" in text and "is ingetrokken" in text
    collega.refresh_from_db()
    assert collega.is_active and not collega.groups.exists()
    assert client.post(f"{url}heractiveren/", {"bevestigd": "on"}).status_code == 409  # gebruiker-al-actief
    AccessAttempt.objects.create(
        username="collega", ip_address="10.0.0.1", user_agent="x", failures_since_start=settings.AXES_FAILURE_LIMIT
    )
    assert client.post(f"{url}blokkade/").status_code == 302
    page = client.get(url).content.decode()
    history = page[page.index("Historie van het account") :]
    for wat in ("Account: account aangemaakt bij GGZ Noord", "Account: account gedeactiveerd",
                "Account: account weer geactiveerd, zonder rollen", "Account: inlogblokkade opgeheven"):  # fmt: skip
        assert wat in history, wat
    assert "Anna Admin" in history and "actief: ja → nee" in history and "actief: nee → ja" in history
    assert "wachtwoord" not in history.lower() and "last_login" not in history
