"""History rows (django-simple-history) for the writes it does not see, and who made them.

- ``bulk_update(queryset, reason=..., by=..., **values)``: ``queryset.update(**values)`` plus one
  history row per changed row, in one statement on PostgreSQL (``WITH moved AS (UPDATE ...
  RETURNING ...) INSERT INTO <history> SELECT ... FROM moved``), two elsewhere. No row travels
  through Python, so the cost does not grow with a query per row.
- ``bulk_snapshot``: one history row per row as it is now (after a ``bulk_create``: type ``+``).
- ``record(obj, by=..., reason=...)``: who and why for the next ``obj.save()`` of one row.

Who: ``by`` (a user) goes into ``history_user_id``. Without a user the change is the house's own:
inside a scheduled job (``taakrun_context``, set by ``backoffice.schedule`` around each step) a
history model with the field ``history_taak`` (``TaakHistorie`` as a base of ``HistoricalRecords``)
gets "het loket (taak <stap>, run <id>)", from these helpers and from every ordinary ``save()``
alike. The pages show it as "Systeem (taak <stap>, run <id>)" (``wie``).

What changed: ``historie_regels(records)`` turns an object's history rows (newest first, as the
pages fetch them) into entries that say who (full name, "Systeem" for a job), when, why (the
change reason) and per changed field its Dutch name, old and new value (choices as their labels,
money as € 8.000,00, dates as 1 december 2026), in a fixed number of queries: the rows themselves,
at most one for the row before the oldest shown, and one per kind of related object named
(``_historie_tabel.html`` and ``_historie.html`` show them)."""

import functools
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import sql
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.manager import HistoryDescriptor
from simple_history.signals import pre_create_historical_record

LOKET = "het loket"


@functools.cache
def _history_manager_class(manager, queryset):
    return manager.from_queryset(queryset)


def _history_get(self, instance, owner):
    return _history_manager_class(self.manager_class, self.queryset_class)(self.model, instance)


# django-simple-history makes a new manager class (``Manager.from_queryset``, which walks the
# queryset's members) on every access to ``Model.history``, and so once for every history row it
# writes: half a millisecond each time. The class depends only on the two classes; made once.
HistoryDescriptor.__get__ = _history_get

_taakrun: ContextVar[str] = ContextVar("ips_taakrun", default="")


class TaakHistorie(models.Model):
    """A base for ``HistoricalRecords(bases=[TaakHistorie])``: the job run that made a history row."""

    history_taak = models.CharField("taak", max_length=100, blank=True, default="")

    class Meta:
        abstract = True


@contextmanager
def taakrun_context(run, stap: str) -> Iterator[None]:
    """History written inside names the job run: "het loket (taak <stap>, run <run.pk>)"."""
    token = _taakrun.set(f"{LOKET} (taak {stap}, run {run.pk})")
    try:
        yield
    finally:
        _taakrun.reset(token)


def taakrun() -> str:
    """The job run busy in this context ("" outside a job)."""
    return _taakrun.get()


@receiver(pre_create_historical_record)
def _taak_op_historie(sender, history_instance, history_user=None, **kwargs) -> None:
    if history_user is None and hasattr(history_instance, "history_taak"):
        history_instance.history_taak = _taakrun.get()


SYSTEEM = "Systeem"


def wie(historie) -> str:
    """Who made a history row, for a page: the user's full name (else the username), else the job
    run ("Systeem (taak <stap>, run <id>)"), else "Systeem" (a change no person made)."""
    user = historie.history_user
    if user is not None:
        return user.get_full_name() or user.username
    taak = getattr(historie, "history_taak", "") or ""
    if taak.startswith(LOKET):  # stored as "het loket (taak ...)"; a page says "Systeem (taak ...)"
        taak = SYSTEEM + taak[len(LOKET) :]
    return taak or SYSTEEM


def record(obj, *, by, reason: str):
    """Who and why for the next ``save()`` of ``obj`` (django-simple-history reads these two
    attributes; its web middleware gives only a web request's user, not an API call's or a job's)."""
    obj._history_user = by
    obj._change_reason = reason[:100]
    return obj


def _history_columns(model) -> tuple:
    history = model.history.model
    own = {f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if f.column in own and not f.name.startswith("history_")]
    return history, columns


