"""Every write of a referral and a delivery: sending, accepting, approving, delivering (under
the double-aid rule), ending and revoking.

The task actions of ``workflows.services`` call these inside their task's lock and
transaction and move the flows; nothing here knows of tasks or flows. Referral access for
the agency (django-guardian) follows the referral's state: granted when sent, read-only once
ended, withdrawn when revoked (``cases.access``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Role, Service
from agencies.selectors import agencies_of
from cases.access import end_agency_action, grant_agency_access, withdraw_agency_access
from cases.attachments import attachment_errors, save_attachment
from cases.limits import event_time_errors
from cases.models import AttachmentKind, Case, Person
from core.errors import NotAllowed, WorkflowError, require
from core.types import Actor

from .models import (
    ENDED_STATUSES,
    ApprovalDecision,
    ApprovalOutcome,
    Delivery,
    DeliveryChannel,
    Referral,
    ReferralStatus,
    ReviewDecision,
    aid_period_key,
)


@dataclass(frozen=True)
class ReferralTarget:
    """One referral to send: the service, the agency, the sender's note, the deadline of the
    agency's answer (computed by the workflow's calendar) and who receives the aid (the
    case's beneficiary or a member of their family card)."""

    service: Service
    agency: Agency
    note: str
    due_at: dt.datetime
    at_risk_at: dt.datetime
    beneficiary: Person


def referrals_send(*, actor: Actor, case: Case, targets: list[ReferralTarget]) -> list[Referral]:
    """Create the referrals (status ``sent``) and give each agency access to the case."""
    now = timezone.now()
    created = [
        Referral.objects.create(
            case_id=case.pk,
            service=target.service,
            agency=target.agency,
            beneficiary=target.beneficiary,
            note=target.note,
            sent_by=actor,
            sent_at=now,
            due_at=target.due_at,
            at_risk_at=target.at_risk_at,
        )
        for target in targets
    ]
    for referral in created:
        grant_agency_access(case, referral.agency)
    return created


def referral_end(referral: Referral, status: str, reason: str = "") -> None:
    """End a referral. An agency whose referral ended served it and keeps read-only access
    to the case; one whose referral was revoked keeps none (unless it has another referral
    on the case, or the case was forwarded to it)."""
    referral.status = status
    referral.decision_reason = reason
    referral.ended_at = timezone.now()
    referral.save(update_fields=["status", "decision_reason", "ended_at"])
    others = Referral.objects.filter(
        case_id=referral.case_id, agency_id=referral.agency_id
    ).exclude(pk=referral.pk)
    if status == ReferralStatus.REVOKED and not (
        others.exclude(status=ReferralStatus.REVOKED).exists()
        or referral.case.forwarded_agency_id == referral.agency_id
    ):
        withdraw_agency_access(referral.case, referral.agency)
        return
    still_open = others.exclude(status__in=ENDED_STATUSES).exists()
    end_agency_action(referral.case, referral.agency, still_open=still_open)


def referral_review(referral_id: int, *, decision: ReviewDecision | str, reason: str) -> None:
    """The agency's answer: ``accept`` (noting when, so no delivery is dated before it) or
    ``reject`` (ends the referral with the reason). The referral row is locked."""
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    if decision == ReviewDecision.ACCEPT:
        referral.status = ReferralStatus.ACCEPTED
        referral.accepted_at = timezone.now()
        referral.decision_reason = reason
        referral.save(update_fields=["status", "accepted_at", "decision_reason"])
    else:
        referral_end(referral, ReferralStatus.REJECTED, reason)


def referral_approval(
    referral_id: int, *, decision: ApprovalDecision | str, note: str
) -> ApprovalOutcome:
    """One approver's decision on a referral (locked): ``approve`` counts one approval level
    (the last makes it ``approved``), ``revise`` sends it back to ``sent``, ``reject``
    declines it. Returns where the approval goes: ``approve`` (all levels done),
    ``next_level``, ``revise`` or ``reject``."""
    referral = Referral.objects.select_for_update().select_related("service").get(pk=referral_id)
    if decision == ApprovalDecision.APPROVE:
        referral.approvals_done += 1
        last = referral.approvals_done >= referral.service.approval_levels
        if last:
            referral.status = ReferralStatus.APPROVED
        referral.decision_reason = note
        referral.save(update_fields=["approvals_done", "status", "decision_reason"])
        return ApprovalOutcome.APPROVE if last else ApprovalOutcome.NEXT_LEVEL
    if decision == ApprovalDecision.REVISE:
        referral.status = ReferralStatus.SENT
        referral.approvals_done = 0
        referral.decision_reason = note
        referral.save(update_fields=["status", "approvals_done", "decision_reason"])
        return ApprovalOutcome.REVISE
    referral_end(referral, ReferralStatus.DECLINED, note)
    return ApprovalOutcome.REJECT


def referral_revoke(referral_id: int, *, reason: str) -> Referral:
    """The sender withdraws a referral not yet ended (locked). Raises ``WorkflowError`` on
    ``status`` when it has already ended."""
    referral = Referral.objects.select_for_update().get(pk=referral_id)
    if referral.is_ended:
        raise WorkflowError(
            field_errors={
                "status": [
                    _("Rujukan sudah berakhir (%(status)s).")
                    % {"status": referral.get_status_display()}
                ]
            }
        )
    referral_end(referral, ReferralStatus.REVOKED, reason)
    return referral


# --- deliveries ---------------------------------------------------------------------------


def delivery_input_errors(
    *,
    delivered_at: dt.datetime | None,
    channel: str,
    amount: Any,
    items: str,
    proof: Any,
) -> tuple[dict[str, list[str]], Decimal | None]:
    """What is wrong with a delivery as typed, by field, and the amount parsed (rupiah)."""
    errors: dict[str, list[str]] = {
        "delivered_at": [] if delivered_at else [_("Tanggal penyaluran wajib diisi.")],
        "channel": []
        if channel in DeliveryChannel.values
        else [_("Cara penyaluran: bank_transfer, in_kind, service atau cash.")],
    }
    if delivered_at:
        errors["delivered_at"] += event_time_errors(delivered_at)
    parsed_amount = None
    if amount not in (None, ""):
        try:
            parsed_amount = Decimal(str(amount))
        except InvalidOperation:
            errors["amount"] = [_("Nilai harus berupa angka rupiah.")]
        else:
            if parsed_amount < 0:
                errors["amount"] = [_("Nilai tidak boleh negatif.")]
    if proof:
        errors["proof"] = attachment_errors(proof)
    if parsed_amount is None and not items.strip() and channel != DeliveryChannel.SERVICE:
        errors["amount"] = errors.get("amount") or [
            _("Isi nilai bantuan atau barang yang disalurkan.")
        ]
    return errors, parsed_amount


def delivery_record(
    *,
    actor: Actor,
    referral_id: int,
    delivered_at: dt.datetime,
    channel: str,
    amount: Decimal | None,
    items: str,
    note: str,
    proof: Any,
    double_aid_override_reason: str,
) -> Delivery:
    """Record the aid of a referral (locked) as delivered and end the referral.

    Refused (``WorkflowError`` on ``delivered_at``) when dated before the referral was
    accepted, and by the double-aid rule (``_apply_double_aid_rule``). A ``proof`` (photo or
    PDF) becomes an attachment of the case (``delivery_proof``), under a generated name.
    """
    referral = (
        Referral.objects.select_for_update().select_related("service", "case").get(pk=referral_id)
    )
    require(
        {
            "delivered_at": event_time_errors(
                delivered_at,
                not_before=referral.accepted_at or referral.sent_at,
                not_before_label=_("rujukan diterima instansi"),
            )
        }
    )
    service = referral.service
    delivery = Delivery(
        referral=referral,
        person_id=referral.beneficiary_id or referral.case.beneficiary_id,
        service=service,
        aid_type=service.aid_type,
        period=aid_period_key(service.aid_period, timezone.localtime(delivered_at).date()),
        delivered_at=delivered_at,
        channel=channel,
        amount=amount,
        items=items.strip(),
        note=note.strip(),
        proof=save_attachment(
            actor=actor,
            case_id=referral.case_id,
            upload=proof,
            kind=AttachmentKind.DELIVERY_PROOF,
        )
        if proof
        else None,
        recorded_by=actor,
    )
    _save_delivery_once(delivery, actor=actor, override=double_aid_override_reason.strip())
    referral_end(referral, ReferralStatus.DELIVERED)
    return delivery


def _is_approver(user: Any, agency_id: int) -> bool:
    return any(agency.pk == agency_id for agency in agencies_of(user, {Role.AGENCY_APPROVER}))


def _apply_double_aid_rule(delivery: Delivery, *, actor: Actor, override: str) -> None:
    """The double-aid rule (one aid of a type per person and period, from any agency),
    decided here only: sets the delivery's override fields, or raises.

    Raises :class:`WorkflowError` (400, keyed ``double_aid_override_reason``) naming the
    earlier delivery when there is one and no override reason, and :class:`NotAllowed` (403)
    when someone other than an approver of the delivering agency gives the reason. The
    database holds the same rule (``DOUBLE_AID_CONSTRAINT``) for deliveries recorded at the
    same moment; ``_save_delivery_once`` asks this function again when it refuses one.
    """
    earlier = None
    if delivery.aid_type:
        earlier = (
            Delivery.objects.filter(
                person=delivery.person_id, aid_type=delivery.aid_type, period=delivery.period
            )
            .select_related("referral__agency")
            .first()
        )
    if earlier is None:
        delivery.double_aid_override_reason, delivery.double_aid_override_by = "", None
        return
    if not override:
        raise WorkflowError(
            field_errors={
                "double_aid_override_reason": [
                    _(
                        "Bantuan ganda: %(person)s sudah menerima bantuan jenis "
                        "%(type)s periode %(period)s dari %(agency)s. Penyaluran "
                        "hanya dapat dilakukan dengan pengecualian oleh pejabat "
                        "penyetuju."
                    )
                    % {
                        "person": delivery.person.full_name,
                        "type": delivery.aid_type,
                        "period": delivery.period,
                        "agency": earlier.referral.agency.name,
                    }
                ]
            }
        )
    if not _is_approver(actor, delivery.referral.agency_id):
        raise NotAllowed(_("Pengecualian bantuan ganda hanya oleh pejabat penyetuju instansi."))
    delivery.double_aid_override_reason, delivery.double_aid_override_by = override, actor


def _save_delivery_once(delivery: Delivery, *, actor: Actor, override: str) -> None:
    """Insert ``delivery`` under the double-aid rule, also against a delivery recorded at the
    same moment from another case: the database's unique constraint refuses the second one
    (in a savepoint), and the rule, asked again, now sees the first and answers as usual.
    """
    _apply_double_aid_rule(delivery, actor=actor, override=override)
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        _apply_double_aid_rule(delivery, actor=actor, override=override)
        if not delivery.double_aid_override_reason:
            raise  # not the double-aid rule: nothing else recorded this aid
        with transaction.atomic():
            delivery.save()  # an approver's override of the delivery just recorded
