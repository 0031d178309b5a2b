"""Applications: file (with or without registering the participant in the same step), the
gemeente's beschikking (the grant, which creates the trajectory) and UWV's decision, withdraw."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from backoffice import crypto
from backoffice.errors import BusinessRuleError
from backoffice.history import record
from backoffice.models import Instellingen
from backoffice.rules import toelichting_vereist, weigeren
from backoffice.services import bsn_controle
from financiering import rules as fin
from financiering import selectors as fin_selectors
from financiering import services as fin_services
from financiering.models import Aanbieder, Budget, Perceel, Regeling, Trajectbegeleider

from .. import documenten as aanvraag_documenten
from .. import permissions, rules
from ..models import Aanvraag, Besluit, Deelnemer, Toewijzingsnummer, Traject
from ..rules_datums import startdatum_problem
from ..selectors import pending_budget_claims, samenloop
from ._eigen import _own_aanbieder
from .deelnemers import _deelnemer_create, _not_anonymised
from .herroepen import traject_herstarten


def aanvraag_met_deelnemer_submit(
    *, by, bsn: str, deelnemer_fields: dict, **aanvraag_args
) -> tuple[Deelnemer, Aanvraag]:
    """The web page's one step: register the participant and file the application, all or nothing
    (a refused rule leaves no half-registered person), as one throttled and logged check."""
    aanbieder = _own_aanbieder(by)
    bsn_hash = crypto.bsn_hash(bsn)
    with bsn_controle(by=by, bsn_hash=bsn_hash, kanaal="aanvraag") as controle:
        with transaction.atomic():
            deelnemer = _deelnemer_create(
                aanbieder=aanbieder, bsn=bsn, bsn_hash=bsn_hash, controle=controle, **deelnemer_fields
            )
            aanvraag = _aanvraag_submit(
                by=by, aanbieder=aanbieder, deelnemer=deelnemer, controle=controle, **aanvraag_args
            )
    return deelnemer, aanvraag


# --- applications -----------------------------------------------------------------------------


def aanvraag_submit(*, by, deelnemer: Deelnemer, **kwargs) -> Aanvraag:
    """File an application after every check of domain.md section 6; all or nothing. The check for
    the same person is throttled and logged (bsn_controle), also when the application is refused."""
    aanbieder = _own_aanbieder(by)
    if deelnemer.aanbieder_id != aanbieder.pk:
        raise permissions.niet_gevonden("Deze deelnemer")
    with bsn_controle(by=by, bsn_hash=deelnemer.bsn_hash, kanaal="aanvraag") as controle:
        return _aanvraag_submit(by=by, aanbieder=aanbieder, deelnemer=deelnemer, controle=controle, **kwargs)


@transaction.atomic
def _aanvraag_submit(
    *,
    by,
    aanbieder: Aanbieder,
    controle: dict,
    deelnemer: Deelnemer,
    perceel: Perceel,
    regiebehandelaar: str,
    in_behandeling_sggz: bool,
    wens_betaald_werk: bool,
    geen_of_klein_dienstverband: bool,
    toestemming_op: date | None,
    behandelduur_maanden: int | None = None,
    trajectbegeleider: Trajectbegeleider | None = None,
    gewenste_startdatum: date | None = None,
    uitvoerder: Aanbieder | None = None,
) -> Aanvraag:
    """The scheme's row is locked for the duration, so two applications racing for the last place
    under a quota or cap, or for the last euros of a budget, are judged one after the other.

    One trajectory per person (domain.md section 12): what runs at this provider is refused
    (``dubbel-traject``: its own data); what runs at another provider is not told, not even by a
    different answer, status or number of queries: the application is filed like any other, with
    ``samenloop_bij_indienen`` for the funder, whose approval refuses it (``aanvraag_decide``)."""
    _not_anonymised(deelnemer)
    if trajectbegeleider is not None and trajectbegeleider.aanbieder_id not in {
        aanbieder.pk,
        getattr(uitvoerder, "pk", None),
    }:
        raise BusinessRuleError(
            code="trajectbegeleider-onbekend",
            message="Deze trajectbegeleider werkt niet bij uw organisatie of de uitvoerende organisatie.",
            status=400,
            field="trajectbegeleider",
        )
    if uitvoerder is not None and uitvoerder.pk == aanbieder.pk:
        uitvoerder = None
    toestemming = rules.toestemming_problem(toestemming_op, timezone.localdate())
    if toestemming:
        raise BusinessRuleError(code=toestemming[0], message=toestemming[1], status=400, field="toestemming_op")
    start = startdatum_problem(gewenste_startdatum, timezone.localdate())
    if start:
        raise BusinessRuleError(code=start[0], message=start[1], status=400, field="gewenste_startdatum")

    regeling = Regeling.objects.select_for_update().get(pk=perceel.regeling_id)
    today = timezone.localdate()
    # A scheme or lot not fully configured (no price, no payment plan, ...) is not offered on the
    # form, and refused here (the API too) after the checks of the input (trajectbegeleider, consent
    # and start date) and before every rule of eligibility, quota and budget: one rule, financiering.rules.
    ontbreekt = fin.perceel_inrichting_ontbreekt(perceel, op=today)
    if ontbreekt:
        raise BusinessRuleError(
            code="regeling-niet-ingericht",
            message="Voor dit perceel kan nog niet worden aangevraagd: de regeling is nog niet volledig ingericht ("
            + " ".join(ontbreekt)
            + ")",
            field="perceel",
        )
    instellingen = Instellingen.get()
    route = rules.route_for(deelnemer.uitkering)
    prijs = fin_selectors.trajectprijs_on(perceel, today)
    # The same two queries whoever holds the person: the providers of active trajectories and open
    # applications for this BSN hash.
    actief_bij = list(
        Traject.objects.filter(bsn_hash=deelnemer.bsn_hash, status="actief").values_list("aanbieder_id", flat=True)
    )
    open_bij = list(
        Aanvraag.objects.filter(bsn_hash=deelnemer.bsn_hash, status__in=Aanvraag.OPEN).values_list(
            "aanbieder_id", flat=True
        )
    )
    controle["aantal_gevonden"] += len(actief_bij) + len(open_bij)
    modeltrouw = fin_selectors.modeltrouw_oordeel(aanbieder, today, instellingen)

    facts = rules.AanvraagFeiten(
        today=today,
        perceel_doelgroep=perceel.doelgroep,
        toegestane_typen=list(perceel.toegestane_aanbiedertypen),
        regeling_routes=regeling.routes,
        raamovereenkomst_vereist=regeling.raamovereenkomst_vereist,
        aanvraag_vanaf=regeling.aanvraag_vanaf,
        aanvraag_tot=regeling.aanvraag_tot,
        aanbieder_type=aanbieder.type,
        heeft_raamovereenkomst=fin_selectors.has_active_contract(aanbieder, perceel, today),
        modeltrouw_probleem=modeltrouw.probleem,
        modeltrouw_blokkeert=instellingen.modeltrouw_handhaving == Instellingen.Handhaving.BLOKKEREN,
        modeltrouw_aanloop=modeltrouw.aanloop,
        heeft_implementatieplan=(aanbieder.implementatieplan_goedgekeurd_op or date.max) <= today,
        uitvoerder_type=uitvoerder.type if uitvoerder is not None else None,
        uitkering=deelnemer.uitkering,
        doelgroep=deelnemer.doelgroep,
        geboortedatum=deelnemer.geboortedatum,
        minimum_leeftijd=instellingen.minimum_leeftijd,
        aow_leeftijd=instellingen.aow_leeftijd,
        heeft_actief_traject=aanbieder.pk in actief_bij,
        heeft_open_aanvraag=aanbieder.pk in open_bij,
        in_behandeling_sggz=in_behandeling_sggz,
        wens_betaald_werk=wens_betaald_werk,
        geen_of_klein_dienstverband=geen_of_klein_dienstverband,
        behandelduur_maanden=behandelduur_maanden,
        cmd_max_behandelduur=instellingen.cmd_max_behandelduur_maanden,
        trajectprijs=prijs,
    )
    taken = Aanvraag.objects.filter(regeling=regeling, route=route, status__in=Aanvraag.BEZET)
    facts.quotum = regeling.quotum_uwv if route == "uwv" else regeling.quotum_gemeente
    if facts.quotum is not None:
        facts.quotum_bezet = taken.count()
    if route == "gemeente" and regeling.route_gemeente:
        facts.max_per_gemeente = regeling.max_per_gemeente
        if facts.max_per_gemeente is not None:
            facts.gemeente_bezet = taken.filter(gemeente_id=deelnemer.gemeente_id).count()
        budget = Budget.objects.filter(gemeente_id=deelnemer.gemeente_id, regeling=regeling, jaar=today.year).first()
        facts.budget_vereist = True
        facts.budget_vrij = budget.vrij if budget else None
        facts.budget_in_behandeling = pending_budget_claims(gemeente_id=deelnemer.gemeente_id, regeling_id=regeling.pk)

    violations = rules.check_aanvraag(facts)
    if violations:
        first = violations[0]
        raise BusinessRuleError(
            code=first.code, message=first.reden, rules=[{"code": v.code, "reden": v.reden} for v in violations]
        )

    aanvraag = Aanvraag(
        deelnemer=deelnemer,
        bsn_hash=deelnemer.bsn_hash,
        aanbieder=aanbieder,
        uitvoerder=uitvoerder,
        regeling=regeling,
        perceel=perceel,
        route=route,
        gemeente_id=deelnemer.gemeente_id,
        regiebehandelaar=regiebehandelaar,
        trajectbegeleider=trajectbegeleider,
        gewenste_startdatum=gewenste_startdatum,
        in_behandeling_sggz=in_behandeling_sggz,
        wens_betaald_werk=wens_betaald_werk,
        geen_of_klein_dienstverband=geen_of_klein_dienstverband,
        behandelduur_maanden=behandelduur_maanden,
        bedrag=prijs,
        waarschuwingen=facts.waarschuwingen,
        samenloop_bij_indienen=any(pk != aanbieder.pk for pk in (*actief_bij, *open_bij)),
    )
    aanvraag.status = rules.AANVRAAG.volgende("indienen", aanvraag.status)
    aanvraag.ingediend_door = by
    aanvraag.ingediend_op = timezone.now()
    aanvraag.toestemming_op = toestemming_op
    aanvraag.toestemming_geregistreerd_door = by
    aanvraag.toestemming_geregistreerd_op = aanvraag.ingediend_op
    aanvraag.beslis_deadline = rules.beslis_deadline(route, today, instellingen)
    record(aanvraag, by=by, reason="ingediend door de aanbieder")
    try:
        with transaction.atomic():
            aanvraag.save()
    except IntegrityError:
        # Another application of this provider for the same person won the race (partial unique index).
        raise BusinessRuleError(
            code="dubbel-traject", message="Voor de deelnemer loopt al een aanvraag van uw organisatie."
        ) from None
    return aanvraag


# The reason in the application's history (who: the user). Not the decision table's own words
# ("Beschikking gemeente", "Akkoord") nor the explanation: the page shows those in the decisions.
BESLUIT_REDEN = {
    "gemeente_toekennen": "toegekend bij beschikking van de gemeente",
    "gemeente_akkoord": "beschikking gegeven door de gemeente",
    "gemeente_afwijzen": "afgewezen door de gemeente",
    "uwv_akkoord": "goedgekeurd door UWV",
    "uwv_afwijzen": "afgewezen door UWV",
}


@transaction.atomic
def aanvraag_decide(*, by, aanvraag: Aanvraag, besluit: str, toelichting: str = "") -> tuple[Aanvraag, Traject | None]:
    """The gemeente's beschikking (gemeente route) or UWV's decision (UWV route, or UWV's consent
    after a beschikking when the scheme asks it: ``Regeling.uwv_akkoord_na_beschikking``).

    On the gemeente route the beschikking is taken under a mandate (recorded in the decision),
    checks the scheme's room (national quota of the route, per-gemeente cap) and the gemeente's
    budget and commits it, all under the locks of the application, the scheme and the budget; for
    co-financed schemes it confirms the gemeente's share. It is the grant: the application is
    ``goedgekeurd`` and the trajectory exists at once, as after UWV's approval on the UWV route."""
    aanvraag = (
        Aanvraag.objects.select_for_update().select_related("regeling", "perceel", "gemeente").get(pk=aanvraag.pk)
    )
    stap, weigering = permissions.beslisser(by, aanvraag)
    weigeren(weigering)
    if besluit not in Besluit.Uitkomst.values:
        raise BusinessRuleError(
            code="ongeldige-invoer", message="Besluit is 'akkoord' of 'afgewezen'.", status=400, field="besluit"
        )
    toelichting_vereist(toelichting, vereist=besluit == "afgewezen", message="Een afwijzing vraagt een toelichting.")
    weigeren(permissions.vier_ogen_weigering(by, aanvraag.ingediend_door_id))
    action = rules.beslis_actie(stap, besluit, uwv_akkoord_na_beschikking=aanvraag.regeling.uwv_akkoord_na_beschikking)
    aanvraag.status = rules.AANVRAAG.volgende(action, aanvraag.status)
    today = timezone.localdate()
    mandaat = None
    if stap == "gemeente":
        mandaat, weigering = permissions.beschikking_mandaat(by, aanvraag, today)
        weigeren(weigering)
    if besluit == "akkoord":
        # One trajectory per person, across providers: the funder learns it here, with the reason.
        meldingen = samenloop(aanvraag)
        if meldingen:
            raise rules.samenloop_weigering(meldingen)
    traject = None

    if action in ("gemeente_toekennen", "gemeente_akkoord"):
        _beschikking_commit(aanvraag=aanvraag, by=by, today=today)
        if action == "gemeente_akkoord":  # the scheme asks UWV's consent: UWV's term starts now
            aanvraag.beslis_deadline = rules.beslis_deadline("uwv", today, Instellingen.get())
    elif action == "uwv_afwijzen" and aanvraag.budget_id:  # refused after the beschikking: release it
        fin_services.budget_release(
            budget_id=aanvraag.budget_id,
            bedrag=aanvraag.bedrag,
            by=by,
            omschrijving="Afwijzing UWV",
            object_uuid=aanvraag.uuid,
        )
    if aanvraag.status == "goedgekeurd":
        traject = _traject_create(aanvraag=aanvraag, by=by, today=today)
    if aanvraag.status in ("goedgekeurd", "afgewezen"):
        aanvraag.afgehandeld_op = timezone.now()
        aanvraag.beslis_deadline = None
    record(aanvraag, by=by, reason=BESLUIT_REDEN[action])
    aanvraag.save()
    vastgelegd = Besluit.objects.create(
        aanvraag=aanvraag,
        stap=stap,
        besluit=besluit,
        toelichting=toelichting.strip(),
        cofinanciering_bevestigd=action in ("gemeente_toekennen", "gemeente_akkoord")
        and aanvraag.regeling.cofinanciering_aandeel > 0,
        door=by,
        mandaat=mandaat,
    )
    aanvraag_documenten.besluit_vastleggen(besluit=vastgelegd, by=by, aanvraag=aanvraag)
    return aanvraag, traject


