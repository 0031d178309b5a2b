"""The user of a request in two queries, for a session (:class:`SessieBackend`) and for an API
token (backoffice/tokens.py): the user with its ``Medewerker`` row and provider, and on PostgreSQL
its roles and gemeenten in one more (:func:`rollen_laden`), cached where
:func:`backoffice.roles.roles_of` and :func:`gemeente_ids` look first. Before, a page read the
user, its roles, its Medewerker, its provider and its gemeenten one query each (docs/performance.md
"Issue 13, ronde 4"). SQLite (``make run``) has no ARRAY: there the two functions query as needed."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections

from . import querycache

# A user's gemeenten: its own, and the member gemeenten of the joint bodies it works for (domain.md
# 6), reached through the user's reverse relations so that backoffice imports no higher app.
GEMEENTEN = ("medewerker__gemeenten", "medewerker__samenwerkingsverbanden__leden")


def gemeente_ids(user) -> list[int]:
    """The ids of the gemeenten ``user`` works for (none for anyone but a gemeente's medewerker)."""
    cached = getattr(user, "_ips_gemeenten", None)
    if cached is None:
        cached = []
        if user.is_authenticated and getattr(user, "medewerker", None) is not None:
            rows = get_user_model()._default_manager.filter(pk=user.pk).values_list(*GEMEENTEN)
            cached = sorted({g for row in rows for g in row if g is not None})
        user._ips_gemeenten = cached
    return cached


def gemeente_namen(user) -> list[str]:
    """The names of the gemeenten ``user`` is a medewerker of itself, by CBS code (the header)."""
    cached = getattr(user, "_ips_gemeente_namen", None)
    if cached is None:
        medewerker = getattr(user, "medewerker", None) if user.is_authenticated else None
        cached = [g.naam for g in medewerker.gemeenten.order_by("code")] if medewerker else []
        user._ips_gemeente_namen = cached
    return cached


def rollen_laden(user) -> None:
    """Read ``user``'s roles, gemeenten and gemeente names in one hand-written query, on PostgreSQL,
    and cache them for :func:`backoffice.roles.roles_of`, :func:`gemeente_ids` and
    :func:`gemeente_namen`; elsewhere those ask themselves when needed. Hand-written because the
    same query through the ORM (``ArraySubquery`` annotations) cost 5 ms of Python to build on every
    request, against 0.3 ms to run (docs/performance.md "Issue 13, ronde 4")."""
    connection = connections[user._state.db or "default"]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [user.pk] * 4)
        rollen, gemeenten, namen = cursor.fetchone()
    user._ips_roles = set(rollen)
    user._ips_gemeenten = sorted(set(gemeenten))
    user._ips_gemeente_namen = namen


@functools.cache
def _sql() -> str:
    """The query of :func:`rollen_laden`, from the models' own table and column names."""
    user_model = get_user_model()
    groups = user_model.groups.through._meta
    medewerker = user_model._meta.get_field("medewerker").related_model
    eigen = medewerker.gemeenten.through._meta
    verband_model = medewerker._meta.get_field("samenwerkingsverbanden").related_model
    verband = verband_model.medewerkers.through._meta
    leden = verband_model.leden.through._meta
    gemeente = medewerker._meta.get_field("gemeenten").related_model._meta
    return (
        f"SELECT ARRAY(SELECT g.name FROM {Group._meta.db_table} g JOIN {groups.db_table} ug ON ug.group_id = g.id"
        f" WHERE ug.user_id = %s),"
        f" ARRAY(SELECT e.gemeente_id FROM {medewerker._meta.db_table} m"
        f" JOIN {eigen.db_table} e ON e.medewerker_id = m.id WHERE m.user_id = %s"
        f" UNION SELECT l.gemeente_id FROM {medewerker._meta.db_table} m"
        f" JOIN {verband.db_table} v ON v.medewerker_id = m.id"
        f" JOIN {leden.db_table} l ON l.samenwerkingsverband_id = v.samenwerkingsverband_id WHERE m.user_id = %s),"
        f" ARRAY(SELECT x.naam FROM {medewerker._meta.db_table} m JOIN {eigen.db_table} e ON e.medewerker_id = m.id"
        f" JOIN {gemeente.db_table} x ON x.id = e.gemeente_id WHERE m.user_id = %s ORDER BY x.code)"
    )


def _gebruiker(pk):
    return get_user_model()._default_manager.select_related("medewerker__aanbieder").filter(pk=pk).order_by()[:1]


class SessieBackend(ModelBackend):
    """Django's ``ModelBackend`` (passwords, permissions), with the logged-in user of a session read
    with its Medewerker row and provider in one query, and its roles and gemeenten in one more."""

    def get_user(self, user_id):
        rows = querycache.vaste_vorm("sessie-gebruiker", _gebruiker, user_id)
        user = rows[0] if rows else None
        if user is None or not self.user_can_authenticate(user):
            return None
        rollen_laden(user)
        return user
