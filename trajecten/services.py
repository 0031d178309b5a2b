"""Everything in trajecten that writes. One service per transition: each checks role,
organisation and state, then writes the new state, the decision and the budget in one
transaction (history is kept by django-simple-history on every save)."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, CharField, DateField, F, IntegerField, Value, When
from django.db.models.functions import Cast, Concat, ExtractYear
from django.utils import timezone

from backoffice import crypto, verwerkingslog
from backoffice.errors import BusinessRuleError
from backoffice.models import Instellingen
from backoffice.rules import toelichting_vereist, weigeren
from backoffice.services import bsn_controle
from financiering import rules as fin
from financiering import selectors as fin_selectors
from financiering import services as fin_services
from financiering.models import Aanbieder, Budget, Perceel, Regeling, Trajectbegeleider

from . import permissions, rules
from .models import (
    Aanvraag,
    Besluit,
    Deelnemer,
    Eindverslag,
    Plaatsing,
    Stopbericht,
    Toewijzingsnummer,
    Traject,
    Verlenging,
)
from .selectors import deelnemers_by_bsn, pending_budget_claims, samenloop


def _own_aanbieder(by) -> Aanbieder:
    weigeren(permissions.aanbieder_weigering(by))
    return Aanbieder.objects.get(pk=fin_selectors.user_aanbieder_id(by))


_not_found = permissions.niet_gevonden


# --- participants -----------------------------------------------------------------------------


def deelnemer_create(*, by, bsn: str, **fields) -> Deelnemer:
    """Register a participant. Whether the BSN is known at another provider makes no difference
    (the answer is the same as for a new BSN); the check is throttled and logged (bsn_controle)."""
    aanbieder = _own_aanbieder(by)
    bsn_hash = crypto.bsn_hash(bsn)
    with bsn_controle(by=by, bsn_hash=bsn_hash, kanaal="registratie") as controle:
        return _deelnemer_create(aanbieder=aanbieder, bsn=bsn, bsn_hash=bsn_hash, controle=controle, **fields)


@transaction.atomic
def _deelnemer_create(*, aanbieder: Aanbieder, bsn: str, bsn_hash: str, controle: dict, **fields) -> Deelnemer:
    exists = Deelnemer.objects.filter(aanbieder=aanbieder, bsn_hash=bsn_hash).exists()  # own data only
    controle["aantal_gevonden"] += int(exists)
    if exists:
        raise BusinessRuleError(
            code="deelnemer-bestaat",
            message="U heeft deze deelnemer al geregistreerd; zoek hem op met POST /api/v1/deelnemers/_zoek.",
            field="bsn",
        )
    deelnemer = Deelnemer.objects.create(
        aanbieder=aanbieder, bsn_versleuteld=crypto.encrypt(bsn), bsn_hash=bsn_hash, **fields
    )
    verwerkingslog.noteer(deelnemer, handeling="aanmaken")
    return deelnemer


def _not_anonymised(deelnemer: Deelnemer) -> None:
    """A participant whose retention period ended is closed for good (docs/privacy.md): the row is
    locked so that the nightly anonymisation and this change are judged one after the other."""
    if Deelnemer.objects.select_for_update().filter(pk=deelnemer.pk, geanonimiseerd_op__isnull=False).exists():
        raise BusinessRuleError(
            code="deelnemer-geanonimiseerd",
            message="De bewaartermijn van deze deelnemer is verstreken en de gegevens zijn geanonimiseerd; "
            "registreer de deelnemer opnieuw.",
        )


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


@transaction.atomic
def deelnemer_update(*, by, deelnemer: Deelnemer, **fields) -> Deelnemer:
    aanbieder = _own_aanbieder(by)
    if deelnemer.aanbieder_id != aanbieder.pk:
        raise _not_found("Deze deelnemer")
    _not_anonymised(deelnemer)
    for name, value in fields.items():
        setattr(deelnemer, name, value)
    deelnemer.save()
    verwerkingslog.noteer(deelnemer, handeling="wijzigen")
    return deelnemer


# --- applications -----------------------------------------------------------------------------


def _decision_deadline(route_step: str, today: date, instellingen: Instellingen) -> date:
    days = (
        instellingen.beslistermijn_gemeente_dagen if route_step == "gemeente" else instellingen.beslistermijn_uwv_dagen
    )
    return today + timedelta(days=days)


def aanvraag_submit(*, by, deelnemer: Deelnemer, **kwargs) -> Aanvraag:
    """File an application after every check of domain.md section 6; all or nothing. The check for
    the same person is throttled and logged (bsn_controle), also when the application is refused."""
    aanbieder = _own_aanbieder(by)
    if deelnemer.aanbieder_id != aanbieder.pk:
        raise _not_found("Deze deelnemer")
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

    regeling = Regeling.objects.select_for_update().get(pk=perceel.regeling_id)
    today = timezone.localdate()
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
        modeltrouw_probleem=fin_selectors.fidelity_problem(aanbieder, today, instellingen.modeltrouw_geldig_maanden),
        modeltrouw_blokkeert=instellingen.modeltrouw_handhaving == Instellingen.Handhaving.BLOKKEREN,
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
    aanvraag.beslis_deadline = _decision_deadline(route, today, instellingen)
    try:
        with transaction.atomic():
            aanvraag.save()
    except IntegrityError:
        # Another application of this provider for the same person won the race (partial unique index).
        raise BusinessRuleError(
            code="dubbel-traject", message="Voor de deelnemer loopt al een aanvraag van uw organisatie."
        ) from None
    return aanvraag


@transaction.atomic
def aanvraag_decide(*, by, aanvraag: Aanvraag, besluit: str, toelichting: str = "") -> tuple[Aanvraag, Traject | None]:
    """The gemeente's beschikking (gemeente route, first step) or UWV's decision (final step).

    On the gemeente route the beschikking commits the gemeente's budget (and, for co-financed
    schemes, confirms its share); UWV's approval creates the trajectory."""
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
    action = f"{stap}_{'akkoord' if besluit == 'akkoord' else 'afwijzen'}"
    aanvraag.status = rules.AANVRAAG.volgende(action, aanvraag.status)
    if besluit == "akkoord":
        # One trajectory per person, across providers: the funder learns it here, with the reason.
        meldingen = samenloop(aanvraag)
        if meldingen:
            raise rules.samenloop_weigering(meldingen)
    today = timezone.localdate()
    traject = None

    if action == "gemeente_akkoord":
        budget = Budget.objects.filter(gemeente=aanvraag.gemeente, regeling=aanvraag.regeling, jaar=today.year).first()
        if budget is None:
            raise BusinessRuleError(
                code="budget-ontoereikend",
                message=f"{aanvraag.gemeente.naam} heeft voor {aanvraag.regeling.naam} in {today.year} geen budget.",
            )
        fin_services.budget_commit(
            budget_id=budget.pk,
            bedrag=aanvraag.bedrag,
            by=by,
            omschrijving="Beschikking aanvraag",
            object_uuid=aanvraag.uuid,
        )
        aanvraag.budget = budget
        aanvraag.beslis_deadline = _decision_deadline("uwv", today, Instellingen.get())
    elif action == "uwv_akkoord":
        traject = _traject_create(aanvraag=aanvraag, by=by, today=today)
    elif aanvraag.budget_id:  # rejected by UWV after the beschikking: release the commitment
        fin_services.budget_release(
            budget_id=aanvraag.budget_id,
            bedrag=aanvraag.bedrag,
            by=by,
            omschrijving="Afwijzing UWV",
            object_uuid=aanvraag.uuid,
        )
    if aanvraag.status in ("goedgekeurd", "afgewezen"):
        aanvraag.afgehandeld_op = timezone.now()
        aanvraag.beslis_deadline = None
    aanvraag.save()
    Besluit.objects.create(
        aanvraag=aanvraag,
        stap=stap,
        besluit=besluit,
        toelichting=toelichting.strip(),
        cofinanciering_bevestigd=action == "gemeente_akkoord" and aanvraag.regeling.cofinanciering_aandeel > 0,
        door=by,
    )
    return aanvraag, traject


