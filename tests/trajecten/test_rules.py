"""trajecten/rules.py on its own: routes, the submission checks, state tables and the rules for
extensions, placements and stops. No database: the facts are built by hand."""

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from backoffice.errors import BusinessRuleError
from trajecten import rules

TODAY = date(2026, 1, 15)

# --- routes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("uitkering", "route"),
    [
        ("wga_35_80", "uwv"),
        ("wga_80_100", "uwv"),
        ("iva", "uwv"),
        ("wao", "uwv"),
        ("wajong_oud", "uwv"),
        ("wajong_nieuw", "uwv"),
        ("wao_dienstverlening", "uwv"),
        ("ziektewet", "uwv"),
        ("ww", "uwv"),
        ("participatiewet", "gemeente"),
        ("ioaw", "gemeente"),
        ("ioaz", "gemeente"),
        ("nug", "gemeente"),
    ],
)
def test_route_for_every_benefit(uitkering, route):
    assert rules.route_for(uitkering) == route


def test_every_benefit_of_the_model_has_a_route():
    from trajecten.models import Uitkering

    assert {u for u, _ in Uitkering.choices} == rules.UWV_UITKERINGEN | rules.GEMEENTE_UITKERINGEN
    assert not rules.UWV_UITKERINGEN & rules.GEMEENTE_UITKERINGEN


@pytest.mark.parametrize("uitkering", ["", "bijstand", "WW", "aow", "wajong"])
def test_route_for_unknown_benefit_raises(uitkering):
    with pytest.raises(ValueError):
        rules.route_for(uitkering)


# --- the submission checks --------------------------------------------------------------------


def feiten(**overrides) -> rules.AanvraagFeiten:
    """An application that passes every check: a ggz provider with a contract and a valid audit,
    a 40-year-old on WGA for the EPA lot of an open UWV scheme."""
    base = dict(
        today=TODAY,
        perceel_doelgroep="epa",
        toegestane_typen=["ggz", "ribw"],
        regeling_routes=["uwv"],
        raamovereenkomst_vereist=True,
        aanvraag_vanaf=date(2020, 1, 1),
        aanvraag_tot=None,
        aanbieder_type="ggz",
        heeft_raamovereenkomst=True,
        modeltrouw_probleem=None,
        modeltrouw_blokkeert=True,
        uitkering="wga_80_100",
        doelgroep="epa",
        geboortedatum=date(1985, 6, 15),
        minimum_leeftijd=18,
        aow_leeftijd=67,
        heeft_actief_traject=False,
        heeft_open_aanvraag=False,
        in_behandeling_sggz=True,
        wens_betaald_werk=True,
        geen_of_klein_dienstverband=True,
        behandelduur_maanden=None,
        cmd_max_behandelduur=24,
        trajectprijs=Decimal("8000.00"),
    )
    base.update(overrides)
    return rules.AanvraagFeiten(**base)


GEMEENTE = dict(
    regeling_routes=["gemeente"],
    raamovereenkomst_vereist=False,
    heeft_raamovereenkomst=False,
    uitkering="participatiewet",
    budget_vereist=True,
    budget_vrij=Decimal("100000.00"),
)
CMD = dict(perceel_doelgroep="cmd", doelgroep="cmd", toegestane_typen=["ggz"], behandelduur_maanden=12)


def codes(f: rules.AanvraagFeiten) -> list[str]:
    return [v.code for v in rules.check_aanvraag(f)]


def test_the_base_facts_pass():
    f = feiten()
    assert rules.check_aanvraag(f) == []
    assert f.waarschuwingen == []
    assert codes(feiten(**GEMEENTE)) == []
    assert codes(feiten(**CMD)) == []


