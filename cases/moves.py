"""Pindah domisili: handing a person's record over to the area they moved to.

A person is registered where they live, and only that area's staff see them. When they
move, an officer of the new area files a move request (the NIK, the new address, why); the
back office or supervisor of the area they are registered in accepts or rejects it within
``settings.MOVE_REQUEST_WORKING_DAYS`` working days. Until then the new area learns nothing
of the person beyond "registered elsewhere" (UU 27/2022 PDP: data minimisation); on
acceptance the person's village and address change, with history, and scope follows.
Open cases stay with the area that opened them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.calendar import add_working_days
from agencies.models import INTAKE_ROLES, MOVE_DECIDER_ROLES, Region, RegionLevel
from agencies.selectors import areas_of, covers
from cases.history import changed_by
from core.errors import Conflict, IntakeError, NotAllowed
from core.types import Actor, Viewer

from . import selectors
from .models import LifeStatus, MoveDecision, MoveRequest, MoveStatus, Person, rt_rw_validator
from .nik import normalize_number, validate_nik
from .services.duplicates import follow_person

REASON_MAX_LENGTH = 1000


def moves_to_decide_q(user: Viewer) -> Q:
    """Move requests out of the areas where ``user`` is back office or supervisor."""
    return Region.within_any_q(areas_of(user, MOVE_DECIDER_ROLES), "from_region")


def moves_visible_to(user: Viewer) -> QuerySet[MoveRequest]:
    """Move requests ``user`` may see: into their intake area (the receiving side, who
    filed it), or out of their decider area (the deciding side). Nothing for anyone else,
    nor for an officer who has since left the area."""
    if not user.is_authenticated or not user.is_active:
        return MoveRequest.objects.none()
    receiving = Region.within_any_q(areas_of(user, INTAKE_ROLES), "to_region")
    return MoveRequest.objects.filter(receiving | moves_to_decide_q(user))


def may_decide(user: Viewer, move: MoveRequest) -> bool:
    """Whether ``user`` decides ``move``: back office or supervisor of its from-area."""
    return covers(user, move.from_region_id, MOVE_DECIDER_ROLES)


def shows_person(user: Viewer, move: MoveRequest) -> bool:
    """Whether the request's page and API show ``user`` the person (name, birth date,
    registered address): only its decider, and only while it is pending. After the decision
    the person's record belongs to whichever area they are registered in now."""
    return move.status == MoveStatus.PENDING and may_decide(user, move)


def move_list(user: Viewer) -> QuerySet[MoveRequest]:
    """The move requests page's rows: pending first, nearest due first, then newest."""
    return (
        moves_visible_to(user)
        .select_related("person", "from_region", "to_region", "requested_by", "decided_by")
        .annotate(decided=Case(When(status=MoveStatus.PENDING, then=Value(0)), default=Value(1)))
        .order_by("decided", "due_at", "-pk")
    )


def pending_moves_to_decide(user: Viewer) -> QuerySet[MoveRequest]:
    return MoveRequest.objects.filter(moves_to_decide_q(user), status=MoveStatus.PENDING)


def request_move(
    *,
    actor: Actor,
    nik: str,
    region_code: str,
    rt: str = "",
    rw: str = "",
    street: str = "",
    reason: str,
) -> MoveRequest:
    """File a move request for the person registered under ``nik`` into ``region_code`` (a
    village of the actor's intake area).

    Raises ``NotAllowed`` (403) for anyone without an intake role (whatever the NIK), then
    ``IntakeError`` (400) keyed by field: ``nik`` (invalid, not registered, or
    already in the actor's area), ``region_code``, ``rt``/``rw``, ``street``, ``reason``;
    ``Conflict`` (409) when a request for the person is already pending. Nothing about the
    person is returned to the requester but the request itself.
    """
    if not selectors.can_open_cases(actor):
        # Checked before the NIK: the answers below tell whether a NIK is registered.
        raise NotAllowed(_("Hanya petugas pendaftaran yang dapat mengajukan pindah domisili."))
    errors: dict[str, list[str]] = {}
    person = _person_to_move(actor, nik, errors)
    region = _move_destination(actor, region_code, errors)
    errors.update(_move_address_errors(rt=rt, rw=rw, street=street, reason=reason))
    if errors:
        raise IntakeError(field_errors=errors)
    assert person is not None and region is not None
    now = timezone.now()
    move = MoveRequest(
        person=person,
        from_region_id=person.region_id,
        to_region=region,
        rt=rt.strip(),
        rw=rw.strip(),
        street=street.strip(),
        reason=reason.strip(),
        requested_by=actor,
        requested_at=now,
        due_at=add_working_days(now, settings.MOVE_REQUEST_WORKING_DAYS, region=person.region_id),
    )
    changed_by(move, actor)
    try:
        with transaction.atomic():
            move.save()
    except IntegrityError:
        raise Conflict(
            _("Permintaan pindah domisili untuk NIK ini sudah diajukan dan menunggu keputusan.")
        ) from None
    return move


