"""API for participants, applications, decisions and trajectories (api.md), one module per noun:
``deelnemers``, ``aanvragen``, ``trajecten`` (with the stop message), ``plaatsingen``,
``verlengingen``, ``werkmonitor``; ``base`` holds what they share and ``schema`` the OpenAPI
post-processing. Views read through the selectors and write through the services; no business
logic here. ``backoffice/urls.py`` and the other apps use the names below."""

from .aanvragen import AanvraagBeoordeling, AanvraagDetail, AanvraagIntrekking, AanvraagList
from .base import _ProviderCreate
from .deelnemers import DeelnemerDetail, DeelnemerList, DeelnemerZoek
from .plaatsingen import PlaatsingDetail, PlaatsingList
from .schema import personal_fields_optional
from .trajecten import EindverslagSerializer, StopberichtCreate, TrajectDetail, TrajectList
from .verlengingen import VerlengingBeoordeling, VerlengingList

__all__ = [
    "AanvraagBeoordeling",
    "AanvraagDetail",
    "AanvraagIntrekking",
    "AanvraagList",
    "DeelnemerDetail",
    "DeelnemerList",
    "DeelnemerZoek",
    "EindverslagSerializer",
    "PlaatsingDetail",
    "PlaatsingList",
    "StopberichtCreate",
    "TrajectDetail",
    "TrajectList",
    "VerlengingBeoordeling",
    "VerlengingList",
    "_ProviderCreate",
    "personal_fields_optional",
]
