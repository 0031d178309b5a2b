"""Four eyes on roles (issue 9, finding 7; docs/security.md "Vier ogen op rollen"): a role is
requested by one beheerder and approved by another, never for oneself; the admin no longer edits
a user's groups or staff status directly; every request and grant is in the history and signalled."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from backoffice import roles, services
from backoffice.errors import BusinessRuleError
from backoffice.models import RolToekenning, Signaal, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def beheerders(world):
    call_command("load_reference_data", verbosity=0)
    tweede = make_user(roles.BEHEERDER, username="beheer-2")
    for user in (world.beheer, tweede):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return world.beheer, tweede


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _code(exc) -> str:
    return exc.value.code


def test_a_beheerder_cannot_give_itself_a_role(world, beheerders):
    a, _ = beheerders
    with pytest.raises(BusinessRuleError) as exc:
        services.rol_aanvragen(by=a, gebruiker=a, rol=roles.UWV_FINANCIEEL)
    assert _code(exc) == "rol-eigen-account" and exc.value.status == 403
    # nor through the admin's request form
    response = _admin(a).post(
        reverse("admin:backoffice_roltoekenning_add"), {"gebruiker": a.pk, "rol": roles.UWV_FINANCIEEL}
    )
    assert response.status_code == 200 and "U kunt uzelf geen rol geven" in response.content.decode()
    assert not RolToekenning.objects.exists()
    # and the database refuses such a row whatever path writes it
    with pytest.raises(IntegrityError), transaction.atomic():
        RolToekenning.objects.create(gebruiker=a, rol=roles.UWV_FINANCIEEL, aangevraagd_door=a)


def test_the_requester_cannot_approve_its_own_request_and_the_second_beheerder_can(world, beheerders):
    a, b = beheerders
    nieuw = User.objects.create_user("tweede-account", password="x")  # the account A created
    admin_a, admin_b = _admin(a), _admin(b)
    response = admin_a.post(
        reverse("admin:backoffice_roltoekenning_add"),
        {"gebruiker": nieuw.pk, "rol": roles.UWV_FINANCIEEL, "toelichting": "nieuwe collega"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    toekenning = RolToekenning.objects.get()
    assert toekenning.status == "aangevraagd" and toekenning.aangevraagd_door == a
    assert not roles.has_role(User.objects.get(pk=nieuw.pk), roles.UWV_FINANCIEEL)
    signaal = Signaal.objects.get(soort="rol_aangevraagd", object_uuid=toekenning.uuid)
    assert not signaal.afgehandeld and "beheer" in signaal.omschrijving and "tweede-account" in signaal.omschrijving

    changelist = reverse("admin:backoffice_roltoekenning_changelist")
    action = {"action": "goedkeuren", "_selected_action": [toekenning.pk]}
    page = admin_a.post(changelist, action, follow=True).content.decode()
    assert "Wie de rol aanvroeg, beslist er niet over" in page
    toekenning.refresh_from_db()
    assert toekenning.status == "aangevraagd"
    assert not User.objects.get(pk=nieuw.pk).groups.exists()

    admin_b.post(changelist, action)
    toekenning.refresh_from_db()
    assert (toekenning.status, toekenning.beslist_door) == ("goedgekeurd", b)
    assert roles.has_role(User.objects.get(pk=nieuw.pk), roles.UWV_FINANCIEEL)  # the role takes effect

    # history: who requested, who approved
    history = list(toekenning.history.order_by("history_id").values_list("status", "history_user__username"))
    assert history == [("aangevraagd", "beheer"), ("goedgekeurd", "beheer-2")]
    # signals: the request resolved, the grant raised
    signaal.refresh_from_db()
    assert signaal.afgehandeld
    grant = Signaal.objects.get(soort="rol_toegekend", object_uuid=toekenning.uuid)
    assert "goedgekeurd door beheer-2" in grant.omschrijving
    # the beheerders see them in the admin; UWV does not see them in its signals
    assert "tweede-account" in admin_b.get(reverse("admin:backoffice_signaal_changelist")).content.decode()
    assert not world.client(world.uwv).get("/api/v1/signalen").json()["results"]

    # taking it away again: any beheerder, the role is gone
    admin_a.post(changelist, {"action": "intrekken", "_selected_action": [toekenning.pk]})
    toekenning.refresh_from_db()
    assert toekenning.status == "ingetrokken"
    assert not roles.has_role(User.objects.get(pk=nieuw.pk), roles.UWV_FINANCIEEL)


def test_nobody_decides_on_a_role_for_itself_and_rejected_is_final(world, beheerders):
    a, b = beheerders
    toekenning = services.rol_aanvragen(by=a, gebruiker=b, rol=roles.UWV_FINANCIEEL)
    with pytest.raises(BusinessRuleError) as exc:
        services.rol_goedkeuren(by=b, toekenning=toekenning)
    assert _code(exc) == "rol-eigen-account"
    c = make_user(roles.BEHEERDER, username="beheer-3")
    services.rol_afwijzen(by=c, toekenning=toekenning)
    with pytest.raises(BusinessRuleError) as exc:
        services.rol_goedkeuren(by=c, toekenning=toekenning)
    assert _code(exc) == "ongeldige-status"
    assert not roles.has_role(User.objects.get(pk=b.pk), roles.UWV_FINANCIEEL)
    # a role that needs an organisation is not granted without one
    los = User.objects.create_user("los")
    toekenning = services.rol_aanvragen(by=a, gebruiker=los, rol=roles.AANBIEDER)
    with pytest.raises(BusinessRuleError) as exc:
        services.rol_goedkeuren(by=b, toekenning=toekenning)
    assert _code(exc) == "rol-zonder-organisatie"
    # only a beheerder asks
    with pytest.raises(BusinessRuleError) as exc:
        services.rol_aanvragen(by=world.uwv_fin, gebruiker=los, rol=roles.UWV_FINANCIEEL)
    assert _code(exc) == "geen-rol"


def test_granting_beheerder_needs_four_eyes_too_and_opens_the_admin(world, beheerders):
    a, b = beheerders
    nieuw = User.objects.create_user("nieuwe-beheerder")
    toekenning = services.rol_aanvragen(by=a, gebruiker=nieuw, rol=roles.BEHEERDER)
    services.rol_goedkeuren(by=b, toekenning=toekenning)
    nieuw.refresh_from_db()
    assert nieuw.is_staff and roles.has_role(nieuw, roles.BEHEERDER)


def test_the_admin_does_not_edit_groups_staff_or_superuser_directly(world, beheerders):
    a, _ = beheerders
    admin = _admin(a)
    target = world.uwv
    url = reverse("admin:backoffice_user_change", args=(target.pk,))
    page = admin.get(url).content.decode()
    assert 'name="groups"' not in page and 'name="is_staff"' not in page and 'name="is_superuser"' not in page
    fin = roles_group(roles.UWV_FINANCIEEL)
    data = {
        "username": target.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [fin.pk],
        "medewerker-TOTAL_FORMS": "0",  # the organisation inline (financiering/admin.py)
        "medewerker-INITIAL_FORMS": "0",
    }
    assert admin.post(url, data).status_code == 302
    target = User.objects.get(pk=target.pk)
    assert set(target.groups.values_list("name", flat=True)) == {roles.UWV_BEOORDELAAR}
    assert not target.is_staff and not target.is_superuser
    # its own account likewise: no role, no superuser
    own = reverse("admin:backoffice_user_change", args=(a.pk,))
    assert admin.post(own, {**data, "username": a.username}).status_code == 302
    a = User.objects.get(pk=a.pk)
    assert set(a.groups.values_list("name", flat=True)) == {roles.BEHEERDER} and not a.is_superuser
    # another beheerder's account (and so its password) is out of reach
    other = User.objects.get(username="beheer-2")
    other_url = reverse("admin:backoffice_user_change", args=(other.pk,))
    assert admin.post(other_url, {**data, "username": other.username, "is_active": ""}).status_code == 403
    assert User.objects.get(pk=other.pk).is_active
    assert admin.get(reverse("admin:auth_user_password_change", args=(other.pk,))).status_code == 403
    # a role's membership and name are not edited through the group admin either
    group_url = reverse("admin:auth_group_change", args=(fin.pk,))
    assert admin.post(group_url, {"name": roles.BEHEERDER}).status_code == 403
    # a new user has no role
    response = admin.post(
        reverse("admin:backoffice_user_add"),
        {
            "username": "nieuw",
            "usable_password": "true",
            "password1": "Lang-genoeg-2026!",
            "password2": "Lang-genoeg-2026!",
            "groups": [fin.pk],
            "medewerker-TOTAL_FORMS": "0",
            "medewerker-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert not User.objects.get(username="nieuw").groups.exists()


def roles_group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get(name=name)


def test_the_demo_data_still_creates_its_accounts_with_their_roles(db):
    from io import StringIO

    call_command("load_reference_data", verbosity=0)
    call_command("demo_data", stdout=StringIO())
    assert roles.has_role(User.objects.get(username="uwv-financieel-2"), roles.UWV_FINANCIEEL)
    assert roles.has_role(User.objects.get(username="beheer"), roles.BEHEERDER)
