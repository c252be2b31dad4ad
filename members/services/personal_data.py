"""Data protection rights: a person's own data as JSON (Art. 15/20 DSGVO) and erasure by
the office (Art. 17 DSGVO). Erasure anonymises; enrolments stay so the statistics keep
their counts."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import APIToken, ModelLogEntry

from members.models import Invitation, MembershipApplication, Person, SavedSearch
from tasks.models import Notification
from tasks.services.outbox import forget_recipient
from verbund.audit import ACTIONS, record
from workshops.models import DatePart, Enrolment

ERASED_FIRST_NAME = "Gelöschte"
ERASED_LAST_NAME = "Person"
PLACEHOLDER_DOMAIN = "invalid.example"


class ErasureError(Exception):
    """The erasure cannot be done; the message is for the office."""


def _iso(value):
    return value.isoformat() if value is not None else None


def _people_of(user):
    """Every person record of the account: one per firm it belongs to."""
    return list(Person.objects.filter(user=user).select_related("firm").order_by("pk"))


def _person_of(user):
    people = _people_of(user)
    return people[0] if people else None


def _person_data(person):
    return {
        "firm": person.firm.name,
        "role": person.get_role_display(),
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "department": person.department,
        "personnel_number": person.personnel_number,
        "left_on": _iso(person.left_on),
    }


def _audit_entries(objects):
    """Log entries about `objects` (model instances), oldest first, without actor details."""
    query = Q(pk__in=[])
    for instance in objects:
        query |= Q(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )
    entries = ModelLogEntry.objects.filter(query).order_by("timestamp", "pk")
    return [
        {
            "action": entry.action,
            "description": str(ACTIONS[entry.action][0]) if entry.action in ACTIONS else "",
            "timestamp": _iso(entry.timestamp),
        }
        for entry in entries
    ]


def export_person_data(user):
    """Everything the application stores about `user`, as a JSON-serialisable dict.
    An account in several firms has a person record in each: "people" lists them all,
    "person" is the first (as for an account in one firm)."""
    people = _people_of(user)
    person = people[0] if people else None
    data = {
        "exported_at": _iso(timezone.now()),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "person": None,
        "people": [_person_data(record) for record in people],
        "enrolments": [],
        "invitations": [],
        "api_tokens": [],
        "saved_searches": [],
        "emails": [],
        "audit_log": [],
    }
    about = [user]

    if person is not None:
        about.extend(people)
        data["person"] = _person_data(person)
        enrolments = (
            Enrolment.objects.for_user(user)
            .filter(person__in=people)
            .select_related("date__series")
            .prefetch_related(
                Prefetch("date__parts", queryset=DatePart.objects.order_by("starts_at"))
            )
            .order_by("created_at", "pk")
        )
        data["enrolments"] = [
            {
                "series": enrolment.date.series.title,
                "parts": [
                    {"starts_at": _iso(part.starts_at), "ends_at": _iso(part.ends_at)}
                    for part in enrolment.date.parts.all()
                ],
                "status": enrolment.get_status_display(),
                "created_at": _iso(enrolment.created_at),
            }
            for enrolment in enrolments
        ]

    invitation_scope = Q(email__iexact=user.email)
    if people:
        invitation_scope |= Q(person__in=people)
    invitations = list(
        Invitation.objects.filter(invitation_scope).select_related("firm").order_by("created_at")
    )
    about.extend(invitations)
    data["invitations"] = [
        {
            "firm": invitation.firm.name,
            "email": invitation.email,
            "role": invitation.get_role_display(),
            "created_at": _iso(invitation.created_at),
            "expires_at": _iso(invitation.expires_at),
            "accepted_at": _iso(invitation.accepted_at),
            "revoked_at": _iso(invitation.revoked_at),
        }
        for invitation in invitations
    ]

    tokens = list(APIToken.objects.filter(user=user).order_by("created", "pk"))
    about.extend(tokens)
    data["api_tokens"] = [
        {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": _iso(token.created),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in tokens
    ]

    data["saved_searches"] = [
        {"name": search.name, "filters": search.query, "created_at": _iso(search.created_at)}
        for search in SavedSearch.objects.filter(user=user).order_by("created_at", "pk")
    ]
    notifications = Notification.objects.filter(Q(user=user) | Q(person__in=people)).order_by(
        "created_at", "pk"
    )
    data["emails"] = [
        {
            "kind": notification.get_kind_display(),
            "state": notification.get_state_display(),
            "due_at": _iso(notification.due_at),
            "sent_at": _iso(notification.sent_at),
            "sent_to": notification.to_email,
        }
        for notification in notifications
    ]
    data["audit_log"] = _audit_entries(about)
    return data


def record_export(user):
    """Log that `user` downloaded their data (on the person record when there is one)."""
    person = _person_of(user)
    return record(person or user, "verbund.person.exported", user=user)


def placeholder_email(kind, pk):
    return f"geloescht-{kind}{pk}@{PLACEHOLDER_DOMAIN}"


def user_session_keys(user):
    """Keys of the stored sessions that belong to `user`."""
    user_id = str(user.pk)
    return [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == user_id
    ]


def _anonymise_log_entries(instances, label, clear_data=True):
    by_type = {}
    for instance in instances:
        content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
        by_type.setdefault(content_type, []).append(str(instance.pk))
    for content_type, ids in by_type.items():
        changes = {"label": label}
        if clear_data:
            changes["data"] = {}
        ModelLogEntry.objects.filter(content_type=content_type, object_id__in=ids).update(**changes)


def _erase_user(user):
    user.is_active = False
    user.email = placeholder_email("", user.pk)
    user.first_name = ""
    user.last_name = ""
    user.last_login = None
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Session.objects.filter(session_key__in=user_session_keys(user)).delete()
    APIToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    profile_model = apps.get_model("wagtailusers", "UserProfile")
    profile_model.objects.filter(user=user).delete()
    _anonymise_log_entries([user], str(user))


def erase_person(person, by_user):
    """Anonymise `person` and their login; keep enrolments for the statistics.

    Raises ErasureError (nothing changed) when the person was erased before.
    """
    with transaction.atomic():
        person = (
            Person.objects.select_for_update(of=("self",))
            .select_related("user", "firm")
            .get(pk=person.pk)
        )
        if person.erased_at is not None:
            raise ErasureError(
                _("Diese Person wurde bereits am %(date)s anonymisiert. Es wurde nichts geändert.")
                % {"date": timezone.localtime(person.erased_at).strftime("%d.%m.%Y")}
            )
        now = timezone.now()
        addresses = {person.email.lower()} - {""}
        user = person.user
        if user is not None:
            addresses.add(user.email.lower())

        address_query = Q(pk__in=[])
        for address in addresses:
            address_query |= Q(email__iexact=address)
        invitations = list(
            Invitation.objects.filter(Q(person=person) | (Q(firm=person.firm) & address_query))
        )
        for invitation in invitations:
            if invitation.accepted_at is None and invitation.revoked_at is None:
                invitation.revoked_at = now
            invitation.email = placeholder_email("einladung-", invitation.pk)
            invitation.save(update_fields=["email", "revoked_at"])

        application = MembershipApplication.objects.filter(firm=person.firm).first()
        if application is not None and application.contact_email.lower() in addresses:
            application.contact_first_name = ERASED_FIRST_NAME
            application.contact_last_name = ERASED_LAST_NAME
            application.contact_email = placeholder_email("antrag-", application.pk)
            application.contact_phone = ""
            application.save()
            _anonymise_log_entries([application], str(application), clear_data=False)

        person.first_name = ERASED_FIRST_NAME
        person.last_name = ERASED_LAST_NAME
        person.email = ""
        person.department = ""
        person.personnel_number = ""
        person.erased_at = now
        person.save()

        forget_recipient(person=person, user=user, addresses=addresses)
        if user is not None:
            SavedSearch.objects.filter(user=user).delete()
            _erase_user(user)
        _anonymise_log_entries([person], str(person))
        for invitation in invitations:
            _anonymise_log_entries([invitation], str(invitation))

        record(
            person,
            "verbund.person.erased",
            user=by_user,
            enrolments_kept=Enrolment.objects.filter(person=person).count(),
        )
    return person
