"""Compiled SQL kept per user and day, for the werkbak's sections, and once for the queries of a
fixed shape that read the user of every request (:func:`vaste_vorm`); like SQLAlchemy's "baked
queries" (docs/decisions.md, docs/performance.md "Issue 13, ronde 6").

A werkbak section is a small query, run on every load of the start page. Building its queryset
and compiling it to SQL cost Django 1-3 ms of Python each time, against 0.2 ms to run it: most of
the page. The SQL and its parameters follow only from the section and from who asks on which day
(the user, its roles, its gemeenten and its provider: everything the scoped selectors read). So
``voor`` compiles a section once per such key (:func:`sleutel`) and runs the kept SQL next time,
with the model instances built as Django builds them (``ModelIterable``).

The risk is a key that misses an input: one user would be served SQL built for another. Hence:

- SQL is kept only while :func:`sectie_van` names the section (``backoffice.werkbak.voor``), under
  a wide key (the user's own id too: no SQL is shared between users); a section that hands over a
  *callable* (``sectie(titel, lambda: qs, ...)``) is then not even built again; ``values()``,
  prefetches and querysets that cannot match are not kept;
- a section counts "the last N days" from midnight (``werkbak.sinds_dagen``), never from ``now()``;
- ``IPS_QUERYCACHE_CONTROLE`` (on in the test suite, tests/conftest.py): every time kept SQL is
  used, the queryset is built and compiled again as well, and any difference raises;
- the cache is per thread (a compiler holds its connection) and holds at most ``MAX`` entries;
- ``IPS_QUERYCACHE = False`` switches it off (to compare, or if in doubt).
"""

import contextlib
import contextvars
import datetime
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from . import gebruiker, roles

# An entry (a compiler with its query) takes about 20 KB: at most some 20 MB per thread, the
# sections of about 170 users a day per process; the least recently used goes first.
MAX = 1000

_lokaal = threading.local()
_sectie: contextvars.ContextVar = contextvars.ContextVar("ips_querycache_sectie", default=None)


class QuerycacheVerschil(AssertionError):
    """Kept SQL differs from what the queryset compiles to now: the key misses an input."""


def sleutel(user) -> tuple:
    """Everything a section's queryset may depend on besides the section itself: who (the user,
    its roles, its gemeenten, its provider) and the day."""
    medewerker = getattr(user, "medewerker", None)
    return (
        user.pk,
        tuple(sorted(roles.roles_of(user))),
        tuple(gebruiker.gemeente_ids(user)),
        medewerker.aanbieder_id if medewerker is not None else None,
        timezone.localdate(),
    )


@contextlib.contextmanager
def sectie_van(maker, user):
    """While ``maker(user)`` builds its section: its queries may be kept under this key (the
    maker's module and name, :func:`sleutel`, and the number of the query within the maker)."""
    if not getattr(settings, "IPS_QUERYCACHE", True):
        yield
        return
    token = _sectie.set([(maker.__module__, maker.__qualname__, *sleutel(user)), 0])
    try:
        yield
    finally:
        _sectie.reset(token)


def _volgende_sleutel(soort: str) -> tuple | None:
    huidig = _sectie.get()
    if huidig is None:
        return None
    huidig[1] += 1
    return (*huidig[0], huidig[1], soort)


def _cache() -> OrderedDict:
    cache = getattr(_lokaal, "cache", None)
    if cache is None:
        cache = _lokaal.cache = OrderedDict()
    return cache


def legen() -> None:
    """Forget this thread's kept SQL (tests)."""
    _lokaal.cache = None


def _bewaar(key, entry):
    cache = _cache()
    cache[key] = entry
    if len(cache) > MAX:
        cache.popitem(last=False)
    return entry


def _controle() -> bool:
    return getattr(settings, "IPS_QUERYCACHE_CONTROLE", False)


def _vergelijk(key, kept: tuple, nu: tuple) -> None:
    if kept != nu:
        raise QuerycacheVerschil(f"Bewaarde SQL wijkt af voor {key!r}:\n{kept!r}\n!=\n{nu!r}")


def _sql(qs) -> tuple | None:
    """What ``qs`` compiles to now; None for a query that cannot match (``none()``, ``__in=[]``)."""
    try:
        return qs.query.get_compiler(using=qs.db).as_sql()
    except EmptyResultSet:
        return None


