"""Participants, applications and decisions, trajectories, extensions, placements, stops and end
reports, a module per noun. State changes happen only in ``services/``; the constraints here hold on
every path. Every name is re-exported here: ``from trajecten.models import Traject`` keeps working."""

from ._gedeeld import AMSTERDAM
from .aanvragen import Aanvraag, AanvraagStatus, Besluit, BesluitStap, BesluitUitkomst
from .deelnemers import BurgerlijkeStaat, Deelnemer, Diagnosegroep, Geslacht, Opleiding, Uitkering
from .plaatsingen import (
    Eindverslag,
    EindverslagUitkomst,
    Plaatsing,
    PlaatsingContractsoort,
    Stopbericht,
    StopberichtReden,
)
from .trajecten import Toewijzingsnummer, Traject, TrajectStatus, Verlenging, VerlengingStatus

__all__ = [
    "AMSTERDAM",
    "Uitkering",
    "Diagnosegroep",
    "Opleiding",
    "Geslacht",
    "BurgerlijkeStaat",
    "Deelnemer",
    "AanvraagStatus",
    "Aanvraag",
    "BesluitStap",
    "BesluitUitkomst",
    "Besluit",
    "Toewijzingsnummer",
    "TrajectStatus",
    "Traject",
    "VerlengingStatus",
    "Verlenging",
    "PlaatsingContractsoort",
    "Plaatsing",
    "StopberichtReden",
    "Stopbericht",
    "EindverslagUitkomst",
    "Eindverslag",
]
