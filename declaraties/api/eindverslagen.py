"""POST /trajecten/{uuid}/eindverslagen lives here: the end report starts the final settlement,
which is money (declared and paid amounts), so the money module owns the endpoint."""

from rest_framework import status
from rest_framework.response import Response

from backoffice import roles
from trajecten.api import EindverslagCreate as TrajectEindverslagCreate

from .. import services


class EindverslagCreate(TrajectEindverslagCreate):
    def post(self, request, uuid):
        roles.require_role(request.user, roles.AANBIEDER)
        traject = self.traject(uuid)
        write = self.get_serializer(data=request.data)
        write.is_valid(raise_exception=True)
        verslag = services.eindverslag_submit(by=request.user, traject=traject, **write.validated_data)
        return Response(self.get_serializer(verslag).data, status=status.HTTP_201_CREATED)
