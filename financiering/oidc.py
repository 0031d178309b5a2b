"""The OpenID Connect backend: who logs in through their organisation's identity provider, and with
which role for which organisation (backoffice/oidc.py; docs/security.md "Inloggen via uw organisatie
(OpenID Connect)").

- The account is found by issuer + ``sub`` (``OidcKoppeling``), never by e-mail address; a first
  login creates it (without a password: it cannot get an API token).
- The role comes from the claim ``IPS_OIDC_CLAIM_ROL`` (a role code or a list of them), limited to
  ``IPS_OIDC_ROLLEN``; the organisation from ``IPS_OIDC_CLAIM_ORGANISATIE``: the AGB code of the
  aanbieder, the CBS code of the gemeente, ``uwv`` for the UWV roles, ``phrenos`` for the auditor.
  Every login sets both again from the claims, so the organisation's own administration decides.
- A missing or unknown role or organisation refuses the login with a Dutch message and a code.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from backoffice import roles
from backoffice.gebruiker import SessieBackend
from backoffice.models import OidcKoppeling, User
from backoffice.oidc import aan, idp_mfa, instelling

from .models import Aanbieder, Gemeente, Medewerker

logger = logging.getLogger(__name__)

AANBIEDER, GEMEENTE, UWV, PHRENOS = "aanbieder", "gemeente", "uwv", "phrenos"
ORGANISATIE_VAN_ROL = {
    roles.AANBIEDER: AANBIEDER,
    roles.GEMEENTE: GEMEENTE,
    roles.UWV_BEOORDELAAR: UWV,
    roles.UWV_FINANCIEEL: UWV,
    roles.AUDITOR: PHRENOS,
    roles.BEHEERDER: UWV,  # only when IPS_OIDC_ROLLEN allows it (not by default)
}
ENDPOINTS = ("OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT")


class Geweigerd(PermissionDenied):
    """A login refused on the claims (django.contrib.auth.authenticate stops at PermissionDenied)."""


class OrganisatieOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # only the callback of backoffice/oidc.py passes a nonce; a password login passes here too
        if request is None or "nonce" not in kwargs or not aan():
            return None
        for name in ENDPOINTS:
            setattr(self, name, instelling(name))
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id):
        """The session's user as after a password login (backoffice/gebruiker.py): with its
        organisation and roles, and an account made inactive no longer has a session."""
        return SessieBackend().get_user(user_id)

    # --- the claims ---------------------------------------------------------------------------

    def get_userinfo(self, access_token, id_token, payload):
        issuer = instelling("OIDC_OP_ISSUER")
        if issuer and payload.get("iss") != issuer:
            self._weiger("oidc-uitgever-onbekend", "Deze inlogdienst kent IPS-loket niet.")
        claims = dict(super().get_userinfo(access_token, id_token, payload))
        if claims.get("sub") != payload.get("sub"):  # OpenID Connect Core 5.3.2
            self._weiger("oidc-uitgever-onbekend", "De gegevens van de inlogdienst spreken elkaar tegen.")
        claims["iss"] = payload.get("iss")
        for name in (settings.IPS_OIDC_CLAIM_ROL, settings.IPS_OIDC_CLAIM_ORGANISATIE):
            if name in payload and name not in claims:  # the ID token may carry them instead
                claims[name] = payload[name]
        claims["amr"], claims["acr"] = payload.get("amr"), payload.get("acr")  # of this login: the ID token's
        return claims

    def verify_claims(self, claims):
        return isinstance(claims.get("sub"), str) and bool(claims["sub"]) and isinstance(claims.get("iss"), str)

    def filter_users_by_claims(self, claims):
        return User.objects.filter(oidc_koppeling__issuer=claims["iss"], oidc_koppeling__sub=claims["sub"])

    def create_user(self, claims):
        rollen, organisatie = self.rol_en_organisatie(claims)
        key = hashlib.sha256(f"{claims['iss']}|{claims['sub']}".encode()).hexdigest()[:20]
        with transaction.atomic():
            user = User.objects.create_user(f"oidc-{key}")  # no password: no API token either
            OidcKoppeling.objects.create(user=user, issuer=claims["iss"], sub=claims["sub"])
            self._zet(user, claims, rollen, organisatie)
        return self._klaar(user, claims)

    def update_user(self, user, claims):
        rollen, organisatie = self.rol_en_organisatie(claims)
        with transaction.atomic():
            self._zet(user, claims, rollen, organisatie)
        return self._klaar(user, claims)

    def rol_en_organisatie(self, claims) -> tuple[list[str], object]:
        """The roles and the organisation from the claims, or a refusal."""
        value = claims.get(settings.IPS_OIDC_CLAIM_ROL)
        if value in (None, "", []):
            self._weiger(
                "oidc-rol-ontbreekt",
                "Uw organisatie heeft geen rol voor IPS-loket doorgegeven. Vraag de beheerder van uw eigen "
                "organisatie om u een rol te geven.",
            )
        rollen = [value] if isinstance(value, str) else value if isinstance(value, list) else [None]
        toegestaan = {r.strip() for r in settings.IPS_OIDC_ROLLEN.split(",")} & set(roles.ROLES)
        if not all(isinstance(r, str) and r in toegestaan for r in rollen):
            self._weiger(
                "oidc-rol-onbekend",
                "De rol die uw organisatie heeft doorgegeven kent IPS-loket niet, of die rol kan niet via "
                "uw organisatie worden gegeven.",
            )
        soorten = {ORGANISATIE_VAN_ROL[r] for r in rollen}
        code = claims.get(settings.IPS_OIDC_CLAIM_ORGANISATIE)
        organisatie = None
        if len(soorten) == 1 and isinstance(code, str) and code.strip():
            organisatie = _organisatie(soorten.pop(), code.strip())
        if organisatie is None:
            self._weiger(
                "oidc-organisatie-onbekend",
                "De organisatie die uw inlogdienst heeft doorgegeven kent IPS-loket niet, of past niet bij "
                "uw rol. Neem contact op met de beheerder van uw eigen organisatie.",
            )
        return sorted(set(rollen)), organisatie

    # --- writing ------------------------------------------------------------------------------

    def _zet(self, user, claims, rollen, organisatie) -> None:
        """Name, e-mail, roles and organisation exactly as the claims say."""
        user.first_name = _tekst(claims.get("given_name"), 150)
        user.last_name = _tekst(claims.get("family_name"), 150)
        user.email = _tekst(claims.get("email"), 254)
        user.save(update_fields=["first_name", "last_name", "email"])
        user.groups.remove(*Group.objects.filter(name__in=roles.ROLES).exclude(name__in=rollen))
        roles.ensure_groups()
        user.groups.add(*Group.objects.filter(name__in=rollen))
        if isinstance(organisatie, Aanbieder):
            medewerker, _ = Medewerker.objects.update_or_create(user=user, defaults={"aanbieder": organisatie})
            medewerker.gemeenten.clear()
        elif isinstance(organisatie, Gemeente):
            medewerker, _ = Medewerker.objects.update_or_create(user=user, defaults={"aanbieder": None})
            medewerker.gemeenten.set([organisatie])
        else:
            Medewerker.objects.filter(user=user).delete()
        user._ips_roles = set(rollen)

    def _klaar(self, user, claims):
        user.ips_idp_mfa = idp_mfa(claims)  # backoffice/oidc.py Terug: the provider's own second factor
        return user

    def _weiger(self, code: str, message: str):
        logger.warning("OpenID Connect: inloggen geweigerd (%s)", code)
        if self.request is not None:
            messages.error(self.request, f"{message} (code: {code})")
            self.request.ips_oidc_geweigerd = True
        raise Geweigerd(code)


def _organisatie(soort: str, code: str):
    if soort == AANBIEDER:
        return Aanbieder.objects.filter(agb_code=code).first()
    if soort == GEMEENTE:
        today = timezone.localdate()
        return Gemeente.objects.filter(code=code).exclude(actief_tot__lt=today).first()
    return soort if code.lower() == soort else None


def _tekst(value, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""
