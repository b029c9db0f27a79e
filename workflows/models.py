"""Workflow-side domain data: what each viewflow task is about, its deadline, notifications.

viewflow owns the workflow state (``Process``/``Task``); a :class:`WorkItem` sits beside each
human task with the case, the kind, the queue it belongs to and the stored due date, so that
inboxes, queues and "overdue" are plain indexed queries that never parse viewflow internals.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history import register as register_history
from simple_history.models import HistoricalRecords
from viewflow import jsonstore
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from cases.models import FollowUpOutcome, Recommendation
from core.deadlines import at_risk_q, overdue_q
from referrals.models import ApprovalOutcome, ReferralStatus, ReviewDecision

OPEN_TASK_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


class TaskKind(models.TextChoices):
    VERIFICATION = "verification", _("Verifikasi (kunjungan rumah)")
    ASSESSMENT = "assessment", _("Asesmen")
    SERVICE_DECISION = "service_decision", _("Penetapan layanan")
    REFERRAL_REVIEW = "referral_review", _("Tanggapan rujukan")
    APPROVAL = "approval", _("Persetujuan")
    DELIVERY = "delivery", _("Penyaluran")
    FOLLOW_UP = "follow_up", _("Tindak lanjut")
    CLOSURE = "closure", _("Penutupan")
    HANDLING = "handling", _("Penanganan pengaduan")
    RESPONSE = "response", _("Jawaban")


class VerificationResult(models.TextChoices):
    """What the verification step decided: the home visit's recommendation, or ``waived``
    when a supervisor skipped the visit (``not_eligible`` sends the case to closure)."""

    ELIGIBLE = Recommendation.ELIGIBLE.value, Recommendation.ELIGIBLE.label
    NOT_ELIGIBLE = Recommendation.NOT_ELIGIBLE.value, Recommendation.NOT_ELIGIBLE.label
    WAIVED = "waived", _("Kunjungan ditiadakan")


class AssessmentDecision(models.TextChoices):
    """The assessment: refer to agencies, resolve locally (to closure), or, when a round of
    referrals delivered some aid and rejected the rest, go on to the social worker's
    follow-up with what was delivered."""

    REFER = "refer", _("Rujuk ke instansi")
    RESOLVED_LOCALLY = "resolved_locally", _("Selesai di lokal")
    FOLLOW_UP = "follow_up", _("Lanjut ke tindak lanjut (bantuan sudah disalurkan)")


class ServiceDecision(models.TextChoices):
    """The manager's decision on the back office's recommendation (penetapan layanan, SLRT
    practice): send it as recommended, send changed services, or return it to the back
    office with a reason."""

    APPROVE = "approve", _("Tetapkan sesuai rekomendasi")
    CHANGE = "change", _("Tetapkan dengan perubahan layanan")
    RETURN = "return", _("Kembalikan ke back office")


class ReferralRoundResult(models.TextChoices):
    """How a round of referrals ended, once every referral of it has (``hooks.
    collect_referral_results``): a rejection sends the case back to assessment, a delivery
    on to follow-up, anything else (declined, revoked) to closure."""

    REASSESS = "reassess", _("Kembalikan ke asesmen")
    DELIVERED = ReferralStatus.DELIVERED.value, ReferralStatus.DELIVERED.label
    NONE = "none", _("Tanpa penyaluran")


class ClosureDecision(models.TextChoices):
    """The closure task: close the case, or take it back (assessment, or handling for a
    complaint)."""

    CLOSE = "close", _("Tutup kasus")
    REOPEN = "reopen", _("Kembalikan ke asesmen")


class CaseProcess(Process):
    """The process of one case's flow (service request or complaint); ``process.case`` is
    the concrete Case row.

    The typed fields live in ``Process.data`` (viewflow's ``jsonstore``), under their own
    names: the services write the decisions, the flow's gateways read them.
    """

    case_id = jsonstore.IntegerField()
    reopened = jsonstore.BooleanField(default=False)
    verification = jsonstore.CharField(
        max_length=20, blank=True, choices=VerificationResult.choices
    )
    assessment = jsonstore.CharField(max_length=20, blank=True, choices=AssessmentDecision.choices)
    # Set by the assessment from the handling office: the recommendation waits for the
    # manager's decision. The recommended referrals as ``{"service", "agency", "note",
    # "beneficiary"}`` (codes and a person id), the form the assessment takes them in.
    needs_service_decision = jsonstore.BooleanField(default=False)
    recommended_referrals = jsonstore.JSONField(default=list)
    service_decision = jsonstore.CharField(
        max_length=20, blank=True, choices=ServiceDecision.choices
    )
    referral_ids = jsonstore.JSONField(default=list)
    referrals = jsonstore.CharField(max_length=20, blank=True, choices=ReferralRoundResult.choices)
    follow_up = jsonstore.CharField(max_length=20, blank=True, choices=FollowUpOutcome.choices)
    closure = jsonstore.CharField(max_length=20, blank=True, choices=ClosureDecision.choices)
    # The agency a complaint was forwarded to (its code).
    forwarded = jsonstore.CharField(max_length=40, blank=True)

    class Meta:
        proxy = True
        verbose_name = _("proses kasus")
        verbose_name_plural = _("proses kasus")


class ReferralProcess(Process):
    """The process of one referral's flow; ``process.referral`` is the Referral row.

    Typed fields in ``Process.data`` as for :class:`CaseProcess`.
    """

    case_id = jsonstore.IntegerField()
    referral_id = jsonstore.IntegerField()
    review = jsonstore.CharField(max_length=20, blank=True, choices=ReviewDecision.choices)
    approval = jsonstore.CharField(max_length=20, blank=True, choices=ApprovalOutcome.choices)

    class Meta:
        proxy = True
        verbose_name = _("proses rujukan")
        verbose_name_plural = _("proses rujukan")


class WorkItemQuerySet(models.QuerySet):
    def open(self) -> WorkItemQuerySet:
        return self.filter(task__status__in=OPEN_TASK_STATUSES)

    def overdue(self, now) -> WorkItemQuerySet:
        return self.open().filter(overdue_q(now))

    def at_risk(self, now) -> WorkItemQuerySet:
        """Less than a quarter of the allowed time left, not yet overdue."""
        return self.open().filter(at_risk_q(now))


class WorkItem(models.Model):
    """The domain side of one human viewflow task."""

    task = models.OneToOneField(
        Task, primary_key=True, on_delete=models.CASCADE, related_name="work"
    )
    kind = models.CharField(_("jenis tugas"), max_length=20, choices=TaskKind.choices)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("kasus"), on_delete=models.CASCADE, related_name="work_items"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        verbose_name=_("rujukan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="work_items",
    )
    # Queue: the case's village (matched against staff areas) or the receiving agency.
    region = models.ForeignKey(
        "agencies.Region", verbose_name=_("wilayah"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"))
    due_at = models.DateTimeField(_("tenggat"))
    at_risk_at = models.DateTimeField(_("mulai berisiko"))
    # 0: on time; 1: overdue notice sent; 2: escalated. Raised by compare-and-set only.
    escalation_step = models.PositiveSmallIntegerField(_("tahap eskalasi"), default=0)
    round = models.PositiveSmallIntegerField(_("putaran"), default=1)

    objects = WorkItemQuerySet.as_manager()
    # Who re-queued it (a complaint forwarded to an agency) and when it was escalated.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tugas")
        verbose_name_plural = _("tugas")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["due_at"]),
            models.Index(fields=["at_risk_at"]),
            models.Index(fields=["kind", "due_at"]),
            models.Index(fields=["agency", "due_at"]),
            models.Index(fields=["region", "due_at"]),
            models.Index(fields=["escalation_step", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case.number}"


class DeadlineRule(models.Model):
    """Allowed working days for a task kind, optionally narrowed to a service, agency or tier.

    The most specific matching rule wins; ``escalate_after_days`` is the second period after
    the due date at which an overdue task escalates to the head of agency / SLRT manager.
    """

    kind = models.CharField(_("jenis tugas"), max_length=20, choices=TaskKind.choices)
    service = models.ForeignKey(
        "agencies.Service",
        verbose_name=_("layanan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("instansi"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    complaint_tier = models.CharField(
        _("tingkat pengaduan"),
        max_length=15,
        blank=True,
        choices=[
            ("minor", _("Ringan")),
            ("normative", _("Normatif")),
            ("non_oversight", _("Non-pengawasan")),
            ("investigation", _("Perlu investigasi")),
        ],
    )
    working_days = models.PositiveSmallIntegerField(_("hari kerja"))
    escalate_after_days = models.PositiveSmallIntegerField(
        _("eskalasi setelah terlambat (hari kerja)"), default=3
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aturan tenggat")
        verbose_name_plural = _("aturan tenggat")
        ordering = ["kind"]

    def __str__(self) -> str:
        scope = " / ".join(
            str(x) for x in (self.service, self.agency, self.get_complaint_tier_display()) if x
        )
        return f"{self.get_kind_display()} {scope}: {self.working_days}"

    def clean(self) -> None:
        duplicate = DeadlineRule.objects.filter(
            kind=self.kind,
            service=self.service,
            agency=self.agency,
            complaint_tier=self.complaint_tier,
        ).exclude(pk=self.pk)
        if duplicate.exists():
            raise ValidationError(_("Aturan tenggat untuk cakupan ini sudah ada."))


# What each kind of notice says, rendered when it is read, in the reader's language
# (``Notification.text``), from the parameters stored with it.
NOTICE_MESSAGES = {
    "overdue": _("Tugas %(kind)s kasus %(case)s terlambat (tenggat %(due)s)."),
    "escalation": _("Eskalasi: tugas %(kind)s kasus %(case)s masih terlambat sejak %(due)s."),
}


class Notification(models.Model):
    """An in-app notice (also e-mailed) to one user.

    ``kind`` names its message (``NOTICE_MESSAGES``) and ``params`` holds what fills it
    (``{"kind": <task kind>, "case": <case number>, "due": <ISO datetime>}``): ``text``
    renders it in the active language when read. ``message`` keeps the text in the site's
    language as written (the admin's list, and notices written before messages had keys).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("penerima"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("jenis"), max_length=30)
    message = models.CharField(_("pesan"), max_length=300)
    params = models.JSONField(_("isi pesan"), default=dict, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("kasus"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    work_item = models.ForeignKey(
        WorkItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    read_at = models.DateTimeField(_("dibaca"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("dikirim lewat email"), null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]
        constraints = [
            # One notice per task, kind and person: a re-run of the escalation job is harmless.
            models.UniqueConstraint(
                fields=["work_item", "kind", "recipient"],
                condition=Q(work_item__isnull=False),
                name="one_notice_per_task_kind_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The notice in the active language (``message`` when it has no parameters)."""
        template = NOTICE_MESSAGES.get(self.kind)
        if template is None or not self.params:
            return self.message
        params = dict(self.params)
        if params.get("kind") in TaskKind.values:
            params["kind"] = TaskKind(params["kind"]).label
        due = parse_datetime(str(params.get("due", "")))
        if due is not None:
            params["due"] = date_format(timezone.localtime(due), "j M Y H:i")
        try:
            return str(template) % params
        except (KeyError, TypeError, ValueError):
            return self.message


# viewflow's tasks get a history too: who claimed, who was reassigned, when each status came.
register_history(Task, app="workflows", table_name="workflows_historicaltask")
