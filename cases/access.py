"""Agency access to referred cases (django-guardian), and the access log (UU 27/2022 PDP).

An agency sees a case only through an object permission granted to its group when a case
is referred or forwarded to it: ``view_case`` (kept after the referral ends: read-only) and
``act_on_case`` (removed when its last open referral on the case ends). No agency group
holds a model-wide permission.
"""

from __future__ import annotations

from guardian.shortcuts import assign_perm, remove_perm

from agencies.models import Agency

from .models import AccessLog, Case, CaseGroupObjectPermission


def grant_agency_access(case: Case, agency: Agency) -> None:
    assign_perm("cases.view_case", agency.group, case)
    assign_perm("cases.act_on_case", agency.group, case)


def end_agency_action(case: Case, agency: Agency, *, still_open: bool) -> None:
    """The agency's referral (or forwarded complaint) ended: it keeps read access only."""
    if not still_open:
        remove_perm("cases.act_on_case", agency.group, case)


def withdraw_agency_access(case: Case, agency: Agency) -> None:
    """The referral was revoked before the agency served it: no access is left, unless the
    agency still has another referral on the case or the case was forwarded to it."""
    remove_perm("cases.view_case", agency.group, case)
    remove_perm("cases.act_on_case", agency.group, case)


def agency_case_ids(group_ids: list[int], codename: str = "view_case"):
    """Subquery of the case ids these agency groups hold ``codename`` on."""
    return CaseGroupObjectPermission.objects.filter(
        group_id__in=group_ids, permission__codename=codename
    ).values("content_object_id")


def log_access(*, user, action: str, route: str, case=None, person=None, purpose: str = ""):
    """Record one read of personal data. Never pass a NIK in ``route`` or ``purpose``."""
    return AccessLog.objects.create(
        user=user, action=action, case=case, person=person, route=route[:100], purpose=purpose
    )
