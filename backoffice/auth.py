"""Logging in with a token (api.md "POST /auth/token", "DELETE /auth/token") and the answer to a
locked-out login (django-axes) at every door. docs/security.md "Tokens en blokkering".

- ``POST /api/v1/auth/token`` {username, password} -> {"token", "verlooptOp"}: a new django-rest-knox
  token per login, stored only as a SHA-512 digest, valid for ``IPS_TOKEN_TTL_HOURS``.
- ``DELETE /api/v1/auth/token`` with ``Authorization: Token <token>``: revokes that token (204).
- The login throttle (``ScopedRateThrottle``, scope ``login``) counts every attempt per address; the
  lockout (axes, through ``django.contrib.auth.authenticate``) counts failures per username and per
  address. A locked-out login gets :func:`lockout_response`, the same for a known and an unknown
  username and with the right or a wrong password.
"""

import ipaddress
import math

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import JsonResponse
from django.template.response import TemplateResponse
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from .api import UtcDateTimeField
from .tokens import TokenAuthentication, opruimen_verlopen_tokens

LOCKOUT_CODE = "account-geblokkeerd"


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return (
        "Te veel mislukte inlogpogingen: inloggen met deze gebruikersnaam of vanaf dit adres is tijdelijk "
        f"geblokkeerd. Probeer het over {minutes} minuten opnieuw of vraag de beheerder de blokkade op te heffen."
    )


def client_ip(request) -> str | None:
    """The address that the login throttle counts (``X-Forwarded-For`` only behind ``IPS_NUM_PROXIES``);
    None when there is none or it is not an IP address (a test client's ``force_login``)."""
    ident = (BaseThrottle().get_ident(request) or "").strip()
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out login answers (axes' ``AXES_LOCKOUT_CALLABLE``): 429 problem+json on the
    API, the login page with the message elsewhere; Retry-After the cool-off period."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        body = {
            "type": f"urn:ips-loket:problem:{LOCKOUT_CODE}",
            "status": 429,
            "title": "Inloggen geblokkeerd",
            "detail": lockout_message(),
            "code": LOCKOUT_CODE,
        }
        response = JsonResponse(body, status=429, content_type="application/problem+json")
    else:
        from .views import InlogForm

        form = InlogForm(request)
        form.full_clean()  # an empty form that carries only the message
        form.cleaned_data = {}
        form.add_error(None, lockout_message())
        response = TemplateResponse(
            request, "backoffice/inloggen.html", {"form": form, "next": "", "geblokkeerd": True}, status=429
        )
        response.render()
    response["Retry-After"] = retry_after
    return response


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI document names this class's tokens as knox's (knoxApiToken)."""

    target_class = "backoffice.tokens.TokenAuthentication"


class TokenAanvraag(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenLogin(APIView):
    """Log in for systems: a token per call; revoke it with DELETE."""

    authentication_classes = [TokenAuthentication]
    throttle_scope = "login"

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_authenticators(self):
        # a login must not fail on an old, expired token that a client still sends along
        return [] if getattr(self.request, "method", "") == "POST" else super().get_authenticators()

    @extend_schema(
        request=TokenAanvraag,
        responses={
            200: inline_serializer(
                "Token", {"token": serializers.CharField(), "verlooptOp": serializers.DateTimeField()}
            )
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        aanvraag = TokenAanvraag(data=request.data)
        aanvraag.is_valid(raise_exception=True)
        # the Django request, so that django-axes can mark it as locked out for its middleware
        user = authenticate(request._request, **aanvraag.validated_data)
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": ["Deze combinatie van gebruikersnaam en wachtwoord kennen wij niet."]}
            )
        opruimen_verlopen_tokens(user)
        instance, token = AuthToken.objects.create(user=user)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        verloopt_op = UtcDateTimeField().to_representation(instance.expiry) if instance.expiry else None
        return Response({"token": token, "verloopt_op": verloopt_op})

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Het token is ingetrokken.")})
    def delete(self, request, *args, **kwargs):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