def _beschikking_commit(*, aanvraag: Aanvraag, by, today: date) -> None:
    """The gemeente's akkoord: the scheme's room and the gemeente's budget checked and committed in
    this transaction. The scheme's row is locked first (as at submission), so two beschikkingen
    for the last place are judged one after the other; the budget's row lock does the same for
    the last euros (``budget_commit``), with the check constraint as the last defence."""
    regeling = Regeling.objects.select_for_update().get(pk=aanvraag.regeling_id)
    toegekend = Aanvraag.objects.filter(regeling=regeling, route="gemeente", status__in=Aanvraag.TOEGEKEND).exclude(
        pk=aanvraag.pk
    )
    quotum, max_per_gemeente = regeling.quotum_gemeente, regeling.max_per_gemeente
    violations = rules.ruimte_overtredingen(
        quotum=quotum,
        quotum_bezet=toegekend.count() if quotum is not None else 0,
        max_per_gemeente=max_per_gemeente,
        gemeente_bezet=toegekend.filter(gemeente_id=aanvraag.gemeente_id).count()
        if max_per_gemeente is not None
        else 0,
    )
    if violations:
        raise BusinessRuleError(
            code=violations[0].code,
            message=violations[0].reden,
            rules=[{"code": v.code, "reden": v.reden} for v in violations],
        )
    budget = Budget.objects.filter(gemeente=aanvraag.gemeente, regeling=regeling, jaar=today.year).first()
    if budget is None:
        raise BusinessRuleError(
            code="budget-ontoereikend",
            message=f"{aanvraag.gemeente.naam} heeft voor {regeling.naam} in {today.year} geen budget.",
        )
    fin_services.budget_commit(
        budget_id=budget.pk,
        bedrag=aanvraag.bedrag,
        by=by,
        omschrijving="Beschikking aanvraag",
        object_uuid=aanvraag.uuid,
    )
    aanvraag.budget = budget


