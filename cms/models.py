"""The models of the cms app. They live in cms.pages, one module per page family:

- site_settings: OfficeSettings and the colour checks
- topics: Topic, TopicIndexPage, TopicPage, NewsIndexPage, NewsPage
- home: HomePage, StandardPage, SignLanguagePage
- series: WorkshopSeriesIndexPage, WorkshopSeriesPage
- funding: FundingProgrammeIndexPage, FundingProgrammePage, FundingRate, FederalStatesField
- contact_points: ContactPointIndexPage, ContactPointPage, AdviceRequest, AdviceNote
"""

from cms.pages.contact_points import (
    AdviceNote,
    AdviceRequest,
    ContactPointIndexPage,
    ContactPointPage,
)
from cms.pages.funding import (
    FEDERAL_STATE_NAMES,
    FEDERAL_STATES,
    FederalStatesField,
    FundingProgrammeIndexPage,
    FundingProgrammePage,
    FundingRate,
)
from cms.pages.home import HomePage, SignLanguagePage, StandardPage
from cms.pages.series import WorkshopSeriesIndexPage, WorkshopSeriesPage
from cms.pages.site_settings import OfficeSettings, contrast
from cms.pages.topics import NewsIndexPage, NewsPage, Topic, TopicIndexPage, TopicPage

__all__ = [
    "FEDERAL_STATES",
    "FEDERAL_STATE_NAMES",
    "AdviceNote",
    "AdviceRequest",
    "ContactPointIndexPage",
    "ContactPointPage",
    "FederalStatesField",
    "FundingProgrammeIndexPage",
    "FundingProgrammePage",
    "FundingRate",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "OfficeSettings",
    "SignLanguagePage",
    "StandardPage",
    "Topic",
    "TopicIndexPage",
    "TopicPage",
    "WorkshopSeriesIndexPage",
    "WorkshopSeriesPage",
    "contrast",
]
