"""The beheerder's forms for schemes, lots, prices and accounts: real widgets (checkboxes, dates,
euro amounts), no JSON. They only shape the input; every rule is the service's
(financiering/services/), whose refusals the view ties to a field (``add_rule_error``)."""

from decimal import Decimal

from django import forms

from backoffice.forms import BedragField

from .models import Aanbieder, AanbiederType, Doelgroep, Gemeente, ProductSoort, Route

DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATUM_FORMATEN = ["%Y-%m-%d", "%d-%m-%Y"]


def _datum(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DATUM, input_formats=DATUM_FORMATEN, help_text=help_text
    )


class RegelingForm(forms.Form):
    code = forms.SlugField(
        label="Code",
        max_length=60,
        help_text="Kleine letters, cijfers en streepjes, zoals 'ips-2027'. Verandert daarna niet meer.",
    )
    naam = forms.CharField(label="Naam", max_length=200)
    routes = forms.MultipleChoiceField(
        label="Routes",
        choices=Route.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Langs welke route(s) aanvragen binnenkomen: via UWV, via de gemeente of allebei.",
        error_messages={"required": "Kies minstens één route."},
    )
    raamovereenkomst_vereist = forms.BooleanField(
        label="Raamovereenkomst vereist",
        required=False,
        help_text="Aanbieders hebben een raamovereenkomst per perceel.",
    )
    aanvraag_vanaf = _datum("Aanvragen mogelijk vanaf", help_text="Leeg: vanaf nu.")
    aanvraag_tot = _datum("Aanvragen mogelijk tot en met", help_text="Leeg: geen einddatum.")
    quotum_uwv = forms.IntegerField(label="Quotum UWV-route (trajecten)", required=False, min_value=0)
    quotum_gemeente = forms.IntegerField(label="Quotum gemeenteroute (trajecten)", required=False, min_value=0)
    max_per_gemeente = forms.IntegerField(label="Maximum per gemeente (trajecten)", required=False, min_value=0)
    cofinanciering_procent = forms.DecimalField(
        label="Cofinanciering door de gemeente (%)",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=0,
        initial=0,
        help_text="Het deel van de kosten dat UWV bij de gemeente terugvordert, 0 tot en met 100.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    uwv_akkoord_na_beschikking = forms.BooleanField(
        label="UWV-akkoord na de beschikking van de gemeente",
        required=False,
        help_text="Uit: de beschikking van de gemeente is de toekenning. Aan: UWV beslist daarna nog.",
    )

    def __init__(self, *args, wijzigen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if wijzigen:
            del self.fields["code"]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["cofinanciering_aandeel"] = data.pop("cofinanciering_procent") / 100
        return data

    @staticmethod
    def initial_van(regeling) -> dict:
        return {
            "naam": regeling.naam,
            "routes": regeling.routes,
            "raamovereenkomst_vereist": regeling.raamovereenkomst_vereist,
            "aanvraag_vanaf": regeling.aanvraag_vanaf,
            "aanvraag_tot": regeling.aanvraag_tot,
            "quotum_uwv": regeling.quotum_uwv,
            "quotum_gemeente": regeling.quotum_gemeente,
            "max_per_gemeente": regeling.max_per_gemeente,
            "cofinanciering_procent": (regeling.cofinanciering_aandeel * 100).quantize(Decimal("1")),
            "uwv_akkoord_na_beschikking": regeling.uwv_akkoord_na_beschikking,
        }


class PerceelForm(forms.Form):
    code = forms.SlugField(label="Code", max_length=80, help_text="Zoals 'ips-2027-epa'. Verandert daarna niet meer.")
    naam = forms.CharField(label="Naam", max_length=200)
    doelgroep = forms.ChoiceField(label="Doelgroep", choices=Doelgroep.choices, widget=forms.RadioSelect)
    basisduur_maanden = forms.IntegerField(label="Basisduur (maanden)", min_value=1, max_value=60)
    max_verlenging_maanden = forms.IntegerField(
        label="Maximale verlenging (maanden)", min_value=0, max_value=36, initial=0, help_text="0: geen verlenging."
    )
    toegestane_aanbiedertypen = forms.MultipleChoiceField(
        label="Toegestane aanbiedertypen",
        choices=AanbiederType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Welke soorten aanbieders voor dit perceel mogen aanvragen.",
        error_messages={"required": "Kies minstens één aanbiedertype."},
    )
    trajectprijs = BedragField(
        label="Trajectprijs (€)",
        required=False,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text="Zoals 8.000,00. Leeg: de prijs volgt later (de regeling is dan nog niet volledig ingericht).",
    )
    prijs_geldig_van = _datum("Prijs geldig vanaf", help_text="Leeg: de eerste aanvraagdatum van de regeling.")

    def __init__(self, *args, wijzigen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if wijzigen:
            for name in ("code", "trajectprijs", "prijs_geldig_van"):
                del self.fields[name]

    @staticmethod
    def initial_van(perceel) -> dict:
        return {
            "naam": perceel.naam,
            "doelgroep": perceel.doelgroep,
            "basisduur_maanden": perceel.basisduur_maanden,
            "max_verlenging_maanden": perceel.max_verlenging_maanden,
            "toegestane_aanbiedertypen": list(perceel.toegestane_aanbiedertypen),
        }


class TrajectprijsForm(forms.Form):
    bedrag = BedragField(
        label="Bedrag (€)", max_digits=10, decimal_places=2, min_value=Decimal("0.01"), help_text="Zoals 8.000,00."
    )
    geldig_van = _datum("Geldig vanaf", required=True)
    geldig_tot = _datum("Geldig tot en met", help_text="Leeg: geen einddatum.")


class ProductForm(forms.Form):
    code = forms.SlugField(label="Code", max_length=30)
    naam = forms.CharField(label="Naam", max_length=100)
    soort = forms.ChoiceField(label="Soort", choices=ProductSoort.choices)
    aandeel_procent = forms.DecimalField(
        label="Aandeel in de prijs (%)",
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        error_messages={
            "min_value": "Het aandeel is minstens 0,01%.",
            "max_value": "Het aandeel is hoogstens 100%.",
        },
    )
    min_uren_per_week = forms.DecimalField(
        label="Minimum uren per week", required=False, min_value=Decimal("0"), max_digits=4, decimal_places=1
    )


ProductFormSet = forms.formset_factory(ProductForm, extra=1, can_delete=True)


class GebruikerForm(forms.Form):
    ORGANISATIE = [
        ("geen", "Geen (UWV, Phrenos, beheer, FG)"),
        ("aanbieder", "Een aanbieder"),
        ("gemeente", "Gemeente(n)"),
    ]

    username = forms.CharField(
        label="Gebruikersnaam",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    first_name = forms.CharField(label="Voornaam", max_length=150, required=False)
    last_name = forms.CharField(label="Achternaam", max_length=150, required=False)
    email = forms.EmailField(label="E-mailadres", required=False, help_text="Voor de dagelijkse berichten.")
    organisatie = forms.ChoiceField(label="Organisatie", choices=ORGANISATIE, widget=forms.RadioSelect, initial="geen")
    aanbieder = forms.ModelChoiceField(
        label="Aanbieder", queryset=Aanbieder.objects.order_by("naam"), required=False, empty_label="(kies)"
    )
    gemeenten = forms.ModelMultipleChoiceField(
        label="Gemeenten",
        queryset=Gemeente.objects.order_by("naam"),
        required=False,
        help_text="Houd Ctrl (Cmd) ingedrukt om er meer te kiezen.",
    )
    wachtwoord = forms.CharField(
        label="Eerste wachtwoord",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Geef het de gebruiker apart door; minstens 12 tekens.",
    )

    def clean(self):
        data = super().clean()
        soort = data.get("organisatie")
        if soort == "aanbieder" and not data.get("aanbieder"):
            self.add_error("aanbieder", "Kies de aanbieder.")
        if soort == "gemeente" and not data.get("gemeenten"):
            self.add_error("gemeenten", "Kies minstens één gemeente.")
        if soort != "aanbieder":
            data["aanbieder"] = None
        if soort != "gemeente":
            data["gemeenten"] = []
        return data


class OrganisatieForm(GebruikerForm):
    """The organisation of an existing account (the same fields, without name and password)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("username", "first_name", "last_name", "email", "wachtwoord"):
            del self.fields[name]
