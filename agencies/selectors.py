"""Reads of the master data: regions, memberships, routing suggestions."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Exists, OuterRef, QuerySet

from core.types import Viewer

from .models import (
    AGENCY_ROLES,
    Agency,
    Membership,
    Office,
    PpksCategory,
    Region,
    Role,
    RoutingRule,
    Service,
    region_and_ancestors,
)

# Memberships read during the current request, by user id (see ``memberships_cached``).
_request_memberships: ContextVar[dict[int, list[Membership]] | None] = ContextVar(
    "simpul_request_memberships", default=None
)


def regions_search(*, parent: str | None = None, q: str | None = None) -> QuerySet[Region]:
    """Regions under ``parent`` (direct children) whose name starts with ``q``."""
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if q:
        qs = qs.filter(search_name__startswith=q.strip().lower())
    return qs.order_by("code")


def active_memberships(user: Viewer) -> list[Membership]:
    """The user's active memberships (``Membership.objects.active()``), with agency, office
    and area loaded. Empty for anonymous or deactivated users.

    Within a request (``config.middleware.MembershipCacheMiddleware``) they are read once and
    reused by every scope check of that request; outside one (background jobs, services
    called directly) every call reads them afresh.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cache = _request_memberships.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    rows = list(
        Membership.objects.active().filter(user=user).select_related("agency", "office", "area")
    )
    if cache is not None:
        cache[user.pk] = rows
    return rows


@contextmanager
def memberships_cached() -> Iterator[None]:
    """Read each user's memberships once inside this block (one request)."""
    token = _request_memberships.set({})
    try:
        yield
    finally:
        _request_memberships.reset(token)


def roles_of(user: Viewer) -> set[str]:
    return {m.role for m in active_memberships(user)}


def areas_of(user: Viewer, roles: Collection[str]) -> list[str]:
    """Codes of the areas the user covers in any of ``roles``."""
    return [m.area_id for m in active_memberships(user) if m.role in roles]


def covers(user: Viewer, region_code: str, roles: Collection[str]) -> bool:
    """Whether one of the user's memberships in ``roles`` has an area containing the region
    (``Region.contains``: the same code or a code under it)."""
    return any(m.role in roles and m.area.contains(region_code) for m in active_memberships(user))


def agencies_of(user: Viewer, roles: Collection[str] = AGENCY_ROLES) -> list[Agency]:
    """The active agencies the user works in with one of ``roles`` (staff or head)."""
    found: dict[int, Agency] = {}
    for m in active_memberships(user):
        if m.role in roles and m.agency is not None:
            found.setdefault(m.agency.pk, m.agency)
    return list(found.values())


def suggest_agency(
    *, service: Service | None, ppks_category: PpksCategory | None, region: Region
) -> Agency | None:
    """The agency a referral should go to, by the most specific active routing rule.

    A rule naming both the service and the category beats one naming only the service,
    which beats one naming only the category; among equals the smallest region wins. Without
    a matching rule, the active agency of the service's kind in the case's regency.
    """
    return suggest_agencies(services=[service], ppks_category=ppks_category, region=region)[
        service.pk if service else None
    ]


def suggest_agencies(
    *, services: list[Service | None], ppks_category: PpksCategory | None, region: Region
) -> dict[int | None, Agency | None]:
    """``suggest_agency`` for several services at once (two queries), keyed by service id."""
    codes = region_and_ancestors(region.code)
    rules = list(
        RoutingRule.objects.filter(
            is_active=True, agency__is_active=True, region_id__in=codes
        ).select_related("agency")
    )
    fallback: dict[str, Agency] = {}
    if region.regency_code is not None:
        for agency in Agency.objects.filter(
            regency_id=region.regency_code, is_active=True
        ).order_by("-pk"):
            fallback[agency.kind] = agency  # lowest pk of each kind wins
    suggestions: dict[int | None, Agency | None] = {}
    for service in services:
        best: tuple[int, int, Agency] | None = None
        for rule in rules:
            if rule.service_id and (service is None or rule.service_id != service.pk):
                continue
            if rule.ppks_category_id and (
                ppks_category is None or rule.ppks_category_id != ppks_category.pk
            ):
                continue
            specificity = (2 if rule.service_id else 0) + (1 if rule.ppks_category_id else 0)
            score = (specificity, len(rule.region_id), rule.agency)
            if best is None or score[:2] > best[:2]:
                best = score
        if best is not None:
            suggestions[service.pk if service else None] = best[2]
        else:
            suggestions[service.pk if service else None] = (
                fallback.get(service.agency_kind) if service else None
            )
    return suggestions


def handling_office(region_code: str, user_id: int | None) -> Office | None:
    """The front office handling a case of ``region_code`` for the user: the user's own
    active office whose area holds the region, else the nearest such office (a village's
    Puskesos before the regency's SLRT); None if none (one query)."""
    codes = region_and_ancestors(region_code)
    offices = Office.objects.filter(is_active=True, area_id__in=codes).annotate(
        of_user=Exists(Membership.objects.filter(office=OuterRef("pk"), user__pk=user_id or 0))
    )
    return min(offices, key=lambda o: (not o.of_user, -len(o.area_id), o.pk), default=None)


def needs_service_decision(region_code: str, user_id: int | None) -> bool:
    """Whether a recommendation made by the user for a case of ``region_code`` waits for
    the manager's decision (penetapan layanan) before referrals go out: the handling
    office's setting (``handling_office``), on where no office is configured (SLRT
    practice), and only where a supervisor covers the region to decide (two queries)."""
    office = handling_office(region_code, user_id)
    if office is not None and not office.service_decision_step:
        return False
    # Nobody to decide (no supervisor covers the region): the step would hold the case.
    return (
        Membership.objects.active()
        .filter(role=Role.SUPERVISOR, area_id__in=region_and_ancestors(region_code))
        .exists()
    )
