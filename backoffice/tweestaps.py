"""Two-factor login: a TOTP app (django-otp's ``otp_totp``) with ten one-time recovery codes
(``otp_static``), on the web pages, the admin and the API's session login (docs/security.md,
"Tweestapsverificatie").

- Who must: ``IPS_2FA_VERPLICHT_ROLLEN`` (settings.py): ``alle`` (production default), ``geen``
  (development default) or role codes. Whoever has set up an app must use it, whatever the setting.
- :class:`TweestapsMiddleware` stands after the login: a session that logged in with a password
  (or through an identity provider without its own second factor) but has not given a code yet
  reaches nothing but the pages under ``/inloggen`` and ``/uitloggen``. A page or the admin sends it
  to the code step (``/inloggen/code``), or to the set-up page (``/inloggen/instellen``) when it has
  no app yet; the API treats such a session as not logged in (401). API tokens are not affected:
  they are for systems (docs/security.md).
- A session is verified by django-otp (``request.user.is_verified()``: the device is in the session)
  or, after an OpenID Connect login whose ``amr``/``acr`` shows the identity provider's own second
  factor, by :data:`IDP_SESSION_KEY` (backoffice/oidc.py).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.shortcuts import redirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles

IDP_SESSION_KEY = "ips_2fa_idp"  # the identity provider's own second factor (backoffice/oidc.py)
NIET_NODIG_SESSION_KEY = "ips_2fa_niet_nodig"  # checked once per session: no app, not required
CODE_URL = "/inloggen/code"
INSTELLEN_URL = "/inloggen/instellen"
OPEN_PREFIXES = ("/inloggen", "/uitloggen", "/favicon.ico")


def verplichte_rollen() -> set[str] | None:
    """The roles that must use a second factor; ``None`` means every account."""
    value = (settings.IPS_2FA_VERPLICHT_ROLLEN or "").strip().lower()
    if value in ("alle", "all", "*"):
        return None
    if value in ("", "geen", "none"):
        return set()
    return {r.strip() for r in value.split(",") if r.strip()}


def verplicht(user) -> bool:
    """Must this account log in with a second factor (its role says so)?"""
    wanted = verplichte_rollen()
    if wanted is None:
        return True
    if not wanted:
        return False
    mine = set(roles.roles_of(user))
    if user.is_staff or user.is_superuser:
        mine.add(roles.BEHEERDER)  # the admin counts as the beheerder's
    return bool(mine & wanted)


def heeft_app(user) -> bool:
    """Has this account a confirmed authenticator app? (Recovery codes alone do not count: without
    the app the account sets up a new one, which also replaces the codes.)"""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def geverifieerd(request) -> bool:
    user = request.user
    return bool(user.is_authenticated and (user.is_verified() or request.session.get(IDP_SESSION_KEY)))


def tweede_stap_nodig(request) -> bool:
    """True when this logged-in session still owes its second factor."""
    if geverifieerd(request) or request.session.get(NIET_NODIG_SESSION_KEY):
        return False
    if verplicht(request.user) or heeft_app(request.user):
        return True
    request.session[NIET_NODIG_SESSION_KEY] = True  # no app and not required: do not ask again
    return False


def volgende_stap(request, next_url: str) -> str:
    """Where a session that owes its second factor goes: the code step, or setting up an app."""
    target = CODE_URL if heeft_app(request.user) else INSTELLEN_URL
    return f"{target}?{urlencode({'next': next_url})}" if next_url else target


def _bij_inloggen(sender, request, user, **kwargs):
    """Every login starts without the marks of an earlier one in the same session, and decides once
    whether this session owes a second factor (so that no request after it pays a query for that)."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(IDP_SESSION_KEY, None)
        request.session.pop(NIET_NODIG_SESSION_KEY, None)
        if not verplicht(user) and not heeft_app(user):
            request.session[NIET_NODIG_SESSION_KEY] = True


user_logged_in.connect(_bij_inloggen, dispatch_uid="ips-tweestaps-bij-inloggen")


class TweestapsMiddleware:
    """Nothing but the login pages before the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        static = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(OPEN_PREFIXES) or path.startswith(static) or not request.user.is_authenticated:
            return self.get_response(request)
        if not tweede_stap_nodig(request):
            return self.get_response(request)
        if path.startswith("/api/") and not _browser_get(request):
            # the API counts this session as not logged in; a token (Authorization) is untouched
            request.user = AnonymousUser()
            return self.get_response(request)
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect(volgende_stap(request, next_url))


def _browser_get(request) -> bool:
    """A person opening the browsable API: sent to the code step like any page."""
    return request.method == "GET" and "text/html" in request.headers.get("Accept", "")
