"""OpenID Connect without a provider: off unless configured, never a 500 when the provider is away
or the answer is odd, and the claims mapping of financiering/oidc.py rule by rule (role and
organisation from the claims, refused in Dutch otherwise; the account found by issuer + sub).
The login through a real provider is tests/web/test_oidc.py."""

import pytest
from django.test import Client

from backoffice import roles
from backoffice.models import OidcKoppeling
from backoffice.oidc import idp_mfa
from financiering.oidc import Geweigerd, OrganisatieOIDCBackend

pytestmark = pytest.mark.django_db
ISS = "https://login.example.nl"


@pytest.fixture
def aan(settings):
    settings.OIDC_RP_CLIENT_ID = "ips-loket"
    settings.OIDC_RP_CLIENT_SECRET = "geheim"
    settings.OIDC_OP_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"  # nobody listens
    return settings


def backend() -> OrganisatieOIDCBackend:
    b = OrganisatieOIDCBackend()
    b.request = None
    return b


def claims(**extra) -> dict:
    return {"iss": ISS, "sub": "medewerker-1", **extra}


def test_off_unless_configured(db):
    page = Client().get("/inloggen").content.decode()
    assert "Inloggen met uw organisatie" not in page
    assert Client().get("/inloggen/organisatie").status_code == 404
    assert Client().get("/inloggen/organisatie/terug?code=x&state=y").status_code == 404


def test_when_configured_the_login_page_offers_it(aan):
    page = Client().get("/inloggen?next=/trajecten/").content.decode()
    assert (
        '<a class="knop knop--secundair" href="/inloggen/organisatie?next=/trajecten/">Inloggen met uw organisatie</a>'
        in page
    )


def test_a_provider_that_does_not_answer_gives_a_dutch_message_not_a_500(aan):
    response = Client().get("/inloggen/organisatie", follow=True)
    assert response.redirect_chain == [("/inloggen", 302)]
    assert "De inlogdienst van uw organisatie is nu niet bereikbaar" in response.content.decode()
    assert "oidc-onbereikbaar" in response.content.decode()


def test_a_callback_without_a_started_login_or_with_an_error_is_refused_in_dutch(aan):
    stray = Client().get("/inloggen/organisatie/terug?code=abc&state=def", follow=True)
    assert stray.redirect_chain == [("/inloggen", 302)]
    assert "(code: oidc-mislukt)" in stray.content.decode()
    cancelled = Client().get("/inloggen/organisatie/terug?error=access_denied&state=def", follow=True)
    assert "(code: oidc-geweigerd)" in cancelled.content.decode()


def test_role_and_organisation_from_the_claims(world):
    user = backend().create_user(
        claims(ips_rol=roles.GEMEENTE, ips_organisatie="0363", given_name="Els", family_name="de Vries")
    )
    assert user.username.startswith("oidc-") and not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Els", "de Vries")
    assert set(user.groups.values_list("name", flat=True)) == {roles.GEMEENTE}
    assert list(user.medewerker.gemeenten.all()) == [world.amsterdam] and user.medewerker.aanbieder is None
    assert OidcKoppeling.objects.get(user=user).sub == "medewerker-1"

    # the next login follows the provider: another role at another organisation, the old one gone
    b = backend()
    found = b.filter_users_by_claims(claims())
    assert list(found) == [user]
    b.update_user(found[0], claims(ips_rol=[roles.AANBIEDER], ips_organisatie=world.noord.agb_code))
    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {roles.AANBIEDER}
    assert user.medewerker.aanbieder == world.noord and not user.medewerker.gemeenten.exists()


