"""The intake page (pendaftaran) and its helpers: the NIK lookup and the region picker."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agencies.models import INTAKE_ROLES
from agencies.selectors import areas_of
from cases import selectors
from cases.access import log_access
from cases.form_tokens import once_per_form_token, posted_token
from cases.forms import (
    ERROR_FIELD_MAP,
    CaseForm,
    ComplaintForm,
    IntakeDocumentsForm,
    PersonForm,
)
from cases.models import AccessAction, ComplaintTier, Person
from cases.pending_uploads import keep_form_uploads
from core.errors import IntakeError, NeedsConfirmation
from core.types import Viewer
from web import lookups
from web.forms import IntakePersonForm
from workflows.deadlines import deadline_for
from workflows.models import TaskKind
from workflows.services import open_case


def _put_intake_error(
    error: IntakeError,
    main: forms.Form,
    people: dict[str, forms.Form],
    documents: forms.Form | None = None,
) -> None:
    """Each of the intake service's field errors on the form field it is about:
    ``applicant.nik`` on the applicant's block, ``documents.<code>`` on that document's
    upload, the rest on ``main`` (at its top when it has no such field)."""
    for key, messages_ in error.field_errors.items():
        prefix, _dot, name = key.partition(".")
        form = people.get(prefix)
        if prefix == "documents" and documents is not None:
            form, name = documents, f"doc_{name}"
        elif form is None:
            form, name = main, key
        name = ERROR_FIELD_MAP.get(name, name)
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


class _IntakeForms:
    """The intake page's four forms (the request, the applicant, the beneficiary when someone
    else, the documents) read as one ``CaseIntake`` and shown with one error."""

    def __init__(self, request: HttpRequest) -> None:
        data = request.POST if request.method == "POST" else None
        villages = selectors.villages_for_intake(request.user)
        self.case = CaseForm(data)
        self.applicant = IntakePersonForm(
            data, prefix="applicant", villages=villages, user=request.user
        )
        self.beneficiary = IntakePersonForm(
            data, prefix="beneficiary", villages=villages, user=request.user
        )
        self.documents = IntakeDocumentsForm(data, request.FILES or None)

    def beneficiary_found(self) -> Person | None:
        """The registered person the beneficiary's NIK found (their KK is offered)."""
        if not self.case.is_bound:
            return None
        separate = not self.case.data.get("beneficiary_is_applicant")
        form = self.beneficiary if separate else self.applicant
        return form.lookup.person if form.lookup is not None else None

    def is_valid(self) -> bool:
        self.separate = not (
            self.case.is_valid() and self.case.cleaned_data["beneficiary_is_applicant"]
        )
        forms = [self.case, self.applicant, self.documents]
        if self.separate:
            forms.append(self.beneficiary)
        return all([form.is_valid() for form in forms])

    def intake(self) -> dict:
        """``open_case``'s keyword arguments (``cases.services.CaseIntake``'s fields)."""
        cleaned = self.case.cleaned_data
        relationship = cleaned["relationship"]
        return {
            "kind": cleaned["kind"],
            "channel": cleaned["channel"],
            "ppks_category": getattr(cleaned["ppks_category"], "code", ""),
            "description": cleaned["description"],
            "requested_services": [s.code for s in cleaned["requested_services"]],
            "applicant": self.applicant.to_input("" if self.separate else relationship),
            "beneficiary": self.beneficiary.to_input(relationship) if self.separate else None,
            "kk_number": cleaned["kk_number"],
            "priority": cleaned["priority"],
            "deceased_override_reason": cleaned["deceased_override_reason"],
            "documents": self.documents.to_inputs(),
        }

    def add_error(self, error: IntakeError) -> None:
        _put_intake_error(
            error,
            self.case,
            {"applicant": self.applicant, "beneficiary": self.beneficiary},
            documents=self.documents,
        )