def _person_to_move(actor: Actor, nik: str, errors: dict[str, list[str]]) -> Person | None:
    """The registered person ``nik`` names, if they live outside the actor's area (else an
    error on ``nik``)."""
    nik = normalize_number(nik)
    try:
        validate_nik(nik)
    except ValidationError as exc:
        errors["nik"] = list(exc.messages)
        return None
    person = selectors.person_by_nik(nik)
    if person is None:
        errors["nik"] = [_("NIK ini belum terdaftar: daftarkan langsung lewat pendaftaran kasus.")]
    elif selectors.may_register_in(actor, person.region_id):
        errors["nik"] = [_("Penduduk ini sudah terdaftar di wilayah kerja Anda.")]
    return person


def _move_destination(
    actor: Actor, region_code: str, errors: dict[str, list[str]]
) -> Region | None:
    """The village moved to: a village of the actor's intake area (else an error on
    ``region_code``)."""
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None or region.level != RegionLevel.VILLAGE:
        errors["region_code"] = [_("Pilih desa/kelurahan tujuan.")]
    elif not selectors.may_register_in(actor, region.code):
        errors["region_code"] = [str(selectors.OUTSIDE_YOUR_AREA)]
    return region


def _move_address_errors(*, rt: str, rw: str, street: str, reason: str) -> dict[str, list[str]]:
    """The new address's RT/RW (three digits) and street, and the required reason."""
    errors: dict[str, list[str]] = {}
    for name, value in (("rt", rt), ("rw", rw)):
        try:
            if value.strip():
                rt_rw_validator(value.strip())
        except ValidationError as exc:
            errors[name] = list(exc.messages)
    if len(street) > 255:
        errors["street"] = [_("Alamat jalan paling banyak 255 karakter.")]
    if not reason.strip():
        errors["reason"] = [_("Alasan pindah wajib diisi.")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("Alasan paling banyak 1000 karakter.")]
    return errors


def decide_move(*, actor: Actor, move_id: int, decision: str, reason: str = "") -> MoveRequest:
    """Accept or reject a pending move request (back office or supervisor of the person's
    current area). Accepting moves the person to the requested village and address, with
    the decision in the person's history; a person recorded as moved away (life status
    "moved") is active again at the new address.

    Raises ``MoveRequest.DoesNotExist`` when the request is not visible to the actor (404),
    ``NotAllowed`` (403) for the receiving side, ``IntakeError`` (400) for a missing
    decision or rejection reason, ``Conflict`` (409) when it was already decided.
    """
    move = moves_visible_to(actor).get(pk=move_id)
    if not may_decide(actor, move):
        raise NotAllowed(_("Hanya back office atau penyelia wilayah asal yang memutuskan."))
    errors: dict[str, list[str]] = {}
    if decision not in MoveDecision.values:
        errors["decision"] = [_("Pilih terima atau tolak.")]
    if decision == MoveDecision.REJECT and not reason.strip():
        errors["reason"] = [_("Alasan penolakan wajib diisi.")]
    if len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("Alasan paling banyak 1000 karakter.")]
    if errors:
        raise IntakeError(field_errors=errors)
    with transaction.atomic():
        move = MoveRequest.objects.select_for_update().select_related("person").get(pk=move.pk)
        if move.status != MoveStatus.PENDING:
            raise Conflict(
                _("Permintaan ini sudah diputuskan (%(status)s).")
                % {"status": move.get_status_display()}
            )
        move.status = (
            MoveStatus.ACCEPTED if decision == MoveDecision.ACCEPT else MoveStatus.REJECTED
        )
        move.decided_by = actor
        move.decided_at = timezone.now()
        move.decision_reason = reason.strip()
        changed_by(move, actor)
        move.save()
        if move.status == MoveStatus.ACCEPTED:
            person = move.person
            person.region_id = move.to_region_id
            person.rt, person.rw, person.street = move.rt, move.rw, move.street
            note = _("Pindah domisili #%(id)s diterima") % {"id": move.pk}
            fields = ["region", "rt", "rw", "street"]
            if person.life_status == LifeStatus.MOVED:
                # Recorded as moved away, now found at the new address: active there.
                person.life_status = LifeStatus.ACTIVE
                person.life_status_date = timezone.localdate()
                person.life_status_source = note
                fields += ["life_status", "life_status_date", "life_status_source"]
            changed_by(person, actor, reason=note)
            person.save(update_fields=fields)
            follow_person(person)
    return move
