"""load_reference_data: the gemeenten, the seeded schemes (domain.md section 4) and the fidelity
scales (section 3) are there after one run, and a second run changes nothing."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from backoffice import roles
from backoffice.models import Instellingen
from financiering import rules, selectors, services
from financiering.models import (
    Band,
    Gemeente,
    Perceel,
    Product,
    Regeling,
    SchaalItem,
    Schaalversie,
    Trajectprijs,
)

pytestmark = pytest.mark.django_db

# code: (regeling, doelgroep, base months, max extension, provider types, price)
PERCELEN = {
    "uwv-ips-epa": ("uwv-ips", "epa", 36, 0, ["ggz", "ribw"], Decimal("8000.00")),
    "uwv-ips-cmd": ("uwv-ips", "cmd", 24, 0, ["ggz"], Decimal("8000.00")),  # no extension (domain.md 4)
    "gemeente-ips-2023-epa": ("gemeente-ips-2023", "epa", 36, 0, ["ggz", "ribw"], Decimal("8000.00")),
    "gemeente-ips-2023-cmd": ("gemeente-ips-2023", "cmd", 24, 0, ["ggz"], Decimal("8000.00")),
    "cmd-2019-cmd": ("cmd-2019", "cmd", 24, 12, ["ggz"], Decimal("8000.00")),
    "nah-pilot-nah": ("nah-pilot", "nah", 12, 0, ["ggz", "nah"], Decimal("4750.00")),
}


def load(*args) -> str:
    out = StringIO()
    call_command("load_reference_data", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Row counts, including the history tables: a rerun that saves unchanged rows shows up here."""
    models = [Gemeente, Regeling, Perceel, Product, Trajectprijs, Schaalversie, SchaalItem, Band, Group, Instellingen]
    counts = {m.__name__: m.objects.count() for m in models}
    for model in (Regeling, Perceel, Product, Trajectprijs, Instellingen):
        counts[f"history {model.__name__}"] = model.history.count()
    counts["rechten beheerder"] = Group.objects.get(name=roles.BEHEERDER).permissions.count()
    return counts


@pytest.fixture
def loaded():
    load()


def test_all_342_gemeenten_with_cbs_codes(loaded):
    assert Gemeente.objects.count() == 342
    amsterdam = Gemeente.objects.get(code="0363")
    assert (amsterdam.naam, amsterdam.provincie, amsterdam.actief_van) == (
        "Amsterdam",
        "Noord-Holland",
        date(2025, 1, 1),
    )
    assert Gemeente.objects.get(code="0344").naam == "Utrecht"
    # Leading zeros are kept and a quoted name with a comma is read whole.
    assert Gemeente.objects.get(naam="Nuenen, Gerwen en Nederwetten").code == "0820"
    assert all(len(code) == 4 and code.isdigit() for code in Gemeente.objects.values_list("code", flat=True))


def test_the_four_seeded_schemes(loaded):
    uwv = Regeling.objects.get(code="uwv-ips")
    assert uwv.naam == "Inkoopkader IPS (UWV)"
    assert uwv.routes == ["uwv"] and uwv.raamovereenkomst_vereist
    assert (uwv.aanvraag_vanaf, uwv.aanvraag_tot) == (date(2023, 1, 1), None)

    gemeente = Regeling.objects.get(code="gemeente-ips-2023")
    assert gemeente.routes == ["gemeente"] and not gemeente.raamovereenkomst_vereist
    assert gemeente.aanvraag_tot == date(2025, 11, 19)

    cmd = Regeling.objects.get(code="cmd-2019")
    assert cmd.routes == ["uwv", "gemeente"] and not cmd.raamovereenkomst_vereist
    assert (cmd.aanvraag_vanaf, cmd.aanvraag_tot) == (date(2019, 5, 1), date(2019, 11, 29))
    assert (cmd.quotum_uwv, cmd.quotum_gemeente, cmd.max_per_gemeente) == (125, 75, 5)
    assert cmd.cofinanciering_aandeel == Decimal("0.50")

    nah = Regeling.objects.get(code="nah-pilot")
    assert nah.routes == ["uwv"] and not nah.raamovereenkomst_vereist
    assert (nah.aanvraag_vanaf, nah.aanvraag_tot) == (date(2024, 1, 1), None)

    assert Regeling.objects.count() == 4


@pytest.mark.parametrize("code", PERCELEN)
def test_lots_with_duration_extension_types_and_price(loaded, code):
    regeling, doelgroep, months, extension, types, price = PERCELEN[code]
    perceel = Perceel.objects.get(code=code)
    assert perceel.regeling.code == regeling
    assert perceel.doelgroep == doelgroep
    assert (perceel.basisduur_maanden, perceel.max_verlenging_maanden) == (months, extension)
    assert perceel.toegestane_aanbiedertypen == types
    # The price holds from the first day of the scheme's window, and today.
    assert selectors.trajectprijs_on(perceel, perceel.regeling.aanvraag_vanaf) == price
    assert selectors.trajectprijs_on(perceel, date(2025, 6, 1)) == price


def test_cmd_2019_price_valid_from_the_window_start(loaded):
    perceel = Perceel.objects.get(code="cmd-2019-cmd")
    assert selectors.trajectprijs_on(perceel, date(2019, 4, 30)) is None
    assert selectors.trajectprijs_on(perceel, date(2019, 5, 1)) == Decimal("8000.00")


