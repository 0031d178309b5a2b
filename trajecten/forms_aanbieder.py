"""Forms of the provider's pages. Only the shape of the input is checked here; every rule is the
service's (a refused rule comes back as a BusinessRuleError and lands on its field)."""

from django import forms

from backoffice import limieten
from backoffice.forms import BedragField
from financiering.models import Doelgroep, Gemeente

from .models import (
    AanvraagStatus,
    Deelnemer,
    Eindverslag,
    EindverslagUitkomst,
    PlaatsingContractsoort,
    StopberichtReden,
    TrajectStatus,
    Uitkering,
)
from .validators import clean_bsn

JA_NEE = [("ja", "Ja"), ("nee", "Nee")]
LOONONDERSTEUNING = [
    ("loonkostensubsidie", "Loonkostensubsidie"),
    ("loondispensatie", "Loondispensatie"),
    ("beschut_werk", "Beschut werk"),
]
DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def ja_nee(label: str, help_text: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=JA_NEE,
        widget=forms.RadioSelect,
        error_messages={"required": "Kies ja of nee."},
    )


class NietTerugTonen(forms.TextInput):
    """A text input that never renders its value: after an error the BSN is typed again."""

    def format_value(self, value):
        return None


class DeelnemerForm(forms.ModelForm):
    """Register a participant. The BSN is a text field that is never sent back to the browser."""

    bsn = forms.CharField(
        label="BSN",
        help_text="Het burgerservicenummer: 9 cijfers. Wij slaan het versleuteld op en tonen het nooit volledig.",
        max_length=9,
        widget=NietTerugTonen(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false", "pattern": "[0-9]{9}"}
        ),
    )

    class Meta:
        model = Deelnemer
        fields = [
            "voorletters", "achternaam", "geboortedatum", "gemeente", "uitkering", "doelgroep",
            "hoofddiagnosegroep", "opleiding", "werkervaring_jaren", "geslacht", "burgerlijke_staat",
        ]  # fmt: skip
        labels = {
            "geboortedatum": "Geboortedatum",
            "gemeente": "Woongemeente",
            "uitkering": "Uitkering",
            "doelgroep": "Doelgroep",
            "hoofddiagnosegroep": "Hoofddiagnosegroep",
            "opleiding": "Hoogste opleiding",
            "werkervaring_jaren": "Werkervaring (jaren)",
            "geslacht": "Geslacht",
            "burgerlijke_staat": "Burgerlijke staat",
        }
        help_texts = {
            "uitkering": "De uitkering bepaalt de route: UWV of de gemeente.",
            "werkervaring_jaren": "Niet verplicht.",
        }
        widgets = {"geboortedatum": DATUM}

    field_order = ["bsn"]

    def __init__(self, *args, gemeenten=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].queryset = (gemeenten if gemeenten is not None else Gemeente.objects.none()).order_by(
            "naam"
        )
        self.fields["gemeente"].empty_label = "Kies een gemeente"
        self.fields["gemeente"].label_from_instance = lambda g: g.naam
        self.fields["uitkering"].choices = [("", "Kies een uitkering"), *Uitkering.choices]
        self.fields["doelgroep"].choices = [("", "Kies een doelgroep"), *Doelgroep.choices]

    def clean_bsn(self):
        return clean_bsn(self.cleaned_data["bsn"])


