"""The wiring: the only place that names every app."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from bezwaren import api as bezwaren_api
from bezwaren import urls_web as bezwaren_web
from declaraties import inzage
from declaraties import views as declaraties_web
from declaraties.api import betalingen, declaraties, eindverslagen, vorderingen
from financiering import api as fin
from financiering import views as financiering_web
from financiering import views_beheer as financiering_beheer
from trajecten import api as traj
from trajecten import views as trajecten_web
from trajecten.api.werkmonitor import Werkmonitor

from . import (
    documenten_api,
    documenten_views,
    jobs_api,
    oidc,
    verwerkingen_api,
    verwerkingen_views,
    views_taken,
    views_tweestaps,
)
from . import views as backoffice_web
from . import views_beheer as backoffice_beheer
from .auth import TokenLogin

api_v1 = [
    path("auth/token", TokenLogin.as_view(), name="token"),
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("signalen", jobs_api.SignaalList.as_view(), name="signalen"),
    path("signalen/<uuid:uuid>", jobs_api.SignaalDetail.as_view(), name="signaal"),
    path("taakruns", jobs_api.TaakrunList.as_view(), name="taakruns"),
    path("taakruns/<uuid:uuid>", jobs_api.TaakrunDetail.as_view(), name="taakrun"),
    path("notificaties", jobs_api.NotificatieList.as_view(), name="notificaties"),
    path("notificaties/<uuid:uuid>", jobs_api.NotificatieDetail.as_view(), name="notificatie"),
    # The split view serves its script from a URL (no inline script for the CSP to refuse).
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="openapi"), name="api-docs"),
    path("regelingen", fin.RegelingList.as_view(), name="regelingen"),
    path("regelingen/<uuid:uuid>", fin.RegelingDetail.as_view(), name="regeling"),
    path("percelen", fin.PerceelList.as_view(), name="percelen"),
    path("percelen/<uuid:uuid>", fin.PerceelDetail.as_view(), name="perceel"),
    path("gemeenten", fin.GemeenteList.as_view(), name="gemeenten"),
    path("gemeenten/<uuid:uuid>", fin.GemeenteDetail.as_view(), name="gemeente"),
    path("aanbieders", fin.AanbiederList.as_view(), name="aanbieders"),
    path("aanbieders/<uuid:uuid>", fin.AanbiederDetail.as_view(), name="aanbieder"),
    path("aanbieders/<uuid:uuid>/implementatieplan", fin.ImplementatieplanDetail.as_view(), name="implementatieplan"),
    path("trajectbegeleiders", fin.TrajectbegeleiderList.as_view(), name="trajectbegeleiders"),
    path("trajectbegeleiders/<uuid:uuid>", fin.TrajectbegeleiderDetail.as_view(), name="trajectbegeleider"),
    path("raamovereenkomsten", fin.RaamovereenkomstList.as_view(), name="raamovereenkomsten"),
    path("budgetten", fin.BudgetList.as_view(), name="budgetten"),
    path("budgetten/<uuid:uuid>", fin.BudgetDetail.as_view(), name="budget"),
    path("modeltrouwmetingen", fin.ModeltrouwmetingList.as_view(), name="modeltrouwmetingen"),
    path("deelnemers", traj.DeelnemerList.as_view(), name="deelnemers"),
    path("deelnemers/_zoek", traj.DeelnemerZoek.as_view(), name="deelnemers-zoek"),
    path("deelnemers/<uuid:uuid>", traj.DeelnemerDetail.as_view(), name="deelnemer"),
    path("deelnemers/<uuid:uuid>/inzage", inzage.DeelnemerInzage.as_view(), name="deelnemer-inzage"),
    path("verwerkingen", verwerkingen_api.VerwerkingList.as_view(), name="verwerkingen"),
    path("verwerkingen/_zoek", verwerkingen_api.VerwerkingZoek.as_view(), name="verwerkingen-zoek"),
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
    path("declaraties", declaraties.DeclaratieList.as_view(), name="declaraties"),
    path("declaraties/sjabloon.csv", declaraties.SjabloonCsv.as_view(), name="declaratie-sjabloon-csv"),
    path("declaraties/sjabloon.xlsx", declaraties.SjabloonXlsx.as_view(), name="declaratie-sjabloon-xlsx"),
    path("declaraties/<uuid:uuid>", declaraties.DeclaratieDetail.as_view(), name="declaratie"),
    path(
        "declaraties/<uuid:uuid>/beoordelingen",
        declaraties.DeclaratieBeoordeling.as_view(),
        name="declaratie-beoordelingen",
    ),
    path("prestaties", declaraties.PrestatieList.as_view(), name="prestaties"),
    path("betaalopdrachten", betalingen.BetaalopdrachtList.as_view(), name="betaalopdrachten"),
    path("betaalopdrachten/<uuid:uuid>", betalingen.BetaalopdrachtDetail.as_view(), name="betaalopdracht"),
    path(
        "betaalopdrachten/<uuid:uuid>/regels", betalingen.BetaalopdrachtRegels.as_view(), name="betaalopdracht-regels"
    ),
    path("betaalopdrachten/<uuid:uuid>/sepa", betalingen.BetaalopdrachtSepa.as_view(), name="betaalopdracht-sepa"),
    path(
        "betaalopdrachten/<uuid:uuid>/goedkeuringen",
        betalingen.BetaalopdrachtGoedkeuring.as_view(),
        name="betaalopdracht-goedkeuringen",
    ),
    path(
        "betaalopdrachten/<uuid:uuid>/bevestigingen",
        betalingen.BetaalopdrachtBevestiging.as_view(),
        name="betaalopdracht-bevestigingen",
    ),
    path("vorderingen", vorderingen.VorderingList.as_view(), name="vorderingen"),
    path("vorderingen/overzicht", vorderingen.VorderingOverzicht.as_view(), name="vorderingen-overzicht"),
    path("vorderingen/<uuid:uuid>", vorderingen.VorderingDetail.as_view(), name="vordering"),
    path("vorderingen/<uuid:uuid>/regels", vorderingen.VorderingRegels.as_view(), name="vordering-regels"),
    path(
        "vorderingen/<uuid:uuid>/factuur.xml", vorderingen.VorderingFactuurXml.as_view(), name="vordering-factuur-xml"
    ),
    path(
        "vorderingen/<uuid:uuid>/verzendingen", vorderingen.VorderingVerzending.as_view(), name="vordering-verzendingen"
    ),
    path("vorderingen/<uuid:uuid>/ontvangsten", vorderingen.VorderingOntvangst.as_view(), name="vordering-ontvangsten"),
    path("vorderingen/<uuid:uuid>/bezwaren", vorderingen.VorderingBezwaar.as_view(), name="vordering-bezwaren"),
    path(
        "vorderingen/<uuid:uuid>/bezwaren/<uuid:regel_uuid>/beoordelingen",
        vorderingen.BezwaarBeoordeling.as_view(),
        name="vordering-bezwaar-beoordelingen",
    ),
    path("werkmonitor", Werkmonitor.as_view(), name="werkmonitor"),
    path("documenten", documenten_api.DocumentList.as_view(), name="documenten"),
    path("documenten/<uuid:uuid>/inhoud", documenten_api.DocumentInhoud.as_view(), name="document-inhoud"),
    # Awb objections against a decision (bezwaren; not the claim-line disputes above)
    path("bezwaren", bezwaren_api.BezwaarList.as_view(), name="bezwaren"),
    path("bezwaren/<uuid:uuid>", bezwaren_api.BezwaarDetail.as_view(), name="bezwaar"),
    path("bezwaren/<uuid:uuid>/beslissingen", bezwaren_api.BezwaarBeslissing.as_view(), name="bezwaar-beslissingen"),
    path("bezwaren/<uuid:uuid>/verdagingen", bezwaren_api.BezwaarVerdaging.as_view(), name="bezwaar-verdagingen"),
    path("bezwaren/<uuid:uuid>/intrekkingen", bezwaren_api.BezwaarIntrekking.as_view(), name="bezwaar-intrekkingen"),
]

api_auth = [
    path("login/", backoffice_web.Inloggen.as_view(), name="login"),
    path("logout/", backoffice_web.Uitloggen.as_view(), name="logout"),
]


urlpatterns = [
    path("admin/", admin.site.urls),
    # Session login for people trying the browsable API (systems use POST /api/v1/auth/token): our own
    # login view under DRF's names, so this door has the same throttle as /inloggen (docs/security.md).
    path("api-auth/", include((api_auth, "rest_framework"))),
    path("api/v1/", include(api_v1)),
    # The web pages (Dutch URLs; a page's path ends in a slash, /inloggen and /uitloggen excepted).
    path("", include(backoffice_web.web_urlpatterns)),
    path("", include(views_tweestaps.web_urlpatterns)),
    path("", include(oidc.web_urlpatterns)),
    path("", include(trajecten_web.web_urlpatterns)),
    path("", include(declaraties_web.web_urlpatterns)),
    path("", include(bezwaren_web.web_urlpatterns)),  # objections (Awb): filing, deciding, withdrawing
    path("", include(financiering_web.web_urlpatterns)),
    path("", include(inzage.web_urlpatterns)),  # AVG art. 15 (docs/privacy.md)
    path("", include(verwerkingen_views.web_urlpatterns)),  # the processing log, for the FG
    path("", include(documenten_views.web_urlpatterns)),  # the generated documents' PDF
    path("", include(views_taken.web_urlpatterns)),  # the scheduled jobs: runs, preview and start
    path("", include(backoffice_beheer.web_urlpatterns)),  # the beheerder: settings, accounts, roles
    path("", include(financiering_beheer.web_urlpatterns)),  # the beheerder: schemes, lots, prices
]

handler400 = "backoffice.rest.bad_request"
handler404 = "backoffice.rest.api_not_found"
handler500 = "backoffice.rest.api_server_error"
