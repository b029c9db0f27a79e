"""Opening a case and the service request's own tasks: home visit (or its waiver),
follow-up, closure; reopening a closed case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import end_agency_action
from cases.attachments import attachment_errors, save_attachment
from cases.history import acting_as
from cases.limits import event_time_errors
from cases.models import (
    AttachmentKind,
    Case,
    CaseKind,
    CaseStatus,
    FollowUp,
    FollowUpOutcome,
    HomeVisit,
    Note,
    NoteKind,
    Outcome,
    Person,
    Recommendation,
    Stage,
)
from cases.selectors import cases_visible_to, open_cases_requesting
from cases.services import CaseIntake, CheckedIntake, IntakeResult, check_intake, save_intake
from core.errors import Conflict, NeedsConfirmation, NotAllowed, WorkflowError, require
from core.types import Actor
from referrals.models import ReferralStatus
from referrals.selectors import prior_aid
from workflows import selectors
from workflows.flows import CaseFlow, ComplaintFlow
from workflows.models import (
    CaseProcess,
    ClosureDecision,
    TaskKind,
    VerificationResult,
    WorkItem,
)
from workflows.services.engine import (
    case_for_update,
    complete_task_action,
    given_time,
    require_after_opening,
)


def open_case(
    *,
    actor: Actor,
    confirm_new_person: bool = False,
    confirm_open_case: bool = False,
    confirm_double_aid: bool = False,
    **intake: Any,
) -> IntakeResult:
    """Open a case (pendaftaran): check it (``cases.services.check_intake``), ask for the
    officer's confirmation where the registry says to look first, save it and start its
    flow, in one transaction. ``intake`` holds the fields of ``cases.services.CaseIntake``.

    The confirmations, asked one at a time in this order and skipped when the flag is set:

    - ``confirm_new_person``: a person typed as new looks like a registered one (same
      village and birth date, close name). Pick the registered record
      (``existing_person_id``) or confirm that this is someone else.
    - ``confirm_open_case``: the beneficiary has an open case that already requests one of
      the services (a second request for the same aid is usually the same one, registered
      twice: look at it before opening another).
    - ``confirm_double_aid``: the beneficiary already received aid of a requested type this
      period (the double-aid rule of ``referrals.selectors.prior_aid``).

    Raises ``IntakeError`` (400, nothing written), ``NeedsConfirmation`` (409 with the
    candidates or the aid found, nothing written) or ``IntakeConflict`` (409, the same new
    NIK or KK saved a moment ago at another desk).
    """
    with transaction.atomic():
        checked = check_intake(CaseIntake(**intake), actor=actor)
        if not confirm_new_person:
            _ask_about_duplicates(checked)
        if not confirm_open_case:
            _ask_about_open_cases(checked)
        if not confirm_double_aid:
            _ask_about_double_aid(checked)
        result = save_intake(checked, actor=actor)
        start_case_flow(result.case, actor=actor)
    return result


def _person_summary(person: Person) -> dict:
    """What an officer needs to tell two people apart. No NIK digits: the look-alike shares
    the village and birth date the officer typed, which are most of a NIK already, so even a
    masked NIK would give the whole of it away."""
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "birth_date": person.birth_date,
        "has_nik": bool(person.nik),
        "region_code": person.region_id,
        "rt": person.rt,
        "rw": person.rw,
    }


def _ask_about_duplicates(checked: CheckedIntake) -> None:
    people = {"applicant": checked.people.applicant}
    if checked.people.beneficiary is not checked.people.applicant:
        people["beneficiary"] = checked.people.beneficiary
    found = {
        role: [_person_summary(candidate) for candidate in resolved.likely_duplicates]
        for role, resolved in people.items()
        if resolved.likely_duplicates
    }
    if found:
        raise NeedsConfirmation(
            _(
                "Orang dengan nama mirip, tanggal lahir dan desa yang sama sudah terdaftar. "
                "Pilih datanya bila orangnya sama, atau konfirmasi sebagai orang baru."
            ),
            confirm="confirm_new_person",
            likely_duplicates=found,
        )


def _ask_about_open_cases(checked: CheckedIntake) -> None:
    beneficiary = checked.people.beneficiary.person
    if beneficiary is None or not checked.services:
        return
    found = [
        {
            "number": case.number,
            "stage": case.stage,
            "stage_label": case.get_stage_display(),
            "opened_at": case.opened_at,
            "services": [service.display_name for service in same],
        }
        for case, same in open_cases_requesting(beneficiary, checked.services)
    ]
    if found:
        raise NeedsConfirmation(
            _(
                "Penerima manfaat masih memiliki kasus terbuka untuk layanan yang sama. Lihat "
                "kasus itu dahulu, atau konfirmasi untuk tetap membuka kasus baru."
            ),
            confirm="confirm_open_case",
            open_cases=found,
        )


def _ask_about_double_aid(checked: CheckedIntake) -> None:
    beneficiary = checked.people.beneficiary.person
    aid_types = {service.aid_type for service in checked.services if service.aid_type}
    if beneficiary is None or not aid_types:
        return
    found = prior_aid(beneficiary, aid_types=aid_types, on=timezone.localdate())
    if found:
        raise NeedsConfirmation(
            _(
                "Penerima manfaat sudah menerima bantuan sejenis pada periode ini. Periksa "
                "kembali layanan yang dimohon, atau konfirmasi untuk tetap membuka kasus."
            ),
            confirm="confirm_double_aid",
            double_aid=found,
        )


def start_case_flow(case: Case, *, actor: Actor, reopened: bool = False) -> None:
    """Start the case's flow (service request or complaint) and link it to the case."""
    flow = CaseFlow if case.kind == CaseKind.SERVICE_REQUEST else ComplaintFlow
    with acting_as(actor):
        process = flow.start.run(case=case, reopened=reopened)
        case.refresh_from_db()
        case.process = process
        case.save(update_fields=["process"])


