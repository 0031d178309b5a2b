"""Pure date rules of an application, beside ``rules.py`` (which is at the 500-line limit of
tests/test_bouw.py): no database, tested on their own."""

from datetime import date


def startdatum_problem(gewenste_startdatum: date | None, today: date) -> tuple[str, str] | None:
    """A trajectory starts on the date of the funder's written approval, unless a later start was
    requested (domain.md 7): a requested start before today can never be honoured, so it is refused
    at submission rather than silently moved to the approval date. (code, Dutch message) or None."""
    if gewenste_startdatum is not None and gewenste_startdatum < today:
        return (
            "startdatum-in-verleden",
            f"De gewenste startdatum ({gewenste_startdatum:%d-%m-%Y}) ligt in het verleden. Een traject begint op "
            "de datum van het besluit, of later als u dat vraagt: kies vandaag of een latere datum, of laat het veld "
            "leeg.",
        )
    return None