# (name, facts that break exactly one rule, the code, facts just on the right side of it)
CASES = [
    (
        "gemeente-uitkering op UWV-regeling",
        dict(uitkering="participatiewet"),
        "route-niet-in-regeling",
        dict(uitkering="ww"),
    ),
    (
        "UWV-uitkering op gemeenteregeling",
        {**GEMEENTE, "uitkering": "wajong_nieuw"},
        "route-niet-in-regeling",
        {**GEMEENTE, "uitkering": "nug"},
    ),
    ("CMD-deelnemer op EPA-perceel", dict(doelgroep="cmd"), "doelgroep-past-niet", dict(doelgroep="epa")),
    (
        "ribw op CMD",
        {**CMD, "aanbieder_type": "ribw"},
        "aanbiedertype-niet-toegestaan",
        {**CMD, "aanbieder_type": "ggz"},
    ),
    (
        "re-integratiebedrijf op EPA",
        dict(aanbieder_type="reintegratie"),
        "aanbiedertype-niet-toegestaan",
        dict(aanbieder_type="ribw"),
    ),
    (
        "geen raamovereenkomst",
        dict(heeft_raamovereenkomst=False),
        "geen-raamovereenkomst",
        dict(heeft_raamovereenkomst=False, raamovereenkomst_vereist=False),
    ),
    (
        "modeltrouw blokkeert",
        dict(modeltrouw_probleem="Meting te oud."),
        "modeltrouw-onvoldoende",
        dict(modeltrouw_probleem="Meting te oud.", modeltrouw_blokkeert=False),
    ),
    (
        "na het aanvraagvenster",
        dict(aanvraag_tot=date(2026, 1, 14)),
        "buiten-aanvraagperiode",
        dict(aanvraag_tot=date(2026, 1, 15)),
    ),
    (
        "voor het aanvraagvenster",
        dict(aanvraag_vanaf=date(2026, 1, 16)),
        "buiten-aanvraagperiode",
        dict(aanvraag_vanaf=date(2026, 1, 15)),
    ),
    (
        "17 jaar",
        dict(geboortedatum=date(2008, 1, 16)),
        "leeftijd-buiten-grenzen",
        dict(geboortedatum=date(2008, 1, 15)),
    ),
    (
        "67 jaar",
        dict(geboortedatum=date(1959, 1, 15)),
        "leeftijd-buiten-grenzen",
        dict(geboortedatum=date(1959, 1, 16)),
    ),
    (
        "niet in behandeling sggz",
        dict(in_behandeling_sggz=False),
        "voorwaarden-niet-voldaan",
        dict(in_behandeling_sggz=True),
    ),
    ("geen wens betaald werk", dict(wens_betaald_werk=False), "voorwaarden-niet-voldaan", dict(wens_betaald_werk=True)),
    (
        "heeft al een grote baan",
        dict(geen_of_klein_dienstverband=False),
        "voorwaarden-niet-voldaan",
        dict(geen_of_klein_dienstverband=True),
    ),
    (
        "CMD 25 maanden in behandeling",
        {**CMD, "behandelduur_maanden": 25},
        "behandelduur-te-lang",
        {**CMD, "behandelduur_maanden": 24},
    ),
    (
        "CMD zonder behandelduur",
        {**CMD, "behandelduur_maanden": None},
        "behandelduur-onbekend",
        {**CMD, "behandelduur_maanden": 0},
    ),
    ("actief traject", dict(heeft_actief_traject=True), "dubbel-traject", dict(heeft_actief_traject=False)),
    ("open aanvraag", dict(heeft_open_aanvraag=True), "dubbel-traject", dict(heeft_open_aanvraag=False)),
    ("geen trajectprijs", dict(trajectprijs=None), "geen-trajectprijs", dict(trajectprijs=Decimal("1.00"))),
    ("quotum vol", dict(quotum=125, quotum_bezet=125), "quotum-bereikt", dict(quotum=125, quotum_bezet=124)),
    (
        "gemeentelimiet",
        {**GEMEENTE, "max_per_gemeente": 5, "gemeente_bezet": 5},
        "gemeentelimiet-bereikt",
        {**GEMEENTE, "max_per_gemeente": 5, "gemeente_bezet": 4},
    ),
    (
        "geen budget toegekend",
        {**GEMEENTE, "budget_vrij": None},
        "budget-ontoereikend",
        {**GEMEENTE, "budget_vrij": Decimal("8000.00")},
    ),
    (
        "budget op door aanvragen in behandeling",
        {**GEMEENTE, "budget_vrij": Decimal("16000.00"), "budget_in_behandeling": Decimal("8000.01")},
        "budget-ontoereikend",
        {**GEMEENTE, "budget_vrij": Decimal("16000.00"), "budget_in_behandeling": Decimal("8000.00")},
    ),
]


