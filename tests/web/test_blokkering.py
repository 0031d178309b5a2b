"""The lockout and the four eyes on roles in the browser (docs/security.md sections 8 and 9)."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from backoffice import roles
from backoffice.models import RolToekenning, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("IPS_SCREENSHOTS")  # a folder: save what the tests saw


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_login_page_says_in_dutch_that_the_account_is_locked(
    world, live_server, browser, settings, assert_accessible
):
    settings.AXES_FAILURE_LIMIT = 2
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    try:
        for password in ("fout", "fout", "geheim-wachtwoord"):
            page.goto(f"{live_server.url}/inloggen")
            page.get_by_label("Gebruikersnaam").fill("ggz-noord")
            page.get_by_label("Wachtwoord").fill(password)
            with page.expect_response(lambda r: r.url.endswith("/inloggen") and r.request.method == "POST") as answer:
                page.get_by_role("button", name="Inloggen").click()
        assert answer.value.status == 429
        assert "Te veel mislukte inlogpogingen" in page.locator("form").inner_text()
        assert page.url.endswith("/inloggen")  # the right password did not get in
        assert_accessible(page)
        _shot(page, "inloggen-geblokkeerd")
    finally:
        context.close()


def test_a_beheerder_requests_a_role_and_a_second_one_approves_it(world, live_server, page_as):
    call_command("load_reference_data", verbosity=0)
    tweede = make_user(roles.BEHEERDER, username="beheer-2")
    for user in (world.beheer, tweede):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    nieuw = User.objects.create_user("nieuwe-collega")

    page = page_as("beheer")
    page.goto(f"{live_server.url}/admin/backoffice/roltoekenning/add/")
    page.locator("#id_gebruiker").select_option(label="nieuwe-collega")
    page.locator("#id_rol").select_option(roles.UWV_FINANCIEEL)
    page.locator("#id_toelichting").fill("nieuwe collega financiën")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("Een tweede beheerder keurt de aanvraag goed")
    _shot(page, "roltoekenning-aangevraagd")
    # the requester's own approval is refused, with the reason
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("goedkeuren")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("Wie de rol aanvroeg, beslist er niet over")

    second = page_as("beheer-2")
    second.goto(f"{live_server.url}/admin/backoffice/roltoekenning/")
    second.locator("input[name=_selected_action]").first.check()
    second.locator("select[name=action]").select_option("goedkeuren")
    second.locator("button[name=index]").click()
    expect(second.locator(".messagelist")).to_contain_text("rol toegekend")
    _shot(second, "roltoekenning-goedgekeurd")
    assert RolToekenning.objects.get().status == "goedgekeurd"
    assert roles.has_role(User.objects.get(pk=nieuw.pk), roles.UWV_FINANCIEEL)
