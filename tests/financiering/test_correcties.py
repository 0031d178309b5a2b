"""The corrections of issue 11 (item 2) to the configuration: the Inkoopkader CMD lot has no
extension (a data migration that leaves existing extensions alone), the bands per scale version
(none for IPS-25), no re-integration company in the Inkoopkader, and the employment specialist's
clients funded elsewhere (domain.md 3 and 4)."""

import datetime
import importlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps

from backoffice.errors import BusinessRuleError
from financiering import services
from financiering.models import Band, Perceel, Trajectbegeleider
from tests.factories import (
    ModeltrouwmetingFactory,
    PerceelFactory,
    RegelingFactory,
    TrajectbegeleiderFactory,
    TrajectFactory,
    VerlengingFactory,
    ips25,
    ips26,
)
from trajecten import services as traject_services
from trajecten.models import Traject, Verlenging

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2026, 6, 17, 10, tzinfo=ZoneInfo("Europe/Amsterdam")), tick=False) as t:
        yield t


def migratie():
    """The data migration of this correction, found by its name (the integrator may renumber it)."""
    [path] = Path(__file__).resolve().parents[2].glob("financiering/migrations/*_correcties.py")
    return importlib.import_module(f"financiering.migrations.{path.stem}")


# --- 1. the Inkoopkader CMD lot: 24 months, no extension ----------------------------------------


def test_migration_takes_the_extension_off_the_cmd_lot_and_leaves_existing_extensions(world):
    cmd_2019 = PerceelFactory(regeling=RegelingFactory(code="cmd-2019"), code="cmd-2019-cmd", cmd=True)
    verlengd = VerlengingFactory(goedgekeurd=True, maanden=6)  # on the world's uwv-ips-cmd lot (24 + 12)
    assert verlengd.traject.perceel.code == "uwv-ips-cmd"
    traject = Traject.objects.get(pk=verlengd.traject_id)
    before = (traject.einddatum_gepland, traject.verlengd_maanden, verlengd.status, verlengd.maanden)

    migratie().cmd_zonder_verlenging(django_apps, None)
    migratie().cmd_zonder_verlenging(django_apps, None)  # a second run changes nothing

    cmd = Perceel.objects.get(code="uwv-ips-cmd")
    assert cmd.max_verlenging_maanden == 0 and cmd.basisduur_maanden == 24
    assert [h.history_change_reason for h in cmd.history.all()[:1]] == [
        "Inkoopkader CMD: 24 maanden zonder verlenging (issue 11, migratie 0005)"
    ]
    assert cmd.history.filter(history_change_reason__startswith="Inkoopkader CMD").count() == 1
    assert Perceel.objects.get(pk=cmd_2019.pk).max_verlenging_maanden == 12  # the 2019 scheme keeps 24 + 12
    traject.refresh_from_db()
    verlengd.refresh_from_db()
    assert (traject.einddatum_gepland, traject.verlengd_maanden, verlengd.status, verlengd.maanden) == before

    # A new request on the lot is refused with the existing code.
    with pytest.raises(BusinessRuleError) as refused:
        traject_services.verlenging_request(
            by=world.ggz_noord, traject=traject, maanden=3, toelichting="Nog even door."
        )
    assert refused.value.code == "looptijd-overschreden"
    assert "kent geen verlenging" in refused.value.message
    assert Verlenging.objects.filter(traject=traject).count() == 1


def test_extension_refused_on_the_seeded_cmd_lot_and_allowed_on_the_2019_scheme(world):
    """Through the API: ``uwv-ips-cmd`` as the reference data now seeds it (no extension)."""
    Perceel.objects.filter(code="uwv-ips-cmd").update(max_verlenging_maanden=0)
    traject = TrajectFactory(doelgroep="cmd")
    response = world.client(world.ggz_noord).post(
        f"/api/v1/trajecten/{traject.uuid}/verlengingen", {"maanden": 6, "toelichting": "Nodig."}, format="json"
    )
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "looptijd-overschreden"
    assert "Dit perceel kent geen verlenging." in response.json()["detail"]


def test_the_epa_lot_is_36_months_without_extension_by_default():
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    epa = Perceel.objects.get(code="uwv-ips-epa")
    assert (epa.basisduur_maanden, epa.max_verlenging_maanden) == (36, 0)
    cmd = Perceel.objects.get(code="uwv-ips-cmd")
    assert (cmd.basisduur_maanden, cmd.max_verlenging_maanden) == (24, 0)
    cmd_2019 = Perceel.objects.get(code="cmd-2019-cmd")
    assert (cmd_2019.basisduur_maanden, cmd_2019.max_verlenging_maanden) == (24, 12)


# --- 2. bands per scale version --------------------------------------------------------------


def _ips25_met_banden():
    versie = ips25()
    for code, low, high in (("geen_ips", 25, 73), ("redelijk", 74, 99), ("goed", 100, 114), ("voorbeeldig", 115, 125)):
        Band.objects.create(versie=versie, code=code, naam=code, ondergrens=low, bovengrens=high)
    return versie


