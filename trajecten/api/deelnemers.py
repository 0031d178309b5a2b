"""API for participants (api.md): register, search by BSN (in the body), read."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from backoffice.api import (
    BaseView,
    CodeField,
    ListView,
    ModelSerializer,
    RetrieveView,
)
from backoffice.rules import weigeren
from financiering.models import Doelgroep, Gemeente

from .. import permissions, rules, selectors, services
from ..models import (
    BurgerlijkeStaat,
    Deelnemer,
    Diagnosegroep,
    Geslacht,
    Opleiding,
    Uitkering,
)
from ..validators import clean_bsn
from .base import CASE_ROLES, PersonalDataMixin


class BsnField(serializers.CharField):
    """Write: 9 digits that pass the eleven-test. Never read back in full."""

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            return clean_bsn(super().to_internal_value(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages[0], code="ongeldig-bsn") from exc


class UitkeringField(serializers.ChoiceField):
    """The benefit type. ``wajong`` (one value for both Wajong laws, before issue 11) is still
    accepted from older clients and stored as ``wajong_oud`` (the old law, as the migration did with
    the existing participants); the answer gives the stored value. No other code is mapped."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "De uitkering; bepaalt de route (UWV of gemeente). Wajong oude wet (`wajong_oud`), nieuwe Wajong "
            "(`wajong_nieuw`: Wajong 2010, 2015 en 2021) en WAO-dienstverlening (`wao_dienstverlening`) zijn "
            "aparte waarden. Verouderd: `wajong` wordt nog aangenomen en opgeslagen als `wajong_oud`; het "
            "antwoord geeft dan `wajong_oud`.",
        )
        super().__init__(Uitkering.choices, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = rules.UITKERING_VEROUDERD.get(data, data)
        return super().to_internal_value(data)


class DeelnemerSerializer(PersonalDataMixin, ModelSerializer):
    bsn = BsnField(write_only=True)
    uitkering = UitkeringField()
    bsn_gemaskeerd = serializers.CharField(read_only=True)
    gemeente = CodeField(queryset=Gemeente.objects.all())
    aanbieder = serializers.UUIDField(source="aanbieder.uuid", read_only=True)

    class Meta:
        model = Deelnemer
        fields = [
            "uuid",
            "bsn",
            "bsn_gemaskeerd",
            "voorletters",
            "achternaam",
            "geboortedatum",
            "gemeente",
            "uitkering",
            "doelgroep",
            "hoofddiagnosegroep",
            "opleiding",
            "werkervaring_jaren",
            "geslacht",
            "burgerlijke_staat",
            "aanbieder",
            "aangemaakt_op",
        ]
        read_only_fields = ["uuid", "aangemaakt_op"]
        extra_kwargs = {
            "doelgroep": {"choices": Doelgroep.choices},
            "hoofddiagnosegroep": {"choices": Diagnosegroep.choices},
            "opleiding": {"choices": Opleiding.choices},
            "geslacht": {"choices": Geslacht.choices},
            "burgerlijke_staat": {"choices": BurgerlijkeStaat.choices},
        }

    def validate_geboortedatum(self, value):
        if value >= timezone.localdate():
            raise serializers.ValidationError("De geboortedatum ligt niet in het verleden.")
        if value.year < 1900:
            raise serializers.ValidationError("De geboortedatum ligt vóór 1900.")
        return value

    def validate_werkervaring_jaren(self, value):
        if value is not None and value > 60:
            raise serializers.ValidationError("Ten hoogste 60 jaar werkervaring.")
        return value


class DeelnemerZoekSerializer(serializers.Serializer):
    bsn = BsnField()


class DeelnemerList(ListView):
    serializer_class = DeelnemerSerializer
    required_roles = CASE_ROLES

    def get_queryset(self):
        return selectors.deelnemers_for(self.request.user).order_by("id")

    def post(self, request):
        weigeren(permissions.aanbieder_weigering(request.user))
        write = self.get_serializer(data=request.data)
        write.is_valid(raise_exception=True)
        deelnemer = services.deelnemer_create(by=request.user, **write.validated_data)
        return Response(self.get_serializer(deelnemer).data, status=status.HTTP_201_CREATED)


class DeelnemerZoek(BaseView):
    """Search by BSN in the body, never in the URL (api.md)."""

    serializer_class = DeelnemerSerializer
    required_roles = CASE_ROLES
    queryset = Deelnemer.objects.none()  # for the schema; the search scopes itself

    @extend_schema(request=DeelnemerZoekSerializer, responses={200: DeelnemerSerializer(many=True)})
    def post(self, request):
        query = DeelnemerZoekSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        found = services.deelnemer_search(by=request.user, bsn=query.validated_data["bsn"], kanaal="api")
        return self.paginated(found)


class DeelnemerDetail(RetrieveView):
    serializer_class = DeelnemerSerializer
    required_roles = CASE_ROLES

    def get_queryset(self):
        return selectors.deelnemers_for(self.request.user)


# --- applications -------------------------------------------------------------------------------
