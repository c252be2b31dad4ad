"""Keeps calendar entries up to date when a workshop series is published under a new title,
and the catalogue current with every save it depends on."""

from django.db import connections
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from cms.models import Topic, WorkshopSeriesPage
from workshops.models import CatalogueEntry, DatePart, Enrolment, WorkshopDate
from workshops.services import catalogue, notifications


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


def date_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        catalogue.refresh_dates([instance.pk])


def part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        catalogue.refresh_dates([instance.date_id])


def enrolment_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        catalogue.refresh_seats([instance.date_id])


def series_changed(sender, instance, raw=False, **kwargs):
    # Also after publishing: the series' funding programmes are saved after the page row.
    if not raw:
        catalogue.refresh_series([instance.pk])


def topic_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        catalogue.refresh_topic(instance.pk)


def catalogue_after_migrate(sender, using="default", **kwargs):
    # Not when migrating back to before the catalogue existed.
    if CatalogueEntry._meta.db_table in connections[using].introspection.table_names():
        catalogue.fill_missing()


def connect():
    page_published.connect(
        series_published, sender=WorkshopSeriesPage, dispatch_uid="workshops.series_published"
    )
    uid = "workshops.catalogue."
    post_save.connect(date_saved, sender=WorkshopDate, dispatch_uid=uid + "date")
    post_save.connect(part_changed, sender=DatePart, dispatch_uid=uid + "part_saved")
    post_delete.connect(part_changed, sender=DatePart, dispatch_uid=uid + "part_deleted")
    post_save.connect(enrolment_changed, sender=Enrolment, dispatch_uid=uid + "enrolment")
    post_delete.connect(enrolment_changed, sender=Enrolment, dispatch_uid=uid + "enrolment_gone")
    for signal, name in (
        (post_save, "series_saved"),
        (page_published, "series_published"),
        (page_unpublished, "series_unpublished"),
    ):
        signal.connect(series_changed, sender=WorkshopSeriesPage, dispatch_uid=uid + name)
    post_save.connect(topic_saved, sender=Topic, dispatch_uid=uid + "topic")
