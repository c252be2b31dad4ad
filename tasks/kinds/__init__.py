"""The notification kinds: importing this package registers every context function."""

from tasks.kinds import account, digests, followup, saved_search, workshop  # noqa: F401
