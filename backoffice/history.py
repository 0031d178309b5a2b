"""A state change of many rows at once, with a django-simple-history row for each: one statement
on PostgreSQL (``WITH moved AS (UPDATE ... RETURNING ...) INSERT INTO <history> SELECT ...``), two
in one transaction elsewhere (SQLite has a single writer, so nothing slips in between). No row
travels through Python, so the cost does not grow with a query per row."""

from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone


def bulk_transition(model, *, field: str, value, where: str, params: list, reason: str) -> int:
    """``UPDATE <model> SET <field> = value WHERE <where>`` plus one history row per changed row
    (type ``~``, the given change reason, no user: the system did it). Returns the number moved."""
    history = model.history.model
    table = connection.ops.quote_name(model._meta.db_table)
    htable = connection.ops.quote_name(history._meta.db_table)
    own = {f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if f.column in own and not f.name.startswith("history_")]
    assert field in columns
    quoted = [connection.ops.quote_name(c) for c in columns]
    target = ", ".join([*quoted, "history_date", "history_type", "history_change_reason", "history_user_id"])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        connection.ops.adapt_datefield_value(p) if isinstance(p, date) and not isinstance(p, datetime) else p
        for p in params
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH moved AS (UPDATE {table} SET {connection.ops.quote_name(field)} = %s WHERE {where} "
                f"RETURNING {', '.join(quoted)}) "
                f"INSERT INTO {htable} ({target}) SELECT {', '.join(quoted)}, %s, '~', %s, NULL FROM moved",
                [value, *params, now, reason[:100]],
            )
            return cursor.rowcount
        selected = ["%s" if c == field else q for c, q in zip(columns, quoted, strict=True)]
        cursor.execute(
            f"INSERT INTO {htable} ({target}) SELECT {', '.join(selected)}, %s, '~', %s, NULL FROM {table} "
            f"WHERE {where}",
            [value, now, reason[:100], *params],
        )
        cursor.execute(f"UPDATE {table} SET {connection.ops.quote_name(field)} = %s WHERE {where}", [value, *params])
        return cursor.rowcount


def bulk_snapshot(model, *, ids: list[int], reason: str, column: str = "id") -> int:
    """One history row (type ``~``, the given change reason, no user: the system did it) per row of
    ``model`` whose ``column`` (default its id) is in ``ids``, copied from the row as it is now: the
    record of a set-based ``update()`` that django-simple-history does not see. One ``INSERT ... SELECT``."""
    if not ids:
        return 0
    history = model.history.model
    table = connection.ops.quote_name(model._meta.db_table)
    htable = connection.ops.quote_name(history._meta.db_table)
    own = {f.column for f in model._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if f.column in own and not f.name.startswith("history_")]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    target = f"{quoted}, history_date, history_type, history_change_reason, history_user_id"
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    pk = connection.ops.quote_name(column)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {htable} ({target}) SELECT {quoted}, %s, '~', %s, NULL FROM {table} "
            f"WHERE {pk} IN ({placeholders})",
            [now, reason[:100], *ids],
        )
        return cursor.rowcount