def _traject_create(*, aanvraag: Aanvraag, by, today: date) -> Traject:
    """Start = the date of the funder's written approval, or the later start that was asked."""
    start = max(today, aanvraag.gewenste_startdatum or today)
    if Traject.objects.filter(bsn_hash=aanvraag.bsn_hash, status="actief").exists():  # also the unique index
        raise rules.samenloop_weigering(rules.samenloop_meldingen(actief_traject=True, eerdere_aanvraag=False))
    herroepen = Traject.objects.select_for_update().filter(aanvraag=aanvraag, status="herroepen").first()
    if herroepen is not None:  # the earlier grant was revoked after an objection (services.herroepen)
        return traject_herstarten(by=by, traject=herroepen, startdatum=start, aanvraag=aanvraag)
    return Traject.objects.create(
        toewijzing_nummer=Toewijzingsnummer.objects.create().pk,
        aanvraag=aanvraag,
        deelnemer_id=aanvraag.deelnemer_id,
        bsn_hash=aanvraag.bsn_hash,
        aanbieder_id=aanvraag.aanbieder_id,
        uitvoerder_id=aanvraag.uitvoerder_id,
        regeling_id=aanvraag.regeling_id,
        perceel_id=aanvraag.perceel_id,
        route=aanvraag.route,
        gemeente_id=aanvraag.gemeente_id,
        trajectbegeleider_id=aanvraag.trajectbegeleider_id,
        startdatum=start,
        einddatum_gepland=fin.planned_end(start, aanvraag.perceel.basisduur_maanden),
        trajectprijs=aanvraag.bedrag,
        goedgekeurd_door=by,
    )


@transaction.atomic
def aanvraag_withdraw(*, by, aanvraag: Aanvraag, toelichting: str = "") -> Aanvraag:
    weigeren(permissions.aanbieder_weigering(by))
    aanvraag = Aanvraag.objects.select_for_update().get(pk=aanvraag.pk)
    weigeren(permissions.aanvraag_intrekken_weigering(by, aanvraag))
    aanvraag.status = rules.AANVRAAG.volgende("intrekken", aanvraag.status)
    aanvraag.afgehandeld_op = timezone.now()
    aanvraag.beslis_deadline = None
    record(aanvraag, by=by, reason=toelichting or "Ingetrokken door de aanbieder")
    aanvraag.save()
    return aanvraag
