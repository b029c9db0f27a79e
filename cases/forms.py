"""HTML forms: parse and validate input, then hand it to the services."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from agencies.models import DocumentType, PpksCategory, Region, Service
from core.forms import MultipleFileField, StyledForm

from . import limits
from .models import (
    CaseKind,
    Channel,
    ComplaintTier,
    MoveDecision,
    Priority,
    Relationship,
    Sex,
)
from .nik import KK_LENGTH_MESSAGE, NIK_LENGTH, NIK_LENGTH_MESSAGE, validate_phone
from .services import DocumentInput, PersonInput

DOCUMENT_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


# Service field names (dotted, from IntakeError) -> form field names.
ERROR_FIELD_MAP = {
    "address.region_code": "region",
    "address.rt": "rt",
    "address.rw": "rw",
    "address.street": "street",
    "existing_person_id": "",  # a hidden field: shown above the person's fields instead
}


def _count_placeholder(message) -> str:
    return str(message).replace("%(count)d", "{count}")


def digits_hint(message) -> dict:
    """The attributes of a 16-digit number's input (NIK, No. KK) that make simpul.js say,
    while it is typed, that it has another number of digits: the server's own message for a
    wrong length (``cases.nik``), ``{count}`` standing for the digits typed, in the
    language of the page it is rendered on."""
    return {
        "data-digits": str(NIK_LENGTH),
        "data-digits-message": lazy(_count_placeholder, str)(message),
    }


class PersonForm(StyledForm):
    """One person's identity and address, used for the applicant and the beneficiary."""

    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 digit sesuai KTP/KK."),
    )
    no_nik_reason = forms.CharField(
        label=_("Alasan tanpa NIK"),
        required=False,
        max_length=200,
        help_text=_("Isi hanya bila orang ini belum memiliki NIK."),
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=150, required=False)
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[limits.validate_birth_date],
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"),
        choices=[("", _("Pilih jenis kelamin"))] + Sex.choices,
        required=False,
    )
    phone = forms.CharField(
        label=_("Telepon / HP"), max_length=20, required=False, validators=[validate_phone]
    )
    region = forms.ModelChoiceField(
        label=_("Desa/kelurahan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Pilih desa/kelurahan"),
    )
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    street = forms.CharField(label=_("Alamat jalan"), max_length=255, required=False)
    existing_person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The intake page writes the NIK input by hand (cases/_person_fieldset.html).
    nik_digits_message = digits_hint(NIK_LENGTH_MESSAGE)["data-digits-message"]

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["region"].queryset = villages
        # Typed by hand, never filled from the NIK: kept as they are when the NIK lookup
        # redraws the block (htmx), so nothing typed while it runs is lost.
        for name in ("no_nik_reason", "full_name", "birth_place", "phone", "rt", "rw", "street"):
            self.fields[name].widget.attrs["hx-preserve"] = "true"
        # What the intake page shows beside the fields (web.forms.IntakePersonForm).
        self.lookup = None
        self.picker = None

    def to_input(self, relationship: str = "") -> PersonInput:
        data = self.cleaned_data
        return PersonInput(
            full_name=data["full_name"],
            nik=data["nik"],
            no_nik_reason=data["no_nik_reason"],
            birth_place=data["birth_place"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            phone=data["phone"],
            region_code=data["region"].code if data["region"] else "",
            rt=data["rt"],
            rw=data["rw"],
            street=data["street"],
            relationship=relationship,
            existing_person_id=data["existing_person_id"],
        )


class ServiceCheckboxes(forms.CheckboxSelectMultiple):
    """Service checkboxes that carry their required documents (``data-docs``) for the
    intake page's checklist script."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        service = getattr(value, "instance", None)
        if service is not None:
            docs = service.required_documents.all()
            option["attrs"]["data-docs"] = " ".join(doc.code for doc in docs)
            option["required_documents"] = docs
        return option


class CaseForm(StyledForm):
    """What the request is about; the people come from two PersonForms."""

    # A service request; complaints, questions and suggestions have their own form.
    kind = forms.ChoiceField(
        choices=[(CaseKind.SERVICE_REQUEST, CaseKind.SERVICE_REQUEST.label)],
        initial=CaseKind.SERVICE_REQUEST,
        widget=forms.HiddenInput,
    )
    channel = forms.ChoiceField(label=_("Saluran"), choices=Channel.choices)
    ppks_category = forms.ModelChoiceField(
        label=_("Kategori PPKS"),
        queryset=PpksCategory.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=_("Pilih kategori PPKS"),
    )
    # Required-ness of the rest is the intake service's rule, so all errors show at once.
    description = forms.CharField(
        label=_("Uraian kebutuhan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=limits.DESCRIPTION,
    )
    requested_services = forms.ModelMultipleChoiceField(
        label=_("Layanan yang dimohon"),
        queryset=Service.objects.filter(is_active=True).prefetch_related("required_documents"),
        to_field_name="code",
        required=False,
        widget=ServiceCheckboxes,
    )
    kk_number = forms.CharField(
        label=_("Nomor KK penerima manfaat"),
        required=False,
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                **digits_hint(KK_LENGTH_MESSAGE),
            }
        ),
    )
    relationship = forms.ChoiceField(
        label=_("Hubungan penerima dalam KK"),
        choices=[("", _("Tidak diisi"))] + Relationship.choices,
        required=False,
    )
    priority = forms.ChoiceField(
        label=_("Prioritas"), choices=Priority.choices, initial=Priority.NORMAL
    )
    beneficiary_is_applicant = forms.BooleanField(
        label=_("Penerima manfaat adalah pemohon sendiri"), required=False, initial=True
    )
    deceased_override_reason = forms.CharField(
        label=_("Alasan pengecualian (penerima tercatat meninggal dunia)"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


COMPLAINT_KINDS = [(kind, kind.label) for kind in CaseKind if kind != CaseKind.SERVICE_REQUEST]


class ComplaintForm(StyledForm):
    """Pengaduan, pertanyaan atau saran: what it is about and how urgent its handling is;
    the person who brings it comes from a PersonForm. No PPKS category, no services. The
    view puts each tier's due date in the tier's label."""

    kind = forms.ChoiceField(
        label=_("Jenis"),
        choices=COMPLAINT_KINDS,
        initial=CaseKind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    complaint_tier = forms.ChoiceField(
        label=_("Tingkat (menentukan tenggat penanganan)"),
        choices=ComplaintTier.choices,
        initial=ComplaintTier.NORMATIVE,
        widget=forms.RadioSelect,
    )
    channel = forms.ChoiceField(label=_("Saluran"), choices=Channel.choices)
    subject = forms.CharField(label=_("Perihal"), max_length=limits.SUBJECT)
    description = forms.CharField(
        label=_("Isi pengaduan, pertanyaan atau saran"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=limits.DESCRIPTION,
    )
    priority = forms.ChoiceField(
        label=_("Prioritas"), choices=Priority.choices, initial=Priority.NORMAL
    )
    deceased_override_reason = forms.CharField(
        label=_("Alasan pengecualian (pelapor tercatat meninggal dunia)"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Isi hanya bila pelapor tercatat meninggal dunia, mis. data kematian keliru."),
    )


class ComplaintTierForm(StyledForm):
    """A complaint's tier, changed after intake: its open tasks' due dates follow."""

    complaint_tier = forms.ChoiceField(label=_("Tingkat"), choices=ComplaintTier.choices)


class IntakeDocumentsForm(StyledForm):
    """One file input per catalogue document type (KTP, KK, SKTM, ...), all optional:
    what the requested services still lack is reported as a warning, not refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_types = list(DocumentType.objects.all())
        for doc in self.document_types:
            self.fields[f"doc_{doc.code}"] = MultipleFileField(
                label=doc.display_name, required=False, accept=DOCUMENT_ACCEPT
            )
        self.style_widgets()

    def rows(self):
        return [(doc, self[f"doc_{doc.code}"]) for doc in self.document_types]

    def to_inputs(self) -> list[DocumentInput]:
        return [
            DocumentInput(upload=upload, document_type=doc.code)
            for doc in self.document_types
            for upload in self.cleaned_data.get(f"doc_{doc.code}") or []
        ]


class DocumentForm(StyledForm):
    """Add a document to a case later (kelengkapan berkas)."""

    document_type = forms.ModelChoiceField(
        label=_("Jenis dokumen"),
        queryset=DocumentType.objects.all(),
        to_field_name="code",
        empty_label=_("Pilih jenis dokumen"),
    )
    files = MultipleFileField(
        label=_("Berkas"),
        accept=DOCUMENT_ACCEPT,
        help_text=_("JPG, PNG, WebP atau PDF, maks. 5 MB."),
    )

    def to_inputs(self) -> list[DocumentInput]:
        code = self.cleaned_data["document_type"].code
        return [DocumentInput(upload=f, document_type=code) for f in self.cleaned_data["files"]]


class NoteForm(StyledForm):
    text = forms.CharField(
        label=_("Catatan baru"), widget=forms.Textarea(attrs={"rows": 3}), max_length=limits.NOTE
    )


class MoveRequestForm(StyledForm):
    """Pindah domisili: the NIK of a person registered elsewhere and their new address here.
    Posted, so the NIK never lands in a URL."""

    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", **digits_hint(NIK_LENGTH_MESSAGE)}
        ),
        help_text=_("16 digit sesuai KTP/KK."),
    )
    region = forms.ModelChoiceField(
        label=_("Desa/kelurahan tujuan"),
        queryset=Region.objects.none(),
        empty_label=_("Pilih desa/kelurahan"),
    )
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    street = forms.CharField(label=_("Alamat jalan"), max_length=255, required=False)
    reason = forms.CharField(
        label=_("Alasan pindah"),
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mis. pindah ikut suami sejak Maret; surat pindah dari Dukcapil."),
    )

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["region"].queryset = villages


class MoveDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=MoveDecision.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Alasan"),
        max_length=limits.REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wajib bila ditolak."),
    )
