"""Regions, agencies, offices, staff memberships, the service catalogue and the SLA calendar.

Everything here is master data that the case side reads: who works where, which agency owns
which service, where a referral should go, and which days count as working days.
"""

from agencies.models.catalogues import (
    DayOff,
    DeliveryChannel,
    DocumentType,
    PpksCategory,
    RoutingRule,
    Service,
    UserPreference,
    localized_name,
)
from agencies.models.organisation import (
    AGENCY_ROLES,
    AREA_ROLES,
    CASE_TEAM_ROLES,
    DATA_QUALITY_ROLES,
    INTAKE_ROLES,
    MOVE_DECIDER_ROLES,
    Agency,
    AgencyKind,
    Membership,
    MembershipQuerySet,
    Office,
    OfficeKind,
    Role,
)
from agencies.models.regions import (
    LEVEL_BY_PARTS,
    Region,
    RegionLevel,
    code_within,
    region_and_ancestors,
)

__all__ = [
    "code_within",
    "localized_name",
    "region_and_ancestors",
    "AGENCY_ROLES",
    "AREA_ROLES",
    "Agency",
    "AgencyKind",
    "CASE_TEAM_ROLES",
    "DATA_QUALITY_ROLES",
    "DayOff",
    "DeliveryChannel",
    "DocumentType",
    "INTAKE_ROLES",
    "LEVEL_BY_PARTS",
    "MOVE_DECIDER_ROLES",
    "Membership",
    "MembershipQuerySet",
    "Office",
    "OfficeKind",
    "PpksCategory",
    "Region",
    "RegionLevel",
    "Role",
    "RoutingRule",
    "Service",
    "UserPreference",
]
