"""Paging of the big API lists (issue 13; docs/decisions.md, "Lijsten: keyset en begrensde telling"):
the trajectories, applications, declarations and lines. A compatible growth of
:class:`backoffice.rest.Pagination`:

- ``page`` and ``pageSize`` work as before (OFFSET); the answer adds ``next``: a link with an
  opaque ``cursor`` that continues after the last row of this page (keyset: ``WHERE (key) > (last)``,
  as fast on page 20,000 as on page 1). ``Link: rel="next"`` is that same link. Following ``next``
  walks every row exactly once, also while rows are added.
- ``count`` is exact up to :data:`TELLING_GRENS` rows (``countExact: true``) and above it the
  planner's estimate (``countExact: false``, never below the bound): an exact ``count(*)`` over a
  million rows cost 30-70 ms on every page. ``rel="last"`` only with an exact count.
- A cursor is signed (``django.core.signing``) for this path and this ordering; a changed or foreign
  cursor is a 400 with code ``ongeldige-cursor``. It holds only the ordering values of one row the
  user saw, and the user's scope is applied to every page as before: a cursor never widens it.
"""

import json
import re

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, connections
from django.db.models import Q
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .errors import BusinessRuleError
from .renderers import AlCamelCase
from .rest import Pagination

CURSOR_CODE = "ongeldige-cursor"


def telling_grens() -> int:
    return int(getattr(settings, "IPS_TELLING_GRENS", 10_000))


def telling_en_sleutels(queryset, sleutels) -> tuple[int, bool, list[tuple]]:
    """(count, exact, keys) in one query: the bounded count of ``queryset`` (exact when at most the
    bound, else the planner's estimate, at least bound+1) next to the rows of ``sleutels`` (a sliced
    ``values_list``). Two round trips were one more than needed on every page; above the bound an
    ``EXPLAIN`` follows (an estimate, not a count). The derived tables are joined ``ON 1 = 1`` so
    that the one row of the count comes back also when the page is empty (PostgreSQL and SQLite)."""
    grens = telling_grens()
    kaal = queryset.order_by().values("pk")
    tel_sql, tel_params = kaal[: grens + 1].query.sql_with_params()
    compiler = sleutels.query.get_compiler(queryset.db)
    sleutel_sql, sleutel_params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM ({tel_sql}) AS t) AS n, k.* FROM (SELECT 1 AS e) AS e "
            f"LEFT JOIN ({sleutel_sql}) AS k ON 1 = 1",
            (*tel_params, *sleutel_params),
        )
        rijen = cursor.fetchall()
        aantal = rijen[0][0]
        top = [r[1:] for r in rijen if r[1] is not None]  # r[1]: the primary key (NULL: no row)
        # the fields' own conversions, as values_list does them (SQLite gives a datetime as text)
        converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
        top = [tuple(r) for r in compiler.apply_converters(top, converters)] if converters else top
        if aantal <= grens:
            return aantal, True, top
        kaal_sql, kaal_params = kaal.query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {kaal_sql}", kaal_params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return max(int(plan[0]["Plan"]["Plan Rows"]), grens + 1), False, top


def _ongeldig() -> BusinessRuleError:
    return BusinessRuleError(
        code=CURSOR_CODE,
        message="Deze cursor is ongeldig of hoort niet bij deze lijst. Begin opnieuw zonder cursor en volg de "
        "next-link.",
        status=400,
        field="cursor",
    )


