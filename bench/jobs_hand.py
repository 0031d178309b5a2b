"""The nightly job's steps, each as hand-made SQL (issue 13, for ``bench.jobs``): the reference a
step's service time is compared with. They run in the job's order in one transaction that is
rolled back (a step sees what the steps before it did, as in the job).

- ``trajecten_expire``: one ``UPDATE ... RETURNING`` with the history rows in the same statement;
- every signal kind: one statement (a CTE with the cause, ``UPDATE`` of the open signals whose
  cause is gone, ``INSERT`` of the new ones). The cause's ``SELECT`` is the one the app defines
  (its queryset, compiled once): the selection itself is the rule, what is hand-made is doing the
  whole step in the database without a round trip or a row through Python. Differences, all in
  favour of the reference: the description is one concatenation, the deadline is the cause's (no
  ``+ termijn`` in Python), and a signal whose deadline moved is resolved but not raised again in
  the same statement (one snapshot);
- ``eindverslag_ontbreekt`` also written wholly by hand (``EINDVERSLAG_SQL`` in ``bench.jobs``);
- ``notificaties``: the e-mail's selection, per recipient the open signals new since their last
  digest that they may open (roles, organisations), in one ``SELECT``; no mail is built or sent;
- ``bewaartermijn``: the participants past the retention period in one ``SELECT`` written by hand,
  and their rows in deelnemer, aanvraag and traject anonymised in the same statement (not: the
  history rows, documents, free texts and the processing log that the service also changes).
"""

import time
from datetime import date

from django.db import connection

SIGNAAL_INSERT = """
WITH oorzaak AS MATERIALIZED ({oorzaak}),
afgehandeld AS (
    UPDATE backoffice_signaal s SET afgehandeld = true, afgehandeld_op = now(), afgehandeld_datum = %s
    WHERE s.soort = %s AND NOT s.afgehandeld
      AND NOT EXISTS (SELECT 1 FROM oorzaak o WHERE o.uuid = s.object_uuid {zelfde_deadline})
    RETURNING 1
)
INSERT INTO backoffice_signaal
    (uuid, soort, object_type, object_uuid, omschrijving, aanbieder_id, gemeente_id, uwv_rol, deadline,
     gesignaleerd_op, aangemaakt_op, afgehandeld)
SELECT gen_random_uuid(), %s, %s, o.uuid, left(%s || COALESCE(o.sig_ref::text, ''), 300),
       o.sig_aanbieder_id::bigint, o.sig_gemeente_id::bigint, COALESCE(o.sig_uwv_rol::text, ''),
       o.sig_deadline::date, %s, now(), false
FROM oorzaak o
WHERE NOT EXISTS (SELECT 1 FROM backoffice_signaal s WHERE s.soort = %s AND s.object_uuid = o.uuid AND NOT s.afgehandeld)
ON CONFLICT DO NOTHING
"""

NOTIFICATIES_SQL = """
WITH ontvanger AS (
    SELECT u.id, m.aanbieder_id, array_agg(DISTINCT g.name) AS rollen
    FROM {user} u JOIN {user_groups} ug ON ug.user_id = u.id JOIN auth_group g ON g.id = ug.group_id
    LEFT JOIN {medewerker} m ON m.user_id = u.id
    WHERE u.is_active AND u.email <> '' AND g.name = ANY(%(rollen)s)
      AND NOT EXISTS (SELECT 1 FROM backoffice_notificatie n WHERE n.user_id = u.id AND n.datum = %(datum)s
                      AND n.status = 'verzonden')
    GROUP BY u.id, m.aanbieder_id
), merk AS (
    SELECT o.*, COALESCE((SELECT max(n.tot_signaal_id) FROM backoffice_notificatie n
                          WHERE n.user_id = o.id AND n.status = 'verzonden'),
                         (SELECT max(tot_signaal_id) FROM backoffice_notificatie WHERE status = 'verzonden'), 0) AS m,
           ARRAY(SELECT mg.gemeente_id FROM {medewerker} mm JOIN {medewerker_gemeenten} mg ON mg.medewerker_id = mm.id
                 WHERE mm.user_id = o.id) AS gemeenten
    FROM ontvanger o
)
SELECT r.id, count(s.id)
FROM merk r JOIN backoffice_signaal s ON NOT s.afgehandeld AND s.id > r.m
     AND ((s.aanbieder_id = r.aanbieder_id AND %(aanbieder)s = ANY(r.rollen))
          OR (s.gemeente_id = ANY(r.gemeenten) AND %(gemeente)s = ANY(r.rollen))
          OR (s.uwv_rol <> '' AND s.uwv_rol = ANY(r.rollen)
              AND NOT (s.object_type = 'vordering' AND s.uwv_rol <> %(financieel)s)
              AND s.object_type NOT IN ('gebruiker', 'roltoekenning')))
GROUP BY r.id
"""

