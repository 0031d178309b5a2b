"""The processing log (docs/privacy.md, "Verwerkingslog"): one mechanism that records every
processing of a participant's personal data, whatever the path.

- Every ``trajecten.Deelnemer`` loaded from the database while a request or a job step runs is
  noted (``Deelnemer.from_db`` calls :func:`noteer`): a detail page, a list of 50, a select_related
  in a serializer or a template, the admin. What the request did (read, change, export), for which
  purpose and through which channel follows from the request: its method, its URL pattern and the
  user's roles (:func:`doel_voor`). A service that creates or changes a participant notes that
  explicitly (``handeling=aanmaken`` / ``wijzigen``); the AVG export and the FG's search too.
- At the end of the request (:class:`VerwerkingslogMiddleware`) or of the job step
  (``schedule.run_job``) the notes are written in ONE bulk insert: one row per participant, a fixed
  number of queries whatever the page size.
- Set-based work that never loads instances (an export from ``values()``, a job's ``update()``)
  logs with :func:`vastleggen_sql`: one ``INSERT ... SELECT``.

The BSN is never logged: a participant is its uuid plus the keyed BSN hash.
"""

import contextvars
import logging
import uuid as uuidlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from . import roles
from .models import BsnRaadpleging, Verwerking, VerwerkingDoel, VerwerkingHandeling, VerwerkingKanaal

logger = logging.getLogger(__name__)

H = VerwerkingHandeling
D = VerwerkingDoel

# A stronger action wins when one participant is noted twice in one request.
_GEWICHT = {H.RAADPLEGEN: 0, H.EXPORTEREN: 1, H.WIJZIGEN: 2, H.AANMAKEN: 3, H.ANONIMISEREN: 4, H.VERWIJDEREN: 5}


@dataclass
class Verzameling:
    """What one request or one job step processed: per participant uuid its hash and action."""

    kanaal: str = ""
    user: object = None
    route: str = ""
    url_name: str = ""
    object_uuid: object = None
    handeling: str = ""  # the default for instances loaded; empty: from the request's method
    doel: str = ""  # empty: from the route and the roles
    verzoek: uuidlib.UUID = field(default_factory=uuidlib.uuid4)
    regels: dict = field(default_factory=dict)  # deelnemer uuid -> [bsn_hash, handeling or "", (model, pk) or None]

    def voeg_toe(self, deelnemer_uuid, bsn_hash: str = "", handeling: str = "", nieuw=None) -> None:
        bestaand = self.regels.get(deelnemer_uuid)
        if bestaand is None:
            self.regels[deelnemer_uuid] = [bsn_hash or "", handeling, nieuw]
            return
        bestaand[0] = bestaand[0] or bsn_hash or ""
        if handeling and _GEWICHT[handeling] > _GEWICHT.get(bestaand[1], -1):
            bestaand[1] = handeling
            bestaand[2] = nieuw or bestaand[2]


_huidig: contextvars.ContextVar[Verzameling | None] = contextvars.ContextVar("ips_verwerkingslog", default=None)


def noteer(deelnemer, handeling: str = "") -> None:
    """Note that the participant (a ``Deelnemer`` instance) is processed in the current request or
    job step; outside one (a shell, a migration, the test setup) this does nothing. Reads only the
    instance's loaded fields (``__dict__``): a deferred uuid is never fetched."""
    verzameling = _huidig.get()
    if verzameling is None:
        return
    velden = deelnemer.__dict__
    if velden.get("uuid") is None:
        return
    nieuw = (type(deelnemer), deelnemer.pk) if handeling == H.AANMAKEN else None
    verzameling.voeg_toe(velden["uuid"], velden.get("bsn_hash", ""), handeling, nieuw)


def noteer_referentie(deelnemer_uuid, bsn_hash: str = "", handeling: str = "") -> None:
    """Note a participant known only by its reference (the FG reading the log about someone)."""
    verzameling = _huidig.get()
    if verzameling is not None and deelnemer_uuid:
        verzameling.voeg_toe(deelnemer_uuid, bsn_hash, handeling)


