"""Pure rules for applications and trajectories: eligibility, routes and allowed transitions.
No database: the services gather the facts, these functions judge them."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from backoffice.errors import BusinessRuleError
from backoffice.states import Toestandsmachine
from financiering import rules as fin

# Old Wajong (the law before 2010), the new Wajong (Wajong 2010, 2015 and 2021) and WAO
# dienstverlening are separate values (domain.md 5, seed 004 Table B1), all on the UWV route.
UWV_UITKERINGEN = frozenset(
    {"wga_35_80", "wga_80_100", "iva", "wao", "wajong_oud", "wajong_nieuw", "wao_dienstverlening", "ziektewet", "ww"}
)
GEMEENTE_UITKERINGEN = frozenset({"participatiewet", "ioaw", "ioaz", "nug"})
# Codes an older client may still send, and the value they are stored as (docs/api-aanvullingen.md).
UITKERING_VEROUDERD = {"wajong": "wajong_oud"}


def route_for(uitkering: str) -> str:
    """The route a benefit type implies (domain.md section 5)."""
    if uitkering in UWV_UITKERINGEN:
        return "uwv"
    if uitkering in GEMEENTE_UITKERINGEN:
        return "gemeente"
    raise ValueError(uitkering)


# --- regular paid work (domain.md 7): the one rule behind the `plaatsing` product (IPS01), the
# placement's ``regulierBetaaldWerk`` and the work monitor --------------------------------------


def regulier_betaald_werk(*, minimumloon_of_meer: bool, proefplaatsing: bool, open_voor_iedereen: bool) -> bool:
    """A job counts as regular paid work when it is paid (not a trial placement), at least minimum
    wage, and open to anyone: not a job set aside for people with health problems (temp-agency work
    counts) (seed 002 item 21). The queryset twin is :func:`regulier_betaald_werk_q`."""
    return bool(minimumloon_of_meer and not proefplaatsing and open_voor_iedereen)


def regulier_betaald_werk_q(prefix: str = "") -> Q:
    """The queryset twin of :func:`regulier_betaald_werk`; ``prefix`` is the path to the placement
    (``"plaatsingen__"`` from a trajectory)."""
    return Q(
        **{f"{prefix}minimumloon_of_meer": True, f"{prefix}proefplaatsing": False, f"{prefix}open_voor_iedereen": True}
    )


def betaald_werk_incl_beschut_q(prefix: str = "") -> Q:
    """The wider measure of the monitor (seed 000 L122): regular paid work, and also beschut werk at
    a regular employer (a placement that is not a trial placement, with wage support
    ``beschut_werk``), whether or not it is open to anyone."""
    beschut = Q(**{f"{prefix}proefplaatsing": False, f"{prefix}loonondersteuning__icontains": "beschut_werk"})
    return regulier_betaald_werk_q(prefix) | beschut


def open_voor_iedereen_standaard(loonondersteuning) -> bool:
    """What ``openVoorIedereen`` is when a new placement does not say (an older client): true, except
    for beschut werk, which by law is work set aside for people who need a sheltered place
    (Participatiewet art. 10b). The migration of existing placements uses the same rule."""
    return "beschut_werk" not in (loonondersteuning or ())


def beschut_werk_open_probleem(*, open_voor_iedereen: bool | None, loonondersteuning) -> str | None:
    """Beschut werk is by law set aside (Participatiewet art. 10b): never "open to anyone"."""
    if open_voor_iedereen and "beschut_werk" in (loonondersteuning or ()):
        return "Beschut werk is werk speciaal voor wie een beschutte plek nodig heeft: niet open voor iedereen."
    return None


# One table of allowed transitions per model (backoffice.states): action -> {from state: to state}.
AANVRAAG = Toestandsmachine(
    "aanvraag",
    {
        "indienen": {"concept": "ingediend"},
        "gemeente_akkoord": {"ingediend": "gemeente_akkoord"},
        "gemeente_toekennen": {"ingediend": "goedgekeurd"},
        "gemeente_afwijzen": {"ingediend": "afgewezen"},
        "uwv_akkoord": {"ingediend": "goedgekeurd", "gemeente_akkoord": "goedgekeurd"},
        "uwv_afwijzen": {"ingediend": "afgewezen", "gemeente_akkoord": "afgewezen"},
        "intrekken": {"ingediend": "ingetrokken"},
        "herroepen": {"goedgekeurd": "ingediend", "afgewezen": "ingediend"},
    },
    {
        "indienen": "indienen",
        "gemeente_akkoord": "een beschikking geven",
        "gemeente_toekennen": "toekennen",
        "gemeente_afwijzen": "afwijzen",
        "uwv_akkoord": "goedkeuren",
        "uwv_afwijzen": "afwijzen",
        "intrekken": "intrekken",
        "herroepen": "herroepen",
    },
)
TRAJECT = Toestandsmachine(
    "traject",
    {
        "stoppen": {"actief": "beeindigd"},
        "looptijd_verstrijken": {"actief": "looptijd_verstreken"},
        "afsluiten": {"beeindigd": "afgesloten", "looptijd_verstreken": "afgesloten"},
        "verlengen": {"actief": "actief", "looptijd_verstreken": "actief"},
        "herroepen": {"actief": "herroepen", "beeindigd": "herroepen", "looptijd_verstreken": "herroepen"},
        "heropenen": {"afgesloten": ("beeindigd", "looptijd_verstreken")},
        "verlenging_herroepen": {
            "actief": "actief",
            "beeindigd": "beeindigd",
            "looptijd_verstreken": "looptijd_verstreken",
        },
        "herstarten": {"herroepen": "actief"},
    },
    {
        "stoppen": "stoppen",
        "looptijd_verstrijken": "laten verlopen",
        "afsluiten": "afsluiten met een eindverslag",
        "verlengen": "verlengen",
        "herroepen": "herroepen",
        "heropenen": "heropenen",
        "verlenging_herroepen": "een verlenging van herroepen",
        "herstarten": "opnieuw starten",
    },
)
VERLENGING = Toestandsmachine(
    "verlenging",
    {
        "goedkeuren": {"aangevraagd": "goedgekeurd"},
        "afwijzen": {"aangevraagd": "afgewezen"},
        "herroepen": {"goedgekeurd": "aangevraagd", "afgewezen": "aangevraagd"},
    },
    {"goedkeuren": "goedkeuren", "afwijzen": "afwijzen", "herroepen": "herroepen"},
)
AANVRAAG_TRANSITIES = AANVRAAG.transities


def beslis_actie(stap: str, besluit: str, *, uwv_akkoord_na_beschikking: bool) -> str:
    """The transition a decision takes (domain.md 6): on the gemeente route the beschikking is the
    grant (``gemeente_toekennen``), unless the scheme asks UWV's consent afterwards
    (``gemeente_akkoord``, then ``uwv_akkoord``); a refusal is ``<stap>_afwijzen``."""
    if besluit != "akkoord":
        return f"{stap}_afwijzen"
    if stap == "gemeente" and not uwv_akkoord_na_beschikking:
        return "gemeente_toekennen"
    return f"{stap}_akkoord"


# --- one rule in one place (docs/decisions.md "Eén regel op één plek") ----------------------------

# The states in which an application waits for a decision (= ``Aanvraag.OPEN``).
WACHT_OP_BESLUIT = frozenset({"ingediend", "gemeente_akkoord"})


def beslis_deadline(stap: str, today: date, instellingen) -> date:
    """The last day to decide, from ``today``: the gemeente's term for its beschikking
    (``stap="gemeente"``), UWV's for its decision (``Instellingen.beslistermijn_*_dagen``)."""
    dagen = instellingen.beslistermijn_gemeente_dagen if stap == "gemeente" else instellingen.beslistermijn_uwv_dagen
    return today + timedelta(days=dagen)


