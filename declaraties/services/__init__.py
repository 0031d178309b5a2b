"""Everything in declaraties that writes, one module per flow. Every function costs a fixed number
of queries, whatever the number of lines, trajectories or gemeenten: facts are loaded in bulk,
judged in Python (``rules.py``), and written with bulk inserts and set-based updates; every status
change goes through the tables in ``rules.py`` and writes history (``backoffice.history``)."""

from ._common import ZERO
from .beoordeling import (
    BESLUITEN,
    BulkToekenning,
    prestaties_beoordelen,
    prestaties_beoordeling_check,
    prestaties_bulk_toekennen,
    prestaties_bulk_toekennen_check,
)
from .betaalopdrachten import betaalopdracht_accorderen, betaalopdracht_bevestigen, betaalopdrachten_aanmaken
from .bezwaren import bezwaar_beoordelen, bezwaar_indienen
from .declaraties import DeclaratieInvoer, declaratie_submit
from .eindverslag import eindverslag_submit
from .vorderingen import (
    factuur_document_maken,
    factuurnummers_uitgeven,
    ontvangst_registreren,
    vordering_verzenden,
    vorderingen_aanmaken,
    vorderingen_herinneren,
)

__all__ = [
    "BESLUITEN",
    "BulkToekenning",
    "ZERO",
    "DeclaratieInvoer",
    "betaalopdracht_accorderen",
    "betaalopdracht_bevestigen",
    "betaalopdrachten_aanmaken",
    "bezwaar_beoordelen",
    "bezwaar_indienen",
    "declaratie_submit",
    "eindverslag_submit",
    "factuur_document_maken",
    "factuurnummers_uitgeven",
    "ontvangst_registreren",
    "prestaties_beoordeling_check",
    "prestaties_beoordelen",
    "prestaties_bulk_toekennen",
    "prestaties_bulk_toekennen_check",
    "vordering_verzenden",
    "vorderingen_aanmaken",
    "vorderingen_herinneren",
]