class AanvraagForm(forms.Form):
    perceel = forms.ModelChoiceField(
        label="Perceel",
        queryset=None,
        empty_label="Kies een perceel",
        help_text="Het perceel bepaalt de doelgroep, de looptijd en de prijs.",
    )
    regiebehandelaar = forms.CharField(
        label="Regiebehandelaar",
        max_length=limieten.NAAM,
        help_text="Naam van de behandelaar die de regie heeft over de behandeling.",
    )
    trajectbegeleider = forms.ModelChoiceField(
        label="Trajectbegeleider", queryset=None, required=False, empty_label="Nog niet bekend"
    )
    gewenste_startdatum = forms.DateField(label="Gewenste startdatum", required=False, widget=DATUM)
    in_behandeling_sggz = ja_nee(
        "Is de deelnemer in behandeling in de specialistische ggz?",
        "IPS is bedoeld voor mensen die behandeld worden; de behandeling loopt naast het traject.",
    )
    wens_betaald_werk = ja_nee(
        "Wil de deelnemer betaald werk?",
        "IPS begint bij de wens van de deelnemer zelf om betaald werk te vinden.",
    )
    geen_of_klein_dienstverband = ja_nee(
        "Heeft de deelnemer geen of een klein dienstverband?",
        "Wie al een baan van betekenis heeft, komt niet in aanmerking.",
    )
    behandelduur_maanden = forms.IntegerField(
        label="Behandelduur in maanden (alleen bij CMD)",
        required=False,
        min_value=0,
        max_value=240,
        help_text="Bij een CMD-perceel: hoe lang loopt de behandeling al? Bij andere percelen leeg laten.",
    )
    toestemming_op = forms.DateField(
        label="Toestemming deelnemer getekend op",
        widget=DATUM,
        help_text="De datum waarop de deelnemer de aanvraag heeft ondertekend (toestemming). Niet in de toekomst.",
        error_messages={
            "required": "De deelnemer moet de aanvraag ondertekenen: vul de datum in waarop de deelnemer "
            "toestemming gaf."
        },
    )

    def __init__(self, *args, percelen, begeleiders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perceel"].queryset = percelen
        self.fields["perceel"].label_from_instance = lambda p: f"{p.naam} ({p.regeling.naam})"
        self.fields["trajectbegeleider"].queryset = begeleiders

    def service_args(self) -> dict:
        d = self.cleaned_data
        return {
            "perceel": d["perceel"],
            "regiebehandelaar": d["regiebehandelaar"],
            "trajectbegeleider": d["trajectbegeleider"],
            "gewenste_startdatum": d["gewenste_startdatum"],
            "in_behandeling_sggz": d["in_behandeling_sggz"] == "ja",
            "wens_betaald_werk": d["wens_betaald_werk"] == "ja",
            "geen_of_klein_dienstverband": d["geen_of_klein_dienstverband"] == "ja",
            "behandelduur_maanden": d["behandelduur_maanden"],
            "toestemming_op": d["toestemming_op"],
        }


class BevestigVeld(forms.Form):
    bevestigd = forms.BooleanField(
        label="Ik bevestig dit",
        error_messages={"required": "Vink aan dat u dit bevestigt; zonder bevestiging gebeurt er niets."},
    )


class IntrekkenForm(BevestigVeld):
    toelichting = forms.CharField(label="Reden van intrekken", required=False, max_length=100)
    field_order = ["toelichting", "bevestigd"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bevestigd"].label = "Ik bevestig dat ik deze aanvraag intrek"


class TrajectFilterForm(forms.Form):
    zoek = forms.IntegerField(label="Toewijzingsnummer", required=False, min_value=1)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Alle statussen"), *TrajectStatus.choices])
    perceel = forms.ChoiceField(label="Perceel", required=False)
    eindigt_voor = forms.DateField(label="Eindigt vóór", required=False, widget=DATUM)

    def __init__(self, *args, percelen=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perceel"].choices = [("", "Alle percelen"), *((p.code, p.naam) for p in percelen)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        d, f = self.cleaned_data, {}
        if d.get("zoek"):
            f["toewijzing_nummer"] = d["zoek"]
        if d.get("status"):
            f["status"] = d["status"]
        if d.get("perceel"):
            f["perceel__code"] = d["perceel"]
        if d.get("eindigt_voor"):
            f["einddatum_gepland__lt"] = d["eindigt_voor"]
        return f


class AanvraagLijstFilter(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Alle statussen"), *AanvraagStatus.choices]
    )


class PlaatsingForm(forms.Form):
    werkgever = forms.CharField(label="Werkgever", max_length=limieten.NAAM)
    startdatum = forms.DateField(label="Startdatum", widget=DATUM)
    einddatum = forms.DateField(
        label="Einddatum", required=False, widget=DATUM, help_text="Leeg bij een vast contract."
    )
    uren_per_week = BedragField(label="Uren per week", max_digits=4, decimal_places=1, min_value=0)
    contractsoort = forms.ChoiceField(label="Soort contract", choices=[("", "Kies"), *PlaatsingContractsoort.choices])
    vast = forms.BooleanField(label="Vast contract", required=False)
    minimumloon_of_meer = forms.BooleanField(label="Verdient minstens het minimumloon", required=False)
    proefplaatsing = forms.BooleanField(label="Proefplaatsing (onbetaald)", required=False)
    open_voor_iedereen = forms.TypedChoiceField(
        label="Open voor iedereen (geen baan speciaal voor mensen met gezondheidsproblemen)",
        help_text="Kon iedereen op deze baan solliciteren? Uitzendwerk en seizoenswerk tellen mee. Alleen een "
        "betaalde baan van minstens het minimumloon die open is voor iedereen telt als regulier betaald werk.",
        choices=JA_NEE,
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": "Kies ja of nee."},
    )
    loonondersteuning = forms.MultipleChoiceField(
        label="Loonondersteuning",
        required=False,
        choices=LOONONDERSTEUNING,
        widget=forms.CheckboxSelectMultiple,
    )
    aandoening_bekend_bij_werkgever = forms.TypedChoiceField(
        label="Heeft de deelnemer de werkgever over de aandoening verteld?",
        help_text="Alleen met toestemming van de deelnemer neemt u contact op met de werkgever; leg vast wat de "
        "deelnemer zelf heeft verteld.",
        choices=JA_NEE,
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": "Kies ja of nee."},
    )


class VerlengingForm(forms.Form):
    maanden = forms.IntegerField(label="Aantal maanden verlenging", min_value=1, max_value=36)
    toelichting = forms.CharField(
        label="Waarom is verlenging nodig?", widget=forms.Textarea(attrs={"rows": 3}), max_length=limieten.TOELICHTING
    )


class StopForm(BevestigVeld):
    einddatum = forms.DateField(label="Laatste dag van het traject", widget=DATUM)
    reden = forms.ChoiceField(label="Reden", choices=[("", "Kies een reden"), *StopberichtReden.choices])
    toelichting = forms.CharField(
        label="Toelichting", required=False, max_length=limieten.TOELICHTING, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["einddatum", "reden", "toelichting", "bevestigd"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bevestigd"].label = "Ik bevestig dat dit traject stopt"


class EindverslagForm(BevestigVeld):
    uitkomst = forms.ChoiceField(label="Uitkomst", choices=[("", "Kies de uitkomst"), *EindverslagUitkomst.choices])
    # The bounds of the column (a number beyond it gave a DataError and a 500).
    uren_besteed = forms.IntegerField(
        label="Bestede uren begeleiding",
        required=False,
        min_value=0,
        validators=Eindverslag._meta.get_field("uren_besteed").validators,  # with the column's range
    )
    toelichting = forms.CharField(
        label="Toelichting", required=False, max_length=limieten.TOELICHTING, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["uitkomst", "uren_besteed", "toelichting", "bevestigd"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bevestigd"].label = "Ik bevestig dat het traject hiermee wordt afgesloten"


class SignaalFilterForm(forms.Form):
    soort = forms.ChoiceField(label="Soort", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("open", "Open"), ("afgehandeld", "Afgehandeld"), ("alle", "Alle")]
    )

    def __init__(self, *args, soorten=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = [("", "Alle soorten"), *soorten]
