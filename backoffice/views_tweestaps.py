"""The pages of two-factor login (backoffice/tweestaps.py, docs/security.md "Tweestapsverificatie"):

- ``/inloggen/code``: the step after the password: a code from the app, or a recovery code.
- ``/inloggen/instellen``: set up an app (QR code and the secret as text, confirm the first code),
  then ten recovery codes, shown once (``/inloggen/herstelcodes``). Also how an app is replaced:
  the old one is removed only once the new one has given a correct code.
- ``/tweestapsverificatie/``: the user's own page: status, replace the app, new recovery codes.
"""

import base64
import re

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import tweestaps
from .web import login_throttled

AANTAL_HERSTELCODES = 10
NIEUW_SESSION_KEY = "ips_2fa_nieuw"  # the app being set up (not confirmed yet)
CODES_SESSION_KEY = "ips_2fa_herstelcodes"  # the new recovery codes, until they are shown once
TOTP_CODE = re.compile(r"^\d{6}$")

ONJUIST = (
    "Deze code klopt niet. Gebruik de code die de app nu toont, of een herstelcode. (code: tweestaps-code-onjuist)"
)
TE_VEEL = "Te veel onjuiste codes. Wacht een minuut en probeer het opnieuw. (code: tweestaps-te-veel-pogingen)"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Vul de code in.", "max_length": "Een code is 6 cijfers of 8 tekens."},
    )

    def __init__(self, *args, herstelcode: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"})
        if herstelcode:
            field.help_text = "6 cijfers uit uw authenticator-app, of een van uw herstelcodes (8 tekens)."
        else:
            field.label = "Code uit de app"
            field.help_text = "De 6 cijfers die de app nu toont, ter controle."
            field.widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        return re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()


def _next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return settings.LOGIN_REDIRECT_URL


def _niet_ingelogd(request):
    if request.user.is_authenticated:
        return None
    return redirect(f"{settings.LOGIN_URL}?{urlencode({'next': request.get_full_path()})}")


def _verified(request, device) -> None:
    """The second factor is given: keep the device in the session, under a new session key."""
    otp_login(request, device)
    request.session.pop(tweestaps.NIET_NODIG_SESSION_KEY, None)
    request.session.cycle_key()


@require_http_methods(["GET", "POST"])
def code(request):
    """After the password: a code from the app or a recovery code."""
    if response := _niet_ingelogd(request):
        return response
    if tweestaps.geverifieerd(request):
        return redirect(_next(request))
    if not tweestaps.heeft_app(request.user):
        return redirect(tweestaps.volgende_stap(request, _next(request)))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if _afgeremd(request, form):
            status = 429
        elif form.is_valid():
            device, throttled = _match(request.user, form.cleaned_data["code"])
            if device is not None:
                _verified(request, device)
                if isinstance(device, StaticDevice):
                    over = device.token_set.count()
                    messages.warning(
                        request,
                        f"U hebt een herstelcode gebruikt; u hebt er nog {over}. "
                        "Koppel zo nodig een nieuwe app of maak nieuwe herstelcodes op de pagina Tweestapsverificatie.",
                    )
                return redirect(_next(request))
            form.add_error("code", TE_VEEL if throttled else ONJUIST)
            status = 429 if throttled else 200
    context = {"form": form, "next": _next(request), "ips_navigatie": []}  # no menu before the second factor
    return render(request, "backoffice/tweestaps_code.html", context, status=status)


def _afgeremd(request, form) -> bool:
    """Too many attempts from this address (the login throttle): the form says so, nothing else."""
    if not login_throttled(request):
        return False
    form.is_valid()
    form.errors.clear()
    form.add_error(None, TE_VEEL)
    return True


def _match(user, token: str):
    """(the device that accepts the token, whether a device refused because of too many failures).
    Six digits are tried against the app, anything else against the recovery codes (used up)."""
    model = TOTPDevice if TOTP_CODE.match(token) else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(token):
                return device, False
    return None, throttled


def _nieuwe_app(request) -> TOTPDevice:
    """The app being set up in this session (the same secret on every reload), or a new one."""
    pk = request.session.get(NIEUW_SESSION_KEY)
    device = TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first() if pk else None
    if device is None:
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator-app", confirmed=False)
        request.session[NIEUW_SESSION_KEY] = device.pk
    return device


def _qr_svg(url: str) -> str:
    """The otpauth:// URL as an inline SVG (no image file, no inline style: the CSP allows it)."""
    return segno.make(url, error="m").svg_inline(
        scale=5, border=2, dark="#000", light="#fff", omitsize=True, title="QR-code voor IPS-loket"
    )


def _geheim(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def instellen(request):
    """Set up (or replace) the authenticator app; the old one goes once the new one works."""
    if response := _niet_ingelogd(request):
        return response
    if tweestaps.heeft_app(request.user) and not tweestaps.geverifieerd(request):
        return redirect(tweestaps.volgende_stap(request, _next(request)))  # replacing needs the old app first
    device = _nieuwe_app(request)
    form = CodeForm(request.POST or None, herstelcode=False)
    status = 200
    if request.method == "POST":
        if _afgeremd(request, form):
            status = 429
        elif form.is_valid() and not device.verify_is_allowed()[0]:
            form.add_error("code", TE_VEEL)
            status = 429
        elif form.is_valid():
            if TOTP_CODE.match(form.cleaned_data["code"]) and device.verify_token(form.cleaned_data["code"]):
                with transaction.atomic():
                    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    codes = _herstelcodes_maken(request.user)
                _verified(request, device)
                request.session.pop(NIEUW_SESSION_KEY, None)
                request.session[CODES_SESSION_KEY] = codes
                return redirect(f"/inloggen/herstelcodes?{urlencode({'next': _next(request)})}")
            form.add_error(
                "code",
                "Deze code klopt niet. Controleer de tijd op uw telefoon en vul de code in die de app nu toont."
                " (code: tweestaps-code-onjuist)",
            )
    context = {
        "form": form,
        "next": _next(request),
        "qr": _qr_svg(device.config_url),
        "geheim": _geheim(device),
        "vervangen": tweestaps.heeft_app(request.user),
    }
    if not tweestaps.geverifieerd(request):
        context["ips_navigatie"] = []  # no menu before the second factor
    return render(request, "backoffice/tweestaps_instellen.html", context, status=status)


def _herstelcodes_maken(user) -> list[str]:
    """Ten new one-time recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Herstelcodes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(AANTAL_HERSTELCODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@require_GET
def herstelcodes(request):
    """The new recovery codes, once: a reload shows them no more."""
    if response := _niet_ingelogd(request):
        return response
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes or not tweestaps.geverifieerd(request):
        messages.info(request, "Uw herstelcodes zijn al getoond. Maak zo nodig nieuwe aan.")
        return redirect("web-tweestaps")
    tekst = "IPS-loket: herstelcodes voor " + request.user.username + "\r\n" + "\r\n".join(codes) + "\r\n"
    return render(
        request,
        "backoffice/tweestaps_herstelcodes.html",
        {"codes": codes, "tekst": tekst, "next": _next(request)},
    )


@require_GET
def beheer(request):
    """The user's own page: is two-factor login on, replace the app, new recovery codes."""
    app = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    over = StaticToken.objects.filter(device__user=request.user).count()
    context = {"app": app, "over": over, "verplicht": tweestaps.verplicht(request.user)}
    return render(request, "backoffice/tweestaps_beheer.html", context)


@require_POST
def nieuwe_codes(request):
    if not (tweestaps.heeft_app(request.user) and tweestaps.geverifieerd(request)):
        messages.error(request, "Stel eerst een authenticator-app in.")
        return redirect("web-tweestaps")
    with transaction.atomic():
        request.session[CODES_SESSION_KEY] = _herstelcodes_maken(request.user)
    return redirect("/inloggen/herstelcodes?next=/tweestapsverificatie/")


web_urlpatterns = [
    path("inloggen/code", code, name="web-inloggen-code"),
    path("inloggen/instellen", instellen, name="web-inloggen-instellen"),
    path("inloggen/herstelcodes", herstelcodes, name="web-inloggen-herstelcodes"),
    path("tweestapsverificatie/", beheer, name="web-tweestaps"),
    path("tweestapsverificatie/herstelcodes", nieuwe_codes, name="web-tweestaps-herstelcodes"),
]
