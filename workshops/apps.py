from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops")

    def ready(self):
        # Imported once the models are loaded, as Django's AppConfig.ready asks.
        from workshops import signals

        signals.connect()
        post_migrate.connect(signals.catalogue_after_migrate, sender=self)
