"""Login through an organisation's own identity provider: OpenID Connect with mozilla-django-oidc
(docs/security.md, "Inloggen via uw organisatie (OpenID Connect)").

Off unless ``OIDC_RP_CLIENT_ID``, ``OIDC_RP_CLIENT_SECRET`` and either ``OIDC_OP_DISCOVERY_URL`` or
the endpoints are set (settings.py). Then the login page shows "Inloggen met uw organisatie":

- ``/inloggen/organisatie`` (:class:`Start`) sends the browser to the provider (authorization code
  flow with state, nonce and PKCE);
- ``/inloggen/organisatie/terug`` (:class:`Terug`) takes the code back, the backend
  (financiering/oidc.py) checks the ID token and takes the role and the organisation from the
  configured claims. A refusal is a Dutch message on the login page, with its code.

With a discovery URL the endpoints and the issuer are read from the provider's
``.well-known/openid-configuration`` (kept an hour in the cache), only when someone logs in this way.
"""

import hashlib
import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .tweestaps import IDP_SESSION_KEY

logger = logging.getLogger(__name__)

DISCOVERY = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_ISSUER": "issuer",
}
ONBEREIKBAAR = (
    "De inlogdienst van uw organisatie is nu niet bereikbaar. Probeer het later opnieuw of log in met "
    "uw gebruikersnaam en wachtwoord. (code: oidc-onbereikbaar)"
)


class OidcOnbereikbaar(Exception):
    """The identity provider did not answer (or answered nonsense)."""


def aan() -> bool:
    """Is login through an identity provider configured?"""
    return bool(
        settings.OIDC_RP_CLIENT_ID
        and settings.OIDC_RP_CLIENT_SECRET
        and (settings.OIDC_OP_DISCOVERY_URL or settings.OIDC_OP_AUTHORIZATION_ENDPOINT)
    )


def discovery() -> dict:
    url = settings.OIDC_OP_DISCOVERY_URL
    key = "ips:oidc:discovery:" + hashlib.sha256(url.encode()).hexdigest()[:16]
    found = cache.get(key)
    if found is None:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            found = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise OidcOnbereikbaar(str(exc)) from exc
        if not isinstance(found, dict) or not all(isinstance(found.get(k), str) for k in DISCOVERY.values()):
            raise OidcOnbereikbaar("discovery document without the endpoints")
        cache.set(key, found, 3600)
    return found


def instelling(attr: str, *args):
    """A mozilla-django-oidc setting; an endpoint or the issuer from discovery when not set itself."""
    if attr in DISCOVERY and settings.OIDC_OP_DISCOVERY_URL and not getattr(settings, attr, ""):
        return discovery()[DISCOVERY[attr]]
    return import_from_settings(attr, *args)


def _lijst(value: str) -> set[str]:
    return {v.strip() for v in (value or "").split(",") if v.strip()}


def idp_mfa(claims: dict) -> bool:
    """Did the identity provider log the user in with more than one factor (``amr``/``acr`` of the
    ID token, against ``IPS_OIDC_MFA_AMR`` and ``IPS_OIDC_MFA_ACR``)?"""
    amr = claims.get("amr") or []
    amr = {amr} if isinstance(amr, str) else {a for a in amr if isinstance(a, str)} if isinstance(amr, list) else set()
    acr = claims.get("acr")
    return bool(amr & _lijst(settings.IPS_OIDC_MFA_AMR)) or (
        isinstance(acr, str) and acr in _lijst(settings.IPS_OIDC_MFA_ACR)
    )


class Start(OIDCAuthenticationRequestView):
    """To the identity provider (state, nonce and PKCE are kept in the session)."""

    get_settings = staticmethod(instelling)

    def __init__(self, **kwargs):  # the endpoints are read per request, not at construction
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request):
        if not aan():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = instelling("OIDC_OP_AUTHORIZATION_ENDPOINT")
            self.OIDC_RP_CLIENT_ID = instelling("OIDC_RP_CLIENT_ID")
        except OidcOnbereikbaar as exc:
            logger.warning("OpenID Connect: discovery mislukt: %s", exc)
            messages.error(request, ONBEREIKBAAR)
            return redirect(settings.LOGIN_URL)
        return super().get(request)


class Terug(OIDCAuthenticationCallbackView):
    """Back from the identity provider: the backend checks the token and the claims."""

    get_settings = staticmethod(instelling)

    def get(self, request):
        if not aan():
            raise Http404
        try:
            return super().get(request)
        except (requests.RequestException, OidcOnbereikbaar, ValueError) as exc:
            logger.warning("OpenID Connect: inloggen mislukt: %s", exc.__class__.__name__)
            messages.error(request, ONBEREIKBAAR)
            return redirect(settings.LOGIN_URL)

    def login_failure(self):
        if self.request.GET.get("error"):  # refused or cancelled at the provider
            messages.error(
                self.request,
                "Inloggen via uw organisatie is afgebroken of geweigerd. (code: oidc-geweigerd)",
            )
        elif not getattr(self.request, "ips_oidc_geweigerd", False):  # the backend said why already
            messages.error(
                self.request, "Inloggen via uw organisatie is niet gelukt. Probeer het opnieuw. (code: oidc-mislukt)"
            )
        return super().login_failure()

    def login_success(self):
        response = super().login_success()
        if getattr(self.user, "ips_idp_mfa", False):
            self.request.session[IDP_SESSION_KEY] = True  # the provider's own second factor counts
        return response


web_urlpatterns = [
    path("inloggen/organisatie", Start.as_view(), name="web-inloggen-organisatie"),
    path("inloggen/organisatie/terug", Terug.as_view(), name="web-inloggen-organisatie-terug"),
]