def _wie(history, *, soort: str, reason: str, by) -> tuple[list[str], list]:
    """The history's own columns and their values: when, type, why, who (and the job run)."""
    names = ["history_date", "history_type", "history_change_reason", "history_user_id"]
    values = [connection.ops.adapt_datetimefield_value(timezone.now()), soort, reason[:100], getattr(by, "pk", None)]
    if any(f.name == "history_taak" for f in history._meta.concrete_fields):
        names.append("history_taak")
        values.append("" if by is not None else _taakrun.get())
    return names, values


def _insert(history, quoted: list[str], names: list[str]) -> str:
    return f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} ({', '.join([*quoted, *names])})"


def bulk_update(queryset, *, reason: str, by=None, **values) -> int:
    """``queryset.update(**values)`` (values may be expressions: ``Case``, ``F``) plus one history
    row (type ``~``, ``reason``, ``by``) per changed row, showing the row after the change."""
    model = queryset.model
    history, columns = _history_columns(model)
    quoted = [connection.ops.quote_name(c) for c in columns]
    names, extra = _wie(history, soort="~", reason=reason, by=by)
    if connection.vendor == "postgresql":  # one statement: atomic by itself
        query = queryset.query.chain(sql.UpdateQuery)
        query.add_update_values(values)
        query.clear_select_clause()
        compiler = query.get_compiler(queryset.db)
        by_column = {f.column: f for f in model._meta.concrete_fields}
        compiler.returning_fields = [by_column[c] for c in columns]
        try:
            update_sql, params = compiler.as_sql()
        except EmptyResultSet:  # filter(pk__in=[]): nothing to move
            return 0
        if not update_sql:
            return 0
        return _update_met_historie(history, update_sql, params, quoted=quoted, names=names, extra=extra)
    with transaction.atomic(using=queryset.db):
        ids = list(queryset.values_list("pk", flat=True))
        if not ids:
            return 0
        moved = model._base_manager.filter(pk__in=ids).update(**values)
        _snapshot(model, column=model._meta.pk.column, ids=ids, names=names, extra=extra)
        return moved


