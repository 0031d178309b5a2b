"""The form helpers shared by every app: amounts typed the Dutch way."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backoffice.forms import BedragField


@pytest.mark.parametrize(
    "typed,value",
    [
        ("1250,50", "1250.50"),
        ("1.250,50", "1250.50"),
        ("1250.50", "1250.50"),
        ("€ 1.250", "1250"),
        ("7", "7"),
        ("1.5", "1.5"),
        ("1.000.000", "1000000"),
    ],
)
def test_amounts_are_read_the_dutch_way(typed, value):
    assert BedragField(decimal_places=2).clean(typed) == Decimal(value)


def test_a_non_number_is_refused_in_dutch():
    with pytest.raises(ValidationError, match="Voer een getal in"):
        BedragField().clean("twaalf")
