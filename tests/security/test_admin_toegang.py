"""The admin as every role: only a staff account gets in, and the beheerder reaches exactly the
models of load_reference_data (configuration to edit; budgets, fidelity audits and the BSN lookups
to read), never case data with personal data (participants, applications, trajectories,
declarations, payment orders, claims). Every registered model is walked, so a new one is covered."""

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from financiering.management.commands.load_reference_data import (
    BEHEERDER_BEKIJKT,
    BEHEERDER_BEWERKT,
    BEHEERDER_VERWIJDERT,
)

pytestmark = pytest.mark.django_db


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_the_beheerder_gets_in_and_only_to_configuration(world):
    call_command("load_reference_data", stdout=StringIO())
    world.beheer.is_staff = True
    world.beheer.save(update_fields=["is_staff"])
    allowed = {(app, model) for app, models in BEHEERDER_BEWERKT.items() for model in models}
    allowed |= {(app, model) for app, models in BEHEERDER_BEKIJKT.items() for model in models}
    allowed |= {(app, model) for app, models in BEHEERDER_VERWIJDERT.items() for model in models}
    beheer = _web(world.beheer)
    others = [_web(getattr(world, name)) for name in ("ggz_noord", "gem_amsterdam", "uwv", "uwv_fin", "auditor")]
    checked = 0
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        status = beheer.get(url).status_code
        if (opts.app_label, opts.model_name) in allowed:
            assert status in (200, 302), (url, status)  # Instellingen redirects to its one row
        else:
            assert status == 403, (url, status)
        for client in others:
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
        checked += 1
    assert checked >= 30
