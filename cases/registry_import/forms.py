"""The upload form of the registry import page: which kind of file, the file, and the area
when the officer imports for more than one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from agencies.models import Region
from cases.models import ImportKind
from core.forms import StyledForm


class RegistryImportForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Jenis berkas"),
        choices=ImportKind.choices,
        initial=ImportKind.EXTRACT,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("Berkas CSV atau XLSX"),
        validators=[FileExtensionValidator(["csv", "xlsx"])],
        help_text=_(
            "Ekstrak DTKS/DTSEN: kolom NIK, NO_KK, NAMA, JENIS_KELAMIN, TEMPAT_LAHIR, "
            "TGL_LAHIR, ALAMAT, RT, RW, KODE_WILAYAH, DESIL, STATUS, TANGGAL_DATA. Daftar "
            "kematian: NIK, TANGGAL_MENINGGAL, SUMBER."
        ),
        error_messages={"required": _("Pilih berkas yang akan diperiksa.")},
    )
    area = forms.ChoiceField(label=_("Wilayah"), required=False)

    def __init__(self, *args: Any, areas: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(areas) > 1:
            names = dict(Region.objects.filter(code__in=areas).values_list("code", "name"))
            choices = [(code, names.get(code, code)) for code in areas]
            self.fields["area"].choices = choices  # type: ignore[attr-defined]
            self.fields["area"].required = True
        else:
            del self.fields["area"]
        self.style_widgets()
