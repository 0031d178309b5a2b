from django.apps import AppConfig


class BezwarenConfig(AppConfig):
    name = "bezwaren"
    verbose_name = "Bezwaren (Awb)"

    def ready(self):
        """What bezwaren adds to the core (``backoffice.registry``): the signals of objections
        past or near their decision term (after declaraties' causes, 30)."""
        from backoffice import registry

        from . import documenten, jobs

        registry.register_signaal_oorzaken(jobs.signaal_oorzaken, order=40)
        from . import blokken, werkbak  # the web side (w7): blocks on the decisions' pages, werkbak sections

        blokken.register()
        werkbak.register()
        # who may see an objection's documents: whoever may see the objection
        registry.register_document_object("bezwaar", documenten.zichtbaar)
