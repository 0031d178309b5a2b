"""The web pages of backoffice itself: logging in and out, the start page (the werkbak) and the
messages the user was sent (the daily digests)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import lijsten, roles, werkbak
from .db_routing import replica_read
from .web import login_throttled


class InlogForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Deze combinatie van gebruikersnaam en wachtwoord kennen wij niet. Let op hoofdletters.",
        "inactive": "Dit account is niet actief. Neem contact op met de beheerder.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Gebruikersnaam"
        self.fields["password"].label = "Wachtwoord"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})


class Inloggen(auth_views.LoginView):
    template_name = "backoffice/inloggen.html"
    authentication_form = InlogForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if login_throttled(request):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, "Te veel inlogpogingen. Wacht een minuut en probeer het opnieuw.")
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["verlopen"] = bool(self.request.GET.get("verlopen"))
        return context


class Uitloggen(auth_views.LogoutView):
    http_method_names = ["post", "options"]
    next_page = "/inloggen"


@require_GET
@replica_read
def start(request):
    return render(request, "backoffice/start.html", {"werkbak": werkbak.voor(request.user)})


BERICHTEN = lijsten.Lijst(
    naam="berichten",
    titel="Berichten",
    url_name="web-berichten",
    kolommen=(
        lijsten.Kolom("datum", "Datum", "datum", lambda n, u: n.datum, **lijsten.DATUM_RICHTING),
        lijsten.Kolom("aan", "Aan", None, lambda n, u: n.aan),
        lijsten.Kolom("onderwerp", "Onderwerp", "onderwerp", lambda n, u: n.onderwerp, **lijsten.TEKST_RICHTING),
        lijsten.Kolom("signalen", "Signalen", "aantal_signalen", lambda n, u: n.aantal_signalen),
        lijsten.Kolom("status", "Status", None, lambda n, u: n.get_status_display()),
    ),
    sortering="-datum",
    zoeken=lijsten.Zoeken(tekst=("onderwerp", "tekst")),
)


@never_cache
@require_http_methods(["GET", "POST"])
@replica_read
def berichten(request):
    """The daily e-mail digests sent to this user (domain.md section 9): when, to which address, what;
    searchable (subject and text), sortable and exportable (``backoffice.lijsten``)."""
    st = lijsten.staat(request, BERICHTEN)
    if st.antwoord:
        return st.antwoord
    qs = st.toepassen(request.user.notificaties.all())
    if st.export:
        return st.export_response(qs)
    page = Paginator(qs, 20).get_page(request.GET.get("pagina"))
    leeg = {
        "tekst": "U heeft nog geen berichten gekregen. Zodra er een nieuw signaal voor u is, stuurt IPS-loket "
        "hoogstens één e-mail per dag."
    }
    if roles.has_role(request.user, *roles.CASE_ROLES):  # the roles that may open /signalen/
        leeg |= {"actie_url": reverse("web-signalen"), "actie_label": "Naar de signalen"}
    return render(request, "backoffice/berichten.html", {"page_obj": page, "leeg": leeg, **st.context(page)})


web_urlpatterns = [
    path("", start, name="web-start"),
    path("inloggen", Inloggen.as_view(), name="web-inloggen"),
    path("uitloggen", Uitloggen.as_view(), name="web-uitloggen"),
    path("berichten/", berichten, name="web-berichten"),
]
