"""The provider's own organisation and trajectory, as the services of this package ask them."""

from backoffice.rules import weigeren
from financiering import selectors as fin_selectors
from financiering.models import Aanbieder

from .. import permissions
from ..models import Traject


def _own_aanbieder(by) -> Aanbieder:
    weigeren(permissions.aanbieder_weigering(by))
    return Aanbieder.objects.get(pk=fin_selectors.user_aanbieder_id(by))


def _lock_own_traject(by, traject: Traject) -> Traject:
    weigeren(permissions.aanbieder_weigering(by))
    traject = Traject.objects.select_for_update().select_related("perceel", "aanvraag").get(pk=traject.pk)
    weigeren(permissions.traject_eigen_weigering(by, traject))
    return traject
