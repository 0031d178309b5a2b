"""The trajectory list's page read in one SQL query (issue 13; docs/performance.md): the same
fields, values and privacy rule as :class:`TrajectSerializer`, without building 50 model
instances with their nested serializers and without a nine-table join (that join took 26 ms to
*plan* on every page). The linked codes and uuids are scalar subqueries, the placements and
extensions ``json_agg`` subqueries, for the page's keys only (``backoffice.paginering`` finds
them). One query for any page size. Every participant on the page is noted in the processing
log as before, when the page loaded ``Deelnemer`` instances (docs/privacy.md).
``tests/bench/test_lijsten.py`` holds this equal to the serializer."""

import datetime as _dt
from types import SimpleNamespace

from django.db import connections, router

from backoffice import verwerkingslog

from .. import selectors

_UTC = '\'YYYY-MM-DD"T"HH24:MI:SS"Z"\''

# The columns of a row, in this order; the nested lists already in the serializer's shape.
_KOLOMMEN = (
    "id uuid toewijzing_nummer status startdatum einddatum_gepland einddatum verlengd_maanden route "
    "trajectprijs verlenging_bedrag gedeclareerd betaald aangemaakt_op aanbieder_id uitvoerder_id gemeente_id "
    "aanvraag_uuid deelnemer_uuid deelnemer_bsn_hash aanbieder_uuid uitvoerder_uuid regeling_code perceel_code "
    "gemeente_code trajectbegeleider_uuid plaatsingen verlengingen"
).split()

_SQL = f"""
SELECT t.id, t.uuid, t.toewijzing_nummer, t.status, t.startdatum, t.einddatum_gepland, t.einddatum,
    t.verlengd_maanden, t.route, t.trajectprijs, t.verlenging_bedrag, t.gedeclareerd, t.betaald, t.aangemaakt_op,
    t.aanbieder_id, t.uitvoerder_id, t.gemeente_id,
    (SELECT uuid FROM trajecten_aanvraag WHERE id = t.aanvraag_id),
    (SELECT uuid FROM trajecten_deelnemer WHERE id = t.deelnemer_id),
    (SELECT bsn_hash FROM trajecten_deelnemer WHERE id = t.deelnemer_id),
    (SELECT uuid FROM financiering_aanbieder WHERE id = t.aanbieder_id),
    (SELECT uuid FROM financiering_aanbieder WHERE id = t.uitvoerder_id),
    (SELECT code FROM financiering_regeling WHERE id = t.regeling_id),
    (SELECT code FROM financiering_perceel WHERE id = t.perceel_id),
    (SELECT code FROM financiering_gemeente WHERE id = t.gemeente_id),
    (SELECT uuid FROM financiering_trajectbegeleider WHERE id = t.trajectbegeleider_id),
    (SELECT json_agg(json_build_object(
        'uuid', p.uuid, 'werkgever', p.werkgever, 'startdatum', p.startdatum, 'einddatum', p.einddatum,
        'urenPerWeek', p.uren_per_week::text, 'contractsoort', p.contractsoort, 'vast', p.vast,
        'minimumloonOfMeer', p.minimumloon_of_meer, 'proefplaatsing', p.proefplaatsing,
        'openVoorIedereen', p.open_voor_iedereen, 'loonondersteuning', p.loonondersteuning, 'sector', p.sector,
        'aandoeningBekendBijWerkgever', p.aandoening_bekend_bij_werkgever,
        'regulierBetaaldWerk', p.minimumloon_of_meer AND NOT p.proefplaatsing AND p.open_voor_iedereen)
        ORDER BY p.startdatum, p.id)
     FROM trajecten_plaatsing p WHERE p.traject_id = t.id),
    (SELECT json_agg(json_build_object(
        'uuid', v.uuid, 'maanden', v.maanden, 'toelichting', v.toelichting, 'bedrag', v.bedrag::text,
        'status', v.status, 'aangevraagdDoor', (SELECT username FROM backoffice_user WHERE id = v.aangevraagd_door_id),
        'aangevraagdOp', to_char(v.aangevraagd_op AT TIME ZONE 'UTC', {_UTC}),
        'besluitDoor', (SELECT username FROM backoffice_user WHERE id = v.besluit_door_id),
        'besluitOp', to_char(v.besluit_op AT TIME ZONE 'UTC', {_UTC}),
        'besluitToelichting', v.besluit_toelichting) ORDER BY v.id)
     FROM trajecten_verlenging v WHERE v.traject_id = t.id)
FROM trajecten_traject t WHERE t.id = ANY(%s)
"""


def rijen_voor(ids: list[int]) -> list[dict]:
    """The rows of these trajectories, in the order of ``ids``."""
    if not ids:
        return []
    # the same database the page's keys came from: a replica for a read that may lag (db_routing)
    with connections[router.db_for_read(None)].cursor() as cursor:
        cursor.execute(_SQL, [list(ids)])
        per_id = {row[0]: dict(zip(_KOLOMMEN, row, strict=True)) for row in cursor.fetchall()}
    return [per_id[i] for i in ids if i in per_id]


def _tijd(value: _dt.datetime | None) -> str | None:
    return value.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _datum(value: _dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _str(value) -> str | None:
    return None if value is None else str(value)


def pagina(rows: list[dict], user) -> list[dict]:
    """The page's trajectories as ``TrajectSerializer`` answers them, with the API's camelCase keys
    (the answer is ``AlCamelCase``: the renderer does not walk it again)."""
    out = []
    for r in rows:
        verwerkingslog.noteer_referentie(r["deelnemer_uuid"], r["deelnemer_bsn_hash"])
        zaak = SimpleNamespace(
            aanbieder_id=r["aanbieder_id"],
            uitvoerder_id=r["uitvoerder_id"],
            route=r["route"],
            gemeente_id=r["gemeente_id"],
        )
        zichtbaar = bool(selectors.personal_fields_for(user, zaak))
        out.append(
            {
                "uuid": str(r["uuid"]),
                "toewijzingNummer": r["toewijzing_nummer"],
                "status": r["status"],
                "startdatum": _datum(r["startdatum"]),
                "einddatumGepland": _datum(r["einddatum_gepland"]),
                "einddatum": _datum(r["einddatum"]),
                "verlengdMaanden": r["verlengd_maanden"],
                "aanvraag": _str(r["aanvraag_uuid"]),
                "deelnemer": _str(r["deelnemer_uuid"]) if zichtbaar else None,
                "aanbieder": _str(r["aanbieder_uuid"]),
                "uitvoerder": _str(r["uitvoerder_uuid"]),
                "regeling": r["regeling_code"],
                "perceel": r["perceel_code"],
                "route": r["route"],
                "gemeente": r["gemeente_code"],
                "trajectbegeleider": _str(r["trajectbegeleider_uuid"]),
                "trajectprijs": _str(r["trajectprijs"]),
                "verlengingBedrag": _str(r["verlenging_bedrag"]),
                "maximaalBedrag": _str(r["trajectprijs"] + r["verlenging_bedrag"]),
                "gedeclareerd": _str(r["gedeclareerd"]),
                "betaald": _str(r["betaald"]),
                "plaatsingen": r["plaatsingen"] or [],
                "verlengingen": r["verlengingen"] or [],
                "aangemaaktOp": _tijd(r["aangemaakt_op"]),
            }
        )
    return out
