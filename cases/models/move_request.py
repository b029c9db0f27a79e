"""Move requests (pindah domisili): a person moving to another area."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Region
from cases.limits import REASON, limited_text
from cases.models.registry import Person, rt_rw_validator


class MoveStatus(models.TextChoices):
    PENDING = "pending", _("Menunggu keputusan")
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")


class MoveDecision(models.TextChoices):
    """What the back office of the person's area decides on a move request."""

    ACCEPT = "accept", _("Terima: pindahkan data ke wilayah baru")
    REJECT = "reject", _("Tolak")


class MoveRequest(models.Model):
    """Pindah domisili: the area a person now lives in asks the area they are registered in
    to hand their record over (``cases.moves``).

    Filed by an officer of the receiving area, decided by the back office (or supervisor) of
    the person's current area before ``due_at`` (working days). Until it is accepted the
    receiving side learns nothing of the person beyond "registered elsewhere"; on acceptance
    the person's domicile changes (with history) and scope follows it.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("penduduk"), on_delete=models.PROTECT, related_name="move_requests"
    )
    from_region = models.ForeignKey(
        Region,
        verbose_name=_("dari desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Domisili terdaftar saat permintaan diajukan."),
    )
    to_region = models.ForeignKey(
        Region, verbose_name=_("ke desa/kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    rt = models.CharField(_("RT"), max_length=3, blank=True, validators=[rt_rw_validator])
    rw = models.CharField(_("RW"), max_length=3, blank=True, validators=[rt_rw_validator])
    street = models.CharField(_("alamat jalan"), max_length=255, blank=True)
    reason = limited_text(_("alasan pindah"), REASON, max_length=REASON)
    status = models.CharField(
        _("status"), max_length=10, choices=MoveStatus.choices, default=MoveStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diajukan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("diajukan"))
    due_at = models.DateTimeField(_("tenggat"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decision_reason = limited_text(_("alasan keputusan"), REASON, max_length=REASON, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("permintaan pindah domisili")
        verbose_name_plural = _("permintaan pindah domisili")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["from_region", "status"]),
            models.Index(fields=["to_region", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="one_pending_move_per_person",
            )
        ]

    def __str__(self) -> str:
        return _("Pindah domisili #%(id)s") % {"id": self.pk}
