"""The notification kinds: importing this package registers every context function."""

from tasks.kinds import account  # noqa: F401
