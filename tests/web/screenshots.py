"""Screenshots for the docs: with IPS_SCREENSHOTS=<folder> a browser test saves the pages it names
there (PNG, whole page); the README's "Schermen" shows the ones in docs/screenshots/. Without the
variable nothing is written."""

import os
from pathlib import Path


def screenshot(page, name: str) -> None:
    folder = os.environ.get("IPS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
