"""The hand-written reference of ``bench/lijsten.py`` (issue 13): a WSGI app with psycopg and the
standard ``json`` module only, no Django. It authenticates the same knox token (or the same Django
session cookie) by hand, checks the role and the organisation's scope, writes the processing log
as the service does (docs/privacy.md: every read of a participant is logged) and answers the same
page with the same fields, nested lists included, but without a full count.

Extensible: :data:`ROUTES` maps a path to ``handler(environ, cursor, user) -> (status, headers,
body bytes)``; :data:`VERGELIJKINGEN` lists ``(naam, rol, pad_met_query)``, what ``bench.lijsten``
loads on both sides. ``bench/referentie_werkbak.py``, when present, adds its own of both.

    gunicorn bench.referentie:application   (DATABASE_URL, DJANGO_SECRET_KEY from the environment)

Covers the roles UWV (beoordelaar, financieel) and provider (aanbieder_medewerker); a gemeente
user gets 403 here (not compared)."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import uuid
import zlib
from urllib.parse import parse_qs

import psycopg

UWV_ROLES = ("uwv_beoordelaar", "uwv_financieel")
AANBIEDER = "aanbieder_medewerker"
TOKEN_KEY_LENGTH = 15  # knox.settings.CONSTANTS.TOKEN_KEY_LENGTH
MAX_PAGE_SIZE = 500

ROUTES: dict = {}
VERGELIJKINGEN: list[tuple[str, str, str]] = []


def route(path: str):
    def register(handler):
        ROUTES[path] = handler
        return handler

    return register


# --- answers ----------------------------------------------------------------------------------


def json_body(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def antwoord(data, status: str = "200 OK", headers=()) -> tuple[str, list, bytes]:
    return status, [("Content-Type", "application/json"), *headers], json_body(data)


def probleem(status: int, code: str, titel: str, detail: str, **extra) -> tuple[str, list, bytes]:
    body = {"type": f"urn:ips-loket:problem:{code}", "status": status, "title": titel, "detail": detail, "code": code}
    body.update(extra)
    reason = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}[status]
    return f"{status} {reason}", [("Content-Type", "application/problem+json")], json_body(body)


# --- who is asking: the knox token and the Django session, by hand ------------------------------


def gebruiker(cursor, user_id: int) -> dict | None:
    """The user as the views need it: roles, provider, gemeenten. One query."""
    cursor.execute(
        """
        SELECT u.id, u.username, u.is_active, u.password,
               ARRAY(SELECT g.name FROM backoffice_user_groups ug JOIN auth_group g ON g.id = ug.group_id
                     WHERE ug.user_id = u.id),
               m.aanbieder_id, a.naam,
               ARRAY(SELECT mg.gemeente_id FROM financiering_medewerker_gemeenten mg WHERE mg.medewerker_id = m.id)
        FROM backoffice_user u
        LEFT JOIN financiering_medewerker m ON m.user_id = u.id
        LEFT JOIN financiering_aanbieder a ON a.id = m.aanbieder_id
        WHERE u.id = %s
        """,
        [user_id],
    )
    row = cursor.fetchone()
    if row is None or not row[2]:
        return None
    rollen = frozenset(row[4])
    if rollen & set(UWV_ROLES):
        organisatie = "UWV"
    else:
        organisatie = row[6] or ""
    return {
        "id": row[0],
        "username": row[1],
        "password": row[3],
        "rollen": rollen,
        "aanbieder_id": row[5] if AANBIEDER in rollen else None,
        "organisatie": organisatie,
        "gemeente_ids": list(row[7]),
    }


def token_gebruiker(cursor, header: str) -> dict | None:
    """``Authorization: Token <token>`` as knox checks it: the rows with the token's first 15
    characters, not expired, whose digest is the SHA-512 of the token."""
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "token":
        return None
    token = parts[1]
    cursor.execute(
        "SELECT digest, user_id FROM knox_authtoken WHERE token_key = %s AND (expiry IS NULL OR expiry > now())",
        [token[:TOKEN_KEY_LENGTH]],
    )
    digest = hashlib.sha512(token.encode()).hexdigest()
    for stored, user_id in cursor.fetchall():
        if hmac.compare_digest(digest, stored):
            return gebruiker(cursor, user_id)
    return None


def _b64_hmac(salt: str, value: str, secret: str) -> str:
    key = hashlib.sha256((salt + secret).encode()).digest()  # django.utils.crypto.salted_hmac
    mac = hmac.new(key, msg=value.encode(), digestmod=hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).strip(b"=").decode()


def _sessie_data(session_data: str, secret: str) -> dict | None:
    """``django.core.signing.loads`` of a database session (salt of ``SessionStore``)."""
    value, _, signature = session_data.rpartition(":")
    salt = "django.contrib.sessions.SessionStore" + "signer"
    if not value or not hmac.compare_digest(signature, _b64_hmac(salt, value, secret)):
        return None
    payload = value.rpartition(":")[0]  # drop the timestamp
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def sessie_gebruiker(cursor, cookie_header: str, secret: str) -> dict | None:
    """The ``sessionid`` cookie as Django's database sessions and ``AuthenticationMiddleware``
    check it: the unexpired row, its signature, and the password hash in the session."""
    sessionid = None
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "sessionid":
            sessionid = value
    if not sessionid:
        return None
    cursor.execute(
        "SELECT session_data FROM django_session WHERE session_key = %s AND expire_date > now()", [sessionid]
    )
    row = cursor.fetchone()
    data = _sessie_data(row[0], secret) if row else None
    if not data or "_auth_user_id" not in data:
        return None
    user = gebruiker(cursor, int(data["_auth_user_id"]))
    if user is None:
        return None
    expected = hmac.new(
        hashlib.sha256(
            ("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash" + secret).encode()
        ).digest(),
        msg=user["password"].encode(),
        digestmod=hashlib.sha256,
    ).hexdigest()
    if not hmac.compare_digest(expected, data.get("_auth_user_hash", "")):
        return None
    return user


# --- what every list shares ---------------------------------------------------------------------


def query(environ) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


def pagina(params: dict) -> tuple[int, int] | None:
    """(page, pageSize) or None when they are not whole numbers in range."""
    try:
        page = int(params.get("page", "1"))
        size = int(params.get("pageSize", "50"))
    except ValueError:
        return None
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        return None
    return page, size


def tijd(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def bedrag(value) -> str | None:
    return None if value is None else str(value)


def verwerkingen_vastleggen(cursor, user: dict, deelnemers, *, doel: str, object_type: str, route_naam: str) -> None:
    """The processing log of docs/privacy.md, as ``VerwerkingslogMiddleware`` writes it: one row
    per participant on the page (uuid and BSN hash), in one INSERT."""
    deelnemers = dict(deelnemers)
    if not deelnemers:
        return
    cursor.execute(
        """
        INSERT INTO backoffice_verwerking (uuid, op, verzoek, gebruiker_id, gebruikersnaam, organisatie, rollen,
            deelnemer_uuid, bsn_hash, handeling, doel, kanaal, object_type, object_uuid, route)
        SELECT gen_random_uuid(), now(), %s, %s, %s, %s, %s, d.uuid, d.bsn_hash, 'raadplegen', %s, 'api', %s, NULL, %s
        FROM unnest(%s::uuid[], %s::text[]) AS d(uuid, bsn_hash)
        """,
        [
            uuid.uuid4(),
            user["id"],
            user["username"],
            user["organisatie"],
            ", ".join(sorted(user["rollen"])),
            doel,
            object_type,
            route_naam,
            list(deelnemers),
            list(deelnemers.values()),
        ],
    )


GEEN_ROL = (403, "geen-rol", "Geen toegang")
ONGELDIGE_PAGINA = (400, "ongeldige-invoer", "Ongeldige invoer", "pageSize of page is geen geldig getal.")


# --- GET /api/v1/trajecten ------------------------------------------------------------------------

# The linked codes as scalar subqueries: a nine-table join took ~26 ms to plan (issue 13).
_TRAJECT_SQL = """
SELECT t.uuid, t.toewijzing_nummer, t.status, t.startdatum, t.einddatum_gepland, t.einddatum, t.verlengd_maanden,
       (SELECT uuid FROM trajecten_aanvraag WHERE id = t.aanvraag_id),
       (SELECT uuid FROM trajecten_deelnemer WHERE id = t.deelnemer_id),
       (SELECT bsn_hash FROM trajecten_deelnemer WHERE id = t.deelnemer_id),
       (SELECT uuid FROM financiering_aanbieder WHERE id = t.aanbieder_id),
       (SELECT uuid FROM financiering_aanbieder WHERE id = t.uitvoerder_id),
       (SELECT code FROM financiering_regeling WHERE id = t.regeling_id),
       (SELECT code FROM financiering_perceel WHERE id = t.perceel_id),
       t.route,
       (SELECT code FROM financiering_gemeente WHERE id = t.gemeente_id),
       (SELECT uuid FROM financiering_trajectbegeleider WHERE id = t.trajectbegeleider_id),
       t.trajectprijs, t.verlenging_bedrag, t.trajectprijs + t.verlenging_bedrag, t.gedeclareerd, t.betaald,
       t.aangemaakt_op, t.aanbieder_id, t.uitvoerder_id, t.gemeente_id,
       (SELECT json_agg(json_build_object(
            'uuid', p.uuid, 'werkgever', p.werkgever, 'startdatum', p.startdatum, 'einddatum', p.einddatum,
            'urenPerWeek', p.uren_per_week::text, 'contractsoort', p.contractsoort, 'vast', p.vast,
            'minimumloonOfMeer', p.minimumloon_of_meer, 'proefplaatsing', p.proefplaatsing,
            'openVoorIedereen', p.open_voor_iedereen, 'loonondersteuning', p.loonondersteuning,
            'sector', p.sector, 'aandoeningBekendBijWerkgever', p.aandoening_bekend_bij_werkgever,
            'regulierBetaaldWerk', p.minimumloon_of_meer AND NOT p.proefplaatsing AND p.open_voor_iedereen)
            ORDER BY p.startdatum, p.id)
        FROM trajecten_plaatsing p WHERE p.traject_id = t.id),
       (SELECT json_agg(json_build_object(
            'uuid', v.uuid, 'maanden', v.maanden, 'toelichting', v.toelichting, 'bedrag', v.bedrag::text,
            'status', v.status, 'aangevraagdDoor', ua.username,
            'aangevraagdOp', to_char(v.aangevraagd_op AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'besluitDoor', ub.username,
            'besluitOp', to_char(v.besluit_op AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'besluitToelichting', v.besluit_toelichting) ORDER BY v.id)
        FROM trajecten_verlenging v JOIN backoffice_user ua ON ua.id = v.aangevraagd_door_id
        LEFT JOIN backoffice_user ub ON ub.id = v.besluit_door_id WHERE v.traject_id = t.id)
FROM trajecten_traject t WHERE {scope} ORDER BY t.toewijzing_nummer LIMIT %s OFFSET %s
"""


def _persoon_zichtbaar(user: dict, route_: str, aanbieder_id, uitvoerder_id, gemeente_id) -> bool:
    """selectors.personal_fields_for, reduced to 'anything at all' (the list shows only the link)."""
    eigen = user["aanbieder_id"] is not None and user["aanbieder_id"] in (aanbieder_id, uitvoerder_id)
    return (
        eigen
        or (route_ == "uwv" and bool(user["rollen"] & set(UWV_ROLES)))
        or (route_ == "gemeente" and "gemeente_medewerker" in user["rollen"] and gemeente_id in user["gemeente_ids"])
    )


@route("/api/v1/trajecten")
def trajecten(environ, cursor, user):
    if user["rollen"] & set(UWV_ROLES):
        scope, args = "TRUE", []
    elif AANBIEDER in user["rollen"]:
        scope, args = "(t.aanbieder_id = %s OR t.uitvoerder_id = %s)", [user["aanbieder_id"], user["aanbieder_id"]]
    else:
        return probleem(*GEEN_ROL, "Deze handeling vraagt een rol van UWV of een aanbieder.")
    params = query(environ)
    paging = pagina(params)
    if paging is None:
        return probleem(*ONGELDIGE_PAGINA)
    page, size = paging
    cursor.execute(_TRAJECT_SQL.format(scope=scope), [*args, size, (page - 1) * size])
    results, gezien = [], {}
    for r in cursor.fetchall():
        zichtbaar = _persoon_zichtbaar(user, r[14], r[23], r[24], r[25])
        gezien[r[8]] = r[9]  # the service loads every participant on the page, and so logs each one
        results.append(
            {
                "uuid": str(r[0]),
                "toewijzingNummer": r[1],
                "status": r[2],
                "startdatum": r[3].isoformat(),
                "einddatumGepland": r[4].isoformat(),
                "einddatum": r[5].isoformat() if r[5] else None,
                "verlengdMaanden": r[6],
                "aanvraag": str(r[7]),
                "deelnemer": str(r[8]) if zichtbaar else None,
                "aanbieder": str(r[10]),
                "uitvoerder": str(r[11]) if r[11] else None,
                "regeling": r[12],
                "perceel": r[13],
                "route": r[14],
                "gemeente": r[15],
                "trajectbegeleider": str(r[16]) if r[16] else None,
                "trajectprijs": bedrag(r[17]),
                "verlengingBedrag": bedrag(r[18]),
                "maximaalBedrag": bedrag(r[19]),
                "gedeclareerd": bedrag(r[20]),
                "betaald": bedrag(r[21]),
                "plaatsingen": r[26] or [],
                "verlengingen": r[27] or [],
                "aangemaaktOp": tijd(r[22]),
            }
        )
    doel = "traject_financieren" if user["rollen"] & set(UWV_ROLES) else "traject_begeleiden"
    if user["rollen"] & {"uwv_financieel"} and not user["rollen"] & {"uwv_beoordelaar"}:
        doel = "betalen"
    verwerkingen_vastleggen(
        cursor, user, gezien, doel=doel, object_type="trajecten", route_naam="GET /api/v1/trajecten"
    )
    return antwoord({"page": page, "pageSize": size, "results": results})


VERGELIJKINGEN += [
    ("trajecten (UWV)", "uwv", "/api/v1/trajecten?pageSize=50"),
    ("trajecten (aanbieder)", "aanbieder", "/api/v1/trajecten?pageSize=50"),
]


# --- GET /api/v1/declaraties and GET /api/v1/prestaties ------------------------------------------

_DECLARATIE_SQL = """
SELECT d.uuid, d.declaratie_nummer, d.periode_begin, d.periode_eind, (SELECT uuid FROM financiering_aanbieder
       WHERE id = d.aanbieder_id), d.bron, d.ingediend_op, d.totaal_ingediend, d.totaal_toegekend, n.*
FROM (SELECT * FROM declaraties_declaratie d WHERE {scope} ORDER BY d.ingediend_op DESC, d.id DESC
      LIMIT %s OFFSET %s) d
CROSS JOIN LATERAL (SELECT count(*), count(*) FILTER (WHERE p.status = 'toegekend'),
    count(*) FILTER (WHERE p.status = 'afgewezen'), count(*) FILTER (WHERE p.status = 'in_behandeling')
    FROM declaraties_prestatie p WHERE p.declaratie_id = d.id) n
ORDER BY d.ingediend_op DESC, d.id DESC
"""


def _declaratie_scope(user, kolom: str):
    if user["rollen"] & set(UWV_ROLES):
        return "TRUE", []
    if AANBIEDER in user["rollen"] and user["aanbieder_id"] is not None:
        return f"{kolom} = %s", [user["aanbieder_id"]]
    return None, None


def _retourcodes(codes) -> list[dict]:
    from declaraties.rules import RETOURCODES  # the Dutch descriptions: data, no Django needed

    return [{"code": c, "omschrijving": RETOURCODES.get(c, "")} for c in codes]


def _geld_pagina(environ, cursor, user, sql: str, kolom: str):
    """The page of a money list (UWV: all, a provider: its own): (page, size, rows) or a problem."""
    scope, args = _declaratie_scope(user, kolom)
    if scope is None:
        return probleem(*GEEN_ROL, "Deze handeling vraagt een rol van UWV of een aanbieder.")
    paging = pagina(query(environ))
    if paging is None:
        return probleem(*ONGELDIGE_PAGINA)
    page, size = paging
    cursor.execute(sql.format(scope=scope), [*args, size, (page - 1) * size])
    return page, size, cursor.fetchall()


@route("/api/v1/declaraties")
def declaraties(environ, cursor, user):
    gelezen = _geld_pagina(environ, cursor, user, _DECLARATIE_SQL, "d.aanbieder_id")
    if isinstance(gelezen[0], str):
        return gelezen  # a problem
    page, size, rows = gelezen
    results = []
    for r in rows:
        toegekend, afgewezen, wacht = r[10], r[11], r[12]
        if wacht:
            status = "in_behandeling"
        elif not afgewezen:
            status = "toegekend"
        elif not toegekend:
            status = "afgewezen"
        else:
            status = "deels_toegekend"
        results.append(
            {
                "uuid": str(r[0]),
                "declaratieNummer": r[1],
                "declaratiePeriode": {"begindatum": r[2].isoformat(), "einddatum": r[3].isoformat()},
                "aanbieder": str(r[4]),
                "bron": r[5],
                "ingediendOp": tijd(r[6]),
                "status": status,
                "retourcodes": _retourcodes(["8001"]) if status == "toegekend" else [],
                "totaalIngediendBedrag": bedrag(r[7]),
                "totaalToegekendBedrag": bedrag(r[8]),
                "aantalPrestaties": r[9],
                "aantalToegekend": toegekend,
                "aantalAfgewezen": afgewezen,
                "aantalInBehandeling": wacht,
            }
        )
    return antwoord({"page": page, "pageSize": size, "results": results})


_PRESTATIE_SQL = """
SELECT (SELECT uuid FROM declaraties_declaratie WHERE id = p.declaratie_id),
       (SELECT declaratie_nummer FROM declaraties_declaratie WHERE id = p.declaratie_id),
       (SELECT uuid FROM financiering_aanbieder WHERE id = p.aanbieder_id),
       p.uuid, p.regelnummer, p.product_referentie, p.toewijzing_nummer, p.product_code, p.begindatum, p.einddatum,
       p.geleverd_volume, p.ingediend_bedrag, p.debet_credit, p.vorig_referentie_nummer, p.status, p.retourcodes,
       p.toegekend_bedrag, p.beoordeeld_op, p.beoordeling_toelichting, p.betaald_op
FROM declaraties_prestatie p WHERE {scope} ORDER BY p.declaratie_id, p.regelnummer LIMIT %s OFFSET %s
"""


@route("/api/v1/prestaties")
def prestaties(environ, cursor, user):
    gelezen = _geld_pagina(environ, cursor, user, _PRESTATIE_SQL, "p.aanbieder_id")
    if isinstance(gelezen[0], str):
        return gelezen  # a problem
    page, size, rows = gelezen
    results = [
        {
            "declaratie": str(r[0]),
            "declaratieNummer": r[1],
            "aanbieder": str(r[2]),
            "uuid": str(r[3]),
            "regelnummer": r[4],
            "productReferentie": r[5],
            "toewijzingNummer": r[6],
            "productCode": r[7],
            "productPeriode": {"begindatum": r[8].isoformat(), "einddatum": r[9].isoformat()},
            "geleverdVolume": bedrag(r[10]),
            "ingediendBedrag": bedrag(r[11]),
            "debetCredit": r[12],
            "vorigReferentieNummer": r[13],
            "status": r[14],
            "retourcodes": _retourcodes(r[15] if isinstance(r[15], list) else json.loads(r[15])),
            "toegekendBedrag": bedrag(r[16]),
            "beoordeeldOp": tijd(r[17]),
            "beoordelingToelichting": r[18],
            "betaaldOp": r[19].isoformat() if r[19] else None,
        }
        for r in rows
    ]
    return antwoord({"page": page, "pageSize": size, "results": results})


VERGELIJKINGEN += [
    ("declaraties (UWV)", "uwv", "/api/v1/declaraties?pageSize=50"),
    ("declaraties (aanbieder)", "aanbieder", "/api/v1/declaraties?pageSize=50"),
    ("prestaties (UWV)", "uwv", "/api/v1/prestaties?pageSize=50"),
    ("prestaties (aanbieder)", "aanbieder", "/api/v1/prestaties?pageSize=50"),
]


# --- the app ------------------------------------------------------------------------------------

_verbinding: psycopg.Connection | None = None


def _cursor():
    global _verbinding
    if _verbinding is None or _verbinding.closed:
        _verbinding = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    return _verbinding.cursor()


def application(environ, start_response):
    handler = ROUTES.get(environ.get("PATH_INFO", ""))
    with _cursor() as cursor:
        if handler is None:
            status, headers, body = probleem(404, "niet-gevonden", "Niet gevonden", "Dit pad bestaat niet.")
        else:
            user = None
            if environ.get("HTTP_AUTHORIZATION"):
                user = token_gebruiker(cursor, environ["HTTP_AUTHORIZATION"])
            elif environ.get("HTTP_COOKIE"):
                user = sessie_gebruiker(cursor, environ["HTTP_COOKIE"], os.environ["DJANGO_SECRET_KEY"])
            if user is None:
                status, headers, body = probleem(401, "niet-ingelogd", "Niet ingelogd", "Log in of stuur een token.")
            else:
                status, headers, body = handler(environ, cursor, user)
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]
