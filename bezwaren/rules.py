"""Pure rules of the Awb objection: its table of allowed transitions and its terms. No database.

- The objection term (*bezwaartermijn*, Awb 6:7/6:8): six weeks from the day after the decision
  was made known; the desk makes a decision known on the day it is taken, so the term ends on
  decision date + 6 weeks. Later only with a reason for the delay (Awb 6:11).
- The decision term (*beslistermijn*, Awb 7:10 lid 1): six weeks (``Instellingen``, configurable)
  from the day after the objection term ended, or from receipt for an objection filed after it;
  the body may extend it once by six weeks with a reason (``verdagen``)."""

from datetime import date, timedelta

from backoffice.states import Toestandsmachine
from trajecten import rules as zaak_rules

VERDAGING = timedelta(weeks=6)  # Awb 7:10 lid 3

SOORTEN = ("aanvraag", "verlenging", "prestatie", "vaststelling")
OPEN = ("ingediend", "verdaagd")
UITKOMSTEN = ("gegrond", "ongegrond", "niet_ontvankelijk")

BEZWAARSCHRIFT = Toestandsmachine(
    "bezwaarschrift",
    {
        "verdagen": {"ingediend": "verdaagd"},
        "gegrond_verklaren": {"ingediend": "gegrond", "verdaagd": "gegrond"},
        "ongegrond_verklaren": {"ingediend": "ongegrond", "verdaagd": "ongegrond"},
        "niet_ontvankelijk_verklaren": {"ingediend": "niet_ontvankelijk", "verdaagd": "niet_ontvankelijk"},
        "intrekken": {"ingediend": "ingetrokken", "verdaagd": "ingetrokken"},
    },
    {
        "verdagen": "verdagen",
        "gegrond_verklaren": "gegrond verklaren",
        "ongegrond_verklaren": "ongegrond verklaren",
        "niet_ontvankelijk_verklaren": "niet-ontvankelijk verklaren",
        "intrekken": "intrekken",
    },
)
UITKOMST_ACTIE = {u: f"{u}_verklaren" for u in UITKOMSTEN}  # uitkomst -> action

UITKOMST_TEKST = {
    "gegrond": "gegrond",
    "ongegrond": "ongegrond",
    "niet_ontvankelijk": "niet-ontvankelijk",
}


def termijn_einde(datum_besluit: date) -> date:
    """The last day to object: the decision date + 6 weeks (Awb 6:7, 6:8), the day the decision's
    own objection clause states (``trajecten.rules.bezwaartermijn_einde``)."""
    return zaak_rules.bezwaartermijn_einde(datum_besluit)


def te_laat(*, datum_besluit: date, ingediend: date) -> bool:
    """Filed after the objection term (Awb 6:11: only with a reason for the delay)."""
    return ingediend > termijn_einde(datum_besluit)


def beslistermijn(*, datum_besluit: date, ontvangen: date, weken: int) -> date:
    """The last day to decide: ``weken`` weeks (Awb 7:10 lid 1: six) counted from the day after
    the objection term ended (``termijn_einde``); for an objection received after that term, from
    its receipt (the body cannot decide on what it has not received)."""
    return max(termijn_einde(datum_besluit), ontvangen) + timedelta(weeks=weken)


def nummer(pk: int) -> str:
    """The objection's number in letters, documents and history reasons: ``BZ-000042``."""
    return f"BZ-{pk:06d}"
