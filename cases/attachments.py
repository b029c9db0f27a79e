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
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from core.reporting import mask_id_numbers

from .models import Attachment, AttachmentKind, Case

ALLOWED_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}
MAX_BYTES = 5 * 1024 * 1024
# A photo's pixel cap: a phone photo is 12-50 MP; 40 MP keeps a decoded image under
# ~160 MB of memory. Checked from the header, before any pixel is decoded.
MAX_PIXELS = 40_000_000
# PDF objects inspected before a file is refused as too complex to check.
MAX_PDF_OBJECTS = 50_000

# What Pillow names each allowed image format.
_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# PDF dictionary keys and action types that run something when the file is opened or
# clicked, or carry another file: JavaScript, launch, form submission, embedded files.
_PDF_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/AA",
    "/Launch",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/EF",
    "/RichMedia",
    "/XFA",
}
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}


class _Refused(Exception):
    """An upload's content fails a rule: ``message`` (with ``%(name)s`` for the uploader's
    file name) and its other ``params``."""

    def __init__(self, message: str, **params: int):
        super().__init__(message)
        self.message = message
        self.params = params


def _shown_name(upload) -> str:
    """The uploader's file name for an error message, NIK-like numbers masked."""
    return mask_id_numbers(upload.name or "", "••••")


def attachment_errors(upload) -> list[str]:
    """Why ``upload`` cannot be stored, or an empty list.

    Rules: at most ``MAX_BYTES``; an image must decode with Pillow as JPEG, PNG or WebP
    with at most ``MAX_PIXELS`` pixels; a PDF must parse with pypdf and carry no active
    content (JavaScript, automatic or launch actions, embedded files); the type the client
    declared, if any, must be the type found; anything else is refused.
    """
    name = _shown_name(upload)
    if upload.size > MAX_BYTES:
        return [_("%(name)s terlalu besar (maksimal 5 MB).") % {"name": name}]
    try:
        found = verified_type(upload)
    except _Refused as refused:
        return [refused.message % {"name": name, **refused.params}]
    if found is None:
        return [_("%(name)s bukan foto (JPG, PNG, WebP) atau PDF.") % {"name": name}]
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if _is_declared_content_type(declared) and declared != found:
        return [
            _("%(name)s dikirim sebagai %(declared)s, tetapi isinya %(found)s.")
            % {"name": name, "declared": declared, "found": found}
        ]
    return []


def _is_declared_content_type(declared: str) -> bool:
    """Whether the client claimed an image or a PDF (``text/plain`` or
    ``application/octet-stream`` from a client that does not know claims nothing)."""
    return declared.startswith("image/") or declared == "application/pdf"


def verified_type(upload) -> str | None:
    """The content type ``upload``'s bytes prove (a key of ``ALLOWED_TYPES``), or None.

    Raises ``_Refused`` for a file of an allowed kind that breaks a rule (too many pixels,
    active PDF content). Leaves the file at its start.
    """
    head = upload.read(8)
    upload.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return _verified_pdf(upload)
        return _verified_image(upload)
    finally:
        upload.seek(0)


def _verified_image(upload) -> str | None:
    """Decode the image fully, after checking its pixel count from the header."""
    try:
        with Image.open(upload, formats=list(_IMAGE_FORMATS)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _Refused(
                    _("%(name)s terlalu besar: %(width)d x %(height)d piksel (maksimal 40 juta)."),
                    width=width,
                    height=height,
                )
            image.load()
            return _IMAGE_FORMATS.get(image.format or "")
    except _Refused:
        raise
    except Image.DecompressionBombError as error:
        raise _Refused(_("%(name)s terlalu besar (maksimal 40 juta piksel).")) from error
    except Exception:  # noqa: BLE001 (any failure to decode untrusted bytes means "not an image")
        return None


def _verified_pdf(upload) -> str | None:
    """Parse the PDF and walk every object reachable from its trailer for active content."""
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _Refused(_("%(name)s terkunci dengan kata sandi; kirim PDF tanpa kata sandi."))
        if len(reader.pages) == 0:
            return None
        _refuse_active_content(reader.trailer)
    except _Refused:
        raise
    except Exception:  # noqa: BLE001 (any failure to parse untrusted bytes means "not a PDF")
        return None
    return "application/pdf"


def _refuse_active_content(root) -> None:
    """Raise ``_Refused`` if any object reachable from ``root`` is active content."""
    active = _Refused(
        _("%(name)s berisi JavaScript, tindakan otomatis atau file tersemat; kirim PDF biasa.")
    )
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise active
        if isinstance(item, DictionaryObject):
            if _PDF_ACTIVE_KEYS.intersection(item.keys()):
                raise active
            if item.get("/S") in _PDF_ACTIVE_ACTIONS:
                raise active
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def download_response(attachment: Attachment) -> FileResponse:
    """A stored file as a download, for the page and the API alike: always ``attachment``
    (never shown inline), under its generated name, with the type verified at upload
    (``application/octet-stream`` for a row stored before verification), not cached by
    shared caches or the browser, and not content-sniffed."""
    content_type = attachment.content_type
    if content_type not in ALLOWED_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    content_type = verified_type(upload)
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
