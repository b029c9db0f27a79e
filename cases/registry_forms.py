"""The person page's forms for keeping the registry true: a correction by hand, a
DTKS/DTSEN check of the family, a life event, the family card, and a new family member
(issue 14)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm

from . import limits
from .forms import PersonForm, digits_hint
from .models import LifeStatus, Person, RegistryStatus, Relationship
from .nik import KK_LENGTH_MESSAGE, NIK_LENGTH_MESSAGE
from .services import PersonInput
from .services.corrections import CORRECTABLE as CORRECTED_FIELDS
from .services.corrections import PersonCorrection


class PersonCorrectionForm(PersonForm):
    """A registered person's data corrected by hand, with the reason (the NIK is not
    corrected here: it is checked against the civil registry)."""

    reason = forms.CharField(
        label=_("Alasan perbaikan"),
        max_length=limits.REASON,
        error_messages={"required": _("Alasan perbaikan wajib diisi.")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mis. salah ketik nama saat pendaftaran; sesuai KK terbaru."),
    )

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("nik", "no_nik_reason", "existing_person_id"):
            del self.fields[name]
        for name in ("full_name", "sex", "region"):
            self.fields[name].required = True
        if person is not None and not self.is_bound:
            self.initial.update(
                {name: getattr(person, name) for name in CORRECTED_FIELDS}
                | {"region": person.region_id}
            )

    def to_correction(self) -> PersonCorrection:
        data = self.cleaned_data
        return PersonCorrection(
            **{
                name: data[name] or ("" if name != "birth_date" else None)
                for name in CORRECTED_FIELDS
            },
            region_code=data["region"].code,
        )


class RegistryCheckForm(StyledForm):
    """Cek DTKS/DTSEN: what the registry says of a family, as of when, and where it was
    looked up."""

    # Stored as the Indonesian words (a record of the registry), shown in the reader's.
    SOURCES = [
        ("Cek di SIKS-NG / DTSEN", _("Cek di SIKS-NG / DTSEN")),
        ("Berkas data terpadu dari Dinas Sosial", _("Berkas data terpadu dari Dinas Sosial")),
        ("Musyawarah desa/kelurahan", _("Musyawarah desa/kelurahan")),
    ]

    registry_status = forms.ChoiceField(
        label=_("Status DTKS/DTSEN"), choices=RegistryStatus.choices, widget=forms.RadioSelect
    )
    decile = forms.TypedChoiceField(
        label=_("Desil kesejahteraan"),
        choices=[("", _("Tidak ada desil"))] + [(n, str(n)) for n in range(1, 11)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Hanya untuk keluarga yang terdaftar; desil 1 paling miskin."),
    )
    registry_as_of = forms.DateField(
        label=_("Per tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    registry_source = forms.ChoiceField(label=_("Sumber"), choices=SOURCES)


class LifeEventForm(StyledForm):
    """What became of a person (or that they are active again), when, and who said so."""

    life_status = forms.ChoiceField(
        label=_("Status"),
        # A merged record is made by merging duplicates, never chosen here.
        choices=[(value, label) for value, label in LifeStatus.choices if value != "merged"],
        widget=forms.RadioSelect,
        help_text=_(
            "Pindah: bila desa tujuan memakai Simpul, petugasnya mengajukan pindah domisili; "
            "status kembali aktif saat permintaan itu diterima."
        ),
    )
    life_status_date = forms.DateField(
        label=_("Tanggal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Wajib untuk meninggal dunia (tanggal kematian)."),
    )
    life_status_source = forms.CharField(
        label=_("Sumber keterangan"),
        max_length=150,
        help_text=_("Mis. akta kematian Dukcapil; keterangan kepala desa; kunjungan rumah."),
    )


class FamilyForm(StyledForm):
    """The person's family card (KK) and relationship to its head, with the reason."""

    kk_number = forms.CharField(
        label=_("Nomor KK"),
        max_length=24,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", **digits_hint(KK_LENGTH_MESSAGE)}
        ),
        help_text=_("16 digit sesuai Kartu Keluarga; KK baru dibuat bila belum terdaftar."),
    )
    relationship = forms.ChoiceField(
        label=_("Hubungan dalam KK"),
        choices=[("", _("Tidak diisi"))] + Relationship.choices,
        required=False,
    )
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        max_length=limits.REASON,
        error_messages={"required": _("Alasan perubahan wajib diisi.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        # Its own element ids: the correction form on the same page also has a ``reason``.
        kwargs.setdefault("auto_id", "kk_%s")
        super().__init__(*args, **kwargs)


class PairForm(StyledForm):
    """A decision on a duplicate pair: carries the two records shown (``records``, "a,b"),
    so a pair changed by another merge meanwhile is not decided unseen."""

    records = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, pair=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pair is not None:
            self.fields["records"].initial = f"{pair.person_a_id},{pair.person_b_id}"

    def clean_records(self) -> tuple[int, int]:
        try:
            first, second = (int(part) for part in self.cleaned_data["records"].split(","))
        except ValueError:
            raise forms.ValidationError(_("Muat ulang halaman.")) from None
        return first, second


class NotSameForm(PairForm):
    """A duplicate pair decided as two people, with what showed it."""

    decision_reason = forms.CharField(
        label=_("Alasan"),
        max_length=limits.REASON,
        error_messages={"required": _("Alasan wajib diisi.")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mis. orang tua berbeda; kembar; dicek di rumah oleh pendamping."),
    )


class MergeForm(PairForm):
    """A duplicate pair merged into the record that stays, with the reason; aid received
    twice must be confirmed (``referrals.merge.merge_people``)."""

    survivor = forms.TypedChoiceField(
        label=_("Data yang tetap"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih data yang tetap.")},
    )
    decision_reason = forms.CharField(
        label=_("Alasan penggabungan"),
        max_length=limits.REASON,
        error_messages={"required": _("Alasan penggabungan wajib diisi.")},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mis. orang yang sama, dicek dengan KK dan KTP; salah ketik NIK saat input."),
    )
    confirm_different_nik = forms.BooleanField(
        label=_(
            "Saya sudah memastikan salah satu NIK di atas salah ketik dan tetap menggabungkan."
        ),
        required=False,
    )
    confirm_double_aid = forms.BooleanField(
        label=_("Saya sudah memeriksa bantuan ganda di atas dan tetap menggabungkan."),
        required=False,
    )

    def __init__(self, *args, pair=None, **kwargs):
        super().__init__(*args, pair=pair, **kwargs)
        if pair is not None:
            self.fields["survivor"].choices = [
                (
                    person.pk,
                    _("%(name)s (data no. %(id)s)") % {"name": person.full_name, "id": person.pk},
                )
                for person in (pair.person_a, pair.person_b)
            ]


class FamilyMemberForm(PersonForm):
    """A member of the person's family card who is not registered yet: identity, birth and
    relationship to the head. They live where the person lives (the same village and
    address; a correction changes it later). The form asks for the name, sex and
    relationship; whether a NIK or the reason for none is given, and a valid NIK, are the
    service's rules (``register_person``)."""

    relationship = forms.ChoiceField(
        label=_("Hubungan dalam KK"),
        choices=[("", _("Pilih hubungan"))] + Relationship.choices,
        error_messages={"required": _("Hubungan dalam KK wajib dipilih.")},
    )

    def __init__(self, *args, **kwargs):
        # Its own element ids: the person page also holds the correction form's fields.
        kwargs.setdefault("auto_id", "anggota_%s")
        super().__init__(*args, **kwargs)
        for name in ("phone", "region", "rt", "rw", "street", "existing_person_id"):
            del self.fields[name]
        for name in ("full_name", "sex"):
            self.fields[name].required = True
        self.fields["nik"].widget.attrs.update(digits_hint(NIK_LENGTH_MESSAGE))
        self.order_fields(["full_name", "nik", "no_nik_reason", "birth_place", "birth_date"])

    def to_member_input(self, home: Person) -> PersonInput:
        """The new member as the service takes them, living at ``home``'s address."""
        data = self.cleaned_data
        return PersonInput(
            full_name=data["full_name"],
            nik=data["nik"],
            no_nik_reason=data["no_nik_reason"],
            birth_place=data["birth_place"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            region_code=home.region_id,
            rt=home.rt,
            rw=home.rw,
            street=home.street,
            relationship=data["relationship"],
        )
