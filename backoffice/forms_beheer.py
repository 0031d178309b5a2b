"""The beheerder's forms for the settings and the role requests. They only shape the input; the
rules are the services' (``backoffice.services``) and the model's validators."""

from django import forms

from . import roles
from .forms import BedragField
from .models import Instellingen

# The settings page's groups: a title, a sentence and the fields, in the order shown.
GROEPEN = (
    (
        "Aanvragen en beslistermijnen",
        "Wie een traject kan krijgen en hoe lang een beslissing mag duren.",
        (
            "minimum_leeftijd",
            "aow_leeftijd",
            "beslistermijn_gemeente_dagen",
            "beslistermijn_uwv_dagen",
            "cmd_max_behandelduur_maanden",
            "eindverslag_termijn_dagen",
        ),
    ),
    (
        "Bezwaren",
        "De termijnen van de Algemene wet bestuursrecht.",
        ("bezwaar_beslistermijn_weken", "bezwaar_signaal_dagen"),
    ),
    (
        "Declaraties, betalingen en vorderingen",
        "Wat het loket zelf doet met declaraties, betaalopdrachten en vorderingen.",
        (
            "declaratie_automatisch_toekennen",
            "vier_ogen_drempel",
            "vordering_betaaltermijn_dagen",
            "vordering_automatisch_verzenden",
            "uwv_rekening_naam",
            "uwv_iban",
            "uwv_bic",
        ),
    ),
    (
        "Modeltrouw en caseload",
        "Wanneer een aanbieder zijn modeltrouw heeft aangetoond, en de norm voor de trajectbegeleiders.",
        (
            "modeltrouw_geldig_maanden",
            "modeltrouw_handhaving",
            "modeltrouw_aanloop_maanden",
            "caseload_norm_per_fte",
            "budget_signaal_procent",
        ),
    ),
    (
        "Privacy en beveiliging",
        "Bewaren, kleine aantallen en het raadplegen van BSN's.",
        ("bewaartermijn_jaren", "kleine_aantallen_drempel", "bsn_per_uur"),
    ),
)

HULP = {
    "minimum_leeftijd": "Een deelnemer is bij de start minstens zo oud.",
    "aow_leeftijd": "Een traject eindigt vóór deze leeftijd; hoger dan de minimumleeftijd.",
    "beslistermijn_gemeente_dagen": "Binnen zoveel dagen beslist de gemeente op een aanvraag (signaal bij overschrijding).",
    "beslistermijn_uwv_dagen": "Binnen zoveel dagen beslist UWV op een aanvraag.",
    "cmd_max_behandelduur_maanden": "Een CMD-traject duurt met verlengingen niet langer dan dit.",
    "eindverslag_termijn_dagen": "Zoveel dagen na het einde van een traject verwacht het loket het eindverslag.",
    "bezwaar_signaal_dagen": "Zoveel dagen voor het einde van de beslistermijn krijgt de behandelaar een signaal.",
    "declaratie_automatisch_toekennen": "Aan: een declaratieregel die alle controles doorstaat, wordt meteen "
    "toegekend. Uit: elke regel wacht op een UWV-beoordelaar.",
    "vier_ogen_drempel": "Een betaalopdracht boven dit bedrag vraagt het akkoord van een tweede medewerker. "
    "Zoals 100.000,00.",
    "vordering_betaaltermijn_dagen": "De gemeente betaalt een vordering binnen zoveel dagen.",
    "vordering_automatisch_verzenden": "Aan: een nieuwe vordering gaat meteen naar de gemeente. Uit: UWV financieel "
    "verzendt haar zelf.",
    "uwv_rekening_naam": "Zoals het in de SEPA-betaalbestanden staat.",
    "uwv_iban": "De rekening waarvan UWV betaalt.",
    "uwv_bic": "De BIC van die rekening.",
    "modeltrouw_geldig_maanden": "Zo lang telt een ingedeelde modeltrouwmeting.",
    "modeltrouw_handhaving": "Blokkeren: zonder geldige meting kan een aanbieder geen aanvraag indienen. "
    "Waarschuwen: hij kan het wel, met een waarschuwing.",
    "caseload_norm_per_fte": "Het loket signaleert een trajectbegeleider met meer cliënten per fte.",
    "budget_signaal_procent": "Boven dit deel van het toegekende budget krijgt de gemeente een signaal.",
}


class InstellingenForm(forms.ModelForm):
    vier_ogen_drempel = BedragField(label="Vier-ogendrempel betaalopdracht (€)", max_digits=12, decimal_places=2)

    class Meta:
        model = Instellingen
        # every setting, also one added later without a group (it shows under "Overige instellingen")
        fields = [f.name for f in Instellingen._meta.concrete_fields if f.name != "id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, tekst in HULP.items():
            field = self.fields[name]
            field.help_text = tekst
        for field in self.fields.values():
            field.label = field.label[:1].upper() + field.label[1:]
        self.fields["vier_ogen_drempel"].help_text = HULP["vier_ogen_drempel"]
        self.fields["modeltrouw_handhaving"].widget = forms.RadioSelect(
            choices=self.fields["modeltrouw_handhaving"].choices
        )
        if self.instance and self.instance.pk and not self.is_bound:
            from .templatetags.documenten import euro

            self.initial["vier_ogen_drempel"] = euro(self.instance.vier_ogen_drempel).replace("€\u00a0", "")

    def groepen(self) -> list[dict]:
        """Per group a sub-form of the bound fields, for ``backoffice/_form.html``."""
        gegroepeerd = {f for _, _, velden in GROEPEN for f in velden}
        overig = tuple(f for f in self.fields if f not in gegroepeerd)
        groepen = (
            [*GROEPEN, ("Overige instellingen", "Instellingen zonder eigen groep.", overig)] if overig else GROEPEN
        )
        return [
            {
                "titel": titel,
                "uitleg": uitleg,
                "id": f"groep-{n}",
                # what backoffice/_form.html reads of a form, for this group's fields only
                "form": {"visible_fields": [self[f] for f in velden], "hidden_fields": [], "non_field_errors": []},
            }
            for n, (titel, uitleg, velden) in enumerate(groepen, start=1)
        ]

    def _post_clean(self):
        """No ``instance.full_clean`` here: ``services.instellingen_wijzigen`` checks the model (one place)."""


class RolAanvraagForm(forms.Form):
    rol = forms.ChoiceField(label="Rol", choices=[("", "(kies een rol)"), *roles.ROLES.items()])
    toelichting = forms.CharField(
        label="Toelichting",
        max_length=300,
        required=False,
        help_text="Waarom deze rol? De tweede beheerder leest het voor hij beslist.",
        widget=forms.TextInput,
    )
