"""Web pages of the Awb objections: the list (open first, the decision term and overdue ones
marked), the objection's page (status, terms, the contested decision, documents, history) with
the deciding body's form, its confirmation page and the result, and the provider's withdrawal.
Filing lives in ``views_indienen`` (from the decision's own page).

Views read through ``selectors`` (scoped: another organisation's objection answers 404, the same
as one that does not exist; a missing role 403) and write through ``services``; a refused action
(``BusinessRuleError``) comes back on the form, tied to its field, with its code. Every decision
passes a confirmation page first (``declaraties.views.base.confirm_page``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backoffice import lijsten, roles
from backoffice.db_routing import replica_read
from backoffice.errors import BusinessRuleError
from backoffice.forms import add_rule_error, rule_message
from declaraties.views.base import confirm_page, confirmed

from . import lijsten as lijst_defs
from . import permissions, rules, selectors, services, weergave
from .forms import BeslissenForm, IntrekkenForm, VerdagenForm

PER_PAGINA = 25
LEZERS = (roles.AANBIEDER, *roles.UWV_ROLES, roles.GEMEENTE)
BESLISSERS = (roles.UWV_BEOORDELAAR, roles.GEMEENTE)
FILTERS = {"open": "Open", "beslist": "Beslist of ingetrokken", "alle": "Alle"}


def _require(user, *required: str) -> None:
    allowed, reason = roles.check_role(user, *required)
    if not allowed:
        raise PermissionDenied(reason)


@never_cache
@require_http_methods(["GET", "POST"])
@replica_read
def bezwaar_list(request):
    """The objections with the list machinery (``backoffice.lijsten``): search, sort, the remembered
    filter, export; each line links to its trajectory where the role may see it."""
    _require(request.user, *LEZERS)
    st = lijsten.staat(request, lijst_defs.BEZWAREN)
    if st.antwoord:
        return st.antwoord
    today = timezone.localdate()
    filter_ = st.filters.get("status") or "open"
    filter_ = filter_ if filter_ in FILTERS else "open"
    qs = (
        selectors.bezwaren_voor(request.user)
        .select_related(*weergave.BESLUIT_VELDEN)
        .annotate(
            _traject=Coalesce("traject_id", "verlenging__traject_id", "prestatie__traject_id", "aanvraag__traject__id")
        )
    )
    if filter_ == "open":
        qs = qs.filter(status__in=rules.OPEN)
    elif filter_ == "beslist":
        qs = qs.exclude(status__in=rules.OPEN)
    open_ = Case(When(status__in=rules.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    qs = st.toepassen(qs.annotate(_dicht=open_))
    if st.export:
        rijen = list(qs[: lijsten.MAX_EXPORT + 1])
        if len(rijen) > lijsten.MAX_EXPORT:
            return st.export_response(qs)  # the list machinery's refusal (export-te-groot), as every list
        _trajecten(request.user, rijen)
        return lijsten.export(lijst_defs.BEZWAREN, rijen, request.user, st.export)
    page = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    _trajecten(request.user, page.object_list)
    rijen = [
        {"bezwaar": b, "besluit": weergave.besluit_van(b), "verlopen": weergave.beslistermijn_verlopen(b, today)}
        for b in page.object_list
    ]
    context = st.context(page)
    return render(
        request,
        "bezwaren/bezwaar_list.html",
        {
            "page_obj": page,
            "rijen": rijen,
            "filter": filter_,
            "filters": FILTERS,
            "is_aanbieder": roles.has_role(request.user, roles.AANBIEDER),
            "is_beslisser": roles.has_role(request.user, *BESLISSERS),
            **context,
        },
    )


def _trajecten(user, bezwaren) -> None:
    """Each objection's trajectory (``traject_link``, ``toewijzing``) where ``user`` may see it: one query."""
    from trajecten.selectors import trajecten_for

    ids = {b._traject for b in bezwaren if b._traject}
    zichtbaar = (
        dict(
            (pk, (uuid, nummer))
            for pk, uuid, nummer in trajecten_for(user)
            .prefetch_related(None)
            .filter(pk__in=ids)
            .values_list("pk", "uuid", "toewijzing_nummer")
        )
        if ids
        else {}
    )
    for b in bezwaren:
        uuid, nummer = zichtbaar.get(b._traject, (None, None))
        b.traject_link = reverse("web-traject", kwargs={"uuid": uuid}) if uuid else None
        b.toewijzing = nummer


