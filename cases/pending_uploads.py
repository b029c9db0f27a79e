"""Files chosen on a form that comes back with errors are kept (issue 11, fault 6).

A browser never re-sends a file input: before this, a validation error on the intake form
(an empty description) silently dropped every chosen KTP, KK and SKTM. Now each file is
checked on arrival (``attachment_errors``, the same rule as an attachment) and kept as a
``PendingUpload`` of its owner and the form's one-time token (``cases.form_tokens``), under
a generated name. The page shows it as attached, with a remove box; the next POST of the
same form hands the kept files to the form again, so the service stores them as real
attachments. They are deleted when the form succeeds (``discard_pending_uploads``, called by
``once_per_form_token`` for the fields the view kept) or, abandoned, after a day by the
periodic job.

Every query is scoped to the owner: nobody else's upload is reached by its id or token.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.http import HttpRequest
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from core.forms import MultipleFileField

from .attachments import attachment_errors
from .models import PendingUpload

REMOVE_FIELD = "remove_upload"
PENDING_LIFETIME = dt.timedelta(days=1)


@dataclass
class KeptUploads:
    """What a form gets instead of ``request.FILES``.

    ``files``: field HTML name -> kept files (old and just arrived), for the form;
    ``pending``: field HTML name -> ``PendingUpload`` rows, for the page;
    ``errors``: form field name -> why a file that just arrived was refused.
    """

    files: MultiValueDict = field(default_factory=MultiValueDict)
    pending: dict[str, list[PendingUpload]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)


def _delete(rows) -> int:
    """Delete ``rows`` (a queryset) and their stored files; returns how many."""
    count = 0
    for row in list(rows):
        row.file.delete(save=False)
        row.delete()
        count += 1
    return count


def keep_uploads(
    request: HttpRequest, *, token: str, fields: list[tuple[str, str, bool]]
) -> KeptUploads:
    """Apply this POST's removals and new files to the kept uploads of ``token``.

    ``fields``: (form field name, HTML name, several files allowed). A new file of a
    one-file field replaces the kept one. Files refused by ``attachment_errors`` are not
    kept; their messages come back in ``errors``.
    """
    owner = request.user
    mine = PendingUpload.objects.filter(owner=owner, token=token)
    removed = [v for v in request.POST.getlist(REMOVE_FIELD) if v.isascii() and v.isdecimal()]
    if removed:
        _delete(mine.filter(pk__in=[int(v) for v in removed if len(v) < 18]))
    kept = KeptUploads()
    for name, html_name, multiple in fields:
        for upload in request.FILES.getlist(html_name):
            errors = attachment_errors(upload)
            if errors:
                kept.errors.setdefault(name, []).extend(errors)
                continue
            if not multiple:
                _delete(mine.filter(field=html_name))
            PendingUpload.objects.create(
                owner=owner,
                token=token,
                field=html_name,
                file=File(upload, name="upload"),
                size=upload.size,
            )
    for row in mine.filter(field__in=[html_name for _name, html_name, _m in fields]):
        kept.pending.setdefault(row.field, []).append(row)
        kept.files.appendlist(row.field, row.file)
    return kept


def keep_form_uploads(request: HttpRequest, form: forms.Form, *, token: str) -> KeptUploads:
    """``keep_uploads`` for every file field of ``form`` (bound, not yet validated): the
    form then validates the kept files, shows refused ones as its field errors, and carries
    ``pending_uploads`` for the page (``{% pending_uploads_of field %}``)."""
    fields = [
        (name, form.add_prefix(name), isinstance(f, MultipleFileField))
        for name, f in form.fields.items()
        if isinstance(f, forms.FileField)
    ]
    if not fields or not token:
        return KeptUploads(files=form.files)
    kept = keep_uploads(request, token=token, fields=fields)
    # Which kept uploads this request may use up (several forms of a page share a token).
    request.kept_upload_fields = [html_name for _name, html_name, _m in fields]
    form.files = kept.files
    form.pending_uploads = kept.pending
    for name, errors in kept.errors.items():
        for error in errors:
            form.add_error(name, error)
    return kept


def discard_pending_uploads(*, owner: AbstractBaseUser, token: str, fields: list[str]) -> int:
    """Delete ``owner``'s kept uploads of ``token`` for the HTML field names ``fields`` (their
    form succeeded); returns how many."""
    return _delete(PendingUpload.objects.filter(owner=owner, token=token, field__in=fields))


def pending_uploads_purge_expired(now: dt.datetime | None = None) -> int:
    """Delete uploads kept for more than a day (their form was abandoned), files included;
    returns how many. Run by the periodic job (``workflows.background``)."""
    cutoff = (now or timezone.now()) - PENDING_LIFETIME
    return _delete(PendingUpload.objects.filter(created_at__lte=cutoff))
