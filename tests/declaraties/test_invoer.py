"""One way from an uploaded file to a declaration (``declaraties.invoer.invoer_uit_bestand``) and
one SEPA download (``declaraties.sepa.sepa_response``): the API, the web page and the admin report
the same problems of a broken file, each in its own words, and hand out the same bank file."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from declaraties import services, upload
from declaraties.models import Betaalopdracht, Declaratie
from tests.trajecten.helpers import approved_traject

from .geld_helpers import declare, moment, start_line

D = datetime.date
pytestmark = pytest.mark.django_db
HEADER = ";".join(upload.KOLOMMEN)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(moment(D(2026, 3, 2)), tick=False) as traveller:
        yield traveller


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


BROKEN_CELLS = _csv(
    "D-9;2026-03-01;2026-03-31;X-1;123;start;2026-03-02;2026-03-02;1;veel;D;",
    "D-9;2026-03-01;2026-03-31;X-2;abc;periode;2026-03-02;2026-03-31;30;88,89;D;",
    "D-9;2026-03-01;2026-03-31;X-3;124;periode;2026-03-31;2026-03-02;30;-1;X;",
)
MISSING_COLUMNS = _csv("D-9;2026-03-01;2026-03-31;X-1", header="declaratieNummer;declaratiePeriodeBegin;x;y")


def _file(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("declaratie.csv", content, content_type="text/csv")


def _staff_client(user) -> Client:
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_declaratie"))
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("content", [BROKEN_CELLS, MISSING_COLUMNS], ids=["cells", "columns"])
def test_api_web_page_and_admin_report_the_same_problems_of_a_file(world, content):
    api = world.client(world.ggz_noord).post("/api/v1/declaraties", {"bestand": _file(content)}, format="multipart")
    assert api.status_code == 400
    problems = [(p["name"], p["code"], p["reason"]) for p in api.json()["invalidParams"]]
    assert len(problems) >= 2

    web_client = Client()
    web_client.force_login(world.ggz_noord)
    web = web_client.post("/declaraties/bestand/", {"bestand": _file(content)})
    assert web.status_code == 400
    # the same problems in the same order; the page words the cell codes in Dutch (views.declaraties.CEL_CODES)
    from declaraties.views.declaraties import CEL_CODES

    assert [(f["rij"], f["kolom"], f["reden"], f["code"]) for f in web.context["fouten"]] == [
        (*(name.removeprefix("regel ").split(": ") if name != "bestand" else (None, None)), reason,
         CEL_CODES.get(code, code))
        for name, code, reason in problems
    ]  # fmt: skip

    admin = _staff_client(world.ggz_noord).post("/admin/declaraties/declaratie/upload/", {"bestand": _file(content)})
    assert admin.status_code == 200
    assert admin.context["fouten"] == [f"{name}: {reason}" for name, _, reason in problems]
    assert not Declaratie.objects.exists()


def test_the_same_bank_file_from_the_api_the_web_page_and_the_admin(world, clock):
    traject = approved_traject(world, perceel="demo-gem-epa")
    clock.move_to(moment(D(2026, 3, 10)))
    declare(world.ggz_noord, "D-1", [start_line(traject, "S-1", D(2026, 3, 2))])
    clock.move_to(moment(D(2026, 3, 16)))
    services.betaalopdrachten_aanmaken(datum=D(2026, 3, 16))
    opdracht = Betaalopdracht.objects.get()
    assert opdracht.bedrag == Decimal("3200.00")
    fin = world.uwv_fin
    web = Client()
    web.force_login(fin)
    admin = _staff_client(fin)
    fin.user_permissions.add(Permission.objects.get(codename="view_betaalopdracht"))
    urls = (
        (world.client(fin), f"/api/v1/betaalopdrachten/{opdracht.uuid}/sepa"),
        (web, f"/betaalopdrachten/{opdracht.uuid}/sepa.xml"),
        (admin, f"/admin/declaraties/betaalopdracht/{opdracht.pk}/sepa/"),
    )

    # before approval: the API answers 409, the pages send the user back with the same reason
    assert urls[0][0].get(urls[0][1]).json()["code"] == "niet-geaccordeerd"
    for client, url in urls[1:]:
        response = client.get(url, follow=True)
        assert "Het SEPA-bestand is er pas als de betaalopdracht is geaccordeerd." in response.content.decode(), url

    services.betaalopdracht_accorderen(by=fin, opdracht=opdracht)
    files = [client.get(url) for client, url in urls]
    assert {r.status_code for r in files} == {200}
    # one file, but for the payment-information id sepaxml draws at random for every export
    assert len({re.sub(rb"<PmtInfId>[^<]*</PmtInfId>", b"", r.content) for r in files}) == 1
    assert (
        b"pain.001.001.03" in files[0].content and f"<MsgId>IPS{opdracht.uuid.hex}</MsgId>".encode() in files[0].content
    )
    assert len({r["Content-Disposition"] for r in files}) == 1
    assert files[0]["Content-Disposition"] == (
        f'attachment; filename="pain001-{opdracht.datum:%Y%m%d}-{opdracht.uuid.hex}.xml"'
    )