def _traject_create(*, aanvraag: Aanvraag, by, today: date) -> Traject:
    """Start = the date of the funder's written approval, or the later start that was asked."""
    start = max(today, aanvraag.gewenste_startdatum or today)
    if Traject.objects.filter(bsn_hash=aanvraag.bsn_hash, status="actief").exists():  # also the unique index
        raise rules.samenloop_weigering(rules.samenloop_meldingen(actief_traject=True, eerdere_aanvraag=False))
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
    aanvraag._change_reason = toelichting[:100] or "Ingetrokken door de aanbieder"
    aanvraag.save()
    return aanvraag


# --- trajectories -----------------------------------------------------------------------------


def _lock_own_traject(by, traject: Traject) -> Traject:
    weigeren(permissions.aanbieder_weigering(by))
    traject = Traject.objects.select_for_update().select_related("perceel", "aanvraag").get(pk=traject.pk)
    weigeren(permissions.traject_eigen_weigering(by, traject))
    return traject


@transaction.atomic
def verlenging_request(*, by, traject: Traject, maanden: int, toelichting: str) -> Verlenging:
    traject = _lock_own_traject(by, traject)
    problem = rules.extension_problem(
        status=traject.status,
        today=timezone.localdate(),
        einddatum_gepland=traject.einddatum_gepland,
        verlengd=traject.verlengd_maanden,
        gevraagd=maanden,
        maximum=traject.perceel.max_verlenging_maanden,
    )
    if problem:
        raise BusinessRuleError(code=problem[0], message=problem[1])
    weigeren(permissions.verlenging_aanvragen_weigering(by, traject))  # one request at a time
    bedrag = fin.extension_cost(
        price=traject.trajectprijs,
        periode_share=fin_selectors.periode_share(traject.perceel),
        base_months=traject.perceel.basisduur_maanden,
        months=maanden,
    )
    return Verlenging.objects.create(
        traject=traject, maanden=maanden, toelichting=toelichting, bedrag=bedrag, aangevraagd_door=by
    )


