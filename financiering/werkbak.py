"""financiering's werkbak sections (``backoffice.registry``): the auditor's providers whose audit
expires soon, so that the next audit is planned before the provider is blocked. The expired ones
are the nightly ``modeltrouw_verlopen`` signals (``backoffice.werkbak_secties``)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from backoffice.models import Instellingen
from backoffice.werkbak import sectie, url

from . import rules, selectors

BINNENKORT_DAGEN = 90


def auditor_verloopt_binnenkort(user) -> dict:
    today = timezone.localdate()
    maanden = Instellingen.get().modeltrouw_geldig_maanden
    qs = (
        selectors.modeltrouw_aanbieders_for(user)
        .filter(
            ingedeeld_datum__gte=rules.add_months(today, -maanden),
            ingedeeld_datum__lte=rules.add_months(today + timedelta(days=BINNENKORT_DAGEN), -maanden),
        )
        .exclude(ingedeeld_band=rules.GEEN_IPS)
        .order_by("ingedeeld_datum", "naam", "id")
    )
    return sectie(
        f"Meting verloopt binnen {BINNENKORT_DAGEN} dagen",
        qs,
        lambda a: {
            "label": a.naam,
            "url": reverse("web-modeltrouw-aanbieder", kwargs={"uuid": a.uuid}),
            "deadline": rules.add_months(a.ingedeeld_datum, maanden),
            "toelichting": f"laatste meting {a.ingedeeld_datum:%d-%m-%Y}",
        },
        link=url("web-modeltrouw"),
        leeg=f"Geen meting verloopt binnen {BINNENKORT_DAGEN} dagen.",
    )
