"""Who may do what with the money: one ``can_<act>(user, obj) -> (allowed, reason)`` per action
(conventions.md "Access"). The services call them and raise the refusal
(``require(can_accorderen(by, opdracht))``); the views and templates call them to show or hide an
action. Each checks, in this order, the role, the organisation, the state (the tables in
``rules.py``) and four eyes; the first that fails is the reason.

The answer is a plain pair, ``allowed, reason = can_...(user, obj)``; it also carries the code and
HTTP status the service raises (``.code``, ``.status``), the same codes as before this module."""

from backoffice import roles
from backoffice.errors import BusinessRuleError, RoleError
from backoffice.models import Instellingen
from financiering import selectors as fin_selectors
from trajecten.rules import TRAJECT

from .rules import BETAALOPDRACHT, BEZWAAR, VORDERING


class Oordeel(tuple):
    """``(allowed, reason)``; a refusal knows its code and status (for ``require``)."""

    code: str
    status: int

    def __new__(cls, allowed: bool, reason: str = "", *, code: str = "", status: int = 409):
        self = super().__new__(cls, (allowed, reason))
        self.code, self.status = code, status
        return self

    @property
    def allowed(self) -> bool:
        return self[0]

    @property
    def reason(self) -> str:
        return self[1]


JA = Oordeel(True)


def _nee(code: str, reason: str, status: int = 409) -> Oordeel:
    return Oordeel(False, reason, code=code, status=status)


def require(oordeel: Oordeel) -> None:
    """Raise the refusal of a ``can_...`` answer; nothing when allowed."""
    if oordeel.allowed:
        return
    if oordeel.code == "geen-rol":
        raise RoleError(oordeel.reason)
    raise BusinessRuleError(code=oordeel.code, message=oordeel.reason, status=oordeel.status)


def _rol(user, *rollen: str) -> Oordeel | None:
    allowed, reason = roles.check_role(user, *rollen)
    return None if allowed else _nee("geen-rol", reason, 403)


def _toestand(machine, actie: str, huidig: str, reden: str | None = None) -> Oordeel | None:
    """The refusal ``ongeldige-status`` when the table has no ``actie`` from ``huidig``."""
    if machine.kan(actie, huidig):
        return None
    return _nee("ongeldige-status", reden or machine.weigering(actie, huidig).message)


def _vier_ogen(user, ander_id: int | None, reden: str) -> Oordeel | None:
    """Four eyes: ``user`` is not the one who did the step before (declared, first approval)."""
    return _nee("vier-ogen", reden, 403) if ander_id is not None and user.pk == ander_id else None


def _eerste(*checks) -> Oordeel:
    """The first refusal of lazily evaluated checks (each a callable), or yes."""
    for check in checks:
        refusal = check()
        if refusal is not None:
            return refusal
    return JA


# --- declaration lines --------------------------------------------------------------------------


def can_beoordelen(user, declaratie) -> Oordeel:
    """UWV beoordelaar judges the waiting lines of a declaration; who declared does not judge.
    (Which lines wait is the table ``PRESTATIE``, checked per line by the service.)"""
    return _eerste(
        lambda: _rol(user, roles.UWV_BEOORDELAAR),
        lambda: _vier_ogen(user, declaratie.ingediend_door_id, "Wie declareerde, beoordeelt niet (vier ogen)."),
    )


# --- payment orders -----------------------------------------------------------------------------


def akkoord_actie(opdracht) -> str:
    """``accorderen`` when this approval is the last one needed, else ``eerste_akkoord``."""
    laatste = opdracht.akkoorden_nodig == 1 or opdracht.eerste_akkoord_door_id is not None
    return "accorderen" if laatste else "eerste_akkoord"


def can_accorderen(user, opdracht) -> Oordeel:
    """UWV financieel approves an order; above the four-eyes threshold a second, different
    employee gives the second approval."""

    def vier_ogen():
        if opdracht.eerste_akkoord_door_id != user.pk:
            return None
        drempel = Instellingen.get().vier_ogen_drempel
        return _vier_ogen(
            user,
            opdracht.eerste_akkoord_door_id,
            f"Boven EUR {drempel:.2f} moet een tweede medewerker akkoord geven.",
        )

    return _eerste(
        lambda: _rol(user, roles.UWV_FINANCIEEL),
        lambda: _toestand(
            BETAALOPDRACHT, akkoord_actie(opdracht), opdracht.status, "Deze betaalopdracht is al geaccordeerd."
        ),
        vier_ogen,
    )


