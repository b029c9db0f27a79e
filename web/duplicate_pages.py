"""Duplicate records (data ganda, issue 14): the regency's worklist of pairs that may be one
person, and the pair page where the back office marks them "not the same" or merges them.

For the back office and supervisors of the pair's area (``cases.duplicates``): a pair
outside their areas is 404, as one that does not exist; one whose person has since moved
out of their area is 403 on deciding.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.models import REGISTRY_DECIDER_ROLES, Region, RegionLevel
from agencies.selectors import areas_of
from cases import selectors
from cases.access import log_access
from cases.duplicates import duplicate_pairs_visible_to, open_pairs_in
from cases.form_tokens import once_per_form_token
from cases.models import AccessAction, DuplicatePair, DuplicateStatus, Person
from cases.registry_forms import MergeForm, NotSameForm
from cases.services.duplicates import mark_not_same
from core.errors import DomainError, NeedsConfirmation
from core.forms import add_error_to_form
from core.pages import page_of
from referrals.merge import different_niks, merge_conflicts, merge_people
from referrals.models import Delivery


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Data ganda: the open pairs of the user's areas, most alike first, narrowed to one
    district with ``?wilayah=`` (25 a page)."""
    areas = areas_of(request.user, REGISTRY_DECIDER_ROLES)
    if not areas:
        raise Http404
    districts = Region.objects.filter(
        Region.regions_within_any_q(areas), level=RegionLevel.DISTRICT
    ).order_by("name")
    area = request.GET.get("wilayah", "")
    if area and not any(area == code or area.startswith(code + ".") for code in areas):
        area = ""
    page = page_of(request, open_pairs_in(request.user, area))
    return render(
        request,
        "cases/duplicate_list.html",
        {"page": page, "districts": districts, "area": area},
    )


def _pair_or_404(request: HttpRequest, pk: int) -> DuplicatePair:
    pair = duplicate_pairs_visible_to(request.user).filter(pk=pk).first()
    if pair is None:
        raise Http404
    return pair


def _side(request: HttpRequest, person: Person) -> dict:
    """What the officer compares of one record: its cases and the aid it received."""
    visible = selectors.cases_visible_to(request.user)
    cases = visible.filter(Q(applicant=person) | Q(beneficiary=person)).order_by("-opened_at")
    deliveries = (
        Delivery.objects.filter(person=person, referral__case__in=visible)
        .select_related("service", "referral__agency")
        .order_by("-delivered_at")
    )
    return {"person": person, "cases": list(cases[:20]), "deliveries": list(deliveries[:20])}


def duplicate_page(
    request: HttpRequest,
    pk: int,
    *,
    not_same_form: NotSameForm | None = None,
    merge_form: MergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The pair side by side (both records access-logged), with the two decisions while
    it is open and the aid both received (the double-aid conflicts a merge makes)."""
    pair = _pair_or_404(request, pk)
    for person in (pair.person_a, pair.person_b):
        log_access(
            user=request.user,
            action=AccessAction.VIEW_PERSON,
            route="duplicate_detail",
            person=person,
        )
    is_open = pair.status == DuplicateStatus.OPEN
    conflicts = merge_conflicts(pair.person_a, pair.person_b) if is_open else []
    niks_differ = is_open and different_niks(pair.person_a, pair.person_b)
    merge_form = (merge_form or MergeForm(pair=pair)) if is_open else None
    if merge_form is not None and not conflicts:
        del merge_form.fields["confirm_double_aid"]  # nothing to confirm
    if merge_form is not None and not niks_differ:
        del merge_form.fields["confirm_different_nik"]
    context = {
        "pair": pair,
        "sides": [_side(request, pair.person_a), _side(request, pair.person_b)],
        "conflicts": conflicts,
        "niks_differ": niks_differ,
        "not_same_form": (not_same_form or NotSameForm(pair=pair)) if is_open else None,
        "merge_form": merge_form,
        "canonical_url": reverse("duplicate_detail", args=[pair.pk]),
    }
    return render(request, "cases/duplicate_detail.html", context, status=status)


@login_required
def duplicate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return duplicate_page(request, pk)


def _refused(request: HttpRequest, pk: int, error: DomainError, **forms) -> HttpResponse:
    """A refused decision: 403 for a person now outside the user's area; otherwise the
    pair page again, with the message on the form (400) or above the page (409: decided or
    changed meanwhile)."""
    if error.status_code == 403:
        raise PermissionDenied(error.message)
    if error.status_code == 409:
        # Decided or changed meanwhile: said above the page, which may no longer hold a form.
        messages.error(request, error.message)
    else:
        add_error_to_form(next(iter(forms.values())), error)
    return duplicate_page(request, pk, status=error.status_code, **forms)


@login_required
@require_POST
@once_per_form_token
def duplicate_not_same(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the pair "not the same person" (``mark_not_same``)."""
    pair = _pair_or_404(request, pk)
    form = NotSameForm(request.POST, pair=pair)
    if form.is_valid():
        try:
            mark_not_same(
                actor=request.user,
                pair_id=pair.pk,
                reason=form.cleaned_data["decision_reason"],
                records=form.cleaned_data["records"],
            )
        except DuplicatePair.DoesNotExist:
            raise Http404 from None
        except DomainError as error:
            return _refused(request, pk, error, not_same_form=form)
        else:
            messages.success(request, _("Dicatat: dua data ini bukan orang yang sama."))
            return redirect("duplicate_list")
    return duplicate_page(request, pk, not_same_form=form, status=400)


@login_required
@require_POST
@once_per_form_token
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the pair into the record chosen to stay (``referrals.merge.merge_people``);
    aid received twice is shown on the form until the officer confirms it."""
    pair = _pair_or_404(request, pk)
    form = MergeForm(request.POST, pair=pair)
    if form.is_valid():
        data = form.cleaned_data
        try:
            survivor, warnings = merge_people(
                actor=request.user,
                pair_id=pair.pk,
                survivor_id=data["survivor"],
                reason=data["decision_reason"],
                records=data["records"],
                confirm_double_aid=data.get("confirm_double_aid", False),
                confirm_different_nik=data.get("confirm_different_nik", False),
            )
        except DuplicatePair.DoesNotExist:
            raise Http404 from None
        except NeedsConfirmation as error:
            form.add_error(error.confirm, error.message)
            return duplicate_page(request, pk, merge_form=form, status=error.status_code)
        except DomainError as error:
            return _refused(request, pk, error, merge_form=form)
        else:
            messages.success(request, _("Data digabung. Semua kasus dan bantuan kini di data ini."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("person_detail", pk=survivor.pk)
    return duplicate_page(request, pk, merge_form=form, status=400)
