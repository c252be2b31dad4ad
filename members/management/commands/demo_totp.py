from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from members.models import User


class Command(BaseCommand):
    help = (
        "Zeigt den aktuellen Zwei-Faktor-Code (TOTP) eines Demo-Kontos, nur mit DEBUG. "
        "/ Prints the current TOTP code of a demo account (DEBUG only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", default="buero@verbund.example")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Nur im Entwicklungsmodus (DEBUG=1) verfügbar. / Available with DEBUG=1 only."
            )
        user = User.objects.filter(email__iexact=email).first()
        authenticator = (
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if user
            else None
        )
        if authenticator is None:
            raise CommandError(
                f"Für {email} ist keine Zwei-Faktor-Anmeldung eingerichtet. "
                f"/ {email} has no TOTP authenticator."
            )
        secret = decrypt(authenticator.data["secret"])
        period = mfa_settings.TOTP_PERIOD
        now = int(timezone.now().timestamp())
        self.stdout.write(format_hotp_value(hotp_value(secret, now // period)))
        remaining = period - now % period
        self.stderr.write(f"noch {remaining} s gültig / valid for {remaining} more seconds")
