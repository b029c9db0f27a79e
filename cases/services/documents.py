"""Documents and notes on a case."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import DocumentType, Service
from cases import selectors
from cases.attachments import KIND_BY_DOCUMENT_TYPE, attachment_errors, save_attachment
from cases.history import changed_by
from cases.models import (
    Attachment,
    AttachmentKind,
    Case,
    Note,
    NoteKind,
)
from cases.services.inputs import DocumentInput, FieldErrors
from core.errors import IntakeError, NotAllowed
from core.types import Actor


def check_documents(documents: list[DocumentInput], errors: FieldErrors) -> list[tuple]:
    """Validate uploads; returns (document type or None, kind, upload) for each one."""
    codes = {d.document_type for d in documents if d.document_type}
    types = {t.code: t for t in DocumentType.objects.filter(code__in=codes)}
    checked = []
    for document in documents:
        name = f"documents.{document.document_type}" if document.document_type else "documents"
        doc_type = types.get(document.document_type)
        if document.document_type and doc_type is None:
            errors.add(
                name, _("Jenis dokumen %(code)s tidak dikenal.") % {"code": document.document_type}
            )
            continue
        kind = document.kind or KIND_BY_DOCUMENT_TYPE.get(
            document.document_type, AttachmentKind.OTHER
        )
        if kind not in AttachmentKind.values:
            errors.add("kind", _("Jenis lampiran tidak dikenal."))
            continue
        for problem in attachment_errors(document.upload):
            errors.add(name, problem)
        checked.append((doc_type, kind, document.upload))
    return checked


def save_documents(case: Case, checked: list[tuple], *, actor: Actor) -> list[Attachment]:
    return [
        save_attachment(
            actor=actor, case_id=case.pk, upload=upload, kind=kind, document_type=doc_type
        )
        for doc_type, kind, upload in checked
    ]


def add_documents(*, actor: Actor, case: Case, documents: list[DocumentInput]) -> list[Attachment]:
    """Attach documents to a case (kelengkapan berkas). Only the case team may add them."""
    if not selectors.sees_whole_case(actor, case):
        raise NotAllowed(_("Hanya tim kasus yang dapat menambah lampiran."))
    errors = FieldErrors()
    if not documents:
        errors.add("documents", _("Pilih minimal satu berkas."))
    checked = check_documents(documents, errors)
    if errors.by_field:
        raise IntakeError(field_errors=errors.by_field)
    with transaction.atomic():
        return save_documents(case, checked, actor=actor)


def add_note(*, actor: Actor, case: Case, text: str) -> Note:
    """A free note on the case (catatan), for the case team."""
    if not selectors.sees_whole_case(actor, case):
        raise NotAllowed(_("Hanya tim kasus yang dapat menambah catatan."))
    if not (text or "").strip():
        raise IntakeError(field_errors={"text": [_("Isi catatan wajib diisi.")]})
    with transaction.atomic():
        note = Note(case=case, kind=NoteKind.NOTE, text=text.strip(), author=actor)
        changed_by(note, actor)
        note.save()
    return note


def missing_documents_warning(services: list[Service], checked: list[tuple]) -> list[str]:
    """The intake warning for required documents of ``services`` not among the uploads."""
    attached = {doc_type.pk for doc_type, _kind, _upload in checked if doc_type}
    missing = {
        doc.pk: doc
        for service in services
        for doc in service.required_documents.all()
        if doc.pk not in attached
    }
    if not missing:
        return []
    names = ", ".join(sorted(doc.display_name for doc in missing.values()))
    return [_("Berkas persyaratan belum lengkap: %(names)s.") % {"names": names}]