@pytest.mark.parametrize(("broken", "code", "fixed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_refuses_and_passes(broken, code, fixed):
    violations = rules.check_aanvraag(feiten(**broken))
    assert [v.code for v in violations] == [code]
    assert violations[0].reden  # a reason a person can read
    assert codes(feiten(**fixed)) == []


def test_no_quota_and_no_cap_mean_no_limit():
    assert codes(feiten(quotum=None, quotum_bezet=10_000)) == []
    assert codes(feiten(**GEMEENTE, max_per_gemeente=None, gemeente_bezet=10_000)) == []


def test_budget_is_only_checked_where_required():
    assert codes(feiten(budget_vereist=False, budget_vrij=None)) == []
    assert codes(feiten(budget_vereist=False, budget_vrij=Decimal("0"))) == []


def test_behandelduur_only_matters_for_cmd():
    assert codes(feiten(behandelduur_maanden=120)) == []
    assert codes(feiten(behandelduur_maanden=None)) == []


def test_fidelity_warning_goes_to_waarschuwingen_and_does_not_refuse():
    f = feiten(
        modeltrouw_probleem="De laatste modeltrouwmeting valt in de band 'geen IPS'.", modeltrouw_blokkeert=False
    )
    assert rules.check_aanvraag(f) == []
    assert f.waarschuwingen == ["De laatste modeltrouwmeting valt in de band 'geen IPS'."]


def test_conditions_name_each_missing_one():
    [v] = rules.check_aanvraag(
        feiten(in_behandeling_sggz=False, wens_betaald_werk=False, geen_of_klein_dienstverband=False)
    )
    assert v.code == "voorwaarden-niet-voldaan"
    assert "specialistische ggz" in v.reden and "betaald werk" in v.reden and "kleine baan" in v.reden


def test_age_reason_says_the_age_and_the_bounds():
    [v] = rules.check_aanvraag(feiten(geboortedatum=date(1950, 1, 1)))
    assert "76 jaar" in v.reden and "18" in v.reden and "67" in v.reden


def test_age_bounds_are_configurable():
    assert codes(feiten(geboortedatum=date(1959, 1, 15), aow_leeftijd=68)) == []
    assert codes(feiten(geboortedatum=date(2008, 1, 15), minimum_leeftijd=21)) == ["leeftijd-buiten-grenzen"]


def test_the_run_up_of_a_new_programme_warns_even_when_fidelity_blocks():
    f = feiten(modeltrouw_probleem="Er is nog geen modeltrouwmeting geregistreerd.", modeltrouw_aanloop=True)
    assert codes(f) == []
    assert f.waarschuwingen == ["Er is nog geen modeltrouwmeting geregistreerd."]


REINTEGRATIE = dict(aanbieder_type="reintegratie", toegestane_typen=["ggz", "reintegratie"])


def test_a_reintegration_company_never_in_a_scheme_with_framework_contracts():
    assert codes(feiten(**REINTEGRATIE, heeft_implementatieplan=True)) == ["aanbiedertype-niet-toegestaan"]
    assert codes(feiten(uitvoerder_type="reintegratie")) == ["aanbiedertype-niet-toegestaan"]
    assert codes(feiten(uitvoerder_type="ggz")) == []


def test_a_reintegration_company_leads_elsewhere_with_an_approved_plan():
    assert codes(feiten(**GEMEENTE, **REINTEGRATIE, heeft_implementatieplan=True)) == []
    assert codes(feiten(**GEMEENTE, **REINTEGRATIE)) == ["implementatieplan-ontbreekt"]
    assert codes(feiten(**GEMEENTE, uitvoerder_type="reintegratie")) == []  # a subcontractor outside the Inkoopkader


def test_all_broken_rules_are_reported_most_fundamental_first():
    f = feiten(
        uitkering="participatiewet",
        doelgroep="cmd",
        aanbieder_type="reintegratie",
        heeft_raamovereenkomst=False,
        modeltrouw_probleem="Geen meting.",
        aanvraag_tot=date(2025, 1, 1),
        geboortedatum=date(2010, 1, 1),
        wens_betaald_werk=False,
        heeft_actief_traject=True,
        heeft_open_aanvraag=True,
        quotum=1,
        quotum_bezet=1,
    )
    assert codes(f) == [
        "route-niet-in-regeling",
        "doelgroep-past-niet",
        "aanbiedertype-niet-toegestaan",
        "geen-raamovereenkomst",
        "modeltrouw-onvoldoende",
        "buiten-aanvraagperiode",
        "leeftijd-buiten-grenzen",
        "voorwaarden-niet-voldaan",
        "dubbel-traject",
        "dubbel-traject",
        "quotum-bereikt",
    ]


def test_window_reason_names_the_period():
    [v] = rules.check_aanvraag(feiten(aanvraag_vanaf=date(2023, 1, 1), aanvraag_tot=date(2025, 11, 19)))
    assert "01-01-2023" in v.reden and "19-11-2025" in v.reden


def test_facts_are_not_changed_by_a_passing_check():
    f = feiten()
    before = dataclasses.asdict(f)
    rules.check_aanvraag(f)
    assert dataclasses.asdict(f) == before


# --- the decision term ------------------------------------------------------------------------


@pytest.mark.parametrize(("stap", "deadline"), [("gemeente", date(2026, 3, 12)), ("uwv", date(2026, 1, 29))])
def test_the_decision_term_is_the_deciding_bodys_own(stap, deadline):
    """At submission, at the beschikking (UWV's consent next) and after a revocation alike."""
    instellingen = dataclasses.make_dataclass("I", ["beslistermijn_gemeente_dagen", "beslistermijn_uwv_dagen"])(56, 14)
    assert rules.beslis_deadline(stap, TODAY, instellingen) == deadline


@pytest.mark.parametrize(
    ("betaald", "vrij"), [("0.00", "8000.00"), ("3200.00", "4800.00"), ("8000.00", "0.00"), ("8500.00", "0.00")]
)
def test_a_revoked_grant_releases_what_is_not_paid(betaald, vrij):
    assert rules.vrijval_bij_herroepen(Decimal("8000.00"), Decimal(betaald)) == Decimal(vrij)


# --- state tables -----------------------------------------------------------------------------

AANVRAAG_ALLOWED = [
    ("indienen", "concept", "ingediend"),
    ("gemeente_akkoord", "ingediend", "gemeente_akkoord"),
    ("gemeente_toekennen", "ingediend", "goedgekeurd"),
    ("gemeente_afwijzen", "ingediend", "afgewezen"),
    ("uwv_akkoord", "ingediend", "goedgekeurd"),
    ("uwv_akkoord", "gemeente_akkoord", "goedgekeurd"),
    ("uwv_afwijzen", "ingediend", "afgewezen"),
    ("uwv_afwijzen", "gemeente_akkoord", "afgewezen"),
    ("intrekken", "ingediend", "ingetrokken"),
    ("herroepen", "goedgekeurd", "ingediend"),  # after a well-founded objection (bezwaren)
    ("herroepen", "afgewezen", "ingediend"),
]
AANVRAAG_STATES = ["concept", "ingediend", "gemeente_akkoord", "goedgekeurd", "afgewezen", "ingetrokken"]


@pytest.mark.parametrize(("action", "current", "new"), AANVRAAG_ALLOWED)
def test_aanvraag_allowed_transitions(action, current, new):
    assert rules.AANVRAAG.volgende(action, current) == new


@pytest.mark.parametrize(
    ("action", "current"),
    [
        (action, state)
        for action in rules.AANVRAAG_TRANSITIES
        for state in AANVRAAG_STATES
        if (action, state) not in {(a, c) for a, c, _ in AANVRAAG_ALLOWED}
    ],
)
def test_aanvraag_every_other_transition_is_refused(action, current):
    with pytest.raises(BusinessRuleError) as exc:
        rules.AANVRAAG.volgende(action, current)
    assert exc.value.code == "ongeldige-status"
    assert exc.value.status == 409
    assert f"'{current}'" in exc.value.message


def test_final_states_have_no_way_out():
    """Only a well-founded objection revokes a decision (``herroepen``, bezwaren); a withdrawal is final."""
    for final in ("goedgekeurd", "afgewezen", "ingetrokken"):
        for actie, table in rules.AANVRAAG_TRANSITIES.items():
            assert final not in table or (actie == "herroepen" and final != "ingetrokken"), (actie, final)


def test_gemeente_cannot_approve_finally_and_withdrawal_is_before_any_decision():
    assert rules.AANVRAAG_TRANSITIES["gemeente_akkoord"] == {"ingediend": "gemeente_akkoord"}
    with pytest.raises(BusinessRuleError):
        rules.AANVRAAG.volgende("intrekken", "gemeente_akkoord")
    with pytest.raises(BusinessRuleError):
        rules.AANVRAAG.volgende("gemeente_akkoord", "gemeente_akkoord")


@pytest.mark.parametrize(
    ("action", "current", "new"),
    [
        ("stoppen", "actief", "beeindigd"),
        ("looptijd_verstrijken", "actief", "looptijd_verstreken"),
        ("afsluiten", "beeindigd", "afgesloten"),
        ("afsluiten", "looptijd_verstreken", "afgesloten"),
        ("verlengen", "actief", "actief"),
        ("verlengen", "looptijd_verstreken", "actief"),
        # after a well-founded objection (bezwaren, trajecten.services.herroepen)
        ("herroepen", "actief", "herroepen"),
        ("herroepen", "beeindigd", "herroepen"),
        ("verlenging_herroepen", "beeindigd", "beeindigd"),
        ("herstarten", "herroepen", "actief"),
    ],
)
def test_traject_allowed_transitions(action, current, new):
    assert rules.TRAJECT.volgende(action, current) == new


@pytest.mark.parametrize(
    ("action", "current"),
    [
        ("stoppen", "beeindigd"),
        ("stoppen", "looptijd_verstreken"),
        ("stoppen", "afgesloten"),
        ("afsluiten", "actief"),
        ("afsluiten", "afgesloten"),
        ("looptijd_verstrijken", "beeindigd"),
        ("looptijd_verstrijken", "looptijd_verstreken"),
        ("verlengen", "beeindigd"),
        ("verlengen", "afgesloten"),
        ("herroepen", "afgesloten"),  # a settled trajectory: first an objection against the settlement
        ("verlengen", "herroepen"),
        ("stoppen", "herroepen"),
    ],
)
def test_traject_refused_transitions(action, current):
    with pytest.raises(BusinessRuleError) as exc:
        rules.TRAJECT.volgende(action, current)
    assert exc.value.code == "ongeldige-status"
    assert "traject" in exc.value.message


@pytest.mark.parametrize(
    ("action", "current", "new"),
    [
        ("goedkeuren", "aangevraagd", "goedgekeurd"),
        ("afwijzen", "aangevraagd", "afgewezen"),
        ("herroepen", "goedgekeurd", "aangevraagd"),
        ("herroepen", "afgewezen", "aangevraagd"),
    ],
)
def test_verlenging_allowed_transitions(action, current, new):
    assert rules.VERLENGING.volgende(action, current) == new


@pytest.mark.parametrize("current", ["goedgekeurd", "afgewezen"])
@pytest.mark.parametrize("action", ["goedkeuren", "afwijzen"])
def test_verlenging_decided_once(action, current):
    with pytest.raises(BusinessRuleError) as exc:
        rules.VERLENGING.volgende(action, current)
    assert exc.value.code == "ongeldige-status"


def test_unknown_action_is_refused_not_a_crash():
    with pytest.raises(BusinessRuleError) as exc:
        rules.AANVRAAG.volgende("opnieuw", "ingediend")
    assert exc.value.code == "ongeldige-status"


# --- extensions -------------------------------------------------------------------------------

END = date(2028, 1, 14)


def extension(**overrides):
    args = dict(status="actief", today=TODAY, einddatum_gepland=END, verlengd=0, gevraagd=6, maximum=12)
    args.update(overrides)
    return rules.extension_problem(**args)


def test_extension_within_the_maximum_passes():
    assert extension() is None
    assert extension(gevraagd=12) is None  # the whole maximum at once
    assert extension(verlengd=6, gevraagd=6) is None  # up to the maximum in steps
    assert extension(today=END) is None  # on the last day still


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        (dict(status="beeindigd"), "ongeldige-status"),
        (dict(status="looptijd_verstreken"), "ongeldige-status"),
        (dict(status="afgesloten"), "ongeldige-status"),
        (dict(today=date(2028, 1, 15)), "looptijd-overschreden"),  # the day after the end
        (dict(maximum=0, gevraagd=1), "looptijd-overschreden"),  # EPA: no extension
        (dict(gevraagd=13), "looptijd-overschreden"),
        (dict(verlengd=6, gevraagd=7), "looptijd-overschreden"),
    ],
)
def test_extension_refused(overrides, code):
    problem = extension(**overrides)
    assert problem is not None
    assert problem[0] == code
    assert problem[1]