@pytest.mark.parametrize("code", PERCELEN)
def test_default_payment_plan_40_40_20(loaded, code):
    producten = {p.code: p for p in Product.objects.filter(perceel__code=code)}
    assert {c: (p.soort, p.aandeel) for c, p in producten.items()} == {
        "start": ("eenmalig", Decimal("0.40")),
        "periode": ("per_maand", Decimal("0.40")),
        "plaatsing": ("na_plaatsing", Decimal("0.20")),
    }
    assert sum(p.aandeel for p in producten.values()) == Decimal("1")
    assert producten["plaatsing"].min_uren_per_week == Decimal("12")


@pytest.mark.parametrize(
    ("code", "items", "domains"),
    [
        ("ips-25", 25, {"Bezetting": 3, "Organisatie": 8, "Begeleiding": 14}),
        ("ips-26", 26, {"Bezetting": 3, "Organisatie": 8, "Begeleiding": 15}),
    ],
)
def test_fidelity_scales(loaded, code, items, domains):
    versie = Schaalversie.objects.get(code=code)
    numbers = list(versie.items.order_by("nummer").values_list("nummer", flat=True))
    assert numbers == list(range(1, items + 1))
    for domein, count in domains.items():
        assert versie.items.filter(domein=domein).count() == count
    assert versie.items.get(nummer=1).omschrijving == "Aantal cliënten"
    assert all(0 < len(o) <= 200 for o in versie.items.values_list("omschrijving", flat=True))


def test_bands_of_the_26_item_scale_and_none_for_ips25(loaded):
    """Bands belong to a scale version (domain.md 3): the 26-item bands of seed 001; the seeds publish
    none for IPS-25, so it has none until a beheerder sets them."""
    versie = Schaalversie.objects.get(code="ips-26")
    bands = {b.code: (b.ondergrens, b.bovengrens) for b in versie.banden.all()}
    assert bands == {"geen_ips": (26, 73), "redelijk": (74, 99), "goed": (100, 114), "voorbeeldig": (115, 130)}
    ranges = selectors.band_ranges(versie.pk)
    assert rules.band_for_total(26, ranges) == "geen_ips"
    assert rules.band_for_total(73, ranges) == "geen_ips"
    assert rules.band_for_total(74, ranges) == "redelijk"
    assert rules.band_for_total(105, ranges) == "goed"  # the CMD programmes after two years (seed 004)
    assert rules.band_for_total(130, ranges) == "voorbeeldig"
    assert not Band.objects.filter(versie__code="ips-25").exists()


def test_scale_items_named_as_in_the_seeds(loaded):
    ips25 = Schaalversie.objects.get(code="ips-25").items
    assert ips25.get(nummer=13).omschrijving == "Openheid"
    assert ips25.get(nummer=21).omschrijving == "Reguliere, betaalde banen"
    assert ips25.get(nummer=25).omschrijving == "Assertieve omgang en outreach"
    ips26 = Schaalversie.objects.get(code="ips-26").items
    assert ips26.get(nummer=23).omschrijving == "Inzet van externe resources"
    assert ips26.get(nummer=26).omschrijving == "Assertieve omgang en outreach"


def test_roles_settings_and_beheerder_rights(loaded):
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    assert Instellingen.objects.filter(pk=1).exists()
    perms = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=roles.BEHEERDER).permissions.select_related("content_type")
    }
    assert {"financiering.change_regeling", "financiering.change_perceel", "backoffice.change_instellingen"} <= perms
    assert {"backoffice.change_user", "auth.view_group", "financiering.change_schaalitem"} <= perms
    # a role's members change through four eyes (RolToekenning), a group not at all by the beheerder
    assert {"backoffice.add_roltoekenning", "knox.delete_authtoken", "axes.delete_accessattempt"} <= perms
    assert "auth.change_group" not in perms
    # Case data stays out of the beheerder's reach.
    assert not any(p.startswith("trajecten.") for p in perms)
    assert "financiering.change_budget" not in perms


def test_second_run_changes_nothing(loaded):
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "niets gewijzigd" in output
    assert "Gemeenten: 342 ongewijzigd" in output


def test_rerun_keeps_what_an_administrator_changed(loaded):
    perceel = Perceel.objects.get(code="uwv-ips-epa")
    services.perceel_set_price(perceel=perceel, bedrag=Decimal("8500.00"), geldig_van=date(2025, 1, 1))
    services.perceel_set_payment_plan(
        perceel=perceel,
        producten=[
            {"code": "start", "soort": "eenmalig", "aandeel": Decimal("0.50")},
            {"code": "periode", "soort": "per_maand", "aandeel": Decimal("0.50")},
        ],
    )
    Regeling.objects.filter(code="gemeente-ips-2023").update(aanvraag_tot=date(2026, 12, 31))

    load()

    assert selectors.trajectprijs_on(perceel, date(2025, 6, 1)) == Decimal("8500.00")
    assert selectors.trajectprijs_on(perceel, date(2024, 6, 1)) == Decimal("8000.00")
    assert set(perceel.producten.values_list("code", flat=True)) == {"start", "periode"}
    assert Regeling.objects.get(code="gemeente-ips-2023").aanvraag_tot == date(2026, 12, 31)


def test_bijwerken_restores_shipped_values_but_not_prices(loaded):
    Regeling.objects.filter(code="gemeente-ips-2023").update(aanvraag_tot=date(2026, 12, 31))
    perceel = Perceel.objects.get(code="uwv-ips-cmd")
    services.perceel_set_price(perceel=perceel, bedrag=Decimal("9000.00"), geldig_van=date(2025, 1, 1))

    output = load("--bijwerken")

    assert Regeling.objects.get(code="gemeente-ips-2023").aanvraag_tot == date(2025, 11, 19)
    assert "Regelingen: 1 bijgewerkt, 3 ongewijzigd" in output
    assert selectors.trajectprijs_on(perceel, date(2025, 6, 1)) == Decimal("9000.00")
