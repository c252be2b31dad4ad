"""Keeps calendar entries up to date when a workshop series is published under a new title."""

from django.db.models import F
from wagtail.signals import page_published

from cms.models import WorkshopSeriesPage
from workshops.models import WorkshopDate
from workshops.services import notifications


def series_published(sender, instance, **kwargs):
    """A new series title is a change participants must see: raise each date's sequence.

    Dates that never recorded a title just take the current one.
    """
    title = instance.title
    dates = WorkshopDate.objects.filter(series_id=instance.pk)
    dates.filter(calendar_title="").update(calendar_title=title)
    renamed = dates.exclude(calendar_title="").exclude(calendar_title=title)
    renamed_ids = list(renamed.values_list("pk", flat=True))
    WorkshopDate.objects.filter(pk__in=renamed_ids).update(
        calendar_title=title, sequence=F("sequence") + 1
    )
    notifications.series_renamed(renamed_ids)


def connect():
    page_published.connect(
        series_published, sender=WorkshopSeriesPage, dispatch_uid="workshops.series_published"
    )