def test_extension_reason_says_how_much_was_already_used():
    _, reason = extension(verlengd=6, gevraagd=7)
    assert "13 maanden" in reason and "12 maanden" in reason and "al verlengd: 6" in reason


# --- placements -------------------------------------------------------------------------------

T_START, T_END = date(2026, 1, 15), date(2029, 1, 14)


def placement(start, end=None):
    return rules.placement_problem(start=start, end=end, traject_start=T_START, traject_end=T_END)


def test_placement_inside_the_trajectory_passes():
    assert placement(T_START) is None
    assert placement(T_END) is None  # may start on the last day
    assert placement(date(2026, 5, 1), date(2026, 5, 1)) is None  # one day
    assert placement(date(2028, 6, 1), date(2030, 1, 1)) is None  # the job may outlast the trajectory


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2026, 1, 14), None, "vóór de start"),
        (date(2029, 1, 15), None, "na de (geplande) einddatum"),
        (date(2026, 5, 2), date(2026, 5, 1), "einddatum van de plaatsing"),
    ],
)
def test_placement_refused(start, end, text):
    assert text in placement(start, end)


# --- stop notices -----------------------------------------------------------------------------


def stop(einddatum, today=date(2027, 6, 1)):
    return rules.stop_problem(einddatum=einddatum, startdatum=T_START, einddatum_gepland=T_END, today=today)


def test_stop_dates_that_pass():
    assert stop(date(2027, 6, 1)) is None  # today
    assert stop(T_START, today=T_START) is None  # on the first day
    assert stop(T_END, today=date(2029, 3, 1)) is None  # on the planned end, reported later


@pytest.mark.parametrize(
    ("einddatum", "today", "text"),
    [
        (date(2026, 1, 14), date(2027, 6, 1), "vóór de startdatum"),
        (date(2029, 1, 15), date(2029, 3, 1), "na de geplande einddatum"),
        (date(2027, 6, 2), date(2027, 6, 1), "vooruit"),
    ],
)
def test_stop_refused(einddatum, today, text):
    assert text in stop(einddatum, today=today)


def test_a_settlement_reopens_to_the_state_it_was_closed_from():
    assert rules.TRAJECT.uitkomsten("heropenen", "afgesloten") == ("beeindigd", "looptijd_verstreken")
    assert rules.TRAJECT.volgende("heropenen", "afgesloten", naar="beeindigd") == "beeindigd"
    with pytest.raises(BusinessRuleError):
        rules.TRAJECT.volgende("heropenen", "afgesloten", naar="actief")
