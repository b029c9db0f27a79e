"""Referrals (rujukan) from the back office to an agency, and the aid they deliver."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Agency, DeliveryChannel, Service
from cases.limits import ITEMS, NOTE, REASON, limited_text


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Dikirim, menunggu tanggapan")
    ACCEPTED = "accepted", _("Diterima, menunggu persetujuan")
    APPROVED = "approved", _("Disetujui, menunggu penyaluran")
    DELIVERED = "delivered", _("Disalurkan")
    REJECTED = "rejected", _("Ditolak instansi")
    DECLINED = "declined", _("Tidak disetujui")
    REVOKED = "revoked", _("Dibatalkan pengirim")


class ReviewDecision(models.TextChoices):
    """The receiving agency's answer to a referral (``referrals.services.referral_review``)."""

    ACCEPT = "accept", _("Terima")
    REJECT = "reject", _("Tolak")


class ApprovalDecision(models.TextChoices):
    """One approver's decision on a referral (``referrals.services.referral_approval``)."""

    APPROVE = "approve", _("Setujui")
    REJECT = "reject", _("Tolak")
    REVISE = "revise", _("Kembalikan untuk diperbaiki")


class ApprovalOutcome(models.TextChoices):
    """Where an approver's decision takes the referral (what ``referral_approval`` returns,
    read by the referral flow's gateway): ``approve`` once every level of the service's
    approval chain approved, ``next_level`` while levels remain."""

    APPROVE = ApprovalDecision.APPROVE.value, _("Disetujui, menunggu penyaluran")
    NEXT_LEVEL = "next_level", _("Menunggu persetujuan tingkat berikutnya")
    REVISE = ApprovalDecision.REVISE.value, ApprovalDecision.REVISE.label
    REJECT = ApprovalDecision.REJECT.value, _("Tidak disetujui")


ENDED_STATUSES = {
    ReferralStatus.DELIVERED,
    ReferralStatus.REJECTED,
    ReferralStatus.DECLINED,
    ReferralStatus.REVOKED,
}


# The letter's verification code: 12 characters of an alphabet without look-alikes (no 0/O,
# 1/I/L), about 60 bits: not guessable, and short enough to type from paper.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


class Referral(models.Model):
    """One case referred to one agency for one service; runs its own referral flow."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("kasus"), on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("layanan"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("instansi"), on_delete=models.PROTECT, related_name="referrals"
    )
    # Who receives the aid: the case's beneficiary or a member of their family card (a
    # child's PIP on the mother's case). Set on every referral; the double-aid rule and the
    # aid history follow this person.
    beneficiary = models.ForeignKey(
        "cases.Person",
        verbose_name=_("penerima bantuan"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    note = limited_text(_("catatan rujukan"), NOTE, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikirim oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("dikirim pada"))
    due_at = models.DateTimeField(_("tenggat"), db_index=True)
    at_risk_at = models.DateTimeField(_("mulai berisiko"), db_index=True)
    # When the agency accepted it: a delivery cannot have happened before (issue 11, fault 7).
    accepted_at = models.DateTimeField(_("diterima pada"), null=True, blank=True)
    approvals_done = models.PositiveSmallIntegerField(_("persetujuan diperoleh"), default=0)
    decision_reason = limited_text(_("alasan keputusan"), REASON, blank=True)
    ended_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    # Printed on the letter with the verification URL: anyone holding the paper can check
    # that it is genuine and still current, without seeing personal data.
    verification_code = models.CharField(
        _("kode verifikasi surat"),
        max_length=CODE_LENGTH,
        unique=True,
        default=new_verification_code,
        editable=False,
    )
    process = models.OneToOneField(
        "viewflow.Process",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="referral",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["agency", "status", "due_at"]),
            models.Index(fields=["case", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.agency}: {self.service}"

    @property
    def receiver(self):
        """The person who receives the aid: ``beneficiary`` (always set since it exists), or
        the case's beneficiary."""
        return self.beneficiary or self.case.beneficiary

    @property
    def is_ended(self) -> bool:
        return self.status in ENDED_STATUSES


def aid_period_key(period: str, when: dt.date) -> str:
    """The period label the double-aid rule compares: ``2026-11``, ``2026-Q4`` or ``2026``."""
    if period == "year":
        return f"{when.year}"
    if period == "quarter":
        return f"{when.year}-Q{(when.month - 1) // 3 + 1}"
    return f"{when.year}-{when.month:02d}"


DOUBLE_AID_CONSTRAINT = "one_aid_type_per_person_and_period"


class Delivery(models.Model):
    """Aid delivered (penyaluran) for a referral: when, how, what, with proof."""

    referral = models.OneToOneField(
        Referral, verbose_name=_("rujukan"), on_delete=models.PROTECT, related_name="delivery"
    )
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("penerima"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("layanan"), on_delete=models.PROTECT, related_name="+"
    )
    aid_type = models.SlugField(_("jenis bantuan"), max_length=40, blank=True)
    period = models.CharField(_("periode"), max_length=7, blank=True)
    delivered_at = models.DateTimeField(_("disalurkan pada"))
    channel = models.CharField(_("cara penyaluran"), max_length=15, choices=DeliveryChannel.choices)
    amount = models.DecimalField(
        _("nilai (Rp)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    items = models.CharField(_("barang / layanan"), max_length=ITEMS, blank=True)
    note = limited_text(_("catatan"), NOTE, blank=True)
    # A case attachment like any other (kind ``delivery_proof``): stored under a generated
    # name and downloaded through the access-checked, access-logged attachment route.
    proof = models.OneToOneField(
        "cases.Attachment",
        verbose_name=_("bukti penyaluran"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery",
    )
    double_aid_override_reason = limited_text(
        _("alasan pengecualian bantuan ganda"), REASON, blank=True
    )
    double_aid_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengecualian disetujui oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dicatat oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penyaluran")
        verbose_name_plural = _("penyaluran")
        ordering = ["-delivered_at"]
        indexes = [models.Index(fields=["person", "aid_type", "period"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="delivery_amount_positive"
            ),
            # The double-aid rule, held by the database (referrals.services.delivery_record
            # checks it first and names the earlier delivery): one delivery of an aid type
            # per person and period, unless an approver overrode the rule with a reason.
            models.UniqueConstraint(
                fields=["person", "aid_type", "period"],
                condition=Q(double_aid_override_reason="") & ~Q(aid_type=""),
                name=DOUBLE_AID_CONSTRAINT,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral} @ {self.delivered_at:%Y-%m-%d}"
