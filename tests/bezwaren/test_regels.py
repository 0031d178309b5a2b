"""The rules of filing, deciding and withdrawing an Awb objection, one test per rule: who may file
(only the party the decision concerns; another provider's decision is a 404, a role without it a
403), only against a final decision, one open objection per decision, the six-week term (later
only with a reason), reasons required, the body that decided decides but not the person who took
the decision (Awb 7:5), the extension of the term once, withdrawal by the provider."""

import datetime

import pytest
from django.http import Http404

from backoffice.errors import BusinessRuleError
from bezwaren import permissions, rules, selectors, services
from tests.declaraties.geld_helpers import moment
from tests.trajecten.helpers import filed_aanvraag

from .helpers import afgewezen_aanvraag, indienen

pytestmark = pytest.mark.django_db
D = datetime.date


def refusal(fn, *args, **kwargs) -> BusinessRuleError:
    with pytest.raises(BusinessRuleError) as exc:
        fn(*args, **kwargs)
    return exc.value


def test_the_terms_of_the_awb():
    assert rules.termijn_einde(D(2026, 3, 2)) == D(2026, 4, 13)
    assert not rules.te_laat(datum_besluit=D(2026, 3, 2), ingediend=D(2026, 4, 13))  # the last day is on time
    assert rules.te_laat(datum_besluit=D(2026, 3, 2), ingediend=D(2026, 4, 14))
    # Awb 7:10: six weeks from the end of the objection term, not from receipt; a late one from receipt
    assert rules.beslistermijn(datum_besluit=D(2026, 3, 2), ontvangen=D(2026, 3, 10), weken=6) == D(2026, 5, 25)
    assert rules.beslistermijn(datum_besluit=D(2026, 3, 2), ontvangen=D(2026, 5, 1), weken=6) == D(2026, 6, 12)
    assert rules.nummer(42) == "BZ-000042"


def test_only_the_provider_the_decision_concerns_may_object(w):
    aanvraag = afgewezen_aanvraag(w)
    other = refusal(indienen, w, "aanvraag", aanvraag, by=w.ggz_zuid)
    assert (other.code, other.status) == ("niet-gevonden", 404)  # as for one that does not exist
    gemeente = refusal(indienen, w, "aanvraag", aanvraag, by=w.gem_amsterdam)
    assert (gemeente.code, gemeente.status) == ("geen-rol", 403)  # a gemeente does not object here
    assert refusal(indienen, w, "aanvraag", None).status == 404
    assert not permissions.can_indienen(w.ggz_zuid, "aanvraag", aanvraag)[0]
    assert permissions.can_indienen(w.ggz_noord, "aanvraag", aanvraag) == (True, "")


def test_only_against_a_final_decision(w):
    aanvraag = filed_aanvraag(w, perceel="demo-gem-epa")  # still waiting
    exc = refusal(indienen, w, "aanvraag", aanvraag)
    assert (exc.code, exc.status) == ("geen-besluit", 409)
    assert refusal(indienen, w, "onzin", aanvraag).code == "ongeldige-invoer"


def test_reasons_are_required(w):
    exc = refusal(indienen, w, "aanvraag", afgewezen_aanvraag(w), gronden="  ")
    assert (exc.code, exc.status, exc.field) == ("gronden-verplicht", 400, "gronden")


def test_one_open_objection_per_decision_and_none_after_it_was_decided(w):
    aanvraag = afgewezen_aanvraag(w)
    bezwaar = indienen(w, "aanvraag", aanvraag)
    assert refusal(indienen, w, "aanvraag", aanvraag).code == "bezwaar-loopt-al"
    services.bezwaar_intrekken(by=w.ggz_noord, bezwaar=bezwaar)
    tweede = indienen(w, "aanvraag", aanvraag)  # after a withdrawal it may be filed again
    services.bezwaar_beslissen(by=w.gem2, bezwaar=tweede, uitkomst="ongegrond", toelichting="Terecht afgewezen.")
    assert refusal(indienen, w, "aanvraag", aanvraag).code == "bezwaar-al-beslist"


def test_after_six_weeks_only_with_a_reason_for_the_delay(w, clock):
    aanvraag = afgewezen_aanvraag(w)
    clock.move_to(moment(D(2026, 4, 13)))
    op_tijd = indienen(w, "aanvraag", aanvraag)
    assert not op_tijd.te_laat
    services.bezwaar_intrekken(by=w.ggz_noord, bezwaar=op_tijd)

    clock.move_to(moment(D(2026, 4, 14)))
    exc = refusal(indienen, w, "aanvraag", aanvraag)
    assert (exc.code, exc.field) == ("bezwaartermijn-verstreken", "redenTermijnoverschrijding")
    assert "13-04-2026" in exc.message
    laat = indienen(w, "aanvraag", aanvraag, reden_termijnoverschrijding="Het besluit kwam pas op 10 april aan.")
    assert (laat.te_laat, laat.reden_termijnoverschrijding) == (True, "Het besluit kwam pas op 10 april aan.")
    assert laat.beslistermijn == D(2026, 5, 26)