# --- service request: verification -------------------------------------------------------


def complete_verification(
    *,
    actor: Actor,
    task_id: int,
    visited_at: dt.datetime | None,
    findings: str,
    recommendation: str,
    household_conditions: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: list | None = None,
) -> WorkItem:
    """Record the home visit (with photos); ``not_eligible`` sends the case to closure."""
    errors: dict[str, list[str]] = {
        "visited_at": [] if visited_at else [_("Waktu kunjungan wajib diisi.")],
        "findings": [] if findings.strip() else [_("Hasil kunjungan wajib diisi.")],
        "recommendation": []
        if recommendation in Recommendation.values
        else [_("Rekomendasi harus 'eligible' atau 'not_eligible'.")],
    }
    if visited_at:
        errors["visited_at"] += event_time_errors(visited_at)
    errors.update(_gps_point_errors(latitude, longitude))
    photos = photos or []
    errors["photos"] = [message for photo in photos for message in attachment_errors(photo)]
    require(errors)
    visited: dt.datetime = given_time(visited_at)

    def apply(item: WorkItem, process: CaseProcess) -> None:
        require_after_opening(item, visited_at=visited)
        visit = HomeVisit.objects.create(
            case_id=item.case_id,
            visited_at=visited,
            findings=findings.strip(),
            household_conditions=household_conditions.strip(),
            recommendation=recommendation,
            latitude=latitude,
            longitude=longitude,
            visited_by=actor,
        )
        for photo in photos:
            save_attachment(
                actor=actor,
                case_id=item.case_id,
                upload=photo,
                kind=AttachmentKind.VISIT_PHOTO,
                visit=visit,
            )
        process.verification = recommendation
        if recommendation == Recommendation.NOT_ELIGIBLE:
            case = case_for_update(item)
            case.outcome = Outcome.REJECTED_AFTER_VERIFICATION
            case.save(update_fields=["outcome"])

    return complete_task_action(
        actor=actor, task_id=task_id, kind=TaskKind.VERIFICATION, apply=apply
    )


def _gps_point_errors(latitude: Decimal | None, longitude: Decimal | None) -> dict:
    """The visit's optional GPS point (WGS 84 degrees): both or neither, each in range."""
    errors = {}
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Lintang dan bujur diisi berpasangan.")]
    if latitude is not None and not -90 <= latitude <= 90:
        errors["latitude"] = [_("Lintang harus antara -90 dan 90.")]
    if longitude is not None and not -180 <= longitude <= 180:
        errors["longitude"] = [_("Bujur harus antara -180 dan 180.")]
    return errors


def waive_verification(*, actor: Actor, task_id: int, reason: str) -> WorkItem:
    """A supervisor skips the home visit, with a written reason (e.g. bedridden, disaster)."""
    require({"reason": [] if reason.strip() else [_("Alasan wajib diisi.")]})
    item = selectors.visible_task(actor, task_id)
    if not selectors.supervised_tasks(actor).filter(pk=item.pk).exists():
        raise NotAllowed(_("Hanya penyelia wilayah ini yang dapat meniadakan kunjungan."))
    if item.kind != TaskKind.VERIFICATION:
        raise WorkflowError(field_errors={"kind": [_("Hanya tugas verifikasi.")]})

    def apply(item: WorkItem, process: CaseProcess) -> None:
        case = case_for_update(item)
        case.verification_waiver_reason = reason.strip()
        case.save(update_fields=["verification_waiver_reason"])
        process.verification = VerificationResult.WAIVED

    return complete_task_action(
        actor=actor,
        task_id=task_id,
        kind=TaskKind.VERIFICATION,
        apply=apply,
        take_over=True,
        item=item,
    )


