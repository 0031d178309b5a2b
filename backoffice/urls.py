"""The wiring: the only place that names every app."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from declaraties.api import eindverslagen
from financiering import api as fin
from trajecten import api as traj

from .auth import TokenLogin

api_v1 = [
    path("auth/token", TokenLogin.as_view(), name="token"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs", SpectacularSwaggerView.as_view(url_name="openapi"), name="api-docs"),
    path("regelingen", fin.RegelingList.as_view(), name="regelingen"),
    path("regelingen/<uuid:uuid>", fin.RegelingDetail.as_view(), name="regeling"),
    path("percelen", fin.PerceelList.as_view(), name="percelen"),
    path("percelen/<uuid:uuid>", fin.PerceelDetail.as_view(), name="perceel"),
    path("gemeenten", fin.GemeenteList.as_view(), name="gemeenten"),
    path("gemeenten/<uuid:uuid>", fin.GemeenteDetail.as_view(), name="gemeente"),
    path("aanbieders", fin.AanbiederList.as_view(), name="aanbieders"),
    path("aanbieders/<uuid:uuid>", fin.AanbiederDetail.as_view(), name="aanbieder"),
    path("trajectbegeleiders", fin.TrajectbegeleiderList.as_view(), name="trajectbegeleiders"),
    path("raamovereenkomsten", fin.RaamovereenkomstList.as_view(), name="raamovereenkomsten"),
    path("budgetten", fin.BudgetList.as_view(), name="budgetten"),
    path("budgetten/<uuid:uuid>", fin.BudgetDetail.as_view(), name="budget"),
    path("modeltrouwmetingen", fin.ModeltrouwmetingList.as_view(), name="modeltrouwmetingen"),
    path("deelnemers", traj.DeelnemerList.as_view(), name="deelnemers"),
    path("deelnemers/_zoek", traj.DeelnemerZoek.as_view(), name="deelnemers-zoek"),
    path("deelnemers/<uuid:uuid>", traj.DeelnemerDetail.as_view(), name="deelnemer"),
    path("aanvragen", traj.AanvraagList.as_view(), name="aanvragen"),
    path("aanvragen/<uuid:uuid>", traj.AanvraagDetail.as_view(), name="aanvraag"),
    path("aanvragen/<uuid:uuid>/beoordelingen", traj.AanvraagBeoordeling.as_view(), name="aanvraag-beoordelingen"),
    path("aanvragen/<uuid:uuid>/intrekkingen", traj.AanvraagIntrekking.as_view(), name="aanvraag-intrekkingen"),
    path("trajecten", traj.TrajectList.as_view(), name="trajecten"),
    path("trajecten/<uuid:uuid>", traj.TrajectDetail.as_view(), name="traject"),
    path("trajecten/<uuid:uuid>/verlengingen", traj.VerlengingList.as_view(), name="verlengingen"),
    path(
        "trajecten/<uuid:uuid>/verlengingen/<uuid:verlenging_uuid>/beoordelingen",
        traj.VerlengingBeoordeling.as_view(),
        name="verlenging-beoordelingen",
    ),
    path("trajecten/<uuid:uuid>/plaatsingen", traj.PlaatsingList.as_view(), name="plaatsingen"),
    path("trajecten/<uuid:uuid>/plaatsingen/<uuid:plaatsing_uuid>", traj.PlaatsingDetail.as_view(), name="plaatsing"),
    path("trajecten/<uuid:uuid>/stopberichten", traj.StopberichtCreate.as_view(), name="stopberichten"),
    path("trajecten/<uuid:uuid>/eindverslagen", eindverslagen.EindverslagCreate.as_view(), name="eindverslagen"),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("admin/", admin.site.urls),
    # Session login for people trying the browsable API (systems use POST /api/v1/auth/token).
    path("api-auth/", include("rest_framework.urls")),
    path("api/v1/", include(api_v1)),
]

handler404 = "backoffice.rest.api_not_found"
handler500 = "backoffice.rest.api_server_error"