def test_migration_removes_the_seeded_ips25_bands_when_no_audit_carries_them():
    _ips25_met_banden()
    ModeltrouwmetingFactory(niet_ingedeeld=True)  # an audit on IPS-25 without band does not hold them
    migratie().ips25_zonder_banden(django_apps, None)
    assert not Band.objects.filter(versie__code="ips-25").exists()


def test_migration_keeps_ips25_bands_that_audits_carry():
    versie = _ips25_met_banden()
    ModeltrouwmetingFactory(versie=versie, scores={str(i): 4 for i in range(1, 26)}, totaal=100, band="goed")
    migratie().ips25_zonder_banden(django_apps, None)
    assert Band.objects.filter(versie=versie).count() == 4


def test_migration_sets_the_26_item_bands_right():
    versie = ips26()
    Band.objects.filter(versie=versie, code="geen_ips").update(bovengrens=74)
    Band.objects.filter(versie=versie, code="redelijk").update(ondergrens=75)
    Band.objects.filter(versie=versie, code="voorbeeldig").delete()
    migratie().ips26_banden(django_apps, None)
    bands = {b.code: (b.ondergrens, b.bovengrens) for b in Band.objects.filter(versie=versie)}
    assert bands == {"geen_ips": (26, 73), "redelijk": (74, 99), "goed": (100, 114), "voorbeeldig": (115, 130)}


def test_the_seed_files_have_no_ips25_bands_and_no_cmd_extension():
    import json

    data = Path(__file__).resolve().parents[2] / "financiering" / "data"
    schalen = {v["code"]: v for v in json.loads((data / "modeltrouwschalen.json").read_text())["schaalversies"]}
    assert schalen["ips-25"]["banden"] == []
    percelen = {
        p["code"]: p for r in json.loads((data / "regelingen.json").read_text())["regelingen"] for p in r["percelen"]
    }
    assert percelen["uwv-ips-cmd"]["max_verlenging_maanden"] == 0
    assert percelen["cmd-2019-cmd"]["max_verlenging_maanden"] == 12


# --- 6. a re-integration company is not in the Inkoopkader -------------------------------------


def _lot(**overrides):
    return {
        "code": "nieuw-perceel",
        "naam": "Nieuw perceel",
        "doelgroep": "epa",
        "basisduur_maanden": 24,
        "toegestane_aanbiedertypen": ["ggz", "reintegratie"],
        **overrides,
    }


def test_a_lot_with_framework_contracts_may_not_allow_a_reintegration_company(world):
    response = world.client(world.beheer).post(
        "/api/v1/regelingen",
        {
            "code": "kader-2",
            "naam": "Kader 2",
            "routes": ["uwv"],
            "raamovereenkomstVereist": True,
            "percelen": [_lot()],
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "aanbiedertype-niet-toegestaan"
    assert "re-integratiebedrijf" in response.json()["detail"]
    assert response.json()["invalidParams"][0]["name"] == "toegestaneAanbiedertypen"
    # adding the type to the Inkoopkader's lot later is refused too
    response = world.client(world.beheer).patch(
        f"/api/v1/regelingen/{world.uwv_regeling.uuid}",
        {"percelen": [{"code": "uwv-ips-epa", "toegestaneAanbiedertypen": ["ggz", "ribw", "reintegratie"]}]},
        format="json",
    )
    assert response.status_code == 400
    assert Perceel.objects.get(code="uwv-ips-epa").toegestane_aanbiedertypen == ["ggz", "ribw"]


def test_a_subsidy_scheme_may_allow_a_reintegration_company(world):
    regeling = services.regeling_create(
        by=world.beheer,
        data={"code": "subsidie-x", "naam": "Subsidie X", "routes": ["gemeente"], "percelen": [_lot()]},
    )
    assert regeling.percelen.get().toegestane_aanbiedertypen == ["ggz", "reintegratie"]


# --- 5. clients funded elsewhere --------------------------------------------------------------


def test_the_provider_sets_the_clients_elsewhere_of_its_own_specialist(world):
    begeleider = world.begeleider_noord
    url = f"/api/v1/trajectbegeleiders/{begeleider.uuid}"
    response = world.client(world.ggz_noord).patch(url, {"clientenElders": 7}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["clientenElders"] == 7
    assert Trajectbegeleider.objects.get(pk=begeleider.pk).clienten_elders == 7
    laatste = begeleider.history.first()
    assert (laatste.history_change_reason, laatste.history_user) == (
        "cliënten elders bijgewerkt door de aanbieder",
        world.ggz_noord,
    )
    assert world.client(world.uwv).get(url).json()["clientenElders"] == 7

    response = world.client(world.ggz_noord).patch(url, {"clientenElders": -1}, format="json")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "clientenElders"
    assert world.client(world.ggz_zuid).patch(url, {"clientenElders": 3}, format="json").status_code == 404
    assert world.client(world.uwv).patch(url, {"clientenElders": 3}, format="json").status_code == 403
    assert Trajectbegeleider.objects.get(pk=begeleider.pk).clienten_elders == 7


def test_clients_elsewhere_are_never_negative_in_the_database(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TrajectbegeleiderFactory(aanbieder=world.noord, clienten_elders=-1)