@transaction.atomic
def verlenging_decide(*, by, verlenging: Verlenging, besluit: str, toelichting: str = "") -> Verlenging:
    """Decided by the funder of the route: UWV on the UWV route, the gemeente on its own route."""
    traject = Traject.objects.select_for_update().select_related("perceel", "aanvraag").get(pk=verlenging.traject_id)
    verlenging = Verlenging.objects.select_for_update().get(pk=verlenging.pk)
    weigeren(permissions.verlenging_beslisser_weigering(by, traject))
    toelichting_vereist(toelichting, vereist=besluit == "afgewezen", message="Een afwijzing vraagt een toelichting.")
    weigeren(permissions.vier_ogen_weigering(by, verlenging.aangevraagd_door_id))
    action = "goedkeuren" if besluit == "akkoord" else "afwijzen"
    verlenging.status = rules.VERLENGING.volgende(action, verlenging.status)
    if action == "goedkeuren":
        maximum = traject.perceel.max_verlenging_maanden
        if traject.verlengd_maanden + verlenging.maanden > maximum:
            raise BusinessRuleError(
                code="looptijd-overschreden",
                message=f"Het perceel staat ten hoogste {maximum} maanden verlenging toe.",
            )
        traject.status = rules.TRAJECT.volgende("verlengen", traject.status)
        if traject.aanvraag.budget_id:
            fin_services.budget_commit(
                budget_id=traject.aanvraag.budget_id,
                bedrag=verlenging.bedrag,
                by=by,
                omschrijving=f"Verlenging traject {traject.toewijzing_nummer}",
                object_uuid=verlenging.uuid,
            )
        traject.verlengd_maanden += verlenging.maanden
        traject.verlenging_bedrag += verlenging.bedrag
        traject.einddatum_gepland = fin.planned_end(
            traject.startdatum, traject.perceel.basisduur_maanden, traject.verlengd_maanden
        )
        traject.save()
    verlenging.besluit_door = by
    verlenging.besluit_op = timezone.now()
    verlenging.besluit_toelichting = toelichting.strip()
    verlenging.save()
    return verlenging


