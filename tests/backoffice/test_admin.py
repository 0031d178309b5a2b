"""The admin: every model has a page; the beheerder edits configuration; case data is read-only
for everyone and never shows the BSN other than masked."""

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from backoffice import crypto
from financiering.models import Aanbieder, Budget, Gemeente, Perceel, Regeling
from trajecten.models import Deelnemer

pytestmark = pytest.mark.django_db
User = get_user_model()
BSN = "123456782"
READ_ONLY = {
    "trajecten": {
        "deelnemer",
        "aanvraag",
        "besluit",
        "traject",
        "verlenging",
        "plaatsing",
        "stopbericht",
        "eindverslag",
        "toewijzingsnummer",
    },
    "financiering": {"modeltrouwmeting", "budget", "budgetmutatie"},
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEMO_DATA_ALLOWED = True


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root", "root@example.org", "geheim")
    client.force_login(user)
    return user


@pytest.fixture
def beheer(client):
    call_command("demo_data", stdout=StringIO())
    user = User.objects.get(username="beheer")
    client.force_login(user)
    return user


@pytest.fixture
def deelnemer():
    aanbieder = Aanbieder.objects.create(
        naam="GGZ Test", type="ggz", kvk_nummer="12345678", agb_code="22123456", iban="NL91ABNA0417164300"
    )
    gemeente = Gemeente.objects.get_or_create(code="0363", defaults={"naam": "Amsterdam", "provincie": "NH"})[0]
    return Deelnemer.objects.create(
        aanbieder=aanbieder,
        bsn_versleuteld=crypto.encrypt(BSN),
        bsn_hash=crypto.bsn_hash(BSN),
        voorletters="J.",
        achternaam="Jansen",
        geboortedatum=date(1990, 1, 1),
        gemeente=gemeente,
        uitkering="participatiewet",
        doelgroep="epa",
    )


def test_site_header(superuser, client):
    assert "IPS-loket beheer" in client.get(reverse("admin:index")).content.decode()


def test_every_model_has_a_working_list(superuser, client):
    for model in admin.site._registry:
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code in (200, 302), opts.label  # Instellingen redirects to its one row


# Deliberately not in the admin: the processing log is read by the privacy officer only, on its own
# page (docs/privacy.md, "Verwerkingslog"); no beheerder or superuser may browse or change it.
NOT_IN_ADMIN = {"Verwerking"}


def test_every_project_model_is_registered():
    for app in ("backoffice", "financiering", "trajecten"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            if model.__name__ in NOT_IN_ADMIN:
                assert model not in admin.site._registry, model.__name__
                continue
            assert model in admin.site._registry, model.__name__


def test_case_data_is_read_only_even_for_a_superuser(superuser, client):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.model_name not in READ_ONLY.get(opts.app_label, set()):
            continue
        assert not model_admin.has_add_permission(_request(superuser)), opts.label
        assert not model_admin.has_change_permission(_request(superuser)), opts.label
        assert not model_admin.has_delete_permission(_request(superuser)), opts.label
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403


def test_deelnemer_page_shows_only_the_masked_bsn(superuser, client, deelnemer):
    for url in (
        reverse("admin:trajecten_deelnemer_changelist"),
        reverse("admin:trajecten_deelnemer_change", args=(deelnemer.pk,)),
        reverse("admin:trajecten_deelnemer_history", args=(deelnemer.pk,)),
    ):
        content = client.get(url).content.decode()
        assert "*****6782" in content, url
        assert BSN not in content, url
        assert deelnemer.bsn_hash not in content, url
        assert deelnemer.bsn_versleuteld not in content, url


def test_deelnemer_cannot_be_changed_or_reverted_through_the_admin(superuser, client, deelnemer):
    url = reverse("admin:trajecten_deelnemer_change", args=(deelnemer.pk,))
    assert client.post(url, {"achternaam": "Anders"}).status_code == 403
    version = deelnemer.history.get()
    revert = reverse("admin:trajecten_deelnemer_simple_history", args=(deelnemer.pk, version.history_id))
    assert client.post(revert, {}).status_code in (302, 403)
    deelnemer.refresh_from_db()
    assert deelnemer.achternaam == "Jansen"


def test_beheer_edits_configuration_but_sees_no_participants(beheer, client, deelnemer):
    regeling = Regeling.objects.get(code="uwv-ips")
    page = client.get(reverse("admin:financiering_regeling_change", args=(regeling.pk,)))
    assert page.status_code == 200
    assert 'name="naam"' in page.content.decode()
    assert client.get(reverse("admin:financiering_budget_changelist")).status_code == 200
    assert client.get(reverse("admin:trajecten_deelnemer_changelist")).status_code == 403
    assert client.get(reverse("admin:backoffice_instellingen_changelist")).status_code == 302


def test_beheer_cannot_make_anyone_superuser(beheer, client):
    uwv = User.objects.get(username="uwv")
    page = client.get(reverse("admin:backoffice_user_change", args=(uwv.pk,))).content.decode()
    assert 'name="groups"' not in page  # roles change only through four eyes (test_vier_ogen_rollen.py)
    assert 'name="is_staff"' not in page
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    root = User.objects.create_superuser("root", "root@example.org", "geheim")
    assert client.get(reverse("admin:auth_user_password_change", args=(root.pk,))).status_code == 403


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_read_only_record_cannot_be_reverted_to_an_old_version(superuser, client):
    regeling = Regeling.objects.create(code="r", naam="R", route_gemeente=True)
    gemeente = Gemeente.objects.create(code="0344", naam="Utrecht", provincie="Utrecht")
    budget = Budget.objects.create(gemeente=gemeente, regeling=regeling, jaar=2025, toegekend=Decimal("100.00"))
    budget.toegekend = Decimal("200.00")
    budget.save()
    oldest = budget.history.earliest("history_date")
    url = reverse("admin:financiering_budget_simple_history", args=(budget.pk, oldest.history_id))
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403
    budget.refresh_from_db()
    assert budget.toegekend == Decimal("200.00")


def _perceel_form_data(perceel, shares):
    data = {
        "regeling": perceel.regeling_id,
        "code": perceel.code,
        "naam": perceel.naam,
        "doelgroep": perceel.doelgroep,
        "basisduur_maanden": perceel.basisduur_maanden,
        "max_verlenging_maanden": perceel.max_verlenging_maanden,
        "toegestane_aanbiedertypen": json.dumps(perceel.toegestane_aanbiedertypen),
    }
    producten = list(perceel.producten.order_by("id"))
    data |= {"producten-TOTAL_FORMS": len(producten), "producten-INITIAL_FORMS": len(producten)}
    for i, product in enumerate(producten):
        data |= {
            f"producten-{i}-id": product.pk,
            f"producten-{i}-perceel": perceel.pk,
            f"producten-{i}-code": product.code,
            f"producten-{i}-naam": product.naam,
            f"producten-{i}-soort": product.soort,
            f"producten-{i}-aandeel": shares[product.code],
            f"producten-{i}-min_uren_per_week": product.min_uren_per_week or "",
        }
    prijzen = list(perceel.prijzen.order_by("id"))
    data |= {"prijzen-TOTAL_FORMS": len(prijzen), "prijzen-INITIAL_FORMS": len(prijzen)}
    for i, prijs in enumerate(prijzen):
        data |= {
            f"prijzen-{i}-id": prijs.pk,
            f"prijzen-{i}-perceel": perceel.pk,
            f"prijzen-{i}-bedrag": prijs.bedrag,
            f"prijzen-{i}-geldig_van": prijs.geldig_van.isoformat(),
            f"prijzen-{i}-geldig_tot": "",
        }
    return data


def test_payment_plan_shares_must_add_up_to_one_in_the_admin(beheer, client):
    perceel = Perceel.objects.get(code="uwv-ips-cmd")
    url = reverse("admin:financiering_perceel_change", args=(perceel.pk,))
    bad = client.post(url, _perceel_form_data(perceel, {"start": "0.50", "periode": "0.40", "plaatsing": "0.20"}))
    assert bad.status_code == 200
    assert "tellen op tot 1.10" in bad.content.decode()
    assert perceel.producten.get(code="start").aandeel == Decimal("0.40")

    good = client.post(url, _perceel_form_data(perceel, {"start": "0.50", "periode": "0.30", "plaatsing": "0.20"}))
    assert good.status_code == 302
    assert perceel.producten.get(code="start").aandeel == Decimal("0.50")
