"""The fast shape check of a declaration (``invoer.snel_invoer``, issue 13) against the serializers
it stands in for: on any body it either answers exactly what ``DeclaratieWriteSerializer`` +
``invoer_uit`` answer, or None (and the serializers then word the problems). It never accepts what
they refuse. Hypothesis mixes valid values with the edge cases of each DRF field."""

from djangorestframework_camel_case.util import camelize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice.parsers import onderstrepen
from declaraties import invoer

TEKST = [
    "R-1",
    " R-1 ",
    "",
    "   ",
    "x" * 20,
    "x" * 21,
    " " + "x" * 20 + " ",
    "a\x00b",
    "é-\ud800",
    "ü",
    5,
    5.5,
    True,
    None,
    ["R"],
]
NUMMER = [7, 1, 0, -3, 999_999_999, 1_000_000_000, "7", "0007", " 7", "7.0", 7.0, True, "²", "", None]
DATUM = [
    "2026-01-01",
    "2026-01-31",
    "2026-01-15",
    "2026-02-30",
    "20260101",
    "2026-1-1",
    "2026-01-01T00:00",
    "",
    None,
    1,
]
GETAL = ["1.00", "1", "31.00", "48.75", "0", "-0", "-1", "1.5", "1.005", "12345678.90", "123456789", "00000001.00",
         "1e2", "NaN", " 1.00", "٣", 1, 0, -1, 10**8, 1.5, True, None]  # fmt: skip
DC = ["D", "C", "d", "X", "", None]
ONTBREEKT = object()


def _misschien(waarden):
    """A value from the list, or the key left out."""
    return st.sampled_from([*waarden, ONTBREEKT])


@st.composite
def _regel(draw) -> dict:
    velden = {
        "product_referentie": draw(_misschien(TEKST)),
        "toewijzing_nummer": draw(_misschien(NUMMER)),
        "product_code": draw(st.sampled_from(["start", "periode", "x" * 31, "", None])),
        "product_periode": draw(
            st.one_of(
                st.fixed_dictionaries({"begindatum": st.sampled_from(DATUM), "einddatum": st.sampled_from(DATUM)}),
                st.sampled_from([None, "2026-01-01", {}, ONTBREEKT]),
            )
        ),
        "geleverd_volume": draw(_misschien(GETAL)),
        "ingediend_bedrag": draw(_misschien(GETAL)),
        "debet_credit": draw(_misschien(DC)),
        "vorig_referentie_nummer": draw(_misschien(["", "  ", "R-0", "x" * 21, None, 3])),
    }
    if draw(st.booleans()):
        velden["onbekend"] = draw(st.sampled_from(["x", None]))
    return {k: v for k, v in velden.items() if v is not ONTBREEKT}


GOED = {
    "product_referentie": "R-1",
    "toewijzing_nummer": 7,
    "product_code": "start",
    "product_periode": {"begindatum": "2026-01-15", "einddatum": "2026-01-15"},
    "geleverd_volume": "1.00",
    "ingediend_bedrag": "3200.00",
}


@st.composite
def _declaratie(draw) -> dict:
    regels = draw(st.lists(st.one_of(st.just(GOED), _regel()), min_size=0, max_size=3))
    body = {
        "declaratie_nummer": draw(st.sampled_from(["D-1", " D-1", "", "x" * 21, 1])),
        "declaratie_periode": draw(
            st.sampled_from(
                [
                    {"begindatum": "2026-01-01", "einddatum": "2026-01-31"},
                    {"begindatum": "2026-01-01", "einddatum": "2026-01-30"},
                    {"begindatum": "2026-01-31", "einddatum": "2026-01-01"},
                    "2026-01",
                ]
            )
        ),
        "prestaties": draw(st.sampled_from([regels, regels, regels, "regels", {}])),
    }
    return body


def _serializers(data):
    write = invoer.DeclaratieWriteSerializer(data=data)
    return invoer.invoer_uit(write.validated_data) if write.is_valid() else None


FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(body=_declaratie())
def test_fast_check_accepts_what_the_serializers_accept_with_the_same_values(body):
    verwacht = _serializers(body)
    snel = invoer.snel_invoer(body)
    if verwacht is None:
        assert snel is None
    elif snel is not None:
        assert repr(snel) == repr(verwacht)  # the same values, to the last decimal place
        assert snel.hash() == verwacht.hash()


@FUZZ
@given(body=_declaratie(), botsing=st.booleans())
def test_fast_check_on_the_keys_as_sent_agrees_with_underscoring_first(body, botsing):
    """The API reads the body's camelCase keys itself; a key the underscoring would turn into another
    (``product_referentie`` next to ``productReferentie``) leaves it to the serializers."""
    camel = camelize(body)
    if botsing and isinstance(camel.get("prestaties"), list) and camel["prestaties"]:
        camel["prestaties"][0] = {**camel["prestaties"][0], "product_referentie": "ANDER"}
    verwacht = _serializers(onderstrepen(camel))
    snel = invoer.snel_invoer(camel, camel=True)
    if verwacht is None:
        assert snel is None
    elif snel is not None:
        assert repr(snel) == repr(verwacht)


def test_a_valid_declaration_takes_the_fast_path():
    body = {
        "declaratieNummer": "D-1",
        "declaratiePeriode": {"begindatum": "2026-01-01", "einddatum": "2026-01-31"},
        "prestaties": [camelize(GOED), {**camelize(GOED), "productReferentie": " R-2 ", "debetCredit": "C",
                                        "vorigReferentieNummer": "R-1", "geleverdVolume": 1}],
    }  # fmt: skip
    snel = invoer.snel_invoer(body, camel=True)
    assert snel is not None
    assert repr(snel) == repr(_serializers(onderstrepen(body)))
