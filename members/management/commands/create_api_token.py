"""Create a personal API token for an existing account and print it (only the token)."""

from django.core.management.base import BaseCommand, CommandError

from members.models import User
from members.services.tokens import NAME_MAX_LENGTH, create_token


class Command(BaseCommand):
    help = (
        "Erstellt ein API-Token für ein bestehendes Konto und gibt nur das Token aus. / "
        "Creates an API token for an existing account and prints only the token."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-Mail-Adresse des Kontos / account email address")
        parser.add_argument(
            "--name",
            default="Kommandozeile",
            help="Bezeichnung des Tokens / name of the token (default: Kommandozeile)",
        )

    def handle(self, *args, email, name, **options):
        name = (name or "").strip()
        if not name:
            raise CommandError(
                "Die Bezeichnung darf nicht leer sein. / The name must not be empty."
            )
        if len(name) > NAME_MAX_LENGTH:
            raise CommandError(
                f"Die Bezeichnung ist zu lang (höchstens {NAME_MAX_LENGTH} Zeichen). / "
                f"The name is too long (at most {NAME_MAX_LENGTH} characters)."
            )
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(
                f"Es gibt kein Konto mit der E-Mail-Adresse {email}. / "
                f"There is no account with the email address {email}."
            )
        if not user.is_active:
            raise CommandError(
                f"Das Konto {user.email} ist deaktiviert. / The account {user.email} is inactive."
            )
        _token, plaintext = create_token(user, name)
        self.stdout.write(plaintext)
