"""API for the placements of a trajectory (api.md): register, list, read, change."""

import re
from decimal import Decimal

from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.response import Response

from backoffice.api import (
    ModelSerializer,
)
from backoffice.rules import weigeren

from .. import permissions, services
from ..models import (
    Plaatsing,
    PlaatsingContractsoort,
)
from .base import _TrajectChild, _TrajectChildList


class PlaatsingSerializer(ModelSerializer):
    regulier_betaald_werk = serializers.BooleanField(
        read_only=True,
        help_text="Regulier betaald werk (domain.md 7): betaald (geen proefplaatsing), minstens het minimumloon en "
        "open voor iedereen. Telt voor het product plaatsing en de werkmonitor.",
    )
    open_voor_iedereen = serializers.BooleanField(
        required=False,
        help_text="Open voor iedereen: geen baan speciaal voor mensen met gezondheidsproblemen (uitzendwerk telt "
        "mee). Niet meegestuurd bij een nieuwe plaatsing: true, behalve met loonondersteuning beschut_werk "
        "(dan false); bij PATCH blijft de waarde dan staan.",
    )
    loonondersteuning = serializers.ListField(
        child=serializers.ChoiceField(choices=[(c, c) for c in Plaatsing.LOONONDERSTEUNING]), required=False
    )
    aandoening_bekend_bij_werkgever = serializers.BooleanField(
        allow_null=True,
        help_text="Heeft de deelnemer de werkgever over de aandoening verteld? Verplicht (true of false) bij "
        "een nieuwe plaatsing; null alleen bij plaatsingen van vóór deze vraag.",
    )

    class Meta:
        model = Plaatsing
        fields = [
            "uuid",
            "werkgever",
            "startdatum",
            "einddatum",
            "uren_per_week",
            "contractsoort",
            "vast",
            "minimumloon_of_meer",
            "proefplaatsing",
            "open_voor_iedereen",
            "loonondersteuning",
            "sector",
            "aandoening_bekend_bij_werkgever",
            "regulier_betaald_werk",
        ]
        read_only_fields = ["uuid"]
        extra_kwargs = {
            "contractsoort": {"choices": PlaatsingContractsoort.choices},
            "uren_per_week": {"min_value": Decimal("0.1"), "max_value": Decimal("60")},
            "sector": {"help_text": "SBI-code: een letter (A-U) of 2 tot 5 cijfers"},
        }

    def validate_sector(self, value):

        if value and not re.fullmatch(r"[A-U]|\d{2,5}", value):
            raise serializers.ValidationError("Een SBI-code is een letter A-U of 2 tot 5 cijfers.")
        return value

    def validate_loonondersteuning(self, value):
        return sorted(set(value))

    def validate_aandoening_bekend_bij_werkgever(self, value):
        if value is None:
            raise serializers.ValidationError(
                "Geef aan of de deelnemer de werkgever over zijn of haar aandoening heeft verteld (true of false).",
                code="openheid-werkgever-ontbreekt",
            )
        return value

    def validate(self, attrs):
        proef = attrs.get("proefplaatsing", getattr(self.instance, "proefplaatsing", False))
        loon = attrs.get("minimumloon_of_meer", getattr(self.instance, "minimumloon_of_meer", False))
        if proef and loon:
            raise serializers.ValidationError(
                {"proefplaatsing": "Een proefplaatsing is onbetaald: minimumloonOfMeer kan dan niet waar zijn."}
            )
        start = attrs.get("startdatum", getattr(self.instance, "startdatum", None))
        end = attrs.get("einddatum", getattr(self.instance, "einddatum", None))
        if start and end and end < start:
            raise serializers.ValidationError({"einddatum": "De einddatum ligt vóór de startdatum."})
        return attrs


class PlaatsingList(_TrajectChildList):
    serializer_class = PlaatsingSerializer
    create = staticmethod(services.plaatsing_create)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plaatsing.objects.none()
        return self.traject(self.kwargs["uuid"]).plaatsingen.order_by("startdatum", "id")


class PlaatsingDetail(_TrajectChild):
    serializer_class = PlaatsingSerializer

    def get(self, request, uuid, plaatsing_uuid):
        return Response(
            self.get_serializer(get_object_or_404(self.traject(uuid).plaatsingen, uuid=plaatsing_uuid)).data
        )

    def patch(self, request, uuid, plaatsing_uuid):
        weigeren(permissions.aanbieder_weigering(request.user))
        plaatsing = get_object_or_404(self.traject(uuid).plaatsingen, uuid=plaatsing_uuid)
        write = self.get_serializer(plaatsing, data=request.data, partial=True)
        write.is_valid(raise_exception=True)
        plaatsing = services.plaatsing_update(by=request.user, plaatsing=plaatsing, **write.validated_data)
        return Response(self.get_serializer(plaatsing).data)
