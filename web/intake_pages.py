"""The intake page (pendaftaran) and its helpers: the NIK lookup and the region picker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import selectors
from cases.access import log_access
from cases.form_tokens import once_per_form_token, posted_token
from cases.forms import (
    ERROR_FIELD_MAP,
    CaseForm,
    IntakeDocumentsForm,
    PersonForm,
)
from cases.models import AccessAction
from cases.pending_uploads import keep_form_uploads
from core.errors import IntakeError
from web import lookups
from web.forms import IntakePersonForm
from workflows.services import open_case


def _apply_errors(
    error: IntakeError, case_form, applicant_form, beneficiary_form, documents_form
) -> None:
    forms_by_prefix = {"applicant": applicant_form, "beneficiary": beneficiary_form}
    for key, messages_ in error.field_errors.items():
        prefix, _dot, name = key.partition(".")
        form = forms_by_prefix.get(prefix)
        if prefix == "documents":
            form, name = documents_form, f"doc_{name}"
        elif form is None:
            form, name = case_form, key
        name = ERROR_FIELD_MAP.get(name, name)
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def case_open(request: HttpRequest) -> HttpResponse:
    if not selectors.can_open_cases(request.user):
        raise Http404
    villages = selectors.villages_for_intake(request.user)
    data = request.POST if request.method == "POST" else None
    case_form = CaseForm(data)
    applicant_form = IntakePersonForm(
        data, prefix="applicant", villages=villages, user=request.user
    )
    beneficiary_form = IntakePersonForm(
        data, prefix="beneficiary", villages=villages, user=request.user
    )
    documents_form = IntakeDocumentsForm(data, request.FILES or None)
    candidates: dict[str, list] = {}
    double_aid: list[dict] = []
    if request.method == "POST":
        # Chosen files are kept with the form's token, so an error elsewhere loses none.
        keep_form_uploads(request, documents_form, token=posted_token(request))
        separate = not (case_form.is_valid() and case_form.cleaned_data["beneficiary_is_applicant"])
        forms_ok = all(
            [case_form.is_valid(), applicant_form.is_valid(), documents_form.is_valid()]
            + ([beneficiary_form.is_valid()] if separate else [])
        )
        if forms_ok:
            cleaned = case_form.cleaned_data
            relationship = cleaned["relationship"]
            applicant = applicant_form.to_input(relationship="" if separate else relationship)
            beneficiary = beneficiary_form.to_input(relationship) if separate else None
            if "confirm_new" not in request.POST:
                for prefix, person in (("applicant", applicant), ("beneficiary", beneficiary)):
                    found = person and selectors.intake_duplicate_candidates(request.user, person)
                    if found:
                        candidates[prefix] = found
            if not candidates and "confirm_double_aid" not in request.POST:
                double_aid = lookups.double_aid(
                    selectors.intake_person(request.user, beneficiary or applicant),
                    list(cleaned["requested_services"]),
                )
            if not candidates and not double_aid:
                try:
                    result = open_case(
                        actor=request.user,
                        kind=cleaned["kind"],
                        channel=cleaned["channel"],
                        ppks_category=getattr(cleaned["ppks_category"], "code", ""),
                        description=cleaned["description"],
                        requested_services=[s.code for s in cleaned["requested_services"]],
                        applicant=applicant,
                        beneficiary=beneficiary,
                        kk_number=cleaned["kk_number"],
                        priority=cleaned["priority"],
                        deceased_override_reason=cleaned["deceased_override_reason"],
                        documents=documents_form.to_inputs(),
                    )
                except IntakeError as error:
                    _apply_errors(
                        error, case_form, applicant_form, beneficiary_form, documents_form
                    )
                else:
                    messages.success(
                        request,
                        _("Kasus %(number)s berhasil dibuka.") % {"number": result.case.number},
                    )
                    for warning in result.warnings:
                        messages.warning(request, warning)
                    return redirect("case_detail", number=result.case.number)
    return render(
        request,
        "cases/case_open.html",
        {
            "case_form": case_form,
            "applicant_form": applicant_form,
            "beneficiary_form": beneficiary_form,
            "documents_form": documents_form,
            "candidates": candidates,
            "double_aid": double_aid,
        },
    )


def _intake_helper_prefix(request: HttpRequest, params) -> str:
    """The person block (applicant / beneficiary) an intake helper redraws; 404 for users
    who do not open cases and for anything else."""
    prefix = params.get("prefix")
    if not selectors.can_open_cases(request.user) or prefix not in ("applicant", "beneficiary"):
        raise Http404
    return prefix


@login_required
@require_POST
def intake_nik_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: what the NIK typed at intake tells (registered person, or NIK-derived data)."""
    prefix = _intake_helper_prefix(request, request.POST)
    data = request.POST.copy()
    lookup = lookups.nik_lookup(request.user, data.get(f"{prefix}-nik", ""))
    if lookup.status == "new":
        # Fill what the NIK itself says, unless the officer already typed something.
        if not data.get(f"{prefix}-birth_date") and lookup.birth_date:
            data[f"{prefix}-birth_date"] = lookup.birth_date.isoformat()
        if not data.get(f"{prefix}-sex"):
            data[f"{prefix}-sex"] = lookup.sex
    if lookup.person is not None:
        log_access(
            user=request.user,
            action=AccessAction.VIEW_PERSON,
            route="intake_nik_lookup",
            person=lookup.person,
            purpose="Pencarian NIK saat pendaftaran",
        )
    form = IntakePersonForm(
        data,
        prefix=prefix,
        villages=selectors.villages_for_intake(request.user),
        user=request.user,
        lookup=lookup,
    )
    return render(request, "cases/_person_identity.html", {"form": form})


@login_required
def region_picker(request: HttpRequest) -> HttpResponse:
    """htmx: the cascading province > regency > district > village picker, or a search."""
    prefix = _intake_helper_prefix(request, request.GET)
    form = PersonForm(prefix=prefix, villages=selectors.villages_for_intake(request.user))
    picker = lookups.region_picker(
        request.user, code=request.GET.get("code", ""), q=request.GET.get("q", "")
    )
    return render(
        request,
        "cases/_region_picker.html",
        {"prefix": prefix, "picker": picker, "field": form["region"]},
    )
