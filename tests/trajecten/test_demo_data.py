"""demo_data: the accounts of api.md ("Demo accounts") with their organisations, contracts, audits
and trajectbegeleiders, the demo co-financing scheme with budgets; refused where not allowed;
a second run changes nothing."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from schwifty import IBAN

from backoffice import roles
from backoffice.models import Instellingen
from financiering import rules as fin_rules
from financiering import selectors
from financiering.models import (
    Aanbieder,
    Budget,
    Budgetmutatie,
    Gemeente,
    Mandaat,
    Medewerker,
    Modeltrouwmeting,
    Perceel,
    Product,
    Raamovereenkomst,
    Regeling,
    Trajectbegeleider,
)

pytestmark = pytest.mark.django_db
User = get_user_model()

ACCOUNTS = {
    "uwv": roles.UWV_BEOORDELAAR,
    "uwv-2": roles.UWV_BEOORDELAAR,  # decides objections against `uwv`'s decisions (Awb 7:5)
    "uwv-financieel": roles.UWV_FINANCIEEL,
    "uwv-financieel-2": roles.UWV_FINANCIEEL,
    "gemeente-amsterdam": roles.GEMEENTE,
    "gemeente-amsterdam-2": roles.GEMEENTE,
    "gemeente-utrecht": roles.GEMEENTE,
    "gemeente-rotterdam": roles.GEMEENTE,
    "gemeente-den-haag": roles.GEMEENTE,
    "ggz-noord": roles.AANBIEDER,
    "ggz-zuid": roles.AANBIEDER,
    "ribw-oost": roles.AANBIEDER,
    "auditor": roles.AUDITOR,
    "beheer": roles.BEHEERDER,
    "beheer-2": roles.BEHEERDER,  # four eyes on roles
    "privacy": roles.PRIVACY_OFFICER,
}
PROVIDERS = {"ggz-noord": "ggz", "ggz-zuid": "ggz", "ribw-oost": "ribw"}


@pytest.fixture(autouse=True)
def _demo_allowed(settings):
    settings.DEMO_DATA_ALLOWED = True
    # Ten accounts with a real password hash each would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_demo() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> str:
    """demo_data once for the module, in a transaction rolled back at its end (each test's own
    transaction is a savepoint inside it, as in tests/test_demo.py): 15 runs cost 12 s."""
    with (
        django_db_blocker.unblock(),
        override_settings(DEMO_DATA_ALLOWED=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield run_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def aanbieder_of(username: str) -> Aanbieder:
    return User.objects.get(username=username).medewerker.aanbieder


def snapshot() -> dict:
    models = [
        User,
        Medewerker,
        Aanbieder,
        Raamovereenkomst,
        Modeltrouwmeting,
        Trajectbegeleider,
        Regeling,
        Perceel,
        Product,
        Budget,
        Budgetmutatie,
        Gemeente,
        Mandaat,
        Mandaat.gemandateerden.through,
    ]
    counts = {m.__name__: m.objects.count() for m in models}
    for model in (Aanbieder, Raamovereenkomst, Modeltrouwmeting, Trajectbegeleider, Regeling, Budget):
        counts[f"history {model.__name__}"] = model.history.count()
    counts["passwords"] = sorted(User.objects.values_list("password", flat=True))
    counts["groups"] = sorted(User.objects.values_list("username", "groups__name"))
    return counts


def test_loads_reference_data_when_missing(demo):
    assert Gemeente.objects.count() == 342
    assert Regeling.objects.filter(code__in=["uwv-ips", "gemeente-ips-2023", "cmd-2019", "nah-pilot"]).count() == 4


def test_ten_accounts_with_password_demo_and_one_role_each(demo):
    assert set(User.objects.values_list("username", flat=True)) == set(ACCOUNTS)
    for username, role in ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo"), username
        assert list(user.groups.values_list("name", flat=True)) == [role], username
        assert not user.is_superuser
        assert user.is_staff == username.startswith("beheer")


def test_gemeente_accounts_see_their_own_gemeente(demo):
    assert list(
        User.objects.get(username="gemeente-amsterdam").medewerker.gemeenten.values_list("code", flat=True)
    ) == ["0363"]
    assert list(User.objects.get(username="gemeente-utrecht").medewerker.gemeenten.values_list("code", flat=True)) == [
        "0344"
    ]
    for username in ("uwv", "uwv-financieel", "uwv-financieel-2", "auditor", "beheer"):
        assert not Medewerker.objects.filter(user__username=username, aanbieder__isnull=False).exists()


def test_gemeente_accounts_decide_under_their_gemeentes_mandate(demo):
    """domain.md 6: a beschikking rests on a mandate; the demo accounts have a valid one."""
    today = timezone.localdate()
    for username, code in (("gemeente-amsterdam", "0363"), ("gemeente-utrecht", "0344")):
        user = User.objects.get(username=username)
        mandaat = selectors.geldig_mandaat(user, Gemeente.objects.get(code=code).pk, today)
        assert mandaat is not None and mandaat.gemeente.code == code, username
        assert mandaat.naam == "Mandaatbesluit Participatiewet (demo)"
    # the demo scheme follows the default: the beschikking is the grant
    assert Regeling.objects.get(code="demo-gemeente-cofinanciering").uwv_akkoord_na_beschikking is False
    assert not Regeling.objects.filter(uwv_akkoord_na_beschikking=True).exists()


def test_three_providers_with_valid_identifiers(demo):
    aanbieders = {username: aanbieder_of(username) for username in PROVIDERS}
    assert len({a.pk for a in aanbieders.values()}) == 3
    for username, type_ in PROVIDERS.items():
        aanbieder = aanbieders[username]
        assert aanbieder.type == type_
        assert len(aanbieder.kvk_nummer) == 8 and aanbieder.kvk_nummer.isdigit()
        assert len(aanbieder.agb_code) == 8 and aanbieder.agb_code.isdigit()
        iban = IBAN(aanbieder.iban)
        assert iban.country_code == "NL"
        account = iban.account_code
        assert sum(int(d) * w for d, w in zip(account, range(10, 0, -1), strict=True)) % 11 == 0


def test_contracts_only_for_the_uwv_lots_the_type_allows(demo):
    def lots(username):
        return set(
            Raamovereenkomst.objects.filter(aanbieder=aanbieder_of(username), status="actief").values_list(
                "perceel__code", flat=True
            )
        )

    assert lots("ggz-noord") == {"uwv-ips-epa", "uwv-ips-cmd"}
    assert lots("ggz-zuid") == {"uwv-ips-epa", "uwv-ips-cmd"}
    assert lots("ribw-oost") == {"uwv-ips-epa"}  # a RIBW only for the first lot (seed 001, L713)
    today = timezone.localdate()
    ribw = aanbieder_of("ribw-oost")
    assert selectors.has_active_contract(ribw, Perceel.objects.get(code="uwv-ips-epa"), today)
    assert not selectors.has_active_contract(ribw, Perceel.objects.get(code="uwv-ips-cmd"), today)
    assert set(Raamovereenkomst.objects.values_list("van", flat=True)) == {date(2024, 1, 1)}


def test_audits_of_this_year_banded_goed(demo):
    today = timezone.localdate()
    for username in PROVIDERS:
        aanbieder = aanbieder_of(username)
        meting = Modeltrouwmeting.objects.get(aanbieder=aanbieder)
        assert meting.versie.code == "ips-26"
        assert meting.band == "goed" and 100 <= meting.totaal <= 114
        assert meting.totaal == sum(meting.scores.values()) and len(meting.scores) == 26
        assert meting.datum.year == today.year and meting.datum <= today
        assert meting.geregistreerd_door.username == "auditor"
        assert selectors.modeltrouw_oordeel(aanbieder, today, Instellingen.get()) == fin_rules.Modeltrouw()
        assert meting.auditor_1 and meting.auditor_2 and meting.auditor_1 != meting.auditor_2
        assert meting.scores_auditor_1 == meting.scores and meting.scores_auditor_2 != meting.scores


def test_two_trajectbegeleiders_per_provider(demo):
    for username in PROVIDERS:
        begeleiders = Trajectbegeleider.objects.filter(aanbieder=aanbieder_of(username), actief=True)
        assert sorted(begeleiders.values_list("fte", flat=True)) == [Decimal("0.80"), Decimal("1.00")]


def test_demo_cofinancing_scheme_and_budgets(demo):
    today = timezone.localdate()
    regeling = Regeling.objects.get(code="demo-gemeente-cofinanciering")
    assert regeling.routes == ["gemeente"] and not regeling.raamovereenkomst_vereist
    assert (regeling.aanvraag_vanaf, regeling.aanvraag_tot) == (date(today.year, 1, 1), None)
    assert regeling.cofinanciering_aandeel == Decimal("0.50")
    assert regeling.max_per_gemeente == 5

    epa = Perceel.objects.get(code="demo-gemeente-cofinanciering-epa")
    assert (epa.doelgroep, epa.basisduur_maanden, epa.max_verlenging_maanden) == ("epa", 36, 0)
    assert epa.toegestane_aanbiedertypen == ["ggz", "ribw"]
    cmd = Perceel.objects.get(code="demo-gemeente-cofinanciering-cmd")
    assert (cmd.doelgroep, cmd.basisduur_maanden, cmd.max_verlenging_maanden) == ("cmd", 24, 12)
    assert cmd.toegestane_aanbiedertypen == ["ggz"]
    for perceel in (epa, cmd):
        assert selectors.trajectprijs_on(perceel, today) == Decimal("8000.00")
        assert sorted(perceel.producten.values_list("code", "aandeel")) == [
            ("periode", Decimal("0.40")),
            ("plaatsing", Decimal("0.20")),
            ("start", Decimal("0.40")),
        ]

    budgets = Budget.objects.filter(regeling=regeling, jaar=today.year)
    assert sorted(budgets.values_list("gemeente__code", "toegekend", "gereserveerd", "gerealiseerd")) == [
        ("0344", Decimal("100000.00"), Decimal("0.00"), Decimal("0.00")),
        ("0363", Decimal("100000.00"), Decimal("0.00"), Decimal("0.00")),
        ("0518", Decimal("100000.00"), Decimal("0.00"), Decimal("0.00")),
        ("0599", Decimal("100000.00"), Decimal("0.00"), Decimal("0.00")),
    ]
    for budget in budgets:
        assert list(budget.mutaties.values_list("soort", "bedrag")) == [("toekenning", Decimal("100000.00"))]


def test_beheer_may_configure_but_not_see_case_data(demo):
    beheer = User.objects.get(username="beheer")
    assert beheer.is_staff
    for perm in (
        "financiering.change_regeling",
        "financiering.change_perceel",
        "financiering.change_trajectprijs",
        "financiering.change_aanbieder",
        "financiering.change_band",
        "backoffice.change_instellingen",
        "backoffice.change_user",
        "backoffice.add_roltoekenning",
        "auth.view_group",
        "knox.delete_authtoken",
        "axes.delete_accessattempt",
    ):
        assert beheer.has_perm(perm), perm
    assert not beheer.has_perm("trajecten.view_deelnemer")
    assert not beheer.has_perm("auth.change_group")  # roles change only through four eyes
    assert not User.objects.get(username="uwv").has_perm("financiering.change_regeling")


def test_prints_the_accounts_table(demo):
    for username in ACCOUNTS:
        assert username in demo
    assert "Amsterdam (0363)" in demo and "RIBW Oost (demo)" in demo
    assert "demo" in demo.splitlines()[-1]


def test_second_run_changes_nothing(demo):
    before = snapshot()
    output = run_demo()
    assert snapshot() == before
    assert "niets gewijzigd" in output


def test_rerun_restores_a_forgotten_password_only(demo):
    user = User.objects.get(username="ggz-zuid")
    user.set_password("iets-anders")
    user.save()
    run_demo()
    user.refresh_from_db()
    assert user.check_password("demo")
