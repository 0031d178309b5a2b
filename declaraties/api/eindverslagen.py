"""POST /trajecten/{uuid}/eindverslagen lives here: the end report starts the final settlement,
which is money (declared and paid amounts), so the money module owns the endpoint."""

from trajecten.api import EindverslagSerializer, _ProviderCreate

from .. import services


class EindverslagCreate(_ProviderCreate):
    serializer_class = EindverslagSerializer
    create = staticmethod(services.eindverslag_submit)
