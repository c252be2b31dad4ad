"""The coordination office's checks, shared by the admin screens of every app.

is_office(user, perm)   active staff, holding `perm` where one is named
StaffOnlyMixin          class-based admin views for the office (`permission` optional)
StaffMenuItem           a Wagtail menu item shown to staff only

Checks that need to know firms (firm_manager_required) or the second factor
(staff_required) live in `members.permissions`.
"""

from django.core.exceptions import PermissionDenied
from wagtail.admin.menu import MenuItem


def is_office(user, permission=None):
    """Active staff of the coordination office, holding `permission` where one is named."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (permission is None or user.has_perm(permission))
    )


class StaffOnlyMixin:
    """Admin views for the office only; `permission` narrows them further."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        if not is_office(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_staff
