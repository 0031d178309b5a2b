"""The web pages of the objections (``backoffice/urls.py`` includes ``web_urlpatterns``; the API
is in ``bezwaren/urls.py``). Filing starts from the contested decision's own path."""

from django.urls import path

from . import views, views_indienen

web_urlpatterns = [
    path("bezwaren/", views.bezwaar_list, name="web-bezwaren"),
    path("bezwaren/<uuid:uuid>/", views.bezwaar_detail, name="web-bezwaar"),
    path("bezwaren/<uuid:uuid>/beslissen/", views.bezwaar_beslissen, name="web-bezwaar-beslissen"),
    path("bezwaren/<uuid:uuid>/verdagen/", views.bezwaar_verdagen, name="web-bezwaar-verdagen"),
    path("bezwaren/<uuid:uuid>/intrekken/", views.bezwaar_intrekken, name="web-bezwaar-intrekken"),
    path("aanvragen/<uuid:uuid>/bezwaar/", views_indienen.tegen_aanvraag, name="web-bezwaar-aanvraag"),
    path(
        "trajecten/<uuid:uuid>/verlengingen/<uuid:verlenging_uuid>/bezwaar/",
        views_indienen.tegen_verlenging,
        name="web-bezwaar-verlenging",
    ),
    path(
        "trajecten/<uuid:uuid>/vaststelling/bezwaar/",
        views_indienen.tegen_vaststelling,
        name="web-bezwaar-vaststelling",
    ),
    path("declaraties/regels/<uuid:uuid>/bezwaar/", views_indienen.tegen_prestatie, name="web-bezwaar-prestatie"),
]
