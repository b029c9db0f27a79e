"""Merging two registry records of one person (issue 14; Permensos 3/2021: the regency's
social office verifies and corrects DTKS data, one person one record).

The back office picks the record that stays (the survivor). Everything about the person
moves to it: cases (as applicant or beneficiary), referrals, deliveries, move requests, the
family card when the survivor has none, and a NIK or birth data the survivor lacks. The
other record stays as a tombstone (``Person.merged_into``, life status "merged"), its
history readable; a lookup of its NIK finds the survivor (``cases.selectors.person_by_nik``).
Both records are access-logged. The double-aid rule then sees the aid of both, and aid of
one type in one period delivered to both records is shown before the merge, as a conflict
the officer confirms.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import log_access
from cases.history import changed_by
from cases.limits import REASON
from cases.models import (
    AccessAction,
    Case,
    DuplicatePair,
    DuplicateStatus,
    LifeStatus,
    MoveRequest,
    MoveStatus,
    Person,
    Relationship,
)
from cases.services.duplicates import locked_open_pair
from cases.services.inputs import FieldErrors
from core.errors import Conflict, IntakeError, NeedsConfirmation
from core.types import Actor
from referrals.models import Delivery, Referral

CONFIRM_DOUBLE_AID = "confirm_double_aid"
CONFIRM_DIFFERENT_NIK = "confirm_different_nik"
# Filled on the survivor from the merged record when the survivor's is empty.
FILLED_WHEN_EMPTY = ("birth_place", "birth_date", "phone", "rt", "rw", "street")


def merge_conflicts(survivor: Person, merged: Person) -> list[dict]:
    """Aid of one type in one period delivered to both records, which the double-aid rule
    (one aid of a type per person and period) sees as one person's once merged: one dict
    per conflict with ``aid_type``, ``period``, ``service``, the two deliveries'
    ``agencies`` and ``delivered_on`` dates (ISO), earliest first, and the later one's id
    (``later_delivery_id``, the one marked as double aid). Two queries."""
    kept = {}
    for delivery in _countable_deliveries(survivor):
        kept.setdefault((delivery.aid_type, delivery.period), delivery)
    conflicts = []
    for delivery in _countable_deliveries(merged):
        earlier = kept.get((delivery.aid_type, delivery.period))
        if earlier is None:
            continue
        both = sorted((earlier, delivery), key=lambda d: (d.delivered_at, d.pk))
        conflicts.append(
            {
                "aid_type": delivery.aid_type,
                "period": delivery.period,
                "service": delivery.service.display_name,
                "agencies": [d.referral.agency.name for d in both],
                "delivered_on": [d.delivered_at.date().isoformat() for d in both],
                "later_delivery_id": both[1].pk,
            }
        )
    return conflicts


def _countable_deliveries(person: Person) -> list[Delivery]:
    return list(
        Delivery.objects.filter(person=person, double_aid_override_reason="")
        .exclude(aid_type="")
        .select_related("service", "referral__agency")
        .order_by("delivered_at", "pk")
    )


def merge_people(
    *,
    actor: Actor,
    pair_id: int,
    survivor_id: int,
    reason: str,
    records: tuple[int, int] | None = None,
    confirm_double_aid: bool = False,
    confirm_different_nik: bool = False,
) -> tuple[Person, list[str]]:
    """Merge the two records of an open duplicate pair into ``survivor_id`` (one of them),
    in one transaction; returns the survivor and warnings for the officer (a family card
    left without its head). ``records`` are the two ids the officer was shown.

    Raises ``DuplicatePair.DoesNotExist`` for a pair outside the actor's registry areas (as
    for none), ``NotAllowed`` (403) when either person now lives outside them,
    ``IntakeError`` (400) keyed ``survivor`` or ``decision_reason``, ``Conflict`` (409) for
    a pair already decided or changed since shown, a record with a pending move request, or
    aid recorded while merging; and ``NeedsConfirmation`` (409) until the officer confirms
    two different NIKs (``confirm_different_nik``: one NIK is one person, Dukcapil; the
    merged record keeps its own) or aid received twice (``confirm_double_aid``, with
    ``double_aid``: see :func:`merge_conflicts`); the later delivery of each such pair is
    then marked as double aid found by the merge."""
    errors = FieldErrors()
    reason = reason.strip()
    if not reason:
        errors.add("decision_reason", _("Alasan penggabungan wajib diisi."))
    elif len(reason) > REASON:
        errors.add("decision_reason", _("Alasan paling panjang %(n)d karakter.") % {"n": REASON})
    with transaction.atomic():
        pair, by_id = locked_open_pair(actor, pair_id, records=records)
        if survivor_id not in by_id:
            errors.add("survivor", _("Pilih salah satu dari dua data ini sebagai data yang tetap."))
        if errors.by_field:
            raise IntakeError(field_errors=errors.by_field)
        survivor = by_id[survivor_id]
        merged = by_id[pair.person_b_id if survivor_id == pair.person_a_id else pair.person_a_id]
        conflicts = _checked_merge(
            survivor,
            merged,
            confirm_double_aid=confirm_double_aid,
            confirm_different_nik=confirm_different_nik,
        )
        note = _("Penggabungan data ganda: %(reason)s") % {"reason": reason}
        try:
            with transaction.atomic():
                _move_records(survivor, merged, actor=actor, note=note, conflicts=conflicts)
        except IntegrityError:  # aid recorded for one of them since the conflicts were read
            raise Conflict(
                _("Bantuan baru saja dicatat untuk salah satu data ini. Muat ulang halaman.")
            ) from None
        warnings = _keep_one_record(survivor, merged, actor=actor, note=note)
        _close_pairs(pair, survivor, merged, actor=actor, reason=reason)
        for person in (survivor, merged):
            log_access(
                user=actor, action=AccessAction.MERGE, route="duplicate_merge", person=person
            )
    return survivor, warnings


def different_niks(survivor: Person, merged: Person) -> bool:
    """Whether both records carry a NIK and they differ (one of them is mistyped)."""
    return bool(survivor.nik and merged.nik and survivor.nik != merged.nik)


def _checked_merge(
    survivor: Person, merged: Person, *, confirm_double_aid: bool, confirm_different_nik: bool
) -> list[dict]:
    """Refuse what no confirmation allows, ask what the officer must confirm; returns the
    double-aid conflicts the merge will mark."""
    _check_mergeable(survivor, merged)
    if different_niks(survivor, merged) and not confirm_different_nik:
        raise NeedsConfirmation(
            _(
                "Kedua data punya NIK berbeda (%(kept)s dan %(other)s). Satu NIK untuk satu "
                "orang: pastikan salah satunya salah ketik, lalu konfirmasi. Data yang "
                "digabung tetap menyimpan NIK-nya dan pencarian NIK itu menemukan data ini."
            )
            % {"kept": survivor.masked_nik, "other": merged.masked_nik},
            confirm=CONFIRM_DIFFERENT_NIK,
        )
    conflicts = merge_conflicts(survivor, merged)
    if conflicts and not confirm_double_aid:
        raise NeedsConfirmation(
            _(
                "Kedua data ini menerima bantuan jenis yang sama pada periode yang sama. "
                "Setelah digabung, itu tercatat sebagai bantuan ganda. Periksa, lalu "
                "konfirmasi untuk tetap menggabungkan."
            ),
            confirm=CONFIRM_DOUBLE_AID,
            double_aid=conflicts,
        )
    return conflicts


def _check_mergeable(survivor: Person, merged: Person) -> None:
    if LifeStatus.MERGED in (survivor.life_status, merged.life_status):
        raise Conflict(_("Salah satu data ini sudah digabung ke data lain."))
    if MoveRequest.objects.filter(person=merged, status=MoveStatus.PENDING).exists():
        raise Conflict(
            _(
                "Data yang akan digabung masih punya permintaan pindah domisili yang menunggu "
                "keputusan. Putuskan permintaan itu dulu."
            )
        )


def _move_records(
    survivor: Person, merged: Person, *, actor: Actor, note: str, conflicts: list[dict]
) -> None:
    """Cases, referrals, deliveries and move requests of ``merged`` now name ``survivor``,
    each with a history row (who, why)."""
    for field in ("applicant", "beneficiary"):
        for case in Case.objects.filter(**{field: merged}).select_for_update():
            setattr(case, field, survivor)
            changed_by(case, actor, reason=note)
            case.save(update_fields=[field])
    for referral in Referral.objects.filter(beneficiary=merged).select_for_update():
        referral.beneficiary = survivor
        changed_by(referral, actor, reason=note)
        referral.save(update_fields=["beneficiary"])
    # The database holds one countable aid per type and period: the later of each two is
    # marked first, so it stays visible as double aid (on the person page).
    later = [conflict["later_delivery_id"] for conflict in conflicts]
    for delivery in Delivery.objects.filter(pk__in=later).select_for_update():
        delivery.double_aid_override_reason = _(
            "Bantuan ganda ditemukan saat penggabungan data: %(reason)s"
        ) % {"reason": note}
        delivery.double_aid_override_by = actor
        changed_by(delivery, actor, reason=note)
        delivery.save()
    for delivery in Delivery.objects.filter(person=merged).select_for_update():
        delivery.person = survivor
        changed_by(delivery, actor, reason=note)
        delivery.save(update_fields=["person"])
    for move in MoveRequest.objects.filter(person=merged).select_for_update():
        move.person = survivor
        changed_by(move, actor, reason=note)
        move.save(update_fields=["person"])


def _keep_one_record(survivor: Person, merged: Person, *, actor: Actor, note: str) -> list[str]:
    """Fill the survivor's empty data from the merged record (its NIK, family card, birth
    data, phone, address) and make the merged record a tombstone."""
    warnings = []
    moved_nik = merged.nik if merged.nik and not survivor.nik else None
    moved_family = merged.family if merged.family_id and not survivor.family_id else None
    if merged.family_id and not moved_family and merged.relationship == Relationship.HEAD:
        warnings.append(
            _("Kartu keluarga %(kk)s kini tanpa kepala keluarga; perbarui dari halaman penduduk.")
            % {"kk": merged.family.masked_kk_number}
        )
    relationship = merged.relationship
    merged.merged_into = survivor
    merged.life_status = LifeStatus.MERGED
    merged.life_status_date = timezone.localdate()
    merged.life_status_source = note[:150]
    merged.family = None
    merged.relationship = ""
    if moved_nik:
        merged.nik = None
        merged.no_nik_reason = _("NIK dipindahkan ke data yang tetap saat penggabungan.")
    changed_by(merged, actor, reason=note)
    merged.save()  # first: the NIK's unique index then lets the survivor take it
    for name in FILLED_WHEN_EMPTY:
        if not getattr(survivor, name) and getattr(merged, name):
            setattr(survivor, name, getattr(merged, name))
    if moved_nik:
        survivor.nik, survivor.no_nik_reason = moved_nik, ""
    if moved_family:
        survivor.family, survivor.relationship = moved_family, relationship
    changed_by(survivor, actor, reason=note)
    survivor.save()
    return warnings


def _close_pairs(
    pair: DuplicatePair, survivor: Person, merged: Person, *, actor: Actor, reason: str
) -> None:
    """This pair is decided "merged"; the merged record's other open pairs now compare the
    survivor (or close, when the survivor already has that pair)."""
    now = timezone.now()
    pair.status, pair.decided_by, pair.decided_at = DuplicateStatus.MERGED, actor, now
    pair.decision_reason = reason
    changed_by(pair, actor, reason=reason)
    pair.save()
    others = DuplicatePair.objects.filter(status=DuplicateStatus.OPEN).filter(
        person_a=merged
    ) | DuplicatePair.objects.filter(status=DuplicateStatus.OPEN, person_b=merged)
    for other in others.select_for_update():
        third = other.person_b_id if other.person_a_id == merged.pk else other.person_a_id
        low, high = sorted((survivor.pk, third))
        known = DuplicatePair.objects.filter(person_a=low, person_b=high).first()
        if third == survivor.pk or known is not None:
            # Already compared with the survivor: decided as that pair was ("not the same"
            # stays so), else closed with this merge.
            decided = known.status if known and known.status != DuplicateStatus.OPEN else None
            other.status = decided or DuplicateStatus.MERGED
            other.decided_by, other.decided_at = actor, now
            other.decision_reason = known.decision_reason if known and decided else reason
        else:
            other.person_a_id, other.person_b_id = low, high
        changed_by(other, actor, reason=reason)
        other.save()
