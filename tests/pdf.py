"""Reading the generated PDFs in the tests: their text (pypdf), whitespace made single."""

import io
import re


def pdf_tekst(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(bytes(pdf)))
    tekst = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", tekst.replace("\u00a0", " "))