def _check_placement(by, traject: Traject, start: date, end: date | None) -> None:
    weigeren(permissions.plaatsing_weigering(by, traject))
    problem = rules.placement_problem(
        start=start,
        end=end,
        traject_start=traject.startdatum,
        traject_end=traject.einddatum or traject.einddatum_gepland,
    )
    if problem:
        raise BusinessRuleError(code="plaatsing-buiten-traject", message=problem, field="startdatum")


@transaction.atomic
def plaatsing_create(*, by, traject: Traject, **fields) -> Plaatsing:
    traject = _lock_own_traject(by, traject)
    if fields.get("aandoening_bekend_bij_werkgever") is None:
        raise BusinessRuleError(
            code="openheid-werkgever-ontbreekt",
            message="Geef aan of de deelnemer de werkgever over zijn of haar aandoening heeft verteld.",
            status=400,
            field="aandoening_bekend_bij_werkgever",
        )
    _check_placement(by, traject, fields["startdatum"], fields.get("einddatum"))
    return Plaatsing.objects.create(traject=traject, aangemaakt_door=by, **fields)


@transaction.atomic
def plaatsing_update(*, by, plaatsing: Plaatsing, **fields) -> Plaatsing:
    traject = _lock_own_traject(by, plaatsing.traject)
    plaatsing = Plaatsing.objects.select_for_update().get(pk=plaatsing.pk)
    for name, value in fields.items():
        setattr(plaatsing, name, value)
    if plaatsing.proefplaatsing and plaatsing.minimumloon_of_meer:
        raise BusinessRuleError(
            code="proefplaatsing-onbetaald",
            message="Een proefplaatsing is onbetaald: minimumloonOfMeer kan dan niet waar zijn.",
            status=400,
            field="proefplaatsing",
        )
    _check_placement(by, traject, plaatsing.startdatum, plaatsing.einddatum)
    plaatsing.save()
    return plaatsing


@transaction.atomic
def traject_stop(*, by, traject: Traject, einddatum: date, reden: str, toelichting: str = "") -> Stopbericht:
    """A stop notice: the provider ends the trajectory early. On the gemeente route the gemeente
    sees it at once and UWV with it (the notice is passed on by the loket itself)."""
    traject = _lock_own_traject(by, traject)
    weigeren(permissions.traject_stoppen_weigering(by, traject))
    traject.status = rules.TRAJECT.volgende("stoppen", traject.status)
    problem = rules.stop_problem(
        einddatum=einddatum,
        startdatum=traject.startdatum,
        einddatum_gepland=traject.einddatum_gepland,
        today=timezone.localdate(),
    )
    if problem:
        raise BusinessRuleError(code="einddatum-ongeldig", message=problem, field="einddatum")
    toelichting_vereist(
        toelichting, vereist=reden == "anders", message="Bij reden 'anders' is een toelichting verplicht."
    )
    traject.einddatum = einddatum
    traject.save()
    return Stopbericht.objects.create(
        traject=traject, einddatum=einddatum, reden=reden, toelichting=toelichting, door=by
    )


@transaction.atomic
def traject_close(
    *, by, traject: Traject, uitkomst: str, toelichting: str = "", uren_besteed: int | None = None
) -> Eindverslag:
    """The end report, after the end. The money module's ``eindverslag_submit`` calls this and then
    does the final settlement (vaststelling), releasing what was committed and not spent."""
    traject = _lock_own_traject(by, traject)
    weigeren(permissions.eindverslag_weigering(by, traject))
    traject.status = rules.TRAJECT.volgende("afsluiten", traject.status)
    if traject.einddatum is None:
        traject.einddatum = traject.einddatum_gepland
    traject.save()
    return Eindverslag.objects.create(
        traject=traject,
        uitkomst=uitkomst,
        toelichting=toelichting,
        uren_besteed=uren_besteed,
        door=by,
    )


