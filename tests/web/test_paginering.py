"""The web lists page with ``?pagina=`` (Django's Paginator), whatever the API's paging does (issue
13 changes that of the API, not this): the second page shows the rest, the links go back and
forth, the total is exact and the filters stay in the links."""

import re

import pytest

from tests.factories import client_as
from tests.trajecten.helpers import aanvraag

pytestmark = pytest.mark.django_db


def test_a_web_list_pages_with_pagina(world, monkeypatch):
    from trajecten import views

    monkeypatch.setattr(views, "PER_PAGINA", 2)
    ingediend = {aanvraag(world)["uuid"] for _ in range(3)}
    client = client_as(world.ggz_noord)

    eerste = client.get("/aanvragen/?status=ingediend").content.decode()
    tweede = client.get("/aanvragen/?status=ingediend&pagina=2").content.decode()

    uuids = re.compile(r"/aanvragen/([0-9a-f-]{36})/")
    op_eerste, op_tweede = set(uuids.findall(eerste)), set(uuids.findall(tweede))
    assert len(op_eerste) == 2 and len(op_tweede) == 1
    assert op_eerste | op_tweede == ingediend
    assert "Pagina 1 van 2" in eerste and "Pagina 2 van 2" in tweede
    assert "3 resultaten" in eerste
    assert re.search(r'href="\?[^"]*status=ingediend[^"]*pagina=2" rel="next"', eerste)
    assert re.search(r'href="\?[^"]*pagina=1" rel="prev"', tweede)
    # a page past the end shows the last one, not an error
    assert set(uuids.findall(client.get("/aanvragen/?status=ingediend&pagina=9").content.decode())) == op_tweede
