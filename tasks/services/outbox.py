"""Writing to the outbox, and delivering one row of it.

    notify(kind, person=|user=|email=, about=, version=, due_at=, context=)
        adds one row in the caller's transaction; a second call for the same event
        (same kind, recipient, object and version) changes nothing and returns None.
    notify_many(kind, entries)
        the same for many rows, in a fixed number of queries.
    rows_about(obj) / cancel_pending(queryset, reason)
        find the rows about an object / drop those of a queryset that have not gone out.
    deliver(pk, connection)
        sends one due row and marks it sent in the transaction that locks it; a no-op for
        a row that is sent, cancelled, failed, not due yet or locked by another worker.
    sweep(now=None)
        enqueues the due pending rows that are not already on their way (every minute).
    send_again(pks) / forget_recipient(...)
        staff's second try for failed or dropped rows / erasure of a recipient.

The broker is not a database: due times live here, and the only tasks ever queued are
"deliver row N now".
"""

import logging
import smtplib
import time
from datetime import timedelta
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tasks import registry
from tasks.models import Notification
from tasks.services import render

logger = logging.getLogger(__name__)

State = Notification.State

# Delivery problems worth another try: the SMTP server refused for now, was unreachable or
# too slow for the task's soft time limit. Any other error fails the row at once.
TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, SoftTimeLimitExceeded)
# What staff may send again.
RESENDABLE = (State.FAILED, State.CANCELLED)


def max_attempts():
    return settings.VERBUND_OUTBOX["MAX_ATTEMPTS"]


def retry_delay(attempts):
    """Exponential backoff: 1, 2, 4, ... minutes after the n-th failed attempt, at most 1 h."""
    first = settings.VERBUND_OUTBOX["RETRY_FIRST_SECONDS"]
    return timedelta(seconds=min(first * 2 ** (attempts - 1), 3600))


def _recipient_key(person, user, email):
    if person is not None:
        return f"p{person.pk}"
    if user is not None:
        return f"u{user.pk}"
    return f"e{email.lower()}"


def recipient_language(person=None, user=None):
    account = user if user is not None else getattr(person, "user", None)
    language = getattr(account, "language", "") or settings.LANGUAGE_CODE
    return language.split("-")[0]


def make_key(kind, *, person=None, user=None, email="", about=None, version=""):
    recipient = _recipient_key(person, user, email)
    target = "-"
    if about is not None:
        target = f"{about._meta.label_lower}:{about.pk}"
    return f"{kind}|{recipient}|{target}|{version}"[:200]


def notify(
    kind,
    *,
    person=None,
    user=None,
    email="",
    about=None,
    version="",
    due_at=None,
    context=None,
    key=None,
):
    """Put one notification into the outbox, in the caller's transaction.

    Returns the new row, or None when the same event is already in the outbox. Rows that
    are due now are handed to the worker right after the transaction commits.
    """
    if person is None and user is None and not email:
        raise ValueError("a notification needs a person, a user or an address")
    key = key or make_key(kind, person=person, user=user, email=email, about=about, version=version)
    now = timezone.now()
    defaults = {
        "kind": kind,
        "person": person,
        "user": user,
        "to_email": email,
        "version": str(version),
        "language": recipient_language(person, user),
        "context": context or {},
        "due_at": due_at or now,
    }
    if about is not None:
        defaults["content_type"] = ContentType.objects.get_for_model(about)
        defaults["object_id"] = about.pk
    with transaction.atomic():
        row, created = Notification.objects.get_or_create(key=key, defaults=defaults)
    if not created:
        return None
    if row.due_at <= now:
        transaction.on_commit(lambda: enqueue([row.pk]))
    return row


