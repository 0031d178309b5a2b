"""What the trajecten API views and serializers share: the roles that see cases, the leaving out
of personal fields a user may not see, the base of the views under a trajectory, and the input
of a decision (on an application or an extension)."""

from django.shortcuts import get_object_or_404
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from backoffice import limieten, roles
from backoffice.api import BaseView
from backoffice.rules import toelichting_ontbreekt, weigeren

from .. import permissions, selectors
from ..models import BesluitUitkomst, Traject

CASE_ROLES = roles.CASE_ROLES


def _viewer(serializer):
    """The user the answer is for; without a request in the context nobody (nothing personal)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class PersonalDataMixin:
    """Leaves out of the answer the participant's fields the user may not see
    (``selectors.personal_fields_for``, docs/privacy.md). ``PERSONAL`` lists this serializer's
    fields that are personal; ``deelnemer`` (a link to the person) is null when none may be seen."""

    PERSONAL: frozenset[str] = selectors.PERSOONSVELDEN

    def to_representation(self, instance):
        data = super().to_representation(instance)
        allowed = selectors.personal_fields_for(_viewer(self), instance)
        for name in self.PERSONAL - allowed:
            data.pop(name, None)
        if not allowed and "deelnemer" in data:
            data["deelnemer"] = None
        return data


class ZaakVelden(serializers.Serializer):
    """The links an application and a trajectory both carry, by uuid or code (api.md); the
    participant's is null when the person is hidden from the user (``PersonalDataMixin``)."""

    deelnemer = serializers.UUIDField(
        source="deelnemer.uuid", read_only=True, allow_null=True, help_text="null: de persoon is voor u afgeschermd"
    )
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)
    uitvoerder = serializers.UUIDField(source="uitvoerder.uuid", read_only=True, allow_null=True)
    perceel = serializers.CharField(source="perceel.code", read_only=True)
    regeling = serializers.CharField(source="regeling.code", read_only=True)
    gemeente = serializers.CharField(source="gemeente.code", read_only=True)
    trajectbegeleider = serializers.UUIDField(source="trajectbegeleider.uuid", read_only=True, allow_null=True)


class _TrajectChild(BaseView):
    required_roles = CASE_ROLES

    def traject(self, uuid) -> Traject:
        return get_object_or_404(selectors.trajecten_for(self.request.user), uuid=uuid)


class _ProviderCreate(_TrajectChild):
    """POST of something the provider registers on its trajectory, through ``create``, a service
    called as ``create(by=user, traject=traject, **validated_data)``."""

    create = None

    def post(self, request, uuid):
        weigeren(permissions.aanbieder_weigering(request.user))
        traject = self.traject(uuid)
        write = self.get_serializer(data=request.data)
        write.is_valid(raise_exception=True)
        created = type(self).create(by=request.user, traject=traject, **write.validated_data)
        return Response(self.get_serializer(created).data, status=status.HTTP_201_CREATED)


class _TrajectChildList(mixins.ListModelMixin, _ProviderCreate):
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


# A decision on an application or an extension: the same input.
class BeoordelingWriteSerializer(serializers.Serializer):
    besluit = serializers.ChoiceField(choices=BesluitUitkomst.choices)
    toelichting = serializers.CharField(required=False, allow_blank=True, default="", max_length=limieten.TOELICHTING)

    def validate(self, attrs):
        if toelichting_ontbreekt(attrs["toelichting"], vereist=attrs["besluit"] == "afgewezen"):
            raise serializers.ValidationError({"toelichting": "Een afwijzing vraagt een toelichting."})
        return attrs
