from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Hintergrundaufgaben und Benachrichtigungen")

    def ready(self):
        # Every app's notifications.py registers its email kinds (as Wagtail finds the
        # apps' wagtail_hooks.py); the outbox knows no app by name. The registry is
        # imported here because the models it fills choices for load after this module.
        from tasks import registry

        registry.discover()
