"""The daily e-mail digest: per user one mail with the new open signals for their organisation,
sent by the nightly job, recorded as a ``Notificatie`` (``GET /api/v1/notificaties`` and the web page
/berichten/). Its links go to the web page where the user acts.

Who gets a signal: a provider's staff the signals of their provider, a gemeente's staff those of
their gemeente(n), UWV staff those that name their UWV role, if that role may open the object
(``signalering.UWV_INZAGE``: a claim only UWV financieel). A beheerder or auditor gets none.
"New" is per user: signals with an id above the watermark of the user's last digest (for a user
who never had one: above the highest watermark of any digest, so a new account does not get the
whole backlog). A fixed number of queries, whatever the number of users or signals.

Idempotent per user and day (a partial unique constraint on sent digests): a second run on the
same day sends nothing. A mail is recorded after it was handed to the mail backend; if the process
dies in between, the next run sends it again (at least once, never silently lost)."""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import roles
from .models import Notificatie, Signaal, SignaalSoort
from .signalering import uwv_mag_openen

MAX_IN_MAIL = 50  # signals listed in one mail; the rest is counted and one link away

# Where the user acts, per object type: the web page (url name; the object's uuid when it takes one).
# What has no page of its own (a provider's audit or caseload, a budget) links to the signals page.
_PAGINAS = {
    "traject": ("web-traject", True),
    "aanvraag": ("web-aanvraag", True),
    "vordering": ("web-vordering", True),
    "budget": ("web-budgetten", False),
    "bezwaar": ("web-bezwaar", True),
}


def _base() -> str:
    return getattr(settings, "IPS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def link_for(signaal: Signaal) -> str:
    name, with_uuid = _PAGINAS.get(signaal.object_type, ("web-signalen", False))
    path = reverse(name, kwargs={"uuid": signaal.object_uuid}) if with_uuid else reverse(name)
    if name == "web-signalen":
        path += f"?soort={signaal.soort}"
    return _base() + path


def _recipients():
    """Active users with an e-mail address and a role that acts on signals, with their organisations."""
    User = get_user_model()
    acting = (roles.AANBIEDER, roles.GEMEENTE, *roles.UWV_ROLES)
    users = {
        u["pk"]: {**u, "rollen": set(), "gemeenten": set()}
        for u in User.objects.filter(is_active=True, groups__name__in=acting)
        .exclude(email="")
        .values("pk", "email", "medewerker__aanbieder_id")
        .distinct()
    }
    if not users:
        return users
    for pk, name in User.groups.through.objects.filter(user_id__in=users, group__name__in=acting).values_list(
        "user_id", "group__name"
    ):
        users[pk]["rollen"].add(name)
    for pk, gemeente_id in User.objects.filter(pk__in=users, medewerker__gemeenten__isnull=False).values_list(
        "pk", "medewerker__gemeenten__id"
    ):
        users[pk]["gemeenten"].add(gemeente_id)
    return users


def digests_send(*, datum: date) -> dict[str, int]:
    users = _recipients()
    if not users:
        return {"notificaties": 0, "notificaties_mislukt": 0}
    already = set(
        Notificatie.objects.filter(datum=datum, status="verzonden", user_id__in=users).values_list("user_id", flat=True)
    )
    marks = dict(
        Notificatie.objects.filter(user_id__in=users, status="verzonden")
        .values("user_id")
        .annotate(m=Max("tot_signaal_id"))
        .values_list("user_id", "m")
    )
    default_mark = Notificatie.objects.filter(status="verzonden").aggregate(m=Max("tot_signaal_id"))["m"] or 0
    tot = Signaal.objects.aggregate(m=Max("id"))["m"] or 0
    floor = min(marks.get(pk, default_mark) for pk in users)

    by_aanbieder, by_gemeente, by_rol = defaultdict(list), defaultdict(list), defaultdict(list)
    for pk, u in users.items():
        if pk in already:
            continue
        if roles.AANBIEDER in u["rollen"] and u["medewerker__aanbieder_id"]:
            by_aanbieder[u["medewerker__aanbieder_id"]].append(pk)
        if roles.GEMEENTE in u["rollen"]:
            for g in u["gemeenten"]:
                by_gemeente[g].append(pk)
        for rol in u["rollen"] & set(roles.UWV_ROLES):
            by_rol[rol].append(pk)

    per_user: dict[int, list[Signaal]] = defaultdict(list)
    candidates = Signaal.objects.filter(afgehandeld=False, id__gt=floor, id__lte=tot).order_by("deadline", "id")
    for s in candidates:
        targets = set(by_aanbieder.get(s.aanbieder_id, ())) | set(by_gemeente.get(s.gemeente_id, ()))
        if s.uwv_rol and uwv_mag_openen(s.uwv_rol, s.object_type):
            targets |= set(by_rol.get(s.uwv_rol, ()))
        for pk in targets:
            if s.id > marks.get(pk, default_mark):
                per_user[pk].append(s)
    if not per_user:
        return {"notificaties": 0, "notificaties_mislukt": 0}

    sent, failed = [], 0
    connection = get_connection(fail_silently=False)
    with connection:
        for pk, signalen in per_user.items():
            mail = _mail(users[pk]["email"], datum, signalen)
            status, fout = "verzonden", ""
            try:
                connection.send_messages([mail])
            except Exception as exc:  # one bad address must not stop the other digests
                status, fout, failed = "mislukt", f"{type(exc).__name__}: {exc}"[:300], failed + 1
            sent.append(
                (
                    Notificatie(
                        user_id=pk,
                        datum=datum,
                        aan=users[pk]["email"],
                        onderwerp=mail.subject,
                        tekst=mail.body,
                        aantal_signalen=len(signalen),
                        tot_signaal_id=tot,
                        status=status,
                        fout=fout,
                        verzonden_op=timezone.now(),
                    ),
                    signalen,
                )
            )
    with transaction.atomic():
        created = Notificatie.objects.bulk_create([n for n, _ in sent])
        Notificatie.signalen.through.objects.bulk_create(
            [
                Notificatie.signalen.through(notificatie_id=n.pk, signaal_id=s.pk)
                for n, signalen in zip(created, (s for _, s in sent), strict=True)
                for s in signalen[:MAX_IN_MAIL]
            ]
        )
    return {"notificaties": len(sent) - failed, "notificaties_mislukt": failed}


def _mail(to: str, datum: date, signalen: list[Signaal]) -> EmailMultiAlternatives:
    soorten = dict(SignaalSoort.choices)
    shown = signalen[:MAX_IN_MAIL]
    groepen: dict[str, list[dict]] = defaultdict(list)
    for s in shown:
        groepen[soorten[s.soort]].append(
            {"omschrijving": s.omschrijving, "deadline": s.deadline, "link": link_for(s), "uuid": s.uuid}
        )
    base = _base()
    context = {
        "datum": datum,
        "aantal": len(signalen),
        "groepen": dict(groepen),
        "meer": len(signalen) - len(shown),
        "signalen_url": base + reverse("web-signalen"),
        "notificaties_url": base + reverse("web-berichten"),
    }
    woord = "signaal" if len(signalen) == 1 else "signalen"
    subject = f"IPS-loket: {len(signalen)} nieuwe {woord} ({datum:%d-%m-%Y})"
    mail = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("backoffice/mail/digest.txt", context),
        from_email=None,
        to=[to],
    )
    mail.attach_alternative(render_to_string("backoffice/mail/digest.html", context), "text/html")
    return mail
