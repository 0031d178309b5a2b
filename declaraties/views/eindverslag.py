"""The end report from the trajectory page: its service settles the money (declaraties), so the
view that calls it lives here; the form and page are the provider's (trajecten/views_aanbieder.py). Its URL is in
``declaraties.views.web_urlpatterns``."""

from django.views.decorators.http import require_POST

from trajecten.views_aanbieder import eindverslag_actie

from .. import services


@require_POST
def eindverslag_nieuw(request, uuid):
    return eindverslag_actie(request, uuid, services.eindverslag_submit)
