"""POST /api/v1/declaraties as a CSV or XLSX file (multipart, field ``bestand``), the templates, and
the same upload through the admin. A malformed file is a 400 and nothing is stored; a good file
gets the same answer per line as JSON."""

import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from declaraties import upload
from declaraties.models import Declaratie, Prestatie
from tests.trajecten.helpers import approved_traject

AMS = ZoneInfo("Europe/Amsterdam")
HEADER = list(upload.KOLOMMEN)


def noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=AMS)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(noon(datetime.date(2026, 1, 15)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def nummer(world, clock):
    traject = approved_traject(world, perceel="uwv-ips-epa", doelgroep="epa")
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    return traject["toewijzingNummer"]


def rows(nummer, declaratie="U1"):
    decl = [declaratie, "2026-01-01", "2026-01-31"]
    return [
        decl + ["S1", str(nummer), "start", "2026-01-15", "2026-01-15", "1", "3200.00", "D", ""],
        decl + ["P1", str(nummer), "periode", "2026-01-15", "2026-01-31", "17", "48.75", "", ""],
    ]


def csv_bytes(data_rows, sep=";", header=None, encoding="utf-8", bom=False):
    lines = [sep.join(header or HEADER)] + [sep.join(r) for r in data_rows]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(data_rows, header=None):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for row in data_rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def post(world, content, name="declaratie.csv", user=None):
    bestand = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return world.client(user or world.ggz_noord).post("/api/v1/declaraties", {"bestand": bestand}, format="multipart")


def bad(response) -> set[str]:
    assert response.status_code == 400, response.content
    assert response.headers["Content-Type"] == "application/problem+json"
    assert Declaratie.objects.count() == 0 and Prestatie.objects.count() == 0
    return {p["name"] for p in response.json()["invalidParams"]}


# --- good files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sep, bom", [(";", False), (",", False), (";", True)])
def test_csv_gets_the_same_answer_as_json(world, nummer, sep, bom):
    response = post(world, csv_bytes(rows(nummer), sep=sep, bom=bom))
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["status"] == "toegekend"
    assert [c["code"] for c in answer["retourcodes"]] == ["8001"]
    assert answer["totaalToegekendBedrag"] == "3248.75"
    assert [(p["productReferentie"], p["status"], p["debetCredit"]) for p in answer["prestaties"]] == [
        ("S1", "toegekend", "D"),
        ("P1", "toegekend", "D"),
    ]
    assert answer["bron"] == "csv"
    # uploading the same file again is an identical resubmission
    again = post(world, csv_bytes(rows(nummer), sep=sep, bom=bom))
    assert again.status_code == 200
    assert Prestatie.objects.count() == 2


def test_semicolon_file_with_dutch_decimal_comma(world, nummer):
    data = rows(nummer)
    data[0][9], data[1][9] = "3200,00", "48,75"
    data[1][8] = "17,00"
    response = post(world, csv_bytes(data, sep=";"))
    assert response.status_code == 201, response.json()
    assert response.json()["totaalIngediendBedrag"] == "3248.75"


def test_rejected_lines_carry_their_codes_as_in_json(world, nummer):
    data = rows(nummer)
    data[0][9] = "3000.00"  # 9346
    answer = post(world, csv_bytes(data)).json()
    assert answer["status"] == "afgewezen"
    assert [[c["code"] for c in p["retourcodes"]] for p in answer["prestaties"]] == [["9346"], ["0233"]]


def test_xlsx_with_real_date_and_number_cells(world, nummer):
    d = datetime.date
    data = [
        [
            "X1",
            d(2026, 1, 1),
            d(2026, 1, 31),
            "S1",
            nummer,
            "start",
            d(2026, 1, 15),
            d(2026, 1, 15),
            1,
            3200,
            "D",
            None,
        ],
        [
            "X1",
            "2026-01-01",
            "2026-01-31",
            "P1",
            nummer,
            "periode",
            d(2026, 1, 15),
            d(2026, 1, 31),
            17,
            48.75,
            None,
            None,
        ],
    ]
    response = post(world, xlsx_bytes(data), name="Declaratie.XLSX")
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["status"] == "toegekend" and answer["bron"] == "xlsx"
    assert answer["totaalToegekendBedrag"] == "3248.75"


def test_formula_cells_are_data_never_evaluated(world, nummer):
    data = rows(nummer)
    data[0][3] = "=HYPERLINK(1)"  # a reference that looks like a formula: stored as text
    data[1][9] = "=40+8.75"  # an amount that is a formula: not a number
    names = bad(post(world, csv_bytes(data)))
    assert names == {"regel 3: ingediendBedrag"}

    data[1][9] = "48.75"
    response = post(world, csv_bytes(data))
    assert response.status_code == 201
    assert response.json()["prestaties"][0]["productReferentie"] == "=HYPERLINK(1)"


def test_xlsx_formula_is_not_computed_by_us(world, nummer):
    data = rows(nummer)
    data[0][9] = "=1600*2"  # written by openpyxl without a cached value: the cell has no amount
    names = bad(post(world, xlsx_bytes(data), name="d.xlsx"))
    assert names == {"regel 2: ingediendBedrag"}


# --- malformed files: 400, nothing stored ------------------------------------------------------------


def test_unparsable_cells_name_their_row(world, nummer):
    data = rows(nummer) + [rows(nummer)[0][:] for _ in range(5)]
    for i, row in enumerate(data[2:], start=3):
        row[3] = f"R{i}"
    data[5][9] = "veel"  # file row 7
    data[6][6] = "15-13-2026"  # file row 8: no month 13 (a Dutch date itself is read)
    data[6][4] = "abc"
    names = bad(post(world, csv_bytes(data)))
    assert names == {"regel 7: ingediendBedrag", "regel 8: productPeriodeBegin", "regel 8: toewijzingNummer"}


def test_declaration_columns_must_be_equal_on_every_row(world, nummer):
    data = rows(nummer)
    data[1][0] = "ANDER"
    data[1][2] = "2026-01-30"
    assert bad(post(world, csv_bytes(data))) == {"regel 3: declaratieNummer", "regel 3: declaratiePeriodeEind"}


def test_declaration_period_must_be_a_month(world, nummer):
    data = rows(nummer)
    for row in data:
        row[2] = "2026-01-30"
    assert bad(post(world, csv_bytes(data))) == {"regel 2: declaratiePeriodeEind"}


def test_missing_columns(world, nummer):
    header = [h for h in HEADER if h not in ("ingediendBedrag", "productCode")]
    data = [[c for h, c in zip(HEADER, row, strict=True) if h in header] for row in rows(nummer)]
    response = post(world, csv_bytes(data, header=header))
    assert bad(response) == {"bestand"}
    reasons = " ".join(p["reason"] for p in response.json()["invalidParams"])
    assert "ingediendBedrag" in reasons and "productCode" in reasons


def test_optional_columns_may_be_left_out(world, nummer):
    header = HEADER[:10]
    data = [row[:10] for row in rows(nummer)]
    assert post(world, csv_bytes(data, header=header)).status_code == 201


@pytest.mark.parametrize(
    "content, name, code",
    [
        (b"", "d.csv", "bestand-leeg"),
        (b"\n\n", "d.csv", "bestand-leeg"),
        (";".join(HEADER).encode() + b"\r\n", "d.csv", "bestand-leeg"),
        ("declaratieNummer;é\r\n".encode("latin-1") + b"\xff\xfe", "d.csv", "codering-ongeldig"),
        (b"a,b\n1,2\n", "d.txt", "bestandstype-onbekend"),
        (b"not a zip at all", "d.xlsx", "bestand-onleesbaar"),
        (b"PK\x03\x04broken", "d.xlsx", "bestand-onleesbaar"),
    ],
)
def test_malformed_files(world, nummer, content, name, code):
    response = post(world, content, name=name)
    assert bad(response) == {"bestand"}
    assert response.json()["invalidParams"][0]["code"] == code


def test_utf16_file_is_refused_as_wrong_encoding(world, nummer):
    response = post(world, csv_bytes(rows(nummer), encoding="utf-16"))
    assert bad(response) == {"bestand"}
    assert response.json()["invalidParams"][0]["code"] == "codering-ongeldig"


def test_too_many_rows(world, nummer):
    row = rows(nummer)[0]
    data = [[*row[:3], f"R{i}", *row[4:]] for i in range(upload.MAX_REGELS + 1)]
    response = post(world, csv_bytes(data))
    assert bad(response) == {"bestand"}
    assert response.json()["invalidParams"][0]["code"] == "te-veel-regels"


def test_too_big(world, nummer, monkeypatch):
    monkeypatch.setattr(upload, "MAX_BYTES", 200)
    response = post(world, csv_bytes(rows(nummer)))
    assert bad(response) == {"bestand"}
    assert response.json()["invalidParams"][0]["code"] == "bestand-te-groot"


def test_xlsx_that_unpacks_too_big(world, nummer, monkeypatch):
    monkeypatch.setattr(upload, "MAX_UITGEPAKT", 1000)
    response = post(world, xlsx_bytes(rows(nummer)), name="d.xlsx")
    assert response.json()["invalidParams"][0]["code"] == "bestand-te-groot"
    assert bad(response) == {"bestand"}


def test_a_zip_that_is_no_workbook(world, nummer):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert bad(post(world, out.getvalue(), name="d.xlsx")) == {"bestand"}


def test_multipart_without_file(world, nummer):
    response = world.client(world.ggz_noord).post("/api/v1/declaraties", {"iets": "anders"}, format="multipart")
    assert bad(response) == {"bestand"}


def test_only_providers_upload(world, nummer):
    assert post(world, csv_bytes(rows(nummer)), user=world.uwv).status_code == 403
    assert Declaratie.objects.count() == 0


# --- templates -------------------------------------------------------------------------------------------


def test_csv_template_roundtrips(world, nummer):
    response = world.client(world.ggz_noord).get("/api/v1/declaraties/sjabloon.csv", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    header, example = content.decode("utf-8-sig").splitlines()
    assert header.split(";") == HEADER
    assert "88,89" in example
    # the template itself reads back: the example's trajectory is not ours, so a 9338, not a 400
    answer = post(world, content).json()
    assert [c["code"] for c in answer["prestaties"][0]["retourcodes"]] == ["9338"]


def test_xlsx_template(world, nummer):
    response = world.client(world.ggz_noord).get("/api/v1/declaraties/sjabloon.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    header, example = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(header) == HEADER
    assert example[1] == datetime.datetime(2026, 1, 1)
    assert post(world, response.content, name="sjabloon.xlsx").status_code == 201


def test_templates_need_a_provider_login(world):
    assert world.client(None).get("/api/v1/declaraties/sjabloon.csv").status_code == 401
    assert world.client(world.gem_amsterdam).get("/api/v1/declaraties/sjabloon.xlsx").status_code == 403


# --- the admin ---------------------------------------------------------------------------------------


def test_admin_upload_goes_through_the_same_service(world, nummer, client):
    from django.contrib.auth.models import Permission

    user = world.ggz_noord
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_declaratie"))
    client.force_login(user)
    url = "/admin/declaraties/declaratie/upload/"
    assert client.get(url).status_code == 200

    bestand = SimpleUploadedFile("d.csv", csv_bytes(rows(nummer)))
    response = client.post(url, {"bestand": bestand})
    assert response.status_code == 302
    declaratie = Declaratie.objects.get()
    assert declaratie.bron == "csv"
    assert set(declaratie.prestaties.values_list("status", flat=True)) == {"toegekend"}
    assert response["Location"].endswith(f"/admin/declaraties/declaratie/{declaratie.pk}/change/")

    # a malformed file shows its errors and stores nothing
    data = rows(nummer, declaratie="U2")
    data[0][9] = "veel"
    response = client.post(url, {"bestand": SimpleUploadedFile("d.csv", csv_bytes(data))})
    assert response.status_code == 200
    assert "regel 2: ingediendBedrag" in response.content.decode()
    assert Declaratie.objects.count() == 1


def test_admin_upload_needs_a_provider(world, admin_client):
    bestand = SimpleUploadedFile("d.csv", csv_bytes(rows(123)))
    response = admin_client.post("/admin/declaraties/declaratie/upload/", {"bestand": bestand})
    assert response.status_code == 200
    assert Declaratie.objects.count() == 0
    assert "aanbieder" in response.content.decode().lower()


def test_admin_is_read_only(world, nummer, admin_client):
    post(world, csv_bytes(rows(nummer)))
    declaratie = Declaratie.objects.get()
    assert admin_client.get("/admin/declaraties/declaratie/").status_code == 200
    assert admin_client.get(f"/admin/declaraties/declaratie/{declaratie.pk}/change/").status_code == 200
    assert admin_client.get("/admin/declaraties/prestatie/").status_code == 200
    assert admin_client.get("/admin/declaraties/declaratie/add/").status_code == 403
    prestatie = Prestatie.objects.first()
    response = admin_client.post(f"/admin/declaraties/prestatie/{prestatie.pk}/change/", {"status": "afgewezen"})
    assert response.status_code == 403
    prestatie.refresh_from_db()
    assert prestatie.status == "toegekend"
    for model in ("betaalopdracht", "vordering", "vorderingregel", "ontvangst"):
        assert admin_client.get(f"/admin/declaraties/{model}/").status_code == 200
