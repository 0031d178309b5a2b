"""The privacy officer's (FG) page of the processing log: search per participant (uuid, or BSN by
POST), per user, per period and per purpose, with paging.

A BSN goes in a POST only: the page keeps its keyed hash in the session and sends the browser on
to ``?zoek=bsn`` (post/redirect/get), so the BSN never appears in a URL and is never echoed back.
The lookup is recorded in ``BsnRaadpleging``; the entries shown are logged as read by the FG."""

import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from stdnum.nl import bsn as stdnum_bsn

from . import crypto, roles, selectors, verwerkingslog
from .models import VerwerkingDoel
from .services import bsn_raadpleging_log

PER_PAGINA = 50
SESSIE_BSN = "ips_fg_bsn_hash"


class VerwerkingFilterForm(forms.Form):
    deelnemer = forms.UUIDField(
        label="Deelnemer (uuid)", required=False, error_messages={"invalid": "Dit is geen geldige uuid."}
    )
    gebruiker = forms.CharField(label="Gebruiker (gebruikersnaam)", required=False, max_length=150)
    van = forms.DateField(
        label="Van", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Vul een datum in als JJJJ-MM-DD."},
    )  # fmt: skip
    tot = forms.DateField(
        label="Tot en met", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Vul een datum in als JJJJ-MM-DD."},
    )  # fmt: skip
    doel = forms.ChoiceField(label="Doel", required=False, choices=[("", "Alle doelen"), *VerwerkingDoel.choices])

    def clean(self):
        data = super().clean()
        if data.get("van") and data.get("tot") and data["tot"] < data["van"]:
            self.add_error("tot", "De einddatum ligt vóór de begindatum.")
        return data


class FgBsnForm(forms.Form):
    bsn = forms.CharField(
        label="BSN",
        max_length=11,
        help_text="9 cijfers. Het BSN komt niet in de adresbalk; de zoekvraag zelf wordt vastgelegd.",
        error_messages={"required": "Vul een BSN in. (code: ongeldig-bsn)"},
    )

    def clean_bsn(self) -> str:
        text = self.cleaned_data["bsn"].strip()
        if not re.fullmatch(r"\d{9}", text):
            raise forms.ValidationError("Een BSN bestaat uit precies 9 cijfers. (code: ongeldig-bsn)")
        if not stdnum_bsn.is_valid(text):
            raise forms.ValidationError("Dit BSN is ongeldig: het voldoet niet aan de elfproef. (code: ongeldig-bsn)")
        return text


@never_cache
@require_http_methods(["GET", "POST"])
def verwerkingen(request):
    allowed, reason = roles.check_role(request.user, roles.PRIVACY_OFFICER)
    if not allowed:
        raise PermissionDenied(reason)
    bsn_form = FgBsnForm()
    if request.method == "POST":
        bsn_form = FgBsnForm(request.POST)
        if bsn_form.is_valid():
            bsn = bsn_form.cleaned_data["bsn"]
            bsn_hash = crypto.bsn_hash(bsn)
            request.session[SESSIE_BSN] = bsn_hash
            aantal = (
                selectors.verwerkingen_zoeken(request.user, bsn_hash=bsn_hash)
                .order_by()
                .values("deelnemer_uuid")
                .distinct()
                .count()
            )
            bsn_raadpleging_log(by=request.user, bsn=bsn, kanaal="web", aantal_gevonden=aantal)
            return redirect(f"{request.path}?zoek=bsn")
    form = VerwerkingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    bsn_hash = request.session.get(SESSIE_BSN, "") if request.GET.get("zoek") == "bsn" else ""
    qs = selectors.verwerkingen_zoeken(
        request.user,
        deelnemer=filters.get("deelnemer"),
        bsn_hash=bsn_hash,
        gebruiker=(filters.get("gebruiker") or "").strip(),
        van=filters.get("van"),
        tot=filters.get("tot"),
        doel=filters.get("doel") or "",
    )
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    for row in rows:  # the FG read these entries: logged too (one insert at the end of the request)
        verwerkingslog.noteer_referentie(row.deelnemer_uuid, row.bsn_hash)
        # stored as codes ("privacy_officer, uwv_beoordelaar"): shown by their Dutch names
        row.rollen_namen = ", ".join(roles.ROLES.get(c.strip(), c.strip()) for c in row.rollen.split(",") if c.strip())
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "form": form if form.is_bound else VerwerkingFilterForm(),
        "bsn_form": FgBsnForm() if request.method == "GET" else bsn_form,
        "page_obj": page,
        "rijen": rows,
        "query": query.urlencode(),
        "zoek_bsn": bool(bsn_hash),
        "raadplegingen": list(selectors.bsn_raadplegingen_zoeken(request.user, bsn_hash=bsn_hash)[:50]),
        "gebruiker": (filters.get("gebruiker") or "").strip(),
        "raadplegingen_gebruiker": list(
            selectors.bsn_raadplegingen_van(request.user, gebruiker=(filters.get("gebruiker") or "").strip())[:50]
        ),
        "gezocht": bool(bsn_hash or filters),
    }
    return render(request, "backoffice/verwerkingen.html", context, status=400 if bsn_form.errors else 200)


web_urlpatterns = [path("verwerkingen/", verwerkingen, name="web-verwerkingen")]
