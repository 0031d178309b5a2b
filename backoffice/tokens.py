"""The API's token check (``DEFAULT_AUTHENTICATION_CLASSES``): django-rest-knox's tokens, read with
their user, organisation and roles in two queries. Kept apart from backoffice/auth.py, whose views DRF's settings
must not import. docs/security.md "Tokens en blokkering"."""

import binascii
from hmac import compare_digest

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

from . import querycache
from .gebruiker import rollen_laden


def _tokens(token_key, nu):
    return (
        AuthToken.objects.filter(token_key=token_key)
        .filter(Q(expiry__isnull=True) | Q(expiry__gt=nu))
        .select_related("user__medewerker__aanbieder")
    )


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check: the token with its user, the user's ``Medewerker`` row and provider in
    one query, then on PostgreSQL its roles and gemeenten in one more, as backoffice/gebruiker.py
    reads a session's user. An expired token is refused here as in knox, but not deleted on the
    request path (knox read all the user's tokens on every request to delete the expired
    ones): a login deletes its user's expired tokens, :func:`opruimen_verlopen_tokens`."""

    def authenticate_credentials(self, token):
        token = token.decode("utf-8")
        try:
            digest = hash_token(token)
        except (TypeError, binascii.Error, ValueError):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        rows = querycache.vaste_vorm("token", _tokens, token[: CONSTANTS.TOKEN_KEY_LENGTH], timezone.now())
        for auth_token in rows:
            if compare_digest(digest, auth_token.digest):
                rollen_laden(auth_token.user)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))


def opruimen_verlopen_tokens(user) -> int:
    """Delete ``user``'s expired tokens (they no longer let anyone in; this keeps the table small)."""
    deleted, _per_model = AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return deleted