def vrijval_bij_herroepen(maximaal_bedrag: Decimal, betaald: Decimal) -> Decimal:
    """What revoking a granted trajectory releases from the gemeente's budget: what is still
    committed for it, the maximum minus what was already paid (that is to be recovered), never
    below zero (``services.herroepen.traject_herroepen``, and the objection's confirmation page)."""
    return max(maximaal_bedrag - betaald, Decimal("0.00"))


BEZWAARTERMIJN = timedelta(weeks=6)  # Awb art. 6:7


def bezwaartermijn_einde(datum_besluit: date) -> date:
    """The last day to object to a decision (Awb 6:7, 6:8): the desk makes a decision known on the
    day it is taken, so six weeks after that day. The objection clause of every decision document
    states it; ``bezwaren.rules.termijn_einde`` enforces it."""
    return datum_besluit + BEZWAARTERMIJN


def termijn_verlopen(status: str, beslis_deadline: date | None, today: date) -> bool:
    """The decision term has passed (domain.md 5: the gemeente decides within 8 weeks, UWV within
    2): the application still waits for a decision and today is after its deadline. The deadline
    day itself is still on time ("beslissen uiterlijk"). A decided or withdrawn application is never
    overdue. The queryset twin is ``selectors.termijn_verlopen_q`` (the list filter and the nightly
    signal); both agree on every day."""
    return status in WACHT_OP_BESLUIT and beslis_deadline is not None and beslis_deadline < today