@contextmanager
def verzamelen(**kwargs):
    """Collect the notes of a block (a job step) and write them in one insert at its end."""
    verzameling = Verzameling(**kwargs)
    token = _huidig.set(verzameling)
    try:
        yield verzameling
    finally:
        _huidig.reset(token)
    schrijf(verzameling)


# --- purpose, action and channel of a request -------------------------------------------------

# (part of the URL name, purpose): the first match wins; otherwise the purpose follows the role.
ROUTE_DOELEN = (
    ("inzage", D.INZAGE),
    ("verwerking", D.TOEZICHT),
    ("werkmonitor", D.MONITORING),
    ("declaratie", D.DECLAREREN),
    ("prestatie", D.DECLAREREN),
    ("eindverslag", D.TRAJECT_BEGELEIDEN),
    ("betaalopdracht", D.BETALEN),
    ("vordering", D.BETALEN),
)
# Per role, the purpose of reading a case: for an application (or a decision) and otherwise.
ROL_DOELEN = (
    (roles.PRIVACY_OFFICER, D.TOEZICHT, D.TOEZICHT),
    (roles.AANBIEDER, D.AANVRAAG_INDIENEN, D.TRAJECT_BEGELEIDEN),
    (roles.GEMEENTE, D.AANVRAAG_BEOORDELEN, D.TRAJECT_FINANCIEREN),
    (roles.UWV_BEOORDELAAR, D.AANVRAAG_BEOORDELEN, D.TRAJECT_FINANCIEREN),
    (roles.UWV_FINANCIEEL, D.BETALEN, D.BETALEN),
)
ZOEKROUTES = ("deelnemers-zoek", "web-deelnemer-zoeken", "verwerkingen-zoek", "web-verwerkingen")


def doel_voor(url_name: str, user) -> str:
    for deel, doel in ROUTE_DOELEN:
        if deel in url_name:
            return doel
    aanvraag = url_name == "deelnemers" or any(deel in url_name for deel in ("aanvra", "beoordeling", "web-start"))
    for rol, bij_aanvraag, anders in ROL_DOELEN:
        if roles.has_role(user, rol):
            return bij_aanvraag if aanvraag else anders
    return D.BEHEER


def handeling_voor(method: str, url_name: str, kanaal: str) -> str:
    if "inzage" in url_name or kanaal == VerwerkingKanaal.EXPORT:
        return H.EXPORTEREN
    if method in ("GET", "HEAD", "OPTIONS") or url_name in ZOEKROUTES:
        return H.RAADPLEGEN
    if method == "DELETE":
        return H.VERWIJDEREN
    return H.WIJZIGEN


def _is_bestand(response) -> bool:
    return "attachment" in (response.get("Content-Disposition") or "")


# --- writing ----------------------------------------------------------------------------------


def _wie(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"gebruiker": None, "gebruikersnaam": "", "organisatie": "", "rollen": ""}
    from .web import organisatie_naam

    return {
        "gebruiker": user,
        "gebruikersnaam": user.get_username()[:150],
        "organisatie": organisatie_naam(user)[:300],
        "rollen": ", ".join(sorted(roles.roles_of(user)))[:200],
    }


def schrijf(verzameling: Verzameling, *, method: str = "GET") -> int:
    """Write the collected rows in one bulk insert (plus one query for the organisation's name,
    and one to drop a participant created in a transaction that was rolled back)."""
    if not verzameling.regels:
        return 0
    regels = verzameling.regels
    nieuw = [v[2] for v in regels.values() if v[2] is not None]
    if nieuw:
        model = nieuw[0][0]
        bestaan = set(model._default_manager.filter(pk__in=[pk for _, pk in nieuw]).values_list("pk", flat=True))
        regels = {k: v for k, v in regels.items() if v[2] is None or v[2][1] in bestaan}
    wie = _wie(verzameling.user)
    kanaal = verzameling.kanaal or VerwerkingKanaal.JOB
    standaard = verzameling.handeling or handeling_voor(method, verzameling.url_name, kanaal)
    doel = verzameling.doel or doel_voor(verzameling.url_name, verzameling.user)
    object_type = verzameling.url_name.removeprefix("web-")[:30]
    op = timezone.now()
    if connection.vendor == "postgresql":
        _schrijf_sql(regels, op=op, verzameling=verzameling, wie=wie, standaard=standaard, doel=doel, kanaal=kanaal)
        return len(regels)
    Verwerking.objects.bulk_create(
        [
            Verwerking(
                op=op,
                verzoek=verzameling.verzoek,
                deelnemer_uuid=deelnemer_uuid,
                bsn_hash=bsn_hash,
                handeling=handeling or standaard,
                doel=doel,
                kanaal=kanaal,
                object_type=object_type,
                object_uuid=verzameling.object_uuid,
                route=verzameling.route[:200],
                **wie,
            )
            for deelnemer_uuid, (bsn_hash, handeling, _) in regels.items()
        ]
    )
    return len(regels)


