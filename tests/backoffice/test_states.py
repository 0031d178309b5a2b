"""The one state machine mechanism (backoffice/states.py): the coded refusal, the sets for
set-based moves, the actions allowed from a state, outcomes computed from amounts, and the
drawing of every table in docs/states.md."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from backoffice.errors import BusinessRuleError
from backoffice.states import Toestandsmachine

LAMP = Toestandsmachine(
    "lamp",
    {
        "aanzetten": {"uit": "aan"},
        "uitzetten": {"aan": "uit", "knippert": "uit"},
        "storing": {"aan": ("knippert", "kapot")},
    },
    {"aanzetten": "aanzetten"},
)


def machines() -> dict[str, Toestandsmachine]:
    """Every table in the code: the ``Toestandsmachine``s of each app's ``rules.py``."""
    found = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.rules")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if isinstance(value, Toestandsmachine):
                found[f"{config.name}.rules.{name}"] = value
    return found


def test_a_move_the_table_allows_gives_the_next_state():
    assert LAMP.volgende("aanzetten", "uit") == "aan"
    assert LAMP.volgende("uitzetten", "knippert") == "uit"


def test_a_move_the_table_does_not_allow_is_refused_with_ongeldige_status_naming_the_state():
    with pytest.raises(BusinessRuleError) as exc:
        LAMP.volgende("aanzetten", "aan")
    assert (exc.value.code, exc.value.status) == ("ongeldige-status", 409)
    assert exc.value.message == "U kunt een lamp met status 'aan' niet aanzetten."
    with pytest.raises(BusinessRuleError) as exc:
        LAMP.volgende("uitzetten", "uit")
    assert exc.value.message == "U kunt een lamp met status 'uit' niet uitzetten."  # verb from the action's name


def test_an_outcome_computed_by_the_service_must_be_one_the_table_names():
    assert LAMP.volgende("storing", "aan", naar="kapot") == "kapot"
    with pytest.raises(BusinessRuleError) as exc:
        LAMP.volgende("storing", "aan", naar="uit")
    assert exc.value.code == "ongeldige-status"
    with pytest.raises(ValueError):
        LAMP.volgende("storing", "aan")  # several outcomes: the service must say which
    with pytest.raises(BusinessRuleError):
        LAMP.volgende("aanzetten", "uit", naar="knippert")


def test_van_mogelijk_kan_and_toestanden():
    assert LAMP.van("uitzetten") == ("aan", "knippert")
    assert LAMP.mogelijk("aan") == ["uitzetten", "storing"]
    assert LAMP.mogelijk("kapot") == []
    assert LAMP.kan("aanzetten", "uit") and not LAMP.kan("aanzetten", "aan") and not LAMP.kan("vliegen", "uit")
    assert LAMP.toestanden() == ["uit", "aan", "knippert", "kapot"]


def test_mermaid_draws_one_edge_per_outcome():
    assert LAMP.mermaid().splitlines() == [
        "stateDiagram-v2",
        "    uit --> aan: aanzetten",
        "    aan --> uit: uitzetten",
        "    knippert --> uit: uitzetten",
        "    aan --> knippert: storing",
        "    aan --> kapot: storing",
    ]


def test_every_model_with_a_status_has_its_table():
    names = {name.rsplit(".", 1)[1] for name in machines()}
    assert {
        "ROLTOEKENNING",
        "AANVRAAG",
        "TRAJECT",
        "VERLENGING",
        "PRESTATIE",
        "BETAALOPDRACHT",
        "VORDERING",
        "BEZWAAR",
        "BEZWAARSCHRIFT",
    } <= names


@pytest.mark.parametrize("name", sorted(machines()))
def test_docs_states_md_draws_every_table_as_it_is_in_the_code(name):
    """docs/states.md holds the ``mermaid()`` of every table verbatim: a table changed without its
    drawing fails here (regenerate the block from ``mermaid()``)."""
    text = (Path(settings.BASE_DIR) / "docs" / "states.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{machines()[name].mermaid()}\n```" in text, name


@pytest.mark.django_db
def test_a_role_grant_moves_through_its_table_and_its_history_names_who_and_why(world):
    from backoffice import roles, services
    from backoffice.models import User
    from tests.factories import make_user

    a, b = world.beheer, make_user(roles.BEHEERDER, username="beheer-2")
    gebruiker = User.objects.create_user("nieuw-account", password="x")
    toekenning = services.rol_aanvragen(by=a, gebruiker=gebruiker, rol=roles.UWV_FINANCIEEL)
    services.rol_goedkeuren(by=b, toekenning=toekenning)
    with pytest.raises(BusinessRuleError) as exc:
        services.rol_afwijzen(by=b, toekenning=toekenning)
    assert exc.value.code == "ongeldige-status"
    services.rol_intrekken(by=a, toekenning=toekenning)
    rows = [
        (h.history_user_id, h.history_change_reason, h.status)
        for h in toekenning.history.order_by("history_date", "history_id")
    ]
    assert rows == [
        (a.pk, "rol UWV financieel aangevraagd", "aangevraagd"),
        (b.pk, "rol UWV financieel goedgekeurd (tweede beheerder)", "goedgekeurd"),
        (a.pk, "rol UWV financieel ingetrokken", "ingetrokken"),
    ]