BEWAARTERMIJN_SQL = """
WITH afgerond AS MATERIALIZED (
    SELECT t.id, t.deelnemer_id FROM trajecten_traject t JOIN trajecten_eindverslag e ON e.traject_id = t.id
    WHERE t.status = 'afgesloten' AND e.op < %(sinds)s
      AND NOT EXISTS (SELECT 1 FROM declaraties_prestatie p WHERE p.traject_id = t.id AND p.status = 'in_behandeling')
), wie AS MATERIALIZED (
    SELECT d.id FROM trajecten_deelnemer d
    WHERE d.geanonimiseerd_op IS NULL
      AND (EXISTS (SELECT 1 FROM afgerond a WHERE a.deelnemer_id = d.id)
           OR (d.aangemaakt_op < %(sinds)s AND NOT EXISTS (SELECT 1 FROM trajecten_traject t WHERE t.deelnemer_id = d.id)))
      AND NOT EXISTS (SELECT 1 FROM trajecten_traject t WHERE t.deelnemer_id = d.id
                      AND NOT EXISTS (SELECT 1 FROM afgerond a WHERE a.id = t.id))
      AND NOT EXISTS (SELECT 1 FROM trajecten_aanvraag a WHERE a.deelnemer_id = d.id
                      AND NOT EXISTS (SELECT 1 FROM trajecten_traject t WHERE t.aanvraag_id = a.id)
                      AND NOT (a.status IN ('afgewezen', 'ingetrokken') AND a.afgehandeld_op < %(sinds)s))
), aanvragen AS (
    UPDATE trajecten_aanvraag a SET bsn_hash = '', regiebehandelaar = '' FROM wie WHERE a.deelnemer_id = wie.id
    RETURNING 1
), trajecten AS (
    UPDATE trajecten_traject t SET bsn_hash = '' FROM wie WHERE t.deelnemer_id = wie.id RETURNING 1
)
UPDATE trajecten_deelnemer d SET voorletters = '', achternaam = '(geanonimiseerd)',
    geboortedatum = make_date(extract(year FROM d.geboortedatum)::int / 5 * 5, 1, 1),
    hoofddiagnosegroep = 'onbekend', opleiding = 'onbekend', werkervaring_jaren = NULL, geslacht = 'onbekend',
    burgerlijke_staat = 'onbekend', geanonimiseerd_op = %(datum)s, bsn_versleuteld = '',
    bsn_hash = 'geanonimiseerd-' || d.id
FROM wie WHERE d.id = wie.id
"""


def _expire(datum: date) -> tuple[str, list]:
    from backoffice.history import _history_columns
    from trajecten.models import Traject

    history, columns = _history_columns(Traject)
    cols = ", ".join(f'"{c}"' for c in columns)
    taak = ", history_taak" if any(f.name == "history_taak" for f in history._meta.concrete_fields) else ""
    sql = (
        "WITH moved AS (UPDATE trajecten_traject SET status = 'looptijd_verstreken' "
        f"WHERE status = 'actief' AND einddatum_gepland < %s RETURNING {cols}) "
        f'INSERT INTO "{history._meta.db_table}" ({cols}, history_date, history_type, history_change_reason, '
        f"history_user_id{taak}) SELECT {cols}, now(), '~', %s, NULL{', %s' if taak else ''} FROM moved"
    )
    params = [datum, f"Looptijd verstreken (nachtelijke taak {datum:%d-%m-%Y})"] + ([""] if taak else [])
    return sql, params


def _signaal(oorzaken, datum: date) -> tuple[str, list]:
    from backoffice.signalering import _FIELDS, OMSCHRIJVINGEN

    oorzaak, params = oorzaken.queryset.order_by().values(*_FIELDS).query.sql_with_params()
    zelfde = "AND o.sig_deadline::date = s.deadline" if oorzaken.deadline_bepaalt else ""
    prefix = OMSCHRIJVINGEN[oorzaken.soort].split("{")[0]
    sql = SIGNAAL_INSERT.format(oorzaak=oorzaak, zelfde_deadline=zelfde)
    soort = oorzaken.soort
    return sql, [*params, datum, soort, soort, oorzaken.object_type, prefix, datum, soort]


def _notificaties(datum: date) -> tuple[str, dict]:
    from django.contrib.auth import get_user_model

    from backoffice import roles
    from financiering.models import Medewerker

    user = get_user_model()
    sql = NOTIFICATIES_SQL.format(
        user=user._meta.db_table,
        user_groups=user.groups.through._meta.db_table,
        medewerker=Medewerker._meta.db_table,
        medewerker_gemeenten=Medewerker.gemeenten.through._meta.db_table,
    )
    params = {
        "datum": datum,
        "rollen": [roles.AANBIEDER, roles.GEMEENTE, *roles.UWV_ROLES],
        "aanbieder": roles.AANBIEDER,
        "gemeente": roles.GEMEENTE,
        "financieel": roles.UWV_FINANCIEEL,
    }
    return sql, params


def _bewaartermijn(datum: date) -> tuple[str, dict]:
    from backoffice.models import Instellingen
    from declaraties.jobs import bewaartermijn_grens

    sinds = bewaartermijn_grens(datum=datum, jaren=Instellingen.get().bewaartermijn_jaren)
    return BEWAARTERMIJN_SQL, {"sinds": sinds, "datum": datum}


def statements(datum: date, eindverslag_sql: str) -> list[tuple[str, str, object]]:
    """``(step, sql, params)`` for every nightly step with a reference, in the job's order."""
    from backoffice import registry
    from backoffice.models import Instellingen

    out = [("trajecten_expire", *_expire(datum))]
    for o in registry.signaal_oorzaken(datum=datum, instellingen=Instellingen.get()):
        step = f"signalen.{o.soort}"
        if o.soort == "eindverslag_ontbreekt":
            out.append((step, eindverslag_sql, {"datum": datum}))
        else:
            out.append((step, *_signaal(o, datum)))
    out.append(("notificaties", *_notificaties(datum)))
    out.append(("bewaartermijn", *_bewaartermijn(datum)))
    return out


def run(datum: date, eindverslag_sql: str) -> dict[str, dict]:
    """Every reference in order, in the caller's transaction: ``{step: {seconden, rijen}}``."""
    out = {}
    for step, sql, params in statements(datum, eindverslag_sql):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.rowcount
        out[step] = {"seconden": round(time.perf_counter() - start, 3), "rijen": rows}
    return out
