"""Reading the generated PDFs in the tests: their text (pypdf), whitespace made single. With
``IPS_SCREENSHOTS=<dir>`` each PDF read is also saved there, to look at (``pdftoppm -png``)."""

import hashlib
import io
import os
import re
from pathlib import Path


def pdf_tekst(pdf: bytes) -> str:
    from pypdf import PdfReader

    pdf = bytes(pdf)
    if os.environ.get("IPS_SCREENSHOTS"):
        folder = Path(os.environ["IPS_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"document-{hashlib.sha256(pdf).hexdigest()[:12]}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    tekst = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", tekst.replace("\u00a0", " "))