def test_the_body_that_decided_decides_but_not_who_took_the_decision(w):
    bezwaar = indienen(w, "aanvraag", afgewezen_aanvraag(w))
    assert bezwaar.besluit_genomen_door == w.gem_amsterdam
    zelfde = refusal(
        services.bezwaar_beslissen, by=w.gem_amsterdam, bezwaar=bezwaar, uitkomst="gegrond", toelichting="x"
    )
    assert (zelfde.code, zelfde.status) == ("vier-ogen", 403)
    assert "Awb 7:5" in zelfde.message
    uwv = refusal(services.bezwaar_beslissen, by=w.uwv, bezwaar=bezwaar, uitkomst="gegrond", toelichting="x")
    assert (uwv.code, uwv.status) == ("geen-rol", 403)  # UWV did not take the gemeente's decision
    utrecht = refusal(
        services.bezwaar_beslissen, by=w.gem_utrecht, bezwaar=bezwaar, uitkomst="gegrond", toelichting="x"
    )
    assert utrecht.status == 404
    aanbieder = refusal(
        services.bezwaar_beslissen, by=w.ggz_noord, bezwaar=bezwaar, uitkomst="gegrond", toelichting="x"
    )
    assert aanbieder.status == 403
    motivering = refusal(services.bezwaar_beslissen, by=w.gem2, bezwaar=bezwaar, uitkomst="gegrond", toelichting="")
    assert motivering.code == "toelichting-verplicht"
    assert (
        refusal(services.bezwaar_beslissen, by=w.gem2, bezwaar=bezwaar, uitkomst="half", toelichting="x").status == 400
    )
    assert permissions.can_beslissen(w.gem2, bezwaar) == (True, "")
    assert not permissions.can_beslissen(w.gem_amsterdam, bezwaar)[0]


def test_niet_ontvankelijk_and_no_second_decision(w):
    bezwaar = indienen(w, "aanvraag", afgewezen_aanvraag(w))
    bezwaar = services.bezwaar_beslissen(
        by=w.gem2, bezwaar=bezwaar, uitkomst="niet_ontvankelijk", toelichting="Geen belang bij het bezwaar."
    )
    assert bezwaar.status == "niet_ontvankelijk"
    exc = refusal(services.bezwaar_beslissen, by=w.gem2, bezwaar=bezwaar, uitkomst="gegrond", toelichting="x")
    assert exc.code == "ongeldige-status"
    assert refusal(services.bezwaar_intrekken, by=w.ggz_noord, bezwaar=bezwaar).code == "ongeldige-status"


def test_the_body_extends_the_term_once_with_a_reason(w):
    bezwaar = indienen(w, "aanvraag", afgewezen_aanvraag(w))
    assert refusal(services.bezwaar_verdagen, by=w.gem2, bezwaar=bezwaar, reden="").code == "toelichting-verplicht"
    assert refusal(services.bezwaar_verdagen, by=w.ggz_noord, bezwaar=bezwaar, reden="x").status == 403
    bezwaar = services.bezwaar_verdagen(by=w.gem2, bezwaar=bezwaar, reden="Advies van de jurist nodig.")
    assert (bezwaar.status, bezwaar.beslistermijn) == ("verdaagd", D(2026, 7, 6))
    assert refusal(services.bezwaar_verdagen, by=w.gem2, bezwaar=bezwaar, reden="nog eens").code == "ongeldige-status"
    bezwaar = services.bezwaar_beslissen(by=w.gem2, bezwaar=bezwaar, uitkomst="ongegrond", toelichting="Terecht.")
    assert bezwaar.status == "ongegrond"


def test_the_provider_withdraws_its_own_objection(w):
    bezwaar = indienen(w, "aanvraag", afgewezen_aanvraag(w))
    assert refusal(services.bezwaar_intrekken, by=w.ggz_zuid, bezwaar=bezwaar).status == 404
    assert refusal(services.bezwaar_intrekken, by=w.gem2, bezwaar=bezwaar).status == 403
    bezwaar = services.bezwaar_intrekken(by=w.ggz_noord, bezwaar=bezwaar)
    assert (bezwaar.status, bezwaar.ingetrokken_door) == ("ingetrokken", w.ggz_noord)
    reasons = list(
        bezwaar.history.order_by("history_date", "history_id").values_list("history_change_reason", "status")
    )
    assert reasons == [
        ("bezwaar ingediend door de aanbieder", "ingediend"),
        ("bezwaar ingetrokken door de aanbieder", "ingetrokken"),
    ]


def test_each_side_sees_only_its_own_objections(w):
    bezwaar = indienen(w, "aanvraag", afgewezen_aanvraag(w))
    for user in (w.ggz_noord, w.gem_amsterdam, w.gem2):
        assert selectors.bezwaar_get(user, bezwaar.uuid) == bezwaar
    for user in (w.ggz_zuid, w.gem_utrecht, w.uwv, w.uwv_fin, w.auditor, w.beheer):
        with pytest.raises(Http404):
            selectors.bezwaar_get(user, bezwaar.uuid)
    assert list(selectors.bezwaren_tegen(w.ggz_noord, bezwaar.object_uuid)) == [bezwaar]
