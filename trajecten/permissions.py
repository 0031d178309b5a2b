"""Who may do what with an application or a trajectory, in one place (conventions.md: permission
functions answer ``(allowed, reason)``).

Each action has a refusal function (``*_weigering``: the ``BusinessRuleError`` the service raises,
with its own code and status, or None) and a permission function ``can_<act>(user, obj) ->
(allowed, Dutch reason)`` built from it. The services call the refusal functions (and raise); the
views and templates call ``can_*`` to show or hide an action. The checks that depend on what the
user types (a reason, dates, months) stay in the services; what is judged here depends only on the
user and the object.

No writes; a few cheap queries at most (the user's organisation, an open extension request)."""

from datetime import date

from django.utils import timezone

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.rules import (
    Weigering,
    antwoord,
    rol_weigering,
    toestand_weigering,
)
from backoffice.rules import vier_ogen_weigering as _vier_ogen
from financiering.models import Mandaat
from financiering.selectors import geldig_mandaat, user_aanbieder_id, user_gemeente_ids

from . import rules


def niet_gevonden(noun: str) -> BusinessRuleError:
    """Another organisation's object: 404, the same answer as for one that does not exist."""
    return BusinessRuleError(
        code="niet-gevonden", message=f"{noun} bestaat niet of is niet van uw organisatie.", status=404
    )


def vier_ogen_weigering(by, other_id: int | None) -> Weigering:
    return _vier_ogen(by.pk, other_id)


# --- the provider's own organisation --------------------------------------------------------------


def aanbieder_weigering(user) -> Weigering:
    """Provider actions: the role, and an account that belongs to a provider."""
    weigering = rol_weigering(user, roles.AANBIEDER)
    if weigering is None and user_aanbieder_id(user) is None:
        weigering = BusinessRuleError(
            code="geen-organisatie", message="Uw account hoort niet bij een aanbieder.", status=403
        )
    return weigering


def eigen_weigering(user, obj, noun: str) -> Weigering:
    """Provider actions on an application or trajectory: ``obj`` is held by the user's provider."""
    return aanbieder_weigering(user) or (niet_gevonden(noun) if obj.aanbieder_id != user_aanbieder_id(user) else None)


# --- applications ---------------------------------------------------------------------------------


def beslisser(user, aanvraag) -> tuple[str | None, Weigering]:
    """Which decision step the user's role gives on ``aanvraag`` ("gemeente": the beschikking on
    the gemeente route, which is the grant unless the scheme asks UWV's consent afterwards; "uwv":
    UWV's decision on the UWV route, or its consent after such a beschikking), or the refusal: a
    gemeente user decides only the gemeente route of its own gemeenten, or of the member gemeenten
    of its samenwerkingsverband (404 otherwise), UWV waits for the gemeente's beschikking
    (``wacht-op-gemeente``), anyone else lacks the role (``geen-rol``). Which transition the step
    takes: ``rules.beslis_actie``; whether UWV still has a step: the state table."""
    if roles.has_role(user, roles.GEMEENTE):
        if aanvraag.route != "gemeente" or aanvraag.gemeente_id not in user_gemeente_ids(user):
            return None, niet_gevonden("Deze aanvraag")
        return "gemeente", None
    if roles.has_role(user, roles.UWV_BEOORDELAAR):
        if aanvraag.route == "gemeente" and aanvraag.status == "ingediend":
            return None, BusinessRuleError(
                code="wacht-op-gemeente",
                message="Deze aanvraag loopt via de gemeente: UWV beslist pas na de beschikking van de gemeente.",
            )
        return "uwv", None
    return None, rol_weigering(user, roles.GEMEENTE, roles.UWV_BEOORDELAAR)


def beschikking_mandaat(user, aanvraag, dag: date | None = None) -> tuple[Mandaat | None, Weigering]:
    """The mandate a gemeente user's beschikking on ``aanvraag`` rests on (domain.md 6), or the
    refusal ``geen-mandaat`` (403) when none is valid today for this user and the application's
    gemeente (docs/decisions.md "Beschikking onder mandaat")."""
    dag = dag or timezone.localdate()
    mandaat = geldig_mandaat(user, aanvraag.gemeente_id, dag)
    if mandaat is None:
        return None, BusinessRuleError(
            code="geen-mandaat",
            message=f"U heeft op {dag:%d-%m-%Y} geen geldig mandaat om namens het college van "
            f"{aanvraag.gemeente.naam} te beschikken. Vraag de beheerder uw mandaat vast te leggen.",
            status=403,
        )
    return mandaat, None


def aanvraag_beslissen_weigering(user, aanvraag) -> Weigering:
    """Everything but the decision's own input (akkoord/afgewezen, the reason): step, four eyes,
    state, and for the gemeente's beschikking the mandate."""
    stap, weigering = beslisser(user, aanvraag)
    if weigering:
        return weigering
    actie = rules.beslis_actie(stap, "akkoord", uwv_akkoord_na_beschikking=aanvraag.regeling.uwv_akkoord_na_beschikking)
    return (
        vier_ogen_weigering(user, aanvraag.ingediend_door_id)
        or toestand_weigering(rules.AANVRAAG, actie, aanvraag.status)
        or (beschikking_mandaat(user, aanvraag)[1] if stap == "gemeente" else None)
    )


