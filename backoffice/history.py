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
alike. The history table of the web pages (``_historie_tabel.html``) shows it under "Wie"."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import sql
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

LOKET = "het loket"
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


def wie(historie) -> str:
    """Who made a history row, for a page: the user's full name (else the username), else the job
    run ("het loket (taak <stap>, run <id>)"), else "het loket (taak)" (as ``_historie_tabel.html``)."""
    user = historie.history_user
    if user is not None:
        return user.get_full_name() or user.username
    return getattr(historie, "history_taak", "") or f"{LOKET} (taak)"


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
    placeholders = ", ".join(["%s"] * len(extra))
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
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH moved AS ({update_sql}) {_insert(history, quoted, names)} "
                f"SELECT {', '.join(quoted)}, {placeholders} FROM moved",
                [*params, *extra],
            )
            return cursor.rowcount
    with transaction.atomic(using=queryset.db):
        ids = list(queryset.values_list("pk", flat=True))
        if not ids:
            return 0
        moved = model._base_manager.filter(pk__in=ids).update(**values)
        _snapshot(model, column=model._meta.pk.column, ids=ids, names=names, extra=extra)
        return moved


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