def einddatum_verstreken(status: str, einddatum_gepland: date | None, today: date) -> bool:
    """An active trajectory past its planned end (the nightly job ``looptijd_verstrijken`` moves
    it on): the provider's list and page mark it, the werkbak too. The queryset twin is
    ``selectors.einddatum_verstreken_q`` (the nightly job)."""
    return status == "actief" and einddatum_gepland is not None and einddatum_gepland < today


def wachttijd_dagen(
    ingediend_op: datetime | None, afgehandeld_op: datetime | None, today: date | None = None
) -> int | None:
    """Waiting time in calendar days (Europe/Amsterdam) from submission to the final decision, or
    until ``today`` (default: the loket's today) while it waits; None before submission. What made
    clients drop out (domain.md 5): the API's ``wachttijdDagen``, the pages and the lead times."""
    if ingediend_op is None:
        return None
    end = timezone.localtime(afgehandeld_op).date() if afgehandeld_op else (today or timezone.localdate())
    return (end - timezone.localtime(ingediend_op).date()).days


REINTEGRATIE = "reintegratie"
INKOOPKADER_ZONDER_REINTEGRATIE = (
    "Het Inkoopkader IPS is voorbehouden aan ggz-instellingen (beide percelen) en RIBW's (alleen EPA): een "
    "re-integratiebedrijf kan hier niet aanvragen of uitvoeren, wel in andere regelingen."
)


@dataclass(frozen=True)
class Overtreding:
    code: str
    reden: str


@dataclass
class AanvraagFeiten:
    """Everything the submission checks need, gathered by the service (domain.md section 6)."""

    today: date
    # the lot and its scheme
    perceel_doelgroep: str
    toegestane_typen: list[str]
    regeling_routes: list[str]
    raamovereenkomst_vereist: bool
    aanvraag_vanaf: date | None
    aanvraag_tot: date | None
    # the provider
    aanbieder_type: str
    heeft_raamovereenkomst: bool
    modeltrouw_probleem: str | None
    modeltrouw_blokkeert: bool
    # the participant
    uitkering: str
    doelgroep: str
    geboortedatum: date
    minimum_leeftijd: int
    aow_leeftijd: int
    heeft_actief_traject: bool
    heeft_open_aanvraag: bool
    # declared conditions
    in_behandeling_sggz: bool
    wens_betaald_werk: bool
    geen_of_klein_dienstverband: bool
    behandelduur_maanden: int | None
    cmd_max_behandelduur: int
    # room
    trajectprijs: Decimal | None
    quotum: int | None = None
    quotum_bezet: int = 0
    max_per_gemeente: int | None = None
    gemeente_bezet: int = 0
    budget_vereist: bool = False
    budget_vrij: Decimal | None = None
    budget_in_behandeling: Decimal = Decimal("0")
    # fidelity in a new programme's run-up (financiering.rules.modeltrouw_oordeel): warns, never blocks
    modeltrouw_aanloop: bool = False
    # an implementation plan approved by Phrenos (a re-integration company applies only with one)
    heeft_implementatieplan: bool = False
    uitvoerder_type: str | None = None
    waarschuwingen: list[str] = field(default_factory=list)