def _context(request, bezwaar, *, form=None, verdagen_form=None) -> dict:
    user = request.user
    today = timezone.localdate()
    mag_beslissen = permissions.can_beslissen(user, bezwaar)[0]
    mag_verdagen = permissions.can_verdagen(user, bezwaar)[0]
    return {
        "bezwaar": bezwaar,
        "besluit": weergave.besluit_van(bezwaar),
        "verlopen": weergave.beslistermijn_verlopen(bezwaar, today),
        "uitkomst": rules.UITKOMST_TEKST.get(bezwaar.status, ""),
        "gevolgen": weergave.gevolgen_tekst(bezwaar),
        "form": form or (BeslissenForm() if mag_beslissen else None),
        "verdagen_form": verdagen_form or (VerdagenForm() if mag_verdagen else None),
        "mag_intrekken": permissions.can_intrekken(user, bezwaar)[0],
        # who took the contested decision does not decide on the objection (Awb 7:5): say why
        "zelf_besloten": bezwaar.open
        and roles.has_role(user, *BESLISSERS)
        and bezwaar.besluit_genomen_door_id == user.pk,
        "historie": bezwaar.history.select_related("history_user").order_by("-history_date", "-history_id"),
        "today": today,
    }


def _render(request, bezwaar, status=200, **forms):
    return render(request, "bezwaren/bezwaar_detail.html", _context(request, bezwaar, **forms), status=status)


@require_GET
def bezwaar_detail(request, uuid):
    _require(request.user, *LEZERS)
    return _render(request, selectors.bezwaar_get(request.user, uuid))


@never_cache
@require_POST
def bezwaar_beslissen(request, uuid):
    """The decision on the objection: the form on the objection's page, then a confirmation page
    that says what the outcome will do (for gegrond: what is revoked), then the result."""
    _require(request.user, *BESLISSERS)
    bezwaar = selectors.bezwaar_get(request.user, uuid)
    form = BeslissenForm(request.POST)
    if not form.is_valid():
        return _render(request, bezwaar, status=400, form=form)
    weigering = permissions.beslissen_weigering(request.user, bezwaar)
    if weigering is not None:
        if weigering.status == 404:
            raise Http404(weigering.message)
        add_rule_error(form, weigering)
        return _render(request, bezwaar, status=weigering.status, form=form)
    uitkomst = form.cleaned_data["uitkomst"]
    if not confirmed(request):
        return confirm_page(
            request,
            titel=f"Bevestig uw besluit op bezwaar {bezwaar.nummer}",
            gevolg=[*weergave.gevolg(bezwaar, uitkomst), "Uw motivering:", form.cleaned_data["toelichting"]],
            terug=reverse("web-bezwaar", kwargs={"uuid": bezwaar.uuid}),
            knop="Ja, leg het besluit op bezwaar vast",
        )
    try:
        bezwaar = services.bezwaar_beslissen(
            by=request.user, bezwaar=bezwaar, uitkomst=uitkomst, toelichting=form.cleaned_data["toelichting"]
        )
    except BusinessRuleError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        add_rule_error(form, exc)
        return _render(request, selectors.bezwaar_get(request.user, uuid), status=exc.status, form=form)
    tekst = f"Bezwaar {bezwaar.nummer} is {rules.UITKOMST_TEKST[uitkomst]} verklaard."
    if uitkomst == "gegrond":
        tekst += " Het besluit is herroepen; neem nu het nieuwe besluit."
    messages.success(request, tekst + " Het besluit op bezwaar staat bij de documenten.")
    return redirect("web-bezwaar", uuid=bezwaar.uuid)


@never_cache
@require_POST
def bezwaar_verdagen(request, uuid):
    """The deciding body extends the decision term once by six weeks (Awb 7:10 lid 3)."""
    _require(request.user, *BESLISSERS)
    bezwaar = selectors.bezwaar_get(request.user, uuid)
    form = VerdagenForm(request.POST)
    if form.is_valid():
        try:
            bezwaar = services.bezwaar_verdagen(by=request.user, bezwaar=bezwaar, reden=form.cleaned_data["reden"])
        except BusinessRuleError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            add_rule_error(form, exc, field_map={"toelichting": "reden"})
        else:
            messages.success(request, f"De beslistermijn is verdaagd tot {bezwaar.beslistermijn:%d-%m-%Y}.")
            return redirect("web-bezwaar", uuid=bezwaar.uuid)
    return _render(request, selectors.bezwaar_get(request.user, uuid), status=400, verdagen_form=form)


@never_cache
@require_http_methods(["GET", "POST"])
def bezwaar_intrekken(request, uuid):
    _require(request.user, roles.AANBIEDER)
    bezwaar = selectors.bezwaar_get(request.user, uuid)
    form = IntrekkenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.bezwaar_intrekken(
                    by=request.user, bezwaar=bezwaar, toelichting=form.cleaned_data["toelichting"]
                )
            except BusinessRuleError as exc:
                if exc.status == 404:
                    raise Http404(exc.message) from exc
                add_rule_error(form, exc)
                status = exc.status
            else:
                messages.success(request, f"Uw bezwaar {bezwaar.nummer} is ingetrokken. Het besluit blijft staan.")
                return redirect("web-bezwaar", uuid=bezwaar.uuid)
    context = {
        "bezwaar": bezwaar,
        "besluit": weergave.besluit_van(bezwaar),
        "form": form,
        "weigering": rule_message(w) if (w := permissions.intrekken_weigering(request.user, bezwaar)) else "",
    }
    return render(request, "bezwaren/bezwaar_intrekken.html", context, status=status)