def notify_many(kind, entries):
    """`notify` for many rows at once, in a fixed number of queries.

    `entries` are (recipient, object it is about or None, version, due time or None for
    now, context); the recipient is a `members.Person` or an account. Events already in
    the outbox are left as they are. Returns the number of rows written.
    """
    entries = list(entries)
    if not entries:
        return 0
    now = timezone.now()
    models = {type(about) for _r, about, *_ in entries if about is not None}
    content_types = ContentType.objects.get_for_models(*models) if models else {}
    rows = []
    for recipient, about, version, due_at, context in entries:
        is_person = recipient._meta.label == "members.Person"
        person, user = (recipient, None) if is_person else (None, recipient)
        rows.append(
            Notification(
                kind=kind,
                person=person,
                user=user,
                content_type=content_types[type(about)] if about is not None else None,
                object_id=about.pk if about is not None else None,
                version=str(version),
                key=make_key(kind, person=person, user=user, about=about, version=version),
                language=recipient_language(person, user),
                context=context or {},
                due_at=due_at or now,
            )
        )
    keys = {row.key for row in rows}
    existing = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    due_keys = [row.key for row in rows if row.due_at <= now and row.key not in existing]
    if due_keys:
        transaction.on_commit(lambda: _enqueue_new(due_keys))
    return len(keys - existing)