def check_aanvraag(f: AanvraagFeiten) -> list[Overtreding]:
    """All broken rules of an application, most fundamental first; empty when it may be filed.
    Fidelity problems that only warn are added to ``f.waarschuwingen``."""
    out: list[Overtreding] = []
    route = route_for(f.uitkering)

    if route not in f.regeling_routes:
        out.append(
            Overtreding(
                "route-niet-in-regeling",
                f"De uitkering van de deelnemer hoort bij de {route}-route, en die route kent deze regeling niet.",
            )
        )
    if f.doelgroep != f.perceel_doelgroep:
        out.append(
            Overtreding(
                "doelgroep-past-niet",
                f"De doelgroep van de deelnemer ({f.doelgroep.upper()}) past niet bij dit perceel "
                f"({f.perceel_doelgroep.upper()}).",
            )
        )
    if f.aanbieder_type not in f.toegestane_typen:
        out.append(
            Overtreding(
                "aanbiedertype-niet-toegestaan",
                f"Een aanbieder van het type '{f.aanbieder_type}' mag voor dit perceel niet aanvragen "
                f"(toegestaan: {', '.join(f.toegestane_typen) or 'geen'}).",
            )
        )
    elif f.aanbieder_type == REINTEGRATIE and f.raamovereenkomst_vereist:
        out.append(Overtreding("aanbiedertype-niet-toegestaan", INKOOPKADER_ZONDER_REINTEGRATIE))
    elif f.aanbieder_type == REINTEGRATIE and not f.heeft_implementatieplan:
        out.append(
            Overtreding(
                "implementatieplan-ontbreekt",
                "Een re-integratiebedrijf vraagt als hoofdaannemer aan met een implementatieplan dat Kenniscentrum "
                "Phrenos heeft getoetst; voor uw organisatie is geen goedgekeurd implementatieplan geregistreerd.",
            )
        )
    if f.uitvoerder_type == REINTEGRATIE and f.raamovereenkomst_vereist:
        out.append(
            Overtreding(
                "aanbiedertype-niet-toegestaan",
                "De uitvoerende organisatie is een re-integratiebedrijf. " + INKOOPKADER_ZONDER_REINTEGRATIE,
            )
        )
    if f.raamovereenkomst_vereist and not f.heeft_raamovereenkomst:
        out.append(
            Overtreding(
                "geen-raamovereenkomst",
                "U heeft voor dit perceel geen actieve raamovereenkomst met UWV (Inkoopkader IPS).",
            )
        )
    if f.modeltrouw_probleem:
        if f.modeltrouw_blokkeert and not f.modeltrouw_aanloop:
            out.append(
                Overtreding(
                    "modeltrouw-onvoldoende",
                    f"{f.modeltrouw_probleem} Nieuwe aanvragen zijn geblokkeerd tot er een geldige meting is.",
                )
            )
        else:
            f.waarschuwingen.append(f.modeltrouw_probleem)
    if not fin.in_window(f.today, f.aanvraag_vanaf, f.aanvraag_tot):
        period = (f"van {f.aanvraag_vanaf:%d-%m-%Y}" if f.aanvraag_vanaf else "zonder begindatum") + (
            f" tot en met {f.aanvraag_tot:%d-%m-%Y}" if f.aanvraag_tot else ""
        )
        out.append(Overtreding("buiten-aanvraagperiode", f"Aanvragen voor deze regeling kunnen alleen {period}."))
    age = fin.age_on(f.geboortedatum, f.today)
    if not f.minimum_leeftijd <= age < f.aow_leeftijd:
        out.append(
            Overtreding(
                "leeftijd-buiten-grenzen",
                f"De deelnemer is {age} jaar; IPS is er vanaf {f.minimum_leeftijd} jaar tot de AOW-leeftijd "
                f"({f.aow_leeftijd}).",
            )
        )
    missing = [
        text
        for ok, text in (
            (f.in_behandeling_sggz, "in behandeling bij de specialistische ggz"),
            (f.wens_betaald_werk, "wil hulp naar betaald werk"),
            (f.geen_of_klein_dienstverband, "heeft geen of een kleine baan"),
        )
        if not ok
    ]
    if missing:
        out.append(
            Overtreding("voorwaarden-niet-voldaan", "Niet voldaan aan de voorwaarde(n): " + "; ".join(missing) + ".")
        )
    if f.perceel_doelgroep == "cmd":
        if f.behandelduur_maanden is None:
            out.append(Overtreding("behandelduur-onbekend", "Voor CMD is de behandelduur (in maanden) verplicht."))
        elif f.behandelduur_maanden > f.cmd_max_behandelduur:
            out.append(
                Overtreding(
                    "behandelduur-te-lang",
                    f"Voor CMD mag de deelnemer direct voor de aanvraag ten hoogste {f.cmd_max_behandelduur} "
                    f"maanden in behandeling zijn (opgegeven: {f.behandelduur_maanden}).",
                )
            )
    # Only the provider's own trajectories and applications: what runs for the same person at
    # another provider is never told to this one; it goes to the funder (samenloop_meldingen).
    if f.heeft_actief_traject:
        out.append(Overtreding("dubbel-traject", "De deelnemer heeft al een actief IPS-traject bij uw organisatie."))
    if f.heeft_open_aanvraag:
        out.append(Overtreding("dubbel-traject", "Voor de deelnemer loopt al een aanvraag van uw organisatie."))
    if f.trajectprijs is None:
        out.append(Overtreding("geen-trajectprijs", "Voor dit perceel is op deze datum geen trajectprijs vastgesteld."))
    out += ruimte_overtredingen(
        quotum=f.quotum,
        quotum_bezet=f.quotum_bezet,
        max_per_gemeente=f.max_per_gemeente,
        gemeente_bezet=f.gemeente_bezet,
    )
    if f.budget_vereist and f.trajectprijs is not None:
        if f.budget_vrij is None:
            out.append(
                Overtreding(
                    "budget-ontoereikend",
                    "De gemeente heeft voor deze regeling en dit jaar geen budget toegekend gekregen.",
                )
            )
        elif f.budget_vrij - f.budget_in_behandeling < f.trajectprijs:
            # No amounts: the free budget after pending applications would tell a provider how much
            # other providers have asked for (issue 9). The gemeente sees the amounts on its own pages.
            out.append(
                Overtreding(
                    "budget-ontoereikend",
                    "Het vrije budget van de gemeente voor deze regeling is niet toereikend voor dit traject "
                    "(aanvragen in behandeling meegerekend).",
                )
            )
    return out


