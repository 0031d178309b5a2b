"""Web pages of the money, one module per noun: declarations (form, spreadsheet upload, per-line
answer, UWV's assessment), payment orders (approval with four eyes, SEPA file, the bank's
confirmation), co-financing claims (receipts, sending, disputes, the overview per gemeente), the
dashboards, and the end report posted from the trajectory page.

Views read through the selectors (scoped to the user's organisation: someone else's object is a
404, a missing role a 403) and write through the services; a refused action
(``BusinessRuleError``) comes back on the form, tied to its field, with its code. Every irreversible
action passes a confirmation page first (``base.confirm_page``)."""

from django.urls import path

from .betaalopdrachten import (
    betaalopdracht_akkoord,
    betaalopdracht_bevestiging,
    betaalopdracht_detail,
    betaalopdracht_list,
    betaalopdracht_regels,
    betaalopdracht_sepa,
)
from .dashboard import dashboard, dashboard_budget_export
from .declaraties import (
    declaratie_beoordeling,
    declaratie_detail,
    declaratie_list,
    declaratie_nieuw,
    declaratie_sjabloon,
    declaratie_upload,
    prestatie_werkvoorraad,
    prestaties_bulk_toekennen,
)
from .eindverslag import eindverslag_nieuw
from .vorderingen import (
    vordering_bezwaar,
    vordering_bezwaar_besluit,
    vordering_detail,
    vordering_factuur_xml,
    vordering_list,
    vordering_ontvangst,
    vordering_regels,
    vordering_verzenden,
    vorderingen_overzicht,
    vorderingen_overzicht_export,
)

web_urlpatterns = [
    path("declaraties/", declaratie_list, name="web-declaraties"),
    path("declaraties/nieuw/", declaratie_nieuw, name="web-declaratie-nieuw"),
    path("declaraties/bestand/", declaratie_upload, name="web-declaratie-upload"),
    path("declaraties/sjabloon.<str:formaat>", declaratie_sjabloon, name="web-declaratie-sjabloon"),
    path("declaraties/werkvoorraad/", prestatie_werkvoorraad, name="web-prestaties-werkvoorraad"),
    path("declaraties/werkvoorraad/toekennen/", prestaties_bulk_toekennen, name="web-prestaties-bulk-toekennen"),
    path("declaraties/<uuid:uuid>/", declaratie_detail, name="web-declaratie"),
    path("declaraties/<uuid:uuid>/beoordeling/", declaratie_beoordeling, name="web-declaratie-beoordeling"),
    path("betaalopdrachten/", betaalopdracht_list, name="web-betaalopdrachten"),
    path("betaalopdrachten/<uuid:uuid>/", betaalopdracht_detail, name="web-betaalopdracht"),
    path("betaalopdrachten/<uuid:uuid>/akkoord/", betaalopdracht_akkoord, name="web-betaalopdracht-akkoord"),
    path(
        "betaalopdrachten/<uuid:uuid>/bevestiging/", betaalopdracht_bevestiging, name="web-betaalopdracht-bevestiging"
    ),
    path("betaalopdrachten/<uuid:uuid>/sepa.xml", betaalopdracht_sepa, name="web-betaalopdracht-sepa"),
    path("betaalopdrachten/<uuid:uuid>/regels.<str:formaat>", betaalopdracht_regels, name="web-betaalopdracht-regels"),
    path("vorderingen/", vordering_list, name="web-vorderingen"),
    path("vorderingen/overzicht/", vorderingen_overzicht, name="web-vorderingen-overzicht"),
    path("vorderingen/overzicht.<str:formaat>", vorderingen_overzicht_export, name="web-vorderingen-overzicht-export"),
    path("vorderingen/<uuid:uuid>/", vordering_detail, name="web-vordering"),
    path("vorderingen/<uuid:uuid>/verzenden/", vordering_verzenden, name="web-vordering-verzenden"),
    path("vorderingen/<uuid:uuid>/ontvangst/", vordering_ontvangst, name="web-vordering-ontvangst"),
    path("vorderingen/<uuid:uuid>/bezwaar/", vordering_bezwaar, name="web-vordering-bezwaar"),
    path("vorderingen/<uuid:uuid>/bezwaarbesluit/", vordering_bezwaar_besluit, name="web-vordering-bezwaarbesluit"),
    path("vorderingen/<uuid:uuid>/regels.<str:formaat>", vordering_regels, name="web-vordering-regels"),
    path("vorderingen/<uuid:uuid>/factuur.xml", vordering_factuur_xml, name="web-vordering-factuur-xml"),
    path("dashboard/", dashboard, name="web-dashboard"),
    path("dashboard/budget.<str:formaat>", dashboard_budget_export, name="web-dashboard-budget-export"),
    path("trajecten/<uuid:uuid>/eindverslag/", eindverslag_nieuw, name="web-traject-eindverslag"),
]