# The intake page's confirmation buttons, in the order the service asks.
CONFIRMATIONS = ("confirm_new", "confirm_open_case", "confirm_double_aid")


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def case_open(request: HttpRequest) -> HttpResponse:
    """Open a case (pendaftaran). A likely duplicate person, an open case for the same
    service or a double aid is shown for the officer to pick the registered record or
    confirm (``workflows.services.open_case``); confirmations already given are carried
    along, so each question is asked once."""
    if not selectors.can_open_cases(request.user):
        raise Http404
    intake_forms = _IntakeForms(request)
    needs: NeedsConfirmation | None = None
    if request.method == "POST":
        # Chosen files are kept with the form's token, so an error elsewhere loses none.
        keep_form_uploads(request, intake_forms.documents, token=posted_token(request))
        if intake_forms.is_valid():
            try:
                result = open_case(
                    actor=request.user,
                    confirm_new_person="confirm_new" in request.POST,
                    confirm_open_case="confirm_open_case" in request.POST,
                    confirm_double_aid="confirm_double_aid" in request.POST,
                    **intake_forms.intake(),
                )
            except NeedsConfirmation as error:
                needs = error
            except IntakeError as error:
                intake_forms.add_error(error)
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
            "case_form": intake_forms.case,
            "applicant_form": intake_forms.applicant,
            "beneficiary_form": intake_forms.beneficiary,
            "documents_form": intake_forms.documents,
            "candidates": needs.likely_duplicates if needs else {},
            "open_cases": needs.open_cases if needs else [],
            "double_aid": needs.double_aid if needs else [],
            "confirmed": [flag for flag in CONFIRMATIONS if flag in request.POST] if needs else [],
            "family_person": intake_forms.beneficiary_found(),
        },
    )


def _label_tiers_with_due_dates(form: ComplaintForm, user: Viewer) -> None:
    """Each tier's label says when handling would be due if the complaint came in now, on
    the calendar of the officer's area (its local days off included)."""
    areas = areas_of(user, INTAKE_ROLES)
    now = timezone.now()
    choices = []
    for tier in ComplaintTier:
        due = deadline_for(
            TaskKind.HANDLING, start=now, region=areas[0] if areas else None, tier=tier
        ).due_at
        due_label = date_format(timezone.localtime(due), "D, j M Y H:i")
        choices.append((tier.value, f"{tier.label} · {_('tenggat')} {due_label}"))
    form.fields["complaint_tier"].choices = choices


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form_token
def complaint_open(request: HttpRequest) -> HttpResponse:
    """Pengaduan, pertanyaan atau saran: its kind, tier (with the handling deadline each
    gives), channel, subject and text, and who brings it; no PPKS category, no services.
    Opened through ``workflows.services.open_case`` like every case."""
    if not selectors.can_open_cases(request.user):
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = ComplaintForm(data)
    _label_tiers_with_due_dates(form, request.user)
    person = IntakePersonForm(
        data,
        prefix="applicant",
        villages=selectors.villages_for_intake(request.user),
        user=request.user,
    )
    needs: NeedsConfirmation | None = None
    if request.method == "POST" and all([form.is_valid(), person.is_valid()]):
        try:
            result = open_case(
                actor=request.user,
                confirm_new_person="confirm_new" in request.POST,
                applicant=person.to_input(),
                **form.cleaned_data,
            )
        except NeedsConfirmation as error:
            needs = error
        except IntakeError as error:
            _put_intake_error(error, form, {"applicant": person})
        else:
            case = result.case
            messages.success(
                request,
                _("%(kind)s %(number)s dicatat.")
                % {"kind": case.get_kind_display(), "number": case.number},
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("case_detail", number=case.number)
    return render(
        request,
        "cases/complaint_open.html",
        {
            "form": form,
            "applicant_form": person,
            "candidates": needs.likely_duplicates if needs else {},
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
    response = render(request, "cases/_person_identity.html", {"form": form})
    if prefix == "beneficiary" or request.POST.get("beneficiary_is_applicant"):
        # The beneficiary's registered family card, offered in the KK block (out of band).
        response.write(
            render_to_string(
                "cases/_registry_family.html",
                {"family_person": lookup.person, "oob": True},
                request=request,
            )
        )
    return response


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
