"""One form per task kind; each hands its cleaned data to the matching workflow service.

Forms only parse input. The rules (what is required for which decision, double aid, ...)
live in the services (``workflows.services``, and ``referrals.services`` for a referral or a
delivery) and come back as field errors. ``FORM_BY_KIND`` maps each task kind to its form.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Service
from cases import limits
from cases.models import Channel, FollowUpOutcome, Outcome, Recommendation
from core.forms import MultipleFileField, StyledForm
from referrals.models import (
    ApprovalDecision,
    DeliveryChannel,
    ReviewDecision,
)

from . import services
from .models import AssessmentDecision, ClosureDecision, ServiceDecision, TaskKind
from .referral_fields import offer_recommendation, suggest_routes

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _text(label, required=False, rows=3, max_length=limits.NOTE, help_text="", marked=False):
    """A free-text box; its limit comes from ``cases.limits`` (notes unless told).
    ``marked``: required by the service, which says so with the other errors of the form
    (the form lets it through); the page marks it like a required field."""
    field = forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )
    field.marked_required = marked  # type: ignore[attr-defined]
    return field


class VerificationForm(StyledForm):
    visited_at = forms.DateTimeField(
        label=_("Waktu kunjungan"), widget=DATETIME, required=False, initial=timezone.now
    )
    findings = _text(_("Hasil kunjungan"), marked=True, rows=4, max_length=limits.FINDINGS)
    household_conditions = _text(_("Kondisi rumah tangga"), max_length=limits.FINDINGS)
    recommendation = forms.ChoiceField(
        label=_("Rekomendasi"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    latitude = forms.DecimalField(
        label=_("Lintang (GPS)"), required=False, max_digits=9, decimal_places=6
    )
    longitude = forms.DecimalField(
        label=_("Bujur (GPS)"), required=False, max_digits=9, decimal_places=6
    )
    photos = MultipleFileField(
        label=_("Foto rumah"),
        required=False,
        accept="image/*",
        capture="environment",
        help_text=_("JPG/PNG, maksimal 5 MB per foto."),
    )

    def submit(self, actor, task_id):
        return services.complete_verification(actor=actor, task_id=task_id, **self.cleaned_data)


class AssessmentForm(StyledForm):
    resolution = forms.ChoiceField(
        label=_("Keputusan"),
        choices=AssessmentDecision.choices,
        widget=forms.RadioSelect,
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Layanan yang dirujuk"),
        queryset=Service.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Instansi tujuan dipilih oleh aturan rujukan kabupaten/kota."),
    )
    note = _text(
        _("Catatan asesmen"),
        help_text=_("Catatan internal back office; tidak dicetak di surat rujukan."),
    )

    def submit(self, actor, task_id):
        data = self.cleaned_data
        return services.complete_assessment(
            actor=actor,
            task_id=task_id,
            resolution=data["resolution"],
            referrals=[
                {
                    "service": s.code,
                    "note": data.get(f"reason_{s.code}") or "",
                    "beneficiary": data.get(f"for_{s.code}") or None,
                }
                for s in data["services"]
            ],
            note=data["note"],
        )


class ServiceDecisionForm(StyledForm):
    """Penetapan layanan: the services come ticked as the back office recommended them."""

    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=ServiceDecision.choices,
        widget=forms.RadioSelect,
        initial=ServiceDecision.APPROVE,
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Layanan yang ditetapkan"),
        queryset=Service.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Untuk mengubah layanan, ubah centangnya lalu pilih 'Tetapkan dengan perubahan "
            "layanan'."
        ),
    )
    reason = _text(
        _("Alasan / catatan (wajib bila dikembalikan)"),
        max_length=limits.REASON,
    )

    # The recommendation ({"service", "agency", "note", "beneficiary"}), set by form_for.
    recommendation: list[dict] = []

    def _as_recommended(self, data: dict) -> bool:
        """Whether the services, each letter's reason and each receiver are as recommended."""
        ticked = {s.code for s in data.get("services") or []}
        if ticked != {spec["service"] for spec in self.recommendation}:
            return False
        return all(
            (data.get(f"reason_{spec['service']}") or "") == (spec.get("note") or "")
            and data.get(f"for_{spec['service']}") in (None, "", spec.get("beneficiary"))
            for spec in self.recommendation
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == ServiceDecision.APPROVE and not self._as_recommended(data):
            self.add_error(
                "decision",
                _(
                    "Layanan, alasan atau penerima berbeda dari rekomendasi: pilih 'Tetapkan "
                    "dengan perubahan layanan', atau kembalikan isiannya."
                ),
            )
        return data

    def submit(self, actor, task_id):
        data = self.cleaned_data
        # A recommended service keeps the agency the back office chose; an added one goes
        # where the routing rules send it.
        agencies = {spec["service"]: spec.get("agency", "") for spec in self.recommendation}
        referrals = [
            {
                "service": s.code,
                "agency": agencies.get(s.code, ""),
                "note": data.get(f"reason_{s.code}") or "",
                "beneficiary": data.get(f"for_{s.code}") or None,
            }
            for s in data["services"]
        ]
        return services.decide_services(
            actor=actor,
            task_id=task_id,
            decision=data["decision"],
            referrals=referrals if data["decision"] == ServiceDecision.CHANGE else [],
            reason=data["reason"],
        )


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Tanggapan"),
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
    )
    reason = _text(_("Alasan (wajib bila ditolak)"), max_length=limits.REASON)

    def submit(self, actor, task_id):
        return services.review_referral(actor=actor, task_id=task_id, **self.cleaned_data)


class ApprovalForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=ApprovalDecision.choices,
        widget=forms.RadioSelect,
    )
    note = _text(_("Catatan / alasan"))

    def submit(self, actor, task_id):
        return services.decide_approval(actor=actor, task_id=task_id, **self.cleaned_data)


class DeliveryForm(StyledForm):
    delivered_at = forms.DateTimeField(
        label=_("Waktu penyaluran"), widget=DATETIME, required=False, initial=timezone.now
    )
    channel = forms.ChoiceField(label=_("Cara penyaluran"), choices=DeliveryChannel.choices)
    amount = forms.DecimalField(label=_("Nilai (Rp)"), required=False, min_value=0)
    items = forms.CharField(label=_("Barang / layanan"), required=False, max_length=limits.ITEMS)
    note = _text(_("Catatan"))
    proof = forms.FileField(label=_("Bukti penyaluran"), required=False)
    double_aid_override_reason = _text(
        _("Alasan pengecualian bantuan ganda (khusus pejabat penyetuju)"), max_length=limits.REASON
    )

    def submit(self, actor, task_id):
        return services.record_delivery(actor=actor, task_id=task_id, **self.cleaned_data)


class FollowUpForm(StyledForm):
    contacted_at = forms.DateTimeField(
        label=_("Waktu kontak"), widget=DATETIME, required=False, initial=timezone.now
    )
    outcome = forms.ChoiceField(
        label=_("Hasil"), choices=FollowUpOutcome.choices, widget=forms.RadioSelect
    )
    note = _text(_("Catatan"))

    def submit(self, actor, task_id):
        return services.complete_follow_up(actor=actor, task_id=task_id, **self.cleaned_data)


class ClosureForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=ClosureDecision.choices,
        widget=forms.RadioSelect,
        initial=ClosureDecision.CLOSE,
    )
    outcome = forms.ChoiceField(
        label=_("Hasil (kosongkan: ditentukan dari jalannya kasus)"),
        choices=[("", _("Ditentukan dari jalannya kasus"))] + Outcome.choices,
        required=False,
    )
    note = _text(_("Catatan"))

    def submit(self, actor, task_id):
        return services.complete_closure(actor=actor, task_id=task_id, **self.cleaned_data)


class HandlingForm(StyledForm):
    note = _text(_("Catatan penanganan"), marked=True, rows=4)
    forward_to_agency = forms.ModelChoiceField(
        label=_("Teruskan ke instansi (opsional)"),
        queryset=Agency.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("Tidak diteruskan: ditangani back office"),
    )

    def submit(self, actor, task_id):
        agency = self.cleaned_data["forward_to_agency"]
        return services.complete_handling(
            actor=actor,
            task_id=task_id,
            note=self.cleaned_data["note"],
            forward_to_agency=agency.code if agency else "",
        )


class ResponseForm(StyledForm):
    response = _text(_("Jawaban kepada warga"), marked=True, rows=4)
    channel = forms.ChoiceField(label=_("Saluran"), choices=Channel.choices)

    def submit(self, actor, task_id):
        return services.complete_response(actor=actor, task_id=task_id, **self.cleaned_data)


class ReopenForm(StyledForm):
    reason = _text(_("Alasan membuka kembali"), required=True, max_length=limits.REASON)


class WaiveForm(StyledForm):
    reason = _text(_("Alasan kunjungan ditiadakan"), required=False, max_length=limits.REASON)


FORM_BY_KIND: dict[str, type[forms.Form]] = {
    TaskKind.VERIFICATION: VerificationForm,
    TaskKind.ASSESSMENT: AssessmentForm,
    TaskKind.SERVICE_DECISION: ServiceDecisionForm,
    TaskKind.REFERRAL_REVIEW: ReviewForm,
    TaskKind.APPROVAL: ApprovalForm,
    TaskKind.DELIVERY: DeliveryForm,
    TaskKind.FOLLOW_UP: FollowUpForm,
    TaskKind.CLOSURE: ClosureForm,
    TaskKind.HANDLING: HandlingForm,
    TaskKind.RESPONSE: ResponseForm,
}


def form_for(item, data=None, files=None, *, user=None) -> forms.Form:
    """The completion form of ``item``'s kind, prefixed by the task, fitted to its case (the
    assessment's routable services and, for ``user``, the family members who may receive
    aid; the service decision's recommendation; the delivery's usual channel; the
    handling's agencies; the answer's channel)."""
    form_class = FORM_BY_KIND[item.kind]
    form = form_class(data, files, prefix=f"t{item.pk}")
    if isinstance(form, AssessmentForm):
        suggest_routes(form, item, user)
    if isinstance(form, ServiceDecisionForm):
        offer_recommendation(form, item, user)
    if isinstance(form, AssessmentForm | ServiceDecisionForm):
        form.style_widgets()  # the per-service fields were added after __init__
    if isinstance(form, DeliveryForm) and not form.is_bound and item.referral is not None:
        # The service's usual channel first (PBI-JK: a service; BLT: cash).
        form.initial["channel"] = item.referral.service.delivery_channel or None
    if isinstance(form, ResponseForm) and not form.is_bound:
        # The answer goes back the way the complaint came, unless the officer says otherwise.
        form.initial["channel"] = item.case.channel
    if isinstance(form, HandlingForm):
        form.fields["forward_to_agency"].queryset = Agency.objects.filter(
            is_active=True, regency_id=item.case.region.regency_code
        )
    return form
