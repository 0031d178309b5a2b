"""Plumbing shared by every web page: the login requirement, the idle timeout, the login throttle,
the navigation and the user's organisation in every template.

The pages themselves live in each app's ``views.py`` (``web_urlpatterns``) and the start page in
``backoffice/views.py``. Decisions (docs/decisions.md, "Web pages"):

- Every page needs a logged-in user: :class:`LoginRequiredMiddleware` sends an anonymous request
  for any path outside the API, the admin, static files and the login page itself to ``/inloggen``
  (the API answers 401/403 itself; the admin has its own login). Views may still carry
  ``@login_required``; it is harmless.
- Sessions end when the browser closes (``SESSION_EXPIRE_AT_BROWSER_CLOSE``), after
  ``IPS_SESSION_IDLE_MINUTES`` (default 30) without a request, and at the latest after
  ``SESSION_COOKIE_AGE`` (8 hours).
- The login form is throttled per client address through the cache (Redis when ``REDIS_URL`` is
  set) with the same rate as the API's token login (``IPS_LOGIN_RATE``, default 30/minute).
"""

import functools
import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.http import urlencode
from rest_framework.throttling import BaseThrottle

from . import roles
from .gebruiker import gemeente_namen
from .navigation import NAVIGATIE

OPEN_PREFIXES = ("/api/", "/api-auth/", "/admin/", "/inloggen", "/uitloggen", "/favicon.ico")


def _open(path: str) -> bool:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return path.startswith(OPEN_PREFIXES) or path.startswith(static)


class LoginRequiredMiddleware:
    """A logged-out user sees only the login page; a session idle too long is ended."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _open(request.path):
            return self.get_response(request)
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            idle = settings.IPS_SESSION_IDLE_SECONDS
            last = request.session.get("ips_laatst", now)
            if idle and now - last > idle:
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path(), 'verlopen': 1})}")
            if now - last >= 60 or "ips_laatst" not in request.session:  # write at most once a minute
                request.session["ips_laatst"] = now
            return self.get_response(request)
        return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")


# --- login throttle ----------------------------------------------------------------------------


def _rate() -> tuple[int, int]:
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("login", "30/minute")
    count, period = rate.split("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    return int(count), seconds


def login_throttled(request) -> bool:
    """Count this login attempt; True when the client has used up the rate (as the API's throttle)."""
    limit, period = _rate()
    # the client address as the API's throttle sees it (X-Forwarded-For only behind IPS_NUM_PROXIES)
    ident = BaseThrottle().get_ident(request) or "onbekend"
    key = f"ips:web-login:{ident}"
    cache.add(key, 0, timeout=period)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        attempts = 1
    return attempts > limit


# --- template context --------------------------------------------------------------------------


def organisatie_naam(user) -> str:
    """The organisation a user works for, as shown in the header."""
    if roles.has_role(user, *roles.UWV_ROLES):
        return "UWV"
    if roles.has_role(user, roles.AUDITOR):
        return "Phrenos"
    medewerker = getattr(user, "medewerker", None)
    if medewerker is not None:
        if medewerker.aanbieder_id:
            return medewerker.aanbieder.naam
        namen = gemeente_namen(user)
        if namen:
            return "Gemeente " + ", ".join(namen)
    if roles.has_role(user, roles.BEHEERDER):
        return "Beheer IPS-loket"
    if roles.has_role(user, roles.PRIVACY_OFFICER):
        return "Functionaris gegevensbescherming IPS-loket"
    return ""


@functools.lru_cache(maxsize=8)
def _menu(script_prefix: str) -> tuple[tuple[str, str, frozenset[str]], ...]:
    """The menu's (label, url, roles), its urls reversed once per process (and script prefix):
    reversing them on every page cost 2 ms of each page's CPU."""
    entries = []
    for label, url_name, allowed in NAVIGATIE:
        try:
            entries.append((label, reverse(url_name), frozenset(allowed)))
        except NoReverseMatch:
            continue
    return tuple(entries)


def navigatie(user, path: str) -> list[dict]:
    mine = roles.roles_of(user)
    return [
        {"label": label, "url": url, "actief": path == url if url == "/" else path.startswith(url)}
        for label, url, allowed in _menu(get_script_prefix())
        if not allowed or mine & allowed
    ]


def context(request) -> dict:
    """Context processor: the navigation, role names and organisation for the base template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith("/api/"):
        return {}
    return {
        "ips_navigatie": navigatie(user, request.path),
        "ips_rollen": ", ".join(roles.ROLES[r] for r in sorted(roles.roles_of(user)) if r in roles.ROLES),
        "ips_organisatie": organisatie_naam(user),
        "ips_rol_codes": roles.roles_of(user),
    }