def _enqueue_new(keys):
    """Enqueue the rows with these keys that nobody has handed to the worker yet."""
    pks = list(
        Notification.objects.filter(
            key__in=keys, state=State.PENDING, enqueued_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if pks:
        enqueue(pks)


def rows_about(obj):
    """The outbox rows about one object (an enrolment, a date, ...)."""
    return Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


def cancel_pending(queryset, reason):
    """Drop rows of `queryset` that have not gone out yet; returns how many."""
    return queryset.filter(state=State.PENDING).update(
        state=State.CANCELLED, last_error=reason, updated_at=timezone.now()
    )


# After the broker failed, requests stop trying to publish for this long (each try costs
# the connection timeout); the rows wait in the database for the sweeper.
BROKER_PAUSE_SECONDS = 10
_broker_down_until = 0.0


def forget_broker_failure():
    """Publish at the next request again (after the broker was replaced or repaired)."""
    global _broker_down_until
    _broker_down_until = 0.0


def enqueue(pks, *, sweeping=False):
    """Hand rows to the worker. A broker that is down only delays them: the sweeper
    enqueues every due pending row again later. Right after a failure, requests do not
    try again (the sweeper does)."""
    global _broker_down_until
    from tasks.tasks import deliver_notification  # tasks.tasks imports this module

    pks = list(pks)
    if not pks or (not sweeping and time.monotonic() < _broker_down_until):
        return 0
    # Marked before publishing: a worker that gets the task at once must not find the row
    # locked by this update (it would skip the row as "being sent by another worker").
    Notification.objects.filter(pk__in=pks, state=State.PENDING).update(enqueued_at=timezone.now())
    published = 0
    try:
        for pk in pks:
            deliver_notification.delay(pk)
            published += 1
    except Exception:  # the broker is unreachable; the rows stay pending in the database
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Broker unreachable, %s notification(s) wait for the sweeper",
            len(pks) - published,
            exc_info=True,
        )
        Notification.objects.filter(pk__in=pks[published:], state=State.PENDING).update(
            enqueued_at=None
        )
    else:
        _broker_down_until = 0.0
    return published


def sweep(now=None, *, limit=None):
    """Enqueue due pending rows that were never enqueued or were enqueued long ago."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.VERBUND_OUTBOX["REENQUEUE_AFTER_SECONDS"])
    pks = list(
        Notification.objects.filter(state=State.PENDING, due_at__lte=now)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[: limit or settings.VERBUND_OUTBOX["SWEEP_BATCH"]]
    )
    return enqueue(pks, sweeping=True)


# What rendering any row reads: loaded with the row in one query.
ROW_RELATIONS = ("person__user", "user", "content_type")


def _lock_due_row(pk, now):
    """The row if it is pending and due, locked for this transaction; else None."""
    due = Notification.objects.filter(pk=pk, state=State.PENDING, due_at__lte=now)
    if db_connection.vendor == "sqlite":
        # SQLite has no row locks. A write as the transaction's first statement takes the
        # database's write lock, so a second worker with the same row waits for this one
        # to commit and then finds the row no longer pending.
        if not due.update(updated_at=now):
            return None
        return due.select_related(*ROW_RELATIONS).first()
    # `of` keeps the lock on the outbox row: PostgreSQL cannot lock the nullable side of
    # the outer joins. A row locked by another worker is being sent right now: skip it.
    return (
        due.select_for_update(skip_locked=True, of=("self",)).select_related(*ROW_RELATIONS).first()
    )


def deliver(pk, connection):
    """Send one outbox row through `connection` (an open Django email backend).

    Returns the row's state afterwards, or None when there was nothing to do.
    """
    now = timezone.now()
    with transaction.atomic():
        row = _lock_due_row(pk, now)
        if row is None:
            return None
        address = render.recipient_address(row)
        if not address:
            return _close(row, State.CANCELLED, "no address (erased, left or inactive)")
        if render.is_unsubscribed(row):
            return _close(row, State.CANCELLED, "unsubscribed")
        try:
            message = render.build_message(row, address)
        except registry.SkipNotification as skip:
            return _close(row, State.CANCELLED, str(skip))
        except Exception as exc:  # a broken template fails this row only
            logger.exception("Notification %s could not be rendered", row.pk)
            return _close(row, State.FAILED, f"{type(exc).__name__}: {exc}")
        row.attempts += 1
        try:
            connection.send_messages([message])
        except TRANSIENT_ERRORS as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.enqueued_at = None
            if row.attempts >= max_attempts():
                row.state = State.FAILED
            else:
                row.due_at = timezone.now() + retry_delay(row.attempts)
            row.save(
                update_fields=[
                    "attempts",
                    "last_error",
                    "enqueued_at",
                    "state",
                    "due_at",
                    "updated_at",
                ]
            )
            logger.warning(
                "Notification %s not delivered (attempt %s): %s",
                row.pk,
                row.attempts,
                row.last_error,
            )
            return row.state
        except Exception as exc:  # e.g. an address the mail library refuses: no retry helps
            logger.exception("Notification %s could not be sent", row.pk)
            row.state = State.FAILED
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.save(update_fields=["attempts", "state", "last_error", "updated_at"])
            return row.state
        row.state = State.SENT
        row.sent_at = timezone.now()
        row.to_email = address
        row.last_error = ""
        row.save(
            update_fields=["attempts", "state", "sent_at", "to_email", "last_error", "updated_at"]
        )
        return row.state


def _close(row, state, reason):
    row.state = state
    row.last_error = reason[:2000]
    row.save(update_fields=["state", "last_error", "updated_at"])
    return state


def send_again(pks):
    """Staff action: put failed or cancelled rows back as pending, due now; returns how
    many. Pending rows keep their attempts and due time, sent ones are left alone."""
    rows = Notification.objects.filter(pk__in=pks, state__in=RESENDABLE)
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    rows.filter(pk__in=ids).update(
        state=State.PENDING, attempts=0, due_at=now, enqueued_at=None, updated_at=now
    )
    transaction.on_commit(lambda: enqueue(ids))
    return len(ids)


def forget_recipient(*, person=None, user=None, addresses=()):
    """Erasure: nothing more goes out to them, and their rows keep no address or content.

    Rows about a person or account stay (kind, state and times count for statistics)
    without the address they went to; account emails known only by their address go.
    """
    scope = Q(pk__in=[])
    if person is not None:
        scope |= Q(person=person)
    if user is not None:
        scope |= Q(user=user)
    theirs = Notification.objects.filter(scope)
    cancel_pending(theirs, "recipient erased")
    theirs.update(to_email="", context={}, updated_at=timezone.now())
    addresses = {address.lower() for address in addresses if address}
    if not addresses:
        return
    # Account emails may have several recipients; only the first is in `to_email`, the
    # rest are in the stored message. A text match finds the candidates, the exact
    # comparison below keeps "ana@x.de" from matching "johanna@x.de".
    candidates = Q(pk__in=[])
    for address in addresses:
        candidates |= Q(to_email__iexact=address) | Q(context__icontains=address)
    doomed = [
        row.pk
        for row in Notification.objects.filter(
            candidates, person__isnull=True, user__isnull=True
        ).only("pk", "to_email", "context")
        if addresses & _message_addresses(row)
    ]
    Notification.objects.filter(pk__in=doomed).delete()


def _message_addresses(row):
    """Every address a ready-made message row was sent to, lower-cased."""
    message = row.context.get("message", {})
    listed = [row.to_email, *message.get("to", []), *message.get("cc", []), *message.get("bcc", [])]
    return {parseaddr(entry)[1].lower() for entry in listed if entry}
