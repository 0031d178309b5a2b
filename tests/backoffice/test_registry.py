"""The apps register their job steps and werkbak sections with the core (backoffice/registry.py,
in each app's apps.py): what an operator reads in a Taakrun and a user sees on the start page comes
out in the same order as when the core named the apps itself."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from backoffice import registry, roles, schedule, werkbak

DAG = dt.date(2026, 4, 1)


@pytest.mark.django_db
def test_each_job_has_its_steps_in_order():
    assert [name for name, _ in schedule.steps_for("nightly", DAG)] == [
        "trajecten_expire",  # first, so that the signals see today's states
        "signalen.traject_eindigt_90",
        "signalen.traject_eindigt_30",
        "signalen.looptijd_verstreken",
        "signalen.eindverslag_ontbreekt",
        "signalen.besluit_te_laat",
        "signalen.caseload_te_hoog",
        "signalen.modeltrouw_verlopen",
        "signalen.budget_bijna_op",
        "signalen.vordering_te_laat",
        "signalen.bezwaar_te_laat",  # bezwaren (40)
        "signalen.bezwaar_termijn_nadert",
        "notificaties",
        "documenten_renderen",
        "bewaartermijn",  # last
    ]
    assert [name for name, _ in schedule.steps_for("weekly", DAG)] == ["betaalopdrachten"]
    assert [name for name, _ in schedule.steps_for("monthly", DAG)] == [
        "vorderingen",
        "vorderingen_herinneren",
        "verwerkingslog_opschonen",
    ]
    assert [name for name, _ in schedule.steps_for("quarterly", DAG)] == ["werkmonitor"]
    with pytest.raises(ValueError):
        schedule.steps_for("yearly", DAG)


def test_a_step_reads_participants_under_its_registered_purpose():
    doelen = {step: registry.stap_doel(step) for step in ("werkmonitor", "betaalopdrachten", "vorderingen_herinneren")}
    assert doelen == {"werkmonitor": "monitoring", "betaalopdrachten": "betalen", "vorderingen_herinneren": "betalen"}
    assert registry.stap_doel("verwerkingslog_opschonen") == "toezicht"
    assert registry.stap_doel("bewaartermijn") == "bewaartermijn"
    assert registry.stap_doel("signalen.budget_bijna_op") == registry.stap_doel("trajecten_expire") == "signalering"


def test_registering_again_adds_nothing_twice():
    before = [e.key for e in registry._job_steps["nightly"]]
    from django.apps import apps

    for label in ("backoffice", "financiering", "trajecten", "declaraties", "bezwaren"):
        apps.get_app_config(label).ready()
    assert [e.key for e in registry._job_steps["nightly"]] == before
    assert len(registry.werkbak_secties(roles.AANBIEDER)) == 4
    # the objection's block on each decision's page (bezwaren/blokken.py), once
    assert [len(registry.pagina_blokken(p)) for p in ("aanvraag", "verlenging", "traject", "declaratie")] == [1] * 4


@pytest.mark.django_db
def test_a_user_with_every_role_sees_the_sections_of_each_role_in_a_fixed_order(world):
    user = world.f.make_user(roles.AANBIEDER, aanbieder=world.noord, username="alles")
    for role in (roles.UWV_BEOORDELAAR, roles.UWV_FINANCIEEL, roles.GEMEENTE, roles.AUDITOR, roles.BEHEERDER):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    assert [s["titel"] for s in werkbak.voor(user)] == [
        # UWV beoordelaar
        "Aanvragen om te beslissen",
        "Verlengingen om te beslissen",
        "Declaratieregels in behandeling",
        "Bezwaren over de beslistermijn",  # bezwaren (40-41)
        "Bezwaren om te beslissen",
        # UWV financieel
        "Betaalrun en vorderingen",  # the jobs to start (backoffice/werkbak_secties.py)
        "Betaalopdrachten te accorderen",
        "Vorderingen over de vervaldatum",
        "Bezwaren van gemeenten op vorderingsregels",
        # gemeente
        "Aanvragen om te beslissen",
        "Verlengingen om te beslissen",
        "Vorderingen om te betalen",
        "Bezwaren over de beslistermijn",
        "Bezwaren om te beslissen",
        # aanbieder
        "Trajecten die binnen 90 dagen eindigen",
        "Eindverslag ontbreekt",
        "Afgewezen declaratieregels (laatste 60 dagen)",
        "Open signalen",
        # auditor, beheerder
        "Aanbieders met een verlopen modeltrouwmeting",
        "Rolaanvragen die op een tweede beheerder wachten",  # four eyes on roles (issue 12)
        "Regelingen die nog niet volledig zijn ingericht",
        "Mislukte taakruns",
        "Laatste taakruns",
    ]
    assert [s["titel"] for s in werkbak.voor(world.auditor)] == ["Aanbieders met een verlopen modeltrouwmeting"]
