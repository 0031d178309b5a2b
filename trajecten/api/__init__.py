"""API for participants, applications, decisions and trajectories (api.md), one module per noun:
``deelnemers``, ``aanvragen``, ``trajecten`` (with the stop message), ``plaatsingen``,
``verlengingen``, ``werkmonitor``; ``base`` holds what they share and ``schema`` the OpenAPI
post-processing. Views read through the selectors and write through the services; no business
logic here. ``backoffice/urls.py`` and the other apps use the names below."""

from .aanvragen import (
    AanvraagBeoordeling,
    AanvraagDetail,
    AanvraagFilter,
    AanvraagIntrekking,
    AanvraagList,
    AanvraagSerializer,
    AanvraagWriteSerializer,
    BesluitSerializer,
    IntrekkingWriteSerializer,
    ToestemmingField,
)
from .base import CASE_ROLES, BeoordelingWriteSerializer, PersonalDataMixin, _ProviderCreate, _TrajectChild
from .deelnemers import (
    BsnField,
    DeelnemerDetail,
    DeelnemerList,
    DeelnemerSerializer,
    DeelnemerZoek,
    DeelnemerZoekSerializer,
)
from .plaatsingen import PlaatsingDetail, PlaatsingList, PlaatsingSerializer
from .schema import personal_fields_optional
from .trajecten import (
    EindverslagSerializer,
    StopberichtCreate,
    StopberichtSerializer,
    TrajectDetail,
    TrajectFilter,
    TrajectList,
    TrajectSerializer,
)
from .verlengingen import VerlengingBeoordeling, VerlengingList, VerlengingSerializer
from .werkmonitor import Werkmonitor, WerkmonitorRijSerializer

__all__ = [
    "CASE_ROLES",
    "AanvraagBeoordeling",
    "AanvraagDetail",
    "AanvraagFilter",
    "AanvraagIntrekking",
    "AanvraagList",
    "AanvraagSerializer",
    "AanvraagWriteSerializer",
    "BeoordelingWriteSerializer",
    "BesluitSerializer",
    "BsnField",
    "DeelnemerDetail",
    "DeelnemerList",
    "DeelnemerSerializer",
    "DeelnemerZoek",
    "DeelnemerZoekSerializer",
    "EindverslagSerializer",
    "IntrekkingWriteSerializer",
    "PersonalDataMixin",
    "PlaatsingDetail",
    "PlaatsingList",
    "PlaatsingSerializer",
    "StopberichtCreate",
    "StopberichtSerializer",
    "ToestemmingField",
    "TrajectDetail",
    "TrajectFilter",
    "TrajectList",
    "TrajectSerializer",
    "VerlengingBeoordeling",
    "VerlengingList",
    "VerlengingSerializer",
    "Werkmonitor",
    "WerkmonitorRijSerializer",
    "_ProviderCreate",
    "_TrajectChild",
    "personal_fields_optional",
]