def _update_met_historie(history, update_sql: str, params: list, *, quoted, names, extra) -> int:
    """Run an ``UPDATE ... RETURNING <the history's columns>`` and insert its rows into ``history``
    in the same statement: the rows as they are after the change, without reading them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH moved AS ({update_sql}) {_insert(history, quoted, names)} "
            f"SELECT {', '.join(quoted)}, {', '.join(['%s'] * len(extra))} FROM moved",
            [*params, *extra],
        )
        return cursor.rowcount


def bulk_update_sql(model, *, set_from_where: str, params: list, reason: str, by=None) -> int:
    """PostgreSQL only: ``UPDATE <table> t <set_from_where>`` (a ``SET ... FROM ... WHERE ...`` the
    ORM cannot write, e.g. a join with arrays) plus one history row (type ``~``) per changed row,
    in one statement, as ``bulk_update`` does."""
    history, columns = _history_columns(model)
    quoted = [connection.ops.quote_name(c) for c in columns]
    names, extra = _wie(history, soort="~", reason=reason, by=by)
    update_sql = (
        f"UPDATE {connection.ops.quote_name(model._meta.db_table)} t {set_from_where} "
        f"RETURNING {', '.join(f't.{q}' for q in quoted)}"
    )
    return _update_met_historie(history, update_sql, params, quoted=quoted, names=names, extra=extra)


def _snapshot(model, *, column: str, ids: list, names: list[str], extra: list) -> int:
    history, columns = _history_columns(model)
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(c) for c in columns]
    placeholders = ", ".join(["%s"] * len(extra))
    select = f"{_insert(history, quoted, names)} SELECT {', '.join(quoted)}, {placeholders} FROM {table}"
    pk = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{select} WHERE {pk} = ANY(%s)", [*extra, list(ids)])
        else:
            cursor.execute(f"{select} WHERE {pk} IN ({', '.join(['%s'] * len(ids))})", [*extra, *ids])
        return cursor.rowcount


def bulk_snapshot(model, *, ids: list[int], reason: str, column: str = "id", by=None, created: bool = False) -> int:
    """One history row per row of ``model`` whose ``column`` (default its id) is in ``ids``, copied
    from the row as it is now: the record of a set-based write django-simple-history does not see.
    ``created``: the rows were just made (``bulk_create``): type ``+``, else ``~``. One statement."""
    if not ids:
        return 0
    names, extra = _wie(model.history.model, soort="+" if created else "~", reason=reason, by=by)
    return _snapshot(model, column=column, ids=list(ids), names=names, extra=extra)


def bulk_insert(model, columns: dict[str, list], *, reason: str, by=None, **vast) -> int:
    """Insert ``len`` rows given as one list per field (``columns``) and one value for all of them
    (``vast``), plus one history row (type ``+``) per row. Fields named in neither get their default
    as ``bulk_create`` would (a callable default per row, e.g. a uuid). On PostgreSQL one statement
    with the values as one array per column, no model instance per row (``WITH nieuw AS (INSERT ...
    SELECT FROM unnest(...) RETURNING ...) INSERT INTO <history> SELECT ... FROM nieuw``); every
    constraint of the table applies as to any insert. Elsewhere ``bulk_create`` and a snapshot."""
    columns = dict(columns)
    n = len(next(iter(columns.values())))
    fields = {f.name: f for f in model._meta.concrete_fields if not f.primary_key}
    for name, veld in fields.items():
        if name in columns or name in vast:
            continue
        if getattr(veld, "auto_now", False) or getattr(veld, "auto_now_add", False):
            vast[name] = timezone.now()
        elif veld.has_default() and callable(veld.default):
            columns[name] = [veld.get_default() for _ in range(n)]
        else:
            vast[name] = veld.get_default()
    vast = {name: v.pk if isinstance(v, models.Model) else v for name, v in vast.items()}  # a relation: its id
    history, hcolumns = _history_columns(model)
    names, extra = _wie(history, soort="+", reason=reason, by=by)
    if connection.vendor != "postgresql":
        attname = {name: veld.attname for name, veld in fields.items()}
        with transaction.atomic(using=model.objects.db):
            made = model.objects.bulk_create(
                model(
                    **{attname[name]: v for name, v in vast.items()},
                    **{attname[name]: values[i] for name, values in columns.items()},
                )
                for i in range(n)
            )
            return _snapshot(model, column=model._meta.pk.column, ids=[o.pk for o in made], names=names, extra=extra)

    def typ(name: str) -> str:
        return fields[name].db_type(connection)

    def db(name: str, values: list) -> list:  # psycopg adapts the rest; a JSON value goes as its text
        return [json.dumps(v) for v in values] if fields[name].get_internal_type() == "JSONField" else values

    quote = connection.ops.quote_name
    vaste, per_rij = list(vast), list(columns)
    doel = ", ".join(quote(fields[name].column) for name in (*vaste, *per_rij))
    waarden = ", ".join([*(f"%s::{typ(name)}" for name in vaste), *(f"x.c{i}" for i in range(len(per_rij)))])
    arrays = ", ".join(f"%b::{typ(name)}[]" for name in per_rij)
    alias = ", ".join(f"c{i}" for i in range(len(per_rij)))
    quoted = [quote(c) for c in hcolumns]
    params = [*(db(name, [vast[name]])[0] for name in vaste), *(db(name, columns[name]) for name in per_rij)]
    statement = (
        f"WITH nieuw AS (INSERT INTO {quote(model._meta.db_table)} ({doel}) "
        f"SELECT {waarden} FROM unnest({arrays}) AS x({alias}) RETURNING {', '.join(quoted)}) "
        f"{_insert(history, quoted, names)} SELECT {', '.join(quoted)}, {', '.join(['%s'] * len(extra))} FROM nieuw"
    )
    # Django's cursors bind on the client: 10,000 values per column would travel as SQL text (and
    # be parsed back). A psycopg cursor with server-side binding sends each array as one binary
    # parameter (%b); Django's error translation (IntegrityError) and query log stay.
    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(statement, [*params, *extra])
        rows = cursor.rowcount
    if connection.queries_logged:
        connection.queries_log.append({"sql": statement, "time": f"{time.monotonic() - started:.3f}"})
    return rows


# --- what changed, for the pages ---------------------------------------------------------------

# Never shown as a change: bookkeeping, keys, and anything personal or secret (the BSN is excluded
# from the history altogether; these names keep a participant's data off every other page too).
_NIET_TONEN = re.compile(
    r"^(id|uuid|.*_uuid|.*hash.*|.*bsn.*|.*versleuteld.*|.*geheim.*|.*token.*|.*wachtwoord.*|password|"
    r"deelnemer|voornaam|voorletters|tussenvoegsel|achternaam|geboortedatum|adres|postcode|woonplaats|"
    r"telefoon.*|e?mail.*|iban.*|.*_op_tijd|gewijzigd_op|bijgewerkt_op|last_login|sha256|inhoud.*)$"
)
# Related objects shown by name; a change of any other relation is left out (it could name a person).
_GENOEMD = {"gemeente", "aanbieder", "perceel", "regeling", "product", "user", "organisatie"}


@dataclass(frozen=True)
class Wijziging:
    veld: str
    oud: str
    nieuw: str


@dataclass
class Historieregel:
    datum: object
    wie: str
    wat: str
    status: str
    wijzigingen: list = field(default_factory=list)
    record: object = None


def _velden(history_model) -> list:
    out = []
    for f in history_model._meta.concrete_fields:
        if f.name.startswith("history_") or _NIET_TONEN.match(f.name) or isinstance(f, models.BinaryField):
            continue
        if f.is_relation and f.related_model._meta.model_name not in _GENOEMD:
            continue
        out.append(f)
    return out


def _tekst(f, waarde, namen: dict) -> str:
    from .opmaak import datum, datum_tijd

    if waarde is None or waarde == "":
        return "–"
    if f.is_relation:
        return namen.get((f.related_model, waarde), "–")
    if f.choices:
        return str(dict(f.flatchoices).get(waarde, waarde))
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if isinstance(waarde, Decimal):
        return decimaal_tekst(f, waarde)
    if isinstance(waarde, datetime):
        return datum_tijd(waarde)
    if isinstance(waarde, date):
        return datum(waarde)
    tekst = str(waarde)
    return tekst if len(tekst) <= 80 else tekst[:79] + "…"


_GEEN_GELD = re.compile(r"uren|volume|aandeel|procent|score|percentage|maanden|fte")


def decimaal_tekst(f, waarde: Decimal) -> str:
    """A decimal field's value in a history row: an amount as money (``€ 8.000,00``), a share or
    a number of hours as a Dutch number (``0,25``)."""
    from .opmaak import euro

    if getattr(f, "decimal_places", None) == 2 and not _GEEN_GELD.search(f.name):
        return euro(waarde)
    return format(waarde.normalize(), "f").replace(".", ",")


def _naam(obj) -> str:
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    return getattr(obj, "naam", None) or str(obj)


def historie_regels(records) -> list[Historieregel]:
    """An object's history rows (newest first, as given; ``history_user`` best select_related) as
    entries: who, when, why, the status after, and per changed field (``verbose_name``) the old and
    the new value. The first row of an object (``+``) has no changes; the oldest row shown is
    compared with the row before it (one query). Related objects are named with one query per kind."""
    rijen = list(records)
    if not rijen:
        return []
    history_model = type(rijen[0])
    velden = _velden(history_model)
    oudste = min(rijen, key=lambda h: (h.history_date, h.history_id))
    ervoor = None
    if oudste.history_type != "+":
        pk = history_model._meta.get_field(history_model.instance_type._meta.pk.name).attname
        ervoor = (
            history_model._default_manager.filter(
                **{pk: getattr(oudste, pk)},
                history_date__lte=oudste.history_date,
                history_id__lt=oudste.history_id,
            )
            .order_by("-history_date", "-history_id")
            .first()
        )
    oplopend = sorted(rijen, key=lambda h: (h.history_date, h.history_id))
    paren = []
    vorige = ervoor
    for h in oplopend:
        veranderd = []
        if vorige is not None and h.history_type != "+":
            veranderd = [f for f in velden if getattr(h, f.attname) != getattr(vorige, f.attname)]
        paren.append((h, vorige, veranderd))
        vorige = h
    # name the related objects: one query per kind, whatever the number of rows
    nodig: dict = {}
    for h, v, veranderd in paren:
        for f in veranderd:
            if f.is_relation:
                for rij in (h, v):
                    if getattr(rij, f.attname) is not None:
                        nodig.setdefault(f.related_model, set()).add(getattr(rij, f.attname))
    namen = {}
    for model, ids in nodig.items():
        for pk, obj in model._base_manager.in_bulk(ids).items():
            namen[(model, pk)] = _naam(obj)
    regels = {}
    for h, v, veranderd in paren:
        wat = h.history_change_reason or {"+": "aangemaakt", "-": "verwijderd"}.get(h.history_type, "gewijzigd")
        status = h.get_status_display() if hasattr(h, "get_status_display") else ""
        wijzigingen = [
            Wijziging(
                capfirst(str(f.verbose_name)),
                _tekst(f, getattr(v, f.attname), namen),
                _tekst(f, getattr(h, f.attname), namen),
            )
            for f in veranderd
        ]
        regels[h.history_id] = Historieregel(h.history_date, wie(h), wat, status, wijzigingen, h)
    return [regels[h.history_id] for h in rijen]
