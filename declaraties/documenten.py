"""The documents of claims and payment orders (docs/documenten.md): who may see them (the
resolvers registered in ``apps.py``) and the context of each document."""

from backoffice import roles
from financiering.selectors import user_aanbieder_id

from . import selectors
from .models import Betaalopdracht


def vordering_zichtbaar(user, uuid) -> bool:
    return selectors.vorderingen_for(user).filter(uuid=uuid).exists()


def betaalopdracht_zichtbaar(user, uuid) -> bool:
    """UWV (as ``betaalopdrachten_for``) and the provider the order pays: the payment
    specification is the provider's document."""
    if selectors.betaalopdrachten_for(user).filter(uuid=uuid).exists():
        return True
    if roles.has_role(user, roles.AANBIEDER):
        aanbieder_id = user_aanbieder_id(user)
        return aanbieder_id is not None and Betaalopdracht.objects.filter(uuid=uuid, aanbieder_id=aanbieder_id).exists()
    return False
