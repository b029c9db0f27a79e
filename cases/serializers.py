"""API input and output shapes for people and cases. Parsing only; rules live in services."""

from __future__ import annotations

from rest_framework import serializers

from . import limits
from .models import CaseKind, Channel, ComplaintTier, Priority, Sex
from .nik import mask_nik, validate_phone
from .services import PersonInput


class AddressIn(serializers.Serializer):
    region_code = serializers.CharField(max_length=13)
    rt = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    rw = serializers.CharField(max_length=3, required=False, allow_blank=True, default="")
    street = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class PersonIn(serializers.Serializer):
    nik = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    no_nik_reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[limits.validate_birth_date]
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True, default="")
    birth_place = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    # NIK and No. KK are checked by the intake service (messages keyed by field); the phone
    # here. All three are normalised (cases.nik) before they are checked or stored.
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_phone],
        help_text="Digits 0-9, optionally after a leading +; spaces, dots, dashes and "
        "brackets are removed.",
    )
    address = AddressIn(required=False)
    existing_person_id = serializers.IntegerField(required=False, allow_null=True, default=None)

    def to_input(self, data: dict) -> PersonInput:
        address = data.get("address") or {}
        return PersonInput(
            full_name=data["full_name"],
            nik=data["nik"],
            no_nik_reason=data["no_nik_reason"],
            birth_place=data["birth_place"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            phone=data["phone"],
            region_code=address.get("region_code", ""),
            rt=address.get("rt", ""),
            rw=address.get("rw", ""),
            street=address.get("street", ""),
            existing_person_id=data["existing_person_id"],
        )


class CaseIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    ppks_category = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="A service request's PPKS category code (required for one); a complaint, "
        "question or suggestion needs none.",
    )
    subject = serializers.CharField(
        max_length=limits.SUBJECT,
        required=False,
        allow_blank=True,
        default="",
        help_text="A complaint's, question's or suggestion's subject (perihal).",
    )
    description = serializers.CharField(allow_blank=True, max_length=limits.DESCRIPTION)
    requested_services = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list
    )
    applicant = PersonIn()
    beneficiary = PersonIn(required=False)
    kk_number = serializers.CharField(max_length=24, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    complaint_tier = serializers.ChoiceField(
        choices=ComplaintTier.choices, default=ComplaintTier.NORMATIVE
    )
    deceased_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.REASON
    )
    confirm_new_person = serializers.BooleanField(
        default=False,
        help_text="A person sent as new looks like a registered one (409 needs_confirmation "
        "with likely_duplicates): send the registered id as existing_person_id, or true here.",
    )
    confirm_open_case = serializers.BooleanField(
        default=False,
        help_text="The beneficiary has an open case requesting one of the services (409 "
        "needs_confirmation with open_cases): true here to open another anyway.",
    )
    confirm_double_aid = serializers.BooleanField(
        default=False,
        help_text="The beneficiary already received aid of a requested type this period (409 "
        "needs_confirmation with double_aid): true here to open the case anyway.",
    )


class CasePatch(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    description = serializers.CharField(required=False, max_length=limits.DESCRIPTION)
    complaint_tier = serializers.ChoiceField(choices=ComplaintTier.choices, required=False)


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    nik = serializers.SerializerMethodField(help_text="Masked: first and last four digits.")
    sex = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    region_code = serializers.CharField(source="region_id")
    rt = serializers.CharField()
    rw = serializers.CharField()
    street = serializers.CharField()
    life_status = serializers.CharField()

    def get_nik(self, person) -> str:
        return mask_nik(person.nik)


class CaseListOut(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    channel = serializers.CharField()
    stage = serializers.CharField()
    status = serializers.CharField()
    outcome = serializers.CharField()
    priority = serializers.CharField()
    region = serializers.CharField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    beneficiary = PersonOut()
    opened_at = serializers.DateTimeField()


class CaseCreatedOut(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField()
    stage = serializers.CharField()
    status = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class DuplicateCandidateOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="Send as existing_person_id if the same person.")
    full_name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    has_nik = serializers.BooleanField(help_text="Registered with a NIK (never shown here).")
    region_code = serializers.CharField()
    rt = serializers.CharField()
    rw = serializers.CharField()


class PriorAidOut(serializers.Serializer):
    service = serializers.CharField()
    aid_type = serializers.CharField()
    period = serializers.CharField()
    agency = serializers.CharField()
    delivered_at = serializers.DateField()


class OpenCaseOut(serializers.Serializer):
    number = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    opened_at = serializers.DateTimeField()
    services = serializers.ListField(
        child=serializers.CharField(), help_text="The requested services it shares."
    )


class NeedsConfirmationOut(serializers.Serializer):
    """409 on intake: look first, then retry with the ``confirm`` flag set (a new
    Idempotency-Key: the body differs)."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(
        choices=["needs_confirmation", "lock_conflict"],
        required=False,
        help_text="Absent when the same new NIK or KK was saved a moment ago at another desk.",
    )
    confirm = serializers.ChoiceField(
        choices=["confirm_new_person", "confirm_open_case", "confirm_double_aid"], required=False
    )
    likely_duplicates = serializers.DictField(
        child=DuplicateCandidateOut(many=True),
        required=False,
        help_text="By role (applicant, beneficiary): registered people who look alike.",
    )
    double_aid = PriorAidOut(many=True, required=False)
    open_cases = OpenCaseOut(many=True, required=False)


class ReferralBrief(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.CharField(source="service.code")
    agency = serializers.CharField(source="agency.code")
    status = serializers.CharField()
    due_at = serializers.DateTimeField()


class TaskBrief(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    due_at = serializers.DateTimeField()
    assignee = serializers.CharField(source="task.owner.username", allow_null=True, default=None)


class CaseDetailOut(CaseListOut):
    subject = serializers.CharField()
    description = serializers.CharField()
    ppks_category = serializers.CharField(allow_null=True)
    complaint_tier = serializers.CharField()
    requested_services = serializers.ListField(child=serializers.CharField())
    applicant = PersonOut()
    registry_findings = serializers.DictField(allow_null=True)
    intake_warnings = serializers.ListField(child=serializers.CharField())
    referrals = ReferralBrief(many=True)
    open_tasks = TaskBrief(many=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class ChangeOut(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class TimelineEventOut(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When it was recorded: the timeline's order.")
    occurred_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When it happened, as typed (visit, delivery, contact, opening), or null.",
    )
    actor = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    summary = serializers.CharField()
    detail = serializers.CharField(allow_blank=True, required=False)
    changes = ChangeOut(many=True)


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    document_type = serializers.CharField(allow_null=True)
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    download_url = serializers.CharField()