class _Rijen:
    """A compiled model query (``ModelIterable``'s work up to the rows) that can run again."""

    def __init__(self, qs):
        self.model = qs.model
        self.db = qs.db
        self.connection = connections[self.db]
        compiler = qs.query.get_compiler(using=self.db)
        try:
            self.sql, self.params = compiler.as_sql()
        except EmptyResultSet:
            self.sql = self.params = None
            return
        # execute_sql asks the compiler for its SQL: from now on the kept SQL.
        self._nu = self.params
        compiler.as_sql = lambda *args, **kwargs: (self.sql, self._nu)
        self.compiler = compiler
        klass_info = compiler.klass_info
        select = compiler.select
        self.start, self.end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, self.db)
        self.annotations = dict(compiler.annotation_col_map or {})

    @property
    def gecompileerd(self) -> tuple | None:
        return None if self.sql is None else (self.sql, self.params)

    def run(self, params: tuple | None = None) -> list:
        if self.sql is None:
            return []
        self._nu = self.params if params is None else params
        compiler, db, model, start, end = self.compiler, self.db, self.model, self.start, self.end
        objs = []
        for row in compiler.results_iter(compiler.execute_sql(MULTI)):
            obj = model.from_db(db, self.init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, pos in self.annotations.items():
                setattr(obj, name, row[pos])
            objs.append(obj)
        return objs


def _bewaarbaar(qs, alias: str) -> bool:
    """Plain model querysets only: no values(), no prefetches, no objects known from a related
    manager, and read from the database the router chose for this request."""
    return (
        qs._iterable_class is ModelIterable
        and not qs._prefetch_related_lookups
        and not qs._known_related_objects
        and qs.db == alias
    )


def _alias() -> str:
    return router.db_for_read(None)


def rijen(maak, limiet: int) -> list:
    """The first ``limiet`` objects of ``maak()`` (a callable that returns a queryset)."""
    key = _volgende_sleutel("rijen")
    if key is None:
        return list(maak()[:limiet])
    alias = _alias()
    key = (*key, limiet, alias)
    cache = _cache()
    entry = cache.get(key)
    if entry is None or entry.connection is not connections[alias]:
        qs = maak()[:limiet]
        if not _bewaarbaar(qs, alias):
            return list(qs)
        entry = _bewaar(key, _Rijen(qs))
    else:
        cache.move_to_end(key)
        if _controle():
            _vergelijk(key, entry.gecompileerd, _sql(maak()[:limiet]))
    return entry.run()


def aantal(maak) -> int:
    """``maak().count()``, with the count's SQL kept: ``SELECT COUNT(*)`` over the queryset's ids."""
    key = _volgende_sleutel("aantal")
    if key is None:
        return maak().count()
    alias = _alias()
    key = (*key, alias)
    cache = _cache()
    entry = cache.get(key)
    if entry is None or _controle():
        qs = maak().order_by().values("pk")
        if qs.db != alias:
            return qs.count()
        ids = _sql(qs)
        nu = None if ids is None else (f"SELECT COUNT(*) FROM ({ids[0]}) AS ips_telling", tuple(ids[1]))
        if entry is None:
            entry = _bewaar(key, nu)
        else:
            _vergelijk(key, entry, nu)
    else:
        cache.move_to_end(key)
    if entry is None:
        return 0
    sql, params = entry
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


# --- queries of a fixed shape: the same SQL for every value of their inputs -----------------------

_STANDIN_BASIS = datetime.datetime(1901, 2, 3, tzinfo=datetime.UTC)


def _standins(waarden: tuple) -> tuple | None:
    """A stand-in per input, of its type and equal to no real value; None for another type."""
    standins = []
    for i, waarde in enumerate(waarden):
        if isinstance(waarde, bool):
            return None
        if isinstance(waarde, int):
            standins.append(-7_340_000_001 - i)
        elif isinstance(waarde, str):
            standins.append(f"ips-standin-{i}-\x1f")
        elif isinstance(waarde, datetime.datetime):
            standins.append(_STANDIN_BASIS + datetime.timedelta(microseconds=i + 1))
        else:
            return None
    return tuple(standins)


class _Vorm(_Rijen):
    """Compiled with stand-ins: ``posities`` says which parameter is which input."""

    def __init__(self, qs, standins: tuple):
        super().__init__(qs)
        self.posities = {}
        for pos, param in enumerate(self.params or ()):
            for i, standin in enumerate(standins):
                if type(param) is type(standin) and param == standin:
                    self.posities[pos] = i
        self.volledig = self.sql is not None and sorted(set(self.posities.values())) == list(range(len(standins)))

    def params_voor(self, waarden: tuple) -> tuple:
        return tuple(waarden[self.posities[pos]] if pos in self.posities else p for pos, p in enumerate(self.params))


def vaste_vorm(naam: str, maak, *waarden) -> list:
    """The objects of ``maak(*waarden)``, for a queryset whose SQL is the same whatever the values
    of its inputs (``maak`` reads nothing else): compiled once per thread with stand-ins for the
    inputs, then run with the real values as parameters. For the user of every request
    (backoffice/gebruiker.py, backoffice/tokens.py). Each input must reach the SQL as a parameter
    unchanged (an id, a string, a moment); otherwise the query is compiled as usual every time."""
    if not getattr(settings, "IPS_QUERYCACHE", True):
        return list(maak(*waarden))
    alias = _alias()
    key = ("vaste-vorm", naam, alias)
    cache = _cache()
    entry = cache.get(key)
    if entry is None or entry.connection is not connections[alias]:
        standins = _standins(waarden)
        qs = maak(*standins) if standins is not None else None
        if qs is None or not _bewaarbaar(qs, alias):
            return list(maak(*waarden))
        entry = _Vorm(qs, standins)
        if not entry.volledig:
            return list(maak(*waarden))
        _bewaar(key, entry)
    elif _controle():
        _vergelijk(key, (entry.sql, entry.params_voor(waarden)), _sql(maak(*waarden)))
    return entry.run(entry.params_voor(waarden))
