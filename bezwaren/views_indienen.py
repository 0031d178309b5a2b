"""The provider's objection against a decision, from the decision's own page: on an application,
an extension, a declaration line or a trajectory's final settlement. One page per kind (the
decided object's uuid in the path, found through the owning app's scoped selector: another
organisation's object answers 404), one flow: the grounds (and after the 6-week term the reason for
the delay), a confirmation page, then the objection's own page.

The permission (``permissions.indienen_weigering``) decides whether the form is shown at all; a
refusal is a Dutch sentence on the page, never an error page; the service asks it again."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from backoffice import roles
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error, rule_message
from declaraties import selectors as geld
from declaraties.views.base import confirm_page, confirmed
from trajecten import selectors as zaak

from . import besluiten, permissions, rules, services, weergave
from .forms import IndienenForm

# The service names its fields as the API does; the form's fields are snake_case.
VELDEN = {"redenTermijnoverschrijding": "reden_termijnoverschrijding", "gronden": "gronden"}


def _require_aanbieder(user) -> None:
    allowed, reason = roles.check_role(user, roles.AANBIEDER)
    if not allowed:
        raise PermissionDenied(reason)


def _indienen(request, soort: str, obj):
    user = request.user
    feiten = besluiten.feiten(soort, obj)
    weigering = permissions.indienen_weigering(user, soort, obj, feiten)
    if weigering is not None and weigering.status == 404:
        raise Http404(weigering.message)
    today = timezone.localdate()
    termijn_einde = rules.termijn_einde(feiten.datum) if feiten.datum else None
    te_laat = bool(feiten.datum) and rules.te_laat(datum_besluit=feiten.datum, ingediend=today)
    form = IndienenForm(request.POST if request.method == "POST" else None, te_laat=te_laat)
    titel = weergave.besluit_titel(soort, obj)
    terug = weergave.besluit_url(soort, obj)
    status = 200
    if request.method == "POST" and weigering is not None:
        form.is_valid()
        add_rule_error(form, weigering, field_map=VELDEN)
        status = weigering.status
    elif request.method == "POST" and form.is_valid():
        if not confirmed(request):
            orgaan = "UWV" if feiten.beslisorgaan == "uwv" else "De gemeente"
            gevolg = [
                f"U maakt bezwaar tegen {feiten.omschrijving or titel}.",
                "Uw gronden:",
                form.cleaned_data["gronden"],
            ]
            if te_laat:
                gevolg += ["De bezwaartermijn is verstreken; uw reden daarvoor:", form.reden]
            gevolg.append(
                f"{orgaan} beslist op uw bezwaar; u krijgt een ontvangstbevestiging. Zolang er niet is beslist, "
                "kunt u het bezwaar intrekken."
            )
            return confirm_page(
                request, titel="Bevestig uw bezwaar", gevolg=gevolg, terug=terug, knop="Ja, dien het bezwaar in"
            )
        try:
            bezwaar = services.bezwaar_indienen(
                by=user,
                besluit_soort=soort,
                object=obj,
                gronden=form.cleaned_data["gronden"],
                reden_termijnoverschrijding=form.reden,
            )
        except BusinessRuleError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            add_rule_error(form, exc, field_map=VELDEN)
            status = exc.status
        else:
            messages.success(
                request,
                f"Uw bezwaar {bezwaar.nummer} is ingediend. De ontvangstbevestiging staat bij de documenten; "
                f"er wordt beslist vóór {bezwaar.beslistermijn:%d-%m-%Y}.",
            )
            return redirect("web-bezwaar", uuid=bezwaar.uuid)
    elif request.method == "POST":
        status = 400
    context = {
        "titel": titel,
        "terug": terug,
        "feiten": feiten,
        "termijn_einde": termijn_einde,
        "termijn_zin": weergave.termijn_zin(termijn_einde, today) if termijn_einde else "",
        "te_laat": te_laat,
        "weigering": rule_message(weigering) if weigering is not None else "",
        "form": form,
    }
    return render(request, "bezwaren/bezwaar_nieuw.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def tegen_aanvraag(request, uuid):
    _require_aanbieder(request.user)
    aanvraag = get_object_or_404(zaak.aanvragen_for(request.user), uuid=uuid)
    return _indienen(request, "aanvraag", aanvraag)


@never_cache
@require_http_methods(["GET", "POST"])
def tegen_verlenging(request, uuid, verlenging_uuid):
    _require_aanbieder(request.user)
    traject = get_object_or_404(zaak.trajecten_for(request.user), uuid=uuid)
    verlenging = get_object_or_404(traject.verlengingen.select_related("traject"), uuid=verlenging_uuid)
    return _indienen(request, "verlenging", verlenging)


@never_cache
@require_http_methods(["GET", "POST"])
def tegen_prestatie(request, uuid):
    _require_aanbieder(request.user)
    prestatie = get_object_or_404(geld.prestaties_for(request.user).select_related("traject"), uuid=uuid)
    return _indienen(request, "prestatie", prestatie)


@never_cache
@require_http_methods(["GET", "POST"])
def tegen_vaststelling(request, uuid):
    _require_aanbieder(request.user)
    traject = get_object_or_404(zaak.trajecten_for(request.user), uuid=uuid)
    return _indienen(request, "vaststelling", traject)
