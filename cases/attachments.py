"""Saving uploaded documents and photos: type and size rules and file names in one place.

The uploader's file name is never stored: a KTP photographed by a phone arrives as
``KTP_1904011208850001.jpg``. Every stored file gets a generated name, made of what it is
and which case it belongs to (``ktp-1904-2026-000012-1.jpg``), used for the storage path
(``cases.models.attachment_path``), the attachment row and its history, and the name the
download is offered under. Error messages show the uploader's name with NIK-like numbers
masked, so that neither the page nor a stored API answer (idempotency) holds one.
"""

from __future__ import annotations

from django.core.files import File
from django.utils.translation import gettext as _

from config.reporting import mask_id_numbers

from .models import Attachment, AttachmentKind, Case

ALLOWED_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
MAX_BYTES = 5 * 1024 * 1024

# The first bytes of each allowed type: the browser's content type is not trusted.
_SIGNATURES = {
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/webp": [b"RIFF"],
    "application/pdf": [b"%PDF-"],
}


def _shown_name(upload) -> str:
    """The uploader's file name for an error message, NIK-like numbers masked."""
    return mask_id_numbers(upload.name or "", "••••")


def attachment_errors(upload) -> list[str]:
    """Why ``upload`` cannot be stored, or an empty list."""
    errors = []
    if upload.size > MAX_BYTES:
        errors.append(_("%(name)s terlalu besar (maksimal 5 MB).") % {"name": _shown_name(upload)})
    if _detected_type(upload) is None:
        errors.append(
            _("%(name)s bukan foto (JPG, PNG, WebP) atau PDF.") % {"name": _shown_name(upload)}
        )
    return errors


def _detected_type(upload) -> str | None:
    head = upload.read(16)
    upload.seek(0)
    return next(
        (kind for kind, sigs in _SIGNATURES.items() if any(head.startswith(s) for s in sigs)),
        None,
    )


# Catalogue document types that have an attachment kind of their own; the rest are "other".
KIND_BY_DOCUMENT_TYPE = {
    "ktp": AttachmentKind.KTP,
    "kk": AttachmentKind.KK,
    "sktm": AttachmentKind.SKTM,
}


def name_prefix(*, kind: str, document_type=None) -> str:
    """What a file is, as its name starts: the catalogue code (``ktp``, ``foto-rumah``) or
    the attachment kind (``visit-photo``, ``delivery-proof``)."""
    code = document_type.code if document_type is not None else kind
    return code.lower().replace("_", "-")


def generated_name(*, case_id: int, kind: str, document_type=None, content_type: str) -> str:
    """``ktp-1904-2026-000012-3.jpg``: what the file is, the case number, the how-manieth
    file of that sort on the case, and the extension of its detected type.

    Two uploads of the same sort to the same case at the same instant may get the same
    name; their storage paths still differ (the storage adds a suffix to a taken path).
    """
    number = Case.objects.values_list("number", flat=True).get(pk=case_id)
    stem = f"{name_prefix(kind=kind, document_type=document_type)}-{number}-"
    taken = Attachment.objects.filter(case_id=case_id, original_name__startswith=stem).count()
    return f"{stem}{taken + 1}{ALLOWED_TYPES[content_type]}"


def save_attachment(
    *, actor, case_id: int, upload, kind: str, visit=None, document_type=None
) -> Attachment:
    """Store one checked upload under a generated name (never ``upload.name``) and return
    its row. Callers validate with ``attachment_errors`` first. ``document_type`` is a
    ``agencies.DocumentType`` or None."""
    content_type = _detected_type(upload)
    name = generated_name(
        case_id=case_id, kind=kind, document_type=document_type, content_type=content_type
    )
    attachment = Attachment(
        case_id=case_id,
        kind=kind,
        file=File(upload, name=name),
        original_name=name,
        content_type=content_type,
        size=upload.size,
        visit=visit,
        document_type=document_type,
        uploaded_by=actor,
    )
    attachment._history_user = actor  # also right outside a request (API token, jobs)
    attachment.save()
    return attachment