def test_the_account_is_found_by_issuer_and_sub_never_by_email(world):
    world.ggz_noord.email = "jan@example.nl"
    world.ggz_noord.save()
    b = backend()
    assert not b.filter_users_by_claims(claims(email="jan@example.nl")).exists()
    user = b.create_user(claims(ips_rol=roles.UWV_BEOORDELAAR, ips_organisatie="uwv", email="jan@example.nl"))
    assert list(b.filter_users_by_claims(claims())) == [user]
    assert not b.filter_users_by_claims({"iss": "https://andere.example.nl", "sub": "medewerker-1"}).exists()


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({}, "oidc-rol-ontbreekt"),
        ({"ips_rol": "", "ips_organisatie": "uwv"}, "oidc-rol-ontbreekt"),
        ({"ips_rol": "superuser", "ips_organisatie": "uwv"}, "oidc-rol-onbekend"),
        ({"ips_rol": roles.BEHEERDER, "ips_organisatie": "uwv"}, "oidc-rol-onbekend"),  # not by default
        ({"ips_rol": {"rol": roles.AANBIEDER}, "ips_organisatie": "uwv"}, "oidc-rol-onbekend"),
        ({"ips_rol": roles.AANBIEDER}, "oidc-organisatie-onbekend"),
        ({"ips_rol": roles.AANBIEDER, "ips_organisatie": "99999999"}, "oidc-organisatie-onbekend"),
        ({"ips_rol": roles.AANBIEDER, "ips_organisatie": "uwv"}, "oidc-organisatie-onbekend"),
        ({"ips_rol": roles.GEMEENTE, "ips_organisatie": "9999"}, "oidc-organisatie-onbekend"),
        ({"ips_rol": roles.UWV_FINANCIEEL, "ips_organisatie": "0363"}, "oidc-organisatie-onbekend"),
        ({"ips_rol": [roles.AANBIEDER, roles.GEMEENTE], "ips_organisatie": "0363"}, "oidc-organisatie-onbekend"),
        ({"ips_rol": roles.AUDITOR, "ips_organisatie": 12}, "oidc-organisatie-onbekend"),
    ],
)
def test_an_unknown_or_missing_role_or_organisation_refuses_the_login(world, extra, code):
    with pytest.raises(Geweigerd) as refused:
        backend().create_user(claims(**extra))
    assert str(refused.value) == code
    assert not OidcKoppeling.objects.exists()


def test_the_claim_names_and_the_roles_a_provider_may_give_are_configurable(world, settings):
    settings.IPS_OIDC_CLAIM_ROL = "groups"
    settings.IPS_OIDC_CLAIM_ORGANISATIE = "org"
    settings.IPS_OIDC_ROLLEN = "auditor"
    user = backend().create_user(claims(groups=["auditor"], org="Phrenos"))
    assert set(user.groups.values_list("name", flat=True)) == {roles.AUDITOR}
    with pytest.raises(Geweigerd):
        backend().create_user(claims(sub="2", groups="uwv_beoordelaar", org="uwv"))


def test_the_providers_own_second_factor(settings):
    assert idp_mfa({"amr": ["pwd", "otp"]})
    assert idp_mfa({"amr": "mfa"})
    assert not idp_mfa({"amr": ["pwd"]})
    assert not idp_mfa({"acr": "urn:etoegang:core:assurance-class:loa3"})
    settings.IPS_OIDC_MFA_ACR = "urn:etoegang:core:assurance-class:loa3,urn:etoegang:core:assurance-class:loa4"
    assert idp_mfa({"acr": "urn:etoegang:core:assurance-class:loa3"})
    assert not idp_mfa({"acr": "urn:etoegang:core:assurance-class:loa2"})
    settings.IPS_OIDC_MFA_AMR = ""
    assert not idp_mfa({"amr": ["mfa"]})


def test_a_password_login_never_reaches_the_provider(world, aan):
    """The backend stands in AUTHENTICATION_BACKENDS for every login; without the callback's nonce it
    does nothing (the provider is unreachable here: touching it would fail the login)."""
    client = Client()
    assert (
        client.post("/inloggen?code=x&state=y", {"username": "uwv", "password": "geheim-wachtwoord"}).status_code == 302
    )
    assert client.get("/").status_code == 200
