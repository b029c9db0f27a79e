"""HTML forms: parse and validate input, then hand it to the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import PpksCategory, Region, Service

from .models import CaseKind, Channel, Priority, Relationship, Sex
from .services import PersonInput

PERSON_FIELDS = [
    "nik",
    "no_nik_reason",
    "full_name",
    "birth_place",
    "birth_date",
    "sex",
    "phone",
    "region",
    "rt",
    "rw",
    "street",
]

# Service field names (dotted, from IntakeError) -> form field names.
ERROR_FIELD_MAP = {
    "address.region_code": "region",
    "address.rt": "rt",
    "address.rw": "rw",
    "address.street": "street",
}


class PersonForm(forms.Form):
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
        label=_("Tanggal lahir"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin"), choices=[("", "—")] + Sex.choices, required=False
    )
    phone = forms.CharField(label=_("Telepon / HP"), max_length=20, required=False)
    region = forms.ModelChoiceField(
        label=_("Desa/kelurahan"), queryset=Region.objects.none(), required=False
    )
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    street = forms.CharField(label=_("Alamat jalan"), max_length=255, required=False)
    existing_person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["region"].queryset = villages

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


class CaseForm(forms.Form):
    """What the request is about; the people come from two PersonForms."""

    kind = forms.ChoiceField(label=_("Jenis"), choices=CaseKind.choices)
    channel = forms.ChoiceField(label=_("Saluran"), choices=Channel.choices)
    ppks_category = forms.ModelChoiceField(
        label=_("Kategori PPKS"),
        queryset=PpksCategory.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    # Required-ness of the rest is the intake service's rule, so all errors show at once.
    description = forms.CharField(
        label=_("Uraian kebutuhan"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    requested_services = forms.ModelMultipleChoiceField(
        label=_("Layanan yang dimohon"),
        queryset=Service.objects.filter(is_active=True).prefetch_related("required_documents"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kk_number = forms.CharField(
        label=_("Nomor KK penerima manfaat"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    relationship = forms.ChoiceField(
        label=_("Hubungan penerima dalam KK"),
        choices=[("", "—")] + Relationship.choices,
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
        widget=forms.Textarea(attrs={"rows": 2}),
    )