def _schrijf_sql(regels: dict, *, op, verzameling, wie, standaard, doel, kanaal) -> None:
    """The same rows as ``bulk_create`` in one ``INSERT ... SELECT FROM unnest``: three arrays
    instead of fifteen parameters and a model instance per participant (a list page of 50 spent
    more time here than on reading its rows, issue 13)."""
    object_type = verzameling.url_name.removeprefix("web-")[:30]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(Verwerking._meta.db_table)} ({_KOLOMMEN}) "
            "SELECT gen_random_uuid(), %s, %s, %s, %s, %s, %s, r.deelnemer_uuid, r.bsn_hash, r.handeling, "
            "%s, %s, %s, %s, %s FROM unnest(%s::uuid[], %s::text[], %s::text[]) AS r(deelnemer_uuid, bsn_hash, handeling)",
            [
                op,
                verzameling.verzoek,
                wie["gebruiker"].pk if wie["gebruiker"] else None,
                wie["gebruikersnaam"],
                wie["organisatie"],
                wie["rollen"],
                doel,
                kanaal,
                object_type,
                verzameling.object_uuid,
                verzameling.route[:200],
                list(regels),
                [bsn_hash for bsn_hash, _, _ in regels.values()],
                [handeling or standaard for _, handeling, _ in regels.values()],
            ],
        )


