"""Reads that may lag go to a streaming read replica; everything else to the primary
(docs/reliability.md, "Primary, replica's en pgbouncer").

Without ``DATABASE_REPLICA_URL`` there is no replica alias and nothing here changes a query. With
one (or more, separated by spaces or commas: aliases ``replica``, ``replica_2``, ...):

- **Which reads.** Only what runs inside :func:`replica_read`: list endpoints, werkbak pages,
  exports, the werkmonitor. One line where a view is declared::

      @replica_read                  # a view function, or a view class (wraps its ``get``)
      class TrajectList(ListView): ...

      with replica_read():           # or around a selector's reads
          rows = list(qs)

  Everything else (details, forms, every write and what it reads to decide) reads the primary,
  and so do jobs: outside a request nothing goes to a replica.
- **Read your writes.** A request that wrote (any INSERT/UPDATE/DELETE on the primary, except the
  bookkeeping tables below) reads the primary for the rest of the request. At its end the primary's
  WAL position is kept in the cache (Redis) for the user (or the anonymous session) for
  ``IPS_READ_YOUR_WRITES_SECONDS``; while it is there, a replica serves that user only once it
  has replayed up to that position (``pg_last_wal_replay_lsn()``), else the primary does.
- **A replica that lags or is down** is skipped: checked at most every ``IPS_REPLICA_CHECK_SECONDS``
  per process (in recovery, replay lag at most ``IPS_REPLICA_MAX_LAG_SECONDS``, reachable); the
  read goes to another replica or the primary, and a warning names the alias and the reason (never
  a user or a row).
- Only a GET or HEAD reads a replica (a POST to a list page, its search, reads the primary), and
  inside a transaction on the primary (``atomic``) every read stays on the primary.
"""

import contextvars
import functools
import itertools
import logging
import re
import time
from contextlib import ContextDecorator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DatabaseError, connections
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

PRIMARY = "default"
# Writes a read-only page makes itself; they do not make the user's next list read the primary.
BOOKKEEPING_TABLES = frozenset(
    {
        "django_session",  # the idle clock and remembered filters (backoffice/web.py, lijsten)
        "backoffice_verwerking",  # the processing log of every read (backoffice/verwerkingslog.py)
        "backoffice_bsnraadpleging",
        "knox_authtoken",
        "axes_accessattempt",
        "axes_accesslog",
        "axes_accessfailurelog",
    }
)
_NOT_A_WRITE = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET ", "SHOW", "BEGIN", "COMMIT", "EXPLAIN")
_TARGET = re.compile(
    r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?\s*(SET\s+"last_login"\s*=\s*%s\s+WHERE)?', re.I
)


_CHANGES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.I)


def replica_aliases() -> list[str]:
    return [a for a in connections.settings if a == "replica" or a.startswith("replica_")]


# -- the request's state ---------------------------------------------------------------------------


@dataclass
class _Request:
    request: object
    depth: int = 0  # > 0 inside replica_read
    wrote: bool = False
    chosen: str | None = None  # decided at the first read that may lag, kept for the request


_state: contextvars.ContextVar[_Request | None] = contextvars.ContextVar("ips_db_routing", default=None)


class _Scope(ContextDecorator):
    def __enter__(self):
        st = _state.get()
        if st is not None:
            st.depth += 1
        return self

    def __exit__(self, *exc):
        st = _state.get()
        if st is not None:
            st.depth -= 1
        return False

    def __call__(self, func):
        inner = super().__call__(func)

        def view(*args, **kwargs):
            response = inner(*args, **kwargs)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                with self:  # a page's template renders here, not after the view returned
                    response.render()
            if getattr(response, "streaming", False):
                response.streaming_content = self._stream(response.streaming_content)
            return response

        return functools.update_wrapper(view, func)  # with its attributes (extend_schema's annotations)

    def _stream(self, chunks):
        with self:
            yield from chunks


_SCOPE = _Scope()


def replica_read(target=None):
    """Mark reads that may lag: ``@replica_read`` on a view function or a view class (its ``get``),
    or ``with replica_read():`` around reads. Without a replica it changes nothing."""
    if target is None:
        return _SCOPE
    if isinstance(target, type):
        target.get = _SCOPE(target.get)
        return target
    return _SCOPE(target)


# -- the router -------------------------------------------------------------------------------------


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        st = _state.get()
        if st is None or st.depth <= 0:
            return None
        alias = _choose(st)
        return None if alias == PRIMARY else alias

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, wherever they were read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _choose(st: _Request) -> str:
    if st.wrote or st.request.method not in ("GET", "HEAD") or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if st.chosen is None:
        st.chosen = _pick(st.request) or PRIMARY
    return st.chosen


_rotation = itertools.count()


