"""The main navigation of the web pages: one flat list, in the order it is shown.

Each entry is ``(label, url name, roles)``; an empty ``roles`` tuple means every logged-in user.
Apps append their entries here (keep it a plain list, one line per entry). An entry whose url name
does not resolve (yet) is left out instead of breaking every page.
"""

from . import roles as r

ALLE = ()
CASE = (*r.UWV_ROLES, r.GEMEENTE, r.AANBIEDER)
# the applications and the participant search are the assessor's work, not UWV financieel's (its
# menu fits one line at 1280 px; the pages stay open to it through the links on its own pages)
BEOORDELEN = (r.UWV_BEOORDELAAR, r.GEMEENTE, r.AANBIEDER)

NAVIGATIE: list[tuple[str, str, tuple[str, ...]]] = [
    ("Werkbak", "web-start", ALLE),
    ("Aanvragen", "web-aanvragen", BEOORDELEN),
    ("Trajecten", "web-trajecten", CASE),
    ("Signalen", "web-signalen", (*r.UWV_ROLES, r.GEMEENTE, r.AANBIEDER)),
    ("Deelnemer zoeken", "web-deelnemer-zoeken", BEOORDELEN),
    ("Declaraties", "web-declaraties", (r.AANBIEDER, r.UWV_BEOORDELAAR)),
    ("Regels beoordelen", "web-prestaties-werkvoorraad", (r.UWV_BEOORDELAAR,)),
    ("Betaalopdrachten", "web-betaalopdrachten", (r.UWV_FINANCIEEL,)),
    ("Vorderingen", "web-vorderingen", (r.UWV_FINANCIEEL, r.GEMEENTE)),
    ("Bezwaren", "web-bezwaren", (r.AANBIEDER, *r.UWV_ROLES, r.GEMEENTE)),
    ("Modeltrouw", "web-modeltrouw", (*r.UWV_ROLES, r.AUDITOR, r.AANBIEDER)),
    ("Budgetten", "web-budgetten", (*r.UWV_ROLES, r.GEMEENTE, r.BEHEERDER)),
    ("Dashboard", "web-dashboard", (*r.UWV_ROLES, r.GEMEENTE)),
    ("Berichten", "web-berichten", ALLE),
    ("Verwerkingslog", "web-verwerkingen", (r.PRIVACY_OFFICER,)),
    ("Taken", "web-taken", (*r.UWV_ROLES, r.GEMEENTE, r.AANBIEDER, r.BEHEERDER, r.PRIVACY_OFFICER)),
    ("Regelingen", "web-beheer-regelingen", (r.BEHEERDER,)),
    ("Gebruikers", "web-beheer-gebruikers", (r.BEHEERDER,)),
    ("Instellingen", "web-beheer-instellingen", (r.BEHEERDER,)),
]
