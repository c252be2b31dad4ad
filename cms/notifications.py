"""What the outbox needs from the CMS: the office's name and contact details, kept in the
site settings ("Koordinierungsstelle"), for the sender, Reply-To and every email's footer."""

from cms.models import OfficeSettings
from tasks.registry import office_details


@office_details
def office():
    return OfficeSettings.for_default_site()