def can_aanvraag_beslissen(user, aanvraag) -> tuple[bool, str]:
    """The gemeente's beschikking or UWV's decision on ``aanvraag`` (``services.aanvraag_decide``)."""
    return antwoord(aanvraag_beslissen_weigering(user, aanvraag))


def beslisstap(user, aanvraag) -> str | None:
    """The step the decision form on the application's page takes, or None when the user may not decide."""
    return beslisser(user, aanvraag)[0] if can_aanvraag_beslissen(user, aanvraag)[0] else None


def aanvraag_intrekken_weigering(user, aanvraag) -> Weigering:
    return eigen_weigering(user, aanvraag, "Deze aanvraag") or toestand_weigering(
        rules.AANVRAAG, "intrekken", aanvraag.status
    )


def can_aanvraag_intrekken(user, aanvraag) -> tuple[bool, str]:
    """The provider withdraws its own application while it waits (``services.aanvraag_withdraw``)."""
    return antwoord(aanvraag_intrekken_weigering(user, aanvraag))


# --- trajectories (the provider's actions) --------------------------------------------------------


def traject_eigen_weigering(user, traject) -> Weigering:
    return eigen_weigering(user, traject, "Dit traject")


def plaatsing_weigering(user, traject) -> Weigering:
    """A placement may be recorded on the provider's own trajectory until the end report closes it."""
    weigering = traject_eigen_weigering(user, traject)
    if weigering is None and traject.status == "afgesloten":
        weigering = BusinessRuleError(
            code="ongeldige-status", message="Een afgesloten traject krijgt geen plaatsingen meer."
        )
    return weigering


def can_plaatsing_vastleggen(user, traject) -> tuple[bool, str]:
    """Record or change a placement (``services.plaatsing_create``, ``plaatsing_update``)."""
    return antwoord(plaatsing_weigering(user, traject))


def open_verlenging(traject):
    """The extension request that waits for a decision (at most one, ``een_open_verlenging``), or None."""
    return next((v for v in traject.verlengingen.all() if v.status == "aangevraagd"), None)


def verlenging_aanvragen_weigering(user, traject) -> Weigering:
    """Own trajectory, active, before its planned end, on a lot that still allows a month of
    extension (none on the Inkoopkader CMD lot), no request waiting: the same rule as the request
    (``rules.extension_problem``), asked for the smallest request, so the page offers no request
    that will be refused. How many months is judged on the request itself."""
    weigering = traject_eigen_weigering(user, traject)
    if weigering is None:
        problem = rules.extension_problem(
            status=traject.status,
            today=timezone.localdate(),
            einddatum_gepland=traject.einddatum_gepland,
            verlengd=traject.verlengd_maanden,
            gevraagd=1,
            maximum=traject.perceel.max_verlenging_maanden,
        )
        if problem:
            code, message = problem
            maximum = traject.perceel.max_verlenging_maanden
            if code == "looptijd-overschreden" and 0 < maximum <= traject.verlengd_maanden:
                message = "De verlenging van dit traject is op: het perceel staat geen verdere verlenging toe."
            weigering = BusinessRuleError(code=code, message=message)
    if weigering is None and open_verlenging(traject) is not None:
        weigering = BusinessRuleError(
            code="verlenging-loopt", message="Er loopt al een verzoek tot verlenging voor dit traject."
        )
    return weigering


def can_verlenging_aanvragen(user, traject) -> tuple[bool, str]:
    """Ask the funder for an extension (``services.verlenging_request``)."""
    return antwoord(verlenging_aanvragen_weigering(user, traject))


def traject_stoppen_weigering(user, traject) -> Weigering:
    return traject_eigen_weigering(user, traject) or toestand_weigering(rules.TRAJECT, "stoppen", traject.status)


def can_traject_stoppen(user, traject) -> tuple[bool, str]:
    """Send a stop notice (``services.traject_stop``)."""
    return antwoord(traject_stoppen_weigering(user, traject))


def eindverslag_weigering(user, traject) -> Weigering:
    return traject_eigen_weigering(user, traject) or toestand_weigering(rules.TRAJECT, "afsluiten", traject.status)


def can_eindverslag_sturen(user, traject) -> tuple[bool, str]:
    """Send the end report after the end (``services.traject_close``; the money module settles)."""
    return antwoord(eindverslag_weigering(user, traject))


# --- extension requests (the funder) --------------------------------------------------------------


def verlenging_beslisser_weigering(user, traject) -> Weigering:
    """The funder of the route decides: UWV beoordelaar on the UWV route, the gemeente (its own
    gemeenten only, 404 otherwise) on the gemeente route."""
    if traject.route == "uwv":
        return rol_weigering(user, roles.UWV_BEOORDELAAR)
    weigering = rol_weigering(user, roles.GEMEENTE)
    if weigering is None and traject.gemeente_id not in user_gemeente_ids(user):
        weigering = niet_gevonden("Deze verlenging")
    return weigering


def verlenging_beslissen_weigering(user, verlenging, traject=None) -> Weigering:
    traject = traject or verlenging.traject
    return (
        verlenging_beslisser_weigering(user, traject)
        or vier_ogen_weigering(user, verlenging.aangevraagd_door_id)
        or toestand_weigering(rules.VERLENGING, "goedkeuren", verlenging.status)
    )


def can_verlenging_beslissen(user, verlenging, traject=None) -> tuple[bool, str]:
    """Approve or refuse an extension request (``services.verlenging_decide``)."""
    return antwoord(verlenging_beslissen_weigering(user, verlenging, traject))