# --- follow-up and closure ---------------------------------------------------------------


def complete_follow_up(
    *, actor: Actor, task_id: int, contacted_at: dt.datetime | None, outcome: str, note: str = ""
) -> WorkItem:
    """Record how the family is doing; ``needs_more_help`` returns the case to assessment."""
    require(
        {
            "contacted_at": event_time_errors(contacted_at)
            if contacted_at
            else [_("Waktu kontak wajib diisi.")],
            "outcome": []
            if outcome in FollowUpOutcome.values
            else [_("Hasil: improved, unchanged, worse atau needs_more_help.")],
        }
    )

    contacted: dt.datetime = given_time(contacted_at)

    def apply(item: WorkItem, process: CaseProcess) -> None:
        require_after_opening(item, contacted_at=contacted)
        FollowUp.objects.create(
            case_id=item.case_id,
            contacted_at=contacted,
            outcome=outcome,
            note=note.strip(),
            recorded_by=actor,
        )
        process.follow_up = outcome

    return complete_task_action(actor=actor, task_id=task_id, kind=TaskKind.FOLLOW_UP, apply=apply)


def _final_outcome(case: Case) -> str:
    if case.outcome:
        return case.outcome
    statuses = set(case.referrals.values_list("status", flat=True))
    if ReferralStatus.DELIVERED in statuses:
        others = statuses - {ReferralStatus.DELIVERED, ReferralStatus.REVOKED}
        return Outcome.PARTLY_SERVED if others else Outcome.SERVED
    if case.kind != CaseKind.SERVICE_REQUEST:
        return Outcome.ANSWERED
    return Outcome.REJECTED


def complete_closure(
    *, actor: Actor, task_id: int, decision: str, outcome: str = "", note: str = ""
) -> WorkItem:
    """Close the case with an outcome (default: derived from what happened), or reopen it."""
    require(
        {
            "decision": [] if decision in ClosureDecision.values else [_("Pilih tutup atau buka.")],
            "outcome": [_("Hasil tidak dikenal.")]
            if outcome and outcome not in Outcome.values
            else [],
            "note": [_("Alasan membuka kembali wajib diisi.")]
            if decision == ClosureDecision.REOPEN and not note.strip()
            else [],
        }
    )

    def apply(item: WorkItem, process: CaseProcess) -> None:
        case = case_for_update(item)
        if note.strip():
            Note.objects.create(case=case, kind=NoteKind.CLOSURE, text=note.strip(), author=actor)
        if decision == ClosureDecision.CLOSE:
            if case.forwarded_agency is not None:
                end_agency_action(case, case.forwarded_agency, still_open=False)
            case.outcome = outcome or _final_outcome(case)
            case.status = CaseStatus.CLOSED
            case.stage = Stage.CLOSED
            case.closed_at = timezone.now()
        else:
            case.outcome = ""
            case.round += 1
        case.save(update_fields=["outcome", "status", "stage", "closed_at", "round"])
        process.closure = decision
        process.referrals = ""  # blank: the key is dropped, the next round decides anew

    return complete_task_action(actor=actor, task_id=task_id, kind=TaskKind.CLOSURE, apply=apply)


def reopen_case(*, actor: Actor, number: str, reason: str) -> Case:
    """A supervisor of the case's area reopens a closed case with a reason (kept as a closure
    note): a new round starts at assessment, the earlier rounds' tasks and history kept.

    Raises ``Case.DoesNotExist`` for a case out of the actor's scope, ``WorkflowError``
    (400) without a reason, ``NotAllowed`` (403) for anyone but a supervisor of its area,
    ``Conflict`` (409) when the case is not closed (still running, or reopened a moment ago).
    """
    require({"reason": [] if reason.strip() else [_("Alasan membuka kembali wajib diisi.")]})
    case = cases_visible_to(actor).filter(number=number).first()
    if case is None:
        raise Case.DoesNotExist
    if case.status == CaseStatus.CLOSED and not selectors.may_reopen_case(actor, case):
        raise NotAllowed(_("Hanya penyelia yang dapat membuka kembali kasus."))
    with transaction.atomic(), acting_as(actor):
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.CLOSED:
            raise Conflict(
                _("Kasus ini masih berjalan; hanya kasus yang ditutup yang dapat dibuka kembali.")
            )
        Note.objects.create(case=case, kind=NoteKind.CLOSURE, text=reason.strip(), author=actor)
        case.status = CaseStatus.OPEN
        case.outcome = ""
        case.closed_at = None
        case.round += 1
        case.save(update_fields=["status", "outcome", "closed_at", "round"])
        start_case_flow(case, actor=actor, reopened=True)
    return case
