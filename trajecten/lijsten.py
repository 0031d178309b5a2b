"""The case lists' definitions for ``backoffice.lijsten`` (columns, sort, filters, search), and the
participant search every list shares: by name only where the role may see the name
(``selectors.personal_fields_for``, as a ``Q``), by BSN through the one logged search
(``services.deelnemer_search``: throttled, in the BSN log; the participants found are noted in the
processing log as consulted)."""

from django.db.models import Case, CharField, F, Q, Value, When

from backoffice import roles, verwerkingslog
from backoffice.lijsten import BEDRAG_RICHTING, DATUM_RICHTING, TEKST_RICHTING, Kolom, Lijst, Zoeken, dag
from backoffice.models import VerwerkingHandeling
from financiering.selectors import user_aanbieder_id, user_gemeente_ids

from . import selectors


def naam_zichtbaar_q(user, case: str = "") -> Q:
    """The cases (an ``Aanvraag`` or ``Traject`` at path ``case``) whose participant's name ``user``
    may see: the queryset twin of ``selectors.personal_fields_for`` (IDENTITEIT)."""
    q = Q(pk__in=[])
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = user_aanbieder_id(user)
        q |= Q(**{f"{case}aanbieder_id": aanbieder_id}) | Q(**{f"{case}uitvoerder_id": aanbieder_id})
    if roles.has_role(user, *roles.UWV_ROLES):
        q |= Q(**{f"{case}route": "uwv"})
    if roles.has_role(user, roles.GEMEENTE):
        q |= Q(**{f"{case}route": "gemeente", f"{case}gemeente_id__in": user_gemeente_ids(user)})
    return q


def naam_sortering(case: str = ""):
    """``Kolom.sorteer`` of a participant's name: the surname where ``user`` may see it, else NULL,
    so that sorting never orders (and so reveals) names the user may not see: those rows stay one
    block at the end."""

    def sorteer(user):
        return Case(
            When(naam_zichtbaar_q(user, case), then=F(f"{case}deelnemer__achternaam")),
            default=Value(None),
            output_field=CharField(),
        )

    return sorteer


def naam_zoeker(case: str = ""):
    """``Zoeken.naam`` for a list whose rows reach a case at ``case`` (``""``, ``"traject__"``)."""

    def zoek(user, term: str) -> Q:
        woorden = term.split()
        q = Q(**{f"{case}deelnemer__achternaam__icontains": term})
        if len(woorden) > 1:  # "J. de Vries": initials and surname
            q |= Q(**{f"{case}deelnemer__achternaam__icontains": " ".join(woorden[1:])}) & Q(
                **{f"{case}deelnemer__voorletters__icontains": woorden[0].rstrip(".")}
            )
        return q & naam_zichtbaar_q(user, case)

    return zoek


def bsn_zoeken(user, bsn: str) -> Q:
    """The logged BSN search (the same service as ``/deelnemers/zoeken/`` and the API)."""
    from .services import deelnemer_search

    for deelnemer in deelnemer_search(by=user, bsn=bsn, kanaal="web"):
        verwerkingslog.noteer(deelnemer, VerwerkingHandeling.RAADPLEGEN)
    return Q()


def bsn_hash_zoeker(case: str = ""):
    """``Zoeken.bsn_hash``: the rows of the participants with this hash that ``user`` may find."""

    def zoek(user, bsn_hash: str) -> Q:
        ids = selectors.deelnemers_for(user).filter(bsn_hash=bsn_hash).values("pk")
        return Q(**{f"{case}deelnemer_id__in": ids})

    return zoek


def deelnemer_zoeken(case: str = "", **kwargs) -> Zoeken:
    """Search by name, BSN and toewijzingNummer for rows that reach a case at ``case``."""
    kwargs.setdefault("toewijzing", None)
    return Zoeken(naam=naam_zoeker(case), bsn=bsn_zoeken, bsn_hash=bsn_hash_zoeker(case), **kwargs)


def persoon_naam(obj, user, case=None) -> str:
    target = case(obj) if case else obj
    if target is None:
        return ""
    return selectors.persoon_for(user, target)["naam"] or "Afgeschermd"


def persoon_bsn(obj, user, case=None) -> str:
    target = case(obj) if case else obj
    if target is None:
        return ""
    return selectors.persoon_for(user, target)["bsn_gemaskeerd"] or ""


