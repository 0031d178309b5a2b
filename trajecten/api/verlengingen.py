"""API for the extensions of a trajectory (api.md): request, list, decide."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from backoffice import roles
from backoffice.api import (
    ModelSerializer,
)

from .. import services
from ..models import (
    Verlenging,
)
from .base import BeoordelingWriteSerializer, _TrajectChild, _TrajectChildList


class VerlengingSerializer(ModelSerializer):
    aangevraagd_door = serializers.CharField(source="aangevraagd_door.username", read_only=True)
    besluit_door = serializers.CharField(source="besluit_door.username", read_only=True, allow_null=True)

    class Meta:
        model = Verlenging
        fields = [
            "uuid",
            "maanden",
            "toelichting",
            "bedrag",
            "status",
            "aangevraagd_door",
            "aangevraagd_op",
            "besluit_door",
            "besluit_op",
            "besluit_toelichting",
        ]
        read_only_fields = ["uuid", "bedrag", "status", "aangevraagd_op", "besluit_op", "besluit_toelichting"]
        extra_kwargs = {"maanden": {"min_value": 1, "max_value": 36}}


class VerlengingList(_TrajectChildList):
    serializer_class = VerlengingSerializer
    create = staticmethod(services.verlenging_request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Verlenging.objects.none()
        traject = self.traject(self.kwargs["uuid"])
        return traject.verlengingen.select_related("aangevraagd_door", "besluit_door").order_by("id")


class VerlengingBeoordeling(_TrajectChild):
    serializer_class = VerlengingSerializer
    required_roles = (roles.GEMEENTE, roles.UWV_BEOORDELAAR)

    @extend_schema(request=BeoordelingWriteSerializer, responses={201: VerlengingSerializer})
    def post(self, request, uuid, verlenging_uuid):
        traject = self.traject(uuid)
        verlenging = get_object_or_404(traject.verlengingen.all(), uuid=verlenging_uuid)
        write = BeoordelingWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        verlenging = services.verlenging_decide(by=request.user, verlenging=verlenging, **write.validated_data)
        return Response(self.get_serializer(verlenging).data, status=status.HTTP_201_CREATED)