def traject_add_amounts(*, field: str, amounts: dict[int, Decimal]) -> int:
    """Add money amounts to many trajectories' ``gedeclareerd`` or ``betaald`` in one statement
    (called by the money module, which sits above this app)."""
    if field not in ("gedeclareerd", "betaald"):
        raise ValueError(field)
    amounts = {k: v for k, v in amounts.items() if k is not None and v}
    if not amounts:
        return 0
    if connection.vendor == "postgresql":
        # A join with the amounts as two arrays: linear in the number of trajectories. A CASE with
        # one WHEN per trajectory is evaluated per row, so quadratic: 5,000 trajectories in one
        # declaration cost seconds (docs/performance.md).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Traject._meta.db_table} t SET {field} = t.{field} + x.bedrag "
                "FROM unnest(%s::bigint[], %s::numeric[]) AS x(id, bedrag) WHERE t.id = x.id",
                [list(amounts), list(amounts.values())],
            )
            return cursor.rowcount
    delta = Case(*[When(pk=k, then=Value(v)) for k, v in amounts.items()], default=Value(Decimal("0.00")))
    return Traject.objects.filter(pk__in=amounts).update(**{field: F(field) + delta})


def deelnemer_search(*, by, bsn: str, kanaal: str) -> list[Deelnemer]:
    """Find the participants with this BSN that ``by`` may see, throttled, and record the lookup
    (who, when, which organisation, which hash; never the BSN) in ``BsnRaadpleging``. Every path
    that searches by BSN goes through here: the API's ``POST /deelnemers/_zoek`` and the page
    ``/deelnemers/zoeken/``."""
    with bsn_controle(by=by, bsn_hash=crypto.bsn_hash(bsn), kanaal=kanaal) as controle:
        found = list(deelnemers_by_bsn(by, bsn).order_by("id"))
        controle["aantal_gevonden"] = len(found)
    return found


# --- retention (docs/privacy.md, "Bewaartermijn") ---------------------------------------------

GEANONIMISEERD = "(geanonimiseerd)"
ANONIEM_REDEN = "Geanonimiseerd: bewaartermijn verstreken"
_CHUNK = 10_000  # ids per statement: bounded statements, still a fixed number of queries per 10,000


def _vrije_tekst(field: str):
    """A free text that may name the person: emptied where it was empty, replaced where it was not
    (constraints ask a reason on a refusal or a stop 'anders')."""
    return Case(When(**{field: ""}, then=Value("")), default=Value(GEANONIMISEERD))


def _geboortejaar_klasse():
    """1 January of the birth year's five-year class (1987-06-15 -> 1985-01-01): age groups stay."""
    jaar = Cast(ExtractYear("geboortedatum"), IntegerField()) / 5 * 5
    return Cast(Concat(Cast(jaar, CharField()), Value("-01-01"), output_field=CharField()), DateField())


