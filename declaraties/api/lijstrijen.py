"""The declaration list and the lines list read in one SQL query each (issue 13; docs/decisions.md,
"Issue 13"): the same fields and values as ``DeclaratieSummarySerializer`` and
``PrestatieQueueSerializer``, with the API's camelCase keys (``AlCamelCase``: the renderer does not
walk them again), for the page's keys only (``backoffice.paginering`` finds them through the
user's scoped, filtered queryset). Neither list shows a participant, so nothing goes into the
processing log, as before. ``tests/bench/test_lijsten.py`` holds them equal to the serializers."""

import datetime as _dt

from django.db import connections, router

from .. import selectors

_DECLARATIES = """
SELECT d.id, d.uuid, d.declaratie_nummer, d.periode_begin, d.periode_eind,
    (SELECT uuid FROM financiering_aanbieder WHERE id = d.aanbieder_id), d.bron, d.ingediend_op,
    d.totaal_ingediend, d.totaal_toegekend, n.alle, n.toegekend, n.afgewezen, n.in_behandeling
FROM declaraties_declaratie d
CROSS JOIN LATERAL (
    SELECT count(*) AS alle, count(*) FILTER (WHERE p.status = 'toegekend') AS toegekend,
        count(*) FILTER (WHERE p.status = 'afgewezen') AS afgewezen,
        count(*) FILTER (WHERE p.status = 'in_behandeling') AS in_behandeling
    FROM declaraties_prestatie p WHERE p.declaratie_id = d.id
) n
WHERE d.id = ANY(%s)
"""

_PRESTATIES = """
SELECT p.id, (SELECT uuid FROM declaraties_declaratie WHERE id = p.declaratie_id),
    (SELECT declaratie_nummer FROM declaraties_declaratie WHERE id = p.declaratie_id),
    (SELECT uuid FROM financiering_aanbieder WHERE id = p.aanbieder_id),
    p.uuid, p.regelnummer, p.product_referentie, p.toewijzing_nummer, p.product_code, p.begindatum, p.einddatum,
    p.geleverd_volume, p.ingediend_bedrag, p.debet_credit, p.vorig_referentie_nummer, p.status, p.retourcodes,
    p.toegekend_bedrag, p.beoordeeld_op, p.beoordeling_toelichting, p.betaald_op
FROM declaraties_prestatie p WHERE p.id = ANY(%s)
"""


def _tijd(value: _dt.datetime | None) -> str | None:
    return value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _rijen(sql: str, ids: list[int]) -> list[tuple]:
    if not ids:
        return []
    # the same database the page's keys came from: a replica for a read that may lag (db_routing)
    with connections[router.db_for_read(None)].cursor() as cursor:
        cursor.execute(sql, [list(ids)])
        per_id = {row[0]: row for row in cursor.fetchall()}
    return [per_id[i] for i in ids if i in per_id]


def declaraties(ids: list[int]) -> list[dict]:
    from .declaraties import retourcodes

    out = []
    for r in _rijen(_DECLARATIES, ids):
        status = selectors.declaratie_status(toegekend=r[11], afgewezen=r[12], in_behandeling=r[13])
        out.append(
            {
                "uuid": str(r[1]),
                "declaratieNummer": r[2],
                "declaratiePeriode": {"begindatum": r[3].isoformat(), "einddatum": r[4].isoformat()},
                "aanbieder": str(r[5]),
                "bron": r[6],
                "ingediendOp": _tijd(r[7]),
                "status": status,
                "retourcodes": retourcodes(["8001"]) if status == "toegekend" else [],
                "totaalIngediendBedrag": str(r[8]),
                "totaalToegekendBedrag": str(r[9]),
                "aantalPrestaties": r[10],
                "aantalToegekend": r[11],
                "aantalAfgewezen": r[12],
                "aantalInBehandeling": r[13],
            }
        )
    return out


def prestaties(ids: list[int]) -> list[dict]:
    import json

    from .declaraties import retourcodes

    return [
        {
            "declaratie": str(r[1]),
            "declaratieNummer": r[2],
            "aanbieder": str(r[3]),
            "uuid": str(r[4]),
            "regelnummer": r[5],
            "productReferentie": r[6],
            "toewijzingNummer": r[7],
            "productCode": r[8],
            "productPeriode": {"begindatum": r[9].isoformat(), "einddatum": r[10].isoformat()},
            "geleverdVolume": str(r[11]),
            "ingediendBedrag": str(r[12]),
            "debetCredit": r[13],
            "vorigReferentieNummer": r[14],
            "status": r[15],
            "retourcodes": retourcodes(r[16] if isinstance(r[16], list) else json.loads(r[16])),
            "toegekendBedrag": str(r[17]),
            "beoordeeldOp": _tijd(r[18]),
            "beoordelingToelichting": r[19],
            "betaaldOp": r[20].isoformat() if r[20] else None,
        }
        for r in _rijen(_PRESTATIES, ids)
    ]