def _wachttijd(a, user):
    from django.utils import timezone

    from . import rules

    return rules.wachttijd_dagen(a.ingediend_op, a.afgehandeld_op, timezone.localdate())


AANVRAGEN = Lijst(
    naam="aanvragen",
    titel="Aanvragen",
    url_name="web-aanvragen",
    kolommen=(
        Kolom("deelnemer", "Deelnemer", naam_sortering(), persoon_naam, **TEKST_RICHTING),
        Kolom("bsn", "BSN", None, persoon_bsn, tonen=False),
        Kolom("aanbieder", "Aanbieder", "aanbieder__naam", lambda a, u: a.aanbieder.naam, **TEKST_RICHTING),
        Kolom("perceel", "Perceel", "perceel__naam", lambda a, u: a.perceel.naam, **TEKST_RICHTING),
        Kolom("route", "Route", "route", lambda a, u: a.get_route_display()),
        Kolom("gemeente", "Gemeente", "gemeente__naam", lambda a, u: a.gemeente.naam, **TEKST_RICHTING),
        Kolom("status", "Status", "status", lambda a, u: a.get_status_display()),
        Kolom("bedrag", "Bedrag", "bedrag", lambda a, u: a.bedrag, klasse="getal", tonen=False, **BEDRAG_RICHTING),
        Kolom("ingediend", "Ingediend", "ingediend_op", lambda a, u: dag(a.ingediend_op), **DATUM_RICHTING),
        Kolom(
            "deadline",
            "Beslissen vóór",
            "beslis_deadline",
            lambda a, u: a.beslis_deadline,
            oplopend="eerst verlopend",
            aflopend="laatst verlopend",
        ),
        Kolom("wachttijd", "Wachttijd (dagen)", None, _wachttijd, klasse="getal"),
    ),
    sortering="deadline",
    filters=("status", "route", "perceel", "gemeente"),
    zoeken=deelnemer_zoeken(toewijzing="traject__toewijzing_nummer"),
)


def _eind(t, user):
    return t.einddatum_gepland


TRAJECTEN = Lijst(
    naam="trajecten",
    titel="Trajecten",
    url_name="web-trajecten",
    kolommen=(
        Kolom("toewijzing", "Toewijzing", "toewijzing_nummer", lambda t, u: t.toewijzing_nummer, klasse="getal"),
        Kolom("deelnemer", "Deelnemer", naam_sortering(), persoon_naam, **TEKST_RICHTING),
        Kolom("bsn", "BSN", None, persoon_bsn, tonen=False),
        Kolom("perceel", "Perceel", "perceel__naam", lambda t, u: t.perceel.naam, **TEKST_RICHTING),
        Kolom("gemeente", "Gemeente", "gemeente__naam", lambda t, u: t.gemeente.naam, **TEKST_RICHTING),
        Kolom("start", "Start", "startdatum", lambda t, u: t.startdatum, **DATUM_RICHTING),
        Kolom("einde", "Einde gepland", "einddatum_gepland", _eind, oplopend="eerst", aflopend="laatst"),
        Kolom("status", "Status", "status", lambda t, u: t.get_status_display()),
    ),
    sortering="einde",
    filters=("status", "perceel", "eindigt_voor", "zoek"),
    zoeken=deelnemer_zoeken(toewijzing="toewijzing_nummer"),
    tiebreak="id",
)


SIGNALEN = Lijst(
    naam="signalen",
    titel="Signalen",
    url_name="web-signalen",
    kolommen=(
        Kolom("soort", "Soort", "soort", lambda s, u: s.get_soort_display()),
        Kolom("omschrijving", "Omschrijving", None, lambda s, u: s.omschrijving),
        Kolom("deadline", "Deadline", "deadline", lambda s, u: s.deadline, oplopend="eerst", aflopend="laatst"),
        Kolom("gesignaleerd", "Gesignaleerd", "gesignaleerd_op", lambda s, u: s.gesignaleerd_op, **DATUM_RICHTING),
        Kolom("status", "Status", "afgehandeld", lambda s, u: "Afgehandeld" if s.afgehandeld else "Open"),
    ),
    sortering="deadline",
    filters=("soort", "status"),
    standaard={"status": "open"},
    zoeken=Zoeken(tekst=("omschrijving",)),
)
