"""The API's token check (``DEFAULT_AUTHENTICATION_CLASSES``): django-rest-knox's tokens, read in one
query with their user and roles. Kept apart from backoffice/auth.py, whose views DRF's settings
must not import. docs/security.md "Tokens en blokkering"."""

import binascii
from hmac import compare_digest

from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check in one query: the token, its user, the user's ``Medewerker`` row (its
    provider, for :func:`financiering.selectors.user_aanbieder_id`: one query less on every
    provider's request) and, on PostgreSQL, the user's roles (cached for
    :func:`backoffice.roles.roles_of`). An expired token is refused here as in knox, but not deleted
    on the request path (knox read all the user's tokens on every request to delete the expired
    ones): a login deletes its user's expired tokens, :func:`opruimen_verlopen_tokens`."""

    def authenticate_credentials(self, token):
        token = token.decode("utf-8")
        try:
            digest = hash_token(token)
        except (TypeError, binascii.Error, ValueError):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        rows = (
            AuthToken.objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
            .filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
            .select_related("user__medewerker")
        )
        if connections[rows.db].vendor == "postgresql":  # ARRAY(SELECT ...); SQLite (make run) asks roles_of
            rows = rows.annotate(rollen=ArraySubquery(Group.objects.filter(user=OuterRef("user_id")).values("name")))
        for auth_token in rows:
            if compare_digest(digest, auth_token.digest):
                if hasattr(auth_token, "rollen"):
                    auth_token.user._ips_roles = set(auth_token.rollen)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))


def opruimen_verlopen_tokens(user) -> int:
    """Delete ``user``'s expired tokens (they no longer let anyone in; this keeps the table small)."""
    deleted, _per_model = AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return deleted
