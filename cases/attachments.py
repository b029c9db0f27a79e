"""Saving uploaded documents and photos: type and size rules in one place."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Attachment, AttachmentKind

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


def attachment_errors(upload) -> list[str]:
    """Why ``upload`` cannot be stored, or an empty list."""
    errors = []
    if upload.size > MAX_BYTES:
        errors.append(_("%(name)s terlalu besar (maksimal 5 MB).") % {"name": upload.name})
    head = upload.read(16)
    upload.seek(0)
    detected = next(
        (kind for kind, sigs in _SIGNATURES.items() if any(head.startswith(s) for s in sigs)),
        None,
    )
    if detected is None:
        errors.append(_("%(name)s bukan foto (JPG, PNG, WebP) atau PDF.") % {"name": upload.name})
    return errors


# Catalogue document types that have an attachment kind of their own; the rest are "other".
KIND_BY_DOCUMENT_TYPE = {
    "ktp": AttachmentKind.KTP,
    "kk": AttachmentKind.KK,
    "sktm": AttachmentKind.SKTM,
}


def save_attachment(
    *, actor, case_id: int, upload, kind: str, visit=None, document_type=None
) -> Attachment:
    """Store one checked upload. Callers validate with ``attachment_errors`` first."""
    head = upload.read(16)
    upload.seek(0)
    content_type = next(
        kind_ for kind_, sigs in _SIGNATURES.items() if any(head.startswith(s) for s in sigs)
    )
    attachment = Attachment(
        case_id=case_id,
        kind=kind,
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        visit=visit,
        document_type=document_type,
        uploaded_by=actor,
    )
    attachment._history_user = actor  # also right outside a request (API token, jobs)
    attachment.save()
    return attachment