def can_bevestigen(user, opdracht) -> Oordeel:
    """UWV financieel confirms that the bank paid an approved order (once: 409 ``al-bevestigd``)."""
    return _eerste(
        lambda: _rol(user, roles.UWV_FINANCIEEL),
        lambda: (
            _nee("al-bevestigd", "Deze betaalopdracht is al als betaald bevestigd.")
            if opdracht.status == "betaald"
            else None
        ),
        lambda: _toestand(
            BETAALOPDRACHT, "bevestigen", opdracht.status, "Een betaalopdracht wordt eerst geaccordeerd."
        ),
    )


def can_sepa_downloaden(user, opdracht) -> Oordeel:
    """UWV financieel downloads the bank file of an approved (or paid) order (the web page and the
    API; the admin lets a superuser too)."""
    from .sepa import nog_niet

    def klaar():
        fout = nog_niet(opdracht)
        return None if fout is None else _nee(fout.code, fout.message, fout.status)

    return _eerste(lambda: _rol(user, roles.UWV_FINANCIEEL), klaar)


# --- claims -------------------------------------------------------------------------------------


def can_verzenden(user, vordering) -> Oordeel:
    """UWV financieel sends a draft claim to the gemeente."""
    return _eerste(
        lambda: _rol(user, roles.UWV_FINANCIEEL),
        lambda: _toestand(VORDERING, "verzenden", vordering.status, "Deze vordering is al verzonden."),
    )


def can_ontvangst_registreren(user, vordering) -> Oordeel:
    """UWV financieel registers money received on a sent claim (the amount and date are checked by
    the service: not more than is outstanding)."""
    return _eerste(
        lambda: _rol(user, roles.UWV_FINANCIEEL),
        lambda: (
            _nee("ongeldige-status", "Een vordering wordt eerst verzonden.") if vordering.status == "concept" else None
        ),
    )


def can_bezwaar_indienen(user, vordering, regel=None) -> Oordeel:
    """A gemeente disputes a line of its own sent, not wholly paid claim; once per line."""
    return _eerste(
        lambda: _rol(user, roles.GEMEENTE),
        lambda: (
            None
            if vordering.gemeente_id in fin_selectors.user_gemeente_ids(user)
            else _nee("niet-gevonden", "Deze vordering bestaat niet of is niet van u.", 404)
        ),
        lambda: _toestand(
            VORDERING,
            "betwisten",
            vordering.status,
            f"Een vordering met status '{vordering.status}' kan niet worden betwist.",
        ),
        lambda: (
            None
            if regel is None
            else _toestand(BEZWAAR, "indienen", regel.bezwaar, "Tegen deze regel loopt of liep al een bezwaar.")
        ),
    )


def can_bezwaar_beoordelen(user, regel) -> Oordeel:
    """UWV financieel decides a dispute that waits."""
    return _eerste(
        lambda: _rol(user, roles.UWV_FINANCIEEL),
        lambda: _toestand(BEZWAAR, "toewijzen", regel.bezwaar, "Op deze regel wacht geen bezwaar op een besluit."),
    )


# --- final settlement ---------------------------------------------------------------------------


def can_eindverslag_indienen(user, traject) -> Oordeel:
    """The provider of the trajectory submits the end report, after the trajectory ended."""

    def organisatie():
        aanbieder_id = fin_selectors.user_aanbieder_id(user)
        if aanbieder_id is None:
            return _nee("geen-organisatie", "Uw account hoort niet bij een aanbieder.", 403)
        if traject.aanbieder_id != aanbieder_id:
            return _nee("niet-gevonden", "Dit traject bestaat niet of is niet van uw organisatie.", 404)
        return None

    return _eerste(
        lambda: _rol(user, roles.AANBIEDER),
        organisatie,
        lambda: _toestand(TRAJECT, "afsluiten", traject.status),
    )
