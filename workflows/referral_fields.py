"""The referral fields of the assessment and service-decision forms, fitted to the case:
the services an agency can receive (labelled with where they go), who receives each, the
reason printed on each letter, and what is ticked to begin with."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Service
from agencies.selectors import suggest_agencies
from cases import limits
from cases.selectors import family_of
from referrals.models import Referral, ReferralStatus

from .models import AssessmentDecision, CaseProcess, ServiceDecision


def family_receivers(form, case, services: list, user) -> None:
    """When the beneficiary's family card has other members ``user`` may see: for each
    service, who receives it (a child's PIP on the mother's case), the case's beneficiary
    by default. Without a user, only the beneficiary (no field)."""
    family = family_of(user, case.beneficiary) if user is not None else []
    if len(family) < 2:
        return
    choices = [
        (
            person.pk,
            f"{person.full_name} ({person.get_relationship_display()})"
            if person.relationship
            else person.full_name,
        )
        for person in family
    ]
    for service in services:
        form.fields[f"for_{service.code}"] = forms.TypedChoiceField(
            label=_("Penerima %(service)s") % {"service": service.display_name},
            choices=choices,
            coerce=int,
            initial=case.beneficiary_id,
            required=False,
            widget=forms.Select(attrs={"data-with-service": service.code}),
        )


def routable_services(form, case, user) -> dict:
    """Offer only the services an agency of the case's regency can receive, each labelled
    with the agency the routing rules send it to, and name the others in the help text;
    per service, who receives it (``_family_receivers``). Returns the agencies by service
    id (None where nobody receives it)."""
    field = form.fields["services"]
    services = list(field.queryset)
    agencies = suggest_agencies(
        services=services, ppks_category=case.ppks_category, region=case.region
    )
    routable = [s for s in services if agencies.get(s.pk)]
    unroutable = [s.display_name for s in services if not agencies.get(s.pk)]
    field.queryset = field.queryset.filter(pk__in=[s.pk for s in routable])
    field.error_messages["invalid_choice"] = _(
        "Layanan %(value)s tidak dapat dirujuk: belum ada instansi tujuan di kabupaten/kota ini."
    )
    if unroutable:
        field.help_text = _(
            "Instansi tujuan dipilih oleh aturan rujukan kabupaten/kota. Belum ada instansi "
            "tujuan untuk: %(services)s (atur di aturan rujukan)."
        ) % {"services": ", ".join(unroutable)}
    field.label_from_instance = lambda service: (
        f"{service.display_name} → {agencies[service.pk].name}"
    )
    family_receivers(form, case, routable, user)
    return agencies


def letter_reasons(form: forms.Form, services: list) -> None:
    """Per service, the reason printed on its referral letter: only what this agency is
    asked for, never the assessment's internal note (the page shows a service's box while
    it is ticked)."""
    for service in services:
        form.fields[f"reason_{service.code}"] = forms.CharField(
            label=_("Alasan rujukan %(service)s (dicetak di surat)")
            % {"service": service.display_name},
            required=False,
            max_length=limits.NOTE,
            widget=forms.TextInput(attrs={"data-with-service": service.code}),
        )


def suggest_routes(form: forms.Form, item, user) -> None:
    """The routable services (``routable_services``), ticked as the citizen asked for them
    so the back office refers to several agencies at once; after the manager returned a
    recommendation, ticked as recommended, with its reasons and receivers."""
    case = item.case
    agencies = routable_services(form, case, user)
    letter_reasons(form, list(form.fields["services"].queryset))
    # A service already delivered or still with an agency is never ticked again; follow-up
    # is offered only once some aid was delivered.
    referred = dict(Referral.objects.filter(case=case).values_list("service_id", "status"))
    delivered = any(status == ReferralStatus.DELIVERED for status in referred.values())
    if not delivered:
        form.fields["resolution"].choices = [
            choice
            for choice in form.fields["resolution"].choices
            if choice[0] != AssessmentDecision.FOLLOW_UP
        ]
    if not form.is_bound:
        form.initial["services"] = [
            s.code
            for s in case.requested_services.all()
            if agencies.get(s.pk) and s.pk not in referred
        ]
        returned = _returned_recommendation(item)
        if returned:
            # The manager sent it back: start from what was recommended, reasons included.
            _fill_from(form, returned)
        if form.initial["services"]:
            form.initial["resolution"] = AssessmentDecision.REFER
        elif delivered:
            form.initial["resolution"] = AssessmentDecision.FOLLOW_UP


def _returned_recommendation(item) -> list[dict]:
    """The recommendation the manager returned, if this assessment follows a return."""
    process = CaseProcess.objects.get(pk=item.task.process_id)
    if process.service_decision != ServiceDecision.RETURN:
        return []
    return list(process.recommended_referrals)


def offer_recommendation(form: forms.Form, item, user) -> None:
    """The routable services, ticked as recommended, each with its letter's reason and
    receiver, and labelled with the agency the back office chose."""
    process = CaseProcess.objects.get(pk=item.task.process_id)
    form.recommendation = list(process.recommended_referrals)
    agencies = routable_services(form, item.case, user)
    chosen = {spec["service"]: spec.get("agency", "") for spec in form.recommendation}
    # A recommended service stays offered even where no routing rule reaches it: the back
    # office named its agency (the API allows it), so the manager can approve it as is.
    field = form.fields["services"]
    field.queryset = Service.objects.filter(is_active=True).filter(
        Q(pk__in=field.queryset.values("pk")) | Q(code__in=chosen)
    )
    letter_reasons(form, list(field.queryset))
    names = dict(Agency.objects.filter(code__in=chosen.values()).values_list("code", "name"))
    form.fields["services"].label_from_instance = lambda service: (
        f"{service.display_name} → "
        f"{names.get(chosen.get(service.code, '')) or agencies[service.pk].name}"
    )
    if not form.is_bound:
        _fill_from(form, form.recommendation)


def _fill_from(form: forms.Form, specs: list[dict]) -> None:
    """Tick ``specs``' services, with their reasons and receivers."""
    form.initial["services"] = [spec["service"] for spec in specs]
    for spec in specs:
        form.initial[f"reason_{spec['service']}"] = spec.get("note", "")
        if spec.get("beneficiary") and f"for_{spec['service']}" in form.fields:
            form.initial[f"for_{spec['service']}"] = spec["beneficiary"]
