"""GET /werkmonitor (api.md): the work monitor as JSON (paginated per trajectory, with the
aggregates), CSV or XLSX. The monitor itself (query, totals, suppression, files) is the
package ``trajecten.werkmonitor``; no business logic here."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from backoffice import spreadsheet
from backoffice.api import BaseView
from backoffice.db_routing import replica_read
from backoffice.errors import BusinessRuleError

from .. import verwerkingen
from .. import werkmonitor as wm
from ..models import Traject

FORMATEN = ("json", "csv", "xlsx")
DELEN = ("trajecten", "totalen")


class WerkmonitorRijSerializer(serializers.Serializer):
    """For the schema: one trajectory's record (the view builds the dicts itself). Only a provider
    receives ``toewijzingNummer``, ``aanbieder``, the dates and ``werkgevers`` (docs/privacy.md)."""

    toewijzing_nummer = serializers.IntegerField(required=False)
    kwartaal = serializers.CharField()
    aanbieder = serializers.CharField(required=False)
    perceel = serializers.CharField()
    route = serializers.CharField()
    gemeente = serializers.CharField()
    ooit_betaald_werk = serializers.BooleanField(
        help_text="Ooit in regulier betaald werk: betaald (geen proefplaatsing), minstens het minimumloon en open "
        "voor iedereen (domain.md 7)."
    )
    ooit_betaald_werk_incl_beschut = serializers.BooleanField(
        help_text="De ruimere maat (seed 000): regulier betaald werk of beschut werk bij een reguliere werkgever."
    )
    periode_tot_eerste_baan = serializers.CharField(
        allow_null=True,
        help_text="Dagen van de start tot de eerste reguliere baan, in klassen: " + ", ".join(wm.BINS) + ".",
    )
    periode_tot_eerste_baan_incl_beschut = serializers.CharField(
        allow_null=True, help_text="Idem, volgens de ruimere maat (ook beschut werk)."
    )


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@replica_read
class Werkmonitor(BaseView):
    required_roles = wm.WERKMONITOR_ROLES
    serializer_class = WerkmonitorRijSerializer
    queryset = Traject.objects.none()  # for the schema; the monitor scopes itself

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kwartaal",
                {"type": "string", "pattern": r"^(20[0-9]{2}|2100)-Q[1-4]$"},
                description="JJJJ-Qn, bijvoorbeeld 2026-Q4 (standaard: nu)",
            ),
            OpenApiParameter("formaat", OpenApiTypes.STR, enum=list(FORMATEN), description="standaard json"),
            OpenApiParameter("deel", OpenApiTypes.STR, enum=list(DELEN), description="alleen bij csv: welke tabel"),
        ],
        responses={
            (200, "application/json"): WerkmonitorRijSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, spreadsheet.XLSX_TYPE): OpenApiTypes.BINARY,
        },
    )
    def get(self, request):
        kwartaal = wm.parse_kwartaal(request.query_params.get("kwartaal"))
        formaat = request.query_params.get("formaat") or "json"
        if formaat not in FORMATEN:
            raise BusinessRuleError(
                code="ongeldig-formaat", message="Het formaat is json, csv of xlsx.", status=400, field="formaat"
            )
        deel = request.query_params.get("deel") or "trajecten"
        if deel not in DELEN:
            raise BusinessRuleError(
                code="ongeldig-deel", message="Het deel is trajecten of totalen.", status=400, field="deel"
            )
        uitvoer = wm.werkmonitor_uitvoer(request.user, kwartaal)
        route = "GET /api/v1/werkmonitor"
        if formaat == "xlsx" or (formaat == "csv" and deel == "trajecten"):  # the processing log
            verwerkingen.monitor_vastleggen(
                uitvoer.rijen, user=request.user, kanaal="export", handeling="exporteren", route=route
            )

        if formaat == "csv":
            if deel == "trajecten":
                lines = wm.iter_csv(uitvoer.records(), uitvoer.kolommen, uitvoer.opmerkingen)
            else:
                lines = wm.iter_csv(uitvoer.groepen(), wm._group_columns(), uitvoer.opmerkingen)
            return _no_store(spreadsheet.csv_streaming_response(lines, wm.bestandsnaam(kwartaal, deel, "csv")))

        if formaat == "xlsx":
            sheets = wm.xlsx_sheets(uitvoer)
            return _no_store(spreadsheet.xlsx_response(sheets, wm.bestandsnaam(kwartaal, "", "xlsx")))

        page = self.paginate_queryset(uitvoer.rijen)
        verwerkingen.nummers_vastleggen([raw["toewijzing_nummer"] for raw in page], user=request.user, route=route)
        response = self.get_paginated_response([uitvoer.record(raw) for raw in page])
        response.data = {
            "kwartaal": kwartaal.code,
            "van": kwartaal.van,
            "tot": kwartaal.tot,
            "drempel": uitvoer.drempel,
            "opmerkingen": uitvoer.opmerkingen,
            "totalen": uitvoer.totalen,
            **response.data,
        }
        return response