class VerwerkingslogMiddleware:
    """Collects what a request processed and writes it when the view is done (also for a refused
    form that showed the data again; not for a crash, whose transaction is gone)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        verzameling = Verzameling()
        token = _huidig.set(verzameling)
        try:
            response = self.get_response(request)
        finally:
            _huidig.reset(token)
        if verzameling.regels and response.status_code < 500:
            match = getattr(request, "resolver_match", None)
            url_name = (match.url_name or "") if match else ""
            if _is_bestand(response):
                verzameling.kanaal = VerwerkingKanaal.EXPORT
            elif request.path.startswith("/api/"):
                verzameling.kanaal = VerwerkingKanaal.API
            else:
                verzameling.kanaal = VerwerkingKanaal.WEB
            verzameling.user = getattr(request, "user", None)
            verzameling.url_name = url_name or ("admin" if request.path.startswith("/admin/") else "")
            verzameling.route = f"{request.method} /{match.route}" if match and match.route else request.method
            verzameling.object_uuid = (match.kwargs.get("uuid") if match else None) or verzameling.object_uuid
            try:
                schrijf(verzameling, method=request.method)
            except DatabaseError:
                logger.exception("Het verwerkingslog kon niet worden geschreven")
                raise
        return response


# --- set-based logging and the log's own retention --------------------------------------------

_KOLOMMEN = (
    "uuid, op, verzoek, gebruiker_id, gebruikersnaam, organisatie, rollen, deelnemer_uuid, bsn_hash, "
    "handeling, doel, kanaal, object_type, object_uuid, route"
)


def vastleggen_sql(select_sql: str, params, *, handeling: str, doel: str, kanaal: str, route: str, user=None) -> int:
    """Log a set in one ``INSERT ... SELECT``: ``select_sql`` yields two columns, the participant's
    uuid and its BSN hash (and may repeat a participant: it is logged once). For jobs and exports
    that never load instances; also for the retention job (``handeling=anonimiseren``)."""
    wie = _wie(user)
    if connection.vendor != "postgresql":
        return _vastleggen_elders(select_sql, params, wie, handeling=handeling, doel=doel, kanaal=kanaal, route=route)
    sql = (
        f"INSERT INTO {Verwerking._meta.db_table} ({_KOLOMMEN}) "
        "SELECT gen_random_uuid(), %s, %s, %s, %s, %s, %s, x.deelnemer_uuid, COALESCE(x.bsn_hash, ''), "
        "%s, %s, %s, '', NULL, %s "
        f"FROM (SELECT deelnemer_uuid, MAX(bsn_hash) AS bsn_hash FROM ({select_sql}) AS bron(deelnemer_uuid, bsn_hash) "
        "GROUP BY deelnemer_uuid) AS x"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                timezone.now(),
                uuidlib.uuid4(),
                wie["gebruiker"].pk if wie["gebruiker"] else None,
                wie["gebruikersnaam"],
                wie["organisatie"],
                wie["rollen"],
                handeling,
                doel,
                kanaal,
                route[:200],
                *params,
            ],
        )
        return cursor.rowcount


def _vastleggen_elders(select_sql: str, params, wie: dict, *, handeling, doel, kanaal, route) -> int:
    """The same on the embedded SQLite of ``make run`` (no column aliases on a derived table, no
    UUID parameters): read the pairs, then one bulk insert."""
    with connection.cursor() as cursor:
        cursor.execute(select_sql, list(params))
        paren: dict[uuidlib.UUID, str] = {}
        for deelnemer_uuid, bsn_hash in cursor.fetchall():
            key = deelnemer_uuid if isinstance(deelnemer_uuid, uuidlib.UUID) else uuidlib.UUID(str(deelnemer_uuid))
            paren[key] = max(paren.get(key, ""), bsn_hash or "")
    op, verzoek = timezone.now(), uuidlib.uuid4()
    Verwerking.objects.bulk_create(
        Verwerking(
            op=op,
            verzoek=verzoek,
            gebruiker=wie["gebruiker"],
            gebruikersnaam=wie["gebruikersnaam"],
            organisatie=wie["organisatie"],
            rollen=wie["rollen"],
            deelnemer_uuid=deelnemer_uuid,
            bsn_hash=bsn_hash,
            handeling=handeling,
            doel=doel,
            kanaal=kanaal,
            route=route[:200],
        )
        for deelnemer_uuid, bsn_hash in paren.items()
    )
    return len(paren)


def bewaartermijn_jaren() -> int:
    return int(getattr(settings, "IPS_VERWERKINGSLOG_BEWAARJAREN", 7))


def opschoongrens(datum: date) -> datetime:
    """Entries from before this moment (midnight, Europe/Amsterdam) are past the log's period."""
    jaren = bewaartermijn_jaren()
    try:
        dag = datum.replace(year=datum.year - jaren)
    except ValueError:  # 29 February
        dag = datum.replace(year=datum.year - jaren, day=28)
    return timezone.make_aware(datetime.combine(dag, time.min))


def verwerkingen_opschonen(*, datum: date) -> dict[str, int]:
    """The log's own retention (a step of the monthly job): delete the entries older than
    ``IPS_VERWERKINGSLOG_BEWAARJAREN`` years before ``datum``, and the BSN checks of that age. The only DELETE the trigger allows,
    and only with the transaction-local setting this sets. Idempotent: a rerun deletes nothing."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT set_config('ips.verwerkingslog_opschonen', 'aan', true)")
        cursor.execute(f"DELETE FROM {Verwerking._meta.db_table} WHERE op < %s", [opschoongrens(datum)])
        verwijderd = cursor.rowcount
        if postgres:
            cursor.execute("SELECT set_config('ips.verwerkingslog_opschonen', '', true)")
    # the BSN checks (BsnRaadpleging: hash only) are kept as long as the log itself
    raadplegingen, _ = BsnRaadpleging.objects.filter(op__lt=opschoongrens(datum)).delete()
    return {"verwerkingslog.opgeschoond": verwijderd, "verwerkingslog.bsn_raadplegingen_opgeschoond": raadplegingen}