def ruimte_overtredingen(
    *, quotum: int | None, quotum_bezet: int, max_per_gemeente: int | None, gemeente_bezet: int
) -> list[Overtreding]:
    """The scheme's room (domain.md 4 and 6): the national quota of the route and the per-gemeente
    cap, given the places already taken. At submission every open and approved application takes a
    place (``Aanvraag.BEZET``); at the gemeente's beschikking only the granted ones and those
    committed before UWV's consent (``Aanvraag.TOEGEKEND``), the application itself not counted."""
    out = []
    if quotum is not None and quotum_bezet >= quotum:
        out.append(
            Overtreding("quotum-bereikt", f"Het landelijke quotum voor deze route is bereikt ({quotum} trajecten).")
        )
    if max_per_gemeente is not None and gemeente_bezet >= max_per_gemeente:
        out.append(
            Overtreding(
                "gemeentelimiet-bereikt",
                f"De gemeente heeft het maximum van {max_per_gemeente} trajecten in deze regeling bereikt.",
            )
        )
    return out


def samenloop_meldingen(*, actief_traject: bool, eerdere_aanvraag: bool) -> list[str]:
    """What the funder is told about the same person elsewhere (domain.md section 12): another
    active trajectory, or an application filed earlier that is still open. Never which provider,
    scheme or person; never shown to a provider."""
    out = []
    if actief_traject:
        out.append("Voor deze deelnemer loopt al een actief IPS-traject (bij een andere aanbieder).")
    if eerdere_aanvraag:
        out.append(
            "Voor deze deelnemer is eerder een andere aanvraag ingediend (bij een andere aanbieder) waarover nog "
            "niet is beslist."
        )
    return out