class KeysetPaginering(Pagination):
    """``page``/``pageSize`` as before, plus ``cursor`` (keyset) and a bounded count; see the module."""

    cursor_query_param = "cursor"

    def _volgorde(self, queryset) -> list[tuple[str, bool]]:
        """The queryset's ordering as (attname, descending); must end in a unique key (``id``,
        ``toewijzing_nummer`` or a unique pair) so that the keyset never skips or repeats a row."""
        out = []
        for term in queryset.query.order_by or queryset.model._meta.ordering:
            name = term.lstrip("-")
            field = queryset.model._meta.get_field(name)
            out.append((field.attname if field.is_relation else field.name, term.startswith("-")))
        return out

    def _salt(self, request, volgorde) -> str:
        # bound to the path, the ordering and the user: another user's cursor is refused, not reused
        user = getattr(request.user, "pk", None)
        return f"ips-cursor:{request.path}:{user}:" + ",".join(("-" if d else "") + n for n, d in volgorde)

    def _na(self, volgorde, waarden) -> Q:
        """Rows strictly after ``waarden`` in this ordering: (a > x) or (a = x and b > y) ..., with
        the first key's range up front so that the index on it is used."""
        q = Q(pk__in=[])
        gelijk = Q()
        for (naam, desc), waarde in zip(volgorde, waarden, strict=True):
            q |= gelijk & Q(**{f"{naam}__{'lt' if desc else 'gt'}": waarde})
            gelijk &= Q(**{naam: waarde})
        eerste, desc = volgorde[0]
        return Q(**{f"{eerste}__{'lte' if desc else 'gte'}": waarden[0]}) & q

    def _lees_cursor(self, request, queryset, volgorde):
        raw = request.query_params.get(self.cursor_query_param)
        try:
            data = signing.Signer(salt=self._salt(request, volgorde)).unsign_object(raw)
            waarden = [
                queryset.model._meta.get_field(naam).to_python(w) for (naam, _), w in zip(volgorde, data, strict=True)
            ]
        except (signing.BadSignature, ValueError, TypeError, DjangoValidationError) as exc:
            raise _ongeldig() from exc
        return waarden

    def paginate_queryset(self, queryset, request, view=None):
        """Two short queries instead of one wide one: the bounded count with the page's keys (an
        index scan of the list's own table, no joins to plan), then its rows by primary key:
        ``view.rijen_voor(ids)`` when the view reads its page itself, else the queryset's instances."""
        self.request = request
        self.size = size = self.get_page_size(request)
        self.volgorde = volgorde = self._volgorde(queryset)
        sleutels = queryset.select_related(None).prefetch_related(None)
        if self.cursor_query_param in request.query_params:
            sleutels = sleutels.filter(self._na(volgorde, self._lees_cursor(request, queryset, volgorde)))
            self.number, start = None, 0
        else:
            raw = request.query_params.get(self.page_query_param, "1")
            if not re.fullmatch(r"[1-9]\d{0,8}", raw):
                raise NotFound(self.invalid_page_message)
            self.number = int(raw)
            start = (self.number - 1) * size
        sleutels = sleutels.values_list("pk", *(naam for naam, _ in volgorde))[start : start + size + 1]
        self.count, self.count_exact, top = telling_en_sleutels(queryset, sleutels)
        if start and self.count_exact and start >= self.count:
            raise NotFound(self.invalid_page_message)
        self.has_next = len(top) > size
        top = top[:size]
        self.laatste = list(top[-1][1:]) if top else None
        ids = [t[0] for t in top]
        lezer = getattr(view, "rijen_voor", None)
        if lezer is not None:  # the view reads its page itself, from the keys
            self.rows = lezer(ids)
        else:
            per_id = {r.pk: r for r in queryset.filter(pk__in=ids).order_by()}
            self.rows = [per_id[i] for i in ids if i in per_id]
        return self.rows

    def volgende_cursor(self) -> str:
        waarden = [w.isoformat() if hasattr(w, "isoformat") else w for w in self.laatste]
        return signing.Signer(salt=self._salt(self.request, self.volgorde)).sign_object(waarden, compress=True)

    def _url(self, **params) -> str:
        url = self.request.build_absolute_uri()
        for name in (self.page_query_param, self.cursor_query_param):
            url = remove_query_param(url, name)
        for name, value in params.items():
            url = replace_query_param(url, name, value)
        return url

    def get_paginated_response(self, data):
        links = [f'<{self._url()}>; rel="first"']
        if self.number and self.number > 1:
            prev = self._url(page=self.number - 1) if self.number > 2 else self._url()
            links.append(f'<{prev}>; rel="prev"')
        volgende = self._url(cursor=self.volgende_cursor()) if self.has_next else None
        if volgende:
            links.append(f'<{volgende}>; rel="next"')
        if self.count_exact:
            last = max(1, -(-self.count // self.size))
            links.append(f'<{self._url(page=last) if last > 1 else self._url()}>; rel="last"')
        return Response(
            {
                "count": self.count,
                "countExact": self.count_exact,
                "page": self.number,
                "pageSize": self.size,
                "next": volgende,
                "results": data,
            },
            headers={"Link": ", ".join(links)},
        )

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Ondoorzichtige cursor uit de next-link: de pagina na de laatste rij van de vorige "
                "(keyset). Niet samen met page.",
                "schema": {"type": "string"},
            },
        ]

    def get_paginated_response_schema(self, schema):
        grens = telling_grens()
        return {
            "type": "object",
            "required": ["count", "countExact", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": f"Exact tot en met {grens}; daarboven een schatting (countExact false).",
                },
                "countExact": {"type": "boolean", "description": "false: count is een schatting van de planner"},
                "page": {"type": "integer", "nullable": True, "description": "null bij een cursor"},
                "pageSize": {"type": "integer"},
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "de volgende pagina (cursor); null op de laatste",
                },
                "results": schema,
            },
        }


class RijenLijst:
    """A list view (before ``ListView`` in the bases) whose page ``lezer(ids)`` reads itself in one
    SQL query, as camelCase dicts in the serializer's shape; on SQLite (``make run``) the
    serializer's way. ``pagina(rows)`` may finish the rows (the user's privacy rule)."""

    pagination_class = KeysetPaginering
    lezer = None  # a function: the page's primary keys -> the rows, in that order

    @property
    def rijen_voor(self):
        return type(self).lezer if connection.vendor == "postgresql" else None

    def pagina(self, rows: list) -> list[dict]:
        return rows

    def list(self, request, *args, **kwargs):
        if self.rijen_voor is None:
            return super().list(request, *args, **kwargs)
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        response = self.get_paginated_response(self.pagina(rows))
        response.data = AlCamelCase(response.data)
        return response