@transaction.atomic
def deelnemers_anonymise(*, ids, by_job: str | None = None, datum: date | None = None) -> list[int]:
    """Remove the personal data of the participants ``ids`` (a list or a ``values("pk")``
    queryset) and everything that may name them, in their current rows and in every history row;
    keep what the work monitor counts and all the money. Returns the ids actually anonymised
    (those not done before), so that the processing log can record them. Set-based: a fixed
    number of statements per 10,000 participants, none per participant; a second call with the
    same ids changes nothing.

    Removed or replaced: BSN (encrypted value and its hash, also on applications and trajectories),
    initials and surname, date of birth (to its five-year class), main diagnosis group, education,
    work experience, sex and marital status, the regiebehandelaar, the employer of every placement,
    the free texts of decisions, extensions, stop notices and end reports, and the names in the
    admin's log. Kept: provider, gemeente, benefit type and target group, the trajectories' dates,
    lot, route, status and amounts, the placements' anonymous fields, the outcomes, every declaration
    line, payment order and claim."""
    datum = datum or timezone.localdate()
    reden = f"{ANONIEM_REDEN} ({by_job or 'handmatig'})"
    gedaan: list[int] = list(
        Deelnemer.objects.select_for_update()
        .filter(pk__in=ids, geanonimiseerd_op__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if gedaan:
        # the processing log (docs/privacy.md "Verwerkingslog"): one INSERT ... SELECT, before the
        # BSN hash is gone, so that the FG can still tell that a person's data was removed
        bron, params = Deelnemer.objects.filter(pk__in=gedaan).values("uuid", "bsn_hash").query.sql_with_params()
        verwerkingslog.vastleggen_sql(
            bron,
            params,
            handeling="anonimiseren",
            doel="bewaartermijn",
            kanaal="job",
            route=f"bewaartermijn: {by_job or 'handmatig'}",
        )
    for start in range(0, len(gedaan), _CHUNK):
        _anonymise_chunk(gedaan[start : start + _CHUNK], datum=datum, reden=reden)
    return gedaan


def _anonymise_chunk(ids: list[int], *, datum: date, reden: str) -> None:
    from django.contrib.admin.models import LogEntry

    from backoffice.history import bulk_snapshot

    persoon = {
        "voorletters": "",
        "achternaam": GEANONIMISEERD,
        "geboortedatum": _geboortejaar_klasse(),
        "hoofddiagnosegroep": "onbekend",
        "opleiding": "onbekend",
        "werkervaring_jaren": None,
        "geslacht": "onbekend",
        "burgerlijke_staat": "onbekend",
        "geanonimiseerd_op": datum,
    }
    Deelnemer.history.model.objects.filter(id__in=ids).update(**persoon)
    # The hash must stay unique per provider: a fixed text per participant, no longer the BSN's.
    Deelnemer.objects.filter(pk__in=ids).update(
        **persoon,
        bsn_versleuteld="",
        bsn_hash=Concat(Value("geanonimiseerd-"), Cast("pk", CharField()), output_field=CharField()),
    )
    aanvraag = {"bsn_hash": "", "regiebehandelaar": ""}
    Aanvraag.history.model.objects.filter(deelnemer_id__in=ids).update(**aanvraag)
    Aanvraag.objects.filter(deelnemer_id__in=ids).update(**aanvraag)
    Besluit.objects.filter(aanvraag__deelnemer_id__in=ids).exclude(toelichting="").update(
        toelichting=Case(When(besluit="akkoord", then=Value("")), default=Value(GEANONIMISEERD))
    )
    Traject.history.model.objects.filter(deelnemer_id__in=ids).update(bsn_hash="")
    Traject.objects.filter(deelnemer_id__in=ids).update(bsn_hash="")
    trajecten = list(Traject.objects.filter(deelnemer_id__in=ids).values_list("pk", flat=True))
    if trajecten:
        for model in (Verlenging.history.model, Verlenging):
            model.objects.filter(traject_id__in=trajecten).update(
                toelichting=_vrije_tekst("toelichting"), besluit_toelichting=_vrije_tekst("besluit_toelichting")
            )
        for model in (Plaatsing.history.model, Plaatsing):
            model.objects.filter(traject_id__in=trajecten).update(werkgever=GEANONIMISEERD)
        Stopbericht.objects.filter(traject_id__in=trajecten).update(toelichting=_vrije_tekst("toelichting"))
        Eindverslag.objects.filter(traject_id__in=trajecten).update(toelichting=_vrije_tekst("toelichting"))
    LogEntry.objects.filter(
        content_type__app_label=Deelnemer._meta.app_label,
        content_type__model=Deelnemer._meta.model_name,
        object_id__in=[str(i) for i in ids],
    ).update(object_repr=GEANONIMISEERD)
    # The anonymisation itself, in the history of every record it changed.
    bulk_snapshot(Deelnemer, ids=ids, reason=reden)
    bulk_snapshot(Aanvraag, column="deelnemer_id", ids=ids, reason=reden)
    bulk_snapshot(Traject, column="deelnemer_id", ids=ids, reason=reden)
    if trajecten:
        bulk_snapshot(Verlenging, column="traject_id", ids=trajecten, reason=reden)
        bulk_snapshot(Plaatsing, column="traject_id", ids=trajecten, reason=reden)