def samenloop_weigering(meldingen: list[str]) -> BusinessRuleError:
    """The funder's approval refused: the one-trajectory rule, with the reason."""
    return BusinessRuleError(
        code="dubbel-traject",
        message=" ".join(meldingen) + " Eén traject per deelnemer: deze aanvraag kan niet worden goedgekeurd. "
        "Wijs haar af met een toelichting, of wacht bij een eerdere aanvraag eerst het besluit daarover af.",
    )


def extension_problem(
    *, status: str, today: date, einddatum_gepland: date, verlengd: int, gevraagd: int, maximum: int
) -> tuple[str, str] | None:
    """Why an extension may not be requested, or None (domain.md section 7)."""
    if status != "actief":
        return "ongeldige-status", "Verlengen kan alleen bij een actief traject."
    if today > einddatum_gepland:
        return "looptijd-overschreden", "Verlengen kan alleen vóór de geplande einddatum van het traject."
    if maximum == 0:
        return "looptijd-overschreden", "Dit perceel kent geen verlenging."
    if verlengd + gevraagd > maximum:
        return (
            "looptijd-overschreden",
            f"Met deze verlenging wordt het traject {verlengd + gevraagd} maanden verlengd; het perceel staat ten "
            f"hoogste {maximum} maanden toe (al verlengd: {verlengd}).",
        )
    return None


def placement_problem(*, start: date, end: date | None, traject_start: date, traject_end: date) -> str | None:
    if start < traject_start:
        return "De plaatsing begint vóór de start van het traject."
    if start > traject_end:
        return "De plaatsing begint na de (geplande) einddatum van het traject."
    if end is not None and end < start:
        return "De einddatum van de plaatsing ligt vóór de startdatum."
    return None


def stop_problem(*, einddatum: date, startdatum: date, einddatum_gepland: date, today: date) -> str | None:
    if einddatum < startdatum:
        return "De einddatum ligt vóór de startdatum van het traject."
    if einddatum > einddatum_gepland:
        return "De einddatum ligt na de geplande einddatum van het traject."
    if einddatum > today:
        return "Een stopbericht kan niet vooruit worden gedateerd."
    return None


def toestemming_problem(toestemming_op: date | None, today: date) -> tuple[str, str] | None:
    """The participant signs the application (domain.md 12): the date of that consent is required
    and cannot lie in the future. (code, Dutch message) or None."""
    if toestemming_op is None:
        return (
            "toestemming-ontbreekt",
            "De deelnemer moet de aanvraag ondertekenen: vul de datum in waarop de deelnemer toestemming gaf.",
        )
    if toestemming_op > today:
        return "toestemming-in-toekomst", "De datum van de toestemming ligt in de toekomst."
    return None
