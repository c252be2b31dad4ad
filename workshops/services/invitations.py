"""The calendar files an email about an enrolment carries.

Calendar programs take a message about an event only if its SEQUENCE is higher than the
last one they saw, and they match events by UID, which stays the same for a date. So
enrolling, cancelling and enrolling again must send 0, 1, 2, not 0, 0, 0: each message
to one participant about one date takes the next number, never lower than the date's
own sequence (which rises when the date changes for everyone). The number is taken when
the email is built, in the transaction that sends it.

    sequence_for(person, date)          the next SEQUENCE for that participant's calendar
    calendar_parts(enrolment, method, recipient)
                                        (iTIP part, invite.ics attachment) for one email
    cancellation_attachment(enrolment, recipient)
                                        a CANCEL as attachment, beside a REQUEST (a move)
    may_cancel_in_calendar(enrolment)  False when a CANCEL would wrongly remove a seat the
                                        person holds again on the same date
"""

from django.db import IntegrityError, transaction

from workshops.calendar import (
    CANCEL_FILENAME,
    invitation,
    invitation_attachment,
    invitation_mime_part,
)
from workshops.models import AttendeeSequence, Enrolment


def sequence_for(person, date):
    """Take the next SEQUENCE for `person`'s copy of `date`."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                row = (
                    AttendeeSequence.objects.select_for_update()
                    .filter(person=person, date=date)
                    .first()
                )
                if row is None:
                    row = AttendeeSequence.objects.create(
                        person=person, date=date, sequence=date.sequence
                    )
                    return row.sequence
                row.sequence = max(date.sequence, row.sequence + 1)
                row.save(update_fields=["sequence"])
                return row.sequence
        except IntegrityError:
            # A parallel first message created the row; the second pass locks it.
            continue
    raise RuntimeError("the attendee sequence could not be taken")


def _file(enrolment, method, recipient):
    return invitation(
        enrolment,
        method,
        sequence=sequence_for(enrolment.person, enrolment.date),
        recipient=recipient,
    )


def calendar_parts(enrolment, method, recipient):
    """The iTIP part (inside multipart/alternative) and the same file as invite.ics."""
    body = _file(enrolment, method, recipient)
    return invitation_mime_part(body, method), invitation_attachment(body, method)


def cancellation_attachment(enrolment, recipient):
    """The old date's CANCEL as a second file, for a message that mainly invites."""
    body = _file(enrolment, "CANCEL", recipient)
    return invitation_attachment(body, "CANCEL", CANCEL_FILENAME)


def may_cancel_in_calendar(enrolment):
    """Whether a CANCEL for this (cancelled) seat may go out: not when the person has
    since taken a seat on the same date again, which shares the calendar entry."""
    return (
        not Enrolment.objects.filter(
            date_id=enrolment.date_id,
            person_id=enrolment.person_id,
            status=Enrolment.Status.CONFIRMED,
        )
        .exclude(pk=enrolment.pk)
        .exists()
    )