def _pick(request) -> str | None:
    aliases = replica_aliases()
    if not aliases:
        return None
    try:
        key = _marker_key(request)
        marker = cache.get(key) if key else None
    except Exception:  # no cache: whether this user just wrote is unknown
        _skipped("*", "cache onbereikbaar")
        return None
    start = next(_rotation)
    for alias in aliases[start % len(aliases) :] + aliases[: start % len(aliases)]:
        health = _health(alias)
        if health.ok and marker and not _lsn_ge(health.replay_lsn, marker):
            health = _health(alias, fresh=True)
            if health.ok and not _lsn_ge(health.replay_lsn, marker):
                continue  # not yet at this user's own write; another replica or the primary
        if not health.ok:
            continue
        try:
            conn = connections[alias]
            conn.close_if_health_check_failed()
            conn.ensure_connection()
        except DatabaseError:
            _down(alias, "onbereikbaar")
            continue
        return alias
    return None


# -- replica health, per process ------------------------------------------------------------------


@dataclass
class Health:
    ok: bool
    replay_lsn: str = ""
    lag: float = 0.0
    reason: str = ""
    at: float = 0.0


_HEALTH_SQL = """
SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
            THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
       END
"""
_health_cache: dict[str, Health] = {}


def _health(alias: str, fresh: bool = False) -> Health:
    known = _health_cache.get(alias)
    if known and not fresh and time.monotonic() - known.at < settings.IPS_REPLICA_CHECK_SECONDS:
        return known
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_HEALTH_SQL)
            in_recovery, lsn, lag = cursor.fetchone()
    except DatabaseError:
        return _down(alias, "onbereikbaar")
    if not in_recovery:
        return _down(alias, "geen replica (niet in recovery)")
    if lsn is None or float(lag) > settings.IPS_REPLICA_MAX_LAG_SECONDS:
        return _down(alias, f"loopt {float(lag):.0f} s achter")
    health = _health_cache[alias] = Health(True, lsn, float(lag), at=time.monotonic())
    if known and not known.ok:
        logger.warning("replica %s weer in gebruik", alias)
    return health


def _down(alias: str, reason: str) -> Health:
    known = _health_cache.get(alias)
    if known is None or known.ok or known.reason != reason:
        _skipped(alias, reason)
    try:
        connections[alias].close()
    except DatabaseError:
        pass
    health = _health_cache[alias] = Health(False, reason=reason, at=time.monotonic())
    return health


def _skipped(alias: str, reason: str) -> None:
    logger.warning("replica %s overgeslagen, lezen van de primary: %s", alias, reason)


def _lsn_ge(a: str, b: str) -> bool:
    def value(lsn: str) -> int:
        high, low = lsn.split("/")
        return (int(high, 16) << 32) + int(low, 16)

    return value(a) >= value(b)


# -- writes: noticed on the primary, remembered per user -------------------------------------------


def is_write(sql) -> bool:
    if not isinstance(sql, str):
        return True
    if sql.lstrip()[:10].upper().startswith(_NOT_A_WRITE):
        return False
    target = _TARGET.match(sql)
    if target is None:  # WITH ... SELECT reads; WITH ... INSERT, TRUNCATE, COPY, CALL write
        return not (sql.lstrip()[:4].upper() == "WITH" and not _CHANGES.search(sql))
    table = target.group(1).rsplit(".", 1)[-1]
    return table not in BOOKKEEPING_TABLES and not (table == "backoffice_user" and target.group(2))


def _watch(execute, sql, params, many, context):
    st = _state.get()
    if st is not None and not st.wrote and is_write(sql):
        st.wrote = True
    return execute(sql, params, many, context)


def _marker_key(request) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"ips-loket:rw:u{user.pk}"
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    return f"ips-loket:rw:s{session_key}" if session_key else None


def _remember_write(st: _Request) -> None:
    key = _marker_key(st.request)
    if key is None:
        return
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
            (lsn,) = cursor.fetchone()
        cache.set(key, lsn, settings.IPS_READ_YOUR_WRITES_SECONDS)
    except Exception:
        logger.warning("schrijfpositie niet bewaard; replica's lopen mogelijk even achter voor deze gebruiker")


class ReplicaRoutingMiddleware:
    """First in MIDDLEWARE: every request gets its state; a request that wrote leaves its marker."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        st = _Request(request)
        _state.set(st)
        wrappers = connections[PRIMARY].execute_wrappers  # kept by the connection object, across reconnects
        if _watch not in wrappers:
            wrappers.insert(0, _watch)  # first: an open ``with execute_wrapper(...)`` still pops its own
        response = self.get_response(request)
        if st.wrote and connections[PRIMARY].vendor == "postgresql":
            _remember_write(st)
        return response


def _end_request(**kwargs):
    _state.set(None)


request_finished.connect(_end_request, dispatch_uid="ips_db_routing_end")
